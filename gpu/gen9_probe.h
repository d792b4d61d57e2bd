/*
 * gpu/gen9_probe.h — may BareGT drive the GPU at 00:02.0? The checks of
 * the hardware backend on the device's configuration space, before any
 * of its memory is touched (docs/hardware.md, "The GPU"): a Gen9 / Gen9.5
 * ID of the table (gpu/gen9_ids.h), a GTT (GMCH GGMS != 0), BAR0 and BAR2
 * assigned and memory decoding on, BAR0 16 MiB, and the firmware's boot
 * framebuffer inside the part of the aperture the host keeps. Pure: over
 * a struct pci_cfg, so the unit tests feed it register-level models.
 */
#ifndef BAREGT_GPU_GEN9_PROBE_H
#define BAREGT_GPU_GEN9_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include "gpu/gen9_ids.h"
#include "hv/pci.h"

#define GEN9_PROBE_WHY_MAX  192

struct gen9_probe_in {
	const struct pci_cfg *cfg;
	uint8_t bus, devfn;
	uint64_t fb_base, fb_size;  /* the GOP framebuffer (HPA), 0: none */
	uint64_t host_low;          /* aperture bytes the host keeps (GM 0 up) */
};

enum gen9_probe_status {
	GEN9_PROBE_NONE,            /* no Intel display controller there */
	GEN9_PROBE_REFUSED,         /* an Intel GPU BareGT must not drive */
	GEN9_PROBE_OK,
};

struct gen9_probe_out {
	uint16_t vendor, device_id;
	const struct gen9_device *dev;  /* NULL unless the ID is known */
	uint16_t gmch;                  /* GMCH control (GGC) */
	uint64_t bar0, bar2;            /* HPAs */
	uint64_t bar0_size, aperture;   /* bytes */
	uint64_t ggtt_total;            /* GM bytes the GGTT maps */
	/* The boot framebuffer's GM range, when it is in this aperture:
	 * its entries stay as the firmware set them (live scanout). */
	uint64_t fb_gm, fb_gm_size;
	bool fb_elsewhere;              /* a framebuffer, not in BAR2 */
	char why[GEN9_PROBE_WHY_MAX];   /* NONE / REFUSED: what and why */
};

enum gen9_probe_status gen9_probe(const struct gen9_probe_in *in,
                                  struct gen9_probe_out *out);

/* GM bytes a GGTT of GGMS (GMCH bits 7:6) maps: 2^GGMS MiB of 8-byte
 * entries of 4 KiB each; 0 for GGMS = 0, which means no GTT at all
 * (GEN9-FACTS §1 "GGMS"). */
uint64_t gen9_ggtt_bytes(uint16_t gmch);

/* Where the software model stands for the IOMMU tables: a devfn on bus 0
 * with no real function behind it (a real device there would get the
 * model's DMA domain): 00:02.0 when that slot is empty, else the first
 * empty device number from 3 up, function 0. false when bus 0 is full. */
bool gen9_model_devfn(const struct pci_cfg *cfg, uint8_t *devfn);

#endif
