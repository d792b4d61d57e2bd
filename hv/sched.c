/*
 * hv/sched.c — round robin over the runnable VMs of CPU 0. Each turn
 * lasts until the slice's TSC deadline (the vCPU loop programs the
 * VMX-preemption timer with what is left before every entry), a HLT, or
 * the VM's end. Every VM's `cpu` is 0 today; a run queue per CPU is the
 * step to pinning.
 *
 * Between turns the VT-d units' fault records are polled (the host takes
 * no interrupts): at most once per slice length, so a guest that HLTs
 * constantly does not turn the poll into a register read per exit.
 */
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/sched.h"
#include "hv/vm.h"
#include "iommu/iommu.h"

void sched_run(struct vm **vms, unsigned n, uint64_t slice_ticks)
{
	unsigned i = 0, live = 0, k;
	uint64_t turns = 0, polled = rdtsc();

	for (k = 0; k < n; k++)
		live += vms[k]->state == VM_RUNNABLE;
	while (live) {
		struct vm *vm = vms[i];

		if (vm->state == VM_RUNNABLE) {
			vcpu_run(&vm->vcpu, rdtsc() + slice_ticks);
			turns++;
			if (vm->state == VM_STOPPED)
				live--;
			if (rdtsc() - polled >= slice_ticks) {
				iommu_poll_faults();
				polled = rdtsc();
			}
		}
		i = (i + 1) % n;
	}
	iommu_report_faults();
	log_info("sched: all %u VM(s) stopped after %llu turns", n,
	         (unsigned long long)turns);
}
