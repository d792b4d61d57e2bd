/*
 * vmx/caps.h — what the CPU's VMX implementation offers, decoded from the
 * VMX capability MSRs (SDM Vol. 3D Appendix A). Decoding and formatting
 * are pure (vmx/caps.c); reading the MSRs is vmx/probe.c.
 */
#ifndef BAREGT_VMX_CAPS_H
#define BAREGT_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MSR numbers, SDM Vol. 4 Table 2-2 / Vol. 3D Appendix A. */
#define MSR_IA32_FEATURE_CONTROL        0x03a
#define MSR_IA32_VMX_BASIC              0x480
#define MSR_IA32_VMX_PINBASED_CTLS      0x481
#define MSR_IA32_VMX_PROCBASED_CTLS     0x482
#define MSR_IA32_VMX_EXIT_CTLS          0x483
#define MSR_IA32_VMX_ENTRY_CTLS         0x484
#define MSR_IA32_VMX_MISC               0x485
#define MSR_IA32_VMX_PROCBASED_CTLS2    0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP       0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x490

/* Raw MSR values; a field stays 0 when its MSR does not exist. */
struct vmx_msrs {
	bool cpuid_vmx;              /* CPUID.1:ECX.VMX[bit 5] */
	uint64_t feature_control;
	uint64_t basic;
	uint64_t pinbased, procbased, procbased2;
	uint64_t true_pinbased, true_procbased;
	uint64_t misc;
	uint64_t ept_vpid;
};

struct vmx_caps {
	bool vmx;
	bool cpuid_vmx;           /* CPUID says VMX, whatever the MSRs say */
	uint32_t revision;           /* VMCS revision identifier */
	bool true_ctls;              /* BASIC bit 55 */
	bool secondary;              /* processor-based bit 31 allowed */
	bool ept, vpid, unrestricted, preemption_timer;
	unsigned preemption_rate;    /* timer ticks every 2^rate TSC cycles */
	bool ept_4level, ept_wb, ept_2m, ept_1g, ept_ad;
	bool invept, invvpid;
	bool fc_locked, fc_vmx_outside_smx;
	/* Interrupt virtualization (docs/platform.md, "Interrupts"). */
	bool intr_window, nmi_window, tpr_shadow;
	bool apic_access, x2apic_virt, apic_reg_virt, vintr_delivery;
	bool posted_intr;
};

void vmx_caps_decode(const struct vmx_msrs *m, struct vmx_caps *c);

/* One line: "revision 0x… EPT yes, VPID yes, …" (no "vmx:" prefix). */
void vmx_caps_format(const struct vmx_caps *c, char *buf, size_t n);
/* One line on interrupt virtualization: "interrupt window yes, …". */
void vmx_caps_format_apic(const struct vmx_caps *c, char *buf, size_t n);

/* vmx/probe.c: read CPUID and the MSRs that exist. */
void vmx_probe(struct vmx_msrs *m);

#endif
