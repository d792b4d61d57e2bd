/*
 * vmx/cr.c — control-register exits. The guest owns CR0 and CR4 except
 * CR0.NE and CR4.VMXE (vmx/vcpu.c sets the masks), so only writes that
 * change those bits exit, plus every CR8 access (CR8 is the vLAPIC's
 * TPR[7:4], SDM Vol. 3A §11.8.6.1) and XSETBV. A MOV to CR0 that exits is
 * emulated whole, including the switch into or out of IA-32e mode
 * (SDM Vol. 3A §10.8.5; Vol. 3C §28.3 for what VM exits save).
 * Exit qualification: SDM Vol. 3C Table 28-3.
 */
#include "hv/cpu.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"


static uint64_t guest_gpr(struct vcpu *v, unsigned n)
{
	return n == GPR_RSP ? vmread(VMCS_GUEST_RSP) : v->regs.gpr[n];
}

static void set_guest_gpr(struct vcpu *v, unsigned n, uint64_t val)
{
	if (n == GPR_RSP)
		vmwrite(VMCS_GUEST_RSP, val);
	else
		v->regs.gpr[n] = val;
}

static enum exit_action inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return EXIT_RESUME;
}

static enum exit_action cr0_write(struct vcpu *v, uint64_t val)
{
	uint64_t old = vmread(VMCS_GUEST_CR0), efer = vmread(VMCS_GUEST_EFER);
	uint64_t entry = vmread(VMCS_ENTRY_CTLS);

	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & CR0_NW) && !(val & CR0_CD)))
		return inject_gp(v);
	if (!(old & CR0_PG) && (val & CR0_PG) && (efer & EFER_LME)) {
		if (!(vmread(VMCS_GUEST_CR4) & CR4_PAE))
			return inject_gp(v);
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E_GUEST;
	} else if ((old & CR0_PG) && !(val & CR0_PG)) {
		efer &= ~EFER_LMA;
		entry &= ~(uint64_t)ENTRY_IA32E_GUEST;
	}
	vmwrite(VMCS_CR0_SHADOW, val);
	vmwrite(VMCS_GUEST_CR0, (val | (vmx.cr0_fixed0 & ~(CR0_PE | CR0_PG))) &
	                        vmx.cr0_fixed1);
	vmwrite(VMCS_GUEST_EFER, efer);
	vmwrite(VMCS_ENTRY_CTLS, entry);
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

static enum exit_action cr4_write(struct vcpu *v, uint64_t val)
{
	/* VMX is hidden: setting VMXE faults as on a CPU without VMX; so
	 * does any bit of a feature the VM's CPUID does not advertise. */
	if ((val & CR4_VMXE) || (val & ~vmx.cr4_fixed1) ||
	    (val & ~v->cpuid.cr4_allowed))
		return inject_gp(v);
	vmwrite(VMCS_CR4_SHADOW, val);
	vmwrite(VMCS_GUEST_CR4, (val | vmx.cr4_fixed0) & vmx.cr4_fixed1);
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_cr_access(struct vcpu *v)
{
	uint64_t q = v->exit_qual;
	unsigned cr = CRQ_NUM(q), gpr = CRQ_GPR(q);

	switch (CRQ_TYPE(q)) {
	case CRQ_MOV_TO_CR:
		if (cr == 0)
			return cr0_write(v, guest_gpr(v, gpr));
		if (cr == 4)
			return cr4_write(v, guest_gpr(v, gpr));
		if (cr == 8) {
			if (guest_gpr(v, gpr) >> 4)
				return inject_gp(v);
			vlapic_set_cr8(&v->lapic, guest_gpr(v, gpr));
			vcpu_skip_insn(v);
			return EXIT_RESUME;
		}
		break;
	case CRQ_MOV_FROM_CR:
		if (cr == 8) {
			set_guest_gpr(v, gpr, vlapic_get_cr8(&v->lapic));
			vcpu_skip_insn(v);
			return EXIT_RESUME;
		}
		break;
	case CRQ_LMSW:
		/* LMSW loads CR0 bits 3:0 and cannot clear PE. */
		return cr0_write(v, (vmread(VMCS_CR0_SHADOW) & ~0xeull) |
		                    (CRQ_LMSW_DATA(q) & 0xf));
	default:
		break;
	}
	vm_stop_dump(v->vm, "unexpected control-register access (qualification %#llx)",
	             (unsigned long long)q);
	return EXIT_STOP;
}

/* XCR0 rules: SDM Vol. 1 §13.3 (x87 always on; AVX needs SSE; the three
 * AVX-512 bits together and with AVX; the two MPX bits together); and
 * only the components the VM's CPUID leaf 0xD lists. */
static bool xcr0_valid(const struct vcpu *v, uint64_t x)
{
	if (!(x & XCR0_X87) || (x & ~v->cpuid.xcr0_allowed))
		return false;
	if ((x & XCR0_AVX) && !(x & XCR0_SSE))
		return false;
	if ((x & XCR0_AVX512) && ((x & XCR0_AVX512) != XCR0_AVX512 ||
	                          !(x & XCR0_AVX)))
		return false;
	if ((x & XCR0_BND) && (x & XCR0_BND) != XCR0_BND)
		return false;
	return true;
}

enum exit_action exit_xsetbv(struct vcpu *v)
{
	uint64_t x = (v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];

	/* #UD without XSAVE (or with CR4.OSXSAVE clear: the CPU checks
	 * that before the exit). */
	if (!cpuid_policy_has(&v->cpuid, CF_XSAVE)) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	if ((uint32_t)v->regs.gpr[GPR_RCX] != 0 || !xcr0_valid(v, x))
		return inject_gp(v);
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"((uint32_t)x),
	                     "d"((uint32_t)(x >> 32)));
	v->xcr0 = x;
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
