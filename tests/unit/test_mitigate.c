/*
 * tests/unit/test_mitigate.c — vmx/mitigate.c: which VM-switch
 * mitigations BareGT applies for what a CPU enumerates. The CPUID and
 * ARCH_CAPABILITIES bits are written out by hand (SDM Vol. 2A CPUID leaf
 * 7 EDX; Vol. 4 Table 2-2, MSR 0x10A); the CPUs are the kinds BareGT
 * meets: Skylake-Comet Lake with and without the 2018/2019 microcode, a
 * later part that is not affected, and an emulator that enumerates
 * nothing (Bochs).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/mitigate.h"

#define MD_CLEAR   (1u << 10)
#define IBRS_IBPB  (1u << 26)
#define L1D_FLUSH  (1u << 28)
#define ARCH_CAPS  (1u << 29)
#define RDCL_NO    (1ull << 0)
#define SKIP_L1DFL (1ull << 3)
#define MDS_NO     (1ull << 5)

static struct vm_switch_mitigations pick(uint32_t edx, uint64_t ac)
{
	struct spec_caps c = { edx, ac };
	struct vm_switch_mitigations m;

	memset(&m, 0xa5, sizeof(m));
	mitigations_select(&c, &m);
	return m;
}

/* Skylake with the MDS microcode: everything enumerated, no ARCH_CAPS
 * (client SKL never got it): L1D flush (which also clears the buffers),
 * IBPB; no separate VERW. */
static void test_skylake_updated(void **state)
{
	struct vm_switch_mitigations m = pick(MD_CLEAR | IBRS_IBPB | L1D_FLUSH, 0);

	(void)state;
	assert_true(m.l1d_flush);
	assert_false(m.verw);
	assert_true(m.buffers_by_flush);
	assert_true(m.ibpb);
	assert_false(m.l1tf_exposed || m.mds_exposed || m.spectre_v2_exposed);
}

/* Skylake with the 2018 L1TF microcode but not the 2019 MDS one: flush,
 * but the flush does not clear the buffers and VERW does nothing: MDS is
 * exposed and says so. */
static void test_skylake_l1tf_microcode_only(void **state)
{
	struct vm_switch_mitigations m = pick(IBRS_IBPB | L1D_FLUSH, 0);

	(void)state;
	assert_true(m.l1d_flush);
	assert_false(m.verw);
	assert_false(m.buffers_by_flush);
	assert_true(m.mds_exposed);
	assert_false(m.l1tf_exposed);
}

/* Original microcode: nothing to use; all three exposed. */
static void test_no_microcode(void **state)
{
	struct vm_switch_mitigations m = pick(0, 0);

	(void)state;
	assert_false(m.l1d_flush || m.verw || m.ibpb);
	assert_true(m.l1tf_exposed && m.mds_exposed && m.spectre_v2_exposed);
}

/* Comet Lake style: RDCL_NO and SKIP_L1DFL (not L1TF-affected) but MDS
 * affected with MD_CLEAR: VERW, no flush. */
static void test_not_l1tf_but_mds(void **state)
{
	struct vm_switch_mitigations m =
		pick(MD_CLEAR | IBRS_IBPB | L1D_FLUSH | ARCH_CAPS,
		     RDCL_NO | SKIP_L1DFL);

	(void)state;
	assert_false(m.l1d_flush);
	assert_true(m.verw);
	assert_false(m.l1tf_exposed || m.mds_exposed);
}

/* SKIP_L1DFL_VMENTRY alone (a nested hypervisor's host flushes for us). */
static void test_skip_l1d_flush(void **state)
{
	struct vm_switch_mitigations m =
		pick(MD_CLEAR | L1D_FLUSH | ARCH_CAPS, SKIP_L1DFL);

	(void)state;
	assert_false(m.l1d_flush);
	assert_false(m.l1tf_exposed);
	assert_true(m.verw);
}

/* Neither L1TF nor MDS: only the IBPB. */
static void test_not_affected(void **state)
{
	struct vm_switch_mitigations m =
		pick(MD_CLEAR | IBRS_IBPB | L1D_FLUSH | ARCH_CAPS, RDCL_NO | MDS_NO);

	(void)state;
	assert_false(m.l1d_flush || m.verw || m.buffers_by_flush);
	assert_true(m.ibpb);
	assert_false(m.l1tf_exposed || m.mds_exposed || m.spectre_v2_exposed);
}

/* ARCH_CAPABILITIES bits count only when CPUID enumerates the MSR. */
static void test_arch_caps_needs_cpuid(void **state)
{
	struct vm_switch_mitigations m = pick(MD_CLEAR | L1D_FLUSH, RDCL_NO | MDS_NO);

	(void)state;
	assert_true(m.l1d_flush);
	assert_true(m.buffers_by_flush);
}

static void test_format(void **state)
{
	char line[256];
	struct vm_switch_mitigations m = pick(MD_CLEAR | IBRS_IBPB | L1D_FLUSH, 0);

	(void)state;
	mitigations_format(&m, line, sizeof(line));
	assert_string_equal(line, "on a switch between VMs: L1D flush on; CPU buffer"
	                    " clear (VERW) done by the L1D flush; IBPB on");
	m = pick(0, 0);
	mitigations_format(&m, line, sizeof(line));
	assert_string_equal(line, "on a switch between VMs: L1D flush EXPOSED; CPU"
	                    " buffer clear (VERW) EXPOSED; IBPB EXPOSED (the CPU"
	                    " enumerates no remedy: update its microcode)");
	m = pick(MD_CLEAR | IBRS_IBPB | L1D_FLUSH | ARCH_CAPS, RDCL_NO | MDS_NO);
	mitigations_format(&m, line, sizeof(line));
	assert_string_equal(line, "on a switch between VMs: L1D flush not needed;"
	                    " CPU buffer clear (VERW) not needed; IBPB on");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skylake_updated),
		cmocka_unit_test(test_skylake_l1tf_microcode_only),
		cmocka_unit_test(test_no_microcode),
		cmocka_unit_test(test_not_l1tf_but_mds),
		cmocka_unit_test(test_skip_l1d_flush),
		cmocka_unit_test(test_not_affected),
		cmocka_unit_test(test_arch_caps_needs_cpuid),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
