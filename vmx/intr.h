/*
 * vmx/intr.h — event injection into a vCPU (docs/platform.md,
 * "Interrupts"): what the vLAPIC has pending goes in on the next VM
 * entry when the guest can take it; otherwise interrupt-window exiting
 * brings the CPU back as soon as it can. An event whose delivery a VM
 * exit cut short is delivered again first (SDM Vol. 3C §28.2.4, §27.6).
 */
#ifndef BAREGT_VMX_INTR_H
#define BAREGT_VMX_INTR_H

#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

/* In the handlers of exits that can interrupt an event's delivery
 * (EPT violation, external interrupt, NMI): note that event. */
void intr_note_vectoring(struct vcpu *v);

void intr_entry_slow(struct vcpu *v);

/* Right before a VM entry: re-inject, inject, or ask for a window. The
 * common case — nothing pending, no window open — costs one test. */
static inline void intr_before_entry(struct vcpu *v)
{
	if (v->idt_vectoring || vlapic_has_work(&v->lapic) ||
	    (v->proc_ctls & PROC_INTR_WINDOW_EXITING))
		intr_entry_slow(v);
}

#endif
