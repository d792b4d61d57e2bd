/*
 * tests/unit/test_vtd_faults.c — unit tests of iommu/vtd_faults.c, the
 * accounting of faults polled during runs: a distinct fault (source,
 * page, reason, direction) is logged once; repeats and, past the budget
 * of VTD_FAULTS_LOGGED distinct faults per unit, a storm are counted
 * only; every record counts in the total.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "iommu/vtd_faults.h"

static struct vtd_fault_record rec(uint16_t sid, uint64_t page, uint8_t reason,
                                   bool read)
{
	return (struct vtd_fault_record){ .page = page, .sid = sid,
	                                  .reason = reason, .read = read };
}

static void test_each_fault_logged_once(void **state)
{
	struct vtd_fault_log l;
	struct vtd_fault_record a = rec(0x0010, 0xc000000, 0x5, false);
	struct vtd_fault_record b;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_true(vtd_fault_log_note(&l, &a));
	assert_false(vtd_fault_log_note(&l, &a));          /* the same again */
	assert_false(vtd_fault_log_note(&l, &a));
	/* Differing in any one field is another fault. */
	b = a;
	b.sid = 0x0011;
	assert_true(vtd_fault_log_note(&l, &b));
	b = a;
	b.page += 0x1000;
	assert_true(vtd_fault_log_note(&l, &b));
	b = a;
	b.reason = 0x6;
	assert_true(vtd_fault_log_note(&l, &b));
	b = a;
	b.read = true;
	assert_true(vtd_fault_log_note(&l, &b));
	assert_int_equal(l.total, 7);
	assert_int_equal(l.logged, 5);
	assert_int_equal(l.repeats, 2);
	assert_int_equal(l.over_budget, 0);
}

/* A storm: a device faulting on page after page. */
static void test_storm_is_counted_not_logged(void **state)
{
	struct vtd_fault_log l;
	unsigned k, logged = 0;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (k = 0; k < 1000; k++) {
		struct vtd_fault_record r = rec(0x0010, 0x1000ull * k, 0x5, false);

		logged += vtd_fault_log_note(&l, &r);
	}
	assert_int_equal(logged, VTD_FAULTS_LOGGED);
	assert_int_equal(l.logged, VTD_FAULTS_LOGGED);
	assert_int_equal(l.over_budget, 1000 - VTD_FAULTS_LOGGED);
	assert_int_equal(l.total, 1000);
	/* A repeat of a logged one is still a repeat, not over budget. */
	{
		struct vtd_fault_record r = rec(0x0010, 0, 0x5, false);

		assert_false(vtd_fault_log_note(&l, &r));
	}
	assert_int_equal(l.repeats, 1);
	vtd_fault_log_unread(&l, 7);
	vtd_fault_log_overflow(&l);
	assert_int_equal(l.total, 1008);
	assert_int_equal(l.unread, 7);
	assert_int_equal(l.overflows, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_fault_logged_once),
		cmocka_unit_test(test_storm_is_counted_not_logged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
