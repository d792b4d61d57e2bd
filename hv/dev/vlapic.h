/*
 * hv/dev/vlapic.h — a VM's local APIC (docs/platform.md, "Interrupts").
 *
 * One per vCPU. The xAPIC view is a 4 KiB MMIO page on the VM's bus
 * (vlapic_mmio), the x2APIC view the MSRs 0x800-0x8FF (vlapic_msr_*),
 * and IA32_APIC_BASE switches between them as SDM Vol. 3A §11.12.5
 * says. Interrupts arrive as messages (vlapic_accept), leave through
 * vlapic_pending/vlapic_ack to the injection code (vmx/intr.c), and end
 * with an EOI that tells the IOAPIC about level-triggered vectors.
 *
 * The timer keeps its expiry as a TSC value; the caller asks for the
 * next event (vlapic_next_event) and fires what is due (vlapic_tick).
 * The counter runs at the TSC rate divided by the divide configuration
 * (CPUID 0x15 names the TSC rate as the crystal, docs/platform.md "Time").
 *
 * Pure: time and the outside world come through struct vlapic_ops.
 * Register layout: SDM Vol. 3A §11.4 (base MSR), §11.5 (LVT, timer,
 * ESR), §11.6 (ICR), §11.8 (TPR/PPR, IRR/ISR/TMR, EOI), §11.9 (SVR),
 * §11.12 (x2APIC).
 */
#ifndef BAREGT_HV_DEV_VLAPIC_H
#define BAREGT_HV_DEV_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/dev/apic_msg.h"

#define VLAPIC_DEFAULT_BASE 0xfee00000ull
#define VLAPIC_PAGE         0x1000u
#define VLAPIC_REGS         64          /* 16-byte registers in [0, 0x400) */

/* IA32_APIC_BASE bits (SDM Vol. 3A Figure 11-26). */
#define APIC_BASE_BSP       (1ull << 8)
#define APIC_BASE_EXTD      (1ull << 10)
#define APIC_BASE_EN        (1ull << 11)

#define MSR_X2APIC_FIRST    0x800u
#define MSR_X2APIC_LAST     0x8ffu
#define MSR_TSC_DEADLINE    0x6e0u

/* What the VM's CPUID promises about its APIC. */
struct vlapic_config {
	uint32_t id;                 /* its APIC ID */
	unsigned maxphyaddr;         /* CPUID.80000008H:EAX[7:0] */
	bool x2apic;                 /* CPUID.1:ECX[21] */
	bool tsc_deadline;           /* CPUID.1:ECX[24] */
	uint64_t tsc_hz;             /* for the shortest periodic timer */
};

struct vlapic_ops {
	uint64_t (*now)(void *ctx);                  /* the TSC */
	/* A level-triggered vector was EOIed (for the IOAPIC's remote IRR). */
	void (*eoi_level)(void *ctx, uint8_t vector);
	/* The INTA cycle for an ExtINT (the 8259's vector). */
	uint8_t (*extint_ack)(void *ctx);
	/* The xAPIC page moved (old and new GPA; 0 = no page: x2APIC or
	 * disabled). */
	void (*page_moved)(void *ctx, uint64_t old_gpa, uint64_t new_gpa);
};

struct vlapic_stats {
	uint64_t accepted, injected, eois;
	uint64_t illegal_vectors;      /* fixed vectors < 16, sent or received */
	uint64_t not_for_me;           /* messages for another APIC ID */
	uint64_t ipis_elsewhere;       /* ICR sends to other CPUs (there are none) */
	uint64_t dropped_modes;        /* SMI, INIT, SIPI, reserved modes */
	uint64_t while_disabled;       /* fixed messages to a software-disabled APIC */
	uint64_t stray_eois;           /* EOI with nothing in service */
	uint64_t timer_fires;
	uint64_t bad_accesses;         /* sizes, offsets, read-only writes */
};

struct vlapic {
	const struct vlapic_ops *ops;
	void *ctx;
	struct vlapic_config cfg;
	uint64_t base;                 /* IA32_APIC_BASE */
	uint32_t reg[VLAPIC_REGS];     /* index = xAPIC offset >> 4 */
	uint32_t esr_pending;          /* errors since the last ESR write */
	/* The timer: fires at deadline (TSC), 0 = not armed. */
	uint64_t timer_deadline;
	uint64_t timer_start, timer_period;   /* TSC ticks; period 0 = one-shot */
	uint64_t tsc_deadline_msr;
	uint64_t min_period;           /* shortest periodic timer, TSC ticks */
	bool nmi_pending, extint_pending;
	uint8_t irr_words;             /* bit i: IRR word i is not zero */
	bool lint_level[2];
	struct vlapic_stats stats;
};

/* Power-on state: xAPIC mode at 0xFEE00000, BSP (§11.4.7.1). */
void vlapic_init(struct vlapic *l, const struct vlapic_config *cfg,
                 const struct vlapic_ops *ops, void *ctx);

/* The modes. */
static inline bool vlapic_enabled(const struct vlapic *l)
{
	return (l->base & APIC_BASE_EN) != 0;
}
static inline bool vlapic_x2apic(const struct vlapic *l)
{
	return (l->base & APIC_BASE_EXTD) != 0;
}
/* GPA of the xAPIC page, 0 when it decodes nothing (disabled, x2APIC). */
uint64_t vlapic_page_gpa(const struct vlapic *l);

/* A message on the APIC bus; false if it was not for this APIC. */
bool vlapic_accept(struct vlapic *l, const struct apic_msg *m);
/* LINT0/LINT1 input levels (the 8259's INTR is on LINT0). */
void vlapic_lint(struct vlapic *l, unsigned pin, bool level);

/* The vector to inject next: 0..255, or -1 if none is deliverable
 * (nothing above the PPR). NMIs and ExtINT are reported separately. */
int vlapic_pending(const struct vlapic *l);
/* Something is waiting (a vector, deliverable or not, an NMI, ExtINT).
 * Inline: the entry path asks before every VM entry. */
static inline bool vlapic_has_work(const struct vlapic *l)
{
	return (l->irr_words | l->nmi_pending | l->extint_pending) != 0;
}
/* The vector is being injected: IRR -> ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vector);
/* ExtINT: the vector from the 8259 (INTA), clears extint_pending. */
uint8_t vlapic_ack_extint(struct vlapic *l);

/* The timer: TSC of its next expiry (UINT64_MAX: none); fire what is due
 * at now. */
static inline uint64_t vlapic_next_event(const struct vlapic *l)
{
	return l->timer_deadline ? l->timer_deadline : UINT64_MAX;
}
void vlapic_tick(struct vlapic *l, uint64_t now);

/* CR8 = TPR[7:4] (SDM Vol. 3A §11.8.6.1). */
uint64_t vlapic_get_cr8(const struct vlapic *l);
void vlapic_set_cr8(struct vlapic *l, uint64_t cr8);

/* MSRs: IA32_APIC_BASE, the x2APIC range, IA32_TSC_DEADLINE. false:
 * the access raises #GP (also for an MSR these do not own). */
bool vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t *val);
bool vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val);

/* The xAPIC page on the bus (arg: struct vlapic); off within the page. */
bool vlapic_mmio(void *arg, uint64_t off, unsigned size, bool write,
                 uint64_t *val);

#endif
