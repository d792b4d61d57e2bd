/*
 * gpu/gpu_dma.h — the GPU's DMA domain (docs/iommu.md, "Address spaces
 * and the IOVA layout") and what the GGTT may hold (gpu/dma_policy.h).
 * IOVA mode: the hypervisor's window at IOVA 0 with the scratch page and
 * the GPU's RMRRs, and one 32 GiB window per VM with a vGPU, IOVA =
 * window base + GPA → that VM's HPA. HPA mode (gpu_dma = untranslated):
 * a VM's window base is its RAM's HPA (the same GPA → base + GPA), its RAM
 * and the scratch page identity-mapped in the domain.
 */
#ifndef BAREGT_GPU_GPU_DMA_H
#define BAREGT_GPU_GPU_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gpu/dma_policy.h"
#include "hv/config/config.h"

#define GPU_IOVA_WINDOW     (32ull << 30)
#define GPU_IOVA_MAX_VMS    15          /* 16 windows in a 39-bit space */
#define GPU_SCRATCH_IOVA    0x1000ull
#define GPU_DOMAIN_ID       2
/* GGTT entries carry address bits 38:12 (GEN9-FACTS §2 "Address"). */
#define GPU_DMA_REACH       (1ull << 39)

struct gen9_device;

/* Build the domain for the GPU at bus:devfn, a dev (4 KiB pages on
 * Skylake: gpu/gen9_ids.h), map its RMRRs, attach it, sync. */
bool gpu_dma_init(uint8_t bus, uint8_t devfn, const struct gen9_device *dev);

/* Decide what the GGTT holds (gpu_dma_decide, on iommu_translates() once
 * the domain is attached), log it, map the scratch page read-only at its
 * address for that mode. GPU_DMA_REFUSED: no vGPU may be created. */
enum gpu_dma_mode gpu_dma_start(bool hardware, enum gpu_dma_choice choice);
enum gpu_dma_mode gpu_dma_mode(void);
/* The scratch page's DMA address (IOVA mode: GPU_SCRATCH_IOVA; HPA
 * mode: its HPA). */
uint64_t gpu_dma_scratch(void);

/* Map a VM's RAM in the domain; *iova_base gets its window's base. On
 * failure false with the reason in err. */
bool gpu_dma_add_vm(unsigned vm_id, const char *vm_name, uint64_t ram_hpa,
                    uint64_t ram_bytes, uint64_t *iova_base, char *err,
                    size_t errlen);
void gpu_dma_remove_vm(uint64_t iova_base, uint64_t ram_bytes);
/* DMA faults in the window at iova_base during the run (the VT-d fault
 * poll's and the software walker's). */
uint64_t gpu_dma_faults_of(uint64_t iova_base);

/* The GPU's DMA as the IOMMU treats it (the software walker): for the
 * software model of the GT. Faults are counted; the first are logged. */
bool gpu_dma_translate(void *ctx, uint64_t iova, bool write, uint64_t *hpa);

#endif
