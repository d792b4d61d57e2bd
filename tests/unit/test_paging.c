/*
 * tests/unit/test_paging.c — unit tests of hv/paging.c: page-size choice
 * (4 KiB / 2 MiB / 1 GiB by alignment and size), translation with the
 * effective permissions of all levels, splitting large pages on remap and
 * unmap, the W^X check, allocation failures, and the raw entry bits of
 * SDM Vol. 3A §4.5 (Tables 4-15 to 4-20).
 *
 * Tables are zeroed aligned_alloc(4096, 4096) pages; the pointer value is
 * the "physical address" (identity mapping). Mapped addresses themselves
 * are never dereferenced. Every table is freed in the teardown.
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

#define KIB4  0x1000ull
#define MIB2  0x200000ull
#define GIB1  0x40000000ull

/* Entry bits, written out from the SDM rather than taken from the header. */
#define BIT_P    (1ull << 0)
#define BIT_RW   (1ull << 1)
#define BIT_PWT  (1ull << 3)
#define BIT_PCD  (1ull << 4)
#define BIT_PS   (1ull << 7)
#define BIT_NX   (1ull << 63)
#define ADDR_MASK 0x000ffffffffff000ull     /* bits 51:12 */

/* ---- table pool with a failure switch -------------------------------- */

#define POOL_MAX 8192

struct pool {
	void *page[POOL_MAX];
	unsigned n;        /* tables handed out */
	unsigned limit;    /* hand out at most this many; then return 0 */
	unsigned refused;
};

static struct pool pool;
static struct pt pt;

static uint64_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;
	void *pg;

	assert_ptr_equal(p, &pool);
	if (p->n >= p->limit || p->n >= POOL_MAX) {
		p->refused++;
		return 0;
	}
	pg = aligned_alloc(4096, 4096);
	assert_non_null(pg);
	memset(pg, 0, 4096);
	p->page[p->n++] = pg;
	return (uint64_t)(uintptr_t)pg;
}

static int setup_pool(void)
{
	pool.n = 0;
	pool.limit = POOL_MAX;
	pool.refused = 0;
	memset(&pt, 0, sizeof pt);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	setup_pool();
	assert_true(pt_init(&pt, pool_alloc, &pool, false));
	return 0;
}

static int setup_1g(void **state)
{
	(void)state;
	setup_pool();
	assert_true(pt_init(&pt, pool_alloc, &pool, true));
	return 0;
}

static int setup_bare(void **state)
{
	(void)state;
	return setup_pool();
}

static int teardown(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < pool.n; i++)
		free(pool.page[i]);
	pool.n = 0;
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static unsigned index_at(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The entry for va at level (4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE),
 * walking the tables by hand. Every level above must be a present
 * non-leaf entry.
 */
static uint64_t *entry(uint64_t va, unsigned level)
{
	uint64_t *t = (uint64_t *)(uintptr_t)pt.root;
	unsigned l;

	for (l = PT_LEVELS; l > level; l--) {
		uint64_t e = t[index_at(va, l)];

		if (!(e & BIT_P) || (l < PT_LEVELS && (e & BIT_PS)))
			fail_msg("va %#llx: no table below level %u (entry %#llx)",
			         (unsigned long long)va, l, (unsigned long long)e);
		t = (uint64_t *)(uintptr_t)(e & ADDR_MASK);
	}
	return &t[index_at(va, level)];
}

static void map_ok(uint64_t va, uint64_t pa, uint64_t size, unsigned flags)
{
	assert_true(pt_map(&pt, va, pa, size, flags));
}

#define EXPECT_XLATE(va, want_pa, want_flags) \
	expect_xlate_at(__FILE__, __LINE__, (va), (want_pa), (want_flags))

static void expect_xlate_at(const char *file, int line, uint64_t va,
                            uint64_t want_pa, unsigned want_flags)
{
	uint64_t pa = 0xdeadull;
	unsigned flags = 0xdead;

	if (!pt_translate(&pt, va, &pa, &flags))
		fail_msg("%s:%d: va %#llx not mapped", file, line,
		         (unsigned long long)va);
	if (pa != want_pa || flags != want_flags)
		fail_msg("%s:%d: va %#llx -> %#llx flags %#x, expected %#llx "
		         "flags %#x", file, line, (unsigned long long)va,
		         (unsigned long long)pa, flags,
		         (unsigned long long)want_pa, want_flags);
}

static void expect_unmapped(uint64_t va)
{
	uint64_t pa;
	unsigned flags;

	if (pt_translate(&pt, va, &pa, &flags))
		fail_msg("va %#llx still mapped (to %#llx)",
		         (unsigned long long)va, (unsigned long long)pa);
}

#define EXPECT_LEAVES(n4k, n2m, n1g) \
	expect_leaves_at(__FILE__, __LINE__, (n4k), (n2m), (n1g))

/* Leaf counts from the W^X walk; the map must be W^X-clean. */
static void expect_leaves_at(const char *file, int line, uint64_t n4k,
                             uint64_t n2m, uint64_t n1g)
{
	struct pt_stats st;
	uint64_t bad = 0;

	memset(&st, 0xff, sizeof st);
	if (!pt_check_wx(&pt, &bad, &st))
		fail_msg("%s:%d: unexpected W+X mapping at %#llx", file, line,
		         (unsigned long long)bad);
	if (st.pages_4k != n4k || st.pages_2m != n2m || st.pages_1g != n1g)
		fail_msg("%s:%d: leaves 4K/2M/1G = %llu/%llu/%llu, expected "
		         "%llu/%llu/%llu", file, line,
		         (unsigned long long)st.pages_4k,
		         (unsigned long long)st.pages_2m,
		         (unsigned long long)st.pages_1g, (unsigned long long)n4k,
		         (unsigned long long)n2m, (unsigned long long)n1g);
}

/* ---- init ------------------------------------------------------------ */

static void test_init(void **state)
{
	(void)state;
	assert_int_equal(pt.ntables, 1);
	assert_int_equal(pool.n, 1);
	assert_int_equal(pt.root, (uint64_t)(uintptr_t)pool.page[0]);
	assert_false(pt.allow_1g);
	EXPECT_LEAVES(0, 0, 0);
	expect_unmapped(0);
	expect_unmapped(0x7ffffffff000ull);
}

static void test_init_allocation_failure(void **state)
{
	(void)state;
	pool.limit = 0;
	assert_false(pt_init(&pt, pool_alloc, &pool, true));
	assert_int_equal(pt.root, 0);
	assert_int_equal(pt.ntables, 0);
}

/* ---- page size selection --------------------------------------------- */

static void test_map_4k(void **state)
{
	(void)state;
	map_ok(0x1000, 0x5000, KIB4, PT_READ);
	assert_int_equal(pt.ntables, 4);            /* PML4, PDPT, PD, PT */
	EXPECT_XLATE(0x1000, 0x5000, 0);
	EXPECT_XLATE(0x1234, 0x5234, 0);
	EXPECT_XLATE(0x1fff, 0x5fff, 0);
	expect_unmapped(0x0fff);
	expect_unmapped(0x2000);
	EXPECT_LEAVES(1, 0, 0);
}

static void test_map_2m_when_aligned(void **state)
{
	(void)state;
	map_ok(0x200000, 0x40000000, MIB2, PT_WRITE);
	assert_int_equal(pt.ntables, 3);            /* no PT needed */
	EXPECT_LEAVES(0, 1, 0);
	EXPECT_XLATE(0x200000, 0x40000000, PT_WRITE);
	EXPECT_XLATE(0x3fffff, 0x401fffff, PT_WRITE);
	EXPECT_XLATE(0x2abcde, 0x400abcde, PT_WRITE);
	expect_unmapped(0x400000);
}

static void test_map_2m_pa_unaligned_uses_4k(void **state)
{
	(void)state;
	/* va 2 MiB aligned, pa only 4 KiB aligned: 512 small pages */
	map_ok(0x200000, 0x40001000, MIB2, PT_READ);
	EXPECT_LEAVES(512, 0, 0);
	EXPECT_XLATE(0x200000, 0x40001000, 0);
	EXPECT_XLATE(0x3ff123, 0x40200123, 0);
}

static void test_map_2m_va_unaligned_uses_4k(void **state)
{
	(void)state;
	map_ok(0x201000, 0x40000000, MIB2, PT_READ);
	EXPECT_LEAVES(512, 0, 0);
	EXPECT_XLATE(0x201000, 0x40000000, 0);
	EXPECT_XLATE(0x400fff, 0x401fffff, 0);
}

static void test_map_mixed_sizes(void **state)
{
	(void)state;
	/* 0x1ff000: one 4K up to the 2 MiB boundary, one 2M, one 4K after */
	map_ok(0x1ff000, 0x1ff000, KIB4 + MIB2 + KIB4, PT_READ);
	EXPECT_LEAVES(2, 1, 0);
	EXPECT_XLATE(0x1ff000, 0x1ff000, 0);
	EXPECT_XLATE(0x200000, 0x200000, 0);
	EXPECT_XLATE(0x400000, 0x400000, 0);
	expect_unmapped(0x401000);
	expect_unmapped(0x1fe000);
}

static void test_map_across_1g_boundary(void **state)
{
	(void)state;
	map_ok(GIB1 - MIB2, 0x80000000ull - MIB2, 2 * MIB2, PT_READ);
	assert_int_equal(pt.ntables, 4);            /* PML4, PDPT, two PDs */
	EXPECT_LEAVES(0, 2, 0);
	EXPECT_XLATE(GIB1 - 1, 0x80000000ull - 1, 0);
	EXPECT_XLATE(GIB1, 0x80000000ull, 0);
}

static void test_map_1g(void **state)
{
	(void)state;
	map_ok(GIB1, 0xc0000000ull, GIB1, PT_WRITE);
	assert_int_equal(pt.ntables, 2);            /* PML4 and PDPT only */
	EXPECT_LEAVES(0, 0, 1);
	EXPECT_XLATE(GIB1, 0xc0000000ull, PT_WRITE);
	EXPECT_XLATE(GIB1 + 0x12345678, 0xd2345678ull, PT_WRITE);
	EXPECT_XLATE(2 * GIB1 - 1, 0xffffffffull, PT_WRITE);
	expect_unmapped(GIB1 - 1);
	expect_unmapped(2 * GIB1);
}

static void test_map_1g_2m_4k(void **state)
{
	(void)state;
	map_ok(GIB1, GIB1, GIB1 + MIB2 + KIB4, PT_READ);
	EXPECT_LEAVES(1, 1, 1);
	EXPECT_XLATE(2 * GIB1 + MIB2, 2 * GIB1 + MIB2, 0);
}

static void test_map_1g_needs_pa_alignment(void **state)
{
	(void)state;
	map_ok(GIB1, 0xc0200000ull, GIB1, PT_READ);   /* pa 2 MiB aligned */
	EXPECT_LEAVES(0, 512, 0);
	EXPECT_XLATE(GIB1 + 0x3fe00000ull, 0xc0200000ull + 0x3fe00000ull, 0);
}

static void test_no_1g_when_not_allowed(void **state)
{
	(void)state;
	map_ok(0, 0, 4 * GIB1, PT_WRITE);
	EXPECT_LEAVES(0, 4 * 512, 0);
	assert_int_equal(pt.ntables, 2 + 4);          /* four page directories */
	EXPECT_XLATE(3 * GIB1 + 0x12345, 3 * GIB1 + 0x12345, PT_WRITE);
}

static void test_map_bad_arguments(void **state)
{
	(void)state;
	assert_false(pt_map(&pt, 0x1001, 0x2000, KIB4, PT_READ));
	assert_false(pt_map(&pt, 0x1000, 0x2800, KIB4, PT_READ));
	assert_false(pt_map(&pt, 0x1000, 0x2000, 0x800, PT_READ));
	assert_false(pt_unmap(&pt, 0x1008, KIB4));
	assert_false(pt_unmap(&pt, 0x1000, 0x10));
	assert_int_equal(pt.ntables, 1);
	assert_true(pt_map(&pt, 0x1000, 0x2000, 0, PT_READ));   /* nothing */
	assert_int_equal(pt.ntables, 1);
	EXPECT_LEAVES(0, 0, 0);
}

static void test_map_upper_half(void **state)
{
	uint64_t va = 0xffffffff80000000ull;          /* -2 GiB */

	(void)state;
	map_ok(va, 0x1000000, 4 * MIB2, PT_EXEC);
	EXPECT_LEAVES(0, 4, 0);
	EXPECT_XLATE(va + 0x345678, 0x1345678, PT_EXEC);
	assert_int_equal(index_at(va, 4), 511);
	assert_true(*entry(va, 4) & BIT_P);
	expect_unmapped(0x80000000);       /* same PDPT/PD indices, PML4E 0 */
}

/* ---- permissions and raw bits ----------------------------------------- */

static void test_flags_round_trip(void **state)
{
	static const unsigned flags[] = {
		PT_READ, PT_WRITE, PT_EXEC, PT_WRITE | PT_EXEC,
		PT_UNCACHED, PT_UNCACHED | PT_WRITE,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		uint64_t va = 0x10000000 + i * MIB2;

		map_ok(va, 0x80000000 + i * MIB2, MIB2, flags[i]);
		map_ok(va + 64 * MIB2, 0x90000000 + i * KIB4, KIB4, flags[i]);
		EXPECT_XLATE(va + 0x777, 0x80000777 + i * MIB2, flags[i]);
		EXPECT_XLATE(va + 64 * MIB2 + 5, 0x90000005 + i * KIB4, flags[i]);
	}
}

static void test_raw_leaf_bits(void **state)
{
	(void)state;
	/* 4K read-only data: P and NX only, no RW, no PS (bit 7 = PAT) */
	map_ok(0x1000, 0x7000, KIB4, PT_READ);
	assert_int_equal(*entry(0x1000, 1), 0x7000 | BIT_P | BIT_NX);
	/* 4K code: P only */
	map_ok(0x2000, 0x8000, KIB4, PT_EXEC);
	assert_int_equal(*entry(0x2000, 1), 0x8000 | BIT_P);
	/* 4K writable data: P, RW, NX */
	map_ok(0x3000, 0x9000, KIB4, PT_WRITE);
	assert_int_equal(*entry(0x3000, 1), 0x9000 | BIT_P | BIT_RW | BIT_NX);
	/* 4K MMIO: plus PCD and PWT */
	map_ok(0x4000, 0xfee00000, KIB4, PT_WRITE | PT_UNCACHED);
	assert_int_equal(*entry(0x4000, 1), 0xfee00000 | BIT_P | BIT_RW |
	                 BIT_NX | BIT_PCD | BIT_PWT);

	/* 2M leaves carry PS */
	map_ok(0x40000000, 0x80000000, MIB2, PT_WRITE);
	assert_int_equal(*entry(0x40000000, 2),
	                 0x80000000 | BIT_P | BIT_RW | BIT_NX | BIT_PS);
	map_ok(0x40200000, 0x80200000, MIB2, PT_EXEC);
	assert_int_equal(*entry(0x40200000, 2), 0x80200000 | BIT_P | BIT_PS);
	map_ok(0x40400000, 0xe0000000, MIB2, PT_UNCACHED);
	assert_int_equal(*entry(0x40400000, 2), 0xe0000000 | BIT_P | BIT_NX |
	                 BIT_PS | BIT_PCD | BIT_PWT);

	/* no other bit anywhere in a 4K leaf: bit 7 (PAT) stays clear */
	assert_false(*entry(0x1000, 1) & BIT_PS);
	assert_false(*entry(0x4000, 1) & BIT_PS);
}

static void test_raw_1g_leaf_bits(void **state)
{
	(void)state;
	map_ok(0, 0x140000000ull, GIB1, PT_WRITE | PT_UNCACHED);
	assert_int_equal(*entry(0, 3), 0x140000000ull | BIT_P | BIT_RW | BIT_NX |
	                 BIT_PS | BIT_PCD | BIT_PWT);
}

static void test_intermediate_entries_are_permissive(void **state)
{
	unsigned level;
	uint64_t e;

	(void)state;
	map_ok(0x1000, 0x1000, KIB4, PT_READ);
	for (level = PT_LEVELS; level >= 2; level--) {
		e = *entry(0x1000, level);
		/* P|RW, no NX, no PS: the leaf decides */
		assert_int_equal(e & ~ADDR_MASK, BIT_P | BIT_RW);
	}
}

static void test_effective_write_needs_every_level(void **state)
{
	(void)state;
	map_ok(0x1000, 0x5000, KIB4, PT_WRITE);
	map_ok(0x200000, 0x400000, MIB2, PT_WRITE);
	EXPECT_XLATE(0x1000, 0x5000, PT_WRITE);
	/* the PDE above the 4K page loses RW: not writable any more */
	*entry(0x1000, 2) &= ~BIT_RW;
	EXPECT_XLATE(0x1000, 0x5000, 0);
	/* the 2M page shares the PDPTE; clear RW there */
	EXPECT_XLATE(0x200000, 0x400000, PT_WRITE);
	*entry(0x200000, 3) &= ~BIT_RW;
	EXPECT_XLATE(0x200000, 0x400000, 0);
	/* ... and the W^X walk agrees: a W+X leaf below is not W+X */
	*entry(0x1000, 1) &= ~BIT_NX;
	EXPECT_LEAVES(1, 1, 0);
}

static void test_effective_exec_needs_no_nx_anywhere(void **state)
{
	uint64_t bad = 0;

	(void)state;
	map_ok(0x1000, 0x5000, KIB4, PT_EXEC | PT_WRITE);
	EXPECT_XLATE(0x1000, 0x5000, PT_EXEC | PT_WRITE);
	assert_false(pt_check_wx(&pt, &bad, NULL));
	*entry(0x1000, 4) |= BIT_NX;                 /* NX in the PML4E */
	EXPECT_XLATE(0x1000, 0x5000, PT_WRITE);
	assert_true(pt_check_wx(&pt, &bad, NULL));
	*entry(0x1000, 4) &= ~BIT_NX;
	*entry(0x1000, 3) |= BIT_NX;                 /* or in the PDPTE */
	EXPECT_XLATE(0x1000, 0x5000, PT_WRITE);
	assert_true(pt_check_wx(&pt, &bad, NULL));
}

static void test_remap_changes_in_place(void **state)
{
	unsigned before;

	(void)state;
	map_ok(0x200000, 0x400000, MIB2, PT_WRITE);
	map_ok(0x1000, 0x5000, KIB4, PT_READ);
	before = pt.ntables;
	map_ok(0x200000, 0x800000, MIB2, PT_EXEC);
	map_ok(0x1000, 0x6000, KIB4, PT_WRITE | PT_UNCACHED);
	assert_int_equal(pt.ntables, before);
	EXPECT_XLATE(0x200010, 0x800010, PT_EXEC);
	EXPECT_XLATE(0x1010, 0x6010, PT_WRITE | PT_UNCACHED);
	EXPECT_LEAVES(1, 1, 0);
}

/* ---- splitting ------------------------------------------------------- */

static void test_remap_4k_inside_2m_splits(void **state)
{
	const uint64_t va = 0x40000000, pa = 0x80000000;
	unsigned i, before;

	(void)state;
	map_ok(va, pa, MIB2, PT_WRITE);
	before = pt.ntables;
	map_ok(va + 0xa3000, 0x12345000, KIB4, PT_EXEC);
	assert_int_equal(pt.ntables, before + 1);    /* one new page table */
	EXPECT_LEAVES(512, 0, 0);
	for (i = 0; i < 512; i++) {
		uint64_t v = va + (uint64_t)i * KIB4 + 0x10;

		if (i == 0xa3)
			EXPECT_XLATE(v, 0x12345010, PT_EXEC);
		else
			EXPECT_XLATE(v, pa + (uint64_t)i * KIB4 + 0x10, PT_WRITE);
	}
	/* raw: the PDE is now a table pointer, the PTEs have no PS */
	assert_int_equal(*entry(va, 2) & (BIT_PS | BIT_P | BIT_RW | BIT_NX),
	                 BIT_P | BIT_RW);
	assert_int_equal(*entry(va, 1), pa | BIT_P | BIT_RW | BIT_NX);
	assert_int_equal(*entry(va + 511 * KIB4, 1),
	                 (pa + 511 * KIB4) | BIT_P | BIT_RW | BIT_NX);
	assert_int_equal(*entry(va + 0xa3000, 1), 0x12345000 | BIT_P);
}

static void test_split_keeps_uncached(void **state)
{
	(void)state;
	map_ok(0xc0000000ull, 0xfe000000ull, MIB2, PT_WRITE | PT_UNCACHED);
	map_ok(0xc0001000ull, 0x1000, KIB4, PT_READ);
	EXPECT_XLATE(0xc0000000ull, 0xfe000000ull, PT_WRITE | PT_UNCACHED);
	EXPECT_XLATE(0xc01ff000ull, 0xfe1ff000ull, PT_WRITE | PT_UNCACHED);
	EXPECT_XLATE(0xc0001000ull, 0x1000, 0);
	assert_int_equal(*entry(0xc0002000ull, 1), 0xfe002000ull | BIT_P |
	                 BIT_RW | BIT_NX | BIT_PCD | BIT_PWT);
}

static void test_remap_inside_1g_splits_twice(void **state)
{
	(void)state;
	map_ok(GIB1, 0x100000000ull, GIB1, PT_EXEC);
	assert_int_equal(pt.ntables, 2);
	map_ok(GIB1 + 5 * MIB2 + 7 * KIB4, 0x7000, KIB4, PT_WRITE);
	assert_int_equal(pt.ntables, 4);             /* a PD, then a PT */
	EXPECT_LEAVES(512, 511, 0);
	EXPECT_XLATE(GIB1, 0x100000000ull, PT_EXEC);
	EXPECT_XLATE(GIB1 + 5 * MIB2 + 6 * KIB4, 0x100000000ull + 5 * MIB2 +
	             6 * KIB4, PT_EXEC);
	EXPECT_XLATE(GIB1 + 5 * MIB2 + 7 * KIB4 + 9, 0x7009, PT_WRITE);
	EXPECT_XLATE(2 * GIB1 - 1, 0x13fffffffull, PT_EXEC);
	assert_int_equal(*entry(GIB1 + 6 * MIB2, 2),
	                 (0x100000000ull + 6 * MIB2) | BIT_P | BIT_PS);
}

static void test_remap_2m_inside_1g(void **state)
{
	(void)state;
	map_ok(0, 0, GIB1, PT_READ);
	map_ok(3 * MIB2, 0x200000000ull, MIB2, PT_WRITE);
	EXPECT_LEAVES(0, 512, 0);
	EXPECT_XLATE(3 * MIB2 + 1, 0x200000001ull, PT_WRITE);
	EXPECT_XLATE(4 * MIB2, 4 * MIB2, 0);
}

/* ---- unmapping ------------------------------------------------------- */

static void test_unmap_4k(void **state)
{
	(void)state;
	map_ok(0x1000, 0x1000, 4 * KIB4, PT_READ);
	assert_true(pt_unmap(&pt, 0x2000, KIB4));
	expect_unmapped(0x2000);
	expect_unmapped(0x2fff);
	EXPECT_XLATE(0x1000, 0x1000, 0);
	EXPECT_XLATE(0x3000, 0x3000, 0);
	assert_int_equal(*entry(0x2000, 1), 0);
	EXPECT_LEAVES(3, 0, 0);
}

static void test_unmap_inside_2m_splits(void **state)
{
	unsigned i;

	(void)state;
	map_ok(0x600000, 0xa00000, MIB2, PT_EXEC);
	assert_true(pt_unmap(&pt, 0x600000 + 0x10000, 2 * KIB4));
	EXPECT_LEAVES(510, 0, 0);
	for (i = 0; i < 512; i++) {
		uint64_t v = 0x600000 + (uint64_t)i * KIB4;

		if (i == 0x10 || i == 0x11)
			expect_unmapped(v);
		else
			EXPECT_XLATE(v, 0xa00000 + (uint64_t)i * KIB4, PT_EXEC);
	}
}

static void test_unmap_whole_large_pages(void **state)
{
	unsigned before;

	(void)state;
	map_ok(0x200000, 0x200000, 2 * MIB2, PT_READ);
	before = pt.ntables;
	assert_true(pt_unmap(&pt, 0x200000, MIB2));
	assert_int_equal(pt.ntables, before);        /* no split needed */
	expect_unmapped(0x200000);
	EXPECT_XLATE(0x400000, 0x400000, 0);
	EXPECT_LEAVES(0, 1, 0);
	assert_int_equal(*entry(0x200000, 2), 0);
}

static void test_unmap_2m_inside_1g(void **state)
{
	(void)state;
	map_ok(0, 0, GIB1, PT_WRITE);
	assert_true(pt_unmap(&pt, 7 * MIB2, MIB2));
	EXPECT_LEAVES(0, 511, 0);
	expect_unmapped(7 * MIB2);
	expect_unmapped(8 * MIB2 - 1);
	EXPECT_XLATE(8 * MIB2, 8 * MIB2, PT_WRITE);
	EXPECT_XLATE(7 * MIB2 - 1, 7 * MIB2 - 1, PT_WRITE);
}

static void test_unmap_unmapped_is_fine(void **state)
{
	(void)state;
	assert_true(pt_unmap(&pt, 0x1000, KIB4));
	assert_true(pt_unmap(&pt, 0x40000000, 16 * GIB1));
	assert_true(pt_unmap(&pt, 0xffff800000000000ull, MIB2 + KIB4));
	assert_int_equal(pt.ntables, 1);             /* nothing allocated */
	map_ok(0x200000, 0x200000, KIB4, PT_READ);
	assert_true(pt_unmap(&pt, 0x400000, 3 * MIB2));   /* next to it */
	assert_true(pt_unmap(&pt, 0x201000, 511 * KIB4)); /* same PT, empty */
	EXPECT_XLATE(0x200000, 0x200000, 0);
	EXPECT_LEAVES(1, 0, 0);
}

static void test_unmap_then_map_again(void **state)
{
	(void)state;
	map_ok(0x200000, 0x200000, MIB2, PT_READ);
	assert_true(pt_unmap(&pt, 0x200000, MIB2));
	map_ok(0x200000, 0x800000, MIB2, PT_WRITE);
	EXPECT_XLATE(0x2ff000, 0x8ff000, PT_WRITE);
	/* a range that was split and is mapped whole again translates as one */
	map_ok(0x400000, 0x400000, MIB2, PT_READ);
	assert_true(pt_unmap(&pt, 0x401000, KIB4));
	map_ok(0x400000, 0xc00000, MIB2, PT_EXEC);
	EXPECT_XLATE(0x400000, 0xc00000, PT_EXEC);
	EXPECT_XLATE(0x401000, 0xc01000, PT_EXEC);
	EXPECT_XLATE(0x5fffff, 0xdfffff, PT_EXEC);
}

/* ---- W^X check ------------------------------------------------------- */

static void test_wx_clean_map_passes(void **state)
{
	struct pt_stats st;
	uint64_t bad = 0x1234;

	(void)state;
	map_ok(0x100000, 0x100000, 16 * KIB4, PT_EXEC);         /* text */
	map_ok(0x110000, 0x110000, 16 * KIB4, PT_READ);         /* rodata */
	map_ok(0x200000, 0x200000, 4 * MIB2, PT_WRITE);         /* data */
	map_ok(0xfee00000, 0xfee00000, KIB4, PT_WRITE | PT_UNCACHED);
	assert_true(pt_check_wx(&pt, &bad, &st));
	assert_int_equal(bad, 0x1234);                          /* untouched */
	assert_int_equal(st.pages_4k, 33);
	assert_int_equal(st.pages_2m, 4);
	assert_int_equal(st.pages_1g, 0);
	assert_true(pt_check_wx(&pt, &bad, NULL));
}

static void test_wx_finds_page(void **state)
{
	uint64_t bad = 0;

	(void)state;
	map_ok(0x100000, 0x100000, 16 * KIB4, PT_EXEC);
	map_ok(0x200000, 0x200000, MIB2, PT_WRITE);
	map_ok(0x10b000, 0x50000000, KIB4, PT_WRITE | PT_EXEC);
	assert_false(pt_check_wx(&pt, &bad, NULL));
	assert_int_equal(bad, 0x10b000);
	/* fixing it makes the map clean */
	map_ok(0x10b000, 0x50000000, KIB4, PT_EXEC);
	assert_true(pt_check_wx(&pt, &bad, NULL));
}

static void test_wx_finds_large_page_and_lowest_first(void **state)
{
	uint64_t bad = 0;

	(void)state;
	map_ok(0x40000000, 0x40000000, MIB2, PT_WRITE | PT_EXEC);
	map_ok(0x8000, 0x8000, KIB4, PT_WRITE | PT_EXEC);
	assert_false(pt_check_wx(&pt, &bad, NULL));
	assert_int_equal(bad, 0x8000);
	map_ok(0x8000, 0x8000, KIB4, PT_WRITE);
	assert_false(pt_check_wx(&pt, &bad, NULL));
	assert_int_equal(bad, 0x40000000);
}

static void test_wx_upper_half_address_is_canonical(void **state)
{
	uint64_t bad = 0;

	(void)state;
	map_ok(0xffff800000201000ull, 0x3000, KIB4, PT_WRITE | PT_EXEC);
	assert_false(pt_check_wx(&pt, &bad, NULL));
	assert_int_equal(bad, 0xffff800000201000ull);
}

static void test_wx_1g_page(void **state)
{
	uint64_t bad = 0;

	(void)state;
	map_ok(5 * GIB1, 0, GIB1, PT_WRITE | PT_EXEC);
	assert_false(pt_check_wx(&pt, &bad, NULL));
	assert_int_equal(bad, 5 * GIB1);
}

/* ---- allocation failure ---------------------------------------------- */

static void test_map_fails_without_tables(void **state)
{
	(void)state;
	pool.limit = 2;                     /* root + PDPT, no PD */
	assert_false(pt_map(&pt, 0x1000, 0x1000, KIB4, PT_READ));
	assert_int_equal(pt.ntables, 2);
	assert_true(pool.refused > 0);
	expect_unmapped(0x1000);
	/* with tables available again it works, reusing the PDPT */
	pool.limit = POOL_MAX;
	map_ok(0x1000, 0x1000, KIB4, PT_READ);
	assert_int_equal(pt.ntables, 4);
	EXPECT_XLATE(0x1000, 0x1000, 0);
}

static void test_split_fails_keeps_large_page(void **state)
{
	(void)state;
	map_ok(0x200000, 0x600000, MIB2, PT_WRITE);
	pool.limit = pool.n;                /* no more tables */
	assert_false(pt_map(&pt, 0x201000, 0x1000, KIB4, PT_READ));
	assert_false(pt_unmap(&pt, 0x201000, KIB4));
	EXPECT_LEAVES(0, 1, 0);
	EXPECT_XLATE(0x201000, 0x601000, PT_WRITE);
	assert_int_equal(*entry(0x200000, 2),
	                 0x600000 | BIT_P | BIT_RW | BIT_NX | BIT_PS);
}

static void test_split_1g_fails_keeps_1g(void **state)
{
	(void)state;
	map_ok(0, 0, GIB1, PT_READ);
	pool.limit = pool.n;
	assert_false(pt_unmap(&pt, 0, MIB2));
	EXPECT_LEAVES(0, 0, 1);
	/* one table: the 1G splits into 2M, but the 4K split needs another */
	pool.limit = pool.n + 1;
	assert_false(pt_map(&pt, 0x1000, 0x1000, KIB4, PT_WRITE));
	EXPECT_XLATE(0x1000, 0x1000, 0);
	EXPECT_XLATE(GIB1 - 1, GIB1 - 1, 0);
}

static void test_fail_after_n_tables(void **state)
{
	unsigned n;

	(void)state;
	/* 4K pages in four different 512 GiB regions need 3 tables each */
	for (n = 0; n < 12; n++) {
		bool ok = true;
		unsigned k;

		teardown(NULL);
		setup_pool();
		assert_true(pt_init(&pt, pool_alloc, &pool, false));
		pool.limit = 1 + n;
		for (k = 0; k < 4 && ok; k++)
			ok = pt_map(&pt, (uint64_t)k << 39, 0x1000, KIB4, PT_READ);
		assert_false(ok);
		assert_int_equal(pt.ntables, 1 + n);
		assert_int_equal(pool.n, 1 + n);
	}
}


/* ---- EPT format (SDM Vol. 3C Tables 29-1..29-6) ---------------------- */

#define EPT_R   (1ull << 0)
#define EPT_W   (1ull << 1)
#define EPT_X   (1ull << 2)
#define EPT_WB  (6ull << 3)

static int setup_ept(void **state)
{
	(void)state;
	setup_pool();
	assert_true(pt_init_format(&pt, &pt_format_ept, pool_alloc, &pool, true));
	return 0;
}

static void test_ept_leaf_bits(void **state)
{
	(void)state;
	map_ok(0, 0x40000000, KIB4, PT_WRITE | PT_EXEC);
	map_ok(MIB2, 0x40200000, MIB2, PT_EXEC);
	map_ok(2 * MIB2, 0x50000000, KIB4, PT_WRITE | PT_UNCACHED);
	/* RAM page: R|W|X, write-back; large page adds bit 7. */
	assert_int_equal(*entry(0, 1), 0x40000000 | EPT_R | EPT_W | EPT_X | EPT_WB);
	assert_int_equal(*entry(MIB2, 2), 0x40200000 | EPT_R | EPT_X | EPT_WB | BIT_PS);
	/* MMIO-style page: uncached is memory type 0, no execute. */
	assert_int_equal(*entry(2 * MIB2, 1), 0x50000000 | EPT_R | EPT_W);
	/* Non-leaf entries allow everything. */
	assert_int_equal(*entry(0, 4) & 7, EPT_R | EPT_W | EPT_X);
	assert_int_equal(*entry(0, 2) & ~ADDR_MASK, EPT_R | EPT_W | EPT_X);
}

static void test_ept_1g_and_translate(void **state)
{
	(void)state;
	map_ok(0, GIB1, GIB1, PT_WRITE | PT_EXEC);
	assert_int_equal(*entry(0, 3), GIB1 | EPT_R | EPT_W | EPT_X | EPT_WB | BIT_PS);
	EXPECT_XLATE(0x12345, GIB1 + 0x12345, PT_WRITE | PT_EXEC);
	/* Write-protect one page: it splits, neighbours keep their rights. */
	map_ok(0x300000, GIB1 + 0x300000, KIB4, PT_EXEC);
	EXPECT_XLATE(0x300010, GIB1 + 0x300010, PT_EXEC);
	EXPECT_XLATE(0x301000, GIB1 + 0x301000, PT_WRITE | PT_EXEC);
	EXPECT_XLATE(0x2ff000, GIB1 + 0x2ff000, PT_WRITE | PT_EXEC);
	/* Unmapped means all three permission bits clear. */
	assert_true(pt_unmap(&pt, 0x300000, KIB4));
	assert_int_equal(*entry(0x300000, 1), 0);
	expect_unmapped(0x300000);
}

struct leaf_log {
	unsigned n;
	uint64_t va[8], pa[8], size[8];
	unsigned flags[8];
	unsigned stop_after;
};

static bool log_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t size,
                     unsigned flags)
{
	struct leaf_log *l = ctx;

	if (l->n < 8) {
		l->va[l->n] = va;
		l->pa[l->n] = pa;
		l->size[l->n] = size;
		l->flags[l->n] = flags;
	}
	l->n++;
	return l->n != l->stop_after;
}

static void test_for_each_leaf_in_order(void **state)
{
	struct leaf_log l = { .stop_after = 0 };

	(void)state;
	map_ok(GIB1 + MIB2, 0x800000, MIB2, PT_WRITE);
	map_ok(0x5000, 0x9000, KIB4, PT_EXEC);
	map_ok(0x6000, 0xa000, KIB4, PT_WRITE | PT_UNCACHED);
	assert_true(pt_for_each_leaf(&pt, log_leaf, &l));
	assert_int_equal(l.n, 3);
	assert_int_equal(l.va[0], 0x5000);
	assert_int_equal(l.pa[0], 0x9000);
	assert_int_equal(l.size[0], KIB4);
	assert_int_equal(l.flags[0], PT_EXEC);
	assert_int_equal(l.va[1], 0x6000);
	assert_int_equal(l.flags[1], PT_WRITE | PT_UNCACHED);
	assert_int_equal(l.va[2], GIB1 + MIB2);
	assert_int_equal(l.pa[2], 0x800000);
	assert_int_equal(l.size[2], MIB2);
	assert_int_equal(l.flags[2], PT_WRITE);
}

static void test_for_each_leaf_stops(void **state)
{
	struct leaf_log l = { .stop_after = 2 };

	(void)state;
	map_ok(0, 0, 4 * KIB4, PT_WRITE);
	assert_false(pt_for_each_leaf(&pt, log_leaf, &l));
	assert_int_equal(l.n, 2);
}

static unsigned freed;

static void pool_free(void *ctx, uint64_t hpa)
{
	struct pool *p = ctx;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		if ((uint64_t)(uintptr_t)p->page[i] == hpa) {
			free(p->page[i]);
			p->page[i] = p->page[--p->n];
			freed++;
			return;
		}
	}
	fail_msg("freed a table that was not allocated: %#llx",
	         (unsigned long long)hpa);
}

static void test_destroy_frees_every_table(void **state)
{
	unsigned tables;

	(void)state;
	map_ok(0, 0, 3 * MIB2 + 5 * KIB4, PT_WRITE);
	map_ok(512 * GIB1, 0, KIB4, PT_WRITE);       /* a second PDPT */
	tables = pt.ntables;
	assert_true(tables >= 7);
	freed = 0;
	pt_destroy(&pt, pool_free, &pool);
	assert_int_equal(freed, tables);
	assert_int_equal(pt.ntables, 0);
	assert_int_equal(pt.root, 0);
	assert_int_equal(pool.n, 0);
}

static void test_no_2m_leaves_when_not_allowed(void **state)
{
	struct pt_stats st;
	uint64_t bad;

	(void)state;
	pt.allow_2m = false;                 /* a VT-d unit without SLLPS */
	map_ok(0, 0, 4 * MIB2, PT_WRITE);
	assert_true(pt_check_wx(&pt, &bad, &st));
	assert_int_equal(st.pages_2m, 0);
	assert_int_equal(st.pages_1g, 0);
	assert_int_equal(st.pages_4k, 4 * 512);
	EXPECT_XLATE(MIB2 + 0x1234, MIB2 + 0x1234, PT_WRITE);
}

#define T(f)    cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TEPT(f) cmocka_unit_test_setup_teardown(f, setup_ept, teardown)
#define T1G(f)  cmocka_unit_test_setup_teardown(f, setup_1g, teardown)
#define TBARE(f) cmocka_unit_test_setup_teardown(f, setup_bare, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		TBARE(test_init_allocation_failure),
		T(test_map_4k),
		T(test_map_2m_when_aligned),
		T(test_map_2m_pa_unaligned_uses_4k),
		T(test_map_2m_va_unaligned_uses_4k),
		T(test_map_mixed_sizes),
		T(test_map_across_1g_boundary),
		T1G(test_map_1g),
		T1G(test_map_1g_2m_4k),
		T1G(test_map_1g_needs_pa_alignment),
		T(test_no_1g_when_not_allowed),
		T(test_map_bad_arguments),
		T(test_map_upper_half),
		T(test_flags_round_trip),
		T(test_raw_leaf_bits),
		T1G(test_raw_1g_leaf_bits),
		T(test_intermediate_entries_are_permissive),
		T(test_effective_write_needs_every_level),
		T(test_effective_exec_needs_no_nx_anywhere),
		T(test_remap_changes_in_place),
		T(test_remap_4k_inside_2m_splits),
		T(test_split_keeps_uncached),
		T1G(test_remap_inside_1g_splits_twice),
		T1G(test_remap_2m_inside_1g),
		T(test_unmap_4k),
		T(test_unmap_inside_2m_splits),
		T(test_unmap_whole_large_pages),
		T1G(test_unmap_2m_inside_1g),
		T(test_unmap_unmapped_is_fine),
		T(test_unmap_then_map_again),
		T(test_wx_clean_map_passes),
		T(test_wx_finds_page),
		T(test_wx_finds_large_page_and_lowest_first),
		T(test_wx_upper_half_address_is_canonical),
		T1G(test_wx_1g_page),
		T(test_map_fails_without_tables),
		T(test_split_fails_keeps_large_page),
		T1G(test_split_1g_fails_keeps_1g),
		T(test_fail_after_n_tables),
		TEPT(test_ept_leaf_bits),
		T1G(test_no_2m_leaves_when_not_allowed),
		TEPT(test_ept_1g_and_translate),
		T(test_for_each_leaf_in_order),
		T(test_for_each_leaf_stops),
		T(test_destroy_frees_every_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
