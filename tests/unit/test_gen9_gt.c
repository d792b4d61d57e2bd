/*
 * tests/unit/test_gen9_gt.c — unit tests of gpu/gen9_gt.c, the register
 * sequences BareGT runs on a Gen9 GT, against a register-level model of
 * the GT's forcewake domains and a recorder of every access.
 *
 * The forcewake model (GEN9-FACTS §4): per domain a masked request
 * register and an ack register, with one of four behaviours: the ack
 * follows the request at once; follows it late_ns after the request
 * changed; follows it only after the FALLBACK bit has been set since the
 * request changed (the lost ack that i915's WaRsForcewakeAddDelayForAck
 * kicks loose; the FALLBACK bit itself is acked at once); or never
 * changes. The clock (now_ns) is simulated: each read advances it 1 us.
 * Expected values from GEN9-FACTS §4 and i915's intel_uncore.c:
 *   reset: write 0xffff0000 to 0xa278, 0xa270, 0xa188, no reads;
 *   get: ack bit 0 clear, write 0x00010001, ack bit 0 set; put: 0x00010000;
 *   fallback pass p: wait ack bit 15 clear, write 0x80008000, pause
 *   10 us x p, wait ack bit 15 set, read ack, write 0x80000000;
 *   timeouts 50 ms, 10 passes.
 *   render 0xa278 / ack 0x0d84, media 0xa270 / 0x0d88, GT 0xa188 / 0x130044.
 *   §2 GGTT entry i: one 64-bit write at 0x800000 + 8i; flush: write32
 *      0x101008 = 1, then read32 0x101008.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/gen9_gt.h"

#define LOG_MAX     64
#define US          1000ull
#define MS          (1000 * US)
#define STEP_NS     US

enum kind { R32, W32, R64, W64 };

struct access {
	enum kind kind;
	uint32_t off;
	uint64_t value;              /* written, or returned */
	uint64_t at_ns;
};

enum ack_behaviour { ACK_FOLLOWS, ACK_LATE, ACK_NEEDS_KICK, ACK_STUCK };

struct fw_dom {
	uint32_t req_off, ack_off;
	uint32_t req, ack;
	uint64_t changed_ns;         /* when the request last changed */
	bool kicked;                 /* FALLBACK set since then */
};

struct gt {
	struct access log[LOG_MAX];  /* the first LOG_MAX accesses */
	unsigned n;                  /* all accesses */
	unsigned count[4];           /* per kind */
	struct access writes[LOG_MAX]; /* every write32, in order */
	unsigned nwrites;
	struct fw_dom dom[3];
	enum ack_behaviour how;
	uint64_t late_ns;
	uint64_t clock_ns;
	uint64_t read64_value;
};

static struct gt gt;
static struct gen9_mmio mmio;

static void record(enum kind k, uint32_t off, uint64_t v)
{
	if (gt.n < LOG_MAX)
		gt.log[gt.n] = (struct access){ k, off, v, gt.clock_ns };
	gt.n++;
	gt.count[k]++;
}

static struct fw_dom *dom_by(uint32_t off, bool ack)
{
	unsigned i;

	for (i = 0; i < 3; i++)
		if ((ack ? gt.dom[i].ack_off : gt.dom[i].req_off) == off)
			return &gt.dom[i];
	return NULL;
}

/* What the ack register shows now. */
static uint32_t ack_now(struct fw_dom *d)
{
	const uint32_t fallback = 1u << 15;

	switch (gt.how) {
	case ACK_FOLLOWS:
		d->ack = d->req;
		break;
	case ACK_LATE:
		if (gt.clock_ns - d->changed_ns >= gt.late_ns)
			d->ack = d->req;
		break;
	case ACK_NEEDS_KICK:
		d->ack = (d->ack & ~fallback) | (d->req & fallback);
		if (d->kicked)
			d->ack = (d->ack & fallback) | (d->req & ~fallback);
		break;
	case ACK_STUCK:
		break;
	}
	return d->ack;
}

static uint32_t gt_read32(void *ctx, uint32_t off)
{
	struct fw_dom *d = dom_by(off, true);
	uint32_t v = d ? ack_now(d) : 0;

	(void)ctx;
	record(R32, off, v);
	return v;
}

/* A masked write (bits 31:16 select); a change of bits other than
 * FALLBACK restarts the ack's delay and wants a new kick. */
static void gt_write32(void *ctx, uint32_t off, uint32_t value)
{
	struct fw_dom *d = dom_by(off, false);

	(void)ctx;
	record(W32, off, value);
	if (gt.nwrites < LOG_MAX)
		gt.writes[gt.nwrites] = (struct access){ W32, off, value, gt.clock_ns };
	gt.nwrites++;
	if (d != NULL) {
		uint32_t sel = value >> 16;
		uint32_t req = ((d->req & ~sel) | (value & sel)) & 0xffff;

		if ((req ^ d->req) & 0x7fff) {
			d->changed_ns = gt.clock_ns;
			d->kicked = false;
		}
		if (req & ~d->req & (1u << 15))
			d->kicked = true;
		d->req = req;
	}
}

static uint64_t gt_read64(void *ctx, uint32_t off)
{
	(void)ctx;
	record(R64, off, gt.read64_value);
	return gt.read64_value;
}

static void gt_write64(void *ctx, uint32_t off, uint64_t value)
{
	(void)ctx;
	record(W64, off, value);
}

static uint64_t gt_now(void *ctx)
{
	(void)ctx;
	gt.clock_ns += STEP_NS;
	return gt.clock_ns;
}

static int setup(void **state)
{
	(void)state;
	memset(&gt, 0, sizeof gt);
	gt.dom[0] = (struct fw_dom){ .req_off = 0xa278, .ack_off = 0x0d84 };
	gt.dom[1] = (struct fw_dom){ .req_off = 0xa270, .ack_off = 0x0d88 };
	gt.dom[2] = (struct fw_dom){ .req_off = 0xa188, .ack_off = 0x130044 };
	mmio.read32 = gt_read32;
	mmio.write32 = gt_write32;
	mmio.read64 = gt_read64;
	mmio.write64 = gt_write64;
	mmio.now_ns = gt_now;
	mmio.ctx = &gt;
	return 0;
}

#define EXPECT_ACCESS(i, k, o, v) expect_access_at(__LINE__, (i), (k), (o), (v))

static const char *const kind_names[] = { "read32", "write32", "read64",
                                          "write64" };

static void expect_access_at(int line, unsigned i, enum kind k, uint32_t off,
                             uint64_t value)
{
	const struct access *a;

	if (i >= gt.n || i >= LOG_MAX)
		fail_msg("line %d: access %u missing (%u recorded)", line, i, gt.n);
	a = &gt.log[i];
	if (a->kind != k || a->off != off || a->value != value)
		fail_msg("line %d: access %u is %s %#x = %#llx, expected "
		         "%s %#x = %#llx", line, i, kind_names[a->kind], a->off,
		         (unsigned long long)a->value, kind_names[k], off,
		         (unsigned long long)value);
}

/* The writes, in order: (offset, value) pairs. */
#define EXPECT_WRITES(...) expect_writes_at(__LINE__, (const uint32_t[]){ __VA_ARGS__ }, \
	sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t) / 2)

static void expect_writes_at(int line, const uint32_t *w, unsigned n)
{
	unsigned i;

	if (gt.nwrites != n)
		fail_msg("line %d: %u writes, expected %u", line, gt.nwrites, n);
	for (i = 0; i < n; i++)
		if (gt.writes[i].off != w[2 * i] || gt.writes[i].value != w[2 * i + 1])
			fail_msg("line %d: write %u is %#x = %#llx, expected %#x = %#x",
			         line, i, gt.writes[i].off,
			         (unsigned long long)gt.writes[i].value, w[2 * i],
			         w[2 * i + 1]);
}

struct domain_regs {
	enum gen9_fw_domain d;
	uint32_t req, ack;
};

static const struct domain_regs domains[] = {
	{ GEN9_FW_RENDER, 0xa278, 0x0d84 },
	{ GEN9_FW_MEDIA, 0xa270, 0x0d88 },
	{ GEN9_FW_GT, 0xa188, 0x130044 },
};

/* ---- reset at init ----------------------------------------------------------- */

/* Requests a previous owner left (KERNEL, USER, FALLBACK) are cleared in
 * every domain, one masked write each, no waiting. */
static void test_reset_clears_stale_bits(void **state)
{
	(void)state;
	gt.dom[0].req = gt.dom[0].ack = 0x8001;
	gt.dom[1].req = gt.dom[1].ack = 0x0002;
	gt.dom[2].req = gt.dom[2].ack = 0x8003;
	gen9_forcewake_reset(&mmio);
	EXPECT_WRITES(0xa278, 0xffff0000, 0xa270, 0xffff0000, 0xa188, 0xffff0000);
	assert_int_equal(gt.count[R32], 0);
	assert_int_equal(gt.clock_ns, 0);
	assert_int_equal(gt.dom[0].req, 0);
	assert_int_equal(gt.dom[1].req, 0);
	assert_int_equal(gt.dom[2].req, 0);
	/* and a get works right after */
	gt.how = ACK_FOLLOWS;
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_GT));
	assert_int_equal(gt.dom[2].req, 1);
}

/* ---- forcewake get ----------------------------------------------------------- */

/* The ack is clear at once and set at once: read, write, read. */
static void test_get_each_domain(void **state)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		setup(state);
		gt.how = ACK_FOLLOWS;
		assert_true(gen9_forcewake_get(&mmio, domains[i].d));
		assert_int_equal(gt.n, 3);
		EXPECT_ACCESS(0, R32, domains[i].ack, 0);
		EXPECT_ACCESS(1, W32, domains[i].req, 0x00010001);
		EXPECT_ACCESS(2, R32, domains[i].ack, 1);
		assert_int_equal(gt.dom[i].req, 1);
	}
}

/* The previous owner's ack goes away 3 us after its release; ours comes
 * 3 us after the request: no fallback, a few microseconds in all. */
static void test_get_waits_briefly(void **state)
{
	(void)state;
	gt.how = ACK_LATE;
	gt.late_ns = 3 * US;
	gt.dom[0].ack = 1;                     /* released at t = 0 */
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_RENDER));
	EXPECT_WRITES(0xa278, 0x00010001);
	EXPECT_ACCESS(0, R32, 0x0d84, 1);
	assert_int_equal(gt.dom[0].ack, 1);
	assert_in_range(gt.clock_ns, 6 * US, 12 * US);
}

/* Only the KERNEL bit (bit 0) counts: USER (bit 1) in the ack is someone
 * else's (GEN9-FACTS §4 "Bits"). */
static void test_get_looks_at_kernel_bit_only(void **state)
{
	(void)state;
	gt.how = ACK_FOLLOWS;
	gt.dom[1].req = gt.dom[1].ack = 0x0002;
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_MEDIA));
	assert_int_equal(gt.n, 3);
	EXPECT_ACCESS(0, R32, 0x0d88, 0x0002);
	EXPECT_ACCESS(1, W32, 0xa270, 0x00010001);
	EXPECT_ACCESS(2, R32, 0x0d88, 0x0003);
}

/* The ack comes just before the 50 ms timeout: no fallback. */
static void test_get_ack_just_in_time(void **state)
{
	(void)state;
	gt.how = ACK_LATE;
	gt.late_ns = 49 * MS;
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_GT));
	EXPECT_WRITES(0xa188, 0x00010001);
	assert_in_range(gt.clock_ns, 49 * MS, 49 * MS + 10 * US);
}

/* The ack comes only once the fallback bit is toggled (i915's
 * WaRsForcewakeAddDelayForAck): 50 ms of waiting, then pass 1: FALLBACK
 * set, 10 us pause, FALLBACK acked and the KERNEL ack with it, FALLBACK
 * cleared. */
static void test_get_ack_after_fallback(void **state)
{
	(void)state;
	gt.how = ACK_NEEDS_KICK;
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_RENDER));
	EXPECT_WRITES(0xa278, 0x00010001, 0xa278, 0x80008000, 0xa278, 0x80000000);
	assert_in_range(gt.writes[1].at_ns, 50 * MS, 50 * MS + 10 * US);
	assert_in_range(gt.writes[2].at_ns - gt.writes[1].at_ns, 10 * US, 20 * US);
	assert_int_equal(gt.dom[0].req, 0x0001);
	assert_int_equal(gt.dom[0].ack & 1, 1);
}

/* A previous owner's ack stuck set until kicked, then our own ack lost
 * until kicked: two fallbacks, each one pass. */
static void test_get_both_acks_need_fallback(void **state)
{
	(void)state;
	gt.how = ACK_NEEDS_KICK;
	gt.dom[2].ack = 1;
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_GT));
	EXPECT_WRITES(0xa188, 0x80008000, 0xa188, 0x80000000,
	              0xa188, 0x00010001,
	              0xa188, 0x80008000, 0xa188, 0x80000000);
	assert_int_equal(gt.dom[2].req, 1);
	assert_in_range(gt.clock_ns, 100 * MS, 100 * MS + 100 * US);
}

/* The ack never sets: the request, 10 fallback passes, a last wait, then
 * false and the request withdrawn. Time: 50 ms + 10 x (50 ms + 10 us x p)
 * + 50 ms = 600.55 ms of the model's clock (plus 1 us per clock read). */
static void test_get_ack_never_sets(void **state)
{
	unsigned p;

	(void)state;
	gt.how = ACK_STUCK;
	assert_false(gen9_forcewake_get(&mmio, GEN9_FW_MEDIA));
	assert_int_equal(gt.nwrites, 1 + 2 * GEN9_FW_FALLBACK_PASSES + 1);
	assert_int_equal(gt.writes[0].off, 0xa270);
	assert_int_equal(gt.writes[0].value, 0x00010001);
	for (p = 0; p < GEN9_FW_FALLBACK_PASSES; p++) {
		assert_int_equal(gt.writes[1 + 2 * p].value, 0x80008000);
		assert_int_equal(gt.writes[2 + 2 * p].value, 0x80000000);
		/* pause of pass p + 1, then a 50 ms timeout */
		assert_in_range(gt.writes[2 + 2 * p].at_ns - gt.writes[1 + 2 * p].at_ns,
		                50 * MS + 10 * US * (p + 1),
		                50 * MS + 10 * US * (p + 1) + 10 * US);
	}
	assert_int_equal(gt.writes[21].value, 0x00010000);     /* withdrawn */
	assert_int_equal(gt.dom[1].req, 0);
	assert_in_range(gt.clock_ns, 600 * MS + 550 * US, 600 * MS + 650 * US);
	/* only this domain's registers */
	for (p = 0; p < gt.nwrites; p++)
		assert_int_equal(gt.writes[p].off, 0xa270);
}

/* The previous owner's ack never clears: no request written, false after
 * the same budget. */
static void test_get_ack_never_clears(void **state)
{
	(void)state;
	gt.how = ACK_STUCK;
	gt.dom[2].ack = 1;
	assert_false(gen9_forcewake_get(&mmio, GEN9_FW_GT));
	assert_int_equal(gt.nwrites, 2 * GEN9_FW_FALLBACK_PASSES);
	assert_int_equal(gt.writes[0].value, 0x80008000);
	assert_int_equal(gt.writes[19].value, 0x80000000);
	assert_int_equal(gt.dom[2].req, 0);
	assert_in_range(gt.clock_ns, 600 * MS + 550 * US, 600 * MS + 650 * US);
}

/* ---- forcewake put --------------------------------------------------------- */

static void test_put_each_domain(void **state)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		setup(state);
		gen9_forcewake_put(&mmio, domains[i].d);
		assert_int_equal(gt.n, 1);
		EXPECT_ACCESS(0, W32, domains[i].req, 0x00010000);
	}
}

static void test_bad_domain(void **state)
{
	(void)state;
	assert_false(gen9_forcewake_get(&mmio, (enum gen9_fw_domain)3));
	gen9_forcewake_put(&mmio, (enum gen9_fw_domain)3);
	assert_int_equal(gt.n, 0);
}

/* ---- GGTT -------------------------------------------------------------------- */

static void test_ggtt_write(void **state)
{
	(void)state;
	gen9_ggtt_write(&mmio, 0, 0x800123003ull);
	assert_int_equal(gt.n, 1);
	EXPECT_ACCESS(0, W64, 0x800000, 0x800123003ull);
	gen9_ggtt_write(&mmio, 0x8000, 0x1000);          /* GM 128M */
	EXPECT_ACCESS(1, W64, 0x840000, 0x1000);
	gen9_ggtt_write(&mmio, 0x58000, ~0ull);          /* GM 1408M */
	EXPECT_ACCESS(2, W64, 0xac0000, ~0ull);
	gen9_ggtt_write(&mmio, 0xfffff, 0x1001);         /* the last entry */
	EXPECT_ACCESS(3, W64, 0xfffff8, 0x1001);
	assert_int_equal(gt.n, 4);
	/* past BAR0: nothing */
	gen9_ggtt_write(&mmio, 0x100000, 0x1001);
	gen9_ggtt_write(&mmio, 0x2000000000100000ull, 0x1001);
	assert_int_equal(gt.n, 4);
	assert_int_equal(gt.count[W64], 4);
}

static void test_ggtt_read(void **state)
{
	(void)state;
	gt.read64_value = 0x800abc0ffull;
	assert_int_equal(gen9_ggtt_read(&mmio, 0x8001), 0x800abc0ffull);
	assert_int_equal(gt.n, 1);
	EXPECT_ACCESS(0, R64, 0x840008, 0x800abc0ffull);
	assert_int_equal(gen9_ggtt_read(&mmio, 0xfffff), 0x800abc0ffull);
	EXPECT_ACCESS(1, R64, 0xfffff8, 0x800abc0ffull);
	assert_int_equal(gen9_ggtt_read(&mmio, 0x100000), 0);
	assert_int_equal(gt.n, 2);
}

static void test_ggtt_flush(void **state)
{
	(void)state;
	gen9_ggtt_flush(&mmio);
	assert_int_equal(gt.n, 2);
	EXPECT_ACCESS(0, W32, 0x101008, 1);
	EXPECT_ACCESS(1, R32, 0x101008, 0);
}

/* A batch as the shadowing code issues it: entries, then one flush. */
static void test_ggtt_batch_then_flush(void **state)
{
	(void)state;
	gen9_ggtt_write(&mmio, 0x8000, 0x800001003ull);
	gen9_ggtt_write(&mmio, 0x8001, 0x800002003ull);
	gen9_ggtt_flush(&mmio);
	assert_int_equal(gt.n, 4);
	EXPECT_ACCESS(0, W64, 0x840000, 0x800001003ull);
	EXPECT_ACCESS(1, W64, 0x840008, 0x800002003ull);
	EXPECT_ACCESS(2, W32, 0x101008, 1);
	EXPECT_ACCESS(3, R32, 0x101008, 0);
}

/* Filling a GGTT range: one write64 per entry without a fill64 op,
 * clamped to the entries BAR0 holds; with fill64, one call, clamped. */
static struct { uint32_t off; uint64_t value, count; unsigned calls; } fills;

static void gt_fill64(void *ctx, uint32_t off, uint64_t value, uint64_t count)
{
	(void)ctx;
	fills.off = off;
	fills.value = value;
	fills.count = count;
	fills.calls++;
}

static void test_ggtt_fill(void **state)
{
	(void)state;
	gen9_ggtt_fill(&mmio, 0xffffe, 5, 0x1001);       /* 2 entries left */
	assert_int_equal(gt.count[W64], 2);
	EXPECT_ACCESS(0, W64, 0xfffff0, 0x1001);
	EXPECT_ACCESS(1, W64, 0xfffff8, 0x1001);
	gen9_ggtt_fill(&mmio, 0x100000, 5, 0x1001);      /* past BAR0 */
	assert_int_equal(gt.n, 2);
	memset(&fills, 0, sizeof(fills));
	mmio.fill64 = gt_fill64;
	gen9_ggtt_fill(&mmio, 0x8000, 0x1000, 0x2001);
	assert_int_equal(fills.calls, 1);
	assert_int_equal(fills.off, 0x840000);
	assert_int_equal(fills.value, 0x2001);
	assert_int_equal(fills.count, 0x1000);
	gen9_ggtt_fill(&mmio, 0xffff0, 0x100, 0x2001);    /* clamped to 16 */
	assert_int_equal(fills.count, 16);
	gen9_ggtt_fill(&mmio, 0x100000, 1, 0x2001);      /* nothing */
	gen9_ggtt_fill(&mmio, 0x10, 0, 0x2001);          /* nothing */
	assert_int_equal(fills.calls, 2);
	assert_int_equal(gt.n, 2);                       /* no write64 */
	mmio.fill64 = NULL;
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reset_clears_stale_bits),
		T(test_ggtt_fill),
		T(test_get_each_domain),
		T(test_get_waits_briefly),
		T(test_get_looks_at_kernel_bit_only),
		T(test_get_ack_just_in_time),
		T(test_get_ack_after_fallback),
		T(test_get_both_acks_need_fallback),
		T(test_get_ack_never_sets),
		T(test_get_ack_never_clears),
		T(test_put_each_domain),
		T(test_bad_domain),
		T(test_ggtt_write),
		T(test_ggtt_read),
		T(test_ggtt_flush),
		T(test_ggtt_batch_then_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
