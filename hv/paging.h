/*
 * hv/paging.h — builds and inspects page tables in three entry formats:
 * the CPU's own (SDM Vol. 3A §4.5, Tables 4-15 to 4-20) for the
 * hypervisor, EPT (SDM Vol. 3C §29.3.2, Tables 29-1 to 29-6) for the
 * guests, and VT-d second-level tables (VTD-FACTS §5, 3 or 4 levels) for
 * DMA. The structure (512 entries a level, large pages via bit 7) is the
 * same; only the permission and memory-type bits differ. Pure logic:
 * tables are reached through their physical address, which must be
 * identity-mapped (true in the hypervisor; host tests allocate tables from
 * aligned heap memory and use the pointer values as addresses).
 *
 * Mappings use the largest page that fits (1 GiB if allowed, 2 MiB, 4 KiB)
 * and may be changed later: remapping part of a large page splits it.
 */
#ifndef BAREGT_HV_PAGING_H
#define BAREGT_HV_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entry bits, SDM Vol. 3A Table 4-19/4-20. */
#define PTE_P        (1ull << 0)
#define PTE_RW       (1ull << 1)
#define PTE_US       (1ull << 2)
#define PTE_PWT      (1ull << 3)
#define PTE_PCD      (1ull << 4)
#define PTE_PS       (1ull << 7)   /* large page in a PDPTE/PDE */
#define PTE_G        (1ull << 8)
#define PTE_NX       (1ull << 63)
#define PTE_ADDR     0x000ffffffffff000ull

/* What a mapping allows; anything not said is denied. */
#define PT_READ      0u            /* always readable when mapped */
#define PT_WRITE     (1u << 0)
#define PT_EXEC      (1u << 1)
#define PT_UNCACHED  (1u << 2)     /* PCD|PWT: for MMIO */

#define PT_LEVELS    4            /* the most a table has */
#define PT_ENTRIES   512

/* EPT entry bits, SDM Vol. 3C Table 29-6 (4 KiB leaf) and 29-3..29-5. */
#define EPTE_R       (1ull << 0)
#define EPTE_W       (1ull << 1)
#define EPTE_X       (1ull << 2)
#define EPTE_MT_SHIFT 3            /* memory type, leaves only */
#define EPT_MT_UC    0ull
#define EPT_MT_WB    6ull

/* VT-d second-level entry bits, VTD-FACTS §5 (VT-d spec §9.8). */
#define VTDE_R       (1ull << 0)
#define VTDE_W       (1ull << 1)

typedef uint64_t (*pt_alloc_fn)(void *ctx);  /* HPA of a zeroed page, 0 = none */
typedef void (*pt_free_fn)(void *ctx, uint64_t hpa);
/* [p, p + len) of a table was just written: a reader that does not snoop
 * the CPU's caches (a VT-d unit with ECAP.C = 0, VTD-FACTS §8 "Non-
 * coherent walks") must be shown those lines before it is told to look. */
typedef void (*pt_written_fn)(void *ctx, const void *p, size_t len);

/* How entries of one kind of table are encoded. */
struct pt_format {
	const char *name;
	uint64_t present;             /* any of these bits set: present */
	uint64_t table;               /* bits of a non-leaf entry */
	uint64_t (*leaf)(unsigned flags, unsigned level);
	unsigned (*flags)(uint64_t entry);   /* PT_* an entry allows */
};

extern const struct pt_format pt_format_x86;
extern const struct pt_format pt_format_ept;
extern const struct pt_format pt_format_vtd;

struct pt {
	const struct pt_format *fmt;
	uint64_t root;                /* HPA of the top table */
	unsigned levels;              /* 4 (48-bit) or 3 (39-bit) */
	pt_alloc_fn alloc;
	void *ctx;
	bool allow_1g;                /* 1 GiB leaves (CPU / EPT / VT-d caps) */
	bool allow_2m;                /* 2 MiB leaves (true unless a VT-d unit
	                               * lacks CAP.SLLPS bit 0) */
	unsigned ntables;             /* tables allocated so far */
	pt_written_fn written;        /* NULL (the CPU's and EPT tables, VT-d
	                               * domains of coherent units): no calls */
	void *written_ctx;
};

struct pt_stats {
	uint64_t pages_4k, pages_2m, pages_1g;
};

/* x86 page tables (the hypervisor's own). */
bool pt_init(struct pt *pt, pt_alloc_fn alloc, void *ctx, bool allow_1g);
/* Any format, 4 levels. */
bool pt_init_format(struct pt *pt, const struct pt_format *fmt,
                    pt_alloc_fn alloc, void *ctx, bool allow_1g);
/* Any format, 3 or 4 levels (VT-d: AGAW 39 or 48 bits). */
bool pt_init_levels(struct pt *pt, const struct pt_format *fmt, unsigned levels,
                    pt_alloc_fn alloc, void *ctx, bool allow_1g);

/*
 * From now on call fn after every change to the tables: each entry
 * written (8 bytes) and each new table (the whole page: the allocator
 * zeroed it with CPU stores). Reports the root page at once, since it
 * was zeroed before the hook existed; set it right after pt_init_*.
 * fn NULL turns the reports off.
 */
void pt_set_written_hook(struct pt *pt, pt_written_fn fn, void *ctx);

/* Free every table (the root included) through free_fn. */
void pt_destroy(struct pt *pt, pt_free_fn free_fn, void *ctx);

/* Call fn for every leaf, in address order; stops when fn returns false
 * (and returns false). flags are the effective PT_* of the mapping. */
typedef bool (*pt_leaf_fn)(void *ctx, uint64_t va, uint64_t pa,
                           uint64_t size, unsigned flags);
bool pt_for_each_leaf(const struct pt *pt, pt_leaf_fn fn, void *ctx);

/* Map [va, va + size) to pa with PT_* flags; all 4 KiB aligned.
 * Returns false when a table cannot be allocated. */
bool pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size,
            unsigned flags);

/* Remove [va, va + size); large pages are split where needed. */
bool pt_unmap(struct pt *pt, uint64_t va, uint64_t size);

/*
 * Translate va. Returns false if not mapped; else *pa and the effective
 * PT_* flags (writable only if every level allows it, executable only if
 * no level sets NX).
 */
bool pt_translate(const struct pt *pt, uint64_t va, uint64_t *pa,
                  unsigned *flags);

/*
 * Walk every leaf. Returns false and sets *va at the first mapping that is
 * both writable and executable; true when there is none. Fills *st if given.
 */
bool pt_check_wx(const struct pt *pt, uint64_t *va, struct pt_stats *st);

#endif
