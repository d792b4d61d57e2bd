/*
 * iommu/vtd_takeover.c — taking a remapping unit over as the firmware
 * left it. Client firmware may hand over a unit with queued invalidation
 * and interrupt remapping on (public logs of Gen9.5 laptops show Linux
 * finding "IRQ remapping was enabled"), translation on (pre-boot DMA
 * protection), fault records pending and event interrupts unmasked.
 *
 * The order is Linux's (drivers/iommu/intel: dmar_fault, then
 * dmar_disable_qi, before its own queue; interrupt and DMA remapping off
 * before its own tables), as facts:
 *   1. read, log and clear the pending fault records and the FSTS error
 *      bits (VTD-FACTS §7 "Handling");
 *   2. mask the fault-event and invalidation-event interrupts (FECTL.IM,
 *      IECTL.IM, §2): BareGT's host takes no interrupts, it polls;
 *   3. a live queue (GSTS.QIES): wait, bounded, until IQH == IQT, clear
 *      QIE, wait for QIES = 0 (§6 "Setup": the hardware takes a new
 *      queue base only on a QIE 0 → 1 transition, and must not be
 *      switched off with descriptors pending);
 *   4. interrupt remapping (GSTS.IRES): IRE off, wait for IRES = 0.
 *      Linux first invalidates the interrupt entry cache because it turns
 *      IR back on with its own table; BareGT never turns IR on (guests
 *      get no physical interrupts), so the cache is never consulted
 *      again.
 * Translation (TES) is left as found here: vtd_unit_enable turns it off
 * before installing BareGT's root table; vtd_unit_disable turns it off
 * for a unit BareGT refuses.
 */
#include <stdio.h>
#include "hv/console.h"
#include "iommu/vtd.h"
#include "iommu/vtd_priv.h"
#include "iommu/vtd_tables.h"

#define STALE_LOGGED 8u                  /* stale records logged one by one */

static void takeover_faults(struct vtd_unit *u, struct vtd_found *f)
{
	struct vtd_fault_record rec[STALE_LOGGED];
	unsigned n, i;
	bool overflow;
	uint32_t fsts;

	n = vtd_unit_faults(u, rec, STALE_LOGGED, &overflow);
	f->stale_faults = n;
	for (i = 0; i < n && i < STALE_LOGGED; i++)
		log_warn("vtd: unit at %#llx: stale fault from before hand-off:"
		         " %02x:%02x.%x %s at %#llx: reason %#x (%s)",
		         (unsigned long long)u->base, rec[i].sid >> 8,
		         (rec[i].sid >> 3) & 0x1f, rec[i].sid & 7,
		         rec[i].read ? "read" : "write",
		         (unsigned long long)rec[i].page, rec[i].reason,
		         vtd_fault_reason_name(rec[i].reason));
	if (n > STALE_LOGGED)
		log_warn("vtd: unit at %#llx: %u more stale fault record(s)"
		         " cleared", (unsigned long long)u->base, n - STALE_LOGGED);
	/* Whatever error bits remain (overflow, queue errors from the
	 * firmware's submissions) are the firmware's: write them back to
	 * clear them (W1C). */
	fsts = vtd_rd32(u, VTD_FSTS) & FSTS_ERRORS;
	f->fsts = fsts | (overflow ? FSTS_PFO : 0);
	if (fsts)
		vtd_wr32(u, VTD_FSTS, fsts);
	if (f->fsts)
		log_warn("vtd: unit at %#llx: fault status %#x at hand-off%s:"
		         " cleared", (unsigned long long)u->base, f->fsts,
		         (f->fsts & FSTS_IQE) ? " (invalidation queue error)" : "");
}

static void takeover_mask(struct vtd_unit *u, struct vtd_found *f)
{
	f->fault_irq_unmasked = !(vtd_rd32(u, VTD_FECTL) & VTD_INTR_IM);
	vtd_wr32(u, VTD_FECTL, VTD_INTR_IM);
	/* IECTL exists with queued invalidation only (ECAP.QI). */
	if (u->ecap & ECAP_QI) {
		f->inv_irq_unmasked = !(vtd_rd32(u, VTD_IECTL) & VTD_INTR_IM);
		vtd_wr32(u, VTD_IECTL, VTD_INTR_IM);
	}
	if (f->fault_irq_unmasked || f->inv_irq_unmasked)
		log_info("vtd: unit at %#llx: %s%s%s interrupt(s) were unmasked at"
		         " hand-off: masked (BareGT polls the unit)",
		         (unsigned long long)u->base,
		         f->fault_irq_unmasked ? "fault-event" : "",
		         f->fault_irq_unmasked && f->inv_irq_unmasked ? " and " : "",
		         f->inv_irq_unmasked ? "invalidation-event" : "");
}

static bool takeover_queue(struct vtd_unit *u, char *err, size_t errlen)
{
	uint64_t iqh = 0, iqt = 0;
	unsigned spin;
	char detail[96];

	for (spin = 0; spin < u->spins; spin++) {
		iqh = vtd_rd64(u, VTD_IQH);
		iqt = vtd_rd64(u, VTD_IQT);
		if (iqh == iqt)
			break;
	}
	if (spin == u->spins) {
		snprintf(detail, sizeof(detail), "IQH %#llx never reached IQT %#llx",
		         (unsigned long long)iqh, (unsigned long long)iqt);
		vtd_fail(u, err, errlen, "draining the firmware's invalidation queue",
		         detail);
		return false;
	}
	if (!vtd_set_enable(u, GCMD_QIE, false)) {
		vtd_fail(u, err, errlen, "queued invalidation off",
		         "GSTS.QIES stayed set");
		return false;
	}
	log_info("vtd: unit at %#llx: the firmware left queued invalidation on:"
	         " drained (IQH = IQT = %#llx) and turned off",
	         (unsigned long long)u->base, (unsigned long long)iqt);
	return true;
}

bool vtd_unit_takeover(struct vtd_unit *u, struct vtd_found *f, char *err,
                       size_t errlen)
{
	uint32_t gsts = vtd_rd32(u, VTD_GSTS);

	*f = (struct vtd_found){ .gsts = gsts };
	f->te = gsts & GCMD_TE;
	f->qi = gsts & GCMD_QIE;
	f->ir = gsts & GCMD_IRE;
	f->pmen = vtd_rd32(u, VTD_PMEN) & PMEN_EPM;
	u->gcmd = gsts & GSTS_PERSIST;
	u->qi = false;

	takeover_faults(u, f);
	takeover_mask(u, f);
	if (f->qi && !takeover_queue(u, err, errlen))
		return false;
	if (f->ir) {
		if (!vtd_set_enable(u, GCMD_IRE, false)) {
			vtd_fail(u, err, errlen, "interrupt remapping off",
			         "GSTS.IRES stayed set");
			return false;
		}
		log_info("vtd: unit at %#llx: the firmware left interrupt remapping"
		         " on: turned off (BareGT's host takes no interrupts; guests"
		         " get no physical interrupts)", (unsigned long long)u->base);
	}
	return true;
}
