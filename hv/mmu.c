/*
 * hv/mmu.c — the hypervisor's own address space: an identity map of every
 * range in the boot memory map, with W^X enforced (docs/boot.md):
 *   hypervisor text         read-only, executable
 *   hypervisor rodata       read-only, no-execute
 *   runtime-services ranges as the EFI memory attributes table says
 *   MMIO / reserved         read-write, no-execute, uncached
 *   everything else         read-write, no-execute
 *   page 0                  not mapped (catches NULL dereferences)
 *
 * Runtime services: UEFI loads each runtime driver (code and data) into
 * one EfiRuntimeServicesCode range. Only the firmware's memory attributes
 * table says which pages are code and which data. With it, and when each
 * of its ranges is RO or XP, both views are one W^X table. Without it, or
 * when a range is neither RO nor XP (no protection: the firmware may
 * write and run there), the firmware gets a second table (hv_efi_pt) in
 * which those ranges are writable and executable, used only for the
 * duration of a runtime-service call; the hypervisor's stays W^X. The
 * policy is hv/mmu_flags.c's.
 */
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/mm.h"
#include "hv/mmu.h"
#include "hv/memmap.h"
#include "hv/mmu_flags.h"
#include "hv/panic.h"
#include "hv/x86.h"

#define CR4_PCIDE (1ull << 17)

struct pt hv_pt;
static struct pt hv_efi_pt;
static const struct pt *hv_firmware_pt = &hv_pt;

static uint64_t mmu_alloc_table(void *ctx)
{
	uint64_t hpa = palloc_alloc(ctx, 1, 1);

	if (hpa)
		__builtin_memset((void *)(uintptr_t)hpa, 0, PAGE_SIZE);
	return hpa;
}

static bool cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000u, 0, &a, &b, &c, &d);
	if (a < 0x80000001u)
		return false;
	cpuid(0x80000001u, 0, &a, &b, &c, &d);
	return d & (1u << 26);               /* Page1GB */
}

static void mmu_map(struct pt *pt, uint64_t base, uint64_t end, unsigned flags)
{
	if (end > base && !pt_map(pt, base, base, end - base, flags))
		panic("mmu: out of memory for page tables");
}

static void mmu_map_runtime(struct pt *pt, const struct boot_info *bi,
                            bool firmware_view)
{
	unsigned i;

	for (i = 0; i < bi->nrt; i++) {
		const struct rt_range *r = &bi->rt[i];
		mmu_map(pt, r->base, r->base + r->npages * PAGE_SIZE,
		        mmu_rt_flags(r->attrs, firmware_view));
	}
}

/* The identity map of docs/boot.md; firmware_view: see the top. */
static void mmu_build(struct pt *pt, const struct boot_info *bi,
                      bool firmware_view)
{
	unsigned i;

	if (!pt_init(pt, mmu_alloc_table, &hv_palloc, cpu_has_1g_pages()))
		panic("mmu: out of memory for page tables");
	for (i = 0; i < bi->nmem; i++) {
		const struct mem_range *r = &bi->mem[i];
		mmu_map(pt, r->base, r->base + r->npages * PAGE_SIZE,
		        mmu_mem_flags(r->type, firmware_view));
	}
	mmu_map(pt, bi->text_start, bi->text_end, PT_EXEC);
	mmu_map(pt, bi->rodata_start, bi->rodata_end, PT_READ);
	mmu_map_runtime(pt, bi, firmware_view);
	if (!pt_unmap(pt, 0, PAGE_SIZE))
		panic("mmu: out of memory for page tables");
}

void mmu_init(const struct boot_info *bi)
{
	struct pt_stats st;
	uint64_t bad, cr4 = read_cr4();
	unsigned nrwx;

	if (cr4 & CR4_LA57)
		panic("mmu: firmware runs with 5-level paging, not supported");
	mmu_build(&hv_pt, bi, false);
	if (mmu_needs_firmware_table(bi, &nrwx)) {
		mmu_build(&hv_efi_pt, bi, true);
		hv_firmware_pt = &hv_efi_pt;
		if (bi->nrt == 0)
			log_info("mmu: firmware has no memory attributes table:"
			         " runtime services run on their own page table");
		else
			log_info("mmu: %u runtime range(s) of the memory attributes"
			         " table have neither RO nor XP (no protection):"
			         " writable and executable in the firmware's own page"
			         " table, used only around runtime-service calls", nrwx);
	}
	if (!pt_check_wx(&hv_pt, &bad, &st))
		panic("mmu: mapping at %#llx is writable and executable",
		      (unsigned long long)bad);

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	write_cr3(hv_pt.root);
	if (cr4 & CR4_PGE) {                 /* flush global entries too */
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	}
	log_info("paging: identity map up to %#llx: %llu x 1G, %llu x 2M,"
	         " %llu x 4K pages in %u tables; no writable+executable mapping",
	         (unsigned long long)memmap_end(bi->mem, bi->nmem),
	         (unsigned long long)st.pages_1g, (unsigned long long)st.pages_2m,
	         (unsigned long long)st.pages_4k, hv_pt.ntables);
}

void mmu_map_mmio(uint64_t hpa, uint64_t size)
{
	uint64_t base = hpa & ~(PAGE_SIZE - 1);
	uint64_t end = (hpa + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	mmu_map(&hv_pt, base, end, PT_WRITE | PT_UNCACHED);
	if (hv_firmware_pt != &hv_pt)
		mmu_map(&hv_efi_pt, base, end, PT_WRITE | PT_UNCACHED);
	write_cr3(read_cr3());               /* drop stale translations */
}

uint64_t mmu_firmware_cr3(void)
{
	return hv_firmware_pt->root;
}

uint64_t mmu_alloc_stack(void)
{
	uint8_t *base = mm_alloc_pages(HV_STACK_PAGES + 1);

	/* The lowest page is the guard: an overflow faults instead of
	 * overwriting whatever lies below. */
	if (!pt_unmap(&hv_pt, (uint64_t)(uintptr_t)base, PAGE_SIZE))
		panic("mmu: out of memory for page tables");
	write_cr3(hv_pt.root);
	return (uint64_t)(uintptr_t)(base + (HV_STACK_PAGES + 1) * PAGE_SIZE);
}
