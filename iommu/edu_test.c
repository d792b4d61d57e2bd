/*
 * iommu/edu_test.c — the VT-d self-test on QEMU (config `selftest =
 * iommu-edu`): QEMU's educational PCI device "edu" (1234:11e8) has a DMA
 * engine whose transfers go through the remapping tables, so it stands
 * in for the GPU. Two RAM blocks take the place of two VMs' memory, each
 * behind its own IOVA window (IOVA = window base + GPA), as the vGPU
 * layer lays them out. The test DMAs into VM 1's window and checks the
 * bytes land in VM 1's memory and nowhere else, DMAs out of VM 2's window
 * into VM 1's, and DMAs to an IOVA no window covers: the unit must record
 * a fault and nothing may be written. Last, the hand-off a laptop's
 * firmware makes: every unit is left with translation, queued
 * invalidation (unless registers only) and interrupt remapping on and a
 * fault pending, then taken over again as at boot; DMA through the
 * windows must work as before. Each check logs PASS or FAIL.
 * edu registers (QEMU docs/specs/edu.rst): 0x00 identification
 * (0xRRrr00ed), 0x80 DMA source, 0x88 destination, 0x90 count, 0x98
 * command (bit 0 start, bit 1 direction: 1 = device to RAM); its DMA
 * buffer is at device address 0x40000 (4 KiB); its DMA mask is 28 bits,
 * hence windows below 256 MiB here.
 */
#include <string.h>
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/mm.h"
#include "hv/mmu.h"
#include "hv/pci.h"
#include "hv/tsc.h"
#include "iommu/edu_test.h"
#include "iommu/iommu.h"

#define EDU_VENDOR      0x1234
#define EDU_DEVICE      0x11e8
#define EDU_ID          0x00
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98
#define EDU_DMA_RUN     1u
#define EDU_DMA_TO_RAM  2u
#define EDU_BUF         0x40000ull
#define EDU_BAR_SIZE    (1ull << 20)
#define PCI_CMD_MEM_MASTER 0x6

#define VM_RAM          (16ull << 20)
#define WIN1            0x04000000ull   /* VM 1's window */
#define WIN2            0x08000000ull   /* VM 2's window */
#define SRC_IOVA        0x2000ull       /* hypervisor window: a source page */
#define HOLE_IOVA       0x0c000000ull   /* covered by no window */
#define XFER            256u
#define FILL1           0x11
#define FILL2           0x22

struct edu {
	volatile uint8_t *regs;
	uint8_t bus, devfn;
	uint64_t tsc_hz;
};

static unsigned passed, failed;

static void result(const char *what, bool ok)
{
	log_info("selftest iommu-edu: %s %s", ok ? "PASS" : "FAIL", what);
	*(ok ? &passed : &failed) += 1;
}

static void edu_w64(struct edu *e, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(e->regs + off) = v;
}

/* One transfer; false if the engine did not finish within a second. */
static bool edu_dma(struct edu *e, uint64_t src, uint64_t dst, uint32_t cmd)
{
	uint64_t deadline = rdtsc() + e->tsc_hz;

	edu_w64(e, EDU_DMA_SRC, src);
	edu_w64(e, EDU_DMA_DST, dst);
	edu_w64(e, EDU_DMA_CNT, XFER);
	*(volatile uint32_t *)(e->regs + EDU_DMA_CMD) = cmd | EDU_DMA_RUN;
	while (*(volatile uint32_t *)(e->regs + EDU_DMA_CMD) & EDU_DMA_RUN)
		if (rdtsc() > deadline)
			return false;
	return true;
}

/* Every byte of [p, p + n) equal to v, except [skip, skip + skip_n). */
static bool all_bytes(const uint8_t *p, uint64_t n, uint8_t v, uint64_t skip,
                      uint64_t skip_n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if ((i < skip || i >= skip + skip_n) && p[i] != v)
			return false;
	return true;
}

static bool edu_open(struct edu *e)
{
	uint64_t bar;

	if (!pci_find(EDU_VENDOR, EDU_DEVICE, &e->bus, &e->devfn)) {
		log_error("selftest iommu-edu: no edu device (QEMU -device edu)");
		return false;
	}
	bar = pci_bar(e->bus, e->devfn, 0);
	mmu_map_mmio(bar, EDU_BAR_SIZE);
	pci_write16(e->bus, e->devfn, 0x04,
	            (uint16_t)(pci_read16(e->bus, e->devfn, 0x04) | PCI_CMD_MEM_MASTER));
	e->regs = (volatile uint8_t *)(uintptr_t)bar;
	e->tsc_hz = tsc_calibrate();
	log_info("selftest iommu-edu: edu at %02x:%02x.%x, BAR0 %#llx, id %#x",
	         e->bus, e->devfn >> 3, e->devfn & 7, (unsigned long long)bar,
	         *(volatile uint32_t *)(e->regs + EDU_ID));
	return (*(volatile uint32_t *)(e->regs + EDU_ID) & 0xff) == 0xed;
}

void iommu_edu_selftest(void)
{
	static struct iommu_domain dom;
	struct edu e;
	uint8_t *vm1, *vm2, *src;
	uint64_t hpa;
	unsigned i;

	if (!iommu_hardware()) {
		log_error("selftest iommu-edu: no VT-d hardware (QEMU -device intel-iommu)");
		return;
	}
	if (!edu_open(&e))
		return;
	vm1 = (uint8_t *)(uintptr_t)palloc_alloc(&hv_palloc, VM_RAM / PAGE_SIZE, 512);
	vm2 = (uint8_t *)(uintptr_t)palloc_alloc(&hv_palloc, VM_RAM / PAGE_SIZE, 512);
	src = mm_alloc_pages(1);
	memset(vm1, FILL1, VM_RAM);
	memset(vm2, FILL2, VM_RAM);
	for (i = 0; i < PAGE_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	if (!iommu_domain_init(&dom, 1, IOMMU_PAGES_ANY) ||
	    !iommu_domain_map(&dom, SRC_IOVA, (uint64_t)(uintptr_t)src, PAGE_SIZE, false) ||
	    !iommu_domain_map(&dom, WIN1, (uint64_t)(uintptr_t)vm1, VM_RAM, true) ||
	    !iommu_domain_map(&dom, WIN2, (uint64_t)(uintptr_t)vm2, VM_RAM, true) ||
	    !iommu_attach(&dom, e.bus, e.devfn) || !iommu_sync()) {
		log_error("selftest iommu-edu: could not set up the domain");
		return;
	}
	log_info("selftest iommu-edu: domain 1: VM 1 window IOVA %#llx, VM 2 window"
	         " IOVA %#llx, %llu MiB each", (unsigned long long)WIN1,
	         (unsigned long long)WIN2, (unsigned long long)(VM_RAM >> 20));

	result("walker: IOVA in VM 1's window resolves into VM 1's RAM",
	       iommu_translate(e.bus, e.devfn, WIN1 + 0x1000, true, &hpa) == VTD_OK &&
	       hpa == (uint64_t)(uintptr_t)vm1 + 0x1000);
	result("dma from the hypervisor window into edu",
	       edu_dma(&e, SRC_IOVA, EDU_BUF, 0));
	result("dma from edu to IOVA WIN1 + 0x1000",
	       edu_dma(&e, EDU_BUF, WIN1 + 0x1000, EDU_DMA_TO_RAM));
	result("the data landed at VM 1 GPA 0x1000", memcmp(vm1 + 0x1000, src, XFER) == 0);
	result("nothing else of VM 1 changed",
	       all_bytes(vm1, VM_RAM, FILL1, 0x1000, XFER));
	result("VM 2 untouched", all_bytes(vm2, VM_RAM, FILL2, 0, 0));
	result("no fault so far", iommu_poll_faults() == 0);

	result("dma from VM 2's window (GPA 0x2000) into edu",
	       edu_dma(&e, WIN2 + 0x2000, EDU_BUF, 0));
	result("dma from edu to VM 1 GPA 0x3000",
	       edu_dma(&e, EDU_BUF, WIN1 + 0x3000, EDU_DMA_TO_RAM));
	result("VM 2's bytes arrived in VM 1 at GPA 0x3000",
	       all_bytes(vm1 + 0x3000, XFER, FILL2, 0, 0));

	memcpy(vm1 + 0x3000, vm1 + 0x3100, XFER);            /* back to FILL1 */
	result("dma from edu to an IOVA no window covers",
	       edu_dma(&e, EDU_BUF, HOLE_IOVA, EDU_DMA_TO_RAM));
	result("the unit recorded the fault", iommu_poll_faults() >= 1);
	result("nothing was written: VM 1 as before",
	       all_bytes(vm1, VM_RAM, FILL1, 0x1000, XFER));
	result("nothing was written: VM 2 as before", all_bytes(vm2, VM_RAM, FILL2, 0, 0));
	result("walker: that IOVA faults",
	       iommu_translate(e.bus, e.devfn, HOLE_IOVA, true, &hpa) != VTD_OK);

	/* A fault left pending across the hand-off: the take-over must log
	 * and clear it (a stale record would otherwise stop the unit from
	 * recording new ones once all records are full). */
	result("dma to the hole again, fault left pending",
	       edu_dma(&e, EDU_BUF, HOLE_IOVA, EDU_DMA_TO_RAM));
	result("hand-off: units left with QI/TE/IR on, taken over again",
	       iommu_selftest_handoff());
	result("edu translates after the take-over",
	       iommu_translates(e.bus, e.devfn));
	result("dma from edu to VM 1 GPA 0x5000 after the take-over",
	       edu_dma(&e, EDU_BUF, WIN1 + 0x5000, EDU_DMA_TO_RAM));
	result("VM 2's bytes (still in edu's buffer) landed at VM 1 GPA 0x5000",
	       all_bytes(vm1 + 0x5000, XFER, FILL2, 0, 0));
	result("no fault pending after the take-over", iommu_poll_faults() == 0);
	iommu_report_faults();
	log_info("selftest iommu-edu: %u passed, %u failed", passed, failed);
}
