/*
 * hv/dev/chipset.c — host bridge, ISA bridge and MCHBAR (hv/dev/chipset.h).
 * Config layouts: PCI Local Bus 3.0 §6.1; MCHBAR is the 64-bit register
 * at 0x48 of the Skylake host bridge (bit 0 enable, base in 38:15), per
 * the 6th-generation Core datasheet vol. 2. Registers a driver reads
 * through MCHBAR itself come from the vGPU's mirror of it in BAR0
 * (0x140000), so the window here only has to be there: reads give 0,
 * writes are dropped, both counted.
 */
#include "hv/console.h"
#include "hv/dev/bus.h"
#include "hv/dev/chipset.h"
#include "gpu/gen9.h"

#define CLASS_HOST_BRIDGE 0x060000u
#define CLASS_ISA_BRIDGE  0x060100u
#define SPT_LPC_REVISION  0x21

static bool mchbar_access(void *arg, uint64_t off, unsigned size, bool write,
                          uint64_t *val)
{
	struct chipset *c = arg;

	(void)off;
	(void)size;
	if (write) {
		c->mchbar_writes++;
	} else {
		c->mchbar_reads++;
		*val = 0;
	}
	return true;
}

bool chipset_init(struct chipset *c, const struct vm_desc *vm)
{
	struct bus_range r = {
		.base = CHIPSET_MCHBAR_GPA, .size = CHIPSET_MCHBAR_SIZE,
		.kind = BUS_DEVICE, .fn = mchbar_access, .arg = c,
		.name = "MCHBAR",
	};
	enum bus_status st;

	c->mchbar_reads = c->mchbar_writes = 0;
	vpci_func_init(&c->host_bridge, GEN9_VENDOR_INTEL, GEN9_HOST_BRIDGE_DEVICE,
	               CLASS_HOST_BRIDGE, GEN9_REVISION, NULL, NULL);
	/* MCHBAR enabled at its address; read-only to the guest. */
	vpci_cfg_set(&c->host_bridge, CHIPSET_MCHBAR_REG, 4,
	             (uint32_t)CHIPSET_MCHBAR_GPA | 1, 0);
	vpci_cfg_set(&c->host_bridge, CHIPSET_MCHBAR_REG + 4, 4,
	             (uint32_t)(CHIPSET_MCHBAR_GPA >> 32), 0);
	vpci_func_init(&c->isa_bridge, GEN9_VENDOR_INTEL, CHIPSET_LPC_DEVICE,
	               CLASS_ISA_BRIDGE, SPT_LPC_REVISION, NULL, NULL);
	/* Neither raises INTx. */
	vpci_cfg_set(&c->host_bridge, PCI_INT_PIN, 1, 0, 0);
	vpci_cfg_set(&c->isa_bridge, PCI_INT_PIN, 1, 0, 0);
	if (!vpci_add(vm->pci, 0, 0, &c->host_bridge) ||
	    !vpci_add(vm->pci, 0x1f, 0, &c->isa_bridge)) {
		log_error("vm '%s': cannot place the host or ISA bridge on PCI bus 0",
		          vm->name);
		return false;
	}
	st = bus_add(vm->bus, BUS_MMIO, &r);
	if (st != BUS_OK) {
		log_error("vm '%s': cannot place MCHBAR at %#llx: %s", vm->name,
		          (unsigned long long)CHIPSET_MCHBAR_GPA, bus_status_str(st));
		return false;
	}
	return true;
}
