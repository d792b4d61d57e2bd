/*
 * hv/pci.h — the machine's real PCI configuration space, for the devices
 * BareGT drives itself (the GPU, VT-d test devices). Bus 0 only for now.
 *
 * Two layers, so that both can be tested on the host:
 *  - struct pci_cfg: any configuration-space accessor (bus, devfn, offset,
 *    size 1/2/4). The GPU probe (gpu/gen9_probe.c) is written against it
 *    and unit-tested against a model of a function's registers.
 *  - configuration mechanism #1 (ports 0xCF8/0xCFC; PCI Local Bus Spec 3.0
 *    §3.2.2.3.2), a struct pci_cfg over a port-I/O interface (hv/pci_cfg.c,
 *    pure). The machine's accessor, pci_machine, runs it on the real ports
 *    (hv/pci.c).
 */
#ifndef BAREGT_HV_PCI_H
#define BAREGT_HV_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))

/* Mechanism #1 (PCI 3.0 §3.2.2.3.2): CONFIG_ADDRESS takes only dword
 * accesses; CONFIG_DATA is four byte lanes, register byte (off & 3) at
 * 0xCFC + (off & 3). Only the 256-byte header is reachable. */
#define PCI_CONFIG_ADDRESS   0xcf8u
#define PCI_CONFIG_DATA      0xcfcu
#define PCI_CONFIG_ENABLE    0x80000000u
#define PCI_CONFIG_SPACE     256u

/* Memory BAR low dword (PCI 3.0 §6.2.5.1): bit 0 I/O space, bits 2:1
 * type (10b = 64-bit), bit 3 prefetchable, address from bit 4. */
#define PCI_BAR_SPACE_IO     0x1u
#define PCI_BAR_TYPE_MASK    0x6u
#define PCI_BAR_TYPE_64      0x4u
#define PCI_BAR_MEM_ADDR     0xfffffff0u

/* Port I/O of size 1, 2 or 4 (IN/OUT with AL, AX or EAX). */
struct port_io {
	uint32_t (*in)(void *ctx, uint16_t port, unsigned size);
	void (*out)(void *ctx, uint16_t port, unsigned size, uint32_t value);
	void *ctx;
};

/* A configuration-space accessor. Sizes 1, 2, 4; the offset must be
 * naturally aligned (a misaligned read returns all-ones, a misaligned
 * write is dropped). An absent function reads all-ones. */
struct pci_cfg {
	uint32_t (*read)(void *ctx, uint8_t bus, uint8_t devfn, uint16_t off,
	                 unsigned size);
	void (*write)(void *ctx, uint8_t bus, uint8_t devfn, uint16_t off,
	              unsigned size, uint32_t value);
	void *ctx;
};

/* ---- mechanism #1 over port I/O (hv/pci_cfg.c, pure) ---------------------- */

/* One access through mechanism #1 on io: the dword write of
 * CONFIG_ADDRESS, then the data access of that size on its byte lanes. */
uint32_t pci_conf1_read(const struct port_io *io, uint8_t bus, uint8_t devfn,
                        uint16_t off, unsigned size);
void pci_conf1_write(const struct port_io *io, uint8_t bus, uint8_t devfn,
                     uint16_t off, unsigned size, uint32_t value);
/* cfg reads and writes through mechanism #1 on io (kept by pointer). */
void pci_conf1_init(struct pci_cfg *cfg, const struct port_io *io);

/* ---- helpers over any accessor (hv/pci_cfg.c, pure) ----------------------- */

uint32_t pci_cfg_read32(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                        uint16_t off);
uint16_t pci_cfg_read16(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                        uint16_t off);
void pci_cfg_write32(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                     uint16_t off, uint32_t value);
void pci_cfg_write16(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                     uint16_t off, uint16_t value);

/* Does function 0 of bus:dev (or function devfn) answer? (vendor ID not
 * all-ones, PCI 3.0 §6.2.1) */
bool pci_cfg_present(const struct pci_cfg *c, uint8_t bus, uint8_t devfn);

/* A memory BAR's address (64-bit BARs read whole), 0 if it is unassigned
 * or an I/O BAR (PCI 3.0 §6.2.5.1). */
uint64_t pci_cfg_bar(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                     unsigned index);

/* A memory BAR's size by the sizing protocol (PCI 3.0 §6.2.5.1): memory
 * decoding off (a 16-bit write of the command register), all-ones written
 * to the BAR (both halves of a 64-bit one), the mask read back, the BAR
 * and the command register restored. 0 for an I/O BAR or no BAR. */
uint64_t pci_cfg_bar_size(const struct pci_cfg *c, uint8_t bus, uint8_t devfn,
                          unsigned index);

/* ---- the machine (hv/pci.c) ------------------------------------------------- */

extern const struct pci_cfg pci_machine;

uint32_t pci_read32(uint8_t bus, uint8_t devfn, uint16_t off);
void pci_write32(uint8_t bus, uint8_t devfn, uint16_t off, uint32_t value);
uint16_t pci_read16(uint8_t bus, uint8_t devfn, uint16_t off);
/* A real 16-bit access: the other half of the dword is not written (the
 * status register next to the command register is write-1-to-clear). */
void pci_write16(uint8_t bus, uint8_t devfn, uint16_t off, uint16_t value);

/* The first function on bus 0 with this vendor and device ID. */
bool pci_find(uint16_t vendor, uint16_t device, uint8_t *bus, uint8_t *devfn);

/* A memory BAR's address (64-bit BARs read whole), 0 if unassigned. */
uint64_t pci_bar(uint8_t bus, uint8_t devfn, unsigned index);

#endif
