/*
 * gpu/backend.h — the physical GPU behind the vGPUs, one interface with
 * two implementations (docs/vgpu.md): real Gen9 hardware, and a software
 * model of the Gen9 GT for machines without one (every emulator here).
 * Both drive the same Gen9 register interface (gpu/gen9_gt.h); they
 * differ in where BAR0 and the aperture are.
 */
#ifndef BAREGT_GPU_BACKEND_H
#define BAREGT_GPU_BACKEND_H

#include <stdint.h>
#include "gpu/gen9_gt.h"
#include "gpu/gen9_ids.h"
#include "gpu/gen9_probe.h"
#include "gpu/partition.h"

/* What the backends need to know about the machine. */
struct gpu_platform {
	uint64_t tsc_hz;            /* the clock of the register handshakes */
	uint64_t fb_base, fb_size;  /* the firmware's GOP framebuffer, 0: none */
};

struct gpu_backend {
	const char *name;
	bool hardware;             /* a real GPU; else the software model */
	uint16_t device_id;
	const struct gen9_device *dev;  /* its entry in gpu/gen9_ids.c */
	struct gm_space gm;        /* aperture, GGTT size, fences */
	/* GM the boot framebuffer's scanout uses: its GGTT entries are left
	 * as the firmware set them (size 0: none). */
	uint64_t fb_gm, fb_gm_size;
	uint8_t bus, devfn;        /* its PCI address: the source of its DMA */
	const struct gen9_mmio *mmio;   /* BAR0: registers and the GGTT */
	/* A CPU access at GM offset off through the aperture (BAR2). */
	bool (*aperture)(void *ctx, uint64_t off, unsigned size, bool write,
	                 uint64_t *value);
	void *aperture_ctx;
};

/* The backend that runs: the hardware one when the GPU at 00:02.0 passes
 * gpu/gen9_probe.c's checks, else the software model (at a PCI address
 * no real device has). Forcewake requests are cleared before it is
 * returned. NULL when there is no free PCI address for the model. */
const struct gpu_backend *gpu_backend_probe(const struct gpu_platform *p);

/* At the end of a run: the backend's own counters (the software model:
 * GGTT flushes, aperture accesses through not-present entries, DMA its
 * IOMMU domain refused). */
void gpu_backend_report(const struct gpu_backend *be);

/* Before the first vGPU: every GGTT entry but the boot framebuffer's
 * becomes the present scratch entry (scratch: its DMA address). */
void gpu_backend_scrub(const struct gpu_backend *be, uint64_t scratch);

/* gpu/gen9_hw.c: start the hardware backend on a GPU that passed the
 * probe: map BAR0 and the aperture, the TSC as the register clock. */
void gen9_hw_start(struct gpu_backend *be, const struct gen9_probe_out *p,
                   uint64_t tsc_hz);

#endif
