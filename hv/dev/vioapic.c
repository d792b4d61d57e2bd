/*
 * hv/dev/vioapic.c — the I/O APIC (hv/dev/vioapic.h).
 *
 * Delivery rules (82093AA data sheet §3.2.4, "Interrupt Input Pin
 * Polarity", "Trigger Mode", "Remote IRR"):
 * - edge: a message on each rising edge of an unmasked pin; an edge that
 *   arrives while the entry is masked is lost, as on the chip;
 * - level: a message while the pin is asserted, unmasked and remote IRR
 *   is clear; the message sets remote IRR, the EOI of its vector clears
 *   it, and a pin still asserted then goes out again. A masked level pin
 *   is delivered when it is unmasked if it is still asserted.
 * Remote IRR is set before deliver() runs, so a deliver() that calls
 * vioapic_eoi() re-enters at most once per EOI, never in a loop.
 *
 * Vectors 0-15 are not checked here: the 82093AA does not check them;
 * the local APIC refuses them and sets ESR (SDM Vol. 3A §11.5.3), which
 * is where the guest can see its mistake.
 */
#include <string.h>
#include "hv/dev/vioapic.h"

/* Direct registers: offsets in the MMIO page (82093AA §3.1; EOI: ICH9
 * data sheet §13.5). */
#define OFF_IOREGSEL  0x00u
#define OFF_IOWIN     0x10u
#define OFF_EOI       0x40u

/* Indirect registers (82093AA §3.2). */
#define REG_ID        0x00u
#define REG_VERSION   0x01u
#define REG_ARB       0x02u
#define REG_REDIR     0x10u        /* entry n: 0x10 + 2n (low), + 1 (high) */
#define REG_REDIR_END (REG_REDIR + 2 * VIOAPIC_PINS)

#define ID_SHIFT      24           /* ID and arbitration ID: bits 27:24 */
#define ID_MASK       0x0fu

/* Redirection entry bits (82093AA §3.2.4). */
#define RTE_VECTOR    0x00000000000000ffull
#define RTE_DELMODE   0x0000000000000700ull   /* 10:8 */
#define RTE_DESTMODE  (1ull << 11)            /* logical */
#define RTE_DELIVS    (1ull << 12)            /* delivery status, RO */
#define RTE_POLARITY  (1ull << 13)            /* active low */
#define RTE_REMOTE_IRR (1ull << 14)           /* RO */
#define RTE_LEVEL     (1ull << 15)
#define RTE_MASK      (1ull << 16)
#define RTE_DEST_SHIFT 56                     /* 63:56 */
#define RTE_DEST      (0xffull << RTE_DEST_SHIFT)
/* What a guest write may change: everything defined but the two
 * read-only status bits; reserved bits read 0. */
#define RTE_WRITABLE  (RTE_VECTOR | RTE_DELMODE | RTE_DESTMODE | \
                       RTE_POLARITY | RTE_LEVEL | RTE_MASK | RTE_DEST)

void vioapic_init(struct vioapic *io, uint8_t id,
                  void (*deliver)(void *ctx, const struct apic_msg *m),
                  void *ctx)
{
	unsigned pin;

	memset(io, 0, sizeof(*io));
	io->id = id & ID_MASK;
	io->deliver = deliver;
	io->ctx = ctx;
	for (pin = 0; pin < VIOAPIC_PINS; pin++)
		io->redir[pin] = RTE_MASK;
}

/* One message from entry pin; a level entry gets remote IRR first. */
static void deliver(struct vioapic *io, unsigned pin)
{
	uint64_t e = io->redir[pin];
	struct apic_msg m = {
		.vector = (uint8_t)(e & RTE_VECTOR),
		.delivery = (uint8_t)((e & RTE_DELMODE) >> 8),
		.level = (e & RTE_LEVEL) != 0,
		.logical = (e & RTE_DESTMODE) != 0,
		.dest = (uint32_t)(e >> RTE_DEST_SHIFT),
	};

	if (m.level)
		io->redir[pin] |= RTE_REMOTE_IRR;
	io->count.delivered++;
	io->deliver(io->ctx, &m);
}

/* A level entry that should be in service but is not: send it. Called
 * after anything that can make it so (unmask, EOI, a new assertion). */
static void check_level(struct vioapic *io, unsigned pin)
{
	uint64_t e = io->redir[pin];

	if ((e & RTE_LEVEL) && !(e & (RTE_MASK | RTE_REMOTE_IRR)) &&
	    (io->asserted & (1u << pin)))
		deliver(io, pin);
}

void vioapic_set_line(struct vioapic *io, unsigned pin, bool asserted)
{
	uint32_t bit;
	bool was;

	if (pin >= VIOAPIC_PINS) {
		io->count.bad_pin++;
		return;
	}
	bit = 1u << pin;
	was = (io->asserted & bit) != 0;
	if (asserted)
		io->asserted |= bit;
	else
		io->asserted &= ~bit;
	if (io->redir[pin] & RTE_LEVEL)
		check_level(io, pin);
	else if (asserted && !was && !(io->redir[pin] & RTE_MASK))
		deliver(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	unsigned pin;

	for (pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t e = io->redir[pin];

		if (!(e & RTE_LEVEL) || !(e & RTE_REMOTE_IRR) ||
		    (uint8_t)(e & RTE_VECTOR) != vector)
			continue;
		io->redir[pin] &= ~RTE_REMOTE_IRR;
		check_level(io, pin);
	}
}

static bool is_redir(uint8_t index)
{
	return index >= REG_REDIR && index < REG_REDIR_END;
}

uint32_t vioapic_reg_read(struct vioapic *io, uint8_t index)
{
	switch (index) {
	case REG_ID:
	case REG_ARB:    /* arbitration ID: loaded from the ID (§3.2.3) */
		return (uint32_t)io->id << ID_SHIFT;
	case REG_VERSION:
		return (VIOAPIC_PINS - 1) << 16 | VIOAPIC_VERSION;
	default:
		break;
	}
	if (!is_redir(index)) {
		io->count.bad_reg++;
		return 0;
	}
	{
		uint64_t e = io->redir[(index - REG_REDIR) / 2];

		return (index & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
}

void vioapic_reg_write(struct vioapic *io, uint8_t index, uint32_t value)
{
	unsigned pin;
	uint64_t e, w;

	if (index == REG_ID) {
		io->id = (uint8_t)((value >> ID_SHIFT) & ID_MASK);
		return;
	}
	if (!is_redir(index)) {          /* version, arbitration: read-only */
		io->count.bad_reg++;
		return;
	}
	pin = (index - REG_REDIR) / 2;
	e = io->redir[pin];
	if (index & 1)
		w = (e & 0xffffffffull) | (uint64_t)value << 32;
	else
		w = (e & ~0xffffffffull) | value;
	e = (e & ~RTE_WRITABLE) | (w & RTE_WRITABLE);
	/* Remote IRR means nothing for an edge entry; going edge clears it
	 * (the old way to end a stuck level interrupt without an EOI
	 * register, which Linux still uses for I/O APICs before 0x20). */
	if (!(e & RTE_LEVEL))
		e &= ~RTE_REMOTE_IRR;
	io->redir[pin] = e;
	check_level(io, pin);
}

bool vioapic_bus_mmio(void *arg, uint64_t off, unsigned size, bool write,
                      uint64_t *val)
{
	struct vioapic *io = arg;
	bool dword = size == 4;

	if (!write)
		*val = 0;
	if (dword && off == OFF_IOREGSEL) {
		if (write)
			io->regsel = (uint8_t)*val;
		else
			*val = io->regsel;
	} else if (dword && off == OFF_IOWIN) {
		if (write)
			vioapic_reg_write(io, io->regsel, (uint32_t)*val);
		else
			*val = vioapic_reg_read(io, io->regsel);
	} else if (dword && off == OFF_EOI && write) {
		vioapic_eoi(io, (uint8_t)*val);
	} else {
		io->count.bad_access++;
	}
	return true;
}
