/*
 * tests/unit/test_vioapic.c — unit tests of hv/dev/vioapic.c. The
 * register file through the MMIO window (82093AA §3.1, §3.2: ID,
 * version, arbitration, redirection entries and their read-only bits),
 * the delivery rules (edge on rising edges only, masked edges lost,
 * level with remote IRR, EOI by the local APIC and by the EOI register,
 * unmasking a pending level pin), the message fields, and hostile input:
 * pins past 23, register indices past the table, accesses that are not
 * aligned dwords, vectors 0-15 (passed on; the local APIC refuses them),
 * a deliver() that EOIs from inside (no loop).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vioapic.h"

#define IOREGSEL 0x00
#define IOWIN    0x10
#define EOIREG   0x40

#define MASKED   (1u << 16)
#define LEVEL    (1u << 15)
#define RIRR     (1u << 14)
#define ACTLOW   (1u << 13)
#define LOGICAL  (1u << 11)

/* ---- what deliver() got -------------------------------------------------- */

#define MSGS_MAX 64

static struct apic_msg msgs[MSGS_MAX];
static unsigned nmsgs;
static void *msg_ctx;
static struct vioapic io;
static int eoi_inside;          /* deliver() EOIs this many times */

static void record(void *ctx, const struct apic_msg *m)
{
	if (nmsgs >= MSGS_MAX)
		fail_msg("more than %d messages: a delivery loop?", MSGS_MAX);
	msgs[nmsgs++] = *m;
	msg_ctx = ctx;
	if (eoi_inside > 0) {
		eoi_inside--;
		vioapic_eoi(&io, m->vector);
	}
}

static int setup(void **state)
{
	(void)state;
	memset(&io, 0x5a, sizeof io);          /* init must set everything */
	vioapic_init(&io, 1, record, &msgs);
	nmsgs = 0;
	msg_ctx = NULL;
	eoi_inside = 0;
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static uint32_t mmio_read(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefcafef00dull;

	assert_true(vioapic_bus_mmio(&io, off, size, false, &v));
	return (uint32_t)v;
}

static void mmio_write(uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vioapic_bus_mmio(&io, off, size, true, &v));
}

static uint32_t reg_read(uint8_t index)
{
	mmio_write(IOREGSEL, 4, index);
	return mmio_read(IOWIN, 4);
}

static void reg_write(uint8_t index, uint32_t v)
{
	mmio_write(IOREGSEL, 4, index);
	mmio_write(IOWIN, 4, v);
}

static void set_entry(unsigned pin, uint32_t low, uint32_t high)
{
	reg_write((uint8_t)(0x10 + 2 * pin + 1), high);
	reg_write((uint8_t)(0x10 + 2 * pin), low);
}

static uint32_t entry_low(unsigned pin)
{
	return reg_read((uint8_t)(0x10 + 2 * pin));
}

#define EXPECT_MSGS(n) do { \
	if (nmsgs != (n)) \
		fail_msg("%s:%d: %u messages, expected %u", __FILE__, __LINE__, \
		         nmsgs, (unsigned)(n)); \
} while (0)

/* ---- registers ----------------------------------------------------------- */

static void test_reset_state(void **state)
{
	unsigned pin;

	(void)state;
	assert_int_equal(reg_read(0), 1u << 24);             /* ID 1 */
	assert_int_equal(reg_read(1), 0x00170020u);          /* 24 entries, v0x20 */
	assert_int_equal(reg_read(2), 1u << 24);
	for (pin = 0; pin < 24; pin++) {
		assert_int_equal(entry_low(pin), MASKED);
		assert_int_equal(reg_read((uint8_t)(0x11 + 2 * pin)), 0);
	}
	assert_int_equal(mmio_read(IOREGSEL, 4), 0x11 + 2 * 23);
	assert_int_equal(io.count.bad_reg, 0);
	assert_int_equal(io.count.bad_access, 0);
}

static void test_id_register(void **state)
{
	(void)state;
	reg_write(0, 0xffffffffu);                 /* only 27:24 stick */
	assert_int_equal(reg_read(0), 0x0f000000u);
	assert_int_equal(reg_read(2), 0x0f000000u); /* arbitration follows */
	reg_write(0, 0x05000000u);
	assert_int_equal(reg_read(0), 0x05000000u);
	reg_write(0, 0);
	assert_int_equal(reg_read(0), 0);
	/* ID at init: only 4 bits */
	vioapic_init(&io, 0xf3, record, NULL);
	assert_int_equal(reg_read(0), 0x03000000u);
}

static void test_readonly_registers(void **state)
{
	(void)state;
	reg_write(1, 0);
	reg_write(2, 0x0f000000u);
	assert_int_equal(reg_read(1), 0x00170020u);
	assert_int_equal(reg_read(2), 1u << 24);
	assert_int_equal(io.count.bad_reg, 2);      /* both writes refused */
}

static void test_redir_fields(void **state)
{
	(void)state;
	/* Every bit written: only the defined writable ones stay. */
	reg_write(0x10, 0xffffffffu);
	reg_write(0x11, 0xffffffffu);
	assert_int_equal(reg_read(0x10), 0x0001afffu);   /* not 12, 14, 31:17 */
	assert_int_equal(reg_read(0x11), 0xff000000u);   /* 63:56 only */
	reg_write(0x10, 0);
	reg_write(0x11, 0);
	assert_int_equal(reg_read(0x10), 0);
	assert_int_equal(reg_read(0x11), 0);
	/* The last entry, 0x3e/0x3f, is independent of the first. */
	reg_write(0x3e, 0x1234u);
	reg_write(0x3f, 0x5a000000u);
	assert_int_equal(reg_read(0x3e), 0x0234u);       /* bit 12 is RO */
	assert_int_equal(reg_read(0x3f), 0x5a000000u);
	assert_int_equal(reg_read(0x10), 0);
	assert_int_equal(io.count.bad_reg, 0);
}

static void test_bad_register_index(void **state)
{
	unsigned i;

	(void)state;
	/* 3..0x0f and 0x40..0xff are not registers. */
	for (i = 3; i < 0x10; i++) {
		reg_write((uint8_t)i, 0xffffffffu);
		assert_int_equal(reg_read((uint8_t)i), 0);
	}
	for (i = 0x40; i <= 0xff; i++) {
		reg_write((uint8_t)i, 0xffffffffu);
		assert_int_equal(reg_read((uint8_t)i), 0);
	}
	assert_int_equal(io.count.bad_reg, 2 * (13 + 0xc0));
	/* Nothing changed. */
	assert_int_equal(reg_read(0), 1u << 24);
	assert_int_equal(entry_low(23), MASKED);
	/* IOREGSEL keeps 8 bits only */
	mmio_write(IOREGSEL, 4, 0xffffff10u);
	assert_int_equal(mmio_read(IOREGSEL, 4), 0x10);
	assert_int_equal(mmio_read(IOWIN, 4), MASKED);
}

static void test_bad_mmio_access(void **state)
{
	static const unsigned sizes[] = { 1, 2, 8 };
	unsigned i;
	uint64_t v;

	(void)state;
	mmio_write(IOREGSEL, 4, 0x10);
	for (i = 0; i < 3; i++) {
		mmio_write(IOREGSEL, sizes[i], 0);       /* dropped */
		mmio_write(IOWIN, sizes[i], 0);          /* dropped */
		assert_int_equal(mmio_read(IOWIN, sizes[i]), 0);
	}
	assert_int_equal(mmio_read(IOREGSEL, 4), 0x10);
	assert_int_equal(mmio_read(IOWIN, 4), MASKED);
	/* misaligned and other offsets */
	mmio_write(0x01, 4, 0x20);
	mmio_write(0x11, 4, 0);
	mmio_write(0x14, 4, 0);
	mmio_write(0x20, 4, 0);
	mmio_write(0xffc, 4, 0);
	assert_int_equal(mmio_read(0x04, 4), 0);
	assert_int_equal(mmio_read(0xff8, 4), 0);
	/* the EOI register is write-only */
	assert_int_equal(mmio_read(EOIREG, 4), 0);
	mmio_write(EOIREG, 2, 0x30);
	v = 0x1234;
	assert_true(vioapic_bus_mmio(&io, 0x10, 8, false, &v));
	assert_int_equal(v, 0);
	assert_int_equal(io.count.bad_access, 3 * 3 + 5 + 2 + 2 + 1);
	assert_int_equal(mmio_read(IOREGSEL, 4), 0x10);
	assert_int_equal(mmio_read(IOWIN, 4), MASKED);
	EXPECT_MSGS(0);
}

/* ---- edge ---------------------------------------------------------------- */

static void test_edge_rising_only(void **state)
{
	(void)state;
	set_entry(4, 0x34, 0);                   /* vector 0x34, edge, unmasked */
	vioapic_set_line(&io, 4, true);
	EXPECT_MSGS(1);
	assert_int_equal(msgs[0].vector, 0x34);
	assert_int_equal(msgs[0].delivery, APIC_DM_FIXED);
	assert_false(msgs[0].level);
	assert_false(msgs[0].logical);
	assert_int_equal(msgs[0].dest, 0);
	assert_ptr_equal(msg_ctx, &msgs);
	vioapic_set_line(&io, 4, true);          /* still high: no edge */
	EXPECT_MSGS(1);
	vioapic_set_line(&io, 4, false);
	EXPECT_MSGS(1);
	vioapic_set_line(&io, 4, true);
	EXPECT_MSGS(2);
	/* remote IRR stays clear on edge entries; EOI changes nothing */
	assert_int_equal(entry_low(4), 0x34);
	vioapic_eoi(&io, 0x34);
	EXPECT_MSGS(2);
	assert_int_equal(io.count.delivered, 2);
}

static void test_edge_masked_is_lost(void **state)
{
	(void)state;
	set_entry(3, MASKED | 0x40, 0);
	vioapic_set_line(&io, 3, true);          /* edge while masked */
	EXPECT_MSGS(0);
	set_entry(3, 0x40, 0);                   /* unmask: lost, not sent */
	EXPECT_MSGS(0);
	vioapic_set_line(&io, 3, false);
	vioapic_set_line(&io, 3, true);
	EXPECT_MSGS(1);
}

static void test_message_fields(void **state)
{
	(void)state;
	/* logical, lowest priority, destination 0x0f, active low (ignored) */
	set_entry(7, LOGICAL | ACTLOW | (1u << 8) | 0x99, 0x0f000000u);
	vioapic_set_line(&io, 7, true);
	EXPECT_MSGS(1);
	assert_int_equal(msgs[0].vector, 0x99);
	assert_int_equal(msgs[0].delivery, APIC_DM_LOWEST);
	assert_true(msgs[0].logical);
	assert_int_equal(msgs[0].dest, 0x0f);
	/* NMI, physical broadcast */
	set_entry(8, (4u << 8) | 0x02, 0xff000000u);
	vioapic_set_line(&io, 8, true);
	EXPECT_MSGS(2);
	assert_int_equal(msgs[1].delivery, APIC_DM_NMI);
	assert_int_equal(msgs[1].dest, 0xff);
	/* ExtINT */
	set_entry(0, 7u << 8, 0);
	vioapic_set_line(&io, 0, true);
	EXPECT_MSGS(3);
	assert_int_equal(msgs[2].delivery, APIC_DM_EXTINT);
}

/* ---- level --------------------------------------------------------------- */

static void test_level_remote_irr_and_eoi(void **state)
{
	(void)state;
	set_entry(9, LEVEL | 0x41, 0);
	vioapic_set_line(&io, 9, true);
	EXPECT_MSGS(1);
	assert_true(msgs[0].level);
	assert_int_equal(entry_low(9), LEVEL | RIRR | 0x41);
	/* Asserted again, or still: nothing while remote IRR is set. */
	vioapic_set_line(&io, 9, true);
	vioapic_set_line(&io, 9, false);
	vioapic_set_line(&io, 9, true);
	EXPECT_MSGS(1);
	/* EOI of another vector: nothing */
	vioapic_eoi(&io, 0x42);
	assert_int_equal(entry_low(9), LEVEL | RIRR | 0x41);
	/* EOI while still asserted: remote IRR off, sent again, on again */
	vioapic_eoi(&io, 0x41);
	EXPECT_MSGS(2);
	assert_int_equal(entry_low(9), LEVEL | RIRR | 0x41);
	/* Released, then EOI: remote IRR clear, nothing sent */
	vioapic_set_line(&io, 9, false);
	vioapic_eoi(&io, 0x41);
	EXPECT_MSGS(2);
	assert_int_equal(entry_low(9), LEVEL | 0x41);
	/* A second EOI does nothing either */
	vioapic_eoi(&io, 0x41);
	EXPECT_MSGS(2);
	vioapic_set_line(&io, 9, true);
	EXPECT_MSGS(3);
}

static void test_level_eoi_register(void **state)
{
	(void)state;
	set_entry(10, LEVEL | 0x51, 0);
	vioapic_set_line(&io, 10, true);
	EXPECT_MSGS(1);
	vioapic_set_line(&io, 10, false);
	mmio_write(EOIREG, 4, 0xffffff51u);        /* vector in bits 7:0 */
	assert_int_equal(entry_low(10), LEVEL | 0x51);
	EXPECT_MSGS(1);
}

static void test_level_eoi_shared_vector(void **state)
{
	(void)state;
	/* Two level pins with one vector: one EOI serves both. */
	set_entry(16, LEVEL | 0x60, 0);
	set_entry(17, LEVEL | 0x60, 0);
	set_entry(18, 0x60, 0);                    /* edge, same vector */
	vioapic_set_line(&io, 16, true);
	vioapic_set_line(&io, 17, true);
	EXPECT_MSGS(2);
	vioapic_set_line(&io, 17, false);
	vioapic_eoi(&io, 0x60);
	EXPECT_MSGS(3);                            /* 16 again; 17 released */
	assert_int_equal(entry_low(16), LEVEL | RIRR | 0x60);
	assert_int_equal(entry_low(17), LEVEL | 0x60);
	assert_int_equal(entry_low(18), 0x60);
}

static void test_level_masked_then_unmasked(void **state)
{
	(void)state;
	set_entry(11, MASKED | LEVEL | 0x70, 0);
	vioapic_set_line(&io, 11, true);
	EXPECT_MSGS(0);
	assert_int_equal(entry_low(11), MASKED | LEVEL | 0x70);
	set_entry(11, LEVEL | 0x70, 0);            /* unmask: still asserted */
	EXPECT_MSGS(1);
	assert_int_equal(msgs[0].vector, 0x70);
	/* masked while in service, EOI, unmasked: sent again */
	set_entry(11, MASKED | LEVEL | 0x70, 0);
	vioapic_eoi(&io, 0x70);
	EXPECT_MSGS(1);
	set_entry(11, LEVEL | 0x70, 0);
	EXPECT_MSGS(2);
	/* masked, released, unmasked: nothing */
	set_entry(11, MASKED | LEVEL | 0x70, 0);
	vioapic_eoi(&io, 0x70);
	vioapic_set_line(&io, 11, false);
	set_entry(11, LEVEL | 0x70, 0);
	EXPECT_MSGS(2);
}

static void test_level_to_edge_clears_remote_irr(void **state)
{
	(void)state;
	set_entry(12, LEVEL | 0x80, 0);
	vioapic_set_line(&io, 12, true);
	EXPECT_MSGS(1);
	/* Linux's way without an EOI register: mask, edge, level, unmask. */
	reg_write(0x10 + 24, MASKED | 0x80);
	assert_int_equal(entry_low(12), MASKED | 0x80);
	reg_write(0x10 + 24, MASKED | LEVEL | 0x80);
	EXPECT_MSGS(1);
	reg_write(0x10 + 24, LEVEL | 0x80);        /* still asserted */
	EXPECT_MSGS(2);
	/* Edge again while asserted: no rising edge, nothing sent. */
	reg_write(0x10 + 24, 0x80);
	EXPECT_MSGS(2);
}

static void test_vector_change_in_service(void **state)
{
	(void)state;
	set_entry(13, LEVEL | 0x90, 0);
	vioapic_set_line(&io, 13, true);
	EXPECT_MSGS(1);
	reg_write(0x10 + 26, LEVEL | 0x91);        /* remote IRR kept */
	EXPECT_MSGS(1);
	vioapic_eoi(&io, 0x90);                    /* the old vector: nothing */
	EXPECT_MSGS(1);
	vioapic_eoi(&io, 0x91);
	EXPECT_MSGS(2);
	assert_int_equal(msgs[1].vector, 0x91);
}

/* ---- hostile input ------------------------------------------------------- */

static void test_bad_pins(void **state)
{
	(void)state;
	vioapic_set_line(&io, 24, true);
	vioapic_set_line(&io, 99, true);
	vioapic_set_line(&io, ~0u, false);
	assert_int_equal(io.count.bad_pin, 3);
	assert_int_equal(io.asserted, 0);
	EXPECT_MSGS(0);
	vioapic_set_line(&io, 23, true);           /* the last one is fine */
	assert_int_equal(io.asserted, 1u << 23);
	assert_int_equal(io.count.bad_pin, 3);
}

static void test_low_vectors_passed_on(void **state)
{
	unsigned v;

	(void)state;
	/* The IOAPIC does not check vectors: 0-15 go out as messages and the
	 * local APIC refuses them (SDM Vol. 3A §11.5.3). */
	for (v = 0; v < 16; v++) {
		set_entry(5, v, 0);
		vioapic_set_line(&io, 5, true);
		vioapic_set_line(&io, 5, false);
		assert_int_equal(msgs[v].vector, v);
	}
	EXPECT_MSGS(16);
}

static void test_eoi_inside_deliver_no_loop(void **state)
{
	(void)state;
	/* A deliver() that EOIs at once while the line stays high gets one
	 * message per EOI, no more: the recursion ends with it. */
	eoi_inside = 5;
	set_entry(14, LEVEL | 0xa0, 0);
	vioapic_set_line(&io, 14, true);
	EXPECT_MSGS(6);
	assert_int_equal(entry_low(14), LEVEL | RIRR | 0xa0);
	/* A storm of EOIs costs one message each, nothing more. */
	vioapic_set_line(&io, 14, false);
	vioapic_eoi(&io, 0xa0);
	vioapic_eoi(&io, 0xa0);
	EXPECT_MSGS(6);
}

static void test_every_pin(void **state)
{
	unsigned pin;

	(void)state;
	for (pin = 0; pin < 24; pin++)
		set_entry(pin, 0x20 + pin, 0);
	for (pin = 0; pin < 24; pin++)
		vioapic_set_line(&io, pin, true);
	EXPECT_MSGS(24);
	for (pin = 0; pin < 24; pin++)
		assert_int_equal(msgs[pin].vector, 0x20 + pin);
	assert_int_equal(io.asserted, 0xffffff);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static unsigned counted;

static void count_only(void *ctx, const struct apic_msg *m)
{
	(void)ctx;
	(void)m;
	counted++;
}

/* A hostile guest and hostile sources at random: no crash, no undefined
 * behaviour (ASan/UBSan), at most one message per input that can send
 * one, and the reset-time read-only registers unchanged. */
static void test_random_hostile(void **state)
{
	static const unsigned sizes[] = { 1, 2, 4, 8, 3 };
	unsigned i, bound = 0;

	(void)state;
	vioapic_init(&io, 2, count_only, NULL);
	counted = 0;
	for (i = 0; i < 200000; i++) {
		uint32_t r = rng();
		uint64_t v = ((uint64_t)rng() << 32) | rng();

		switch (r % 4) {
		case 0:
			vioapic_set_line(&io, rng() % 32, rng() & 1);
			bound += 1;
			break;
		case 1:
			vioapic_eoi(&io, (uint8_t)rng());
			bound += VIOAPIC_PINS;
			break;
		default:
			assert_true(vioapic_bus_mmio(&io, (rng() % 0x1000) &
			                             ((r & 64) ? ~3u : ~0u),
			                             sizes[rng() % 5], r & 8, &v));
			bound += 1;
			break;
		}
	}
	assert_true(counted <= bound);
	assert_true(counted > 0);
	assert_int_equal(vioapic_reg_read(&io, 1), 0x00170020u);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reset_state),
		T(test_id_register),
		T(test_readonly_registers),
		T(test_redir_fields),
		T(test_bad_register_index),
		T(test_bad_mmio_access),
		T(test_edge_rising_only),
		T(test_edge_masked_is_lost),
		T(test_message_fields),
		T(test_level_remote_irr_and_eoi),
		T(test_level_eoi_register),
		T(test_level_eoi_shared_vector),
		T(test_level_masked_then_unmasked),
		T(test_level_to_edge_clears_remote_irr),
		T(test_vector_change_in_service),
		T(test_bad_pins),
		T(test_low_vectors_passed_on),
		T(test_eoi_inside_deliver_no_loop),
		T(test_every_pin),
		T(test_random_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
