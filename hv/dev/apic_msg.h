/*
 * hv/dev/apic_msg.h — one interrupt message on a VM's APIC bus: what an
 * IOAPIC redirection entry, an MSI and an IPI all become before the local
 * APIC takes them (docs/platform.md, "Interrupts").
 *
 * Field meanings: SDM Vol. 3A §11.6.1 (ICR: vector, delivery mode,
 * destination mode, trigger mode), §11.11 (MSI address and data), and
 * the 82093AA IOAPIC data sheet §3.2.4 (redirection table entries).
 */
#ifndef BAREGT_HV_DEV_APIC_MSG_H
#define BAREGT_HV_DEV_APIC_MSG_H

#include <stdbool.h>
#include <stdint.h>

/* Delivery modes (ICR bits 10:8, IOAPIC entry bits 10:8, MSI data 10:8). */
enum apic_delivery {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_STARTUP = 6,
	APIC_DM_EXTINT = 7,
};

struct apic_msg {
	uint8_t vector;
	uint8_t delivery;            /* enum apic_delivery */
	bool level;                  /* trigger mode: level (true) or edge */
	bool logical;                /* destination mode: logical (true) or physical */
	uint32_t dest;               /* APIC ID (physical) or MDA (logical); 0xff / 0xffffffff broadcast */
};

/* MSI address (bits 31:20 = 0xFEE, 19:12 destination ID, 2 destination
 * mode) and data (7:0 vector, 10:8 delivery mode, 15 trigger mode) to a
 * message; false if the address is not in the 0xFEExxxxx window. */
static inline bool apic_msg_from_msi(uint64_t addr, uint32_t data,
                                     struct apic_msg *m)
{
	if ((addr >> 20) != 0xfee)
		return false;
	m->vector = (uint8_t)data;
	m->delivery = (uint8_t)((data >> 8) & 7);
	m->level = (data >> 15) & 1;
	m->logical = (addr >> 2) & 1;
	m->dest = (uint32_t)(addr >> 12) & 0xff;
	return true;
}

#endif
