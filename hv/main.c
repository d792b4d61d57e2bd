/*
 * hv/main.c — the core's entry after boot: console from the config, page
 * allocator, descriptor tables, own page tables and stack, the boot
 * summary, then what on_exit says (docs/boot.md).
 */
#include <stdio.h>
#include <string.h>
#include "gpu/backend.h"
#include "gpu/gpu_dma.h"
#include "gpu/partition.h"
#include "hv/acpi.h"
#include "hv/console.h"
#include "hv/console_hw.h"
#include "hv/cpu.h"
#include "hv/crc32.h"
#include "hv/efirt.h"
#include "hv/exc.h"
#include "hv/gdt.h"
#include "hv/memmap.h"
#include "hv/mm.h"
#include "hv/mmu.h"
#include "hv/panic.h"
#include "hv/sched.h"
#include "hv/selftest.h"
#include "hv/tsc.h"
#include "hv/vm.h"
#include "iommu/iommu.h"
#include "vmx/caps.h"
#include "vmx/vmx.h"
#include "version.h"

#define IST_STACK_PAGES 4

void hv_call_on_stack(uint64_t top, void (*fn)(void *), void *arg)
	__attribute__((noreturn));

static void hv_print_cpu(void)
{
	uint32_t r[12], a, b, c, d, sig, fam, model;
	char vendor[13], brand[49] = "";
	unsigned i;

	cpuid(0, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	cpuid(1, 0, &sig, &b, &c, &d);
	fam = (sig >> 8) & 0xf;
	model = (sig >> 4) & 0xf;
	if (fam == 6 || fam == 15)   /* SDM Vol. 2A, CPUID leaf 1: display model */
		model |= ((sig >> 16) & 0xf) << 4;
	if (fam == 15)
		fam += (sig >> 20) & 0xff;
	cpuid(0x80000000u, 0, &a, &b, &c, &d);
	if (a >= 0x80000004u) {
		for (i = 0; i < 3; i++)
			cpuid(0x80000002u + i, 0, &r[4 * i], &r[4 * i + 1],
			      &r[4 * i + 2], &r[4 * i + 3]);
		memcpy(brand, r, 48);
		brand[48] = '\0';
	}
	for (i = 0; brand[i] == ' '; i++)
		;
	log_info("cpu: %s family %u model %u stepping %u: %s", vendor, fam,
	         model, sig & 0xf, brand + i);
}

static void hv_print_vmx(void)
{
	struct vmx_msrs m;
	struct vmx_caps c;
	char line[CON_LINE_MAX - 8];

	vmx_probe(&m);
	vmx_caps_decode(&m, &c);
	vmx_caps_format(&c, line, sizeof(line));
	log_info("vmx: %s", line);
	if (c.vmx)
		log_info("vmx: IA32_FEATURE_CONTROL %#llx (%s, VMX outside SMX %s)",
		         (unsigned long long)m.feature_control,
		         c.fc_locked ? "locked" : "unlocked",
		         c.fc_vmx_outside_smx ? "on" : "off");
	if (c.vmx) {
		vmx_caps_format_apic(&c, line, sizeof(line));
		log_info("vmx: apic virtualization: %s", line);
	}
}

static void hv_print_memory(const struct boot_info *bi)
{
	uint64_t ram = 0;
	unsigned i;

	for (i = 0; i < bi->nmem; i++) {
		enum mem_type t = bi->mem[i].type;
		if (t != MEM_MMIO && t != MEM_RESERVED)
			ram += bi->mem[i].npages * PAGE_SIZE;
		log_debug("memmap: %#014llx-%#014llx %s",
		          (unsigned long long)bi->mem[i].base,
		          (unsigned long long)(bi->mem[i].base +
		                               bi->mem[i].npages * PAGE_SIZE - 1),
		          mem_type_name(t));
	}
	log_info("memory: %llu MiB RAM, %llu MiB free for the core and guests"
	         " (largest run %llu MiB), %u map ranges%s",
	         (unsigned long long)(ram >> 20),
	         (unsigned long long)(hv_palloc.free_pages * PAGE_SIZE >> 20),
	         (unsigned long long)(palloc_largest(&hv_palloc) * PAGE_SIZE >> 20),
	         bi->nmem, bi->nmem_dropped ? " (some dropped)" : "");
}

static struct acpi_info hv_acpi;

/* Scan the ACPI tables (iommu_init uses the result: the DMAR) and log
 * what was found; NULL if there are none. */
static const struct acpi_info *hv_scan_acpi(const struct boot_info *bi)
{
	char names[CON_LINE_MAX - 64] = "", err[ACPI_ERR_MAX];
	const struct acpi_table_ref *dmar;
	size_t len = 0;
	unsigned i;

	if (!acpi_scan(bi->acpi_rsdp, &hv_acpi, err, sizeof(err))) {
		log_warn("acpi: %s", err);
		return NULL;
	}
	for (i = 0; i < hv_acpi.ntables && len + 6 < sizeof(names); i++) {
		memcpy(names + len, hv_acpi.table[i].sig, 4);
		len += 4;
		if (!hv_acpi.table[i].checksum_ok)
			names[len++] = '!';
		names[len++] = ' ';
	}
	if (len)
		names[len - 1] = '\0';
	log_info("acpi: RSDP rev %u at %#llx, OEM '%s', %u tables via %s: %s",
	         hv_acpi.revision, (unsigned long long)hv_acpi.rsdp_hpa, hv_acpi.oem, hv_acpi.ntables,
	         hv_acpi.via_xsdt ? "XSDT" : "RSDT", names);
	log_info("acpi: %u CPU(s) enabled in the MADT",
	         acpi_madt_cpus(acpi_find(&hv_acpi, "APIC")));
	dmar = acpi_find(&hv_acpi, "DMAR");
	if (dmar)
		log_info("acpi: DMAR at %#llx, %u bytes: VT-d remapping hardware"
		         " described", (unsigned long long)dmar->hpa, dmar->length);
	else
		log_info("acpi: no DMAR table: no VT-d remapping hardware");
	return &hv_acpi;
}

static void hv_print_config(const struct boot_info *bi)
{
	const struct config *cfg = &bi->config;
	char size[24], serial[8] = "none";
	unsigned v, m;

	if (cfg->serial_enabled)
		snprintf(serial, sizeof(serial), "%#x", cfg->serial_port);
	log_info("config: %s: log_level %s, serial %s, on_exit %s, %u VM(s)",
	         bi->cfg_path, config_log_level_name(cfg->log_level), serial,
	         config_on_exit_name(cfg->on_exit), cfg->nvms);
	for (v = 0; v < cfg->nvms; v++) {
		const struct vm_config *vc = &cfg->vm[v];
		log_info("config: vm '%s': memory %s, cpu %u, vgpu %s, image %s,"
		         " %u module(s), cmdline '%s'", vc->name,
		         config_format_size(vc->memory_bytes, size, sizeof(size)),
		         vc->cpu, config_vgpu_name(vc->vgpu), vc->image, vc->nmodules,
		         vc->cmdline);
		for (m = 0; m < vc->nmodules; m++)
			log_info("config: vm '%s': module %s '%s'", vc->name,
			         vc->module[m].path, vc->module[m].args);
	}
}

#define HV_CRC_TABLE_PAGES \
	((sizeof(struct crc32_wide) + PAGE_SIZE - 1) / PAGE_SIZE)

/*
 * One line per file a VM names, with its CRC-32 (the system tests compare
 * it with the host's), computed once per file read: entries sharing a
 * file take the first's. Enough bytes pay for the wide CRC's tables,
 * which live only for this loop (hv/crc32.h).
 */
static void hv_print_files(const struct boot_info *bi)
{
	uint32_t crc[BOOT_MAX_FILES];
	uint64_t t0 = rdtsc(), bytes = 0, tables = 0;
	const struct crc32_wide *wide = NULL;
	unsigned i;

	for (i = 0; i < bi->nfiles; i++)
		if (bi->files[i].first == i)
			bytes += bi->files[i].size;
	if (bytes >= CRC32_WIDE_MIN_BYTES)
		tables = palloc_alloc(&hv_palloc, HV_CRC_TABLE_PAGES, 1);
	if (tables) {
		crc32_wide_init((struct crc32_wide *)(uintptr_t)tables);
		wide = (const struct crc32_wide *)(uintptr_t)tables;
	}
	for (i = 0; i < bi->nfiles; i++) {
		const struct boot_file *f = &bi->files[i];
		const void *data = (const void *)(uintptr_t)f->hpa;

		if (f->first < i)
			crc[i] = crc[f->first];
		else if (wide)
			crc[i] = crc32_update_wide(wide, 0, data, f->size);
		else
			crc[i] = crc32_update(0, data, f->size);
		log_info("file: %s: %llu bytes at %#llx, crc32 %08x (vm '%s')",
		         f->path, (unsigned long long)f->size,
		         (unsigned long long)f->hpa, crc[i],
		         bi->config.vm[f->vm].name);
	}
	if (tables)
		palloc_free(&hv_palloc, tables, HV_CRC_TABLE_PAGES);
	/* make bench reports this share of the boot path. */
	log_info("file: CRC-32 of %llu bytes in %llu TSC ticks%s",
	         (unsigned long long)bytes, (unsigned long long)(rdtsc() - t0),
	         wide ? " (wide tables)" : "");
	if (bi->fb.base)
		log_info("display: GOP framebuffer %ux%u stride %u at %#llx",
		         bi->fb.width, bi->fb.height, bi->fb.stride,
		         (unsigned long long)bi->fb.base);
	else
		log_info("display: no linear framebuffer");
}

static __attribute__((noreturn)) void hv_finish(const struct boot_info *bi)
{
	uint64_t ticks = rdtsc() - bi->tsc_efi_main;

	switch (bi->config.on_exit) {
	case ON_EXIT_HALT:
		log_info("halt: done; CPU parked (on_exit = halt), %llu TSC ticks"
		         " since efi_main", (unsigned long long)ticks);
		cpu_park();
	case ON_EXIT_REBOOT:
		log_info("reboot: resetting the machine, %llu TSC ticks since"
		         " efi_main", (unsigned long long)ticks);
		break;
	case ON_EXIT_SHUTDOWN:
		log_info("shutdown: powering off, %llu TSC ticks since efi_main",
		         (unsigned long long)ticks);
		break;
	}
	efirt_reset(bi->efi_rt, bi->config.on_exit);
	panic("the firmware's ResetSystem returned");
}

/* The legacy 8259 PICs: masked, the hypervisor takes no interrupts. */
static void hv_mask_pic(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/*
 * Divide the GPU's graphics memory among the VMs with a vGPU. A config
 * that does not fit is refused as a whole: no VM starts.
 */
static bool hv_partition_gpu(const struct boot_info *bi,
                             const struct gpu_backend *be,
                             struct vgpu_partition *parts)
{
	const struct config *cfg = &bi->config;
	struct partition_req req[CONFIG_MAX_VMS];
	char err[CON_LINE_MAX - 64], size[4][24];
	unsigned i, bad;

	for (i = 0; i < cfg->nvms; i++)
		req[i] = (struct partition_req){ cfg->vm[i].name, cfg->vm[i].vgpu };
	log_info("gpu: backend: %s (device %#x): aperture %s, GGTT %s, %u fences;"
	         " the host keeps %s + %s and %u fences", be->name, be->device_id,
	         config_format_size(be->gm.aperture, size[0], sizeof(size[0])),
	         config_format_size(be->gm.total, size[1], sizeof(size[1])),
	         be->gm.fences,
	         config_format_size(GM_HOST_LOW, size[2], sizeof(size[2])),
	         config_format_size(GM_HOST_HIGH, size[3], sizeof(size[3])),
	         GM_HOST_FENCES);
	if (gm_partition(&be->gm, req, cfg->nvms, parts, &bad, err, sizeof(err)))
		return true;
	if (bad < cfg->nvms)
		log_error("%s:%u: %s", bi->cfg_path, cfg->vm[bad].vgpu_line, err);
	else
		log_error("gpu: %s", err);
	log_error("gpu: the vGPUs of this configuration do not fit; no VM started");
	return false;
}

/* Does any VM of the config have a vGPU? */
static bool hv_any_vgpu(const struct config *cfg)
{
	unsigned i;

	for (i = 0; i < cfg->nvms; i++)
		if (cfg->vm[i].vgpu != VGPU_NONE)
			return true;
	return false;
}

/*
 * The GPU's DMA, before the first vGPU (docs/hardware.md): the domain
 * attached and synced, then the decision whether its GGTT may hold IOVAs
 * (gpu/dma_policy.h); only then is the physical GGTT touched: every entry
 * but the boot framebuffer's becomes the scratch entry. When vGPUs are
 * refused, the GGTT stays as the firmware left it and each VM with a
 * vgpu fails to start with a line of its own; the others run.
 */
static bool hv_start_gpu_dma(const struct boot_info *bi,
                             const struct gpu_backend *be)
{
	if (!hv_any_vgpu(&bi->config))
		return true;
	if (!gpu_dma_init(be->bus, be->devfn, be->dev)) {
		log_error("gpu: cannot build the GPU's DMA domain; no VM started");
		return false;
	}
	if (bi->config.gpu_dma_line)
		log_info("gpu: %s:%u: gpu_dma = %s", bi->cfg_path,
		         bi->config.gpu_dma_line,
		         config_gpu_dma_name(bi->config.gpu_dma));
	if (gpu_dma_start(be->hardware, bi->config.gpu_dma) != GPU_DMA_REFUSED)
		gpu_backend_scrub(be, gpu_dma_scratch());
	return true;
}

static void hv_run_vms(const struct boot_info *bi)
{
	static struct vm *vms[VM_MAX];
	static struct vgpu_partition parts[CONFIG_MAX_VMS];
	const struct gpu_backend *be;
	struct gpu_platform plat;
	char err[160];
	uint64_t hz, slice;
	unsigned i, n;

	if (bi->config.nvms == 0)
		return;
	if (!vmx_init(err, sizeof(err))) {
		log_error("vmx: %s; no VM can run", err);
		return;
	}
	log_info("vmx: VMX operation entered (VMCS revision %#x)", vmx.caps.revision);
	hz = tsc_calibrate();
	slice = hz / 1000000 * bi->config.time_slice_us;
	plat = (struct gpu_platform){ hz, bi->fb.base, bi->fb.size };
	be = gpu_backend_probe(&plat);
	if (!be) {
		log_error("gpu: no GPU backend; no VM started");
		return;
	}
	if (!hv_partition_gpu(bi, be, parts) || !hv_start_gpu_dma(bi, be))
		return;
	n = vm_create_all(bi, be, parts, vms);
	log_info("run: %u of %u VM(s) ready, time slice %u us (%llu TSC ticks),"
	         " %llu TSC ticks since efi_main", n, bi->config.nvms,
	         bi->config.time_slice_us, (unsigned long long)slice,
	         (unsigned long long)(rdtsc() - bi->tsc_efi_main));
	sched_run(vms, n, slice);
	for (i = 0; i < n; i++)
		vm_report_and_free(vms[i]);
	gpu_backend_report(be);
	vmx_exit();
}

/* Runs on the hypervisor's own stack. */
static __attribute__((noreturn)) void hv_main_on_stack(void *arg)
{
	struct boot_info *bi = arg;
	const struct acpi_info *acpi;

	hv_print_cpu();
	hv_print_vmx();
	hv_print_memory(bi);
	acpi = hv_scan_acpi(bi);
	hv_print_config(bi);
	hv_print_files(bi);
	if (!iommu_init(acpi, bi->config.vtd_invalidation == VTD_INV_REGISTER))
		panic("vtd: out of memory for the remapping tables");
	selftest_run(bi->config.selftest);
	hv_mask_pic();
	hv_run_vms(bi);
	hv_finish(bi);
}

void hv_main(struct boot_info *bi)
{
	uint64_t tsc = rdtsc();
	uint8_t *ist;

	cpu_cli();      /* our IDT has no handlers for external interrupts */
	console_hw_configure(&bi->config);
	if (bi->magic != BOOT_INFO_MAGIC)
		panic("boot_info has a bad magic number");
	log_info("hv: core entered, %llu TSC ticks after efi_main (efi_main at"
	         " TSC %llu)", (unsigned long long)(tsc - bi->tsc_efi_main),
	         (unsigned long long)bi->tsc_efi_main);
	mm_init(bi);
	ist = mm_alloc_pages(IST_STACK_PAGES);
	gdt_init((uint64_t)(uintptr_t)(ist + IST_STACK_PAGES * PAGE_SIZE));
	idt_init();
	mmu_init(bi);
	hv_call_on_stack(mmu_alloc_stack(), hv_main_on_stack, bi);
}
