/*
 * iommu/vtd.c — programming a VT-d remapping unit. Register offsets and
 * bits: VTD-FACTS §2 (registers), §3 (CAP/ECAP fields), §4 (GCMD/GSTS,
 * CCMD, IOTLB), §6 (queued invalidation descriptors), §7 (faults).
 * Every poll is bounded: a unit that does not answer is reported, never
 * waited for forever.
 */
#include <stdio.h>
#include <string.h>
#include "hv/mm.h"
#include "iommu/vtd.h"
#include "iommu/vtd_tables.h"

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

#define GCMD_TE      (1u << 31)
#define GCMD_SRTP    (1u << 30)
#define GCMD_WBF     (1u << 27)
#define GCMD_QIE     (1u << 26)
#define GSTS_PERSIST 0x96ffffffu           /* drops one-shot status bits */
#define PMEN_EPM     (1u << 31)
#define PMEN_PRS     (1u << 0)

#define CAP_RWBF     (1ull << 4)
#define CAP_CM       (1ull << 7)
#define CAP_SAGAW(c) (((c) >> 8) & 0x1f)
#define CAP_FRO(c)   ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define CAP_NFR(c)   ((unsigned)(((c) >> 40) & 0xff) + 1)
#define CAP_DWD      (1ull << 54)
#define CAP_DRD      (1ull << 55)
#define ECAP_C       (1ull << 0)
#define ECAP_QI      (1ull << 1)
#define ECAP_IRO(e)  ((unsigned)(((e) >> 8) & 0x3ff) * 16)

#define CCMD_ICC     (1ull << 63)
#define CCMD_GLOBAL  (1ull << 61)
#define IOTLB_IVT    (1ull << 63)
#define IOTLB_GLOBAL (1ull << 60)
#define IOTLB_DR     (1ull << 49)
#define IOTLB_DW     (1ull << 48)

#define FSTS_PFO     (1u << 0)
#define FSTS_PPF     (1u << 1)
#define FSTS_FRI(f)  (((f) >> 8) & 0xff)
#define FRCD_F       (1u << 31)
#define FRCD_T       (1u << 30)

#define QI_CC        0x1ull                /* context-cache invalidate */
#define QI_IOTLB     0x2ull
#define QI_WAIT      0x5ull
#define QI_GLOBAL    (1ull << 4)           /* granularity 1: global */
#define QI_IOTLB_DR  (1ull << 7)
#define QI_IOTLB_DW  (1ull << 6)
#define QI_WAIT_SW   (1ull << 5)
#define QI_ENTRIES   256                   /* one page of 16-byte descriptors */

#define VTD_SPIN     10000000u

static uint32_t rd32(const struct vtd_unit *u, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(u->base + off);
}

static uint64_t rd64(const struct vtd_unit *u, unsigned off)
{
	return *(volatile uint64_t *)(uintptr_t)(u->base + off);
}

static void wr32(const struct vtd_unit *u, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(u->base + off) = v;
}

static void wr64(const struct vtd_unit *u, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)(u->base + off) = v;
}

/* Wait for (GSTS & bit) == want. */
static bool vtd_wait_gsts(const struct vtd_unit *u, uint32_t bit, bool want)
{
	unsigned spin;

	for (spin = 0; spin < VTD_SPIN; spin++)
		if (((rd32(u, VTD_GSTS) & bit) != 0) == want)
			return true;
	return false;
}

/* A one-shot command (SRTP, WBF) on top of the persistent enables. */
static bool vtd_command(struct vtd_unit *u, uint32_t bit, bool status_set)
{
	wr32(u, VTD_GCMD, u->gcmd | bit);
	return vtd_wait_gsts(u, bit, status_set);
}

static bool vtd_enable_bit(struct vtd_unit *u, uint32_t bit)
{
	u->gcmd |= bit;
	wr32(u, VTD_GCMD, u->gcmd);
	return vtd_wait_gsts(u, bit, true);
}

bool vtd_unit_probe(struct vtd_unit *u, uint64_t base, bool registers_only,
                    char *err, size_t errlen)
{
	unsigned sagaw;

	memset(u, 0, sizeof(*u));
	u->base = base;
	u->registers_only = registers_only;
	mmu_map_mmio(base, PAGE_SIZE);
	u->version = rd32(u, VTD_VER);
	u->cap = rd64(u, VTD_CAP);
	u->ecap = rd64(u, VTD_ECAP);
	if (u->version == 0xffffffffu || u->cap == ~0ull) {
		snprintf(err, errlen, "no remapping unit answers at %#llx",
		         (unsigned long long)base);
		return false;
	}
	mmu_map_mmio(base, PAGE_SIZE +
	             (ECAP_IRO(u->ecap) > CAP_FRO(u->cap) ? ECAP_IRO(u->ecap) :
	                                                     CAP_FRO(u->cap)));
	sagaw = CAP_SAGAW(u->cap);
	if (sagaw & (1u << 1))
		u->aw = VTD_AW_39BIT;
	else if (sagaw & (1u << 2))
		u->aw = VTD_AW_48BIT;
	else {
		snprintf(err, errlen, "unit at %#llx supports neither 39- nor"
		         " 48-bit tables (SAGAW %#x)", (unsigned long long)base, sagaw);
		return false;
	}
	u->gcmd = rd32(u, VTD_GSTS) & GSTS_PERSIST;
	u->coherent = u->ecap & ECAP_C;
	u->caching_mode = u->cap & CAP_CM;
	return true;
}

void vtd_unit_flush_lines(const struct vtd_unit *u, const void *p, size_t len)
{
	const uint8_t *c = (const uint8_t *)((uintptr_t)p & ~63ull);

	if (u->coherent)
		return;
	for (; c < (const uint8_t *)p + len; c += 64)
		__asm__ __volatile__("clflush %0" : : "m"(*c) : "memory");
	__asm__ __volatile__("mfence" : : : "memory");
}

/* ---- invalidation ---------------------------------------------------------- */

static bool vtd_qi_submit(struct vtd_unit *u, const uint64_t (*desc)[2], unsigned n)
{
	unsigned i, spin;
	uint32_t seq = ++u->iq_seq;

	for (i = 0; i <= n; i++) {
		uint64_t *slot = &u->iq[2 * u->iq_tail];
		if (i < n) {
			slot[0] = desc[i][0];
			slot[1] = desc[i][1];
		} else {        /* wait descriptor: write seq to the status dword */
			slot[0] = QI_WAIT | QI_WAIT_SW | ((uint64_t)seq << 32);
			slot[1] = (uint64_t)(uintptr_t)u->iq_status;
		}
		vtd_unit_flush_lines(u, slot, 16);
		u->iq_tail = (u->iq_tail + 1) % QI_ENTRIES;
	}
	wr64(u, VTD_IQT, (uint64_t)u->iq_tail << 4);
	for (spin = 0; spin < VTD_SPIN; spin++)
		if (*u->iq_status == seq)
			return true;
	return false;
}

static bool vtd_qi_enable(struct vtd_unit *u)
{
	u->iq = mm_alloc_pages(1);
	u->iq_status = mm_alloc_pages(1);
	u->iq_tail = 0;
	wr64(u, VTD_IQT, 0);
	wr64(u, VTD_IQA, (uint64_t)(uintptr_t)u->iq);      /* QS 0: one page */
	if (!vtd_enable_bit(u, GCMD_QIE))
		return false;
	u->qi = true;
	return true;
}

static bool vtd_reg_invalidate(struct vtd_unit *u)
{
	unsigned iotlb = ECAP_IRO(u->ecap) + 8, spin;
	uint64_t drain = ((u->cap & CAP_DRD) ? IOTLB_DR : 0) |
	                 ((u->cap & CAP_DWD) ? IOTLB_DW : 0);

	wr64(u, VTD_CCMD, CCMD_ICC | CCMD_GLOBAL);
	for (spin = 0; spin < VTD_SPIN && (rd64(u, VTD_CCMD) & CCMD_ICC); spin++)
		;
	if (spin == VTD_SPIN)
		return false;
	wr64(u, iotlb, IOTLB_IVT | IOTLB_GLOBAL | drain);
	for (spin = 0; spin < VTD_SPIN && (rd64(u, iotlb) & IOTLB_IVT); spin++)
		;
	return spin < VTD_SPIN;
}

bool vtd_unit_invalidate(struct vtd_unit *u)
{
	uint64_t drain = ((u->cap & CAP_DRD) ? QI_IOTLB_DR : 0) |
	                 ((u->cap & CAP_DWD) ? QI_IOTLB_DW : 0);
	const uint64_t desc[2][2] = {
		{ QI_CC | QI_GLOBAL, 0 },
		{ QI_IOTLB | QI_GLOBAL | drain, 0 },
	};

	if ((u->cap & CAP_RWBF) && !vtd_command(u, GCMD_WBF, false))
		return false;
	return u->qi ? vtd_qi_submit(u, desc, 2) : vtd_reg_invalidate(u);
}

/* ---- enabling ---------------------------------------------------------------- */

bool vtd_unit_enable(struct vtd_unit *u, uint64_t root_hpa, char *err,
                     size_t errlen)
{
	const char *what = NULL;

	if ((u->cap & CAP_RWBF) && !vtd_command(u, GCMD_WBF, false))
		what = "write-buffer flush";
	if (!what) {
		wr64(u, VTD_RTADDR, root_hpa);       /* bit 10 clear: legacy tables */
		if (!vtd_command(u, GCMD_SRTP, true))
			what = "root table pointer";
	}
	if (!what && (u->ecap & ECAP_QI) && !u->registers_only && !vtd_qi_enable(u))
		what = "queued invalidation";
	if (!what && !vtd_unit_invalidate(u))
		what = "invalidation";
	if (!what && !vtd_enable_bit(u, GCMD_TE))
		what = "translation enable";
	if (what) {
		snprintf(err, errlen, "unit at %#llx: %s timed out",
		         (unsigned long long)u->base, what);
		return false;
	}
	if (rd32(u, VTD_PMEN) & PMEN_EPM) {
		wr32(u, VTD_PMEN, 0);
		for (unsigned spin = 0; spin < VTD_SPIN &&
		     (rd32(u, VTD_PMEN) & PMEN_PRS); spin++)
			;
	}
	return true;
}

/* ---- faults ------------------------------------------------------------------- */

unsigned vtd_unit_faults(struct vtd_unit *u, struct vtd_fault_record *rec,
                         unsigned max)
{
	unsigned nfr = CAP_NFR(u->cap), fro = CAP_FRO(u->cap), i, n = 0;
	uint32_t fsts = rd32(u, VTD_FSTS);

	if (!(fsts & (FSTS_PPF | FSTS_PFO)))
		return 0;
	for (i = FSTS_FRI(fsts); n < nfr; i = (i + 1) % nfr, n++) {
		unsigned off = fro + 16 * i;
		uint32_t hi = rd32(u, off + 12);

		if (!(hi & FRCD_F))
			break;
		if (n < max) {
			rec[n].page = rd64(u, off) & ~0xfffull;
			rec[n].sid = (uint16_t)rd32(u, off + 8);
			rec[n].reason = (uint8_t)hi;
			rec[n].read = hi & FRCD_T;
		}
		wr32(u, off + 12, FRCD_F);           /* write 1 to clear */
	}
	wr32(u, VTD_FSTS, FSTS_PFO | FSTS_PPF);
	u->faults += n;
	return n < max ? n : max;
}
