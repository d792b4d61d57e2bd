/*
 * vmx/cpuid.c — the CPUID exit: the VM's answer from its policy
 * (vmx/cpuid_policy.c, built when the VM was), given the CR4 and XCR0
 * the guest set, into its RAX..RDX.
 */
#include "hv/vm.h"
#include "vmx/cpuid_policy.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

enum exit_action exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.gpr[GPR_RAX];
	uint32_t sub = (uint32_t)v->regs.gpr[GPR_RCX];
	uint32_t r[4];

	cpuid_policy_lookup(&v->cpuid, leaf, sub,
	                    vmread(VMCS_CR4_SHADOW) | vmread(VMCS_GUEST_CR4),
	                    v->xcr0, r);
	/* The APIC flag follows IA32_APIC_BASE.EN (SDM Vol. 3A §11.4.3). */
	if (leaf == 1 && !vlapic_enabled(&v->lapic))
		r[3] &= ~(1u << 9);
	v->regs.gpr[GPR_RAX] = r[0];
	v->regs.gpr[GPR_RBX] = r[1];
	v->regs.gpr[GPR_RCX] = r[2];
	v->regs.gpr[GPR_RDX] = r[3];
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
