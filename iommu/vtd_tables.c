/*
 * iommu/vtd_tables.c — VT-d legacy-mode root and context tables, and the
 * software walker that resolves (bus, devfn, IOVA) to an HPA from the
 * same tables the hardware reads.
 *
 * Formats (VTD-FACTS §5, VT-d spec §9.1 root entry, §9.3 context entry,
 * §9.8 second-level paging entries):
 *   root entry    (16 bytes, by bus):   lo bit 0 P, bits 63:12 context-
 *                                       table pointer; hi reserved (0)
 *   context entry (16 bytes, by devfn): lo bit 0 P, bit 1 FPD, bits 3:2 TT,
 *                                       bits 63:12 SL root; hi bits 2:0 AW,
 *                                       bits 23:8 DID
 *   SL entry      (8 bytes, 512/table): bit 0 R, bit 1 W, bit 7 PS
 * Fault reasons: VTD-FACTS §7 "Reasons (DMA)" (VT-d spec Appendix A).
 *
 * Tables live in pages from the caller's allocator and are reached through
 * their HPA as a pointer (identity map), as in hv/paging.c. Entries the
 * hardware may be reading are written through volatile pointers, in the
 * order that keeps every intermediate state valid.
 */
#include <stddef.h>
#include "iommu/vtd_tables.h"

#define VTD_CTX_TT_MASK  0x3ull           /* TT width, lo bits 3:2 */
#define VTD_TT_TRANSLATE 0ull
#define VTD_DID_MASK     0xffffull        /* DID width, hi bits 23:8 */

/* SL entry bit 7, PS: a level-2 entry maps 2 MiB, a level-3 entry 1 GiB
 * (VTD-FACTS §5 "SL PTE"). */
#define VTD_SL_PS        (1ull << 7)
#define VTD_SL_INDEX_BITS 9u               /* 512 entries per SL table */

/* The 16-byte entry `index` of the root or context table at hpa:
 * element [0] is the low qword, [1] the high qword. */
static uint64_t *vtd_entry(uint64_t table_hpa, unsigned index)
{
	return (uint64_t *)(uintptr_t)(table_hpa & VTD_ADDR_MASK) + 2u * index;
}

/* Ordered stores: the remapping hardware reads these tables concurrently,
 * so the compiler must neither merge nor reorder the two halves. x86
 * stores are seen in program order (TSO); making a cached copy coherent
 * (clflush, context-cache invalidation) is the caller's job
 * (VTD-FACTS §8). */
static void vtd_store(uint64_t *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

/* Tell the hook (if any) that [p, p + len) changed; an entry is reported
 * once its last half is stored: a 16-byte entry never straddles a cache
 * line, so the unit sees the old entry or the new one. */
static void vtd_written(const struct vtd_tables *t, const void *p, size_t len)
{
	if (t->written)
		t->written(t->written_ctx, p, len);
}

#define VTD_TABLE_BYTES  4096u             /* root and context tables */
#define VTD_ENTRY_BYTES  16u

/* Levels and input width from the context entry's AW (VTD-FACTS §5
 * "AGAW math"): AW 1 = 3 levels / 39 bits, AW 2 = 4 levels / 48 bits. */
static bool vtd_aw_supported(uint64_t aw)
{
	return aw == VTD_AW_39BIT || aw == VTD_AW_48BIT;
}

static unsigned vtd_aw_levels(unsigned aw)
{
	return aw + 2u;
}

static unsigned vtd_aw_width(unsigned aw)
{
	return 30u + 9u * aw;
}

bool vtd_tables_init(struct vtd_tables *t, pt_alloc_fn alloc, void *ctx)
{
	t->alloc = alloc;
	t->ctx = ctx;
	t->written = NULL;
	t->written_ctx = NULL;
	/* A zeroed page is a root table with no entry present. */
	t->root = alloc(ctx);
	return t->root != 0;
}

void vtd_tables_set_written_hook(struct vtd_tables *t, pt_written_fn fn,
                                 void *ctx)
{
	t->written = fn;
	t->written_ctx = ctx;
	if (t->root)
		vtd_written(t, vtd_entry(t->root, 0), VTD_TABLE_BYTES);
}

uint64_t *vtd_context_entry(const struct vtd_tables *t, uint8_t bus,
                            uint8_t devfn)
{
	const uint64_t *re;

	if (!t->root)
		return NULL;
	re = vtd_entry(t->root, bus);
	if (!(re[0] & VTD_ROOT_P) || !(re[0] & VTD_ADDR_MASK))
		return NULL;
	return vtd_entry(re[0], devfn);
}

bool vtd_context_set(struct vtd_tables *t, uint8_t bus, uint8_t devfn,
                     uint64_t sl_root, unsigned aw, uint16_t did)
{
	uint64_t *ce, hi, lo;

	/* AW must name a width this walker (and the units BareGT targets)
	 * handles; DID 0 is reserved (VTD-FACTS §8 "Domain ID 0"); the SL
	 * root is a 4 KiB-aligned address that fits bits 51:12. */
	if (!t->root || !vtd_aw_supported(aw) || did == 0 || sl_root == 0 ||
	    (sl_root & ~VTD_ADDR_MASK) != 0)
		return false;

	ce = vtd_context_entry(t, bus, devfn);
	if (!ce) {
		/* First device on this bus: a zeroed context table (no entry
		 * present) is hooked in before any entry in it is made
		 * present. Root entry (VTD-FACTS §5 "Root table"): hi 0,
		 * lo = pointer | P. */
		uint64_t ctp = t->alloc(t->ctx);
		uint64_t *re = vtd_entry(t->root, bus);

		if (!ctp)
			return false;
		vtd_written(t, vtd_entry(ctp, 0), VTD_TABLE_BYTES);
		vtd_store(&re[1], 0);
		vtd_store(&re[0], (ctp & VTD_ADDR_MASK) | VTD_ROOT_P);
		vtd_written(t, re, VTD_ENTRY_BYTES);
		ce = vtd_entry(ctp, devfn);
	}

	/* Context entry (VTD-FACTS §5 "Context high/low qword"):
	 * hi = AW (bits 2:0) | DID (bits 23:8);
	 * lo = SL root (63:12) | TT 0 = translate (3:2) | FPD 0 (bit 1:
	 * faults are recorded) | P (bit 0). */
	hi = ((uint64_t)aw & VTD_CTX_AW_MASK) |
	     (((uint64_t)did & VTD_DID_MASK) << VTD_CTX_DID_SHIFT);
	lo = sl_root | (VTD_TT_TRANSLATE << VTD_CTX_TT_SHIFT) | VTD_CTX_P;

	/* A reader must never see P together with a high half that does not
	 * belong to the low half: when replacing a present entry, take it
	 * out first (DMA is blocked meanwhile), then the high qword, then
	 * the low qword with P. */
	if (ce[0] & VTD_CTX_P)
		vtd_store(&ce[0], 0);
	vtd_store(&ce[1], hi);
	vtd_store(&ce[0], lo);
	vtd_written(t, ce, VTD_ENTRY_BYTES);
	return true;
}

void vtd_context_clear(struct vtd_tables *t, uint8_t bus, uint8_t devfn)
{
	uint64_t *ce = vtd_context_entry(t, bus, devfn);

	if (!ce)
		return;
	/* P goes first, so the entry is never present with a cleared AW. */
	vtd_store(&ce[0], 0);
	vtd_store(&ce[1], 0);
	vtd_written(t, ce, VTD_ENTRY_BYTES);
}

enum vtd_fault vtd_walk(uint64_t root, uint8_t bus, uint8_t devfn,
                        uint64_t iova, bool write, uint64_t *hpa)
{
	/* SL access rights (VTD-FACTS §5 "SL PTE", VT-d spec §3.6): a write
	 * needs W, a read needs R, at every level of the walk. */
	const uint64_t need = write ? VTDE_W : VTDE_R;
	const enum vtd_fault denied = write ? VTD_FR_WRITE : VTD_FR_READ;
	const uint64_t *re, *ce;
	uint64_t lo, hi, table, e, size;
	unsigned aw, tt, level;

	/* Root entry by bus (fault 0x1). The spec's 0x8 "root-table address
	 * invalid" and 0x9 "context-table pointer invalid" are not reasons
	 * this walker reports: a zero root, or a present root entry with a
	 * zero pointer, count as no root entry. */
	if (!(root & VTD_ADDR_MASK))
		return VTD_FR_ROOT_NOT_PRESENT;
	re = vtd_entry(root, bus);
	if (!(re[0] & VTD_ROOT_P) || !(re[0] & VTD_ADDR_MASK))
		return VTD_FR_ROOT_NOT_PRESENT;

	/* Context entry by devfn (fault 0x2 when P is clear). */
	ce = vtd_entry(re[0], devfn);
	lo = ce[0];
	hi = ce[1];
	if (!(lo & VTD_CTX_P))
		return VTD_FR_CONTEXT_NOT_PRESENT;

	/* Fault 0x3, invalid context entry. TT 3 is reserved. TT 1 (device-
	 * TLB / ATS allowed, needs ECAP.DT) and TT 2 (pass-through, needs
	 * ECAP.PT) are valid on units that support them, but BareGT never
	 * programs them and this walker implements translation (TT 0) only,
	 * so it reports them as invalid too. AW values other than 1 and 2
	 * (3 = 57-bit, 5 levels; 0, 4..7 reserved) and a zero SL root are
	 * refused likewise. */
	tt = (unsigned)((lo >> VTD_CTX_TT_SHIFT) & VTD_CTX_TT_MASK);
	aw = (unsigned)(hi & VTD_CTX_AW_MASK);
	table = lo & VTD_ADDR_MASK;
	if (tt != VTD_TT_TRANSLATE || !vtd_aw_supported(aw) || table == 0)
		return VTD_FR_CONTEXT_INVALID;

	/* Fault 0x4: the IOVA does not fit the domain's 30 + 9·AW bits. */
	if (iova >> vtd_aw_width(aw))
		return VTD_FR_BEYOND_AGAW;

	/* AW + 2 levels of SL tables; a level-L entry covers 4 KiB << 9(L-1)
	 * (VTD-FACTS §5 "AGAW math"). */
	for (level = vtd_aw_levels(aw);; level--) {
		unsigned shift = 12u + VTD_SL_INDEX_BITS * (level - 1u);

		size = 1ull << shift;
		e = ((const uint64_t *)(uintptr_t)table)
		        [(iova >> shift) & ((1u << VTD_SL_INDEX_BITS) - 1u)];

		/* An entry is present iff R or W is set; a not-present entry
		 * faults as the access was (0x5 write, 0x6 read), and so does
		 * a present one lacking the right the access needs. Both come
		 * down to one test: the needed bit is clear. */
		if (!(e & need))
			return denied;

		/* A leaf: level 1, or PS in a level-2 (2 MiB) or level-3
		 * (1 GiB) entry. Whether the unit supports the large page
		 * (CAP.SLLPS) is the table builder's concern. PS in a
		 * level-4 entry is reserved; the builder never sets it, and
		 * this walker takes such an entry as a table pointer. */
		if (level == 1 || ((level == 2 || level == 3) && (e & VTD_SL_PS)))
			break;

		/* Fault 0x7: a present table entry pointing at address 0. */
		table = e & VTD_ADDR_MASK;
		if (table == 0)
			return VTD_FR_NEXT_LEVEL;
	}

	/* Frame + offset. In a large-page entry the address bits below the
	 * page size are reserved; they are masked as hv/paging.c does. */
	if (hpa)
		*hpa = (e & VTD_ADDR_MASK & ~(size - 1)) | (iova & (size - 1));
	return VTD_OK;
}

const char *vtd_fault_name(enum vtd_fault f)
{
	return f == VTD_OK ? "ok" : vtd_fault_reason_name((uint8_t)f);
}

const char *vtd_fault_reason_name(uint8_t reason)
{
	switch (reason) {
	case VTD_FR_ROOT_NOT_PRESENT:    return "root entry not present";
	case VTD_FR_CONTEXT_NOT_PRESENT: return "context entry not present";
	case VTD_FR_CONTEXT_INVALID:     return "invalid context entry";
	case VTD_FR_BEYOND_AGAW:         return "address beyond AGAW";
	case VTD_FR_WRITE:               return "write to non-writable page";
	case VTD_FR_READ:                return "read from non-readable page";
	case VTD_FR_NEXT_LEVEL:          return "next-level pointer invalid";
	/* Reasons the walker never gives, but a unit records. */
	case 0x8:  return "root-table address invalid";
	case 0x9:  return "context-table pointer invalid";
	case 0xa:  return "reserved bits in root entry";
	case 0xb:  return "reserved bits in context entry";
	case 0xc:  return "reserved bits in page-table entry";
	case 0xd:  return "translation type blocks the request";
	case 0x20: return "interrupt: reserved bits in remapped request";
	case 0x21: return "interrupt: index beyond the IR table";
	case 0x22: return "interrupt: IR table entry not present";
	case 0x23: return "interrupt: IR table access error";
	case 0x24: return "interrupt: reserved bits in IR table entry";
	case 0x25: return "interrupt: compatibility format blocked";
	case 0x26: return "interrupt: source-ID verification failed";
	}
	return "unknown reason";
}
