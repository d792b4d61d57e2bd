/*
 * hv/pci_cfg.c — configuration mechanism #1 over a port-I/O interface,
 * and the helpers BareGT uses on any configuration-space accessor (BAR
 * address and size, presence). Pure: the ports are a struct port_io, so
 * the unit tests run the same code against a model of the chipset's
 * 0xCF8/0xCFC ports (tests/unit/test_pci.c). hv/pci.c binds it to the
 * real IN/OUT instructions.
 */
#include "hv/pci.h"
#include "hv/dev/vpci.h"

/* 0xffffffff truncated to the access size: what an absent function (or
 * an access the mechanism cannot make) reads. */
static uint32_t all_ones(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* Sizes 1, 2, 4, naturally aligned, inside the 256-byte header. */
static bool access_ok(uint16_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && off % size == 0 &&
	       off + size <= PCI_CONFIG_SPACE;
}

/* CONFIG_ADDRESS (PCI 3.0 §3.2.2.3.2, Figure 3-2): enable bit 31, bus
 * 23:16, device 15:11, function 10:8, dword register 7:2, bits 1:0 zero.
 * Always a dword write: byte and word writes to 0xCF8 are not config
 * cycles. */
static void conf1_select(const struct port_io *io, uint8_t bus, uint8_t devfn,
                         uint16_t off)
{
	io->out(io->ctx, PCI_CONFIG_ADDRESS, 4,
	        PCI_CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)devfn << 8 |
	        (off & 0xfcu));
}

/* The data access uses the byte lanes of the register: a 16-bit access
 * at off is a 16-bit IN/OUT at 0xCFC + (off & 2), an 8-bit one at
 * 0xCFC + (off & 3); so a word write changes exactly those two bytes and
 * never the other half of the dword (e.g. the write-1-to-clear status
 * register next to the command register). */
uint32_t pci_conf1_read(const struct port_io *io, uint8_t bus, uint8_t devfn,
                        uint16_t off, unsigned size)
{
	if (!access_ok(off, size))
		return all_ones(size);
	conf1_select(io, bus, devfn, off);
	return io->in(io->ctx, (uint16_t)(PCI_CONFIG_DATA + (off & 3)), size) &
	       all_ones(size);
}

void pci_conf1_write(const struct port_io *io, uint8_t bus, uint8_t devfn,
                     uint16_t off, unsigned size, uint32_t value)
{
	if (!access_ok(off, size))
		return;
	conf1_select(io, bus, devfn, off);
	io->out(io->ctx, (uint16_t)(PCI_CONFIG_DATA + (off & 3)), size,
	        value & all_ones(size));
}

static uint32_t conf1_read(void *ctx, uint8_t bus, uint8_t devfn, uint16_t off,
                           unsigned size)
{
	return pci_conf1_read(ctx, bus, devfn, off, size);
}

static void conf1_write(void *ctx, uint8_t bus, uint8_t devfn, uint16_t off,
                        unsigned size, uint32_t value)
{
	pci_conf1_write(ctx, bus, devfn, off, size, value);
}

void pci_conf1_init(struct pci_cfg *cfg, const struct port_io *io)
{
	cfg->read = conf1_read;
	cfg->write = conf1_write;
	cfg->ctx = (void *)io;
}

uint32_t pci_cfg_read32(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                        uint16_t off)
{
	return c->read(c->ctx, bus, devfn, off, 4);
}

uint16_t pci_cfg_read16(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                        uint16_t off)
{
	return (uint16_t)c->read(c->ctx, bus, devfn, off, 2);
}

void pci_cfg_write32(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                     uint16_t off, uint32_t value)
{
	c->write(c->ctx, bus, devfn, off, 4, value);
}

void pci_cfg_write16(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                     uint16_t off, uint16_t value)
{
	c->write(c->ctx, bus, devfn, off, 2, value);
}

bool pci_cfg_present(const struct pci_cfg *c, uint8_t bus, uint8_t devfn)
{
	return pci_cfg_read16(c, bus, devfn, PCI_VENDOR_ID) != 0xffff;
}

static uint16_t bar_reg(unsigned index)
{
	return (uint16_t)(PCI_BAR0 + 4 * index);
}

static bool bar_is_64(uint32_t lo)
{
	return (lo & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64;
}

uint64_t pci_cfg_bar(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                     unsigned index)
{
	uint16_t off = bar_reg(index);
	uint32_t lo;
	uint64_t addr;

	if (index >= VPCI_BARS)
		return 0;
	lo = pci_cfg_read32(c, bus, devfn, off);
	if (lo == 0xffffffffu || (lo & PCI_BAR_SPACE_IO))
		return 0;                    /* absent, or an I/O BAR */
	addr = lo & PCI_BAR_MEM_ADDR;
	if (bar_is_64(lo) && index + 1 < VPCI_BARS)
		addr |= (uint64_t)pci_cfg_read32(c, bus, devfn,
		                                 (uint16_t)(off + 4)) << 32;
	return addr;
}

uint64_t pci_cfg_bar_size(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                          unsigned index)
{
	uint16_t off = bar_reg(index), cmd;
	uint32_t lo, hi = 0, mask_lo, mask_hi = 0xffffffffu;
	bool is64;

	if (index >= VPCI_BARS)
		return 0;
	lo = pci_cfg_read32(c, bus, devfn, off);
	if (lo == 0xffffffffu || (lo & PCI_BAR_SPACE_IO))
		return 0;
	is64 = bar_is_64(lo) && index + 1 < VPCI_BARS;
	cmd = pci_cfg_read16(c, bus, devfn, PCI_COMMAND);
	/* No decoding while the BAR holds all-ones (PCI 3.0 §6.2.5.1). */
	pci_cfg_write16(c, bus, devfn, PCI_COMMAND, (uint16_t)(cmd & ~PCI_CMD_MEM));
	pci_cfg_write32(c, bus, devfn, off, 0xffffffffu);
	mask_lo = pci_cfg_read32(c, bus, devfn, off);
	if (is64) {
		hi = pci_cfg_read32(c, bus, devfn, (uint16_t)(off + 4));
		pci_cfg_write32(c, bus, devfn, (uint16_t)(off + 4), 0xffffffffu);
		mask_hi = pci_cfg_read32(c, bus, devfn, (uint16_t)(off + 4));
		pci_cfg_write32(c, bus, devfn, (uint16_t)(off + 4), hi);
	}
	pci_cfg_write32(c, bus, devfn, off, lo);
	pci_cfg_write16(c, bus, devfn, PCI_COMMAND, cmd);
	mask_lo &= PCI_BAR_MEM_ADDR;
	if (mask_lo == 0 && (!is64 || mask_hi == 0))
		return 0;                    /* the BAR is not implemented */
	return ~((uint64_t)mask_hi << 32 | mask_lo) + 1;
}
