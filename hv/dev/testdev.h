/*
 * hv/dev/testdev.h — BareGT's test device (docs/guests.md, "Test
 * device"): an MMIO page with a byte pattern and a scratch area, every
 * write logged; and a write-protected RAM page whose writes are logged
 * and applied, except to its last 8 bytes. Used by the system tests to
 * check the decoder, the emulator and the device bus on the real path.
 */
#ifndef BAREGT_HV_DEV_TESTDEV_H
#define BAREGT_HV_DEV_TESTDEV_H

#include <stdbool.h>
#include <stdint.h>

#define TESTDEV_GPA        0xe0000000ull
#define TESTDEV_SIZE       0x1000ull
#define TESTDEV_SCRATCH    0x800u
#define TESTDEV_WP_GPA     0x300000ull
#define TESTDEV_WP_VETO    0xff8u          /* offset of the vetoed qword */

struct vm_desc;
struct testdev;

/* The pattern byte at offset x (shared with the test guests). */
static inline uint8_t testdev_pattern(uint64_t x)
{
	return (uint8_t)(0xa5u ^ (x & 0xff) ^ ((x >> 8) & 0xff));
}

/* Put the device on the VM's bus; NULL (logged) if it cannot go there
 * or there is no memory. testdev_detach takes it off and frees it. */
struct testdev *testdev_attach(const struct vm_desc *vm);
void testdev_detach(struct testdev *td);

#endif
