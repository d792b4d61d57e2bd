/*
 * gpu/vgpu_regs.c — the register descriptors of a Gen9 vGPU and their
 * hooks (gpu/vreg.h). Offsets: gpu/gen9.h (GEN9-FACTS). Registers not
 * listed read back what was written, counted and reported once.
 */
#include "gpu/gen9.h"
#include "gpu/gen9_gt.h"
#include "gpu/vgpu.h"

/* Fences beyond the vGPU's count do not exist for it: writes dropped. */
static uint32_t fence_write(void *owner, uint32_t off, uint32_t old,
                            uint32_t value)
{
	struct vgpu *g = owner;
	unsigned fence = (off - GEN9_FENCE_BASE) / GEN9_FENCE_STRIDE;

	if (fence >= g->part.fence_num) {
		g->stats.fence_drops++;
		return old;
	}
	return value;
}

/* Forcewake: the ack register follows the request at once (the vGPU has
 * no power wells to wake). Request and ack registers: GEN9-FACTS §4. */
static uint32_t forcewake_write(void *owner, uint32_t off, uint32_t old,
                                uint32_t value)
{
	struct vgpu *g = owner;
	uint32_t ack = gen9_fw_ack_of(off);

	(void)old;
	g->regs.regs[ack / 4] = value & 0xffff;
	return value;
}

/* The guest's GGTT flush (GEN9-FACTS §2): its entries are already in the
 * physical GGTT; flush that. The register reads back 0: done. */
static uint32_t flush_write(void *owner, uint32_t off, uint32_t old,
                            uint32_t value)
{
	(void)off;
	(void)old;
	if (value & 1)
		vgpu_ggtt_flush(owner);
	return 0;
}

/* Sorted by offset (vreg_init checks). */
const struct vreg_desc vgpu_gen9_regs[] = {
	{ GEN9_FORCEWAKE_ACK_RENDER, 1, 0, 0xffffffff, 0, NULL, NULL, "FORCEWAKE_ACK_RENDER" },
	{ GEN9_FORCEWAKE_ACK_MEDIA, 1, 0, 0xffffffff, 0, NULL, NULL, "FORCEWAKE_ACK_MEDIA" },
	{ GEN9_RCS_MI_MODE, 1, 0, 0, VREG_MASKED, NULL, NULL, "MI_MODE (RCS)" },
	{ GEN9_RCS_RING_MODE, 1, 0, 0, VREG_MASKED, NULL, NULL, "RING_MODE (RCS)" },
	{ GEN9_FORCEWAKE_GT, 1, 0, 0, VREG_MASKED, NULL, forcewake_write, "FORCEWAKE_GT" },
	{ GEN9_FORCEWAKE_MEDIA, 1, 0, 0, VREG_MASKED, NULL, forcewake_write, "FORCEWAKE_MEDIA" },
	{ GEN9_FORCEWAKE_RENDER, 1, 0, 0, VREG_MASKED, NULL, forcewake_write, "FORCEWAKE_RENDER" },
	{ GEN9_FENCE_BASE, GEN9_NUM_FENCES * 2, 0, 0, 0, NULL, fence_write, "FENCE" },
	{ GEN9_GFX_FLSH_CNTL, 1, 0, 0, 0, NULL, flush_write, "GFX_FLSH_CNTL" },
	{ GEN9_FORCEWAKE_ACK_GT, 1, 0, 0xffffffff, 0, NULL, NULL, "FORCEWAKE_ACK_GT" },
};

const unsigned vgpu_gen9_nregs = sizeof(vgpu_gen9_regs) / sizeof(vgpu_gen9_regs[0]);
