/*
 * hv/dev/vioapic.h — a VM's I/O APIC (docs/platform.md, "Interrupts"):
 * 24 input pins, each routed by its redirection entry to one interrupt
 * message (hv/dev/apic_msg.h) handed to deliver(). Registers as the
 * 82093AA data sheet lays them out (§3.1 direct registers IOREGSEL at
 * +0x00 and IOWIN at +0x10; §3.2 ID, version, arbitration and the
 * redirection table), with the version (0x20) and the EOI register at
 * +0x40 of the ICH/PCH I/O APIC, which is what Linux gets on a PC.
 *
 * Inputs are line states, never events: vioapic_set_line() says whether
 * a pin's source is asserted. Messages go out only on the transitions
 * the data sheet names (a rising edge; a level entry unmasked, asserted
 * and without remote IRR; an EOI while still asserted), so a guest
 * cannot make the device loop. Pure logic.
 */
#ifndef BAREGT_HV_DEV_VIOAPIC_H
#define BAREGT_HV_DEV_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/dev/apic_msg.h"

#define VIOAPIC_BASE     0xfec00000ull  /* guest-physical, docs/platform.md */
#define VIOAPIC_SIZE     0x1000u        /* the 4 KiB MMIO page */
#define VIOAPIC_PINS     24u
#define VIOAPIC_VERSION  0x20u          /* ICH I/O APIC: has the EOI register */

struct vioapic_counters {
	uint64_t bad_access;     /* MMIO not a 32-bit access at +0x00/+0x10/+0x40 */
	uint64_t bad_reg;        /* IOWIN access to a register that is not there */
	uint64_t bad_pin;        /* vioapic_set_line() with pin >= VIOAPIC_PINS */
	uint64_t delivered;      /* messages handed to deliver() */
};

struct vioapic {
	uint8_t id;              /* ID register bits 27:24 */
	uint8_t regsel;          /* IOREGSEL bits 7:0 */
	uint32_t asserted;       /* bit per pin: the source asserts it */
	uint64_t redir[VIOAPIC_PINS];
	void (*deliver)(void *ctx, const struct apic_msg *m);
	void *ctx;
	struct vioapic_counters count;
};

/* Reset state: ID id (bits 3:0), every entry masked and zero otherwise.
 * deliver() gets each message; it may call back into this vIOAPIC. */
void vioapic_init(struct vioapic *io, uint8_t id,
                  void (*deliver)(void *ctx, const struct apic_msg *m),
                  void *ctx);

/*
 * The source of pin asserts (true) or releases (false) it. "Asserted" is
 * the device's request, not the electrical level: the platform wires
 * every source active high and says so in the MADT, so the polarity bit
 * of an entry is kept for the guest to read back and changes nothing.
 * Pins >= VIOAPIC_PINS are dropped and counted.
 */
void vioapic_set_line(struct vioapic *io, unsigned pin, bool asserted);

/* The local APIC's EOI of a level-triggered vector (or a write to the
 * EOI register): remote IRR of every level entry with that vector is
 * cleared, and an entry whose pin is still asserted is delivered again. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

/* The register file through IOREGSEL/IOWIN (82093AA §3.2); an index
 * that is not a register reads 0 and drops writes (counted). */
uint32_t vioapic_reg_read(struct vioapic *io, uint8_t index);
void vioapic_reg_write(struct vioapic *io, uint8_t index, uint32_t value);

/* On a VM's device bus (hv/dev/bus.h; arg is the struct vioapic):
 * VIOAPIC_BASE, VIOAPIC_SIZE bytes. Only aligned 32-bit accesses to
 * IOREGSEL, IOWIN and EOI mean anything; the rest read 0 or are
 * dropped, and are counted. Never refuses. */
bool vioapic_bus_mmio(void *arg, uint64_t off, unsigned size, bool write,
                      uint64_t *val);

#endif
