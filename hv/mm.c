/*
 * hv/mm.c — hands the boot map's free RAM to the page allocator.
 * Only MEM_FREE ranges are used: runtime-services, ACPI, loader (this
 * image, boot_info, loaded files) and boot-services ranges stay as they are.
 */
#include <string.h>
#include "hv/console.h"
#include "hv/mm.h"
#include "hv/panic.h"

struct palloc hv_palloc;

void mm_init(const struct boot_info *bi)
{
	unsigned i;

	palloc_init(&hv_palloc);
	for (i = 0; i < bi->nmem; i++) {
		const struct mem_range *r = &bi->mem[i];
		uint64_t base = r->base, end = r->base + r->npages * PAGE_SIZE;
		enum palloc_status s;

		if (r->type != MEM_FREE || end <= HV_LOW_RESERVED)
			continue;
		if (base < HV_LOW_RESERVED)
			base = HV_LOW_RESERVED;
		s = palloc_add(&hv_palloc, base, (end - base) / PAGE_SIZE);
		if (s != PALLOC_OK)
			log_warn("mm: free range %#llx+%#llx not used: %s",
			         (unsigned long long)base,
			         (unsigned long long)(end - base), palloc_status_str(s));
	}
}

void *mm_try_alloc_pages(uint64_t npages)
{
	uint64_t hpa = palloc_alloc(&hv_palloc, npages, 1);

	if (hpa)
		memset((void *)(uintptr_t)hpa, 0, npages * PAGE_SIZE);
	return (void *)(uintptr_t)hpa;
}

void *mm_alloc_pages(uint64_t npages)
{
	uint64_t hpa = palloc_alloc(&hv_palloc, npages, 1);

	if (!hpa)
		panic("mm: out of memory allocating %llu page(s)",
		      (unsigned long long)npages);
	memset((void *)(uintptr_t)hpa, 0, npages * PAGE_SIZE);
	return (void *)(uintptr_t)hpa;
}
