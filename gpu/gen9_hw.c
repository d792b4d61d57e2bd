/*
 * gpu/gen9_hw.c — the hardware backend: a real Intel Gen9 / Gen9.5 GPU at
 * PCI 00:02.0 that passed gpu/gen9_probe.c's checks. BAR0 (GTTMMADR:
 * registers and the GGTT) and BAR2 (the aperture) are mapped uncached
 * into the hypervisor; the TSC is the clock of the register handshakes.
 * The register sequences themselves (forcewake, GGTT writes and their
 * flush) are gpu/gen9_gt.c's, shared with the software model and
 * unit-tested there. Not yet run on hardware (none here).
 */
#include "gpu/backend.h"
#include "gpu/gen9.h"
#include "hv/cpu.h"
#include "hv/mm.h"
#include "hv/mmu.h"

#define NS_PER_S  1000000000ull

static volatile uint8_t *hw_bar0, *hw_bar2;
static uint64_t hw_tsc_hz = NS_PER_S;     /* until started */

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

/* TSC ticks → ns without overflowing 64 bits: whole seconds, then the
 * remainder (< hz, so remainder x 10^9 < 2^64 for any hz below 18 GHz). */
static uint64_t hw_now_ns(void *ctx)
{
	uint64_t t = rdtsc();

	(void)ctx;
	return t / hw_tsc_hz * NS_PER_S + t % hw_tsc_hz * NS_PER_S / hw_tsc_hz;
}

/* One uncached (write-combined on the GSM) 64-bit store per entry, as
 * write64 would make them (GEN9-FACTS §2 "How i915 writes"). */
static void hw_fill64(void *ctx, uint32_t off, uint64_t v, uint64_t count)
{
	volatile uint64_t *p = (volatile uint64_t *)(hw_bar0 + off);
	uint64_t i;

	(void)ctx;
	for (i = 0; i < count; i++)
		p[i] = v;
}

static const struct gen9_mmio hw_mmio = {
	hw_read32, hw_write32, hw_read64, hw_write64, hw_now_ns, NULL, hw_fill64,
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

void gen9_hw_start(struct gpu_backend *be, const struct gen9_probe_out *p,
                   uint64_t tsc_hz)
{
	hw_tsc_hz = tsc_hz ? tsc_hz : NS_PER_S;
	mmu_map_mmio(p->bar0, p->bar0_size);
	mmu_map_mmio(p->bar2, p->aperture);
	hw_bar0 = (volatile uint8_t *)(uintptr_t)p->bar0;
	hw_bar2 = (volatile uint8_t *)(uintptr_t)p->bar2;
	*be = (struct gpu_backend){ 0 };
	be->name = "Intel Gen9 GPU (hardware)";
	be->hardware = true;
	be->device_id = p->device_id;
	be->dev = p->dev;
	be->gm = (struct gm_space){ p->aperture, p->ggtt_total, GEN9_NUM_FENCES };
	be->fb_gm = p->fb_gm;
	be->fb_gm_size = p->fb_gm_size;
	be->bus = 0;
	be->devfn = PCI_DEVFN(2, 0);
	be->mmio = &hw_mmio;
	be->aperture = hw_aperture;
}
