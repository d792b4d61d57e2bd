/*
 * gpu/gen9_probe.c — the hardware backend's checks of the GPU at 00:02.0
 * (gpu/gen9_probe.h). Each failed check is a clear reason in out->why;
 * the caller then leaves the GPU alone (the software model stands in,
 * at a free PCI address) and BareGT never maps its BARs, writes its GGTT
 * or gives it a VT-d domain. Register facts: GEN9-FACTS §1; PCI header:
 * PCI Local Bus Spec 3.0 §6.1, §6.2.5.1. Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include "gpu/gen9.h"
#include "gpu/gen9_probe.h"
#include "hv/config/config.h"
#include "hv/dev/vpci.h"

#define GEN9_VENDOR_NONE   0xffffu
#define PCI_CLASS_DISPLAY  0x03u          /* base class, bits 31:24 of 0x08 */
#define GGMS_MASK          0x3u           /* GMCH bits 7:6 */
#define GGTT_PAGE          4096ull
#define MIB                (1ull << 20)

typedef unsigned long long ull;

uint64_t gen9_ggtt_bytes(uint16_t gmch)
{
	unsigned ggms = (gmch >> GEN9_GMCH_GGMS_SHIFT) & GGMS_MASK;

	if (ggms == 0)
		return 0;
	return (MIB << ggms) / GEN9_GGTT_PTE_BYTES * GGTT_PAGE;
}

static enum gen9_probe_status say(struct gen9_probe_out *out,
                                  enum gen9_probe_status st, const char *fmt,
                                  ...) __attribute__((format(printf, 3, 4)));

static enum gen9_probe_status say(struct gen9_probe_out *out,
                                  enum gen9_probe_status st, const char *fmt,
                                  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return st;
}

static bool is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The boot framebuffer (GOP) against the aperture: when it is in BAR2,
 * the display scans it out through GGTT entries from GM fb - BAR2 up,
 * which must lie in the host's part of GM (docs/hardware.md). */
static enum gen9_probe_status check_fb(const struct gen9_probe_in *in,
                                       struct gen9_probe_out *out)
{
	uint64_t size = in->fb_size ? in->fb_size : GGTT_PAGE;
	char keep[24];

	if (in->fb_base == 0)
		return GEN9_PROBE_OK;
	if (in->fb_base < out->bar2 || in->fb_base - out->bar2 >= out->aperture) {
		out->fb_elsewhere = true;
		return GEN9_PROBE_OK;
	}
	out->fb_gm = in->fb_base - out->bar2;
	out->fb_gm_size = (size + GGTT_PAGE - 1) / GGTT_PAGE * GGTT_PAGE;
	if (out->fb_gm_size > in->host_low ||
	    out->fb_gm > in->host_low - out->fb_gm_size)
		return say(out, GEN9_PROBE_REFUSED, "the GOP framebuffer at GM"
		           " [%#llx, %#llx) reaches beyond the %s of aperture the"
		           " host keeps: a VM's window would cover the live"
		           " scanout", (ull)out->fb_gm,
		           (ull)(out->fb_gm + out->fb_gm_size),
		           config_format_size(in->host_low, keep, sizeof(keep)));
	return GEN9_PROBE_OK;
}

enum gen9_probe_status gen9_probe(const struct gen9_probe_in *in,
                                  struct gen9_probe_out *out)
{
	const struct pci_cfg *c = in->cfg;
	uint32_t cls;
	uint16_t cmd;
	char size[24];

	*out = (struct gen9_probe_out){ 0 };
	out->vendor = pci_cfg_read16(c, in->bus, in->devfn, PCI_VENDOR_ID);
	out->device_id = pci_cfg_read16(c, in->bus, in->devfn, PCI_DEVICE_ID);
	if (out->vendor == GEN9_VENDOR_NONE)
		return say(out, GEN9_PROBE_NONE, "no device");
	cls = pci_cfg_read32(c, in->bus, in->devfn, PCI_REVISION) >> 8;
	if (out->vendor != GEN9_VENDOR_INTEL || cls >> 16 != PCI_CLASS_DISPLAY)
		return say(out, GEN9_PROBE_NONE, "%04x:%04x class %06x, not an"
		           " Intel display controller", out->vendor,
		           out->device_id, cls);
	out->dev = gen9_device_lookup(out->device_id);
	if (out->dev == NULL)
		return say(out, GEN9_PROBE_REFUSED, "Intel display controller"
		           " %#06x is not a Gen9/Gen9.5 GPU BareGT knows",
		           out->device_id);
	out->gmch = pci_cfg_read16(c, in->bus, in->devfn, GEN9_PCI_GMCH_CTRL);
	out->ggtt_total = gen9_ggtt_bytes(out->gmch);
	if (out->ggtt_total == 0)
		return say(out, GEN9_PROBE_REFUSED, "GMCH control %#06x has GGMS"
		           " = 0: the firmware gave the GPU no GTT", out->gmch);
	out->bar0 = pci_cfg_bar(c, in->bus, in->devfn, GEN9_BAR0);
	out->bar2 = pci_cfg_bar(c, in->bus, in->devfn, GEN9_BAR2);
	if (out->bar0 == 0 || out->bar2 == 0)
		return say(out, GEN9_PROBE_REFUSED, "BAR%u (%s) is not assigned",
		           out->bar0 == 0 ? GEN9_BAR0 : GEN9_BAR2,
		           out->bar0 == 0 ? "GTTMMADR" : "GMADR, the aperture");
	cmd = pci_cfg_read16(c, in->bus, in->devfn, PCI_COMMAND);
	if (!(cmd & PCI_CMD_MEM))
		return say(out, GEN9_PROBE_REFUSED, "memory decoding is off"
		           " (command %#06x): the firmware left the GPU disabled",
		           cmd);
	out->bar0_size = pci_cfg_bar_size(c, in->bus, in->devfn, GEN9_BAR0);
	out->aperture = pci_cfg_bar_size(c, in->bus, in->devfn, GEN9_BAR2);
	if (out->bar0_size != GEN9_BAR0_SIZE)
		return say(out, GEN9_PROBE_REFUSED, "BAR0 (GTTMMADR) is %s, not"
		           " 16M", config_format_size(out->bar0_size, size,
		                                     sizeof(size)));
	if (!is_pow2(out->aperture) || out->aperture > out->ggtt_total)
		return say(out, GEN9_PROBE_REFUSED, "the aperture (BAR2) is %s,"
		           " not a power of two within the GGTT's %lluM",
		           config_format_size(out->aperture, size, sizeof(size)),
		           (ull)(out->ggtt_total / MIB));
	return check_fb(in, out);
}

bool gen9_model_devfn(const struct pci_cfg *cfg, uint8_t *devfn)
{
	unsigned dev;

	for (dev = 2; dev < VPCI_DEVS; dev++) {
		if (!pci_cfg_present(cfg, 0, PCI_DEVFN(dev, 0))) {
			*devfn = PCI_DEVFN(dev, 0);
			return true;
		}
	}
	return false;
}
