/*
 * tests/unit/test_vgpu_regs.c — the Gen9 register descriptors of a vGPU
 * (gpu/vgpu_regs.c) through the register file, as the stock i915 drives
 * them at probe (I915-GUEST-FACTS, "Registers i915 needs to see right"):
 * the table is accepted (sorted, aligned); fuses, clocks and DFSM read
 * their fixed values and ignore writes; RESET_CTL answers READY_TO_RESET
 * while a reset is requested, for every engine; MI_MODE reads idle while
 * STOP_RING is set; GDRST bits self-clear and are counted; the pcode
 * mailbox completes with no error and answers the CDCLK request.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/gen9.h"
#include "gpu/vgpu.h"
#include "gpu/vreg.h"

static unsigned flushes;
void vgpu_ggtt_flush(struct vgpu *g) { (void)g; flushes++; }

static struct vgpu g;
static uint32_t regs[VREG_DWORDS];
static uint8_t reported[VREG_DWORDS / 8];

static int setup(void **state)
{
	(void)state;
	memset(&g, 0, sizeof g);
	g.part.fence_num = 4;
	assert_true(vreg_init(&g.regs, regs, reported, vgpu_gen9_regs,
	                      vgpu_gen9_nregs, &g, NULL));
	return 0;
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0;

	assert_true(vreg_read(&g.regs, off, 4, &v));
	return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t v)
{
	assert_true(vreg_write(&g.regs, off, 4, v));
}

static void test_fixed_values(void **state)
{
	(void)state;
	assert_int_equal(rd(GEN9_FUSE2), (1u << 25) | (0x8u << 20));
	assert_int_equal(rd(GEN9_EU_DISABLE0), 0);
	assert_int_equal(rd(GEN9_EU_DISABLE0 + 8), 0);
	assert_int_equal(rd(GEN9_CTC_MODE) & 0x6, 0x4);          /* 12 MHz */
	assert_int_equal(rd(GEN9_SKL_DFSM) & GEN9_DFSM_NO_PIPES,
	                 GEN9_DFSM_NO_PIPES);
	assert_int_equal(rd(GEN9_PCH_RAWCLK_FREQ) & 0x3ff, 24);
	assert_int_equal(rd(GEN9_RP_STATE_CAP) & 0xff, 22);
	assert_int_equal(rd(GEN9_GUC_STATUS) & GEN9_GS_MIA_IN_RESET, 1);
	/* Read-only: a guest cannot re-enable pipes or change clocks. */
	wr(GEN9_SKL_DFSM, 0);
	wr(GEN9_FUSE2, 0xffffffff);
	wr(GEN9_CTC_MODE, 0);
	assert_int_equal(rd(GEN9_SKL_DFSM) & GEN9_DFSM_NO_PIPES,
	                 GEN9_DFSM_NO_PIPES);
	assert_int_equal(rd(GEN9_FUSE2), (1u << 25) | (0x8u << 20));
	assert_int_equal(rd(GEN9_CTC_MODE) & 0x6, 0x4);
	assert_int_equal(g.regs.unknown_reads + g.regs.unknown_writes, 0);
}

static void test_reset_ctl_every_engine(void **state)
{
	static const uint32_t base[] = { GEN9_RCS_BASE, GEN9_VCS0_BASE,
	                                 GEN9_VECS_BASE, GEN9_BCS_BASE };
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		uint32_t r = base[i] + GEN9_RING_RESET_CTL;

		assert_int_equal(rd(r) & GEN9_RESET_CTL_READY, 0);
		wr(r, GEN9_MASKED_SET(GEN9_RESET_CTL_REQUEST));
		assert_int_equal(rd(r) & 3, 3);                /* requested, ready */
		/* READY is read-only: writing it does not stick. */
		wr(r, GEN9_MASKED_CLEAR(GEN9_RESET_CTL_REQUEST));
		wr(r, GEN9_MASKED_SET(GEN9_RESET_CTL_READY));
		assert_int_equal(rd(r) & 3, 0);
	}
	assert_int_equal(g.regs.unknown_reads + g.regs.unknown_writes, 0);
}

static void test_mi_mode_idle_when_stopped(void **state)
{
	uint32_t r = GEN9_VECS_BASE + GEN9_RING_MI_MODE;

	(void)state;
	assert_int_equal(rd(r) & GEN9_MI_MODE_IDLE, 0);
	wr(r, GEN9_MASKED_SET(GEN9_MI_MODE_STOP_RING));
	assert_int_equal(rd(r) & (GEN9_MI_MODE_IDLE | GEN9_MI_MODE_STOP_RING),
	                 GEN9_MI_MODE_IDLE | GEN9_MI_MODE_STOP_RING);
	wr(r, GEN9_MASKED_CLEAR(GEN9_MI_MODE_STOP_RING));
	assert_int_equal(rd(r) & GEN9_MI_MODE_IDLE, 0);
	wr(r, GEN9_MASKED_SET(GEN9_MI_MODE_IDLE));         /* read-only */
	assert_int_equal(rd(r) & GEN9_MI_MODE_IDLE, 0);
}

static void test_display_core_follows_requests(void **state)
{
	uint32_t drv = GEN9_PWR_WELL_CTL + 4;

	(void)state;
	assert_int_equal(rd(GEN9_FUSE_STATUS), GEN9_FUSE_STATUS_DONE);
	wr(drv, 1u << 3);                          /* request well 1 */
	assert_int_equal(rd(drv), (1u << 3) | (1u << 2));
	wr(drv, (1u << 3) | (1u << 15));           /* wells 1 and 7 */
	assert_int_equal(rd(drv), (1u << 3) | (1u << 2) | (1u << 15) | (1u << 14));
	wr(drv, 1u << 2);                          /* a state bit: ignored */
	assert_int_equal(rd(drv), 0);
	wr(GEN9_DBUF_CTL, GEN9_DBUF_POWER_REQUEST);
	assert_int_equal(rd(GEN9_DBUF_CTL) & GEN9_DBUF_POWER_STATE,
	                 GEN9_DBUF_POWER_STATE);
	wr(GEN9_DBUF_CTL, GEN9_DBUF_POWER_STATE);
	assert_int_equal(rd(GEN9_DBUF_CTL), 0);
	wr(GEN9_LCPLL1_CTL, GEN9_LCPLL_ENABLE | 0x5);
	assert_int_equal(rd(GEN9_LCPLL1_CTL), GEN9_LCPLL_ENABLE | GEN9_LCPLL_LOCK | 0x5);
	wr(GEN9_LCPLL1_CTL, 0);
	assert_int_equal(rd(GEN9_LCPLL1_CTL) & GEN9_LCPLL_LOCK, 0);
	wr(GEN9_DMC_BASE + 0x2ffc, 0xdeadbeef);    /* DMC: stored, known */
	assert_int_equal(rd(GEN9_DMC_BASE + 0x2ffc), 0xdeadbeef);
	assert_int_equal(g.regs.unknown_reads + g.regs.unknown_writes, 0);
}

/* IIRs are write-1-to-clear: i915 writes all-ones at IRQ install and
 * warns unless they then read 0. */
static void test_iir_write_one_to_clear(void **state)
{
	static const uint32_t iir[] = { GEN9_GT_IIR(0), GEN9_GT_IIR(3),
	                                GEN9_DE_PIPE_IIR(2), GEN9_PCU_IIR,
	                                GEN9_SDE_IIR };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof iir / sizeof iir[0]; i++) {
		regs[iir[i] / 4] = 0x81;           /* as if raised */
		wr(iir[i], 0x1);
		assert_int_equal(rd(iir[i]), 0x80);
		wr(iir[i], 0xffffffff);
		assert_int_equal(rd(iir[i]), 0);
	}
	assert_int_equal(g.regs.unknown_reads + g.regs.unknown_writes, 0);
}

static void test_gdrst_self_clears(void **state)
{
	(void)state;
	wr(GEN9_GDRST, 1);                                  /* full reset */
	assert_int_equal(rd(GEN9_GDRST), 0);
	wr(GEN9_GDRST, 0x1e);                               /* engine bits */
	assert_int_equal(rd(GEN9_GDRST), 0);
	wr(GEN9_GDRST, 0);
	assert_int_equal(g.stats.gt_resets, 2);
}

static void test_pcode(void **state)
{
	(void)state;
	wr(GEN9_PCODE_DATA, 0x1234);
	wr(GEN9_PCODE_MAILBOX, GEN9_PCODE_READY | 0x6);     /* a read */
	assert_int_equal(rd(GEN9_PCODE_MAILBOX), 0);        /* done, error 0 */
	assert_int_equal(rd(GEN9_PCODE_DATA), 0x1234);
	wr(GEN9_PCODE_DATA, 3);                             /* prepare change */
	wr(GEN9_PCODE_MAILBOX, GEN9_PCODE_READY | GEN9_PCODE_CDCLK_CONTROL);
	assert_int_equal(rd(GEN9_PCODE_MAILBOX) & GEN9_PCODE_READY, 0);
	assert_int_equal(rd(GEN9_PCODE_DATA) & 1, GEN9_CDCLK_READY_FOR_CHANGE);
	/* Without READY nothing happens. */
	wr(GEN9_PCODE_MAILBOX, 0x6);
	assert_int_equal(g.stats.pcode_requests, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fixed_values, setup),
		cmocka_unit_test_setup(test_reset_ctl_every_engine, setup),
		cmocka_unit_test_setup(test_mi_mode_idle_when_stopped, setup),
		cmocka_unit_test_setup(test_display_core_follows_requests, setup),
		cmocka_unit_test_setup(test_iir_write_one_to_clear, setup),
		cmocka_unit_test_setup(test_gdrst_self_clears, setup),
		cmocka_unit_test_setup(test_pcode, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
