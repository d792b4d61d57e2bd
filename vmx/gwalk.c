/*
 * vmx/gwalk.c — guest page walks. Entry formats: SDM Vol. 3A Table 4-6
 * (32-bit paging: P bit 0, R/W bit 1, U/S bit 2, PS bit 7 in a PDE with
 * CR4.PSE, 4 MiB frame: bits 31:22 of the PDE, and physical bits 39:32
 * from PDE bits 20:13, "PSE-36", SDM Vol. 3A §4.3), Tables 4-8..4-11
 * (PAE: PDPTE from CR3 bits 31:5, 2 MiB pages) and §4.5 (4-level:
 * 1 GiB and 2 MiB pages; XD bit 63; protection key in bits 62:59 of a
 * leaf). Addresses in entries: bits 51:12.
 *
 * Access rights, SDM Vol. 3A §4.6. A linear address is a user-mode
 * address when U/S = 1 in every entry of its walk, writable when R/W = 1
 * in every entry, executable unless XD = 1 in some entry (XD counts only
 * with EFER.NXE; without it bit 63 is reserved). PAE PDPTEs have no U/S,
 * R/W or XD (Table 4-8) and take no part. An access is user-mode when
 * CPL = 3 and it is not an implicit supervisor access (§4.6):
 *  - user-mode: the address must be user-mode, and writable for a write
 *    (CR0.WP plays no part);
 *  - supervisor-mode: writes to read-only addresses fault only with
 *    CR0.WP = 1; with CR4.SMEP no fetch from a user-mode address; with
 *    CR4.SMAP no data access to a user-mode address, unless EFLAGS.AC = 1
 *    and the access is explicit (§4.6.1);
 *  - protection keys (§4.6.2; 4-level paging, CR4.PKE, user-mode
 *    addresses, data accesses only): PKRU bit 2k (AD) refuses every data
 *    access to key k, bit 2k+1 (WD) refuses user-mode writes and, with
 *    CR0.WP = 1, supervisor-mode writes.
 * The error code of the #PF is §4.7's. Reserved bits checked: XD without
 * EFER.NXE and PS in a PML4E (§4.5); not the address bits above
 * MAXPHYADDR, which the walk does not know. A present PAE PDPTE is taken
 * as it is: the CPU checks those when CR3 is loaded (§4.4.1).
 */
#include <stddef.h>
#include "vmx/gwalk.h"
#include "hv/x86.h"

#define E_P       1ull
#define E_RW      2ull
#define E_US      4ull
#define E_PS      (1ull << 7)
#define E_XD      (1ull << 63)
#define E_PKEY(e) ((unsigned)((e) >> 59) & 15)   /* 4-level leaf bits 62:59 */
#define PKRU_AD   1u        /* of key k: bit 2k of PKRU (§4.6.2) */
#define PKRU_WD   2u        /* bit 2k + 1 */
#define ADDR_MASK 0x000ffffffffff000ull

struct walk {
	const struct gwalk_regs *r;
	gwalk_read_fn read;
	void *ctx;
	unsigned access;
	uint64_t all;        /* AND of the entries so far: U/S, R/W set in all */
	uint64_t any;        /* OR of the 8-byte entries so far: XD set in one */
	bool user;           /* U/S = 1 in every entry (set by finish) */
	bool writable;       /* R/W = 1 in every entry (set by finish) */
	bool exec;           /* XD = 0 in every entry, or no NXE (by finish) */
	bool pk;             /* the protection key refused the access */
	struct gwalk_path *path;   /* NULL: not recorded */
};

static inline void record(struct walk *w, uint64_t gpa, unsigned size,
                          uint64_t value)
{
	struct gwalk_path *p = w->path;

	if (p && p->n < GWALK_PATH_MAX) {
		p->gpa[p->n] = gpa;
		p->value[p->n] = value;
		p->size[p->n] = (uint8_t)size;
		p->n++;
	}
}

static bool user_access(const struct walk *w)
{
	return w->r->cpl == 3 && !(w->access & GWALK_IMPLICIT);
}

/* Fold an entry's rights into the walk (PAE PDPTEs are not folded):
 * two bit operations per entry, the booleans once at the leaf. */
static inline __attribute__((always_inline)) void fold(struct walk *w,
                                                       uint64_t e,
                                                       unsigned size)
{
	w->all &= e;
	if (size == 8)
		w->any |= e;
}

/* Read the entry at index of the table at table_gpa; check P and the
 * reserved bits; fold its rights in. pml4: the entry is a PML4E. */
static inline __attribute__((always_inline)) enum gwalk_result
entry_at(struct walk *w, uint64_t table_gpa, unsigned index, unsigned size,
         bool pml4, uint64_t *e)
{
	if (!w->read(w->ctx, table_gpa + (uint64_t)index * size, size, e))
		return GW_BAD_TABLE;
	record(w, table_gpa + (uint64_t)index * size, size, *e);
	if (!(*e & E_P))
		return GW_NOT_PRESENT;
	if (size == 8 && (*e & E_XD) && !(w->r->efer & EFER_NXE))
		return GW_RESERVED;
	if (pml4 && (*e & E_PS))
		return GW_RESERVED;
	fold(w, *e, size);
	return GW_OK;
}

static bool rights_allow(const struct walk *w)
{
	const struct gwalk_regs *r = w->r;
	bool write = w->access & GWALK_WRITE, fetch = w->access & GWALK_FETCH;

	if (fetch && !w->exec)
		return false;
	if (user_access(w))
		return w->user && (!write || w->writable);
	if (w->user && fetch && (r->cr4 & CR4_SMEP))
		return false;
	if (w->user && !fetch && (r->cr4 & CR4_SMAP) &&
	    ((w->access & GWALK_IMPLICIT) || !(r->rflags & RFLAGS_AC)))
		return false;
	return !write || w->writable || !(r->cr0 & CR0_WP);
}

static bool pkey_refuses(const struct walk *w, uint64_t leaf)
{
	const struct gwalk_regs *r = w->r;
	unsigned rights;

	if ((w->access & GWALK_FETCH) || !w->user || !(r->cr4 & CR4_PKE) ||
	    !(r->efer & EFER_LMA))
		return false;
	rights = (r->pkru >> (2 * E_PKEY(leaf))) & 3;
	if (rights & PKRU_AD)
		return true;
	return (rights & PKRU_WD) && (w->access & GWALK_WRITE) &&
	       (user_access(w) || (r->cr0 & CR0_WP));
}

/* The leaf's translation is gpa: check the rights of the whole walk. */
static enum gwalk_result finish(struct walk *w, uint64_t leaf, uint64_t gpa,
                                uint64_t *out)
{
	w->user = w->all & E_US;
	w->writable = w->all & E_RW;
	w->exec = !(w->any & E_XD);      /* XD without NXE faulted already */
	w->pk = pkey_refuses(w, leaf);
	if (w->pk || !rights_allow(w))
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
		                                 8, level == 4, &e);
		if (res != GW_OK)
			return res;
		if (level == 1 || ((level == 2 || level == 3) && (e & E_PS))) {
			uint64_t page = 1ull << shift;
			return finish(w, e, (e & ADDR_MASK & ~(page - 1)) |
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
	res = entry_at(w, w->r->cr3 & 0xfffff000ull, (unsigned)(linear >> 22), 4,
	               false, &pde);
	if (res != GW_OK)
		return res;
	if ((pde & E_PS) && (w->r->cr4 & CR4_PSE))
		return finish(w, pde, (pde & 0xffc00000ull) |
		                      (((pde >> 13) & 0xff) << 32) |
		                      (linear & 0x3fffff), out);
	res = entry_at(w, pde & 0xfffff000ull, (unsigned)(linear >> 12) & 1023, 4,
	               false, &pte);
	if (res != GW_OK)
		return res;
	return finish(w, pte, (pte & 0xfffff000ull) | (linear & 0xfff), out);
}

static enum gwalk_result walk_pae(struct walk *w, uint64_t linear, uint64_t *out)
{
	uint64_t pdpte, at;

	linear &= 0xffffffffull;
	at = (w->r->cr3 & 0xffffffe0ull) + (linear >> 30) * 8;
	/* PDPTEs carry no R/W, U/S or XD bit: do not let them count. */
	if (!w->read(w->ctx, at, 8, &pdpte))
		return GW_BAD_TABLE;
	record(w, at, 8, pdpte);
	if (!(pdpte & E_P))
		return GW_NOT_PRESENT;
	return walk64(w, pdpte & ADDR_MASK, 2, linear, out);
}

/* The error code for a #PF result (SDM Vol. 3A §4.7). */
static uint32_t pf_error(const struct walk *w, enum gwalk_result res)
{
	const struct gwalk_regs *r = w->r;
	uint32_t err = 0;

	if (res != GW_NOT_PRESENT && res != GW_PROTECTION && res != GW_RESERVED)
		return 0;
	if (res != GW_NOT_PRESENT)
		err |= PF_ERR_P;
	if (res == GW_RESERVED)
		err |= PF_ERR_RSVD;
	if (res == GW_PROTECTION && w->pk)
		err |= PF_ERR_PK;
	if (w->access & GWALK_WRITE)
		err |= PF_ERR_W;
	if (user_access(w))
		err |= PF_ERR_U;
	/* I/D: a fetch, when SMEP is on or XD exists (PAE/4-level + NXE). */
	if ((w->access & GWALK_FETCH) &&
	    ((r->cr4 & CR4_SMEP) || ((r->cr4 & CR4_PAE) && (r->efer & EFER_NXE))))
		err |= PF_ERR_ID;
	return err;
}

enum gwalk_result gwalk(const struct gwalk_regs *r, uint64_t linear,
                        unsigned access, gwalk_read_fn read, void *ctx,
                        uint64_t *gpa, uint32_t *pf_err)
{
	return gwalk_record(r, linear, access, read, ctx, gpa, pf_err, NULL);
}

bool gwalk_path_unchanged(const struct gwalk_path *path, gwalk_read_fn read,
                          void *ctx)
{
	unsigned i;

	for (i = 0; i < path->n; i++) {
		uint64_t v;

		if (!read(ctx, path->gpa[i], path->size[i], &v) ||
		    v != path->value[i])
			return false;
	}
	return true;
}

enum gwalk_result gwalk_record(const struct gwalk_regs *r, uint64_t linear,
                               unsigned access, gwalk_read_fn read, void *ctx,
                               uint64_t *gpa, uint32_t *pf_err,
                               struct gwalk_path *path)
{
	struct walk w = { r, read, ctx, access, ~0ull, 0, true, true, true, false,
	                  path };

	if (path)
		path->n = 0;
	enum gwalk_result res;

	if (!(r->cr0 & CR0_PG)) {
		*pf_err = 0;
		*gpa = (r->efer & EFER_LMA) ? linear : (linear & 0xffffffffull);
		return GW_OK;
	}
	if (r->efer & EFER_LMA) {
		if (r->cr4 & CR4_LA57)
			res = GW_UNSUPPORTED;
		else
			res = walk64(&w, r->cr3 & ADDR_MASK, 4, linear, gpa);
	} else if (r->cr4 & CR4_PAE) {
		res = walk_pae(&w, linear, gpa);
	} else {
		res = walk32(&w, linear, gpa);
	}
	*pf_err = pf_error(&w, res);
	return res;
}
