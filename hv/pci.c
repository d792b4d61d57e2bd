/*
 * hv/pci.c — configuration mechanism #1 on the real machine.
 * CONFIG_ADDRESS: enable bit 31, bus 23:16, device 15:11, function 10:8,
 * register 7:2; data at 0xCFC + (register & 3).
 */
#include "hv/cpu.h"
#include "hv/pci.h"

#define PCI_ADDR_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc

static void pci_select(uint8_t bus, uint8_t devfn, uint16_t off)
{
	outl(PCI_ADDR_PORT, 0x80000000u | (uint32_t)bus << 16 |
	                    (uint32_t)devfn << 8 | (off & 0xfc));
}

uint32_t pci_read32(uint8_t bus, uint8_t devfn, uint16_t off)
{
	pci_select(bus, devfn, off);
	return inl(PCI_DATA_PORT);
}

void pci_write32(uint8_t bus, uint8_t devfn, uint16_t off, uint32_t value)
{
	pci_select(bus, devfn, off);
	outl(PCI_DATA_PORT, value);
}

uint16_t pci_read16(uint8_t bus, uint8_t devfn, uint16_t off)
{
	return (uint16_t)(pci_read32(bus, devfn, off) >> (8 * (off & 2)));
}

void pci_write16(uint8_t bus, uint8_t devfn, uint16_t off, uint16_t value)
{
	uint32_t v = pci_read32(bus, devfn, off);
	unsigned shift = 8 * (off & 2);

	v = (v & ~(0xffffu << shift)) | (uint32_t)value << shift;
	pci_write32(bus, devfn, off, v);
}

bool pci_find(uint16_t vendor, uint16_t device, uint8_t *bus, uint8_t *devfn)
{
	unsigned df;

	for (df = 0; df < 256; df++) {
		uint32_t id = pci_read32(0, (uint8_t)df, 0);
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
	uint16_t off = (uint16_t)(0x10 + 4 * index);
	uint32_t lo = pci_read32(bus, devfn, off);
	uint64_t addr = lo & ~0xfull;

	if (lo & 1)
		return 0;                    /* an I/O BAR */
	if (((lo >> 1) & 3) == 2)            /* 64-bit */
		addr |= (uint64_t)pci_read32(bus, devfn, (uint16_t)(off + 4)) << 32;
	return addr;
}
