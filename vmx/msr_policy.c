/*
 * vmx/msr_policy.c — the MSR allow-list (vmx/msr_policy.h). MSR numbers:
 * SDM Vol. 4 Table 2-2.
 */
#include <string.h>
#include "vmx/mitigate.h"
#include "vmx/msr_policy.h"
#include "hv/x86.h"

#define R   MSR_ACCESS_READ
#define W   MSR_ACCESS_WRITE
#define RW  (MSR_ACCESS_READ | MSR_ACCESS_WRITE)
#define ALWAYS { CF_NONE, CF_NONE, CF_NONE }
#define IF(...) { __VA_ARGS__ }

const struct msr_rule msr_rules[] = {
	{ MSR_TSC, MSR_TSC, RW, MSRK_TSC, IF(CF_TSC, CF_MSR), "IA32_TIME_STAMP_COUNTER" },
	/* The vLAPIC's; reads "APIC disabled" until it lands. */
	{ MSR_APIC_BASE, MSR_APIC_BASE, RW, MSRK_APIC_BASE, ALWAYS, "IA32_APIC_BASE" },
	/* Locked with VMX off: VMX is hidden. */
	{ MSR_FEATURE_CONTROL, MSR_FEATURE_CONTROL, R, MSRK_FEATURE_CONTROL,
	  ALWAYS, "IA32_FEATURE_CONTROL" },
	{ MSR_SPEC_CTRL, MSR_SPEC_CTRL, RW, MSRK_SPEC_CTRL,
	  IF(CF_SPEC_CTRL, CF_STIBP, CF_SSBD), "IA32_SPEC_CTRL" },
	{ MSR_IA32_PRED_CMD, MSR_IA32_PRED_CMD, W, MSRK_PASS, IF(CF_SPEC_CTRL),
	  "IA32_PRED_CMD" },
	{ MSR_BIOS_SIGN_ID, MSR_BIOS_SIGN_ID, RW, MSRK_BIOS_SIGN_ID, ALWAYS,
	  "IA32_BIOS_SIGN_ID" },
	{ MSR_MTRRCAP, MSR_MTRRCAP, R, MSRK_MTRRCAP, IF(CF_MTRR), "IA32_MTRRCAP" },
	{ MSR_IA32_ARCH_CAPS, MSR_IA32_ARCH_CAPS, R, MSRK_ARCH_CAPS,
	  IF(CF_ARCH_CAPABILITIES), "IA32_ARCH_CAPABILITIES" },
	{ MSR_IA32_FLUSH_CMD, MSR_IA32_FLUSH_CMD, W, MSRK_PASS, IF(CF_FLUSH_L1D),
	  "IA32_FLUSH_CMD" },
	{ MSR_SYSENTER_CS, MSR_SYSENTER_CS, RW, MSRK_SYSENTER_CS, IF(CF_SEP),
	  "IA32_SYSENTER_CS" },
	{ MSR_SYSENTER_ESP, MSR_SYSENTER_ESP, RW, MSRK_SYSENTER_ESP, IF(CF_SEP),
	  "IA32_SYSENTER_ESP" },
	{ MSR_SYSENTER_EIP, MSR_SYSENTER_EIP, RW, MSRK_SYSENTER_EIP, IF(CF_SEP),
	  "IA32_SYSENTER_EIP" },
	{ MSR_MISC_ENABLE, MSR_MISC_ENABLE, RW, MSRK_MISC_ENABLE, ALWAYS,
	  "IA32_MISC_ENABLE" },
	{ MSR_DEBUGCTL, MSR_DEBUGCTL, RW, MSRK_DEBUGCTL, ALWAYS, "IA32_DEBUGCTL" },
	{ MSR_PAT, MSR_PAT, RW, MSRK_PAT, IF(CF_PAT), "IA32_PAT" },
	{ MSR_MTRR_DEF_TYPE, MSR_MTRR_DEF_TYPE, RW, MSRK_MTRR_DEF_TYPE, IF(CF_MTRR),
	  "IA32_MTRR_DEF_TYPE" },
	{ MSR_TSC_DEADLINE, MSR_TSC_DEADLINE, RW, MSRK_VLAPIC, IF(CF_TSC_DEADLINE),
	  "IA32_TSC_DEADLINE" },
	{ MSR_X2APIC_FIRST, MSR_X2APIC_LAST, RW, MSRK_VLAPIC, IF(CF_X2APIC),
	  "x2APIC" },
	/* No supervisor state component: only 0 may be written. */
	{ MSR_XSS, MSR_XSS, RW, MSRK_XSS, IF(CF_XSAVES), "IA32_XSS" },
	{ MSR_EFER, MSR_EFER, RW, MSRK_EFER, IF(CF_LM, CF_NX), "IA32_EFER" },
	/* Switched by software with the vCPU (vmx/vcpu.c). */
	{ MSR_STAR, MSR_STAR, RW, MSRK_PASS, IF(CF_SYSCALL, CF_LM), "IA32_STAR" },
	{ MSR_LSTAR, MSR_SFMASK, RW, MSRK_PASS, IF(CF_LM),
	  "IA32_LSTAR, CSTAR, FMASK" },
	/* FS and GS bases are in the VMCS; KERNEL_GS_BASE is switched. */
	{ MSR_FS_BASE, MSR_KERNEL_GS_BASE, RW, MSRK_PASS, IF(CF_LM),
	  "IA32_FS_BASE, GS_BASE, KERNEL_GS_BASE" },
	{ MSR_TSC_AUX, MSR_TSC_AUX, RW, MSRK_PASS, IF(CF_RDTSCP, CF_RDPID),
	  "IA32_TSC_AUX" },
};

const size_t msr_nrules = sizeof(msr_rules) / sizeof(msr_rules[0]);

static bool rule_present(const struct cpuid_policy *p, const struct msr_rule *r)
{
	unsigned i;

	if (r->needs[0] == CF_NONE)
		return true;
	for (i = 0; i < MSR_RULE_NEEDS; i++)
		if (r->needs[i] != CF_NONE &&
		    cpuid_policy_has(p, (enum cpuid_feature_id)r->needs[i]))
			return true;
	return false;
}

/* Binary search of the sorted table. */
static const struct msr_rule *rule_of(uint32_t msr)
{
	size_t lo = 0, hi = msr_nrules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (msr < msr_rules[mid].first)
			hi = mid;
		else if (msr > msr_rules[mid].last)
			lo = mid + 1;
		else
			return &msr_rules[mid];
	}
	return NULL;
}

unsigned msr_policy_access(const struct cpuid_policy *p, uint32_t msr)
{
	const struct msr_rule *r = rule_of(msr);

	return r && rule_present(p, r) ? r->access : 0;
}

const struct msr_rule *msr_policy_find(const struct cpuid_policy *p,
                                       uint32_t msr, unsigned access)
{
	const struct msr_rule *r = rule_of(msr);

	if (!r || !rule_present(p, r) || (r->access & access) != access)
		return NULL;
	return r;
}

/* SDM Vol. 3C §25.6.9: read bitmap for 0–0x1FFF at 0, for
 * 0xC0000000–0xC0001FFF at 1024; the write bitmaps 2048 further. */
static void pass(uint8_t *bm, uint32_t msr, unsigned access)
{
	unsigned base = (msr >= 0xc0000000u) ? 1024 : 0;
	unsigned bit = msr & 0x1fff;

	if (access & MSR_ACCESS_READ)
		bm[base + bit / 8] &= (uint8_t)~(1u << (bit % 8));
	if (access & MSR_ACCESS_WRITE)
		bm[2048 + base + bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

void msr_policy_bitmap(const struct cpuid_policy *p,
                       uint8_t bitmap[MSR_BITMAP_BYTES])
{
	size_t i;
	uint32_t msr;

	memset(bitmap, 0xff, MSR_BITMAP_BYTES);
	for (i = 0; i < msr_nrules; i++) {
		const struct msr_rule *r = &msr_rules[i];
		unsigned access = 0;

		if (!rule_present(p, r))
			continue;
		if (r->kind == MSRK_PASS ||
		    (r->kind == MSRK_SPEC_CTRL && p->spec_ctrl_passthrough))
			access = r->access;
		else if (r->kind == MSRK_TSC)
			access = MSR_ACCESS_READ;
		for (msr = r->first; access && msr <= r->last; msr++)
			pass(bitmap, msr, access);
	}
}
