/*
 * hv/dev/vpmtimer.h — a VM's ACPI power-management timer (ACPI 6.4
 * §4.8.3.3, "PM Timer"): a free-running counter at 3.579545 MHz read
 * from the port the FADT's PM_TMR_BLK names. 32 bits wide (the FADT sets
 * TMR_VAL_EXT), so it wraps after about 20 minutes.
 *
 * Why a VM has one (docs/platform.md, "Time"): Linux checks its TSC
 * clocksource against a second clock (the "clocksource watchdog"). With
 * no PM timer and no HPET that second clock is jiffies, counted by timer
 * interrupts; a guest that keeps interrupts off for longer than a tick
 * (printing to a trapped serial port does) loses ticks, sees its TSC run
 * "too fast" and drops it for jiffies, after which every timeout that
 * polls with interrupts off (i915's register waits) never expires. The PM
 * timer counts from the same TSC, so the two always agree.
 *
 * The count is derived from now_tsc() and tsc_hz at each read: nothing
 * runs in the background, and no overflow status (TMR_STS) is raised
 * (PM1_EN.TMR_EN stays without effect; Linux does not use it). Pure.
 */
#ifndef BAREGT_HV_DEV_VPMTIMER_H
#define BAREGT_HV_DEV_VPMTIMER_H

#include <stdbool.h>
#include <stdint.h>

#define VPMTIMER_HZ      3579545u   /* ACPI 6.4 §4.8.3.3 */
#define VPMTIMER_PORTS   4u         /* one dword */

struct vpmtimer {
	uint64_t tsc0;                /* the TSC at which the count was 0 */
	uint64_t tsc_hz;
	uint64_t (*now_tsc)(void *ctx);
	void *ctx;
	uint64_t bad_access;          /* writes, and reads past the dword */
};

/* False if tsc_hz is 0 (the count would be undefined). */
bool vpmtimer_init(struct vpmtimer *t, uint64_t tsc_hz,
                   uint64_t (*now_tsc)(void *ctx), void *ctx);

/* The 32-bit count now. */
uint32_t vpmtimer_count(const struct vpmtimer *t);

/* On a VM's device bus (hv/dev/bus.h): VPMTIMER_PORTS ports; reads of 1,
 * 2 or 4 bytes within the dword return those bytes of the count; writes
 * are dropped (the register is read-only) and counted. Never refuses. */
bool vpmtimer_bus(void *arg, uint64_t off, unsigned size, bool write,
                  uint64_t *val);

#endif
