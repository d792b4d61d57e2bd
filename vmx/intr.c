/*
 * vmx/intr.c — event injection (vmx/intr.h).
 *
 * Order of business before an entry (SDM Vol. 3C §27.6 for injection,
 * §25.4.2 for interruptibility, Vol. 3A §6.9 for priorities):
 *  1. an event a handler already put in the VM-entry interruption field
 *     (an exception it raised) goes first;
 *  2. else an event the last exit interrupted is delivered again;
 *  3. else an NMI if NMIs are not blocked;
 *  4. else, if RFLAGS.IF = 1 and no STI/MOV-SS blocking, the 8259's
 *     ExtINT or the vLAPIC's highest vector above its PPR;
 *  5. whatever still waits for RFLAGS.IF or the blocking asks for
 *     interrupt-window exiting, which exits as soon as the guest can
 *     take an interrupt.
 * The fast path is one test: nothing pending and no window open.
 */
#include "hv/x86.h"
#include "vmx/intr.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

static void intr_window(struct vcpu *v, bool on)
{
	uint32_t ctls = on ? v->proc_ctls | PROC_INTR_WINDOW_EXITING
	                   : v->proc_ctls & ~PROC_INTR_WINDOW_EXITING;

	if (ctls != v->proc_ctls) {
		v->proc_ctls = ctls;
		vmwrite(VMCS_PROC_CTLS, ctls);
	}
}

void intr_note_vectoring(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);

	v->idt_vectoring = (info & INTR_INFO_VALID) ? info : 0;
}

/* The event of the IDT-vectoring field, as it was (§28.2.4): same
 * vector, type and error code; software events need their instruction
 * length again. */
static void reinject(struct vcpu *v)
{
	uint32_t info = v->idt_vectoring & ~INTR_INFO_NMI_UNBLOCK;
	uint32_t type = info & INTR_TYPE_MASK;

	v->idt_vectoring = 0;
	vmwrite(VMCS_ENTRY_INTR_INFO, info);
	if (info & INTR_INFO_DELIVER_ERR)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERR, vmread(VMCS_IDT_VECTORING_ERR));
	if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SW_EXCEPTION)
		vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
}

void intr_entry_slow(struct vcpu *v)
{
	struct vlapic *l = &v->lapic;
	uint64_t rflags, blocking;
	int vector;

	if (v->idt_vectoring & INTR_INFO_VALID) {
		if (!(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID))
			reinject(v);
		v->idt_vectoring = 0;
		intr_window(v, vlapic_has_work(l));
		return;
	}
	if (!vlapic_has_work(l)) {
		intr_window(v, false);
		return;
	}
	if (vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID) {
		intr_window(v, true);           /* after the handler's event */
		return;
	}
	blocking = vmread(VMCS_GUEST_INTERRUPTIBILITY);
	if (l->nmi_pending &&
	    !(blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS |
	                  INTERRUPTIBILITY_NMI))) {
		l->nmi_pending = false;
		l->stats.injected++;
		vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI);
		intr_window(v, vlapic_has_work(l));
		return;
	}
	rflags = vmread(VMCS_GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF) ||
	    (blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS))) {
		intr_window(v, true);
		return;
	}
	if (l->extint_pending) {
		vector = vlapic_ack_extint(l);
	} else {
		vector = vlapic_pending(l);
		if (vector < 0) {               /* all at or below the PPR */
			intr_window(v, false);
			return;
		}
		vlapic_ack(l, (uint8_t)vector);
	}
	vmwrite(VMCS_ENTRY_INTR_INFO,
	        INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (uint32_t)vector);
	intr_window(v, false);
}
