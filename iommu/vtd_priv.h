/*
 * iommu/vtd_priv.h — what vtd.c and vtd_takeover.c share: register
 * access through the unit's struct vtd_mmio, and the GSTS handshakes.
 */
#ifndef BAREGT_IOMMU_VTD_PRIV_H
#define BAREGT_IOMMU_VTD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "iommu/vtd_regs.h"
#include "iommu/vtd.h"

static inline uint32_t vtd_rd32(const struct vtd_unit *u, uint32_t off)
{
	return u->mmio->read32(u->mmio->ctx, off);
}

static inline uint64_t vtd_rd64(const struct vtd_unit *u, uint32_t off)
{
	return u->mmio->read64(u->mmio->ctx, off);
}

static inline void vtd_wr32(const struct vtd_unit *u, uint32_t off, uint32_t v)
{
	u->mmio->write32(u->mmio->ctx, off, v);
}

static inline void vtd_wr64(const struct vtd_unit *u, uint32_t off, uint64_t v)
{
	u->mmio->write64(u->mmio->ctx, off, v);
}

/* Poll GSTS until (GSTS & bit) == want; false after u->spins reads. */
bool vtd_wait_gsts(const struct vtd_unit *u, uint32_t bit, bool want);
/* Turn one persistent enable (TE, QIE, IRE) on or off and wait for its
 * status. */
bool vtd_set_enable(struct vtd_unit *u, uint32_t bit, bool on);
/* err = "unit at BASE: STEP DETAIL". */
void vtd_fail(const struct vtd_unit *u, char *err, size_t errlen,
              const char *step, const char *detail);

#endif
