/*
 * gpu/gpu_dma.c — the GPU's domain and the mode of its DMA addresses
 * (gpu/gpu_dma.h). The scratch page is mapped read-only: a GGTT entry
 * pointing there (every entry no VM maps) reads zeros, and a write
 * through it is a DMA fault (logged: the VT-d unit's fault records on
 * hardware, gpu_dma_translate for the model), so it cannot carry data
 * between VMs.
 */
#include <stdio.h>
#include "gpu/gen9_ids.h"
#include "gpu/gpu_dma.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "iommu/iommu.h"

#define FAULTS_LOGGED  4

typedef unsigned long long ull;

static struct iommu_domain gpu_domain;
static uint8_t gpu_bus, gpu_devfn;
static bool gpu_domain_ready;
static enum gpu_dma_mode gpu_mode = GPU_DMA_REFUSED;
static uint64_t gpu_scratch_hpa, gpu_scratch_addr;
static uint64_t gpu_faults;

/* Who owns which part of the domain: each VM's window, for faults. */
static struct gpu_dma_window {
	bool used;
	uint64_t base, size;
	const char *vm_name;
	uint64_t faults;
} gpu_windows[GPU_IOVA_MAX_VMS];

static struct gpu_dma_window *window_of(uint64_t iova)
{
	unsigned i;

	for (i = 0; i < GPU_IOVA_MAX_VMS; i++)
		if (gpu_windows[i].used && iova >= gpu_windows[i].base &&
		    iova - gpu_windows[i].base < gpu_windows[i].size)
			return &gpu_windows[i];
	return NULL;
}

/* The IOMMU's fault poll asks whose a fault is (iommu/iommu.h): the VM
 * whose window the GPU's IOVA falls in (counted for its report), or NULL
 * (another device, the scratch page, no window). */
static const char *gpu_dma_fault_owner(void *ctx, uint16_t sid, uint64_t iova)
{
	struct gpu_dma_window *w;

	(void)ctx;
	if (sid != ((uint16_t)gpu_bus << 8 | gpu_devfn))
		return NULL;
	w = window_of(iova);
	if (!w)
		return NULL;
	w->faults++;
	return w->vm_name;
}

bool gpu_dma_init(uint8_t bus, uint8_t devfn, const struct gen9_device *dev)
{
	bool big = gen9_superpages_ok(dev);
	int rmrrs;

	gpu_bus = bus;
	gpu_devfn = devfn;
	gpu_scratch_hpa = (uint64_t)(uintptr_t)mm_alloc_pages(1);
	/* 4 KiB pages where the GPU's VT-d unit has trouble with superpages
	 * (Skylake; docs/hardware.md "The GPU"). */
	if (!iommu_domain_init(&gpu_domain, GPU_DOMAIN_ID,
	                       big ? IOMMU_PAGES_ANY : IOMMU_PAGES_4K))
		return false;
	rmrrs = iommu_map_rmrrs(&gpu_domain, gpu_bus, gpu_devfn);
	if (rmrrs < 0 || !iommu_attach(&gpu_domain, gpu_bus, gpu_devfn) ||
	    !iommu_sync())
		return false;
	gpu_domain_ready = true;
	iommu_set_fault_owner(gpu_dma_fault_owner, NULL);
	log_info("gpu: DMA domain %u for %02x:%02x.%x: %s pages (%s), %d RMRR(s)%s",
	         GPU_DOMAIN_ID, gpu_bus, gpu_devfn >> 3, gpu_devfn & 7,
	         big ? "superpages allowed" : "4K", gen9_platform_name(dev->platform),
	         rmrrs, iommu_hardware() ? "" : " (tables only: no VT-d hardware)");
	return true;
}

enum gpu_dma_mode gpu_dma_start(bool hardware, enum gpu_dma_choice choice)
{
	struct gpu_dma_facts f = {
		hardware, iommu_translates(gpu_bus, gpu_devfn), choice,
		gpu_bus, gpu_devfn,
	};
	char msg[GPU_DMA_MSG_MAX];

	gpu_mode = GPU_DMA_REFUSED;
	if (!gpu_domain_ready)
		return gpu_mode;
	switch (gpu_dma_decide(&f, msg, sizeof(msg))) {
	case GPU_DMA_REFUSED:
		log_error("gpu: %s", msg);
		return gpu_mode;
	case GPU_DMA_IOVA:
		log_info("gpu: %s", msg);
		gpu_scratch_addr = GPU_SCRATCH_IOVA;
		gpu_mode = GPU_DMA_IOVA;
		break;
	case GPU_DMA_HPA:
		log_warn("gpu: %s", msg);
		gpu_scratch_addr = gpu_scratch_hpa;
		gpu_mode = GPU_DMA_HPA;
		break;
	}
	if (!iommu_domain_map(&gpu_domain, gpu_scratch_addr, gpu_scratch_hpa,
	                      PAGE_SIZE, false) || !iommu_sync()) {
		log_error("gpu: cannot map the scratch page in the GPU's domain");
		gpu_mode = GPU_DMA_REFUSED;
		return gpu_mode;
	}
	if (gpu_mode == GPU_DMA_IOVA)
		log_info("gpu: scratch page at IOVA %#llx (read-only), one %lluG"
		         " window per VM from IOVA %#llx", (ull)gpu_scratch_addr,
		         (ull)(GPU_IOVA_WINDOW >> 30), (ull)GPU_IOVA_WINDOW);
	else
		log_info("gpu: scratch page at HPA %#llx (read-only), each VM's"
		         " window at its RAM's HPA", (ull)gpu_scratch_addr);
	return gpu_mode;
}

enum gpu_dma_mode gpu_dma_mode(void)
{
	return gpu_mode;
}

uint64_t gpu_dma_scratch(void)
{
	return gpu_scratch_addr;
}

bool gpu_dma_add_vm(unsigned vm_id, const char *vm_name, uint64_t ram_hpa,
                    uint64_t ram_bytes, uint64_t *iova_base, char *err,
                    size_t errlen)
{
	uint64_t base;

	switch (gpu_mode) {
	case GPU_DMA_REFUSED:
		snprintf(err, errlen, "vGPUs are refused: the GPU's DMA would not"
		         " be isolated (the 'gpu:' error above says why)");
		return false;
	case GPU_DMA_IOVA:
		if (vm_id >= GPU_IOVA_MAX_VMS || ram_bytes > GPU_IOVA_WINDOW) {
			snprintf(err, errlen, "no IOVA window (a vGPU VM has at most"
			         " %lluG of RAM; at most %u vGPUs)",
			         (ull)(GPU_IOVA_WINDOW >> 30), GPU_IOVA_MAX_VMS);
			return false;
		}
		base = GPU_IOVA_WINDOW * (vm_id + 1);
		break;
	case GPU_DMA_HPA:
	default:
		if (ram_hpa + ram_bytes > GPU_DMA_REACH) {
			snprintf(err, errlen, "its RAM at HPA %#llx lies beyond the"
			         " GPU's 39-bit DMA addresses", (ull)ram_hpa);
			return false;
		}
		base = ram_hpa;
		break;
	}
	if (vm_id >= GPU_IOVA_MAX_VMS) {
		snprintf(err, errlen, "at most %u vGPUs", GPU_IOVA_MAX_VMS);
		return false;
	}
	if (!iommu_domain_map(&gpu_domain, base, ram_hpa, ram_bytes, true) ||
	    !iommu_sync()) {
		snprintf(err, errlen, "cannot map its RAM in the GPU's domain");
		return false;
	}
	gpu_windows[vm_id] = (struct gpu_dma_window){ true, base, ram_bytes,
	                                              vm_name, 0 };
	*iova_base = base;
	return true;
}

void gpu_dma_remove_vm(uint64_t iova_base, uint64_t ram_bytes)
{
	struct gpu_dma_window *w = window_of(iova_base);

	if (!gpu_domain_ready)
		return;
	iommu_domain_unmap(&gpu_domain, iova_base, ram_bytes);
	iommu_sync();
	if (w)
		w->used = false;
}

uint64_t gpu_dma_faults_of(uint64_t iova_base)
{
	struct gpu_dma_window *w = window_of(iova_base);

	return w ? w->faults : 0;
}

bool gpu_dma_translate(void *ctx, uint64_t iova, bool write, uint64_t *hpa)
{
	enum vtd_fault f = iommu_translate(gpu_bus, gpu_devfn, iova, write, hpa);
	const char *owner;

	(void)ctx;
	if (f == VTD_OK)
		return true;
	owner = gpu_dma_fault_owner(NULL, (uint16_t)gpu_bus << 8 | gpu_devfn, iova);
	if (gpu_faults++ < FAULTS_LOGGED)
		log_warn("gpu: DMA fault: %02x:%02x.%x %s at IOVA %#llx: %s%s%s%s%s",
		         gpu_bus, gpu_devfn >> 3, gpu_devfn & 7,
		         write ? "write" : "read", (ull)iova, vtd_fault_name(f),
		         owner ? " (vm '" : "", owner ? owner : "", owner ? "')" : "",
		         gpu_faults == FAULTS_LOGGED ? " (further faults counted,"
		         " not logged)" : "");
	return false;
}
