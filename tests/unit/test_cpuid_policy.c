/*
 * tests/unit/test_cpuid_policy.c — unit tests of vmx/cpuid_policy.c and
 * the feature table of vmx/cpuid_features.c: a VM's CPUID built from
 * host dumps (tests/unit/cpuid_hosts.h), leaf by leaf, with the inputs
 * BareGT gives (VMX controls, the vLAPIC flags, the TSC rate, the
 * config's cpuid_hide), and the CR4/XCR0/EFER/MSR values that follow.
 * Bit positions: SDM Vol. 2A, CPUID, Tables 3-8, 3-10, 3-11.
 * The MSR side of "CPUID advertises exactly what the VM gets" is in
 * test_msr_policy.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/x86.h"
#include "cpuid_hosts.h"

enum { EAX, EBX, ECX, EDX };

#define VERSION 0x000100u

static struct cpuid_policy pol;          /* large: kept off the stack */

/* ---- helpers --------------------------------------------------------- */

static void build(const struct cpuid_host *h, const struct cpuid_inputs *in)
{
	struct cpuid_inputs def = host_inputs(h);

	cpuid_policy_build(in ? in : &def, &pol);
}

#define EXPECT(leaf, sub, cr4, xcr0, a, b, c, d) \
	expect_at(__FILE__, __LINE__, (leaf), (sub), (cr4), (xcr0), (a), (b), \
	          (c), (d))

static void expect_at(const char *file, int line, uint32_t leaf, uint32_t sub,
                      uint64_t cr4, uint64_t xcr0, uint32_t a, uint32_t b,
                      uint32_t c, uint32_t d)
{
	uint32_t r[4];

	cpuid_policy_lookup(&pol, leaf, sub, cr4, xcr0, r);
	if (r[EAX] != a || r[EBX] != b || r[ECX] != c || r[EDX] != d)
		fail_msg("%s:%d: leaf %#x.%u cr4 %#llx xcr0 %#llx:\n"
		         "     got %08x %08x %08x %08x\nexpected %08x %08x %08x %08x",
		         file, line, leaf, sub, (unsigned long long)cr4,
		         (unsigned long long)xcr0, r[EAX], r[EBX], r[ECX], r[EDX],
		         a, b, c, d);
}

static uint32_t reg(uint32_t leaf, uint32_t sub, unsigned which)
{
	uint32_t r[4];

	cpuid_policy_lookup(&pol, leaf, sub, 0, 1, r);
	return r[which];
}

static const uint32_t *hide_of(enum cpuid_feature_id a, enum cpuid_feature_id b)
{
	static uint32_t bits[CPUID_FEATURE_WORDS];

	memset(bits, 0, sizeof bits);
	bits[a / 32] |= 1u << (a % 32);
	bits[b / 32] |= 1u << (b % 32);
	return bits;
}

/* ---- the feature table ----------------------------------------------- */

static void test_feature_table_is_well_formed(void **state)
{
	static const uint32_t leaves[] = { 1, 6, 7, 0xd, 0x80000001u,
	                                   0x80000007u, 0x80000008u };
	unsigned i, j, k;

	(void)state;
	assert_null(cpuid_features[CF_NONE].name);
	for (i = CF_NONE + 1; i < CF_COUNT; i++) {
		const struct cpuid_feature *f = &cpuid_features[i];
		bool leaf_ok = false;

		if (f->name == NULL)
			fail_msg("feature %u has no row", i);
		/* the config's words: lower case, shorter than its key names */
		assert_true(strlen(f->name) > 0 && strlen(f->name) < 24);
		for (k = 0; f->name[k]; k++)
			assert_false(f->name[k] >= 'A' && f->name[k] <= 'Z');
		for (k = 0; k < sizeof leaves / sizeof leaves[0]; k++)
			leaf_ok |= f->leaf == leaves[k];
		assert_true(leaf_ok);
		assert_true(f->reg <= CPUID_EDX && f->bit < 32);
		assert_true(f->parent < CF_COUNT && f->parent != i);
		/* a hidden bit needs nothing: it is never there */
		if (f->rule == CPUID_HIDE)
			assert_int_equal(f->needs, 0);
		for (j = CF_NONE + 1; j < i; j++) {
			const struct cpuid_feature *g = &cpuid_features[j];

			if (strcmp(f->name, g->name) == 0)
				fail_msg("name '%s' twice", f->name);
			if (f->leaf == g->leaf && f->subleaf == g->subleaf &&
			    f->reg == g->reg && f->bit == g->bit)
				fail_msg("'%s' and '%s' are the same bit", f->name,
				         g->name);
		}
	}
}

static void test_feature_find(void **state)
{
	(void)state;
	assert_int_equal(cpuid_feature_find("avx512f", 7), CF_AVX512F);
	assert_int_equal(cpuid_feature_find("x2apic", 6), CF_X2APIC);
	assert_int_equal(cpuid_feature_find("tsc_adjust", 10), CF_TSC_ADJUST);
	assert_int_equal(cpuid_feature_find("avx512fX", 7), CF_AVX512F);
	assert_int_equal(cpuid_feature_find("avx512", 6), CF_NONE);
	assert_int_equal(cpuid_feature_find("AVX512F", 7), CF_NONE);
	assert_int_equal(cpuid_feature_find("", 0), CF_NONE);
}

/* ---- the Bochs Skylake-X host, as BareGT gives it -------------------- */

static void test_bochs_leaf0_and_1(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	/* highest basic leaf 0x16, the vendor unchanged */
	EXPECT(0, 0, 0, 1, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69);
	/*
	 * ECX 0x77faf3bf keeps pni 0, pclmulqdq 1, ssse3 9, fma 12, cx16 13,
	 * pcid 17, sse4_1 19, sse4_2 20, movbe 22, popcnt 23, aes 25, xsave
	 * 26, avx 28, f16c 29, rdrand 30 and gains hypervisor 31; loses
	 * dtes64 2, monitor 3, ds_cpl 4, vmx 5, est 7, tm2 8, xtpr 14,
	 * pdcm 15, x2apic 21, tsc_deadline 24 (no vLAPIC yet).
	 * EDX 0xbfebfbff loses mce 7, apic 9, mca 14, dts 21, acpi 22, ht 28,
	 * tm 29, pbe 31: 0x0f8bb97f. EBX: one logical processor, APIC ID 0.
	 */
	EXPECT(1, 0, 0, 1, 0x00050654, 0x00010800, 0xf6da3203, 0x0f8bb97f);
	/* OSXSAVE (27) follows the guest's CR4 */
	EXPECT(1, 0, CR4_OSXSAVE, 1, 0x00050654, 0x00010800, 0xfeda3203,
	       0x0f8bb97f);
	EXPECT(1, 5, ~CR4_OSXSAVE, 1, 0x00050654, 0x00010800, 0xf6da3203,
	       0x0f8bb97f);
}

static void test_bochs_cache_and_topology(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	EXPECT(2, 0, 0, 1, 0x76036301, 0x00f0b5ff, 0, 0x00c30000);
	/* leaf 4: EAX[31:26] cores - 1 = 0, EAX[25:14] sharing - 1 = 0 */
	EXPECT(4, 0, 0, 1, 0x00000121, 0x01c0003f, 0x3f, 0);
	EXPECT(4, 1, 0, 1, 0x00000122, 0x01c0003f, 0x3f, 0);
	EXPECT(4, 2, 0, 1, 0x00000143, 0x03c0003f, 0x3ff, 0);
	EXPECT(4, 3, 0, 1, 0x00000163, 0x0280003f, 0x2fff, 4);
	EXPECT(4, 4, 0, 1, 0, 0, 0, 0);
	EXPECT(4, 9, 0, 1, 0, 0, 0, 0);
	EXPECT(4, 0xffffffffu, 0, 1, 0, 0, 0, 0);
	/* leaf 0xB: one thread of one core, x2APIC ID 0 */
	EXPECT(0xb, 0, 0, 1, 0, 1, 0x100, 0);
	EXPECT(0xb, 1, 0, 1, 0, 1, 0x201, 0);
	EXPECT(0xb, 2, 0, 1, 0, 0, 2, 0);
	EXPECT(0xb, 200, 0, 1, 0, 0, 200, 0);
}

static void test_bochs_hidden_leaves_are_zero(void **state)
{
	static const uint32_t zero_leaves[] = {
		3, 5, 8, 9, 0xa, 0xc, 0xe, 0xf, 0x10, 0x11, 0x12, 0x13, 0x14,
	};
	unsigned i, sub;

	(void)state;
	build(&bochs_skx, NULL);
	for (i = 0; i < sizeof zero_leaves / sizeof zero_leaves[0]; i++)
		for (sub = 0; sub < 3; sub++)
			EXPECT(zero_leaves[i], sub, CR4_OSXSAVE, 7, 0, 0, 0, 0);
}

static void test_bochs_leaf6_arat_only(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	/* host 0x75 / 2 / 9: only ARAT (EAX bit 2) stays */
	EXPECT(6, 0, 0, 1, 4, 0, 0, 0);
}

static void test_bochs_leaf7(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	/* EBX 0xd19f27eb without TSC_ADJUST (1); no subleaf 1 on the host */
	EXPECT(7, 0, 0, 1, 0, 0xd19f27e9, 0, 0);
	EXPECT(7, 1, 0, 1, 0, 0, 0, 0);
	EXPECT(7, 2, 0, 1, 0, 0, 0, 0);
	/* OSPKE (ECX 4) follows CR4.PKE where PKU is advertised: not here */
	EXPECT(7, 0, CR4_PKE, 1, 0, 0xd19f27e9, 0, 0);
}

static void test_bochs_xsave_leaf(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	/* XCR0 x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM; the standard size
	 * follows the guest's XCR0: 576, +AVX at 0x240+0x100, all: 0xa80 */
	EXPECT(0xd, 0, 0, 1, 0xe7, 576, 0xa80, 0);
	EXPECT(0xd, 0, 0, 3, 0xe7, 576, 0xa80, 0);
	EXPECT(0xd, 0, 0, 7, 0xe7, 0x340, 0xa80, 0);
	EXPECT(0xd, 0, 0, 0xe7, 0xe7, 0xa80, 0xa80, 0);
	/* subleaf 1: XSAVEOPT, XSAVEC, XGETBV1, XSAVES; compacted size of
	 * XCR0 | XSS (XSS = 0): 576 + 256, + 64 + 512 + 1024 */
	EXPECT(0xd, 1, 0, 7, 0xf, 832, 0, 0);
	EXPECT(0xd, 1, 0, 0xe7, 0xf, 832 + 64 + 512 + 1024, 0, 0);
	EXPECT(0xd, 2, 0, 7, 0x100, 0x240, 0, 0);
	EXPECT(0xd, 3, 0, 7, 0, 0, 0, 0);
	EXPECT(0xd, 5, 0, 7, 0x40, 0x440, 0, 0);
	EXPECT(0xd, 7, 0, 7, 0x400, 0x680, 0, 0);
	EXPECT(0xd, 8, 0, 7, 0, 0, 0, 0);
	EXPECT(0xd, 63, 0, 7, 0, 0, 0, 0);
	assert_int_equal(pol.xcr0_allowed, 0xe7);
}

static void test_bochs_time_leaves(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	/* TSC = crystal × 1/1, crystal 50 MHz; base = max = 50 MHz, bus 100 */
	EXPECT(0x15, 0, 0, 1, 1, 1, 50000000, 0);
	EXPECT(0x16, 0, 0, 1, 50, 50, 100, 0);
	assert_int_equal(pol.crystal_hz, 50000000);
}

static void test_bochs_extended_leaves(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	EXPECT(0x80000000u, 0, 0, 1, 0x80000008u, 0, 0, 0);
	/* lahf_lm abm 3dnowprefetch; syscall nx pdpe1gb rdtscp lm */
	EXPECT(0x80000001u, 0, 0, 1, 0, 0, 0x121, 0x2c100800);
	EXPECT(0x80000002u, 0, 0, 1, 0x65746e49, 0x2952286c, 0x726f4320,
	       0x4d542865);
	EXPECT(0x80000005u, 0, 0, 1, 0, 0, 0, 0);
	EXPECT(0x80000006u, 0, 0, 1, 0, 0, 0x01006040, 0);
	EXPECT(0x80000007u, 0, 0, 1, 0, 0, 0, 0x100);    /* invariant TSC */
	EXPECT(0x80000008u, 0, 0, 1, 0x3028, 0, 0, 0);
}

/* Above the highest leaf, Intel CPUs answer with the highest basic
 * leaf; the hypervisor range is BareGT's. */
static void test_out_of_range_is_highest_basic_leaf(void **state)
{
	static const uint32_t leaves[] = {
		0x17, 0x1f, 0x20, 0x3fffffffu, 0x40000100u, 0x7fffffffu,
		0x80000009u, 0x8000001fu, 0xc0000000u, 0xffffffffu,
	};
	unsigned i;

	(void)state;
	build(&bochs_skx, NULL);
	for (i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
		EXPECT(leaves[i], 0, 0, 1, 50, 50, 100, 0);
		EXPECT(leaves[i], 7, CR4_OSXSAVE, 7, 50, 50, 100, 0);
	}
}

static void test_hv_leaves(void **state)
{
	uint32_t r[4];
	char sig[13];

	(void)state;
	build(&bochs_skx, NULL);
	cpuid_policy_lookup(&pol, 0x40000000u, 0, 0, 1, r);
	assert_int_equal(r[EAX], 0x40000001u);
	memcpy(sig, &r[EBX], 4);
	memcpy(sig + 4, &r[ECX], 4);
	memcpy(sig + 8, &r[EDX], 4);
	sig[12] = '\0';
	assert_string_equal(sig, "BareGTBareGT");
	EXPECT(0x40000001u, 0, 0, 1, VERSION, 0, 0, 0);
	EXPECT(0x40000002u, 0, 0, 1, 0, 0, 0, 0);
	EXPECT(0x400000ffu, 3, CR4_OSXSAVE, 7, 0, 0, 0, 0);
}

/* ---- what follows the policy ----------------------------------------- */

static void test_bochs_masks_and_msr_values(void **state)
{
	(void)state;
	build(&bochs_skx, NULL);
	assert_int_equal(pol.cr4_allowed,
	                 CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE |
	                 CR4_PAE | CR4_PGE | CR4_PCE | CR4_OSFXSR |
	                 CR4_OSXMMEXCPT | CR4_FSGSBASE | CR4_PCIDE |
	                 CR4_OSXSAVE | CR4_SMEP | CR4_SMAP);
	assert_false(pol.cr4_allowed & (CR4_MCE | CR4_VMXE | CR4_SMXE | CR4_LA57 |
	                                 CR4_PKE | CR4_UMIP | CR4_CET));
	assert_int_equal(pol.efer_allowed, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	/* fast strings, BTS and PEBS unavailable; only fast strings writable */
	assert_int_equal(pol.misc_enable, 0x1801);
	assert_int_equal(pol.misc_enable_writable, 1);
	assert_int_equal(pol.spec_ctrl_bits, 0);
	assert_false(pol.spec_ctrl_passthrough);
	assert_int_equal(pol.arch_caps, 0);
}

static void test_vmx_inputs(void **state)
{
	struct cpuid_inputs in = host_inputs(&bochs_skx);

	(void)state;
	in.rdtscp = false;
	in.invpcid = false;
	in.xsaves = false;
	build(&bochs_skx, &in);
	assert_false(reg(0x80000001u, 0, EDX) & (1u << 27));    /* rdtscp */
	assert_false(reg(7, 0, EBX) & (1u << 10));              /* invpcid */
	assert_int_equal(reg(0xd, 1, EAX), 0x7);                /* no xsaves */
	assert_false(cpuid_policy_has(&pol, CF_RDPID));
}

static void test_lapic_flags(void **state)
{
	struct cpuid_inputs in = host_inputs(&bochs_skx);

	(void)state;
	/* x2APIC and TSC-deadline need the APIC itself */
	in.lapic_x2apic = in.lapic_tsc_deadline = true;
	build(&bochs_skx, &in);
	assert_false(reg(1, 0, EDX) & (1u << 9));
	assert_false(reg(1, 0, ECX) & ((1u << 21) | (1u << 24)));
	in.lapic = true;
	build(&bochs_skx, &in);
	assert_true(reg(1, 0, EDX) & (1u << 9));
	assert_int_equal(reg(1, 0, ECX) & ((1u << 21) | (1u << 24)),
	                 (1u << 21) | (1u << 24));
	/* provided by BareGT: set even where the host has none */
	in.lapic_x2apic = false;
	build(&all_ones, &in);
	assert_int_equal(reg(1, 0, ECX) & ((1u << 21) | (1u << 24)), 1u << 24);
	/* and the config may still hide them */
	in.lapic_x2apic = true;
	in.hide = hide_of(CF_X2APIC, CF_X2APIC);
	in.hide_words = CPUID_FEATURE_WORDS;
	build(&bochs_skx, &in);
	assert_int_equal(reg(1, 0, ECX) & ((1u << 21) | (1u << 24)), 1u << 24);
}

static void test_hide_avx_hides_its_family_and_state(void **state)
{
	struct cpuid_inputs in = host_inputs(&bochs_skx);

	(void)state;
	in.hide = hide_of(CF_AVX, CF_AVX);
	in.hide_words = CPUID_FEATURE_WORDS;
	build(&bochs_skx, &in);
	/* avx 28, fma 12, f16c 29 */
	assert_int_equal(reg(1, 0, ECX), 0xf6da3203u & ~((1u << 28) | (1u << 12) |
	                                                 (1u << 29)));
	/* avx2 5 and every AVX-512 bit (16 17 28 30 31) */
	assert_int_equal(reg(7, 0, EBX), 0xd19f27e9u & ~((1u << 5) | (1u << 16) |
	                 (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31)));
	assert_int_equal(pol.xcr0_allowed, XCR0_X87 | XCR0_SSE);
	EXPECT(0xd, 0, 0, 3, 3, 576, 576, 0);
	EXPECT(0xd, 2, 0, 3, 0, 0, 0, 0);
	EXPECT(0xd, 5, 0, 3, 0, 0, 0, 0);
}

static void test_hide_xsave_hides_leaf_0xd_and_osxsave(void **state)
{
	struct cpuid_inputs in = host_inputs(&bochs_skx);
	unsigned sub;

	(void)state;
	in.hide = hide_of(CF_XSAVE, CF_SMAP);
	in.hide_words = CPUID_FEATURE_WORDS;
	build(&bochs_skx, &in);
	assert_false(reg(1, 0, ECX) & ((1u << 26) | (1u << 28)));
	for (sub = 0; sub < 12; sub++)
		EXPECT(0xd, sub, CR4_OSXSAVE, 7, 0, 0, 0, 0);
	assert_int_equal(pol.xcr0_allowed, 0);
	assert_false(pol.cr4_allowed & (CR4_OSXSAVE | CR4_SMAP));
	assert_false(reg(7, 0, EBX) & (1u << 20));
	assert_false(reg(7, 0, EBX) & (1u << 16));
	/* a word past hide_words is not read */
	in.hide_words = 0;
	build(&bochs_skx, &in);
	assert_true(reg(1, 0, ECX) & (1u << 26));
}

/* ---- the mitigated host: speculation controls, PKU, MPX -------------- */

static void test_mitigated_host(void **state)
{
	struct cpuid_inputs in = host_inputs(&skl_mitigated);

	(void)state;
	in.host_arch_caps = 0xffffffffffffffffull;
	build(&skl_mitigated, &in);
	/* EDX 0xbc002400 without TSX_FORCE_ABORT (13) */
	EXPECT(7, 0, 0, 1, 0, 0xd19f27e9, 0, 0xbc000400);
	/* leaf 1 EBX: 16 logical processors, APIC ID 2 on the host */
	assert_int_equal(reg(1, 0, EBX), 0x00010800);
	/* only the bits that describe the CPU */
	assert_int_equal(pol.arch_caps, 0x17f);
	assert_int_equal(pol.spec_ctrl_bits, 7);
	assert_true(pol.spec_ctrl_passthrough);
	/* PKU wants the host's CR4.PKE (RDPKRU for the MMIO emulator) */
	assert_false(pol.xcr0_allowed & XCR0_PKRU);
	in.pku = true;
	build(&skl_mitigated, &in);
	EXPECT(7, 0, CR4_PKE, 1, 0, 0xd19f27e9, 0x18, 0xbc000400);
	EXPECT(7, 0, 0, 1, 0, 0xd19f27e9, 0x08, 0xbc000400);
	EXPECT(7, 1, CR4_PKE, 1, 0, 0, 0, 0);
	/* MPX hidden: no BND state; PKRU's */
	assert_int_equal(pol.xcr0_allowed, 0x2e7);
	EXPECT(0xd, 0, 0, 0x207, 0x2e7, 0xa88, 0xa88, 0);
	EXPECT(0xd, 3, 0, 7, 0, 0, 0, 0);
	EXPECT(0xd, 9, 0, 7, 8, 0xa80, 0, 0);
	/* supervisor state (PT, XSS bit 8) is not given */
	EXPECT(0xd, 1, 0, 7, 0xf, 832, 0, 0);
	assert_true(pol.cr4_allowed & CR4_PKE);
	/* hiding SSBD leaves IBRS and STIBP, through exits */
	in.hide = hide_of(CF_SSBD, CF_SSBD);
	in.hide_words = CPUID_FEATURE_WORDS;
	build(&skl_mitigated, &in);
	assert_int_equal(pol.spec_ctrl_bits, 3);
	assert_false(pol.spec_ctrl_passthrough);
	/* no ARCH_CAPABILITIES: reads nothing */
	in.hide = hide_of(CF_ARCH_CAPABILITIES, CF_ARCH_CAPABILITIES);
	build(&skl_mitigated, &in);
	assert_int_equal(pol.arch_caps, 0);
}

/* ---- time -------------------------------------------------------------- */

static void test_time_leaves_for_rates(void **state)
{
	struct cpuid_inputs in = host_inputs(&bochs_skx);

	(void)state;
	in.tsc_hz = 0;                         /* not calibrated: nothing */
	build(&bochs_skx, &in);
	EXPECT(0x15, 0, 0, 1, 0, 0, 0, 0);
	EXPECT(0x16, 0, 0, 1, 0, 0, 0, 0);
	in.tsc_hz = 3400000000ull;
	build(&bochs_skx, &in);
	EXPECT(0x15, 0, 0, 1, 1, 1, 3400000000u, 0);
	EXPECT(0x16, 0, 0, 1, 3400, 3400, 100, 0);
	in.tsc_hz = 2999500000ull;             /* rounded to the nearest MHz */
	build(&bochs_skx, &in);
	EXPECT(0x16, 0, 0, 1, 3000, 3000, 100, 0);
	in.tsc_hz = 2999499999ull;
	build(&bochs_skx, &in);
	EXPECT(0x16, 0, 0, 1, 2999, 2999, 100, 0);
	/* above 2^32 Hz the crystal is halved: TSC = crystal × 2/1 */
	in.tsc_hz = 5000000000ull;
	build(&bochs_skx, &in);
	EXPECT(0x15, 0, 0, 1, 1, 2, 2500000000u, 0);
	assert_int_equal(pol.crystal_hz, 2500000000u);
	EXPECT(0x16, 0, 0, 1, 5000, 5000, 100, 0);
	in.tsc_hz = 1ull << 40;                /* absurd: 16 bits of MHz */
	build(&bochs_skx, &in);
	EXPECT(0x16, 0, 0, 1, 0xffff, 0xffff, 100, 0);
	assert_true((uint64_t)reg(0x15, 0, ECX) * reg(0x15, 0, EBX) <= 1ull << 40);
}

/* ---- every advertised bit is a known, allowed feature ----------------- */

/* Each flag register, bit by bit: a bit is set only where a feature row
 * is advertised there, and OSXSAVE/OSPKE/hypervisor, which the policy
 * makes itself. */
static void check_every_bit_is_a_feature(const char *host)
{
	static const struct { uint32_t leaf, sub; unsigned reg; } regs[] = {
		{ 1, 0, ECX }, { 1, 0, EDX }, { 6, 0, EAX }, { 6, 0, ECX },
		{ 7, 0, EBX }, { 7, 0, ECX }, { 7, 0, EDX }, { 7, 1, EAX },
		{ 7, 1, EBX }, { 7, 1, ECX }, { 7, 1, EDX }, { 0xd, 1, EAX },
		{ 0x80000001u, 0, ECX }, { 0x80000001u, 0, EDX },
		{ 0x80000007u, 0, EDX }, { 0x80000008u, 0, EBX },
	};
	unsigned i, bit, f;

	for (i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		uint32_t v = reg(regs[i].leaf, regs[i].sub, regs[i].reg);

		for (bit = 0; bit < 32; bit++) {
			bool found = false;

			if (!((v >> bit) & 1))
				continue;
			if (regs[i].leaf == 1 && regs[i].reg == ECX && bit == 31)
				continue;                     /* hypervisor */
			for (f = CF_NONE + 1; f < CF_COUNT; f++) {
				const struct cpuid_feature *c = &cpuid_features[f];

				if (c->leaf == regs[i].leaf && c->subleaf == regs[i].sub &&
				    c->reg == regs[i].reg && c->bit == bit) {
					found = cpuid_policy_has(&pol, f) &&
					        c->rule != CPUID_HIDE;
					break;
				}
			}
			if (!found)
				fail_msg("%s: leaf %#x.%u reg %u bit %u advertised but not"
				         " an allowed feature", host, regs[i].leaf,
				         regs[i].sub, regs[i].reg, bit);
		}
	}
	/* and each advertised feature's parent too */
	for (f = CF_NONE + 1; f < CF_COUNT; f++)
		if (cpuid_policy_has(&pol, f) && cpuid_features[f].parent)
			assert_true(cpuid_policy_has(&pol, cpuid_features[f].parent));
}

static void test_whitelist_on_every_host(void **state)
{
	const struct cpuid_host *hosts[] = { &bochs_skx, &skl_mitigated, &all_ones };
	struct cpuid_inputs in;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		in = host_inputs(hosts[i]);
		build(hosts[i], &in);
		check_every_bit_is_a_feature(hosts[i]->name);
		in.pku = in.lapic = in.lapic_x2apic = in.lapic_tsc_deadline = true;
		build(hosts[i], &in);
		check_every_bit_is_a_feature(hosts[i]->name);
	}
	/* all ones: every HIDE row is absent, every PASS/SET row present */
	for (i = CF_NONE + 1; i < CF_COUNT; i++)
		assert_int_equal(cpuid_policy_has(&pol, (enum cpuid_feature_id)i),
		                 cpuid_features[i].rule != CPUID_HIDE);
	EXPECT(1, 0, 0, 1, 0xffffffffu, 0x0001ffffu, 0xf6da3203u | (1u << 24) |
	       (1u << 21), 0x0f8bbb7fu);
	EXPECT(6, 0, 0, 1, 4, 0, 0, 0);
	EXPECT(0x80000000u, 0, 0, 1, 0x80000008u, 0, 0, 0);
	EXPECT(0x80000008u, 0, 0, 1, 0xffff, 1u << 9, 0, 0);
	/* XCR0: x87 SSE AVX AVX-512 PKRU; no MPX, no AMX, nothing unknown */
	assert_int_equal(pol.xcr0_allowed, 0x2e7);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_feature_table_is_well_formed),
		T(test_feature_find),
		T(test_bochs_leaf0_and_1),
		T(test_bochs_cache_and_topology),
		T(test_bochs_hidden_leaves_are_zero),
		T(test_bochs_leaf6_arat_only),
		T(test_bochs_leaf7),
		T(test_bochs_xsave_leaf),
		T(test_bochs_time_leaves),
		T(test_bochs_extended_leaves),
		T(test_out_of_range_is_highest_basic_leaf),
		T(test_hv_leaves),
		T(test_bochs_masks_and_msr_values),
		T(test_vmx_inputs),
		T(test_lapic_flags),
		T(test_hide_avx_hides_its_family_and_state),
		T(test_hide_xsave_hides_leaf_0xd_and_osxsave),
		T(test_mitigated_host),
		T(test_time_leaves_for_rates),
		T(test_whitelist_on_every_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
