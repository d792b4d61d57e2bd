/*
 * vmx/msr_policy.h — the MSRs a VM may read and write: one table of
 * rules (number range, accesses, how vmx/msr.c serves it, the features
 * it comes with), and from it, per VM, the VMX MSR bitmap. An MSR no
 * rule allows raises #GP(0), as on a CPU without it (docs/guests.md).
 * A rule's features are CPUID features (vmx/cpuid_features.h): the MSR
 * exists for a VM exactly when its CPUID says one of them. Pure.
 */
#ifndef BAREGT_VMX_MSR_POLICY_H
#define BAREGT_VMX_MSR_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "vmx/cpuid_policy.h"

#define MSR_ACCESS_READ   1u
#define MSR_ACCESS_WRITE  2u
#define MSR_BITMAP_BYTES  4096u

/* How vmx/msr.c serves an MSR. */
enum msr_kind {
	MSRK_PASS,             /* the guest's own: the bitmap lets it through */
	MSRK_TSC,              /* reads pass; writes are dropped (shared TSC) */
	MSRK_APIC_BASE,
	MSRK_FEATURE_CONTROL,
	MSRK_SPEC_CTRL,        /* passes when the VM may set every host bit */
	MSRK_BIOS_SIGN_ID,
	MSRK_MTRRCAP,
	MSRK_ARCH_CAPS,
	MSRK_SYSENTER_CS,
	MSRK_SYSENTER_ESP,
	MSRK_SYSENTER_EIP,
	MSRK_MISC_ENABLE,
	MSRK_DEBUGCTL,
	MSRK_PAT,
	MSRK_MTRR_DEF_TYPE,
	MSRK_VLAPIC,           /* TSC deadline and x2APIC: the vLAPIC's */
	MSRK_XSS,
	MSRK_EFER,
};

#define MSR_RULE_NEEDS 3

struct msr_rule {
	uint32_t first, last;
	uint8_t access;                  /* MSR_ACCESS_* it has */
	uint8_t kind;                    /* enum msr_kind */
	uint8_t needs[MSR_RULE_NEEDS];   /* any one advertised; all CF_NONE:
	                                  * always there */
	const char *name;
};

/* Sorted by number, no overlaps (the unit tests check). */
extern const struct msr_rule msr_rules[];
extern const size_t msr_nrules;

/* The rule that lets this VM access msr so (MSR_ACCESS_*), or NULL:
 * then the access raises #GP. */
const struct msr_rule *msr_policy_find(const struct cpuid_policy *p,
                                       uint32_t msr, unsigned access);

/* Which accesses to msr this VM has (0: none, #GP). */
unsigned msr_policy_access(const struct cpuid_policy *p, uint32_t msr);

/* The VM's VMX MSR bitmap (SDM Vol. 3C §25.6.9): every access exits,
 * except those the VM's own registers answer in the CPU. */
void msr_policy_bitmap(const struct cpuid_policy *p,
                       uint8_t bitmap[MSR_BITMAP_BYTES]);

#endif
