/*
 * hv/paging.c — 4-level page-table builder, translator and W^X checker.
 *
 * Levels are numbered as the SDM's structures: 4 = PML4, 3 = PDPT, 2 = PD,
 * 1 = PT. A level-L entry covers 4 KiB << 9·(L−1). Intermediate entries
 * are permissive (x86: P|RW, no NX; EPT: R|W|X); the leaf carries the real
 * permissions and the memory type.
 */
#include <string.h>
#include "hv/paging.h"

static uint64_t *pt_table(uint64_t hpa)
{
	return (uint64_t *)(uintptr_t)(hpa & PTE_ADDR);
}

static uint64_t level_size(unsigned level)
{
	return 4096ull << (9 * (level - 1));
}

static bool is_leaf(uint64_t e, unsigned level)
{
	return level == 1 || (e & PTE_PS);
}

static uint64_t x86_leaf(unsigned flags, unsigned level)
{
	uint64_t e = PTE_P;

	if (flags & PT_WRITE)
		e |= PTE_RW;
	if (!(flags & PT_EXEC))
		e |= PTE_NX;
	if (flags & PT_UNCACHED)
		e |= PTE_PCD | PTE_PWT;
	if (level > 1)
		e |= PTE_PS;
	return e;
}

static unsigned x86_flags(uint64_t e)
{
	return ((e & PTE_RW) ? PT_WRITE : 0) | ((e & PTE_NX) ? 0 : PT_EXEC) |
	       ((e & PTE_PCD) ? PT_UNCACHED : 0);
}

/* EPT leaves are always readable (R=0 with W=1 is a misconfiguration). */
static uint64_t ept_leaf(unsigned flags, unsigned level)
{
	uint64_t e = EPTE_R;

	if (flags & PT_WRITE)
		e |= EPTE_W;
	if (flags & PT_EXEC)
		e |= EPTE_X;
	e |= ((flags & PT_UNCACHED) ? EPT_MT_UC : EPT_MT_WB) << EPTE_MT_SHIFT;
	if (level > 1)
		e |= PTE_PS;
	return e;
}

static unsigned ept_flags(uint64_t e)
{
	return ((e & EPTE_W) ? PT_WRITE : 0) | ((e & EPTE_X) ? PT_EXEC : 0) |
	       (((e >> EPTE_MT_SHIFT) & 7) == EPT_MT_UC ? PT_UNCACHED : 0);
}

const struct pt_format pt_format_x86 = {
	.name = "x86", .present = PTE_P, .table = PTE_P | PTE_RW,
	.leaf = x86_leaf, .flags = x86_flags,
};

const struct pt_format pt_format_ept = {
	.name = "ept", .present = EPTE_R | EPTE_W | EPTE_X,
	.table = EPTE_R | EPTE_W | EPTE_X,
	.leaf = ept_leaf, .flags = ept_flags,
};

/* VT-d second-level entries (VTD-FACTS §5): R bit 0, W bit 1, PS bit 7;
 * no execute or memory-type bits in legacy mode. */
static uint64_t vtd_leaf(unsigned flags, unsigned level)
{
	uint64_t e = VTDE_R;

	if (flags & PT_WRITE)
		e |= VTDE_W;
	if (level > 1)
		e |= PTE_PS;
	return e;
}

static unsigned vtd_flags(uint64_t e)
{
	/* Execute has no meaning for DMA: report it so that the effective
	 * rights (an AND over the levels) come down to W alone. */
	return ((e & VTDE_W) ? PT_WRITE : 0) | PT_EXEC;
}

const struct pt_format pt_format_vtd = {
	.name = "vtd", .present = VTDE_R | VTDE_W, .table = VTDE_R | VTDE_W,
	.leaf = vtd_leaf, .flags = vtd_flags,
};

static bool present(const struct pt *pt, uint64_t e)
{
	return (e & pt->fmt->present) != 0;
}

#define PT_PAGE_BYTES (PT_ENTRIES * sizeof(uint64_t))

/* Every store into a table goes through here, so a table whose reader
 * does not snoop (pt->written set) hears of each one; the test is one
 * predictable branch for every other table. */
static void pt_store(struct pt *pt, uint64_t *e, uint64_t v)
{
	*e = v;
	if (pt->written)
		pt->written(pt->written_ctx, e, sizeof(*e));
}

static void pt_table_written(const struct pt *pt, uint64_t table)
{
	if (pt->written)
		pt->written(pt->written_ctx, pt_table(table), PT_PAGE_BYTES);
}

void pt_set_written_hook(struct pt *pt, pt_written_fn fn, void *ctx)
{
	pt->written = fn;
	pt->written_ctx = ctx;
	if (pt->root)
		pt_table_written(pt, pt->root);
}

bool pt_init(struct pt *pt, pt_alloc_fn alloc, void *ctx, bool allow_1g)
{
	return pt_init_format(pt, &pt_format_x86, alloc, ctx, allow_1g);
}

bool pt_init_format(struct pt *pt, const struct pt_format *fmt,
                    pt_alloc_fn alloc, void *ctx, bool allow_1g)
{
	return pt_init_levels(pt, fmt, PT_LEVELS, alloc, ctx, allow_1g);
}

bool pt_init_levels(struct pt *pt, const struct pt_format *fmt, unsigned levels,
                    pt_alloc_fn alloc, void *ctx, bool allow_1g)
{
	if (levels < 3 || levels > PT_LEVELS)
		return false;
	pt->levels = levels;
	pt->fmt = fmt;
	pt->alloc = alloc;
	pt->ctx = ctx;
	pt->allow_1g = allow_1g;
	pt->allow_2m = true;
	pt->ntables = 0;
	pt->written = NULL;
	pt->written_ctx = NULL;
	pt->root = alloc(ctx);
	if (pt->root)
		pt->ntables = 1;
	return pt->root != 0;
}

/* A zeroed table. report: tell the hook of the whole page now (before
 * anything points at it); pt_split reports it once it is filled. */
static uint64_t pt_new_table(struct pt *pt, bool report)
{
	uint64_t t = pt->alloc(pt->ctx);

	if (t) {
		pt->ntables++;
		if (report)
			pt_table_written(pt, t);
	}
	return t;
}

/* Replace the large leaf *e (at level) by a table of 512 smaller leaves. */
static bool pt_split(struct pt *pt, uint64_t *e, unsigned level)
{
	uint64_t t = pt_new_table(pt, false), *child, sub = level_size(level - 1);
	uint64_t base = *e & PTE_ADDR & ~(level_size(level) - 1);
	uint64_t bits = pt->fmt->leaf(pt->fmt->flags(*e), level - 1);
	unsigned i;

	if (!t)
		return false;
	child = pt_table(t);
	for (i = 0; i < PT_ENTRIES; i++)
		child[i] = (base + i * sub) | bits;
	pt_table_written(pt, t);          /* the child is full before it is linked */
	pt_store(pt, e, t | pt->fmt->table);
	return true;
}

/* Map (or, with unmap, clear) [va, va+size) within the table at level. */
static bool pt_apply(struct pt *pt, uint64_t table, unsigned level, uint64_t va,
                     uint64_t pa, uint64_t size, unsigned flags, bool unmap)
{
	uint64_t psize = level_size(level);

	while (size) {
		uint64_t *e = &pt_table(table)[(va / psize) % PT_ENTRIES];
		uint64_t chunk = psize - (va & (psize - 1));
		bool leaf_ok = level == 1 || (level == 2 && pt->allow_2m) ||
		               (level == 3 && pt->allow_1g && pt->allow_2m);

		if (chunk > size)
			chunk = size;
		if (chunk == psize && leaf_ok && (pa & (psize - 1)) == 0 &&
		    (!present(pt, *e) || is_leaf(*e, level))) {
			pt_store(pt, e, unmap ? 0 : (pa | pt->fmt->leaf(flags, level)));
		} else if (!present(pt, *e) && unmap) {
			/* nothing mapped here */
		} else {
			if (!present(pt, *e)) {
				uint64_t t = pt_new_table(pt, true);
				if (!t)
					return false;
				pt_store(pt, e, t | pt->fmt->table);
			} else if (is_leaf(*e, level) && !pt_split(pt, e, level)) {
				return false;
			}
			if (!pt_apply(pt, *e & PTE_ADDR, level - 1, va, pa, chunk,
			              flags, unmap))
				return false;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return true;
}

/* Does [va, va + size) fit in what the top table covers? */
static bool pt_in_reach(const struct pt *pt, uint64_t va, uint64_t size)
{
	uint64_t reach = level_size(pt->levels) * PT_ENTRIES;

	return pt->levels == PT_LEVELS || (va < reach && size <= reach - va);
}

bool pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size,
            unsigned flags)
{
	if (((va | pa | size) & 4095) || !pt_in_reach(pt, va, size))
		return false;
	return pt_apply(pt, pt->root, pt->levels, va, pa, size, flags, false);
}

bool pt_unmap(struct pt *pt, uint64_t va, uint64_t size)
{
	if (((va | size) & 4095) || !pt_in_reach(pt, va, size))
		return false;
	/* pa = va keeps the alignment tests of pt_apply meaningful. */
	return pt_apply(pt, pt->root, pt->levels, va, va, size, 0, true);
}

bool pt_translate(const struct pt *pt, uint64_t va, uint64_t *pa,
                  unsigned *flags)
{
	uint64_t table = pt->root, e = 0;
	unsigned level, allowed = PT_WRITE | PT_EXEC;

	for (level = pt->levels; level >= 1; level--) {
		e = pt_table(table)[(va / level_size(level)) % PT_ENTRIES];
		if (!present(pt, e))
			return false;
		allowed &= pt->fmt->flags(e);
		if (is_leaf(e, level))
			break;
		table = e & PTE_ADDR;
	}
	*pa = (e & PTE_ADDR & ~(level_size(level) - 1)) |
	      (va & (level_size(level) - 1));
	*flags = allowed | (pt->fmt->flags(e) & PT_UNCACHED);
	return true;
}

/* Recursive leaf walk carrying the permissions of the levels above. */
static bool pt_walk(const struct pt *pt, uint64_t table, unsigned level,
                    uint64_t va_base, unsigned allowed, pt_leaf_fn fn, void *ctx)
{
	unsigned i;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = pt_table(table)[i];
		uint64_t va = va_base + i * level_size(level);
		unsigned f = allowed & pt->fmt->flags(e);

		if (level == 4 && pt->levels == 4 && i >= 256)
			va |= 0xffff000000000000ull;    /* canonical upper half */
		if (!present(pt, e))
			continue;
		if (is_leaf(e, level)) {
			uint64_t size = level_size(level);
			if (!fn(ctx, va, e & PTE_ADDR & ~(size - 1), size,
			        f | (pt->fmt->flags(e) & PT_UNCACHED)))
				return false;
		} else if (!pt_walk(pt, e & PTE_ADDR, level - 1, va, f, fn, ctx)) {
			return false;
		}
	}
	return true;
}

bool pt_for_each_leaf(const struct pt *pt, pt_leaf_fn fn, void *ctx)
{
	return pt_walk(pt, pt->root, pt->levels, 0, PT_WRITE | PT_EXEC, fn, ctx);
}

struct wx_state {
	struct pt_stats *st;
	uint64_t bad;
};

static bool wx_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t size,
                    unsigned flags)
{
	struct wx_state *w = ctx;

	(void)pa;
	if (w->st)
		*(size == level_size(1) ? &w->st->pages_4k :
		  size == level_size(2) ? &w->st->pages_2m : &w->st->pages_1g) += 1;
	if ((flags & PT_WRITE) && (flags & PT_EXEC)) {
		w->bad = va;
		return false;
	}
	return true;
}

bool pt_check_wx(const struct pt *pt, uint64_t *va, struct pt_stats *st)
{
	struct wx_state w = { st, 0 };
	bool ok;

	if (st)
		memset(st, 0, sizeof(*st));
	ok = pt_for_each_leaf(pt, wx_leaf, &w);
	if (!ok)
		*va = w.bad;
	return ok;
}

static void pt_free_tables(struct pt *pt, uint64_t table, unsigned level,
                           pt_free_fn free_fn, void *ctx)
{
	unsigned i;

	for (i = 0; level > 1 && i < PT_ENTRIES; i++) {
		uint64_t e = pt_table(table)[i];
		if (present(pt, e) && !is_leaf(e, level))
			pt_free_tables(pt, e & PTE_ADDR, level - 1, free_fn, ctx);
	}
	free_fn(ctx, table);
	pt->ntables--;
}

void pt_destroy(struct pt *pt, pt_free_fn free_fn, void *ctx)
{
	if (pt->root)
		pt_free_tables(pt, pt->root, pt->levels, free_fn, ctx);
	pt->root = 0;
}
