/*
 * iommu/vtd_tables.h — VT-d legacy-mode translation structures
 * (VTD-FACTS §5; VT-d spec §9.1–9.3): the root table (256 entries, by
 * bus) and context tables (256 entries, by devfn), built in pages from an
 * allocator; and the software walker, which resolves (bus, devfn, IOVA)
 * to an HPA from the very tables the hardware reads, returning VT-d's
 * fault reasons (VTD-FACTS §7). Second-level tables are struct pt with
 * pt_format_vtd (hv/paging.h). Pure: HPAs are pointers (identity map).
 */
#ifndef BAREGT_IOMMU_VTD_TABLES_H
#define BAREGT_IOMMU_VTD_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/paging.h"

/* Context entry AW field: levels = AW + 2, width = 30 + 9·AW bits. */
#define VTD_AW_39BIT   1
#define VTD_AW_48BIT   2

/* Entry bits (VTD-FACTS §5). */
#define VTD_ROOT_P         (1ull << 0)
#define VTD_CTX_P          (1ull << 0)
#define VTD_CTX_FPD        (1ull << 1)
#define VTD_CTX_TT_SHIFT   2              /* bits 3:2, 0 = translate */
#define VTD_CTX_AW_MASK    0x7ull         /* high qword bits 2:0 */
#define VTD_CTX_DID_SHIFT  8              /* high qword bits 23:8 */
#define VTD_ADDR_MASK      0x000ffffffffff000ull

struct vtd_tables {
	uint64_t root;                  /* HPA of the root table */
	pt_alloc_fn alloc;
	void *ctx;
	pt_written_fn written;          /* as struct pt's: NULL unless a unit
	                                 * reading these tables does not snoop */
	void *written_ctx;
};

bool vtd_tables_init(struct vtd_tables *t, pt_alloc_fn alloc, void *ctx);
/* Report every later change (root entries, new context tables, context
 * entries) to fn; reports the root page at once (it was zeroed before). */
void vtd_tables_set_written_hook(struct vtd_tables *t, pt_written_fn fn,
                                 void *ctx);

/*
 * Point bus:devfn at a domain (translate, not pass-through): sl_root is
 * the HPA of its second-level table, aw VTD_AW_39BIT or VTD_AW_48BIT,
 * did the domain id (not 0: VTD-FACTS §8 reserves it). Creates the bus's
 * context table when needed; false when out of memory or arguments bad.
 */
bool vtd_context_set(struct vtd_tables *t, uint8_t bus, uint8_t devfn,
                     uint64_t sl_root, unsigned aw, uint16_t did);
/* Make the entry not present (DMA from the function is then blocked). */
void vtd_context_clear(struct vtd_tables *t, uint8_t bus, uint8_t devfn);

/* The two qwords of a context entry (for cache flushes), NULL if the bus
 * has no context table. */
uint64_t *vtd_context_entry(const struct vtd_tables *t, uint8_t bus,
                            uint8_t devfn);

enum vtd_fault {
	VTD_OK = 0,
	VTD_FR_ROOT_NOT_PRESENT = 0x1,
	VTD_FR_CONTEXT_NOT_PRESENT = 0x2,
	VTD_FR_CONTEXT_INVALID = 0x3,     /* reserved TT or unsupported AW */
	VTD_FR_BEYOND_AGAW = 0x4,
	VTD_FR_WRITE = 0x5,               /* write to a non-writable page */
	VTD_FR_READ = 0x6,                /* read from a non-readable page */
	VTD_FR_NEXT_LEVEL = 0x7,          /* a table pointer of 0 */
};

/*
 * The hardware's walk, in software: root entry (by bus), context entry
 * (by devfn), then AW + 2 levels of second-level entries from sl_root; a
 * large page (PS) ends the walk at level 2 or 3. A not-present entry
 * gives VTD_FR_READ or VTD_FR_WRITE as the access was; a present page
 * without W gives VTD_FR_WRITE for a write.
 */
enum vtd_fault vtd_walk(uint64_t root, uint8_t bus, uint8_t devfn,
                        uint64_t iova, bool write, uint64_t *hpa);

const char *vtd_fault_name(enum vtd_fault f);
/* Any reason a unit records (VTD-FACTS §7): DMA 0x1–0xD, interrupt
 * remapping 0x20–0x26; "unknown reason" otherwise. */
const char *vtd_fault_reason_name(uint8_t reason);

#endif
