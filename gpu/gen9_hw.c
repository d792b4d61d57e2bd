/*
 * gpu/gen9_hw.c — the hardware backend: a real Intel Gen9 GPU at PCI
 * 00:02.0. BAR0 (GTTMMADR: registers and the GGTT) and BAR2 (the
 * aperture) are mapped uncached into the hypervisor; the GGTT size comes
 * from GMCH control GGMS, the aperture size from sizing BAR2 (GEN9-FACTS
 * §1). The register sequences themselves (forcewake, GGTT writes and
 * their flush) are gpu/gen9_gt.c's, shared with the software model and
 * unit-tested there. Not yet run on hardware (none here).
 */
#include <string.h>
#include "gpu/backend.h"
#include "gpu/gen9.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "hv/pci.h"

#define GPU_DEVFN     PCI_DEVFN(2, 0)
#define PCI_CMD       0x04
#define PCI_CMD_MEM   0x2

static volatile uint8_t *hw_bar0, *hw_bar2;

static uint32_t hw_read32(void *ctx, uint32_t off)
{
	(void)ctx;
	return *(volatile uint32_t *)(hw_bar0 + off);
}

static void hw_write32(void *ctx, uint32_t off, uint32_t v)
{
	(void)ctx;
	*(volatile uint32_t *)(hw_bar0 + off) = v;
}

static uint64_t hw_read64(void *ctx, uint32_t off)
{
	(void)ctx;
	return *(volatile uint64_t *)(hw_bar0 + off);
}

static void hw_write64(void *ctx, uint32_t off, uint64_t v)
{
	(void)ctx;
	*(volatile uint64_t *)(hw_bar0 + off) = v;
}

static const struct gen9_mmio hw_mmio = {
	hw_read32, hw_write32, hw_read64, hw_write64, NULL,
};

static bool hw_aperture(void *ctx, uint64_t off, unsigned size, bool write,
                        uint64_t *value)
{
	volatile uint8_t *p = hw_bar2 + off;

	(void)ctx;
	if (size == 1 && write)
		*p = (uint8_t)*value;
	else if (size == 1)
		*value = *p;
	else if (size == 2 && write)
		*(volatile uint16_t *)p = (uint16_t)*value;
	else if (size == 2)
		*value = *(volatile uint16_t *)p;
	else if (size == 4 && write)
		*(volatile uint32_t *)p = (uint32_t)*value;
	else if (size == 4)
		*value = *(volatile uint32_t *)p;
	else if (size == 8 && write)
		*(volatile uint64_t *)p = *value;
	else if (size == 8)
		*value = *(volatile uint64_t *)p;
	else
		return false;
	return true;
}

static bool gen9_known(uint16_t device)
{
	static const uint16_t ids[] = GEN9_GT2_DEVICE_IDS;
	unsigned i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == device)
			return true;
	return false;
}

/* BAR sizing (write all-ones, read the mask) with memory decoding off. */
static uint64_t hw_bar_size(unsigned index)
{
	uint16_t off = (uint16_t)(0x10 + 4 * index), cmd = pci_read16(0, GPU_DEVFN, PCI_CMD);
	uint32_t lo = pci_read32(0, GPU_DEVFN, off), hi = pci_read32(0, GPU_DEVFN, off + 4);
	uint64_t mask;

	pci_write16(0, GPU_DEVFN, PCI_CMD, cmd & ~PCI_CMD_MEM);
	pci_write32(0, GPU_DEVFN, off, ~0u);
	pci_write32(0, GPU_DEVFN, off + 4, ~0u);
	mask = ((uint64_t)pci_read32(0, GPU_DEVFN, off + 4) << 32) |
	       (pci_read32(0, GPU_DEVFN, off) & ~0xfu);
	pci_write32(0, GPU_DEVFN, off, lo);
	pci_write32(0, GPU_DEVFN, off + 4, hi);
	pci_write16(0, GPU_DEVFN, PCI_CMD, cmd);
	return ~mask + 1;
}

bool gen9_hw_probe(struct gpu_backend *be)
{
	uint32_t id = pci_read32(0, GPU_DEVFN, 0), cls = pci_read32(0, GPU_DEVFN, 8) >> 8;
	uint16_t gmch;
	uint64_t bar0, bar2;

	if ((id & 0xffff) != GEN9_VENDOR_INTEL || (cls >> 16) != 0x03)
		return false;
	if (!gen9_known((uint16_t)(id >> 16))) {
		log_warn("gpu: Intel display controller %#x at 00:02.0 is not a Gen9"
		         " GT2 BareGT knows; using the software model", id >> 16);
		return false;
	}
	gmch = pci_read16(0, GPU_DEVFN, GEN9_PCI_GMCH_CTRL);
	bar0 = pci_bar(0, GPU_DEVFN, GEN9_BAR0);
	bar2 = pci_bar(0, GPU_DEVFN, GEN9_BAR2);
	memset(be, 0, sizeof(*be));
	be->name = "Intel Gen9 GPU (hardware)";
	be->device_id = (uint16_t)(id >> 16);
	be->gm.aperture = hw_bar_size(GEN9_BAR2);
	be->gm.total = ((1ull << ((gmch >> GEN9_GMCH_GGMS_SHIFT) & 3)) << 20) /
	               GEN9_GGTT_PTE_BYTES * 4096;
	be->gm.fences = GEN9_NUM_FENCES;
	be->bus = 0;
	be->devfn = GPU_DEVFN;
	mmu_map_mmio(bar0, GEN9_BAR0_SIZE);
	mmu_map_mmio(bar2, be->gm.aperture);
	hw_bar0 = (volatile uint8_t *)(uintptr_t)bar0;
	hw_bar2 = (volatile uint8_t *)(uintptr_t)bar2;
	be->mmio = &hw_mmio;
	be->aperture = hw_aperture;
	return true;
}
