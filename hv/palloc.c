/*
 * hv/palloc.c — free-range allocator for physical pages.
 *
 * Free memory is kept as a sorted array of disjoint, non-touching ranges.
 * Allocation splits a range (head and tail may both remain, which is the
 * only way the array grows); freeing inserts and merges with neighbours.
 */
#include <string.h>
#include "hv/palloc.h"

void palloc_init(struct palloc *pa)
{
	memset(pa, 0, sizeof(*pa));
}

static uint64_t range_end(const struct palloc_range *r)
{
	return r->base + r->npages * PAGE_SIZE;
}

static void palloc_remove_at(struct palloc *pa, unsigned i)
{
	memmove(&pa->r[i], &pa->r[i + 1], (pa->n - i - 1) * sizeof(pa->r[0]));
	pa->n--;
}

/* Insert [hpa, hpa + npages) as free; merges; refuses overlap. */
static enum palloc_status palloc_insert(struct palloc *pa, uint64_t hpa,
                                        uint64_t npages)
{
	uint64_t end;
	unsigned i;

	if (npages == 0 || (hpa & (PAGE_SIZE - 1)) ||
	    npages > (UINT64_MAX - hpa) / PAGE_SIZE)
		return PALLOC_EINVAL;
	end = hpa + npages * PAGE_SIZE;
	for (i = 0; i < pa->n && pa->r[i].base < hpa; i++)
		;
	/* i: first range starting at or after hpa. */
	if (i > 0 && range_end(&pa->r[i - 1]) > hpa)
		return PALLOC_EOVERLAP;
	if (i < pa->n && pa->r[i].base < end)
		return PALLOC_EOVERLAP;
	if (i > 0 && range_end(&pa->r[i - 1]) == hpa) {
		pa->r[i - 1].npages += npages;
		if (i < pa->n && pa->r[i].base == end) {
			pa->r[i - 1].npages += pa->r[i].npages;
			palloc_remove_at(pa, i);
		}
	} else if (i < pa->n && pa->r[i].base == end) {
		pa->r[i].base = hpa;
		pa->r[i].npages += npages;
	} else {
		if (pa->n >= PALLOC_MAX_RANGES)
			return PALLOC_EFULL;
		memmove(&pa->r[i + 1], &pa->r[i], (pa->n - i) * sizeof(pa->r[0]));
		pa->r[i].base = hpa;
		pa->r[i].npages = npages;
		pa->n++;
	}
	pa->free_pages += npages;
	return PALLOC_OK;
}

enum palloc_status palloc_add(struct palloc *pa, uint64_t hpa, uint64_t npages)
{
	enum palloc_status s = palloc_insert(pa, hpa, npages);

	if (s == PALLOC_OK)
		pa->total_pages += npages;
	return s;
}

enum palloc_status palloc_free(struct palloc *pa, uint64_t hpa, uint64_t npages)
{
	return palloc_insert(pa, hpa, npages);
}

uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align_pages)
{
	uint64_t align = (align_pages > 1 ? align_pages : 1) * PAGE_SIZE;
	unsigned i;

	if (npages == 0 || (align & (align - 1)))
		return 0;
	for (i = 0; i < pa->n; i++) {
		struct palloc_range *r = &pa->r[i];
		uint64_t start = (r->base + align - 1) & ~(align - 1);
		uint64_t head, tail;

		if (start < r->base || start >= range_end(r))
			continue;
		head = (start - r->base) / PAGE_SIZE;
		if (r->npages - head < npages)
			continue;
		tail = r->npages - head - npages;
		if (head && tail) {
			/* Split in three: needs one more slot. */
			if (pa->n >= PALLOC_MAX_RANGES)
				continue;
			memmove(&pa->r[i + 2], &pa->r[i + 1],
			        (pa->n - i - 1) * sizeof(pa->r[0]));
			pa->n++;
			pa->r[i + 1].base = start + npages * PAGE_SIZE;
			pa->r[i + 1].npages = tail;
			r->npages = head;
		} else if (head) {
			r->npages = head;
		} else if (tail) {
			r->base = start + npages * PAGE_SIZE;
			r->npages = tail;
		} else {
			palloc_remove_at(pa, i);
		}
		pa->free_pages -= npages;
		return start;
	}
	return 0;
}

uint64_t palloc_largest(const struct palloc *pa)
{
	uint64_t best = 0;
	unsigned i;

	for (i = 0; i < pa->n; i++)
		if (pa->r[i].npages > best)
			best = pa->r[i].npages;
	return best;
}

const char *palloc_status_str(enum palloc_status s)
{
	switch (s) {
	case PALLOC_OK:       return "ok";
	case PALLOC_EINVAL:   return "invalid range";
	case PALLOC_EOVERLAP: return "overlaps free memory (double free?)";
	case PALLOC_EFULL:    return "range table full";
	}
	return "?";
}
