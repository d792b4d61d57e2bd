/*
 * tests/unit/test_vtd_tables.c — unit tests of iommu/vtd_tables.c: the
 * raw bits of root and context entries (VTD-FACTS §5; VT-d spec §9.1,
 * §9.3), context tables shared per bus, refused arguments, clearing; and
 * the software walker against second-level tables built by hv/paging.c in
 * the VT-d format (R bit 0, W bit 1, PS bit 7; §9.8) with 3 and 4 levels:
 * 4 KiB, 2 MiB and 1 GiB pages, permissions at every level, and every DMA
 * fault reason it reports (VTD-FACTS §7: 0x1..0x7). Last, the IOVA layout
 * of docs/iommu.md: two VMs' RAM windows and the hypervisor's window.
 *
 * Expected values are written out by hand from the entry formats, not
 * taken from the header's macros. Tables are zeroed aligned_alloc(4096,
 * 4096) pages whose pointer values are the "HPAs" (identity map); every
 * page is freed in the teardown.
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

#define KIB4  0x1000ull
#define MIB2  0x200000ull
#define GIB1  0x40000000ull

/* Entry bits, from VTD-FACTS §5. */
#define P_BIT     (1ull << 0)          /* root/context present */
#define SL_R      (1ull << 0)
#define SL_W      (1ull << 1)
#define SL_PS     (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

#define GPU_DEVFN 0x10                 /* 00:02.0 = device 2, function 0 */

/* ---- page pool with a failure switch ----------------------------------- */

#define POOL_MAX 1024
#define BIG_MAX  4

struct pool {
	void *page[POOL_MAX];
	unsigned n;          /* pages handed out */
	unsigned limit;      /* hand out at most this many; then return 0 */
	unsigned refused;
	void *big[BIG_MAX];  /* "VM RAM" buffers of the window scenario */
	unsigned nbig;
};

static struct pool pool;
static struct vtd_tables vt;
static struct pt sl;

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

static void *big_alloc(size_t align, size_t size)
{
	void *b;

	assert_true(pool.nbig < BIG_MAX);
	b = aligned_alloc(align, size);
	assert_non_null(b);
	pool.big[pool.nbig++] = b;
	return b;
}

static int setup_bare(void **state)
{
	(void)state;
	memset(&pool, 0, sizeof pool);
	pool.limit = POOL_MAX;
	memset(&vt, 0, sizeof vt);
	memset(&sl, 0, sizeof sl);
	return 0;
}

/* The root table allocated: one page in the pool. */
static int setup(void **state)
{
	setup_bare(state);
	assert_true(vtd_tables_init(&vt, pool_alloc, &pool));
	return 0;
}

static int teardown(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < pool.n; i++)
		free(pool.page[i]);
	for (i = 0; i < pool.nbig; i++)
		free(pool.big[i]);
	pool.n = pool.nbig = 0;
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static uint64_t *page_at(uint64_t hpa)
{
	return (uint64_t *)(uintptr_t)hpa;
}

/* Qword q (0 = low, 1 = high) of the 16-byte entry i of a root or context
 * table, by hand: offset 16·i + 8·q. */
static uint64_t *raw16(uint64_t table, unsigned i, unsigned q)
{
	return (uint64_t *)(uintptr_t)(table + 16ull * i + 8ull * q);
}

/* The context table of bus, read from the root entry by hand. */
static uint64_t ctx_table(uint8_t bus)
{
	uint64_t lo = *raw16(vt.root, bus, 0);

	assert_true(lo & P_BIT);
	return lo & ADDR_MASK;
}

static bool page_is_zero(uint64_t hpa)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)hpa;
	unsigned i;

	for (i = 0; i < 4096; i++)
		if (b[i])
			return false;
	return true;
}

/* An SL table of `levels` levels (3 = AW 1, 4 = AW 2). */
static void sl_init(unsigned levels, bool allow_1g)
{
	assert_true(pt_init_levels(&sl, &pt_format_vtd, levels, pool_alloc,
	                           &pool, allow_1g));
	assert_int_equal(sl.levels, levels);
}

/* The SL entry for iova at level (1..levels), walking by hand: each level
 * above must be a present (R or W) non-PS entry. */
static uint64_t *sl_entry(uint64_t iova, unsigned level)
{
	uint64_t *t = page_at(sl.root);
	unsigned l;

	for (l = sl.levels; l > level; l--) {
		uint64_t e = t[(iova >> (12 + 9 * (l - 1))) & 511];

		if (!(e & (SL_R | SL_W)) || (e & SL_PS))
			fail_msg("iova %#llx: no table below level %u (entry %#llx)",
			         (unsigned long long)iova, l,
			         (unsigned long long)e);
		t = page_at(e & ADDR_MASK);
	}
	return &t[(iova >> (12 + 9 * (level - 1))) & 511];
}

/* Attach the SL table to bus:devfn with DID 5 and the AW of its levels. */
static void attach(uint8_t bus, uint8_t devfn)
{
	assert_true(vtd_context_set(&vt, bus, devfn, sl.root, sl.levels - 2, 5));
}

#define EXPECT_WALK(bus, devfn, iova, write, want) \
	expect_walk_at(__FILE__, __LINE__, (bus), (devfn), (iova), (write), (want))
#define EXPECT_FAULT(bus, devfn, iova, write, fr) \
	expect_fault_at(__FILE__, __LINE__, (bus), (devfn), (iova), (write), (fr))

static void expect_walk_at(const char *file, int line, uint8_t bus,
                           uint8_t devfn, uint64_t iova, bool write,
                           uint64_t want)
{
	uint64_t hpa = 0xdeadull;
	enum vtd_fault f = vtd_walk(vt.root, bus, devfn, iova, write, &hpa);

	if (f != VTD_OK || hpa != want)
		fail_msg("%s:%d: %02x:%02x iova %#llx %s -> %s (%d) hpa %#llx, "
		         "expected %#llx", file, line, bus, devfn,
		         (unsigned long long)iova, write ? "write" : "read",
		         vtd_fault_name(f), (int)f, (unsigned long long)hpa,
		         (unsigned long long)want);
}

static void expect_fault_at(const char *file, int line, uint8_t bus,
                            uint8_t devfn, uint64_t iova, bool write,
                            enum vtd_fault fr)
{
	uint64_t hpa = 0xdeadull;
	enum vtd_fault f = vtd_walk(vt.root, bus, devfn, iova, write, &hpa);

	if (f != fr || hpa != 0xdeadull)
		fail_msg("%s:%d: %02x:%02x iova %#llx %s -> %s (%d) hpa %#llx, "
		         "expected fault %s (%d), hpa untouched", file, line, bus,
		         devfn, (unsigned long long)iova,
		         write ? "write" : "read", vtd_fault_name(f), (int)f,
		         (unsigned long long)hpa, vtd_fault_name(fr), (int)fr);
}

/* ---- init ------------------------------------------------------------- */

static void test_init_zeroed_root(void **state)
{
	(void)state;
	assert_int_equal(pool.n, 1);
	assert_int_equal(vt.root, (uint64_t)(uintptr_t)pool.page[0]);
	assert_int_equal(vt.root & 4095, 0);
	assert_true(page_is_zero(vt.root));
	assert_ptr_equal(vt.ctx, &pool);
	assert_true(vt.alloc == pool_alloc);
}

static void test_init_no_memory(void **state)
{
	(void)state;
	pool.limit = 0;
	assert_false(vtd_tables_init(&vt, pool_alloc, &pool));
	assert_int_equal(vt.root, 0);
	assert_int_equal(pool.refused, 1);
	/* Nothing can be set in tables that do not exist. */
	pool.limit = POOL_MAX;
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x5000, 1, 5));
	assert_int_equal(pool.n, 0);
	assert_null(vtd_context_entry(&vt, 0, GPU_DEVFN));
	vtd_context_clear(&vt, 0, GPU_DEVFN);
}

/* ---- root and context entries: raw bits ---------------------------------- */

static void test_context_raw_aw1_did5(void **state)
{
	uint64_t ctp;

	(void)state;
	/* SL root 0x12345000 (never dereferenced by vtd_context_set). */
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0x12345000ull, 1, 5));
	assert_int_equal(pool.n, 2);
	ctp = (uint64_t)(uintptr_t)pool.page[1];
	/* Root entry 0: lo = context table | P, hi = 0. */
	assert_int_equal(*raw16(vt.root, 0, 0), ctp | 0x1);
	assert_int_equal(*raw16(vt.root, 0, 1), 0);
	/* Context entry 0x10 at offset 0x100: lo = SL root | TT 0 | FPD 0 | P,
	 * hi = DID 5 in bits 23:8 | AW 1 in bits 2:0 = 0x501. */
	assert_int_equal(*raw16(ctp, 0x10, 0), 0x12345001ull);
	assert_int_equal(*raw16(ctp, 0x10, 1), 0x501ull);
	assert_ptr_equal(raw16(ctp, 0x10, 0), page_at(ctp + 0x100));
	/* Nothing else in either table. */
	*raw16(ctp, 0x10, 0) = *raw16(ctp, 0x10, 1) = 0;
	assert_true(page_is_zero(ctp));
	*raw16(vt.root, 0, 0) = 0;
	assert_true(page_is_zero(vt.root));
}

static void test_context_raw_aw2_did5(void **state)
{
	uint64_t ctp;

	(void)state;
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0xfedcba987000ull, 2, 5));
	ctp = ctx_table(0);
	assert_int_equal(*raw16(ctp, 0x10, 0), 0xfedcba987001ull);
	assert_int_equal(*raw16(ctp, 0x10, 1), 0x502ull);
}

static void test_context_raw_did_width(void **state)
{
	uint64_t ctp;

	(void)state;
	/* DID 0xffff fills bits 23:8 and nothing above. */
	assert_true(vtd_context_set(&vt, 3, 0xff, 0x7000, 2, 0xffff));
	ctp = ctx_table(3);
	assert_int_equal(*raw16(ctp, 0xff, 1), 0xffff02ull);
	assert_int_equal(*raw16(ctp, 0xff, 0), 0x7001ull);
	/* devfn 0xff is the last entry: offset 0xff0. */
	assert_ptr_equal(raw16(ctp, 0xff, 0), page_at(ctp + 0xff0));
}

static void test_root_entry_raw(void **state)
{
	uint64_t ctp;
	unsigned i;

	(void)state;
	/* Bus 0x80: root entry at offset 0x800. */
	assert_true(vtd_context_set(&vt, 0x80, 0x08, 0x9000, 1, 7));
	ctp = (uint64_t)(uintptr_t)pool.page[1];
	assert_int_equal(*page_at(vt.root + 0x800), ctp | 1);
	assert_int_equal(*page_at(vt.root + 0x808), 0);
	for (i = 0; i < 256; i++)
		if (i != 0x80)
			assert_int_equal(*raw16(vt.root, i, 0) | *raw16(vt.root, i, 1), 0);
	assert_ptr_equal(vtd_context_entry(&vt, 0x80, 0x08), page_at(ctp + 0x80));
}

static void test_same_bus_shares_context_table(void **state)
{
	uint64_t ctp;

	(void)state;
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0x5000, 1, 5));
	assert_int_equal(pool.n, 2);
	ctp = ctx_table(0);
	/* 00:1f.3 (devfn 0xfb) on the same bus: no new table. */
	assert_true(vtd_context_set(&vt, 0, 0xfb, 0x6000, 2, 9));
	assert_int_equal(pool.n, 2);
	assert_int_equal(ctx_table(0), ctp);
	assert_int_equal(*raw16(ctp, 0x10, 0), 0x5001ull);
	assert_int_equal(*raw16(ctp, 0x10, 1), 0x501ull);
	assert_int_equal(*raw16(ctp, 0xfb, 0), 0x6001ull);
	assert_int_equal(*raw16(ctp, 0xfb, 1), 0x902ull);
	assert_ptr_equal(vtd_context_entry(&vt, 0, 0xfb), raw16(ctp, 0xfb, 0));
}

static void test_other_bus_own_context_table(void **state)
{
	uint64_t c0, c1;

	(void)state;
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0x5000, 1, 5));
	assert_true(vtd_context_set(&vt, 1, GPU_DEVFN, 0x6000, 1, 6));
	assert_int_equal(pool.n, 3);
	c0 = ctx_table(0);
	c1 = ctx_table(1);
	assert_true(c0 != c1);
	assert_int_equal(c1, (uint64_t)(uintptr_t)pool.page[2]);
	assert_int_equal(*raw16(c0, 0x10, 0), 0x5001ull);
	assert_int_equal(*raw16(c1, 0x10, 0), 0x6001ull);
	assert_int_equal(*raw16(c1, 0x10, 1), 0x601ull);
	/* No context table for bus 2. */
	assert_int_equal(*raw16(vt.root, 2, 0), 0);
	assert_null(vtd_context_entry(&vt, 2, GPU_DEVFN));
}

static void test_bad_arguments_change_nothing(void **state)
{
	uint8_t root_before[4096], ctx_before[4096];
	uint64_t ctp;

	(void)state;
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0x5000, 1, 5));
	ctp = ctx_table(0);
	memcpy(root_before, page_at(vt.root), 4096);
	memcpy(ctx_before, page_at(ctp), 4096);

	/* AW 0 and 3..7 */
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6000, 0, 6));
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6000, 3, 6));
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6000, 7, 6));
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6000, 9, 6));
	/* DID 0 (reserved) */
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6000, 1, 0));
	/* SL root 0, not 4 KiB aligned, beyond bits 51:12 */
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0, 1, 6));
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6800, 1, 6));
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 0x6001, 1, 6));
	assert_false(vtd_context_set(&vt, 0, GPU_DEVFN, 1ull << 52, 1, 6));
	/* The same on a bus without a context table: none is allocated. */
	assert_false(vtd_context_set(&vt, 4, 0, 0x6000, 3, 6));
	assert_false(vtd_context_set(&vt, 4, 0, 0x6000, 1, 0));
	assert_false(vtd_context_set(&vt, 4, 0, 0x6800, 1, 6));

	assert_int_equal(pool.n, 2);
	assert_int_equal(pool.refused, 0);
	assert_memory_equal(root_before, page_at(vt.root), 4096);
	assert_memory_equal(ctx_before, page_at(ctp), 4096);
}

static void test_no_memory_for_context_table(void **state)
{
	(void)state;
	pool.limit = pool.n;          /* root only */
	assert_false(vtd_context_set(&vt, 5, GPU_DEVFN, 0x5000, 1, 5));
	assert_int_equal(pool.refused, 1);
	assert_int_equal(pool.n, 1);
	assert_true(page_is_zero(vt.root));
	assert_null(vtd_context_entry(&vt, 5, GPU_DEVFN));
	/* Once there is memory again it works. */
	pool.limit = POOL_MAX;
	assert_true(vtd_context_set(&vt, 5, GPU_DEVFN, 0x5000, 1, 5));
	assert_int_equal(pool.n, 2);
	/* A second device on that bus needs no memory. */
	pool.limit = pool.n;
	assert_true(vtd_context_set(&vt, 5, GPU_DEVFN + 1, 0x6000, 1, 5));
}

static void test_replace_present_entry(void **state)
{
	uint64_t ctp;

	(void)state;
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0x5000, 1, 5));
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0xabc000, 2, 0x1234));
	ctp = ctx_table(0);
	assert_int_equal(pool.n, 2);
	assert_int_equal(*raw16(ctp, 0x10, 0), 0xabc001ull);
	assert_int_equal(*raw16(ctp, 0x10, 1), 0x123402ull);
}

static void test_clear(void **state)
{
	uint64_t ctp;

	(void)state;
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, 0x5000, 1, 5));
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN + 1, 0x6000, 1, 6));
	ctp = ctx_table(0);
	vtd_context_clear(&vt, 0, GPU_DEVFN);
	assert_int_equal(*raw16(ctp, 0x10, 0), 0);
	assert_int_equal(*raw16(ctp, 0x10, 1), 0);
	/* The neighbour and the root entry stay. */
	assert_int_equal(*raw16(ctp, 0x11, 0), 0x6001ull);
	assert_int_equal(*raw16(ctp, 0x11, 1), 0x601ull);
	assert_int_equal(ctx_table(0), ctp);
	EXPECT_FAULT(0, GPU_DEVFN, 0, false, VTD_FR_CONTEXT_NOT_PRESENT);
	/* Clearing on a bus without a table does nothing, allocates nothing. */
	vtd_context_clear(&vt, 9, GPU_DEVFN);
	assert_int_equal(pool.n, 2);
	assert_int_equal(*raw16(vt.root, 9, 0), 0);
	/* Clearing again is harmless. */
	vtd_context_clear(&vt, 0, GPU_DEVFN);
	assert_int_equal(*raw16(ctp, 0x10, 0) | *raw16(ctp, 0x10, 1), 0);
}

/* ---- second-level entries as pt_format_vtd writes them ------------------ */

static void test_sl_raw_leaf_bits(void **state)
{
	uint64_t top;

	(void)state;
	sl_init(3, true);
	assert_true(pt_map(&sl, 0x1000, 0x77000, KIB4, PT_WRITE));
	assert_true(pt_map(&sl, 0x2000, 0x78000, KIB4, PT_READ));
	assert_true(pt_map(&sl, 0x1ff000, 0x79000, KIB4,
	                   PT_WRITE | PT_EXEC | PT_UNCACHED));
	assert_true(pt_map(&sl, MIB2, 0x40000000, MIB2, PT_WRITE));
	assert_true(pt_map(&sl, 2 * MIB2, 0x40600000, MIB2, PT_READ));
	assert_true(pt_map(&sl, GIB1, 0x80000000, GIB1, PT_WRITE));
	assert_true(pt_map(&sl, 2 * GIB1, 0xc0000000, GIB1, PT_READ));

	/* 4 KiB leaves: R = bit 0, W = bit 1, nothing else (no PS, no
	 * execute, snoop or memory-type bits whatever the flags). */
	assert_int_equal(*sl_entry(0x1000, 1), 0x77003ull);
	assert_int_equal(*sl_entry(0x2000, 1), 0x78001ull);
	assert_int_equal(*sl_entry(0x1ff000, 1), 0x79003ull);
	/* 2 MiB leaves in level-2 entries: PS = bit 7. */
	assert_int_equal(*sl_entry(MIB2, 2), 0x40000083ull);
	assert_int_equal(*sl_entry(2 * MIB2, 2), 0x40600081ull);
	/* 1 GiB leaves in level-3 entries. */
	assert_int_equal(*sl_entry(GIB1, 3), 0x80000083ull);
	assert_int_equal(*sl_entry(2 * GIB1, 3), 0xc0000081ull);
	/* Non-leaf entries: table address | R | W, exactly. */
	top = *sl_entry(0, 3);
	assert_int_equal(top & ~ADDR_MASK, 0x3);
	assert_int_equal(*sl_entry(0, 2) & ~ADDR_MASK, 0x3);
	assert_int_equal(top & ADDR_MASK, (uint64_t)(uintptr_t)pool.page[2]);
}

static void test_sl_4level_non_leaf_bits(void **state)
{
	(void)state;
	sl_init(4, false);
	assert_true(pt_map(&sl, 1ull << 40, 0x5000, KIB4, PT_READ));
	assert_int_equal(*sl_entry(1ull << 40, 4) & ~ADDR_MASK, 0x3);
	assert_int_equal(*sl_entry(1ull << 40, 3) & ~ADDR_MASK, 0x3);
	assert_int_equal(*sl_entry(1ull << 40, 2) & ~ADDR_MASK, 0x3);
	assert_int_equal(*sl_entry(1ull << 40, 1), 0x5001ull);
}

static void test_sl_3level_reach_is_512g(void **state)
{
	const uint64_t top = 1ull << 39;     /* 512 GiB */

	(void)state;
	sl_init(3, false);
	assert_false(pt_map(&sl, top, 0x5000, KIB4, PT_WRITE));
	assert_false(pt_map(&sl, top + GIB1, 0x5000, MIB2, PT_WRITE));
	assert_false(pt_map(&sl, top - KIB4, 0x5000, 2 * KIB4, PT_WRITE));
	assert_int_equal(sl.ntables, 1);
	assert_true(page_is_zero(sl.root));
	assert_true(pt_map(&sl, top - KIB4, 0x5000, KIB4, PT_WRITE));
}

/* ---- the walker: translations ---------------------------------------- */

static void test_walk_4k_3level(void **state)
{
	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0x5000, 0x12345000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	assert_int_equal(*raw16(ctx_table(0), GPU_DEVFN, 1), 0x501ull);
	EXPECT_WALK(0, GPU_DEVFN, 0x5000, false, 0x12345000);
	EXPECT_WALK(0, GPU_DEVFN, 0x5123, false, 0x12345123);
	EXPECT_WALK(0, GPU_DEVFN, 0x5fff, true, 0x12345fff);
	EXPECT_FAULT(0, GPU_DEVFN, 0x4fff, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 0x6000, true, VTD_FR_WRITE);
	/* A NULL hpa is allowed (permission check only). */
	assert_int_equal(vtd_walk(vt.root, 0, GPU_DEVFN, 0x5000, true, NULL),
	                 VTD_OK);
}

static void test_walk_4k_4level(void **state)
{
	const uint64_t iova = (1ull << 47) + 0x123456789000ull;

	(void)state;
	sl_init(4, false);
	assert_true(pt_map(&sl, iova, 0xabcdef000ull, KIB4, PT_WRITE));
	attach(0x3a, 0x00);
	assert_int_equal(*raw16(ctx_table(0x3a), 0, 1), 0x502ull);
	EXPECT_WALK(0x3a, 0x00, iova + 0xabc, true, 0xabcdefabcull);
	EXPECT_FAULT(0x3a, 0x00, iova - 1, true, VTD_FR_WRITE);
}

static void test_walk_2m(void **state)
{
	const uint64_t iova = GIB1 + MIB2;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, iova, 0x80000000ull, MIB2, PT_WRITE));
	assert_int_equal(*sl_entry(iova, 2), 0x80000083ull);
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, iova, false, 0x80000000ull);
	EXPECT_WALK(0, GPU_DEVFN, iova + 0x1abcde, true, 0x801abcdeull);
	EXPECT_WALK(0, GPU_DEVFN, iova + MIB2 - 1, true, 0x801fffffull);
	EXPECT_FAULT(0, GPU_DEVFN, iova + MIB2, false, VTD_FR_READ);
}

static void test_walk_1g(void **state)
{
	const uint64_t iova = 2 * GIB1;

	(void)state;
	sl_init(4, true);
	assert_true(pt_map(&sl, iova, 4 * GIB1, GIB1, PT_WRITE));
	assert_int_equal(*sl_entry(iova, 3), 0x100000083ull);
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, iova, true, 4 * GIB1);
	EXPECT_WALK(0, GPU_DEVFN, iova + 0x3fedcba9, false, 0x13fedcba9ull);
	EXPECT_FAULT(0, GPU_DEVFN, iova - 1, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, iova + GIB1, false, VTD_FR_READ);
}

static void test_walk_1g_not_allowed_uses_2m(void **state)
{
	const uint64_t iova = 2 * GIB1;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, iova, 4 * GIB1, GIB1, PT_WRITE));
	/* Level 3 is a table, level 2 holds 2 MiB leaves. */
	assert_int_equal(*sl_entry(iova, 3) & ~ADDR_MASK, 0x3);
	assert_int_equal(*sl_entry(iova + 0x3fe00000, 2), 0x13fe00083ull);
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, iova + 0x3fedcba9, true, 0x13fedcba9ull);
}

static void test_walk_large_page_reserved_low_bits_masked(void **state)
{
	const uint64_t iova = MIB2;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, iova, 0x80000000ull, MIB2, PT_WRITE));
	attach(0, GPU_DEVFN);
	/* Address bits 20:12 of a 2 MiB entry are below the page: not part
	 * of the frame. */
	*sl_entry(iova, 2) |= 0x5000;
	EXPECT_WALK(0, GPU_DEVFN, iova + 0x123, false, 0x80000123ull);
}

static void test_walk_after_unmap(void **state)
{
	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0, 0x40000000ull, 4 * MIB2, PT_WRITE));
	attach(0, GPU_DEVFN);
	assert_true(pt_unmap(&sl, MIB2 + 0x3000, KIB4));
	EXPECT_WALK(0, GPU_DEVFN, MIB2 + 0x2fff, true, 0x40202fffull);
	EXPECT_FAULT(0, GPU_DEVFN, MIB2 + 0x3000, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, MIB2 + 0x3fff, true, VTD_FR_WRITE);
	EXPECT_WALK(0, GPU_DEVFN, MIB2 + 0x4000, false, 0x40204000ull);
}

static void test_walk_domains_per_device(void **state)
{
	struct pt a, b;

	(void)state;
	assert_true(pt_init_levels(&a, &pt_format_vtd, 3, pool_alloc, &pool, false));
	assert_true(pt_init_levels(&b, &pt_format_vtd, 4, pool_alloc, &pool, false));
	assert_true(pt_map(&a, 0x1000, 0xa000, KIB4, PT_WRITE));
	assert_true(pt_map(&b, 0x1000, 0xb000, KIB4, PT_WRITE));
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, a.root, 1, 1));
	assert_true(vtd_context_set(&vt, 2, 0x00, b.root, 2, 2));
	EXPECT_WALK(0, GPU_DEVFN, 0x1004, false, 0xa004);
	EXPECT_WALK(2, 0x00, 0x1004, false, 0xb004);
	EXPECT_FAULT(0, GPU_DEVFN + 8, 0x1004, false, VTD_FR_CONTEXT_NOT_PRESENT);
	EXPECT_FAULT(1, GPU_DEVFN, 0x1004, false, VTD_FR_ROOT_NOT_PRESENT);
}

/* ---- the walker: permissions --------------------------------------------- */

static void test_walk_read_only_page(void **state)
{
	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0x7000, 0x9000, KIB4, PT_READ));
	assert_true(pt_map(&sl, 3 * MIB2, 0x600000, MIB2, PT_READ));
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, 0x7010, false, 0x9010);
	EXPECT_FAULT(0, GPU_DEVFN, 0x7010, true, VTD_FR_WRITE);
	EXPECT_WALK(0, GPU_DEVFN, 3 * MIB2 + 8, false, 0x600008);
	EXPECT_FAULT(0, GPU_DEVFN, 3 * MIB2 + 8, true, VTD_FR_WRITE);
}

static void test_walk_unmapped(void **state)
{
	(void)state;
	sl_init(4, false);
	assert_true(pt_map(&sl, 0x7000, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	/* Not present at level 1 (table exists), at level 3, at level 4. */
	EXPECT_FAULT(0, GPU_DEVFN, 0x8000, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 0x8000, true, VTD_FR_WRITE);
	EXPECT_FAULT(0, GPU_DEVFN, 5 * GIB1, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 5 * GIB1, true, VTD_FR_WRITE);
	EXPECT_FAULT(0, GPU_DEVFN, 1ull << 45, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 1ull << 45, true, VTD_FR_WRITE);
}

static void test_walk_write_only_leaf(void **state)
{
	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0x7000, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	/* W without R is present (R or W) but not readable. */
	*sl_entry(0x7000, 1) = 0x9000 | SL_W;
	EXPECT_WALK(0, GPU_DEVFN, 0x7abc, true, 0x9abc);
	EXPECT_FAULT(0, GPU_DEVFN, 0x7abc, false, VTD_FR_READ);
}

static void test_walk_non_leaf_permissions(void **state)
{
	uint64_t *l3, *l2;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0x7000, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	l3 = sl_entry(0x7000, 3);
	l2 = sl_entry(0x7000, 2);

	/* Level-3 table entry without W: writes fault, reads go through. */
	*l3 &= ~SL_W;
	EXPECT_WALK(0, GPU_DEVFN, 0x7000, false, 0x9000);
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, true, VTD_FR_WRITE);
	*l3 |= SL_W;

	/* Level-2 table entry without R: reads fault, writes go through. */
	*l2 &= ~SL_R;
	EXPECT_WALK(0, GPU_DEVFN, 0x7000, true, 0x9000);
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, false, VTD_FR_READ);
	*l2 |= SL_R;
	EXPECT_WALK(0, GPU_DEVFN, 0x7000, true, 0x9000);
}

/* ---- the walker: every fault reason -------------------------------------- */

static void test_fault_root_not_present(void **state)
{
	uint64_t ctp;

	(void)state;
	EXPECT_FAULT(0, GPU_DEVFN, 0, false, VTD_FR_ROOT_NOT_PRESENT);
	EXPECT_FAULT(0xff, 0xff, 0x1234, true, VTD_FR_ROOT_NOT_PRESENT);
	/* A root entry with a pointer but no P bit. */
	sl_init(3, false);
	attach(7, GPU_DEVFN);
	ctp = ctx_table(7);
	*raw16(vt.root, 7, 0) = ctp;
	EXPECT_FAULT(7, GPU_DEVFN, 0, false, VTD_FR_ROOT_NOT_PRESENT);
	/* P with a zero pointer: reported as no root entry (0x9 is not one
	 * of the walker's reasons). */
	*raw16(vt.root, 7, 0) = 0x1;
	EXPECT_FAULT(7, GPU_DEVFN, 0, false, VTD_FR_ROOT_NOT_PRESENT);
	/* No root table at all. */
	assert_int_equal(vtd_walk(0, 0, 0, 0, false, NULL),
	                 VTD_FR_ROOT_NOT_PRESENT);
}

static void test_fault_context_not_present(void **state)
{
	uint64_t *ce;

	(void)state;
	sl_init(3, false);
	attach(0, GPU_DEVFN);
	EXPECT_FAULT(0, GPU_DEVFN + 1, 0, false, VTD_FR_CONTEXT_NOT_PRESENT);
	EXPECT_FAULT(0, 0x00, 0, true, VTD_FR_CONTEXT_NOT_PRESENT);
	/* P clear but everything else valid. */
	ce = vtd_context_entry(&vt, 0, GPU_DEVFN);
	assert_non_null(ce);
	ce[0] &= ~P_BIT;
	EXPECT_FAULT(0, GPU_DEVFN, 0, false, VTD_FR_CONTEXT_NOT_PRESENT);
}

static void test_fault_context_invalid_tt(void **state)
{
	uint64_t *ce;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	ce = vtd_context_entry(&vt, 0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, 0x10, false, 0x9010);
	/* TT = 2 (pass-through): bits 3:2 = 10b, i.e. lo | 0x8, hand-made. */
	ce[0] = sl.root | 0x8 | 0x1;
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, false, VTD_FR_CONTEXT_INVALID);
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, true, VTD_FR_CONTEXT_INVALID);
	/* TT = 1 (device-TLB) and TT = 3 (reserved). */
	ce[0] = sl.root | 0x4 | 0x1;
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, false, VTD_FR_CONTEXT_INVALID);
	ce[0] = sl.root | 0xc | 0x1;
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, false, VTD_FR_CONTEXT_INVALID);
	/* FPD (bit 1) does not change the translation. */
	ce[0] = sl.root | 0x2 | 0x1;
	EXPECT_WALK(0, GPU_DEVFN, 0x10, false, 0x9010);
}

static void test_fault_context_invalid_aw(void **state)
{
	uint64_t *ce;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	ce = vtd_context_entry(&vt, 0, GPU_DEVFN);
	/* AW = 3 (57-bit, 5 levels), DID 5: hi = 0x503. */
	ce[1] = 0x503;
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, false, VTD_FR_CONTEXT_INVALID);
	ce[1] = 0x500;                /* AW 0 */
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, false, VTD_FR_CONTEXT_INVALID);
	ce[1] = 0x507;                /* AW 7 */
	EXPECT_FAULT(0, GPU_DEVFN, 0x10, true, VTD_FR_CONTEXT_INVALID);
	ce[1] = 0x501;
	EXPECT_WALK(0, GPU_DEVFN, 0x10, false, 0x9010);
}

static void test_fault_context_invalid_sl_root_0(void **state)
{
	uint64_t *ce;

	(void)state;
	sl_init(3, false);
	attach(0, GPU_DEVFN);
	ce = vtd_context_entry(&vt, 0, GPU_DEVFN);
	ce[0] = 0x1;                  /* P, TT 0, SL root 0 */
	EXPECT_FAULT(0, GPU_DEVFN, 0, false, VTD_FR_CONTEXT_INVALID);
	EXPECT_FAULT(0, GPU_DEVFN, 0x1000, true, VTD_FR_CONTEXT_INVALID);
}

static void test_fault_beyond_agaw_39(void **state)
{
	const uint64_t top = 1ull << 39;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, top - KIB4, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, top - 1, false, 0x9fff);
	EXPECT_WALK(0, GPU_DEVFN, top - 1, true, 0x9fff);
	EXPECT_FAULT(0, GPU_DEVFN, top, false, VTD_FR_BEYOND_AGAW);
	EXPECT_FAULT(0, GPU_DEVFN, top, true, VTD_FR_BEYOND_AGAW);
	/* Index bits would wrap to a mapped entry without the check. */
	EXPECT_FAULT(0, GPU_DEVFN, 2 * top - 1, false, VTD_FR_BEYOND_AGAW);
	EXPECT_FAULT(0, GPU_DEVFN, ~0ull, false, VTD_FR_BEYOND_AGAW);
}

static void test_fault_beyond_agaw_48(void **state)
{
	const uint64_t top = 1ull << 48;

	(void)state;
	sl_init(4, false);
	assert_true(pt_map(&sl, top - KIB4, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, top - 1, false, 0x9fff);
	EXPECT_FAULT(0, GPU_DEVFN, top, false, VTD_FR_BEYOND_AGAW);
	EXPECT_FAULT(0, GPU_DEVFN, top, true, VTD_FR_BEYOND_AGAW);
	EXPECT_FAULT(0, GPU_DEVFN, 2 * top - 1, false, VTD_FR_BEYOND_AGAW);
	/* 2^39 is fine with 48 bits (not mapped: a read fault, not 0x4). */
	EXPECT_FAULT(0, GPU_DEVFN, 1ull << 39, false, VTD_FR_READ);
}

static void test_fault_next_level_zero(void **state)
{
	uint64_t *l3, *l2;

	(void)state;
	sl_init(3, false);
	assert_true(pt_map(&sl, 0x7000, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	l3 = sl_entry(0x7000, 3);
	l2 = sl_entry(0x7000, 2);

	/* Level-2 entry present (R|W), no PS, address 0. */
	*l2 = SL_R | SL_W;
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, false, VTD_FR_NEXT_LEVEL);
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, true, VTD_FR_NEXT_LEVEL);
	/* The same in the top-level entry. */
	*l3 = SL_R | SL_W;
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, false, VTD_FR_NEXT_LEVEL);
	/* Read-only top entry with address 0: a write is refused first. */
	*l3 = SL_R;
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, true, VTD_FR_WRITE);
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, false, VTD_FR_NEXT_LEVEL);
}

static void test_fault_next_level_zero_4level(void **state)
{
	(void)state;
	sl_init(4, false);
	assert_true(pt_map(&sl, 0x7000, 0x9000, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	*sl_entry(0x7000, 4) = SL_R | SL_W;
	EXPECT_FAULT(0, GPU_DEVFN, 0x7000, false, VTD_FR_NEXT_LEVEL);
}

static void test_leaf_at_frame_0_is_fine(void **state)
{
	(void)state;
	sl_init(3, false);
	/* A leaf may point at HPA 0; only table pointers may not. */
	assert_true(pt_map(&sl, 0x7000, 0, KIB4, PT_WRITE));
	attach(0, GPU_DEVFN);
	EXPECT_WALK(0, GPU_DEVFN, 0x7008, true, 0x8);
}

static void test_fault_reason_values(void **state)
{
	(void)state;
	/* VTD-FACTS §7, "Reasons (DMA)". */
	assert_int_equal(VTD_OK, 0);
	assert_int_equal(VTD_FR_ROOT_NOT_PRESENT, 0x1);
	assert_int_equal(VTD_FR_CONTEXT_NOT_PRESENT, 0x2);
	assert_int_equal(VTD_FR_CONTEXT_INVALID, 0x3);
	assert_int_equal(VTD_FR_BEYOND_AGAW, 0x4);
	assert_int_equal(VTD_FR_WRITE, 0x5);
	assert_int_equal(VTD_FR_READ, 0x6);
	assert_int_equal(VTD_FR_NEXT_LEVEL, 0x7);
}

static void test_fault_names(void **state)
{
	(void)state;
	assert_string_equal(vtd_fault_name(VTD_OK), "ok");
	assert_string_equal(vtd_fault_name(VTD_FR_ROOT_NOT_PRESENT),
	                    "root entry not present");
	assert_string_equal(vtd_fault_name(VTD_FR_CONTEXT_NOT_PRESENT),
	                    "context entry not present");
	assert_string_equal(vtd_fault_name(VTD_FR_CONTEXT_INVALID),
	                    "invalid context entry");
	assert_string_equal(vtd_fault_name(VTD_FR_BEYOND_AGAW),
	                    "address beyond AGAW");
	assert_string_equal(vtd_fault_name(VTD_FR_WRITE),
	                    "write to non-writable page");
	assert_string_equal(vtd_fault_name(VTD_FR_READ),
	                    "read from non-readable page");
	assert_string_equal(vtd_fault_name(VTD_FR_NEXT_LEVEL),
	                    "next-level pointer invalid");
	assert_string_equal(vtd_fault_name(VTD_OK), "ok");
	/* Reasons a unit records but the walker never gives (VTD-FACTS §7):
	 * named for the fault log. */
	assert_string_equal(vtd_fault_reason_name(0x8), "root-table address invalid");
	assert_string_equal(vtd_fault_reason_name(0xd),
	                    "translation type blocks the request");
	assert_string_equal(vtd_fault_reason_name(0x22),
	                    "interrupt: IR table entry not present");
	assert_string_equal(vtd_fault_reason_name(0x26),
	                    "interrupt: source-ID verification failed");
	assert_string_equal(vtd_fault_reason_name(0x0e), "unknown reason");
	assert_string_equal(vtd_fault_reason_name(0x30), "unknown reason");
}

/* ---- per-VM windows (docs/iommu.md, "Address spaces and the IOVA layout") */

#define WIN_VM0   (32 * GIB1)         /* VM id 0: 32 GiB · (0 + 1) */
#define WIN_VM1   (64 * GIB1)         /* VM id 1: 32 GiB · (1 + 1) */
#define VM_RAM    (4 * MIB2)          /* 8 MiB of "RAM" each */

static void test_vm_windows(void **state)
{
	uint8_t *ram0, *ram1, *scratch;
	uint64_t hpa0, hpa1, hs, hpa;
	size_t i;

	(void)state;
	/* RAM is 2 MiB-aligned, so the windows use 2 MiB pages. */
	ram0 = big_alloc(MIB2, VM_RAM);
	ram1 = big_alloc(MIB2, VM_RAM);
	for (i = 0; i < VM_RAM; i++) {
		ram0[i] = (uint8_t)(i * 7 + 1);
		ram1[i] = (uint8_t)(i * 13 + 5);
	}
	hpa0 = (uint64_t)(uintptr_t)ram0;
	hpa1 = (uint64_t)(uintptr_t)ram1;

	sl_init(3, false);
	hs = pool_alloc(&pool);
	scratch = (uint8_t *)(uintptr_t)hs;
	scratch[0x10] = 0x5c;
	/* The hypervisor's window: the scratch page at IOVA 0x1000. */
	assert_true(pt_map(&sl, 0x1000, hs, KIB4, PT_WRITE));
	assert_true(pt_map(&sl, WIN_VM0, hpa0, VM_RAM, PT_WRITE));
	assert_true(pt_map(&sl, WIN_VM1, hpa1, VM_RAM, PT_WRITE));
	assert_int_equal(*sl_entry(WIN_VM0, 2), hpa0 | 0x83);
	assert_int_equal(*sl_entry(WIN_VM1 + 3 * MIB2, 2), (hpa1 + 3 * MIB2) | 0x83);
	assert_true(vtd_context_set(&vt, 0, GPU_DEVFN, sl.root, 1, 1));

	/* Each window lands in its own buffer at the GPA's offset. */
	EXPECT_WALK(0, GPU_DEVFN, WIN_VM0 + 0x123456, false, hpa0 + 0x123456);
	EXPECT_WALK(0, GPU_DEVFN, WIN_VM1 + 0x123456, false, hpa1 + 0x123456);
	EXPECT_WALK(0, GPU_DEVFN, WIN_VM0, true, hpa0);
	EXPECT_WALK(0, GPU_DEVFN, WIN_VM1 + VM_RAM - 1, true, hpa1 + VM_RAM - 1);
	for (i = 0; i < VM_RAM; i += 0x10001) {
		assert_int_equal(vtd_walk(vt.root, 0, GPU_DEVFN, WIN_VM0 + i,
		                          false, &hpa), VTD_OK);
		assert_int_equal(*(uint8_t *)(uintptr_t)hpa, (uint8_t)(i * 7 + 1));
		assert_int_equal(vtd_walk(vt.root, 0, GPU_DEVFN, WIN_VM1 + i,
		                          false, &hpa), VTD_OK);
		assert_int_equal(*(uint8_t *)(uintptr_t)hpa, (uint8_t)(i * 13 + 5));
	}
	/* A "DMA write" through the walker reaches VM 1's RAM only. */
	assert_int_equal(vtd_walk(vt.root, 0, GPU_DEVFN, WIN_VM1 + 0x2000, true,
	                          &hpa), VTD_OK);
	*(uint8_t *)(uintptr_t)hpa = 0xee;
	assert_int_equal(ram1[0x2000], 0xee);
	assert_int_equal(ram0[0x2000], (uint8_t)(0x2000 * 7 + 1));

	/* The hypervisor's window: scratch page at 0x1000, nothing else. */
	EXPECT_WALK(0, GPU_DEVFN, 0x1010, false, hs + 0x10);
	assert_int_equal(vtd_walk(vt.root, 0, GPU_DEVFN, 0x1010, false, &hpa),
	                 VTD_OK);
	assert_int_equal(*(uint8_t *)(uintptr_t)hpa, 0x5c);
	EXPECT_FAULT(0, GPU_DEVFN, 0, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 0x2000, true, VTD_FR_WRITE);

	/* Gaps: past VM 0's RAM, between the windows, past VM 1's RAM,
	 * the last byte of the 39-bit space; and beyond it. */
	EXPECT_FAULT(0, GPU_DEVFN, WIN_VM0 + VM_RAM, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, WIN_VM0 + VM_RAM, true, VTD_FR_WRITE);
	EXPECT_FAULT(0, GPU_DEVFN, WIN_VM0 - 1, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 48 * GIB1, true, VTD_FR_WRITE);
	EXPECT_FAULT(0, GPU_DEVFN, WIN_VM1 + VM_RAM, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, (1ull << 39) - 1, false, VTD_FR_READ);
	EXPECT_FAULT(0, GPU_DEVFN, 1ull << 39, false, VTD_FR_BEYOND_AGAW);

	/* Removing VM 1's window (the VM stops) leaves VM 0's intact. */
	assert_true(pt_unmap(&sl, WIN_VM1, VM_RAM));
	EXPECT_FAULT(0, GPU_DEVFN, WIN_VM1 + 0x2000, true, VTD_FR_WRITE);
	EXPECT_WALK(0, GPU_DEVFN, WIN_VM0 + 0x2000, true, hpa0 + 0x2000);
	/* Another function on the GPU's bus is not in this domain. */
	EXPECT_FAULT(0, GPU_DEVFN + 1, WIN_VM0, false, VTD_FR_CONTEXT_NOT_PRESENT);
}

#define T(f)     cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TBARE(f) cmocka_unit_test_setup_teardown(f, setup_bare, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_zeroed_root),
		TBARE(test_init_no_memory),
		T(test_context_raw_aw1_did5),
		T(test_context_raw_aw2_did5),
		T(test_context_raw_did_width),
		T(test_root_entry_raw),
		T(test_same_bus_shares_context_table),
		T(test_other_bus_own_context_table),
		T(test_bad_arguments_change_nothing),
		T(test_no_memory_for_context_table),
		T(test_replace_present_entry),
		T(test_clear),
		T(test_sl_raw_leaf_bits),
		T(test_sl_4level_non_leaf_bits),
		T(test_sl_3level_reach_is_512g),
		T(test_walk_4k_3level),
		T(test_walk_4k_4level),
		T(test_walk_2m),
		T(test_walk_1g),
		T(test_walk_1g_not_allowed_uses_2m),
		T(test_walk_large_page_reserved_low_bits_masked),
		T(test_walk_after_unmap),
		T(test_walk_domains_per_device),
		T(test_walk_read_only_page),
		T(test_walk_unmapped),
		T(test_walk_write_only_leaf),
		T(test_walk_non_leaf_permissions),
		T(test_fault_root_not_present),
		T(test_fault_context_not_present),
		T(test_fault_context_invalid_tt),
		T(test_fault_context_invalid_aw),
		T(test_fault_context_invalid_sl_root_0),
		T(test_fault_beyond_agaw_39),
		T(test_fault_beyond_agaw_48),
		T(test_fault_next_level_zero),
		T(test_fault_next_level_zero_4level),
		T(test_leaf_at_frame_0_is_fine),
		T(test_fault_reason_values),
		T(test_fault_names),
		T(test_vm_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
