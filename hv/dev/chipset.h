/*
 * hv/dev/chipset.h — the chipset functions of a VM's PCI bus 0 that a
 * stock driver looks for (docs/platform.md, "PCI as i915 needs it"): the
 * host bridge at 00:00.0 (i915's probe fails without one), with MCHBAR
 * programmed and decoding a window that reads zeros, and the ISA bridge
 * at 00:1f.0 with a Sunrise Point-LP LPC ID, which is how i915 tells the
 * PCH.
 */
#ifndef BAREGT_HV_DEV_CHIPSET_H
#define BAREGT_HV_DEV_CHIPSET_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/dev/dev.h"
#include "hv/dev/vpci.h"

#define CHIPSET_MCHBAR_GPA   0xfed10000ull     /* where a SKL BIOS puts it */
#define CHIPSET_MCHBAR_SIZE  0x8000u           /* 32 KiB */
#define CHIPSET_MCHBAR_REG   0x48              /* host bridge config offset */
#define CHIPSET_LPC_DEVICE   0x9d48            /* SPT-LP LPC controller */

struct chipset {
	struct vpci_func host_bridge;
	struct vpci_func isa_bridge;
	uint64_t mchbar_reads, mchbar_writes;
};

/* Put both functions on vm's PCI bus and MCHBAR on its bus; false with
 * a log line if a slot or the window is taken. */
bool chipset_init(struct chipset *c, const struct vm_desc *vm);

#endif
