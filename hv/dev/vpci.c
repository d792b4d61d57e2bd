/*
 * hv/vpci.c — a VM's virtual PCI bus 0 (docs/vgpu.md).
 *
 * Owns the configuration space of each virtual function: the type-0
 * header (PCI Local Bus Spec 3.0 §6.1) with per-bit write masks, the Base
 * Address Registers and their sizing protocol (§6.2.5.1), the capability
 * list (§6.7), and the two ways a guest reaches a function: configuration
 * mechanism #1 at ports 0xCF8/0xCFC (§3.2.2.3.2) and the ECAM window of
 * bus 0 (PCI Express Base Spec §7.2.2).
 *
 * The BAR registers (0x10..0x27) are not kept in cfg[]: each read computes
 * them from struct vpci_bar, whose address only ever holds the bits the
 * size leaves writable. Writing all-ones therefore reads back the size
 * mask with the type bits, so sizing needs no state of its own.
 *
 * Pure: no allocation, no I/O, no state outside the caller's structures.
 */
#include <string.h>
#include "hv/dev/vpci.h"

#define BAR_REGS_END       (PCI_BAR0 + 4 * VPCI_BARS)   /* 0x28 */
#define CAP_AREA_START     0x40      /* §6.7: after the header */

/* Low bits of a BAR (§6.2.5.1). */
#define BAR_SPACE_IO       0x1u      /* bit 0: I/O space indicator */
#define BAR_MEM_TYPE_64    0x4u      /* bits 2:1 = 10b: anywhere in 64 bits */
#define BAR_MEM_PREFETCH   0x8u      /* bit 3 */
#define BAR_MEM_ADDR       0xfffffff0u
#define BAR_IO_ADDR        0xfffcu   /* 16-bit port space */
#define BAR_MEM_MIN        16u
#define BAR_IO_MIN         4u
#define BAR_IO_MAX         256u      /* §6.2.5.1: at most 256 bytes */
#define BAR_MEM32_MAX      (1ull << 31)
#define BAR_MEM64_MAX      (1ull << 63)

#define PCI_CMD_INTX_DISABLE (1u << 10)
#define PCI_INT_PIN_INTA     1

/* Mechanism #1 CONFIG_ADDRESS (§3.2.2.3.2). */
#define PORT_CONFIG_ADDRESS  0xcf8u
#define PORT_CONFIG_DATA     0xcfcu
#define CF8_ENABLE           0x80000000u
#define CF8_STORED           0x80fffffcu   /* 30:24 and 1:0 reserved: 0 */
#define CF8_BUS(a)           (((a) >> 16) & 0xffu)
#define CF8_DEV(a)           (((a) >> 11) & 0x1fu)
#define CF8_FN(a)            (((a) >> 8) & 0x7u)
#define CF8_REG(a)           ((a) & 0xfcu)

/* ECAM offset (PCI Express Base Spec §7.2.2). */
#define ECAM_DEV(o)          (((o) >> 15) & 0x1fu)
#define ECAM_FN(o)           (((o) >> 12) & 0x7u)
#define ECAM_REG(o)          ((o) & 0xfffu)

/* ---- accesses ---------------------------------------------------------- */

static bool size_valid(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

/* Size 1, 2 or 4, naturally aligned, inside the 256-byte space. */
static bool cfg_access_valid(unsigned off, unsigned size)
{
	return size_valid(size) && off < VPCI_CFG_SIZE && off % size == 0 &&
	       off + size <= VPCI_CFG_SIZE;
}

/* What a read nobody answers returns: all-ones of the access size. */
static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static bool range_touches(unsigned off, unsigned size, unsigned reg,
                          unsigned reg_size)
{
	return off < reg + reg_size && reg < off + size;
}

static uint16_t command_of(const struct vpci_func *f)
{
	return (uint16_t)(f->cfg[PCI_COMMAND] | f->cfg[PCI_COMMAND + 1] << 8);
}

/* ---- BAR records ------------------------------------------------------- */

/* The upper dword of the 64-bit BAR at index - 1. */
static bool bar_is_upper_half(const struct vpci_func *f, unsigned index)
{
	return index > 0 && f->bar[index - 1].kind == VPCI_BAR_MEM64;
}

static bool bar_kind_is_memory(enum vpci_bar_kind kind)
{
	return kind == VPCI_BAR_MEM32 || kind == VPCI_BAR_MEM64;
}

/* The command bit that turns this kind of decoding on (§6.2.2). */
static uint16_t bar_decode_bit(enum vpci_bar_kind kind)
{
	if (bar_kind_is_memory(kind))
		return PCI_CMD_MEM;
	return kind == VPCI_BAR_IO ? PCI_CMD_IO : 0;
}

/* The address bits of a BAR that software may write (§6.2.5.1). */
static uint64_t bar_addr_mask(const struct vpci_bar *b)
{
	uint64_t size_mask = ~(b->size - 1);

	switch (b->kind) {
	case VPCI_BAR_MEM32: return size_mask & BAR_MEM_ADDR;
	case VPCI_BAR_MEM64: return size_mask & ~(uint64_t)0xf;
	case VPCI_BAR_IO:    return size_mask & BAR_IO_ADDR;
	case VPCI_BAR_NONE:  break;
	}
	return 0;
}

static bool is_power_of_two(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static bool bar_definition_valid(const struct vpci_func *f, unsigned index,
                                 enum vpci_bar_kind kind, uint64_t size)
{
	if (index >= VPCI_BARS || bar_is_upper_half(f, index))
		return false;
	switch (kind) {
	case VPCI_BAR_NONE:
		return true;
	case VPCI_BAR_MEM32:
		return is_power_of_two(size) && size >= BAR_MEM_MIN &&
		       size <= BAR_MEM32_MAX;
	case VPCI_BAR_MEM64:
		return index + 1 < VPCI_BARS && is_power_of_two(size) &&
		       size >= BAR_MEM_MIN && size <= BAR_MEM64_MAX;
	case VPCI_BAR_IO:
		return is_power_of_two(size) && size >= BAR_IO_MIN &&
		       size <= BAR_IO_MAX;
	}
	return false;
}

/* ---- BAR registers ----------------------------------------------------- */

/* The dword at PCI_BAR0 + 4 * index, computed from the records. */
static uint32_t bar_register_read(const struct vpci_func *f, unsigned index)
{
	const struct vpci_bar *b;
	uint32_t flags = 0;

	if (bar_is_upper_half(f, index))
		return (uint32_t)(f->bar[index - 1].addr >> 32);
	b = &f->bar[index];
	switch (b->kind) {
	case VPCI_BAR_NONE:
		return 0;
	case VPCI_BAR_IO:
		return (uint32_t)b->addr | BAR_SPACE_IO;
	case VPCI_BAR_MEM64:
		flags |= BAR_MEM_TYPE_64;
		break;
	case VPCI_BAR_MEM32:
		break;
	}
	if (b->prefetch)
		flags |= BAR_MEM_PREFETCH;
	return (uint32_t)b->addr | flags;
}

/*
 * Write the dword of BAR register index: keep the writable address bits,
 * drop the rest. A move of a decoding BAR is reported, once per dword.
 */
static void bar_register_write(struct vpci_func *f, unsigned index,
                               uint32_t value)
{
	bool upper = bar_is_upper_half(f, index);
	unsigned bar = upper ? index - 1 : index;
	struct vpci_bar *b = &f->bar[bar];
	uint64_t old_addr = b->addr;
	uint64_t wanted;

	if (b->kind == VPCI_BAR_NONE)
		return;
	if (upper)
		wanted = (uint64_t)value << 32 | (old_addr & 0xffffffffu);
	else
		wanted = (old_addr & ~(uint64_t)0xffffffffu) | value;
	b->addr = wanted & bar_addr_mask(b);
	if (b->addr == old_addr || !vpci_bar_decoding(f, bar) ||
	    f->bar_changed == NULL)
		return;
	f->bar_changed(f->owner, bar, old_addr, true, b->addr, true);
}

/* A 1-, 2- or 4-byte write inside one BAR dword: merge, then write it. */
static void bar_bytes_write(struct vpci_func *f, unsigned off, unsigned size,
                            uint32_t value)
{
	unsigned index = (off - PCI_BAR0) / 4;
	unsigned shift = (off % 4) * 8;
	uint32_t mask = all_ones(size) << shift;
	uint32_t dword = bar_register_read(f, index);

	bar_register_write(f, index, (dword & ~mask) | ((value << shift) & mask));
}

static bool in_bar_registers(unsigned off)
{
	return off >= PCI_BAR0 && off < BAR_REGS_END;
}

/* ---- command register -------------------------------------------------- */

/* Decoding of every BAR of one kind (memory or I/O) went on or off. */
static void report_decode_change(struct vpci_func *f, bool memory,
                                 bool old_on, bool new_on)
{
	unsigned i;

	if (f->bar_changed == NULL)
		return;
	for (i = 0; i < VPCI_BARS; i++) {
		const struct vpci_bar *b = &f->bar[i];

		if (b->kind == VPCI_BAR_NONE || bar_kind_is_memory(b->kind) != memory)
			continue;
		f->bar_changed(f->owner, i, b->addr, old_on, b->addr, new_on);
	}
}

/* The command register was written (§6.2.2): memory BARs, then I/O. */
static void command_written(struct vpci_func *f, uint16_t old_cmd)
{
	uint16_t new_cmd = command_of(f);
	uint16_t flipped = old_cmd ^ new_cmd;

	if (flipped & PCI_CMD_MEM)
		report_decode_change(f, true, old_cmd & PCI_CMD_MEM,
		                     new_cmd & PCI_CMD_MEM);
	if (flipped & PCI_CMD_IO)
		report_decode_change(f, false, old_cmd & PCI_CMD_IO,
		                     new_cmd & PCI_CMD_IO);
}

/* ---- one function ------------------------------------------------------ */

void vpci_func_init(struct vpci_func *f, uint16_t vendor, uint16_t device,
                    uint32_t class_code, uint8_t revision, vpci_bar_fn cb,
                    void *owner)
{
	memset(f, 0, sizeof(*f));
	f->bar_changed = cb;
	f->owner = owner;
	vpci_cfg_set(f, PCI_VENDOR_ID, 2, vendor, 0);
	vpci_cfg_set(f, PCI_DEVICE_ID, 2, device, 0);
	vpci_cfg_set(f, PCI_REVISION, 1, revision, 0);
	vpci_cfg_set(f, PCI_CLASS_PROG, 1, class_code & 0xff, 0);
	vpci_cfg_set(f, PCI_CLASS_PROG + 1, 1, (class_code >> 8) & 0xff, 0);
	vpci_cfg_set(f, PCI_CLASS_PROG + 2, 1, (class_code >> 16) & 0xff, 0);
	vpci_cfg_set(f, PCI_COMMAND, 2, 0, PCI_CMD_IO | PCI_CMD_MEM |
	             PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
	vpci_cfg_set(f, PCI_CACHE_LINE, 1, 0, 0xff);
	vpci_cfg_set(f, PCI_LATENCY, 1, 0, 0xff);
	vpci_cfg_set(f, PCI_INT_LINE, 1, 0, 0xff);
	vpci_cfg_set(f, PCI_INT_PIN, 1, PCI_INT_PIN_INTA, 0);
}

void vpci_set_bar(struct vpci_func *f, unsigned index, enum vpci_bar_kind kind,
                  bool prefetch, uint64_t size, uint64_t addr)
{
	struct vpci_bar *b;

	if (!bar_definition_valid(f, index, kind, size))
		return;
	b = &f->bar[index];
	memset(b, 0, sizeof(*b));
	if (kind == VPCI_BAR_MEM64)
		memset(&f->bar[index + 1], 0, sizeof(f->bar[index + 1]));
	if (kind == VPCI_BAR_NONE)
		return;
	b->kind = kind;
	b->prefetch = bar_kind_is_memory(kind) && prefetch;
	b->size = size;
	b->addr = addr & bar_addr_mask(b);
}

void vpci_cfg_set(struct vpci_func *f, unsigned off, unsigned size,
                  uint32_t value, uint32_t wmask)
{
	unsigned i;

	if (!size_valid(size) || off >= VPCI_CFG_SIZE ||
	    off + size > VPCI_CFG_SIZE)
		return;
	for (i = 0; i < size; i++) {
		f->cfg[off + i] = (uint8_t)(value >> (8 * i));
		f->wmask[off + i] = (uint8_t)(wmask >> (8 * i));
	}
}

/*
 * §6.7: the list starts at PCI_CAP_PTR, each entry is ID, next pointer;
 * entries sit dword-aligned after the header; status bit 4 says a list
 * exists.
 */
void vpci_add_cap(struct vpci_func *f, unsigned off, uint8_t id, unsigned len)
{
	if (off < CAP_AREA_START || off >= VPCI_CFG_SIZE || off % 4 != 0 ||
	    len < 2 || len > VPCI_CFG_SIZE - off)
		return;
	vpci_cfg_set(f, off, 1, id, 0);
	vpci_cfg_set(f, off + 1, 1, 0, 0);
	if (f->cap_last == 0)
		f->cfg[PCI_CAP_PTR] = (uint8_t)off;
	else
		f->cfg[f->cap_last + 1] = (uint8_t)off;
	f->cap_last = (uint8_t)off;
	f->cfg[PCI_STATUS] |= PCI_STATUS_CAP;
}

static uint8_t cfg_byte(const struct vpci_func *f, unsigned off)
{
	if (in_bar_registers(off))
		return (uint8_t)(bar_register_read(f, (off - PCI_BAR0) / 4) >>
		                 (8 * (off % 4)));
	return f->cfg[off];
}

uint32_t vpci_cfg_read(const struct vpci_func *f, unsigned off, unsigned size)
{
	uint32_t value = 0;
	unsigned i;

	if (!cfg_access_valid(off, size))
		return 0;
	for (i = 0; i < size; i++)
		value |= (uint32_t)cfg_byte(f, off + i) << (8 * i);
	return value;
}

void vpci_cfg_write(struct vpci_func *f, unsigned off, unsigned size,
                    uint32_t value)
{
	uint16_t old_cmd = command_of(f);
	unsigned i;

	if (!cfg_access_valid(off, size))
		return;
	if (in_bar_registers(off)) {
		bar_bytes_write(f, off, size, value);
		return;
	}
	/* Everything else, status included, is what its write mask allows. */
	for (i = 0; i < size; i++) {
		uint8_t mask = f->wmask[off + i];
		uint8_t byte = (uint8_t)(value >> (8 * i));

		f->cfg[off + i] = (uint8_t)((f->cfg[off + i] & ~mask) | (byte & mask));
	}
	if (range_touches(off, size, PCI_COMMAND, 2))
		command_written(f, old_cmd);
}

bool vpci_bar_decoding(const struct vpci_func *f, unsigned index)
{
	if (index >= VPCI_BARS)
		return false;
	if (bar_is_upper_half(f, index))
		index--;
	return (command_of(f) & bar_decode_bit(f->bar[index].kind)) != 0;
}

/* ---- the bus ----------------------------------------------------------- */

void vpci_bus_init(struct vpci_bus *b)
{
	memset(b, 0, sizeof(*b));
}

bool vpci_add(struct vpci_bus *b, unsigned dev, unsigned fn, struct vpci_func *f)
{
	if (dev >= VPCI_DEVS || fn >= VPCI_FUNCS || f == NULL ||
	    b->fn[dev][fn] != NULL)
		return false;
	b->fn[dev][fn] = f;
	return true;
}

bool vpci_remove(struct vpci_bus *b, unsigned dev, unsigned fn,
                 const struct vpci_func *f)
{
	if (dev >= VPCI_DEVS || fn >= VPCI_FUNCS || f == NULL ||
	    b->fn[dev][fn] != f)
		return false;
	b->fn[dev][fn] = NULL;
	return true;
}

/* ---- mechanism #1 (PCI Local Bus Spec 3.0 §3.2.2.3.2) ------------------ */

/* The function CONFIG_ADDRESS selects, or NULL: enable clear, bus != 0. */
static struct vpci_func *addressed_func(const struct vpci_bus *b)
{
	if ((b->cf8 & CF8_ENABLE) == 0 || CF8_BUS(b->cf8) != 0)
		return NULL;
	return b->fn[CF8_DEV(b->cf8)][CF8_FN(b->cf8)];
}

static bool is_address_port(uint16_t port)
{
	return port >= PORT_CONFIG_ADDRESS && port < PORT_CONFIG_DATA;
}

static bool is_data_port(uint16_t port)
{
	return port >= PORT_CONFIG_DATA && port < PORT_CONFIG_DATA + 4;
}

/* A data-port access that fits, aligned, in the selected dword. */
static bool data_access_valid(uint16_t port, unsigned size)
{
	return size_valid(size) && (port - PORT_CONFIG_DATA) % size == 0;
}

uint32_t vpci_port_read(struct vpci_bus *b, uint16_t port, unsigned size)
{
	const struct vpci_func *f;

	if (is_address_port(port))
		return port == PORT_CONFIG_ADDRESS && size == 4 ? b->cf8
		                                                 : all_ones(size);
	if (!is_data_port(port) || !data_access_valid(port, size))
		return all_ones(size);
	f = addressed_func(b);
	if (f == NULL)
		return all_ones(size);
	return vpci_cfg_read(f, CF8_REG(b->cf8) + (port - PORT_CONFIG_DATA), size);
}

void vpci_port_write(struct vpci_bus *b, uint16_t port, unsigned size,
                     uint32_t value)
{
	struct vpci_func *f;

	if (is_address_port(port)) {
		if (port == PORT_CONFIG_ADDRESS && size == 4)
			b->cf8 = value & CF8_STORED;
		return;
	}
	if (!is_data_port(port) || !data_access_valid(port, size))
		return;
	f = addressed_func(b);
	if (f != NULL)
		vpci_cfg_write(f, CF8_REG(b->cf8) + (port - PORT_CONFIG_DATA),
		               size, value);
}

/* ---- ECAM (PCI Express Base Spec §7.2.2) ------------------------------- */

/* The function at this ECAM offset, or NULL (absent, or not bus 0). */
static struct vpci_func *ecam_func(const struct vpci_bus *b, uint32_t off)
{
	if (off >= VPCI_ECAM_SIZE)
		return NULL;
	return b->fn[ECAM_DEV(off)][ECAM_FN(off)];
}

static bool ecam_access_valid(uint32_t off, unsigned size)
{
	return size_valid(size) && ECAM_REG(off) % size == 0;
}

uint32_t vpci_ecam_read(struct vpci_bus *b, uint32_t off, unsigned size)
{
	const struct vpci_func *f = ecam_func(b, off);

	if (f == NULL || !ecam_access_valid(off, size))
		return all_ones(size);
	/* Registers 256..4095 (extended space) read 0. */
	return vpci_cfg_read(f, ECAM_REG(off), size);
}

void vpci_ecam_write(struct vpci_bus *b, uint32_t off, unsigned size,
                     uint32_t value)
{
	struct vpci_func *f = ecam_func(b, off);

	if (f != NULL && ecam_access_valid(off, size))
		vpci_cfg_write(f, ECAM_REG(off), size, value);
}

bool vpci_port_bus(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val)
{
	uint16_t port = (uint16_t)(VPCI_CONFIG_PORT + off);

	if (write)
		vpci_port_write(arg, port, size, (uint32_t)*val);
	else
		*val = vpci_port_read(arg, port, size);
	return true;
}

bool vpci_data_bus(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val)
{
	return vpci_port_bus(arg, off + (VPCI_DATA_PORT - VPCI_CONFIG_PORT), size,
	                     write, val);
}

bool vpci_ecam_bus(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val)
{
	if (size > 4)
		return false;
	if (write)
		vpci_ecam_write(arg, (uint32_t)off, size, (uint32_t)*val);
	else
		*val = vpci_ecam_read(arg, (uint32_t)off, size);
	return true;
}
