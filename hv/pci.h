/*
 * hv/pci.h — the machine's real PCI configuration space, through
 * mechanism #1 (ports 0xCF8/0xCFC; PCI Local Bus Spec 3.0 §3.2.2.3.2),
 * for the devices BareGT drives itself (the GPU, VT-d test devices).
 * Bus 0 only for now.
 */
#ifndef BAREGT_HV_PCI_H
#define BAREGT_HV_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))

uint32_t pci_read32(uint8_t bus, uint8_t devfn, uint16_t off);
void pci_write32(uint8_t bus, uint8_t devfn, uint16_t off, uint32_t value);
uint16_t pci_read16(uint8_t bus, uint8_t devfn, uint16_t off);
void pci_write16(uint8_t bus, uint8_t devfn, uint16_t off, uint16_t value);

/* The first function on bus 0 with this vendor and device ID. */
bool pci_find(uint16_t vendor, uint16_t device, uint8_t *bus, uint8_t *devfn);

/* A memory BAR's address (64-bit BARs read whole), 0 if unassigned. */
uint64_t pci_bar(uint8_t bus, uint8_t devfn, unsigned index);

#endif
