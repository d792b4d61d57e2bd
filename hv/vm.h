/*
 * hv/vm.h — a virtual machine: its RAM, EPT, traps, ports, devices, its
 * vCPU and what happened to it (docs/vmx.md).
 */
#ifndef BAREGT_HV_VM_H
#define BAREGT_HV_VM_H

#include <stdbool.h>
#include <stdint.h>
#include "ept/ept.h"
#include "hv/boot_info.h"
#include "hv/config/config.h"
#include "hv/dev/acpi_map.h"
#include "hv/dev/bus.h"
#include "hv/dev/chipset.h"
#include "hv/dev/dev.h"
#include "hv/dev/platform.h"
#include "hv/dev/vpci.h"
#include "hv/dev/vuart.h"
#include "hv/restart_limit.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

#define VM_MAX CONFIG_MAX_VMS

enum vm_state {
	VM_RUNNABLE,
	VM_STOPPED,
};

struct testdev;
struct vgpu;
struct vgpu_partition;
struct gpu_backend;

/* Where each VM's PCI ECAM window sits (bus 0, 1 MiB). */
#define VM_ECAM_GPA ((uint64_t)ACPI_MAP_ECAM_GPA)

struct vm {
	struct vm_desc desc;         /* id, name, RAM, bus, PCI: what devices see */
	const struct vm_config *cfg;
	struct ept ept;
	struct bus bus;              /* its MMIO and port ranges (hv/dev/bus.h) */
	struct vuart uart;
	struct testdev *testdev;
	struct vpci_bus pci;
	struct chipset chipset;      /* host bridge, ISA bridge, MCHBAR */
	struct vgpu *vgpu;
	struct platform plat;        /* interrupt controllers, timers (docs/platform.md) */
	struct vcpu vcpu;

	/* What it is built from, kept for a restart (docs/platform.md,
	 * "Reset and power-off"): the boot files stay in memory for the
	 * whole run, the GPU backend and the partitions too. */
	const struct boot_info *bi;
	const struct gpu_backend *be;
	const struct vgpu_partition *part;
	/* A reset the guest asked for with on_reset = restart: the VM is
	 * stopped with this set, and the scheduler rebuilds it. */
	bool restart_pending;
	char restart_why[48];
	struct restart_limit restarts;

	enum vm_state state;
	bool has_exit_code;
	uint64_t exit_code;
	uint64_t exits[VMX_EXIT_REASONS];
	uint64_t exits_total;
	unsigned checks_passed, checks_failed;
};

/* Build every VM of the config; a VM that cannot be built is reported
 * and left out. be and parts (one per config VM): the GPU backend and
 * each VM's share of graphics memory. Each VM's CPUID (leaves
 * 0x15/0x16) and timers follow the calibrated TSC rate (hv/tsc.h).
 * Returns how many were built. */
unsigned vm_create_all(const struct boot_info *bi, const struct gpu_backend *be,
                       const struct vgpu_partition *parts, struct vm **vms);

/* Stop a VM: state, one log line with the reason. */
void vm_stop(struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Stop with a register dump of its vCPU. */
void vm_stop_dump(struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A VM that stopped because its guest asked for a reset and its config
 * says on_reset = restart (restart_pending): rebuild it in place as if
 * just created — its vCPU, devices, vGPU and test device torn down, its
 * RAM cleared, every device back at power-on (the RTC keeps its time and
 * CMOS RAM), its image loaded again from the copy read at boot, its vCPU
 * at the entry state; RAM block and EPT stay. At most
 * RESTART_LIMIT_DEFAULT restarts within RESTART_WINDOW_SECONDS: the next
 * reset stops it as a reset loop. true: it is runnable again; false: it
 * stays stopped (no restart asked for, a reset loop, or the rebuild
 * failed; each logged). Called by the scheduler between turns, never
 * from inside an exit.
 */
bool vm_restart(struct vm *vm);

/* The closing report for a stopped VM; frees it (vm is gone after). */
void vm_report_and_free(struct vm *vm);

/* Guest RAM as the hypervisor sees it; NULL when [gpa, gpa+len) is not
 * entirely RAM. */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);


#endif
