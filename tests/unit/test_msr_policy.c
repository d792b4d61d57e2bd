/*
 * tests/unit/test_msr_policy.c — unit tests of vmx/msr_policy.c: the MSR
 * allow-list and the VMX MSR bitmap, against the CPUID policy of several
 * hosts (tests/unit/cpuid_hosts.h). The heart: every feature a VM's
 * CPUID advertises has the MSRs SDM Vol. 4 Table 2-2 says come with it
 * (cpuid_msr_facts, vmx/cpuid_features.c), and a hidden feature's MSRs
 * raise #GP — so advertising a feature without its MSRs fails here.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hv/x86.h"
#include "vmx/mitigate.h"
#include "vmx/msr_policy.h"
#include "cpuid_hosts.h"

static struct cpuid_policy pol;
static uint8_t bitmap[MSR_BITMAP_BYTES];
static char why[200];

/* ---- the promise ------------------------------------------------------ */

static bool implied_by_advertised(const struct cpuid_policy *p, uint32_t msr)
{
	size_t i;

	for (i = 0; i < cpuid_msr_nfacts; i++) {
		const struct cpuid_msr_fact *f = &cpuid_msr_facts[i];

		if (msr >= f->first && msr <= f->last &&
		    cpuid_policy_has(p, (enum cpuid_feature_id)f->feature))
			return true;
	}
	return false;
}

/* NULL if p keeps its promise; else what is broken, in why[]. */
static const char *broken_promise(const struct cpuid_policy *p)
{
	size_t i;
	uint32_t msr;

	for (i = 0; i < cpuid_msr_nfacts; i++) {
		const struct cpuid_msr_fact *f = &cpuid_msr_facts[i];
		const char *name = cpuid_features[f->feature].name;
		bool has = cpuid_policy_has(p, (enum cpuid_feature_id)f->feature);

		for (msr = f->first; msr <= f->last; msr++) {
			unsigned a = msr_policy_access(p, msr);

			if (has && (a & f->access) != f->access) {
				snprintf(why, sizeof why, "'%s' advertised but MSR %#x "
				         "allows %u of %u", name, msr, a, f->access);
				return why;
			}
			if (!has && f->gp_when_hidden && a != 0 &&
			    !implied_by_advertised(p, msr)) {
				snprintf(why, sizeof why, "'%s' hidden but MSR %#x "
				         "answers (%u)", name, msr, a);
				return why;
			}
		}
	}
	return NULL;
}

static void build_and_check(const struct cpuid_host *h,
                            const struct cpuid_inputs *in)
{
	const char *b;

	cpuid_policy_build(in, &pol);
	b = broken_promise(&pol);
	if (b)
		fail_msg("host %s: %s", h->name, b);
}

/* ---- the table -------------------------------------------------------- */

static void test_rules_sorted_and_sane(void **state)
{
	size_t i;

	(void)state;
	assert_true(msr_nrules > 0);
	for (i = 0; i < msr_nrules; i++) {
		const struct msr_rule *r = &msr_rules[i];
		bool low = r->last <= 0x1fff;
		bool high = r->first >= 0xc0000000u && r->last <= 0xc0001fffu;

		assert_true(r->first <= r->last);
		assert_non_null(r->name);
		assert_true(r->access != 0 && (r->access & ~3u) == 0);
		/* what the bitmap may pass must be in its ranges */
		if (r->kind == MSRK_PASS || r->kind == MSRK_TSC ||
		    r->kind == MSRK_SPEC_CTRL)
			assert_true(low || high);
		if (i > 0 && msr_rules[i - 1].last >= r->first)
			fail_msg("rule %zu (%s) overlaps or is out of order", i,
			         r->name);
	}
}

static void test_every_fact_names_a_feature(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < cpuid_msr_nfacts; i++) {
		const struct cpuid_msr_fact *f = &cpuid_msr_facts[i];

		assert_true(f->feature > CF_NONE && f->feature < CF_COUNT);
		assert_true(f->first <= f->last);
		assert_true(f->access != 0 && (f->access & ~3u) == 0);
	}
}

/* ---- the promise on every host and with every input ------------------ */

static void test_promise_kept_everywhere(void **state)
{
	const struct cpuid_host *hosts[] = { &bochs_skx, &skl_mitigated, &all_ones };
	unsigned h, combo, f;

	(void)state;
	for (h = 0; h < sizeof hosts / sizeof hosts[0]; h++) {
		for (combo = 0; combo < 64; combo++) {
			struct cpuid_inputs in = host_inputs(hosts[h]);

			in.rdtscp = combo & 1;
			in.invpcid = combo & 2;
			in.xsaves = combo & 4;
			in.pku = combo & 8;
			in.lapic = in.lapic_x2apic = in.lapic_tsc_deadline = combo & 16;
			in.host_arch_caps = (combo & 32) ? ~0ull : 0;
			build_and_check(hosts[h], &in);
		}
		/* and with each feature hidden by the config in turn */
		for (f = CF_NONE + 1; f < CF_COUNT; f++) {
			struct cpuid_inputs in = host_inputs(hosts[h]);
			uint32_t hide[CPUID_FEATURE_WORDS] = { 0 };

			hide[f / 32] = 1u << (f % 32);
			in.hide = hide;
			in.hide_words = CPUID_FEATURE_WORDS;
			in.lapic = in.lapic_x2apic = in.lapic_tsc_deadline = true;
			build_and_check(hosts[h], &in);
			assert_false(cpuid_policy_has(&pol, (enum cpuid_feature_id)f));
		}
	}
}

/* Advertising a feature whose MSRs BareGT does not give is caught: the
 * check is not vacuous. */
static void test_a_lie_is_caught(void **state)
{
	static const enum cpuid_feature_id lies[] = {
		CF_TSC_ADJUST, CF_MCA, CF_PDCM, CF_DTS, CF_EST, CF_APERFMPERF,
		CF_EPB, CF_MPX, CF_INTEL_PT, CF_WAITPKG, CF_XFD, CF_CORE_CAPABILITIES,
		CF_TSX_FORCE_ABORT, CF_HWP, CF_PKS,
	};
	struct cpuid_inputs in = host_inputs(&all_ones);
	unsigned i;

	(void)state;
	cpuid_policy_build(&in, &pol);
	assert_null(broken_promise(&pol));
	for (i = 0; i < sizeof lies / sizeof lies[0]; i++) {
		struct cpuid_policy liar = pol;

		liar.has[lies[i] / 32] |= 1u << (lies[i] % 32);
		if (!broken_promise(&liar))
			fail_msg("advertising '%s' went unnoticed",
			         cpuid_features[lies[i]].name);
	}
	/* a hidden feature's MSR goes with it */
	{
		struct cpuid_policy hid = pol;

		hid.has[CF_PAT / 32] &= ~(1u << (CF_PAT % 32));
		assert_null(broken_promise(&hid));
		assert_int_equal(msr_policy_access(&hid, MSR_PAT), 0);
	}
}

/* ---- the Bochs host as BareGT gives it ---------------------------------- */

static void test_bochs_msrs(void **state)
{
	static const uint32_t gp[] = {
		MSR_TSC_ADJUST, MSR_MCG_CAP, MSR_MCG_STATUS, MSR_PERF_CAPABILITIES,
		0x600, MSR_TSC_DEADLINE, 0x802, 0x80b, 0x830, MSR_SPEC_CTRL,
		MSR_IA32_PRED_CMD, MSR_IA32_ARCH_CAPS, MSR_IA32_FLUSH_CMD, 0x198,
		0x19c, 0x1b0, 0xe7, 0xe8, 0xd90, 0x570, 0x1234, 0x0, 0x1,
		0xc0000085u, 0xc0000104u, 0x40000000u, 0xffffffffu,
	};
	static const uint32_t rw[] = {
		MSR_APIC_BASE, MSR_BIOS_SIGN_ID, MSR_SYSENTER_CS, MSR_SYSENTER_ESP,
		MSR_SYSENTER_EIP, MSR_MISC_ENABLE, MSR_DEBUGCTL, MSR_PAT,
		MSR_MTRR_DEF_TYPE, MSR_XSS, MSR_EFER, MSR_STAR, MSR_LSTAR,
		MSR_CSTAR, MSR_SFMASK, MSR_FS_BASE, MSR_GS_BASE,
		MSR_KERNEL_GS_BASE, MSR_TSC_AUX, MSR_TSC,
	};
	struct cpuid_inputs in = host_inputs(&bochs_skx);
	unsigned i;

	(void)state;
	cpuid_policy_build(&in, &pol);
	for (i = 0; i < sizeof gp / sizeof gp[0]; i++)
		if (msr_policy_access(&pol, gp[i]) != 0)
			fail_msg("MSR %#x should raise #GP", gp[i]);
	for (i = 0; i < sizeof rw / sizeof rw[0]; i++)
		if (msr_policy_access(&pol, rw[i]) != 3)
			fail_msg("MSR %#x should be read-write", rw[i]);
	assert_int_equal(msr_policy_access(&pol, MSR_FEATURE_CONTROL), 1);
	assert_int_equal(msr_policy_access(&pol, MSR_MTRRCAP), 1);
	/* find: the access must be one the rule has */
	assert_non_null(msr_policy_find(&pol, MSR_FEATURE_CONTROL, MSR_ACCESS_READ));
	assert_null(msr_policy_find(&pol, MSR_FEATURE_CONTROL, MSR_ACCESS_WRITE));
	assert_int_equal(msr_policy_find(&pol, MSR_LSTAR, MSR_ACCESS_WRITE)->kind,
	                 MSRK_PASS);
	assert_int_equal(msr_policy_find(&pol, MSR_MISC_ENABLE, MSR_ACCESS_READ)->kind,
	                 MSRK_MISC_ENABLE);
	/* without RDTSCP (VMX cannot run it), no IA32_TSC_AUX */
	in.rdtscp = false;
	cpuid_policy_build(&in, &pol);
	assert_int_equal(msr_policy_access(&pol, MSR_TSC_AUX), 0);
	/* without XSAVES, no IA32_XSS */
	in.xsaves = false;
	cpuid_policy_build(&in, &pol);
	assert_int_equal(msr_policy_access(&pol, MSR_XSS), 0);
}

static void test_mitigated_msrs(void **state)
{
	struct cpuid_inputs in = host_inputs(&skl_mitigated);

	(void)state;
	cpuid_policy_build(&in, &pol);
	assert_int_equal(msr_policy_access(&pol, MSR_SPEC_CTRL), 3);
	assert_int_equal(msr_policy_access(&pol, MSR_IA32_PRED_CMD), MSR_ACCESS_WRITE);
	assert_int_equal(msr_policy_access(&pol, MSR_IA32_FLUSH_CMD), MSR_ACCESS_WRITE);
	assert_int_equal(msr_policy_access(&pol, MSR_IA32_ARCH_CAPS), MSR_ACCESS_READ);
	assert_int_equal(msr_policy_access(&pol, 0x10f), 0);    /* TSX_FORCE_ABORT */
	assert_int_equal(msr_policy_access(&pol, 0xd90), 0);    /* BNDCFGS */
}

/* ---- the bitmap ------------------------------------------------------------ */

static bool exits(uint32_t msr, bool write)
{
	unsigned base = (msr >= 0xc0000000u ? 1024 : 0) + (write ? 2048 : 0);
	unsigned bit = msr & 0x1fff;

	return (bitmap[base + bit / 8] >> (bit % 8)) & 1;
}

/* Every access the bitmap lets through is one the VM has, to a register
 * the CPU holds for it. */
static void check_bitmap(void)
{
	static const uint32_t bases[] = { 0, 0xc0000000u };
	unsigned b, w;
	uint32_t msr;

	for (b = 0; b < 2; b++) {
		for (msr = bases[b]; msr < bases[b] + 0x2000; msr++) {
			for (w = 0; w < 2; w++) {
				unsigned need = w ? MSR_ACCESS_WRITE : MSR_ACCESS_READ;
				const struct msr_rule *r = msr_policy_find(&pol, msr, need);

				if (exits(msr, w))
					continue;
				if (!r)
					fail_msg("MSR %#x %s passes but is not allowed", msr,
					         w ? "write" : "read");
				assert_true(r->kind == MSRK_PASS ||
				            (r->kind == MSRK_TSC && !w) ||
				            (r->kind == MSRK_SPEC_CTRL &&
				             pol.spec_ctrl_passthrough));
			}
		}
	}
}

static void test_bitmap_bochs(void **state)
{
	struct cpuid_inputs in = host_inputs(&bochs_skx);

	(void)state;
	cpuid_policy_build(&in, &pol);
	msr_policy_bitmap(&pol, bitmap);
	check_bitmap();
	assert_false(exits(MSR_TSC, false));
	assert_true(exits(MSR_TSC, true));
	assert_false(exits(MSR_LSTAR, false) || exits(MSR_LSTAR, true));
	assert_false(exits(MSR_KERNEL_GS_BASE, true));
	assert_false(exits(MSR_TSC_AUX, false));
	assert_true(exits(MSR_EFER, false) && exits(MSR_EFER, true));
	assert_true(exits(MSR_PAT, true) && exits(MSR_MISC_ENABLE, false));
	assert_true(exits(MSR_SPEC_CTRL, false) && exits(MSR_IA32_PRED_CMD, true));
	in.rdtscp = false;
	cpuid_policy_build(&in, &pol);
	msr_policy_bitmap(&pol, bitmap);
	check_bitmap();
	assert_true(exits(MSR_TSC_AUX, false) && exits(MSR_TSC_AUX, true));
}

static void test_bitmap_speculation_controls(void **state)
{
	struct cpuid_inputs in = host_inputs(&skl_mitigated);
	uint32_t hide[CPUID_FEATURE_WORDS] = { 0 };

	(void)state;
	cpuid_policy_build(&in, &pol);
	msr_policy_bitmap(&pol, bitmap);
	check_bitmap();
	/* the guest owns IA32_SPEC_CTRL; the commands are write-only */
	assert_false(exits(MSR_SPEC_CTRL, false) || exits(MSR_SPEC_CTRL, true));
	assert_true(exits(MSR_IA32_PRED_CMD, false));
	assert_false(exits(MSR_IA32_PRED_CMD, true));
	assert_true(exits(MSR_IA32_FLUSH_CMD, false));
	assert_false(exits(MSR_IA32_FLUSH_CMD, true));
	assert_true(exits(MSR_IA32_ARCH_CAPS, false));
	/* SSBD hidden: SPEC_CTRL exits, so its bit 2 can be refused */
	hide[CF_SSBD / 32] = 1u << (CF_SSBD % 32);
	in.hide = hide;
	in.hide_words = CPUID_FEATURE_WORDS;
	cpuid_policy_build(&in, &pol);
	msr_policy_bitmap(&pol, bitmap);
	check_bitmap();
	assert_true(exits(MSR_SPEC_CTRL, false) && exits(MSR_SPEC_CTRL, true));
	assert_int_equal(msr_policy_access(&pol, MSR_SPEC_CTRL), 3);
}

static void test_bitmap_all_ones(void **state)
{
	struct cpuid_inputs in = host_inputs(&all_ones);

	(void)state;
	in.lapic = in.lapic_x2apic = in.lapic_tsc_deadline = in.pku = true;
	cpuid_policy_build(&in, &pol);
	msr_policy_bitmap(&pol, bitmap);
	check_bitmap();
	/* the vLAPIC's MSRs exit to it */
	assert_true(exits(0x808, false) && exits(0x80b, true));
	assert_true(exits(MSR_TSC_DEADLINE, true));
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rules_sorted_and_sane),
		T(test_every_fact_names_a_feature),
		T(test_promise_kept_everywhere),
		T(test_a_lie_is_caught),
		T(test_bochs_msrs),
		T(test_mitigated_msrs),
		T(test_bitmap_bochs),
		T(test_bitmap_speculation_controls),
		T(test_bitmap_all_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
