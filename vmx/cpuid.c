/*
 * vmx/cpuid.c — the CPUID exit: run CPUID on the host, apply the policy
 * (vmx/cpuid_policy.c), return it in the guest's RAX..RDX.
 */
#include "hv/cpu.h"
#include "hv/vm.h"
#include "vmx/cpuid_policy.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"
#include "version.h"

enum exit_action exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.gpr[GPR_RAX];
	uint32_t sub = (uint32_t)v->regs.gpr[GPR_RCX];
	uint32_t r[4] = { 0, 0, 0, 0 };

	if (leaf < CPUID_HV_BASE || leaf > CPUID_HV_LAST)
		cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
	cpuid_policy(leaf, sub, vmread(VMCS_CR4_SHADOW) | vmread(VMCS_GUEST_CR4),
	             BAREGT_VERSION_NUM, r);
	v->regs.gpr[GPR_RAX] = r[0];
	v->regs.gpr[GPR_RBX] = r[1];
	v->regs.gpr[GPR_RCX] = r[2];
	v->regs.gpr[GPR_RDX] = r[3];
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
