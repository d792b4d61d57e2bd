/*
 * iommu/vtd_faults.c — see vtd_faults.h. Records as read by
 * vtd_unit_faults (VTD-FACTS §7 "Record layout").
 */
#include "iommu/vtd_faults.h"

static bool same_fault(const struct vtd_fault_record *a,
                       const struct vtd_fault_record *b)
{
	return a->sid == b->sid && a->page == b->page &&
	       a->reason == b->reason && a->read == b->read;
}

bool vtd_fault_log_note(struct vtd_fault_log *l, const struct vtd_fault_record *r)
{
	unsigned i;

	l->total++;
	for (i = 0; i < l->nseen; i++)
		if (same_fault(&l->seen[i], r)) {
			l->repeats++;
			return false;
		}
	if (l->nseen == VTD_FAULTS_LOGGED) {
		l->over_budget++;
		return false;
	}
	l->seen[l->nseen++] = *r;
	l->logged++;
	return true;
}

void vtd_fault_log_unread(struct vtd_fault_log *l, unsigned n)
{
	l->total += n;
	l->unread += n;
}

void vtd_fault_log_overflow(struct vtd_fault_log *l)
{
	l->overflows++;
}
