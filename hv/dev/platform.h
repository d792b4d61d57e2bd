/*
 * hv/dev/platform.h — a VM's virtual platform (docs/platform.md): its
 * interrupt controllers, timers and platform devices, built together and
 * put on its bus. The exit path sees three things: the next timer event,
 * firing what is due, and whether an interrupt waits.
 */
#ifndef BAREGT_HV_DEV_PLATFORM_H
#define BAREGT_HV_DEV_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/dev/dev.h"
#include "hv/dev/vlapic.h"

struct platform {
	const struct vm_desc *vm;
	struct vlapic *lapic;        /* the vCPU's local APIC */
	uint64_t lapic_gpa;          /* its page on the bus, 0: none */
	uint64_t lapic_move_failures;
	uint64_t rsdp_gpa;           /* its ACPI tables (hv/dev/acpi_build.c) */
};

/* Build the platform of a VM whose vCPU's local APIC is lapic: its
 * devices on the bus, its ACPI tables in its RAM. false (with a log
 * line) if a device cannot be placed or the tables not built. */
bool platform_init(struct platform *p, const struct vm_desc *vm,
                   struct vlapic *lapic, const struct vlapic_config *cfg);

/* TSC of the platform's next timer event, UINT64_MAX if none. */
static inline uint64_t platform_next_event(const struct platform *p)
{
	return vlapic_next_event(p->lapic);
}

/* Fire the timers due at now. */
void platform_tick(struct platform *p, uint64_t now);

/* The counters, one log line each, for the VM's closing report. */
void platform_report(const struct platform *p);

#endif
