/*
 * tests/unit/test_cpuid_policy.c — unit tests of vmx/cpuid_policy.c: what
 * a guest's CPUID returns (docs/guests.md). Bit positions from SDM Vol. 2A,
 * CPUID, Table 3-10 (leaf 1 ECX: MONITOR 3, VMX 5, SMX 6, PDCM 15,
 * OSXSAVE 27; bit 31 is left by Intel to hypervisors) and CR4.OSXSAVE =
 * bit 18 (SDM Vol. 3A §2.5). Every rule is checked in both directions and
 * every other bit is shown to pass through.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/cpuid_policy.h"

#define CR4_OSXSAVE (1ull << 18)
#define VERSION     0x00000100u      /* 0.1.0: major << 16 | minor << 8 | patch */

enum { EAX, EBX, ECX, EDX };

/* ---- helpers --------------------------------------------------------- */

#define EXPECT_REGS(leaf, sub, cr4, in, a, b, c, d) \
	expect_regs_at(__FILE__, __LINE__, (leaf), (sub), (cr4), (in), (a), \
	               (b), (c), (d))

/* Run the policy on the host values in[] and compare with a..d. */
static void expect_regs_at(const char *file, int line, uint32_t leaf,
                           uint32_t sub, uint64_t cr4, const uint32_t in[4],
                           uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t r[4];

	memcpy(r, in, sizeof r);
	cpuid_policy(leaf, sub, cr4, VERSION, r);
	if (r[EAX] != a || r[EBX] != b || r[ECX] != c || r[EDX] != d)
		fail_msg("%s:%d: leaf %#x.%u cr4 %#llx in %08x %08x %08x %08x:\n"
		         "     got %08x %08x %08x %08x\nexpected %08x %08x %08x %08x",
		         file, line, leaf, sub, (unsigned long long)cr4, in[EAX],
		         in[EBX], in[ECX], in[EDX], r[EAX], r[EBX], r[ECX],
		         r[EDX], a, b, c, d);
}

static const uint32_t ones[4] = {
	0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
};
static const uint32_t zeros[4] = { 0, 0, 0, 0 };
static const uint32_t pattern[4] = {
	0x01234567u, 0x89abcdefu, 0xdeadbeefu, 0x5a5aa5a5u,
};

/* ---- leaf 1 ---------------------------------------------------------- */

static void test_leaf1_all_ones(void **state)
{
	(void)state;
	/*
	 * ECX 0xffffffff minus bits 3, 5, 6, 15: 0xffff7f97 (bit 31 and, with
	 * CR4.OSXSAVE, bit 27 set); without CR4.OSXSAVE bit 27 also goes:
	 * 0xf7ff7f97. EAX, EBX, EDX untouched.
	 */
	EXPECT_REGS(1, 0, CR4_OSXSAVE, ones,
	            0xffffffffu, 0xffffffffu, 0xffff7f97u, 0xffffffffu);
	EXPECT_REGS(1, 0, 0, ones,
	            0xffffffffu, 0xffffffffu, 0xf7ff7f97u, 0xffffffffu);
}

static void test_leaf1_all_zeros(void **state)
{
	(void)state;
	/* only the hypervisor bit, plus OSXSAVE when the guest's CR4 has it */
	EXPECT_REGS(1, 0, 0, zeros, 0, 0, 0x80000000u, 0);
	EXPECT_REGS(1, 0, CR4_OSXSAVE, zeros, 0, 0, 0x88000000u, 0);
}

static void test_leaf1_osxsave_follows_guest_cr4(void **state)
{
	static const uint32_t host_on[4] = { 0, 0, 1u << 27, 0 };

	(void)state;
	/* host has it, guest not: cleared */
	EXPECT_REGS(1, 0, 0, host_on, 0, 0, 0x80000000u, 0);
	/* host has it, guest too */
	EXPECT_REGS(1, 0, CR4_OSXSAVE, host_on, 0, 0, 0x88000000u, 0);
	/* every other CR4 bit set, bit 18 clear: cleared */
	EXPECT_REGS(1, 0, ~CR4_OSXSAVE, host_on, 0, 0, 0x80000000u, 0);
	EXPECT_REGS(1, 0, ~CR4_OSXSAVE, ones,
	            0xffffffffu, 0xffffffffu, 0xf7ff7f97u, 0xffffffffu);
	/* only bit 18: set */
	EXPECT_REGS(1, 0, CR4_OSXSAVE, zeros, 0, 0, 0x88000000u, 0);
	/* CR4 above 32 bits is of no concern */
	EXPECT_REGS(1, 0, 0xffffffff00000000ull, host_on, 0, 0, 0x80000000u, 0);
	EXPECT_REGS(1, 0, 0xffffffff00000000ull | CR4_OSXSAVE, zeros,
	            0, 0, 0x88000000u, 0);
	/* neighbouring CR4 bits 17 (PCIDE) and 19 do not count */
	EXPECT_REGS(1, 0, (1ull << 17) | (1ull << 19), host_on,
	            0, 0, 0x80000000u, 0);
}

/*
 * One ECX bit at a time: bits 3, 5, 6, 15 are cleared, bit 27 follows the
 * guest's CR4, bit 31 is always set, every other bit passes.
 */
static void test_leaf1_ecx_bit_by_bit(void **state)
{
	unsigned bit;

	(void)state;
	for (bit = 0; bit < 32; bit++) {
		uint32_t in[4] = { 0x000906eau, 0x00100800u, 1u << bit,
		                   0xbfebfbffu };
		uint32_t want_off, want_on;

		switch (bit) {
		case 3: case 5: case 6: case 15:    /* always cleared */
		case 27:                            /* the guest's CR4 decides */
		case 31:                            /* always set */
			want_off = 0x80000000u;
			want_on = 0x88000000u;
			break;
		default:                            /* passes */
			want_off = 0x80000000u | (1u << bit);
			want_on = 0x88000000u | (1u << bit);
			break;
		}
		EXPECT_REGS(1, 0, 0, in, 0x000906eau, 0x00100800u, want_off,
		            0xbfebfbffu);
		EXPECT_REGS(1, 0, CR4_OSXSAVE, in, 0x000906eau, 0x00100800u,
		            want_on, 0xbfebfbffu);
	}
}

static void test_leaf1_everything_but_one_ecx_bit(void **state)
{
	unsigned bit;

	(void)state;
	/* all-ones with one bit cleared: only that bit may differ from
	 * the all-ones result 0xffff7f97 / 0xf7ff7f97 */
	for (bit = 0; bit < 32; bit++) {
		uint32_t in[4] = { 0, 0, ~(1u << bit), 0 };
		uint32_t want_on = 0xffff7f97u, want_off = 0xf7ff7f97u;

		if (bit != 3 && bit != 5 && bit != 6 && bit != 15 &&
		    bit != 27 && bit != 31) {
			want_on &= ~(1u << bit);
			want_off &= ~(1u << bit);
		}
		EXPECT_REGS(1, 0, CR4_OSXSAVE, in, 0, 0, want_on, 0);
		EXPECT_REGS(1, 0, 0, in, 0, 0, want_off, 0);
	}
}

static void test_leaf1_realistic_host(void **state)
{
	/* A Skylake-like host: VMX (5), PDCM (15), OSXSAVE (27) on. */
	static const uint32_t host[4] = {
		0x000506e3u, 0x02100800u, 0x7ffafbffu, 0xbfebfbffu,
	};

	(void)state;
	/*
	 * ECX 0x7ffafbff, by halves. Low 0xfbff: low byte 0xff minus bits
	 * 3, 5, 6 (0x68) is 0x97; bit 15 (0x8000) is set and goes: 0x7b97.
	 * High 0x7ffa: bit 27 is its 0x0800, bit 31 its 0x8000.
	 * Guest CR4 without OSXSAVE: 0x7ffa - 0x0800 + 0x8000 = 0xf7fa.
	 * With it: 0x7ffa + 0x8000 = 0xfffa.
	 */
	EXPECT_REGS(1, 0, 0, host, 0x000506e3u, 0x02100800u, 0xf7fa7b97u,
	            0xbfebfbffu);
	EXPECT_REGS(1, 0, CR4_OSXSAVE, host, 0x000506e3u, 0x02100800u,
	            0xfffa7b97u, 0xbfebfbffu);
}

static void test_leaf1_subleaf_ignored(void **state)
{
	(void)state;
	EXPECT_REGS(1, 7, 0, ones,
	            0xffffffffu, 0xffffffffu, 0xf7ff7f97u, 0xffffffffu);
	EXPECT_REGS(1, 0xffffffffu, CR4_OSXSAVE, zeros, 0, 0, 0x88000000u, 0);
}

/* ---- leaves 5 and 0xA ------------------------------------------------ */

static void test_monitor_and_pmu_leaves_zero(void **state)
{
	(void)state;
	EXPECT_REGS(5, 0, 0, ones, 0, 0, 0, 0);
	EXPECT_REGS(5, 0, CR4_OSXSAVE, pattern, 0, 0, 0, 0);
	EXPECT_REGS(0xa, 0, 0, ones, 0, 0, 0, 0);
	EXPECT_REGS(0xa, 3, CR4_OSXSAVE, pattern, 0, 0, 0, 0);
	/* the leaves next to them are not touched */
	EXPECT_REGS(4, 0, 0, pattern, pattern[0], pattern[1], pattern[2],
	            pattern[3]);
	EXPECT_REGS(6, 0, 0, pattern, pattern[0], pattern[1], pattern[2],
	            pattern[3]);
	EXPECT_REGS(9, 0, 0, pattern, pattern[0], pattern[1], pattern[2],
	            pattern[3]);
	EXPECT_REGS(0xb, 0, 0, pattern, pattern[0], pattern[1], pattern[2],
	            pattern[3]);
}

/* ---- the hypervisor leaves ------------------------------------------- */

static void test_hv_base_leaf_signature(void **state)
{
	uint32_t r[4];
	char sig[13];

	(void)state;
	memcpy(r, ones, sizeof r);
	cpuid_policy(0x40000000u, 0, 0, VERSION, r);
	assert_int_equal(r[EAX], 0x40000001u);      /* highest hypervisor leaf */
	/* EBX, ECX, EDX as bytes, in that order, as a guest reads them */
	memcpy(sig, &r[EBX], 4);
	memcpy(sig + 4, &r[ECX], 4);
	memcpy(sig + 8, &r[EDX], 4);
	sig[12] = '\0';
	assert_string_equal(sig, "BareGTBareGT");
	/* byte by byte too, independently of the host's byte order */
	assert_int_equal(r[EBX] & 0xff, 'B');
	assert_int_equal((r[EBX] >> 8) & 0xff, 'a');
	assert_int_equal((r[EBX] >> 16) & 0xff, 'r');
	assert_int_equal(r[EBX] >> 24, 'e');
	assert_int_equal(r[ECX] & 0xff, 'G');
	assert_int_equal((r[ECX] >> 8) & 0xff, 'T');
	assert_int_equal((r[ECX] >> 16) & 0xff, 'B');
	assert_int_equal(r[ECX] >> 24, 'a');
	assert_int_equal(r[EDX] & 0xff, 'r');
	assert_int_equal((r[EDX] >> 8) & 0xff, 'e');
	assert_int_equal((r[EDX] >> 16) & 0xff, 'G');
	assert_int_equal(r[EDX] >> 24, 'T');
	/* whatever the host said, subleaf, CR4 or version */
	EXPECT_REGS(0x40000000u, 5, CR4_OSXSAVE, zeros, 0x40000001u,
	            r[EBX], r[ECX], r[EDX]);
}

static void test_hv_version_leaf(void **state)
{
	uint32_t r[4];

	(void)state;
	EXPECT_REGS(0x40000001u, 0, 0, ones, VERSION, 0, 0, 0);
	EXPECT_REGS(0x40000001u, 9, CR4_OSXSAVE, pattern, VERSION, 0, 0, 0);
	/* the version is the caller's, whatever it is */
	memcpy(r, ones, sizeof r);
	cpuid_policy(0x40000001u, 0, 0, 0x00020304u, r);
	assert_int_equal(r[EAX], 0x00020304u);
	assert_int_equal(r[EBX], 0);
	assert_int_equal(r[ECX], 0);
	assert_int_equal(r[EDX], 0);
	memcpy(r, ones, sizeof r);
	cpuid_policy(0x40000001u, 0, 0, 0, r);
	assert_int_equal(r[EAX], 0);
	/* the version never leaks into other leaves */
	memcpy(r, zeros, sizeof r);
	cpuid_policy(0x40000002u, 0, 0, 0xdeadbeefu, r);
	assert_int_equal(r[EAX], 0);
}

static void test_hv_other_leaves_zero(void **state)
{
	(void)state;
	EXPECT_REGS(0x40000002u, 0, 0, ones, 0, 0, 0, 0);
	EXPECT_REGS(0x40000010u, 0, 0, pattern, 0, 0, 0, 0);
	EXPECT_REGS(0x40000080u, 1, CR4_OSXSAVE, ones, 0, 0, 0, 0);
	EXPECT_REGS(0x400000feu, 0, 0, ones, 0, 0, 0, 0);
	EXPECT_REGS(0x400000ffu, 0, 0, ones, 0, 0, 0, 0);
}

static void test_outside_hv_range_untouched(void **state)
{
	(void)state;
	EXPECT_REGS(0x40000100u, 0, 0, pattern, pattern[0], pattern[1],
	            pattern[2], pattern[3]);
	EXPECT_REGS(0x40000100u, 0, CR4_OSXSAVE, ones, 0xffffffffu,
	            0xffffffffu, 0xffffffffu, 0xffffffffu);
	EXPECT_REGS(0x3fffffffu, 0, 0, pattern, pattern[0], pattern[1],
	            pattern[2], pattern[3]);
	EXPECT_REGS(0x3fffffffu, 0, CR4_OSXSAVE, zeros, 0, 0, 0, 0);
}

static void test_leaf0_untouched(void **state)
{
	/* max leaf 0x16, "GenuineIntel" in EBX, EDX, ECX */
	static const uint32_t host[4] = {
		0x00000016u, 0x756e6547u, 0x6c65746eu, 0x49656e69u,
	};

	(void)state;
	EXPECT_REGS(0, 0, 0, host, 0x00000016u, 0x756e6547u, 0x6c65746eu,
	            0x49656e69u);
	EXPECT_REGS(0, 0, CR4_OSXSAVE, ones, 0xffffffffu, 0xffffffffu,
	            0xffffffffu, 0xffffffffu);
	EXPECT_REGS(0, 0, 0, zeros, 0, 0, 0, 0);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_leaf1_all_ones),
		T(test_leaf1_all_zeros),
		T(test_leaf1_osxsave_follows_guest_cr4),
		T(test_leaf1_ecx_bit_by_bit),
		T(test_leaf1_everything_but_one_ecx_bit),
		T(test_leaf1_realistic_host),
		T(test_leaf1_subleaf_ignored),
		T(test_monitor_and_pmu_leaves_zero),
		T(test_hv_base_leaf_signature),
		T(test_hv_version_leaf),
		T(test_hv_other_leaves_zero),
		T(test_outside_hv_range_untouched),
		T(test_leaf0_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
