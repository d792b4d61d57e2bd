/*
 * gpu/gpu_dma.h — the GPU's DMA domain (docs/iommu.md, "Address spaces
 * and the IOVA layout"): the hypervisor's window at IOVA 0 with the
 * scratch page and the GPU's RMRRs, and one 32 GiB window per VM with a
 * vGPU, IOVA = window base + GPA → that VM's HPA.
 */
#ifndef BAREGT_GPU_GPU_DMA_H
#define BAREGT_GPU_GPU_DMA_H

#include <stdbool.h>
#include <stdint.h>

#define GPU_IOVA_WINDOW     (32ull << 30)
#define GPU_IOVA_MAX_VMS    15          /* 16 windows in a 39-bit space */
#define GPU_SCRATCH_IOVA    0x1000ull
#define GPU_DOMAIN_ID       2

struct gpu_backend;

/* Build the domain and attach the GPU (be->bus, be->devfn) to it. */
bool gpu_dma_init(const struct gpu_backend *be);

/* Map VM id's RAM at its window; *iova_base gets the window's base. */
bool gpu_dma_add_vm(unsigned vm_id, uint64_t ram_hpa, uint64_t ram_bytes,
                    uint64_t *iova_base);
void gpu_dma_remove_vm(unsigned vm_id, uint64_t ram_bytes);

/* The GPU's DMA as the IOMMU treats it (the software walker): for the
 * software model of the GT. */
bool gpu_dma_translate(void *ctx, uint64_t iova, bool write, uint64_t *hpa);

#endif
