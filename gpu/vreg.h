/*
 * gpu/vreg.h — a vGPU's virtual register file for the 2 MiB MMIO range of
 * BAR0 (docs/vgpu.md). Storage is one dword per 4 bytes of the range; a
 * sorted table of descriptors gives registers their behaviour: reset
 * value, read-only bits, "masked" registers (bits 31:16 of a write select
 * which of bits 15:0 change; GEN9-FACTS §4), and read/write hooks.
 * Offsets without a descriptor read back what was written and are
 * counted; each such offset is reported once. Accesses of 1, 2, 4 and 8
 * bytes; an 8-byte access is two dword accesses, low then high. Pure.
 */
#ifndef BAREGT_GPU_VREG_H
#define BAREGT_GPU_VREG_H

#include <stdbool.h>
#include <stdint.h>

#define VREG_MMIO_SIZE  0x200000u
#define VREG_DWORDS     (VREG_MMIO_SIZE / 4)

#define VREG_MASKED     (1u << 0)   /* bits 31:16 of a write are a mask */

/* Read hook: what a read of the dword at off returns, given what is
 * stored. */
typedef uint32_t (*vreg_read_fn)(void *owner, uint32_t off, uint32_t stored);
/* Write hook: what to store at off, given the old value and the value the
 * write produces after the read-only and masked rules; return old to
 * drop the write. */
typedef uint32_t (*vreg_write_fn)(void *owner, uint32_t off, uint32_t old,
                                  uint32_t value);

struct vreg_desc {
	uint32_t offset;           /* dword aligned */
	uint32_t count;            /* consecutive dwords with this behaviour, >= 1 */
	uint32_t reset;            /* reset value of each dword */
	uint32_t ro_mask;          /* bits no write can change */
	uint32_t flags;            /* VREG_MASKED */
	vreg_read_fn read;         /* optional */
	vreg_write_fn write;       /* optional */
	const char *name;
};

/* Called once per unknown dword offset, on its first access. */
typedef void (*vreg_unknown_fn)(void *owner, uint32_t off, bool write);

struct vreg_file {
	uint32_t *regs;            /* VREG_DWORDS, the caller's memory */
	uint8_t *reported;         /* VREG_DWORDS bits, the caller's memory */
	const struct vreg_desc *desc;
	unsigned ndesc;
	void *owner;
	vreg_unknown_fn unknown;   /* optional */
	uint64_t unknown_reads, unknown_writes;
};

/*
 * Set up the file: every dword 0, then each descriptor's reset value;
 * clears reported. Returns false if the table is not sorted, overlaps,
 * is not dword aligned or runs past VREG_MMIO_SIZE.
 */
bool vreg_init(struct vreg_file *f, uint32_t *regs, uint8_t *reported,
               const struct vreg_desc *desc, unsigned ndesc, void *owner,
               vreg_unknown_fn unknown);

/* Back to reset values (reported and counters kept). */
void vreg_reset(struct vreg_file *f);

/* The descriptor covering off, or NULL. Binary search. */
const struct vreg_desc *vreg_find(const struct vreg_file *f, uint32_t off);

/* size 1, 2, 4 or 8 and off + size <= VREG_MMIO_SIZE, else false. A
 * 1/2-byte access must not cross a dword; a 4/8-byte one must be dword
 * aligned. */
bool vreg_read(struct vreg_file *f, uint32_t off, unsigned size, uint64_t *value);
bool vreg_write(struct vreg_file *f, uint32_t off, unsigned size, uint64_t value);

#endif
