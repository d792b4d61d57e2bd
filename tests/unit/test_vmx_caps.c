/*
 * tests/unit/test_vmx_caps.c — unit tests of vmx/caps.c: decoding the VMX
 * capability MSRs (SDM Vol. 3D Appendix A) and the one-line summary.
 *
 * The "Skylake" values are what a Bochs corei7_skylake_x (VMCS revision
 * 0x2b, Bochs' own identifier) reports, built here bit by bit from the
 * SDM rather than copied from any decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/caps.h"

#define BIT(n)     (1ull << (n))
#define HI(bits)   ((uint64_t)(bits) << 32)   /* allowed-1 settings */

/*
 * IA32_VMX_BASIC (App. A.1): revision 30:0, VMCS region size 44:32 (4096),
 * memory type 53:50 (6 = write-back), INS/OUTS info bit 54, true controls
 * bit 55.
 */
#define SKL_REVISION   0x2bu
#define SKL_BASIC      (SKL_REVISION | HI(0x1000) | (6ull << 50) | BIT(54) | \
                        BIT(55))

/* Pin-based (A.3.1): bits 0 (ext-int exiting), 3 (NMI exiting), 5 (virtual
 * NMIs), 6 (preemption timer) allowed to be 1; 1, 2, 4 are default-1. */
#define SKL_PIN_LOW    0x16u
#define SKL_PIN        (HI(BIT(0) | BIT(3) | BIT(5) | BIT(6) | SKL_PIN_LOW) | \
                        SKL_PIN_LOW)

/* Primary processor-based (A.3.2): a typical set of allowed-1 bits with
 * 31 (activate secondary controls). */
#define SKL_PROC_HI    0xfff9fffeu
#define SKL_PROC       (HI(SKL_PROC_HI) | 0x0401e172u)
#define SKL_TRUE_PROC  (HI(SKL_PROC_HI) | 0x04006172u)

/* Secondary (A.3.3): bits 0..7 allowed (1 = EPT, 5 = VPID, 7 = unrestricted). */
#define SKL_PROC2      HI(0x001fbcffu)

/* MISC (A.6): preemption-timer rate 5 in bits 4:0, other bits set too. */
#define SKL_MISC       0x00000000200401e5ull

/* EPT_VPID_CAP (A.10): execute-only 0, walk length 4 bit 6, UC 8, WB 14,
 * 2M 16, 1G 17, INVEPT 20, A/D 21, single/all-context INVEPT 25/26,
 * INVVPID 32, INVVPID types 40..43. */
#define SKL_EPT_VPID   (BIT(0) | BIT(6) | BIT(8) | BIT(14) | BIT(16) | BIT(17) | \
                        BIT(20) | BIT(21) | BIT(25) | BIT(26) | BIT(32) | \
                        BIT(40) | BIT(41) | BIT(42) | BIT(43))

/* IA32_FEATURE_CONTROL (Vol. 3C §24.7): lock 0, inside SMX 1, outside 2. */
#define FC_LOCK        BIT(0)
#define FC_INSIDE_SMX  BIT(1)
#define FC_OUTSIDE_SMX BIT(2)

#define NOT_AVAILABLE  "not available (CPUID.1:ECX.VMX = 0)"

static struct vmx_msrs skylake(void)
{
	struct vmx_msrs m;

	memset(&m, 0, sizeof m);
	m.cpuid_vmx = true;
	m.feature_control = FC_LOCK | FC_OUTSIDE_SMX;
	m.basic = SKL_BASIC;
	m.pinbased = SKL_PIN;
	m.procbased = SKL_PROC;
	m.procbased2 = SKL_PROC2;
	m.true_pinbased = SKL_PIN;
	m.true_procbased = SKL_TRUE_PROC;
	m.misc = SKL_MISC;
	m.ept_vpid = SKL_EPT_VPID;
	return m;
}

static struct vmx_caps decode(const struct vmx_msrs *m)
{
	struct vmx_caps c;

	memset(&c, 0xa5, sizeof c);   /* decode must set every field */
	vmx_caps_decode(m, &c);
	return c;
}

static void assert_no_vmx_features(const struct vmx_caps *c)
{
	assert_false(c->vmx);
	assert_int_equal(c->revision, 0);
	assert_false(c->true_ctls);
	assert_false(c->secondary);
	assert_false(c->ept);
	assert_false(c->vpid);
	assert_false(c->unrestricted);
	assert_false(c->preemption_timer);
	assert_int_equal(c->preemption_rate, 0);
	assert_false(c->ept_4level);
	assert_false(c->ept_wb);
	assert_false(c->ept_2m);
	assert_false(c->ept_1g);
	assert_false(c->ept_ad);
	assert_false(c->invept);
	assert_false(c->invvpid);
}

static void assert_no_ept_caps(const struct vmx_caps *c)
{
	assert_false(c->ept_4level);
	assert_false(c->ept_wb);
	assert_false(c->ept_2m);
	assert_false(c->ept_1g);
	assert_false(c->ept_ad);
	assert_false(c->invept);
	assert_false(c->invvpid);
}

static void expect_format(const struct vmx_caps *c, const char *want)
{
	char buf[512];

	memset(buf, 'X', sizeof buf);
	vmx_caps_format(c, buf, sizeof buf);
	assert_string_equal(buf, want);
}

/* ---- a full-featured CPU --------------------------------------------- */

static void test_skylake_all_features(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c = decode(&m);

	(void)state;
	assert_true(c.vmx);
	assert_int_equal(c.revision, 0x2b);
	assert_true(c.true_ctls);
	assert_true(c.secondary);
	assert_true(c.ept);
	assert_true(c.vpid);
	assert_true(c.unrestricted);
	assert_true(c.preemption_timer);
	assert_int_equal(c.preemption_rate, 5);
	assert_true(c.ept_4level);
	assert_true(c.ept_wb);
	assert_true(c.ept_2m);
	assert_true(c.ept_1g);
	assert_true(c.ept_ad);
	assert_true(c.invept);
	assert_true(c.invvpid);
	assert_true(c.fc_locked);
	assert_true(c.fc_vmx_outside_smx);
}

static void test_skylake_format(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c = decode(&m);

	(void)state;
	expect_format(&c, "revision 0x2b, EPT yes, VPID yes, "
	              "unrestricted guest yes, preemption timer yes (TSC/32), "
	              "EPT 2M pages yes, EPT 1G pages yes, EPT A/D yes, "
	              "INVEPT yes, INVVPID yes, true controls yes");
}

static void test_minimal_bits_are_enough(void **state)
{
	struct vmx_msrs m;
	struct vmx_caps c;

	(void)state;
	/* Only the bit each flag is decoded from, nothing else. */
	memset(&m, 0, sizeof m);
	m.cpuid_vmx = true;
	m.basic = BIT(55) | 1;
	m.true_pinbased = HI(BIT(6));
	m.true_procbased = HI(BIT(31));
	m.procbased2 = HI(BIT(1) | BIT(5) | BIT(7));
	m.misc = 5;
	m.ept_vpid = BIT(6) | BIT(14) | BIT(16) | BIT(17) | BIT(20) | BIT(21) |
	             BIT(32);
	c = decode(&m);
	assert_true(c.vmx && c.true_ctls && c.secondary);
	assert_true(c.ept && c.vpid && c.unrestricted && c.preemption_timer);
	assert_int_equal(c.preemption_rate, 5);
	assert_true(c.ept_4level && c.ept_wb && c.ept_2m && c.ept_1g);
	assert_true(c.ept_ad && c.invept && c.invvpid);
	assert_false(c.fc_locked);
	expect_format(&c, "revision 0x1, EPT yes, VPID yes, "
	              "unrestricted guest yes, preemption timer yes (TSC/32), "
	              "EPT 2M pages yes, EPT 1G pages yes, EPT A/D yes, "
	              "INVEPT yes, INVVPID yes, true controls yes");
}

/* ---- no VMX ---------------------------------------------------------- */

static void test_no_cpuid_vmx(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.cpuid_vmx = false;      /* MSRs present but CPUID says no: trust CPUID */
	c = decode(&m);
	assert_no_vmx_features(&c);
	/* IA32_FEATURE_CONTROL is decoded either way. */
	assert_true(c.fc_locked);
	assert_true(c.fc_vmx_outside_smx);
	expect_format(&c, NOT_AVAILABLE);

	memset(&m, 0, sizeof m);
	c = decode(&m);
	assert_no_vmx_features(&c);
	assert_false(c.fc_locked);
	assert_false(c.fc_vmx_outside_smx);
	expect_format(&c, NOT_AVAILABLE);
}

static void test_basic_zero_means_no_vmx(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;
	char line[128];

	(void)state;
	m.basic = 0;              /* VMCS revision 0 with no fields: no VMX */
	c = decode(&m);
	assert_no_vmx_features(&c);
	assert_true(c.cpuid_vmx);
	vmx_caps_format(&c, line, sizeof(line));
	assert_string_equal(line, "not available (IA32_VMX_BASIC reads 0)");
}

/* ---- IA32_VMX_BASIC -------------------------------------------------- */

static void test_revision_is_bits_30_0(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.basic = SKL_BASIC | BIT(31);            /* bit 31 is not revision */
	c = decode(&m);
	assert_int_equal(c.revision, 0x2b);
	m.basic = 0x7fffffffull | BIT(55);
	c = decode(&m);
	assert_int_equal(c.revision, 0x7fffffff);
	m.basic = HI(0xffffffffu);                /* only high bits: revision 0 */
	c = decode(&m);
	assert_true(c.vmx);
	assert_int_equal(c.revision, 0);
	assert_true(c.true_ctls);
}

static void test_true_controls_absent_uses_plain_msrs(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.basic = SKL_BASIC & ~BIT(55);
	m.true_pinbased = 0;                       /* do not exist */
	m.true_procbased = 0;
	c = decode(&m);
	assert_false(c.true_ctls);
	assert_true(c.preemption_timer);
	assert_true(c.secondary);
	assert_true(c.ept && c.vpid && c.unrestricted);
	expect_format(&c, "revision 0x2b, EPT yes, VPID yes, "
	              "unrestricted guest yes, preemption timer yes (TSC/32), "
	              "EPT 2M pages yes, EPT 1G pages yes, EPT A/D yes, "
	              "INVEPT yes, INVVPID yes, true controls no");

	/* Bits only in the TRUE MSRs are ignored without bit 55. */
	m.pinbased = HI(0xffffffffu & ~BIT(6));
	m.procbased = HI(0xffffffffu & ~BIT(31));
	m.true_pinbased = HI(0xffffffffu);
	m.true_procbased = HI(0xffffffffu);
	c = decode(&m);
	assert_false(c.true_ctls);
	assert_false(c.preemption_timer);
	assert_false(c.secondary);
	assert_false(c.ept || c.vpid || c.unrestricted);
}

static void test_true_controls_present_ignores_plain_msrs(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.pinbased = HI(0xffffffffu);
	m.procbased = HI(0xffffffffu);
	m.true_pinbased = HI(0xffffffffu & ~BIT(6));
	m.true_procbased = HI(0xffffffffu & ~BIT(31));
	c = decode(&m);
	assert_true(c.true_ctls);
	assert_false(c.preemption_timer);
	assert_false(c.secondary);
	assert_false(c.ept || c.vpid || c.unrestricted);
}

/* ---- allowed-1 is the high dword ------------------------------------- */

static void test_low_dword_bits_do_not_count(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	/* The same bit numbers in the allowed-0 half mean nothing here. */
	m.true_pinbased = BIT(6) | 0xffffffffu;
	m.true_procbased = BIT(31) | 0xffffffffu;
	c = decode(&m);
	assert_false(c.preemption_timer);
	assert_false(c.secondary);

	m = skylake();
	m.procbased2 = 0xffffffffu;               /* allowed-0 half only */
	c = decode(&m);
	assert_true(c.secondary);
	assert_false(c.ept);
	assert_false(c.vpid);
	assert_false(c.unrestricted);
	assert_no_ept_caps(&c);
}

static void test_secondary_not_allowed(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.true_procbased &= ~HI(BIT(31));
	m.procbased2 = HI(0xffffffffu);            /* must be ignored */
	c = decode(&m);
	assert_true(c.vmx);
	assert_false(c.secondary);
	assert_false(c.ept);
	assert_false(c.vpid);
	assert_false(c.unrestricted);
	assert_no_ept_caps(&c);
	assert_true(c.preemption_timer);
	expect_format(&c, "revision 0x2b, EPT no, VPID no, "
	              "unrestricted guest no, preemption timer yes (TSC/32), "
	              "EPT 2M pages no, EPT 1G pages no, EPT A/D no, "
	              "INVEPT no, INVVPID no, true controls yes");
}

static void test_each_secondary_bit(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.procbased2 = HI(BIT(1));
	c = decode(&m);
	assert_true(c.ept);
	assert_false(c.vpid);
	assert_false(c.unrestricted);
	assert_true(c.ept_2m);

	m.procbased2 = HI(BIT(5));
	c = decode(&m);
	assert_false(c.ept);
	assert_true(c.vpid);
	assert_false(c.unrestricted);
	assert_true(c.invvpid);

	m.procbased2 = HI(BIT(7));
	c = decode(&m);
	assert_false(c.ept);
	assert_false(c.vpid);
	assert_true(c.unrestricted);
	/* EPT_VPID_CAP exists only with EPT or VPID (App. A.10). */
	assert_no_ept_caps(&c);

	/* Neighbouring bits: 0 (virtualize APIC), 2 (descriptor exiting),
	 * 4 (virtualize x2APIC), 6 (WBINVD exiting), 8 (APIC register virt.) */
	m.procbased2 = HI(BIT(0) | BIT(2) | BIT(4) | BIT(6) | BIT(8));
	c = decode(&m);
	assert_false(c.ept || c.vpid || c.unrestricted);
}

static void test_preemption_timer_bit(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.true_pinbased = HI(0xffffffffu & ~BIT(6));
	c = decode(&m);
	assert_false(c.preemption_timer);
	m.true_pinbased = HI(BIT(6));
	c = decode(&m);
	assert_true(c.preemption_timer);
}

/* ---- MISC and EPT_VPID_CAP ------------------------------------------- */

static void test_preemption_rate(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;
	char buf[512];

	(void)state;
	m.misc = 0xffffffffffffffe0ull;            /* rate 0, all else set */
	c = decode(&m);
	assert_int_equal(c.preemption_rate, 0);
	vmx_caps_format(&c, buf, sizeof buf);
	assert_non_null(strstr(buf, "preemption timer yes (TSC/1),"));

	m.misc = 0x1f;
	c = decode(&m);
	assert_int_equal(c.preemption_rate, 31);
	vmx_caps_format(&c, buf, sizeof buf);
	assert_non_null(strstr(buf, "(TSC/2147483648)"));

	m.misc = 0x27;                             /* bit 5 is not the rate */
	c = decode(&m);
	assert_int_equal(c.preemption_rate, 7);
}

static void test_each_ept_cap_bit(void **state)
{
	static const struct { unsigned bit; size_t off; } caps[] = {
		{ 6,  offsetof(struct vmx_caps, ept_4level) },
		{ 14, offsetof(struct vmx_caps, ept_wb) },
		{ 16, offsetof(struct vmx_caps, ept_2m) },
		{ 17, offsetof(struct vmx_caps, ept_1g) },
		{ 20, offsetof(struct vmx_caps, invept) },
		{ 21, offsetof(struct vmx_caps, ept_ad) },
		{ 32, offsetof(struct vmx_caps, invvpid) },
	};
	struct vmx_msrs m = skylake();
	struct vmx_caps c;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		m.ept_vpid = BIT(caps[i].bit);
		c = decode(&m);
		for (j = 0; j < sizeof caps / sizeof caps[0]; j++) {
			bool on = *(const bool *)((const char *)&c + caps[j].off);

			if (on != (i == j))
				fail_msg("EPT_VPID_CAP bit %u: flag for bit %u is %d",
				         caps[i].bit, caps[j].bit, on);
		}
	}
	/* Everything but the decoded bits: all flags off. */
	m.ept_vpid = ~(BIT(6) | BIT(14) | BIT(16) | BIT(17) | BIT(20) | BIT(21) |
	               BIT(32));
	c = decode(&m);
	assert_no_ept_caps(&c);
	assert_true(c.ept && c.vpid);
}

static void test_format_mixed(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c;

	(void)state;
	m.basic = 0x12 | HI(0x1000);               /* no true controls */
	m.pinbased = 0;
	m.procbased = HI(BIT(31));
	m.procbased2 = HI(BIT(1));                 /* EPT only */
	m.misc = 3;
	m.ept_vpid = BIT(6) | BIT(14) | BIT(16) | BIT(20);
	c = decode(&m);
	expect_format(&c, "revision 0x12, EPT yes, VPID no, "
	              "unrestricted guest no, preemption timer no (TSC/8), "
	              "EPT 2M pages yes, EPT 1G pages no, EPT A/D no, "
	              "INVEPT yes, INVVPID no, true controls no");
}

static void test_format_truncates(void **state)
{
	struct vmx_msrs m = skylake();
	struct vmx_caps c = decode(&m);
	char buf[32];

	(void)state;
	memset(buf, 'X', sizeof buf);
	vmx_caps_format(&c, buf, 16);
	assert_string_equal(buf, "revision 0x2b, ");
	assert_int_equal(buf[16], 'X');
	vmx_caps_format(&c, buf, 1);
	assert_string_equal(buf, "");

	memset(&m, 0, sizeof m);
	c = decode(&m);
	memset(buf, 'X', sizeof buf);
	vmx_caps_format(&c, buf, 14);
	assert_string_equal(buf, "not available");
	assert_int_equal(buf[14], 'X');
}

/* ---- IA32_FEATURE_CONTROL -------------------------------------------- */

static void test_feature_control(void **state)
{
	static const struct {
		uint64_t fc;
		bool locked, outside;
	} t[] = {
		{ 0, false, false },
		{ FC_LOCK, true, false },
		{ FC_OUTSIDE_SMX, false, true },
		{ FC_INSIDE_SMX, false, false },
		{ FC_LOCK | FC_INSIDE_SMX, true, false },
		{ FC_LOCK | FC_OUTSIDE_SMX, true, true },
		{ ~(FC_LOCK | FC_OUTSIDE_SMX), false, false },
		{ ~0ull, true, true },
	};
	struct vmx_msrs m = skylake();
	struct vmx_caps c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		m.feature_control = t[i].fc;
		m.cpuid_vmx = true;
		c = decode(&m);
		assert_int_equal(c.fc_locked, t[i].locked);
		assert_int_equal(c.fc_vmx_outside_smx, t[i].outside);
		m.cpuid_vmx = false;
		c = decode(&m);
		assert_int_equal(c.fc_locked, t[i].locked);
		assert_int_equal(c.fc_vmx_outside_smx, t[i].outside);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skylake_all_features),
		cmocka_unit_test(test_skylake_format),
		cmocka_unit_test(test_minimal_bits_are_enough),
		cmocka_unit_test(test_no_cpuid_vmx),
		cmocka_unit_test(test_basic_zero_means_no_vmx),
		cmocka_unit_test(test_revision_is_bits_30_0),
		cmocka_unit_test(test_true_controls_absent_uses_plain_msrs),
		cmocka_unit_test(test_true_controls_present_ignores_plain_msrs),
		cmocka_unit_test(test_low_dword_bits_do_not_count),
		cmocka_unit_test(test_secondary_not_allowed),
		cmocka_unit_test(test_each_secondary_bit),
		cmocka_unit_test(test_preemption_timer_bit),
		cmocka_unit_test(test_preemption_rate),
		cmocka_unit_test(test_each_ept_cap_bit),
		cmocka_unit_test(test_format_mixed),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_feature_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
