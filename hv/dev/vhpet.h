/*
 * hv/dev/vhpet.h — a VM's High Precision Event Timer block (IA-PC HPET
 * Specification 1.0a, §2.3 "Register Descriptions") at the GPA in
 * hv/dev/acpi_map.h (ACPI_MAP_HPET_GPA, 1 KiB), described to the guest
 * by the ACPI "HPET" table (§3.2.4) and a PNP0103 device in the DSDT.
 *
 * Why a VM has one (docs/platform.md, "Time"): Linux registers the HPET
 * as a clocksource early (hpet_enable(), from x86_late_time_init), before
 * its TSC clocksource, and then uses it as the clocksource watchdog's
 * reference instead of jiffies, which a guest that keeps interrupts off
 * while printing to a trapped serial port cannot count right. The
 * counter runs from the same TSC, so the two always agree.
 *
 * What it is: revision 1, vendor 0x8086, a 64-bit main counter at
 * VHPET_HZ, three timers (timer 0 64-bit capable, timers 1 and 2 32-bit),
 * no legacy replacement route (LEG_RT_CAP 0).
 * **No interrupts, counter only**: no timer can be routed anywhere
 * (Tn_INT_ROUTE_CAP 0, no FSB delivery, no periodic mode), so the
 * comparators are plain storage, a match is never signalled (no
 * interrupt, no GINTR_STA bit) and Linux uses the block as a clocksource
 * only (its clock events stay on the local APIC timer).
 *
 * The count is derived from now_tsc() and tsc_hz at each read: nothing
 * runs in the background. Accesses: aligned 32-bit or 64-bit (§2.3.1);
 * a 32-bit access reads or writes one half of a 64-bit register. Any
 * other size or alignment is dropped, reads all-ones and is counted;
 * reserved registers read 0 and drop writes, counted. Pure.
 */
#ifndef BAREGT_HV_DEV_VHPET_H
#define BAREGT_HV_DEV_VHPET_H

#include <stdbool.h>
#include <stdint.h>

#define VHPET_HZ          25000000u  /* the main counter's rate */
#define VHPET_PERIOD_FS   40000000u  /* 10^15 / VHPET_HZ, exact; the spec
                                      * allows at most 100 ns (10^8 fs) */
#define VHPET_SIZE        0x400u     /* §2.3.1: 1 KiB per block */
#define VHPET_TIMERS      3u
#define VHPET_VENDOR      0x8086u
#define VHPET_REV         1u

/* Registers, §2.3.1 Table 2 (offsets of 64-bit registers). */
#define VHPET_GCAP_ID     0x000u
#define VHPET_GEN_CONF    0x010u
#define VHPET_GINTR_STA   0x020u
#define VHPET_MAIN_CNT    0x0F0u
#define VHPET_TIMER(n)    (0x100u + 0x20u * (n))
#define VHPET_TN_CONF     0x00u      /* + VHPET_TIMER(n) */
#define VHPET_TN_COMP     0x08u
#define VHPET_TN_FSB      0x10u

/* GCAP_ID, §2.3.4. */
#define VHPET_CAP_REV_ID_MASK     0xFFull
#define VHPET_CAP_NUM_TIM_SHIFT   8          /* bits 12:8: timers - 1 */
#define VHPET_CAP_COUNT_SIZE      (1ull << 13)
#define VHPET_CAP_LEG_RT          (1ull << 15)
#define VHPET_CAP_VENDOR_SHIFT    16
#define VHPET_CAP_PERIOD_SHIFT    32
/* GCAP_ID bits 31:0, which the ACPI HPET table repeats as its Event
 * Timer Block ID (§3.2.4). */
#define VHPET_BLOCK_ID  ((VHPET_VENDOR << VHPET_CAP_VENDOR_SHIFT) |          \
                         0x2000u /* COUNT_SIZE_CAP */ |                      \
                         ((VHPET_TIMERS - 1u) << VHPET_CAP_NUM_TIM_SHIFT) |  \
                         VHPET_REV)

/* GEN_CONF, §2.3.5. */
#define VHPET_CONF_ENABLE         (1ull << 0)
#define VHPET_CONF_LEG_RT         (1ull << 1)   /* reserved here: no LEG_RT_CAP */

/* Tn_CONF_CAP, §2.3.8. */
#define VHPET_TN_INT_TYPE         (1ull << 1)   /* 1: level */
#define VHPET_TN_INT_ENB          (1ull << 2)
#define VHPET_TN_TYPE             (1ull << 3)   /* periodic (needs PER_INT_CAP) */
#define VHPET_TN_PER_INT_CAP      (1ull << 4)
#define VHPET_TN_SIZE_CAP         (1ull << 5)   /* 64-bit comparator */
#define VHPET_TN_VAL_SET          (1ull << 6)
#define VHPET_TN_32MODE           (1ull << 8)   /* needs SIZE_CAP */
#define VHPET_TN_INT_ROUTE_SHIFT  9             /* bits 13:9 */
#define VHPET_TN_FSB_EN           (1ull << 14)  /* needs FSB_INT_DEL_CAP */
#define VHPET_TN_FSB_INT_DEL_CAP  (1ull << 15)
#define VHPET_TN_INT_ROUTE_CAP_SHIFT 32         /* bits 63:32 */

struct vhpet_counters {
	uint64_t bad_access;      /* not an aligned 32/64-bit access inside
	                           * the block */
	uint64_t reserved;        /* accesses to reserved registers */
	uint64_t read_only_writes;/* writes to GCAP_ID */
	uint64_t running_writes;  /* MAIN_CNT written while ENABLE_CNF = 1 (the
	                           * spec says "unpredictable"; here it takes
	                           * effect and the count goes on from it) */
};

struct vhpet_timer {
	uint64_t conf;            /* Tn_CONF_CAP: the writable bits as stored */
	uint64_t comparator;      /* Tn_COMPARATOR, within the timer's width */
	uint64_t fsb_route;       /* Tn_FSB_INT_ROUTE: stored, used by nothing
	                           * (FSB_EN_CNF cannot be set) */
};

struct vhpet {
	bool enabled;             /* GEN_CONF.ENABLE_CNF */
	/* The main counter: its value at tsc_start while enabled, its value
	 * while halted. */
	uint64_t count_base, tsc_start;
	struct vhpet_timer timer[VHPET_TIMERS];
	uint64_t tsc_hz;
	uint64_t (*now_tsc)(void *ctx);
	void *ctx;
	struct vhpet_counters count;
};

/* Reset state (§2.3): counter halted at 0, timers disabled, edge, 64-bit
 * comparator of timer 0 and the 32-bit ones of timers 1-2 all ones. False
 * if now_tsc is NULL or tsc_hz is 0 or so high (above UINT64_MAX /
 * VHPET_HZ) that the count would overflow. */
bool vhpet_init(struct vhpet *h, uint64_t tsc_hz,
                uint64_t (*now_tsc)(void *ctx), void *ctx);

/* The main counter now. */
uint64_t vhpet_counter(const struct vhpet *h);

/* On a VM's device bus (hv/dev/bus.h; arg is the struct vhpet):
 * ACPI_MAP_HPET_GPA, VHPET_SIZE bytes. Never refuses. */
bool vhpet_bus_mmio(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val);

#endif
