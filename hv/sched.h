/*
 * hv/sched.h — running VMs on this CPU: round robin with a time slice
 * (docs/vmx.md, "Scheduling").
 */
#ifndef BAREGT_HV_SCHED_H
#define BAREGT_HV_SCHED_H

#include <stdint.h>

struct vm;

/* Run until every VM has stopped. slice_ticks: TSC ticks per turn. */
void sched_run(struct vm **vms, unsigned n, uint64_t slice_ticks);

#endif
