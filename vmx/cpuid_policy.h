/*
 * vmx/cpuid_policy.h — what a VM's CPUID says (docs/guests.md, "CPU
 * behaviour"): the host's CPUID, minus what BareGT does not virtualize,
 * minus what the VM's config hides (`cpuid_hide`), plus what its
 * platform provides (the TSC rate in leaves 0x15/0x16, ARAT, one CPU's
 * topology). Built once per VM (cpuid_policy_build, at VM creation);
 * the CPUID exit only indexes it (cpuid_policy_lookup), adding the parts
 * that follow the guest's own CR4 and XCR0. The same policy says which
 * CR4, XCR0 and EFER bits a guest may set and what IA32_MISC_ENABLE and
 * IA32_ARCH_CAPABILITIES read; vmx/msr_policy.c derives the MSR
 * allow-list from it. Pure: the unit tests check every rule.
 */
#ifndef BAREGT_VMX_CPUID_POLICY_H
#define BAREGT_VMX_CPUID_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmx/cpuid_features.h"

#define CPUID_HV_BASE      0x40000000u
#define CPUID_HV_VERSION   0x40000001u
#define CPUID_HV_LAST      0x400000ffu

#define CPUID_BASIC_MAX    0x16u          /* the highest basic leaf a VM sees */
#define CPUID_EXT_BASE     0x80000000u
#define CPUID_EXT_MAX      0x80000008u    /* the highest extended leaf */
#define CPUID_LEAF4_SUBS   8              /* cache levels kept */
#define CPUID_LEAF7_SUBS   2              /* subleaves 0 and 1 */
#define CPUID_XSAVE_SUBS   10             /* leaf 0xD up to PKRU (9) */
#define CPUID_FEATURE_WORDS ((CF_COUNT + 31) / 32)
#define CPUID_BUS_MHZ      100u           /* leaf 0x16 ECX, stated */

/* IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2, MSR 0x1A0) */
#define MISC_ENABLE_FAST_STRING     (1ull << 0)
#define MISC_ENABLE_PERFMON         (1ull << 7)   /* RO: PMU available */
#define MISC_ENABLE_BTS_UNAVAIL     (1ull << 11)  /* RO */
#define MISC_ENABLE_PEBS_UNAVAIL    (1ull << 12)  /* RO */
#define MISC_ENABLE_EIST            (1ull << 16)
#define MISC_ENABLE_MONITOR         (1ull << 18)
#define MISC_ENABLE_LIMIT_CPUID     (1ull << 22)
#define MISC_ENABLE_XTPR_DISABLE    (1ull << 23)
#define MISC_ENABLE_XD_DISABLE      (1ull << 34)

/* IA32_SPEC_CTRL bits (SDM Vol. 4 Table 2-2, MSR 0x48) */
#define SPEC_CTRL_IBRS              (1ull << 0)
#define SPEC_CTRL_STIBP             (1ull << 1)
#define SPEC_CTRL_SSBD              (1ull << 2)

/* The host's CPUID: r[0..3] = EAX..EDX for (leaf, subleaf). */
typedef void cpuid_host_fn(void *arg, uint32_t leaf, uint32_t subleaf,
                           uint32_t r[4]);

/* What a VM's policy is built from. */
struct cpuid_inputs {
	cpuid_host_fn *host;
	void *host_arg;
	uint64_t tsc_hz;              /* calibrated TSC rate (0: unknown) */
	uint64_t host_arch_caps;      /* IA32_ARCH_CAPABILITIES, 0 if absent */
	uint32_t version;             /* BareGT's, for leaf 0x40000001 */
	/* What BareGT's VMX setup lets a guest run (vmx/vmx.c). */
	bool rdtscp, invpcid, xsaves;
	bool pku;                     /* the host runs with CR4.PKE */
	/* The virtual local APIC: false until it serves the feature. */
	bool lapic, lapic_x2apic, lapic_tsc_deadline;
	/* A bit per enum cpuid_feature_id the config hides (NULL: none). */
	const uint32_t *hide;
	size_t hide_words;
};

struct cpuid_policy {
	/* The answers, by leaf and subleaf; leaf 0xB and the parts that
	 * follow the guest's CR4/XCR0 are made by the lookup. */
	uint32_t basic[CPUID_BASIC_MAX + 1][4];    /* leaves without subleaves */
	uint32_t leaf4[CPUID_LEAF4_SUBS][4];
	uint32_t leaf7[CPUID_LEAF7_SUBS][4];
	uint32_t xsave[CPUID_XSAVE_SUBS][4];
	uint32_t ext[CPUID_EXT_MAX - CPUID_EXT_BASE + 1][4];
	uint32_t has[CPUID_FEATURE_WORDS];         /* advertised features */
	uint32_t version;
	/* What the guest may set, following what is advertised. */
	uint64_t xcr0_allowed;
	uint64_t cr4_allowed;
	uint64_t efer_allowed;
	/* Leaf 0x15's crystal clock: the rate of the vLAPIC timer. */
	uint64_t crystal_hz;
	/* MSR values that follow the policy. */
	uint64_t arch_caps;           /* IA32_ARCH_CAPABILITIES as read */
	uint64_t misc_enable;         /* IA32_MISC_ENABLE at reset */
	uint64_t misc_enable_writable;
	uint64_t spec_ctrl_bits;      /* IA32_SPEC_CTRL bits the VM may set */
	bool spec_ctrl_passthrough;   /* ... all the host has: no exits */
};

void cpuid_policy_build(const struct cpuid_inputs *in, struct cpuid_policy *p);

static inline bool cpuid_policy_has(const struct cpuid_policy *p,
                                    enum cpuid_feature_id f)
{
	return (p->has[f / 32] >> (f % 32)) & 1;
}

/*
 * r[0..3] = the guest's EAX..EDX for CPUID (leaf, subleaf), given the
 * CR4 and XCR0 the guest set. Constant time: the exit handler's.
 */
void cpuid_policy_lookup(const struct cpuid_policy *p, uint32_t leaf,
                         uint32_t subleaf, uint64_t guest_cr4,
                         uint64_t guest_xcr0, uint32_t r[4]);

#endif
