/*
 * iommu/vtd_plan.h — which remapping units BareGT turns translation on
 * for, with which table width, and which devices get an identity domain
 * of their RMRRs. Pure: computed from the parsed DMAR, what each unit
 * supports and how the firmware left it, and the devices BareGT has
 * attached to a domain (the GPU; edu in the QEMU self-test).
 *
 * The rules (docs/hardware.md, "VT-d"):
 *   - a unit whose scope covers an attached device translates
 *     (TRANSLATE); every other device behind it is blocked, except those
 *     an RMRR names, which keep their RMRR ranges 1:1 (firmware, e.g.
 *     SMM driving the xHCI for a legacy USB keyboard, keeps using them);
 *   - a unit that covers none is left as found when its translation was
 *     off (IDLE); when the firmware left translation on, its tables live
 *     in memory BareGT reuses, so BareGT installs its own with the same
 *     RMRR identity domains (CONTAIN) rather than leave stale tables live;
 *   - every domain uses one table width, which every unit that may
 *     translate must walk (CAP.SAGAW): 39-bit if all have it, else 48-bit
 *     if all have it, else the one more units have (a tie goes to the
 *     width of the first unit listed, normally the graphics unit, as
 *     INCLUDE_PCI_ALL comes last); a unit without it is OFF.
 */
#ifndef BAREGT_IOMMU_VTD_PLAN_H
#define BAREGT_IOMMU_VTD_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include "iommu/dmar.h"

#define VTD_PLAN_MAX_IDENTITY 8    /* devices with an RMRR identity domain */

struct vtd_pci_dev {
	uint8_t bus, devfn;
};

/* One per DMAR unit, same index as dmar_info.unit[]. */
struct vtd_plan_unit {
	bool usable;                /* probed and taken over */
	unsigned sagaw;             /* CAP.SAGAW: bit 1 39-bit, bit 2 48-bit */
	bool fw_translating;        /* GSTS.TES at hand-off */
};

enum vtd_role {
	VTD_ROLE_OFF,               /* unusable, or no common width */
	VTD_ROLE_IDLE,              /* nothing of BareGT's: left as found */
	VTD_ROLE_TRANSLATE,         /* covers an attached device */
	VTD_ROLE_CONTAIN,           /* firmware's translation replaced */
};

struct vtd_plan_identity {
	uint8_t bus, devfn;
	unsigned unit;              /* the unit that covers it */
};

struct vtd_plan {
	unsigned aw;                /* VTD_AW_39BIT / VTD_AW_48BIT; 0: none */
	enum vtd_role role[DMAR_MAX_UNITS];
	/* OFF because of the width: a unit that has the chosen width, or -1
	 * when this unit walks neither 39- nor 48-bit tables. */
	bool width_refused[DMAR_MAX_UNITS];
	int width_peer[DMAR_MAX_UNITS];
	unsigned nidentity;
	struct vtd_plan_identity identity[VTD_PLAN_MAX_IDENTITY];
	unsigned identity_dropped;  /* RMRR devices beyond the limit */
	unsigned unresolved;        /* RMRR scopes not naming one function
	                             * directly (bridges, paths through them,
	                             * other segments): not identity-mapped */
};

void vtd_plan_compute(const struct dmar_info *d, const struct vtd_plan_unit *in,
                      const struct vtd_pci_dev *attached, unsigned nattached,
                      struct vtd_plan *out);

#endif
