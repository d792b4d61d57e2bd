/*
 * vmx/msr.c — RDMSR/WRMSR exits: an allow-list; anything else injects
 * #GP(0), as a CPU without that MSR would (docs/guests.md). MSRs held in
 * the VMCS (EFER, PAT, SYSENTER_*) are read and written there; FS/GS
 * bases and the SYSCALL MSRs never exit (vmx/vmx.c passes them through).
 * MSR numbers: SDM Vol. 4 Table 2-2.
 */
#include "hv/console.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"


#define FEATURE_CONTROL_LOCKED  1ull            /* locked, VMX off */
#define MISC_ENABLE_FAST_STRING 1ull

static enum exit_action msr_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return EXIT_RESUME;
}

static enum exit_action msr_done(struct vcpu *v)
{
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
	uint64_t val;

	switch (msr) {
	case MSR_FEATURE_CONTROL: val = FEATURE_CONTROL_LOCKED; break;
	case MSR_BIOS_SIGN_ID:    val = 0; break;
	case MSR_MTRRCAP:         val = 0; break;   /* no fixed/variable MTRRs */
	case MSR_SYSENTER_CS:     val = vmread(VMCS_GUEST_SYSENTER_CS); break;
	case MSR_SYSENTER_ESP:    val = vmread(VMCS_GUEST_SYSENTER_ESP); break;
	case MSR_SYSENTER_EIP:    val = vmread(VMCS_GUEST_SYSENTER_EIP); break;
	case MSR_MISC_ENABLE:     val = MISC_ENABLE_FAST_STRING; break;
	case MSR_PAT:             val = vmread(VMCS_GUEST_PAT); break;
	case MSR_MTRR_DEF_TYPE:   val = v->mtrr_def_type; break;
	case MSR_EFER:            val = vmread(VMCS_GUEST_EFER); break;
	default:
		/* IA32_APIC_BASE, the x2APIC range, TSC_DEADLINE. */
		if (!vlapic_msr_read(&v->lapic, msr, &val))
			return msr_gp(v);
		break;
	}
	v->regs.gpr[GPR_RAX] = (uint32_t)val;
	v->regs.gpr[GPR_RDX] = val >> 32;
	return msr_done(v);
}

/* PAT entries must be valid memory types (SDM Vol. 3A §12.12.2). */
static bool pat_valid(uint64_t pat)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		unsigned t = (pat >> (8 * i)) & 0xff;
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

static enum exit_action wrmsr_efer(struct vcpu *v, uint64_t val)
{
	uint64_t old = vmread(VMCS_GUEST_EFER);

	if (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
		return msr_gp(v);
	/* LME cannot change while paging is on (SDM Vol. 3A §10.8.5);
	 * LMA is the CPU's, not writable. */
	if ((vmread(VMCS_GUEST_CR0) & CR0_PG) && ((val ^ old) & EFER_LME))
		return msr_gp(v);
	vmwrite(VMCS_GUEST_EFER, (val & ~EFER_LMA) | (old & EFER_LMA));
	return msr_done(v);
}

enum exit_action exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
	uint64_t val = (v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];

	switch (msr) {
	case MSR_TSC:             /* the TSC is shared: writes are ignored */
	case MSR_BIOS_SIGN_ID:    /* written before reading the microcode id */
	case MSR_MISC_ENABLE:
		return msr_done(v);
	case MSR_SYSENTER_CS:  vmwrite(VMCS_GUEST_SYSENTER_CS, val); break;
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		/* A non-canonical address is #GP for WRMSR (SDM Vol. 2B WRMSR)
		 * and would fail VM entry in the VMCS (§27.3.1.1). */
		if (!vmx_canonical(val))
			return msr_gp(v);
		vmwrite(msr == MSR_SYSENTER_ESP ? VMCS_GUEST_SYSENTER_ESP :
		        VMCS_GUEST_SYSENTER_EIP, val);
		break;
	case MSR_PAT:
		if (!pat_valid(val))
			return msr_gp(v);
		vmwrite(VMCS_GUEST_PAT, val);
		break;
	case MSR_MTRR_DEF_TYPE:
		/* type in bits 7:0, FE bit 10, E bit 11 (SDM Vol. 3A §12.11.2.1) */
		if (val & ~0xcffull)
			return msr_gp(v);
		v->mtrr_def_type = val;
		break;
	case MSR_EFER:
		return wrmsr_efer(v, val);
	default:
		if (!vlapic_msr_write(&v->lapic, msr, val))
			return msr_gp(v);
		break;
	}
	return msr_done(v);
}
