/*
 * tests/unit/test_trap.c — unit tests of ept/trap.c: the sorted trap
 * registry of a VM. Insertion order, every kind of overlap (refused with
 * the table unchanged), touching ranges, the capacity limit, invalid
 * ranges, and the binary search of trap_find at every boundary of a full
 * table.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ept/trap.h"

static struct trap_table tt;
static struct trap_table before;     /* snapshot for "unchanged" checks */

static int cookie_a, cookie_b;       /* distinct handler arguments */

static bool mmio_stub(void *arg, uint64_t offset, unsigned size, bool write,
                      uint64_t *value)
{
	(void)arg; (void)offset; (void)size; (void)write; (void)value;
	return true;
}

static bool wp_stub(void *arg, uint64_t gpa, unsigned size, uint64_t value)
{
	(void)arg; (void)gpa; (void)size; (void)value;
	return true;
}

static int setup(void **state)
{
	(void)state;
	memset(&tt, 0xa5, sizeof tt);        /* init must clear everything */
	trap_table_init(&tt);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static struct trap mmio(uint64_t gpa, uint64_t size)
{
	struct trap t;

	memset(&t, 0, sizeof t);
	t.gpa = gpa;
	t.size = size;
	t.kind = TRAP_MMIO;
	t.mmio = mmio_stub;
	t.arg = &cookie_a;
	t.name = "mmio";
	return t;
}

static struct trap wp(uint64_t gpa, uint64_t size)
{
	struct trap t;

	memset(&t, 0, sizeof t);
	t.gpa = gpa;
	t.size = size;
	t.kind = TRAP_WRITE_PROTECT;
	t.wp = wp_stub;
	t.arg = &cookie_b;
	t.name = "wp";
	return t;
}

#define ADD_OK(t)  add_expect_at(__FILE__, __LINE__, (t), TRAP_OK)
#define ADD_ERR(t, s) add_expect_at(__FILE__, __LINE__, (t), (s))

/*
 * trap_add expecting status s; on any refusal the table must be exactly
 * what it was before the call.
 */
static void add_expect_at(const char *file, int line, struct trap t,
                          enum trap_status s)
{
	enum trap_status got;

	memcpy(&before, &tt, sizeof tt);
	got = trap_add(&tt, &t);
	if (got != s)
		fail_msg("%s:%d: trap_add(%#llx, %#llx) = %d (%s), expected %d",
		         file, line, (unsigned long long)t.gpa,
		         (unsigned long long)t.size, (int)got,
		         trap_status_str(got), (int)s);
	if (s != TRAP_OK && memcmp(&before, &tt, sizeof tt) != 0)
		fail_msg("%s:%d: refused trap_add changed the table", file, line);
}

#define EXPECT_HIT(gpa, idx)  expect_find_at(__FILE__, __LINE__, (gpa), (int)(idx))
#define EXPECT_MISS(gpa)      expect_find_at(__FILE__, __LINE__, (gpa), -1)

/* trap_find(gpa) must return &tt.t[idx], or NULL when idx < 0. */
static void expect_find_at(const char *file, int line, uint64_t gpa, int idx)
{
	struct trap *got = trap_find(&tt, gpa);

	if (idx < 0 && got != NULL)
		fail_msg("%s:%d: gpa %#llx found in trap %d [%#llx, +%#llx), "
		         "expected a miss", file, line, (unsigned long long)gpa,
		         (int)(got - tt.t), (unsigned long long)got->gpa,
		         (unsigned long long)got->size);
	if (idx >= 0 && got != &tt.t[idx])
		fail_msg("%s:%d: gpa %#llx -> %s%d, expected trap %d", file,
		         line, (unsigned long long)gpa, got ? "trap " : "NULL ",
		         got ? (int)(got - tt.t) : 0, idx);
}

static void expect_gpas(const uint64_t *gpas, unsigned n)
{
	unsigned i;

	assert_int_equal(tt.n, n);
	for (i = 0; i < n; i++)
		if (tt.t[i].gpa != gpas[i])
			fail_msg("entry %u: gpa %#llx, expected %#llx", i,
			         (unsigned long long)tt.t[i].gpa,
			         (unsigned long long)gpas[i]);
}

/* ---- init and insertion --------------------------------------------- */

static void test_init_empty(void **state)
{
	(void)state;
	assert_int_equal(tt.n, 0);
	EXPECT_MISS(0);
	EXPECT_MISS(0x1000);
	EXPECT_MISS(UINT64_MAX);
}

static void test_add_keeps_sorted(void **state)
{
	static const uint64_t after1[] = { 0x5000 };
	static const uint64_t after2[] = { 0x1000, 0x5000 };
	static const uint64_t after3[] = { 0x1000, 0x3000, 0x5000 };
	static const uint64_t after4[] = { 0x1000, 0x3000, 0x5000, 0x9000 };
	static const uint64_t after5[] = { 0x0, 0x1000, 0x3000, 0x5000, 0x9000 };
	static const uint64_t after6[] = { 0x0, 0x1000, 0x3000, 0x4000, 0x5000,
	                                   0x9000 };

	(void)state;
	ADD_OK(mmio(0x5000, 0x100));       /* first */
	expect_gpas(after1, 1);
	ADD_OK(mmio(0x1000, 0x100));       /* before all */
	expect_gpas(after2, 2);
	ADD_OK(wp(0x3000, 0x1000));        /* in the middle */
	expect_gpas(after3, 3);
	ADD_OK(mmio(0x9000, 0x10));        /* after all */
	expect_gpas(after4, 4);
	ADD_OK(mmio(0x0, 0x1));            /* at address 0 */
	expect_gpas(after5, 5);
	ADD_OK(mmio(0x4000, 0x800));       /* middle again */
	expect_gpas(after6, 6);
}

static void test_add_copies_fields(void **state)
{
	struct trap t = wp(0x7000, 0x2000);

	(void)state;
	t.name = "guest page";
	ADD_OK(mmio(0x1000, 8));
	ADD_OK(t);
	assert_int_equal(tt.t[1].gpa, 0x7000);
	assert_int_equal(tt.t[1].size, 0x2000);
	assert_int_equal(tt.t[1].kind, TRAP_WRITE_PROTECT);
	assert_ptr_equal(tt.t[1].wp, wp_stub);
	assert_ptr_equal(tt.t[1].arg, &cookie_b);
	assert_string_equal(tt.t[1].name, "guest page");
	assert_int_equal(tt.t[0].kind, TRAP_MMIO);
	assert_ptr_equal(tt.t[0].mmio, mmio_stub);
	assert_ptr_equal(tt.t[0].arg, &cookie_a);
}

static void test_hits_reset_on_add(void **state)
{
	struct trap a = mmio(0x2000, 0x10), b = wp(0x10000, 0x1000);

	(void)state;
	a.hits = 123;
	b.hits = UINT64_MAX;
	ADD_OK(a);
	ADD_OK(b);
	assert_int_equal(tt.t[0].hits, 0);
	assert_int_equal(tt.t[1].hits, 0);
	/* a hit counted on an entry moves with it when others are inserted */
	tt.t[0].hits = 7;
	ADD_OK(mmio(0x1000, 0x10));
	assert_int_equal(tt.t[1].gpa, 0x2000);
	assert_int_equal(tt.t[1].hits, 7);
	assert_int_equal(tt.t[0].hits, 0);
}

/* ---- overlaps -------------------------------------------------------- */

static void test_overlap_refused(void **state)
{
	(void)state;
	ADD_OK(mmio(0x10000, 0x1000));            /* [0x10000, 0x11000) */
	ADD_OK(mmio(0x20000, 0x1000));            /* [0x20000, 0x21000) */

	/* identical */
	ADD_ERR(mmio(0x10000, 0x1000), TRAP_EOVERLAP);
	ADD_ERR(wp(0x10000, 0x1000), TRAP_EOVERLAP);
	/* overlapping the start from below, by one byte */
	ADD_ERR(mmio(0xf000, 0x1001), TRAP_EOVERLAP);
	ADD_ERR(mmio(0xffff, 2), TRAP_EOVERLAP);
	/* overlapping the end from above, by one byte */
	ADD_ERR(mmio(0x10fff, 0x10), TRAP_EOVERLAP);
	ADD_ERR(mmio(0x10fff, 1), TRAP_EOVERLAP);
	/* containing the existing range */
	ADD_ERR(mmio(0xf000, 0x3000), TRAP_EOVERLAP);
	ADD_ERR(mmio(0x10000, 0x1001), TRAP_EOVERLAP);     /* same start */
	ADD_ERR(mmio(0xffff, 0x1001), TRAP_EOVERLAP);      /* same end */
	/* contained in the existing range */
	ADD_ERR(mmio(0x10800, 0x10), TRAP_EOVERLAP);
	ADD_ERR(mmio(0x10000, 1), TRAP_EOVERLAP);          /* same start */
	ADD_ERR(mmio(0x10fff, 1), TRAP_EOVERLAP);          /* same end */
	/* spanning both existing ranges and the gap */
	ADD_ERR(mmio(0x10000, 0x11000), TRAP_EOVERLAP);
	ADD_ERR(mmio(0x8000, 0x100000), TRAP_EOVERLAP);
	/* in the gap, overlapping the second one's start */
	ADD_ERR(mmio(0x18000, 0x8001), TRAP_EOVERLAP);
	/* overlapping the last entry from above */
	ADD_ERR(mmio(0x20fff, 0x1000), TRAP_EOVERLAP);

	assert_int_equal(tt.n, 2);
}

static void test_touching_ranges_allowed(void **state)
{
	static const uint64_t gpas[] = { 0xf000, 0x10000, 0x11000, 0x12000 };

	(void)state;
	ADD_OK(wp(0x10000, 0x1000));
	ADD_OK(wp(0x11000, 0x1000));      /* starts where the first ends */
	ADD_OK(mmio(0xf000, 0x1000));     /* ends where the first starts */
	ADD_OK(mmio(0x12000, 1));
	expect_gpas(gpas, 4);
	/* an exact fit into a gap between two entries */
	ADD_OK(mmio(0x30000, 0x10));
	ADD_OK(mmio(0x30020, 0x10));
	ADD_OK(mmio(0x30010, 0x10));
	assert_int_equal(tt.n, 7);
	assert_int_equal(tt.t[5].gpa, 0x30010);
	EXPECT_HIT(0x3000f, 4);
	EXPECT_HIT(0x30010, 5);
	EXPECT_HIT(0x3001f, 5);
	EXPECT_HIT(0x30020, 6);
}

/* ---- capacity and invalid ranges ------------------------------------- */

static void test_full_table(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < TRAP_MAX; i++)
		ADD_OK(mmio(0x100000 + (uint64_t)i * 0x1000, 0x100));
	assert_int_equal(tt.n, TRAP_MAX);
	/* anywhere, even where it would not overlap */
	ADD_ERR(mmio(0x0, 0x10), TRAP_EFULL);
	ADD_ERR(mmio(0x100800, 0x10), TRAP_EFULL);
	ADD_ERR(wp(0x80000000, 0x1000), TRAP_EFULL);
	assert_int_equal(tt.n, TRAP_MAX);
}

static void test_invalid_ranges(void **state)
{
	(void)state;
	ADD_OK(mmio(0x40000, 0x1000));
	/* size 0, of either kind */
	ADD_ERR(mmio(0x1000, 0), TRAP_EINVAL);
	ADD_ERR(wp(0x1000, 0), TRAP_EINVAL);
	/* wrap-around past 2^64 */
	ADD_ERR(mmio(0xfffffffffffff000ull, 0x2000), TRAP_EINVAL);
	ADD_ERR(mmio(UINT64_MAX, 2), TRAP_EINVAL);
	ADD_ERR(mmio(2, UINT64_MAX), TRAP_EINVAL);
	ADD_ERR(wp(0xfffffffffffff000ull, 0x2000), TRAP_EINVAL);
	/* write protection works on whole 4 KiB pages */
	ADD_ERR(wp(0x1800, 0x1000), TRAP_EINVAL);        /* gpa */
	ADD_ERR(wp(0x1001, 0x1000), TRAP_EINVAL);
	ADD_ERR(wp(0x1000, 0x800), TRAP_EINVAL);         /* size */
	ADD_ERR(wp(0x1000, 0x1001), TRAP_EINVAL);
	ADD_ERR(wp(0x1000, 0xfff), TRAP_EINVAL);
	/* invalid wins over overlap: the same range as the existing trap */
	ADD_ERR(wp(0x40000, 0x800), TRAP_EINVAL);
	assert_int_equal(tt.n, 1);
	/* MMIO needs no alignment at all */
	ADD_OK(mmio(0x1803, 3));
	ADD_OK(wp(0x2000, 0x3000));
	/* the highest range that does not wrap: ends at 2^64 - 1 */
	ADD_OK(mmio(0xfffffffffffff000ull, 0xfff));
	assert_int_equal(tt.n, 4);
	EXPECT_HIT(0xfffffffffffffffeull, 3);
	EXPECT_MISS(UINT64_MAX);
}

/* ---- lookup ---------------------------------------------------------- */

static void test_find_boundaries(void **state)
{
	(void)state;
	ADD_OK(mmio(0xfed00000, 0x400));       /* [0xfed00000, 0xfed00400) */
	EXPECT_HIT(0xfed00000, 0);             /* first byte */
	EXPECT_HIT(0xfed003ff, 0);             /* last byte */
	EXPECT_HIT(0xfed00123, 0);
	EXPECT_MISS(0xfed00400);               /* one past the end */
	EXPECT_MISS(0xfecfffff);               /* one before */
	EXPECT_MISS(0);
	EXPECT_MISS(UINT64_MAX);
	/* a one-byte range */
	ADD_OK(mmio(0x1500, 1));
	EXPECT_HIT(0x1500, 0);
	EXPECT_MISS(0x14ff);
	EXPECT_MISS(0x1501);
	EXPECT_HIT(0xfed00000, 1);
	/* a range at address 0 */
	ADD_OK(wp(0, 0x1000));
	EXPECT_HIT(0, 0);
	EXPECT_HIT(0xfff, 0);
	EXPECT_MISS(0x1000);
	EXPECT_HIT(0x1500, 1);
	EXPECT_HIT(0xfed003ff, 2);
}

/*
 * A full table with gaps, filled in a scrambled order: entry i (in
 * address order) is [base(i), base(i) + size(i)), base(i) = 0x100000 +
 * i * 0x10000, size(i) = 0x1000 + i * 0x100; every boundary of every
 * entry and of every gap is checked.
 */
static void test_find_full_table_with_gaps(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < TRAP_MAX; i++) {
		unsigned k = (i * 7 + 3) % TRAP_MAX;   /* 7 is prime to 32 */

		ADD_OK(mmio(0x100000 + (uint64_t)k * 0x10000,
		            0x1000 + (uint64_t)k * 0x100));
	}
	assert_int_equal(tt.n, TRAP_MAX);
	for (i = 0; i < TRAP_MAX; i++) {
		uint64_t base = 0x100000 + (uint64_t)i * 0x10000;
		uint64_t size = 0x1000 + (uint64_t)i * 0x100;

		assert_int_equal(tt.t[i].gpa, base);
		assert_int_equal(tt.t[i].size, size);
		EXPECT_MISS(base - 1);
		EXPECT_HIT(base, i);
		EXPECT_HIT(base + size / 2, i);
		EXPECT_HIT(base + size - 1, i);
		EXPECT_MISS(base + size);
		EXPECT_MISS(base + 0x8000);            /* middle of the gap */
		EXPECT_MISS(base + 0xffff);            /* last byte of the gap */
	}
	EXPECT_MISS(0);
	EXPECT_MISS(0xfffff);
	EXPECT_MISS(0x100000 + TRAP_MAX * 0x10000ull);
	EXPECT_MISS(UINT64_MAX);
}

/* The same without gaps: every entry ends where the next begins. */
static void test_find_full_table_touching(void **state)
{
	unsigned i;

	(void)state;
	for (i = TRAP_MAX; i-- > 0;)              /* descending */
		ADD_OK(wp(0x200000 + (uint64_t)i * 0x1000, 0x1000));
	assert_int_equal(tt.n, TRAP_MAX);
	EXPECT_MISS(0x1fffff);
	for (i = 0; i < TRAP_MAX; i++) {
		uint64_t base = 0x200000 + (uint64_t)i * 0x1000;

		EXPECT_HIT(base, i);
		EXPECT_HIT(base + 0xfff, i);
	}
	EXPECT_MISS(0x200000 + TRAP_MAX * 0x1000ull);
}

static void test_status_strings(void **state)
{
	(void)state;
	assert_string_equal(trap_status_str(TRAP_OK), "ok");
	assert_string_equal(trap_status_str(TRAP_EOVERLAP),
	                    "overlaps another trap");
	assert_string_equal(trap_status_str(TRAP_EFULL), "trap table full");
	assert_string_equal(trap_status_str(TRAP_EINVAL), "invalid range");
	assert_string_equal(trap_status_str((enum trap_status)99), "?");
}

static void test_remove(void **state)
{
	(void)state;
	ADD_OK(mmio(0x1000, 0x1000));
	ADD_OK(mmio(0x3000, 0x1000));
	ADD_OK(wp(0x5000, 0x1000));
	assert_false(trap_remove(&tt, 0x1800, &cookie_a));   /* not the start */
	assert_false(trap_remove(&tt, 0x2000, &cookie_a));   /* nothing there */
	assert_int_equal(tt.n, 3);
	assert_true(trap_remove(&tt, 0x3000, &cookie_a));
	assert_int_equal(tt.n, 2);
	assert_int_equal(tt.t[0].gpa, 0x1000);
	assert_int_equal(tt.t[1].gpa, 0x5000);
	assert_null(trap_find(&tt, 0x3000));
	assert_non_null(trap_find(&tt, 0x5fff));
	/* The freed range can be taken again, e.g. by a moved BAR. */
	ADD_OK(mmio(0x2000, 0x2000));
	assert_int_equal(tt.t[1].gpa, 0x2000);
	assert_true(trap_remove(&tt, 0x1000, &cookie_a));
	assert_true(trap_remove(&tt, 0x2000, &cookie_a));
	assert_true(trap_remove(&tt, 0x5000, &cookie_b));
	assert_int_equal(tt.n, 0);
	assert_false(trap_remove(&tt, 0x5000, &cookie_b));
}

/* Issue 8 item 4: a BAR moved onto another device's trap could not be
 * installed, and its next move removed "the trap at its old address" —
 * the other device's. Removal names the owner: another's trap stays. */
static void test_remove_only_own(void **state)
{
	(void)state;
	ADD_OK(mmio(0x1000, 0x1000));                 /* owner: cookie_a */
	assert_false(trap_remove(&tt, 0x1000, &cookie_b));
	assert_int_equal(tt.n, 1);
	assert_non_null(trap_find(&tt, 0x1000));
	assert_false(trap_remove(&tt, 0x1000, NULL));
	assert_true(trap_remove(&tt, 0x1000, &cookie_a));
	assert_int_equal(tt.n, 0);
}

/* trap_lookup's span: the rest of the trap, the gap to the next one, or
 * the rest of the address space; an access is split where it ends. */
static void test_lookup_span(void **state)
{
	uint64_t span = 0;

	(void)state;
	assert_null(trap_lookup(&tt, 0x1234, &span));
	assert_int_equal(span, ~0x1234ull + 1);
	assert_null(trap_lookup(&tt, 0, &span));
	assert_int_equal(span, ~0ull);
	ADD_OK(wp(0x2000, 0x1000));
	ADD_OK(mmio(0x3000, 0x800));
	ADD_OK(mmio(0x5000, 0x1000));
	assert_null(trap_lookup(&tt, 0x1ffc, &span));      /* 4 bytes of RAM */
	assert_int_equal(span, 4);
	assert_ptr_equal(trap_lookup(&tt, 0x2ffc, &span), &tt.t[0]);
	assert_int_equal(span, 4);                          /* then the MMIO */
	assert_ptr_equal(trap_lookup(&tt, 0x3000, &span), &tt.t[1]);
	assert_int_equal(span, 0x800);
	assert_null(trap_lookup(&tt, 0x3800, &span));      /* gap */
	assert_int_equal(span, 0x1800);
	assert_ptr_equal(trap_lookup(&tt, 0x5fff, &span), &tt.t[2]);
	assert_int_equal(span, 1);
	assert_null(trap_lookup(&tt, 0x6000, &span));
	assert_int_equal(span, ~0x6000ull + 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_empty),
		T(test_add_keeps_sorted),
		T(test_add_copies_fields),
		T(test_hits_reset_on_add),
		T(test_overlap_refused),
		T(test_touching_ranges_allowed),
		T(test_full_table),
		T(test_invalid_ranges),
		T(test_find_boundaries),
		T(test_find_full_table_with_gaps),
		T(test_find_full_table_touching),
		T(test_status_strings),
		T(test_remove),
		T(test_remove_only_own),
		T(test_lookup_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
