/*
 * gpu/backend.c — choosing the backend: the hardware one when this
 * machine has a Gen9 GPU, else the software model of the GT (gpu/model.c)
 * with its DMA through the GPU's IOMMU domain. The model stands at the
 * GPU's usual address, 00:02.0, for the IOMMU tables.
 */
#include "gpu/backend.h"
#include "gpu/gen9.h"
#include "gpu/gpu_dma.h"
#include "gpu/model.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "hv/pci.h"

#define MODEL_APERTURE  (1ull << 30)      /* docs/vgpu.md */
#define MODEL_GGTT      (4ull << 30)
#define MODEL_DEVICE    0x1912

static struct gpu_backend gpu_be;
static struct gpu_model gpu_model;

static bool model_aperture(void *ctx, uint64_t off, unsigned size, bool write,
                           uint64_t *value)
{
	return gpu_model_aperture_access(ctx, off, size, write, value);
}

static bool gpu_model_start(struct gpu_backend *be)
{
	uint64_t nentries = MODEL_GGTT / 4096;

	gpu_model_init(&gpu_model, mm_alloc_pages(GPU_MODEL_REG_DWORDS * 4 / PAGE_SIZE),
	               mm_alloc_pages(nentries * 8 / PAGE_SIZE), nentries,
	               MODEL_APERTURE, gpu_dma_translate, NULL);
	be->name = "software model of the Gen9 GT";
	be->device_id = MODEL_DEVICE;
	be->gm = (struct gm_space){ MODEL_APERTURE, MODEL_GGTT, GEN9_NUM_FENCES };
	be->bus = 0;
	be->devfn = PCI_DEVFN(2, 0);
	be->mmio = &gpu_model.mmio;
	be->aperture = model_aperture;
	be->aperture_ctx = &gpu_model;
	return true;
}

const struct gpu_backend *gpu_backend_probe(void)
{
	if (gpu_be.name)
		return &gpu_be;
	if (!gen9_hw_probe(&gpu_be))
		gpu_model_start(&gpu_be);
	return &gpu_be;
}
