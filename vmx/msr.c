/*
 * vmx/msr.c — RDMSR/WRMSR exits. Which MSRs a VM has is the allow-list
 * of vmx/msr_policy.c, following its CPUID; anything else injects
 * #GP(0), as a CPU without that MSR would (docs/guests.md). MSRs held in
 * the VMCS (EFER, PAT, SYSENTER_*, DEBUGCTL) are read and written there;
 * the ones a VM owns in the CPU never exit (msr_policy_bitmap).
 * MSR numbers and bits: SDM Vol. 4 Table 2-2.
 */
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/msr_policy.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"


#define FEATURE_CONTROL_LOCKED  1ull            /* locked, VMX off */
#define DEBUGCTL_BTF            (1ull << 1)     /* single-step on branches */

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
	const struct msr_rule *r = msr_policy_find(&v->cpuid, msr, MSR_ACCESS_READ);
	uint64_t val;

	if (!r)
		return msr_gp(v);
	switch ((enum msr_kind)r->kind) {
	case MSRK_TSC:             val = rdtsc(); break;
	case MSRK_FEATURE_CONTROL: val = FEATURE_CONTROL_LOCKED; break;
	case MSRK_SPEC_CTRL:       val = v->spec_ctrl; break;
	case MSRK_BIOS_SIGN_ID:    val = 0; break;
	case MSRK_MTRRCAP:         val = 0; break;   /* no fixed/variable MTRRs */
	case MSRK_ARCH_CAPS:       val = v->cpuid.arch_caps; break;
	case MSRK_SYSENTER_CS:     val = vmread(VMCS_GUEST_SYSENTER_CS); break;
	case MSRK_SYSENTER_ESP:    val = vmread(VMCS_GUEST_SYSENTER_ESP); break;
	case MSRK_SYSENTER_EIP:    val = vmread(VMCS_GUEST_SYSENTER_EIP); break;
	case MSRK_MISC_ENABLE:     val = v->misc_enable; break;
	case MSRK_DEBUGCTL:        val = vmread(VMCS_GUEST_DEBUGCTL); break;
	case MSRK_PAT:             val = vmread(VMCS_GUEST_PAT); break;
	case MSRK_MTRR_DEF_TYPE:   val = v->mtrr_def_type; break;
	case MSRK_XSS:             val = 0; break;
	case MSRK_EFER:            val = vmread(VMCS_GUEST_EFER); break;
	case MSRK_APIC_BASE:       /* the vLAPIC's: hv/dev/vlapic.c */
	case MSRK_VLAPIC:
		if (!vlapic_msr_read(&v->lapic, msr, &val))
			return msr_gp(v);
		break;
	case MSRK_PASS:            /* the bitmap passes these: no exit */
	default:                   return msr_gp(v);
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

	/* Only what CPUID advertises (SCE: SYSCALL, LME/LMA: LM, NXE: NX). */
	if (val & ~v->cpuid.efer_allowed)
		return msr_gp(v);
	/* LME cannot change while paging is on (SDM Vol. 3A §10.8.5);
	 * LMA is the CPU's, not writable. */
	if ((vmread(VMCS_GUEST_CR0) & CR0_PG) && ((val ^ old) & EFER_LME))
		return msr_gp(v);
	vmwrite(VMCS_GUEST_EFER, (val & ~EFER_LMA) | (old & EFER_LMA));
	return msr_done(v);
}

/* Only the writable bits may change; the others read as they are. */
static enum exit_action wrmsr_misc_enable(struct vcpu *v, uint64_t val)
{
	if ((val ^ v->misc_enable) & ~v->cpuid.misc_enable_writable)
		return msr_gp(v);
	v->misc_enable = val;
	return msr_done(v);
}

/* The guest's IA32_SPEC_CTRL is live in the CPU while it runs and the
 * hypervisor does not use it; vmx/vcpu.c switches it between vCPUs. */
static enum exit_action wrmsr_spec_ctrl(struct vcpu *v, uint64_t val)
{
	if (val & ~v->cpuid.spec_ctrl_bits)
		return msr_gp(v);
	wrmsr(MSR_SPEC_CTRL, val);
	v->spec_ctrl = val;
	return msr_done(v);
}

enum exit_action exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
	uint64_t val = (v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];
	const struct msr_rule *r = msr_policy_find(&v->cpuid, msr, MSR_ACCESS_WRITE);

	if (!r)
		return msr_gp(v);
	switch ((enum msr_kind)r->kind) {
	case MSRK_TSC:             /* the TSC is shared: writes are ignored */
	case MSRK_BIOS_SIGN_ID:    /* written before reading the microcode id */
		return msr_done(v);
	case MSRK_SPEC_CTRL:
		return wrmsr_spec_ctrl(v, val);
	case MSRK_SYSENTER_CS:
		vmwrite(VMCS_GUEST_SYSENTER_CS, val);
		break;
	case MSRK_SYSENTER_ESP:
	case MSRK_SYSENTER_EIP:
		/* A non-canonical address is #GP for WRMSR (SDM Vol. 2B WRMSR)
		 * and would fail VM entry in the VMCS (§27.3.1.1). */
		if (!vmx_canonical(val))
			return msr_gp(v);
		vmwrite(r->kind == MSRK_SYSENTER_ESP ? VMCS_GUEST_SYSENTER_ESP :
		        VMCS_GUEST_SYSENTER_EIP, val);
		break;
	case MSRK_MISC_ENABLE:
		return wrmsr_misc_enable(v, val);
	case MSRK_DEBUGCTL:
		/* BTF only: no LBR, BTS or perfmon freezing behind it. */
		if (val & ~DEBUGCTL_BTF)
			return msr_gp(v);
		vmwrite(VMCS_GUEST_DEBUGCTL, val);
		break;
	case MSRK_PAT:
		if (!pat_valid(val))
			return msr_gp(v);
		vmwrite(VMCS_GUEST_PAT, val);
		break;
	case MSRK_MTRR_DEF_TYPE:
		/* type in bits 7:0, FE bit 10, E bit 11 (SDM Vol. 3A §12.11.2.1) */
		if (val & ~0xcffull)
			return msr_gp(v);
		v->mtrr_def_type = val;
		break;
	case MSRK_XSS:
		/* Leaf 0xD.1 ECX:EDX = 0: no bit of IA32_XSS is supported. */
		if (val)
			return msr_gp(v);
		break;
	case MSRK_EFER:
		return wrmsr_efer(v, val);
	case MSRK_APIC_BASE:       /* the vLAPIC's: hv/dev/vlapic.c */
	case MSRK_VLAPIC:
		if (!vlapic_msr_write(&v->lapic, msr, val))
			return msr_gp(v);
		break;
	case MSRK_PASS:
	case MSRK_FEATURE_CONTROL:
	case MSRK_MTRRCAP:
	case MSRK_ARCH_CAPS:
	default:
		return msr_gp(v);
	}
	return msr_done(v);
}
