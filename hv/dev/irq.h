/*
 * hv/dev/irq.h — how a device of the virtual platform raises an
 * interrupt in its VM (docs/platform.md, "Interrupts"). A device knows
 * its VM's router only through vm_desc->irq; the router passes lines to
 * the vIOAPIC (and GSIs 0–15 to the vPIC) and messages to the vLAPIC.
 *
 * Lines are state, not events: virq_line(..., true) asserts a line until
 * virq_line(..., false). An edge-triggered input is a rising edge;
 * virq_pulse() is assert-then-deassert for devices that only ever pulse.
 */
#ifndef BAREGT_HV_DEV_IRQ_H
#define BAREGT_HV_DEV_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define VIRQ_GSIS 24                  /* the vIOAPIC's pins */

/* GSIs of the platform's ISA devices (MADT: IRQ0 -> GSI 2, the rest
 * identity). */
#define VIRQ_GSI_PIT     2
#define VIRQ_GSI_COM1    4
#define VIRQ_GSI_RTC     8
#define VIRQ_GSI_SCI     9

/* The router's own counters; the state is the platform's devices. */
struct virq {
	uint64_t msis, bad_msis;     /* delivered; address not 0xFEExxxxx */
	uint64_t bad_lines;          /* GSIs beyond the vIOAPIC's pins */
};

void virq_line(struct virq *irq, unsigned gsi, bool level);
void virq_pulse(struct virq *irq, unsigned gsi);
/* A message signalled interrupt as the device's MSI capability holds it. */
void virq_msi(struct virq *irq, uint64_t addr, uint32_t data);

#endif
