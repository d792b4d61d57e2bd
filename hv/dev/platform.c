/*
 * hv/dev/platform.c — builds a VM's virtual platform and keeps its bus
 * ranges where the guest put them (docs/platform.md).
 */
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/dev/acpi_build.h"
#include "hv/dev/bus.h"
#include "hv/dev/platform.h"

static uint64_t plat_now(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

static void plat_eoi_level(void *ctx, uint8_t vector)
{
	(void)ctx;
	(void)vector;              /* the vIOAPIC's remote IRR: next step */
}

static uint8_t plat_extint_ack(void *ctx)
{
	(void)ctx;
	return 0xff;               /* no 8259 yet: a spurious vector */
}

static bool lapic_place(struct platform *p, uint64_t gpa)
{
	struct bus_range r = {
		.base = gpa, .size = VLAPIC_PAGE, .kind = BUS_DEVICE,
		.fn = vlapic_mmio, .arg = p->lapic, .name = "local APIC",
	};
	enum bus_status st = bus_add(p->vm->bus, BUS_MMIO, &r);

	if (st != BUS_OK) {
		log_warn("vm '%s': local APIC page at %#llx: %s; it decodes"
		         " nothing there", p->vm->name, (unsigned long long)gpa,
		         bus_status_str(st));
		p->lapic_move_failures++;
		return false;
	}
	p->lapic_gpa = gpa;
	return true;
}

/* IA32_APIC_BASE moved the xAPIC page. When x2APIC mode or a disable
 * takes the page away, the range stays where it was and reads 0 there
 * (vlapic_mmio), as a guest that still touches it expects of a PC
 * rather than a stopped VM. */
static void plat_page_moved(void *ctx, uint64_t old_gpa, uint64_t new_gpa)
{
	struct platform *p = ctx;

	(void)old_gpa;
	if (!new_gpa || new_gpa == p->lapic_gpa)
		return;
	if (p->lapic_gpa)
		bus_remove(p->vm->bus, BUS_MMIO, p->lapic_gpa, p->lapic);
	p->lapic_gpa = 0;
	lapic_place(p, new_gpa);
}

static const struct vlapic_ops plat_lapic_ops = {
	.now = plat_now,
	.eoi_level = plat_eoi_level,
	.extint_ack = plat_extint_ack,
	.page_moved = plat_page_moved,
};

/* The ACPI tables at ACPI_MAP_TABLES_GPA in the VM's RAM. */
static bool platform_acpi(struct platform *p)
{
	struct acpi_platform ap;
	char why[160];

	p->rsdp_gpa = 0;
	if (p->vm->ram_bytes < ACPI_MAP_TABLES_GPA + ACPI_MAP_TABLES_SIZE) {
		log_error("vm '%s': RAM too small for its ACPI tables",
		          p->vm->name);
		return false;
	}
	acpi_platform_default(&ap);
	if (!acpi_build(&ap, (uint8_t *)(uintptr_t)p->vm->ram_hpa +
	                     ACPI_MAP_TABLES_GPA, ACPI_MAP_TABLES_SIZE,
	                ACPI_MAP_TABLES_GPA, &p->rsdp_gpa, why, sizeof(why))) {
		log_error("vm '%s': ACPI tables: %s", p->vm->name, why);
		return false;
	}
	return true;
}

bool platform_init(struct platform *p, const struct vm_desc *vm,
                   struct vlapic *lapic, const struct vlapic_config *cfg)
{
	p->vm = vm;
	p->lapic = lapic;
	p->lapic_gpa = 0;
	p->lapic_move_failures = 0;
	vlapic_init(lapic, cfg, &plat_lapic_ops, p);
	if (!lapic_place(p, vlapic_page_gpa(lapic)) || !platform_acpi(p))
		return false;
	log_info("vm '%s': platform: local APIC at %#llx (x2APIC %s, TSC deadline"
	         " %s), ACPI tables at %#llx", vm->name,
	         (unsigned long long)p->lapic_gpa, cfg->x2apic ? "yes" : "no",
	         cfg->tsc_deadline ? "yes" : "no",
	         (unsigned long long)p->rsdp_gpa);
	return true;
}

void platform_tick(struct platform *p, uint64_t now)
{
	vlapic_tick(p->lapic, now);
}

void platform_report(const struct platform *p)
{
	const struct vlapic_stats *s = &p->lapic->stats;

	log_info("vm '%s': local APIC: %llu accepted, %llu injected, %llu EOIs"
	         " (%llu with nothing in service), %llu timer expiries",
	         p->vm->name, (unsigned long long)s->accepted,
	         (unsigned long long)s->injected, (unsigned long long)s->eois,
	         (unsigned long long)s->stray_eois,
	         (unsigned long long)s->timer_fires);
	log_info("vm '%s': local APIC dropped: %llu illegal vectors, %llu while"
	         " disabled, %llu not for it, %llu SMI/INIT/SIPI, %llu IPIs to"
	         " other CPUs, %llu bad accesses", p->vm->name,
	         (unsigned long long)s->illegal_vectors,
	         (unsigned long long)s->while_disabled,
	         (unsigned long long)s->not_for_me,
	         (unsigned long long)s->dropped_modes,
	         (unsigned long long)s->ipis_elsewhere,
	         (unsigned long long)s->bad_accesses);
}
