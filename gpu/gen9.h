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

/* Render engine masked mode registers (§5). */
#define GEN9_RCS_MI_MODE         0x209cu
#define GEN9_RCS_RING_MODE       0x229cu

#endif
