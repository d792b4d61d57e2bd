/*
 * hv/dev/vpic.c — the 8259A pair and the ELCR (hv/dev/vpic.h).
 *
 * Per chip (8259A data sheet, "Functional Description"): IRR holds the
 * requests, IMR masks them, ISR the levels in service. A request goes out
 * (INT high) when it is unmasked and of higher priority than every level
 * in service (fully nested mode); priority is fixed, IR0 highest, until a
 * rotation makes another IR the lowest. The slave's INT drives the
 * master's IR2.
 *
 * Two choices the data sheet leaves to the board:
 * - An edge-triggered input latches its rising edge in IRR until the
 *   INTA cycle takes it (or ICW1 resets the edge sense). The chip wants
 *   the line held high until the first INTA; our sources may pulse
 *   (virq_pulse: high and low at once), and a pulse must not be lost.
 *   A level-triggered input (ELCR bit, or ICW1 LTIM) is its line: IRR
 *   follows it.
 * - The cascade input follows the slave's INT as a level, so the master
 *   sees a second slave request as soon as the first one is taken, and
 *   a slave request that disappears is gone from the master too (the
 *   INTA then gives the slave's IR7 vector, the data sheet's default).
 */
#include <string.h>
#include "hv/dev/vpic.h"

#define MASTER 0
#define SLAVE  1

/* ICW1 (A0 = 0, D4 = 1), OCW3 (A0 = 0, D4 = 0, D3 = 1), else OCW2. */
#define ICW1_IC4     0x01
#define ICW1_SNGL    0x02
#define ICW1_LTIM    0x08
#define ICW1_INIT    0x10
#define OCW3_SEL     0x08
#define OCW3_RIS     0x01        /* with RR: read ISR (else IRR) */
#define OCW3_RR      0x02
#define OCW3_POLL    0x04
#define OCW3_SMM     0x20        /* with ESMM: set (else reset) special mask */
#define OCW3_ESMM    0x40
#define ICW4_AEOI    0x02
#define ICW4_SFNM    0x10
#define ICW4_STORED  0x1f
#define VECTOR_BASE  0xf8        /* ICW2 bits 7:3 (T7-T3) in 8086 mode */
#define POLL_IRQ     0x80        /* poll word: I bit, W2-W0 the level */
#define SPURIOUS_IR  7

/* OCW2 bits 7:5 (R, SL, EOI). */
enum ocw2 {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* ELCR bits that exist: IRQ 0, 1, 2, 8 and 13 are edge-only (PIIX4 and
 * ICH data sheets, ELCR1/ELCR2). */
static const uint8_t elcr_writable[2] = { 0xf8, 0xde };

/* Inputs whose IRR follows the line. */
static uint8_t level_inputs(const struct vpic *pic, unsigned i)
{
	const struct vpic_chip *c = &pic->chip[i];
	uint8_t m = c->ltim ? 0xff : c->elcr;

	return i == MASTER ? (uint8_t)(m | (1u << VPIC_CASCADE_IR)) : m;
}

static void sync_level(struct vpic *pic, unsigned i)
{
	struct vpic_chip *c = &pic->chip[i];
	uint8_t lvl = level_inputs(pic, i);

	c->irr = (uint8_t)((c->irr & ~lvl) | (c->lines & lvl));
}

/* Priority rank of ir: 0 is the highest (the IR after the lowest). */
static unsigned rank(const struct vpic_chip *c, unsigned ir)
{
	return (ir - c->lowest - 1u) & 7u;
}

/* The IR of highest priority in mask, or -1. */
static int highest(const struct vpic_chip *c, uint8_t mask)
{
	unsigned k;

	for (k = 0; k < 8; k++) {
		unsigned ir = (c->lowest + 1u + k) & 7u;

		if (mask & (1u << ir))
			return (int)ir;
	}
	return -1;
}

/* The IR chip i would give on INTA now, or -1: the unmasked request of
 * highest priority, if no level in service outranks it. In special mask
 * mode masked levels in service do not count; in special fully nested
 * mode the master takes the slave again while IR2 is in service. */
static int pending(const struct vpic *pic, unsigned i)
{
	const struct vpic_chip *c = &pic->chip[i];
	uint8_t in_service = c->isr;
	int ir, blocker;

	if (c->init_step != 0)
		return -1;
	ir = highest(c, (uint8_t)(c->irr & ~c->imr));
	if (ir < 0)
		return -1;
	if (c->special_mask)
		in_service &= (uint8_t)~c->imr;
	blocker = highest(c, in_service);
	if (blocker < 0 || rank(c, (unsigned)ir) < rank(c, (unsigned)blocker))
		return ir;
	if (i == MASTER && c->sfnm && ir == (int)VPIC_CASCADE_IR &&
	    blocker == ir)
		return ir;
	return -1;
}

/* Propagate: the slave's INT to the master's IR2, the master's INT out. */
static void update(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[MASTER];
	bool out;

	if (pending(pic, SLAVE) >= 0)
		m->lines |= 1u << VPIC_CASCADE_IR;
	else
		m->lines &= (uint8_t)~(1u << VPIC_CASCADE_IR);
	sync_level(pic, MASTER);
	out = pending(pic, MASTER) >= 0;
	if (out != pic->intr) {
		pic->intr = out;
		if (pic->intr_changed)
			pic->intr_changed(pic->ctx, out);
	}
}

static void chip_reset(struct vpic_chip *c, uint8_t base, uint8_t icw3)
{
	memset(c, 0, sizeof(*c));
	c->vector_base = base;
	c->icw3 = icw3;
	c->icw4 = 0x01;              /* 8086 mode */
	c->icw4_needed = true;
	c->imr = 0xff;
	c->lowest = 7;
}

void vpic_init(struct vpic *pic, void (*intr_changed)(void *ctx, bool level),
               void *ctx)
{
	memset(pic, 0, sizeof(*pic));
	chip_reset(&pic->chip[MASTER], 0x08, 1u << VPIC_CASCADE_IR);
	chip_reset(&pic->chip[SLAVE], 0x70, VPIC_CASCADE_IR);
	pic->intr_changed = intr_changed;
	pic->ctx = ctx;
}

void vpic_set_line(struct vpic *pic, unsigned irq, bool level)
{
	struct vpic_chip *c;
	unsigned i;
	uint8_t bit;
	bool was;

	if (irq >= VPIC_IRQS || irq == VPIC_CASCADE_IR) {
		pic->count.bad_irq++;
		return;
	}
	i = irq / 8;
	c = &pic->chip[i];
	bit = (uint8_t)(1u << (irq % 8));
	was = (c->lines & bit) != 0;
	if (level)
		c->lines |= bit;
	else
		c->lines &= (uint8_t)~bit;
	if (level_inputs(pic, i) & bit)
		sync_level(pic, i);
	else if (level && !was)
		c->irr |= bit;       /* rising edge, latched until INTA */
	update(pic);
}

bool vpic_intr(const struct vpic *pic)
{
	return pic->intr;
}

/* INTA on one chip: the IR taken (IRR to ISR, or not into ISR with
 * automatic EOI), or -1 if it has nothing. */
static int ack_chip(struct vpic *pic, unsigned i)
{
	struct vpic_chip *c = &pic->chip[i];
	int ir = pending(pic, i);
	uint8_t bit;

	if (ir < 0)
		return -1;
	bit = (uint8_t)(1u << ir);
	c->irr &= (uint8_t)~bit;
	if (!c->aeoi)
		c->isr |= bit;
	else if (c->rotate_aeoi)
		c->lowest = (uint8_t)ir;
	sync_level(pic, i);          /* a level input still high stays in IRR */
	return ir;
}

int vpic_ack(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];
	int ir, vector;

	pic->count.acks++;
	ir = ack_chip(pic, MASTER);
	if (ir < 0) {
		pic->count.spurious++;
		vector = m->vector_base | SPURIOUS_IR;
	} else if (ir == (int)VPIC_CASCADE_IR && !m->single &&
	           (m->icw3 & (1u << VPIC_CASCADE_IR))) {
		int sir = ack_chip(pic, SLAVE);

		if (sir < 0) {
			pic->count.spurious++;
			vector = s->vector_base | SPURIOUS_IR;
		} else {
			vector = s->vector_base | sir;
		}
	} else {
		vector = m->vector_base | ir;
	}
	update(pic);
	return vector;
}

static void eoi(struct vpic_chip *c, int ir, bool rotate)
{
	if (ir < 0)
		return;
	c->isr &= (uint8_t)~(1u << ir);
	if (rotate)
		c->lowest = (uint8_t)ir;
}

static void write_command(struct vpic *pic, unsigned i, uint8_t v)
{
	struct vpic_chip *c = &pic->chip[i];
	unsigned level = v & 7u;

	if (v & ICW1_INIT) {
		/* ICW1: edge sense reset, IMR and ISR cleared, IR7 lowest,
		 * special mask off, IRR selected; no ICW4: its bits zero. */
		c->init_step = 2;
		c->icw4_needed = v & ICW1_IC4;
		c->single = v & ICW1_SNGL;
		c->ltim = v & ICW1_LTIM;
		c->irr = 0;
		c->isr = 0;
		c->imr = 0;
		c->lowest = 7;
		c->special_mask = false;
		c->read_isr = false;
		c->poll = false;
		c->rotate_aeoi = false;
		if (!c->icw4_needed) {
			c->icw4 = 0;
			c->aeoi = false;
			c->sfnm = false;
		}
		sync_level(pic, i);
	} else if (v & OCW3_SEL) {
		if (v & OCW3_ESMM)
			c->special_mask = v & OCW3_SMM;
		c->poll = v & OCW3_POLL;
		if (v & OCW3_RR)
			c->read_isr = v & OCW3_RIS;
	} else {
		switch ((enum ocw2)(v >> 5)) {
		case OCW2_ROTATE_AEOI_CLEAR: c->rotate_aeoi = false; break;
		case OCW2_ROTATE_AEOI_SET:   c->rotate_aeoi = true; break;
		case OCW2_EOI:        eoi(c, highest(c, c->isr), false); break;
		case OCW2_ROTATE_EOI: eoi(c, highest(c, c->isr), true); break;
		case OCW2_SPECIFIC_EOI:        eoi(c, (int)level, false); break;
		case OCW2_ROTATE_SPECIFIC_EOI: eoi(c, (int)level, true); break;
		case OCW2_SET_PRIORITY: c->lowest = (uint8_t)level; break;
		case OCW2_NOP: break;
		}
	}
	update(pic);
}

static void write_data(struct vpic *pic, unsigned i, uint8_t v)
{
	struct vpic_chip *c = &pic->chip[i];

	switch (c->init_step) {
	case 2:                                  /* ICW2 */
		c->vector_base = v & VECTOR_BASE;
		c->init_step = !c->single ? 3 : c->icw4_needed ? 4 : 0;
		break;
	case 3:                                  /* ICW3 */
		c->icw3 = v;
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:                                  /* ICW4 */
		c->icw4 = v & ICW4_STORED;
		c->aeoi = v & ICW4_AEOI;
		c->sfnm = v & ICW4_SFNM;
		c->init_step = 0;
		break;
	default:                                 /* OCW1 */
		c->imr = v;
		break;
	}
	update(pic);
}

static uint8_t read_command(struct vpic *pic, unsigned i)
{
	struct vpic_chip *c = &pic->chip[i];

	if (c->poll) {
		/* The read is the INTA of this chip alone (data sheet, "The
		 * Poll Command"): the level, or 0 with nothing pending. */
		int ir;

		c->poll = false;
		ir = ack_chip(pic, i);
		update(pic);
		return ir < 0 ? 0 : (uint8_t)(POLL_IRQ | ir);
	}
	return c->read_isr ? c->isr : c->irr;
}

uint8_t vpic_read(struct vpic *pic, uint16_t port)
{
	switch (port) {
	case VPIC_MASTER_PORT:     return read_command(pic, MASTER);
	case VPIC_MASTER_PORT + 1: return pic->chip[MASTER].imr;
	case VPIC_SLAVE_PORT:      return read_command(pic, SLAVE);
	case VPIC_SLAVE_PORT + 1:  return pic->chip[SLAVE].imr;
	case VPIC_ELCR_PORT:       return pic->chip[MASTER].elcr;
	case VPIC_ELCR_PORT + 1:   return pic->chip[SLAVE].elcr;
	default:                   return 0xff;
	}
}

static void write_elcr(struct vpic *pic, unsigned i, uint8_t v)
{
	pic->chip[i].elcr = v & elcr_writable[i];
	sync_level(pic, i);
	update(pic);
}

void vpic_write(struct vpic *pic, uint16_t port, uint8_t value)
{
	switch (port) {
	case VPIC_MASTER_PORT:     write_command(pic, MASTER, value); break;
	case VPIC_MASTER_PORT + 1: write_data(pic, MASTER, value); break;
	case VPIC_SLAVE_PORT:      write_command(pic, SLAVE, value); break;
	case VPIC_SLAVE_PORT + 1:  write_data(pic, SLAVE, value); break;
	case VPIC_ELCR_PORT:       write_elcr(pic, MASTER, value); break;
	case VPIC_ELCR_PORT + 1:   write_elcr(pic, SLAVE, value); break;
	default: break;
	}
}

static bool bus_io(struct vpic *pic, uint16_t base, uint64_t off,
                   unsigned size, bool write, uint64_t *val)
{
	if (size != 1 || off >= VPIC_PORTS) {
		pic->count.bad_access++;
		if (!write)
			*val = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
		return true;
	}
	if (write)
		vpic_write(pic, (uint16_t)(base + off), (uint8_t)*val);
	else
		*val = vpic_read(pic, (uint16_t)(base + off));
	return true;
}

bool vpic_bus_master(void *arg, uint64_t off, unsigned size, bool write,
                     uint64_t *val)
{
	return bus_io(arg, VPIC_MASTER_PORT, off, size, write, val);
}

bool vpic_bus_slave(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val)
{
	return bus_io(arg, VPIC_SLAVE_PORT, off, size, write, val);
}

bool vpic_bus_elcr(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val)
{
	return bus_io(arg, VPIC_ELCR_PORT, off, size, write, val);
}
