/*
 * iommu/dmar.h — the ACPI DMAR table (VTD-FACTS §1; VT-d spec §8): the
 * remapping units (DRHD) with their device scopes and INCLUDE_PCI_ALL,
 * the reserved memory regions (RMRR). Other structures (ATSR, RHSA, ANDD,
 * SATC) are counted and skipped. Pure: a malformed table is refused with
 * a reason, never read past its end.
 */
#ifndef BAREGT_IOMMU_DMAR_H
#define BAREGT_IOMMU_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAR_MAX_UNITS   8
#define DMAR_MAX_RMRR    8
#define DMAR_MAX_SCOPES  16     /* per structure */
#define DMAR_MAX_PATH    4      /* (device, function) pairs per scope */

#define DMAR_FLAG_INTR_REMAP   (1u << 0)
#define DMAR_DRHD_INCLUDE_ALL  (1u << 0)

enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1,
	DMAR_SCOPE_BRIDGE = 2,
	DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4,
	DMAR_SCOPE_ACPI = 5,
};

struct dmar_scope {
	uint8_t type;
	uint8_t enum_id;
	uint8_t bus;                    /* start bus */
	uint8_t npath;
	struct { uint8_t dev, fn; } path[DMAR_MAX_PATH];
};

struct dmar_unit {                      /* DRHD */
	uint64_t base;                  /* register base (HPA) */
	uint8_t flags;
	uint8_t size_log2;              /* register set = 2^N x 4 KiB */
	uint16_t segment;
	bool include_all;
	unsigned nscope;
	struct dmar_scope scope[DMAR_MAX_SCOPES];
};

struct dmar_rmrr {
	uint64_t base, end;             /* end is inclusive */
	uint16_t segment;
	unsigned nscope;
	struct dmar_scope scope[DMAR_MAX_SCOPES];
};

struct dmar_info {
	uint8_t haw;                    /* host address width (field + 1) */
	uint8_t flags;
	unsigned nunits;
	struct dmar_unit unit[DMAR_MAX_UNITS];
	unsigned nrmrr;
	struct dmar_rmrr rmrr[DMAR_MAX_RMRR];
	unsigned nother;                /* ATSR, RHSA, ANDD, SATC, unknown */
};

/*
 * Parse len bytes of a DMAR table (ACPI header included). Checks: the
 * signature, the checksum, the length field against len, every structure
 * length (>= its fixed part, inside the table), every device-scope length
 * (>= 6, even, inside its structure), RMRR ranges (4 KiB aligned, end >
 * base), limits (units, RMRRs, scopes, path pairs), and that no PCI
 * endpoint is claimed by two units. On failure err says what and at
 * which table offset, and *out must not be used.
 */
bool dmar_parse(const void *table, size_t len, struct dmar_info *out,
                char *err, size_t errlen);

/* Does a scope name this PCI function directly (an endpoint whose path
 * is one pair from the start bus)? */
bool dmar_scope_is(const struct dmar_scope *s, uint8_t bus, uint8_t devfn);

/* The unit that translates bus:devfn on segment 0: one whose scope names
 * it, else the INCLUDE_PCI_ALL unit, else NULL. */
const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, uint8_t bus,
                                      uint8_t devfn);

#endif
