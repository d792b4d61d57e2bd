/*
 * gpu/backend.c — choosing the backend: the hardware one when the GPU at
 * 00:02.0 passes the probe (gpu/gen9_probe.c), else the software model of
 * the GT (gpu/model.c) with its DMA through the GPU's IOMMU domain. An
 * Intel GPU the probe refuses is left alone: its BARs are not mapped, its
 * GGTT not written, and the model takes a PCI address where no device
 * answers, so that the VT-d tables never give the refused GPU a domain.
 */
#include "gpu/backend.h"
#include "gpu/gen9.h"
#include "gpu/ggtt.h"
#include "gpu/gpu_dma.h"
#include "gpu/model.h"
#include "hv/config/config.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "hv/pci.h"

#define MODEL_APERTURE  (1ull << 30)      /* docs/vgpu.md */
#define MODEL_GGTT      (4ull << 30)
#define MODEL_DEVICE    0x1912            /* SKL GT2 */
#define GPU_DEVFN       PCI_DEVFN(2, 0)

typedef unsigned long long ull;

static struct gpu_backend gpu_be;
static struct gpu_model gpu_model;

static bool model_aperture(void *ctx, uint64_t off, unsigned size, bool write,
                           uint64_t *value)
{
	return gpu_model_aperture_access(ctx, off, size, write, value);
}

static bool gpu_model_start(struct gpu_backend *be)
{
	uint64_t nentries = MODEL_GGTT / GGTT_PAGE;
	uint8_t devfn;

	if (!gen9_model_devfn(&pci_machine, &devfn)) {
		log_error("gpu: no free PCI address on bus 0 for the software model");
		return false;
	}
	gpu_model_init(&gpu_model, mm_alloc_pages(GPU_MODEL_REG_DWORDS * 4 / PAGE_SIZE),
	               mm_alloc_pages(nentries * 8 / PAGE_SIZE), nentries,
	               MODEL_APERTURE, gpu_dma_translate, NULL);
	*be = (struct gpu_backend){ 0 };
	be->name = "software model of the Gen9 GT";
	be->hardware = false;
	be->device_id = MODEL_DEVICE;
	be->dev = gen9_device_lookup(MODEL_DEVICE);
	be->gm = (struct gm_space){ MODEL_APERTURE, MODEL_GGTT, GEN9_NUM_FENCES };
	be->bus = 0;
	be->devfn = devfn;
	be->mmio = &gpu_model.mmio;
	be->aperture = model_aperture;
	be->aperture_ctx = &gpu_model;
	log_info("gpu: the software model stands in as %s GT%u %#06x at"
	         " 00:%02x.%x", gen9_platform_name(be->dev->platform),
	         be->dev->gt, MODEL_DEVICE, devfn >> 3, devfn & 7);
	return true;
}

static void gpu_hw_log(const struct gpu_backend *be,
                       const struct gen9_probe_out *p)
{
	char ap[24], gm[24];

	log_info("gpu: 00:02.0: Intel %s GT%u %#06x: BAR0 %#llx, aperture %s at"
	         " %#llx, GGTT %s (GMCH %#06x)", gen9_platform_name(be->dev->platform),
	         be->dev->gt, be->device_id, (ull)p->bar0,
	         config_format_size(p->aperture, ap, sizeof(ap)), (ull)p->bar2,
	         config_format_size(p->ggtt_total, gm, sizeof(gm)), p->gmch);
	if (p->fb_gm_size)
		log_info("gpu: boot framebuffer at GM [%#llx, %#llx): its GGTT"
		         " entries stay as the firmware set them", (ull)p->fb_gm,
		         (ull)(p->fb_gm + p->fb_gm_size));
	else if (p->fb_elsewhere)
		log_info("gpu: the boot framebuffer is not in this GPU's aperture");
}

const struct gpu_backend *gpu_backend_probe(const struct gpu_platform *plat)
{
	struct gen9_probe_in in = {
		&pci_machine, 0, GPU_DEVFN, plat->fb_base, plat->fb_size,
		GM_HOST_LOW,
	};
	struct gen9_probe_out p;

	if (gpu_be.name)
		return &gpu_be;
	switch (gen9_probe(&in, &p)) {
	case GEN9_PROBE_OK:
		gen9_hw_start(&gpu_be, &p, plat->tsc_hz);
		gpu_hw_log(&gpu_be, &p);
		break;
	case GEN9_PROBE_REFUSED:
		log_warn("gpu: 00:02.0: %s; BareGT leaves this GPU alone (no BAR"
		         " mapped, no VT-d domain) and runs the software model", p.why);
		if (!gpu_model_start(&gpu_be))
			return NULL;
		break;
	case GEN9_PROBE_NONE:
		log_info("gpu: 00:02.0: %s: no Gen9 GPU to drive", p.why);
		if (!gpu_model_start(&gpu_be))
			return NULL;
		break;
	}
	/* Stale requests of a previous owner go before anything uses
	 * forcewake (gpu/gen9_gt.h). */
	gen9_forcewake_reset(gpu_be.mmio);
	return &gpu_be;
}

void gpu_backend_scrub(const struct gpu_backend *be, uint64_t scratch)
{
	uint64_t n = be->gm.total / GGTT_PAGE;

	gen9_ggtt_scrub(be->mmio, n, be->fb_gm / GGTT_PAGE,
	                be->fb_gm_size / GGTT_PAGE, ggtt_scratch_pte(scratch));
	log_info("gpu: GGTT: %llu entries point at the scratch page (present),"
	         " %llu kept for the boot framebuffer", (ull)(n - be->fb_gm_size / GGTT_PAGE),
	         (ull)(be->fb_gm_size / GGTT_PAGE));
}

void gpu_backend_report(const struct gpu_backend *be)
{
	if (!be || be->hardware)
		return;
	log_info("gpu: software model: %llu GGTT flush(es), %llu aperture"
	         " access(es) through not-present entries, %llu DMA fault(s)",
	         (unsigned long long)gpu_model.flushes,
	         (unsigned long long)gpu_model.not_present,
	         (unsigned long long)gpu_model.dma_faults);
}
