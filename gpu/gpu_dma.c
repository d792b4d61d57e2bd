/*
 * gpu/gpu_dma.c — the GPU's domain. The scratch page is mapped read-only:
 * a GGTT entry pointing there (a rejected guest entry) reads zeros and
 * cannot be used to pass data between VMs.
 */
#include "gpu/backend.h"
#include "gpu/gpu_dma.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "iommu/iommu.h"

static struct iommu_domain gpu_domain;
static uint8_t gpu_bus, gpu_devfn;
static bool gpu_domain_ready;

bool gpu_dma_init(const struct gpu_backend *be)
{
	void *scratch = mm_alloc_pages(1);
	int rmrrs;

	gpu_bus = be->bus;
	gpu_devfn = be->devfn;
	if (!iommu_domain_init(&gpu_domain, GPU_DOMAIN_ID, IOMMU_PAGES_ANY) ||
	    !iommu_domain_map(&gpu_domain, GPU_SCRATCH_IOVA,
	                      (uint64_t)(uintptr_t)scratch, PAGE_SIZE, false))
		return false;
	rmrrs = iommu_map_rmrrs(&gpu_domain, gpu_bus, gpu_devfn);
	if (rmrrs < 0 || !iommu_attach(&gpu_domain, gpu_bus, gpu_devfn) ||
	    !iommu_sync())
		return false;
	gpu_domain_ready = true;
	log_info("gpu: DMA domain %u for %02x:%02x.%x: scratch page at IOVA %#llx,"
	         " %d RMRR(s), one %lluG window per VM from IOVA %#llx%s",
	         GPU_DOMAIN_ID, gpu_bus, gpu_devfn >> 3, gpu_devfn & 7,
	         (unsigned long long)GPU_SCRATCH_IOVA, rmrrs,
	         (unsigned long long)(GPU_IOVA_WINDOW >> 30),
	         (unsigned long long)GPU_IOVA_WINDOW,
	         iommu_hardware() ? "" : " (tables only: no VT-d hardware)");
	return true;
}

bool gpu_dma_add_vm(unsigned vm_id, uint64_t ram_hpa, uint64_t ram_bytes,
                    uint64_t *iova_base)
{
	uint64_t base = GPU_IOVA_WINDOW * (vm_id + 1);

	if (!gpu_domain_ready || vm_id >= GPU_IOVA_MAX_VMS ||
	    ram_bytes > GPU_IOVA_WINDOW)
		return false;
	if (!iommu_domain_map(&gpu_domain, base, ram_hpa, ram_bytes, true) ||
	    !iommu_sync())
		return false;
	*iova_base = base;
	return true;
}

void gpu_dma_remove_vm(unsigned vm_id, uint64_t ram_bytes)
{
	if (!gpu_domain_ready || vm_id >= GPU_IOVA_MAX_VMS)
		return;
	iommu_domain_unmap(&gpu_domain, GPU_IOVA_WINDOW * (vm_id + 1), ram_bytes);
	iommu_sync();
}

bool gpu_dma_translate(void *ctx, uint64_t iova, bool write, uint64_t *hpa)
{
	(void)ctx;
	return iommu_translate(gpu_bus, gpu_devfn, iova, write, hpa) == VTD_OK;
}
