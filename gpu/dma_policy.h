/*
 * gpu/dma_policy.h — what addresses may the GGTT hold? (issue 8, item 7;
 * docs/hardware.md, "The GPU's DMA"). The GPU emits the addresses in its
 * GGTT (and PPGTT) entries as DMA addresses. IOVAs (a VM's window base +
 * GPA) are right only when something translates them: the VT-d unit that
 * covers the real GPU, up and translating with BareGT's tables, or, for
 * the software model, the VT-d software walker it sends every access
 * through. Without that a real GPU would take IOVAs for host-physical
 * addresses and write into whatever memory lies there. Pure.
 */
#ifndef BAREGT_GPU_DMA_POLICY_H
#define BAREGT_GPU_DMA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/config/config.h"

enum gpu_dma_mode {
	GPU_DMA_IOVA,      /* VM window base = 32 GiB x (id + 1): isolation */
	GPU_DMA_HPA,       /* VM window base = its RAM's HPA: no isolation */
	GPU_DMA_REFUSED,   /* no vGPU may run */
};

struct gpu_dma_facts {
	bool hardware;             /* a real GPU; else the software model */
	bool translated;           /* iommu_translates(bus, devfn) */
	enum gpu_dma_choice choice;  /* the config's gpu_dma */
	uint8_t bus, devfn;
};

#define GPU_DMA_MSG_MAX  320

/* The decision, and the one log line that says it (msg, without a
 * prefix). Model: IOVAs, or HPAs when the config asks for them; real
 * GPU: IOVAs when translated; HPAs only when the config asks; else
 * refused. */
enum gpu_dma_mode gpu_dma_decide(const struct gpu_dma_facts *f, char *msg,
                                 size_t n);

#endif
