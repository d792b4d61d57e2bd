/*
 * gpu/vreg.c — a vGPU's virtual register file for the 2 MiB MMIO range of
 * BAR0 (gpu/vreg.h, docs/vgpu.md). Owns the descriptor table checks, the
 * dword storage rules (read-only bits, masked registers, hooks), the
 * accounting of offsets without a descriptor, and access validation.
 * Pure: no hardware, no allocation; the caller provides the storage.
 */
#include <stddef.h>
#include <string.h>
#include "gpu/gen9.h"
#include "gpu/vreg.h"

#define REPORTED_BYTES  (VREG_DWORDS / 8)

/* Masked registers keep only bits 15:0; a write's bits 31:16 say which of
 * them change (GEN9-FACTS §4: set = (b << 16) | b, clear = b << 16). */
#define MASKED_VALUE_BITS   GEN9_MASKED_BITS
#define MASKED_SELECT_SHIFT GEN9_MASKED_SHIFT

/* ---- descriptor table ------------------------------------------------ */

/* offset dword aligned, count >= 1, offset + 4 * count inside the range. */
static bool desc_valid(const struct vreg_desc *d)
{
	if (d->offset & 3u)
		return false;
	if (d->offset >= VREG_MMIO_SIZE || d->count == 0)
		return false;
	return d->count <= (VREG_MMIO_SIZE - d->offset) / 4;
}

/* Each descriptor valid, sorted by offset, none reaching into the next. */
static bool table_valid(const struct vreg_desc *desc, unsigned ndesc)
{
	unsigned i;

	if (ndesc > 0 && desc == NULL)
		return false;
	for (i = 0; i < ndesc; i++) {
		if (!desc_valid(&desc[i]))
			return false;
		if (i > 0 && desc[i - 1].offset + 4 * desc[i - 1].count >
		             desc[i].offset)
			return false;
	}
	return true;
}

static uint32_t desc_reset_value(const struct vreg_desc *d)
{
	return (d->flags & VREG_MASKED) ? d->reset & MASKED_VALUE_BITS
	                                : d->reset;
}

static void store_reset_values(struct vreg_file *f)
{
	unsigned i;
	uint32_t k;

	memset(f->regs, 0, VREG_DWORDS * sizeof(f->regs[0]));
	for (i = 0; i < f->ndesc; i++) {
		const struct vreg_desc *d = &f->desc[i];
		uint32_t first = d->offset / 4;

		for (k = 0; k < d->count; k++)
			f->regs[first + k] = desc_reset_value(d);
	}
}

bool vreg_init(struct vreg_file *f, uint32_t *regs, uint8_t *reported,
               const struct vreg_desc *desc, unsigned ndesc, void *owner,
               vreg_unknown_fn unknown)
{
	if (regs == NULL || reported == NULL || !table_valid(desc, ndesc))
		return false;
	f->regs = regs;
	f->reported = reported;
	f->desc = desc;
	f->ndesc = ndesc;
	f->owner = owner;
	f->unknown = unknown;
	f->unknown_reads = 0;
	f->unknown_writes = 0;
	memset(reported, 0, REPORTED_BYTES);
	store_reset_values(f);
	return true;
}

void vreg_reset(struct vreg_file *f)
{
	store_reset_values(f);
}

const struct vreg_desc *vreg_find(const struct vreg_file *f, uint32_t off)
{
	unsigned lo = 0, hi = f->ndesc;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct vreg_desc *d = &f->desc[mid];

		if (off < d->offset)
			hi = mid;
		else if ((off - d->offset) / 4 >= d->count)
			lo = mid + 1;
		else
			return d;
	}
	return NULL;
}

/* ---- offsets without a descriptor ------------------------------------ */

/* Count the access; report the dword offset on its first access of
 * either kind. */
static void note_unknown(struct vreg_file *f, uint32_t dw_off, bool write)
{
	uint32_t index = dw_off / 4;
	uint8_t bit = (uint8_t)(1u << (index % 8));

	if (write)
		f->unknown_writes++;
	else
		f->unknown_reads++;
	if (f->reported[index / 8] & bit)
		return;
	f->reported[index / 8] |= bit;
	if (f->unknown != NULL)
		f->unknown(f->owner, dw_off, write);
}

/* ---- one dword ------------------------------------------------------- */

static uint32_t read_dword(struct vreg_file *f, uint32_t dw_off)
{
	const struct vreg_desc *d = vreg_find(f, dw_off);
	uint32_t stored = f->regs[dw_off / 4];

	if (d == NULL) {
		note_unknown(f, dw_off, false);
		return stored;
	}
	return d->read != NULL ? d->read(f->owner, dw_off, stored) : stored;
}

/* Bits 31:16 of value select which of bits 15:0 take value's bits. old
 * holds bits 15:0 only, and so does the result. */
static uint32_t masked_merge(uint32_t old, uint32_t value)
{
	uint32_t select = value >> MASKED_SELECT_SHIFT;

	return (old & ~select) | (value & select);
}

/* What a descriptor's rules make of a write of value over old: masked
 * merge, then read-only bits, then the hook. A masked register keeps bits
 * 15:0 only, whatever the hook returns. */
static uint32_t apply_desc(struct vreg_file *f, const struct vreg_desc *d,
                           uint32_t dw_off, uint32_t old, uint32_t value)
{
	bool masked = (d->flags & VREG_MASKED) != 0;

	if (masked)
		value = masked_merge(old, value);
	value = (old & d->ro_mask) | (value & ~d->ro_mask);
	if (d->write != NULL)
		value = d->write(f->owner, dw_off, old, value);
	return masked ? value & MASKED_VALUE_BITS : value;
}

static void write_dword(struct vreg_file *f, uint32_t dw_off, uint32_t value)
{
	const struct vreg_desc *d = vreg_find(f, dw_off);
	uint32_t *slot = &f->regs[dw_off / 4];

	if (d == NULL) {
		*slot = value;
		note_unknown(f, dw_off, true);
		return;
	}
	*slot = apply_desc(f, d, dw_off, *slot, value);
}

/* ---- accesses -------------------------------------------------------- */

static bool access_valid(uint32_t off, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (off >= VREG_MMIO_SIZE || size > VREG_MMIO_SIZE - off)
		return false;
	if (size >= 4)
		return (off & 3u) == 0;
	return (off & 3u) + size <= 4;
}

/* The bits a 1/2/4-byte access covers, counted from bit 0; lane_shift
 * moves them to the access's bytes within its dword. */
static uint32_t lane_bits(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static unsigned lane_shift(uint32_t off)
{
	return 8 * (off & 3u);
}

bool vreg_read(struct vreg_file *f, uint32_t off, unsigned size, uint64_t *value)
{
	uint32_t lo;

	if (!access_valid(off, size))
		return false;
	lo = read_dword(f, off & ~3u);
	if (size == 8) {
		uint32_t hi = read_dword(f, off + 4);

		*value = (uint64_t)hi << 32 | lo;
		return true;
	}
	*value = (lo >> lane_shift(off)) & lane_bits(size);
	return true;
}

bool vreg_write(struct vreg_file *f, uint32_t off, unsigned size, uint64_t value)
{
	uint32_t dw_off = off & ~3u;
	uint32_t lanes, merged;

	if (!access_valid(off, size))
		return false;
	if (size == 8) {
		write_dword(f, dw_off, (uint32_t)value);
		write_dword(f, dw_off + 4, (uint32_t)(value >> 32));
		return true;
	}
	/* 1/2-byte writes replace their bytes of the stored dword. */
	lanes = lane_bits(size) << lane_shift(off);
	merged = (f->regs[dw_off / 4] & ~lanes) |
	         (((uint32_t)value << lane_shift(off)) & lanes);
	write_dword(f, dw_off, merged);
	return true;
}
