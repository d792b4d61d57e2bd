/*
 * vmx/probe.c — reads CPUID and the VMX capability MSRs. MSRs are read
 * only when CPUID says VMX exists (they #GP otherwise), and each optional
 * one only when the capability that announces it is set.
 */
#include "hv/cpu.h"
#include "vmx/caps.h"

void vmx_probe(struct vmx_msrs *m)
{
	uint32_t a, b, c, d;

	*m = (struct vmx_msrs){ 0 };
	cpuid(1, 0, &a, &b, &c, &d);
	m->cpuid_vmx = c & (1u << 5);
	if (!m->cpuid_vmx)
		return;
	m->feature_control = rdmsr(MSR_IA32_FEATURE_CONTROL);
	m->basic = rdmsr(MSR_IA32_VMX_BASIC);
	m->pinbased = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	m->procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	m->misc = rdmsr(MSR_IA32_VMX_MISC);
	if (m->basic & (1ull << 55)) {
		m->true_pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		m->true_procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
	}
	if (m->procbased >> 63) {            /* secondary controls allowed */
		m->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
		/* EPT_VPID_CAP exists if EPT or VPID may be 1 (A.10). */
		if ((m->procbased2 >> 32) & ((1u << 1) | (1u << 5)))
			m->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
}
