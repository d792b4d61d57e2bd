/*
 * tests/unit/vtd_model.h — a register-level model of one VT-d remapping
 * unit, for the unit tests of iommu/vtd.c (test_vtd.c) and iommu/iommu.c
 * (test_iommu.c). Register offsets and bits are written out here by hand
 * from VTD-FACTS (not taken from the driver's header), so a wrong offset
 * in the driver fails the tests:
 *   §2 VER 0x00, CAP 0x08, ECAP 0x10, GCMD 0x18, GSTS 0x1C, RTADDR 0x20,
 *      CCMD 0x28, FSTS 0x34, FECTL 0x38, PMEN 0x64, IQH 0x80, IQT 0x88,
 *      IQA 0x90, ICS 0x9C, IECTL 0xA0, IRTA 0xB8, IOTLB at ECAP.IRO·16
 *      (+0 IVA, +8 command), fault records at CAP.FRO·16, 16 bytes each;
 *   §4 GCMD/GSTS bits TE 31, SRTP 30, SFL 29, EAFL 28, WBF 27, QIE 26,
 *      IRE 25, SIRTP 24, CFI 23; CCMD ICC 63, CIRG 62:61; IOTLB IVT 63,
 *      IIRG 61:60, DR 49, DW 48;
 *   §6 descriptors: type 3:0, G 5:4, wait SW bit 5 / status data 63:32 /
 *      address in qword 1; IQA QS 2:0;
 *   §7 FSTS PFO 0, PPF 1, IQE 4, FRI 15:8; record F bit 31 / T bit 30 /
 *      FR 7:0 of the dword at +12, SID at +8.
 *
 * The model behaves as the hardware (and QEMU's model of it) does: a GCMD
 * command shows in GSTS only after a few reads; the queue's base is taken
 * on QIE 0 → 1 only, which also resets IQH; a queue is consumed (now, one
 * descriptor per IQH read, or never) and wait descriptors write their
 * status; as QEMU's, it keeps QIES set when told to turn a queue off whose
 * last fetched descriptor was not a wait; fault records are W1C. It flags protocol violations — a GCMD
 * write while the last command has not shown yet, more than one change in
 * one write, TE before a root table pointer, IQA written or QIE cleared
 * with descriptors pending while the queue is live, QIE set with IQT ≠ 0,
 * register invalidation while QIES = 1, WBF without CAP.RWBF, an event
 * interrupt unmasked, unknown registers or widths. Each model is one
 * struct model; its accessors take it as their ctx.
 */
#ifndef BAREGT_TESTS_VTD_MODEL_H
#define BAREGT_TESTS_VTD_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "iommu/vtd.h"

#define R_VER     0x00
#define R_CAP     0x08
#define R_ECAP    0x10
#define R_GCMD    0x18
#define R_GSTS    0x1c
#define R_RTADDR  0x20
#define R_CCMD    0x28
#define R_FSTS    0x34
#define R_FECTL   0x38
#define R_PMEN    0x64
#define R_IQH     0x80
#define R_IQT     0x88
#define R_IQA     0x90
#define R_ICS     0x9c
#define R_IECTL   0xa0
#define R_IRTA    0xb8

#define B_TE      (1u << 31)
#define B_SRTP    (1u << 30)
#define B_SFL     (1u << 29)
#define B_EAFL    (1u << 28)
#define B_WBF     (1u << 27)
#define B_QIE     (1u << 26)
#define B_IRE     (1u << 25)
#define B_SIRTP   (1u << 24)
#define B_CFI     (1u << 23)
#define PERSIST   (B_TE | B_EAFL | B_QIE | B_IRE | B_CFI)
#define ONESHOT   (B_SRTP | B_SFL | B_WBF | B_SIRTP)

#define FS_PFO    (1u << 0)
#define FS_PPF    (1u << 1)
#define FS_IQE    (1u << 4)
#define FR_F      (1u << 31)
#define FR_T      (1u << 30)
#define IM        (1u << 31)
#define EPM       (1u << 31)
#define PRS       (1u << 0)

/* The Gen9 graphics unit of VTD-FACTS §8 "Example CAP/ECAP": SAGAW
 * 4-level only, FRO 0x400, NFR 1, DWD/DRD; ECAP C 0, QI 1, IR 1, IRO
 * 0x500. Tests that need more fault records set NFR with cap_nfr(). The
 * other unit of that laptop, and QEMU's (EMULATORS.md: SAGAW 39-bit
 * only, FRO 0x220, IRO 0xf0). */
#define CAP_GEN9   0x01C0000C40660462ull
#define ECAP_GEN9  0x19E2FF0505Eull
#define CAP_GEN9_OTHER  0x00D2008C40660462ull
#define ECAP_GEN9_OTHER 0x0000000000F050DAull
#define CAP_QEMU   0x00d2008c22260206ull
#define ECAP_QEMU  0x0000000000f00f4aull

static inline uint64_t cap_nfr(uint64_t cap, unsigned nfr)
{
	return (cap & ~(0xffull << 40)) | ((uint64_t)(nfr - 1) << 40);
}

enum ev {
	EV_FRCD_CLEAR = 1, EV_FSTS_CLEAR, EV_FECTL_MASK, EV_IECTL_MASK,
	EV_QIE_ON, EV_QIE_OFF, EV_IRE_ON, EV_IRE_OFF, EV_TE_ON, EV_TE_OFF,
	EV_SRTP, EV_SIRTP, EV_WBF, EV_QI_CC, EV_QI_IOTLB, EV_QI_WAIT,
	EV_REG_CC, EV_REG_IOTLB, EV_PMEN_OFF,
};

#define EV_MAX    64
#define NFR_MAX   8

enum iq_mode { IQ_NOW, IQ_LAZY, IQ_STUCK };

struct frcd {                    /* one fault-recording register */
	uint64_t lo;                 /* +0: page address */
	uint32_t sid, hi;            /* +8: source ID; +12: F, T, FR */
};

struct model {
	uint32_t ver;
	uint64_t cap, ecap;
	bool floating;               /* nothing answers: reads all-ones */
	unsigned lag;                /* status reads before a command shows */
	uint32_t never;              /* GSTS bits that never follow */
	uint32_t gsts;
	bool pending;
	uint32_t pend_set, pend_clear;
	unsigned pend_reads;
	bool root_set, irtp_set, qi_on;
	uint64_t rtaddr, root, irta;
	uint64_t ccmd, iotlb, iva, last_ccmd, last_iotlb;
	unsigned ccmd_reads, iotlb_reads;
	uint64_t iqh, iqt, iqa, iq_base;
	unsigned iq_entries;
	enum iq_mode iq_mode;
	uint64_t last_cc_desc, last_iotlb_desc;
	unsigned last_type;          /* of the last descriptor fetched */
	uint32_t ics, fectl, iectl, pmen;
	unsigned pmen_reads;
	uint32_t fsts_err;           /* W1C bits other than PPF */
	unsigned fri;                /* where the hardware starts recording */
	struct frcd frcd[NFR_MAX];
	enum ev ev[EV_MAX];
	unsigned nev, reads, fsts_reads;
	unsigned violations;
	char violation[256];
};

/* ---- the model ------------------------------------------------------------- */

/* Fault records at CAP.FRO (bits 33:24) · 16, the IOTLB registers at
 * ECAP.IRO (bits 17:8) · 16 (VTD-FACTS §2, §3). */
static inline uint32_t fro(const struct model *md)
{
	return (uint32_t)((md->cap >> 24) & 0x3ff) * 16;
}

static inline uint32_t iro(const struct model *md)
{
	return (uint32_t)((md->ecap >> 8) & 0x3ff) * 16;
}

static inline void violate(struct model *md, const char *fmt, ...)
{
	va_list ap;

	if (md->violations++ == 0) {
		va_start(ap, fmt);
		vsnprintf(md->violation, sizeof(md->violation), fmt, ap);
		va_end(ap);
	}
}

static inline void event(struct model *md, enum ev e)
{
	if (md->nev < EV_MAX)
		md->ev[md->nev] = e;
	md->nev++;
}

static inline unsigned nfr(const struct model *md)
{
	return (unsigned)((md->cap >> 40) & 0xff) + 1;
}

static inline unsigned popcount32(uint32_t v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* A command takes effect in GSTS after md->lag status reads. */
static inline void pend(struct model *md, uint32_t set, uint32_t clear)
{
	md->pending = true;
	md->pend_set = set;
	md->pend_clear = clear;
	md->pend_reads = md->lag;
}

static inline void settle(struct model *md)
{
	if (!md->pending || ((md->pend_set | md->pend_clear) & md->never))
		return;
	if (md->pend_reads > 0 && --md->pend_reads > 0)
		return;
	md->gsts = (md->gsts | md->pend_set) & ~md->pend_clear;
	if (md->pend_set & B_SRTP)
		md->root_set = true;
	if (md->pend_set & B_SIRTP)
		md->irtp_set = true;
	if (md->pend_clear & B_QIE)
		md->iqh = 0;                   /* QEMU resets the head on disable */
	md->pending = false;
}

/* One descriptor at IQH; false when none could be consumed. */
static inline bool iq_consume(struct model *md)
{
	const uint64_t *d;
	unsigned type;

	if (!md->qi_on || md->iqh == md->iqt || (md->fsts_err & FS_IQE))
		return false;
	d = (const uint64_t *)(uintptr_t)(md->iq_base + md->iqh);
	type = (unsigned)(d[0] & 0xf);
	switch (type) {
	case 1:
		md->last_cc_desc = d[0];
		event(md, EV_QI_CC);
		break;
	case 2:
		md->last_iotlb_desc = d[0];
		event(md, EV_QI_IOTLB);
		break;
	case 5:
		if (d[0] & (1u << 5)) {
			if (d[1] & 3)
				violate(md, "wait status address %#llx not 4-byte aligned",
				        (unsigned long long)d[1]);
			else
				*(volatile uint32_t *)(uintptr_t)d[1] =
					(uint32_t)(d[0] >> 32);
		}
		event(md, EV_QI_WAIT);
		break;
	default:
		md->fsts_err |= FS_IQE;        /* IQH stays at the bad one */
		return false;
	}
	md->last_type = type;
	md->iqh = (md->iqh + 16) % (16ull * md->iq_entries);
	return true;
}

static inline void gcmd_write(struct model *md, uint32_t v)
{
	uint32_t cur = md->gsts & PERSIST;
	uint32_t change = (v ^ cur) & PERSIST, shot = v & ONESHOT;

	if (md->pending) {
		violate(md, "GCMD %#x written before GSTS showed the last command", v);
		return;
	}
	if (popcount32(change) + popcount32(shot) != 1) {
		violate(md, "GCMD %#x: one command per write (GSTS %#x: changes %#x,"
		        " one-shot %#x)", v, md->gsts, change, shot);
		return;
	}
	if (shot & B_SRTP) {
		if (md->rtaddr & (1u << 10))
			violate(md, "RTADDR bit 10: scalable-mode tables");
		md->root = md->rtaddr;
		md->gsts &= ~B_SRTP;           /* RTPS clears, then sets when done */
		pend(md, B_SRTP, 0);
		event(md, EV_SRTP);
	} else if (shot & B_SIRTP) {
		md->gsts &= ~B_SIRTP;
		pend(md, B_SIRTP, 0);
		event(md, EV_SIRTP);
	} else if (shot & B_WBF) {
		if (!(md->cap & (1u << 4)))
			violate(md, "WBF on a unit without CAP.RWBF");
		md->gsts |= B_WBF;
		pend(md, 0, B_WBF);
		event(md, EV_WBF);
	} else if (shot & B_SFL) {
		violate(md, "SFL: BareGT sets no fault log");
	} else if (change & B_TE) {
		if ((v & B_TE) && !md->root_set)
			violate(md, "TE set before a root table pointer was set (SRTP)");
		pend(md, v & B_TE, ~v & B_TE);
		event(md, (v & B_TE) ? EV_TE_ON : EV_TE_OFF);
	} else if (change & B_QIE) {
		if (v & B_QIE) {
			if (md->iqt != 0)
				violate(md, "QIE set with IQT %#llx (must be 0)",
				        (unsigned long long)md->iqt);
			md->iq_base = md->iqa & ~0xfffull;
			md->iq_entries = 256u << (md->iqa & 7);
			md->iqh = 0;
			md->qi_on = true;
			if (md->iq_mode == IQ_LAZY)    /* a new queue: served at once */
				md->iq_mode = IQ_NOW;
			pend(md, B_QIE, 0);
			event(md, EV_QIE_ON);
		} else {
			if (md->iqh != md->iqt) {
				/* QEMU refuses too: QIES stays set. */
				violate(md, "QIE cleared with descriptors pending (IQH %#llx,"
				        " IQT %#llx)", (unsigned long long)md->iqh,
				        (unsigned long long)md->iqt);
				return;
			}
			if (md->last_type != 5)
				return;          /* QEMU: QIES stays set, no error */
			md->qi_on = false;
			pend(md, 0, B_QIE);
			event(md, EV_QIE_OFF);
		}
	} else if (change & B_IRE) {
		if ((v & B_IRE) && !md->irtp_set)
			violate(md, "IRE set before an IR table pointer (SIRTP)");
		pend(md, v & B_IRE, ~v & B_IRE);
		event(md, (v & B_IRE) ? EV_IRE_ON : EV_IRE_OFF);
	} else {
		pend(md, v & change, ~v & change);    /* EAFL, CFI */
	}
	if (md->lag == 0)
		settle(md);
}

static inline bool is_frcd(const struct model *md, uint32_t off, unsigned *i,
                    unsigned *part)
{
	if (off < fro(md) || off >= fro(md) + 16 * nfr(md))
		return false;
	*i = (off - fro(md)) / 16;
	*part = (off - fro(md)) % 16;
	return true;
}

static inline uint32_t fsts_value(const struct model *md)
{
	unsigned k, n = nfr(md), first = md->fri % n;
	bool any = false;

	for (k = 0; k < n && !any; k++)
		if (md->frcd[(md->fri + k) % n].hi & FR_F) {
			any = true;
			first = (md->fri + k) % n;
		}
	return md->fsts_err | (any ? FS_PPF : 0) | (first << 8);
}

static inline uint32_t m_read32(void *ctx, uint32_t off)
{
	struct model *md = ctx;
	unsigned i, part;

	md->reads++;
	if (md->floating)
		return 0xffffffffu;
	switch (off) {
	case R_VER:
		return md->ver;
	case R_GSTS:
		settle(md);
		return md->gsts;
	case R_FSTS:
		md->fsts_reads++;
		return fsts_value(md);
	case R_FECTL:
		return md->fectl;
	case R_IECTL:
		return md->iectl;
	case R_ICS:
		return md->ics;
	case R_PMEN:
		if (md->pmen_reads && --md->pmen_reads == 0)
			md->pmen &= ~PRS;
		return md->pmen;
	}
	if (is_frcd(md, off, &i, &part) && (part == 8 || part == 12))
		return part == 8 ? md->frcd[i].sid : md->frcd[i].hi;
	violate(md, "32-bit read of %#x", off);
	return 0;
}

static inline uint64_t m_read64(void *ctx, uint32_t off)
{
	struct model *md = ctx;
	unsigned i, part;

	md->reads++;
	if (md->floating)
		return ~0ull;
	switch (off) {
	case R_CAP:
		return md->cap;
	case R_ECAP:
		return md->ecap;
	case R_RTADDR:
		return md->rtaddr;
	case R_CCMD:
		if (md->ccmd_reads && --md->ccmd_reads == 0)
			md->ccmd = (md->ccmd & ~(1ull << 63)) |
			         (((md->ccmd >> 61) & 3) << 59);   /* CAIG = CIRG */
		return md->ccmd;
	case R_IQH:
		if (md->iq_mode == IQ_LAZY)
			iq_consume(md);
		return md->iqh;
	case R_IQT:
		return md->iqt;
	case R_IQA:
		return md->iqa;
	case R_IRTA:
		return md->irta;
	}
	if (off == iro(md) + 8) {
		if (md->iotlb_reads && --md->iotlb_reads == 0)
			md->iotlb &= ~(1ull << 63);
		return md->iotlb;
	}
	if (is_frcd(md, off, &i, &part) && part == 0)
		return md->frcd[i].lo;
	violate(md, "64-bit read of %#x", off);
	return 0;
}

static inline void m_write32(void *ctx, uint32_t off, uint32_t v)
{
	struct model *md = ctx;
	unsigned i, part;

	switch (off) {
	case R_GCMD:
		gcmd_write(md, v);
		return;
	case R_FSTS:
		if (md->fsts_err & v & 0xfdu)
			event(md, EV_FSTS_CLEAR);
		md->fsts_err &= ~(v & 0xfdu);
		return;
	case R_FECTL:
	case R_IECTL: {
		uint32_t *r = off == R_FECTL ? &md->fectl : &md->iectl;

		if (!(v & IM))
			violate(md, "%s unmasked: BareGT's host takes no interrupts",
			        off == R_FECTL ? "FECTL" : "IECTL");
		if ((v & IM) && !(*r & IM))
			event(md, off == R_FECTL ? EV_FECTL_MASK : EV_IECTL_MASK);
		*r = v & IM;
		return;
	}
	case R_ICS:
		md->ics &= ~(v & 1);
		return;
	case R_PMEN:
		if (!(v & EPM) && (md->pmen & EPM)) {
			event(md, EV_PMEN_OFF);
			md->pmen = PRS;
			md->pmen_reads = md->lag ? md->lag : 1;
		}
		return;
	}
	if (is_frcd(md, off, &i, &part) && part == 12) {
		if ((v & FR_F) && (md->frcd[i].hi & FR_F))
			event(md, EV_FRCD_CLEAR);
		if (v & FR_F)
			md->frcd[i].hi &= ~FR_F;
		return;
	}
	violate(md, "32-bit write of %#x to %#x", v, off);
}

static inline void m_write64(void *ctx, uint32_t off, uint64_t v)
{
	struct model *md = ctx;

	switch (off) {
	case R_RTADDR:
		if (md->pending && (md->pend_set & B_SRTP))
			violate(md, "RTADDR written during SRTP");
		md->rtaddr = v;
		return;
	case R_CCMD:
		if (v & (1ull << 63)) {
			if (md->gsts & B_QIE || md->qi_on)
				violate(md, "CCMD register invalidation while QIES = 1");
			md->last_ccmd = v;
			md->ccmd = v;
			md->ccmd_reads = md->lag ? md->lag : 1;
			event(md, EV_REG_CC);
		}
		return;
	case R_IQT:
		if (v & 0xf)
			violate(md, "IQT %#llx not descriptor-aligned", (unsigned long long)v);
		md->iqt = v;
		if (md->qi_on && md->iq_mode == IQ_NOW)
			while (iq_consume(md))
				;
		return;
	case R_IQA:
		if (md->qi_on || (md->gsts & B_QIE))
			violate(md, "IQA written while the queue is live (QIES = 1): the"
			        " hardware keeps the base it took on QIE 0 -> 1");
		md->iqa = v;
		return;
	case R_IRTA:
		md->irta = v;
		return;
	}
	if (off == iro(md)) {
		md->iva = v;
		return;
	}
	if (off == iro(md) + 8) {
		if (v & (1ull << 63)) {
			if (md->gsts & B_QIE || md->qi_on)
				violate(md, "IOTLB register invalidation while QIES = 1");
			md->last_iotlb = v;
			md->iotlb = v;
			md->iotlb_reads = md->lag ? md->lag : 1;
			event(md, EV_REG_IOTLB);
		}
		return;
	}
	violate(md, "64-bit write of %#llx to %#x", (unsigned long long)v, off);
}

/* A unit after reset: everything off, event interrupts masked. */
static inline void model_init(struct model *md, uint64_t cap, uint64_t ecap)
{
	memset(md, 0, sizeof(*md));
	md->ver = 0x10;
	md->cap = cap;
	md->ecap = ecap;
	md->lag = 3;
	md->fectl = IM;
	md->iectl = IM;
}

static inline void model_mmio(struct model *md, struct vtd_mmio *out)
{
	*out = (struct vtd_mmio){ m_read32, m_write32, m_read64, m_write64, md };
}

#endif
