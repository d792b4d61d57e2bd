/*
 * hv/paging.c — 4-level page-table builder, translator and W^X checker.
 *
 * Levels are numbered as the SDM's structures: 4 = PML4, 3 = PDPT, 2 = PD,
 * 1 = PT. A level-L entry covers 4 KiB << 9·(L−1). Intermediate entries
 * are permissive (P|RW, no NX); the leaf carries the real permissions.
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

static uint64_t leaf_bits(unsigned flags, unsigned level)
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

static unsigned entry_flags(uint64_t e)
{
	return ((e & PTE_RW) ? PT_WRITE : 0) | ((e & PTE_NX) ? 0 : PT_EXEC) |
	       ((e & PTE_PCD) ? PT_UNCACHED : 0);
}

bool pt_init(struct pt *pt, pt_alloc_fn alloc, void *ctx, bool allow_1g)
{
	pt->alloc = alloc;
	pt->ctx = ctx;
	pt->allow_1g = allow_1g;
	pt->ntables = 0;
	pt->root = alloc(ctx);
	if (pt->root)
		pt->ntables = 1;
	return pt->root != 0;
}

static uint64_t pt_new_table(struct pt *pt)
{
	uint64_t t = pt->alloc(pt->ctx);

	if (t)
		pt->ntables++;
	return t;
}

/* Replace the large leaf *e (at level) by a table of 512 smaller leaves. */
static bool pt_split(struct pt *pt, uint64_t *e, unsigned level)
{
	uint64_t t = pt_new_table(pt), *child, sub = level_size(level - 1);
	uint64_t base = *e & PTE_ADDR & ~(level_size(level) - 1);
	uint64_t bits = leaf_bits(entry_flags(*e), level - 1);
	unsigned i;

	if (!t)
		return false;
	child = pt_table(t);
	for (i = 0; i < PT_ENTRIES; i++)
		child[i] = (base + i * sub) | bits;
	*e = t | PTE_P | PTE_RW;
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
		bool leaf_ok = level == 1 || level == 2 ||
		               (level == 3 && pt->allow_1g);

		if (chunk > size)
			chunk = size;
		if (chunk == psize && leaf_ok && (pa & (psize - 1)) == 0 &&
		    (!(*e & PTE_P) || is_leaf(*e, level))) {
			*e = unmap ? 0 : (pa | leaf_bits(flags, level));
		} else if (!(*e & PTE_P) && unmap) {
			/* nothing mapped here */
		} else {
			if (!(*e & PTE_P)) {
				uint64_t t = pt_new_table(pt);
				if (!t)
					return false;
				*e = t | PTE_P | PTE_RW;
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

bool pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size,
            unsigned flags)
{
	if ((va | pa | size) & 4095)
		return false;
	return pt_apply(pt, pt->root, PT_LEVELS, va, pa, size, flags, false);
}

bool pt_unmap(struct pt *pt, uint64_t va, uint64_t size)
{
	if ((va | size) & 4095)
		return false;
	/* pa = va keeps the alignment tests of pt_apply meaningful. */
	return pt_apply(pt, pt->root, PT_LEVELS, va, va, size, 0, true);
}

bool pt_translate(const struct pt *pt, uint64_t va, uint64_t *pa,
                  unsigned *flags)
{
	uint64_t table = pt->root, e = 0;
	bool writable = true, exec = true;
	unsigned level;

	for (level = PT_LEVELS; level >= 1; level--) {
		e = pt_table(table)[(va / level_size(level)) % PT_ENTRIES];
		if (!(e & PTE_P))
			return false;
		writable = writable && (e & PTE_RW);
		exec = exec && !(e & PTE_NX);
		if (is_leaf(e, level))
			break;
		table = e & PTE_ADDR;
	}
	*pa = (e & PTE_ADDR & ~(level_size(level) - 1)) |
	      (va & (level_size(level) - 1));
	*flags = (writable ? PT_WRITE : 0) | (exec ? PT_EXEC : 0) |
	         ((e & PTE_PCD) ? PT_UNCACHED : 0);
	return true;
}

/* Recursive leaf walk carrying the permissions of the levels above. */
static bool pt_walk_wx(uint64_t table, unsigned level, uint64_t va_base,
                       bool w, bool x, uint64_t *bad, struct pt_stats *st)
{
	unsigned i;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = pt_table(table)[i];
		uint64_t va = va_base + i * level_size(level);
		bool lw = w && (e & PTE_RW), lx = x && !(e & PTE_NX);

		if (level == PT_LEVELS && i >= 256)
			va |= 0xffff000000000000ull;    /* canonical upper half */
		if (!(e & PTE_P))
			continue;
		if (is_leaf(e, level)) {
			if (st)
				*(level == 1 ? &st->pages_4k :
				  level == 2 ? &st->pages_2m : &st->pages_1g) += 1;
			if (lw && lx) {
				*bad = va;
				return false;
			}
		} else if (!pt_walk_wx(e & PTE_ADDR, level - 1, va, lw, lx, bad, st)) {
			return false;
		}
	}
	return true;
}

bool pt_check_wx(const struct pt *pt, uint64_t *va, struct pt_stats *st)
{
	if (st)
		memset(st, 0, sizeof(*st));
	return pt_walk_wx(pt->root, PT_LEVELS, 0, true, true, va, st);
}
