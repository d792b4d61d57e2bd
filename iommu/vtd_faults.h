/*
 * iommu/vtd_faults.h — accounting of the DMA faults a unit records
 * during runs (pure). BareGT polls the units (it takes no interrupts):
 * each distinct fault (source, page, reason, direction) is logged once;
 * repeats, and distinct faults past a per-unit budget (a storm), are
 * only counted; the totals are reported at the end of the run.
 */
#ifndef BAREGT_IOMMU_VTD_FAULTS_H
#define BAREGT_IOMMU_VTD_FAULTS_H

#include <stdbool.h>
#include <stdint.h>
#include "iommu/vtd.h"

#define VTD_FAULTS_LOGGED 16       /* distinct faults logged per unit */

struct vtd_fault_log {
	uint64_t total;            /* every record read (and cleared) */
	uint64_t logged;           /* of those, logged */
	uint64_t repeats;          /* same as one already logged */
	uint64_t over_budget;      /* distinct, but past VTD_FAULTS_LOGGED */
	uint64_t unread;           /* pending past what one poll returns */
	uint64_t overflows;        /* polls that found FSTS.PFO: records lost */
	struct vtd_fault_record seen[VTD_FAULTS_LOGGED];
	unsigned nseen;
};

/* One record read: true when it is to be logged. */
bool vtd_fault_log_note(struct vtd_fault_log *l, const struct vtd_fault_record *r);
/* n records were pending but not returned by the poll (buffer full). */
void vtd_fault_log_unread(struct vtd_fault_log *l, unsigned n);
void vtd_fault_log_overflow(struct vtd_fault_log *l);

#endif
