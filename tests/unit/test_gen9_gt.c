/*
 * tests/unit/test_gen9_gt.c — unit tests of gpu/gen9_gt.c, the register
 * sequences BareGT runs on a Gen9 GT. A recording gen9_mmio logs every
 * access (kind, offset, value); reads of the forcewake ack registers
 * return scripted values (runs of a value repeated n times). Expected sequences, from GEN9-FACTS:
 *   §4 forcewake get: read ack until bit 0 clear; write request
 *      0x00010001; read ack until bit 0 set. put: write request 0x00010000.
 *      render 0xa278 / ack 0x0d84, media 0xa270 / 0x0d88,
 *      GT 0xa188 / 0x130044.
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

#define LOG_MAX     32
#define SCRIPT_MAX  16

enum kind { R32, W32, R64, W64 };

struct access {
	enum kind kind;
	uint32_t off;
	uint64_t value;              /* written, or returned */
};

struct recorder {
	struct access log[LOG_MAX];  /* the first LOG_MAX accesses */
	unsigned n;                  /* all accesses */
	unsigned count[4];           /* per kind */
	uint32_t read_min, read_max; /* offsets of all read32s */
	/* Reads of an ack register return the scripted runs in order: run i
	 * gives value[i] for count[i] reads; the last run never ends. */
	struct { uint32_t value; unsigned count; } run[SCRIPT_MAX];
	unsigned nruns, cur, used;
	uint64_t read64_value;
};

static bool is_ack(uint32_t off)
{
	return off == 0x0d84 || off == 0x0d88 || off == 0x130044;
}

static void record(struct recorder *r, enum kind k, uint32_t off, uint64_t v)
{
	if (r->n < LOG_MAX) {
		r->log[r->n].kind = k;
		r->log[r->n].off = off;
		r->log[r->n].value = v;
	}
	r->n++;
	r->count[k]++;
}

static uint32_t rec_read32(void *ctx, uint32_t off)
{
	struct recorder *r = ctx;
	uint32_t v = 0;

	if (is_ack(off) && r->nruns > 0) {
		while (r->cur + 1 < r->nruns && r->used == r->run[r->cur].count) {
			r->cur++;
			r->used = 0;
		}
		v = r->run[r->cur].value;
		r->used++;
	}
	if (r->count[R32] == 0 || off < r->read_min)
		r->read_min = off;
	if (r->count[R32] == 0 || off > r->read_max)
		r->read_max = off;
	record(r, R32, off, v);
	return v;
}

static void rec_write32(void *ctx, uint32_t off, uint32_t value)
{
	record(ctx, W32, off, value);
}

static uint64_t rec_read64(void *ctx, uint32_t off)
{
	struct recorder *r = ctx;

	record(r, R64, off, r->read64_value);
	return r->read64_value;
}

static void rec_write64(void *ctx, uint32_t off, uint64_t value)
{
	record(ctx, W64, off, value);
}

static struct recorder rec;
static struct gen9_mmio mmio;

static int setup(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof rec);
	mmio.read32 = rec_read32;
	mmio.write32 = rec_write32;
	mmio.read64 = rec_read64;
	mmio.write64 = rec_write64;
	mmio.ctx = &rec;
	return 0;
}

/* Append a run: the ack reads value for count reads. */
static void ack_run(uint32_t value, unsigned count)
{
	assert_true(rec.nruns < SCRIPT_MAX);
	rec.run[rec.nruns].value = value;
	rec.run[rec.nruns].count = count;
	rec.nruns++;
}

/* One read each. */
static void script(const uint32_t *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		ack_run(v[i], 1);
}

#define EXPECT_ACCESS(i, k, o, v) expect_access_at(__LINE__, (i), (k), (o), (v))

static void expect_access_at(int line, unsigned i, enum kind k, uint32_t off,
                             uint64_t value)
{
	static const char *const names[] = { "read32", "write32", "read64",
	                                     "write64" };
	const struct access *a;

	if (i >= rec.n || i >= LOG_MAX)
		fail_msg("line %d: access %u missing (%u recorded)", line, i,
		         rec.n);
	a = &rec.log[i];
	if (a->kind != k || a->off != off || a->value != value)
		fail_msg("line %d: access %u is %s %#x = %#llx, expected "
		         "%s %#x = %#llx", line, i, names[a->kind], a->off,
		         (unsigned long long)a->value, names[k], off,
		         (unsigned long long)value);
}

/* ---- forcewake get ------------------------------------------------------- */

struct domain_regs {
	enum gen9_fw_domain d;
	uint32_t req, ack;
};

static const struct domain_regs domains[] = {
	{ GEN9_FW_RENDER, 0xa278, 0x0d84 },
	{ GEN9_FW_MEDIA, 0xa270, 0x0d88 },
	{ GEN9_FW_GT, 0xa188, 0x130044 },
};

/* The ack is clear at once and set at once: read, write, read. */
static void test_get_each_domain(void **state)
{
	static const uint32_t acks[] = { 0, 1 };
	unsigned i;

	for (i = 0; i < 3; i++) {
		setup(state);
		script(acks, 2);
		assert_true(gen9_forcewake_get(&mmio, domains[i].d));
		assert_int_equal(rec.n, 3);
		EXPECT_ACCESS(0, R32, domains[i].ack, 0);
		EXPECT_ACCESS(1, W32, domains[i].req, 0x00010001);
		EXPECT_ACCESS(2, R32, domains[i].ack, 1);
	}
}

/* The previous owner's ack still set for 3 polls, then clear; the new ack
 * takes 2 polls more to come. */
static void test_get_waits(void **state)
{
	static const uint32_t acks[] = { 1, 1, 1, 0, 0, 0, 1 };

	(void)state;
	script(acks, 7);
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_RENDER));
	assert_int_equal(rec.n, 8);
	EXPECT_ACCESS(0, R32, 0x0d84, 1);
	EXPECT_ACCESS(1, R32, 0x0d84, 1);
	EXPECT_ACCESS(2, R32, 0x0d84, 1);
	EXPECT_ACCESS(3, R32, 0x0d84, 0);
	EXPECT_ACCESS(4, W32, 0xa278, 0x00010001);
	EXPECT_ACCESS(5, R32, 0x0d84, 0);
	EXPECT_ACCESS(6, R32, 0x0d84, 0);
	EXPECT_ACCESS(7, R32, 0x0d84, 1);
}

/* Only the KERNEL bit (bit 0) counts: USER (bit 1) and KERNEL_FALLBACK
 * (bit 15) in the ack are someone else's (GEN9-FACTS §4 "Bits"). */
static void test_get_looks_at_kernel_bit_only(void **state)
{
	static const uint32_t acks[] = { 0x8002, 0xfffe, 0x0001 };

	(void)state;
	script(acks, 3);
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_MEDIA));
	assert_int_equal(rec.n, 4);
	EXPECT_ACCESS(0, R32, 0x0d88, 0x8002);
	EXPECT_ACCESS(1, W32, 0xa270, 0x00010001);
	EXPECT_ACCESS(2, R32, 0x0d88, 0xfffe);
	EXPECT_ACCESS(3, R32, 0x0d88, 0x0001);
}

/* The ack never clears: exactly GEN9_FW_SPIN reads, no request written. */
static void test_get_ack_never_clears(void **state)
{
	static const uint32_t acks[] = { 1 };

	(void)state;
	script(acks, 1);
	assert_false(gen9_forcewake_get(&mmio, GEN9_FW_GT));
	assert_int_equal(rec.n, GEN9_FW_SPIN);
	assert_int_equal(rec.count[R32], GEN9_FW_SPIN);
	assert_int_equal(rec.count[W32], 0);
	assert_int_equal(rec.read_min, 0x130044);
	assert_int_equal(rec.read_max, 0x130044);
}

/* The ack never sets: one read, the request, GEN9_FW_SPIN reads. */
static void test_get_ack_never_sets(void **state)
{
	static const uint32_t acks[] = { 0 };

	(void)state;
	script(acks, 1);
	assert_false(gen9_forcewake_get(&mmio, GEN9_FW_RENDER));
	assert_int_equal(rec.n, 1 + 1 + GEN9_FW_SPIN);
	assert_int_equal(rec.count[R32], 1 + GEN9_FW_SPIN);
	assert_int_equal(rec.count[W32], 1);
	EXPECT_ACCESS(0, R32, 0x0d84, 0);
	EXPECT_ACCESS(1, W32, 0xa278, 0x00010001);
	EXPECT_ACCESS(2, R32, 0x0d84, 0);
	assert_int_equal(rec.read_min, 0x0d84);
	assert_int_equal(rec.read_max, 0x0d84);
}

/* The last allowed poll still counts, one more is too late: the ack
 * clears on read GEN9_FW_SPIN, then sets on read GEN9_FW_SPIN after the
 * request. */
static void test_get_ack_on_last_poll(void **state)
{
	(void)state;
	ack_run(1, GEN9_FW_SPIN - 1);
	ack_run(0, GEN9_FW_SPIN);
	ack_run(1, 1);
	assert_true(gen9_forcewake_get(&mmio, GEN9_FW_MEDIA));
	assert_int_equal(rec.count[R32], 2 * GEN9_FW_SPIN);
	assert_int_equal(rec.count[W32], 1);
	EXPECT_ACCESS(0, R32, 0x0d88, 1);
	assert_int_equal(rec.n, 2 * GEN9_FW_SPIN + 1);
}

static void test_get_ack_clears_one_poll_late(void **state)
{
	(void)state;
	ack_run(1, GEN9_FW_SPIN);
	ack_run(0, 1);
	ack_run(1, 1);
	assert_false(gen9_forcewake_get(&mmio, GEN9_FW_MEDIA));
	assert_int_equal(rec.n, GEN9_FW_SPIN);
	assert_int_equal(rec.count[W32], 0);
}

static void test_get_ack_sets_one_poll_late(void **state)
{
	(void)state;
	ack_run(0, 1 + GEN9_FW_SPIN);
	ack_run(1, 1);
	assert_false(gen9_forcewake_get(&mmio, GEN9_FW_GT));
	assert_int_equal(rec.count[R32], 1 + GEN9_FW_SPIN);
	assert_int_equal(rec.count[W32], 1);
	EXPECT_ACCESS(1, W32, 0xa188, 0x00010001);
}

/* ---- forcewake put --------------------------------------------------------- */

static void test_put_each_domain(void **state)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		setup(state);
		gen9_forcewake_put(&mmio, domains[i].d);
		assert_int_equal(rec.n, 1);
		EXPECT_ACCESS(0, W32, domains[i].req, 0x00010000);
	}
}

static void test_bad_domain(void **state)
{
	(void)state;
	assert_false(gen9_forcewake_get(&mmio, (enum gen9_fw_domain)3));
	gen9_forcewake_put(&mmio, (enum gen9_fw_domain)3);
	assert_int_equal(rec.n, 0);
}

/* ---- GGTT -------------------------------------------------------------------- */

static void test_ggtt_write(void **state)
{
	(void)state;
	gen9_ggtt_write(&mmio, 0, 0x800123003ull);
	assert_int_equal(rec.n, 1);
	EXPECT_ACCESS(0, W64, 0x800000, 0x800123003ull);
	gen9_ggtt_write(&mmio, 0x8000, 0x1000);          /* GM 128M */
	EXPECT_ACCESS(1, W64, 0x840000, 0x1000);
	gen9_ggtt_write(&mmio, 0x58000, ~0ull);          /* GM 1408M */
	EXPECT_ACCESS(2, W64, 0xac0000, ~0ull);
	gen9_ggtt_write(&mmio, 0xfffff, 0x1001);         /* the last entry */
	EXPECT_ACCESS(3, W64, 0xfffff8, 0x1001);
	assert_int_equal(rec.n, 4);
	/* past BAR0: nothing */
	gen9_ggtt_write(&mmio, 0x100000, 0x1001);
	gen9_ggtt_write(&mmio, 0x2000000000100000ull, 0x1001);
	assert_int_equal(rec.n, 4);
	assert_int_equal(rec.count[W64], 4);
}

static void test_ggtt_read(void **state)
{
	(void)state;
	rec.read64_value = 0x800abc0ffull;
	assert_int_equal(gen9_ggtt_read(&mmio, 0x8001), 0x800abc0ffull);
	assert_int_equal(rec.n, 1);
	EXPECT_ACCESS(0, R64, 0x840008, 0x800abc0ffull);
	assert_int_equal(gen9_ggtt_read(&mmio, 0xfffff), 0x800abc0ffull);
	EXPECT_ACCESS(1, R64, 0xfffff8, 0x800abc0ffull);
	assert_int_equal(gen9_ggtt_read(&mmio, 0x100000), 0);
	assert_int_equal(rec.n, 2);
}

static void test_ggtt_flush(void **state)
{
	(void)state;
	gen9_ggtt_flush(&mmio);
	assert_int_equal(rec.n, 2);
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
	assert_int_equal(rec.n, 4);
	EXPECT_ACCESS(0, W64, 0x840000, 0x800001003ull);
	EXPECT_ACCESS(1, W64, 0x840008, 0x800002003ull);
	EXPECT_ACCESS(2, W32, 0x101008, 1);
	EXPECT_ACCESS(3, R32, 0x101008, 0);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_get_each_domain),
		T(test_get_waits),
		T(test_get_looks_at_kernel_bit_only),
		T(test_get_ack_never_clears),
		T(test_get_ack_never_sets),
		T(test_get_ack_on_last_poll),
		T(test_get_ack_clears_one_poll_late),
		T(test_get_ack_sets_one_poll_late),
		T(test_put_each_domain),
		T(test_bad_domain),
		T(test_ggtt_write),
		T(test_ggtt_read),
		T(test_ggtt_flush),
		T(test_ggtt_batch_then_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
