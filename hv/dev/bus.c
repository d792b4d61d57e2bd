/*
 * hv/dev/bus.c — a VM's device bus (hv/dev/bus.h): two sorted tables of
 * disjoint ranges searched by binary search, and the access rules.
 */
#include <string.h>
#include "hv/dev/bus.h"

#define BUS_PAGE 0x1000ull

void bus_init(struct bus *b, uint8_t *ram, uint64_t ram_bytes)
{
	memset(b, 0, sizeof(*b));
	b->ram = ram;
	b->ram_bytes = ram_bytes;
}

void bus_set_protect(struct bus *b,
                     bool (*protect)(void *ctx, uint64_t gpa, uint64_t size,
                                     bool on),
                     void *ctx)
{
	b->protect = protect;
	b->protect_ctx = ctx;
}

static bool protect(struct bus *b, const struct bus_range *r, bool on)
{
	return r->kind != BUS_WRITE_PROTECT || !b->protect ||
	       b->protect(b->protect_ctx, r->base, r->size, on);
}

static uint64_t space_end(enum bus_space s)
{
	return s == BUS_PIO ? BUS_PORTS : 0;     /* 0: 2^64, the whole space */
}

enum bus_status bus_add(struct bus *b, enum bus_space s, const struct bus_range *r)
{
	struct bus_table *t = &b->t[s];
	unsigned i;

	if (r->size == 0 || r->base + r->size < r->base ||
	    (space_end(s) && r->base + r->size > space_end(s)))
		return BUS_EINVAL;
	if (r->kind == BUS_WRITE_PROTECT &&
	    (s != BUS_MMIO || ((r->base | r->size) & (BUS_PAGE - 1)) ||
	     (b->ram && (r->base >= b->ram_bytes ||
	                 r->size > b->ram_bytes - r->base))))
		return BUS_EINVAL;
	if (t->n >= BUS_MAX_RANGES)
		return BUS_EFULL;
	for (i = 0; i < t->n && t->r[i].base < r->base; i++)
		;
	if (i > 0 && t->r[i - 1].base + t->r[i - 1].size > r->base)
		return BUS_EOVERLAP;
	if (i < t->n && r->base + r->size > t->r[i].base)
		return BUS_EOVERLAP;
	if (!protect(b, r, true))
		return BUS_EPROTECT;
	memmove(&t->r[i + 1], &t->r[i], (t->n - i) * sizeof(t->r[0]));
	t->r[i] = *r;
	t->r[i].hits = 0;
	t->n++;
	return BUS_OK;
}

bool bus_remove(struct bus *b, enum bus_space s, uint64_t base,
                const void *owner)
{
	struct bus_table *t = &b->t[s];
	unsigned i;

	for (i = 0; i < t->n; i++) {
		if (t->r[i].base == base && t->r[i].arg == owner) {
			protect(b, &t->r[i], false);
			memmove(&t->r[i], &t->r[i + 1],
			        (t->n - i - 1) * sizeof(t->r[0]));
			t->n--;
			return true;
		}
	}
	return false;
}

/* Index of the first range that ends after addr (t->n if none). */
static unsigned first_after(const struct bus_table *t, uint64_t addr)
{
	unsigned lo = 0, hi = t->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &t->r[mid];

		if (addr >= r->base && addr - r->base >= r->size)
			lo = mid + 1;        /* r ends at or before addr */
		else
			hi = mid;
	}
	return lo;
}

struct bus_range *bus_lookup(struct bus *b, enum bus_space s, uint64_t addr,
                             uint64_t *span)
{
	struct bus_table *t = &b->t[s];
	unsigned i = first_after(t, addr);
	struct bus_range *r = i < t->n ? &t->r[i] : NULL;

	if (r && addr >= r->base) {
		*span = r->size - (addr - r->base);
		return r;
	}
	if (r)
		*span = r->base - addr;
	else if (space_end(s))
		*span = space_end(s) - addr;
	else
		*span = addr ? ~addr + 1 : ~0ull;    /* to the end of the space */
	return NULL;
}

const char *bus_status_str(enum bus_status st)
{
	switch (st) {
	case BUS_OK:       return "ok";
	case BUS_EOVERLAP: return "overlaps another range";
	case BUS_EFULL:    return "range table full";
	case BUS_EINVAL:   return "invalid range";
	case BUS_EPROTECT: return "cannot write-protect it";
	}
	return "?";
}

/* ---- MMIO ------------------------------------------------------------------- */

static uint64_t low_bytes(uint64_t v, unsigned n)
{
	return n >= 8 ? v : v & ((1ull << (8 * n)) - 1);
}

static bool ram_access(struct bus *b, uint64_t gpa, unsigned size, bool write,
                       uint64_t *val)
{
	uint8_t *p;

	if (gpa >= b->ram_bytes || size > b->ram_bytes - gpa)
		return false;
	p = b->ram + gpa;
	if (write) {
		memcpy(p, val, size);
	} else {
		*val = 0;
		memcpy(val, p, size);
	}
	return true;
}

/* One piece, wholly inside range r or wholly in the gap (r == NULL). */
static enum bus_result mmio_piece(struct bus *b, struct bus_range *r,
                                  uint64_t gpa, unsigned size, bool write,
                                  uint64_t *val)
{
	if (r && r->kind == BUS_DEVICE) {
		r->hits++;
		return r->fn(r->arg, gpa - r->base, size, write, val) ? BUS_DONE :
		       BUS_REFUSED;
	}
	if (r && write) {                        /* write-protected RAM */
		r->hits++;
		if (!r->fn(r->arg, gpa - r->base, size, true, val))
			return BUS_DONE;         /* vetoed: dropped, not an error */
	}
	return ram_access(b, gpa, size, write, val) ? BUS_DONE : BUS_UNCLAIMED;
}

enum bus_result bus_mmio(struct bus *b, uint64_t gpa, unsigned size,
                         bool write, uint64_t *val, struct bus_range *hint)
{
	uint64_t in = write ? *val : 0, out = 0, span;
	unsigned done = 0;
	struct bus_range *r;

	if (hint && gpa >= hint->base && gpa - hint->base < hint->size &&
	    size <= hint->size - (gpa - hint->base)) {
		r = hint;                        /* the common case: no lookup */
		span = size;
	} else {
		r = bus_lookup(b, BUS_MMIO, gpa, &span);
	}
	if (span >= size)
		return mmio_piece(b, r, gpa, size, write, val);
	for (;;) {
		unsigned n = span < size - done ? (unsigned)span : size - done;
		uint64_t piece = low_bytes(in >> (8 * done), n);
		enum bus_result res = mmio_piece(b, r, gpa + done, n, write, &piece);

		if (res != BUS_DONE)
			return res;
		out |= low_bytes(piece, n) << (8 * done);
		done += n;
		if (done == size)
			break;
		r = bus_lookup(b, BUS_MMIO, gpa + done, &span);
	}
	if (!write)
		*val = out;
	return BUS_DONE;
}

/* ---- ports ------------------------------------------------------------------- */

/* The port table is short (a handful of ranges): a scan of the sorted
 * table beats the binary search and needs no span. */
static struct bus_range *pio_find(struct bus *b, uint16_t port)
{
	struct bus_table *t = &b->t[BUS_PIO];
	unsigned i;

	for (i = 0; i < t->n && t->r[i].base <= port; i++)
		if (port - t->r[i].base < t->r[i].size)
			return &t->r[i];
	return NULL;
}

/* Count an access to an unknown port: its own entry if it has one (a
 * port seen for the first time gets one while the table has room), else
 * the "other" bucket. */
static void count_unknown(struct bus *b, uint16_t port, bool in, bool first)
{
	struct bus_port_count *c = NULL;
	unsigned i;

	if (first && b->unknown_n < BUS_UNKNOWN_PORTS) {
		c = &b->unknown[b->unknown_n++];
		*c = (struct bus_port_count){ .port = port };
	} else if (!first) {
		for (i = 0; i < b->unknown_n && !c; i++)
			if (b->unknown[i].port == port)
				c = &b->unknown[i];
	}
	if (c && in)
		c->reads++;
	else if (c)
		c->writes++;
	else if (in)
		b->unknown_other_reads++;
	else
		b->unknown_other_writes++;
}

enum bus_result bus_pio(struct bus *b, uint16_t port, unsigned size, bool in,
                        uint64_t *val)
{
	struct bus_range *r = pio_find(b, port);
	bool first;

	if (r) {
		r->hits++;
		return r->fn(r->arg, port - r->base, size, !in, val) ? BUS_DONE :
		       BUS_REFUSED;
	}
	if (in) {
		*val = low_bytes(~0ull, size);
		b->unclaimed_reads++;
	} else {
		b->unclaimed_writes++;
	}
	first = !(b->port_reported[port / 8] & (1u << (port % 8)));
	b->port_reported[port / 8] |= (uint8_t)(1u << (port % 8));
	count_unknown(b, port, in, first);
	return first ? BUS_UNCLAIMED_FIRST : BUS_UNCLAIMED;
}

const struct bus_port_count *bus_unknown_port(const struct bus *b, unsigned i)
{
	return i < b->unknown_n ? &b->unknown[i] : NULL;
}
