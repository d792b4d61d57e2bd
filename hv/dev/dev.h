/*
 * hv/dev/dev.h — what a device of the virtual platform knows of its VM
 * (../shared/DESIGN.md: devices see the bus and a small description of
 * their VM, never struct vm's insides or the exit path). The VM object
 * (hv/vm.c) fills one in when it is built and hands devices a pointer.
 */
#ifndef BAREGT_HV_DEV_DEV_H
#define BAREGT_HV_DEV_DEV_H

#include <stdint.h>

struct bus;
struct vpci_bus;
struct virq;

struct vm_desc {
	unsigned id;                 /* 0.. in config order */
	const char *name;            /* for log lines: "vm 'NAME': ..." */
	uint64_t ram_hpa, ram_bytes; /* its RAM: GPA 0 .. ram_bytes */
	struct bus *bus;             /* where its devices claim ranges */
	struct vpci_bus *pci;        /* its PCI bus 0 */
	struct virq *irq;            /* its interrupt lines (hv/dev/irq.h) */
};

#endif
