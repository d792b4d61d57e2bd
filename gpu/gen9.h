/*
 * gpu/gen9.h — Intel Gen9 (Skylake … Comet Lake) facts the vGPU and the
 * backends use, one definition each. Sources: ../shared/GEN9-FACTS.md
 * (section numbers below), which cites the i915 driver headers.
 */
#ifndef BAREGT_GPU_GEN9_H
#define BAREGT_GPU_GEN9_H

#include <stdint.h>

#define GEN9_VENDOR_INTEL        0x8086
#define GEN9_CLASS_DISPLAY_VGA   0x030000u   /* class 03, subclass 00 */
#define GEN9_HOST_BRIDGE_DEVICE  0x191f      /* SKL host bridge */
#define GEN9_REVISION            0x06
/* Device IDs: gpu/gen9_ids.h (the whole Gen9 / Gen9.5 table). */

/* BARs (§1): BAR0 GTTMMADR 16 MiB 64-bit; BAR2 GMADR 64-bit prefetchable;
 * BAR4 I/O, 64 bytes, MMIO_INDEX at +0 and MMIO_DATA at +4. */
#define GEN9_BAR0                0
#define GEN9_BAR2                2
#define GEN9_BAR4                4
#define GEN9_BAR0_SIZE           0x1000000ull
#define GEN9_BAR4_SIZE           64u
#define GEN9_MMIO_SIZE           0x200000u   /* registers: first 2 MiB */
#define GEN9_GGTT_OFFSET         0x800000u   /* PTE array at BAR0 + 8 MiB */
#define GEN9_GGTT_PTE_BYTES      8u
#define GEN9_IO_MMIO_INDEX       0
#define GEN9_IO_MMIO_DATA        4

/* PCI configuration registers (§1). */
#define GEN9_PCI_GMCH_CTRL       0x50        /* 16-bit */
#define GEN9_GMCH_GGMS_SHIFT     6           /* bits 7:6: 2^GGMS MiB of PTEs */
#define GEN9_GMCH_GMS_SHIFT      8           /* bits 15:8: stolen memory */
#define GEN9_GGMS_8M             3           /* 8 MiB of PTEs: 4 GiB GGTT */
#define GEN9_PCI_BDSM            0x5c
#define GEN9_PCI_ASLS            0xfc

/* Fences (§3): 32, LO at 0x100000 + 8i, HI at +4. */
#define GEN9_FENCE_BASE          0x100000u
#define GEN9_FENCE_STRIDE        8u
#define GEN9_NUM_FENCES          32u

/* Masked registers (§4 "Masked writes"): bits 31:16 of a write select
 * which of bits 15:0 change; set b = (b << 16) | b, clear b = b << 16. */
#define GEN9_MASKED_SHIFT        16
#define GEN9_MASKED_BITS         0xffffu
#define GEN9_MASKED_SET(b)       ((uint32_t)(b) << GEN9_MASKED_SHIFT | (b))
#define GEN9_MASKED_CLEAR(b)     ((uint32_t)(b) << GEN9_MASKED_SHIFT)

/* Forcewake (§4): request (masked) and ack registers per domain. */
#define GEN9_FORCEWAKE_RENDER     0xa278u
#define GEN9_FORCEWAKE_ACK_RENDER 0x0d84u
#define GEN9_FORCEWAKE_MEDIA      0xa270u
#define GEN9_FORCEWAKE_ACK_MEDIA  0x0d88u
#define GEN9_FORCEWAKE_GT         0xa188u
#define GEN9_FORCEWAKE_ACK_GT     0x130044u

/* GGTT invalidation (§2). */
#define GEN9_GFX_FLSH_CNTL       0x101008u

/* Engines of SKL/KBL GT2 and their MMIO bases (I915-GUEST-FACTS, "GT
 * bring-up"; i915 gt/intel_engine_regs.h: RENDER_RING_BASE and the rest). */
#define GEN9_RCS_BASE            0x02000u
#define GEN9_VCS0_BASE           0x12000u
#define GEN9_VECS_BASE           0x1a000u
#define GEN9_BCS_BASE            0x22000u
/* Per-engine registers, offsets from the base. */
#define GEN9_RING_MI_MODE        0x09cu     /* masked */
#define GEN9_MI_MODE_STOP_RING   (1u << 8)
#define GEN9_MI_MODE_IDLE        (1u << 9)  /* read-only: the ring is idle */
#define GEN9_RING_RESET_CTL      0x0d0u     /* masked */
#define GEN9_RESET_CTL_REQUEST   (1u << 0)
#define GEN9_RESET_CTL_READY     (1u << 1)  /* read-only: ready to reset */
#define GEN9_RING_MODE           0x29cu     /* masked (RING_MODE_GEN7) */

/* Render engine masked mode registers (§5). */
#define GEN9_RCS_MI_MODE         (GEN9_RCS_BASE + GEN9_RING_MI_MODE)
#define GEN9_RCS_RING_MODE       (GEN9_RCS_BASE + GEN9_RING_MODE)

/* Full GT reset (GEN6_GDRST): request bits self-clear when done. */
#define GEN9_GDRST               0x941cu

/* Fuses and clocks (I915-GUEST-FACTS, "Registers i915 needs"): one slice
 * (GEN8_FUSE2 bits 27:25), subslice 3 of 4 disabled (bits 23:20): GT2. */
#define GEN9_FUSE2               0x9120u
#define GEN9_FUSE2_GT2           ((1u << 25) | (0x8u << 20))
#define GEN9_EU_DISABLE0         0x9134u    /* three slices: 0x9134 + 4s */
#define GEN9_CTC_MODE            0xa26cu
#define GEN9_CTC_SHIFT_12MHZ     (2u << 1)  /* bits 2:1 = 2: 24 MHz >> 1 */
#define GEN9_SKL_DFSM            0x51000u
/* Pipes A, B, C fused off (bits 30, 21, 28): a headless vGPU. */
#define GEN9_DFSM_NO_PIPES       ((1u << 30) | (1u << 21) | (1u << 28))
#define GEN9_PCH_RAWCLK_FREQ     0xc6204u   /* MHz in bits 9:0 */
#define GEN9_RAWCLK_24MHZ        24u

/* Display core, which i915 powers up even with every pipe fused off
 * (intel_power_domains_init_hw; I915-GUEST-FACTS "Registers i915 needs").
 * Power wells: well i requests with bit 2i+1 and reports its state in
 * bit 2i, in each of the four control registers (BIOS, DRIVER, KVMR,
 * DEBUG). Fuse status: power-gate distribution done (31), PG0-PG2 done
 * (27-25). DBUF and LCPLL: a state/lock bit follows the request bit. */
#define GEN9_FUSE_STATUS         0x42000u
#define GEN9_FUSE_STATUS_DONE    ((1u << 31) | (1u << 27) | (1u << 26) | (1u << 25))
#define GEN9_DBUF_CTL            0x45008u
#define GEN9_DBUF_POWER_REQUEST  (1u << 31)
#define GEN9_DBUF_POWER_STATE    (1u << 30)
#define GEN9_PWR_WELL_CTL        0x45400u   /* BIOS, DRIVER, KVMR, DEBUG */
#define GEN9_PWR_WELL_REQUESTS   0xaaaaaaaau
#define GEN9_PWR_WELL_STATES     0x55555555u
#define GEN9_DC_STATE_EN         0x45504u
#define GEN9_CDCLK_CTL           0x46000u
#define GEN9_LCPLL1_CTL          0x46010u
#define GEN9_LCPLL_ENABLE        (1u << 31)
#define GEN9_LCPLL_LOCK          (1u << 30)
#define GEN9_NDE_RSTWRN_OPT      0x46408u
#define GEN9_DMC_BASE            0x80000u   /* DMC program and registers */
#define GEN9_DMC_DWORDS          (0x3000u / 4)

/* Interrupt identity registers (IIR) the driver clears at IRQ install and
 * checks read zero (i915_irq.c: gen3_assert_iir_is_zero): write 1 to
 * clear. GT groups 0-3 at 0x44308 + 0x10n, the display engine's pipe,
 * port and misc IIRs, PCU, and the PCH's SDEIIR. Nothing raises a bit
 * yet (no engine, headless): the GT interrupt logic is issue 11's. */
#define GEN9_GT_IIR(n)           (0x44308u + 0x10u * (n))
#define GEN9_DE_PIPE_IIR(p)      (0x44408u + 0x10u * (p))
#define GEN9_DE_PORT_IIR         0x44448u
#define GEN9_DE_MISC_IIR         0x44468u
#define GEN9_PCU_IIR             0x444e8u
#define GEN9_SDE_IIR             0xc4008u

/* GuC status: a vGPU's GuC never runs, its microcontroller stays in
 * reset (GS_MIA_IN_RESET, bit 0), which i915 checks after the GuC reset
 * of its GT sanitize (gt/uc/intel_uc.c). */
#define GEN9_GUC_STATUS          0xc000u
#define GEN9_GS_MIA_IN_RESET     (1u << 0)

/* pcode mailbox (GEN6_PCODE_MAILBOX, DATA, DATA1): the driver writes
 * DATA then MAILBOX with READY (bit 31) and the command in bits 7:0 and
 * waits for READY to clear; bits 7:0 then hold the error code. */
#define GEN9_PCODE_MAILBOX       0x138124u
#define GEN9_PCODE_DATA          0x138128u
#define GEN9_PCODE_DATA1         0x13812cu
#define GEN9_PCODE_READY         (1u << 31)
#define GEN9_PCODE_CMD_MASK      0xffu
#define GEN9_PCODE_CDCLK_CONTROL 0x7u       /* SKL_PCODE_CDCLK_CONTROL */
#define GEN9_CDCLK_READY_FOR_CHANGE 0x1u

/* MCHBAR mirror in BAR0 (0x140000 + MCHBAR offset): GEN6_RP_STATE_CAP,
 * RP0/RP1/RPn in 50 MHz units, bits 7:0 / 15:8 / 23:16 (1100/700/300). */
#define GEN9_RP_STATE_CAP        0x145998u
#define GEN9_RP_STATE_CAP_VALUE  ((6u << 16) | (14u << 8) | 22u)

#endif
