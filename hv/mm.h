/*
 * hv/mm.h — the core's memory: the physical page allocator over the boot
 * memory map (hv/mm.c over hv/palloc.c). The hypervisor's own address
 * space is hv/mmu.h.
 */
#ifndef BAREGT_HV_MM_H
#define BAREGT_HV_MM_H

#include <stdint.h>
#include "hv/boot_info.h"
#include "hv/palloc.h"
#include "hv/paging.h"

#define HV_LOW_RESERVED   (1ull << 20)  /* first MiB: never allocated */
#define HV_STACK_PAGES    16

extern struct palloc hv_palloc;
extern struct pt hv_pt;

/* Free RAM from the boot map into hv_palloc. */
void mm_init(const struct boot_info *bi);

/* npages zeroed pages (HPA == HVA), or panic: for the hypervisor's own
 * structures before the first VM runs (docs/architecture.md, "Failure
 * policy"). */
void *mm_alloc_pages(uint64_t npages);
/* The same, or NULL: for anything built for one VM, whose failure must
 * stop only that VM. */
void *mm_try_alloc_pages(uint64_t npages);

#endif
