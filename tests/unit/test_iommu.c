/*
 * tests/unit/test_iommu.c — iommu/iommu.c end to end, on a platform of
 * register-level unit models (vtd_model.h) and a DMAR table built here
 * byte by byte (VTD-FACTS §1: 36-byte header, HAW − 1 at byte 36, flags
 * at 37, structures from 48; DRHD flags +4, size +5, segment +6, base +8,
 * scopes from +16; RMRR segment +6, base +8, inclusive end +16, scopes
 * from +24; scope type +0, length +1, enumeration ID +4, start bus +5,
 * (dev, fn) pairs from +6).
 *
 * The layout is the client one of VTD-FACTS §8: unit 0 at 0xfed90000
 * for the IGD (00:02.0) only, unit 1 at 0xfed91000 with INCLUDE_PCI_ALL
 * and the IOAPIC/HPET scopes; RMRRs for the xHCI (00:14.0) and the IGD.
 * What the tables say is checked with the software walker over the root
 * table each model was given (SRTP), so it is what the unit would read.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/log_capture.h"

#include "hv/console.h"
#include "iommu/iommu.h"
#include "iommu/vtd_tables.h"
#include "tests/unit/vtd_model.h"

#define GFX_BASE    0xfed90000ull
#define OTHER_BASE  0xfed91000ull
#define USB_BASE    0x79e8f000ull
#define USB_END     0x79eaefffull
#define IGD_BASE    0x7a000000ull
#define IGD_END     0x7c7fffffull
#define DEVFN(d, f) ((uint8_t)((d) << 3 | (f)))
#define IGD         DEVFN(2, 0)
#define XHCI        DEVFN(0x14, 0)
#define SATA        DEVFN(0x17, 0)
#define GPU_DID     2
/* VTD-FACTS §1: scope types, DRHD flag bit 0. */
#define SC_ENDPOINT 1
#define SC_IOAPIC   3
#define SC_HPET     4
#define INCLUDE_ALL 1

/* ---- the DMAR table --------------------------------------------------------- */

static uint8_t dmar[512];
static size_t dmar_len;

static void put(size_t off, uint64_t v, unsigned bytes)
{
	unsigned i;

	for (i = 0; i < bytes; i++)
		dmar[off + i] = (uint8_t)(v >> (8 * i));
}

static size_t structure(uint16_t type, size_t fixed)
{
	size_t at = dmar_len;

	put(at, type, 2);
	put(at + 2, fixed, 2);
	dmar_len += fixed;
	return at;
}

static void scope(size_t st, uint8_t type, uint8_t id, uint8_t dev, uint8_t fn)
{
	size_t at = dmar_len;

	dmar[at] = type;
	dmar[at + 1] = 8;                       /* one (dev, fn) pair */
	dmar[at + 4] = id;
	dmar[at + 5] = 0;                       /* start bus */
	dmar[at + 6] = dev;
	dmar[at + 7] = fn;
	dmar_len += 8;
	put(st + 2, dmar_len - st, 2);
}

static void finish(void)
{
	uint8_t sum = 0;
	size_t i;

	memcpy(dmar, "DMAR", 4);
	put(4, dmar_len, 4);
	dmar[8] = 1;
	dmar[9] = 0;
	for (i = 0; i < dmar_len; i++)
		sum = (uint8_t)(sum + dmar[i]);
	dmar[9] = (uint8_t)(0x100 - sum);
}

static void build_client(void)
{
	size_t st;

	memset(dmar, 0, sizeof(dmar));
	dmar_len = 48;
	dmar[36] = 38;                          /* HAW 39 */
	dmar[37] = 1;                           /* INTR_REMAP */
	st = structure(0, 16);
	put(st + 8, GFX_BASE, 8);
	scope(st, SC_ENDPOINT, 0, 2, 0);
	st = structure(0, 16);
	dmar[st + 4] = INCLUDE_ALL;
	put(st + 8, OTHER_BASE, 8);
	scope(st, SC_IOAPIC, 2, 0x1e, 7);
	scope(st, SC_HPET, 0, 0x1e, 6);
	st = structure(1, 24);
	put(st + 8, USB_BASE, 8);
	put(st + 16, USB_END, 8);
	scope(st, SC_ENDPOINT, 0, 0x14, 0);
	st = structure(1, 24);
	put(st + 8, IGD_BASE, 8);
	put(st + 16, IGD_END, 8);
	scope(st, SC_ENDPOINT, 0, 2, 0);
	finish();
}

static void build_qemu(void)
{
	size_t st;

	memset(dmar, 0, sizeof(dmar));
	dmar_len = 48;
	dmar[36] = 38;
	st = structure(0, 16);
	dmar[st + 4] = INCLUDE_ALL;
	put(st + 8, GFX_BASE, 8);
	finish();
}

/* ---- the platform ------------------------------------------------------------ */

#define PAGES_MAX 512

static struct model unit[2];
static struct {
	void *page[PAGES_MAX];
	unsigned npages;
	unsigned flushes;
	uint64_t mapped[2];
} plat;

static bool p_map_unit(void *ctx, uint64_t base, uint64_t size, struct vtd_mmio *out)
{
	unsigned i = base == GFX_BASE ? 0 : base == OTHER_BASE ? 1 : 2;

	assert_ptr_equal(ctx, &plat);
	if (i == 2)
		return false;
	plat.mapped[i] = size;
	model_mmio(&unit[i], out);
	return true;
}

static uint64_t p_alloc_page(void *ctx)
{
	void *p;

	assert_ptr_equal(ctx, &plat);
	assert_true(plat.npages < PAGES_MAX);
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0, 4096);
	plat.page[plat.npages++] = p;
	return (uint64_t)(uintptr_t)p;
}

static void p_flush(void *ctx, const void *p, size_t len)
{
	assert_ptr_equal(ctx, &plat);
	assert_non_null(p);
	assert_true(len > 0);
	plat.flushes++;
}

static const struct iommu_platform platform = {
	p_map_unit, p_alloc_page, p_flush, &plat,
};

/* ---- fixture ---------------------------------------------------------------- */

static uint64_t *fw_queue;
static uint32_t *fw_status;

static int setup(void **state)
{
	(void)state;
	memset(&plat, 0, sizeof(plat));
	log_capture_start();
	model_init(&unit[0], CAP_GEN9, ECAP_GEN9);
	model_init(&unit[1], CAP_GEN9_OTHER, ECAP_GEN9_OTHER);
	fw_queue = (uint64_t *)(uintptr_t)p_alloc_page(&plat);
	fw_status = (uint32_t *)(uintptr_t)p_alloc_page(&plat);
	build_client();
	return 0;
}

static int teardown(void **state)
{
	unsigned i;
	int bad = 0;

	(void)state;
	log_capture_stop();
	for (i = 0; i < 2; i++)
		if (unit[i].violations) {
			fprintf(stderr, "unit %u model: %u violation(s), first: %s\n", i,
			        unit[i].violations, unit[i].violation);
			bad = -1;
		}
	for (i = 0; i < plat.npages; i++)
		free(plat.page[i]);
	return bad;
}

/* "IRQ remapping was enabled on dmar0/dmar1" at hand-off (issue 8): the
 * firmware's queue on with a wait still to be fetched, IR on. */
static void firmware_left_qi_and_ir(struct model *md)
{
	md->gsts = B_QIE | B_IRE | B_SIRTP;
	md->irtp_set = md->qi_on = true;
	md->iqa = md->iq_base = (uint64_t)(uintptr_t)fw_queue;
	md->iq_entries = 256;
	fw_queue[0] = 0x5 | (1u << 5) | (0xf00dull << 32);
	fw_queue[1] = (uint64_t)(uintptr_t)fw_status;
	md->iqh = 0;
	md->iqt = 0x10;
	md->iq_mode = IQ_LAZY;
	md->fectl = 0;
}

static void firmware_left_translation(struct model *md)
{
	md->gsts |= B_TE | B_SRTP;
	md->root_set = true;
	md->root = md->rtaddr = 0x7b000000;      /* the firmware's tables */
}

static struct iommu_domain gpu;

/* As gpu/gpu_dma.c does: domain, scratch page, its RMRRs, attach, sync. */
static void attach_gpu_rmrrs(int rmrrs)
{
	assert_true(iommu_domain_init(&gpu, GPU_DID, IOMMU_PAGES_ANY));
	assert_true(iommu_domain_map(&gpu, 0x1000, 0x3c0000000ull, 0x1000, false));
	assert_int_equal(iommu_map_rmrrs(&gpu, 0, IGD), rmrrs);
	assert_true(iommu_attach(&gpu, 0, IGD));
	assert_true(iommu_sync());
}

static void attach_gpu(void)
{
	attach_gpu_rmrrs(1);
}

static enum vtd_fault walk(const struct model *md, uint8_t devfn, uint64_t iova,
                           uint64_t *hpa)
{
	return vtd_walk(md->root, 0, devfn, iova, true, hpa);
}

/* ---- the client layout -------------------------------------------------------- */

/* Issue 8, items 8 and 9: both units handed over with queued
 * invalidation and interrupt remapping on, translation off. Both are
 * taken over; only the graphics unit translates once the GPU is
 * attached; the INCLUDE_PCI_ALL unit (the xHCI the firmware drives from
 * SMM) stays off. */
static void test_client_handoff(void **state)
{
	uint64_t hpa;

	(void)state;
	firmware_left_qi_and_ir(&unit[0]);
	firmware_left_qi_and_ir(&unit[1]);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_true(iommu_hardware());
	assert_int_equal(*fw_status, 0xf00d);    /* drained before QIE off */
	assert_logged("vtd: DMAR: host address width 39, 2 unit(s), 2 RMRR(s)");
	assert_logged("vtd: unit 0 at 0xfed90000: as the firmware left it:"
	              " translation off, queued invalidation on, interrupt"
	              " remapping on, protected memory off, 0 stale fault(s)");
	assert_logged("vtd: unit 1 at 0xfed91000: translation off as the firmware"
	              " left it, until a device BareGT uses is attached behind it");
	assert_int_equal(count_logged("the firmware left interrupt remapping on:"
	                              " turned off"), 2);
	assert_int_equal(unit[0].gsts & (B_QIE | B_IRE | B_TE), 0);
	assert_int_equal(unit[1].gsts & (B_QIE | B_IRE | B_TE), 0);
	assert_int_equal(unit[0].fectl, IM);
	assert_false(iommu_translates(0, IGD));

	attach_gpu();
	/* 48-bit tables: both units walk 4-level only (VTD-FACTS §8). */
	assert_int_equal(gpu.sl.levels, 4);
	assert_logged("vtd: unit 0 at 0xfed90000: translation on for 00:02.0"
	              " (BareGT's tables, 48-bit); RMRR identity: none; every other"
	              " device behind it is blocked");
	assert_int_equal(unit[0].gsts & (B_TE | B_QIE), B_TE | B_QIE);
	assert_int_equal(unit[1].gsts & B_TE, 0);
	assert_int_equal(unit[1].root, 0);        /* never given a root */
	assert_true(iommu_translates(0, IGD));
	assert_false(iommu_translates(0, XHCI));
	assert_false(iommu_translates(0, SATA));
	/* What unit 0 reads: the GPU's scratch page and its RMRR 1:1. */
	assert_int_equal(walk(&unit[0], IGD, 0x1000, &hpa), VTD_FR_WRITE);
	assert_int_equal(walk(&unit[0], IGD, IGD_BASE + 0x5000, &hpa), VTD_OK);
	assert_int_equal(hpa, IGD_BASE + 0x5000);
	/* Registers mapped: the first page, then the span (FRO/IRO fit). */
	assert_int_equal(plat.mapped[0], 4096);
	/* Non-coherent units: table lines written back, no WBINVD. */
	assert_true(plat.flushes > 0);
}

/* Pre-boot DMA protection: translation left on in the INCLUDE_PCI_ALL
 * unit, through tables in memory BareGT reuses. BareGT's tables replace
 * them at once; the xHCI keeps its RMRR, everything else behind that unit
 * is blocked. */
static void test_client_firmware_translating(void **state)
{
	uint64_t hpa;

	(void)state;
	firmware_left_qi_and_ir(&unit[1]);
	firmware_left_translation(&unit[1]);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_logged("vtd: unit 1 at 0xfed91000: as the firmware left it:"
	              " translation on, queued invalidation on");
	assert_logged("vtd: RMRR 0x79e8f000-0x79eaefff identity-mapped for 00:14.0");
	assert_logged("vtd: unit 1 at 0xfed91000: the firmware left translation"
	              " on: BareGT's tables installed instead (48-bit); RMRR"
	              " identity: 00:14.0; every other device behind it is blocked");
	assert_true(unit[1].root != 0x7b000000);
	assert_int_equal(unit[1].gsts & B_TE, B_TE);
	assert_int_equal(walk(&unit[1], XHCI, USB_BASE + 0x1000, &hpa), VTD_OK);
	assert_int_equal(hpa, USB_BASE + 0x1000);
	assert_int_equal(walk(&unit[1], XHCI, IGD_BASE, &hpa), VTD_FR_WRITE);
	assert_int_equal(walk(&unit[1], SATA, 0x100000, &hpa),
	                 VTD_FR_CONTEXT_NOT_PRESENT);
	assert_true(iommu_translates(0, XHCI));
	assert_false(iommu_translates(0, IGD));   /* unit 0: still off */
	/* The GPU then turns unit 0 on; the xHCI's domain stays. */
	attach_gpu();
	assert_true(iommu_translates(0, IGD));
	assert_int_equal(unit[0].root, unit[1].root);   /* one root table */
	assert_int_equal(walk(&unit[0], XHCI, USB_BASE, &hpa), VTD_OK);
}

/* More RMRR devices than identity domains: the rest are said to be
 * blocked, once. */
static void test_too_many_rmrr_devices(void **state)
{
	size_t st;
	unsigned k;

	(void)state;
	st = structure(1, 24);
	put(st + 8, 0x79f00000, 8);
	put(st + 16, 0x79f0ffff, 8);
	for (k = 0; k < 9; k++)
		scope(st, SC_ENDPOINT, 0, (uint8_t)(0x15 + k), 0);
	finish();
	firmware_left_translation(&unit[1]);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_logged("warning: vtd: more than 8 devices named by RMRRs behind"
	              " units that translate: 2 get no identity domain (their DMA"
	              " is blocked)");
	attach_gpu();
	assert_int_equal(count_logged("get no identity domain"), 1);
}

/* Issue 8, item 13: no table width in common. The tie goes to the first
 * unit listed; the other, left translating by the firmware, is turned
 * off rather than left on the firmware's tables. */
static void test_width_conflict(void **state)
{
	(void)state;
	unit[0].cap = CAP_QEMU;                   /* 39-bit only */
	firmware_left_translation(&unit[1]);      /* 48-bit only */
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_logged("error: vtd: unit 1 at 0xfed91000: SAGAW 0x4 shares no"
	              " table width with unit 0 at 0xfed90000 (SAGAW 0x2); unit"
	              " left off");
	assert_int_equal(unit[1].gsts & B_TE, 0);
	assert_int_equal(unit[1].root, 0x7b000000);
	attach_gpu();
	assert_int_equal(gpu.sl.levels, 3);
	assert_true(iommu_translates(0, IGD));
	assert_false(iommu_translates(0, XHCI));
	assert_int_equal(count_logged("shares no table width"), 1);   /* once */
}

/* A queue that never drains: that unit is refused with the step named,
 * left alone, and its devices are never said to be translated. */
static void test_unit_that_cannot_be_taken_over(void **state)
{
	(void)state;
	firmware_left_qi_and_ir(&unit[0]);
	unit[0].iq_mode = IQ_STUCK;
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_logged("error: vtd: unit 0: take-over failed: unit at 0xfed90000:"
	              " draining the firmware's invalidation queue: IQH 0 never"
	              " reached IQT 0x10; unit left as the firmware left it, its"
	              " devices are not translated");
	assert_int_equal(unit[0].gsts & (B_QIE | B_IRE), B_QIE | B_IRE);
	attach_gpu();                              /* the tables are still built */
	assert_false(iommu_translates(0, IGD));
	assert_int_equal(unit[0].root, 0);
	assert_true(iommu_hardware());             /* unit 1 is fine */
}

/* Register mode with the firmware's queue on: no register invalidation
 * before the queue is off (the models flag it). */
static void test_register_mode(void **state)
{
	(void)state;
	firmware_left_qi_and_ir(&unit[0]);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, true));
	attach_gpu();
	assert_int_equal(unit[0].gsts & (B_TE | B_QIE), B_TE);
	assert_int_equal(unit[0].ev[unit[0].nev - 2], EV_REG_IOTLB);
	assert_int_equal(unit[0].ev[unit[0].nev - 1], EV_TE_ON);
	assert_true(iommu_sync());
	assert_int_equal(unit[0].ev[unit[0].nev - 1], EV_REG_IOTLB);
}

/* ---- faults during runs ------------------------------------------------------- */

static void record(struct model *md, unsigned i, uint64_t page, uint16_t sid,
                   uint32_t reason)
{
	md->frcd[i] = (struct frcd){ page, sid, FR_F | reason };
}

static void test_faults_polled(void **state)
{
	unsigned before;

	(void)state;
	unit[0].cap = cap_nfr(unit[0].cap, 4);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	attach_gpu();
	assert_int_equal(iommu_poll_faults(), 0);
	record(&unit[0], 0, 0xc000000, 0x0010, 0x05);
	record(&unit[0], 1, 0xc000000, 0x0010, 0x05);        /* the same again */
	record(&unit[0], 2, 0x2000, 0x0010, 0x06 | FR_T);
	before = unit[1].fsts_reads;
	assert_int_equal(iommu_poll_faults(), 3);
	assert_int_equal(unit[1].fsts_reads, before);       /* off: not polled */
	assert_int_equal(count_logged("warning: vtd: unit 0: fault: 00:02.0 write"
	                              " at IOVA 0xc000000: reason 0x5 (write to"
	                              " non-writable page)"), 1);
	assert_logged("warning: vtd: unit 0: fault: 00:02.0 read at IOVA 0x2000:"
	              " reason 0x6 (read from non-readable page)");
	assert_int_equal(iommu_poll_faults(), 0);           /* all cleared */
	record(&unit[0], 3, 0xc000000, 0x0010, 0x05);
	unit[0].fri = 3;
	unit[0].fsts_err = FS_PFO;
	iommu_report_faults();
	assert_int_equal(count_logged("write at IOVA 0xc000000"), 1);
	assert_logged("vtd: unit 0 at 0xfed90000: 4 fault(s) during the run: 2"
	              " logged, 2 repeat(s), 0 past the log budget, 1 overflow(s)");
	assert_int_equal(count_logged("during the run"), 1);   /* unit 1 is off */
}

/* The owner of a domain names the VM a fault's address belongs to; the
 * poll logs it with the fault (and asks only with the fault's source). */
static unsigned owner_calls;

static const char *owner_of(void *ctx, uint16_t sid, uint64_t iova)
{
	assert_ptr_equal(ctx, &owner_calls);
	owner_calls++;
	return sid == 0x0010 && iova >= 0x800000000ull ? "g1" : NULL;
}

static void test_faults_named_by_owner(void **state)
{
	(void)state;
	owner_calls = 0;
	unit[0].cap = cap_nfr(unit[0].cap, 4);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	attach_gpu();
	iommu_set_fault_owner(owner_of, &owner_calls);
	record(&unit[0], 0, 0x800003000ull, 0x0010, 0x05);
	record(&unit[0], 1, 0x1000, 0x0010, 0x05);
	assert_int_equal(iommu_poll_faults(), 2);
	assert_int_equal(owner_calls, 2);
	assert_logged("warning: vtd: unit 0: fault: 00:02.0 write at IOVA 0x800003000:"
	              " reason 0x5 (write to non-writable page) (vm 'g1')");
	assert_int_equal(count_logged("at IOVA 0x1000: reason 0x5 (write to"
	                              " non-writable page)\n"), 1);   /* no owner */
	iommu_set_fault_owner(NULL, NULL);
}

/* ---- other machines ----------------------------------------------------------- */

static void test_qemu_single_unit(void **state)
{
	struct iommu_domain edu;

	(void)state;
	build_qemu();
	model_init(&unit[0], CAP_QEMU, ECAP_QEMU);
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_true(iommu_domain_init(&edu, 1, IOMMU_PAGES_ANY));
	assert_int_equal(edu.sl.levels, 3);        /* SAGAW 39-bit only */
	assert_true(iommu_attach(&edu, 0, IGD));
	assert_true(iommu_sync());
	assert_logged("vtd: unit 0 at 0xfed90000: translation on for 00:02.0"
	              " (BareGT's tables, 39-bit); RMRR identity: none");
	assert_true(iommu_translates(0, IGD));
	assert_true(iommu_translates(3, 0));      /* INCLUDE_PCI_ALL */
	assert_int_equal(unit[0].iq_base != 0, 1);
}

static void test_coherent_units_flush_nothing(void **state)
{
	(void)state;
	unit[0].ecap |= 1;                        /* ECAP.C */
	unit[1].ecap |= 1;
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	attach_gpu();
	assert_int_equal(plat.flushes, 0);
}

static void test_no_dmar(void **state)
{
	(void)state;
	assert_true(iommu_init_platform(&platform, NULL, 0, false));
	assert_false(iommu_hardware());
	assert_logged("vtd: no DMAR table: hardware remapping absent");
	attach_gpu_rmrrs(0);
	assert_int_equal(gpu.sl.levels, 3);
	assert_false(iommu_translates(0, IGD));
	assert_int_equal(iommu_poll_faults(), 0);
	assert_int_equal(plat.flushes, 0);
}

static void test_unit_that_does_not_answer(void **state)
{
	(void)state;
	unit[1].floating = true;
	assert_true(iommu_init_platform(&platform, dmar, dmar_len, false));
	assert_logged("error: vtd: unit 1: no remapping unit answers at"
	              " 0xfed91000; unit left off");
	attach_gpu();
	assert_true(iommu_translates(0, IGD));
	assert_false(iommu_translates(0, XHCI));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_client_handoff),
		T(test_client_firmware_translating),
		T(test_too_many_rmrr_devices),
		T(test_width_conflict),
		T(test_unit_that_cannot_be_taken_over),
		T(test_register_mode),
		T(test_faults_polled),
		T(test_faults_named_by_owner),
		T(test_qemu_single_unit),
		T(test_coherent_units_flush_nothing),
		T(test_no_dmar),
		T(test_unit_that_does_not_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
