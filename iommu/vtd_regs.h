/*
 * iommu/vtd_regs.h — a VT-d remapping unit's register layout, for the
 * code that programs one (iommu/vtd.c and iommu/vtd_takeover.c, through
 * iommu/vtd_priv.h, which has the access helpers). Offsets
 * from the DRHD register base: VTD-FACTS §2; CAP/ECAP fields: §3;
 * GCMD/GSTS, CCMD and IOTLB commands: §4; queued-invalidation
 * descriptors: §6; fault status and records: §7 (VT-d spec §10.4,
 * §6.5.2, §7.3).
 */
#ifndef BAREGT_IOMMU_VTD_REGS_H
#define BAREGT_IOMMU_VTD_REGS_H

#define VTD_VER      0x00
#define VTD_CAP      0x08
#define VTD_ECAP     0x10
#define VTD_GCMD     0x18
#define VTD_GSTS     0x1c
#define VTD_RTADDR   0x20
#define VTD_CCMD     0x28
#define VTD_FSTS     0x34
#define VTD_FECTL    0x38
#define VTD_PMEN     0x64
#define VTD_IQH      0x80
#define VTD_IQT      0x88
#define VTD_IQA      0x90
#define VTD_IECTL    0xa0
#define VTD_IRTA     0xb8

/* GCMD bits and their GSTS status twins (same positions, §4). */
#define GCMD_TE      (1u << 31)           /* TES */
#define GCMD_SRTP    (1u << 30)           /* RTPS */
#define GCMD_WBF     (1u << 27)           /* WBFS */
#define GCMD_QIE     (1u << 26)           /* QIES */
#define GCMD_IRE     (1u << 25)           /* IRES */
#define GCMD_SIRTP   (1u << 24)           /* IRTPS */
/* The persistent enables (TE, EAFL, QIE, IRE, CFI): GSTS & this is the
 * software copy GCMD writes must carry (§4 "Handshake"). */
#define GSTS_PERSIST 0x96ffffffu

/* IRTA: table base 63:12, S 3:0 = 2^(S + 1) entries; 7: one page. */
#define IRTA_S_PAGE  7ull

#define PMEN_EPM     (1u << 31)
#define PMEN_PRS     (1u << 0)

/* FECTL and IECTL: bit 31 IM masks the event's interrupt (§2). */
#define VTD_INTR_IM  (1u << 31)

#define CAP_RWBF     (1ull << 4)
#define CAP_CM       (1ull << 7)
#define CAP_SAGAW(c) ((unsigned)(((c) >> 8) & 0x1f))
#define CAP_FRO(c)   ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define CAP_NFR(c)   ((unsigned)(((c) >> 40) & 0xff) + 1)
#define CAP_DWD      (1ull << 54)
#define CAP_DRD      (1ull << 55)
#define ECAP_C       (1ull << 0)
#define ECAP_QI      (1ull << 1)
#define ECAP_IR      (1ull << 3)
#define ECAP_IRO(e)  ((unsigned)(((e) >> 8) & 0x3ff) * 16)

#define CCMD_ICC     (1ull << 63)
#define CCMD_GLOBAL  (1ull << 61)         /* CIRG 1 */
#define IOTLB_IVT    (1ull << 63)
#define IOTLB_GLOBAL (1ull << 60)         /* IIRG 1 */
#define IOTLB_DR     (1ull << 49)
#define IOTLB_DW     (1ull << 48)

/* FSTS (§7): PPF is a read-only summary of the records' F bits; the
 * other low bits are write-1-to-clear error flags. */
#define FSTS_PFO     (1u << 0)
#define FSTS_PPF     (1u << 1)
#define FSTS_IQE     (1u << 4)
#define FSTS_ERRORS  0xfdu                /* PFO AFO APF IQE ICE ITE PRO */
#define FSTS_FRI(f)  (((f) >> 8) & 0xff)
/* Fault record: qword at +0 page address, dword at +8 source ID, dword
 * at +12 FR 7:0, T bit 30 (1 = read), F bit 31 (valid, W1C). */
#define FRCD_F       (1u << 31)
#define FRCD_T       (1u << 30)
#define FRCD_BYTES   16u

/* 128-bit invalidation descriptors (§6): type in bits 3:0. */
#define QI_CC        0x1ull               /* context-cache invalidate */
#define QI_IOTLB     0x2ull
#define QI_WAIT      0x5ull
#define QI_GLOBAL    (1ull << 4)          /* granularity 1: global */
#define QI_IOTLB_DR  (1ull << 7)
#define QI_IOTLB_DW  (1ull << 6)
#define QI_WAIT_SW   (1ull << 5)          /* write the status dword */
#define QI_DESC_BYTES 16u
#define QI_ENTRIES   256u                 /* one page, IQA.QS = 0 */

#endif
