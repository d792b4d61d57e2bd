/*
 * hv/testdev.h — BareGT's test device (docs/guests.md, "Test device"):
 * an MMIO page with a byte pattern and a scratch area, every write logged;
 * and a write-protected RAM page whose writes are logged and applied,
 * except to its last 8 bytes. Used by the system tests to check the
 * decoder, the emulator and the trap registry on the real path.
 */
#ifndef BAREGT_HV_TESTDEV_H
#define BAREGT_HV_TESTDEV_H

#include <stdbool.h>
#include <stdint.h>

#define TESTDEV_GPA        0xe0000000ull
#define TESTDEV_SIZE       0x1000ull
#define TESTDEV_SCRATCH    0x800u
#define TESTDEV_WP_GPA     0x300000ull
#define TESTDEV_WP_VETO    0xff8u          /* offset of the vetoed qword */

struct vm;

/* The pattern byte at offset x (shared with the test guests). */
static inline uint8_t testdev_pattern(uint64_t x)
{
	return (uint8_t)(0xa5u ^ (x & 0xff) ^ ((x >> 8) & 0xff));
}

bool testdev_attach(struct vm *vm);

#endif
