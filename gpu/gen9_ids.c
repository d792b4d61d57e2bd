/*
 * gpu/gen9_ids.c — the Gen9 / Gen9.5 device table (gpu/gen9_ids.h).
 *
 * Facts from Linux's include/drm/intel/pciids.h (formerly
 * include/drm/i915_pciids.h; torvalds/linux, 2025), the INTEL_*_IDS
 * lists: SKL GT1..GT4, KBL GT1..GT4, AML (the KBL- and CFL-based Y parts),
 * CFL S/H/U, WHL U, CML and CML U. GT levels follow the list each ID is
 * in (GT1.5 parts are in the GT1 lists; "GT2F" in the GT2 lists; GT3e in
 * GT3). i915 treats AML as KBL or CFL and WHL as CFL; the table names
 * them as Intel's product families do.
 *
 * Gen9 LP parts (Broxton/Apollo Lake 0x0A84, 0x1A84, 0x1A85, 0x5A84,
 * 0x5A85; Gemini Lake 0x3184, 0x3185) are left out on purpose: i915 maps
 * their GGTT uncached instead of write-combined and serialises GGTT
 * updates against aperture accesses while VT-d is on (GEN9-FACTS §2 "How
 * i915 writes", "VT-d interplay"), and Gemini Lake's graphics VT-d unit
 * faults with 2 MiB pages (docs/hardware.md); none of that is built, so
 * such a machine runs the software model.
 */
#include <stddef.h>
#include "gpu/gen9_ids.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const struct gen9_device gen9_devices[] = {
	/* SKL GT1 (ULT, ULX, DT, SRV, Halo; GT1.5) */
	{ 0x1906, GEN9_SKL, 1 }, { 0x1913, GEN9_SKL, 1 },
	{ 0x190E, GEN9_SKL, 1 }, { 0x1915, GEN9_SKL, 1 },
	{ 0x1902, GEN9_SKL, 1 }, { 0x190A, GEN9_SKL, 1 },
	{ 0x190B, GEN9_SKL, 1 }, { 0x1917, GEN9_SKL, 1 },
	/* SKL GT2 (ULT, ULT GT2F, ULX, DT, SRV, Halo, WKS) */
	{ 0x1916, GEN9_SKL, 2 }, { 0x1921, GEN9_SKL, 2 },
	{ 0x191E, GEN9_SKL, 2 }, { 0x1912, GEN9_SKL, 2 },
	{ 0x191A, GEN9_SKL, 2 }, { 0x191B, GEN9_SKL, 2 },
	{ 0x191D, GEN9_SKL, 2 },
	/* SKL GT3 / GT3e */
	{ 0x1923, GEN9_SKL, 3 }, { 0x1926, GEN9_SKL, 3 },
	{ 0x1927, GEN9_SKL, 3 }, { 0x192A, GEN9_SKL, 3 },
	{ 0x192B, GEN9_SKL, 3 }, { 0x192D, GEN9_SKL, 3 },
	/* SKL GT4 / GT4e */
	{ 0x1932, GEN9_SKL, 4 }, { 0x193A, GEN9_SKL, 4 },
	{ 0x193B, GEN9_SKL, 4 }, { 0x193D, GEN9_SKL, 4 },
	/* KBL GT1 (ULT, ULX, DT, Halo, SRV; GT1.5) */
	{ 0x5906, GEN9_KBL, 1 }, { 0x5913, GEN9_KBL, 1 },
	{ 0x590E, GEN9_KBL, 1 }, { 0x5915, GEN9_KBL, 1 },
	{ 0x5902, GEN9_KBL, 1 }, { 0x5908, GEN9_KBL, 1 },
	{ 0x590A, GEN9_KBL, 1 }, { 0x590B, GEN9_KBL, 1 },
	/* KBL GT2 (ULT, ULT GT2F, ULX, DT, mobile = KBL-R, SRV, Halo, WKS) */
	{ 0x5916, GEN9_KBL, 2 }, { 0x5921, GEN9_KBL, 2 },
	{ 0x591E, GEN9_KBL, 2 }, { 0x5912, GEN9_KBL, 2 },
	{ 0x5917, GEN9_KBL, 2 }, { 0x591A, GEN9_KBL, 2 },
	{ 0x591B, GEN9_KBL, 2 }, { 0x591D, GEN9_KBL, 2 },
	/* KBL GT3, GT4 */
	{ 0x5926, GEN9_KBL, 3 }, { 0x5923, GEN9_KBL, 3 },
	{ 0x5927, GEN9_KBL, 3 }, { 0x593B, GEN9_KBL, 4 },
	/* AML Y GT2 (KBL-based, CFL-based) */
	{ 0x591C, GEN9_AML, 2 }, { 0x87C0, GEN9_AML, 2 },
	{ 0x87CA, GEN9_AML, 2 },
	/* CFL S GT1, GT2 */
	{ 0x3E90, GEN9_CFL, 1 }, { 0x3E93, GEN9_CFL, 1 },
	{ 0x3E99, GEN9_CFL, 1 },
	{ 0x3E91, GEN9_CFL, 2 }, { 0x3E92, GEN9_CFL, 2 },
	{ 0x3E96, GEN9_CFL, 2 }, { 0x3E98, GEN9_CFL, 2 },
	{ 0x3E9A, GEN9_CFL, 2 },
	/* CFL H GT1, GT2 */
	{ 0x3E9C, GEN9_CFL, 1 },
	{ 0x3E94, GEN9_CFL, 2 }, { 0x3E9B, GEN9_CFL, 2 },
	/* CFL U GT2, GT3 */
	{ 0x3EA9, GEN9_CFL, 2 },
	{ 0x3EA5, GEN9_CFL, 3 }, { 0x3EA6, GEN9_CFL, 3 },
	{ 0x3EA7, GEN9_CFL, 3 }, { 0x3EA8, GEN9_CFL, 3 },
	/* WHL U GT1, GT2, GT3 */
	{ 0x3EA1, GEN9_WHL, 1 }, { 0x3EA4, GEN9_WHL, 1 },
	{ 0x3EA0, GEN9_WHL, 2 }, { 0x3EA3, GEN9_WHL, 2 },
	{ 0x3EA2, GEN9_WHL, 3 },
	/* CML GT1, CML U GT1 */
	{ 0x9BA2, GEN9_CML, 1 }, { 0x9BA4, GEN9_CML, 1 },
	{ 0x9BA5, GEN9_CML, 1 }, { 0x9BA8, GEN9_CML, 1 },
	{ 0x9B21, GEN9_CML, 1 }, { 0x9BAA, GEN9_CML, 1 },
	{ 0x9BAC, GEN9_CML, 1 },
	/* CML GT2, CML U GT2 */
	{ 0x9BC2, GEN9_CML, 2 }, { 0x9BC4, GEN9_CML, 2 },
	{ 0x9BC5, GEN9_CML, 2 }, { 0x9BC6, GEN9_CML, 2 },
	{ 0x9BC8, GEN9_CML, 2 }, { 0x9BE6, GEN9_CML, 2 },
	{ 0x9BF6, GEN9_CML, 2 },
	{ 0x9B41, GEN9_CML, 2 }, { 0x9BCA, GEN9_CML, 2 },
	{ 0x9BCC, GEN9_CML, 2 },
};

const unsigned gen9_ndevices = COUNT_OF(gen9_devices);

const struct gen9_device *gen9_device_lookup(uint16_t id)
{
	unsigned i;

	for (i = 0; i < gen9_ndevices; i++)
		if (gen9_devices[i].id == id)
			return &gen9_devices[i];
	return NULL;
}

const char *gen9_platform_name(unsigned platform)
{
	static const char *const names[GEN9_NPLATFORMS] = {
		[GEN9_SKL] = "SKL", [GEN9_KBL] = "KBL", [GEN9_AML] = "AML",
		[GEN9_CFL] = "CFL", [GEN9_WHL] = "WHL", [GEN9_CML] = "CML",
	};

	return platform < GEN9_NPLATFORMS ? names[platform] : "?";
}

/* Skylake's graphics VT-d unit has known trouble with superpages: i915
 * turned frame-buffer compression off under VT-d on SKL for it, and the
 * 2021 series "iommu/vt-d: Disable igfx iommu superpage on bxt/skl/glk"
 * (intel-gfx and iommu lists) turns them off for SKL (and the LP parts,
 * which are not in this table). Kaby Lake and later: no such reports. */
bool gen9_superpages_ok(const struct gen9_device *d)
{
	return d != NULL && d->platform != GEN9_SKL;
}

bool gen9_vgpu_device_ok(uint16_t id)
{
	const struct gen9_device *d = gen9_device_lookup(id);

	return d != NULL && d->gt == 2;
}
