/*
 * tests/unit/test_restart_limit.c — unit tests of hv/restart_limit.c, the
 * bound on a VM's restarts (on_reset = restart): max restarts pass, the
 * next one within the window is refused with the span since the first;
 * a restart becomes possible again once the oldest leaves the window,
 * and only then; the window slides (a steady rate below the bound never
 * stops); an unknown TSC rate bounds the restarts in all; clamping of
 * max; a stale TSC; no overflow at the extremes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/restart_limit.h"

#define HZ 1000000000ull                  /* a 1 GHz TSC */
#define MS (HZ / 1000)

static struct restart_limit l;

static void test_defaults_bound(void **state)
{
	uint64_t span = 12345, t = 5 * HZ;
	unsigned i;

	(void)state;
	restart_limit_init(&l, RESTART_LIMIT_DEFAULT, RESTART_WINDOW_SECONDS, HZ);
	assert_int_equal(l.max, 8);
	assert_int_equal(l.window, 60 * HZ);
	for (i = 0; i < 8; i++, t += 250 * MS)
		assert_true(restart_limit_allow(&l, t, &span));
	assert_int_equal(l.total, 8);
	assert_int_equal(span, 12345);        /* untouched when allowed */
	/* The ninth: 8 restarts from 5 s on, now 5 s + 8 * 250 ms. */
	assert_false(restart_limit_allow(&l, t, &span));
	assert_int_equal(span, 2000);
	assert_int_equal(l.total, 8);         /* a refusal counts nothing */
	/* Asked again a little later: still refused, the span grows. */
	assert_false(restart_limit_allow(&l, t + 500 * MS, &span));
	assert_int_equal(span, 2500);
	assert_false(restart_limit_allow(&l, t, NULL));
}

static void test_oldest_leaves_window(void **state)
{
	uint64_t span = 0;
	unsigned i;

	(void)state;
	restart_limit_init(&l, 3, 10, HZ);
	for (i = 0; i < 3; i++)
		assert_true(restart_limit_allow(&l, 100 * HZ + i * HZ, NULL));
	/* Oldest at 100 s: refused up to 110 s exclusive. */
	assert_false(restart_limit_allow(&l, 110 * HZ - 1, &span));
	assert_int_equal(span, 9999);
	assert_true(restart_limit_allow(&l, 110 * HZ, NULL));
	/* Now the ring is 101, 102, 110: the next is refused until 111 s. */
	assert_false(restart_limit_allow(&l, 111 * HZ - 1, &span));
	assert_int_equal(span, 9999);
	assert_true(restart_limit_allow(&l, 111 * HZ, NULL));
	assert_false(restart_limit_allow(&l, 112 * HZ - 1, NULL));
	assert_true(restart_limit_allow(&l, 112 * HZ, NULL));
	/* 110, 111, 112: the window counts from 110 s. */
	assert_false(restart_limit_allow(&l, 119 * HZ, &span));
	assert_int_equal(span, 9000);
	assert_int_equal(l.total, 6);
}

static void test_steady_rate_never_stops(void **state)
{
	unsigned i;

	(void)state;
	restart_limit_init(&l, 8, 60, HZ);
	/* One restart every 7.5 s is exactly 8 per 60 s: each new one comes
	 * when the one 8 back has just left the window. */
	for (i = 0; i < 1000; i++)
		assert_true(restart_limit_allow(&l, (uint64_t)i * 7500 * MS, NULL));
	assert_int_equal(l.total, 1000);
	/* A little faster and the bound bites. */
	assert_false(restart_limit_allow(&l, 999ull * 7500 * MS + 7499 * MS,
	                                 NULL));
}

static void test_burst_after_quiet(void **state)
{
	uint64_t span;
	unsigned i;

	(void)state;
	restart_limit_init(&l, 8, 60, HZ);
	for (i = 0; i < 7; i++)
		assert_true(restart_limit_allow(&l, i * MS, NULL));
	/* An hour later: the old ones are all out of the window. */
	for (i = 0; i < 8; i++)
		assert_true(restart_limit_allow(&l, 3600 * HZ + i * MS, NULL));
	assert_false(restart_limit_allow(&l, 3600 * HZ + 8 * MS, &span));
	assert_int_equal(span, 8);
	assert_int_equal(l.total, 15);
}

static void test_unknown_tsc_rate(void **state)
{
	uint64_t span = 7;
	unsigned i;

	(void)state;
	restart_limit_init(&l, 4, 60, 0);
	assert_int_equal(l.window, UINT64_MAX);
	for (i = 0; i < 4; i++)
		assert_true(restart_limit_allow(&l, (uint64_t)i << 50, NULL));
	/* However long after, the fifth is refused: bounded in all. */
	assert_false(restart_limit_allow(&l, UINT64_MAX, &span));
	assert_int_equal(span, 0);            /* no rate: no milliseconds */
}

static void test_max_clamped(void **state)
{
	unsigned i;

	(void)state;
	restart_limit_init(&l, 0, 60, HZ);
	assert_int_equal(l.max, 1);
	assert_true(restart_limit_allow(&l, HZ, NULL));
	assert_false(restart_limit_allow(&l, 2 * HZ, NULL));
	assert_true(restart_limit_allow(&l, 61 * HZ, NULL));
	restart_limit_init(&l, 1000, 60, HZ);
	assert_int_equal(l.max, RESTART_LIMIT_SLOTS);
	for (i = 0; i < RESTART_LIMIT_SLOTS; i++)
		assert_true(restart_limit_allow(&l, HZ + i, NULL));
	assert_false(restart_limit_allow(&l, HZ + RESTART_LIMIT_SLOTS, NULL));
}

static void test_stale_tsc(void **state)
{
	uint64_t span = 1;

	(void)state;
	restart_limit_init(&l, 2, 60, HZ);
	assert_true(restart_limit_allow(&l, 100 * HZ, NULL));
	assert_true(restart_limit_allow(&l, 50 * HZ, NULL));   /* earlier */
	assert_false(restart_limit_allow(&l, 10 * HZ, &span));
	assert_int_equal(span, 0);
}

static void test_extremes(void **state)
{
	uint64_t span = 0;

	(void)state;
	/* A window that would overflow saturates. */
	restart_limit_init(&l, 2, 60, UINT64_MAX / 8);
	assert_int_equal(l.window, UINT64_MAX);
	/* The largest TSC rate the milliseconds are exact for. */
	restart_limit_init(&l, 1, 60, 1ull << 53);
	assert_true(restart_limit_allow(&l, 0, NULL));
	assert_false(restart_limit_allow(&l, (1ull << 53) * 59 + (1ull << 52),
	                                 &span));
	assert_int_equal(span, 59500);
	/* A window of 0 seconds refuses nothing. */
	restart_limit_init(&l, 1, 0, HZ);
	assert_true(restart_limit_allow(&l, 5, NULL));
	assert_true(restart_limit_allow(&l, 5, NULL));
	assert_int_equal(l.total, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_bound),
		cmocka_unit_test(test_oldest_leaves_window),
		cmocka_unit_test(test_steady_rate_never_stops),
		cmocka_unit_test(test_burst_after_quiet),
		cmocka_unit_test(test_unknown_tsc_rate),
		cmocka_unit_test(test_max_clamped),
		cmocka_unit_test(test_stale_tsc),
		cmocka_unit_test(test_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
