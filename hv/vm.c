/*
 * hv/vm.c — building, stopping and reporting VMs (docs/vmx.md).
 *
 * A VM's RAM is one 2 MiB-aligned block of free host memory, zeroed,
 * mapped at GPA 0 by its own EPT and by nothing else. Its devices (UART,
 * exit port, test device) are registered in its own port and trap tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/load/load.h"
#include "hv/mm.h"
#include "gpu/gen9.h"
#include "gpu/vgpu.h"
#include "hv/testdev.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define UART_PORT       0x3f8
#define UART_PORTS      8
#define EXIT_PORT       0xf4
#define RAM_ALIGN_PAGES 512            /* 2 MiB */
#define VM_STRUCT_PAGES ((sizeof(struct vm) + PAGE_SIZE - 1) / PAGE_SIZE)

/* ---- devices every VM has ------------------------------------------------- */

static void vm_console_line(void *arg, const char *line)
{
	struct vm *vm = arg;

	log_info("[%s] %s", vm->name, line);
}

static bool vm_uart_io(struct vm *vm, void *arg, uint16_t port, unsigned size,
                       bool in, uint32_t *value)
{
	(void)arg;
	(void)size;                    /* byte-wide registers: low byte only */
	if (in)
		*value = vuart_read(&vm->uart, port - UART_PORT);
	else
		vuart_write(&vm->uart, port - UART_PORT, (uint8_t)*value);
	return true;
}

static bool vm_exit_port_io(struct vm *vm, void *arg, uint16_t port,
                            unsigned size, bool in, uint32_t *value)
{
	(void)arg;
	(void)port;
	(void)size;
	if (in) {
		*value = 0;
		return true;
	}
	vm->has_exit_code = true;
	vm->exit_code = *value;
	vm_stop(vm, "exit code %u (port 0xf4)", *value);
	return false;
}

/* ---- PCI: mechanism #1 ports and the ECAM window ---------------------------- */

#define PCI_CONFIG_PORT  0xcf8
#define PCI_CONFIG_PORTS 8

static bool vm_pci_io(struct vm *vm, void *arg, uint16_t port, unsigned size,
                      bool in, uint32_t *value)
{
	(void)arg;
	if (in)
		*value = vpci_port_read(&vm->pci, port, size);
	else
		vpci_port_write(&vm->pci, port, size, *value);
	return true;
}

static bool vm_ecam_mmio(void *arg, uint64_t off, unsigned size, bool write,
                         uint64_t *value)
{
	struct vm *vm = arg;

	if (size > 4)
		return false;                /* configuration space is dwords */
	if (write)
		vpci_ecam_write(&vm->pci, (uint32_t)off, size, (uint32_t)*value);
	else
		*value = vpci_ecam_read(&vm->pci, (uint32_t)off, size);
	return true;
}

static bool vm_pci_init(struct vm *vm)
{
	vpci_bus_init(&vm->pci);
	vpci_func_init(&vm->host_bridge, GEN9_VENDOR_INTEL, GEN9_HOST_BRIDGE_DEVICE,
	               0x060000, GEN9_REVISION, NULL, NULL);
	if (vpci_add(&vm->pci, 0, 0, &vm->host_bridge) &&
	    io_register(&vm->io, PCI_CONFIG_PORT, PCI_CONFIG_PORTS, vm_pci_io,
	                NULL) &&
	    vm_trap_mmio(vm, VM_ECAM_GPA, VPCI_ECAM_SIZE, vm_ecam_mmio, vm,
	                 "PCI ECAM"))
		return true;
	log_error("vm '%s': cannot build its PCI bus", vm->name);
	return false;
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
	if (gpa >= vm->ram_bytes || len > vm->ram_bytes - gpa)
		return NULL;
	return (void *)(uintptr_t)(vm->ram_hpa + gpa);
}

bool vm_trap_mmio(struct vm *vm, uint64_t gpa, uint64_t size, trap_mmio_fn fn,
                  void *arg, const char *name)
{
	struct trap t = { .gpa = gpa, .size = size, .kind = TRAP_MMIO,
	                  .mmio = fn, .arg = arg, .name = name };
	enum trap_status s;

	/* A guest moving a BAR gets here too: its failures are the guest's,
	 * reported by the caller; the reason goes to the debug log. */
	if (gpa < vm->ram_bytes) {
		log_debug("vm '%s': %s at GPA %#llx overlaps its RAM", vm->name,
		          name, (unsigned long long)gpa);
		return false;
	}
	s = trap_add(&vm->traps, &t);
	if (s != TRAP_OK)
		log_debug("vm '%s': cannot add trap %s at GPA %#llx: %s", vm->name,
		          name, (unsigned long long)gpa, trap_status_str(s));
	return s == TRAP_OK;
}

bool vm_trap_remove(struct vm *vm, uint64_t gpa, const void *owner)
{
	return trap_remove(&vm->traps, gpa, owner);
}

bool vm_trap_write_protect(struct vm *vm, uint64_t gpa, trap_wp_fn fn,
                           void *arg, const char *name)
{
	struct trap t = { .gpa = gpa, .size = PAGE_SIZE,
	                  .kind = TRAP_WRITE_PROTECT, .wp = fn, .arg = arg,
	                  .name = name };
	enum trap_status s;

	if (!vm_gpa_to_hva(vm, gpa, PAGE_SIZE)) {
		log_error("vm '%s': %s at GPA %#llx is not in its RAM", vm->name,
		          name, (unsigned long long)gpa);
		return false;
	}
	s = trap_add(&vm->traps, &t);
	if (s != TRAP_OK) {
		log_error("vm '%s': cannot add trap %s: %s", vm->name, name,
		          trap_status_str(s));
		return false;
	}
	if (!ept_protect(&vm->ept, gpa, PAGE_SIZE, PT_EXEC))
		return false;
	if (vm->vcpu.launched)
		invept(INVEPT_SINGLE_CONTEXT, vm->ept.eptp);
	return true;
}

/* ---- creation --------------------------------------------------------------- */

static bool vm_load_image(struct vm *vm, const struct boot_info *bi,
                          struct guest_entry *entry)
{
	struct guest_module mods[CONFIG_MAX_MODULES];
	const struct boot_file *image = NULL;
	struct guest_load_req req = { 0 };
	char err[160];
	unsigned i;

	for (i = 0; i < bi->nfiles; i++) {
		const struct boot_file *f = &bi->files[i];
		if (f->vm != vm->id)
			continue;
		if (f->module < 0)
			image = f;
		else
			mods[f->module] = (struct guest_module){
				(const void *)(uintptr_t)f->hpa, f->size,
				vm->cfg->module[f->module].args };
	}
	req.ram = (uint8_t *)(uintptr_t)vm->ram_hpa;
	req.ram_bytes = vm->ram_bytes;
	req.image = (const void *)(uintptr_t)image->hpa;
	req.image_size = image->size;
	req.cmdline = vm->cfg->cmdline;
	req.vm_name = vm->name;
	req.modules = mods;
	req.nmodules = vm->cfg->nmodules;
	if (!guest_load(&req, entry, err, sizeof(err))) {
		log_error("vm '%s': image %s: %s", vm->name, vm->cfg->image, err);
		return false;
	}
	log_info("vm '%s': %s image %s, entry %#llx, %u module(s)", vm->name,
	         guest_kind_name(entry->kind), vm->cfg->image,
	         (unsigned long long)entry->rip, vm->cfg->nmodules);
	return true;
}

static bool vm_build_memory(struct vm *vm)
{
	uint64_t bad_gpa, bad_hpa;

	vm->ram_bytes = vm->cfg->memory_bytes;
	vm->ram_hpa = palloc_alloc(&hv_palloc, vm->ram_bytes / PAGE_SIZE,
	                           RAM_ALIGN_PAGES);
	if (!vm->ram_hpa) {
		log_error("vm '%s': no %llu MiB block of free memory left",
		          vm->name, (unsigned long long)(vm->ram_bytes >> 20));
		return false;
	}
	memset((void *)(uintptr_t)vm->ram_hpa, 0, vm->ram_bytes);
	if (!ept_init(&vm->ept, vm_alloc_table, &hv_palloc, vmx.caps.ept_1g) ||
	    !ept_map_ram(&vm->ept, 0, vm->ram_hpa, vm->ram_bytes)) {
		log_error("vm '%s': out of memory for EPT", vm->name);
		return false;
	}
	/* Isolation self-check: every EPT leaf lies in this VM's RAM. */
	if (!ept_check_isolation(&vm->ept, vm->ram_hpa, vm->ram_bytes,
	                         &bad_gpa, &bad_hpa)) {
		log_error("vm '%s': EPT maps GPA %#llx to HPA %#llx outside its RAM;"
		          " refused", vm->name, (unsigned long long)bad_gpa,
		          (unsigned long long)bad_hpa);
		return false;
	}
	log_info("vm '%s': %llu MiB RAM at HPA %#llx, EPT in %u tables, VPID %u",
	         vm->name, (unsigned long long)(vm->ram_bytes >> 20),
	         (unsigned long long)vm->ram_hpa, vm->ept.pt.ntables, vm->id + 1);
	return true;
}

static void vm_free(struct vm *vm)
{
	vcpu_destroy(&vm->vcpu);
	if (vm->vgpu)
		vgpu_destroy(vm->vgpu);
	vm->vgpu = NULL;
	if (vm->ept.pt.root)
		ept_destroy(&vm->ept, vm_free_table, &hv_palloc);
	if (vm->ram_hpa)
		palloc_free(&hv_palloc, vm->ram_hpa, vm->ram_bytes / PAGE_SIZE);
	vm->ram_hpa = 0;
	if (vm->testdev)
		palloc_free(&hv_palloc, (uint64_t)(uintptr_t)vm->testdev, 1);
	vm->testdev = NULL;
}

static void vm_free_struct(struct vm *vm)
{
	palloc_free(&hv_palloc, (uint64_t)(uintptr_t)vm, VM_STRUCT_PAGES);
}

static bool vm_attach_vgpu(struct vm *vm, const struct gpu_backend *be,
                           const struct vgpu_partition *part)
{
	if (vm->cfg->vgpu == VGPU_NONE)
		return true;
	vm->vgpu = vgpu_create(vm, be, vm->cfg->vgpu, part, vm->cfg->vgpu_device,
	                       vm->id + 1);
	return vm->vgpu != NULL;
}

static struct vm *vm_create(const struct boot_info *bi, unsigned id,
                            const struct gpu_backend *be,
                            const struct vgpu_partition *part)
{
	struct vm *vm = mm_alloc_pages(VM_STRUCT_PAGES);
	struct guest_entry entry;

	vm->id = id;
	vm->cfg = &bi->config.vm[id];
	vm->name = vm->cfg->name;
	vm->state = VM_RUNNABLE;
	if (vm->cfg->cpu != 0)
		log_warn("vm '%s': cpu %u requested; VMs run on CPU 0 until"
		         " pinning to other CPUs lands", vm->name, vm->cfg->cpu);
	trap_table_init(&vm->traps);
	io_table_init(&vm->io);
	vuart_init(&vm->uart, vm_console_line, vm);
	io_register(&vm->io, UART_PORT, UART_PORTS, vm_uart_io, NULL);
	io_register(&vm->io, EXIT_PORT, 1, vm_exit_port_io, NULL);
	if (!vm_build_memory(vm) || !vm_load_image(vm, bi, &entry) ||
	    !vm_pci_init(vm) || !vm_attach_vgpu(vm, be, part) ||
	    (vm->cfg->testdev && !testdev_attach(vm)) ||
	    !vcpu_init(&vm->vcpu, vm, &entry)) {
		log_error("vm '%s': not started", vm->name);
		vm_free(vm);
		vm_free_struct(vm);
		return NULL;
	}
	return vm;
}

unsigned vm_create_all(const struct boot_info *bi, const struct gpu_backend *be,
                       const struct vgpu_partition *parts, struct vm **vms)
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
	vm->state = VM_STOPPED;
	log_info("vm '%s': stopped: %s", vm->name, reason);
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
	log_info("vm '%s': %llu exits: %s", vm->name,
	         (unsigned long long)vm->exits_total, len ? line : "none");
	if (vm->io.unknown_reads || vm->io.unknown_writes)
		log_info("vm '%s': unknown ports: %llu reads, %llu writes", vm->name,
		         (unsigned long long)vm->io.unknown_reads,
		         (unsigned long long)vm->io.unknown_writes);
	if (vm->checks_passed || vm->checks_failed)
		log_info("vm '%s': %u checks passed, %u failed", vm->name,
		         vm->checks_passed, vm->checks_failed);
	if (vm->vgpu)
		vgpu_report(vm->vgpu);
	vm_free(vm);
	vm_free_struct(vm);
}
