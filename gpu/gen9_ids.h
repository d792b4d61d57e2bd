/*
 * gpu/gen9_ids.h — the Intel Gen9 and Gen9.5 graphics devices BareGT
 * knows, one table (gpu/gen9_ids.c): PCI device ID, platform and GT
 * level. The hardware probe (gpu/gen9_probe.c) drives only these; the
 * config's vgpu_device accepts their GT2 members. Pure.
 */
#ifndef BAREGT_GPU_GEN9_IDS_H
#define BAREGT_GPU_GEN9_IDS_H

#include <stdbool.h>
#include <stdint.h>

enum gen9_platform {
	GEN9_SKL,       /* Skylake (Gen9) */
	GEN9_KBL,       /* Kaby Lake, incl. KBL-R (Gen9.5) */
	GEN9_AML,       /* Amber Lake Y (Gen9.5; i915 files it under KBL/CFL) */
	GEN9_CFL,       /* Coffee Lake (Gen9.5) */
	GEN9_WHL,       /* Whiskey Lake U (Gen9.5; i915: CFL) */
	GEN9_CML,       /* Comet Lake (Gen9.5) */
	GEN9_NPLATFORMS
};

struct gen9_device {
	uint16_t id;                /* PCI device ID (vendor 0x8086) */
	uint8_t platform;           /* enum gen9_platform */
	uint8_t gt;                 /* GT level 1..4 (GT1.5 counts as 1) */
};

extern const struct gen9_device gen9_devices[];
extern const unsigned gen9_ndevices;

/* The entry of a device ID, NULL if BareGT does not know it. */
const struct gen9_device *gen9_device_lookup(uint16_t id);

/* "SKL", "KBL", ...; "?" for a bad value. */
const char *gen9_platform_name(unsigned platform);

/* May a VT-d domain of this platform's GPU use 2 MiB / 1 GiB pages?
 * (docs/hardware.md, "The GPU": not on Skylake.) */
bool gen9_superpages_ok(const struct gen9_device *d);

/* Can a vGPU show this ID? The vGPU emulates a GT2 (one video engine):
 * only GT2 IDs of the table. */
bool gen9_vgpu_device_ok(uint16_t id);

#endif
