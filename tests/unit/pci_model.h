/*
 * tests/unit/pci_model.h — a register-level model of a PC chipset's PCI
 * configuration space behind ports 0xCF8/0xCFC (PCI Local Bus Spec 3.0
 * §3.2.2.3.2), for the tests of hv/pci_cfg.c and gpu/gen9_probe.c.
 *
 * Bus 0 only. Per function: 256 bytes of header, a write mask and a
 * write-1-to-clear mask per byte (the status register's error bits,
 * §6.2.3), and BARs with the sizing behaviour of §6.2.5.1 (the address
 * bits below the size read back 0, the type bits are read-only). The
 * ports: CONFIG_ADDRESS latches dword writes only; CONFIG_DATA answers
 * accesses of 1, 2 or 4 bytes on the byte lanes 0xCFC..0xCFF. Every port
 * access is logged, so tests can check the exact sequence.
 *
 * Header-only (static inline) so that each test binary takes what it uses.
 */
#ifndef BAREGT_TESTS_PCI_MODEL_H
#define BAREGT_TESTS_PCI_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hv/pci.h"

#define PCIM_LOG_MAX  256

struct pcim_fn {
	bool present;
	uint8_t cfg[256];
	uint8_t wmask[256];           /* bits a write may change */
	uint8_t w1c[256];             /* bits a 1 clears */
	uint64_t bar_size[6];         /* memory BAR sizes; 0: none */
};

struct pcim_access {
	uint16_t port;
	unsigned size;
	bool out;
	uint32_t value;
};

struct pcim {
	uint32_t cf8;
	struct pcim_fn fn[256];       /* bus 0, by devfn */
	struct pcim_access log[PCIM_LOG_MAX];
	unsigned nlog;
	/* the command register each time all-ones went into a BAR dword */
	uint16_t cmd_when_ones[8];
	unsigned nones;
};

static inline void pcim_reset(struct pcim *m)
{
	memset(m, 0, sizeof(*m));
}

static inline void pcim_put(struct pcim_fn *f, uint16_t off, unsigned size,
                            uint32_t v)
{
	unsigned i;

	for (i = 0; i < size; i++)
		f->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t pcim_get(const struct pcim_fn *f, uint16_t off,
                                unsigned size)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static inline void pcim_mask(struct pcim_fn *f, uint16_t off, unsigned size,
                             uint32_t wmask, uint32_t w1c)
{
	unsigned i;

	for (i = 0; i < size; i++) {
		f->wmask[off + i] = (uint8_t)(wmask >> (8 * i));
		f->w1c[off + i] = (uint8_t)(w1c >> (8 * i));
	}
}

/* A function: IDs, class, command (writable: I/O, memory, master bits
 * 2:0 and 10) and status (bits 15:11 and 8 write-1-to-clear, §6.2.3). */
static inline struct pcim_fn *pcim_add(struct pcim *m, uint8_t devfn,
                                       uint16_t vendor, uint16_t device,
                                       uint32_t class_code)
{
	struct pcim_fn *f = &m->fn[devfn];

	memset(f, 0, sizeof(*f));
	f->present = true;
	pcim_put(f, 0x00, 2, vendor);
	pcim_put(f, 0x02, 2, device);
	pcim_put(f, 0x08, 4, class_code << 8);
	pcim_mask(f, 0x04, 2, 0x0407, 0);
	pcim_mask(f, 0x06, 2, 0, 0xf900);
	pcim_mask(f, 0x3c, 1, 0xff, 0);     /* interrupt line */
	pcim_mask(f, 0x50, 2, 0xffff, 0);   /* a device register to play with */
	return f;
}

/* A 64-bit memory BAR at index (and index + 1) of size bytes. */
static inline void pcim_bar64(struct pcim_fn *f, unsigned index, uint64_t addr,
                              uint64_t size, bool prefetch)
{
	uint16_t off = (uint16_t)(0x10 + 4 * index);
	uint64_t mask = ~(size - 1);

	f->bar_size[index] = size;
	pcim_put(f, off, 4, (uint32_t)(addr & mask & 0xfffffff0u) |
	                    0x4u | (prefetch ? 0x8u : 0));
	pcim_put(f, (uint16_t)(off + 4), 4, (uint32_t)((addr & mask) >> 32));
	pcim_mask(f, off, 4, (uint32_t)mask & 0xfffffff0u, 0);
	pcim_mask(f, (uint16_t)(off + 4), 4, (uint32_t)(mask >> 32), 0);
}

/* A 32-bit memory BAR. */
static inline void pcim_bar32(struct pcim_fn *f, unsigned index, uint32_t addr,
                              uint32_t size)
{
	uint16_t off = (uint16_t)(0x10 + 4 * index);
	uint32_t mask = ~(size - 1) & 0xfffffff0u;

	f->bar_size[index] = size;
	pcim_put(f, off, 4, addr & mask);
	pcim_mask(f, off, 4, mask, 0);
}

/* An I/O BAR of size bytes (bit 0 set, address from bit 2). */
static inline void pcim_bar_io(struct pcim_fn *f, unsigned index, uint16_t port,
                               uint16_t size)
{
	uint16_t off = (uint16_t)(0x10 + 4 * index);
	uint32_t mask = ~(uint32_t)(size - 1) & 0xfffcu;

	pcim_put(f, off, 4, (port & mask) | 1u);
	pcim_mask(f, off, 4, mask, 0);
}

static inline void pcim_log(struct pcim *m, uint16_t port, unsigned size,
                            bool out, uint32_t value)
{
	if (m->nlog < PCIM_LOG_MAX) {
		m->log[m->nlog].port = port;
		m->log[m->nlog].size = size;
		m->log[m->nlog].out = out;
		m->log[m->nlog].value = value;
	}
	m->nlog++;
}

/* The function CONFIG_ADDRESS selects, NULL if none (enable bit clear,
 * another bus, an absent function). */
static inline struct pcim_fn *pcim_selected(struct pcim *m)
{
	struct pcim_fn *f;

	if (!(m->cf8 & 0x80000000u) || ((m->cf8 >> 16) & 0xff) != 0)
		return NULL;
	f = &m->fn[(m->cf8 >> 8) & 0xff];
	return f->present ? f : NULL;
}

static inline uint32_t pcim_in(void *ctx, uint16_t port, unsigned size)
{
	struct pcim *m = ctx;
	struct pcim_fn *f = pcim_selected(m);
	uint32_t v = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (port == 0xcf8 && size == 4)
		v = m->cf8;
	else if (port >= 0xcfc && port + size <= 0xd00 && f)
		v = pcim_get(f, (uint16_t)((m->cf8 & 0xfc) + (port - 0xcfc)), size);
	pcim_log(m, port, size, false, v);
	return v;
}

static inline void pcim_out(void *ctx, uint16_t port, unsigned size,
                            uint32_t value)
{
	struct pcim *m = ctx;
	struct pcim_fn *f;
	uint16_t reg;
	unsigned i;

	pcim_log(m, port, size, true, value);
	if (port == 0xcf8) {
		if (size == 4)          /* byte/word writes are not config cycles */
			m->cf8 = value;
		return;
	}
	f = pcim_selected(m);
	if (port < 0xcfc || port + size > 0xd00 || !f)
		return;
	reg = (uint16_t)((m->cf8 & 0xfc) + (port - 0xcfc));
	for (i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(value >> (8 * i)), *c = &f->cfg[reg + i];

		*c = (uint8_t)((*c & ~f->wmask[reg + i]) | (b & f->wmask[reg + i]));
		*c = (uint8_t)(*c & ~(b & f->w1c[reg + i]));
	}
	if (reg >= 0x10 && reg < 0x28 && size == 4 && value == 0xffffffffu &&
	    m->nones < 8)
		m->cmd_when_ones[m->nones++] = (uint16_t)pcim_get(f, 0x04, 2);
}

static inline struct port_io pcim_ports(struct pcim *m)
{
	struct port_io io = { pcim_in, pcim_out, m };

	return io;
}

#endif
