/*
 * tests/unit/test_ept.c — unit tests of ept/ept.c: a VM's EPT on top of
 * the shared page-table builder. The EPT pointer (SDM Vol. 3C §25.6.11:
 * memory type in bits 2:0, walk length - 1 in bits 5:3), the raw leaf
 * entries of guest RAM (Tables 29-1..29-6: R bit 0, W bit 1, X bit 2,
 * memory type bits 5:3, large page bit 7), write-protecting single pages
 * inside large mappings, translation, and the isolation check.
 *
 * Tables are zeroed aligned_alloc(4096, 4096) pages whose pointer values
 * serve as host-physical addresses; every one is freed through
 * ept_destroy in the teardown, which checks that none is left over.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ept/ept.h"

#define KIB4  0x1000ull
#define MIB2  0x200000ull
#define GIB1  0x40000000ull

/* EPT entry bits, written out from the SDM. */
#define R       (1ull << 0)
#define W       (1ull << 1)
#define X       (1ull << 2)
#define MT_WB   (6ull << 3)
#define LARGE   (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

/* ---- table pool -------------------------------------------------------- */

#define POOL_MAX 4096

struct pool {
	void *page[POOL_MAX];
	unsigned n;          /* pages currently allocated */
	unsigned limit;      /* allocations allowed */
	unsigned allocs, frees;
};

static struct pool pool;
static struct ept ept;

static uint64_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;
	void *pg;

	assert_ptr_equal(p, &pool);
	if (p->allocs >= p->limit || p->n >= POOL_MAX)
		return 0;
	pg = aligned_alloc(4096, 4096);
	assert_non_null(pg);
	memset(pg, 0, 4096);
	p->page[p->n++] = pg;
	p->allocs++;
	return (uint64_t)(uintptr_t)pg;
}

static void pool_free(void *ctx, uint64_t hpa)
{
	struct pool *p = ctx;
	unsigned i;

	assert_ptr_equal(p, &pool);
	for (i = 0; i < p->n; i++) {
		if ((uint64_t)(uintptr_t)p->page[i] == hpa) {
			free(p->page[i]);
			p->page[i] = p->page[--p->n];
			p->frees++;
			return;
		}
	}
	fail_msg("freed a table that was not allocated: %#llx",
	         (unsigned long long)hpa);
}

static void pool_reset(void)
{
	memset(&pool, 0, sizeof pool);
	pool.limit = POOL_MAX;
	memset(&ept, 0, sizeof ept);
}

static int setup(void **state)
{
	(void)state;
	pool_reset();
	assert_true(ept_init(&ept, pool_alloc, &pool, false));
	return 0;
}

static int setup_1g(void **state)
{
	(void)state;
	pool_reset();
	assert_true(ept_init(&ept, pool_alloc, &pool, true));
	return 0;
}

static int setup_bare(void **state)
{
	(void)state;
	pool_reset();
	return 0;
}

static int teardown(void **state)
{
	unsigned i;

	(void)state;
	ept_destroy(&ept, pool_free, &pool);
	assert_int_equal(ept.eptp, 0);
	if (pool.n != 0) {
		unsigned left = pool.n;

		for (i = 0; i < pool.n; i++)
			free(pool.page[i]);
		pool.n = 0;
		fail_msg("ept_destroy left %u of %u tables", left, pool.allocs);
	}
	assert_int_equal(pool.frees, pool.allocs);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static unsigned index_at(uint64_t gpa, unsigned level)
{
	return (unsigned)(gpa >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The raw EPT entry for gpa at level (4 = PML4E ... 1 = PTE), walked by
 * hand: every level above must be present (any of R/W/X) and not large.
 */
static uint64_t entry(uint64_t gpa, unsigned level)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)(ept.eptp & ADDR_MASK);
	unsigned l;

	for (l = 4; l > level; l--) {
		uint64_t e = t[index_at(gpa, l)];

		if (!(e & (R | W | X)) || (l < 4 && (e & LARGE)))
			fail_msg("gpa %#llx: no table below level %u (entry %#llx)",
			         (unsigned long long)gpa, l, (unsigned long long)e);
		t = (const uint64_t *)(uintptr_t)(e & ADDR_MASK);
	}
	return t[index_at(gpa, level)];
}

#define EXPECT_XLATE(gpa, hpa, flags) \
	expect_xlate_at(__FILE__, __LINE__, (gpa), (hpa), (flags))

static void expect_xlate_at(const char *file, int line, uint64_t gpa,
                            uint64_t want_hpa, unsigned want_flags)
{
	uint64_t hpa = 0xdeadull;
	unsigned flags = 0xdead;

	if (!ept_translate(&ept, gpa, &hpa, &flags))
		fail_msg("%s:%d: gpa %#llx not mapped", file, line,
		         (unsigned long long)gpa);
	if (hpa != want_hpa || flags != want_flags)
		fail_msg("%s:%d: gpa %#llx -> %#llx flags %#x, expected %#llx "
		         "flags %#x", file, line, (unsigned long long)gpa,
		         (unsigned long long)hpa, flags,
		         (unsigned long long)want_hpa, want_flags);
}

static void expect_unmapped(uint64_t gpa)
{
	uint64_t hpa;
	unsigned flags;

	if (ept_translate(&ept, gpa, &hpa, &flags))
		fail_msg("gpa %#llx mapped (to %#llx)", (unsigned long long)gpa,
		         (unsigned long long)hpa);
}

#define RWX (PT_WRITE | PT_EXEC)

/* ---- init -------------------------------------------------------------- */

static void test_init_eptp(void **state)
{
	uint64_t root = (uint64_t)(uintptr_t)pool.page[0];

	(void)state;
	assert_int_equal(pool.n, 1);
	assert_int_equal(root & 0xfff, 0);
	assert_int_equal(ept.pt.root, root);
	/* WB (6) in bits 2:0, walk length 4 - 1 = 3 in bits 5:3: 0x1e */
	assert_int_equal(ept.eptp, root | 0x1e);
	assert_int_equal(ept.eptp & 7, 6);
	assert_int_equal((ept.eptp >> 3) & 7, 3);
	assert_int_equal(ept.eptp & 0xfc0, 0);      /* no A/D, nothing else */
	assert_int_equal(EPTP_WB_4LEVEL, 0x1e);
	/* nothing mapped */
	expect_unmapped(0);
	expect_unmapped(0x7ffffffff000ull);
}

static void test_init_allocation_failure(void **state)
{
	(void)state;
	pool.limit = 0;
	assert_false(ept_init(&ept, pool_alloc, &pool, true));
	assert_int_equal(ept.pt.root, 0);
	assert_int_equal(pool.n, 0);
}

/* ---- RAM mappings and their raw bits --------------------------------- */

static void test_map_ram_2m(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, 0x40000000, 2 * MIB2));
	/* leaf: hpa | R|W|X (7) | WB (6 << 3) | large (bit 7) */
	assert_int_equal(entry(0, 2), 0x40000000ull | 0xb7);
	assert_int_equal(entry(MIB2, 2), 0x40200000ull | 0xb7);
	assert_int_equal(entry(0, 2), 0x40000000ull | R | W | X | MT_WB | LARGE);
	/* the entries above are tables with R|W|X */
	assert_int_equal(entry(0, 4) & ~ADDR_MASK, R | W | X);
	assert_int_equal(entry(0, 3) & ~ADDR_MASK, R | W | X);
	EXPECT_XLATE(0, 0x40000000, RWX);
	EXPECT_XLATE(0x123456, 0x40123456, RWX);
	EXPECT_XLATE(0x3fffff, 0x403fffff, RWX);
	expect_unmapped(0x400000);
	assert_int_equal(pool.n, 3);                 /* PML4, PDPT, PD */
}

static void test_map_ram_4k(void **state)
{
	(void)state;
	/* not 2 MiB aligned: 4 KiB leaves, R|W|X | WB, no bit 7 */
	assert_true(ept_map_ram(&ept, 0x1000, 0x80001000, 3 * KIB4));
	assert_int_equal(entry(0x1000, 1), 0x80001000ull | 0x37);
	assert_int_equal(entry(0x2000, 1), 0x80002000ull | 0x37);
	assert_int_equal(entry(0x3000, 1), 0x80003000ull | R | W | X | MT_WB);
	assert_int_equal(entry(0x0000, 1), 0);
	assert_int_equal(entry(0x4000, 1), 0);
	EXPECT_XLATE(0x2abc, 0x80002abc, RWX);
	expect_unmapped(0xfff);
	expect_unmapped(0x4000);
}

static void test_map_ram_1g(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, GIB1, 0x100000000ull, GIB1));
	assert_int_equal(entry(GIB1, 3), 0x100000000ull | 0xb7);
	EXPECT_XLATE(GIB1 + 0x12345678, 0x112345678ull, RWX);
	EXPECT_XLATE(2 * GIB1 - 1, 0x13fffffffull, RWX);
	expect_unmapped(GIB1 - 1);
	expect_unmapped(2 * GIB1);
	assert_int_equal(pool.n, 2);                 /* PML4, PDPT */
}

static void test_map_ram_no_1g_when_not_allowed(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, GIB1, GIB1));
	assert_int_equal(entry(0, 2), GIB1 | 0xb7);
	assert_int_equal(entry(GIB1 - MIB2, 2), (2 * GIB1 - MIB2) | 0xb7);
	assert_int_equal(entry(0, 3) & LARGE, 0);
	EXPECT_XLATE(0x3ffff000, 0x7ffff000, RWX);
}

static void test_map_ram_bad_alignment(void **state)
{
	(void)state;
	assert_false(ept_map_ram(&ept, 0x800, 0x1000, KIB4));
	assert_false(ept_map_ram(&ept, 0x1000, 0x1800, KIB4));
	assert_false(ept_map_ram(&ept, 0x1000, 0x2000, 0x10));
	expect_unmapped(0x1000);
}

/* ---- protection ----------------------------------------------------- */

static void test_protect_one_page_in_2m(void **state)
{
	const uint64_t gpa = 0x200000, hpa = 0x40200000;
	unsigned i;

	(void)state;
	assert_true(ept_map_ram(&ept, gpa, hpa, MIB2));
	assert_true(ept_protect(&ept, 0x300000, KIB4, PT_EXEC));
	/* the PD entry is now a table; the page is R+X, WB; HPA kept */
	assert_int_equal(entry(gpa, 2) & (LARGE | R | W | X), R | W | X);
	assert_int_equal(entry(0x300000, 1), 0x40300000ull | R | X | MT_WB);
	assert_int_equal(entry(0x300000, 1), 0x40300000ull | 0x35);
	assert_int_equal(entry(0x2ff000, 1), 0x402ff000ull | 0x37);
	assert_int_equal(entry(0x301000, 1), 0x40301000ull | 0x37);
	EXPECT_XLATE(0x300000, 0x40300000, PT_EXEC);
	EXPECT_XLATE(0x300abc, 0x40300abc, PT_EXEC);
	EXPECT_XLATE(0x2ff000, 0x402ff000, RWX);
	EXPECT_XLATE(0x301fff, 0x40301fff, RWX);
	for (i = 0; i < 512; i++) {
		uint64_t g = gpa + (uint64_t)i * KIB4;

		EXPECT_XLATE(g + 8, hpa + (uint64_t)i * KIB4 + 8,
		             g == 0x300000 ? PT_EXEC : RWX);
	}
}

static void test_protect_range_and_restore(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, 0x80000000ull, 2 * MIB2));
	assert_true(ept_protect(&ept, 0x1ff000, 2 * KIB4, PT_EXEC));
	/* both 2 MiB pages split: one page each side of the boundary */
	EXPECT_XLATE(0x1fe000, 0x801fe000ull, RWX);
	EXPECT_XLATE(0x1ff000, 0x801ff000ull, PT_EXEC);
	EXPECT_XLATE(0x200000, 0x80200000ull, PT_EXEC);
	EXPECT_XLATE(0x201000, 0x80201000ull, RWX);
	assert_int_equal(entry(0x200000, 1), 0x80200000ull | 0x35);
	/* read-only, no execute: R and WB only */
	assert_true(ept_protect(&ept, 0x5000, KIB4, PT_READ));
	assert_int_equal(entry(0x5000, 1), 0x80005000ull | R | MT_WB);
	EXPECT_XLATE(0x5000, 0x80005000ull, 0);
	/* and back to RAM rights */
	assert_true(ept_protect(&ept, 0x1ff000, 2 * KIB4, RWX));
	assert_true(ept_protect(&ept, 0x5000, KIB4, RWX));
	assert_int_equal(entry(0x1ff000, 1), 0x801ff000ull | 0x37);
	assert_int_equal(entry(0x200000, 1), 0x80200000ull | 0x37);
	assert_int_equal(entry(0x5000, 1), 0x80005000ull | 0x37);
	EXPECT_XLATE(0x200000, 0x80200000ull, RWX);
}

/* The write-protect half the bus asks for: read+execute, then RAM again. */
static void test_write_protect_on_off(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, 0x80000000ull, MIB2));
	assert_true(ept_write_protect(&ept, 0x100000, KIB4, true));
	EXPECT_XLATE(0x100000, 0x80100000ull, PT_EXEC);
	EXPECT_XLATE(0x101000, 0x80101000ull, RWX);
	assert_true(ept_write_protect(&ept, 0x100000, KIB4, false));
	EXPECT_XLATE(0x100000, 0x80100000ull, RWX);
	assert_false(ept_write_protect(&ept, 0x400000, KIB4, true));  /* unmapped */
}

static void test_protect_inside_1g(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, 0x200000000ull, GIB1));
	assert_true(ept_protect(&ept, 0x12345000, KIB4, PT_EXEC));
	assert_int_equal(entry(0x12345000, 1), 0x212345000ull | 0x35);
	/* its 2 MiB neighbours stay large */
	assert_int_equal(entry(0x12000000, 2), 0x212000000ull | 0xb7);
	EXPECT_XLATE(0x12344fff, 0x212344fffull, RWX);
	EXPECT_XLATE(0x12345fff, 0x212345fffull, PT_EXEC);
	EXPECT_XLATE(0x12346000, 0x212346000ull, RWX);
	EXPECT_XLATE(0x3fffffff, 0x23fffffffull, RWX);
}

static void test_protect_keeps_uncached(void **state)
{
	(void)state;
	/* an uncached page (memory type 0), as MMIO would be */
	assert_true(pt_map(&ept.pt, 0xfee00000, 0xfee00000, KIB4,
	                   PT_WRITE | PT_UNCACHED));
	assert_true(ept_protect(&ept, 0xfee00000, KIB4, PT_READ));
	assert_int_equal(entry(0xfee00000, 1), 0xfee00000ull | R);
	EXPECT_XLATE(0xfee00000, 0xfee00000, PT_UNCACHED);
}

static void test_protect_unmapped_fails(void **state)
{
	(void)state;
	assert_false(ept_protect(&ept, 0x1000, KIB4, PT_EXEC));
	expect_unmapped(0x1000);
	assert_true(ept_map_ram(&ept, 0, 0x40000000, MIB2));
	/* just past the end of RAM */
	assert_false(ept_protect(&ept, MIB2, KIB4, PT_EXEC));
	expect_unmapped(MIB2);
	/* a range running past the end */
	assert_false(ept_protect(&ept, MIB2 - KIB4, 2 * KIB4, PT_EXEC));
	expect_unmapped(MIB2);
	/* far away */
	assert_false(ept_protect(&ept, 0xe0000000, KIB4, RWX));
	expect_unmapped(0xe0000000);
	/* nothing to do is no failure */
	assert_true(ept_protect(&ept, 0x5000, 0, PT_EXEC));
}

static void test_unmap_page_in_2m(void **state)
{
	uint64_t bad_gpa, bad_hpa;

	(void)state;
	/* e.g. an MMIO hole punched into RAM: the 2 MiB leaf splits */
	assert_true(ept_map_ram(&ept, 0, 0x40000000, MIB2));
	assert_true(ept_unmap(&ept, 0x5000, KIB4));
	expect_unmapped(0x5000);
	expect_unmapped(0x5fff);
	assert_int_equal(entry(0x5000, 1), 0);          /* R = W = X = 0 */
	assert_int_equal(entry(0x4000, 1), 0x40004000ull | 0x37);
	EXPECT_XLATE(0x4fff, 0x40004fff, RWX);
	EXPECT_XLATE(0x6000, 0x40006000, RWX);
	assert_true(ept_check_isolation(&ept, 0x40000000, MIB2, &bad_gpa,
	                                &bad_hpa));
	/* protecting it now fails: it is not mapped */
	assert_false(ept_protect(&ept, 0x5000, KIB4, PT_EXEC));
	expect_unmapped(0x5000);
	/* unmapping what is not mapped is fine */
	assert_true(ept_unmap(&ept, 0x5000, KIB4));
	assert_true(ept_unmap(&ept, 0x80000000, MIB2));
}

/* ---- translation ---------------------------------------------------- */

static void test_translate(void **state)
{
	uint64_t hpa = 7;
	unsigned flags = 7;

	(void)state;
	assert_false(ept_translate(&ept, 0, &hpa, &flags));
	assert_true(ept_map_ram(&ept, 0x100000, 0x7f00000, 0x100000));
	EXPECT_XLATE(0x100000, 0x7f00000, RWX);
	EXPECT_XLATE(0x1fffff, 0x7ffffff, RWX);
	EXPECT_XLATE(0x180123, 0x7f80123, RWX);
	expect_unmapped(0xfffff);
	expect_unmapped(0x200000);
	assert_true(ept_translate(&ept, 0x100001, &hpa, &flags));
	assert_int_equal(hpa, 0x7f00001);
	assert_int_equal(flags, RWX);
}

/* ---- isolation ------------------------------------------------------ */

#define RAM_HPA   0x40000000ull
#define RAM_SIZE  (4 * MIB2)              /* [0x40000000, 0x40800000) */

#define EXPECT_ISOLATED(hpa, size) \
	expect_isolation_at(__FILE__, __LINE__, (hpa), (size), true, 0, 0)
#define EXPECT_BREACH(hpa, size, gpa, bad) \
	expect_isolation_at(__FILE__, __LINE__, (hpa), (size), false, (gpa), (bad))

static void expect_isolation_at(const char *file, int line, uint64_t ram_hpa,
                                uint64_t ram_bytes, bool want_ok,
                                uint64_t want_gpa, uint64_t want_hpa)
{
	uint64_t bad_gpa = 0xdead, bad_hpa = 0xdead;
	bool ok = ept_check_isolation(&ept, ram_hpa, ram_bytes, &bad_gpa,
	                              &bad_hpa);

	if (ok != want_ok)
		fail_msg("%s:%d: isolation check %s, expected %s (reported gpa "
		         "%#llx hpa %#llx)", file, line, ok ? "passed" : "failed",
		         want_ok ? "to pass" : "to fail",
		         (unsigned long long)bad_gpa, (unsigned long long)bad_hpa);
	if (!want_ok && (bad_gpa != want_gpa || bad_hpa != want_hpa))
		fail_msg("%s:%d: breach reported at gpa %#llx hpa %#llx, expected "
		         "gpa %#llx hpa %#llx", file, line,
		         (unsigned long long)bad_gpa, (unsigned long long)bad_hpa,
		         (unsigned long long)want_gpa,
		         (unsigned long long)want_hpa);
}

static void test_isolation_empty(void **state)
{
	(void)state;
	EXPECT_ISOLATED(RAM_HPA, RAM_SIZE);
}

static void test_isolation_ram_passes(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, RAM_SIZE));
	EXPECT_ISOLATED(RAM_HPA, RAM_SIZE);
	/* also after protecting pages (splits) */
	assert_true(ept_protect(&ept, 0x300000, KIB4, PT_EXEC));
	assert_true(ept_protect(&ept, RAM_SIZE - KIB4, KIB4, PT_READ));
	EXPECT_ISOLATED(RAM_HPA, RAM_SIZE);
	/* a larger window passes too */
	EXPECT_ISOLATED(RAM_HPA - MIB2, RAM_SIZE + 2 * MIB2);
	/* a smaller one does not */
	EXPECT_BREACH(RAM_HPA, RAM_SIZE - KIB4, RAM_SIZE - KIB4,
	              RAM_HPA + RAM_SIZE - KIB4);
	EXPECT_BREACH(RAM_HPA + KIB4, RAM_SIZE - KIB4, 0, RAM_HPA);
}

static void test_isolation_page_below(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, RAM_SIZE));
	/* one page just below the RAM block, at a GPA above RAM */
	assert_true(ept_map_ram(&ept, 0xe0000000, RAM_HPA - KIB4, KIB4));
	EXPECT_BREACH(RAM_HPA, RAM_SIZE, 0xe0000000, RAM_HPA - KIB4);
}

static void test_isolation_page_above(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, RAM_SIZE));
	/* the first page after the RAM block */
	assert_true(ept_map_ram(&ept, 0x10000000, RAM_HPA + RAM_SIZE, KIB4));
	EXPECT_BREACH(RAM_HPA, RAM_SIZE, 0x10000000, RAM_HPA + RAM_SIZE);
}

static void test_isolation_large_page_straddling_end(void **state)
{
	(void)state;
	/*
	 * RAM of 3 MiB: [0x40000000, 0x40300000). Mapping 4 MiB makes two
	 * 2 MiB leaves; the second starts inside RAM (0x40200000) and ends
	 * past it (0x40400000).
	 */
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, 2 * MIB2));
	EXPECT_BREACH(RAM_HPA, 3 * 0x100000ull, MIB2, RAM_HPA + MIB2);
	EXPECT_ISOLATED(RAM_HPA, 2 * MIB2);
}

static void test_isolation_4k_page_straddling_end(void **state)
{
	(void)state;
	/* RAM of 0x2800 bytes: the third page is half outside */
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, 3 * KIB4));
	EXPECT_BREACH(RAM_HPA, 0x2800, 0x2000, RAM_HPA + 0x2000);
	EXPECT_ISOLATED(RAM_HPA, 0x3000);
}

static void test_isolation_reports_lowest_gpa(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, RAM_SIZE));
	assert_true(ept_map_ram(&ept, 0x80000000, 0x1000, KIB4));
	assert_true(ept_map_ram(&ept, 0x40000000, 0x100000000ull, MIB2));
	EXPECT_BREACH(RAM_HPA, RAM_SIZE, 0x40000000, 0x100000000ull);
}

static void test_isolation_remapped_page_inside_ram(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, RAM_SIZE));
	/* a page aliased to another RAM page is still inside */
	assert_true(ept_map_ram(&ept, 0x1000, RAM_HPA + 0x5000, KIB4));
	EXPECT_ISOLATED(RAM_HPA, RAM_SIZE);
	/* one aliased to host page 0 is not */
	assert_true(ept_map_ram(&ept, 0x2000, 0, KIB4));
	EXPECT_BREACH(RAM_HPA, RAM_SIZE, 0x2000, 0);
}

/* ---- destroy -------------------------------------------------------- */

static void test_destroy_frees_everything(void **state)
{
	(void)state;
	assert_true(ept_map_ram(&ept, 0, RAM_HPA, RAM_SIZE));
	assert_true(ept_protect(&ept, 0x1000, KIB4, PT_EXEC));
	assert_true(ept_map_ram(&ept, 512 * GIB1, 0x1000, KIB4));
	assert_true(pool.n >= 7);
	ept_destroy(&ept, pool_free, &pool);
	assert_int_equal(pool.n, 0);
	assert_int_equal(ept.eptp, 0);
	assert_int_equal(ept.pt.root, 0);
	/* the teardown's ept_destroy then has nothing left to do */
}

#define T(f)     cmocka_unit_test_setup_teardown(f, setup, teardown)
#define T1G(f)   cmocka_unit_test_setup_teardown(f, setup_1g, teardown)
#define TBARE(f) cmocka_unit_test_setup_teardown(f, setup_bare, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_eptp),
		TBARE(test_init_allocation_failure),
		T(test_map_ram_2m),
		T(test_map_ram_4k),
		T1G(test_map_ram_1g),
		T(test_map_ram_no_1g_when_not_allowed),
		T(test_map_ram_bad_alignment),
		T(test_protect_one_page_in_2m),
		T(test_protect_range_and_restore),
		T1G(test_protect_inside_1g),
		T(test_protect_keeps_uncached),
		T(test_protect_unmapped_fails),
		T(test_unmap_page_in_2m),
		T(test_translate),
		T(test_isolation_empty),
		T(test_isolation_ram_passes),
		T(test_isolation_page_below),
		T(test_isolation_page_above),
		T(test_isolation_large_page_straddling_end),
		T(test_isolation_4k_page_straddling_end),
		T(test_isolation_reports_lowest_gpa),
		T(test_isolation_remapped_page_inside_ram),
		T(test_destroy_frees_everything),
		T(test_write_protect_on_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
