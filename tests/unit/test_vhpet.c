/*
 * tests/unit/test_vhpet.c — unit tests of hv/dev/vhpet.c, the HPET block
 * (IA-PC HPET 1.0a §2.3): GCAP_ID as Linux reads it (period, vendor,
 * timers, 64-bit counter, no legacy route); the counter at exactly
 * VHPET_HZ from the TSC, halted while ENABLE_CNF is 0, Linux's
 * hpet_enable sequence (stop, write 0 in two halves, start); 32-bit halves
 * of every 64-bit register; read-only bits of GEN_CONF and the timers;
 * comparator widths; hostile sizes, alignments, offsets and reserved
 * registers dropped and counted; bad TSC rates refused.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/dev/acpi_map.h"
#include "hv/dev/vhpet.h"

static uint64_t fake_tsc;
static uint64_t now(void *ctx) { (void)ctx; return fake_tsc; }

#define HZ 2400000000ull        /* a 2.4 GHz TSC */

static uint64_t rd(struct vhpet *h, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;

	assert_true(vhpet_bus_mmio(h, off, size, false, &v));
	return v;
}

static void wr(struct vhpet *h, uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vhpet_bus_mmio(h, off, size, true, &v));
}

static void init(struct vhpet *h, uint64_t tsc_hz)
{
	fake_tsc = 1000;
	assert_true(vhpet_init(h, tsc_hz, now, NULL));
}

static void test_capabilities(void **state)
{
	struct vhpet h;
	uint64_t cap;

	(void)state;
	init(&h, HZ);
	cap = rd(&h, VHPET_GCAP_ID, 8);
	assert_int_equal(cap & 0xFF, 1);                 /* REV_ID */
	assert_int_equal((cap >> 8) & 0x1F, 2);          /* 3 timers */
	assert_int_equal(cap & (1u << 13), 1u << 13);    /* 64-bit counter */
	assert_int_equal(cap & (1u << 15), 0);           /* no LEG_RT_CAP */
	assert_int_equal((cap >> 16) & 0xFFFF, 0x8086);
	assert_int_equal(cap >> 32, 40000000);           /* fs: 25 MHz */
	assert_true((cap >> 32) <= 100000000);           /* §2.3.4 */
	assert_int_equal((uint32_t)cap, VHPET_BLOCK_ID);
	assert_int_equal(VHPET_BLOCK_ID, 0x80862201u);
	/* The halves, as Linux's hpet_readl(HPET_ID) / HPET_PERIOD. */
	assert_int_equal(rd(&h, VHPET_GCAP_ID, 4), (uint32_t)cap);
	assert_int_equal(rd(&h, VHPET_GCAP_ID + 4, 4), cap >> 32);
	/* Read-only: writes change nothing and are counted. */
	wr(&h, VHPET_GCAP_ID, 8, 0);
	wr(&h, VHPET_GCAP_ID + 4, 4, 1);
	assert_int_equal(rd(&h, VHPET_GCAP_ID, 8), cap);
	assert_int_equal(h.count.read_only_writes, 2);
	assert_int_equal(VHPET_SIZE, ACPI_MAP_HPET_SIZE);
}

/* Reset: halted at 0, GEN_CONF 0, GINTR_STA 0. */
static void test_reset_state(void **state)
{
	struct vhpet h;

	(void)state;
	init(&h, HZ);
	assert_int_equal(rd(&h, VHPET_GEN_CONF, 8), 0);
	assert_int_equal(rd(&h, VHPET_GINTR_STA, 8), 0);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 0);
	fake_tsc += HZ;
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 0);  /* not counting */
	assert_int_equal(vhpet_counter(&h), 0);
}

static void test_counts_at_exact_rate(void **state)
{
	struct vhpet h;
	uint64_t a, t0;

	(void)state;
	init(&h, HZ);
	wr(&h, VHPET_GEN_CONF, 8, VHPET_CONF_ENABLE);
	assert_int_equal(rd(&h, VHPET_GEN_CONF, 4), 1);
	t0 = fake_tsc;
	fake_tsc = t0 + HZ;                               /* one second */
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), VHPET_HZ);
	fake_tsc = t0 + HZ / 2;
	assert_int_equal(vhpet_counter(&h), VHPET_HZ / 2);
	fake_tsc = t0 + 1000 * HZ + 7;                    /* 1000 s and a bit */
	assert_int_equal(vhpet_counter(&h), 1000ull * VHPET_HZ);
	/* Tick by tick: 96 TSC ticks per HPET tick at 2.4 GHz / 25 MHz. */
	a = vhpet_counter(&h);
	fake_tsc = t0 + 1000 * HZ + 95;
	assert_int_equal(vhpet_counter(&h), a);
	fake_tsc = t0 + 1000 * HZ + 96;
	assert_int_equal(vhpet_counter(&h), a + 1);
	/* A TSC rate that is not a multiple: floor(delta * HZ / tsc_hz). */
	init(&h, 50000001);
	wr(&h, VHPET_GEN_CONF, 4, 1);
	fake_tsc += 3 * 50000001ull + 12345;
	assert_int_equal(vhpet_counter(&h),
	                 3ull * VHPET_HZ + 12345ull * VHPET_HZ / 50000001);
	/* The TSC wraps under a running counter. */
	fake_tsc = ~0ull - 10;
	assert_true(vhpet_init(&h, HZ, now, NULL));
	wr(&h, VHPET_GEN_CONF, 4, 1);
	fake_tsc += 2 * HZ;
	assert_int_equal(vhpet_counter(&h), 2ull * VHPET_HZ);
}

/* arch/x86/kernel/hpet.c hpet_restart_counter: stop, write 0 to both
 * halves, start; and a halt keeps the count. */
static void test_halt_write_restart(void **state)
{
	struct vhpet h;

	(void)state;
	init(&h, HZ);
	wr(&h, VHPET_GEN_CONF, 4, 1);
	fake_tsc += 2 * HZ;
	wr(&h, VHPET_GEN_CONF, 4, 0);                    /* stop */
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 2ull * VHPET_HZ);
	fake_tsc += 5 * HZ;
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 2ull * VHPET_HZ);
	wr(&h, VHPET_MAIN_CNT, 4, 0);
	wr(&h, VHPET_MAIN_CNT + 4, 4, 0);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 0);
	wr(&h, VHPET_GEN_CONF, 4, 1);                    /* start */
	fake_tsc += HZ / 4;
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 4), VHPET_HZ / 4);
	assert_int_equal(h.count.running_writes, 0);
	/* Halted, a 64-bit value near the wrap; started, it wraps. */
	wr(&h, VHPET_GEN_CONF, 4, 0);
	wr(&h, VHPET_MAIN_CNT, 8, ~0ull - 9);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT + 4, 4), 0xFFFFFFFFu);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 4), 0xFFFFFFF6u);
	wr(&h, VHPET_GEN_CONF, 4, 1);
	fake_tsc += HZ;
	assert_int_equal(vhpet_counter(&h), VHPET_HZ - 10);
	/* Writing while running: taken, counted, the count goes on. */
	wr(&h, VHPET_MAIN_CNT, 8, 100);
	assert_int_equal(h.count.running_writes, 1);
	fake_tsc += HZ;
	assert_int_equal(vhpet_counter(&h), 100 + VHPET_HZ);
	/* ENABLE_CNF written 1 again changes nothing. */
	wr(&h, VHPET_GEN_CONF, 8, 1);
	assert_int_equal(vhpet_counter(&h), 100 + VHPET_HZ);
}

/* A 32-bit write to one half keeps the other. */
static void test_halves(void **state)
{
	struct vhpet h;

	(void)state;
	init(&h, HZ);
	wr(&h, VHPET_MAIN_CNT + 4, 4, 0x12345678);
	wr(&h, VHPET_MAIN_CNT, 4, 0x9abcdef0);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 0x123456789abcdef0ull);
	wr(&h, VHPET_MAIN_CNT, 4, 1);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 8), 0x1234567800000001ull);
	/* Timer 0's 64-bit comparator, by halves. */
	wr(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 4, 0xaaaa5555);
	assert_int_equal(rd(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8),
	                 0xFFFFFFFFaaaa5555ull);
	wr(&h, VHPET_TIMER(0) + VHPET_TN_COMP + 4, 4, 0x11);
	assert_int_equal(rd(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8),
	                 0x00000011aaaa5555ull);
	/* FSB route of timer 2: plain 64-bit storage. */
	wr(&h, VHPET_TIMER(2) + VHPET_TN_FSB + 4, 4, 0xfee00000);
	wr(&h, VHPET_TIMER(2) + VHPET_TN_FSB, 4, 0x41);
	assert_int_equal(rd(&h, VHPET_TIMER(2) + VHPET_TN_FSB, 8),
	                 0xfee0000000000041ull);
	/* GEN_CONF's high half: reserved bits, ENABLE kept. */
	wr(&h, VHPET_GEN_CONF, 4, 1);
	wr(&h, VHPET_GEN_CONF + 4, 4, 0xFFFFFFFF);
	assert_int_equal(rd(&h, VHPET_GEN_CONF, 8), 1);
}

static void test_read_only_bits(void **state)
{
	struct vhpet h;
	unsigned n;

	(void)state;
	init(&h, HZ);
	/* GEN_CONF: LEG_RT_CNF reserved without LEG_RT_CAP. */
	wr(&h, VHPET_GEN_CONF, 8, ~0ull);
	assert_int_equal(rd(&h, VHPET_GEN_CONF, 8), VHPET_CONF_ENABLE);
	/* Reset values: edge, disabled; caps: timer 0 64-bit. */
	assert_int_equal(rd(&h, VHPET_TIMER(0), 8), VHPET_TN_SIZE_CAP);
	assert_int_equal(rd(&h, VHPET_TIMER(1), 8), 0);
	assert_int_equal(rd(&h, VHPET_TIMER(2), 8), 0);
	assert_int_equal(rd(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8), ~0ull);
	assert_int_equal(rd(&h, VHPET_TIMER(1) + VHPET_TN_COMP, 8), 0xFFFFFFFFu);
	for (n = 0; n < VHPET_TIMERS; n++) {
		uint64_t cfg;

		wr(&h, VHPET_TIMER(n), 8, ~0ull);
		cfg = rd(&h, VHPET_TIMER(n), 8);
		/* Only INT_TYPE, INT_ENB (and 32MODE on timer 0) stick; no
		 * periodic mode, no route, no FSB, no route capability. */
		assert_int_equal(cfg, VHPET_TN_INT_TYPE | VHPET_TN_INT_ENB |
		                 (n == 0 ? VHPET_TN_32MODE | VHPET_TN_SIZE_CAP : 0));
		assert_int_equal(cfg >> 32, 0);              /* INT_ROUTE_CAP */
		assert_int_equal(cfg & (0x1Full << 9), 0);   /* INT_ROUTE_CNF */
		assert_int_equal(cfg & (VHPET_TN_TYPE | VHPET_TN_PER_INT_CAP |
		                        VHPET_TN_VAL_SET | VHPET_TN_FSB_EN |
		                        VHPET_TN_FSB_INT_DEL_CAP), 0);
		/* Writing the caps back as 0 changes no capability. */
		wr(&h, VHPET_TIMER(n), 8, 0);
		assert_int_equal(rd(&h, VHPET_TIMER(n), 8),
		                 n == 0 ? VHPET_TN_SIZE_CAP : 0);
	}
	/* 32-bit timers keep 32-bit comparators; timer 0 in 32-bit mode
	 * too. */
	wr(&h, VHPET_TIMER(1) + VHPET_TN_COMP, 8, 0x123456789ull);
	assert_int_equal(rd(&h, VHPET_TIMER(1) + VHPET_TN_COMP, 8), 0x23456789u);
	assert_int_equal(rd(&h, VHPET_TIMER(1) + VHPET_TN_COMP + 4, 4), 0);
	wr(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8, 0x123456789ull);
	wr(&h, VHPET_TIMER(0), 4, VHPET_TN_32MODE);
	assert_int_equal(rd(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8), 0x23456789u);
	wr(&h, VHPET_TIMER(0) + VHPET_TN_COMP + 4, 4, 5);
	assert_int_equal(rd(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8), 0x23456789u);
	wr(&h, VHPET_TIMER(0), 4, 0);
	wr(&h, VHPET_TIMER(0) + VHPET_TN_COMP + 4, 4, 5);
	assert_int_equal(rd(&h, VHPET_TIMER(0) + VHPET_TN_COMP, 8),
	                 0x523456789ull);
	/* GINTR_STA: nothing to clear, nothing set. */
	wr(&h, VHPET_GINTR_STA, 8, ~0ull);
	assert_int_equal(rd(&h, VHPET_GINTR_STA, 8), 0);
	assert_int_equal(h.count.bad_access + h.count.reserved, 0);
}

static void test_hostile_accesses(void **state)
{
	struct vhpet h;
	static const uint64_t reserved[] = {
		0x008, 0x00C, 0x018, 0x028, 0x0E8, 0x0F8, 0x118, 0x11C, 0x138,
		0x160, 0x3F8,
	};
	uint64_t v;
	unsigned i, n;

	(void)state;
	init(&h, HZ);
	wr(&h, VHPET_GEN_CONF, 4, 1);
	fake_tsc += HZ;
	/* Sizes other than 4 and 8, misaligned, past the block. */
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 1), 0xFF);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 2), 0xFFFF);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT + 2, 4), 0xFFFFFFFFu);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT + 4, 8), ~0ull);
	assert_int_equal(rd(&h, VHPET_MAIN_CNT, 3), 0xFFFFFF);
	assert_int_equal(rd(&h, VHPET_SIZE, 4), 0xFFFFFFFFu);
	assert_int_equal(rd(&h, ~0ull - 3, 4), 0xFFFFFFFFu);
	assert_int_equal(rd(&h, ~0ull - 7, 8), ~0ull);
	wr(&h, VHPET_GEN_CONF, 1, 0);                   /* no halt by a byte */
	wr(&h, VHPET_MAIN_CNT + 1, 4, 0);
	wr(&h, VHPET_SIZE - 4, 8, 0);
	wr(&h, 0x7FFFFFFFFFFFFFF8ull, 8, 0);
	assert_int_equal(h.count.bad_access, 12);
	assert_int_equal(vhpet_counter(&h), VHPET_HZ);
	assert_int_equal(rd(&h, VHPET_GEN_CONF, 4), 1);
	/* Reserved registers: read 0, writes dropped, counted. */
	for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
		wr(&h, reserved[i], 4, ~0ull);
		assert_int_equal(rd(&h, reserved[i], 4), 0);
	}
	assert_int_equal(h.count.reserved, 2 * i);
	/* Nothing else changed. */
	assert_int_equal(vhpet_counter(&h), VHPET_HZ);
	for (n = 0; n < VHPET_TIMERS; n++) {
		v = rd(&h, VHPET_TIMER(n), 8);
		assert_int_equal(v, n == 0 ? VHPET_TN_SIZE_CAP : 0);
	}
	/* Bad TSC rates and no clock refused. */
	assert_false(vhpet_init(&h, 0, now, NULL));
	assert_false(vhpet_init(&h, HZ, NULL, NULL));
	assert_false(vhpet_init(&h, UINT64_MAX / VHPET_HZ + 1, now, NULL));
	assert_true(vhpet_init(&h, UINT64_MAX / VHPET_HZ, now, NULL));
	wr(&h, VHPET_GEN_CONF, 4, 1);
	fake_tsc += UINT64_MAX / VHPET_HZ - 1;          /* just under 1 s */
	assert_int_equal(vhpet_counter(&h), VHPET_HZ - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_counts_at_exact_rate),
		cmocka_unit_test(test_halt_write_restart),
		cmocka_unit_test(test_halves),
		cmocka_unit_test(test_read_only_bits),
		cmocka_unit_test(test_hostile_accesses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
