/*
 * gpu/gen9_gt.c — the driver sequences BareGT runs over a Gen9 GT's BAR0
 * (gpu/gen9_gt.h): the forcewake handshake (GEN9-FACTS §4), GGTT entry
 * stores and the GGTT invalidation (§2). Only register accesses through
 * struct gen9_mmio: the same code drives the hardware and the software
 * model, and the unit tests record what it does.
 */
#include "gpu/gen9.h"
#include "gpu/gen9_gt.h"

/* Masked registers: bits 31:16 select which of bits 15:0 a write changes;
 * set = (b << 16) | b, clear = b << 16 (GEN9-FACTS §4 "Masked writes"). */
#define MASKED_SELECT_SHIFT  16

/* The GGTT is the qword array at BAR0 + 8 MiB up to the end of BAR0
 * (GEN9-FACTS §2 "Entry"; §1 BAR0 16 MiB): entries beyond it are not in
 * the BAR. */
#define GGTT_MAX_ENTRIES \
	((GEN9_BAR0_SIZE - GEN9_GGTT_OFFSET) / GEN9_GGTT_PTE_BYTES)

/* GFX_FLSH_CNTL_EN (GEN9-FACTS §2 "Flush"). */
#define GFX_FLSH_CNTL_EN  1u

struct fw_regs {
	uint32_t req, ack;
};

/* Request and ack register of each domain (GEN9-FACTS §4 "Render",
 * "Media", "Blitter/GT"). */
static bool fw_regs_of(enum gen9_fw_domain d, struct fw_regs *r)
{
	switch (d) {
	case GEN9_FW_RENDER:
		r->req = GEN9_FORCEWAKE_RENDER;
		r->ack = GEN9_FORCEWAKE_ACK_RENDER;
		return true;
	case GEN9_FW_MEDIA:
		r->req = GEN9_FORCEWAKE_MEDIA;
		r->ack = GEN9_FORCEWAKE_ACK_MEDIA;
		return true;
	case GEN9_FW_GT:
		r->req = GEN9_FORCEWAKE_GT;
		r->ack = GEN9_FORCEWAKE_ACK_GT;
		return true;
	}
	return false;
}

/* Read ack until its KERNEL bit (GEN9-FACTS §4 "Bits": bit 0, the ack
 * reports the request's bits) equals want; at most GEN9_FW_SPIN reads. */
static bool fw_wait_ack(const struct gen9_mmio *m, uint32_t ack, bool want)
{
	uint32_t i;

	for (i = 0; i < GEN9_FW_SPIN; i++)
		if (((m->read32(m->ctx, ack) & GEN9_FW_KERNEL) != 0) == want)
			return true;
	return false;
}

/* GEN9-FACTS §4 "Handshake": ack clear, set the request, ack set. */
bool gen9_forcewake_get(const struct gen9_mmio *m, enum gen9_fw_domain d)
{
	struct fw_regs r;

	if (!fw_regs_of(d, &r))
		return false;
	if (!fw_wait_ack(m, r.ack, false))
		return false;
	m->write32(m->ctx, r.req,
	           GEN9_FW_KERNEL << MASKED_SELECT_SHIFT | GEN9_FW_KERNEL);
	return fw_wait_ack(m, r.ack, true);
}

/* GEN9-FACTS §4 "Handshake": release by a masked clear of KERNEL. */
void gen9_forcewake_put(const struct gen9_mmio *m, enum gen9_fw_domain d)
{
	struct fw_regs r;

	if (!fw_regs_of(d, &r))
		return;
	m->write32(m->ctx, r.req, GEN9_FW_KERNEL << MASKED_SELECT_SHIFT);
}

/* Entry i at BAR0 + 8 MiB + 8i, one 64-bit store (GEN9-FACTS §2 "Entry",
 * "How i915 writes"). An index past BAR0 is not touched. */
void gen9_ggtt_write(const struct gen9_mmio *m, uint64_t index, uint64_t pte)
{
	if (index >= GGTT_MAX_ENTRIES)
		return;
	m->write64(m->ctx,
	           (uint32_t)(GEN9_GGTT_OFFSET + GEN9_GGTT_PTE_BYTES * index),
	           pte);
}

/* The same qword (GEN9-FACTS §2 "Entry"); 0 for an index past BAR0. */
uint64_t gen9_ggtt_read(const struct gen9_mmio *m, uint64_t index)
{
	if (index >= GGTT_MAX_ENTRIES)
		return 0;
	return m->read64(m->ctx,
	                 (uint32_t)(GEN9_GGTT_OFFSET +
	                            GEN9_GGTT_PTE_BYTES * index));
}

/* GEN9-FACTS §2 "Flush": GFX_FLSH_CNTL = GFX_FLSH_CNTL_EN (the uncached
 * store also drains the write-combined entry stores), then a posting read
 * of the same register. */
void gen9_ggtt_flush(const struct gen9_mmio *m)
{
	m->write32(m->ctx, GEN9_GFX_FLSH_CNTL, GFX_FLSH_CNTL_EN);
	(void)m->read32(m->ctx, GEN9_GFX_FLSH_CNTL);
}
