/*
 * tests/unit/test_vrtc.c — unit tests of hv/dev/vrtc.c: CMOS RAM and the
 * MC146818 clock, driven by a fake TSC. Power-on registers; the calendar
 * in BCD and binary, 24- and 12-hour modes across minute, day, month,
 * year and century rollovers (Feb 29 in 2000 and 2024, none in 2023 and
 * 2100, 9999 back to 0000), checked day by day for 400 years against an
 * independent calendar; UIP's 244 us before each update; Linux's
 * mc146818_get_time() loop (UIP, read twice) from every phase around a
 * century rollover, slow and fast, always ending with an untorn time;
 * setting the clock as Linux's mc146818_set_time() does (SET, divider
 * reset, the first update 500 ms after) and single fields while running;
 * periodic, alarm (exact, "don't care", 12-hour, after a long gap) and
 * update-ended interrupts with register C's read-to-clear and the line
 * held until then, vrtc_next_event(); the RESET input of a VM restart
 * (enables and flags cleared, the line lowered, time, format, alarms
 * and RAM kept, a stopped clock still stopped); hostile input (times
 * that are no time, index 0xff, wide accesses, writes to C and D).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vrtc.h"

#define HZ    1000000000ull          /* 1 GHz: a tick is a nanosecond */
#define T0    5000000000ull          /* the TSC at init */
#define MS    1000000ull
#define US    1000ull
#define NEVER UINT64_MAX

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define UIP   0x80
#define SET   0x80
#define PIE   0x40
#define AIE   0x20
#define UIE   0x10
#define BIN   0x04
#define H24   0x02

static struct vrtc rtc;
static uint64_t tsc_now;
static unsigned irq_calls;
static bool irq_line;
static int ctx_cookie;

static uint64_t fake_now(void *ctx)
{
	assert_ptr_equal(ctx, &ctx_cookie);
	return tsc_now;
}

static void fake_irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &ctx_cookie);
	irq_calls++;
	irq_line = level;
}

static void start_hz(uint64_t hz, unsigned y, unsigned mo, unsigned d,
                     unsigned h, unsigned mi, unsigned s)
{
	struct vrtc_time t = { (uint16_t)y, (uint8_t)mo, (uint8_t)d,
	                       (uint8_t)h, (uint8_t)mi, (uint8_t)s };

	tsc_now = T0;
	irq_calls = 0;
	irq_line = false;
	memset(&rtc, 0x5a, sizeof rtc);
	assert_true(vrtc_init(&rtc, &t, hz, fake_now, fake_irq, &ctx_cookie));
}

static void start(unsigned y, unsigned mo, unsigned d, unsigned h,
                  unsigned mi, unsigned s)
{
	start_hz(HZ, y, mo, d, h, mi, s);
}

static int setup(void **state)
{
	(void)state;
	start(2024, 2, 28, 23, 59, 58);
	return 0;
}

/* ---- ports ---------------------------------------------------------------- */

static uint64_t access_cost;         /* TSC ticks each port access takes */

static void port_out(unsigned off, uint8_t v)
{
	uint64_t val = v;

	tsc_now += access_cost;
	assert_true(vrtc_bus_io(&rtc, off, 1, true, &val));
}

static uint8_t port_in(unsigned off)
{
	uint64_t val = 0x1234;

	tsc_now += access_cost;
	assert_true(vrtc_bus_io(&rtc, off, 1, false, &val));
	assert_true(val <= 0xff);
	return (uint8_t)val;
}

static uint8_t rd(uint8_t index)
{
	port_out(0, index);
	return port_in(1);
}

static void wr(uint8_t index, uint8_t v)
{
	port_out(0, index);
	port_out(1, v);
}

static unsigned bcd(unsigned v)
{
	return (v / 10) << 4 | v % 10;
}

/* Every time register in BCD, 24-hour, against a date and weekday. */
#define EXPECT_TIME(y, mo, d, h, mi, s, dow) \
	expect_time_at(__LINE__, (y), (mo), (d), (h), (mi), (s), (dow))

static void expect_time_at(int line, unsigned y, unsigned mo, unsigned d,
                           unsigned h, unsigned mi, unsigned s, unsigned dow)
{
	unsigned got[8] = { rd(0x32), rd(9), rd(8), rd(7), rd(4), rd(2), rd(0),
	                    rd(6) };
	unsigned want[8] = { bcd(y / 100), bcd(y % 100), bcd(mo), bcd(d),
	                     bcd(h), bcd(mi), bcd(s), dow };
	unsigned i;

	for (i = 0; i < 8; i++)
		if (got[i] != want[i])
			fail_msg("line %d: read %02x%02x-%02x-%02x %02x:%02x:%02x "
			         "dow %x, expected %02x%02x-%02x-%02x "
			         "%02x:%02x:%02x dow %x", line, got[0], got[1],
			         got[2], got[3], got[4], got[5], got[6], got[7],
			         want[0], want[1], want[2], want[3], want[4],
			         want[5], want[6], want[7]);
}

/* ---- init and power-on state --------------------------------------------- */

static void test_init_refuses(void **state)
{
	static const struct vrtc_time bad[] = {
		{ 2024, 0, 1, 0, 0, 0 }, { 2024, 13, 1, 0, 0, 0 },
		{ 2024, 1, 0, 0, 0, 0 }, { 2024, 1, 32, 0, 0, 0 },
		{ 2023, 2, 29, 0, 0, 0 }, { 2100, 2, 29, 0, 0, 0 },
		{ 2024, 4, 31, 0, 0, 0 }, { 2024, 1, 1, 24, 0, 0 },
		{ 2024, 1, 1, 0, 60, 0 }, { 2024, 1, 1, 0, 0, 60 },
		{ 10000, 1, 1, 0, 0, 0 },
	};
	static const struct vrtc_time good[] = {
		{ 2024, 2, 29, 0, 0, 0 }, { 2000, 2, 29, 0, 0, 0 },
		{ 0, 1, 1, 0, 0, 0 }, { 9999, 12, 31, 23, 59, 59 },
	};
	struct vrtc_time ok = { 2024, 1, 1, 0, 0, 0 };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (vrtc_init(&rtc, &bad[i], HZ, fake_now, fake_irq, &ctx_cookie))
			fail_msg("start time %u accepted", i);
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!vrtc_init(&rtc, &good[i], HZ, fake_now, fake_irq, &ctx_cookie))
			fail_msg("start time %u refused", i);
	assert_false(vrtc_init(&rtc, &ok, 0, fake_now, fake_irq, NULL));
	assert_false(vrtc_init(&rtc, &ok, 999999, fake_now, fake_irq, NULL));
	assert_false(vrtc_init(&rtc, &ok, (1ull << 40) + 1, fake_now, fake_irq,
	                       NULL));
	assert_false(vrtc_init(&rtc, &ok, HZ, NULL, fake_irq, NULL));
	assert_false(vrtc_init(&rtc, &ok, HZ, fake_now, NULL, NULL));
	assert_true(vrtc_init(&rtc, &ok, 1000000, fake_now, fake_irq, &ctx_cookie));
	assert_true(vrtc_init(&rtc, &ok, 1ull << 40, fake_now, fake_irq,
	                      &ctx_cookie));
}

static void test_power_on_registers(void **state)
{
	unsigned i;

	(void)state;
	assert_int_equal(rd(REG_A), 0x26);
	assert_int_equal(rd(REG_B), 0x02);
	assert_int_equal(rd(REG_C), 0x00);
	assert_int_equal(rd(REG_D), 0x80);
	EXPECT_TIME(2024, 2, 28, 23, 59, 58, 4);        /* a Wednesday */
	assert_int_equal(rd(1), 0);                     /* alarms */
	assert_int_equal(rd(3), 0);
	assert_int_equal(rd(5), 0);
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && rd((uint8_t)i) != 0)
			fail_msg("CMOS %#x not zero", i);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
}

/* ---- the calendar ---------------------------------------------------------- */

static void test_leap_day_2024(void **state)
{
	(void)state;
	tsc_now += 2 * HZ;
	EXPECT_TIME(2024, 2, 29, 0, 0, 0, 5);
	tsc_now += 86400 * HZ;
	EXPECT_TIME(2024, 3, 1, 0, 0, 0, 6);
	tsc_now += 1 * HZ - 1;                          /* a tick before */
	EXPECT_TIME(2024, 3, 1, 0, 0, 0, 6);
	tsc_now += 1;
	EXPECT_TIME(2024, 3, 1, 0, 0, 1, 6);
}

static void test_rollovers(void **state)
{
	(void)state;
	start(2023, 2, 28, 23, 59, 59);                 /* no Feb 29 */
	tsc_now += HZ;
	EXPECT_TIME(2023, 3, 1, 0, 0, 0, 4);
	start(2100, 2, 28, 23, 59, 59);                 /* not a leap year */
	tsc_now += HZ;
	EXPECT_TIME(2100, 3, 1, 0, 0, 0, 2);
	start(2000, 2, 28, 23, 59, 59);                 /* a leap year */
	tsc_now += HZ;
	EXPECT_TIME(2000, 2, 29, 0, 0, 0, 3);
	start(2023, 4, 30, 23, 59, 59);
	tsc_now += HZ;
	EXPECT_TIME(2023, 5, 1, 0, 0, 0, 2);
	start(2023, 12, 31, 23, 59, 59);
	tsc_now += HZ;
	EXPECT_TIME(2024, 1, 1, 0, 0, 0, 2);
	start(1999, 12, 31, 23, 59, 59);
	tsc_now += HZ;
	EXPECT_TIME(2000, 1, 1, 0, 0, 0, 7);
	start(2099, 12, 31, 23, 59, 59);                /* the century */
	EXPECT_TIME(2099, 12, 31, 23, 59, 59, 5);
	tsc_now += HZ;
	EXPECT_TIME(2100, 1, 1, 0, 0, 0, 6);
	start(9999, 12, 31, 23, 59, 59);                /* the end of it all */
	tsc_now += HZ;
	EXPECT_TIME(0, 1, 1, 0, 0, 0, 7);
	start(2024, 6, 15, 9, 59, 59);                  /* minute and hour */
	tsc_now += HZ;
	EXPECT_TIME(2024, 6, 15, 10, 0, 0, 7);
}

static bool ref_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void ref_next_day(unsigned *y, unsigned *mo, unsigned *d)
{
	static const unsigned dim[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31,
	                                  30, 31, 30, 31 };
	unsigned n = dim[*mo] + (*mo == 2 && ref_leap(*y));

	if (++*d > n) {
		*d = 1;
		if (++*mo > 12) {
			*mo = 1;
			++*y;
		}
	}
}

static void test_400_years_day_by_day(void **state)
{
	unsigned y = 1999, mo = 12, d = 31, dow = 6, days;

	(void)state;
	start_hz(1000000, y, mo, d, 12, 0, 0);          /* a Friday noon */
	for (days = 0; days < 146100; days++) {
		struct vrtc_time t;

		vrtc_get_time(&rtc, &t);
		if (t.year != y || t.month != mo || t.day != d || t.hour != 12 ||
		    rd(6) != dow)
			fail_msg("day %u: %u-%u-%u dow %u, expected %u-%u-%u dow %u",
			         days, t.year, t.month, t.day, rd(6), y, mo, d, dow);
		tsc_now += 86400 * 1000000ull;
		ref_next_day(&y, &mo, &d);
		dow = dow % 7 + 1;
	}
	assert_int_equal(y, 2400);
	EXPECT_TIME(2400, 1, 3, 12, 0, 0, 2);
}

static void test_binary_mode(void **state)
{
	(void)state;
	wr(REG_B, H24 | BIN);
	assert_int_equal(rd(0), 58);
	assert_int_equal(rd(2), 59);
	assert_int_equal(rd(4), 23);
	assert_int_equal(rd(7), 28);
	assert_int_equal(rd(8), 2);
	assert_int_equal(rd(9), 24);
	assert_int_equal(rd(0x32), 20);
	assert_int_equal(rd(6), 4);
	tsc_now += 2 * HZ;
	assert_int_equal(rd(7), 29);
	assert_int_equal(rd(4), 0);
	wr(REG_B, H24);                                 /* back to BCD */
	assert_int_equal(rd(7), 0x29);
}

static void test_12_hour_mode(void **state)
{
	(void)state;
	start(2024, 6, 15, 0, 0, 0);
	wr(REG_B, 0);                                   /* 12-hour, BCD */
	assert_int_equal(rd(4), 0x12);                  /* 12 AM */
	tsc_now += 3600 * HZ;
	assert_int_equal(rd(4), 0x01);
	tsc_now += 10 * 3600 * HZ + 3599 * HZ;          /* 11:59:59 */
	assert_int_equal(rd(4), 0x11);
	tsc_now += HZ;
	assert_int_equal(rd(4), 0x92);                  /* 12 PM */
	tsc_now += 3600 * HZ;
	assert_int_equal(rd(4), 0x81);                  /* 1 PM */
	tsc_now += 10 * 3600 * HZ + 3599 * HZ;
	assert_int_equal(rd(4), 0x91);                  /* 11:59:59 PM */
	assert_int_equal(rd(7), 0x15);
	tsc_now += HZ;
	assert_int_equal(rd(4), 0x12);                  /* 12 AM, next day */
	assert_int_equal(rd(7), 0x16);
	wr(REG_B, BIN);                                 /* 12-hour, binary */
	assert_int_equal(rd(4), 0x0c);
	tsc_now += 12 * 3600 * HZ;
	assert_int_equal(rd(4), 0x8c);                  /* 12 PM */
	tsc_now += 3600 * HZ;
	assert_int_equal(rd(4), 0x81);
}

/* ---- UIP ------------------------------------------------------------------- */

static void test_uip_window(void **state)
{
	uint64_t boundary = T0 + HZ;

	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	tsc_now = boundary - 244 * US - 1;
	assert_int_equal(rd(REG_A), 0x26);
	tsc_now = boundary - 244 * US;
	assert_int_equal(rd(REG_A), 0x26 | UIP);
	tsc_now = boundary - 1;
	assert_int_equal(rd(REG_A), 0x26 | UIP);
	assert_int_equal(rd(0), 0x00);                  /* not updated yet */
	tsc_now = boundary;
	assert_int_equal(rd(REG_A), 0x26);
	assert_int_equal(rd(0), 0x01);
	/* every second, not only the first */
	tsc_now = boundary + 41 * HZ - 100 * US;
	assert_int_equal(rd(REG_A), 0x26 | UIP);
	/* stopped: no update, no UIP */
	wr(REG_B, H24 | SET);
	assert_int_equal(rd(REG_A), 0x26);
	wr(REG_B, H24);
	wr(REG_A, 0x76);                                /* divider reset */
	tsc_now = boundary + 42 * HZ - 100 * US;
	assert_int_equal(rd(REG_A), 0x76);
	/* UIP is not writable */
	wr(REG_A, 0xa6);
	assert_int_equal(rd(REG_A) & 0x7f, 0x26);
}

/* Linux's mc146818_get_time() (drivers/rtc/rtc-mc146818-lib.c, 6.1):
 * seconds, then UIP (1 ms delay and again if set), every field, B, UIP
 * again and the seconds again; again if either changed. */
static void linux_get_time(struct vrtc_time *t, unsigned *passes)
{
	unsigned sec, min, hour, day, mon, year, century, uip;

	*passes = 0;
again:
	if (++*passes > 20)
		fail_msg("mc146818_get_time() does not terminate");
	sec = rd(0);
	if (rd(REG_A) & UIP) {
		tsc_now += MS;
		goto again;
	}
	min = rd(2);
	hour = rd(4);
	day = rd(7);
	mon = rd(8);
	year = rd(9);
	century = rd(0x32);
	(void)rd(REG_B);
	uip = rd(REG_A) & UIP;
	uip |= rd(0) != sec;
	if (uip)
		goto again;
#define B2N(x) (((x) >> 4) * 10 + ((x) & 15))
	t->second = (uint8_t)B2N(sec);
	t->minute = (uint8_t)B2N(min);
	t->hour = (uint8_t)B2N(hour);
	t->day = (uint8_t)B2N(day);
	t->month = (uint8_t)B2N(mon);
	t->year = (uint16_t)(B2N(century) * 100 + B2N(year));
#undef B2N
}

static void test_linux_get_time_never_torn(void **state)
{
	static const uint64_t costs[] = { 0, 1 * US, 13 * US, 60 * US, 300 * US };
	static const struct vrtc_time before = { 2099, 12, 31, 23, 59, 59 };
	static const struct vrtc_time after = { 2100, 1, 1, 0, 0, 0 };
	unsigned c, worst = 0;
	uint64_t off;

	(void)state;
	for (c = 0; c < sizeof costs / sizeof costs[0]; c++) {
		for (off = 0; off < 5 * MS; off += 7 * US) {
			struct vrtc_time t;
			unsigned passes;

			start(2099, 12, 31, 23, 59, 59);
			access_cost = costs[c];
			tsc_now = T0 + HZ - 3 * MS + off;   /* around the update */
			linux_get_time(&t, &passes);
			if (memcmp(&t, &before, sizeof t) != 0 &&
			    memcmp(&t, &after, sizeof t) != 0)
				fail_msg("cost %llu offset %llu: torn read "
				         "%u-%u-%u %u:%u:%u",
				         (unsigned long long)costs[c],
				         (unsigned long long)off, t.year, t.month,
				         t.day, t.hour, t.minute, t.second);
			worst = passes > worst ? passes : worst;
		}
	}
	access_cost = 0;
	assert_true(worst >= 2);                  /* the retry did happen */
	assert_true(worst <= 3);
}

/* ---- setting the clock --------------------------------------------------- */

static void test_linux_set_time(void **state)
{
	uint8_t save_control, save_freq;
	uint64_t restart;

	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	tsc_now += 300 * MS;
	/* drivers/rtc/rtc-mc146818-lib.c mc146818_set_time() */
	save_control = rd(REG_B);
	wr(REG_B, save_control | SET);
	save_freq = rd(REG_A);
	wr(REG_A, save_freq | 0x70);                    /* RTC_DIV_RESET2 */
	wr(9, 0x25);
	wr(8, 0x03);
	wr(7, 0x30);
	wr(4, 0x17);
	wr(2, 0x45);
	wr(0, 0x12);
	wr(0x32, 0x20);
	tsc_now += 5 * HZ;                              /* frozen meanwhile */
	EXPECT_TIME(2025, 3, 30, 17, 45, 12, 7);        /* DOW as it was */
	wr(REG_B, save_control);
	EXPECT_TIME(2025, 3, 30, 17, 45, 12, 7);        /* divider still reset */
	wr(REG_A, save_freq);
	restart = tsc_now;
	EXPECT_TIME(2025, 3, 30, 17, 45, 12, 1);        /* a Sunday */
	assert_int_equal(rtc.count.bad_time, 0);
	/* The first update comes 500 ms after the divider restarts. */
	tsc_now = restart + 500 * MS - 1;
	assert_int_equal(rd(0), 0x12);
	tsc_now = restart + 500 * MS;
	assert_int_equal(rd(0), 0x13);
	tsc_now = restart + 1500 * MS;
	assert_int_equal(rd(0), 0x14);
	assert_int_equal(rd(REG_B), save_control);
	assert_int_equal(rd(REG_A), save_freq);
}

static void test_set_keeps_phase(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	tsc_now = T0 + 2 * HZ + 700 * MS;              /* 10:00:02.7 */
	wr(REG_B, H24 | SET);
	tsc_now += 10 * HZ;
	EXPECT_TIME(2024, 6, 15, 10, 0, 2, 7);          /* frozen */
	wr(2, 0x30);
	wr(REG_B, H24);                                 /* at xx.7 again */
	EXPECT_TIME(2024, 6, 15, 10, 30, 2, 7);
	tsc_now = T0 + 13 * HZ - 1;
	assert_int_equal(rd(0), 0x02);
	tsc_now = T0 + 13 * HZ;                         /* on the old grid */
	assert_int_equal(rd(0), 0x03);
}

static void test_write_field_while_running(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	tsc_now += 4 * HZ + 200 * MS;
	wr(4, 0x21);                                    /* the hour */
	EXPECT_TIME(2024, 6, 15, 21, 0, 4, 7);
	wr(0x32, 0x21);                                 /* the century */
	EXPECT_TIME(2124, 6, 15, 21, 0, 4, 5);
	wr(6, 0x03);                                    /* DOW: computed */
	assert_int_equal(rd(6), 5);
	tsc_now = T0 + 5 * HZ;                          /* phase kept */
	assert_int_equal(rd(0), 0x05);
	assert_int_equal(rtc.count.bad_time, 0);
}

static void test_set_clears_uie(void **state)
{
	(void)state;
	wr(REG_B, H24 | UIE | PIE);
	wr(REG_B, H24 | UIE | PIE | SET);
	assert_int_equal(rd(REG_B), SET | PIE | H24);
}

static void test_bad_times_refused(void **state)
{
	static const struct { uint8_t index, value; } bad[] = {
		{ 8, 0x13 }, { 8, 0x00 }, { 7, 0x00 }, { 7, 0x32 },
		{ 0, 0x60 }, { 2, 0x5a }, { 4, 0x24 }, { 9, 0xa0 },
		{ 0x32, 0x9a }, { 7, 0x31 },             /* June 31 */
	};
	unsigned i;

	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		wr(REG_B, H24 | SET);
		wr(bad[i].index, bad[i].value);
		tsc_now += HZ;                          /* stopped a second */
		wr(REG_B, H24);
		if (rtc.count.bad_time != i + 1)
			fail_msg("byte %#x at %#x accepted", bad[i].value,
			         bad[i].index);
	}
	/* The clock went on from where it was stopped each time. */
	EXPECT_TIME(2024, 6, 15, 10, 0, 0, 7);
	/* 12-hour: hour 0 and 13 are no hours; 12 is */
	wr(REG_B, SET);
	wr(4, 0x00);
	wr(REG_B, 0);
	wr(REG_B, SET);
	wr(4, 0x93);
	wr(REG_B, 0);
	assert_int_equal(rtc.count.bad_time, 12);
	wr(REG_B, SET);
	wr(4, 0x92);
	wr(REG_B, 0);
	assert_int_equal(rtc.count.bad_time, 12);
	assert_int_equal(rd(4), 0x92);
	/* binary: 60 seconds is no second */
	wr(REG_B, H24 | BIN);
	wr(REG_B, H24 | BIN | SET);
	wr(0, 60);
	wr(REG_B, H24 | BIN);
	assert_int_equal(rtc.count.bad_time, 13);
	assert_int_equal(rd(4), 12);
}

/* ---- interrupts ----------------------------------------------------------- */

static void test_periodic(void **state)
{
	uint64_t ev;

	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	wr(REG_B, H24 | PIE);                           /* rate 6: 1024 Hz */
	ev = vrtc_next_event(&rtc);
	assert_int_equal(ev, T0 + 976563);              /* 976562.5 rounded up */
	vrtc_tick(&rtc, ev - 1);
	assert_int_equal(irq_calls, 0);
	vrtc_tick(&rtc, ev);
	assert_int_equal(irq_calls, 1);
	assert_true(irq_line);
	assert_int_equal(vrtc_next_event(&rtc), NEVER); /* line already up */
	vrtc_tick(&rtc, ev + 5 * MS);                   /* held, not again */
	assert_int_equal(irq_calls, 1);
	tsc_now = ev + 5 * MS;
	assert_int_equal(rd(REG_C), 0xc0);              /* IRQF | PF */
	assert_int_equal(irq_calls, 2);
	assert_false(irq_line);
	assert_int_equal(rd(REG_C), 0x00);              /* read clears */
	/* the 7th tap: 7 * 976562.5 ns, rounded up */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 6835938);
	/* other rates */
	wr(REG_A, 0x2f);                                /* 2 Hz */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 500 * MS);
	wr(REG_A, 0x23);                                /* 8192 Hz */
	/* the 196th tick of 32.768 kHz, rounded up */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 5981446);
	wr(REG_A, 0x21);                                /* 256 Hz, as rate 8 */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 3906250 * 2);
	wr(REG_A, 0x22);                                /* 128 Hz, as rate 9 */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 7812500);
	wr(REG_A, 0x20);                                /* none */
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
	wr(REG_A, 0x66);                                /* divider reset: none */
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
	tsc_now += HZ;
	assert_int_equal(rd(REG_C), 0);
}

static void test_flags_without_enables(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	tsc_now += 3 * HZ;
	vrtc_tick(&rtc, tsc_now);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(rd(REG_C), 0x50);              /* PF, UF; no IRQF */
	assert_int_equal(irq_calls, 0);
	/* A flag already set when its enable comes: the line rises then. */
	tsc_now += HZ;
	wr(REG_B, H24 | PIE);
	assert_int_equal(irq_calls, 1);
	assert_true(irq_line);
	/* Clearing the enable lowers it again (IRQF is PF.PIE + ...). */
	wr(REG_B, H24);
	assert_int_equal(irq_calls, 2);
	assert_false(irq_line);
	assert_int_equal(rd(REG_C), 0x50);
}

static void test_update_ended(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	tsc_now += 300 * MS;
	wr(REG_B, H24 | UIE);
	assert_int_equal(vrtc_next_event(&rtc), T0 + HZ);
	vrtc_tick(&rtc, T0 + HZ);
	assert_true(irq_line);
	tsc_now = T0 + HZ + 10 * US;
	assert_int_equal(rd(REG_C), 0xd0);              /* IRQF | PF | UF */
	assert_false(irq_line);
	assert_int_equal(vrtc_next_event(&rtc), T0 + 2 * HZ);
	/* stopped: no updates */
	wr(REG_B, H24 | SET);
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
}

static void test_alarm(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 20, 30);
	wr(1, 0x33);
	wr(3, 0x20);
	wr(5, 0x10);
	wr(REG_B, H24 | AIE);
	assert_int_equal(vrtc_next_event(&rtc), T0 + 3 * HZ);
	vrtc_tick(&rtc, T0 + 2 * HZ);
	assert_int_equal(irq_calls, 0);
	vrtc_tick(&rtc, T0 + 3 * HZ);
	assert_int_equal(irq_calls, 1);
	tsc_now = T0 + 3 * HZ;
	assert_int_equal(rd(REG_C), 0xf0);              /* IRQF|PF|AF|UF */
	/* the same time tomorrow */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 3 * HZ + 86400 * HZ);
	/* "don't care" in all three: every second */
	wr(1, 0xc0);
	wr(3, 0xff);
	wr(5, 0xc5);
	assert_int_equal(vrtc_next_event(&rtc), T0 + 4 * HZ);
	/* any hour, minute 15, second 0: 11:15:00 */
	wr(1, 0x00);
	wr(3, 0x15);
	assert_int_equal(vrtc_next_event(&rtc),
	                 T0 + (3600 - 20 * 60 - 30 + 15 * 60) * HZ);
	/* this hour, a past minute: tomorrow */
	wr(5, 0x10);
	assert_int_equal(vrtc_next_event(&rtc),
	                 T0 + (86400 - 20 * 60 - 30 + 15 * 60) * HZ);
	/* this minute, any second: the next second */
	wr(1, 0xc0);
	wr(3, 0x20);
	assert_int_equal(vrtc_next_event(&rtc), T0 + 4 * HZ);
	/* no such second: never */
	wr(1, 0x61);
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
	wr(1, 0x5f);                                    /* BCD nibble 0xf */
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
	tsc_now += 2 * 86400 * HZ;
	assert_int_equal(rd(REG_C) & 0x20, 0);
}

static void test_alarm_after_long_gap(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 20, 30);
	wr(1, 0x00);
	wr(3, 0x00);
	wr(5, 0x03);                                    /* 03:00:00 */
	/* no AIE: the flag alone, found when C is read after 20 hours */
	tsc_now += 20 * 3600 * HZ;
	assert_int_equal(rd(REG_C), 0x70);
	tsc_now += 3600 * HZ;                           /* 07:20:30: no alarm */
	assert_int_equal(rd(REG_C) & 0x20, 0);
	/* a gap of more than a day always has it */
	tsc_now += 3 * 86400 * HZ;
	assert_int_equal(rd(REG_C) & 0x20, 0x20);
}

static void test_alarm_12_hour(void **state)
{
	(void)state;
	start(2024, 6, 15, 12, 59, 58);
	wr(REG_B, AIE);                                 /* 12-hour, BCD */
	wr(1, 0x00);
	wr(3, 0x00);
	wr(5, 0x81);                                    /* 1 PM */
	assert_int_equal(vrtc_next_event(&rtc), T0 + 2 * HZ);
	wr(5, 0x01);                                    /* 1 AM */
	assert_int_equal(vrtc_next_event(&rtc), T0 + (2 + 12 * 3600) * HZ);
	wr(5, 0x13);                                    /* no such hour */
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
}

static void test_irq_held_until_c(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	wr(REG_B, H24 | UIE | PIE);
	tsc_now += 10 * HZ;
	vrtc_tick(&rtc, tsc_now);
	vrtc_tick(&rtc, tsc_now + HZ);
	(void)rd(0);
	(void)rd(REG_A);
	assert_int_equal(irq_calls, 1);
	assert_int_equal(rd(REG_C), 0xd0);
	assert_int_equal(irq_calls, 2);
	/* the next one rises again */
	vrtc_tick(&rtc, tsc_now + 2 * HZ);
	assert_int_equal(irq_calls, 3);
}

static void test_stale_now(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	wr(REG_B, H24 | UIE);
	vrtc_tick(&rtc, T0 + 5 * HZ);
	assert_true(irq_line);
	tsc_now = T0 + HZ;                              /* behind the tick */
	assert_int_equal(rd(REG_C), 0xd0);
	EXPECT_TIME(2024, 6, 15, 10, 0, 5, 7);          /* not back in time */
	vrtc_tick(&rtc, T0);
	assert_int_equal(rd(REG_C), 0);
}

/* ---- CMOS RAM and hostile input ---------------------------------------------- */

static void test_cmos_ram(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			wr((uint8_t)i, (uint8_t)(i ^ 0xa5));
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && rd((uint8_t)i) != (uint8_t)(i ^ 0xa5))
			fail_msg("CMOS %#x lost its byte", i);
	/* bit 7 of the index is the NMI mask: same byte */
	assert_int_equal(rd(0x8e), 0x0e ^ 0xa5);
	assert_int_equal(rd(0xff), 0x7f ^ 0xa5);
	wr(0xff, 0x11);
	assert_int_equal(rd(0x7f), 0x11);
	/* port 0x70 reads back as written */
	port_out(0, 0x8f);
	assert_int_equal(port_in(0), 0x8f);
	/* C and D are read-only */
	wr(REG_D, 0x00);
	wr(REG_C, 0xff);
	assert_int_equal(rd(REG_D), 0x80);
	assert_int_equal(rd(REG_C), 0x00);
	assert_int_equal(irq_calls, 0);
}

/* A restart's RESET: enables and flags gone, the line down; the time,
 * the format, the alarms and the RAM stay (battery-backed). */
static void test_reset_pin(void **state)
{
	unsigned i;

	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			wr((uint8_t)i, (uint8_t)(i * 7));
	wr(1, 0xc0);                                    /* alarm: any second */
	wr(REG_B, H24 | BIN | PIE | AIE | UIE | 0x08);  /* 0x08: SQWE */
	tsc_now += 3 * HZ + 10 * MS;
	vrtc_tick(&rtc, tsc_now);
	assert_true(irq_line);
	irq_calls = 0;
	vrtc_reset(&rtc);
	assert_false(irq_line);
	assert_int_equal(irq_calls, 1);
	assert_int_equal(vrtc_next_event(&rtc), NEVER);
	assert_int_equal(rd(REG_B), H24 | BIN);
	assert_int_equal(rd(REG_C), 0);
	assert_int_equal(rd(REG_A), 0x26);
	assert_int_equal(rd(1), 0xc0);
	/* binary now: 10:00:03 */
	assert_int_equal(rd(4), 10);
	assert_int_equal(rd(2), 0);
	assert_int_equal(rd(0), 3);
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && rd((uint8_t)i) != (uint8_t)(i * 7))
			fail_msg("CMOS %#x lost its byte in the reset", i);
	/* Nothing from before the reset raises a flag after it, and the
	 * clock goes on. */
	tsc_now += 2 * HZ;
	vrtc_tick(&rtc, tsc_now);
	assert_false(irq_line);
	assert_int_equal(rd(REG_C), 0x50);            /* PF, UF: no IRQF */
	assert_int_equal(rd(0), 5);
	/* A stopped clock stays stopped at its time; a line that is low
	 * stays so without a call. */
	wr(REG_B, SET | H24 | BIN);
	tsc_now += 10 * HZ;
	irq_calls = 0;
	vrtc_reset(&rtc);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(rd(REG_B), SET | H24 | BIN);
	tsc_now += 10 * HZ;
	assert_int_equal(rd(4), 10);
	assert_int_equal(rd(2), 0);
	assert_int_equal(rd(0), 5);
}

static void test_wide_accesses(void **state)
{
	static const unsigned sizes[] = { 2, 4, 8 };
	unsigned i;
	uint64_t v;

	(void)state;
	for (i = 0; i < 3; i++) {
		v = 0x0b;
		assert_true(vrtc_bus_io(&rtc, 0, sizes[i], true, &v));
		v = 0xff;
		assert_true(vrtc_bus_io(&rtc, 1, sizes[i], true, &v));
		v = 0;
		assert_true(vrtc_bus_io(&rtc, 1, sizes[i], false, &v));
		assert_int_equal(v, sizes[i] == 8 ? ~0ull :
		                    (1ull << (8 * sizes[i])) - 1);
	}
	v = 0;
	assert_true(vrtc_bus_io(&rtc, 2, 1, false, &v));   /* past the range */
	assert_int_equal(v, 0xff);
	assert_int_equal(rtc.count.bad_access, 10);
	assert_int_equal(rd(REG_B), 0x02);
	EXPECT_TIME(2024, 2, 28, 23, 59, 58, 4);
}

static void test_divider_other_time_bases(void **state)
{
	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	wr(REG_A, 0x06);                                /* DV 000: stopped */
	tsc_now += 10 * HZ;
	EXPECT_TIME(2024, 6, 15, 10, 0, 0, 7);
	assert_int_equal(rd(REG_C), 0);                 /* no update, no PF */
	wr(REG_A, 0x26);
	tsc_now += 500 * MS;
	EXPECT_TIME(2024, 6, 15, 10, 0, 1, 7);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* A hostile guest at random (any index, any byte, SET and divider
 * toggled, format changed), time jumping forward by random amounts and
 * stale: no crash, no undefined behaviour, the clock always a valid
 * date, the line held exactly while IRQF is set, and the next event
 * never in the past. */
static void test_random_hostile(void **state)
{
	unsigned i;

	(void)state;
	start(2024, 6, 15, 10, 0, 0);
	for (i = 0; i < 100000; i++) {
		uint32_t r = rng();
		struct vrtc_time t;
		uint64_t ev, v = rng();

		switch (r % 8) {
		case 0:
			tsc_now += rng() % (2 * HZ);
			break;
		case 1:
			tsc_now += (uint64_t)rng() * 1000;  /* up to ~50 days */
			break;
		case 2:
			vrtc_tick(&rtc, tsc_now - rng() % MS);
			break;
		case 3:
			wr((uint8_t)(r >> 8), (uint8_t)v);
			break;
		case 4:
			wr((uint8_t)(rng() % 14), (uint8_t)v);
			break;
		case 5:
			(void)rd((uint8_t)(r >> 8));
			break;
		case 6:
			assert_true(vrtc_bus_io(&rtc, rng() % 3, 1u << (rng() % 4),
			                        rng() & 1, &v));
			break;
		default:
			(void)rd((uint8_t)(rng() % 14));
			break;
		}
		vrtc_get_time(&rtc, &t);
		assert_true(t.year <= 9999 && t.month >= 1 && t.month <= 12 &&
		            t.day >= 1 && t.day <= 31 && t.hour < 24 &&
		            t.minute < 60 && t.second < 60);
		assert_int_equal(irq_line, rtc.irq_level);
		ev = vrtc_next_event(&rtc);
		assert_true(ev == NEVER || ev > rtc.last_tsc);
	}
	assert_true(irq_calls > 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_refuses),
		T(test_power_on_registers),
		T(test_leap_day_2024),
		T(test_rollovers),
		T(test_400_years_day_by_day),
		T(test_binary_mode),
		T(test_12_hour_mode),
		T(test_uip_window),
		T(test_linux_get_time_never_torn),
		T(test_linux_set_time),
		T(test_set_keeps_phase),
		T(test_write_field_while_running),
		T(test_set_clears_uie),
		T(test_bad_times_refused),
		T(test_periodic),
		T(test_flags_without_enables),
		T(test_update_ended),
		T(test_alarm),
		T(test_alarm_after_long_gap),
		T(test_alarm_12_hour),
		T(test_irq_held_until_c),
		T(test_stale_now),
		T(test_cmos_ram),
		T(test_reset_pin),
		T(test_wide_accesses),
		T(test_divider_other_time_bases),
		T(test_random_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
