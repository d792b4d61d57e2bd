/*
 * vmx/gwalk.c — guest page walks. Entry formats: SDM Vol. 3A Table 4-6
 * (32-bit paging: P bit 0, R/W bit 1, PS bit 7 in a PDE with CR4.PSE,
 * 4 MiB frame: bits 31:22 of the PDE, and physical bits 39:32 from PDE
 * bits 20:13, "PSE-36", SDM Vol. 3A §4.3), Tables 4-8..4-11 (PAE: PDPTE from CR3
 * bits 31:5, 2 MiB pages), Tables 4-15..4-20 (4-level: 1 GiB and 2 MiB
 * pages). Addresses in entries: bits 51:12.
 */
#include "vmx/gwalk.h"

#define CR0_PG    (1ull << 31)
#define CR0_WP    (1ull << 16)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LMA  (1ull << 10)
#define E_P       1ull
#define E_RW      2ull
#define E_PS      (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

struct walk {
	const struct gwalk_regs *r;
	gwalk_read_fn read;
	void *ctx;
	bool write, writable;
};

/* Read the entry at index of the table at table_gpa. */
static enum gwalk_result entry_at(struct walk *w, uint64_t table_gpa,
                                  unsigned index, unsigned size, uint64_t *e)
{
	if (!w->read(w->ctx, table_gpa + (uint64_t)index * size, size, e))
		return GW_BAD_TABLE;
	if (!(*e & E_P))
		return GW_NOT_PRESENT;
	w->writable = w->writable && (*e & E_RW);
	return GW_OK;
}

static enum gwalk_result finish(struct walk *w, uint64_t gpa, uint64_t *out)
{
	if (w->write && !w->writable && (w->r->cr0 & CR0_WP))
		return GW_PROTECTION;
	*out = gpa;
	return GW_OK;
}

/* Walk 64-bit entries from level `level` down (4-level or PAE). */
static enum gwalk_result walk64(struct walk *w, uint64_t table, unsigned level,
                                uint64_t linear, uint64_t *out)
{
	for (;;) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e;
		enum gwalk_result res = entry_at(w, table, (linear >> shift) & 511,
		                                 8, &e);
		if (res != GW_OK)
			return res;
		if (level == 1 || ((level == 2 || level == 3) && (e & E_PS))) {
			uint64_t page = 1ull << shift;
			return finish(w, (e & ADDR_MASK & ~(page - 1)) |
			                 (linear & (page - 1)), out);
		}
		table = e & ADDR_MASK;
		level--;
	}
}

static enum gwalk_result walk32(struct walk *w, uint64_t linear, uint64_t *out)
{
	uint64_t pde, pte;
	enum gwalk_result res;

	linear &= 0xffffffffull;
	res = entry_at(w, w->r->cr3 & 0xfffff000ull, (unsigned)(linear >> 22), 4, &pde);
	if (res != GW_OK)
		return res;
	if ((pde & E_PS) && (w->r->cr4 & CR4_PSE))
		return finish(w, (pde & 0xffc00000ull) | (((pde >> 13) & 0xff) << 32) |
		                 (linear & 0x3fffff), out);
	res = entry_at(w, pde & 0xfffff000ull, (unsigned)(linear >> 12) & 1023, 4,
	               &pte);
	if (res != GW_OK)
		return res;
	return finish(w, (pte & 0xfffff000ull) | (linear & 0xfff), out);
}

static enum gwalk_result walk_pae(struct walk *w, uint64_t linear, uint64_t *out)
{
	uint64_t pdpte;
	enum gwalk_result res;

	linear &= 0xffffffffull;
	/* PDPTEs carry no R/W bit: do not let it count. */
	if (!w->read(w->ctx, (w->r->cr3 & 0xffffffe0ull) + (linear >> 30) * 8, 8,
	             &pdpte))
		return GW_BAD_TABLE;
	if (!(pdpte & E_P))
		return GW_NOT_PRESENT;
	res = walk64(w, pdpte & ADDR_MASK, 2, linear, out);
	return res;
}

enum gwalk_result gwalk(const struct gwalk_regs *r, uint64_t linear, bool write,
                        gwalk_read_fn read, void *ctx, uint64_t *gpa)
{
	struct walk w = { r, read, ctx, write, true };

	if (!(r->cr0 & CR0_PG)) {
		*gpa = (r->efer & EFER_LMA) ? linear : (linear & 0xffffffffull);
		return GW_OK;
	}
	if (r->efer & EFER_LMA) {
		if (r->cr4 & CR4_LA57)
			return GW_UNSUPPORTED;
		return walk64(&w, r->cr3 & ADDR_MASK, 4, linear, gpa);
	}
	if (r->cr4 & CR4_PAE)
		return walk_pae(&w, linear, gpa);
	return walk32(&w, linear, gpa);
}
