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

/*
 * Status bits that follow their request bits at once: nothing behind a
 * vGPU takes time to stop, reset, power up or lock. Each status bit sits
 * next to its request bit, one above (up) or one below (down); the
 * descriptors make status bits read-only, so stored never holds one.
 */
static uint32_t follow_up(uint32_t stored, uint32_t request)
{
	return stored | (stored & request) << 1;
}

static uint32_t follow_down(uint32_t stored, uint32_t request)
{
	return stored | (stored & request) >> 1;
}

#define FOLLOW_HOOK(fn, how, request)                                          \
	static uint32_t fn(void *owner, uint32_t off, uint32_t stored)         \
	{                                                                      \
		(void)owner;                                                   \
		(void)off;                                                     \
		return how(stored, request);                                   \
	}

/* MI_MODE: a stopped ring is idle (i915's intel_engine_stop_cs waits for
 * MODE_IDLE). RESET_CTL: ready to reset once requested
 * (gen8_engine_reset_prepare waits for READY_TO_RESET). */
FOLLOW_HOOK(mi_mode_read, follow_up, GEN9_MI_MODE_STOP_RING)
FOLLOW_HOOK(reset_ctl_read, follow_up, GEN9_RESET_CTL_REQUEST)
/* The display core: power wells, DBUF power, LCPLL lock. */
FOLLOW_HOOK(power_well_read, follow_down, GEN9_PWR_WELL_REQUESTS)
FOLLOW_HOOK(dbuf_read, follow_down, GEN9_DBUF_POWER_REQUEST)
FOLLOW_HOOK(lcpll_read, follow_down, GEN9_LCPLL_ENABLE)

/* GDRST: the reset is done when the write completes; the bits read 0. */
static uint32_t gdrst_write(void *owner, uint32_t off, uint32_t old,
                            uint32_t value)
{
	struct vgpu *g = owner;

	(void)off;
	(void)old;
	if (value)
		g->stats.gt_resets++;
	return 0;
}

/* IIR: a 1 written clears that bit. */
static uint32_t iir_write(void *owner, uint32_t off, uint32_t old,
                          uint32_t value)
{
	(void)owner;
	(void)off;
	return old & ~value;
}

#define IIR(off, name) { (off), 1, 0, 0, 0, NULL, iir_write, name }

/* pcode: every command completes at once without error; the CDCLK
 * change request is answered "ready for change". */
static uint32_t pcode_write(void *owner, uint32_t off, uint32_t old,
                            uint32_t value)
{
	struct vgpu *g = owner;

	(void)off;
	(void)old;
	if (!(value & GEN9_PCODE_READY))
		return value;
	if ((value & GEN9_PCODE_CMD_MASK) == GEN9_PCODE_CDCLK_CONTROL)
		g->regs.regs[GEN9_PCODE_DATA / 4] = GEN9_CDCLK_READY_FOR_CHANGE;
	g->stats.pcode_requests++;
	return value & ~(GEN9_PCODE_READY | GEN9_PCODE_CMD_MASK);
}

#define ENGINE_REGS(base, name)                                                \
	{ (base) + GEN9_RING_MI_MODE, 1, 0, GEN9_MI_MODE_IDLE, VREG_MASKED,    \
	  mi_mode_read, NULL, "MI_MODE (" name ")" },                          \
	{ (base) + GEN9_RING_RESET_CTL, 1, 0, GEN9_RESET_CTL_READY,            \
	  VREG_MASKED, reset_ctl_read, NULL, "RESET_CTL (" name ")" },         \
	{ (base) + GEN9_RING_MODE, 1, 0, 0, VREG_MASKED, NULL, NULL,           \
	  "RING_MODE (" name ")" }

/* Sorted by offset (vreg_init checks). */
const struct vreg_desc vgpu_gen9_regs[] = {
	{ GEN9_FORCEWAKE_ACK_RENDER, 1, 0, 0xffffffff, 0, NULL, NULL, "FORCEWAKE_ACK_RENDER" },
	{ GEN9_FORCEWAKE_ACK_MEDIA, 1, 0, 0xffffffff, 0, NULL, NULL, "FORCEWAKE_ACK_MEDIA" },
	ENGINE_REGS(GEN9_RCS_BASE, "RCS"),
	{ GEN9_FUSE2, 1, GEN9_FUSE2_GT2, 0xffffffff, 0, NULL, NULL, "GEN8_FUSE2" },
	{ GEN9_EU_DISABLE0, 3, 0, 0xffffffff, 0, NULL, NULL, "GEN9_EU_DISABLE" },
	{ GEN9_GDRST, 1, 0, 0, 0, NULL, gdrst_write, "GEN6_GDRST" },
	{ GEN9_FORCEWAKE_GT, 1, 0, 0, VREG_MASKED, NULL, forcewake_write, "FORCEWAKE_GT" },
	{ GEN9_CTC_MODE, 1, GEN9_CTC_SHIFT_12MHZ, 0xffffffff, 0, NULL, NULL, "CTC_MODE" },
	{ GEN9_FORCEWAKE_MEDIA, 1, 0, 0, VREG_MASKED, NULL, forcewake_write, "FORCEWAKE_MEDIA" },
	{ GEN9_FORCEWAKE_RENDER, 1, 0, 0, VREG_MASKED, NULL, forcewake_write, "FORCEWAKE_RENDER" },
	{ GEN9_GUC_STATUS, 1, GEN9_GS_MIA_IN_RESET, 0xffffffff, 0, NULL, NULL, "GUC_STATUS" },
	ENGINE_REGS(GEN9_VCS0_BASE, "VCS0"),
	ENGINE_REGS(GEN9_VECS_BASE, "VECS"),
	ENGINE_REGS(GEN9_BCS_BASE, "BCS"),
	{ GEN9_FUSE_STATUS, 1, GEN9_FUSE_STATUS_DONE, 0xffffffff, 0, NULL, NULL, "SKL_FUSE_STATUS" },
	IIR(GEN9_GT_IIR(0), "GEN8_GT_IIR(0)"),
	IIR(GEN9_GT_IIR(1), "GEN8_GT_IIR(1)"),
	IIR(GEN9_GT_IIR(2), "GEN8_GT_IIR(2)"),
	IIR(GEN9_GT_IIR(3), "GEN8_GT_IIR(3)"),
	IIR(GEN9_DE_PIPE_IIR(0), "GEN8_DE_PIPE_IIR(A)"),
	IIR(GEN9_DE_PIPE_IIR(1), "GEN8_DE_PIPE_IIR(B)"),
	IIR(GEN9_DE_PIPE_IIR(2), "GEN8_DE_PIPE_IIR(C)"),
	IIR(GEN9_DE_PORT_IIR, "GEN8_DE_PORT_IIR"),
	IIR(GEN9_DE_MISC_IIR, "GEN8_DE_MISC_IIR"),
	IIR(GEN9_PCU_IIR, "GEN8_PCU_IIR"),
	{ GEN9_DBUF_CTL, 1, 0, GEN9_DBUF_POWER_STATE, 0, dbuf_read, NULL, "DBUF_CTL" },
	{ GEN9_PWR_WELL_CTL, 4, 0, GEN9_PWR_WELL_STATES, 0, power_well_read, NULL, "HSW_PWR_WELL_CTL" },
	{ GEN9_DC_STATE_EN, 1, 0, 0, 0, NULL, NULL, "DC_STATE_EN" },
	{ GEN9_CDCLK_CTL, 1, 0, 0, 0, NULL, NULL, "CDCLK_CTL" },
	{ GEN9_LCPLL1_CTL, 1, 0, GEN9_LCPLL_LOCK, 0, lcpll_read, NULL, "LCPLL1_CTL" },
	{ GEN9_NDE_RSTWRN_OPT, 1, 0, 0, 0, NULL, NULL, "HSW_NDE_RSTWRN_OPT" },
	{ GEN9_SKL_DFSM, 1, GEN9_DFSM_NO_PIPES, 0xffffffff, 0, NULL, NULL, "SKL_DFSM" },
	{ GEN9_DMC_BASE, GEN9_DMC_DWORDS, 0, 0, 0, NULL, NULL, "DMC" },
	IIR(GEN9_SDE_IIR, "SDEIIR"),
	{ GEN9_PCH_RAWCLK_FREQ, 1, GEN9_RAWCLK_24MHZ, 0xffffffff, 0, NULL, NULL, "PCH_RAWCLK_FREQ" },
	{ GEN9_FENCE_BASE, GEN9_NUM_FENCES * 2, 0, 0, 0, NULL, fence_write, "FENCE" },
	{ GEN9_GFX_FLSH_CNTL, 1, 0, 0, 0, NULL, flush_write, "GFX_FLSH_CNTL" },
	{ GEN9_FORCEWAKE_ACK_GT, 1, 0, 0xffffffff, 0, NULL, NULL, "FORCEWAKE_ACK_GT" },
	{ GEN9_PCODE_MAILBOX, 1, 0, 0, 0, NULL, pcode_write, "GEN6_PCODE_MAILBOX" },
	{ GEN9_PCODE_DATA, 2, 0, 0, 0, NULL, NULL, "GEN6_PCODE_DATA" },
	{ GEN9_RP_STATE_CAP, 1, GEN9_RP_STATE_CAP_VALUE, 0xffffffff, 0, NULL, NULL, "GEN6_RP_STATE_CAP" },
};

const unsigned vgpu_gen9_nregs = sizeof(vgpu_gen9_regs) / sizeof(vgpu_gen9_regs[0]);
