/*
 * hv/dev/bus.h — a VM's device bus (docs/architecture.md): the
 * guest-physical MMIO ranges and the I/O port ranges its devices claim,
 * with one handler shape for both, one lookup per access, and a hit
 * counter per range. Bytes no device claims are the VM's RAM (MMIO) or
 * read all-ones and drop writes (ports, counted per port). Pure: the exit handlers
 * (vmx/mmio.c, vmx/port_io.c) call it, the unit tests compile it.
 */
#ifndef BAREGT_HV_DEV_BUS_H
#define BAREGT_HV_DEV_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define BUS_MAX_RANGES 32        /* per address space */
#define BUS_PORTS      0x10000u
#define BUS_UNKNOWN_PORTS 32     /* unknown ports counted one by one */

enum bus_space {
	BUS_MMIO,                /* guest-physical addresses */
	BUS_PIO,                 /* I/O ports 0..0xFFFF */
	BUS_SPACES,
};

enum bus_kind {
	BUS_DEVICE,              /* emulated: every access goes to the handler */
	BUS_WRITE_PROTECT,       /* RAM pages (MMIO only, page-aligned) whose
	                          * writes go to the handler first: it returns
	                          * true to let the write reach RAM */
};

/*
 * The one handler shape: off is the offset from the range's base, size
 * 1..8 (1, 2, 4 for ports; other sizes when an access is split at a
 * range's edge). Reads fill *val (low size bytes); writes pass it.
 * Returns false when the device refuses the access (the VM stops), or,
 * for a write-protected range, to drop the write.
 */
typedef bool (*bus_fn)(void *arg, uint64_t off, unsigned size, bool write,
                       uint64_t *val);

struct bus_range {
	uint64_t base, size;
	enum bus_kind kind;
	bus_fn fn;
	void *arg;               /* the owner: handed to fn, and names the
	                          * range when it is removed */
	const char *name;
	uint64_t hits;           /* accesses, counted by the bus */
};

struct bus_table {
	unsigned n;
	struct bus_range r[BUS_MAX_RANGES];    /* sorted, disjoint */
};

/* Accesses to one port no device claims. */
struct bus_port_count {
	uint16_t port;
	uint64_t reads, writes;
};

struct bus {
	struct bus_table t[BUS_SPACES];
	uint8_t *ram;            /* the VM's RAM: GPA 0 .. ram_bytes */
	uint64_t ram_bytes;
	uint64_t unclaimed_reads, unclaimed_writes;   /* ports nobody claims */
	/* The same per port: the first BUS_UNKNOWN_PORTS distinct ports in
	 * the order they were first seen, then one bucket for all others. */
	unsigned unknown_n;
	struct bus_port_count unknown[BUS_UNKNOWN_PORTS];
	uint64_t unknown_other_reads, unknown_other_writes;
	uint8_t port_reported[BUS_PORTS / 8];
	/* The VM's part of write protection: map [gpa, gpa + size) read-only
	 * (on) or writable again (off) in its EPT. NULL: nothing to do. */
	bool (*protect)(void *ctx, uint64_t gpa, uint64_t size, bool on);
	void *protect_ctx;
};

enum bus_status {
	BUS_OK,
	BUS_EOVERLAP,            /* another range is there */
	BUS_EFULL,
	BUS_EINVAL,              /* size 0, wrap-around, past port 0xFFFF, a
	                          * write-protected range not page-aligned, not
	                          * in RAM or on ports */
	BUS_EPROTECT,            /* the VM could not write-protect the range */
};

void bus_init(struct bus *b, uint8_t *ram, uint64_t ram_bytes);
void bus_set_protect(struct bus *b,
                     bool (*protect)(void *ctx, uint64_t gpa, uint64_t size,
                                     bool on),
                     void *ctx);
enum bus_status bus_add(struct bus *b, enum bus_space s, const struct bus_range *r);
/* Remove the range of s that starts at base and was added with arg ==
 * owner; false if there is none (another owner's range stays). */
bool bus_remove(struct bus *b, enum bus_space s, uint64_t base,
                const void *owner);
/* The range containing addr, or NULL; *span: how many bytes from addr on
 * belong to the same place (the rest of that range, or the gap up to the
 * next one or the end of the space). */
struct bus_range *bus_lookup(struct bus *b, enum bus_space s, uint64_t addr,
                             uint64_t *span);
const char *bus_status_str(enum bus_status st);

enum bus_result {
	BUS_DONE,
	BUS_REFUSED,             /* a handler refused: the VM stops */
	BUS_UNCLAIMED,           /* MMIO: neither RAM nor a device; ports: no
	                          * device (reads all-ones, writes dropped) */
	BUS_UNCLAIMED_FIRST,     /* ports: that, and the first time for this
	                          * port (the caller reports it) */
};

/*
 * An MMIO access of size bytes at gpa, split wherever a range begins or
 * ends (both ends are looked up, so bytes on a write-protected page
 * always reach its handler and bytes in RAM never reach a device at a
 * shifted offset). hint: a range already found for gpa (the exit's own
 * lookup) or NULL; a hint that holds the whole access saves the lookup.
 * On BUS_REFUSED or BUS_UNCLAIMED the pieces before the failing one have
 * been done.
 */
enum bus_result bus_mmio(struct bus *b, uint64_t gpa, unsigned size,
                         bool write, uint64_t *val, struct bus_range *hint);

/* A port access (size 1, 2 or 4) by the range that claims port. */
enum bus_result bus_pio(struct bus *b, uint16_t port, unsigned size, bool in,
                        uint64_t *val);

/* The i-th unknown port counted (first seen first), NULL for i past the
 * table; the accesses to ports past it are unknown_other_reads/writes. */
const struct bus_port_count *bus_unknown_port(const struct bus *b, unsigned i);

#endif
