/*
 * hv/palloc.h — the physical page allocator: a sorted array of free
 * ranges of 4 KiB pages, first-fit with alignment, merging on free,
 * double frees refused. Pure logic: it never touches the pages.
 */
#ifndef BAREGT_HV_PALLOC_H
#define BAREGT_HV_PALLOC_H

#include <stdint.h>

#define PAGE_SIZE          4096ull
#define PALLOC_MAX_RANGES  256

enum palloc_status {
	PALLOC_OK = 0,
	PALLOC_EINVAL,     /* zero pages, unaligned address, wrap-around */
	PALLOC_EOVERLAP,   /* overlaps free memory: double free / double add */
	PALLOC_EFULL,      /* no slot left in the range array */
};

struct palloc_range {
	uint64_t base;     /* HPA, page aligned */
	uint64_t npages;
};

struct palloc {
	unsigned n;
	struct palloc_range r[PALLOC_MAX_RANGES];
	uint64_t total_pages;  /* ever added */
	uint64_t free_pages;
};

void palloc_init(struct palloc *pa);

/* Hand free memory to the allocator (at boot). */
enum palloc_status palloc_add(struct palloc *pa, uint64_t hpa, uint64_t npages);

/*
 * npages contiguous pages whose HPA is a multiple of align_pages pages
 * (0 or 1: any). Returns the HPA, or 0 when nothing fits (HPA 0 is never
 * handed out: the first megabyte is not given to the allocator).
 */
uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align_pages);

enum palloc_status palloc_free(struct palloc *pa, uint64_t hpa, uint64_t npages);

/* Largest free run, in pages. */
uint64_t palloc_largest(const struct palloc *pa);

const char *palloc_status_str(enum palloc_status s);

#endif
