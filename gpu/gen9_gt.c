/*
 * gpu/gen9_gt.c — the driver sequences BareGT runs over a Gen9 GT's BAR0
 * (gpu/gen9_gt.h): the forcewake handshake (GEN9-FACTS §4), GGTT entry
 * stores and the GGTT invalidation (§2). Only register accesses through
 * struct gen9_mmio: the same code drives the hardware and the software
 * model, and the unit tests record what it does.
 */
#include "gpu/gen9.h"
#include "gpu/gen9_gt.h"


/* The GGTT is the qword array at BAR0 + 8 MiB up to the end of BAR0
 * (GEN9-FACTS §2 "Entry"; §1 BAR0 16 MiB): entries beyond it are not in
 * the BAR. */
#define GGTT_MAX_ENTRIES \
	((GEN9_BAR0_SIZE - GEN9_GGTT_OFFSET) / GEN9_GGTT_PTE_BYTES)

/* GFX_FLSH_CNTL_EN (GEN9-FACTS §2 "Flush"). */
#define GFX_FLSH_CNTL_EN  1u

/* Request and ack register of each domain (GEN9-FACTS §4 "Render",
 * "Media", "Blitter/GT"): the one place that pairs them. */
const struct gen9_fw_regs gen9_fw_regs[GEN9_FW_NDOMAINS] = {
	[GEN9_FW_RENDER] = { GEN9_FORCEWAKE_RENDER, GEN9_FORCEWAKE_ACK_RENDER },
	[GEN9_FW_MEDIA] = { GEN9_FORCEWAKE_MEDIA, GEN9_FORCEWAKE_ACK_MEDIA },
	[GEN9_FW_GT] = { GEN9_FORCEWAKE_GT, GEN9_FORCEWAKE_ACK_GT },
};

uint32_t gen9_fw_ack_of(uint32_t req_off)
{
	unsigned d;

	for (d = 0; d < GEN9_FW_NDOMAINS; d++)
		if (gen9_fw_regs[d].req == req_off)
			return gen9_fw_regs[d].ack;
	return 0;
}

bool gen9_fw_is_ack(uint32_t off)
{
	unsigned d;

	for (d = 0; d < GEN9_FW_NDOMAINS; d++)
		if (gen9_fw_regs[d].ack == off)
			return true;
	return false;
}

static bool fw_regs_of(enum gen9_fw_domain d, struct gen9_fw_regs *r)
{
	if ((unsigned)d >= GEN9_FW_NDOMAINS)
		return false;
	*r = gen9_fw_regs[d];
	return true;
}


/* Read ack until (ack & bits) == want or GEN9_FW_ACK_TIMEOUT_NS have gone
 * by on m's clock; the ack is read once more after the deadline, so a
 * slow clock read never costs the last chance. */
static bool fw_wait(const struct gen9_mmio *m, uint32_t ack, uint32_t bits,
                    uint32_t want)
{
	uint64_t deadline = m->now_ns(m->ctx) + GEN9_FW_ACK_TIMEOUT_NS;

	for (;;) {
		bool late = m->now_ns(m->ctx) > deadline;

		if ((m->read32(m->ctx, ack) & bits) == want)
			return true;
		if (late)
			return false;
	}
}

static void fw_pause(const struct gen9_mmio *m, uint64_t ns)
{
	uint64_t start = m->now_ns(m->ctx);

	while (m->now_ns(m->ctx) - start < ns)
		;
}

/* i915's fw_domain_wait_ack_with_fallback (intel_uncore.c): the driver's
 * request can collide with the hardware's own wake requests and lose its
 * ack; toggling the fallback bit kicks the state machine so that the
 * original ack is delivered with the fallback's. want: the KERNEL bit
 * the caller waits for (0: clear, GEN9_FW_KERNEL: set). */
static bool fw_fallback(const struct gen9_mmio *m, const struct gen9_fw_regs *r,
                        uint32_t want)
{
	unsigned pass;
	bool seen;

	for (pass = 1;; pass++) {
		fw_wait(m, r->ack, GEN9_FW_KERNEL_FALLBACK, 0);
		m->write32(m->ctx, r->req, GEN9_MASKED_SET(GEN9_FW_KERNEL_FALLBACK));
		fw_pause(m, GEN9_FW_FALLBACK_PAUSE_NS * pass);
		fw_wait(m, r->ack, GEN9_FW_KERNEL_FALLBACK, GEN9_FW_KERNEL_FALLBACK);
		seen = (m->read32(m->ctx, r->ack) & GEN9_FW_KERNEL) == want;
		m->write32(m->ctx, r->req, GEN9_MASKED_CLEAR(GEN9_FW_KERNEL_FALLBACK));
		if (seen || pass >= GEN9_FW_FALLBACK_PASSES)
			return seen;
	}
}

/* The ack's KERNEL bit reaches want: at once, through the fallback, or
 * in one last ordinary wait (i915's fw_domain_wait_ack_*_fallback). */
static bool fw_wait_kernel(const struct gen9_mmio *m, const struct gen9_fw_regs *r,
                           uint32_t want)
{
	return fw_wait(m, r->ack, GEN9_FW_KERNEL, want) ||
	       fw_fallback(m, r, want) ||
	       fw_wait(m, r->ack, GEN9_FW_KERNEL, want);
}

void gen9_forcewake_reset(const struct gen9_mmio *m)
{
	struct gen9_fw_regs r;
	unsigned d;

	for (d = 0; d < GEN9_FW_NDOMAINS; d++)
		if (fw_regs_of((enum gen9_fw_domain)d, &r))
			m->write32(m->ctx, r.req, GEN9_MASKED_CLEAR(GEN9_MASKED_BITS));
}

/* GEN9-FACTS §4 "Handshake": ack clear, set the request, ack set. */
bool gen9_forcewake_get(const struct gen9_mmio *m, enum gen9_fw_domain d)
{
	struct gen9_fw_regs r;

	if (!fw_regs_of(d, &r))
		return false;
	if (!fw_wait_kernel(m, &r, 0))
		return false;
	m->write32(m->ctx, r.req, GEN9_MASKED_SET(GEN9_FW_KERNEL));
	if (fw_wait_kernel(m, &r, GEN9_FW_KERNEL))
		return true;
	/* No ack: withdraw the request rather than leave a stale one for the
	 * next get (i915 leaves it set and carries on). */
	m->write32(m->ctx, r.req, GEN9_MASKED_CLEAR(GEN9_FW_KERNEL));
	return false;
}

/* GEN9-FACTS §4 "Handshake": release by a masked clear of KERNEL. */
void gen9_forcewake_put(const struct gen9_mmio *m, enum gen9_fw_domain d)
{
	struct gen9_fw_regs r;

	if (!fw_regs_of(d, &r))
		return;
	m->write32(m->ctx, r.req, GEN9_MASKED_CLEAR(GEN9_FW_KERNEL));
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

void gen9_ggtt_fill(const struct gen9_mmio *m, uint64_t first, uint64_t count,
                    uint64_t pte)
{
	uint64_t i;

	if (first >= GGTT_MAX_ENTRIES)
		return;
	if (count > GGTT_MAX_ENTRIES - first)
		count = GGTT_MAX_ENTRIES - first;
	if (m->fill64 && count) {
		m->fill64(m->ctx, (uint32_t)(GEN9_GGTT_OFFSET +
		                             GEN9_GGTT_PTE_BYTES * first), pte, count);
		return;
	}
	for (i = first; i - first < count; i++)
		gen9_ggtt_write(m, i, pte);
}

void gen9_ggtt_scrub(const struct gen9_mmio *m, uint64_t nentries,
                     uint64_t keep, uint64_t nkeep, uint64_t pte)
{
	if (keep > nentries)
		keep = nentries;
	if (nkeep > nentries - keep)
		nkeep = nentries - keep;
	gen9_ggtt_fill(m, 0, keep, pte);
	gen9_ggtt_fill(m, keep + nkeep, nentries - keep - nkeep, pte);
	gen9_ggtt_flush(m);
}

/* GEN9-FACTS §2 "Flush": GFX_FLSH_CNTL = GFX_FLSH_CNTL_EN (the uncached
 * store also drains the write-combined entry stores), then a posting read
 * of the same register. */
void gen9_ggtt_flush(const struct gen9_mmio *m)
{
	m->write32(m->ctx, GEN9_GFX_FLSH_CNTL, GFX_FLSH_CNTL_EN);
	(void)m->read32(m->ctx, GEN9_GFX_FLSH_CNTL);
}
