/*
 * gpu/model.c — the software model of the Gen9 GT (gpu/model.h): the
 * backend on machines without an Intel GPU (gpu/backend.c sets it up with
 * a Skylake GT2's geometry). The Gen9 register interface in memory
 * (forcewake acks that follow their requests, an immediate GGTT flush, a
 * GGTT of qwords) and the aperture, resolved through that GGTT and the
 * IOMMU callback to memory. Pure.
 */
#include <string.h>
#include "gpu/gen9.h"
#include "gpu/ggtt.h"
#include "gpu/model.h"

/* ---- the model of the GT (gpu/model.h) --------------------------------- */

/* GFX_FLSH_CNTL_EN (GEN9-FACTS §2 "Flush"). */
#define GFX_FLSH_CNTL_EN     1u

#define APERTURE_PAGE        GGTT_PAGE

static struct gpu_model *model_of(void *ctx)
{
	return ctx;
}

/* Registers are the first 2 MiB of BAR0 (GEN9-FACTS §1); above, up to the
 * GGTT, nothing answers: reads 0. */
static uint32_t model_read32(void *ctx, uint32_t off)
{
	struct gpu_model *m = model_of(ctx);

	if (off >= GEN9_MMIO_SIZE)
		return 0;
	return m->regs[off / 4];
}

static void model_write32(void *ctx, uint32_t off, uint32_t value)
{
	struct gpu_model *m = model_of(ctx);
	uint32_t ack = gen9_fw_ack_of(off);

	if (off >= GEN9_MMIO_SIZE || gen9_fw_is_ack(off))
		return;                  /* nothing there; acks are read-only */
	if (ack != 0) {
		/* A masked request; the GT has no power wells to wake, so its
		 * ack reports the request's bits at once (GEN9-FACTS §4
		 * "Bits", "Handshake"). */
		uint32_t sel = value >> GEN9_MASKED_SHIFT;
		uint32_t req = m->regs[off / 4];

		req = ((req & ~sel) | (value & sel)) & GEN9_MASKED_BITS;
		m->regs[off / 4] = req;
		m->regs[ack / 4] = req;
		return;
	}
	if (off == GEN9_GFX_FLSH_CNTL) {
		/* The model's GGTT has no TLB: the invalidation is done as soon
		 * as it is asked for, and the register reads 0 (GEN9-FACTS §2
		 * "Flush"). */
		if (value & GFX_FLSH_CNTL_EN)
			m->flushes++;
		return;
	}
	m->regs[off / 4] = value;
}

/* Entry i of the model's GGTT for a qword access at off (BAR0 + 8 MiB +
 * 8i, GEN9-FACTS §2 "Entry"), NULL if off is not one. */
static uint64_t *model_pte(struct gpu_model *m, uint32_t off)
{
	uint32_t rel;

	if (off < GEN9_GGTT_OFFSET)
		return NULL;
	rel = off - GEN9_GGTT_OFFSET;
	if (rel % GEN9_GGTT_PTE_BYTES != 0 ||
	    rel / GEN9_GGTT_PTE_BYTES >= m->nentries)
		return NULL;
	return &m->ggtt[rel / GEN9_GGTT_PTE_BYTES];
}

/* Below 2 MiB a qword is two dword registers, low dword first. */
static uint64_t model_read64(void *ctx, uint32_t off)
{
	struct gpu_model *m = model_of(ctx);
	const uint64_t *pte;
	uint64_t lo;

	if (off < GEN9_MMIO_SIZE) {
		lo = model_read32(ctx, off);
		return lo | (uint64_t)model_read32(ctx, off + 4) << 32;
	}
	pte = model_pte(m, off);
	return pte != NULL ? *pte : 0;
}

static void model_write64(void *ctx, uint32_t off, uint64_t value)
{
	struct gpu_model *m = model_of(ctx);
	uint64_t *pte;

	if (off < GEN9_MMIO_SIZE) {
		model_write32(ctx, off, (uint32_t)value);
		model_write32(ctx, off + 4, (uint32_t)(value >> 32));
		return;
	}
	pte = model_pte(m, off);
	if (pte != NULL)
		*pte = value;
}

static void model_fill64(void *ctx, uint32_t off, uint64_t value,
                         uint64_t count)
{
	struct gpu_model *m = model_of(ctx);
	uint64_t *pte = model_pte(m, off), i, first;

	if (pte == NULL)
		return;
	first = (uint64_t)(pte - m->ggtt);
	if (count > m->nentries - first)
		count = m->nentries - first;
	for (i = 0; i < count; i++)
		pte[i] = value;
}

/* Simulated time: nothing in the model takes time, so the clock moves
 * only when someone looks at it. */
static uint64_t model_now_ns(void *ctx)
{
	struct gpu_model *m = model_of(ctx);

	m->clock_ns += GPU_MODEL_CLOCK_STEP_NS;
	return m->clock_ns;
}

void gpu_model_init(struct gpu_model *m, uint32_t *regs, uint64_t *ggtt,
                    uint64_t nentries, uint64_t aperture, gpu_dma_fn dma,
                    void *dma_ctx)
{
	memset(regs, 0, GPU_MODEL_REG_DWORDS * sizeof(regs[0]));
	memset(ggtt, 0, (size_t)nentries * sizeof(ggtt[0]));
	m->regs = regs;
	m->ggtt = ggtt;
	m->nentries = nentries;
	m->aperture = aperture;
	m->dma = dma;
	m->dma_ctx = dma_ctx;
	m->mmio.read32 = model_read32;
	m->mmio.write32 = model_write32;
	m->mmio.read64 = model_read64;
	m->mmio.write64 = model_write64;
	m->mmio.now_ns = model_now_ns;
	m->mmio.fill64 = model_fill64;
	m->mmio.ctx = m;
	m->dma_faults = 0;
	m->not_present = 0;
	m->flushes = 0;
	m->clock_ns = 0;
}

/* size 1, 2, 4 or 8 at off inside the aperture and inside the GGTT, not
 * crossing a 4 KiB page (one GGTT entry per page, GEN9-FACTS §2 "Entry"). */
static bool aperture_access_valid(const struct gpu_model *m, uint64_t off,
                                  unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (off >= m->aperture || size > m->aperture - off)
		return false;
	if (off / APERTURE_PAGE >= m->nentries)
		return false;
	return off % APERTURE_PAGE + size <= APERTURE_PAGE;
}

static uint64_t all_ones(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* The page's GGTT entry → IOVA → (IOMMU) → HPA, or false if nothing is
 * behind it (counted). GGTT entry: bit 0 present, address bits 38:12
 * (GEN9-FACTS §2 "Present / RW", "Address"). */
static bool aperture_hpa(struct gpu_model *m, uint64_t off, bool write,
                         uint64_t *hpa)
{
	uint64_t pte = m->ggtt[off / APERTURE_PAGE];
	uint64_t iova;

	if (!(pte & GGTT_PTE_PRESENT)) {
		m->not_present++;
		return false;
	}
	iova = (pte & GGTT_PTE_ADDR) + off % APERTURE_PAGE;
	if (m->dma == NULL || !m->dma(m->dma_ctx, iova, write, hpa)) {
		m->dma_faults++;
		return false;
	}
	return true;
}

bool gpu_model_aperture_access(struct gpu_model *m, uint64_t off, unsigned size,
                               bool write, uint64_t *value)
{
	uint64_t hpa, v;
	uint8_t *p;
	unsigned i;

	if (value == NULL || !aperture_access_valid(m, off, size))
		return false;
	if (!aperture_hpa(m, off, write, &hpa)) {
		/* Nothing answers: reads all-ones, writes dropped. */
		if (!write)
			*value = all_ones(size);
		return true;
	}
	/* HPAs are pointers (identity map); memory is little-endian. */
	p = (uint8_t *)(uintptr_t)hpa;
	if (write) {
		for (i = 0; i < size; i++)
			p[i] = (uint8_t)(*value >> (8 * i));
		return true;
	}
	v = 0;
	for (i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	*value = v;
	return true;
}
