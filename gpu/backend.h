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
#include "gpu/partition.h"

struct gpu_backend {
	const char *name;
	uint16_t device_id;
	struct gm_space gm;        /* aperture, GGTT size, fences */
	uint8_t bus, devfn;        /* its PCI address: the source of its DMA */
	const struct gen9_mmio *mmio;   /* BAR0: registers and the GGTT */
	/* A CPU access at GM offset off through the aperture (BAR2). */
	bool (*aperture)(void *ctx, uint64_t off, unsigned size, bool write,
	                 uint64_t *value);
	void *aperture_ctx;
};

/* The backend that runs: the hardware one when an Intel Gen9 display
 * function is at 00:02.0, else the software model. NULL when out of
 * memory. (gpu/backend.c) */
const struct gpu_backend *gpu_backend_probe(void);

/* gpu/gen9_hw.c: the hardware backend, if this machine has a Gen9 GPU. */
bool gen9_hw_probe(struct gpu_backend *be);

#endif
