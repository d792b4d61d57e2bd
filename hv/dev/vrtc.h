/*
 * hv/dev/vrtc.h — a VM's CMOS RAM and MC146818 real-time clock at ports
 * 0x70 (index; bit 7 is the NMI mask, kept and ignored) and 0x71 (data)
 * (docs/platform.md, "Ports and platform devices"). Registers as the
 * MC146818A data sheet lays them out: 0x00-0x09 time, date and alarms,
 * 0x0A-0x0D registers A-D, 0x0E-0x7F plain RAM but for the century at
 * 0x32 (the FADT's CENTURY field names it), which this clock keeps.
 *
 * Time is the start time given at init plus the TSC ticks elapsed since
 * (now_tsc(), tsc_hz): nothing counts in the background. A guest that
 * sets the clock (SET = 1, write, SET = 0) moves its own VM's clock only.
 * Interrupts (periodic, alarm, update-ended) drive one line, ISA IRQ 8,
 * through irq() and hold it until register C is read; the VM's scheduler
 * asks vrtc_next_event() when to call vrtc_tick(). Pure logic.
 */
#ifndef BAREGT_HV_DEV_VRTC_H
#define BAREGT_HV_DEV_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#define VRTC_PORT        0x70u
#define VRTC_PORTS       2u
#define VRTC_CMOS_BYTES  128u
#define VRTC_CENTURY     0x32u     /* CMOS index of the century (FADT) */

/* A calendar time: year 0..9999, month 1..12, day 1..31, hour 0..23. */
struct vrtc_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second;
};

struct vrtc_counters {
	uint64_t bad_access;     /* not a byte access */
	uint64_t bad_time;       /* the guest set a time that is no time:
	                          * refused, the clock went on from where it
	                          * stopped */
};

struct vrtc {
	uint8_t cmos[VRTC_CMOS_BYTES];   /* RAM, alarms, A, B; the time
	                                  * registers only while stopped */
	uint8_t index;                   /* port 0x70 as written */
	uint8_t flags;                   /* register C: PF, AF, UF */
	bool irq_level;
	uint64_t tsc_hz;
	uint64_t uip_ticks;              /* 244 us in TSC ticks */
	/* The clock: at the divider's second number base_idx (counted from
	 * div_tsc) it read base_secs, in seconds since 0000-01-01 00:00:00. */
	uint64_t div_tsc, base_idx, base_secs;
	uint64_t stopped_secs;           /* the time when it last stopped */
	uint64_t last_tsc;               /* flags are up to date to here */
	uint64_t (*now_tsc)(void *ctx);
	void (*irq)(void *ctx, bool level);
	void *ctx;
	struct vrtc_counters count;
};

/*
 * Power-on state: the clock running at start, register A 0x26 (32.768
 * kHz divider, 1024 Hz periodic rate), B 0x02 (24-hour, BCD, interrupts
 * off), C 0, D 0x80 (valid RAM and time), RAM zero. False (and nothing
 * to use) if start is no date, or tsc_hz is below 1 MHz or above 2^40.
 * irq() is called when the IRQ line changes; it may call back in.
 */
bool vrtc_init(struct vrtc *rtc, const struct vrtc_time *start,
               uint64_t tsc_hz, uint64_t (*now_tsc)(void *ctx),
               void (*irq)(void *ctx, bool level), void *ctx);

/*
 * The chip's RESET input, driven when the VM restarts (MC146818A data
 * sheet, "RESET"): PIE, AIE, UIE and SQWE of register B and the flags of
 * register C (IRQF, PF, AF, UF) are cleared and the IRQ line goes low
 * (irq() is called if it was up); the clock, the calendar, register A,
 * the rest of B (SET, DM, 24/12, DSE), the alarms and the CMOS RAM are
 * kept, as a PC's battery keeps them. The counters are kept too.
 */
void vrtc_reset(struct vrtc *rtc);

/* t + secs seconds (past year 9999 it wraps as the clock does); false,
 * t untouched, if t is no valid time. */
bool vrtc_time_add(struct vrtc_time *t, uint64_t secs);

/* The CMOS byte at index (bit 7 ignored), as the guest reads and writes
 * it through port 0x71: register C's read clears it and lowers IRQ 8. */
uint8_t vrtc_cmos_read(struct vrtc *rtc, uint8_t index);
void vrtc_cmos_write(struct vrtc *rtc, uint8_t index, uint8_t value);

/* The TSC value at which the IRQ line will rise next if nothing else
 * happens, UINT64_MAX if never (no interrupt enabled, or the line is
 * already up). */
uint64_t vrtc_next_event(const struct vrtc *rtc);
/* Bring the flags and the line up to TSC value now. */
void vrtc_tick(struct vrtc *rtc, uint64_t now);

/* The clock now; while it is stopped (SET, divider reset), the time at
 * which it stopped. */
void vrtc_get_time(struct vrtc *rtc, struct vrtc_time *t);

/* On a VM's device bus (hv/dev/bus.h; arg is the struct vrtc): VRTC_PORTS
 * ports at VRTC_PORT. Byte accesses only; wider ones read all-ones and
 * drop writes, counted. Never refuses. */
bool vrtc_bus_io(void *arg, uint64_t off, unsigned size, bool write,
                 uint64_t *val);

#endif
