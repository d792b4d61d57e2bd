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
#include <stddef.h>
#include "hv/paging.h"
#include "iommu/vtd.h"
#include "iommu/vtd_tables.h"

struct acpi_info;

/* What iommu.c needs of the machine (iommu/iommu_hw.c gives the real
 * one; the unit tests give register-level models of the units). */
struct iommu_platform {
	/* Make [base, base + size) of a unit's registers reachable; fills
	 * how to access them. Called with one page first, then the span
	 * the unit's CAP/ECAP ask for. false: cannot. */
	bool (*map_unit)(void *ctx, uint64_t base, uint64_t size,
	                 struct vtd_mmio *out);
	/* A zeroed 4 KiB page reachable by the units (HPA), 0 if none. */
	uint64_t (*alloc_page)(void *ctx);
	/* Write [p, p + len) back to memory (CLFLUSH), for units whose
	 * walks do not snoop. */
	pt_written_fn flush;
	void *ctx;
};

struct iommu_domain {
	struct pt sl;              /* second-level tables, pt_format_vtd */
	uint16_t did;
};

/*
 * Find the units (DMAR from the ACPI scan, may be NULL), take each over
 * as the firmware left it (faults cleared, event interrupts masked,
 * queued invalidation and interrupt remapping off), build the tables.
 * Units the firmware left translating get BareGT's tables at once (with
 * identity domains for their RMRR devices); others stay off until a
 * device behind them is attached (docs/hardware.md, "VT-d").
 * registers_only: never use queued invalidation. Logs what it finds and
 * does. false only when out of memory.
 */
bool iommu_init(const struct acpi_info *ai, bool registers_only);
/* The same on any platform, with the DMAR table's bytes (NULL: none). */
bool iommu_init_platform(const struct iommu_platform *hw, const void *dmar,
                         size_t len, bool registers_only);
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

/* bus:devfn's DMA now goes through d (its context entry); the unit that
 * covers it translates from the next iommu_sync on. */
bool iommu_attach(struct iommu_domain *d, uint8_t bus, uint8_t devfn);

/* Turn translation on for the units that now cover an attached device
 * (identity domains first for the other devices their RMRRs name), and
 * invalidate the context cache and IOTLB of every unit that translates.
 * Table writes reached memory already (CLFLUSH of the changed lines for
 * non-coherent units, through the tables' written hooks). false when a
 * unit that should translate could not, or an invalidation timed out. */
bool iommu_sync(void);

/* What the hardware would do with this DMA (the software walker). */
enum vtd_fault iommu_translate(uint8_t bus, uint8_t devfn, uint64_t iova,
                               bool write, uint64_t *hpa);

/* Read and clear the fault records of every unit that translates; log
 * each distinct fault once (a storm is counted, not logged: see
 * iommu/vtd_faults.h). Returns how many were read. One register read
 * per translating unit when nothing is pending. */
unsigned iommu_poll_faults(void);
/* A last poll, then per translating unit the run's totals. */
void iommu_report_faults(void);
/* Whose is a fault? The owner of a domain (the GPU's: gpu/gpu_dma.c)
 * names the VM whose memory a source's address falls in, or NULL; the
 * poll then logs it with the fault. */
void iommu_set_fault_owner(const char *(*owner)(void *ctx, uint16_t sid,
                                                uint64_t iova),
                           void *ctx);

/* QEMU self-test: leave every translating unit as a laptop's firmware
 * does (queued invalidation and translation on from before, interrupt
 * remapping on, faults pending), then take it over and turn it on again
 * as at boot. true when every one came back. */
bool iommu_selftest_handoff(void);

#endif
