/*
 * tests/unit/test_vpic.c — unit tests of hv/dev/vpic.c: the 8259A pair
 * and the ELCR. Linux's probe and initialisation sequence exactly as
 * arch/x86/kernel/i8259.c writes it (probe: 0xFF to the slave's IMR, 0xFB
 * to the master's, read it back; ICW1 0x11, ICW2 0x30/0x38, ICW3 0x04/0x02,
 * ICW4 0x01 or 0x03; then everything masked); then the 8259A data sheet's
 * rules: fully nested priority, edge latching and ICW1's edge-sense
 * reset, level inputs through the ELCR (and its fixed edge-only bits),
 * the cascade and its vectors, spurious IR7, EOI (non-specific,
 * specific, rotating), set priority, automatic EOI, OCW3's IRR/ISR
 * select, poll and special mask mode, special fully nested mode, single
 * mode, the INT output's callback, and hostile input (IRQ 2, 16, 99,
 * 2- and 4-byte accesses).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vpic.h"

static struct vpic pic;
static unsigned intr_calls;
static bool intr_level;
static void *intr_ctx;

static void on_intr(void *ctx, bool level)
{
	intr_calls++;
	intr_level = level;
	intr_ctx = ctx;
	assert_int_equal(vpic_intr(&pic), level);   /* consistent already */
}

static int setup(void **state)
{
	(void)state;
	memset(&pic, 0x5a, sizeof pic);
	vpic_init(&pic, on_intr, &pic);
	intr_calls = 0;
	intr_level = false;
	intr_ctx = NULL;
	return 0;
}

/* ---- port helpers through the bus handlers ----------------------------- */

static bool (*const handler_for[3])(void *, uint64_t, unsigned, bool,
                                    uint64_t *) = {
	vpic_bus_master, vpic_bus_slave, vpic_bus_elcr,
};

static unsigned range_of(uint16_t port, uint64_t *off)
{
	if (port == 0x20 || port == 0x21) {
		*off = port - 0x20u;
		return 0;
	}
	if (port == 0xa0 || port == 0xa1) {
		*off = port - 0xa0u;
		return 1;
	}
	if (port == 0x4d0 || port == 0x4d1) {
		*off = port - 0x4d0u;
		return 2;
	}
	fail_msg("port %#x is not the vPIC's", port);
	return 0;
}

static void outb(uint8_t v, uint16_t port)     /* Linux's argument order */
{
	uint64_t off, val = v;

	assert_true(handler_for[range_of(port, &off)](&pic, off, 1, true, &val));
}

static uint8_t inb(uint16_t port)
{
	uint64_t off, val = 0x1234;

	assert_true(handler_for[range_of(port, &off)](&pic, off, 1, false, &val));
	assert_true(val <= 0xff);
	return (uint8_t)val;
}

/* arch/x86/kernel/i8259.c: init_8259A(auto_eoi), after the probe. */
static void linux_init(bool auto_eoi)
{
	outb(0xff, 0x21);                    /* mask all of the master */
	outb(0x11, 0x20);                    /* ICW1: edge, cascade, ICW4 */
	outb(0x30, 0x21);                    /* ICW2: ISA_IRQ_VECTOR(0) */
	outb(0x04, 0x21);                    /* ICW3: slave on IR2 */
	outb(auto_eoi ? 0x03 : 0x01, 0x21);  /* ICW4: 8086 (+ AEOI) */
	outb(0x11, 0xa0);
	outb(0x38, 0xa1);                    /* ISA_IRQ_VECTOR(8) */
	outb(0x02, 0xa1);                    /* slave ID 2 */
	outb(0x01, 0xa1);
	outb(0xff, 0x21);                    /* cached masks: all masked */
	outb(0xff, 0xa1);
}

static void unmask(uint16_t mask16)
{
	outb((uint8_t)~mask16, 0x21);
	outb((uint8_t)~(mask16 >> 8), 0xa1);
}

#define EOI_MASTER() outb(0x20, 0x20)
#define EOI_SLAVE()  outb(0x20, 0xa0)
#define READ_ISR(p)  (outb(0x0b, (p)), inb(p))
#define READ_IRR(p)  (outb(0x0a, (p)), inb(p))

/* ---- Linux ----------------------------------------------------------------- */

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(inb(0x21), 0xff);
	assert_int_equal(inb(0xa1), 0xff);
	assert_int_equal(inb(0x20), 0);          /* IRR */
	assert_int_equal(inb(0xa0), 0);
	assert_int_equal(inb(0x4d0), 0);
	assert_int_equal(inb(0x4d1), 0);
	assert_false(vpic_intr(&pic));
	/* BIOS bases: an unmasked IRQ 1 gives vector 9, IRQ 8 0x70 */
	unmask(0x0106);
	vpic_set_line(&pic, 1, true);
	assert_int_equal(vpic_ack(&pic), 0x09);
	vpic_set_line(&pic, 8, true);
	EOI_MASTER();
	assert_int_equal(vpic_ack(&pic), 0x70);
}

static void test_linux_probe_exact(void **state)
{
	(void)state;
	/* Sources already asserting: none may reach INT through it all. */
	vpic_set_line(&pic, 0, true);
	vpic_set_line(&pic, 4, true);
	vpic_set_line(&pic, 8, true);
	/* probe_8259A() */
	outb(0xff, 0xa1);
	outb(0xfb, 0x21);
	assert_int_equal(inb(0x21), 0xfb);       /* a PIC is there */
	linux_init(false);
	/* mask_8259A(), then read back */
	outb(0xff, 0x21);
	outb(0xff, 0xa1);
	assert_int_equal(inb(0x21), 0xff);
	assert_int_equal(inb(0xa1), 0xff);
	assert_false(vpic_intr(&pic));
	assert_int_equal(intr_calls, 0);
	/* The initialisation took: bases 0x30/0x38, cascade, normal EOI. */
	assert_int_equal(pic.chip[0].vector_base, 0x30);
	assert_int_equal(pic.chip[1].vector_base, 0x38);
	assert_int_equal(pic.chip[0].icw3, 0x04);
	assert_int_equal(pic.chip[1].icw3, 0x02);
	assert_false(pic.chip[0].aeoi);
	assert_int_equal(pic.chip[0].init_step, 0);
	assert_int_equal(pic.chip[1].init_step, 0);
	assert_int_equal(pic.count.bad_access, 0);
	/* ICW1 reset the edge sense: the lines held high are no request */
	assert_int_equal(READ_IRR(0x20), 0);
	unmask(0xffff);
	assert_false(vpic_intr(&pic));
	vpic_set_line(&pic, 4, false);
	vpic_set_line(&pic, 4, true);            /* a new edge */
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x34);
}

static void test_linux_auto_eoi(void **state)
{
	(void)state;
	linux_init(true);
	assert_true(pic.chip[0].aeoi);
	assert_false(pic.chip[1].aeoi);
	unmask(0x0002);
	vpic_set_line(&pic, 1, true);
	assert_int_equal(vpic_ack(&pic), 0x31);
	assert_int_equal(READ_ISR(0x20), 0);     /* automatic EOI */
	vpic_set_line(&pic, 1, false);
	vpic_set_line(&pic, 1, true);
	assert_true(vpic_intr(&pic));            /* no EOI needed */
	assert_int_equal(vpic_ack(&pic), 0x31);
}

static void test_imr_reads_back(void **state)
{
	(void)state;
	/* Every IMR value reads back as written, mid-init too. */
	unsigned v;

	for (v = 0; v < 256; v++) {
		outb((uint8_t)v, 0x21);
		outb((uint8_t)~v, 0xa1);
		assert_int_equal(inb(0x21), v);
		assert_int_equal(inb(0xa1), (uint8_t)~v);
	}
	outb(0x11, 0x20);
	assert_int_equal(inb(0x21), 0);          /* ICW1 cleared IMR */
}

/* ---- priorities and EOI ------------------------------------------------------ */

static void test_fully_nested(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0003);
	vpic_set_line(&pic, 1, true);
	assert_true(vpic_intr(&pic));
	assert_int_equal(intr_calls, 1);
	assert_ptr_equal(intr_ctx, &pic);
	assert_int_equal(vpic_ack(&pic), 0x31);
	assert_false(vpic_intr(&pic));
	assert_int_equal(intr_calls, 2);
	assert_int_equal(READ_ISR(0x20), 0x02);
	/* IR0 outranks IR1 in service: it nests */
	vpic_set_line(&pic, 0, true);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x30);
	assert_int_equal(READ_ISR(0x20), 0x03);
	/* IR1 again: latched, but blocked by its own level in service */
	vpic_set_line(&pic, 1, false);
	vpic_set_line(&pic, 1, true);
	assert_int_equal(READ_IRR(0x20), 0x02);  /* IR0's edge was taken */
	assert_false(vpic_intr(&pic));
	/* Non-specific EOI ends the highest: IR0 */
	EOI_MASTER();
	assert_int_equal(READ_ISR(0x20), 0x02);
	assert_false(vpic_intr(&pic));           /* IR1 still in service */
	EOI_MASTER();
	assert_int_equal(READ_ISR(0x20), 0);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x31);
	/* IR0's edge was taken once: no second request while held high */
	EOI_MASTER();
	assert_false(vpic_intr(&pic));
}

static void test_lower_priority_waits(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0018);
	vpic_set_line(&pic, 3, true);
	assert_int_equal(vpic_ack(&pic), 0x33);
	vpic_set_line(&pic, 4, true);            /* lower: waits */
	assert_false(vpic_intr(&pic));
	outb(0x63, 0x20);                        /* specific EOI, IR3 */
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x34);
	outb(0x63, 0x20);                        /* specific EOI of a level not
	                                          * in service: nothing */
	assert_int_equal(READ_ISR(0x20), 0x10);
	outb(0x64, 0x20);
	assert_int_equal(READ_ISR(0x20), 0);
}

static void test_mask_hides_request(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0020);
	vpic_set_line(&pic, 5, true);
	assert_true(vpic_intr(&pic));
	outb(0xff, 0x21);                        /* masked: INT drops */
	assert_false(vpic_intr(&pic));
	assert_int_equal(READ_IRR(0x20), 0x20);  /* IRR keeps it */
	outb(0xdf, 0x21);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x35);
	assert_int_equal(READ_IRR(0x20), 0);
}

static void test_spurious_ir7(void **state)
{
	(void)state;
	linux_init(false);
	assert_int_equal(vpic_ack(&pic), 0x37);  /* nothing at all */
	assert_int_equal(READ_ISR(0x20), 0);     /* ISR not set */
	assert_int_equal(pic.count.spurious, 1);
	/* A request that went away before the INTA (masked meanwhile) */
	unmask(0x0040);
	vpic_set_line(&pic, 6, true);
	outb(0xff, 0x21);
	assert_int_equal(vpic_ack(&pic), 0x37);
	assert_int_equal(READ_ISR(0x20), 0);
	assert_int_equal(pic.count.spurious, 2);
	assert_int_equal(pic.count.acks, 2);
}

static void test_rotation(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x00fb);
	/* Set priority: IR4 lowest, so IR5 highest */
	outb(0xc4, 0x20);
	vpic_set_line(&pic, 0, true);
	vpic_set_line(&pic, 5, true);
	vpic_set_line(&pic, 7, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	/* IR7 (rank 2) outranks IR0 (rank 3) now; IR5 blocks both */
	assert_false(vpic_intr(&pic));
	/* Rotate on non-specific EOI: IR5 becomes the lowest, IR6 highest */
	outb(0xa0, 0x20);
	assert_int_equal(vpic_ack(&pic), 0x37);
	/* Rotate on specific EOI of IR7: IR0 highest */
	outb(0xe7, 0x20);
	vpic_set_line(&pic, 5, false);
	vpic_set_line(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x30);
	outb(0x20, 0x20);
	assert_int_equal(vpic_ack(&pic), 0x35);
}

static void test_rotate_in_aeoi(void **state)
{
	(void)state;
	linux_init(true);
	unmask(0x0009);
	outb(0x80, 0x20);                        /* rotate in AEOI: set */
	vpic_set_line(&pic, 0, true);
	vpic_set_line(&pic, 3, true);
	assert_int_equal(vpic_ack(&pic), 0x30);  /* IR0 now lowest */
	vpic_set_line(&pic, 0, false);
	vpic_set_line(&pic, 0, true);
	assert_int_equal(vpic_ack(&pic), 0x33);  /* IR3 outranks IR0 */
	assert_int_equal(vpic_ack(&pic), 0x30);
	outb(0x00, 0x20);                        /* rotate in AEOI: clear */
	vpic_set_line(&pic, 3, false);
	vpic_set_line(&pic, 3, true);
	vpic_set_line(&pic, 0, false);
	vpic_set_line(&pic, 0, true);
	assert_int_equal(vpic_ack(&pic), 0x33);  /* IR0 still the lowest */
	assert_int_equal(pic.chip[0].lowest, 0); /* and no more rotation */
	assert_int_equal(vpic_ack(&pic), 0x30);
	assert_int_equal(pic.chip[0].lowest, 0);
}

/* ---- the cascade ---------------------------------------------------------- */

static void test_cascade(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0304);                         /* IRQ 8, 9 and the cascade */
	vpic_set_line(&pic, 9, true);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x39);
	assert_int_equal(READ_ISR(0x20), 0x04);
	assert_int_equal(READ_ISR(0xa0), 0x02);
	assert_false(vpic_intr(&pic));
	/* IRQ 8 outranks IRQ 9 on the slave, but the master has IR2 in
	 * service: fully nested mode holds it back. */
	vpic_set_line(&pic, 8, true);
	assert_false(vpic_intr(&pic));
	EOI_SLAVE();                             /* ends IRQ 9 */
	assert_false(vpic_intr(&pic));
	EOI_MASTER();
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x38);
	EOI_SLAVE();
	EOI_MASTER();
	assert_false(vpic_intr(&pic));
	/* The master's IR0 outranks the whole slave */
	unmask(0x0305);
	vpic_set_line(&pic, 9, false);
	vpic_set_line(&pic, 9, true);
	vpic_set_line(&pic, 0, true);
	assert_int_equal(vpic_ack(&pic), 0x30);
	assert_false(vpic_intr(&pic));
	EOI_MASTER();
	assert_int_equal(vpic_ack(&pic), 0x39);
}

static void test_cascade_masked_on_master(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0100);                         /* IRQ 8 but not IR2 */
	vpic_set_line(&pic, 8, true);
	assert_false(vpic_intr(&pic));
	assert_int_equal(READ_IRR(0x20), 0x04);  /* the slave asks */
	unmask(0x0104);
	assert_true(vpic_intr(&pic));
	/* The slave's request masked away: the master's IR2 drops too */
	outb(0xff, 0xa1);
	assert_false(vpic_intr(&pic));
	assert_int_equal(READ_IRR(0x20), 0);
}

static void test_special_fully_nested(void **state)
{
	(void)state;
	outb(0x11, 0x20);
	outb(0x30, 0x21);
	outb(0x04, 0x21);
	outb(0x11, 0x21);                        /* ICW4: 8086, SFNM */
	outb(0x11, 0xa0);
	outb(0x38, 0xa1);
	outb(0x02, 0xa1);
	outb(0x01, 0xa1);
	unmask(0x0304);
	vpic_set_line(&pic, 9, true);
	assert_int_equal(vpic_ack(&pic), 0x39);
	vpic_set_line(&pic, 8, true);            /* higher, on the slave */
	assert_true(vpic_intr(&pic));            /* SFNM lets it through */
	assert_int_equal(vpic_ack(&pic), 0x38);
}

static void test_single_mode(void **state)
{
	(void)state;
	/* ICW1 SNGL: no ICW3; with IC4 clear, no ICW4 either. */
	outb(0x12, 0x20);
	outb(0x48, 0x21);                        /* ICW2, and done */
	assert_int_equal(pic.chip[0].init_step, 0);
	outb(0xfa, 0x21);                        /* this is OCW1 now */
	assert_int_equal(inb(0x21), 0xfa);
	vpic_set_line(&pic, 0, true);
	assert_int_equal(vpic_ack(&pic), 0x48);
	/* Single, IR2 is a plain input (fed by the slave, but no cascade) */
	outb(0x00, 0xa1);
	vpic_set_line(&pic, 8, true);
	EOI_MASTER();
	assert_int_equal(vpic_ack(&pic), 0x4a);
}

static void test_no_icw4(void **state)
{
	(void)state;
	outb(0x11, 0x20);
	outb(0x30, 0x21);
	outb(0x04, 0x21);
	outb(0x03, 0x21);                        /* ICW4, AEOI */
	assert_true(pic.chip[0].aeoi);
	outb(0x10, 0x20);                        /* ICW1 without IC4 */
	outb(0x30, 0x21);
	outb(0x04, 0x21);                        /* ICW3, then done */
	assert_int_equal(pic.chip[0].init_step, 0);
	assert_false(pic.chip[0].aeoi);          /* ICW4 bits zero */
	outb(0x03, 0x21);                        /* OCW1 */
	assert_int_equal(inb(0x21), 0x03);
}

/* ---- level inputs and the ELCR ---------------------------------------------- */

static void test_elcr_bits(void **state)
{
	(void)state;
	outb(0xff, 0x4d0);
	outb(0xff, 0x4d1);
	assert_int_equal(inb(0x4d0), 0xf8);      /* IRQ 0, 1, 2 edge only */
	assert_int_equal(inb(0x4d1), 0xde);      /* IRQ 8, 13 edge only */
	outb(0x20, 0x4d0);
	outb(0x02, 0x4d1);
	assert_int_equal(inb(0x4d0), 0x20);
	assert_int_equal(inb(0x4d1), 0x02);
	/* ICW1 does not touch the ELCR */
	linux_init(false);
	assert_int_equal(inb(0x4d0), 0x20);
	assert_int_equal(inb(0x4d1), 0x02);
}

static void test_level_input(void **state)
{
	(void)state;
	linux_init(false);
	outb(0x20, 0x4d0);                       /* IRQ 5 level */
	outb(0x02, 0x4d1);                       /* IRQ 9 level */
	unmask(0x0224);
	vpic_set_line(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	assert_int_equal(READ_IRR(0x20), 0x20);  /* follows the line */
	EOI_MASTER();
	assert_true(vpic_intr(&pic));            /* still high: again */
	assert_int_equal(vpic_ack(&pic), 0x35);
	vpic_set_line(&pic, 5, false);
	assert_int_equal(READ_IRR(0x20), 0);
	EOI_MASTER();
	assert_false(vpic_intr(&pic));
	/* Dropped before the INTA: INT falls, the INTA is spurious */
	vpic_set_line(&pic, 5, true);
	assert_true(vpic_intr(&pic));
	vpic_set_line(&pic, 5, false);
	assert_false(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x37);
	/* On the slave too */
	vpic_set_line(&pic, 9, true);
	assert_int_equal(vpic_ack(&pic), 0x39);
	EOI_SLAVE();
	EOI_MASTER();
	assert_int_equal(vpic_ack(&pic), 0x39);
	vpic_set_line(&pic, 9, false);
	EOI_SLAVE();
	EOI_MASTER();
	assert_false(vpic_intr(&pic));
	/* Made level while high: IRR at once */
	outb(0x00, 0x4d0);
	vpic_set_line(&pic, 6, true);
	vpic_set_line(&pic, 6, false);           /* edge latched */
	unmask(0x0040);
	assert_int_equal(READ_IRR(0x20), 0x40);
	outb(0x40, 0x4d0);                       /* level, line low: gone */
	assert_int_equal(READ_IRR(0x20), 0);
	vpic_set_line(&pic, 6, true);
	assert_int_equal(vpic_ack(&pic), 0x36);
}

static void test_ltim_all_level(void **state)
{
	(void)state;
	outb(0x19, 0x20);                        /* ICW1 with LTIM */
	outb(0x30, 0x21);
	outb(0x04, 0x21);
	outb(0x01, 0x21);
	outb(0xfe, 0x21);
	vpic_set_line(&pic, 0, true);            /* IRQ 0: level now */
	assert_int_equal(vpic_ack(&pic), 0x30);
	EOI_MASTER();
	assert_int_equal(vpic_ack(&pic), 0x30);
	vpic_set_line(&pic, 0, false);
	EOI_MASTER();
	assert_false(vpic_intr(&pic));
}

static void test_edge_pulse_latched(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0010);
	vpic_set_line(&pic, 4, true);            /* virq_pulse: up and down */
	vpic_set_line(&pic, 4, false);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x34);
	EOI_MASTER();
	assert_false(vpic_intr(&pic));
}

/* ---- OCW3 --------------------------------------------------------------------- */

static void test_ocw3_read_select(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0008);
	vpic_set_line(&pic, 3, true);
	vpic_set_line(&pic, 5, true);            /* masked, but in IRR */
	assert_int_equal(inb(0x20), 0x28);       /* IRR after init */
	outb(0x0b, 0x20);
	assert_int_equal(vpic_ack(&pic), 0x33);
	assert_int_equal(inb(0x20), 0x08);       /* ISR, and it stays */
	assert_int_equal(inb(0x20), 0x08);
	outb(0x08, 0x20);                        /* RR = 0: no change */
	assert_int_equal(inb(0x20), 0x08);
	outb(0x0a, 0x20);
	assert_int_equal(inb(0x20), 0x20);
	assert_int_equal(inb(0x21), 0xf7);       /* data port: IMR */
}

static void test_poll(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0048);
	outb(0x0c, 0x20);                        /* poll, nothing pending */
	assert_int_equal(inb(0x20), 0x00);
	vpic_set_line(&pic, 6, true);
	vpic_set_line(&pic, 3, true);
	outb(0x0c, 0x20);
	assert_int_equal(inb(0x20), 0x83);       /* I bit, level 3 */
	assert_int_equal(READ_ISR(0x20), 0x08);  /* taken like an INTA */
	outb(0x0a, 0x20);
	assert_int_equal(inb(0x20), 0x40);       /* poll was for one read */
	EOI_MASTER();
	outb(0x0c, 0x20);
	assert_int_equal(inb(0x20), 0x86);
}

static void test_special_mask(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0012);
	vpic_set_line(&pic, 1, true);
	assert_int_equal(vpic_ack(&pic), 0x31);
	vpic_set_line(&pic, 4, true);
	assert_false(vpic_intr(&pic));           /* IR1 in service blocks */
	outb(0x68, 0x20);                        /* special mask mode on */
	outb((uint8_t)~0x10, 0x21);              /* mask IR1 (in service) */
	assert_true(vpic_intr(&pic));            /* IR4 goes now */
	assert_int_equal(vpic_ack(&pic), 0x34);
	outb(0x48, 0x20);                        /* special mask mode off */
	assert_int_equal(READ_ISR(0x20), 0x12);
}

/* ---- hostile input ----------------------------------------------------------- */

static void test_bad_irqs(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0xffff);
	vpic_set_line(&pic, 2, true);            /* the cascade is no source */
	vpic_set_line(&pic, 16, true);
	vpic_set_line(&pic, 99, true);
	vpic_set_line(&pic, ~0u, true);
	assert_int_equal(pic.count.bad_irq, 4);
	assert_false(vpic_intr(&pic));
	assert_int_equal(READ_IRR(0x20), 0);
	assert_int_equal(READ_IRR(0xa0), 0);
	vpic_set_line(&pic, 15, true);           /* the last one is fine */
	assert_int_equal(vpic_ack(&pic), 0x3f);
}

static void test_wide_accesses(void **state)
{
	static const unsigned sizes[] = { 2, 4 };
	unsigned i, r;
	uint64_t v;

	(void)state;
	for (i = 0; i < 2; i++) {
		for (r = 0; r < 3; r++) {
			v = 0x11;                    /* would be ICW1 */
			assert_true(handler_for[r](&pic, 0, sizes[i], true, &v));
			v = 0;
			assert_true(handler_for[r](&pic, 1, sizes[i], true, &v));
			v = 0;
			assert_true(handler_for[r](&pic, 0, sizes[i], false, &v));
			assert_int_equal(v, sizes[i] == 2 ? 0xffff : 0xffffffffu);
		}
	}
	assert_int_equal(pic.count.bad_access, 2 * 3 * 3);
	assert_int_equal(inb(0x21), 0xff);       /* nothing changed */
	assert_int_equal(inb(0xa1), 0xff);
	assert_int_equal(inb(0x4d0), 0);
	assert_int_equal(pic.chip[0].init_step, 0);
	/* an offset past the range (a bus bug) is refused the same way */
	v = 0;
	assert_true(vpic_bus_master(&pic, 2, 1, false, &v));
	assert_int_equal(v, 0xff);
	assert_int_equal(pic.count.bad_access, 2 * 3 * 3 + 1);
	assert_int_equal(vpic_read(&pic, 0x22), 0xff);
	vpic_write(&pic, 0x22, 0x11);
}

static void test_icw1_midway_restarts(void **state)
{
	(void)state;
	outb(0x11, 0x20);
	outb(0x30, 0x21);
	outb(0x11, 0x20);                        /* again, before ICW3 */
	outb(0x40, 0x21);
	outb(0x04, 0x21);
	outb(0x01, 0x21);
	assert_int_equal(pic.chip[0].init_step, 0);
	assert_int_equal(pic.chip[0].vector_base, 0x40);
	/* ICW2's low 3 bits are not the base */
	outb(0x11, 0x20);
	outb(0x57, 0x21);
	outb(0x04, 0x21);
	outb(0x01, 0x21);
	outb(0xfe, 0x21);
	vpic_set_line(&pic, 0, true);
	assert_int_equal(vpic_ack(&pic), 0x50);
}

static void test_intr_callback_on_change_only(void **state)
{
	(void)state;
	linux_init(false);
	unmask(0x0003);
	vpic_set_line(&pic, 1, true);
	vpic_set_line(&pic, 0, true);            /* INT already high */
	assert_int_equal(intr_calls, 1);
	assert_true(intr_level);
	outb(0xfe, 0x21);                        /* IR0 still unmasked */
	assert_int_equal(intr_calls, 1);
	outb(0xff, 0x21);
	assert_int_equal(intr_calls, 2);
	assert_false(intr_level);
	/* no callback at all is fine too */
	vpic_init(&pic, NULL, NULL);
	linux_init(false);
	unmask(0x0001);
	vpic_set_line(&pic, 0, true);
	assert_true(vpic_intr(&pic));
	assert_int_equal(intr_calls, 2);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* A hostile guest at random on every port, sources at random, INTA at
 * random: no crash, no undefined behaviour, every vector from a base the
 * guest programmed, and the INT callback always telling the truth. */
static void test_random_hostile(void **state)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	unsigned i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		uint32_t r = rng();
		uint64_t v = rng(), off;
		unsigned h = (unsigned)(rng() % 6);

		switch (r % 5) {
		case 0:
			vpic_set_line(&pic, rng() % 20, rng() & 1);
			break;
		case 1: {
			int vec = vpic_ack(&pic);

			assert_true(vec >= 0 && vec <= 0xff);
			assert_true((vec & 0xf8) == pic.chip[0].vector_base ||
			            (vec & 0xf8) == pic.chip[1].vector_base);
			break;
		}
		case 2:
			assert_true(handler_for[range_of(ports[h], &off)](
			        &pic, off, (r & 32) ? 1 : 1u << (rng() % 4),
			        false, &v));
			break;
		default:
			assert_true(handler_for[range_of(ports[h], &off)](
			        &pic, off, (r & 32) ? 1 : 1u << (rng() % 4), true,
			        &v));
			break;
		}
		assert_int_equal(intr_level, vpic_intr(&pic));
	}
	assert_true(intr_calls > 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reset_state),
		T(test_linux_probe_exact),
		T(test_linux_auto_eoi),
		T(test_imr_reads_back),
		T(test_fully_nested),
		T(test_lower_priority_waits),
		T(test_mask_hides_request),
		T(test_spurious_ir7),
		T(test_rotation),
		T(test_rotate_in_aeoi),
		T(test_cascade),
		T(test_cascade_masked_on_master),
		T(test_special_fully_nested),
		T(test_single_mode),
		T(test_no_icw4),
		T(test_elcr_bits),
		T(test_level_input),
		T(test_ltim_all_level),
		T(test_edge_pulse_latched),
		T(test_ocw3_read_select),
		T(test_poll),
		T(test_special_mask),
		T(test_bad_irqs),
		T(test_wide_accesses),
		T(test_icw1_midway_restarts),
		T(test_intr_callback_on_change_only),
		T(test_random_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
