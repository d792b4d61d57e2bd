/*
 * hv/sched.c — round robin over the runnable VMs of CPU 0. Each turn
 * lasts until the slice's TSC deadline (the vCPU loop programs the
 * VMX-preemption timer with what is left before every entry), a HLT, or
 * the VM's end. Every VM's `cpu` is 0 today; a run queue per CPU is the
 * step to pinning.
 *
 * A VM whose vCPU halted with interrupts on is skipped until an
 * interrupt is deliverable to it: one already pending, or its next
 * timer event come due (docs/platform.md, "Time"). When every live VM
 * sleeps, the CPU waits for the earliest of their events.
 *
 * A VM whose guest asked for a reset with on_reset = restart ends its
 * turn stopped; it is rebuilt here, between turns (vm_restart), and stays
 * live unless that fails or it is a reset loop.
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

/* May this VM run now? A halted vCPU wakes for a deliverable interrupt
 * (HLT ends on one that the PPR lets through, an NMI or an ExtINT). */
static bool vm_ready(struct vm *vm, uint64_t now)
{
	struct vcpu *v = &vm->vcpu;

	if (vm->state != VM_RUNNABLE)
		return false;
	if (!v->halted)
		return true;
	if (now >= platform_next_event(&vm->plat))
		platform_tick(&vm->plat, now);
	return vlapic_pending(&v->lapic) >= 0 || v->lapic.nmi_pending ||
	       v->lapic.extint_pending;
}

/* Every live VM sleeps: wait for the first timer event among them.
 * false if none has one (nothing could ever wake them). */
static bool sched_idle(struct vm **vms, unsigned n)
{
	uint64_t until = UINT64_MAX;
	unsigned k;

	for (k = 0; k < n; k++)
		if (vms[k]->state == VM_RUNNABLE &&
		    platform_next_event(&vms[k]->plat) < until)
			until = platform_next_event(&vms[k]->plat);
	if (until == UINT64_MAX)
		return false;
	while (rdtsc() < until)
		__asm__ __volatile__("pause");
	return true;
}

void sched_run(struct vm **vms, unsigned n, uint64_t slice_ticks)
{
	unsigned i = 0, live = 0, k, idle_pass = 0;
	uint64_t turns = 0, polled = rdtsc(), idles = 0;

	for (k = 0; k < n; k++)
		live += vms[k]->state == VM_RUNNABLE;
	while (live) {
		struct vm *vm = vms[i];

		if (vm_ready(vm, rdtsc())) {
			vcpu_run(&vm->vcpu, rdtsc() + slice_ticks);
			turns++;
			idle_pass = 0;
			if (vm->state == VM_STOPPED && !vm_restart(vm))
				live--;
			if (rdtsc() - polled >= slice_ticks) {
				iommu_poll_faults();
				polled = rdtsc();
			}
		} else if (++idle_pass >= n) {
			/* A whole round found nobody ready. */
			idle_pass = 0;
			idles++;
			if (!sched_idle(vms, n)) {
				for (k = 0; k < n; k++)
					if (vms[k]->state == VM_RUNNABLE)
						vm_stop(vms[k], "halted with interrupts on and"
						        " nothing left to wake it");
				live = 0;
			}
		}
		i = (i + 1) % n;
	}
	iommu_report_faults();
	log_info("sched: all %u VM(s) stopped after %llu turns, %llu idle waits",
	         n, (unsigned long long)turns, (unsigned long long)idles);
}
