/*
 * hv/dev/vrtc.c — CMOS RAM and the MC146818 clock (hv/dev/vrtc.h).
 *
 * The clock is a count of seconds since 0000-01-01 00:00:00 (proleptic
 * Gregorian), modulo 10000 years; the divider chain is a grid of TSC
 * values starting at div_tsc: second boundaries every tsc_hz ticks and
 * the periodic interrupt's taps every 2^(rate-1) / 32768 s. Both are
 * computed when asked, never counted, so a VM that does not run costs
 * nothing and one that comes back late sees everything that happened.
 *
 * Timing (MC146818A data sheet, "Update Cycle"): the update of the time
 * registers is instantaneous at each second boundary, and UIP (register A
 * bit 7) reads 1 for the 244 us before it, so a reader that saw UIP = 0
 * has at least 244 us to read every register without tearing (what
 * Linux's mc146818_get_time() relies on; it reads again if UIP or the
 * seconds changed meanwhile). While the clock is stopped (SET = 1, or a
 * divider other than 32.768 kHz operation) UIP reads 0.
 *
 * Choices the data sheet leaves open or we do not model:
 * - Reads give the running clock in the format register B says now
 *   (BCD or binary, 12 or 24 hours), even right after B changed; the
 *   chip would keep counting in the old format until the time is
 *   written again. A guest changing the format writes the time anyway.
 * - Day of week is computed from the date (1 = Sunday); a written value
 *   lasts only while the clock is stopped. DSE (daylight saving) and
 *   SQWE (square wave) are kept and do nothing.
 * - The century byte (0x32) counts with the year.
 * - A written time that is no time (month 13, BCD nibble 0xA, day 31 in
 *   April, hour 0 in 12-hour mode) is refused and counted: the clock
 *   goes on from where it stopped.
 * - Releasing a divider reset (DV from 11x to 010) makes the first
 *   update come 500 ms later, as the data sheet says; clearing SET keeps
 *   the divider's phase.
 */
#include <string.h>
#include "hv/dev/vrtc.h"

/* Register indices (data sheet, "Address Map"). */
#define REG_SEC        0x00
#define REG_SEC_ALARM  0x01
#define REG_MIN        0x02
#define REG_MIN_ALARM  0x03
#define REG_HOUR       0x04
#define REG_HOUR_ALARM 0x05
#define REG_DOW        0x06
#define REG_DAY        0x07
#define REG_MONTH      0x08
#define REG_YEAR       0x09
#define REG_A          0x0a
#define REG_B          0x0b
#define REG_C          0x0c
#define REG_D          0x0d

#define INDEX_MASK     0x7f     /* port 0x70 bits 6:0; bit 7 masks NMI */

/* Register A. */
#define A_UIP          0x80
#define A_DV_SHIFT     4
#define A_DV_MASK      0x70
#define A_DV_32K       0x20     /* DV = 010: 32.768 kHz time base, running */
#define A_RS_MASK      0x0f
#define A_WRITABLE     0x7f
/* Register B. */
#define B_SET          0x80
#define B_PIE          0x40
#define B_AIE          0x20
#define B_UIE          0x10
#define B_SQWE         0x08
#define B_DM_BINARY    0x04
#define B_24H          0x02
/* Register C: the flags sit where B has their enables. */
#define C_IRQF         0x80
#define C_PF           0x40
#define C_AF           0x20
#define C_UF           0x10
#define C_FLAGS        (C_PF | C_AF | C_UF)
/* Register D. */
#define D_VRT          0x80

#define HOUR_PM        0x80     /* 12-hour mode */
#define ALARM_ANY      0xc0     /* alarm byte 11xxxxxx: matches anything */

#define A_RESET        (A_DV_32K | 0x06)
#define B_RESET        B_24H

#define TIMEBASE_HZ    32768u
#define UIP_US         244u
#define SECS_PER_DAY   86400ull
#define DAYS_400Y      146097ull
#define CLOCK_SECS     (25 * DAYS_400Y * SECS_PER_DAY)   /* 10000 years */
#define NEVER          UINT64_MAX
#define TSC_HZ_MIN     1000000ull
#define TSC_HZ_MAX     (1ull << 40)      /* keeps the products below 2^56 */

/* ---- the calendar ------------------------------------------------------ */

static bool leap(uint64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days before month m (1..12) in a common year. */
static const uint16_t days_before_month[13] = {
	0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

static unsigned days_in_month(uint64_t y, unsigned m)
{
	static const uint8_t days[13] = {
		0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return days[m] + (m == 2 && leap(y));
}

/* Days from 0000-01-01 to y-01-01: year 0 is a leap year. */
static uint64_t days_before_year(uint64_t y)
{
	return 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
}

static bool time_valid(const struct vrtc_time *t)
{
	return t->year <= 9999 && t->month >= 1 && t->month <= 12 &&
	       t->day >= 1 && t->day <= days_in_month(t->year, t->month) &&
	       t->hour < 24 && t->minute < 60 && t->second < 60;
}

static uint64_t secs_from_time(const struct vrtc_time *t)
{
	uint64_t days = days_before_year(t->year) +
	                days_before_month[t->month] +
	                (t->month > 2 && leap(t->year)) + t->day - 1u;

	return days * SECS_PER_DAY + t->hour * 3600u + t->minute * 60u +
	       t->second;
}

static void time_from_secs(uint64_t secs, struct vrtc_time *t)
{
	uint64_t days = secs / SECS_PER_DAY, tod = secs % SECS_PER_DAY, y, doy;
	unsigned m;

	/* Never past the year: no year is longer than 366 days. */
	y = 400 * (days / DAYS_400Y) + (days % DAYS_400Y) / 366;
	while (days_before_year(y + 1) <= days)
		y++;
	doy = days - days_before_year(y);
	for (m = 1; m < 12; m++)
		if (doy < days_before_month[m + 1] + (m >= 2 && leap(y) ? 1u : 0u))
			break;
	t->year = (uint16_t)y;
	t->month = (uint8_t)m;
	t->day = (uint8_t)(doy - days_before_month[m] - (m > 2 && leap(y)) + 1);
	t->hour = (uint8_t)(tod / 3600);
	t->minute = (uint8_t)(tod / 60 % 60);
	t->second = (uint8_t)(tod % 60);
}

/* 1 = Sunday ... 7 = Saturday; 0000-01-01 was a Saturday. */
static uint8_t day_of_week(uint64_t secs)
{
	return (uint8_t)((secs / SECS_PER_DAY + 6) % 7 + 1);
}

/* ---- register formats ---------------------------------------------------- */

static bool binary(const struct vrtc *rtc)
{
	return rtc->cmos[REG_B] & B_DM_BINARY;
}

static uint8_t to_reg(const struct vrtc *rtc, unsigned v)
{
	return binary(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* A register byte to a number; false for a BCD nibble above 9. */
static bool from_reg(const struct vrtc *rtc, uint8_t r, unsigned *v)
{
	if (binary(rtc)) {
		*v = r;
		return true;
	}
	if ((r & 0x0f) > 9 || (r >> 4) > 9)
		return false;
	*v = (r >> 4) * 10u + (r & 0x0fu);
	return true;
}

static uint8_t hour_to_reg(const struct vrtc *rtc, unsigned h)
{
	if (rtc->cmos[REG_B] & B_24H)
		return to_reg(rtc, h);
	return (uint8_t)(to_reg(rtc, h % 12 ? h % 12 : 12) | (h >= 12 ? HOUR_PM : 0));
}

static bool hour_from_reg(const struct vrtc *rtc, uint8_t r, unsigned *h)
{
	unsigned h12;

	if (rtc->cmos[REG_B] & B_24H)
		return from_reg(rtc, r, h) && *h < 24;
	if (!from_reg(rtc, r & (uint8_t)~HOUR_PM, &h12) || h12 < 1 || h12 > 12)
		return false;
	*h = h12 % 12 + ((r & HOUR_PM) ? 12u : 0u);
	return true;
}

/* ---- the divider chain and the clock ---------------------------------- */

static bool divider_running(const struct vrtc *rtc)
{
	return (rtc->cmos[REG_A] & A_DV_MASK) == A_DV_32K;
}

static bool clock_running(const struct vrtc *rtc)
{
	return divider_running(rtc) && !(rtc->cmos[REG_B] & B_SET);
}

/* TSC ticks since the divider started (0 before: the TSC is monotonic,
 * but a caller's now may be stale). */
static uint64_t since_div(const struct vrtc *rtc, uint64_t t)
{
	return t > rtc->div_tsc ? t - rtc->div_tsc : 0;
}

/* Second boundaries the divider has passed at t. */
static uint64_t second_index(const struct vrtc *rtc, uint64_t t)
{
	return since_div(rtc, t) / rtc->tsc_hz;
}

static uint64_t clock_at_index(const struct vrtc *rtc, uint64_t idx)
{
	return (rtc->base_secs + (idx - rtc->base_idx)) % CLOCK_SECS;
}

static uint64_t clock_secs(const struct vrtc *rtc, uint64_t t)
{
	return clock_at_index(rtc, second_index(rtc, t));
}

static uint64_t next_second_tsc(const struct vrtc *rtc, uint64_t t)
{
	return rtc->div_tsc + (second_index(rtc, t) + 1) * rtc->tsc_hz;
}

static bool uip(const struct vrtc *rtc, uint64_t t)
{
	return clock_running(rtc) &&
	       since_div(rtc, t) % rtc->tsc_hz >= rtc->tsc_hz - rtc->uip_ticks;
}

/* 32.768 kHz time-base ticks since the divider started, and back (the
 * first TSC value at which n ticks have passed). */
static uint64_t timebase_ticks(const struct vrtc *rtc, uint64_t t)
{
	uint64_t d = since_div(rtc, t);

	return d / rtc->tsc_hz * TIMEBASE_HZ +
	       d % rtc->tsc_hz * TIMEBASE_HZ / rtc->tsc_hz;
}

static uint64_t timebase_tsc(const struct vrtc *rtc, uint64_t n)
{
	return rtc->div_tsc + n / TIMEBASE_HZ * rtc->tsc_hz +
	       (n % TIMEBASE_HZ * rtc->tsc_hz + TIMEBASE_HZ - 1) / TIMEBASE_HZ;
}

/* The periodic interrupt's period in time-base ticks, 0 for none
 * (data sheet, "Periodic Interrupt Rate": rates 1 and 2 are 8 and 9). */
static uint64_t periodic_ticks(const struct vrtc *rtc)
{
	unsigned rs = rtc->cmos[REG_A] & A_RS_MASK;

	if (rs == 0 || !divider_running(rtc))
		return 0;
	if (rs < 3)
		rs += 7;
	return 1ull << (rs - 1);
}

/* ---- the alarm ------------------------------------------------------------ */

/* An alarm byte: a value, -1 for "any", false if it can never match. */
static bool alarm_field(const struct vrtc *rtc, uint8_t r, bool hour,
                        unsigned limit, int *v)
{
	unsigned x;

	if ((r & ALARM_ANY) == ALARM_ANY) {
		*v = -1;
		return true;
	}
	if (hour ? !hour_from_reg(rtc, r, &x) : !from_reg(rtc, r, &x))
		return false;
	*v = (int)x;
	return x < limit;
}

/* Seconds from time of day tod to the first time of day at or after it
 * that the alarm matches; NEVER if none does. */
static uint64_t alarm_after(const struct vrtc *rtc, uint64_t tod)
{
	int ah, am, as;
	unsigned h0 = (unsigned)(tod / 3600), m0 = (unsigned)(tod / 60 % 60),
	         s0 = (unsigned)(tod % 60), k, m;

	if (!alarm_field(rtc, rtc->cmos[REG_HOUR_ALARM], true, 24, &ah) ||
	    !alarm_field(rtc, rtc->cmos[REG_MIN_ALARM], false, 60, &am) ||
	    !alarm_field(rtc, rtc->cmos[REG_SEC_ALARM], false, 60, &as))
		return NEVER;
	/* Hour by hour from this one; 25 hours reach this hour's past
	 * minutes tomorrow. */
	for (k = 0; k < 25; k++) {
		unsigned h = (h0 + k) % 24;

		if (ah >= 0 && h != (unsigned)ah)
			continue;
		for (m = k == 0 ? m0 : 0; m < 60; m++) {
			unsigned s_min = k == 0 && m == m0 ? s0 : 0, s;

			if (am >= 0 && m != (unsigned)am)
				continue;
			s = as < 0 ? s_min : (unsigned)as;
			if (s < s_min)
				continue;
			return k * 3600ull + m * 60u + s - (m0 * 60u + s0);
		}
	}
	return NEVER;
}

/* Does the alarm match any of the n seconds from clock value first on? */
static bool alarm_in(const struct vrtc *rtc, uint64_t first, uint64_t n)
{
	uint64_t off = alarm_after(rtc, first % SECS_PER_DAY);

	return off != NEVER && off < n;
}

/* ---- flags and the line ----------------------------------------------- */

static void update_irq(struct vrtc *rtc)
{
	bool level = (rtc->flags & rtc->cmos[REG_B] & C_FLAGS) != 0;

	if (level != rtc->irq_level) {
		rtc->irq_level = level;
		rtc->irq(rtc->ctx, level);
	}
}

/* Set the flags of everything that happened in (last_tsc, now]. The
 * chip's state cannot have changed in between: every change comes
 * through here first. */
static void advance(struct vrtc *rtc, uint64_t now)
{
	uint64_t last = rtc->last_tsc, p = periodic_ticks(rtc);

	if (now <= last)
		return;
	if (clock_running(rtc)) {
		uint64_t i0 = second_index(rtc, last), i1 = second_index(rtc, now);

		if (i1 > i0) {
			rtc->flags |= C_UF;
			if (alarm_in(rtc, clock_at_index(rtc, i0 + 1), i1 - i0))
				rtc->flags |= C_AF;
		}
	}
	if (p && timebase_ticks(rtc, now) / p > timebase_ticks(rtc, last) / p)
		rtc->flags |= C_PF;
	rtc->last_tsc = now;
}

static uint64_t now_advanced(struct vrtc *rtc)
{
	uint64_t now = rtc->now_tsc(rtc->ctx);

	advance(rtc, now);
	return now > rtc->last_tsc ? now : rtc->last_tsc;
}

/* ---- stopping and starting the clock ----------------------------------- */

static const uint8_t time_regs[] = {
	REG_SEC, REG_MIN, REG_HOUR, REG_DOW, REG_DAY, REG_MONTH, REG_YEAR,
	VRTC_CENTURY,
};

static bool is_time_reg(uint8_t index)
{
	unsigned i;

	for (i = 0; i < sizeof time_regs; i++)
		if (time_regs[i] == index)
			return true;
	return false;
}

/* The time register index for clock value secs, in B's format. */
static uint8_t encode(const struct vrtc *rtc, uint8_t index, uint64_t secs)
{
	struct vrtc_time t;

	time_from_secs(secs, &t);
	switch (index) {
	case REG_SEC:   return to_reg(rtc, t.second);
	case REG_MIN:   return to_reg(rtc, t.minute);
	case REG_HOUR:  return hour_to_reg(rtc, t.hour);
	case REG_DOW:   return to_reg(rtc, day_of_week(secs));
	case REG_DAY:   return to_reg(rtc, t.day);
	case REG_MONTH: return to_reg(rtc, t.month);
	case REG_YEAR:  return to_reg(rtc, t.year % 100u);
	default:        return to_reg(rtc, t.year / 100u);   /* century */
	}
}

/* The clock stops: its registers hold the time from now on. */
static void freeze(struct vrtc *rtc, uint64_t now)
{
	unsigned i;

	rtc->stopped_secs = clock_secs(rtc, now);
	for (i = 0; i < sizeof time_regs; i++)
		rtc->cmos[time_regs[i]] = encode(rtc, time_regs[i],
		                                 rtc->stopped_secs);
}

/* The time the registers hold, in B's format; false if it is no time. */
static bool regs_time(const struct vrtc *rtc, uint64_t *secs)
{
	struct vrtc_time t;
	unsigned sec, min, hour, day, month, year, century;

	if (!from_reg(rtc, rtc->cmos[REG_SEC], &sec) ||
	    !from_reg(rtc, rtc->cmos[REG_MIN], &min) ||
	    !hour_from_reg(rtc, rtc->cmos[REG_HOUR], &hour) ||
	    !from_reg(rtc, rtc->cmos[REG_DAY], &day) ||
	    !from_reg(rtc, rtc->cmos[REG_MONTH], &month) ||
	    !from_reg(rtc, rtc->cmos[REG_YEAR], &year) ||
	    !from_reg(rtc, rtc->cmos[VRTC_CENTURY], &century) ||
	    year > 99 || century > 99 || day > 31 || month > 12)
		return false;
	t = (struct vrtc_time){ (uint16_t)(century * 100 + year),
	                        (uint8_t)month, (uint8_t)day, (uint8_t)hour,
	                        (uint8_t)min, (uint8_t)sec };
	if (!time_valid(&t))
		return false;
	*secs = secs_from_time(&t);
	return true;
}

/* The clock starts again at now from what its registers hold. */
static void thaw(struct vrtc *rtc, uint64_t now)
{
	uint64_t secs;

	if (!regs_time(rtc, &secs)) {
		rtc->count.bad_time++;
		secs = rtc->stopped_secs;
	}
	rtc->base_secs = secs;
	rtc->base_idx = second_index(rtc, now);
}

/* Write register A or B (the ones that start and stop things). */
static void write_control(struct vrtc *rtc, uint8_t index, uint8_t value,
                          uint64_t now)
{
	bool was_running = clock_running(rtc), div_was = divider_running(rtc);

	if (index == REG_A) {
		bool div_now = (value & A_DV_MASK) == A_DV_32K;

		if (was_running && !div_now)
			freeze(rtc, now);
		rtc->cmos[REG_A] = value & A_WRITABLE;
		if (!div_was && div_now) {
			/* Divider reset released: first update in 500 ms. */
			rtc->div_tsc = now >= rtc->tsc_hz / 2 ?
			               now - rtc->tsc_hz / 2 : now;
			rtc->last_tsc = now;
		}
	} else {
		if (was_running && (value & B_SET))
			freeze(rtc, now);
		if (value & B_SET)
			value &= (uint8_t)~B_UIE;   /* SET clears UIE */
		rtc->cmos[REG_B] = value;
	}
	if (!was_running && clock_running(rtc))
		thaw(rtc, now);
}

/* ---- the interface -------------------------------------------------------- */

bool vrtc_init(struct vrtc *rtc, const struct vrtc_time *start,
               uint64_t tsc_hz, uint64_t (*now_tsc)(void *ctx),
               void (*irq)(void *ctx, bool level), void *ctx)
{
	uint64_t now;

	memset(rtc, 0, sizeof(*rtc));
	if (!time_valid(start) || tsc_hz < TSC_HZ_MIN || tsc_hz > TSC_HZ_MAX ||
	    !now_tsc || !irq)
		return false;
	rtc->tsc_hz = tsc_hz;
	rtc->uip_ticks = (tsc_hz * UIP_US + 999999) / 1000000;
	rtc->now_tsc = now_tsc;
	rtc->irq = irq;
	rtc->ctx = ctx;
	rtc->cmos[REG_A] = A_RESET;
	rtc->cmos[REG_B] = B_RESET;
	now = now_tsc(ctx);
	rtc->div_tsc = now;
	rtc->last_tsc = now;
	rtc->base_secs = rtc->stopped_secs = secs_from_time(start);
	rtc->base_idx = 0;
	return true;
}

void vrtc_reset(struct vrtc *rtc)
{
	/* Bring the flags up to now, so that nothing before the reset sets
	 * one later, then drop them with the enables. */
	(void)now_advanced(rtc);
	rtc->cmos[REG_B] &= (uint8_t)~(B_PIE | B_AIE | B_UIE | B_SQWE);
	rtc->flags = 0;
	update_irq(rtc);
}

uint8_t vrtc_cmos_read(struct vrtc *rtc, uint8_t index)
{
	uint64_t now = now_advanced(rtc);
	uint8_t v;

	index &= INDEX_MASK;
	update_irq(rtc);
	switch (index) {
	case REG_A:
		return (uint8_t)(rtc->cmos[REG_A] | (uip(rtc, now) ? A_UIP : 0));
	case REG_C:
		v = (uint8_t)(rtc->flags | (rtc->irq_level ? C_IRQF : 0));
		rtc->flags = 0;
		update_irq(rtc);
		return v;
	case REG_D:
		return D_VRT;
	default:
		if (is_time_reg(index) && clock_running(rtc))
			return encode(rtc, index, clock_secs(rtc, now));
		return rtc->cmos[index];
	}
}

void vrtc_cmos_write(struct vrtc *rtc, uint8_t index, uint8_t value)
{
	uint64_t now = now_advanced(rtc);

	index &= INDEX_MASK;
	switch (index) {
	case REG_A:
	case REG_B:
		write_control(rtc, index, value, now);
		break;
	case REG_C:
	case REG_D:
		break;                          /* read-only */
	default:
		if (is_time_reg(index) && clock_running(rtc)) {
			/* Written while running: that field of the time
			 * changes, the divider's phase stays. */
			freeze(rtc, now);
			rtc->cmos[index] = value;
			thaw(rtc, now);
		} else {
			rtc->cmos[index] = value;
		}
		break;
	}
	update_irq(rtc);
}

uint64_t vrtc_next_event(const struct vrtc *rtc)
{
	uint8_t b = rtc->cmos[REG_B];
	uint64_t t = rtc->last_tsc, best = NEVER, p = periodic_ticks(rtc);

	if (rtc->irq_level)
		return NEVER;
	if ((b & B_PIE) && p) {
		uint64_t n = (timebase_ticks(rtc, t) / p + 1) * p;
		uint64_t at = timebase_tsc(rtc, n);

		best = at < best ? at : best;
	}
	if ((b & (B_UIE | B_AIE)) && clock_running(rtc)) {
		uint64_t next = next_second_tsc(rtc, t);

		if (b & B_UIE)
			best = next < best ? next : best;
		if (b & B_AIE) {
			uint64_t off = alarm_after(rtc,
			        clock_secs(rtc, next) % SECS_PER_DAY);

			if (off != NEVER && next + off * rtc->tsc_hz < best)
				best = next + off * rtc->tsc_hz;
		}
	}
	return best;
}

void vrtc_tick(struct vrtc *rtc, uint64_t now)
{
	advance(rtc, now);
	update_irq(rtc);
}

void vrtc_get_time(struct vrtc *rtc, struct vrtc_time *t)
{
	uint64_t now = now_advanced(rtc);

	time_from_secs(clock_running(rtc) ? clock_secs(rtc, now)
	                                  : rtc->stopped_secs, t);
}

bool vrtc_bus_io(void *arg, uint64_t off, unsigned size, bool write,
                 uint64_t *val)
{
	struct vrtc *rtc = arg;

	if (size != 1 || off >= VRTC_PORTS) {
		rtc->count.bad_access++;
		if (!write)
			*val = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
		return true;
	}
	if (off == 0) {
		if (write)
			rtc->index = (uint8_t)*val;
		else
			*val = rtc->index;
	} else if (write) {
		vrtc_cmos_write(rtc, rtc->index, (uint8_t)*val);
	} else {
		*val = vrtc_cmos_read(rtc, rtc->index);
	}
	return true;
}

bool vrtc_time_add(struct vrtc_time *t, uint64_t secs)
{
	if (!time_valid(t))
		return false;
	time_from_secs(secs_from_time(t) + secs, t);
	return true;
}
