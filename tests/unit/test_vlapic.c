/*
 * tests/unit/test_vlapic.c — unit tests of hv/dev/vlapic.c, the local
 * APIC of a VM: power-on state, acceptance and priority (TPR/PPR, ISR
 * nesting), EOI and level-triggered vectors, errors (ESR, illegal
 * vectors, error LVT), the timer in its three modes, IA32_APIC_BASE
 * transitions, the x2APIC MSR rules, the xAPIC page, the ICR, LINT0
 * ExtINT, CR8 and logical destinations. SDM Vol. 3A chapter 11.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vlapic.h"

#define TSC_HZ 1000000000ull                /* 1 GHz: 1 tick = 1 ns */

/* xAPIC offsets (Table 11-1). */
#define ID 0x20
#define VER 0x30
#define TPR 0x80
#define PPR 0xa0
#define EOI 0xb0
#define LDR 0xd0
#define DFR 0xe0
#define SVR 0xf0
#define ISR 0x100
#define TMR 0x180
#define IRR 0x200
#define ESR 0x280
#define ICR_LO 0x300
#define ICR_HI 0x310
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_ERROR 0x370
#define TMICT 0x380
#define TMCCT 0x390
#define TDCR 0x3e0

#define MSR_APIC_BASE 0x1b

static struct {
	uint64_t now;
	unsigned eois;
	uint8_t eoi_vector;
	unsigned moves;
	uint64_t moved_from, moved_to;
	unsigned intas;
} w;

static uint64_t now(void *ctx) { (void)ctx; return w.now; }
static void eoi_level(void *ctx, uint8_t v) { (void)ctx; w.eois++; w.eoi_vector = v; }
static uint8_t extint_ack(void *ctx) { (void)ctx; w.intas++; return 0x30; }
static void page_moved(void *ctx, uint64_t from, uint64_t to)
{
	(void)ctx;
	w.moves++;
	w.moved_from = from;
	w.moved_to = to;
}

static const struct vlapic_ops ops = { now, eoi_level, extint_ack, page_moved };
static struct vlapic l;

static void setup_cfg(bool x2apic, bool tsc_deadline)
{
	struct vlapic_config cfg = {
		.id = 0, .maxphyaddr = 39, .x2apic = x2apic,
		.tsc_deadline = tsc_deadline, .tsc_hz = TSC_HZ,
	};
	memset(&w, 0, sizeof(w));
	w.now = 1000;
	vlapic_init(&l, &cfg, &ops, NULL);
}

static int setup(void **state)
{
	(void)state;
	setup_cfg(true, true);
	return 0;
}

static uint32_t rd(unsigned off)
{
	uint64_t v = 0xdeadbeef;
	assert_true(vlapic_mmio(&l, off, 4, false, &v));
	return (uint32_t)v;
}

static void wr(unsigned off, uint32_t val)
{
	uint64_t v = val;
	assert_true(vlapic_mmio(&l, off, 4, true, &v));
}

static void enable(void)
{
	wr(SVR, 0x1ff);
}

static struct apic_msg fixed(uint8_t vector, bool level)
{
	return (struct apic_msg){ .vector = vector, .delivery = APIC_DM_FIXED,
	                          .level = level, .dest = 0 };
}

static void send(uint8_t vector, bool level)
{
	struct apic_msg m = fixed(vector, level);
	assert_true(vlapic_accept(&l, &m));
}

/* ---- power-on -------------------------------------------------------- */

static void test_power_on(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(vlapic_msr_read(&l, MSR_APIC_BASE, &v));
	assert_int_equal(v, 0xfee00900ull);          /* base, EN, BSP */
	assert_int_equal(vlapic_page_gpa(&l), 0xfee00000ull);
	assert_int_equal(rd(ID), 0);
	assert_int_equal(rd(VER), 0x00060015);
	assert_int_equal(rd(SVR), 0xff);
	assert_int_equal(rd(DFR), 0xffffffffu);
	assert_int_equal(rd(LVT_TIMER), 0x10000);
	assert_int_equal(rd(LVT_LINT0), 0x10000);
	assert_int_equal(rd(LVT_ERROR), 0x10000);
	assert_int_equal(rd(TPR), 0);
	assert_false(vlapic_has_work(&l));
	assert_int_equal(vlapic_pending(&l), -1);
	assert_int_equal(vlapic_next_event(&l), UINT64_MAX);
}

/* ---- acceptance and priority ---------------------------------------- */

static void test_software_disabled_drops_fixed(void **state)
{
	struct apic_msg m = fixed(0x40, false);

	(void)state;
	assert_true(vlapic_accept(&l, &m));          /* for us, but off */
	assert_int_equal(l.stats.while_disabled, 1);
	assert_int_equal(vlapic_pending(&l), -1);
	enable();
	send(0x40, false);
	assert_int_equal(vlapic_pending(&l), 0x40);
	assert_int_equal(rd(IRR + 0x20), 1u << 0);   /* vector 0x40: word 2 */
}

static void test_not_for_me(void **state)
{
	struct apic_msg m = fixed(0x40, false);

	(void)state;
	enable();
	m.dest = 3;
	assert_false(vlapic_accept(&l, &m));
	assert_int_equal(l.stats.not_for_me, 1);
	m.dest = 0xff;                               /* broadcast */
	assert_true(vlapic_accept(&l, &m));
}

static void test_tpr_masks_by_class(void **state)
{
	(void)state;
	enable();
	wr(TPR, 0x50);
	send(0x45, false);
	assert_int_equal(vlapic_pending(&l), -1);    /* class 4 <= 5 */
	assert_true(vlapic_has_work(&l));
	send(0x5f, false);
	assert_int_equal(vlapic_pending(&l), -1);    /* class 5 <= 5 */
	send(0x61, false);
	assert_int_equal(vlapic_pending(&l), 0x61);
	wr(TPR, 0);
	assert_int_equal(vlapic_pending(&l), 0x61);  /* highest first */
}

static void test_isr_nesting_and_eoi(void **state)
{
	(void)state;
	enable();
	send(0x80, false);
	vlapic_ack(&l, 0x80);
	assert_int_equal(rd(ISR + 0x40), 1u);        /* vector 0x80: word 4 */
	assert_int_equal(rd(PPR), 0x80);
	send(0x75, false);
	assert_int_equal(vlapic_pending(&l), -1);    /* below the one in service */
	send(0x91, false);
	assert_int_equal(vlapic_pending(&l), 0x91);  /* above it: nests */
	vlapic_ack(&l, 0x91);
	wr(EOI, 0);                                  /* ends 0x91 */
	assert_int_equal(rd(PPR), 0x80);
	wr(EOI, 0);                                  /* ends 0x80 */
	assert_int_equal(rd(PPR), 0);
	assert_int_equal(vlapic_pending(&l), 0x75);
	assert_int_equal(l.stats.eois, 2);
	assert_int_equal(w.eois, 0);                 /* edge: no IOAPIC EOI */
}

static void test_level_eoi_reaches_ioapic(void **state)
{
	(void)state;
	enable();
	send(0x62, true);
	assert_int_equal(rd(TMR + 0x30), 1u << 2);
	vlapic_ack(&l, 0x62);
	wr(EOI, 0);
	assert_int_equal(w.eois, 1);
	assert_int_equal(w.eoi_vector, 0x62);
	assert_int_equal(rd(TMR + 0x30), 0);
}

static void test_stray_eoi(void **state)
{
	(void)state;
	enable();
	wr(EOI, 0);
	wr(EOI, 0);
	assert_int_equal(l.stats.stray_eois, 2);
	assert_int_equal(w.eois, 0);
}

/* ---- errors ------------------------------------------------------------ */

static void test_illegal_vector_sets_esr(void **state)
{
	struct apic_msg m = fixed(7, false);

	(void)state;
	enable();
	assert_true(vlapic_accept(&l, &m));
	assert_int_equal(vlapic_pending(&l), -1);
	assert_int_equal(l.stats.illegal_vectors, 1);
	assert_int_equal(rd(ESR), 0);                /* not latched until written */
	wr(ESR, 0);
	assert_int_equal(rd(ESR), 1u << 6);          /* receive illegal vector */
	wr(ESR, 0);
	assert_int_equal(rd(ESR), 0);
}

static void test_error_lvt_raises_its_vector(void **state)
{
	struct apic_msg m = fixed(3, false);

	(void)state;
	enable();
	wr(LVT_ERROR, 0xfe);
	assert_true(vlapic_accept(&l, &m));
	assert_int_equal(vlapic_pending(&l), 0xfe);
	/* An illegal vector in the error LVT latches, does not loop. */
	vlapic_ack(&l, 0xfe);
	wr(EOI, 0);
	wr(LVT_ERROR, 0x05);
	assert_true(vlapic_accept(&l, &m));
	assert_int_equal(vlapic_pending(&l), -1);
}

/* ---- the timer ---------------------------------------------------------- */

static void test_timer_one_shot(void **state)
{
	(void)state;
	enable();
	wr(TDCR, 0x1);                               /* divide by 4 */
	wr(LVT_TIMER, 0x40);
	wr(TMICT, 1000);
	assert_int_equal(vlapic_next_event(&l), 1000 + 4000);
	w.now += 2000;
	assert_int_equal(rd(TMCCT), 500);
	vlapic_tick(&l, w.now);
	assert_int_equal(vlapic_pending(&l), -1);    /* not yet */
	w.now = 5000;
	vlapic_tick(&l, w.now);
	assert_int_equal(vlapic_pending(&l), 0x40);
	assert_int_equal(rd(TMCCT), 0);
	assert_int_equal(vlapic_next_event(&l), UINT64_MAX);
	assert_int_equal(l.stats.timer_fires, 1);
}

static void test_timer_divide_by_one_and_128(void **state)
{
	(void)state;
	enable();
	wr(LVT_TIMER, 0x40);
	wr(TDCR, 0xb);                               /* divide by 1 */
	wr(TMICT, 10);
	assert_int_equal(vlapic_next_event(&l), w.now + 10);
	wr(TDCR, 0xa);                               /* divide by 128 */
	wr(TMICT, 10);
	assert_int_equal(vlapic_next_event(&l), w.now + 1280);
}

static void test_timer_masked_fires_nothing(void **state)
{
	(void)state;
	enable();
	wr(TDCR, 0xb);
	wr(LVT_TIMER, 0x10040);
	wr(TMICT, 10);
	vlapic_tick(&l, w.now + 10);
	assert_false(vlapic_has_work(&l));
	assert_int_equal(l.stats.timer_fires, 1);
}

static void test_timer_periodic_coalesces(void **state)
{
	(void)state;
	enable();
	wr(TDCR, 0xb);
	wr(LVT_TIMER, 0x20040);                      /* periodic */
	wr(TMICT, 100000);                           /* 100 µs */
	vlapic_tick(&l, 1000 + 100000);
	assert_int_equal(vlapic_pending(&l), 0x40);
	vlapic_ack(&l, 0x40);
	wr(EOI, 0);
	assert_int_equal(vlapic_next_event(&l), 1000 + 200000);
	/* Ten periods late: one interrupt, the next deadline in phase. */
	vlapic_tick(&l, 1000 + 1200050);
	assert_int_equal(vlapic_pending(&l), 0x40);
	assert_int_equal(vlapic_next_event(&l), 1000 + 1300000);
	assert_int_equal(l.stats.timer_fires, 2);
	w.now = 1000 + 1250000;
	assert_int_equal(rd(TMCCT), 50000);
}

static void test_timer_periodic_minimum(void **state)
{
	(void)state;
	enable();
	wr(TDCR, 0xb);
	wr(LVT_TIMER, 0x20040);
	wr(TMICT, 1);                                /* 1 ns asked */
	/* 20 µs at least: the hypervisor must not spin on one guest's timer */
	assert_int_equal(vlapic_next_event(&l), 1000 + TSC_HZ / 50000);
}

static void test_tsc_deadline(void **state)
{
	uint64_t v;

	(void)state;
	enable();
	assert_true(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 5000));
	assert_int_equal(vlapic_next_event(&l), UINT64_MAX);   /* not in mode 2 */
	wr(LVT_TIMER, 0x40040);                      /* TSC-deadline */
	assert_int_equal(rd(LVT_TIMER), 0x40040);
	assert_true(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 5000));
	assert_true(vlapic_msr_read(&l, MSR_TSC_DEADLINE, &v));
	assert_int_equal(v, 5000);
	assert_int_equal(vlapic_next_event(&l), 5000);
	wr(TMICT, 77);                               /* ignored in this mode */
	assert_int_equal(vlapic_next_event(&l), 5000);
	vlapic_tick(&l, 5000);
	assert_int_equal(vlapic_pending(&l), 0x40);
	assert_true(vlapic_msr_read(&l, MSR_TSC_DEADLINE, &v));
	assert_int_equal(v, 0);                      /* cleared when it fires */
	/* 0 disarms; a mode switch disarms. */
	assert_true(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 9000));
	assert_true(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 0));
	assert_int_equal(vlapic_next_event(&l), UINT64_MAX);
	assert_true(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 9000));
	wr(LVT_TIMER, 0x40);
	assert_int_equal(vlapic_next_event(&l), UINT64_MAX);
}

static void test_tsc_deadline_not_offered(void **state)
{
	uint64_t v;

	(void)state;
	setup_cfg(false, false);
	enable();
	assert_false(vlapic_msr_read(&l, MSR_TSC_DEADLINE, &v));
	assert_false(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 1));
	wr(LVT_TIMER, 0x40040);
	assert_int_equal(rd(LVT_TIMER), 0x40);       /* mode bit not writable */
}

/* ---- IA32_APIC_BASE ------------------------------------------------------ */

static void test_base_transitions(void **state)
{
	uint64_t v;

	(void)state;
	/* EN = 0, EXTD = 1 is invalid. */
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_EXTD));
	/* xAPIC -> x2APIC */
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE,
	                             0xfee00000ull | APIC_BASE_EN | APIC_BASE_EXTD));
	assert_true(vlapic_x2apic(&l));
	assert_int_equal(w.moves, 1);
	assert_int_equal(w.moved_to, 0);             /* no page in x2APIC mode */
	/* x2APIC -> xAPIC: #GP */
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_EN));
	/* x2APIC -> disabled, then disabled -> x2APIC: #GP */
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00000ull));
	assert_false(vlapic_enabled(&l));
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE,
	                              0xfee00000ull | APIC_BASE_EN | APIC_BASE_EXTD));
	/* disabled -> xAPIC at a new base */
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfed00000ull | APIC_BASE_EN));
	assert_int_equal(vlapic_page_gpa(&l), 0xfed00000ull);
	assert_int_equal(w.moved_to, 0xfed00000ull);
	assert_true(vlapic_msr_read(&l, MSR_APIC_BASE, &v));
	assert_int_equal(v, 0xfed00000ull | APIC_BASE_EN | APIC_BASE_BSP);
	/* reserved bits: low bits, bit 9, above MAXPHYADDR */
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00001ull | APIC_BASE_EN));
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00200ull | APIC_BASE_EN));
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE, (1ull << 39) | APIC_BASE_EN));
}

static void test_disable_resets_state(void **state)
{
	(void)state;
	enable();
	wr(TPR, 0x30);
	send(0x50, false);
	wr(LVT_TIMER, 0x41);
	wr(TMICT, 100);
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00000ull));
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_EN));
	assert_int_equal(rd(TPR), 0);
	assert_int_equal(rd(SVR), 0xff);
	assert_int_equal(rd(LVT_TIMER), 0x10000);
	assert_false(vlapic_has_work(&l));
	assert_int_equal(vlapic_next_event(&l), UINT64_MAX);
}

static void test_x2apic_not_offered(void **state)
{
	(void)state;
	setup_cfg(false, true);
	assert_false(vlapic_msr_write(&l, MSR_APIC_BASE,
	                              0xfee00000ull | APIC_BASE_EN | APIC_BASE_EXTD));
	assert_false(vlapic_x2apic(&l));
}

/* ---- x2APIC ------------------------------------------------------------ */

static void to_x2apic(void)
{
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE,
	                             0xfee00000ull | APIC_BASE_EN | APIC_BASE_EXTD));
}

static void test_x2apic_msrs(void **state)
{
	uint64_t v;

	(void)state;
	assert_false(vlapic_msr_read(&l, 0x802, &v));     /* xAPIC mode: #GP */
	to_x2apic();
	assert_true(vlapic_msr_read(&l, 0x802, &v));
	assert_int_equal(v, 0);
	assert_true(vlapic_msr_read(&l, 0x80d, &v));      /* LDR computed */
	assert_int_equal(v, 1);
	assert_false(vlapic_msr_write(&l, 0x802, 5));     /* ID read-only */
	assert_false(vlapic_msr_write(&l, 0x80d, 5));     /* LDR read-only */
	assert_false(vlapic_msr_read(&l, 0x80e, &v));     /* no DFR */
	assert_false(vlapic_msr_read(&l, 0x80b, &v));     /* EOI write-only */
	assert_false(vlapic_msr_write(&l, 0x80b, 1));     /* EOI must be 0 */
	assert_true(vlapic_msr_write(&l, 0x80b, 0));
	assert_false(vlapic_msr_write(&l, 0x828, 1));     /* ESR: 0 only */
	assert_false(vlapic_msr_write(&l, 0x808, 0x100)); /* TPR reserved bits */
	assert_false(vlapic_msr_read(&l, 0x831, &v));     /* no ICR high */
	assert_false(vlapic_msr_read(&l, 0x840, &v));     /* beyond the set */
	assert_false(vlapic_msr_read(&l, 0x83f, &v));     /* SELF_IPI write-only */
	assert_true(vlapic_msr_write(&l, 0x80f, 0x1ff));  /* SVR */
	assert_false(vlapic_msr_write(&l, 0x80f, 0x1000));/* no EOI suppression */
	assert_true(vlapic_msr_write(&l, 0x83f, 0x55));   /* self IPI */
	assert_int_equal(vlapic_pending(&l), 0x55);
	assert_false(vlapic_msr_write(&l, 0x83f, 0x155));
	/* The xAPIC page decodes nothing now. */
	assert_int_equal(rd(ID), 0);
	assert_true(l.stats.bad_accesses > 0);
}

static void test_x2apic_icr(void **state)
{
	uint64_t v;

	(void)state;
	to_x2apic();
	assert_true(vlapic_msr_write(&l, 0x80f, 0x1ff));
	/* fixed 0x66 to APIC ID 0, physical */
	assert_true(vlapic_msr_write(&l, 0x830, 0x66));
	assert_int_equal(vlapic_pending(&l), 0x66);
	assert_true(vlapic_msr_read(&l, 0x830, &v));
	assert_int_equal(v, 0x66);
	/* to APIC ID 7: elsewhere */
	assert_true(vlapic_msr_write(&l, 0x830, (7ull << 32) | 0x67));
	assert_int_equal(l.stats.ipis_elsewhere, 1);
	assert_false(vlapic_msr_write(&l, 0x830, 1ull << 20));  /* reserved */
}

/* ---- the xAPIC page ------------------------------------------------------ */

static void test_mmio_odd_accesses(void **state)
{
	uint64_t v = 0x1234;

	(void)state;
	enable();
	assert_true(vlapic_mmio(&l, SVR, 1, false, &v));
	assert_int_equal(v, 0);
	assert_true(vlapic_mmio(&l, SVR, 8, true, &v));
	assert_true(vlapic_mmio(&l, SVR + 4, 4, false, &v));
	assert_int_equal(v, 0);
	assert_true(vlapic_mmio(&l, 0x800, 4, false, &v));
	assert_int_equal(v, 0);
	assert_int_equal(rd(SVR), 0x1ff);            /* untouched */
	wr(ID, 0x05000000);                          /* read-only here */
	assert_int_equal(rd(ID), 0);
	wr(IRR, 0xffffffff);
	assert_int_equal(rd(IRR), 0);
	assert_int_equal(l.stats.bad_accesses, 6);
}

static void test_icr_self_and_others(void **state)
{
	(void)state;
	enable();
	wr(ICR_LO, (1u << 18) | 0x71);               /* shorthand self */
	assert_int_equal(vlapic_pending(&l), 0x71);
	wr(ICR_HI, 5u << 24);
	wr(ICR_LO, 0x72);                            /* to APIC 5 */
	assert_int_equal(l.stats.ipis_elsewhere, 1);
	wr(ICR_LO, (3u << 18) | 0x73);               /* all but self */
	assert_int_equal(l.stats.ipis_elsewhere, 2);
	wr(ICR_HI, 0);
	wr(ICR_LO, (5u << 8) | (1u << 14));          /* INIT to self: dropped */
	wr(ICR_LO, (6u << 8) | 0x10);                /* SIPI to self: dropped */
	assert_int_equal(l.stats.dropped_modes, 2);
	wr(ICR_LO, 0x0f);                            /* illegal vector */
	wr(ESR, 0);
	assert_int_equal(rd(ESR), 1u << 5);
	assert_int_equal(rd(ICR_LO) & (1u << 12), 0);  /* never busy */
	wr(ICR_LO, (4u << 8) | (1u << 18));          /* NMI to self */
	assert_true(l.nmi_pending);
}

/* ICR delivery modes 011 and 111 are reserved (§11.6.1): an ExtINT
 * IPI must not run the 8259's INTA cycle nor inject its vector. */
static void test_icr_reserved_modes(void **state)
{
	(void)state;
	enable();
	wr(ICR_LO, (1u << 18) | (7u << 8) | 0x40);   /* ExtINT to self */
	wr(ICR_LO, (2u << 18) | (7u << 8));          /* ExtINT to all */
	wr(ICR_LO, (1u << 18) | (3u << 8) | 0x41);   /* mode 011 to self */
	assert_false(l.extint_pending);
	assert_false(vlapic_has_work(&l));
	assert_int_equal(w.intas, 0);
	assert_int_equal(l.stats.dropped_modes, 3);
	assert_int_equal(l.stats.accepted, 0);
	wr(ESR, 0);
	assert_int_equal(rd(ESR), 0);
}

/* Reserved offsets of Table 11-1: read 0, writes dropped, ESR bit 7
 * (illegal register address), the error LVT raised; read-only
 * registers are dropped without an error (§11.5.3). */
static void test_reserved_register_esr(void **state)
{
	static const unsigned reserved[] = { 0x000, 0x010, 0x040, 0x070, 0x290,
	                                     0x2e0, 0x3a0, 0x3d0, 0x3f0 };
	unsigned i;

	(void)state;
	setup_cfg(false, true);                       /* no x2APIC */
	enable();
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		wr(ESR, 0);
		wr(ESR, 0);
		assert_int_equal(rd(reserved[i]), 0);
		wr(ESR, 0);
		assert_int_equal(rd(ESR), 1u << 7);
		wr(reserved[i], 0xffffffff);
		wr(ESR, 0);
		assert_int_equal(rd(ESR), 1u << 7);
	}
	wr(ID, 0x05000000);                          /* read-only: no error */
	wr(VER, 0);
	wr(PPR, 0xff);
	wr(ISR, 0xffffffff);
	wr(TMCCT, 1);
	(void)rd(EOI);                               /* write-only: no error */
	wr(ESR, 0);
	assert_int_equal(rd(ESR), 0);
	wr(LVT_ERROR, 0x33);                         /* error LVT unmasked */
	(void)rd(0x3a0);
	assert_int_equal(vlapic_pending(&l), 0x33);
}

/* The x2APIC SELF IPI register sends: vector 0-15 sets "send illegal
 * vector" (§11.5.3, §11.12.11) and delivers nothing. */
static void test_x2apic_self_ipi_illegal(void **state)
{
	uint64_t v;

	(void)state;
	enable();
	assert_true(vlapic_msr_write(&l, MSR_APIC_BASE, 0xfee00000ull | (3u << 10)));
	assert_true(vlapic_msr_write(&l, 0x83f, 3));
	assert_true(vlapic_msr_write(&l, 0x828, 0));
	assert_true(vlapic_msr_read(&l, 0x828, &v));
	assert_int_equal(v, 1u << 5);
	assert_int_equal(vlapic_pending(&l), -1);
	assert_int_equal(l.stats.illegal_vectors, 1);
	assert_true(vlapic_msr_write(&l, 0x83f, 0x44));
	assert_int_equal(vlapic_pending(&l), 0x44);
}

static void test_lint0_extint(void **state)
{
	(void)state;
	enable();
	vlapic_lint(&l, 0, true);                    /* LVT masked */
	assert_false(l.extint_pending);
	wr(LVT_LINT0, 7u << 8);                      /* ExtINT, unmasked */
	vlapic_lint(&l, 0, false);
	vlapic_lint(&l, 0, true);
	assert_true(l.extint_pending);
	assert_true(vlapic_has_work(&l));
	assert_int_equal(vlapic_ack_extint(&l), 0x30);
	assert_int_equal(w.intas, 1);
	assert_false(l.extint_pending);
}

static void test_cr8_is_tpr(void **state)
{
	(void)state;
	enable();
	vlapic_set_cr8(&l, 0x9);
	assert_int_equal(rd(TPR), 0x90);
	wr(TPR, 0xab);
	assert_int_equal(vlapic_get_cr8(&l), 0xa);
}

static void test_logical_destinations(void **state)
{
	struct apic_msg m = fixed(0x44, false);

	(void)state;
	enable();
	wr(LDR, 0x02000000);                         /* flat: bit 1 */
	m.logical = true;
	m.dest = 0x02;
	assert_true(vlapic_accept(&l, &m));
	m.dest = 0x01;
	assert_false(vlapic_accept(&l, &m));
	wr(DFR, 0x0fffffff);                         /* cluster model */
	wr(LDR, 0x31000000);                         /* cluster 3, member bit 0 */
	m.dest = 0x31;
	assert_true(vlapic_accept(&l, &m));
	m.dest = 0x21;
	assert_false(vlapic_accept(&l, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_on, setup),
		cmocka_unit_test_setup(test_software_disabled_drops_fixed, setup),
		cmocka_unit_test_setup(test_not_for_me, setup),
		cmocka_unit_test_setup(test_tpr_masks_by_class, setup),
		cmocka_unit_test_setup(test_isr_nesting_and_eoi, setup),
		cmocka_unit_test_setup(test_level_eoi_reaches_ioapic, setup),
		cmocka_unit_test_setup(test_stray_eoi, setup),
		cmocka_unit_test_setup(test_illegal_vector_sets_esr, setup),
		cmocka_unit_test_setup(test_error_lvt_raises_its_vector, setup),
		cmocka_unit_test_setup(test_timer_one_shot, setup),
		cmocka_unit_test_setup(test_timer_divide_by_one_and_128, setup),
		cmocka_unit_test_setup(test_timer_masked_fires_nothing, setup),
		cmocka_unit_test_setup(test_timer_periodic_coalesces, setup),
		cmocka_unit_test_setup(test_timer_periodic_minimum, setup),
		cmocka_unit_test_setup(test_tsc_deadline, setup),
		cmocka_unit_test_setup(test_tsc_deadline_not_offered, setup),
		cmocka_unit_test_setup(test_base_transitions, setup),
		cmocka_unit_test_setup(test_disable_resets_state, setup),
		cmocka_unit_test_setup(test_x2apic_not_offered, setup),
		cmocka_unit_test_setup(test_x2apic_msrs, setup),
		cmocka_unit_test_setup(test_x2apic_icr, setup),
		cmocka_unit_test_setup(test_mmio_odd_accesses, setup),
		cmocka_unit_test_setup(test_icr_self_and_others, setup),
		cmocka_unit_test_setup(test_icr_reserved_modes, setup),
		cmocka_unit_test_setup(test_reserved_register_esr, setup),
		cmocka_unit_test_setup(test_x2apic_self_ipi_illegal, setup),
		cmocka_unit_test_setup(test_lint0_extint, setup),
		cmocka_unit_test_setup(test_cr8_is_tpr, setup),
		cmocka_unit_test_setup(test_logical_destinations, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
