/*
 * tests/unit/test_vtd_flush.c — the "entry written" hooks of hv/paging.c
 * (struct pt) and iommu/vtd_tables.c, which let a domain of a unit whose
 * walks do not snoop (ECAP.C = 0, VTD-FACTS §8 "Non-coherent walks")
 * CLFLUSH exactly the lines it changed instead of WBINVD.
 *
 * Every table page comes from a pool the test watches. Before each
 * operation the pool is copied; afterwards every 64-byte line that
 * differs, and every line of a page allocated by the operation (the
 * allocator zeroed it with CPU stores), must lie inside a range the hook
 * reported during that operation. And a table must be reported before
 * the entry that links it in is: the hook checks, at each report of an
 * entry, that a table it points to (a pool page) was reported already.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/paging.h"
#include "iommu/vtd_tables.h"

#define PAGE      4096u
#define LINE      64u
#define POOL_MAX  256
#define REPORTS   (1u << 16)
#define ADDR      0x000ffffffffff000ull
#define MIB2      0x200000ull
#define GIB1      0x40000000ull

struct pool {
	uint8_t *page[POOL_MAX];
	uint8_t *copy[POOL_MAX];     /* contents before the operation */
	unsigned n, before;          /* pages; pages before the operation */
};

struct reports {
	const uint8_t *p[REPORTS];
	size_t len[REPORTS];
	unsigned n;
};

static struct pool pool;
static struct reports rep;
static uint64_t ctx_token;       /* the hook's ctx */

static uint64_t pool_alloc(void *ctx)
{
	uint8_t *pg;

	assert_ptr_equal(ctx, &pool);
	assert_true(pool.n < POOL_MAX);
	pg = aligned_alloc(PAGE, PAGE);
	assert_non_null(pg);
	memset(pg, 0, PAGE);
	pool.page[pool.n] = pg;
	pool.copy[pool.n] = NULL;
	pool.n++;
	return (uint64_t)(uintptr_t)pg;
}

static int pool_index(uint64_t hpa)
{
	unsigned i;

	for (i = 0; i < pool.n; i++)
		if ((uint64_t)(uintptr_t)pool.page[i] == (hpa & ADDR))
			return (int)i;
	return -1;
}

/* [p, p + len) lies inside one reported range. */
static bool reported(const uint8_t *p, size_t len)
{
	unsigned i;

	for (i = 0; i < rep.n && i < REPORTS; i++)
		if (rep.p[i] <= p && p + len <= rep.p[i] + rep.len[i])
			return true;
	return false;
}

/* Which lines of each pool page the reports touched: CLFLUSH of any
 * byte of a line writes back all of it. */
static bool flushed_line[POOL_MAX][PAGE / LINE];

static void mark_flushed_lines(void)
{
	unsigned i;

	memset(flushed_line, 0, sizeof(flushed_line));
	for (i = 0; i < rep.n; i++) {
		int pg = pool_index((uint64_t)(uintptr_t)rep.p[i]);
		size_t off = (size_t)(rep.p[i] - pool.page[pg]), l;

		for (l = off / LINE; l * LINE < off + rep.len[i]; l++)
			flushed_line[pg][l] = true;
	}
}

/* The hook: record, and check a linked table was reported first. */
static void written(void *ctx, const void *p, size_t len)
{
	const uint8_t *b = p;

	assert_ptr_equal(ctx, &ctx_token);
	assert_true(pool_index((uint64_t)(uintptr_t)b) >= 0);   /* a table page */
	assert_true(len == 8 || len == 16 || len == PAGE);
	if (len <= 16) {
		uint64_t e = *(const uint64_t *)p;
		int t = pool_index(e);

		if ((e & 3) && t >= 0 && (unsigned)t >= pool.before)
			assert_true(reported(pool.page[t], PAGE));
	}
	assert_true(rep.n < REPORTS);
	rep.p[rep.n] = b;
	rep.len[rep.n] = len;
	rep.n++;
}

static void begin(void)
{
	unsigned i;

	rep.n = 0;
	pool.before = pool.n;
	for (i = 0; i < pool.n; i++) {
		if (!pool.copy[i]) {
			pool.copy[i] = malloc(PAGE);
			assert_non_null(pool.copy[i]);
		}
		memcpy(pool.copy[i], pool.page[i], PAGE);
	}
}

/* Every changed line (and every line of a new page) was reported. */
static unsigned check(void)
{
	unsigned i, l, changed = 0;

	mark_flushed_lines();
	for (i = 0; i < pool.n; i++)
		for (l = 0; l < PAGE; l += LINE) {
			bool is_new = i >= pool.before;

			if (!is_new && !memcmp(pool.page[i] + l, pool.copy[i] + l, LINE))
				continue;
			changed++;
			if (!flushed_line[i][l / LINE])
				fail_msg("page %u (%s) line %#x changed but was not reported",
				         i, is_new ? "new" : "old", l);
		}
	return changed;
}

static int teardown(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < pool.n; i++) {
		free(pool.page[i]);
		free(pool.copy[i]);
	}
	memset(&pool, 0, sizeof(pool));
	rep.n = 0;
	return 0;
}

/* ---- second-level tables (hv/paging.c, VT-d format) ------------------------ */

static struct pt sl;

static void sl_init(unsigned levels)
{
	assert_true(pt_init_levels(&sl, &pt_format_vtd, levels, pool_alloc, &pool,
	                           true));
	begin();
	pt_set_written_hook(&sl, written, &ctx_token);
	/* The root, zeroed before the hook existed, is reported at once. */
	assert_int_equal(rep.n, 1);
	assert_ptr_equal(rep.p[0], (const uint8_t *)(uintptr_t)sl.root);
	assert_int_equal(rep.len[0], PAGE);
}

#define HPA  0x3c0000000ull       /* mapped memory: no pool page */

static void test_map_new_tables(void **state)
{
	(void)state;
	sl_init(3);
	begin();
	assert_true(pt_map(&sl, 0x4000, HPA, PAGE, PT_WRITE));
	/* Two new tables (level 2, level 1), two links, one leaf. */
	assert_int_equal(pool.n, 3);
	assert_int_equal(rep.n, 5);
	assert_int_equal(check(), 1 + 64 + 64);
	assert_int_equal(rep.len[0], PAGE);       /* new table before its link */
	assert_int_equal(rep.len[1], 8);
	/* A second page beside it: one entry, one report. */
	begin();
	assert_true(pt_map(&sl, 0x5000, HPA + PAGE, PAGE, PT_READ));
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.len[0], 8);
	assert_int_equal(check(), 1);
}

static void test_superpages_split_and_unmap(void **state)
{
	(void)state;
	sl_init(3);
	begin();
	assert_true(pt_map(&sl, GIB1, HPA & ~(GIB1 - 1), GIB1, PT_WRITE));
	check();
	begin();
	assert_true(pt_map(&sl, 2 * GIB1, HPA, 4 * MIB2, PT_WRITE));
	check();
	/* Unmapping 4 KiB inside a 1 GiB page splits twice: two full new
	 * tables, reported filled, before they are linked. */
	begin();
	assert_true(pt_unmap(&sl, GIB1 + MIB2 + PAGE, PAGE));
	assert_int_equal(pool.n - pool.before, 2);
	check();
	begin();
	assert_true(pt_unmap(&sl, 2 * GIB1, 4 * MIB2));
	assert_true(check() > 0);
	begin();
	assert_true(pt_map(&sl, GIB1, HPA, GIB1, PT_READ));   /* remap over it */
	check();
}

static void test_four_levels(void **state)
{
	(void)state;
	sl_init(4);
	begin();
	assert_true(pt_map(&sl, 64 * GIB1 + 0x7000, HPA, 3 * PAGE, PT_WRITE));
	assert_int_equal(pool.n - pool.before, 3);
	check();
	begin();
	assert_true(pt_unmap(&sl, 64 * GIB1 + 0x8000, PAGE));
	assert_int_equal(rep.n, 1);
	check();
}

/* Random maps and unmaps of 4 KiB to 1 GiB at random places: every
 * changed line is reported, whatever the path through the builder. */
static void test_random_operations(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned k;

	(void)state;
	sl_init(3);
	for (k = 0; k < 300; k++) {
		uint64_t r, iova, size;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		r = seed;
		size = (r & 3) == 0 ? GIB1 : (r & 3) == 1 ? MIB2 :
		       (uint64_t)PAGE * (1 + ((r >> 8) & 15));
		iova = ((r >> 16) % (4 * GIB1)) & ~(size >= MIB2 ? size - 1 : PAGE - 1);
		begin();
		if ((r >> 60) & 1)
			assert_true(pt_unmap(&sl, iova, size));
		else
			assert_true(pt_map(&sl, iova, HPA & ~(GIB1 - 1), size, PT_WRITE));
		check();
	}
}

/* Tables of other users never call anything: a hook left over in the
 * structure is cleared by init, and EPT/x86 users never set one. */
static void test_no_hook_without_setting_it(void **state)
{
	struct pt ept;

	(void)state;
	memset(&ept, 0xff, sizeof(ept));
	assert_true(pt_init_format(&ept, &pt_format_ept, pool_alloc, &pool, true));
	assert_null(ept.written);
	begin();
	assert_true(pt_map(&ept, 0x200000, HPA, MIB2 + PAGE, PT_WRITE));
	assert_int_equal(rep.n, 0);
	/* And a hook turned off again stops the reports. */
	sl_init(3);
	pt_set_written_hook(&sl, NULL, NULL);
	begin();
	assert_true(pt_map(&sl, 0, HPA, PAGE, PT_WRITE));
	assert_int_equal(rep.n, 0);
}

/* ---- root and context tables (iommu/vtd_tables.c) -------------------------- */

static struct vtd_tables vt;

static void vt_init(void)
{
	assert_true(vtd_tables_init(&vt, pool_alloc, &pool));
	assert_null(vt.written);
	begin();
	vtd_tables_set_written_hook(&vt, written, &ctx_token);
	assert_int_equal(rep.n, 1);
	assert_ptr_equal(rep.p[0], pool.page[0]);
	assert_int_equal(rep.len[0], PAGE);
}

static void test_context_entries(void **state)
{
	(void)state;
	vt_init();
	/* First device on bus 0: the new context table, then the root entry
	 * (16 bytes) pointing at it, then the context entry. */
	begin();
	assert_true(vtd_context_set(&vt, 0, 0x10, 0x5000, VTD_AW_39BIT, 2));
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.len[0], PAGE);
	assert_int_equal(rep.len[1], 16);
	assert_ptr_equal(rep.p[1], pool.page[0]);
	assert_int_equal(rep.len[2], 16);
	assert_ptr_equal(rep.p[2], pool.page[1] + 16 * 0x10);
	check();
	/* Same bus: the entry only. Replacing a present one: still one. */
	begin();
	assert_true(vtd_context_set(&vt, 0, 0xa0, 0x6000, VTD_AW_39BIT, 15));
	assert_int_equal(rep.n, 1);
	check();
	begin();
	assert_true(vtd_context_set(&vt, 0, 0xa0, 0x7000, VTD_AW_48BIT, 14));
	assert_int_equal(rep.n, 1);
	check();
	begin();
	vtd_context_clear(&vt, 0, 0xa0);
	assert_int_equal(rep.n, 1);
	assert_int_equal(check(), 1);
	/* Another bus: its own context table. */
	begin();
	assert_true(vtd_context_set(&vt, 3, 0, 0x5000, VTD_AW_39BIT, 2));
	assert_int_equal(rep.n, 3);
	check();
	/* Refused arguments write nothing and report nothing. */
	begin();
	assert_false(vtd_context_set(&vt, 4, 0, 0x5000, VTD_AW_39BIT, 0));
	assert_int_equal(rep.n, 0);
	assert_int_equal(check(), 0);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map_new_tables),
		T(test_superpages_split_and_unmap),
		T(test_four_levels),
		T(test_random_operations),
		T(test_no_hook_without_setting_it),
		T(test_context_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
