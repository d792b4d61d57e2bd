/*
 * vmx/vcpu.h — a virtual CPU: the guest registers the VMCS does not hold,
 * its VMCS, FPU/XSAVE state and the MSRs switched by software; and the
 * run loop that enters the guest and dispatches its VM exits.
 */
#ifndef BAREGT_VMX_VCPU_H
#define BAREGT_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "vmx/cpuid_policy.h"
#include "vmx/gpr.h"
#include "hv/dev/vlapic.h"
#include "vmx/insn_cache.h"

struct vm;
struct guest_entry;


/* Layout fixed by vmx/entry.S. gpr[GPR_RSP] is not used by the entry code
 * (RSP lives in the VMCS); vcpu code syncs it when an emulator needs it. */
struct vcpu_regs {
	uint64_t gpr[16];
	uint64_t cr2;
};

/* MSRs the guest uses directly and software switches between vCPUs. */
enum vcpu_sw_msr {
	SW_MSR_STAR, SW_MSR_LSTAR, SW_MSR_CSTAR, SW_MSR_SFMASK,
	SW_MSR_KERNEL_GS_BASE, SW_MSR_TSC_AUX, SW_MSR_COUNT,
};

struct vcpu {
	struct vcpu_regs regs;       /* first: entry.S takes &vcpu->regs */
	struct vm *vm;
	uint64_t vmcs_hpa;
	bool launched;
	uint16_t vpid;
	uint8_t *fpu;                /* XSAVE (or FXSAVE) area, one page */
	uint64_t xcr0;
	uint64_t sw_msr[SW_MSR_COUNT];
	struct insn_cache icache;    /* the MMIO exit's last instruction */
	uint64_t dr[4], dr6;         /* DR0-DR3, DR6: not switched by VMX
	                              * (DR7 and DEBUGCTL are, in the VMCS) */
	uint64_t mtrr_def_type;
	struct vlapic lapic;         /* its local APIC (hv/dev/vlapic.h) */
	bool halted;                 /* HLT with interrupts on: waits for one */
	uint32_t proc_ctls;          /* the VMCS's processor-based controls */
	uint64_t misc_enable;        /* IA32_MISC_ENABLE as the guest set it */
	uint64_t spec_ctrl;          /* IA32_SPEC_CTRL: switched by software */
	/* What its CPUID says and, following it, its MSR bitmap (one VM,
	 * one vCPU: the VM's policy, built by vcpu_init). */
	struct cpuid_policy cpuid;
	uint8_t *msr_bitmap;
	/* The exit being handled. */
	uint32_t exit_reason;
	uint64_t exit_qual;
	uint32_t idt_vectoring;      /* an event the exit cut short (§28.2.4) */
};

enum exit_action {
	EXIT_RESUME,     /* back into the guest */
	EXIT_YIELD,      /* give the CPU to the next vCPU */
	EXIT_STOP,       /* the VM has been stopped */
};

/* The VM's CPUID policy (docs/guests.md, "CPU behaviour"), before its
 * platform is built, which follows what it says. */
void vcpu_cpuid_init(struct vcpu *v, const struct vm *vm);
/* Build the VMCS for a guest that starts in the given state, with the MSR
 * bitmap that follows its CPUID policy. */
bool vcpu_init(struct vcpu *v, struct vm *vm, const struct guest_entry *e);

/* Run until the slice ends (TSC deadline), the vCPU yields or its VM
 * stops. */
enum exit_action vcpu_run(struct vcpu *v, uint64_t tsc_deadline);

/* Release the VMCS (VMCLEAR) and the pages it owns. */
void vcpu_destroy(struct vcpu *v);

/* Helpers for exit handlers (vmx/vcpu.c). */
void vcpu_skip_insn(struct vcpu *v);            /* RIP += exit insn length */
/* End an STI or MOV SS shadow the skipped instruction sat in (SDM Vol. 3C
 * §25.4.2): needed where an interrupt is to be injected right after it
 * ("STI; HLT"); elsewhere the shadow ends one instruction late, harmless. */
void vcpu_end_shadow(struct vcpu *v);
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_err,
                           uint32_t err);
unsigned vcpu_cpl(void);                        /* of the current VMCS */
/* PKRU of the vCPU whose state is in the CPU (0 without PKU). */
uint32_t vcpu_guest_pkru(void);
void vcpu_dump(struct vcpu *v);                 /* guest state to the log */

/* vmx/entry.S: 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed. */
int vmx_run(struct vcpu_regs *regs, int launched);

#endif
