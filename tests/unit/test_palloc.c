/*
 * tests/unit/test_palloc.c — unit tests of hv/palloc.c: adding and freeing
 * (merging with neighbours, overlap and bad ranges refused without any
 * change), first-fit aligned allocation with head/tail splits, the range
 * array limit, accounting, and a long randomized run checked against a
 * page bitmap model.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/palloc.h"

#define PG        PAGE_SIZE
#define MIB       ((uint64_t)1 << 20)
#define PAGES_2M  512

static struct palloc pa;          /* large: kept off the stack */
static struct palloc saved;

/* ---- helpers --------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	memset(&pa, 0xa5, sizeof pa);     /* init must clear everything */
	palloc_init(&pa);
	return 0;
}

static void add_ok(uint64_t hpa, uint64_t npages)
{
	assert_int_equal(palloc_add(&pa, hpa, npages), PALLOC_OK);
}

static void free_ok(uint64_t hpa, uint64_t npages)
{
	assert_int_equal(palloc_free(&pa, hpa, npages), PALLOC_OK);
}

static void save_state(void)
{
	memcpy(&saved, &pa, sizeof pa);
}

/* The allocator is exactly as save_state() left it. */
static void assert_state_unchanged(void)
{
	unsigned i;

	assert_int_equal(pa.n, saved.n);
	assert_int_equal(pa.total_pages, saved.total_pages);
	assert_int_equal(pa.free_pages, saved.free_pages);
	for (i = 0; i < pa.n; i++) {
		assert_int_equal(pa.r[i].base, saved.r[i].base);
		assert_int_equal(pa.r[i].npages, saved.r[i].npages);
	}
}

#define EXPECT_RANGES(...) \
	expect_ranges_at(__FILE__, __LINE__, \
	                 (const uint64_t[]){ __VA_ARGS__ }, \
	                 sizeof((const uint64_t[]){ __VA_ARGS__ }) / \
	                 sizeof(uint64_t) / 2)

/* The free list is exactly these (base, npages) pairs. */
static void expect_ranges_at(const char *file, int line, const uint64_t *want,
                             unsigned nwant)
{
	unsigned i;

	if (pa.n != nwant)
		fail_msg("%s:%d: %u ranges, expected %u", file, line, pa.n, nwant);
	for (i = 0; i < nwant; i++)
		if (pa.r[i].base != want[2 * i] || pa.r[i].npages != want[2 * i + 1])
			fail_msg("%s:%d: range %u is {%#llx, %llu}, expected "
			         "{%#llx, %llu}", file, line, i,
			         (unsigned long long)pa.r[i].base,
			         (unsigned long long)pa.r[i].npages,
			         (unsigned long long)want[2 * i],
			         (unsigned long long)want[2 * i + 1]);
}

#define EXPECT_EMPTY() assert_int_equal(pa.n, 0)

/* ---- init, add, simple alloc and free -------------------------------- */

static void test_init_is_empty(void **state)
{
	(void)state;
	assert_int_equal(pa.n, 0);
	assert_int_equal(pa.total_pages, 0);
	assert_int_equal(pa.free_pages, 0);
	assert_int_equal(palloc_largest(&pa), 0);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0);
}

static void test_add_alloc_free(void **state)
{
	(void)state;
	add_ok(0x100000, 16);
	EXPECT_RANGES(0x100000, 16);
	assert_int_equal(pa.total_pages, 16);
	assert_int_equal(pa.free_pages, 16);

	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x100000);
	assert_int_equal(palloc_alloc(&pa, 2, 1), 0x101000);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x103000);
	EXPECT_RANGES(0x104000, 12);
	assert_int_equal(pa.free_pages, 12);
	assert_int_equal(pa.total_pages, 16);

	free_ok(0x101000, 2);
	EXPECT_RANGES(0x101000, 2, 0x104000, 12);
	assert_int_equal(pa.free_pages, 14);
	assert_int_equal(pa.total_pages, 16);   /* freeing is not adding */
}

static void test_add_keeps_sorted_and_merges(void **state)
{
	(void)state;
	add_ok(0x400000, 4);
	add_ok(0x100000, 4);
	add_ok(0x200000, 4);
	EXPECT_RANGES(0x100000, 4, 0x200000, 4, 0x400000, 4);
	add_ok(0x204000, 0x1fc);            /* touches 0x200000 run and 0x400000 */
	EXPECT_RANGES(0x100000, 4, 0x200000, 0x204);
	add_ok(0x0ff000, 1);                /* touches the first on the left */
	EXPECT_RANGES(0x0ff000, 5, 0x200000, 0x204);
	assert_int_equal(pa.total_pages, 5 + 0x204);
	assert_int_equal(pa.free_pages, 5 + 0x204);
}

static void test_first_fit_lowest_address(void **state)
{
	(void)state;
	add_ok(0x800000, 8);
	add_ok(0x100000, 2);
	add_ok(0x300000, 4);
	/* 3 pages: the 2-page range is skipped, not the lowest that fits */
	assert_int_equal(palloc_alloc(&pa, 3, 0), 0x300000);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x100000);
	assert_int_equal(palloc_alloc(&pa, 2, 0), 0x800000);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x101000);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x303000);
	EXPECT_RANGES(0x802000, 6);
}

static void test_exhaustion(void **state)
{
	(void)state;
	add_ok(0x100000, 4);
	assert_int_equal(palloc_alloc(&pa, 5, 0), 0);
	assert_int_equal(pa.free_pages, 4);
	assert_int_equal(palloc_alloc(&pa, 4, 0), 0x100000);
	EXPECT_EMPTY();
	assert_int_equal(pa.free_pages, 0);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0);
	assert_int_equal(palloc_largest(&pa), 0);
	free_ok(0x100000, 4);
	assert_int_equal(palloc_alloc(&pa, 4, 0), 0x100000);
}

static void test_alloc_zero_pages(void **state)
{
	(void)state;
	add_ok(0x100000, 4);
	save_state();
	assert_int_equal(palloc_alloc(&pa, 0, 0), 0);
	assert_int_equal(palloc_alloc(&pa, 0, 512), 0);
	assert_state_unchanged();
}

static void test_fragmented_total_is_not_enough(void **state)
{
	(void)state;
	add_ok(0x100000, 2);
	add_ok(0x200000, 2);
	assert_int_equal(pa.free_pages, 4);
	assert_int_equal(palloc_alloc(&pa, 3, 0), 0);
	assert_int_equal(palloc_largest(&pa), 2);
}

/* ---- alignment and splits -------------------------------------------- */

static void test_align_2m_three_way_split(void **state)
{
	(void)state;
	/* 0x1ff000 .. 0x5ff000: 2 MiB aligned block at 0x200000 */
	add_ok(0x1ff000, 1024);
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x200000);
	/* head: 1 page below, tail: 511 pages from 0x400000 */
	EXPECT_RANGES(0x1ff000, 1, 0x400000, 511);
	assert_int_equal(pa.free_pages, 512);
	/* the rest cannot give another 2 MiB-aligned 2 MiB block */
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0);
	assert_int_equal(palloc_alloc(&pa, 511, PAGES_2M), 0x400000);
	EXPECT_RANGES(0x1ff000, 1);
}

static void test_align_head_only_split(void **state)
{
	(void)state;
	add_ok(0x1fe000, 2 + PAGES_2M);           /* ends at 0x400000 */
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x200000);
	EXPECT_RANGES(0x1fe000, 2);
}

static void test_align_tail_only_split(void **state)
{
	(void)state;
	add_ok(0x200000, 600);
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x200000);
	EXPECT_RANGES(0x400000, 600 - PAGES_2M);
}

static void test_align_exact_fit_removes_range(void **state)
{
	(void)state;
	add_ok(0x100000, 4);
	add_ok(0x200000, PAGES_2M);
	add_ok(0x800000, 4);
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x200000);
	EXPECT_RANGES(0x100000, 4, 0x800000, 4);
}

static void test_align_small_alignments(void **state)
{
	(void)state;
	add_ok(0x101000, 64);                      /* 0x101000 .. 0x141000 */
	assert_int_equal(palloc_alloc(&pa, 1, 2), 0x102000);
	assert_int_equal(palloc_alloc(&pa, 1, 4), 0x104000);
	assert_int_equal(palloc_alloc(&pa, 2, 16), 0x110000);
	assert_int_equal(palloc_alloc(&pa, 1, 1), 0x101000);   /* 1 = any */
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x103000);   /* 0 = any */
	EXPECT_RANGES(0x105000, 11, 0x112000, 47);
}

static void test_align_skips_range_too_small_after_alignment(void **state)
{
	(void)state;
	/* 600 pages, but from 0x201000 the first 2 MiB boundary (0x400000)
	 * leaves only 0x59 pages: no room for 512 */
	add_ok(0x201000, 600);
	add_ok(0x1000000, 1024);
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x1000000);
	EXPECT_RANGES(0x201000, 600, 0x1200000, 512);
}

static void test_align_not_power_of_two(void **state)
{
	(void)state;
	add_ok(0x100000, 64);
	save_state();
	assert_int_equal(palloc_alloc(&pa, 1, 3), 0);
	assert_int_equal(palloc_alloc(&pa, 1, 6), 0);
	assert_int_equal(palloc_alloc(&pa, 1, 511), 0);
	assert_state_unchanged();
}

static void test_align_1g(void **state)
{
	(void)state;
	add_ok(0x100000, 0x80000);                 /* 1 MiB .. 2 GiB + 1 MiB */
	assert_int_equal(palloc_alloc(&pa, 1, 0x40000), 0x40000000);
	EXPECT_RANGES(0x100000, 0x3ff00, 0x40001000, 0x400ff);
}

/* ---- freeing and merging --------------------------------------------- */

/* Three pages at 0x100000, all allocated. */
static void three_allocated_pages(void)
{
	add_ok(0x100000, 3);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x100000);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x101000);
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x102000);
	EXPECT_EMPTY();
}

static void test_free_merges_left(void **state)
{
	(void)state;
	three_allocated_pages();
	free_ok(0x100000, 1);
	free_ok(0x101000, 1);                       /* left neighbour free */
	EXPECT_RANGES(0x100000, 2);
	assert_int_equal(pa.free_pages, 2);
}

static void test_free_merges_right(void **state)
{
	(void)state;
	three_allocated_pages();
	free_ok(0x102000, 1);
	free_ok(0x101000, 1);                       /* right neighbour free */
	EXPECT_RANGES(0x101000, 2);
}

static void test_free_merges_both(void **state)
{
	(void)state;
	three_allocated_pages();
	free_ok(0x100000, 1);
	free_ok(0x102000, 1);
	EXPECT_RANGES(0x100000, 1, 0x102000, 1);
	free_ok(0x101000, 1);
	EXPECT_RANGES(0x100000, 3);
	assert_int_equal(pa.free_pages, 3);
	assert_int_equal(pa.total_pages, 3);
}

static void test_free_no_neighbour(void **state)
{
	(void)state;
	add_ok(0x100000, 8);
	assert_int_equal(palloc_alloc(&pa, 8, 0), 0x100000);
	free_ok(0x103000, 2);
	EXPECT_RANGES(0x103000, 2);
	free_ok(0x100000, 1);
	free_ok(0x107000, 1);
	EXPECT_RANGES(0x100000, 1, 0x103000, 2, 0x107000, 1);
	free_ok(0x105000, 2);                        /* merges both sides */
	EXPECT_RANGES(0x100000, 1, 0x103000, 5);
}

static void test_free_part_of_an_allocation(void **state)
{
	(void)state;
	add_ok(0x100000, 16);
	assert_int_equal(palloc_alloc(&pa, 16, 0), 0x100000);
	free_ok(0x104000, 4);
	EXPECT_RANGES(0x104000, 4);
	assert_int_equal(palloc_alloc(&pa, 2, 0), 0x104000);
	assert_int_equal(pa.free_pages, 2);
}

/* ---- refusals: overlap, invalid ranges ------------------------------- */

static void test_double_free_refused(void **state)
{
	(void)state;
	add_ok(0x100000, 8);
	assert_int_equal(palloc_alloc(&pa, 2, 0), 0x100000);
	free_ok(0x100000, 2);
	save_state();
	assert_int_equal(palloc_free(&pa, 0x100000, 2), PALLOC_EOVERLAP);
	assert_int_equal(palloc_free(&pa, 0x101000, 1), PALLOC_EOVERLAP);
	assert_int_equal(palloc_free(&pa, 0x107000, 1), PALLOC_EOVERLAP);
	assert_state_unchanged();
}

static void test_partial_overlap_refused(void **state)
{
	(void)state;
	add_ok(0x104000, 4);                        /* 0x104000 .. 0x108000 */
	add_ok(0x200000, 4);
	save_state();
	/* end inside a free range */
	assert_int_equal(palloc_free(&pa, 0x102000, 3), PALLOC_EOVERLAP);
	/* start inside a free range */
	assert_int_equal(palloc_free(&pa, 0x107000, 2), PALLOC_EOVERLAP);
	/* covers a free range entirely */
	assert_int_equal(palloc_free(&pa, 0x100000, 16), PALLOC_EOVERLAP);
	/* covers two */
	assert_int_equal(palloc_free(&pa, 0x100000, 0x200), PALLOC_EOVERLAP);
	/* inside */
	assert_int_equal(palloc_free(&pa, 0x105000, 1), PALLOC_EOVERLAP);
	assert_state_unchanged();
	/* touching on both sides is not overlapping */
	free_ok(0x103000, 1);
	free_ok(0x108000, 1);
	EXPECT_RANGES(0x103000, 6, 0x200000, 4);
}

static void test_overlapping_add_refused(void **state)
{
	(void)state;
	add_ok(0x100000, 16);
	save_state();
	assert_int_equal(palloc_add(&pa, 0x100000, 16), PALLOC_EOVERLAP);
	assert_int_equal(palloc_add(&pa, 0x0ff000, 2), PALLOC_EOVERLAP);
	assert_int_equal(palloc_add(&pa, 0x10f000, 2), PALLOC_EOVERLAP);
	assert_state_unchanged();
	assert_int_equal(pa.total_pages, 16);
}

static void test_invalid_ranges(void **state)
{
	(void)state;
	add_ok(0x100000, 4);
	save_state();
	assert_int_equal(palloc_add(&pa, 0x200000, 0), PALLOC_EINVAL);
	assert_int_equal(palloc_free(&pa, 0x200000, 0), PALLOC_EINVAL);
	assert_int_equal(palloc_add(&pa, 0x200001, 1), PALLOC_EINVAL);
	assert_int_equal(palloc_add(&pa, 0x200800, 1), PALLOC_EINVAL);
	assert_int_equal(palloc_free(&pa, 0x200fff, 1), PALLOC_EINVAL);
	/* wrap-around: the end would pass 2^64 */
	assert_int_equal(palloc_add(&pa, 0xffffffffffffe000ull, 3), PALLOC_EINVAL);
	assert_int_equal(palloc_add(&pa, 0x200000, UINT64_MAX), PALLOC_EINVAL);
	assert_int_equal(palloc_add(&pa, 0x200000, 1ull << 52), PALLOC_EINVAL);
	assert_int_equal(palloc_free(&pa, 0xfffffffffffff000ull, 2),
	                 PALLOC_EINVAL);
	/* a range whose end (2^64) is not representable */
	assert_int_equal(palloc_add(&pa, 0xfffffffffffff000ull, 1), PALLOC_EINVAL);
	assert_state_unchanged();
	/* the highest representable range is fine */
	add_ok(0xffffffffffffe000ull, 1);
	assert_int_equal(pa.r[1].base, 0xffffffffffffe000ull);
}

static void test_status_strings(void **state)
{
	(void)state;
	assert_string_equal(palloc_status_str(PALLOC_OK), "ok");
	assert_string_equal(palloc_status_str(PALLOC_EINVAL), "invalid range");
	assert_string_equal(palloc_status_str(PALLOC_EOVERLAP),
	                    "overlaps free memory (double free?)");
	assert_string_equal(palloc_status_str(PALLOC_EFULL), "range table full");
	assert_string_equal(palloc_status_str((enum palloc_status)99), "?");
}

/* ---- the range array limit ------------------------------------------- */

/* PALLOC_MAX_RANGES single pages, each followed by a two-page gap. */
#define SPARSE_BASE  0x1000000ull
#define SPARSE(i)    (SPARSE_BASE + (uint64_t)(i) * 3 * PG)

static void fill_sparse(unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++)
		add_ok(SPARSE(i), 1);
	assert_int_equal(pa.n, count);
}

static void test_full_insert_needing_slot(void **state)
{
	uint64_t far = SPARSE(PALLOC_MAX_RANGES) + 0x100000;

	(void)state;
	fill_sparse(PALLOC_MAX_RANGES);
	save_state();
	assert_int_equal(palloc_add(&pa, far, 1), PALLOC_EFULL);
	assert_int_equal(palloc_free(&pa, far, 1), PALLOC_EFULL);
	/* in a gap, touching neither neighbour */
	assert_int_equal(palloc_free(&pa, 0x100000, 1), PALLOC_EFULL);
	assert_state_unchanged();

	/* merging needs no slot: extend range 0 to the right */
	free_ok(SPARSE(0) + PG, 1);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	/* extend range 5 to the left */
	free_ok(SPARSE(5) - PG, 1);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	/* fill the gap between ranges 0 and 1: they merge, a slot frees */
	free_ok(SPARSE(0) + 2 * PG, 1);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES - 1);
	assert_int_equal(pa.r[0].base, SPARSE(0));
	assert_int_equal(pa.r[0].npages, 4);
	/* now a new range fits again, once */
	add_ok(far, 1);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	assert_int_equal(pa.r[PALLOC_MAX_RANGES - 1].base, far);
	assert_int_equal(palloc_add(&pa, far + 2 * PG, 1), PALLOC_EFULL);
}

static void test_full_alloc_skips_three_way_split(void **state)
{
	unsigned i;

	(void)state;
	add_ok(0x1ff000, 1024);                /* needs a 3-way split for 2M */
	add_ok(0x800000, PAGES_2M);            /* exact 2M fit */
	for (i = 0; i < PALLOC_MAX_RANGES - 2; i++)
		add_ok(SPARSE(i), 1);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);

	/* the first range would need a slot: skipped, the second is taken */
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x800000);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES - 1);
	assert_int_equal(pa.r[0].base, 0x1ff000);
	assert_int_equal(pa.r[0].npages, 1024);
	assert_int_equal(pa.r[1].base, SPARSE(0));

	/* with a slot free the split is possible */
	assert_int_equal(palloc_alloc(&pa, PAGES_2M, PAGES_2M), 0x200000);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	assert_int_equal(pa.r[0].base, 0x1ff000);
	assert_int_equal(pa.r[0].npages, 1);
	assert_int_equal(pa.r[1].base, 0x400000);
	assert_int_equal(pa.r[1].npages, 511);
	assert_int_equal(pa.r[2].base, SPARSE(0));

	/* full again: a tail-only split needs no slot */
	assert_int_equal(palloc_alloc(&pa, 16, 16), 0x400000);
	assert_int_equal(pa.r[1].base, 0x410000);
	assert_int_equal(pa.r[1].npages, 495);
	/* 2 pages at 128 KiB: only 0x420000 in range 1 fits, with a head and
	 * a tail; the array is full, so nothing is handed out */
	save_state();
	assert_int_equal(palloc_alloc(&pa, 2, 32), 0);
	assert_state_unchanged();
	/* an exact fit frees a slot; then the same request succeeds */
	assert_int_equal(palloc_alloc(&pa, 1, 0), 0x1ff000);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES - 1);
	assert_int_equal(palloc_alloc(&pa, 2, 32), 0x420000);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	assert_int_equal(pa.r[0].base, 0x410000);
	assert_int_equal(pa.r[0].npages, 16);
	assert_int_equal(pa.r[1].base, 0x422000);
	assert_int_equal(pa.r[1].npages, 477);
}

/* ---- largest --------------------------------------------------------- */

static void test_largest(void **state)
{
	(void)state;
	assert_int_equal(palloc_largest(&pa), 0);
	add_ok(0x100000, 3);
	assert_int_equal(palloc_largest(&pa), 3);
	add_ok(0x200000, 10);
	add_ok(0x400000, 7);
	assert_int_equal(palloc_largest(&pa), 10);
	assert_int_equal(palloc_alloc(&pa, 4, 0), 0x200000);
	assert_int_equal(palloc_largest(&pa), 7);
	free_ok(0x200000, 4);
	assert_int_equal(palloc_largest(&pa), 10);
	add_ok(0x103000, 0xfd);       /* joins the first two ranges */
	EXPECT_RANGES(0x100000, 0x10a, 0x400000, 7);
	assert_int_equal(palloc_largest(&pa), 0x10a);
}

/* ---- randomized, against a page bitmap ------------------------------- */

/*
 * The model: a universe of U pages at UBASE; managed[] says whether a page
 * was given to the allocator, isfree[] whether it is free now. From the
 * header's promises alone (first fit, lowest address, alignment, no split
 * that needs a slot the array lacks) it predicts every result.
 */
#define U       4096u
#define UBASE   0x100000ull               /* 1 MiB: not 2 MiB aligned */
#define UPAGE(a) ((unsigned)(((a) - UBASE) / PG))
#define UADDR(p) (UBASE + (uint64_t)(p) * PG)

static bool managed[U], isfree[U];
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)                  /* xorshift64 */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

struct run { unsigned start, len; };

/* Maximal runs of free pages, in address order. */
static unsigned model_runs(struct run *runs)
{
	unsigned p = 0, n = 0;

	while (p < U) {
		if (!isfree[p]) {
			p++;
			continue;
		}
		runs[n].start = p;
		while (p < U && isfree[p])
			p++;
		runs[n].len = p - runs[n].start;
		n++;
	}
	return n;
}

static uint64_t model_free_pages(void)
{
	uint64_t n = 0;
	unsigned p;

	for (p = 0; p < U; p++)
		n += isfree[p];
	return n;
}

/* What palloc_alloc(npages, align) must return (0 = nothing). */
static uint64_t model_alloc_expect(uint64_t npages, uint64_t align_pages)
{
	static struct run runs[U];
	uint64_t align = (align_pages > 1 ? align_pages : 1) * PG;
	unsigned nruns = model_runs(runs), i;

	for (i = 0; i < nruns; i++) {
		uint64_t base = UADDR(runs[i].start);
		uint64_t end = base + (uint64_t)runs[i].len * PG;
		uint64_t start = (base + align - 1) / align * align;
		bool head, tail;

		if (start + npages * PG > end)
			continue;
		head = start > base;
		tail = start + npages * PG < end;
		if (head && tail && nruns >= PALLOC_MAX_RANGES)
			continue;
		return start;
	}
	return 0;
}

/* The free list is exactly the model's runs; the counters agree. */
static void check_against_model(unsigned op)
{
	static struct run runs[U];
	unsigned nruns = model_runs(runs), i;

	if (pa.n != nruns)
		fail_msg("op %u: %u ranges, model has %u runs", op, pa.n, nruns);
	for (i = 0; i < nruns; i++) {
		if (pa.r[i].base != UADDR(runs[i].start) ||
		    pa.r[i].npages != runs[i].len)
			fail_msg("op %u: range %u {%#llx, %llu} != run {%#llx, %u}",
			         op, i, (unsigned long long)pa.r[i].base,
			         (unsigned long long)pa.r[i].npages,
			         (unsigned long long)UADDR(runs[i].start),
			         runs[i].len);
		/* sorted, disjoint and non-touching */
		if (i > 0 && pa.r[i - 1].base + pa.r[i - 1].npages * PG >=
		             pa.r[i].base)
			fail_msg("op %u: ranges %u and %u touch or overlap", op,
			         i - 1, i);
	}
	if (pa.free_pages != model_free_pages())
		fail_msg("op %u: free_pages %llu, model %llu", op,
		         (unsigned long long)pa.free_pages,
		         (unsigned long long)model_free_pages());
}

struct live { uint64_t hpa, npages; };

static void model_add(unsigned first, unsigned count)
{
	unsigned p;

	add_ok(UADDR(first), count);
	for (p = first; p < first + count; p++) {
		managed[p] = true;
		isfree[p] = true;
	}
}

static void random_free(struct live *live, unsigned *nlive, unsigned op)
{
	unsigned k = rng_below(*nlive), p;
	struct live *a = &live[k];
	uint64_t off = 0, cnt = a->npages;
	unsigned first, nruns;
	bool left, right;
	static struct run runs[U];
	enum palloc_status want, got;

	/* sometimes free only a piece of it, keeping the rest live */
	if (a->npages > 1 && rng_below(4) == 0) {
		off = rng_below((unsigned)a->npages);
		cnt = 1 + rng_below((unsigned)(a->npages - off));
	}
	first = UPAGE(a->hpa + off * PG);
	left = first > 0 && isfree[first - 1];
	right = first + cnt < U && isfree[first + cnt];
	nruns = model_runs(runs);
	want = (!left && !right && nruns >= PALLOC_MAX_RANGES) ? PALLOC_EFULL
	                                                        : PALLOC_OK;
	got = palloc_free(&pa, a->hpa + off * PG, cnt);
	if (got != want)
		fail_msg("op %u: free(%#llx, %llu) = %s, expected %s", op,
		         (unsigned long long)(a->hpa + off * PG),
		         (unsigned long long)cnt, palloc_status_str(got),
		         palloc_status_str(want));
	if (got != PALLOC_OK)
		return;
	for (p = first; p < first + cnt; p++)
		isfree[p] = true;
	if (cnt == a->npages) {
		live[k] = live[--*nlive];
	} else if (off == 0) {
		a->hpa += cnt * PG;
		a->npages -= cnt;
	} else {
		uint64_t rest = a->npages - off - cnt;

		a->npages = off;
		if (rest)
			live[(*nlive)++] = (struct live){
				a->hpa + (off + cnt) * PG, rest };
	}
}

static void random_double_free(unsigned op)
{
	unsigned p = rng_below(U), cnt = 1 + rng_below(8);

	if (!isfree[p])
		return;
	if (p + cnt > U)
		cnt = U - p;
	save_state();
	if (palloc_free(&pa, UADDR(p), cnt) != PALLOC_EOVERLAP)
		fail_msg("op %u: double free of %#llx not refused", op,
		         (unsigned long long)UADDR(p));
	assert_state_unchanged();
}

static void random_alloc(struct live *live, unsigned *nlive, unsigned op)
{
	static const uint64_t aligns[] = { 0, 0, 0, 1, 2, 4, 8, 16, 64, 512 };
	uint64_t npages = 1 + rng_below(rng_below(8) == 0 ? 600 : 24);
	uint64_t align = aligns[rng_below(sizeof aligns / sizeof aligns[0])];
	uint64_t want = model_alloc_expect(npages, align);
	uint64_t got = palloc_alloc(&pa, npages, align);
	unsigned p;

	if (got != want)
		fail_msg("op %u: alloc(%llu, align %llu) = %#llx, expected %#llx",
		         op, (unsigned long long)npages, (unsigned long long)align,
		         (unsigned long long)got, (unsigned long long)want);
	if (!got)
		return;
	for (p = UPAGE(got); p < UPAGE(got) + npages; p++) {
		/* never hands out what is not free (no overlap with live) */
		assert_true(managed[p] && isfree[p]);
		isfree[p] = false;
	}
	live[(*nlive)++] = (struct live){ got, npages };
}

static void test_randomized_against_bitmap(void **state)
{
	static struct live live[U];
	unsigned nlive = 0, op, allocs = 0, frees = 0;

	(void)state;
	memset(managed, 0, sizeof managed);
	memset(isfree, 0, sizeof isfree);
	/* three ranges with holes, out of order */
	model_add(2000, 2096);
	model_add(0, 1000);
	model_add(1001, 900);
	check_against_model(0);
	assert_int_equal(pa.total_pages, 2096 + 1000 + 900);

	for (op = 1; op <= 20000; op++) {
		unsigned r = rng_below(100);

		if (r < 52 || nlive == 0) {
			random_alloc(live, &nlive, op);
			allocs++;
		} else if (r < 97) {
			random_free(live, &nlive, op);
			frees++;
		} else {
			random_double_free(op);
		}
		check_against_model(op);
		assert_int_equal(pa.total_pages, 2096 + 1000 + 900);
	}
	assert_true(allocs > 5000 && frees > 5000);
	/* give everything back: one range per added range again */
	while (nlive > 0) {
		free_ok(live[nlive - 1].hpa, live[nlive - 1].npages);
		nlive--;
	}
	EXPECT_RANGES(UADDR(0), 1000, UADDR(1001), 900, UADDR(2000), 2096);
	assert_int_equal(pa.free_pages, pa.total_pages);
}

/* Force the array to its limit with single-page fragments and check the
 * model's EFULL prediction keeps holding. */
static void test_randomized_near_full(void **state)
{
	static struct live live[U];
	unsigned nlive = 0, op, i, at_limit = 0;

	(void)state;
	memset(managed, 0, sizeof managed);
	memset(isfree, 0, sizeof isfree);
	model_add(0, 1024);
	/* allocate everything page by page, free every other page */
	for (i = 0; i < 1024; i++) {
		assert_int_equal(palloc_alloc(&pa, 1, 0), UADDR(i));
		isfree[i] = false;
	}
	for (i = 0; i < 1024; i += 2) {
		enum palloc_status s = palloc_free(&pa, UADDR(i), 1);

		if (i / 2 < PALLOC_MAX_RANGES) {
			assert_int_equal(s, PALLOC_OK);
			isfree[i] = true;
		} else {
			assert_int_equal(s, PALLOC_EFULL);
			live[nlive++] = (struct live){ UADDR(i), 1 };
		}
	}
	for (i = 1; i < 1024; i += 2)
		live[nlive++] = (struct live){ UADDR(i), 1 };
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	check_against_model(0);

	for (op = 1; op <= 5000; op++) {
		at_limit += pa.n == PALLOC_MAX_RANGES;
		if (rng_below(2) == 0 || nlive == 0)
			random_alloc(live, &nlive, op);
		else
			random_free(live, &nlive, op);
		check_against_model(op);
	}
	assert_true(at_limit > 100);      /* the limit was really exercised */
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_is_empty),
		T(test_add_alloc_free),
		T(test_add_keeps_sorted_and_merges),
		T(test_first_fit_lowest_address),
		T(test_exhaustion),
		T(test_alloc_zero_pages),
		T(test_fragmented_total_is_not_enough),
		T(test_align_2m_three_way_split),
		T(test_align_head_only_split),
		T(test_align_tail_only_split),
		T(test_align_exact_fit_removes_range),
		T(test_align_small_alignments),
		T(test_align_skips_range_too_small_after_alignment),
		T(test_align_not_power_of_two),
		T(test_align_1g),
		T(test_free_merges_left),
		T(test_free_merges_right),
		T(test_free_merges_both),
		T(test_free_no_neighbour),
		T(test_free_part_of_an_allocation),
		T(test_double_free_refused),
		T(test_partial_overlap_refused),
		T(test_overlapping_add_refused),
		T(test_invalid_ranges),
		T(test_status_strings),
		T(test_full_insert_needing_slot),
		T(test_full_alloc_skips_three_way_split),
		T(test_largest),
		T(test_randomized_against_bitmap),
		T(test_randomized_near_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
