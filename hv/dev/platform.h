/*
 * hv/dev/platform.h — a VM's virtual platform (docs/platform.md): the
 * local APIC of its vCPU, the I/O APIC, the 8259 pair, the CMOS clock,
 * the PM timer and the HPET (counters only), reset and power-off, the interrupt router between them, and its ACPI
 * tables, built together and put on its bus. The exit path sees three
 * things: the next timer event, firing what is due, and (through the
 * vLAPIC) whether an interrupt waits.
 */
#ifndef BAREGT_HV_DEV_PLATFORM_H
#define BAREGT_HV_DEV_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/dev/dev.h"
#include "hv/dev/irq.h"
#include "hv/dev/vhpet.h"
#include "hv/dev/vioapic.h"
#include "hv/dev/vlapic.h"
#include "hv/dev/vpic.h"
#include "hv/dev/vpmtimer.h"
#include "hv/dev/vpower.h"
#include "hv/dev/vrtc.h"

struct platform {
	const struct vm_desc *vm;
	struct virq irq;             /* the router (hv/dev/irq.c) */
	struct vlapic *lapic;        /* the vCPU's local APIC */
	struct vioapic ioapic;
	struct vpic pic;
	struct vrtc rtc;
	struct vpower power;
	struct vpmtimer pmtimer;
	struct vhpet hpet;
	uint64_t rtc_next;           /* vrtc_next_event(), kept current */
	uint64_t lapic_gpa;          /* its page on the bus, 0: none */
	uint64_t lapic_move_failures;
	uint64_t rsdp_gpa;           /* its ACPI tables (hv/dev/acpi_build.c) */
	/* Reset and power-off go to the VM (hv/vm.c). */
	void (*power_request)(void *ctx, enum vpower_request r, const char *why);
	void *power_ctx;
};

/* What the VM gives its platform. */
struct platform_config {
	struct vlapic_config lapic;
	struct vrtc_time time;       /* the clock's time now */
	/* The VM restarts (docs/platform.md, "Reset and power-off"): this
	 * platform was built before and its RTC keeps its time and CMOS RAM
	 * (reset as its RESET pin does, vrtc_reset); time is not used. */
	bool keep_rtc;
	void (*power_request)(void *ctx, enum vpower_request r, const char *why);
	void *power_ctx;
};

/* Build the platform of a VM whose vCPU's local APIC is lapic: its
 * devices on the bus, its ACPI tables in its RAM. false (with a log
 * line) if a device cannot be placed or the tables not built. Every
 * device starts from its power-on state, the RTC too unless
 * cfg->keep_rtc. */
bool platform_init(struct platform *p, const struct vm_desc *vm,
                   struct vlapic *lapic, const struct platform_config *cfg);

/* TSC of the platform's next timer event, UINT64_MAX if none. */
static inline uint64_t platform_next_event(const struct platform *p)
{
	uint64_t l = vlapic_next_event(p->lapic);

	return l < p->rtc_next ? l : p->rtc_next;
}

/* Fire the timers due at now. */
void platform_tick(struct platform *p, uint64_t now);

/* The counters, a few log lines, for the VM's closing report. */
void platform_report(const struct platform *p);

#endif
