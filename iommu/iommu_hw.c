/*
 * iommu/iommu_hw.c — the machine behind iommu.c's struct iommu_platform:
 * a unit's registers mapped uncached and reached with volatile loads and
 * stores, pages from the hypervisor's allocator (identity-mapped, so the
 * HPA is the pointer), and CLFLUSH.
 */
#include <string.h>
#include "hv/acpi.h"
#include "hv/mm.h"
#include "hv/mmu.h"
#include "iommu/iommu.h"

#define CACHE_LINE 64u

static uint32_t hw_read32(void *ctx, uint32_t off)
{
	return *(volatile uint32_t *)((uintptr_t)ctx + off);
}

static uint64_t hw_read64(void *ctx, uint32_t off)
{
	return *(volatile uint64_t *)((uintptr_t)ctx + off);
}

static void hw_write32(void *ctx, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)((uintptr_t)ctx + off) = v;
}

static void hw_write64(void *ctx, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)((uintptr_t)ctx + off) = v;
}

static bool hw_map_unit(void *ctx, uint64_t base, uint64_t size,
                        struct vtd_mmio *out)
{
	(void)ctx;
	mmu_map_mmio(base, size);
	*out = (struct vtd_mmio){ hw_read32, hw_write32, hw_read64, hw_write64,
	                          (void *)(uintptr_t)base };
	return true;
}

static uint64_t hw_alloc_page(void *ctx)
{
	uint64_t hpa = palloc_alloc(&hv_palloc, 1, 1);

	(void)ctx;
	if (hpa)
		memset((void *)(uintptr_t)hpa, 0, PAGE_SIZE);
	return hpa;
}

/*
 * Write back the cache lines of [p, p + len) for units whose walks do
 * not snoop (ECAP.C = 0; VTD-FACTS §8 "Non-coherent walks"): CLFLUSH of
 * exactly the lines that changed, then MFENCE so the invalidation that
 * follows cannot overtake them (SDM Vol. 2A, CLFLUSH: ordered with
 * fences and with stores to the same line). This replaces the WBINVD
 * iommu_sync used to do. No WBINVD is left anywhere: every table write
 * goes through the written hooks of hv/paging.c and iommu/vtd_tables.c,
 * the queue's descriptors through iommu/vtd.c, and the unit's own
 * writes (the wait status) are snooped.
 */
static void hw_flush(void *ctx, const void *p, size_t len)
{
	const uint8_t *c = (const uint8_t *)((uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1));

	(void)ctx;
	for (; c < (const uint8_t *)p + len; c += CACHE_LINE)
		__asm__ __volatile__("clflush %0" : : "m"(*c) : "memory");
	__asm__ __volatile__("mfence" : : : "memory");
}

static const struct iommu_platform hw_platform = {
	.map_unit = hw_map_unit,
	.alloc_page = hw_alloc_page,
	.flush = hw_flush,
	.ctx = NULL,
};

bool iommu_init(const struct acpi_info *ai, bool registers_only)
{
	const struct acpi_table_ref *t = ai ? acpi_find(ai, "DMAR") : NULL;

	return iommu_init_platform(&hw_platform,
	                           t ? (const void *)(uintptr_t)t->hpa : NULL,
	                           t ? t->length : 0, registers_only);
}
