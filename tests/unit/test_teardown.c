/*
 * tests/unit/test_teardown.c — the failure policy of docs/architecture.md
 * for what a VM's creation builds: a vGPU (gpu/vgpu.c) and the test
 * device (hv/dev/testdev.c) are created with the page allocation made to
 * fail at each step in turn (and the GPU's DMA window refused); every
 * failed creation gives back every page it took and leaves nothing on
 * the VM's device bus or PCI bus, and a successful one does the same when
 * it is destroyed. Pages come from a real page allocator (hv/palloc.c)
 * over a host arena, so a page not given back shows as a missing free
 * page; ASan catches the rest.
 *
 * The hardware edges are stubbed here: the core's allocator front
 * (hv/mm.c), the GPU's DMA domain (gpu/gpu_dma.c) and the GPU's
 * registers (a struct gen9_mmio that does nothing).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/backend.h"
#include "gpu/gen9_ids.h"
#include "gpu/gpu_dma.h"
#include "gpu/vgpu.h"
#include "hv/dev/irq.h"
#include "hv/dev/bus.h"
#include "hv/dev/dev.h"
#include "hv/dev/testdev.h"
#include "hv/dev/vpci.h"
#include "hv/mm.h"

#define ARENA_PAGES 4096u                  /* 16 MiB */
#define RAM_BYTES   (8u << 20)

/* ---- stubs: the allocator front, the DMA domain, the GPU's registers ---- */

struct palloc hv_palloc;
static void *arena;
static unsigned allocs, fail_at;           /* fail the fail_at-th (1-based) */
static bool dma_refuse;
static unsigned dma_windows;

void *mm_try_alloc_pages(uint64_t npages)
{
	uint64_t hpa;

	if (++allocs == fail_at)
		return NULL;
	hpa = palloc_alloc(&hv_palloc, npages, 1);
	if (hpa)
		memset((void *)(uintptr_t)hpa, 0, npages * PAGE_SIZE);
	return (void *)(uintptr_t)hpa;
}

void *mm_alloc_pages(uint64_t npages)
{
	void *p = mm_try_alloc_pages(npages);

	if (!p)
		fail_msg("mm_alloc_pages (which panics) used while building a VM");
	return p;
}

bool gpu_dma_add_vm(unsigned vm_id, const char *vm_name, uint64_t ram_hpa,
                    uint64_t ram_bytes, uint64_t *iova_base, char *err,
                    size_t errlen)
{
	(void)vm_name; (void)ram_hpa; (void)ram_bytes;
	if (dma_refuse) {
		snprintf(err, errlen, "refused by the test");
		return false;
	}
	dma_windows++;
	*iova_base = GPU_IOVA_WINDOW * (vm_id + 1);
	return true;
}

void gpu_dma_remove_vm(uint64_t iova_base, uint64_t ram_bytes)
{
	(void)iova_base; (void)ram_bytes;
	dma_windows--;
}

enum gpu_dma_mode gpu_dma_mode(void)
{
	return GPU_DMA_IOVA;
}

uint64_t gpu_dma_scratch(void)
{
	return GPU_SCRATCH_IOVA;
}

uint64_t gpu_dma_faults_of(uint64_t iova_base)
{
	(void)iova_base;
	return 0;
}

static uint32_t r32(void *c, uint32_t o) { (void)c; (void)o; return 0; }
static void w32(void *c, uint32_t o, uint32_t v) { (void)c; (void)o; (void)v; }
static uint64_t r64(void *c, uint32_t o) { (void)c; (void)o; return 0; }
static void w64(void *c, uint32_t o, uint64_t v) { (void)c; (void)o; (void)v; }
static uint64_t now(void *c) { (void)c; return 0; }
static const struct gen9_mmio quiet_mmio = { r32, w32, r64, w64, now, NULL, NULL };

/* The interrupt router: what the vGPU's MSI sends. */
static unsigned msis;
static uint64_t msi_addr;
static uint32_t msi_data;
void virq_msi(struct virq *irq, uint64_t addr, uint32_t data)
{
	(void)irq;
	msis++;
	msi_addr = addr;
	msi_data = data;
}

/* ---- the VM a device sees ---------------------------------------------- */

static struct bus bus;
static struct vpci_bus pci;
static uint8_t *ram;
static struct vm_desc vm;
static struct gpu_backend be;
static uint64_t free_at_start;

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	ram = aligned_alloc(PAGE_SIZE, RAM_BYTES);
	assert_non_null(arena);
	assert_non_null(ram);
	palloc_init(&hv_palloc);
	assert_int_equal(palloc_add(&hv_palloc, (uint64_t)(uintptr_t)arena,
	                            ARENA_PAGES), PALLOC_OK);
	free_at_start = hv_palloc.free_pages;
	bus_init(&bus, ram, RAM_BYTES);
	vpci_bus_init(&pci);
	vm = (struct vm_desc){ .id = 3, .name = "t",
	                       .ram_hpa = (uint64_t)(uintptr_t)ram,
	                       .ram_bytes = RAM_BYTES, .bus = &bus, .pci = &pci };
	be = (struct gpu_backend){ .name = "quiet", .device_id = 0x1912,
	                           .dev = gen9_device_lookup(0x1912),
	                           .gm = { 1ull << 30, 4ull << 30, 32 },
	                           .devfn = PCI_DEVFN(2, 0), .mmio = &quiet_mmio };
	allocs = fail_at = 0;
	dma_refuse = false;
	dma_windows = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	free(ram);
	return 0;
}

/* Nothing of a device left: every page back, no range on the bus, no
 * function at 00:02.0, no DMA window. */
static void expect_nothing_left(const char *what, unsigned k)
{
	if (hv_palloc.free_pages != free_at_start)
		fail_msg("%s, failing allocation %u: %llu page(s) not given back", what,
		         k, (unsigned long long)(free_at_start - hv_palloc.free_pages));
	if (bus.t[BUS_MMIO].n || bus.t[BUS_PIO].n)
		fail_msg("%s, failing allocation %u: %u MMIO and %u port range(s) left"
		         " on the bus", what, k, bus.t[BUS_MMIO].n, bus.t[BUS_PIO].n);
	if (vpci_ecam_read(&pci, 2u << 15, 4) != 0xffffffffu)      /* 00:02.0 */
		fail_msg("%s, failing allocation %u: 00:02.0 still on the PCI bus",
		         what, k);
	if (dma_windows)
		fail_msg("%s, failing allocation %u: its DMA window still mapped",
		         what, k);
}

static void test_vgpu_create_fails_at_every_step(void **state)
{
	struct vgpu_partition part = { { 0x8000000, 64u << 20 },
	                               { 0x58000000, 384u << 20 }, 4, 4 };
	unsigned k, steps;
	struct vgpu *g;

	(void)state;
	/* A full creation first: how many allocations it makes. */
	g = vgpu_create(&vm, &be, VGPU_8, &part, 0x1912, 4);
	assert_non_null(g);
	steps = allocs;
	assert_true(steps >= 4);
	assert_int_equal(dma_windows, 1);
	assert_true(bus.t[BUS_MMIO].n >= 2);          /* BAR0, BAR2 decoding */
	vgpu_destroy(g);
	expect_nothing_left("vgpu, no failure", 0);
	for (k = 1; k <= steps; k++) {
		allocs = 0;
		fail_at = k;
		g = vgpu_create(&vm, &be, VGPU_8, &part, 0x1912, 4);
		assert_null(g);
		expect_nothing_left("vgpu", k);
	}
	fail_at = 0;
	dma_refuse = true;                             /* no DMA window */
	assert_null(vgpu_create(&vm, &be, VGPU_8, &part, 0x1912, 4));
	expect_nothing_left("vgpu, DMA window refused", 0);
}

/* The vGPU's MSI goes out as the guest programmed its capability
 * (PCI 3.0 §6.8.1: control at +2, address at +4/+8, data at +12; the
 * vGPU's capability is at 0x90), and only with MSI enabled and bus
 * mastering on. */
static void test_vgpu_msi_as_programmed(void **state)
{
	struct vgpu_partition part = { { 0x8000000, 64u << 20 },
	                               { 0x58000000, 384u << 20 }, 4, 4 };
	struct vgpu *g;

	(void)state;
	g = vgpu_create(&vm, &be, VGPU_8, &part, 0x1912, 4);
	assert_non_null(g);
	msis = 0;
	assert_false(vgpu_send_msi(g));                /* MSI off */
	vpci_cfg_write(&g->pci, 0x94, 4, 0xfee01000);  /* APIC ID 1 */
	vpci_cfg_write(&g->pci, 0x98, 4, 0);
	vpci_cfg_write(&g->pci, 0x9c, 2, 0x4041);      /* level, vector 0x41 */
	vpci_cfg_write(&g->pci, 0x92, 2, 1);           /* enable */
	vpci_cfg_write(&g->pci, PCI_COMMAND, 2, PCI_CMD_MEM);
	assert_false(vgpu_send_msi(g));                /* no bus mastering */
	vpci_cfg_write(&g->pci, PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER);
	assert_true(vgpu_send_msi(g));
	assert_int_equal(msis, 1);
	assert_int_equal(msi_addr, 0xfee01000);
	assert_int_equal(msi_data, 0x4041);
	/* A hostile upper address goes to the router as written: the router
	 * refuses what is not 0xFEExxxxx (test_irq). */
	vpci_cfg_write(&g->pci, 0x98, 4, 0x1);
	assert_true(vgpu_send_msi(g));
	assert_int_equal(msi_addr, 0x1fee01000ull);
	assert_int_equal(g->stats.msi_sent, 2);
	assert_int_equal(g->stats.msi_suppressed, 2);
	vgpu_destroy(g);
	expect_nothing_left("vgpu, MSI", 0);
}

static void test_testdev_attach_fails_and_detaches(void **state)
{
	struct testdev *td;
	struct bus_range squat = { .base = TESTDEV_WP_GPA, .size = PAGE_SIZE,
	                           .kind = BUS_DEVICE, .fn = NULL, .arg = &pci,
	                           .name = "squatter" };

	(void)state;
	fail_at = 1;
	assert_null(testdev_attach(&vm));
	expect_nothing_left("testdev", 1);
	fail_at = 0;
	/* its second range cannot go on the bus: the first comes off again */
	assert_int_equal(bus_add(&bus, BUS_MMIO, &squat), BUS_OK);
	assert_null(testdev_attach(&vm));
	assert_int_equal(bus.t[BUS_MMIO].n, 1);
	assert_true(bus_remove(&bus, BUS_MMIO, TESTDEV_WP_GPA, &pci));
	expect_nothing_left("testdev, write-protected page taken", 0);
	td = testdev_attach(&vm);
	assert_non_null(td);
	assert_int_equal(bus.t[BUS_MMIO].n, 2);
	testdev_detach(td);
	expect_nothing_left("testdev, detached", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vgpu_create_fails_at_every_step,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgpu_msi_as_programmed,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_testdev_attach_fails_and_detaches,
		                                setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
