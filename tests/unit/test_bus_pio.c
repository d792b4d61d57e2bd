/*
 * tests/unit/test_bus_pio.c — unit tests of hv/dev/bus.c, the port side.
 * Registration (overlaps, empty ranges, ranges past port 0xFFFF, the
 * BUS_MAX_RANGES limit), dispatch to the right handler with the right arguments,
 * a refusing handler stopping the VM, and unknown ports: all-ones reads
 * of 1, 2 and 4 bytes, reported once per port, counted in total and per
 * port (the first BUS_UNKNOWN_PORTS ports in the order seen, then the
 * "other" bucket).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/bus.h"

static struct bus bus;                /* 8 KiB bitmap: kept off the stack */
static struct bus before;

/* ---- handlers that record their calls -------------------------------- */

#define CALLS_MAX 16

struct call {
	void *arg;
	uint16_t port;
	unsigned size;
	bool in;
	uint32_t value;                /* what *value held on entry */
};

static struct call calls[CALLS_MAX];
static unsigned ncalls;

/* Per-handler behaviour, selected by the handler argument. */
struct dev {
	const char *name;
	uint16_t base;                 /* where reg() put its range */
	uint32_t in_value;             /* what an IN returns */
	bool refuse;                   /* return false */
};

static struct dev dev_a = { "a", 0, 0x11223344u, false };
static struct dev dev_b = { "b", 0, 0xa5a5a5a5u, false };
static struct dev dev_bad = { "bad", 0, 0, true };

/* The bus hands a handler the offset in its range: the port is the
 * range's base plus it. */
static bool rec_fn(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *value)
{
	struct dev *d = arg;
	bool in = !write;

	if (ncalls >= CALLS_MAX)
		fail_msg("too many handler calls");
	calls[ncalls++] = (struct call){ arg, (uint16_t)(d->base + off), size, in,
	                                 (uint32_t)*value };
	if (in)
		*value = d->in_value;
	return !d->refuse;
}

static bool never_fn(void *arg, uint64_t off, unsigned size, bool write,
                     uint64_t *value)
{
	(void)arg; (void)size; (void)write; (void)value;
	fail_msg("handler of an unrelated range called at offset %#llx",
	         (unsigned long long)off);
	return false;
}

/* Claim [port, port + count) for fn; a struct dev learns its base. */
static bool reg(unsigned port, unsigned count, bus_fn fn, struct dev *d)
{
	struct bus_range r = { .base = port, .size = count, .kind = BUS_DEVICE,
	                       .fn = fn, .arg = d, .name = d ? d->name : "never" };

	if (bus_add(&bus, BUS_PIO, &r) != BUS_OK)
		return false;
	if (d)
		d->base = (uint16_t)port;
	return true;
}

static enum bus_result dispatch(unsigned port, unsigned size, bool in,
                                uint32_t *v)
{
	uint64_t v64 = *v;
	enum bus_result r = bus_pio(&bus, (uint16_t)port, size, in, &v64);

	*v = (uint32_t)v64;
	return r;
}

static int setup(void **state)
{
	(void)state;
	memset(&bus, 0x5a, sizeof bus);      /* init must clear everything */
	bus_init(&bus, NULL, 0);
	memset(calls, 0, sizeof calls);
	ncalls = 0;
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

#define REG_OK(p, c)   reg_expect_at(__FILE__, __LINE__, (p), (c), true)
#define REG_FAIL(p, c) reg_expect_at(__FILE__, __LINE__, (p), (c), false)

/* reg() of a never-called handler; a refusal changes nothing. */
static void reg_expect_at(const char *file, int line, unsigned port,
                          unsigned count, bool ok)
{
	memcpy(&before, &bus, sizeof bus);
	if (reg(port, count, never_fn, NULL) != ok)
		fail_msg("%s:%d: bus_add(%#x, %#x) %s, expected %s", file,
		         line, port, count, ok ? "refused" : "accepted",
		         ok ? "accepted" : "refused");
	if (!ok && memcmp(&before, &bus, sizeof bus) != 0)
		fail_msg("%s:%d: refused bus_add changed the table", file,
		         line);
}

#define EXPECT_CALL(i, port, size, in, value, arg) \
	expect_call_at(__FILE__, __LINE__, (i), (port), (size), (in), (value), \
	               (arg))

static void expect_call_at(const char *file, int line, unsigned i,
                           unsigned port, unsigned size, bool in,
                           uint32_t value, const struct dev *arg)
{
	const struct call *c = &calls[i];

	if (i >= ncalls)
		fail_msg("%s:%d: call %u not made (%u calls)", file, line, i,
		         ncalls);
	if (c->arg != arg || c->port != port ||
	    c->size != size || c->in != in || c->value != value)
		fail_msg("%s:%d: call %u: arg %s port %#x size %u %s "
		         "value %#x; expected arg %s port %#x size %u %s "
		         "value %#x", file, line, i,
		         c->arg ? ((const struct dev *)c->arg)->name : "NULL",
		         c->port, c->size, c->in ? "in" : "out", c->value,
		         arg->name, port, size, in ? "in" : "out",
		         value);
}

static enum bus_result in_(unsigned port, unsigned size, uint32_t *v)
{
	return dispatch(port, size, true, v);
}

static enum bus_result out_(unsigned port, unsigned size, uint32_t v)
{
	return dispatch(port, size, false, &v);
}

/* ---- registration ---------------------------------------------------- */

static void test_init(void **state)
{
	unsigned i;

	(void)state;
	assert_int_equal(bus.t[BUS_PIO].n, 0);
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(bus.unclaimed_writes, 0);
	assert_int_equal(bus.unknown_n, 0);
	assert_int_equal(bus.unknown_other_reads, 0);
	assert_int_equal(bus.unknown_other_writes, 0);
	assert_null(bus_unknown_port(&bus, 0));
	for (i = 0; i < sizeof bus.port_reported; i++)
		if (bus.port_reported[i])
			fail_msg("logged[%u] = %#x after init", i, bus.port_reported[i]);
}

static void test_register_overlaps_refused(void **state)
{
	(void)state;
	REG_OK(0x3f8, 8);                   /* [0x3f8, 0x400) */
	REG_OK(0x60, 1);
	REG_FAIL(0x3f8, 8);                 /* identical */
	REG_FAIL(0x3f0, 9);                 /* over the start by one port */
	REG_FAIL(0x3ff, 1);                 /* the last port */
	REG_FAIL(0x3ff, 4);                 /* over the end */
	REG_FAIL(0x3f0, 0x20);              /* containing it */
	REG_FAIL(0x3fa, 2);                 /* inside it */
	REG_FAIL(0x3f8, 1);                 /* same start, shorter */
	REG_FAIL(0x60, 1);                  /* a one-port range */
	REG_FAIL(0x5f, 2);
	REG_FAIL(0x0, 0xffff);              /* everything */
	assert_int_equal(bus.t[BUS_PIO].n, 2);
}

static void test_register_touching_allowed(void **state)
{
	(void)state;
	REG_OK(0x3f8, 8);
	REG_OK(0x400, 1);                   /* right after */
	REG_OK(0x3f0, 8);                   /* right before */
	REG_OK(0x3e8, 8);
	assert_int_equal(bus.t[BUS_PIO].n, 4);
	assert_int_equal(bus.t[BUS_PIO].r[1].base, 0x3f0);   /* sorted */
	assert_int_equal(bus.t[BUS_PIO].r[1].size, 8);
}

static void test_register_bad_ranges(void **state)
{
	(void)state;
	REG_FAIL(0x80, 0);                  /* empty */
	REG_FAIL(0, 0);
	REG_FAIL(0xffff, 2);                /* one past port 0xffff */
	REG_FAIL(0xfff0, 0x11);
	REG_FAIL(0x8000, 0x8001);
	REG_FAIL(0x0002, 0xffff);           /* ends at 0x10001 */
	REG_OK(0x0001, 0xffff);             /* ends at 0x10000: fine */
	bus_init(&bus, NULL, 0);
	REG_FAIL(0xffff, 0xffff);
	assert_int_equal(bus.t[BUS_PIO].n, 0);
	REG_OK(0xfff0, 0x10);               /* ends exactly at 0x10000 */
	REG_OK(0x0, 0x10);                  /* starts at port 0 */
	REG_OK(0x8000, 0x7ff0);             /* fills up to 0xfff0 */
	REG_FAIL(0xffff, 1);                /* taken by the first */
	assert_int_equal(bus.t[BUS_PIO].n, 3);
}

static void test_register_whole_space(void **state)
{
	uint32_t v = 0;

	(void)state;
	/* count is 16-bit: 0xffff ports from 0 and the last port alone */
	REG_OK(0x0, 0xffff);
	REG_FAIL(0xfffe, 1);
	assert_true(reg(0xffff, 1, rec_fn, &dev_a));
	assert_int_equal(in_(0xffff, 1, &v), BUS_DONE);
	EXPECT_CALL(0, 0xffff, 1, true, 0, &dev_a);
}

static void test_register_max(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < BUS_MAX_RANGES; i++)
		REG_OK(0x100 + i * 0x10, 4);
	assert_int_equal(bus.t[BUS_PIO].n, BUS_MAX_RANGES);
	REG_FAIL(0x1000, 1);                /* would fit anywhere but the table */
	REG_FAIL(0x0, 1);
	assert_int_equal(bus.t[BUS_PIO].n, BUS_MAX_RANGES);
}

/* ---- dispatch to handlers -------------------------------------------- */

static void test_dispatch_to_handlers(void **state)
{
	uint32_t v;

	(void)state;
	assert_true(reg(0x3f8, 8, rec_fn, &dev_a));
	assert_true(reg(0xcf8, 8, rec_fn, &dev_b));
	assert_true(reg(0x3f0, 8, never_fn, NULL));

	v = 0x12345678;                                /* first port, IN */
	assert_int_equal(in_(0x3f8, 1, &v), BUS_DONE);
	assert_int_equal(v, 0x11223344u);
	EXPECT_CALL(0, 0x3f8, 1, true, 0x12345678, &dev_a);

	assert_int_equal(out_(0x3ff, 1, 0x41), BUS_DONE);   /* last port */
	EXPECT_CALL(1, 0x3ff, 1, false, 0x41, &dev_a);

	v = 0;
	assert_int_equal(in_(0xcfc, 4, &v), BUS_DONE);
	assert_int_equal(v, 0xa5a5a5a5u);
	EXPECT_CALL(2, 0xcfc, 4, true, 0, &dev_b);

	assert_int_equal(out_(0xcf8, 4, 0x80001234u), BUS_DONE);
	EXPECT_CALL(3, 0xcf8, 4, false, 0x80001234u, &dev_b);

	assert_int_equal(out_(0xcfe, 2, 0xbeef), BUS_DONE);
	EXPECT_CALL(4, 0xcfe, 2, false, 0xbeef, &dev_b);

	assert_int_equal(ncalls, 5);
	/* handled accesses are not unknown ones */
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(bus.unclaimed_writes, 0);
	assert_int_equal(bus.port_reported[0x3f8 / 8], 0);
	assert_int_equal(bus.port_reported[0xcf8 / 8], 0);
}

static void test_dispatch_out_leaves_value(void **state)
{
	uint32_t v = 0xcafef00d;

	(void)state;
	assert_true(reg(0x80, 1, rec_fn, &dev_a));
	assert_int_equal(dispatch(0x80, 1, false, &v), BUS_DONE);
	assert_int_equal(v, 0xcafef00d);               /* OUT: not written */
	EXPECT_CALL(0, 0x80, 1, false, 0xcafef00d, &dev_a);
}

static void test_handler_refusal_stops(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_true(reg(0xf4, 1, rec_fn, &dev_bad));
	assert_true(reg(0xf5, 1, rec_fn, &dev_a));
	assert_int_equal(out_(0xf4, 1, 3), BUS_REFUSED);
	EXPECT_CALL(0, 0xf4, 1, false, 3, &dev_bad);
	assert_int_equal(in_(0xf4, 2, &v), BUS_REFUSED);
	EXPECT_CALL(1, 0xf4, 2, true, 0, &dev_bad);
	assert_int_equal(out_(0xf5, 1, 3), BUS_DONE);    /* neighbour fine */
	EXPECT_CALL(2, 0xf5, 1, false, 3, &dev_a);
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(bus.unclaimed_writes, 0);
}

/* ---- unknown ports --------------------------------------------------- */

static void test_unknown_read_all_ones(void **state)
{
	uint32_t v;

	(void)state;
	v = 0x12345678;
	in_(0x80, 1, &v);
	assert_int_equal(v, 0xffu);
	v = 0x12345678;
	in_(0x80, 2, &v);
	assert_int_equal(v, 0xffffu);
	v = 0x12345678;
	in_(0x80, 4, &v);
	assert_int_equal(v, 0xffffffffu);
	v = 0;
	in_(0xffff, 1, &v);
	assert_int_equal(v, 0xffu);
	v = 0;
	in_(0, 4, &v);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(bus.unclaimed_reads, 5);
	assert_int_equal(bus.unclaimed_writes, 0);
}

static void test_unknown_reported_once_per_port(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_int_equal(in_(0x80, 1, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(0x80, 1, &v), BUS_UNCLAIMED);
	assert_int_equal(in_(0x80, 4, &v), BUS_UNCLAIMED);     /* any size */
	assert_int_equal(out_(0x80, 1, 0), BUS_UNCLAIMED);     /* either way */
	/* neighbours in the same bitmap byte are independent */
	assert_int_equal(in_(0x81, 1, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(0x87, 2, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(out_(0x86, 1, 0), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(0x86, 1, &v), BUS_UNCLAIMED);
	assert_int_equal(in_(0x7f, 1, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(0x88, 1, &v), BUS_UNCLAIMED_FIRST);
	/* the two ends of the port space */
	assert_int_equal(in_(0, 1, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(0, 1, &v), BUS_UNCLAIMED);
	assert_int_equal(out_(0xffff, 1, 0), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(0xffff, 4, &v), BUS_UNCLAIMED);
	assert_int_equal(in_(0xfffe, 1, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(in_(1, 1, &v), BUS_UNCLAIMED_FIRST);
	/* and the first ones are still known */
	assert_int_equal(in_(0x81, 1, &v), BUS_UNCLAIMED);
	assert_int_equal(out_(0x87, 1, 0), BUS_UNCLAIMED);
	assert_int_equal(in_(0x7f, 1, &v), BUS_UNCLAIMED);
	assert_int_equal(in_(0x88, 1, &v), BUS_UNCLAIMED);
}

static void test_unknown_first_out_then_in(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_int_equal(out_(0x4d0, 1, 0x55), BUS_UNCLAIMED_FIRST);
	assert_int_equal(out_(0x4d0, 1, 0x55), BUS_UNCLAIMED);
	assert_int_equal(in_(0x4d0, 1, &v), BUS_UNCLAIMED);
	assert_int_equal(v, 0xff);
}

static void test_every_port_reported_once(void **state)
{
	unsigned port;
	uint32_t v;

	(void)state;
	for (port = 0; port <= 0xffff; port++) {
		v = 0;
		if (in_(port, 1, &v) != BUS_UNCLAIMED_FIRST)
			fail_msg("port %#x: first read not BUS_UNCLAIMED_FIRST", port);
	}
	for (port = 0; port <= 0xffff; port += 0x101)
		assert_int_equal(out_(port, 2, 0), BUS_UNCLAIMED);
	assert_int_equal(bus.unclaimed_reads, 0x10000);
	assert_int_equal(bus.unclaimed_writes, 0x100);
	/* ports 0..31 have their own counts (port 0 also the write), the
	 * rest share the bucket */
	assert_int_equal(bus.unknown_n, BUS_UNKNOWN_PORTS);
	for (port = 0; port < BUS_UNKNOWN_PORTS; port++) {
		const struct bus_port_count *c = bus_unknown_port(&bus, port);

		assert_non_null(c);
		assert_int_equal(c->port, port);
		assert_int_equal(c->reads, 1);
		assert_int_equal(c->writes, port == 0 ? 1 : 0);
	}
	assert_null(bus_unknown_port(&bus, BUS_UNKNOWN_PORTS));
	assert_int_equal(bus.unknown_other_reads, 0x10000 - BUS_UNKNOWN_PORTS);
	assert_int_equal(bus.unknown_other_writes, 0x100 - 1);
}

#define EXPECT_PORT(i, p, r, w) expect_port_at(__LINE__, (i), (p), (r), (w))

static void expect_port_at(int line, unsigned i, unsigned port,
                           uint64_t reads, uint64_t writes)
{
	const struct bus_port_count *c = bus_unknown_port(&bus, i);

	if (!c)
		fail_msg("line %d: no unknown port %u", line, i);
	if (c->port != port || c->reads != reads || c->writes != writes)
		fail_msg("line %d: unknown port %u: %#x r%llu w%llu, expected "
		         "%#x r%llu w%llu", line, i, c->port,
		         (unsigned long long)c->reads,
		         (unsigned long long)c->writes, port,
		         (unsigned long long)reads, (unsigned long long)writes);
}

static void test_unknown_counted_per_port(void **state)
{
	uint32_t v = 0;
	unsigned i;

	(void)state;
	assert_true(reg(0x3f8, 8, rec_fn, &dev_a));
	out_(0x80, 1, 0x12);                /* POST codes */
	out_(0x80, 1, 0x34);
	in_(0x2e, 1, &v);                   /* a Super I/O probe */
	out_(0x2e, 1, 0x87);
	out_(0x80, 2, 0);
	in_(0x3f8, 1, &v);                  /* a device: not counted */
	in_(0xffff, 4, &v);
	in_(0, 1, &v);
	assert_int_equal(bus.unknown_n, 4);
	EXPECT_PORT(0, 0x80, 0, 3);         /* in the order first seen */
	EXPECT_PORT(1, 0x2e, 1, 1);
	EXPECT_PORT(2, 0xffff, 1, 0);
	EXPECT_PORT(3, 0, 1, 0);
	assert_null(bus_unknown_port(&bus, 4));
	assert_null(bus_unknown_port(&bus, ~0u));
	assert_int_equal(bus.unknown_other_reads, 0);
	assert_int_equal(bus.unknown_other_writes, 0);
	/* fill the table; the 33rd port and later share the bucket */
	for (i = 0; i < BUS_UNKNOWN_PORTS - 4; i++)
		in_(0x1000 + i, 1, &v);
	assert_int_equal(bus.unknown_n, BUS_UNKNOWN_PORTS);
	in_(0x2000, 1, &v);
	out_(0x2000, 1, 0);
	out_(0x2001, 4, 0);
	assert_int_equal(bus.unknown_n, BUS_UNKNOWN_PORTS);
	assert_int_equal(bus.unknown_other_reads, 1);
	assert_int_equal(bus.unknown_other_writes, 2);
	/* ports in the table still count there */
	out_(0x80, 1, 0);
	in_(0x1000, 1, &v);
	EXPECT_PORT(0, 0x80, 0, 4);
	EXPECT_PORT(4, 0x1000, 2, 0);
	EXPECT_PORT(BUS_UNKNOWN_PORTS - 1, 0x1000 + BUS_UNKNOWN_PORTS - 5, 1, 0);
	assert_int_equal(bus.unknown_other_reads, 1);
	assert_int_equal(bus.unknown_other_writes, 2);
	/* the totals are the sums */
	assert_int_equal(bus.unclaimed_reads, 3 + BUS_UNKNOWN_PORTS - 4 + 1 + 1);
	assert_int_equal(bus.unclaimed_writes, 4 + 2 + 1);
}

static void test_unknown_out_dropped_and_counted(void **state)
{
	uint32_t v = 0x1234;

	(void)state;
	assert_int_equal(dispatch(0x61, 2, false, &v),
	                 BUS_UNCLAIMED_FIRST);
	assert_int_equal(v, 0x1234);                  /* not written */
	assert_int_equal(bus.unclaimed_writes, 1);
	assert_int_equal(bus.unclaimed_reads, 0);
	out_(0x61, 1, 0);
	out_(0x62, 4, 0);
	in_(0x61, 1, &v);
	assert_int_equal(bus.unclaimed_writes, 3);
	assert_int_equal(bus.unclaimed_reads, 1);
}

static void test_unknown_next_to_registered(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_true(reg(0x3f8, 8, rec_fn, &dev_a));
	assert_int_equal(in_(0x3f7, 1, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(v, 0xff);
	assert_int_equal(in_(0x400, 2, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(v, 0xffff);
	assert_int_equal(ncalls, 0);
	assert_int_equal(in_(0x3f8, 1, &v), BUS_DONE);
	assert_int_equal(ncalls, 1);
	assert_int_equal(bus.unclaimed_reads, 2);
}

#define T(f) cmocka_unit_test_setup(f, setup)

static void test_unregister(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_true(reg(0xcf8, 4, rec_fn, &dev_a));
	assert_true(reg(0xc000, 64, rec_fn, &dev_b));
	assert_false(bus_remove(&bus, BUS_PIO, 0xcf9, &dev_a));   /* not a range start */
	assert_false(bus_remove(&bus, BUS_PIO, 0xc000, &dev_a));  /* not its owner */
	assert_int_equal(bus.t[BUS_PIO].n, 2);
	assert_true(bus_remove(&bus, BUS_PIO, 0xc000, &dev_b));
	assert_int_equal(bus.t[BUS_PIO].n, 1);
	/* The port is unknown again: all-ones, reported. */
	assert_int_equal(dispatch(0xc004, 4, true, &v), BUS_UNCLAIMED_FIRST);
	assert_int_equal(v, 0xffffffffu);
	/* And can be registered again (a BAR moved back). */
	assert_true(reg(0xc000, 64, rec_fn, &dev_b));
	assert_true(bus_remove(&bus, BUS_PIO, 0xcf8, &dev_a));
	assert_true(bus_remove(&bus, BUS_PIO, 0xc000, &dev_b));
	assert_int_equal(bus.t[BUS_PIO].n, 0);
	assert_false(bus_remove(&bus, BUS_PIO, 0xc000, &dev_b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_register_overlaps_refused),
		T(test_register_touching_allowed),
		T(test_register_bad_ranges),
		T(test_register_whole_space),
		T(test_register_max),
		T(test_dispatch_to_handlers),
		T(test_dispatch_out_leaves_value),
		T(test_handler_refusal_stops),
		T(test_unknown_read_all_ones),
		T(test_unknown_reported_once_per_port),
		T(test_unknown_first_out_then_in),
		T(test_every_port_reported_once),
		T(test_unknown_counted_per_port),
		T(test_unknown_out_dropped_and_counted),
		T(test_unknown_next_to_registered),
		T(test_unregister),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
