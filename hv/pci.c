/*
 * hv/pci.c — the machine's configuration space: mechanism #1
 * (hv/pci_cfg.c) on the real ports 0xCF8/0xCFC, and the accessors the
 * rest of the core calls.
 */
#include <stddef.h>
#include "hv/cpu.h"
#include "hv/pci.h"
#include "hv/dev/vpci.h"

static uint32_t machine_in(void *ctx, uint16_t port, unsigned size)
{
	(void)ctx;
	if (size == 1)
		return inb(port);
	if (size == 2)
		return inw(port);
	return inl(port);
}

static void machine_out(void *ctx, uint16_t port, unsigned size, uint32_t v)
{
	(void)ctx;
	if (size == 1)
		outb(port, (uint8_t)v);
	else if (size == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
}

static const struct port_io machine_ports = { machine_in, machine_out, NULL };

/* The pure mechanism on the real ports: the same code the unit tests run
 * against a model of the chipset. */
static uint32_t machine_read(void *ctx, uint8_t bus, uint8_t devfn,
                             uint16_t off, unsigned size)
{
	(void)ctx;
	return pci_conf1_read(&machine_ports, bus, devfn, off, size);
}

static void machine_write(void *ctx, uint8_t bus, uint8_t devfn, uint16_t off,
                          unsigned size, uint32_t value)
{
	(void)ctx;
	pci_conf1_write(&machine_ports, bus, devfn, off, size, value);
}

const struct pci_cfg pci_machine = { machine_read, machine_write, NULL };

uint32_t pci_read32(uint8_t bus, uint8_t devfn, uint16_t off)
{
	return pci_cfg_read32(&pci_machine, bus, devfn, off);
}

void pci_write32(uint8_t bus, uint8_t devfn, uint16_t off, uint32_t value)
{
	pci_cfg_write32(&pci_machine, bus, devfn, off, value);
}

uint16_t pci_read16(uint8_t bus, uint8_t devfn, uint16_t off)
{
	return pci_cfg_read16(&pci_machine, bus, devfn, off);
}

void pci_write16(uint8_t bus, uint8_t devfn, uint16_t off, uint16_t value)
{
	pci_cfg_write16(&pci_machine, bus, devfn, off, value);
}

bool pci_find(uint16_t vendor, uint16_t device, uint8_t *bus, uint8_t *devfn)
{
	unsigned df;

	for (df = 0; df < 256; df++) {
		uint32_t id = pci_read32(0, (uint8_t)df, PCI_VENDOR_ID);
		if ((id & 0xffff) == vendor && (id >> 16) == device) {
			*bus = 0;
			*devfn = (uint8_t)df;
			return true;
		}
	}
	return false;
}

uint64_t pci_bar(uint8_t bus, uint8_t devfn, unsigned index)
{
	return pci_cfg_bar(&pci_machine, bus, devfn, index);
}
