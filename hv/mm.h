/*
 * hv/mm.h — the core's memory: the physical page allocator over the boot
 * memory map, and the hypervisor's own address space (hv/mmu.c).
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

/*
 * Build the identity map (docs/boot.md), check that no mapping is both
 * writable and executable, then load it (EFER.NXE, CR0.WP, CR3).
 */
void mmu_init(const struct boot_info *bi);

/* Map device registers [hpa, hpa + size) uncached, no-execute, in the
 * hypervisor's page tables (and the firmware's view). */
void mmu_map_mmio(uint64_t hpa, uint64_t size);

/* CR3 to load around a UEFI runtime-service call (hv/mmu.c explains). */
uint64_t mmu_firmware_cr3(void);

/* A stack of HV_STACK_PAGES with an unmapped guard page below; its top. */
uint64_t mmu_alloc_stack(void);

#endif
