/*
 * hv/dev/platform.c — builds a VM's virtual platform, wires its devices
 * to one another (docs/platform.md, "Interrupts") and keeps the xAPIC
 * page where the guest put it.
 *
 *   vUART, RTC ─ virq_line ─► vIOAPIC ─ deliver ─► vLAPIC ◄─ virq_msi
 *                         └─► vPIC ─ INTR ─► vLAPIC LINT0 (ExtINT)
 *   vLAPIC EOI of a level vector ─► vioapic_eoi
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

/* ---- the wires ----------------------------------------------------------- */

static void plat_eoi_level(void *ctx, uint8_t vector)
{
	struct platform *p = ctx;

	vioapic_eoi(&p->ioapic, vector);
}

/* The INTA cycle: the 8259's vector (its spurious IR7 one when nothing
 * is pending). */
static uint8_t plat_extint_ack(void *ctx)
{
	struct platform *p = ctx;

	return (uint8_t)vpic_ack(&p->pic);
}

static void plat_ioapic_deliver(void *ctx, const struct apic_msg *m)
{
	struct platform *p = ctx;

	vlapic_accept(p->lapic, m);
}

static void plat_pic_intr(void *ctx, bool level)
{
	struct platform *p = ctx;

	vlapic_lint(p->lapic, 0, level);
}

static void plat_rtc_irq(void *ctx, bool level)
{
	struct platform *p = ctx;

	virq_line(&p->irq, VIRQ_GSI_RTC, level);
}

static void plat_power(void *ctx, enum vpower_request r, const char *why)
{
	struct platform *p = ctx;

	p->power_request(p->power_ctx, r, why);
}

/* ---- the xAPIC page -------------------------------------------------------- */

static bool lapic_place(struct platform *p, uint64_t gpa)
{
	struct bus_range r = {
		.base = gpa, .size = VLAPIC_PAGE, .kind = BUS_DEVICE,
		.fn = vlapic_mmio, .arg = p->lapic, .name = "local APIC",
	};
	/* Over RAM the EPT maps the RAM and the guest's own accesses never
	 * reach the bus; only emulated ones would, so the page is not put
	 * there at all: RAM wins, consistently. */
	bool in_ram = gpa < p->vm->ram_bytes;
	enum bus_status st = in_ram ? BUS_EOVERLAP :
	                     bus_add(p->vm->bus, BUS_MMIO, &r);

	if (st != BUS_OK) {
		/* The guest chooses the base: a guest that keeps moving it
		 * onto RAM or a device would fill the log, so only the first
		 * is logged; the VM's report has the count. */
		if (!p->lapic_move_failures)
			log_warn("vm '%s': local APIC page at %#llx: %s; it decodes"
			         " nothing there (further such moves are only"
			         " counted)", p->vm->name, (unsigned long long)gpa,
			         in_ram ? "in RAM" : bus_status_str(st));
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

/* The RTC's registers, with its next event kept current for the exit
 * path (an access may arm or disarm an interrupt). */
static bool plat_rtc_io(void *arg, uint64_t off, unsigned size, bool write,
                        uint64_t *val)
{
	struct platform *p = arg;
	bool ok = vrtc_bus_io(&p->rtc, off, size, write, val);

	p->rtc_next = vrtc_next_event(&p->rtc);
	return ok;
}

/* ---- building it ----------------------------------------------------------- */

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

struct plat_range {
	enum bus_space space;
	uint64_t base, size;
	bus_fn fn;
	size_t arg;                  /* offset of the device in struct platform */
	const char *name;
};

#define DEV(m) offsetof(struct platform, m)

static const struct plat_range plat_ranges[] = {
	{ BUS_MMIO, ACPI_MAP_IOAPIC_GPA, VIOAPIC_SIZE, vioapic_bus_mmio,
	  DEV(ioapic), "I/O APIC" },
	{ BUS_PIO, VPIC_MASTER_PORT, VPIC_PORTS, vpic_bus_master, DEV(pic),
	  "8259 master" },
	{ BUS_PIO, VPIC_SLAVE_PORT, VPIC_PORTS, vpic_bus_slave, DEV(pic),
	  "8259 slave" },
	{ BUS_PIO, VPIC_ELCR_PORT, VPIC_ELCR_PORTS, vpic_bus_elcr, DEV(pic),
	  "ELCR" },
	{ BUS_PIO, VRTC_PORT, VRTC_PORTS, plat_rtc_io, 0, "RTC" },   /* arg: the platform */
	{ BUS_PIO, VPOWER_KBD_DATA_PORT, 1, vpower_bus_kbd_data, DEV(power),
	  "i8042 data" },
	{ BUS_PIO, VPOWER_KBD_CMD_PORT, 1, vpower_bus_kbd_cmd, DEV(power),
	  "i8042" },
	{ BUS_PIO, ACPI_MAP_RESET_PORT, 1, vpower_bus_rst_cnt, DEV(power),
	  "reset 0xcf9" },
	{ BUS_PIO, ACPI_MAP_PM1A_EVT_PORT, VPOWER_PM1_PORTS, vpower_bus_pm1,
	  DEV(power), "ACPI PM1" },
	{ BUS_PIO, ACPI_MAP_PM_TMR_PORT, VPMTIMER_PORTS, vpmtimer_bus,
	  DEV(pmtimer), "ACPI PM timer" },
	{ BUS_MMIO, ACPI_MAP_HPET_GPA, ACPI_MAP_HPET_SIZE, vhpet_bus_mmio,
	  DEV(hpet), "HPET" },
};

bool platform_init(struct platform *p, const struct vm_desc *vm,
                   struct vlapic *lapic, const struct platform_config *cfg)
{
	unsigned i;

	p->vm = vm;
	p->lapic = lapic;
	p->lapic_gpa = 0;
	p->lapic_move_failures = 0;
	p->irq = (struct virq){ 0 };
	p->power_request = cfg->power_request;
	p->power_ctx = cfg->power_ctx;
	vlapic_init(lapic, &cfg->lapic, &plat_lapic_ops, p);
	vioapic_init(&p->ioapic, 0, plat_ioapic_deliver, p);
	vpic_init(&p->pic, plat_pic_intr, p);
	vpower_init(&p->power, plat_power, p);
	if (!vpmtimer_init(&p->pmtimer, cfg->lapic.tsc_hz, plat_now, p)) {
		log_error("vm '%s': no PM timer without a TSC rate", vm->name);
		return false;
	}
	if (!vhpet_init(&p->hpet, cfg->lapic.tsc_hz, plat_now, p)) {
		log_error("vm '%s': no HPET with a TSC rate of %llu Hz", vm->name,
		          (unsigned long long)cfg->lapic.tsc_hz);
		return false;
	}
	/* The RTC of a restarting VM still points at this platform (the
	 * platform lives in its VM and stays where it is). */
	if (cfg->keep_rtc)
		vrtc_reset(&p->rtc);
	else if (!vrtc_init(&p->rtc, &cfg->time, cfg->lapic.tsc_hz, plat_now,
	                    plat_rtc_irq, p)) {
		log_error("vm '%s': the clock cannot start (time %04u-%02u-%02u,"
		          " TSC %llu Hz)", vm->name, cfg->time.year, cfg->time.month,
		          cfg->time.day, (unsigned long long)cfg->lapic.tsc_hz);
		return false;
	}
	p->rtc_next = vrtc_next_event(&p->rtc);
	for (i = 0; i < sizeof(plat_ranges) / sizeof(plat_ranges[0]); i++) {
		const struct plat_range *d = &plat_ranges[i];
		struct bus_range r = {
			.base = d->base, .size = d->size, .kind = BUS_DEVICE,
			.fn = d->fn, .arg = (char *)p + d->arg, .name = d->name,
		};
		enum bus_status st = bus_add(vm->bus, d->space, &r);
		if (st != BUS_OK) {
			log_error("vm '%s': cannot place %s: %s", vm->name, d->name,
			          bus_status_str(st));
			return false;
		}
	}
	if (!lapic_place(p, vlapic_page_gpa(lapic)) || !platform_acpi(p))
		return false;
	log_info("vm '%s': platform: local APIC at %#llx (x2APIC %s, TSC deadline"
	         " %s), I/O APIC at %#llx, 8259 pair, RTC, PM timer, HPET at"
	         " %#llx, ACPI tables at %#llx",
	         vm->name, (unsigned long long)p->lapic_gpa,
	         cfg->lapic.x2apic ? "yes" : "no",
	         cfg->lapic.tsc_deadline ? "yes" : "no",
	         (unsigned long long)ACPI_MAP_IOAPIC_GPA,
	         (unsigned long long)ACPI_MAP_HPET_GPA,
	         (unsigned long long)p->rsdp_gpa);
	return true;
}

void platform_tick(struct platform *p, uint64_t now)
{
	vlapic_tick(p->lapic, now);
	if (now >= p->rtc_next) {
		vrtc_tick(&p->rtc, now);
		p->rtc_next = vrtc_next_event(&p->rtc);
	}
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
	if (p->lapic_move_failures)
		log_info("vm '%s': local APIC page: %llu moves onto RAM or another"
		         " device (it decoded nothing there)", p->vm->name,
		         (unsigned long long)p->lapic_move_failures);
	log_info("vm '%s': I/O APIC: %llu messages, %llu bad accesses, %llu bad"
	         " registers, %llu lines beyond pin 23; MSIs: %llu, %llu bad"
	         " addresses", p->vm->name,
	         (unsigned long long)p->ioapic.count.delivered,
	         (unsigned long long)p->ioapic.count.bad_access,
	         (unsigned long long)p->ioapic.count.bad_reg,
	         (unsigned long long)(p->ioapic.count.bad_pin + p->irq.bad_lines),
	         (unsigned long long)p->irq.msis,
	         (unsigned long long)p->irq.bad_msis);
	log_info("vm '%s': timers: HPET %llu bad accesses, %llu to reserved"
	         " registers, %llu writes to GCAP_ID, %llu counter writes while"
	         " running; PM timer %llu bad accesses", p->vm->name,
	         (unsigned long long)p->hpet.count.bad_access,
	         (unsigned long long)p->hpet.count.reserved,
	         (unsigned long long)p->hpet.count.read_only_writes,
	         (unsigned long long)p->hpet.count.running_writes,
	         (unsigned long long)p->pmtimer.bad_access);
}
