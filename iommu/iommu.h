/*
 * iommu/iommu.h — DMA remapping for the machine (docs/iommu.md): the
 * VT-d units found in ACPI DMAR, one set of root/context tables they all
 * use, domains (second-level tables), attaching a PCI function to a
 * domain, the software walker over the live tables, fault polling. Where
 * the machine has no VT-d (Bochs) everything but the hardware is still
 * built, and DMA of the GPU model goes through the walker.
 */
#ifndef BAREGT_IOMMU_IOMMU_H
#define BAREGT_IOMMU_IOMMU_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/paging.h"
#include "iommu/vtd_tables.h"

struct acpi_info;

struct iommu_domain {
	struct pt sl;              /* second-level tables, pt_format_vtd */
	uint16_t did;
};

/* Find and probe the units (DMAR from the ACPI scan, may be NULL), build
 * the tables. registers_only: never use queued invalidation. Logs what it
 * finds. false only when out of memory. */
bool iommu_init(const struct acpi_info *ai, bool registers_only);
/* Is there remapping hardware at all? */
bool iommu_hardware(void);
/* Is DMA from bus:devfn translated right now by a unit that is up
 * (translation on, BareGT's root table installed)? A real device's DMA
 * addresses may be IOVAs only when this is true. */
bool iommu_translates(uint8_t bus, uint8_t devfn);

/* Page sizes a domain's second-level tables may use: superpages where
 * every unit's CAP.SLLPS allows them, or 4 KiB only (docs/hardware.md
 * says why the graphics domain of Skylake-era GPUs uses 4 KiB). */
enum iommu_pages {
	IOMMU_PAGES_ANY,
	IOMMU_PAGES_4K,
};

bool iommu_domain_init(struct iommu_domain *d, uint16_t did,
                       enum iommu_pages pages);
bool iommu_domain_map(struct iommu_domain *d, uint64_t iova, uint64_t hpa,
                      uint64_t size, bool writable);
bool iommu_domain_unmap(struct iommu_domain *d, uint64_t iova, uint64_t size);

/* Identity-map into d every RMRR whose scope names bus:devfn (firmware
 * keeps using those ranges for the device, VTD-FACTS §8). Returns how
 * many, or -1 when a mapping failed. */
int iommu_map_rmrrs(struct iommu_domain *d, uint8_t bus, uint8_t devfn);

/* bus:devfn's DMA now goes through d. */
bool iommu_attach(struct iommu_domain *d, uint8_t bus, uint8_t devfn);

/* Make table changes visible to the hardware (cache lines, context
 * cache, IOTLB) and turn translation on where it is not yet. */
bool iommu_sync(void);

/* What the hardware would do with this DMA (the software walker). */
enum vtd_fault iommu_translate(uint8_t bus, uint8_t devfn, uint64_t iova,
                               bool write, uint64_t *hpa);

/* Log and clear the units' fault records; returns how many. */
unsigned iommu_poll_faults(void);

#endif
