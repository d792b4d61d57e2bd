/*
 * hv/mmu.h — the hypervisor's own address space (hv/mmu.c): the identity
 * map it runs on (W^X, checked), device registers mapped uncached, the
 * firmware's view for runtime-service calls, stacks with guard pages.
 */
#ifndef BAREGT_HV_MMU_H
#define BAREGT_HV_MMU_H

#include <stdint.h>
#include "hv/boot_info.h"

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
