/*
 * hv/vm.c — building, stopping and reporting VMs (docs/vmx.md).
 *
 * A VM's RAM is one 2 MiB-aligned block of free host memory, zeroed,
 * mapped at GPA 0 by its own EPT and by nothing else. Its devices (UART,
 * exit port, PCI, test device, vGPU) claim ranges of its own device bus
 * (hv/dev/bus.h) and see it only through its struct vm_desc.
 *
 * A VM is built in two layers: its RAM and EPT (vm_build_memory), which
 * last as long as it does, and a run on top of them (vm_build_run: the
 * bus, devices, image, vGPU, test device, vCPU). A restart
 * (on_reset = restart) ends the run, clears the RAM and builds the run
 * again (docs/platform.md, "Reset and power-off").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/load/load.h"
#include "hv/mm.h"
#include "hv/tsc.h"
#include "hv/cpu.h"
#include "gpu/gen9.h"
#include "gpu/vgpu.h"
#include "hv/dev/testdev.h"
#include "hv/restart_limit.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define EXIT_PORT       0xf4
#define RAM_ALIGN_PAGES 512            /* 2 MiB */
#define VM_STRUCT_PAGES ((sizeof(struct vm) + PAGE_SIZE - 1) / PAGE_SIZE)

/* ---- devices every VM has ------------------------------------------------- */

static void vm_console_line(void *arg, const char *line)
{
	struct vm *vm = arg;

	log_info("[%s] %s", vm->desc.name, line);
}

/* The exit port: a byte written there ends the VM with that exit code. */
static bool vm_exit_port_io(void *arg, uint64_t off, unsigned size, bool write,
                            uint64_t *value)
{
	struct vm *vm = arg;

	(void)off;
	(void)size;
	if (!write) {
		*value = 0;
		return true;
	}
	vm->has_exit_code = true;
	vm->exit_code = (uint32_t)*value;
	vm_stop(vm, "exit code %u (port 0xf4)", (unsigned)vm->exit_code);
	return false;
}

/* Claim a range of the VM's bus for one of the devices every VM has. */
static bool vm_claim(struct vm *vm, enum bus_space s, uint64_t base,
                     uint64_t size, bus_fn fn, void *arg, const char *name)
{
	struct bus_range r = { .base = base, .size = size, .kind = BUS_DEVICE,
	                       .fn = fn, .arg = arg, .name = name };
	enum bus_status st = bus_add(&vm->bus, s, &r);

	if (st != BUS_OK)
		log_error("vm '%s': cannot place %s: %s", vm->desc.name, name,
		          bus_status_str(st));
	return st == BUS_OK;
}

/* EPT's half of a write-protected range (hv/dev/bus.h): read+execute
 * while it is on the bus; INVEPT once the VM has run. */
static bool vm_protect(void *ctx, uint64_t gpa, uint64_t size, bool on)
{
	struct vm *vm = ctx;

	if (!ept_write_protect(&vm->ept, gpa, size, on))
		return false;
	if (vm->vcpu.launched)
		invept(INVEPT_SINGLE_CONTEXT, vm->ept.eptp);
	return true;
}

/* COM1's interrupt output is ISA IRQ 4. */
static void vm_uart_irq(void *ctx, bool level)
{
	struct vm *vm = ctx;

	virq_line(&vm->plat.irq, VIRQ_GSI_COM1, level);
}

/* Reset and power-off from the guest's platform (i8042, 0xCF9, ACPI S5).
 * Power-off always stops the VM; a reset stops it too unless its config
 * says on_reset = restart: then its run ends here (the exit path sees a
 * stopped VM) and the scheduler rebuilds it (vm_restart). */
static void vm_power_request(void *ctx, enum vpower_request r, const char *why)
{
	struct vm *vm = ctx;

	if (r == VPOWER_OFF) {
		vm_stop(vm, "powered off (%s)", why);
	} else if (vm->cfg->on_reset == ON_RESET_RESTART) {
		snprintf(vm->restart_why, sizeof(vm->restart_why), "%s", why);
		vm->restart_pending = true;
		vm->state = VM_STOPPED;
	} else {
		vm_stop(vm, "reset (%s)", why);
	}
}

/* The clock a VM's CMOS starts with: the firmware's at boot plus the
 * time since, or 2000-01-01 00:00:00 on a machine without one. */
static struct vrtc_time vm_wallclock(const struct boot_info *bi)
{
	struct vrtc_time t = { 2000, 1, 1, 0, 0, 0 };

	if (bi->wallclock.valid && tsc_hz()) {
		t = (struct vrtc_time){ bi->wallclock.year, bi->wallclock.month,
		                        bi->wallclock.day, bi->wallclock.hour,
		                        bi->wallclock.minute, bi->wallclock.second };
		if (!vrtc_time_add(&t, (rdtsc() - bi->tsc_wallclock) / tsc_hz()))
			t = (struct vrtc_time){ 2000, 1, 1, 0, 0, 0 };
	}
	return t;
}

/* The platform, its local APIC as the VM's CPUID describes it; a
 * restart keeps the RTC's time and CMOS RAM (keep_rtc). */
static bool vm_platform_init(struct vm *vm, bool keep_rtc)
{
	uint32_t a, b, c, d;
	const struct cpuid_policy *cp = &vm->vcpu.cpuid;
	struct platform_config cfg = {
		.lapic = { .id = 0, .x2apic = cpuid_policy_has(cp, CF_X2APIC),
		           .tsc_deadline = cpuid_policy_has(cp, CF_TSC_DEADLINE),
		           .tsc_hz = tsc_hz(), .maxphyaddr = 36 },
		.time = vm_wallclock(vm->bi),
		.keep_rtc = keep_rtc,
		.power_request = vm_power_request,
		.power_ctx = vm,
	};

	cpuid(0x80000000u, 0, &a, &b, &c, &d);
	if (a >= 0x80000008u) {
		cpuid(0x80000008u, 0, &a, &b, &c, &d);
		cfg.lapic.maxphyaddr = a & 0xff;
	}
	vm->desc.irq = &vm->plat.irq;
	return platform_init(&vm->plat, &vm->desc, &vm->vcpu.lapic, &cfg);
}

static bool vm_devices_init(struct vm *vm, bool keep_rtc)
{
	vuart_init(&vm->uart, vm_console_line, vm);
	vpci_bus_init(&vm->pci);
	if (!chipset_init(&vm->chipset, &vm->desc) ||
	    !vm_platform_init(vm, keep_rtc))
		return false;
	vuart_set_irq(&vm->uart, vm_uart_irq, vm);
	return vm_claim(vm, BUS_PIO, VUART_COM1, VUART_PORTS, vuart_bus_io,
	                &vm->uart, "uart") &&
	       vm_claim(vm, BUS_PIO, EXIT_PORT, 1, vm_exit_port_io, vm,
	                "exit port") &&
	       /* 0xCF9 between them is the reset register (hv/dev/vpower.c) */
	       vm_claim(vm, BUS_PIO, VPCI_CONFIG_PORT, 1, vpci_port_bus,
	                &vm->pci, "PCI 0xcf8") &&
	       vm_claim(vm, BUS_PIO, VPCI_DATA_PORT, VPCI_DATA_PORTS,
	                vpci_data_bus, &vm->pci, "PCI 0xcfc") &&
	       vm_claim(vm, BUS_MMIO, VM_ECAM_GPA, VPCI_ECAM_SIZE, vpci_ecam_bus,
	                &vm->pci, "PCI ECAM");
}

/* ---- memory ----------------------------------------------------------------- */

static uint64_t vm_alloc_table(void *ctx)
{
	uint64_t hpa = palloc_alloc(ctx, 1, 1);

	if (hpa)
		memset((void *)(uintptr_t)hpa, 0, PAGE_SIZE);
	return hpa;
}

static void vm_free_table(void *ctx, uint64_t hpa)
{
	palloc_free(ctx, hpa, 1);
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa >= vm->desc.ram_bytes || len > vm->desc.ram_bytes - gpa)
		return NULL;
	return (void *)(uintptr_t)(vm->desc.ram_hpa + gpa);
}

/* ---- creation --------------------------------------------------------------- */

/* The image and modules from the copies boot/ read (bi->files, kept
 * read-only for the whole run): the disk is read once, at boot. */
static bool vm_load_image(struct vm *vm, struct guest_entry *entry)
{
	const struct boot_info *bi = vm->bi;
	struct guest_module mods[CONFIG_MAX_MODULES];
	const struct boot_file *image = NULL;
	struct guest_load_req req = { 0 };
	struct guest_memmap memmap;
	char err[160];
	unsigned i;

	for (i = 0; i < bi->nfiles; i++) {
		const struct boot_file *f = &bi->files[i];
		if (f->vm != vm->desc.id)
			continue;
		if (f->module < 0)
			image = f;
		else
			mods[f->module] = (struct guest_module){
				(const void *)(uintptr_t)f->hpa, f->size,
				vm->cfg->module[f->module].args };
	}
	req.ram = (uint8_t *)(uintptr_t)vm->desc.ram_hpa;
	req.ram_bytes = vm->desc.ram_bytes;
	req.image = (const void *)(uintptr_t)image->hpa;
	req.image_size = image->size;
	req.cmdline = vm->cfg->cmdline;
	req.vm_name = vm->desc.name;
	req.modules = mods;
	req.nmodules = vm->cfg->nmodules;
	/* The platform's map (e820, PVH, Multiboot) and its ACPI tables. */
	if (!guest_memmap_pc(&memmap, vm->desc.ram_bytes)) {
		log_error("vm '%s': %llu MiB of RAM does not fit below the PCI"
		          " window at 2 GiB", vm->desc.name,
		          (unsigned long long)(vm->desc.ram_bytes >> 20));
		return false;
	}
	req.memmap = &memmap;
	req.rsdp_gpa = vm->plat.rsdp_gpa;
	if (!guest_load(&req, entry, err, sizeof(err))) {
		log_error("vm '%s': image %s: %s", vm->desc.name, vm->cfg->image, err);
		return false;
	}
	log_info("vm '%s': %s image %s, entry %#llx, %u module(s)", vm->desc.name,
	         guest_kind_name(entry->kind), vm->cfg->image,
	         (unsigned long long)entry->rip, vm->cfg->nmodules);
	return true;
}

static bool vm_build_memory(struct vm *vm)
{
	uint64_t bad_gpa, bad_hpa;

	vm->desc.ram_bytes = vm->cfg->memory_bytes;
	vm->desc.ram_hpa = palloc_alloc(&hv_palloc, vm->desc.ram_bytes / PAGE_SIZE,
	                           RAM_ALIGN_PAGES);
	if (!vm->desc.ram_hpa) {
		log_error("vm '%s': no %llu MiB block of free memory left",
		          vm->desc.name, (unsigned long long)(vm->desc.ram_bytes >> 20));
		return false;
	}
	memset((void *)(uintptr_t)vm->desc.ram_hpa, 0, vm->desc.ram_bytes);
	if (!ept_init(&vm->ept, vm_alloc_table, &hv_palloc, vmx.caps.ept_1g) ||
	    !ept_map_ram(&vm->ept, 0, vm->desc.ram_hpa, vm->desc.ram_bytes)) {
		log_error("vm '%s': out of memory for EPT", vm->desc.name);
		return false;
	}
	/* Isolation self-check: every EPT leaf lies in this VM's RAM. */
	if (!ept_check_isolation(&vm->ept, vm->desc.ram_hpa, vm->desc.ram_bytes,
	                         &bad_gpa, &bad_hpa)) {
		log_error("vm '%s': EPT maps GPA %#llx to HPA %#llx outside its RAM;"
		          " refused", vm->desc.name, (unsigned long long)bad_gpa,
		          (unsigned long long)bad_hpa);
		return false;
	}
	log_info("vm '%s': %llu MiB RAM at HPA %#llx, EPT in %u tables, VPID %u",
	         vm->desc.name, (unsigned long long)(vm->desc.ram_bytes >> 20),
	         (unsigned long long)vm->desc.ram_hpa, vm->ept.pt.ntables, vm->desc.id + 1);
	return true;
}

/* What a run took beyond the bus (vm_build_run), in reverse; a step
 * that never ran has nothing to give back. */
static void vm_end_run(struct vm *vm)
{
	vcpu_destroy(&vm->vcpu);
	testdev_detach(vm->testdev);
	vm->testdev = NULL;
	if (vm->vgpu)
		vgpu_destroy(vm->vgpu);
	vm->vgpu = NULL;
}

/* Everything vm_create took, in reverse. Devices go while the EPT is
 * still there (taking a write-protected range off the bus writes the
 * EPT). */
static void vm_free(struct vm *vm)
{
	vm_end_run(vm);
	if (vm->ept.pt.root)
		ept_destroy(&vm->ept, vm_free_table, &hv_palloc);
	if (vm->desc.ram_hpa)
		palloc_free(&hv_palloc, vm->desc.ram_hpa, vm->desc.ram_bytes / PAGE_SIZE);
	vm->desc.ram_hpa = 0;
}

static void vm_free_struct(struct vm *vm)
{
	palloc_free(&hv_palloc, (uint64_t)(uintptr_t)vm, VM_STRUCT_PAGES);
}

static bool vm_attach_vgpu(struct vm *vm)
{
	if (vm->cfg->vgpu == VGPU_NONE)
		return true;
	vm->vgpu = vgpu_create(&vm->desc, vm->be, vm->cfg->vgpu, vm->part,
	                       vm->cfg->vgpu_device, vm->desc.id + 1);
	return vm->vgpu != NULL;
}

static bool vm_attach_testdev(struct vm *vm)
{
	if (!vm->cfg->testdev)
		return true;
	vm->testdev = testdev_attach(&vm->desc);
	return vm->testdev != NULL;
}

/* A run of the VM on its RAM: a fresh bus, the devices, the image, the
 * vGPU, the test device and the vCPU at the image's entry. restart: the
 * RTC of the run before goes on. */
static bool vm_build_run(struct vm *vm, bool restart)
{
	struct guest_entry entry;

	bus_init(&vm->bus, (uint8_t *)(uintptr_t)vm->desc.ram_hpa,
	         vm->desc.ram_bytes);
	bus_set_protect(&vm->bus, vm_protect, vm);
	return vm_devices_init(vm, restart) && vm_load_image(vm, &entry) &&
	       vm_attach_vgpu(vm) && vm_attach_testdev(vm) &&
	       vcpu_init(&vm->vcpu, vm, &entry);
}

static struct vm *vm_create(const struct boot_info *bi, unsigned id,
                            const struct gpu_backend *be,
                            const struct vgpu_partition *part)
{
	struct vm *vm = mm_try_alloc_pages(VM_STRUCT_PAGES);
	const struct vm_config *cfg = &bi->config.vm[id];

	if (!vm) {
		log_error("vm '%s': no memory for the VM object; not started",
		          cfg->name);
		return NULL;
	}
	vm->desc.id = id;
	vm->cfg = cfg;
	vm->desc.name = cfg->name;
	vm->desc.bus = &vm->bus;
	vm->desc.pci = &vm->pci;
	vm->bi = bi;
	vm->be = be;
	vm->part = part;
	restart_limit_init(&vm->restarts, RESTART_LIMIT_DEFAULT,
	                   RESTART_WINDOW_SECONDS, tsc_hz());
	vm->state = VM_RUNNABLE;
	if (vm->cfg->cpu != 0)
		log_warn("vm '%s': cpu %u requested; VMs run on CPU 0 until"
		         " pinning to other CPUs lands", vm->desc.name, vm->cfg->cpu);
	vcpu_cpuid_init(&vm->vcpu, vm);        /* the platform follows it */
	if (!vm_build_memory(vm) || !vm_build_run(vm, false)) {
		log_error("vm '%s': not started", vm->desc.name);
		vm_free(vm);
		vm_free_struct(vm);
		return NULL;
	}
	if (cfg->on_reset == ON_RESET_RESTART)
		log_info("vm '%s': on_reset restart: at most %u restarts in %u s",
		         vm->desc.name, vm->restarts.max, RESTART_WINDOW_SECONDS);
	return vm;
}

/* ---- restarting --------------------------------------------------------------- */

/* Take every write-protected range off the bus, so that its EPT maps all
 * of its RAM writable again, as when it was built. */
static void vm_unprotect_all(struct vm *vm)
{
	const struct bus_table *t = &vm->bus.t[BUS_MMIO];
	unsigned i;

	for (i = t->n; i-- > 0;)
		if (t->r[i].kind == BUS_WRITE_PROTECT)
			bus_remove(&vm->bus, BUS_MMIO, t->r[i].base, t->r[i].arg);
}

bool vm_restart(struct vm *vm)
{
	uint64_t span_ms = 0;
	unsigned k;

	if (!vm->restart_pending)
		return false;
	vm->restart_pending = false;
	vuart_flush(&vm->uart);
	if (!restart_limit_allow(&vm->restarts, rdtsc(), &span_ms)) {
		vm_stop(vm, "reset loop (%u restarts in %llu.%02llu s)",
		        vm->restarts.max, (unsigned long long)(span_ms / 1000),
		        (unsigned long long)(span_ms % 1000 / 10));
		return false;
	}
	k = vm->restarts.total;
	log_info("vm '%s': restarting (%s), restart %u", vm->desc.name,
	         vm->restart_why, k);
	/* The run ends: the vGPU first goes with its GGTT entries (back to
	 * scratch) and its DMA window, so the GPU reaches nothing of the
	 * RAM that is about to be cleared; write-protected pages become
	 * plain RAM. INVEPT drops what the CPU cached of the old run's
	 * translations (combined mappings of this EPTP, all VPIDs: SDM Vol.
	 * 3C §29.4.3.1); the EPT itself is unchanged. */
	vm_end_run(vm);
	vm_unprotect_all(vm);
	invept(INVEPT_SINGLE_CONTEXT, vm->ept.eptp);
	/* Nothing of the run before survives in RAM (docs/platform.md). */
	memset((void *)(uintptr_t)vm->desc.ram_hpa, 0, vm->desc.ram_bytes);
	/* The vCPU from scratch: registers, FPU, MSRs, debug registers, its
	 * local APIC (the platform builds it again). */
	memset(&vm->vcpu, 0, sizeof(vm->vcpu));
	vcpu_cpuid_init(&vm->vcpu, vm);
	vm->state = VM_RUNNABLE;
	if (!vm_build_run(vm, true)) {
		/* What the failed step took is given back when the VM is
		 * reported (vm_free). */
		vm_stop(vm, "restart %u failed (the reason is above)", k);
		return false;
	}
	return true;
}

unsigned vm_create_all(const struct boot_info *bi, const struct gpu_backend *be,
                       const struct vgpu_partition *parts,
                       struct vm **vms)
{
	unsigned i, n = 0;

	for (i = 0; i < bi->config.nvms; i++) {
		struct vm *vm = vm_create(bi, i, be, &parts[i]);
		if (vm)
			vms[n++] = vm;
	}
	return n;
}

/* ---- stopping and reporting ------------------------------------------------ */

static void vm_vstop(struct vm *vm, const char *fmt, va_list ap)
{
	char reason[CON_LINE_MAX - 48];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	vuart_flush(&vm->uart);
	vm->restart_pending = false;         /* a stop wins over a restart */
	vm->state = VM_STOPPED;
	log_info("vm '%s': stopped: %s", vm->desc.name, reason);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_vstop(vm, fmt, ap);
	va_end(ap);
}

void vm_stop_dump(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_vstop(vm, fmt, ap);
	va_end(ap);
	vcpu_dump(&vm->vcpu);
}

/* Every range of the bus with its hits, then the ports nobody claims. */
static void vm_report_bus(struct vm *vm)
{
	static const char *const space[BUS_SPACES] = { "mmio", "ports" };
	char line[CON_LINE_MAX - 32];
	unsigned s, i;

	for (s = 0; s < BUS_SPACES; s++) {
		const struct bus_table *t = &vm->bus.t[s];
		size_t len = 0;

		line[0] = '\0';
		for (i = 0; i < t->n && len + 48 < sizeof(line); i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			                        "%s%s %llu", len ? ", " : "",
			                        t->r[i].name,
			                        (unsigned long long)t->r[i].hits);
		if (t->n)
			log_info("vm '%s': bus %s hits: %s", vm->desc.name, space[s],
			         line);
	}
	/* Unknown ports, each with its reads and writes, as many lines as
	 * it takes: "unknown ports: 0x80 r0 w12, 0x2e r1 w0 (other: r0 w3)". */
	if (vm->bus.unclaimed_reads || vm->bus.unclaimed_writes) {
		const struct bus_port_count *p;
		size_t len = 0;

		line[0] = '\0';
		for (i = 0; (p = bus_unknown_port(&vm->bus, i)) != NULL; i++) {
			if (len + 56 > sizeof(line)) {
				log_info("vm '%s': unknown ports: %s", vm->desc.name,
				         line);
				len = 0;
			}
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			                        "%s0x%x r%llu w%llu", len ? ", " : "",
			                        p->port, (unsigned long long)p->reads,
			                        (unsigned long long)p->writes);
		}
		if (vm->bus.unknown_other_reads || vm->bus.unknown_other_writes) {
			if (len + 56 > sizeof(line)) {
				log_info("vm '%s': unknown ports: %s", vm->desc.name,
				         line);
				len = 0;
			}
			snprintf(line + len, sizeof(line) - len,
			         "%s(other: r%llu w%llu)", len ? " " : "",
			         (unsigned long long)vm->bus.unknown_other_reads,
			         (unsigned long long)vm->bus.unknown_other_writes);
		}
		log_info("vm '%s': unknown ports: %s", vm->desc.name, line);
	}
}

void vm_report_and_free(struct vm *vm)
{
	char line[CON_LINE_MAX - 32];
	size_t len = 0;
	unsigned r;

	for (r = 0; r < VMX_EXIT_REASONS && len + 40 < sizeof(line); r++)
		if (vm->exits[r])
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			                        "%s%s %llu", len ? ", " : "",
			                        vmx_exit_name(r),
			                        (unsigned long long)vm->exits[r]);
	line[len] = '\0';
	log_info("vm '%s': %llu exits: %s", vm->desc.name,
	         (unsigned long long)vm->exits_total, len ? line : "none");
	vm_report_bus(vm);
	platform_report(&vm->plat);
	if (vm->vcpu.icache.hits || vm->vcpu.icache.misses)
		log_info("vm '%s': MMIO instruction cache: %llu hits, %llu misses",
		         vm->desc.name, (unsigned long long)vm->vcpu.icache.hits,
		         (unsigned long long)vm->vcpu.icache.misses);
	if (vm->checks_passed || vm->checks_failed)
		log_info("vm '%s': %u checks passed, %u failed", vm->desc.name,
		         vm->checks_passed, vm->checks_failed);
	if (vm->restarts.total)
		log_info("vm '%s': restarted %u time(s); this report's device"
		         " counters are its last run's", vm->desc.name,
		         vm->restarts.total);
	if (vm->vgpu)
		vgpu_report(vm->vgpu);
	vm_free(vm);
	vm_free_struct(vm);
}
