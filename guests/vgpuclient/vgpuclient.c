/*
 * guests/vgpuclient — the reference vGPU client: does, in order, what the
 * stock i915 driver does at probe on a GVT-g vGPU (../shared/DESIGN.md):
 * scan PCI through 0xCF8/0xCFC, find the Intel display function, size and
 * map BAR0, readq the PVINFO magic, readw version_major, readl the caps
 * and check those i915 needs on Gen9, read the four window fields and
 * apply i915's balloon check, read fence_num, write display_ready. Each
 * step prints PASS or FAIL. Then it exercises what the hypervisor records
 * (forcewake, fences, a PPGTT notification, BAR4 index/data).
 * cmdline "misbehave": afterwards write PVINFO's read-only fields and its
 * reserved rsv5 area, as a guest that cannot live with its partition.
 */
#include "guest.h"

#define PCI_ADDR      0xcf8
#define PCI_DATA      0xcfc
#define PVINFO        0x78000u
#define VGT_MAGIC     0x4776544776544776ull
#define CAP_FULL_PPGTT     (1u << 2)
#define CAP_HWSP_EMULATION (1u << 3)
#define BAR0_TARGET   0xf1000000ull   /* where the client maps BAR0 */
#define FW_RENDER     0xa278u
#define FW_ACK_RENDER 0x0d84u
#define FENCE(i)      (0x100000u + 8u * (i))

static unsigned gpu_dev;

static uint32_t pci_read(unsigned dev, unsigned reg)
{
	outl(PCI_ADDR, 0x80000000u | dev << 11 | (reg & 0xfc));
	return inl(PCI_DATA);
}

static void pci_write(unsigned dev, unsigned reg, uint32_t v)
{
	outl(PCI_ADDR, 0x80000000u | dev << 11 | (reg & 0xfc));
	outl(PCI_DATA, v);
}

static uint16_t pci_read16(unsigned dev, unsigned reg)
{
	outl(PCI_ADDR, 0x80000000u | dev << 11 | (reg & 0xfc));
	return inw((uint16_t)(PCI_DATA + (reg & 2)));
}

static uint64_t bar0;

static uint64_t mmio_read(uint32_t off, unsigned size)
{
	volatile void *p = (volatile void *)(uintptr_t)(bar0 + off);

	switch (size) {
	case 2: return *(volatile uint16_t *)p;
	case 4: return *(volatile uint32_t *)p;
	default: return *(volatile uint64_t *)p;
	}
}

static void mmio_write32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(bar0 + off) = v;
}

/* Step 0: the chipset a driver looks for (docs/platform.md, "PCI as i915
 * needs it"): the host bridge with MCHBAR on, the SPT-LP ISA bridge. */
static void check_chipset(void)
{
	check_eq("pci: host bridge 8086:191f at 00:00.0", pci_read(0, 0), 0x191f8086);
	check_eq("pci: host bridge class 0x0600", pci_read(0, 8) >> 16, 0x0600);
	check_eq("pci: mchbar enabled at 0xfed10000", pci_read(0, 0x48), 0xfed10001);
	pci_write(0, 0x48, 0x12340001);
	check_eq("pci: mchbar read-only", pci_read(0, 0x48), 0xfed10001);
	check_eq("pci: isa bridge 8086:9d48 at 00:1f.0", pci_read(0x1f, 0), 0x9d488086);
	check_eq("pci: isa bridge class 0x0601", pci_read(0x1f, 8) >> 16, 0x0601);
	check_eq("mchbar window reads 0", *(volatile uint32_t *)0xfed15da8ul, 0);
}

/* Step 1: find the Intel display function on bus 0. */
static bool find_gpu(void)
{
	unsigned dev;

	for (dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read(dev, 0), cls;
		if ((id & 0xffff) == 0xffff)
			continue;
		cls = pci_read(dev, 8) >> 8;
		printf("%s: pci 00:%02x.0 %04x:%04x class %06x\n", guest_name, dev,
		       id & 0xffff, id >> 16, cls);
		if ((id & 0xffff) == 0x8086 && (cls >> 16) == 0x03) {
			gpu_dev = dev;
			return check("pci: Intel display controller found", true);
		}
	}
	return check("pci: Intel display controller found", false);
}

/* Size a 64-bit memory BAR with decoding off; returns its size. */
static uint64_t size_bar64(unsigned reg, uint32_t *flags)
{
	uint32_t lo = pci_read(gpu_dev, reg), hi = pci_read(gpu_dev, reg + 4);
	uint64_t mask;

	pci_write(gpu_dev, reg, 0xffffffffu);
	pci_write(gpu_dev, reg + 4, 0xffffffffu);
	mask = ((uint64_t)pci_read(gpu_dev, reg + 4) << 32) | pci_read(gpu_dev, reg);
	pci_write(gpu_dev, reg, lo);
	pci_write(gpu_dev, reg + 4, hi);
	*flags = lo & 0xf;
	return ~(mask & ~0xfull) + 1;
}

static bool map_bars(uint64_t *aperture, uint64_t *ggtt_total)
{
	uint32_t cmd = pci_read(gpu_dev, 4) & 0xffff, f0, f2;
	uint16_t gmch = pci_read16(gpu_dev, 0x50);
	uint64_t s0, s2;
	bool ok = true;

	/* GMCH control: GGMS bits 7:6 → 2^GGMS MiB of 8-byte PTEs. */
	*ggtt_total = ((1ull << ((gmch >> 6) & 3)) << 20) / 8 * 4096;
	ok &= check_eq("gmch: ggtt size", *ggtt_total, 4ull << 30);
	ok &= check_eq("gmch: no stolen memory", gmch >> 8, 0);
	pci_write(gpu_dev, 4, cmd & ~3u);               /* decoding off */
	s0 = size_bar64(0x10, &f0);
	s2 = size_bar64(0x18, &f2);
	ok &= check_eq("bar0: 16 MiB", s0, 16ull << 20);
	ok &= check_eq("bar0: 64-bit memory", f0 & 0x7, 0x4);
	ok &= check_eq("bar2: 64-bit prefetchable", f2 & 0xf, 0xc);
	*aperture = s2;
	printf("%s: bar2 (aperture) %llu MiB\n", guest_name,
	       (unsigned long long)(s2 >> 20));
	pci_write(gpu_dev, 0x10, (uint32_t)BAR0_TARGET | f0);
	pci_write(gpu_dev, 0x14, (uint32_t)(BAR0_TARGET >> 32));
	pci_write(gpu_dev, 4, cmd | 3u);                /* decoding on */
	bar0 = ((uint64_t)pci_read(gpu_dev, 0x14) << 32) |
	       (pci_read(gpu_dev, 0x10) & ~0xfu);
	ok &= check_eq("bar0: moved to 0xf1000000", bar0, BAR0_TARGET);
	return ok;
}

/* Steps 2-6: the PVINFO reads of i915's probe. */
static bool probe_pvinfo(uint64_t aperture, uint64_t ggtt_total)
{
	uint64_t mbase, msize, hbase, hsize, mend, hend;
	uint32_t caps, fences;
	bool ok;

	ok = check_eq("pvinfo: readq magic", mmio_read(PVINFO, 8), VGT_MAGIC);
	ok &= check("pvinfo: readw version_major >= 1",
	            mmio_read(PVINFO + 0x8, 2) >= 1);
	caps = (uint32_t)mmio_read(PVINFO + 0x10, 4);
	ok &= check("pvinfo: caps full_ppgtt and hwsp_emulation",
	            (caps & (CAP_FULL_PPGTT | CAP_HWSP_EMULATION)) ==
	            (CAP_FULL_PPGTT | CAP_HWSP_EMULATION));
	mbase = mmio_read(PVINFO + 0x40, 4);
	msize = mmio_read(PVINFO + 0x44, 4);
	hbase = mmio_read(PVINFO + 0x48, 4);
	hsize = mmio_read(PVINFO + 0x4c, 4);
	mend = mbase + msize;
	hend = hbase + hsize;
	/* i915's intel_vgt_balloon: the configuration is invalid if the
	 * mappable window ends past the aperture, the hidden one starts in
	 * it, or ends past the GGTT. */
	ok &= check("pvinfo: balloon check", !(mend > aperture || hbase < aperture ||
	                                       hend > ggtt_total));
	ok &= check("pvinfo: windows not empty", msize && hsize);
	fences = (uint32_t)mmio_read(PVINFO + 0x50, 4);
	ok &= check("pvinfo: fence_num", fences > 0);
	printf("%s: vgt_id %u windows: aperture [%#llx, %#llx) hidden [%#llx, %#llx)"
	       " fences %u\n", guest_name, (unsigned)mmio_read(PVINFO + 0xc, 4),
	       (unsigned long long)mbase, (unsigned long long)mend,
	       (unsigned long long)hbase, (unsigned long long)hend, fences);
	mmio_write32(PVINFO + 0x804, 1);
	ok &= check_eq("pvinfo: display_ready written", mmio_read(PVINFO + 0x804, 4), 1);
	return ok;
}

#define ECAM_GPA 0xd0000000ull      /* the VM's PCI ECAM window (docs/vgpu.md) */

static void move_bar0(uint64_t to)
{
	uint32_t cmd = pci_read(gpu_dev, 4) & 0xffff;

	pci_write(gpu_dev, 4, cmd & ~2u);              /* memory decoding off */
	pci_write(gpu_dev, 0x10, (uint32_t)to | 0x4);
	pci_write(gpu_dev, 0x14, (uint32_t)(to >> 32));
	pci_write(gpu_dev, 4, cmd | 2u);
}

/*
 * A BAR moved onto another device's range decodes nothing there; moving
 * it away again must not take that device's range with it (the trap is
 * removed by owner, never by address alone).
 */
static void bar_collision(void)
{
	uint32_t ecam_id;

	move_bar0(ECAM_GPA);                           /* on the ECAM window */
	move_bar0(BAR0_TARGET);
	ecam_id = *(volatile uint32_t *)(uintptr_t)(ECAM_GPA + (gpu_dev << 15));
	check_eq("bar0 moved off ECAM: ECAM still decodes", ecam_id & 0xffff, 0x8086);
	check_eq("bar0 back in place: pvinfo magic", mmio_read(PVINFO, 8), VGT_MAGIC);
}

/* What i915 does next with registers and PVINFO, that BareGT records. */
static void exercise(void)
{
	uint32_t fences = (uint32_t)mmio_read(PVINFO + 0x50, 4);

	mmio_write32(FW_RENDER, 0x00010001);           /* masked: set KERNEL */
	check_eq("forcewake render: ack follows", mmio_read(FW_ACK_RENDER, 4) & 1, 1);
	mmio_write32(FW_RENDER, 0x00010000);
	check_eq("forcewake render: released", mmio_read(FW_ACK_RENDER, 4) & 1, 0);
	mmio_write32(FENCE(0), 0x00001001);
	check_eq("fence 0 within count", mmio_read(FENCE(0), 4), 0x00001001);
	mmio_write32(FENCE(fences), 0x00002001);
	check_eq("fence beyond count dropped", mmio_read(FENCE(fences), 4), 0);
	mmio_write32(0x4000, 0x12345678);              /* a register BareGT
	                                                 * does not describe */
	check_eq("unknown register reads back", mmio_read(0x4000, 4), 0x12345678);
	mmio_write32(PVINFO + 0x838, 0x00abc000);       /* pdp[0] lo */
	mmio_write32(PVINFO + 0x83c, 0x1);              /* pdp[0] hi */
	mmio_write32(PVINFO + 0x818, 4);                /* PPGTT L4 create */
	mmio_write32(PVINFO + 0x818, 5);                /* and destroy */
	outl(0xc000, PVINFO);                           /* BAR4 MMIO_INDEX */
	check_eq("bar4 index/data reaches pvinfo", inl(0xc004), 0x76544776u);
}

static void misbehave(void)
{
	*(volatile uint64_t *)(uintptr_t)(bar0 + PVINFO) = 0x1122334455667788ull;
	check_eq("pvinfo: magic is read-only", mmio_read(PVINFO, 8), VGT_MAGIC);
	mmio_write32(PVINFO + 0x44, 0xffffffffu);
	check("pvinfo: window size is read-only", mmio_read(PVINFO + 0x44, 4) != 0xffffffffu);
	mmio_write32(PVINFO + 0x808, 1);                /* rsv5: "insufficient" */
	mmio_write32(0x4000, 0x0badf00d);
	check_eq("failsafe: register writes dropped", mmio_read(0x4000, 4), 0x12345678);
	check_eq("failsafe: pvinfo still readable", mmio_read(PVINFO, 8), VGT_MAGIC);
}

int guest_main(const char *cmdline)
{
	uint64_t aperture = 0, ggtt = 0;

	printf("%s: i915-style vGPU probe\n", guest_name);
	check_chipset();
	if (find_gpu() && map_bars(&aperture, &ggtt) && probe_pvinfo(aperture, ggtt)) {
		exercise();
		bar_collision();
		if (cmdline_has(cmdline, "misbehave"))
			misbehave();
	}
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
