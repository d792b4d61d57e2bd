/*
 * gpu/model.h — the software model of the Gen9 GT (docs/iommu.md): the
 * backend on machines without an Intel GPU. It implements the Gen9
 * register interface (gpu/gen9_gt.h) in memory: forcewake acks follow
 * their requests, GFX_FLSH_CNTL reads back 0 once the flush is done, a
 * GGTT of 8-byte entries; and the aperture: a CPU access at a GM offset
 * goes through the GGTT entry to an IOVA, through the IOMMU (a
 * translation callback: the VT-d software walker) to an HPA, and to
 * memory. Pure: HPAs are pointers. Used by the hypervisor and by host
 * unit tests alike.
 */
#ifndef BAREGT_GPU_MODEL_H
#define BAREGT_GPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "gpu/gen9_gt.h"

/* The IOMMU as the GPU's DMA sees it: IOVA → HPA, or false (a fault). */
typedef bool (*gpu_dma_fn)(void *ctx, uint64_t iova, bool write, uint64_t *hpa);

#define GPU_MODEL_REG_DWORDS  (0x200000u / 4)
/* The model's clock (struct gen9_mmio now_ns) is simulated: it advances
 * by this much each time it is read, so every timed wait ends. */
#define GPU_MODEL_CLOCK_STEP_NS  1000u

struct gpu_model {
	uint32_t *regs;                 /* GPU_MODEL_REG_DWORDS, caller memory */
	uint64_t *ggtt;                 /* nentries, caller memory */
	uint64_t nentries;              /* GGTT size / 4 KiB */
	uint64_t aperture;              /* bytes of mappable GM */
	gpu_dma_fn dma;
	void *dma_ctx;
	struct gen9_mmio mmio;          /* the register interface onto this */
	uint64_t dma_faults;            /* aperture accesses the IOMMU refused */
	uint64_t not_present;           /* through a not-present GGTT entry */
	uint64_t flushes;
	uint64_t clock_ns;              /* simulated time */
};

void gpu_model_init(struct gpu_model *m, uint32_t *regs, uint64_t *ggtt,
                    uint64_t nentries, uint64_t aperture, gpu_dma_fn dma,
                    void *dma_ctx);

/*
 * A CPU access through the aperture at GM offset off (< aperture), size
 * 1, 2, 4 or 8, not crossing a page. Not-present entry: reads all-ones,
 * writes dropped (counted). IOMMU fault: the same (counted). Returns
 * false only for a bad offset or size.
 */
bool gpu_model_aperture_access(struct gpu_model *m, uint64_t off, unsigned size,
                               bool write, uint64_t *value);

#endif
