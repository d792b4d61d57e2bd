/*
 * iommu/vtd.c — programming a VT-d remapping unit: probe, root table and
 * translation enable, invalidation (registers or queue), fault records.
 * Register layout: iommu/vtd_regs.h (VTD-FACTS §2–4, §6, §7). Taking a
 * unit over from the firmware is iommu/vtd_takeover.c.
 *
 * Two rules of the hardware this code keeps (the unit-test model checks
 * both): a GCMD write changes one thing, and the next waits for GSTS to
 * show it (§4 "Handshake"); once QIE is on, every invalidation goes
 * through the queue, never the CCMD/IOTLB registers (§4 "Register vs
 * queue"; the VT-d spec, §6.5.2, has software use one interface at a
 * time).
 */
#include <stdio.h>
#include <string.h>
#include "iommu/vtd.h"
#include "iommu/vtd_priv.h"

/* ---- register access and the GCMD/GSTS handshake ---------------------------- */

bool vtd_wait_gsts(const struct vtd_unit *u, uint32_t bit, bool want)
{
	unsigned spin;

	for (spin = 0; spin < u->spins; spin++)
		if (((vtd_rd32(u, VTD_GSTS) & bit) != 0) == want)
			return true;
	return false;
}

/* A one-shot command (SRTP, WBF) on top of the persistent enables. */
static bool vtd_command(struct vtd_unit *u, uint32_t bit, bool status_set)
{
	vtd_wr32(u, VTD_GCMD, u->gcmd | bit);
	return vtd_wait_gsts(u, bit, status_set);
}

bool vtd_set_enable(struct vtd_unit *u, uint32_t bit, bool on)
{
	if (on)
		u->gcmd |= bit;
	else
		u->gcmd &= ~bit;
	vtd_wr32(u, VTD_GCMD, u->gcmd);
	return vtd_wait_gsts(u, bit, on);
}

void vtd_fail(const struct vtd_unit *u, char *err, size_t errlen,
              const char *step, const char *detail)
{
	snprintf(err, errlen, "unit at %#llx: %s: %s",
	         (unsigned long long)u->base, step, detail);
}

/* ---- probing ------------------------------------------------------------------ */

bool vtd_unit_probe(struct vtd_unit *u, const struct vtd_mmio *m,
                    uint64_t base, bool registers_only, pt_written_fn flush,
                    void *flush_ctx, char *err, size_t errlen)
{
	memset(u, 0, sizeof(*u));
	u->mmio = m;
	u->base = base;
	u->spins = VTD_SPIN;
	u->registers_only = registers_only;
	u->flush = flush;
	u->flush_ctx = flush_ctx;
	u->version = vtd_rd32(u, VTD_VER);
	u->cap = vtd_rd64(u, VTD_CAP);
	u->ecap = vtd_rd64(u, VTD_ECAP);
	if (u->version == 0xffffffffu || u->cap == ~0ull || u->ecap == ~0ull) {
		snprintf(err, errlen, "no remapping unit answers at %#llx",
		         (unsigned long long)base);
		return false;
	}
	u->gcmd = vtd_rd32(u, VTD_GSTS) & GSTS_PERSIST;
	u->coherent = u->ecap & ECAP_C;
	u->caching_mode = u->cap & CAP_CM;
	return true;
}

uint64_t vtd_unit_reg_span(const struct vtd_unit *u)
{
	uint64_t iotlb_end = ECAP_IRO(u->ecap) + 16;
	uint64_t frcd_end = CAP_FRO(u->cap) + (uint64_t)FRCD_BYTES * CAP_NFR(u->cap);
	uint64_t end = iotlb_end > frcd_end ? iotlb_end : frcd_end;

	if (end < 4096)
		end = 4096;
	return (end + 4095) & ~4095ull;
}

unsigned vtd_unit_sagaw(const struct vtd_unit *u)
{
	return CAP_SAGAW(u->cap);
}

bool vtd_unit_wants_queue(const struct vtd_unit *u)
{
	return (u->ecap & ECAP_QI) && !u->registers_only;
}

void vtd_unit_set_queue(struct vtd_unit *u, uint64_t *iq,
                        volatile uint32_t *status)
{
	u->iq = iq;
	u->iq_status = status;
}

static void vtd_flush_lines(const struct vtd_unit *u, const void *p, size_t len)
{
	if (!u->coherent && u->flush)
		u->flush(u->flush_ctx, p, len);
}

/* ---- invalidation ---------------------------------------------------------- */

/* Descriptors at the tail, then a wait descriptor that writes seq to the
 * status dword (VTD-FACTS §6 "Submission"); one IQT write; poll. */
static bool vtd_qi_submit(struct vtd_unit *u, const uint64_t (*desc)[2], unsigned n)
{
	unsigned i, spin;
	uint32_t seq = ++u->iq_seq;

	for (i = 0; i <= n; i++) {
		uint64_t *slot = &u->iq[2 * u->iq_tail];
		if (i < n) {
			slot[0] = desc[i][0];
			slot[1] = desc[i][1];
		} else {
			slot[0] = QI_WAIT | QI_WAIT_SW | ((uint64_t)seq << 32);
			slot[1] = (uint64_t)(uintptr_t)u->iq_status;
		}
		vtd_flush_lines(u, slot, QI_DESC_BYTES);
		u->iq_tail = (u->iq_tail + 1) % QI_ENTRIES;
	}
	vtd_wr64(u, VTD_IQT, (uint64_t)u->iq_tail * QI_DESC_BYTES);
	for (spin = 0; spin < u->spins; spin++)
		if (*u->iq_status == seq)
			return true;
	return false;
}

/* IQT = 0, IQA = the page (QS 0: 256 entries), then QIE 0 → 1: the
 * hardware takes the queue's base only on that transition (VTD-FACTS §6
 * "Setup"), which is why a queue the firmware left on is turned off
 * first (vtd_unit_takeover). */
static bool vtd_qi_enable(struct vtd_unit *u)
{
	u->iq_tail = 0;
	*u->iq_status = 0;
	u->iq_seq = 0;
	vtd_wr64(u, VTD_IQT, 0);
	vtd_wr64(u, VTD_IQA, (uint64_t)(uintptr_t)u->iq);
	if (!vtd_set_enable(u, GCMD_QIE, true))
		return false;
	u->qi = true;
	return true;
}

static bool vtd_reg_invalidate(struct vtd_unit *u)
{
	unsigned iotlb = ECAP_IRO(u->ecap) + 8, spin;
	uint64_t drain = ((u->cap & CAP_DRD) ? IOTLB_DR : 0) |
	                 ((u->cap & CAP_DWD) ? IOTLB_DW : 0);

	/* Never beside a live queue: the copy of GCMD follows GSTS since
	 * the take-over, so a set QIE means the queue is on. */
	if (u->gcmd & GCMD_QIE)
		return false;
	vtd_wr64(u, VTD_CCMD, CCMD_ICC | CCMD_GLOBAL);
	for (spin = 0; spin < u->spins && (vtd_rd64(u, VTD_CCMD) & CCMD_ICC); spin++)
		;
	if (spin == u->spins)
		return false;
	vtd_wr64(u, iotlb, IOTLB_IVT | IOTLB_GLOBAL | drain);
	for (spin = 0; spin < u->spins && (vtd_rd64(u, iotlb) & IOTLB_IVT); spin++)
		;
	return spin < u->spins;
}

bool vtd_unit_invalidate(struct vtd_unit *u)
{
	uint64_t drain = ((u->cap & CAP_DRD) ? QI_IOTLB_DR : 0) |
	                 ((u->cap & CAP_DWD) ? QI_IOTLB_DW : 0);
	const uint64_t desc[2][2] = {
		{ QI_CC | QI_GLOBAL, 0 },
		{ QI_IOTLB | QI_GLOBAL | drain, 0 },
	};

	if ((u->cap & CAP_RWBF) && !vtd_command(u, GCMD_WBF, false))
		return false;
	return u->qi ? vtd_qi_submit(u, desc, 2) : vtd_reg_invalidate(u);
}

/* ---- enabling ---------------------------------------------------------------- */

bool vtd_unit_disable(struct vtd_unit *u, char *err, size_t errlen)
{
	if (!(vtd_rd32(u, VTD_GSTS) & GCMD_TE))
		return true;
	if (vtd_set_enable(u, GCMD_TE, false))
		return true;
	vtd_fail(u, err, errlen, "translation off", "GSTS.TES stayed set");
	return false;
}

bool vtd_unit_enable(struct vtd_unit *u, uint64_t root_hpa, char *err,
                     size_t errlen)
{
	const char *step = NULL, *detail = "timed out";
	uint32_t gsts = vtd_rd32(u, VTD_GSTS);

	u->gcmd = gsts & GSTS_PERSIST;
	if (gsts & GCMD_QIE) {
		/* A queue BareGT did not set up: vtd_unit_takeover was not
		 * run, or failed. Rewriting IQT/IQA under it would leave the
		 * hardware reading the old queue. */
		vtd_fail(u, err, errlen, "enable",
		         "the firmware's invalidation queue is still on");
		return false;
	}
	/* Firmware's tables may live in memory BareGT reuses: translation
	 * goes off before the root pointer changes (Linux does the same,
	 * VTD-FACTS §4 "Enable order"). */
	if ((gsts & GCMD_TE) && !vtd_set_enable(u, GCMD_TE, false))
		step = "translation off (the firmware's tables)";
	if (!step && (u->cap & CAP_RWBF) && !vtd_command(u, GCMD_WBF, false))
		step = "write-buffer flush";
	if (!step) {
		vtd_wr64(u, VTD_RTADDR, root_hpa);   /* bit 10 clear: legacy tables */
		if (!vtd_command(u, GCMD_SRTP, true))
			step = "root table pointer";
	}
	if (!step && vtd_unit_wants_queue(u) && !u->iq) {
		step = "queued invalidation on";
		detail = "no queue page given";
	} else if (!step && vtd_unit_wants_queue(u) && !vtd_qi_enable(u)) {
		step = "queued invalidation on";
	}
	if (!step && !vtd_unit_invalidate(u))
		step = "global invalidation";
	if (!step && !vtd_set_enable(u, GCMD_TE, true))
		step = "translation enable";
	if (step) {
		vtd_fail(u, err, errlen, step, detail);
		return false;
	}
	/* Protected memory regions would block DMA the tables allow; with
	 * translation on they are not needed (Linux clears EPM then). */
	if (vtd_rd32(u, VTD_PMEN) & PMEN_EPM) {
		unsigned spin;

		vtd_wr32(u, VTD_PMEN, 0);
		for (spin = 0; spin < u->spins &&
		     (vtd_rd32(u, VTD_PMEN) & PMEN_PRS); spin++)
			;
	}
	return true;
}

bool vtd_unit_ir_enable(struct vtd_unit *u, uint64_t irt_hpa)
{
	if (!(u->ecap & ECAP_IR))
		return false;
	vtd_wr64(u, VTD_IRTA, (irt_hpa & ~0xfffull) | IRTA_S_PAGE);
	return vtd_command(u, GCMD_SIRTP, true) &&
	       vtd_set_enable(u, GCMD_IRE, true);
}

/* ---- faults ------------------------------------------------------------------- */

unsigned vtd_unit_faults(struct vtd_unit *u, struct vtd_fault_record *rec,
                         unsigned max, bool *overflow)
{
	unsigned nfr = CAP_NFR(u->cap), fro = CAP_FRO(u->cap), i, n = 0;
	uint32_t fsts = vtd_rd32(u, VTD_FSTS);

	*overflow = fsts & FSTS_PFO;
	if (!(fsts & (FSTS_PPF | FSTS_PFO)))
		return 0;
	/* From FRI on, while a record's F is set: read it, write F back to
	 * clear it, next record modulo NFR (VTD-FACTS §7 "Handling"). */
	for (i = FSTS_FRI(fsts) % nfr; n < nfr; i = (i + 1) % nfr, n++) {
		unsigned off = fro + FRCD_BYTES * i;
		uint32_t hi = vtd_rd32(u, off + 12);

		if (!(hi & FRCD_F))
			break;
		if (n < max) {
			rec[n].page = vtd_rd64(u, off) & ~0xfffull;
			rec[n].sid = (uint16_t)vtd_rd32(u, off + 8);
			rec[n].reason = (uint8_t)hi;
			rec[n].read = hi & FRCD_T;
		}
		vtd_wr32(u, off + 12, FRCD_F);
	}
	if (fsts & FSTS_PFO)
		vtd_wr32(u, VTD_FSTS, FSTS_PFO);
	return n;
}
