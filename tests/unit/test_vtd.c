/*
 * tests/unit/test_vtd.c — unit tests of iommu/vtd.c and
 * iommu/vtd_takeover.c against the register-level model of one remapping
 * unit in vtd_model.h (offsets and bits written out from VTD-FACTS there,
 * not taken from the driver). Every test fails if the model saw a
 * protocol violation (teardown).
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
#include "iommu/vtd.h"
#include "tests/unit/vtd_model.h"

/* ---- the model ------------------------------------------------------------- */

#define BASE       0xfed90000ull
#define IRO        0x500u            /* ECAP_GEN9's IOTLB registers */

static struct model m;
static struct vtd_mmio mmio;

/* ---- firmware states ---------------------------------------------------------- */

static uint64_t *fw_queue;               /* the firmware's queue page */
static uint32_t *fw_status;
static uint64_t *iq;                     /* BareGT's queue page */
static uint32_t *iq_status;

/* The unit as a Gen9.5 laptop's firmware hands it over: translation on
 * (its own root), queued invalidation on with two descriptors not yet
 * fetched (an IOTLB invalidation and a wait writing 0xf00d), interrupt
 * remapping on, both event interrupts unmasked. */
static void firmware_left_everything_on(void)
{
	m.gsts = B_TE | B_SRTP | B_QIE | B_IRE | B_SIRTP;
	m.root_set = m.irtp_set = m.qi_on = true;
	m.root = m.rtaddr = 0x7b000000;
	m.irta = 0x7b100007;
	m.iqa = m.iq_base = (uint64_t)(uintptr_t)fw_queue;
	m.iq_entries = 256;
	fw_queue[0] = 0x2 | (1u << 4);                       /* IOTLB global */
	fw_queue[2] = 0x5 | (1u << 5) | (0xf00dull << 32);   /* wait, SW */
	fw_queue[3] = (uint64_t)(uintptr_t)fw_status;
	m.iqh = 0;
	m.iqt = 0x20;
	m.iq_mode = IQ_LAZY;                 /* it drains as we watch */
	m.last_type = 5;                     /* its last batch ended in a wait */
	m.fectl = 0;
	m.iectl = 0;
}

/* Two stale records at index 1 and 2 of four (a DMA write by the xHCI and
 * an interrupt blocked by IR), and the overflow flag. */
static void firmware_left_faults(void)
{
	m.cap = cap_nfr(m.cap, 4);
	m.fri = 1;
	m.frcd[1].lo = 0x79e90123ull;
	m.frcd[1].sid = 0x00a0;                              /* 00:14.0 */
	m.frcd[1].hi = FR_F | 0x05;                          /* write, 0x5 */
	m.frcd[2].lo = 0x0011000000000000ull;
	m.frcd[2].sid = 0x00f8;                              /* 00:1f.0 */
	m.frcd[2].hi = FR_F | FR_T | 0x25;
	m.fsts_err = FS_PFO;
}

/* ---- fixture ---------------------------------------------------------------- */

static struct vtd_unit u;
static char err[160];

#define FLUSH_MAX 64
static struct {
	const void *p[FLUSH_MAX];
	size_t len[FLUSH_MAX];
	unsigned n;
} flushed;

static void flush_rec(void *ctx, const void *p, size_t len)
{
	assert_ptr_equal(ctx, &flushed);
	if (flushed.n < FLUSH_MAX) {
		flushed.p[flushed.n] = p;
		flushed.len[flushed.n] = len;
	}
	flushed.n++;
}

static void *page(void)
{
	void *p = aligned_alloc(4096, 4096);

	assert_non_null(p);
	memset(p, 0, 4096);
	return p;
}

/* A unit after reset: everything off, event interrupts masked. */
static void model_reset(void)
{
	model_init(&m, CAP_GEN9, ECAP_GEN9);
	memset(fw_queue, 0, 4096);
	memset(fw_status, 0, 4096);
	memset(iq, 0, 4096);
	memset(iq_status, 0, 4096);
	model_mmio(&m, &mmio);
}

static int setup(void **state)
{
	(void)state;
	memset(&flushed, 0, sizeof(flushed));
	log_capture_start();
	fw_queue = page();
	fw_status = page();
	iq = page();
	iq_status = page();
	model_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_capture_stop();
	free(fw_queue);
	free(fw_status);
	free(iq);
	free(iq_status);
	if (m.violations) {
		fprintf(stderr, "model: %u protocol violation(s), first: %s\n",
		        m.violations, m.violation);
		return -1;
	}
	return 0;
}

static void probe(bool registers_only)
{
	assert_true(vtd_unit_probe(&u, &mmio, BASE, registers_only, flush_rec,
	                           &flushed, err, sizeof(err)));
	if (vtd_unit_wants_queue(&u))
		vtd_unit_set_queue(&u, iq, iq_status);
}

static void assert_events(const enum ev *want, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && i < m.nev; i++)
		if (m.ev[i] != want[i])
			fail_msg("event %u is %d, expected %d (of %u events, %u expected)",
			         i, m.ev[i], want[i], m.nev, n);
	if (m.nev != n)
		fail_msg("%u events, expected %u", m.nev, n);
}

#define EXPECT_EVENTS(...) do { \
	const enum ev want_[] = { __VA_ARGS__ }; \
	assert_events(want_, sizeof(want_) / sizeof(want_[0])); \
} while (0)

#define ROOT      0x1234000ull
#define QI_CC_G   0x11ull                 /* type 1, G = 1 (global) */
#define QI_IOTLB_G_DRAIN 0xd2ull          /* type 2, G = 1, DR 7, DW 6 */

/* ---- probe -------------------------------------------------------------------- */

static void test_probe_reads_the_unit(void **state)
{
	(void)state;
	probe(false);
	assert_int_equal(u.version, 0x10);
	assert_int_equal(u.cap, CAP_GEN9);
	assert_int_equal(u.ecap, ECAP_GEN9);
	assert_false(u.coherent);                 /* ECAP.C = 0 */
	assert_false(u.caching_mode);
	assert_int_equal(vtd_unit_sagaw(&u), 0x4);    /* 4-level only */
	assert_true(vtd_unit_wants_queue(&u));
	assert_int_equal(vtd_unit_reg_span(&u), 4096);   /* IRO 0x500, FRO 0x400 */
	probe(true);
	assert_false(vtd_unit_wants_queue(&u));
	/* Fault records past the first page: FRO 0xff0 (field 0xff), 8
	 * records end at 0x1070 → two pages to map. */
	m.cap = cap_nfr((CAP_GEN9 & ~(0x3ffull << 24)) | (0xffull << 24), 8);
	probe(false);
	assert_int_equal(vtd_unit_reg_span(&u), 8192);
	assert_int_equal(m.nev, 0);               /* probing changes nothing */
}

static void test_probe_nothing_answers(void **state)
{
	(void)state;
	m.floating = true;
	assert_false(vtd_unit_probe(&u, &mmio, BASE, false, NULL, NULL, err,
	                            sizeof(err)));
	assert_string_equal(err, "no remapping unit answers at 0xfed90000");
}

/* ---- a unit left off -------------------------------------------------------- */

static void test_clean_unit_queued(void **state)
{
	struct vtd_found f;

	(void)state;
	m.fectl = 0;                               /* unmasked, as reset leaves it */
	probe(false);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_false(f.te || f.qi || f.ir || f.pmen);
	assert_int_equal(f.stale_faults, 0);
	assert_int_equal(f.fsts, 0);
	assert_true(f.fault_irq_unmasked);
	assert_false(f.inv_irq_unmasked);
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	EXPECT_EVENTS(EV_FECTL_MASK, EV_SRTP, EV_QIE_ON, EV_QI_CC, EV_QI_IOTLB,
	              EV_QI_WAIT, EV_TE_ON);
	assert_int_equal(m.root, ROOT);
	assert_int_equal(m.iq_base, (uint64_t)(uintptr_t)iq);
	assert_int_equal(m.iqa & 7, 0);           /* QS 0: one page */
	assert_int_equal(m.last_cc_desc, QI_CC_G);
	assert_int_equal(m.last_iotlb_desc, QI_IOTLB_G_DRAIN);
	assert_int_equal(*iq_status, 1);          /* the first wait's data */
	assert_int_equal(m.iqh, 0x30);            /* three descriptors */
	assert_int_equal(m.gsts & (B_TE | B_QIE | B_SRTP), B_TE | B_QIE | B_SRTP);
	assert_true(u.qi);
	assert_int_equal(m.fectl, IM);
	assert_int_equal(m.iectl, IM);
}

static void test_clean_unit_register(void **state)
{
	struct vtd_found f;

	(void)state;
	probe(true);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	EXPECT_EVENTS(EV_SRTP, EV_REG_CC, EV_REG_IOTLB, EV_TE_ON);
	/* CCMD: ICC | CIRG 1 (global); IOTLB: IVT | IIRG 1 | DR | DW. */
	assert_int_equal(m.last_ccmd, (1ull << 63) | (1ull << 61));
	assert_int_equal(m.last_iotlb, (1ull << 63) | (1ull << 60) | (1ull << 49) |
	                 (1ull << 48));
	assert_false(u.qi);
	assert_int_equal(m.gsts & B_QIE, 0);
	/* Later invalidations use the registers too. */
	assert_true(vtd_unit_invalidate(&u));
	assert_int_equal(m.ev[m.nev - 1], EV_REG_IOTLB);
}

/* ---- hand-off with everything on (issue 8, item 8) ----------------------------- */

static void test_handoff_queued(void **state)
{
	struct vtd_found f;

	(void)state;
	firmware_left_everything_on();
	firmware_left_faults();
	probe(false);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(f.te && f.qi && f.ir);
	assert_int_equal(f.stale_faults, 2);
	assert_int_equal(f.fsts, FS_PFO);
	assert_true(f.fault_irq_unmasked && f.inv_irq_unmasked);
	/* The firmware's queue drained (its wait wrote its status), then the
	 * queue went off, then interrupt remapping. */
	assert_int_equal(*fw_status, 0xf00d);
	EXPECT_EVENTS(EV_FRCD_CLEAR, EV_FRCD_CLEAR, EV_FSTS_CLEAR, EV_FECTL_MASK,
	              EV_IECTL_MASK, EV_QI_IOTLB, EV_QI_WAIT, EV_QIE_OFF,
	              EV_IRE_OFF);
	assert_int_equal(m.frcd[1].hi & FR_F, 0);
	assert_int_equal(m.frcd[2].hi & FR_F, 0);
	assert_int_equal(fsts_value(&m) & 0xff, 0);
	assert_logged("warning: vtd: unit at 0xfed90000: stale fault from before"
	              " hand-off: 00:14.0 write at 0x79e90000: reason 0x5 (write to"
	              " non-writable page)");
	assert_logged("warning: vtd: unit at 0xfed90000: stale fault from before"
	              " hand-off: 00:1f.0 read at 0x11000000000000: reason 0x25"
	              " (interrupt: compatibility format blocked)");
	assert_logged("warning: vtd: unit at 0xfed90000: fault status 0x1 at"
	              " hand-off: cleared");
	assert_logged("vtd: unit at 0xfed90000: fault-event and invalidation-event"
	              " interrupt(s) were unmasked at hand-off: masked");
	assert_logged("vtd: unit at 0xfed90000: the firmware left queued"
	              " invalidation on: drained (IQH = IQT = 0x20) and turned off");
	assert_logged("vtd: unit at 0xfed90000: the firmware left interrupt"
	              " remapping on: turned off");

	/* Then BareGT's own: translation off under the old root, the new
	 * root, a queue of its own taken on QIE 0 → 1, TE. */
	m.nev = 0;
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	EXPECT_EVENTS(EV_TE_OFF, EV_SRTP, EV_QIE_ON, EV_QI_CC, EV_QI_IOTLB,
	              EV_QI_WAIT, EV_TE_ON);
	assert_int_equal(m.root, ROOT);
	assert_int_equal(m.iq_base, (uint64_t)(uintptr_t)iq);
	assert_int_equal(*iq_status, 1);
	assert_int_equal(m.gsts & (B_TE | B_QIE | B_IRE), B_TE | B_QIE);
}

static void test_handoff_register_mode(void **state)
{
	struct vtd_found f;

	(void)state;
	firmware_left_everything_on();
	firmware_left_faults();
	probe(true);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	/* No register invalidation before the queue is off (the model
	 * flags one while QIES = 1); none through the firmware's queue. */
	EXPECT_EVENTS(EV_FRCD_CLEAR, EV_FRCD_CLEAR, EV_FSTS_CLEAR, EV_FECTL_MASK,
	              EV_IECTL_MASK, EV_QI_IOTLB, EV_QI_WAIT, EV_QIE_OFF,
	              EV_IRE_OFF, EV_TE_OFF, EV_SRTP, EV_REG_CC, EV_REG_IOTLB,
	              EV_TE_ON);
	assert_int_equal(m.root, ROOT);
	assert_int_equal(m.gsts & (B_TE | B_QIE | B_IRE), B_TE);
	assert_false(u.qi);
}

/* Enabling a unit whose firmware queue is still live (no take-over) is
 * refused before IQT/IQA are touched: that is the bug of issue 8 (the
 * wait descriptor went to a queue the hardware no longer read). */
static void test_enable_refuses_a_live_firmware_queue(void **state)
{
	(void)state;
	firmware_left_everything_on();
	probe(false);
	assert_false(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: enable: the firmware's"
	                    " invalidation queue is still on");
	assert_int_equal(m.nev, 0);
	assert_int_equal(m.iqa, (uint64_t)(uintptr_t)fw_queue);
}

static void test_queue_never_drains(void **state)
{
	struct vtd_found f;

	(void)state;
	firmware_left_everything_on();
	m.iq_mode = IQ_STUCK;
	probe(false);
	u.spins = 1000;
	assert_false(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: draining the firmware's"
	                    " invalidation queue: IQH 0 never reached IQT 0x20");
	/* Left alone after that step: queue, IR and translation still on. */
	assert_int_equal(m.gsts & (B_TE | B_QIE | B_IRE), B_TE | B_QIE | B_IRE);
	EXPECT_EVENTS(EV_FECTL_MASK, EV_IECTL_MASK);
}

/* A queue whose last descriptor is not a wait: QEMU (and the model)
 * will not turn it off. BareGT does not write into the firmware's queue
 * to add one (that memory may be BareGT's now): the unit is refused. */
static void test_queue_without_a_final_wait(void **state)
{
	struct vtd_found f;

	(void)state;
	firmware_left_everything_on();
	fw_queue[2] = 0x1 | (1u << 4);            /* context-cache, not a wait */
	fw_queue[3] = 0;
	probe(false);
	u.spins = 1000;
	assert_false(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: queued invalidation off:"
	                    " GSTS.QIES stayed set");
	assert_int_equal(m.iqh, m.iqt);           /* it did drain */
}

static void test_steps_that_time_out(void **state)
{
	struct vtd_found f;

	(void)state;
	firmware_left_everything_on();
	m.iq_mode = IQ_NOW;
	m.iqh = m.iqt;                          /* drained */
	m.never = B_QIE;
	probe(false);
	u.spins = 1000;
	assert_false(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: queued invalidation off:"
	                    " GSTS.QIES stayed set");

	model_reset();
	firmware_left_everything_on();
	m.iqh = m.iqt;
	m.never = B_IRE;
	probe(false);
	u.spins = 1000;
	assert_false(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: interrupt remapping off:"
	                    " GSTS.IRES stayed set");

	model_reset();
	firmware_left_everything_on();
	m.iqh = m.iqt;
	m.never = B_TE;
	probe(false);
	u.spins = 1000;
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_false(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: translation off (the"
	                    " firmware's tables): timed out");
	assert_int_equal(m.root, 0x7b000000);   /* the root was not touched */
	assert_false(vtd_unit_disable(&u, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: translation off: GSTS.TES"
	                    " stayed set");
	/* The model saw commands issued while TE off never showed: expected
	 * here, where the hardware is broken on purpose. */
	m.violations = 0;
}

static void test_disable(void **state)
{
	struct vtd_found f;

	(void)state;
	firmware_left_everything_on();
	m.iqh = m.iqt;
	probe(false);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	m.nev = 0;
	assert_true(vtd_unit_disable(&u, err, sizeof(err)));
	EXPECT_EVENTS(EV_TE_OFF);
	assert_int_equal(m.gsts & B_TE, 0);
	assert_true(vtd_unit_disable(&u, err, sizeof(err)));   /* already off */
	EXPECT_EVENTS(EV_TE_OFF);
}

/* ---- details of enabling ----------------------------------------------------- */

static void test_write_buffer_flush(void **state)
{
	struct vtd_found f;

	(void)state;
	m.cap |= 1u << 4;                        /* CAP.RWBF */
	probe(false);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	EXPECT_EVENTS(EV_WBF, EV_SRTP, EV_QIE_ON, EV_WBF, EV_QI_CC, EV_QI_IOTLB,
	              EV_QI_WAIT, EV_TE_ON);
	assert_int_equal(m.gsts & B_WBF, 0);
}

static void test_protected_memory_off_after_te(void **state)
{
	struct vtd_found f;

	(void)state;
	m.pmen = EPM | PRS;
	probe(true);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(f.pmen);
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	EXPECT_EVENTS(EV_SRTP, EV_REG_CC, EV_REG_IOTLB, EV_TE_ON, EV_PMEN_OFF);
	assert_int_equal(m.pmen, 0);
}

static void test_queue_without_pages_refused(void **state)
{
	(void)state;
	assert_true(vtd_unit_probe(&u, &mmio, BASE, false, NULL, NULL, err,
	                           sizeof(err)));
	assert_false(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	assert_string_equal(err, "unit at 0xfed90000: queued invalidation on: no"
	                    " queue page given");
	EXPECT_EVENTS(EV_SRTP);
}

/* ---- invalidation ------------------------------------------------------------- */

static void test_descriptors_flushed_when_not_coherent(void **state)
{
	struct vtd_found f;
	unsigned i;

	(void)state;
	probe(false);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	assert_true(vtd_unit_invalidate(&u));
	/* Six descriptors (two batches of CC, IOTLB, wait), each flushed
	 * before IQT moved past it. */
	assert_int_equal(flushed.n, 6);
	for (i = 0; i < 6; i++) {
		assert_ptr_equal(flushed.p[i], (uint8_t *)iq + 16 * i);
		assert_int_equal(flushed.len[i], 16);
	}
	/* The second wait: status 2 at the status dword, SW set. */
	assert_int_equal(iq[10], 0x5 | (1u << 5) | (2ull << 32));
	assert_int_equal(iq[11], (uint64_t)(uintptr_t)iq_status);
	assert_int_equal(*iq_status, 2);
	assert_int_equal(m.iqt, 0x60);
}

static void test_no_flush_when_coherent(void **state)
{
	struct vtd_found f;

	(void)state;
	m.ecap |= 1;                               /* ECAP.C */
	probe(false);
	assert_true(u.coherent);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	assert_int_equal(flushed.n, 0);
}

static void test_invalidation_wait_times_out(void **state)
{
	struct vtd_found f;

	(void)state;
	probe(false);
	assert_true(vtd_unit_takeover(&u, &f, err, sizeof(err)));
	assert_true(vtd_unit_enable(&u, ROOT, err, sizeof(err)));
	m.iq_mode = IQ_STUCK;
	u.spins = 1000;
	assert_false(vtd_unit_invalidate(&u));
}

/* ---- faults ------------------------------------------------------------------- */

static void test_fault_records_read_and_cleared(void **state)
{
	struct vtd_fault_record rec[4];
	bool overflow;

	(void)state;
	m.cap = cap_nfr(m.cap, 4);
	/* Pending at 2, 3 and (wrapping) 0; FRI points at 2. */
	m.fri = 2;
	m.frcd[2] = (struct frcd){ 0xc000abcull, 0x0010, FR_F | 0x05 };
	m.frcd[3] = (struct frcd){ 0x4000ull, 0x0010, FR_F | FR_T | 0x06 };
	m.frcd[0] = (struct frcd){ 0x123456789000ull, 0x0110, FR_F | 0x02 };
	probe(false);
	assert_int_equal(vtd_unit_faults(&u, rec, 4, &overflow), 3);
	assert_false(overflow);
	assert_int_equal(rec[0].page, 0xc000000);    /* low 12 bits dropped */
	assert_int_equal(rec[0].sid, 0x0010);        /* 00:02.0 */
	assert_int_equal(rec[0].reason, 0x05);
	assert_false(rec[0].read);
	assert_int_equal(rec[1].page, 0x4000);
	assert_true(rec[1].read);
	assert_int_equal(rec[1].reason, 0x06);
	assert_int_equal(rec[2].page, 0x123456789000ull);
	assert_int_equal(rec[2].sid, 0x0110);        /* 01:02.0 */
	assert_int_equal(rec[2].reason, 0x02);
	assert_int_equal(fsts_value(&m) & FS_PPF, 0);
	EXPECT_EVENTS(EV_FRCD_CLEAR, EV_FRCD_CLEAR, EV_FRCD_CLEAR);
	/* Nothing pending: one FSTS read and nothing else. */
	m.reads = 0;
	assert_int_equal(vtd_unit_faults(&u, rec, 4, &overflow), 0);
	assert_int_equal(m.reads, 1);
}

static void test_fault_records_more_than_the_buffer(void **state)
{
	struct vtd_fault_record rec[2];
	bool overflow;
	unsigned i;

	(void)state;
	m.cap = cap_nfr(m.cap, 4);
	for (i = 0; i < 4; i++)
		m.frcd[i] = (struct frcd){ 0x1000ull * (i + 1), 0x0010, FR_F | 0x05 };
	m.fsts_err = FS_PFO;
	probe(false);
	assert_int_equal(vtd_unit_faults(&u, rec, 2, &overflow), 4);
	assert_true(overflow);
	assert_int_equal(rec[0].page, 0x1000);
	assert_int_equal(rec[1].page, 0x2000);
	for (i = 0; i < 4; i++)
		assert_int_equal(m.frcd[i].hi & FR_F, 0);
	assert_int_equal(m.fsts_err, 0);            /* PFO cleared */
}

/* ---- the self-test's IR enable ------------------------------------------------ */

static void test_ir_enable(void **state)
{
	(void)state;
	probe(false);
	assert_true(vtd_unit_ir_enable(&u, 0x5000));
	EXPECT_EVENTS(EV_SIRTP, EV_IRE_ON);
	assert_int_equal(m.irta, 0x5007);          /* S 7: 256 entries, a page */
	assert_int_equal(m.gsts & B_IRE, B_IRE);
	m.ecap &= ~(1ull << 3);                   /* no ECAP.IR */
	probe(false);
	assert_false(vtd_unit_ir_enable(&u, 0x5000));
}

/* ---- the model catches what it should ---------------------------------------- */

static void expect_violation(const char *text)
{
	assert_true(m.violations > 0);
	if (!strstr(m.violation, text))
		fail_msg("violation \"%s\", expected \"%s\"", m.violation, text);
	m.violations = 0;
	m.violation[0] = 0;
}

/* What the code before issue 8 did on a unit with the firmware's queue
 * live: IQT = 0, IQA, GCMD with QIE (already set: no transition). */
static void test_model_flags_the_old_sequence(void **state)
{
	(void)state;
	firmware_left_everything_on();
	m.iqh = m.iqt;
	m_write64(&m, R_IQT, 0);
	m_write64(&m, R_IQA, (uint64_t)(uintptr_t)iq);
	expect_violation("IQA written while the queue is live");
	m_write32(&m, R_GCMD, B_TE | B_QIE | B_IRE);
	expect_violation("one command per write");
	assert_int_equal(m.iq_base, (uint64_t)(uintptr_t)fw_queue);
}

static void test_model_flags_protocol_errors(void **state)
{
	(void)state;
	m_write32(&m, R_GCMD, B_TE);
	expect_violation("TE set before a root table pointer");
	m.pending = false;
	m_write32(&m, R_GCMD, B_SRTP);
	m_write32(&m, R_GCMD, B_SRTP);
	expect_violation("before GSTS showed the last command");
	m.pending = false;
	m_write32(&m, R_GCMD, B_SRTP | B_WBF);
	expect_violation("one command per write");
	m_write32(&m, R_GCMD, B_WBF);
	expect_violation("WBF on a unit without CAP.RWBF");
	m.pending = false;
	m.iqt = 0x10;
	m_write32(&m, R_GCMD, B_QIE);
	expect_violation("QIE set with IQT 0x10");
	m.pending = false;
	m.gsts |= B_QIE;
	m_write64(&m, R_CCMD, 1ull << 63);
	expect_violation("CCMD register invalidation while QIES = 1");
	m_write64(&m, IRO + 8, 1ull << 63);
	expect_violation("IOTLB register invalidation while QIES = 1");
	m.iq_mode = IQ_STUCK;
	m.iqt = 0x20;
	m_write32(&m, R_GCMD, 0);
	expect_violation("QIE cleared with descriptors pending");
	m_write32(&m, R_FECTL, 0);
	expect_violation("FECTL unmasked");
	(void)m_read32(&m, 0x44);
	expect_violation("32-bit read of 0x44");
	m_write64(&m, R_GCMD, 0);
	expect_violation("64-bit write");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_probe_reads_the_unit),
		T(test_probe_nothing_answers),
		T(test_clean_unit_queued),
		T(test_clean_unit_register),
		T(test_handoff_queued),
		T(test_handoff_register_mode),
		T(test_enable_refuses_a_live_firmware_queue),
		T(test_queue_never_drains),
		T(test_queue_without_a_final_wait),
		T(test_steps_that_time_out),
		T(test_disable),
		T(test_write_buffer_flush),
		T(test_protected_memory_off_after_te),
		T(test_queue_without_pages_refused),
		T(test_descriptors_flushed_when_not_coherent),
		T(test_no_flush_when_coherent),
		T(test_invalidation_wait_times_out),
		T(test_fault_records_read_and_cleared),
		T(test_fault_records_more_than_the_buffer),
		T(test_ir_enable),
		T(test_model_flags_the_old_sequence),
		T(test_model_flags_protocol_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
