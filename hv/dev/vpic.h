/*
 * hv/dev/vpic.h — a VM's 8259A pair and the ELCR (docs/platform.md,
 * "Ports and platform devices"): the master at 0x20/0x21, the slave at
 * 0xA0/0xA1 on the master's IR2, the edge/level control registers at
 * 0x4D0/0x4D1. Programmed as the 8259A data sheet says (ICW1-ICW4,
 * OCW1-OCW3, fully nested priority with rotation, special mask, poll,
 * automatic EOI); the ELCR as the PIIX/ICH data sheets lay it out.
 *
 * Lines in: vpic_set_line() with ISA IRQ 0-15 (not GSIs: the router maps
 * GSI 2 back to IRQ 0). Out: the master's INT pin, which the local
 * APIC's LINT0 takes in ExtINT mode; vpic_ack() is the INTA cycle that
 * gives the vector. With an I/O APIC in the MADT Linux only probes the
 * pair, initialises it and masks everything. Pure logic.
 */
#ifndef BAREGT_HV_DEV_VPIC_H
#define BAREGT_HV_DEV_VPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VPIC_MASTER_PORT  0x20u
#define VPIC_SLAVE_PORT   0xa0u
#define VPIC_PORTS        2u         /* command, data */
#define VPIC_ELCR_PORT    0x4d0u
#define VPIC_ELCR_PORTS   2u
#define VPIC_IRQS         16u
#define VPIC_CASCADE_IR   2u         /* the slave's INT on the master */

struct vpic_chip {
	uint8_t irr, isr, imr;
	uint8_t lines;           /* input levels as the sources drive them */
	uint8_t elcr;            /* level-triggered inputs (ELCR) */
	uint8_t vector_base;     /* ICW2 bits 7:3 */
	uint8_t icw3;            /* master: slave inputs; slave: its ID */
	uint8_t icw4;
	uint8_t lowest;          /* the lowest-priority IR (rotation) */
	uint8_t init_step;       /* 0: operational; 2, 3, 4: the ICW expected */
	bool icw4_needed, single, ltim;
	bool aeoi, rotate_aeoi, sfnm, special_mask;
	bool read_isr, poll;
};

struct vpic_counters {
	uint64_t bad_access;     /* not a byte access */
	uint64_t bad_irq;        /* vpic_set_line() with IRQ 2 or >= 16 */
	uint64_t spurious;       /* INTA with nothing pending: IR7's vector */
	uint64_t acks;
};

struct vpic {
	struct vpic_chip chip[2];    /* [0] master, [1] slave */
	bool intr;                   /* the master's INT output */
	void (*intr_changed)(void *ctx, bool level);
	void *ctx;
	struct vpic_counters count;
};

/*
 * Reset state, as a PC BIOS leaves the pair: vector bases 0x08 and 0x70,
 * cascade on IR2, 8086 mode, normal EOI, everything masked, all inputs
 * edge-triggered. intr_changed() (may be NULL) is called whenever the
 * master's INT output changes; it may call back into the vPIC.
 */
void vpic_init(struct vpic *pic, void (*intr_changed)(void *ctx, bool level),
               void *ctx);

/* ISA IRQ irq's source drives its line high (true) or low. IRQ 2 is the
 * cascade, driven by the slave, not a source; it and irq >= 16 are
 * dropped and counted. */
void vpic_set_line(struct vpic *pic, unsigned irq, bool level);

/* The master's INT output. */
bool vpic_intr(const struct vpic *pic);

/* The INTA cycle: the vector of the highest-priority pending IRQ (IRR to
 * ISR, through the slave when it is the cascade input); with nothing
 * pending, the spurious vector of IR7 of the master (or of the slave, if
 * the master took the cascade and the slave has nothing). */
int vpic_ack(struct vpic *pic);

/* One byte at a port of the pair: port is 0x20, 0x21, 0xA0, 0xA1, 0x4D0
 * or 0x4D1; any other reads 0xFF and drops writes. */
uint8_t vpic_read(struct vpic *pic, uint16_t port);
void vpic_write(struct vpic *pic, uint16_t port, uint8_t value);

/* On a VM's device bus (hv/dev/bus.h; arg is the struct vpic): the three
 * ranges of VPIC_PORTS / VPIC_ELCR_PORTS ports at VPIC_MASTER_PORT,
 * VPIC_SLAVE_PORT and VPIC_ELCR_PORT. Byte accesses only; wider ones
 * read all-ones and drop writes, counted. Never refuse. */
bool vpic_bus_master(void *arg, uint64_t off, unsigned size, bool write,
                     uint64_t *val);
bool vpic_bus_slave(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val);
bool vpic_bus_elcr(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val);

#endif
