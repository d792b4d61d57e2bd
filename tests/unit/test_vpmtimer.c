/*
 * tests/unit/test_vpmtimer.c — unit tests of hv/dev/vpmtimer.c: the count
 * at 3.579545 MHz from the TSC (exact at the second, across the 32-bit
 * wrap, from a TSC near 2^64), byte and word reads of the dword, writes
 * and bad sizes/offsets dropped and counted, no TSC rate refused.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/dev/vpmtimer.h"

static uint64_t fake_tsc;
static uint64_t now(void *ctx) { (void)ctx; return fake_tsc; }

#define HZ 2400000000ull        /* a 2.4 GHz TSC */

static void test_counts_at_pm_rate(void **state)
{
	struct vpmtimer t;

	(void)state;
	fake_tsc = 1000;
	assert_true(vpmtimer_init(&t, HZ, now, NULL));
	assert_int_equal(vpmtimer_count(&t), 0);
	fake_tsc += HZ;                           /* one second */
	assert_int_equal(vpmtimer_count(&t), VPMTIMER_HZ);
	fake_tsc += HZ / 2;
	assert_int_equal(vpmtimer_count(&t), VPMTIMER_HZ * 3 / 2);
	/* Monotonic tick by tick of the PM clock. */
	fake_tsc = 1000 + HZ * 10;
	uint32_t a = vpmtimer_count(&t);
	fake_tsc += HZ / VPMTIMER_HZ + 1;
	assert_int_equal(vpmtimer_count(&t) - a, 1);
}

static void test_wraps_at_32_bits(void **state)
{
	struct vpmtimer t;
	uint64_t secs = (1ull << 32) / VPMTIMER_HZ + 1;   /* past the wrap */

	(void)state;
	fake_tsc = ~0ull - HZ;                    /* the TSC wraps too */
	assert_true(vpmtimer_init(&t, HZ, now, NULL));
	fake_tsc += secs * HZ;
	assert_int_equal(vpmtimer_count(&t),
	                 (uint32_t)(secs * VPMTIMER_HZ));
}

static void test_bus_reads(void **state)
{
	struct vpmtimer t;
	uint64_t v = 0;

	(void)state;
	fake_tsc = 0;
	assert_true(vpmtimer_init(&t, VPMTIMER_HZ, now, NULL));  /* 1 tick = 1 */
	fake_tsc = 0x12345678;
	assert_true(vpmtimer_bus(&t, 0, 4, false, &v));
	assert_int_equal(v, 0x12345678);
	assert_true(vpmtimer_bus(&t, 1, 1, false, &v));
	assert_int_equal(v, 0x56);
	assert_true(vpmtimer_bus(&t, 2, 2, false, &v));
	assert_int_equal(v, 0x1234);
	assert_int_equal(t.bad_access, 0);
}

static void test_hostile_access(void **state)
{
	struct vpmtimer t;
	uint64_t v = 7;

	(void)state;
	fake_tsc = 0;
	assert_true(vpmtimer_init(&t, HZ, now, NULL));
	fake_tsc = HZ;
	v = 0;
	assert_true(vpmtimer_bus(&t, 0, 4, true, &v));     /* write: dropped */
	assert_true(vpmtimer_bus(&t, 0, 4, false, &v));
	assert_int_equal(v, VPMTIMER_HZ);                  /* unchanged */
	assert_true(vpmtimer_bus(&t, 2, 4, false, &v));    /* past the dword */
	assert_int_equal(v, 0xffffffffu);
	assert_true(vpmtimer_bus(&t, 3, 2, false, &v));
	assert_int_equal(v, 0xffff);
	assert_true(vpmtimer_bus(&t, 0, 8, false, &v));
	assert_int_equal(v, ~0ull);
	assert_true(vpmtimer_bus(&t, 0, 3, false, &v));
	assert_int_equal(t.bad_access, 5);
	assert_false(vpmtimer_init(&t, 0, now, NULL));
	assert_false(vpmtimer_init(&t, HZ, NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_at_pm_rate),
		cmocka_unit_test(test_wraps_at_32_bits),
		cmocka_unit_test(test_bus_reads),
		cmocka_unit_test(test_hostile_access),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
