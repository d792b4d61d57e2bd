/*
 * iommu/vtd_plan.c — the decision of iommu/vtd_plan.h: roles of the
 * units, the common table width (CAP.SAGAW, VTD-FACTS §3; AW codes §5),
 * and the RMRR devices (VTD-FACTS §1 "RMRR", §8 "RMRRs") that keep their
 * ranges on a unit that translates.
 */
#include <string.h>
#include "iommu/vtd_plan.h"
#include "iommu/vtd_tables.h"

/* CAP.SAGAW bits (VTD-FACTS §3): bit 1 = 39-bit / 3-level, bit 2 =
 * 48-bit / 4-level. */
#define SAGAW_39  (1u << 1)
#define SAGAW_48  (1u << 2)

static unsigned plan_nunits(const struct dmar_info *d)
{
	return d->nunits < DMAR_MAX_UNITS ? d->nunits : DMAR_MAX_UNITS;
}

static void plan_width(const struct dmar_info *d, const struct vtd_plan_unit *in,
                       struct vtd_plan *out)
{
	unsigned n = plan_nunits(d), i, n39 = 0, n48 = 0, nwalk = 0, want;
	int first = -1, peer = -1;

	for (i = 0; i < n; i++) {
		if (!in[i].usable)
			continue;
		if (!(in[i].sagaw & (SAGAW_39 | SAGAW_48))) {
			out->width_refused[i] = true;        /* 57-bit only, or none */
			continue;
		}
		nwalk++;
		n39 += (in[i].sagaw & SAGAW_39) != 0;
		n48 += (in[i].sagaw & SAGAW_48) != 0;
		if (first < 0)
			first = (int)i;
	}
	if (nwalk == 0)
		return;                                  /* out->aw stays 0 */
	if (n39 == nwalk)
		want = SAGAW_39;
	else if (n48 == nwalk)
		want = SAGAW_48;
	else if (n39 != n48)
		want = n39 > n48 ? SAGAW_39 : SAGAW_48;
	else
		want = (in[first].sagaw & SAGAW_39) ? SAGAW_39 : SAGAW_48;
	out->aw = want == SAGAW_39 ? VTD_AW_39BIT : VTD_AW_48BIT;
	for (i = 0; i < n && peer < 0; i++)
		if (in[i].usable && (in[i].sagaw & want))
			peer = (int)i;
	for (i = 0; i < n; i++)
		if (in[i].usable && !out->width_refused[i] && !(in[i].sagaw & want)) {
			out->width_refused[i] = true;
			out->width_peer[i] = peer;
		}
}

static int plan_unit_of(const struct dmar_info *d, uint8_t bus, uint8_t devfn)
{
	const struct dmar_unit *u = dmar_unit_for(d, bus, devfn);

	return u ? (int)(u - d->unit) : -1;
}

static bool plan_is_attached(const struct vtd_pci_dev *a, unsigned n,
                             uint8_t bus, uint8_t devfn)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (a[i].bus == bus && a[i].devfn == devfn)
			return true;
	return false;
}

static void plan_identity(const struct dmar_info *d, const struct vtd_pci_dev *a,
                          unsigned na, struct vtd_plan *out)
{
	unsigned n = d->nrmrr < DMAR_MAX_RMRR ? d->nrmrr : DMAR_MAX_RMRR;
	unsigned r, k, i;

	for (r = 0; r < n; r++) {
		const struct dmar_rmrr *rm = &d->rmrr[r];
		unsigned ns = rm->nscope < DMAR_MAX_SCOPES ? rm->nscope : DMAR_MAX_SCOPES;

		for (k = 0; k < ns; k++) {
			const struct dmar_scope *s = &rm->scope[k];
			uint8_t devfn;
			int unit;
			bool known = false;

			/* One function named directly (start bus, one pair);
			 * anything below a bridge needs the bridges' bus
			 * numbers, which BareGT (bus 0 only) does not read. */
			if (rm->segment != 0 || s->type != DMAR_SCOPE_ENDPOINT ||
			    s->npath != 1) {
				out->unresolved++;
				continue;
			}
			devfn = (uint8_t)(s->path[0].dev << 3 | s->path[0].fn);
			unit = plan_unit_of(d, s->bus, devfn);
			if (unit < 0 || (out->role[unit] != VTD_ROLE_TRANSLATE &&
			                 out->role[unit] != VTD_ROLE_CONTAIN) ||
			    plan_is_attached(a, na, s->bus, devfn))
				continue;
			for (i = 0; i < out->nidentity; i++)
				known |= out->identity[i].bus == s->bus &&
				         out->identity[i].devfn == devfn;
			if (known)
				continue;
			if (out->nidentity == VTD_PLAN_MAX_IDENTITY) {
				out->identity_dropped++;
				continue;
			}
			out->identity[out->nidentity++] = (struct vtd_plan_identity){
				.bus = s->bus, .devfn = devfn, .unit = (unsigned)unit,
			};
		}
	}
}

void vtd_plan_compute(const struct dmar_info *d, const struct vtd_plan_unit *in,
                      const struct vtd_pci_dev *attached, unsigned nattached,
                      struct vtd_plan *out)
{
	unsigned n = plan_nunits(d), i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < DMAR_MAX_UNITS; i++)
		out->width_peer[i] = -1;
	plan_width(d, in, out);
	for (i = 0; i < n; i++)
		out->role[i] = (in[i].usable && !out->width_refused[i]) ?
		               (in[i].fw_translating ? VTD_ROLE_CONTAIN : VTD_ROLE_IDLE) :
		               VTD_ROLE_OFF;
	for (i = 0; i < nattached; i++) {
		int unit = plan_unit_of(d, attached[i].bus, attached[i].devfn);

		if (unit >= 0 && out->role[unit] != VTD_ROLE_OFF)
			out->role[unit] = VTD_ROLE_TRANSLATE;
	}
	plan_identity(d, attached, nattached, out);
}
