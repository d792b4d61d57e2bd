/*
 * hv/vpci.h — a VM's virtual PCI bus 0 (docs/vgpu.md): configuration
 * mechanism #1 (ports 0xCF8/0xCFC, PCI Local Bus Spec 3.0 §3.2.2.3.2) and
 * an ECAM window (PCI Express Base Spec §7.2.2: offset = bus << 20 |
 * dev << 15 | fn << 12 | reg). Functions have a 256-byte type-0 header
 * with per-bit write masks, BARs with the sizing protocol (write all-ones,
 * read back the size mask, §6.2.5.1), and a capability list. Pure logic:
 * the owner of a function learns about BAR moves and decode changes
 * through a callback and updates its traps.
 */
#ifndef BAREGT_HV_VPCI_H
#define BAREGT_HV_VPCI_H

#include <stdbool.h>
#include <stdint.h>

#define VPCI_DEVS      32
#define VPCI_FUNCS     8
#define VPCI_CFG_SIZE  256
#define VPCI_BARS      6
#define VPCI_ECAM_SIZE (1u << 20)     /* bus 0 only */

/* Type-0 header offsets (PCI Local Bus Spec 3.0 §6.1). */
#define PCI_VENDOR_ID     0x00
#define PCI_DEVICE_ID     0x02
#define PCI_COMMAND       0x04
#define PCI_STATUS        0x06
#define PCI_REVISION      0x08
#define PCI_CLASS_PROG    0x09        /* prog-if, subclass 0x0A, class 0x0B */
#define PCI_CACHE_LINE    0x0c
#define PCI_LATENCY       0x0d
#define PCI_HEADER_TYPE   0x0e
#define PCI_BAR0          0x10
#define PCI_SUBSYS_VENDOR 0x2c
#define PCI_SUBSYS_ID     0x2e
#define PCI_ROM           0x30
#define PCI_CAP_PTR       0x34
#define PCI_INT_LINE      0x3c
#define PCI_INT_PIN       0x3d
#define PCI_CMD_IO        (1u << 0)
#define PCI_CMD_MEM       (1u << 1)
#define PCI_CMD_MASTER    (1u << 2)
#define PCI_STATUS_CAP    (1u << 4)
#define PCI_CAP_ID_MSI    0x05

enum vpci_bar_kind {
	VPCI_BAR_NONE = 0,
	VPCI_BAR_MEM32,
	VPCI_BAR_MEM64,      /* takes this BAR and the next */
	VPCI_BAR_IO,         /* 16-bit port space */
};

struct vpci_bar {
	enum vpci_bar_kind kind;
	bool prefetch;
	uint64_t size;       /* power of two: >= 16 (memory), >= 4 (I/O) */
	uint64_t addr;       /* as programmed, masked to the size */
};

/*
 * A BAR's decoded range changed: before, [old_addr, +size) decoded if
 * old_on; now, [new_addr, +size) decodes if new_on. Called when a BAR is
 * written while its kind of decoding is on, and when the command
 * register turns memory or I/O decoding on or off.
 */
typedef void (*vpci_bar_fn)(void *owner, unsigned bar, uint64_t old_addr,
                            bool old_on, uint64_t new_addr, bool new_on);

struct vpci_func {
	uint8_t cfg[VPCI_CFG_SIZE];
	uint8_t wmask[VPCI_CFG_SIZE];     /* bits a write may change */
	struct vpci_bar bar[VPCI_BARS];
	vpci_bar_fn bar_changed;
	void *owner;
	uint8_t cap_last;                 /* offset of the last capability */
};

struct vpci_bus {
	struct vpci_func *fn[VPCI_DEVS][VPCI_FUNCS];
	uint32_t cf8;                     /* CONFIG_ADDRESS */
};

void vpci_bus_init(struct vpci_bus *b);
/* Put f at dev.fn; false if the slot is taken or out of range. */
bool vpci_add(struct vpci_bus *b, unsigned dev, unsigned fn, struct vpci_func *f);
/* Take f off dev.fn; false if that slot does not hold f. */
bool vpci_remove(struct vpci_bus *b, unsigned dev, unsigned fn,
                 const struct vpci_func *f);

/* A function with a type-0 header, everything read-only but the
 * command register's I/O, memory, bus-master and interrupt-disable bits,
 * cache line size, latency timer and interrupt line. class_code is the
 * 24-bit class, subclass, prog-if. */
void vpci_func_init(struct vpci_func *f, uint16_t vendor, uint16_t device,
                    uint32_t class_code, uint8_t revision, vpci_bar_fn cb,
                    void *owner);
/* Define a BAR (a VPCI_BAR_MEM64 uses index and index + 1). */
void vpci_set_bar(struct vpci_func *f, unsigned index, enum vpci_bar_kind kind,
                  bool prefetch, uint64_t size, uint64_t addr);
/* Set size bytes (1, 2, 4) at off to value with the given write mask. */
void vpci_cfg_set(struct vpci_func *f, unsigned off, unsigned size,
                  uint32_t value, uint32_t wmask);
/* Add a capability of len bytes at off with this ID, linked at the end
 * of the list (PCI_CAP_PTR first); sets the status CAP bit. */
void vpci_add_cap(struct vpci_func *f, unsigned off, uint8_t id, unsigned len);

/* Configuration space of one function: size 1, 2 or 4, naturally
 * aligned; offsets >= 256 read 0 and ignore writes. */
uint32_t vpci_cfg_read(const struct vpci_func *f, unsigned off, unsigned size);
void vpci_cfg_write(struct vpci_func *f, unsigned off, unsigned size,
                    uint32_t value);

/* Is this BAR decoding now (its command bit on)? */
bool vpci_bar_decoding(const struct vpci_func *f, unsigned index);

/* Mechanism #1: ports 0xCF8..0xCFF. CONFIG_ADDRESS takes 4-byte accesses
 * at 0xCF8 only; data at 0xCFC + (0..3). Absent functions, other buses,
 * the enable bit clear: reads all-ones, writes ignored. */
uint32_t vpci_port_read(struct vpci_bus *b, uint16_t port, unsigned size);
void vpci_port_write(struct vpci_bus *b, uint16_t port, unsigned size,
                     uint32_t value);

/* ECAM window of bus 0, off < VPCI_ECAM_SIZE; same rules. */
uint32_t vpci_ecam_read(struct vpci_bus *b, uint32_t off, unsigned size);
void vpci_ecam_write(struct vpci_bus *b, uint32_t off, unsigned size,
                     uint32_t value);

/* The two on a VM's device bus (hv/dev/bus.h handler shape; arg is the
 * struct vpci_bus): the ports at VPCI_CONFIG_PORT, VPCI_CONFIG_PORTS of
 * them, and the ECAM window (dword accesses at most: configuration space
 * has no qwords, so an 8-byte access is refused). */
#define VPCI_CONFIG_PORT   0xcf8u
#define VPCI_CONFIG_PORTS  8u
bool vpci_port_bus(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val);
/* The same split for a platform with the reset control register at 0xCF9
 * (hv/dev/vpower.h): vpci_port_bus on [VPCI_CONFIG_PORT, +1) takes the
 * dword CONFIG_ADDRESS, this one the data ports [VPCI_DATA_PORT,
 * +VPCI_DATA_PORTS). */
#define VPCI_DATA_PORT     0xcfcu
#define VPCI_DATA_PORTS    4u
bool vpci_data_bus(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val);
bool vpci_ecam_bus(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val);

#endif
