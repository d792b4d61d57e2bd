/*
 * gpu/dma_policy.c — the decision of gpu/dma_policy.h and its log line.
 * Pure.
 */
#include <stdio.h>
#include "gpu/dma_policy.h"

enum gpu_dma_mode gpu_dma_decide(const struct gpu_dma_facts *f, char *msg,
                                 size_t n)
{
	unsigned dev = f->devfn >> 3, fn = f->devfn & 7;

	if (f->choice == GPU_DMA_UNTRANSLATED && f->hardware && !f->translated) {
		snprintf(msg, n, "gpu_dma = untranslated: GGTT entries hold"
		         " host-physical addresses and no VT-d unit translates"
		         " %02x:%02x.%x: DMA ISOLATION BETWEEN VMS IS LOST, the GPU"
		         " can reach all memory, the hypervisor's included",
		         f->bus, dev, fn);
		return GPU_DMA_HPA;
	}
	if (f->choice == GPU_DMA_UNTRANSLATED) {
		snprintf(msg, n, "gpu_dma = untranslated: GGTT entries hold"
		         " host-physical addresses, every VM's RAM identity-mapped"
		         " in the GPU's domain: DMA ISOLATION BETWEEN VMS IS LOST,"
		         " the GPU can reach every VM's memory");
		return GPU_DMA_HPA;
	}
	if (!f->hardware) {
		snprintf(msg, n, "GGTT entries hold IOVAs: the software model's DMA"
		         " goes through the VT-d tables (software walker)");
		return GPU_DMA_IOVA;
	}
	if (f->translated) {
		snprintf(msg, n, "GGTT entries hold IOVAs: the VT-d unit covering"
		         " %02x:%02x.%x translates its DMA", f->bus, dev, fn);
		return GPU_DMA_IOVA;
	}
	snprintf(msg, n, "no VT-d unit translates the GPU at %02x:%02x.%x (VT-d"
	         " off in the firmware, no usable DMAR table, or its unit did not"
	         " come up): every VM with a vgpu is refused; enable VT-d in the"
	         " firmware setup, or set gpu_dma = untranslated to run them"
	         " without DMA isolation", f->bus, dev, fn);
	return GPU_DMA_REFUSED;
}
