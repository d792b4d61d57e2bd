/*
 * iommu/vtd.h — one VT-d remapping unit (VTD-FACTS §2–4, §6, §7):
 * capabilities, taking the unit over as the firmware left it, the root
 * table (GCMD/GSTS handshake), context-cache and IOTLB invalidation
 * (registers, or the invalidation queue when ECAP.QI), translation
 * enable, and fault records.
 *
 * Hardware-free: registers are reached through struct vtd_mmio, cache
 * lines are written back through a pt_written_fn, and the caller maps
 * the registers and hands over the queue's pages. So the unit tests run
 * this very code against a register-level model of a unit.
 */
#ifndef BAREGT_IOMMU_VTD_H
#define BAREGT_IOMMU_VTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/paging.h"

struct vtd_mmio {
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t value);
	uint64_t (*read64)(void *ctx, uint32_t off);
	void (*write64)(void *ctx, uint32_t off, uint64_t value);
	void *ctx;
};

/* Polls of a status bit before a step counts as failed (every wait is
 * bounded: a unit that does not answer is reported, never waited for
 * forever). */
#define VTD_SPIN     10000000u

struct vtd_fault_record {
	uint64_t page;          /* faulting page address (IR faults: the
	                         * interrupt index in bits 63:48) */
	uint16_t sid;           /* source: bus << 8 | devfn */
	uint8_t reason;         /* fault reason (VTD-FACTS §7) */
	bool read;              /* T bit: 1 = read */
};

/* What the firmware left on, read by vtd_unit_takeover. */
struct vtd_found {
	uint32_t gsts;          /* GSTS at hand-off */
	bool te, qi, ir;        /* TES, QIES, IRES */
	bool pmen;              /* PMEN.EPM (protected memory regions) */
	uint32_t fsts;          /* FSTS error bits found (then cleared) */
	unsigned stale_faults;  /* fault records found pending (cleared) */
	bool fault_irq_unmasked, inv_irq_unmasked;   /* FECTL/IECTL.IM = 0 */
};

struct vtd_unit {
	const struct vtd_mmio *mmio;
	uint64_t base;          /* register base (for messages) */
	uint32_t version;
	uint64_t cap, ecap;
	uint32_t gcmd;          /* copy of the persistent GCMD enables */
	unsigned spins;         /* poll bound, VTD_SPIN */
	bool registers_only;    /* never use the queue (config) */
	bool qi;                /* BareGT's queue is up: invalidate through it */
	bool coherent;          /* ECAP.C: walks snoop the CPU's caches */
	bool caching_mode;      /* CAP.CM */
	pt_written_fn flush;    /* writes back cache lines (non-coherent) */
	void *flush_ctx;
	uint64_t *iq;           /* invalidation queue: one page (HPA) */
	unsigned iq_tail;
	volatile uint32_t *iq_status;   /* the wait descriptors' status dword */
	uint32_t iq_seq;
};

/* Read VER/CAP/ECAP through m (the caller has mapped the first page at
 * base). false with err if nothing answers. */
bool vtd_unit_probe(struct vtd_unit *u, const struct vtd_mmio *m,
                    uint64_t base, bool registers_only, pt_written_fn flush,
                    void *flush_ctx, char *err, size_t errlen);
/* Bytes of register space to map: the IOTLB block (ECAP.IRO) and the
 * fault records (CAP.FRO, NFR) may lie beyond the first page. */
uint64_t vtd_unit_reg_span(const struct vtd_unit *u);
/* Table widths the unit walks: CAP.SAGAW (bit 1 39-bit, bit 2 48-bit). */
unsigned vtd_unit_sagaw(const struct vtd_unit *u);
/* Will the unit invalidate through a queue? Then the caller hands it one
 * zeroed page for the queue and a dword for the wait status. */
bool vtd_unit_wants_queue(const struct vtd_unit *u);
void vtd_unit_set_queue(struct vtd_unit *u, uint64_t *iq,
                        volatile uint32_t *status);

/*
 * Bring a unit from whatever state the firmware left it in to a known
 * one, in Linux's order (iommu/vtd_takeover.c): read and clear stale
 * fault records and FSTS error bits; mask the fault-event and
 * invalidation-event interrupts; drain (IQH == IQT) and disable a live
 * invalidation queue; turn interrupt remapping off. Translation is left
 * as found (vtd_unit_enable or vtd_unit_disable decide). Fills *found
 * and logs what it changed. false, with err naming the step, when the
 * unit cannot be brought to a known state; it is then left alone.
 */
bool vtd_unit_takeover(struct vtd_unit *u, struct vtd_found *found,
                       char *err, size_t errlen);

/*
 * Install root_hpa and turn translation on (VTD-FACTS §4, "Enable
 * order"), after vtd_unit_takeover: translation off first if the
 * firmware left it on (its tables are not BareGT's), write-buffer flush
 * if CAP.RWBF, RTADDR + SRTP, BareGT's queue (IQT = 0, IQA, QIE 0 → 1)
 * when the unit has one, global context-cache and IOTLB invalidation, TE,
 * then PMEN.EPM off. false with err naming the step on a timeout.
 */
bool vtd_unit_enable(struct vtd_unit *u, uint64_t root_hpa, char *err,
                     size_t errlen);
/* Translation off (a unit the firmware left translating through tables
 * BareGT cannot keep, and will not replace). */
bool vtd_unit_disable(struct vtd_unit *u, char *err, size_t errlen);

/* Interrupt remapping on with the (zeroed: every entry not present) table
 * page at irt_hpa: IRTA, SIRTP, IRE (VTD-FACTS §2 "IRTA", §4). BareGT
 * never needs it; the QEMU self-test uses it to leave a unit as a
 * laptop's firmware does. false without ECAP.IR or on a timeout. */
bool vtd_unit_ir_enable(struct vtd_unit *u, uint64_t irt_hpa);

/* After tables changed (their cache lines already written back): write-
 * buffer flush if CAP.RWBF, global context-cache and IOTLB invalidation
 * through the queue, or the registers when the unit has no queue up. */
bool vtd_unit_invalidate(struct vtd_unit *u);

/* Read and clear every pending fault record (from FSTS.FRI on) and the
 * overflow flag. Fills rec[0 .. max) and returns how many were pending
 * (may be more than max); *overflow: FSTS.PFO, records were lost. Costs
 * one register read when nothing is pending. */
unsigned vtd_unit_faults(struct vtd_unit *u, struct vtd_fault_record *rec,
                         unsigned max, bool *overflow);

#endif
