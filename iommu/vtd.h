/*
 * iommu/vtd.h — one VT-d remapping unit's registers (VTD-FACTS §2–4, §6,
 * §7): capabilities, the root table (GCMD/GSTS handshake), context-cache
 * and IOTLB invalidation (registers, or the invalidation queue when
 * ECAP.QI), translation enable, and fault records.
 */
#ifndef BAREGT_IOMMU_VTD_H
#define BAREGT_IOMMU_VTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtd_fault_record {
	uint64_t page;          /* faulting page address */
	uint16_t sid;           /* source: bus << 8 | devfn */
	uint8_t reason;         /* VTD_FR_* */
	bool read;              /* T bit: 1 = read */
};

struct vtd_unit {
	uint64_t base;          /* register base, mapped uncached */
	uint32_t version;
	uint64_t cap, ecap;
	uint32_t gcmd;          /* copy of the persistent GCMD enables */
	unsigned aw;            /* VTD_AW_39BIT or VTD_AW_48BIT */
	bool qi;                /* invalidations through the queue */
	bool registers_only;    /* never use the queue (config) */
	bool coherent;          /* ECAP.C: walks snoop the CPU's caches */
	bool caching_mode;      /* CAP.CM */
	uint64_t *iq;           /* invalidation queue (one page) */
	unsigned iq_tail;
	volatile uint32_t *iq_status;
	uint32_t iq_seq;
	uint64_t faults;
};

/* Read the unit's registers and choose the address width (39-bit when
 * SAGAW offers it, else 48-bit). false with err if unusable. */
bool vtd_unit_probe(struct vtd_unit *u, uint64_t base, bool registers_only,
                    char *err, size_t errlen);

/*
 * Install root_hpa and turn translation on (VTD-FACTS §4, "Enable
 * order"): write-buffer flush if CAP.RWBF, RTADDR + SRTP, context-cache
 * and IOTLB global invalidation (setting up the queue first when
 * ECAP.QI), TE, then PMEN.EPM off. false with err on a timeout.
 */
bool vtd_unit_enable(struct vtd_unit *u, uint64_t root_hpa, char *err,
                     size_t errlen);

/* After tables changed: flush the CPU's cache lines when the unit does
 * not snoop, then global context-cache and IOTLB invalidation. */
void vtd_unit_flush_lines(const struct vtd_unit *u, const void *p, size_t len);
bool vtd_unit_invalidate(struct vtd_unit *u);

/* Read, log and clear pending fault records; returns how many. */
unsigned vtd_unit_faults(struct vtd_unit *u, struct vtd_fault_record *rec,
                         unsigned max);

#endif
