/*
 * tests/unit/test_config_cpuid.c — unit tests of the per-VM key
 * `cpuid_hide` (hv/config/keys.c): a comma-separated list of the CPU
 * feature names of vmx/cpuid_features.c (any case, blanks around the
 * commas), a bit per feature in vm_config.cpuid_hide. Defaults, values,
 * and every error with its exact message and line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hv/config/config.h"
#include "tests/unit/config_test.h"
#include "vmx/cpuid_features.h"

static char text[4096];

/* VM_A with "cpuid_hide = VALUE" on line 4. */
static const char *hide(const char *value)
{
	snprintf(text, sizeof text, VM_A "cpuid_hide = %s\n", value);
	return text;
}

static bool hidden(const struct vm_config *vm, enum cpuid_feature_id f)
{
	return (vm->cpuid_hide[f / 32] >> (f % 32)) & 1;
}

static unsigned count_hidden(const struct vm_config *vm)
{
	unsigned f, n = 0;

	for (f = 0; f < 32 * CONFIG_CPUID_HIDE_WORDS; f++)
		n += (vm->cpuid_hide[f / 32] >> (f % 32)) & 1;
	return n;
}

/* ---- values ---------------------------------------------------------- */

static void test_default_hides_nothing(void **state)
{
	(void)state;
	PARSE_OK(VM_A VM_B);
	assert_int_equal(count_hidden(&cfg.vm[0]), 0);
	assert_int_equal(count_hidden(&cfg.vm[1]), 0);
	assert_int_equal(cfg.vm[0].cpuid_hide_line, 0);
}

static void test_one_and_several(void **state)
{
	(void)state;
	PARSE_OK(hide("x2apic"));
	assert_true(hidden(&cfg.vm[0], CF_X2APIC));
	assert_int_equal(count_hidden(&cfg.vm[0]), 1);
	assert_int_equal(cfg.vm[0].cpuid_hide_line, 4);
	PARSE_OK(hide("avx512f, pku, x2apic"));
	assert_true(hidden(&cfg.vm[0], CF_AVX512F));
	assert_true(hidden(&cfg.vm[0], CF_PKU));
	assert_true(hidden(&cfg.vm[0], CF_X2APIC));
	assert_int_equal(count_hidden(&cfg.vm[0]), 3);
	/* blanks optional, any case, quotes, a name twice */
	PARSE_OK(hide("avx2,SMAP ,\tTsc_Deadline_Timer"));
	assert_true(hidden(&cfg.vm[0], CF_AVX2));
	assert_true(hidden(&cfg.vm[0], CF_SMAP));
	assert_true(hidden(&cfg.vm[0], CF_TSC_DEADLINE));
	assert_int_equal(count_hidden(&cfg.vm[0]), 3);
	PARSE_OK(hide("\"rdtscp, invpcid\"  # comment"));
	assert_true(hidden(&cfg.vm[0], CF_RDTSCP));
	assert_true(hidden(&cfg.vm[0], CF_INVPCID));
	PARSE_OK(hide("avx, avx"));
	assert_int_equal(count_hidden(&cfg.vm[0]), 1);
}

static void test_every_name_is_accepted(void **state)
{
	unsigned f;
	char value[64];

	(void)state;
	for (f = CF_NONE + 1; f < CF_COUNT; f++) {
		snprintf(value, sizeof value, "%s", cpuid_features[f].name);
		PARSE_OK(hide(value));
		assert_true(hidden(&cfg.vm[0], (enum cpuid_feature_id)f));
		assert_int_equal(count_hidden(&cfg.vm[0]), 1);
	}
}

static void test_per_vm(void **state)
{
	(void)state;
	PARSE_OK(VM_A "cpuid_hide = avx\n" VM_B "cpuid_hide = sse4_2, aes\n");
	assert_true(hidden(&cfg.vm[0], CF_AVX));
	assert_int_equal(count_hidden(&cfg.vm[0]), 1);
	assert_true(hidden(&cfg.vm[1], CF_SSE4_2));
	assert_true(hidden(&cfg.vm[1], CF_AES));
	assert_int_equal(count_hidden(&cfg.vm[1]), 2);
	assert_int_equal(cfg.vm[1].cpuid_hide_line, 8);
}

/* ---- errors ---------------------------------------------------------- */

static void test_unknown_name(void **state)
{
	(void)state;
	EXPECT_ERROR(hide("avx512"), 4, "unknown CPU feature 'avx512' in "
	             "'cpuid_hide' (did you mean 'avx512f'?)");
	EXPECT_ERROR(hide("avx2, sse5, aes"), 4, "unknown CPU feature 'sse5' in "
	             "'cpuid_hide' (did you mean 'sse'?)");
	EXPECT_ERROR(hide("X2APIX"), 4, "unknown CPU feature 'X2APIX' in "
	             "'cpuid_hide' (did you mean 'x2apic'?)");
	EXPECT_ERROR(hide("quantum_entanglement"), 4, "unknown CPU feature "
	             "'quantum_entanglement' in 'cpuid_hide' (docs/config.md "
	             "lists the names)");
	/* longer than any name: still named whole in the message */
	EXPECT_ERROR(hide("abcdefghijabcdefghijabcdefghijabcdefghij"), 4,
	             "unknown CPU feature 'abcdefghijabcdefghijabcdefghijabcdefghij'"
	             " in 'cpuid_hide' (docs/config.md lists the names)");
	/* what the policy makes itself is not a feature to hide */
	EXPECT_ERROR(hide("hypervisor"), 4, "unknown CPU feature 'hypervisor' in "
	             "'cpuid_hide' (docs/config.md lists the names)");
	EXPECT_ERROR(hide("avx 2"), 4, "unknown CPU feature 'avx 2' in "
	             "'cpuid_hide' (did you mean 'avx2'?)");
}

static void test_empty_names(void **state)
{
	static const char msg[] =
		"empty name in 'cpuid_hide' (names are separated by commas)";

	(void)state;
	EXPECT_ERROR(hide("avx,,aes"), 4, msg);
	EXPECT_ERROR(hide("avx,"), 4, msg);
	EXPECT_ERROR(hide(", avx"), 4, msg);
	EXPECT_ERROR(hide("avx, ,aes"), 4, msg);
	EXPECT_ERROR(hide("\"\""), 4, msg);
	EXPECT_ERROR(hide(""), 4, "missing value for 'cpuid_hide'");
}

static void test_scope_and_duplicates(void **state)
{
	(void)state;
	EXPECT_ERROR("cpuid_hide = avx\n" VM_A, 1,
	             "key 'cpuid_hide' belongs in a [vm NAME] section");
	EXPECT_ERROR(VM_A "cpuid_hide = avx\ncpuid_hide = aes\n", 5,
	             "duplicate key 'cpuid_hide' (first set on line 4)");
	EXPECT_ERROR(VM_A "cpuid_hid = avx\n", 4,
	             "unknown key 'cpuid_hid' (did you mean 'cpuid_hide'?)");
	/* the first VM's error comes before the second VM is read */
	EXPECT_ERROR(VM_A "cpuid_hide = avx\n" VM_B "cpuid_hide = nope\n", 8,
	             "unknown CPU feature 'nope' in 'cpuid_hide' (docs/config.md "
	             "lists the names)");
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_default_hides_nothing),
		T(test_one_and_several),
		T(test_every_name_is_accepted),
		T(test_per_vm),
		T(test_unknown_name),
		T(test_empty_names),
		T(test_scope_and_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
