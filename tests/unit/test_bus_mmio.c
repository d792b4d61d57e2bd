/*
 * tests/unit/test_bus_mmio.c — unit tests of hv/dev/bus.c, the MMIO side:
 * the sorted range table of a VM's bus. Insertion order, every kind of overlap (refused with
 * the table unchanged), touching ranges, the capacity limit, invalid
 * ranges, and the binary search of bus_lookup at every boundary of a full
 * table.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/bus.h"

static struct bus bus;
static struct bus_table before;      /* snapshot for "unchanged" checks */
#define tt (bus.t[BUS_MMIO])

static int cookie_a, cookie_b;       /* distinct handler arguments */

static bool mmio_stub(void *arg, uint64_t offset, unsigned size, bool write,
                      uint64_t *value)
{
	(void)arg; (void)offset; (void)size; (void)write; (void)value;
	return true;
}

static bool wp_stub(void *arg, uint64_t offset, unsigned size, bool write,
                    uint64_t *value)
{
	(void)arg; (void)offset; (void)size; (void)write; (void)value;
	return true;
}

static int setup(void **state)
{
	(void)state;
	memset(&bus, 0xa5, sizeof bus);      /* init must clear everything */
	bus_init(&bus, NULL, 0);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static struct bus_range mmio(uint64_t gpa, uint64_t size)
{
	struct bus_range t;

	memset(&t, 0, sizeof t);
	t.base = gpa;
	t.size = size;
	t.kind = BUS_DEVICE;
	t.fn = mmio_stub;
	t.arg = &cookie_a;
	t.name = "mmio";
	return t;
}

static struct bus_range wp(uint64_t gpa, uint64_t size)
{
	struct bus_range t;

	memset(&t, 0, sizeof t);
	t.base = gpa;
	t.size = size;
	t.kind = BUS_WRITE_PROTECT;
	t.fn = wp_stub;
	t.arg = &cookie_b;
	t.name = "wp";
	return t;
}

#define ADD_OK(t)  add_expect_at(__FILE__, __LINE__, (t), BUS_OK)
#define ADD_ERR(t, s) add_expect_at(__FILE__, __LINE__, (t), (s))

/*
 * bus_add expecting status s; on any refusal the table must be exactly
 * what it was before the call.
 */
static void add_expect_at(const char *file, int line, struct bus_range t,
                          enum bus_status s)
{
	enum bus_status got;

	memcpy(&before, &tt, sizeof tt);
	got = bus_add(&bus, BUS_MMIO, &t);
	if (got != s)
		fail_msg("%s:%d: bus_add(%#llx, %#llx) = %d (%s), expected %d",
		         file, line, (unsigned long long)t.base,
		         (unsigned long long)t.size, (int)got,
		         bus_status_str(got), (int)s);
	if (s != BUS_OK && memcmp(&before, &tt, sizeof tt) != 0)
		fail_msg("%s:%d: refused bus_add changed the table", file, line);
}

#define EXPECT_HIT(gpa, idx)  expect_find_at(__FILE__, __LINE__, (gpa), (int)(idx))
#define EXPECT_MISS(gpa)      expect_find_at(__FILE__, __LINE__, (gpa), -1)

/* bus_lookup(gpa) must return &tt.r[idx], or NULL when idx < 0. */
static void expect_find_at(const char *file, int line, uint64_t gpa, int idx)
{
	uint64_t span;
	struct bus_range *got = bus_lookup(&bus, BUS_MMIO, gpa, &span);

	if (idx < 0 && got != NULL)
		fail_msg("%s:%d: gpa %#llx found in trap %d [%#llx, +%#llx), "
		         "expected a miss", file, line, (unsigned long long)gpa,
		         (int)(got - tt.r), (unsigned long long)got->base,
		         (unsigned long long)got->size);
	if (idx >= 0 && got != &tt.r[idx])
		fail_msg("%s:%d: gpa %#llx -> %s%d, expected trap %d", file,
		         line, (unsigned long long)gpa, got ? "trap " : "NULL ",
		         got ? (int)(got - tt.r) : 0, idx);
}

/* The range containing gpa, or NULL (bus_lookup without the span). */
static struct bus_range *find(uint64_t gpa)
{
	uint64_t span;

	return bus_lookup(&bus, BUS_MMIO, gpa, &span);
}

static void expect_gpas(const uint64_t *gpas, unsigned n)
{
	unsigned i;

	assert_int_equal(tt.n, n);
	for (i = 0; i < n; i++)
		if (tt.r[i].base != gpas[i])
			fail_msg("entry %u: gpa %#llx, expected %#llx", i,
			         (unsigned long long)tt.r[i].base,
			         (unsigned long long)gpas[i]);
}

/* ---- init and insertion --------------------------------------------- */

static void test_init_empty(void **state)
{
	(void)state;
	assert_int_equal(tt.n, 0);
	EXPECT_MISS(0);
	EXPECT_MISS(0x1000);
	EXPECT_MISS(UINT64_MAX);
}

static void test_add_keeps_sorted(void **state)
{
	static const uint64_t after1[] = { 0x5000 };
	static const uint64_t after2[] = { 0x1000, 0x5000 };
	static const uint64_t after3[] = { 0x1000, 0x3000, 0x5000 };
	static const uint64_t after4[] = { 0x1000, 0x3000, 0x5000, 0x9000 };
	static const uint64_t after5[] = { 0x0, 0x1000, 0x3000, 0x5000, 0x9000 };
	static const uint64_t after6[] = { 0x0, 0x1000, 0x3000, 0x4000, 0x5000,
	                                   0x9000 };

	(void)state;
	ADD_OK(mmio(0x5000, 0x100));       /* first */
	expect_gpas(after1, 1);
	ADD_OK(mmio(0x1000, 0x100));       /* before all */
	expect_gpas(after2, 2);
	ADD_OK(wp(0x3000, 0x1000));        /* in the middle */
	expect_gpas(after3, 3);
	ADD_OK(mmio(0x9000, 0x10));        /* after all */
	expect_gpas(after4, 4);
	ADD_OK(mmio(0x0, 0x1));            /* at address 0 */
	expect_gpas(after5, 5);
	ADD_OK(mmio(0x4000, 0x800));       /* middle again */
	expect_gpas(after6, 6);
}

static void test_add_copies_fields(void **state)
{
	struct bus_range t = wp(0x7000, 0x2000);

	(void)state;
	t.name = "guest page";
	ADD_OK(mmio(0x1000, 8));
	ADD_OK(t);
	assert_int_equal(tt.r[1].base, 0x7000);
	assert_int_equal(tt.r[1].size, 0x2000);
	assert_int_equal(tt.r[1].kind, BUS_WRITE_PROTECT);
	assert_ptr_equal(tt.r[1].fn, wp_stub);
	assert_ptr_equal(tt.r[1].arg, &cookie_b);
	assert_string_equal(tt.r[1].name, "guest page");
	assert_int_equal(tt.r[0].kind, BUS_DEVICE);
	assert_ptr_equal(tt.r[0].fn, mmio_stub);
	assert_ptr_equal(tt.r[0].arg, &cookie_a);
}

static void test_hits_reset_on_add(void **state)
{
	struct bus_range a = mmio(0x2000, 0x10), b = wp(0x10000, 0x1000);

	(void)state;
	a.hits = 123;
	b.hits = UINT64_MAX;
	ADD_OK(a);
	ADD_OK(b);
	assert_int_equal(tt.r[0].hits, 0);
	assert_int_equal(tt.r[1].hits, 0);
	/* a hit counted on an entry moves with it when others are inserted */
	tt.r[0].hits = 7;
	ADD_OK(mmio(0x1000, 0x10));
	assert_int_equal(tt.r[1].base, 0x2000);
	assert_int_equal(tt.r[1].hits, 7);
	assert_int_equal(tt.r[0].hits, 0);
}

/* ---- overlaps -------------------------------------------------------- */

static void test_overlap_refused(void **state)
{
	(void)state;
	ADD_OK(mmio(0x10000, 0x1000));            /* [0x10000, 0x11000) */
	ADD_OK(mmio(0x20000, 0x1000));            /* [0x20000, 0x21000) */

	/* identical */
	ADD_ERR(mmio(0x10000, 0x1000), BUS_EOVERLAP);
	ADD_ERR(wp(0x10000, 0x1000), BUS_EOVERLAP);
	/* overlapping the start from below, by one byte */
	ADD_ERR(mmio(0xf000, 0x1001), BUS_EOVERLAP);
	ADD_ERR(mmio(0xffff, 2), BUS_EOVERLAP);
	/* overlapping the end from above, by one byte */
	ADD_ERR(mmio(0x10fff, 0x10), BUS_EOVERLAP);
	ADD_ERR(mmio(0x10fff, 1), BUS_EOVERLAP);
	/* containing the existing range */
	ADD_ERR(mmio(0xf000, 0x3000), BUS_EOVERLAP);
	ADD_ERR(mmio(0x10000, 0x1001), BUS_EOVERLAP);     /* same start */
	ADD_ERR(mmio(0xffff, 0x1001), BUS_EOVERLAP);      /* same end */
	/* contained in the existing range */
	ADD_ERR(mmio(0x10800, 0x10), BUS_EOVERLAP);
	ADD_ERR(mmio(0x10000, 1), BUS_EOVERLAP);          /* same start */
	ADD_ERR(mmio(0x10fff, 1), BUS_EOVERLAP);          /* same end */
	/* spanning both existing ranges and the gap */
	ADD_ERR(mmio(0x10000, 0x11000), BUS_EOVERLAP);
	ADD_ERR(mmio(0x8000, 0x100000), BUS_EOVERLAP);
	/* in the gap, overlapping the second one's start */
	ADD_ERR(mmio(0x18000, 0x8001), BUS_EOVERLAP);
	/* overlapping the last entry from above */
	ADD_ERR(mmio(0x20fff, 0x1000), BUS_EOVERLAP);

	assert_int_equal(tt.n, 2);
}

static void test_touching_ranges_allowed(void **state)
{
	static const uint64_t gpas[] = { 0xf000, 0x10000, 0x11000, 0x12000 };

	(void)state;
	ADD_OK(wp(0x10000, 0x1000));
	ADD_OK(wp(0x11000, 0x1000));      /* starts where the first ends */
	ADD_OK(mmio(0xf000, 0x1000));     /* ends where the first starts */
	ADD_OK(mmio(0x12000, 1));
	expect_gpas(gpas, 4);
	/* an exact fit into a gap between two entries */
	ADD_OK(mmio(0x30000, 0x10));
	ADD_OK(mmio(0x30020, 0x10));
	ADD_OK(mmio(0x30010, 0x10));
	assert_int_equal(tt.n, 7);
	assert_int_equal(tt.r[5].base, 0x30010);
	EXPECT_HIT(0x3000f, 4);
	EXPECT_HIT(0x30010, 5);
	EXPECT_HIT(0x3001f, 5);
	EXPECT_HIT(0x30020, 6);
}

/* ---- capacity and invalid ranges ------------------------------------- */

static void test_full_table(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < BUS_MAX_RANGES; i++)
		ADD_OK(mmio(0x100000 + (uint64_t)i * 0x1000, 0x100));
	assert_int_equal(tt.n, BUS_MAX_RANGES);
	/* anywhere, even where it would not overlap */
	ADD_ERR(mmio(0x0, 0x10), BUS_EFULL);
	ADD_ERR(mmio(0x100800, 0x10), BUS_EFULL);
	ADD_ERR(wp(0x80000000, 0x1000), BUS_EFULL);
	assert_int_equal(tt.n, BUS_MAX_RANGES);
}

static void test_invalid_ranges(void **state)
{
	(void)state;
	ADD_OK(mmio(0x40000, 0x1000));
	/* size 0, of either kind */
	ADD_ERR(mmio(0x1000, 0), BUS_EINVAL);
	ADD_ERR(wp(0x1000, 0), BUS_EINVAL);
	/* wrap-around past 2^64 */
	ADD_ERR(mmio(0xfffffffffffff000ull, 0x2000), BUS_EINVAL);
	ADD_ERR(mmio(UINT64_MAX, 2), BUS_EINVAL);
	ADD_ERR(mmio(2, UINT64_MAX), BUS_EINVAL);
	ADD_ERR(wp(0xfffffffffffff000ull, 0x2000), BUS_EINVAL);
	/* write protection works on whole 4 KiB pages */
	ADD_ERR(wp(0x1800, 0x1000), BUS_EINVAL);        /* gpa */
	ADD_ERR(wp(0x1001, 0x1000), BUS_EINVAL);
	ADD_ERR(wp(0x1000, 0x800), BUS_EINVAL);         /* size */
	ADD_ERR(wp(0x1000, 0x1001), BUS_EINVAL);
	ADD_ERR(wp(0x1000, 0xfff), BUS_EINVAL);
	/* invalid wins over overlap: the same range as the existing trap */
	ADD_ERR(wp(0x40000, 0x800), BUS_EINVAL);
	assert_int_equal(tt.n, 1);
	/* MMIO needs no alignment at all */
	ADD_OK(mmio(0x1803, 3));
	ADD_OK(wp(0x2000, 0x3000));
	/* the highest range that does not wrap: ends at 2^64 - 1 */
	ADD_OK(mmio(0xfffffffffffff000ull, 0xfff));
	assert_int_equal(tt.n, 4);
	EXPECT_HIT(0xfffffffffffffffeull, 3);
	EXPECT_MISS(UINT64_MAX);
}

/* ---- lookup ---------------------------------------------------------- */

static void test_find_boundaries(void **state)
{
	(void)state;
	ADD_OK(mmio(0xfed00000, 0x400));       /* [0xfed00000, 0xfed00400) */
	EXPECT_HIT(0xfed00000, 0);             /* first byte */
	EXPECT_HIT(0xfed003ff, 0);             /* last byte */
	EXPECT_HIT(0xfed00123, 0);
	EXPECT_MISS(0xfed00400);               /* one past the end */
	EXPECT_MISS(0xfecfffff);               /* one before */
	EXPECT_MISS(0);
	EXPECT_MISS(UINT64_MAX);
	/* a one-byte range */
	ADD_OK(mmio(0x1500, 1));
	EXPECT_HIT(0x1500, 0);
	EXPECT_MISS(0x14ff);
	EXPECT_MISS(0x1501);
	EXPECT_HIT(0xfed00000, 1);
	/* a range at address 0 */
	ADD_OK(wp(0, 0x1000));
	EXPECT_HIT(0, 0);
	EXPECT_HIT(0xfff, 0);
	EXPECT_MISS(0x1000);
	EXPECT_HIT(0x1500, 1);
	EXPECT_HIT(0xfed003ff, 2);
}

/*
 * A full table with gaps, filled in a scrambled order: entry i (in
 * address order) is [base(i), base(i) + size(i)), base(i) = 0x100000 +
 * i * 0x10000, size(i) = 0x1000 + i * 0x100; every boundary of every
 * entry and of every gap is checked.
 */
static void test_find_full_table_with_gaps(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < BUS_MAX_RANGES; i++) {
		unsigned k = (i * 7 + 3) % BUS_MAX_RANGES;   /* 7 is prime to 32 */

		ADD_OK(mmio(0x100000 + (uint64_t)k * 0x10000,
		            0x1000 + (uint64_t)k * 0x100));
	}
	assert_int_equal(tt.n, BUS_MAX_RANGES);
	for (i = 0; i < BUS_MAX_RANGES; i++) {
		uint64_t base = 0x100000 + (uint64_t)i * 0x10000;
		uint64_t size = 0x1000 + (uint64_t)i * 0x100;

		assert_int_equal(tt.r[i].base, base);
		assert_int_equal(tt.r[i].size, size);
		EXPECT_MISS(base - 1);
		EXPECT_HIT(base, i);
		EXPECT_HIT(base + size / 2, i);
		EXPECT_HIT(base + size - 1, i);
		EXPECT_MISS(base + size);
		EXPECT_MISS(base + 0x8000);            /* middle of the gap */
		EXPECT_MISS(base + 0xffff);            /* last byte of the gap */
	}
	EXPECT_MISS(0);
	EXPECT_MISS(0xfffff);
	EXPECT_MISS(0x100000 + BUS_MAX_RANGES * 0x10000ull);
	EXPECT_MISS(UINT64_MAX);
}

/* The same without gaps: every entry ends where the next begins. */
static void test_find_full_table_touching(void **state)
{
	unsigned i;

	(void)state;
	for (i = BUS_MAX_RANGES; i-- > 0;)              /* descending */
		ADD_OK(wp(0x200000 + (uint64_t)i * 0x1000, 0x1000));
	assert_int_equal(tt.n, BUS_MAX_RANGES);
	EXPECT_MISS(0x1fffff);
	for (i = 0; i < BUS_MAX_RANGES; i++) {
		uint64_t base = 0x200000 + (uint64_t)i * 0x1000;

		EXPECT_HIT(base, i);
		EXPECT_HIT(base + 0xfff, i);
	}
	EXPECT_MISS(0x200000 + BUS_MAX_RANGES * 0x1000ull);
}

static void test_status_strings(void **state)
{
	(void)state;
	assert_string_equal(bus_status_str(BUS_OK), "ok");
	assert_string_equal(bus_status_str(BUS_EOVERLAP),
	                    "overlaps another range");
	assert_string_equal(bus_status_str(BUS_EFULL), "range table full");
	assert_string_equal(bus_status_str(BUS_EINVAL), "invalid range");
	assert_string_equal(bus_status_str(BUS_EPROTECT), "cannot write-protect it");
	assert_string_equal(bus_status_str((enum bus_status)99), "?");
}

static void test_remove(void **state)
{
	(void)state;
	ADD_OK(mmio(0x1000, 0x1000));
	ADD_OK(mmio(0x3000, 0x1000));
	ADD_OK(wp(0x5000, 0x1000));
	assert_false(bus_remove(&bus, BUS_MMIO, 0x1800, &cookie_a));   /* not the start */
	assert_false(bus_remove(&bus, BUS_MMIO, 0x2000, &cookie_a));   /* nothing there */
	assert_int_equal(tt.n, 3);
	assert_true(bus_remove(&bus, BUS_MMIO, 0x3000, &cookie_a));
	assert_int_equal(tt.n, 2);
	assert_int_equal(tt.r[0].base, 0x1000);
	assert_int_equal(tt.r[1].base, 0x5000);
	assert_null(find(0x3000));
	assert_non_null(find(0x5fff));
	/* The freed range can be taken again, e.g. by a moved BAR. */
	ADD_OK(mmio(0x2000, 0x2000));
	assert_int_equal(tt.r[1].base, 0x2000);
	assert_true(bus_remove(&bus, BUS_MMIO, 0x1000, &cookie_a));
	assert_true(bus_remove(&bus, BUS_MMIO, 0x2000, &cookie_a));
	assert_true(bus_remove(&bus, BUS_MMIO, 0x5000, &cookie_b));
	assert_int_equal(tt.n, 0);
	assert_false(bus_remove(&bus, BUS_MMIO, 0x5000, &cookie_b));
}

/* Issue 8 item 4: a BAR moved onto another device's trap could not be
 * installed, and its next move removed "the trap at its old address" —
 * the other device's. Removal names the owner: another's trap stays. */
static void test_remove_only_own(void **state)
{
	(void)state;
	ADD_OK(mmio(0x1000, 0x1000));                 /* owner: cookie_a */
	assert_false(bus_remove(&bus, BUS_MMIO, 0x1000, &cookie_b));
	assert_int_equal(tt.n, 1);
	assert_non_null(find(0x1000));
	assert_false(bus_remove(&bus, BUS_MMIO, 0x1000, NULL));
	assert_true(bus_remove(&bus, BUS_MMIO, 0x1000, &cookie_a));
	assert_int_equal(tt.n, 0);
}

/* bus_lookup's span: the rest of the trap, the gap to the next one, or
 * the rest of the address space; an access is split where it ends. */
static void test_lookup_span(void **state)
{
	uint64_t span = 0;

	(void)state;
	assert_null(bus_lookup(&bus, BUS_MMIO, 0x1234, &span));
	assert_int_equal(span, ~0x1234ull + 1);
	assert_null(bus_lookup(&bus, BUS_MMIO, 0, &span));
	assert_int_equal(span, ~0ull);
	ADD_OK(wp(0x2000, 0x1000));
	ADD_OK(mmio(0x3000, 0x800));
	ADD_OK(mmio(0x5000, 0x1000));
	assert_null(bus_lookup(&bus, BUS_MMIO, 0x1ffc, &span));      /* 4 bytes of RAM */
	assert_int_equal(span, 4);
	assert_ptr_equal(bus_lookup(&bus, BUS_MMIO, 0x2ffc, &span), &tt.r[0]);
	assert_int_equal(span, 4);                          /* then the MMIO */
	assert_ptr_equal(bus_lookup(&bus, BUS_MMIO, 0x3000, &span), &tt.r[1]);
	assert_int_equal(span, 0x800);
	assert_null(bus_lookup(&bus, BUS_MMIO, 0x3800, &span));      /* gap */
	assert_int_equal(span, 0x1800);
	assert_ptr_equal(bus_lookup(&bus, BUS_MMIO, 0x5fff, &span), &tt.r[2]);
	assert_int_equal(span, 1);
	assert_null(bus_lookup(&bus, BUS_MMIO, 0x6000, &span));
	assert_int_equal(span, ~0x6000ull + 1);
}

/* ---- accesses: split at range edges, RAM in the gaps ------------------------- */

#define LOG_MAX 16
static uint8_t ram[0x4000];
struct access {
	void *arg;
	uint64_t off;
	unsigned size;
	bool write;
	uint64_t val;
};
static struct access acc[LOG_MAX];
static unsigned nacc;
static bool veto;

/* A device that answers 0x11 in every byte and records what it gets;
 * the write-protect handler vetoes when told to. */
static bool rec_dev(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val)
{
	if (nacc < LOG_MAX)
		acc[nacc] = (struct access){ arg, off, size, write, write ? *val : 0 };
	nacc++;
	if (!write)
		*val = 0x1111111111111111ull;
	return arg != &cookie_b || !veto;
}

static void bus_with_ram(void)
{
	struct bus_range dev = { .base = 0x5000, .size = 0x1000, .kind = BUS_DEVICE,
	                         .fn = rec_dev, .arg = &cookie_a, .name = "dev" };
	struct bus_range wpr = { .base = 0x2000, .size = 0x1000,
	                         .kind = BUS_WRITE_PROTECT, .fn = rec_dev,
	                         .arg = &cookie_b, .name = "wp" };

	bus_init(&bus, ram, 0x4000);            /* RAM [0, 0x4000); device at 0x5000 */
	memset(ram, 0, sizeof(ram));
	nacc = 0;
	veto = false;
	assert_int_equal(bus_add(&bus, BUS_MMIO, &dev), BUS_OK);
	assert_int_equal(bus_add(&bus, BUS_MMIO, &wpr), BUS_OK);
}

static void test_mmio_device_and_ram(void **state)
{
	uint64_t v = 0;

	(void)state;
	bus_with_ram();
	assert_int_equal(bus_mmio(&bus, 0x5010, 4, false, &v, NULL), BUS_DONE);
	assert_int_equal(v, 0x1111111111111111ull);
	assert_int_equal(acc[0].off, 0x10);
	v = 0x55aa;
	assert_int_equal(bus_mmio(&bus, 0x100, 2, true, &v, NULL), BUS_DONE);
	assert_int_equal(ram[0x100], 0xaa);
	assert_int_equal(ram[0x101], 0x55);
	assert_int_equal(bus_mmio(&bus, 0x100, 2, false, &v, NULL), BUS_DONE);
	assert_int_equal(v, 0x55aa);
	assert_int_equal(bus.t[BUS_MMIO].r[1].hits, 1);     /* the device */
	/* neither RAM nor a device */
	assert_int_equal(bus_mmio(&bus, 0x4000, 4, false, &v, NULL), BUS_UNCLAIMED);
	assert_int_equal(bus_mmio(&bus, 0x6000, 1, true, &v, NULL), BUS_UNCLAIMED);
}

/* Issue 8 item 3: a write from RAM into the write-protected page gives
 * the protected bytes to its handler at offset 0, whatever the handler
 * says about them; the RAM bytes are written either way. */
static void test_mmio_split_ram_to_wp(void **state)
{
	uint64_t v = 0x1122334455667788ull;

	(void)state;
	bus_with_ram();
	assert_int_equal(bus_mmio(&bus, 0x1ffc, 8, true, &v, NULL), BUS_DONE);
	assert_int_equal(nacc, 1);
	assert_int_equal(acc[0].off, 0);
	assert_int_equal(acc[0].size, 4);
	assert_int_equal(acc[0].val, 0x11223344);
	assert_memory_equal(&ram[0x1ffc], "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
	/* vetoed: the protected half stays, the RAM half is written */
	veto = true;
	v = 0xaaaaaaaabbbbbbbbull;
	assert_int_equal(bus_mmio(&bus, 0x2ffc, 8, true, &v, NULL), BUS_DONE);
	assert_int_equal(acc[1].off, 0xffc);
	assert_int_equal(acc[1].size, 4);
	assert_memory_equal(&ram[0x2ffc], "\0\0\0\0\xaa\xaa\xaa\xaa", 8);
	/* reads of a write-protected page are plain RAM reads */
	assert_int_equal(bus_mmio(&bus, 0x1ffe, 4, false, &v, NULL), BUS_DONE);
	assert_int_equal(v, 0x33445566);
	assert_int_equal(nacc, 2);
}

/* A read that starts in RAM and ends in the device: each part at its own
 * offset; one that runs from the device into nothing is refused after
 * the device part (as the CPU would have done the first part). */
static void test_mmio_split_ram_to_device(void **state)
{
	uint64_t v = 0;

	(void)state;
	bus_with_ram();
	bus.ram_bytes = 0x5000;                 /* RAM right up to the device */
	ram[0x3ffe] = 0x22;                      /* within the array */
	bus.ram = ram - 0x1000;                  /* GPA 0x4ffe = ram[0x3ffe] */
	ram[0x3fff] = 0x33;
	assert_int_equal(bus_mmio(&bus, 0x4ffe, 4, false, &v, NULL), BUS_DONE);
	assert_int_equal(v, 0x11113322);
	assert_int_equal(acc[0].off, 0);
	assert_int_equal(acc[0].size, 2);
	assert_int_equal(bus_mmio(&bus, 0x5ffc, 8, false, &v, NULL), BUS_UNCLAIMED);
	assert_int_equal(acc[1].off, 0xffc);
	assert_int_equal(acc[1].size, 4);
}

/* The hint saves the lookup only when it holds the whole access. */
static void test_mmio_hint(void **state)
{
	uint64_t v = 0;
	struct bus_range fake = { .base = 0x5000, .size = 0x10, .kind = BUS_DEVICE,
	                          .fn = rec_dev, .arg = &cookie_b };

	(void)state;
	bus_with_ram();
	assert_int_equal(bus_mmio(&bus, 0x5008, 8, false, &v, &fake), BUS_DONE);
	assert_ptr_equal(acc[0].arg, &cookie_b);          /* the hint was used */
	assert_int_equal(fake.hits, 1);
	assert_int_equal(bus_mmio(&bus, 0x500c, 8, false, &v, &fake), BUS_DONE);
	assert_ptr_equal(acc[1].arg, &cookie_a);          /* looked up instead */
	assert_int_equal(bus_mmio(&bus, 0x5010, 4, false, &v, &fake), BUS_DONE);
	assert_ptr_equal(acc[2].arg, &cookie_a);
}

/* Write-protected ranges: the VM's hook maps them read-only while they
 * are on the bus and writable again when they go; a hook that fails
 * keeps the range off the bus; a range outside RAM is refused. */
static struct { uint64_t gpa, size; bool on; unsigned calls; bool fail; } prot;

static bool rec_protect(void *ctx, uint64_t gpa, uint64_t size, bool on)
{
	assert_ptr_equal(ctx, &prot);
	prot.gpa = gpa;
	prot.size = size;
	prot.on = on;
	prot.calls++;
	return !prot.fail;
}

static void test_mmio_protect_hook(void **state)
{
	struct bus_range wpr = { .base = 0x3000, .size = 0x1000,
	                         .kind = BUS_WRITE_PROTECT, .fn = rec_dev,
	                         .arg = &cookie_b, .name = "wp2" };
	struct bus_range dev = { .base = 0x8000, .size = 0x1000, .kind = BUS_DEVICE,
	                         .fn = rec_dev, .arg = &cookie_a, .name = "dev2" };

	(void)state;
	bus_with_ram();
	memset(&prot, 0, sizeof(prot));
	bus_set_protect(&bus, rec_protect, &prot);
	assert_int_equal(bus_add(&bus, BUS_MMIO, &dev), BUS_OK);
	assert_int_equal(prot.calls, 0);              /* devices: no EPT change */
	assert_int_equal(bus_add(&bus, BUS_MMIO, &wpr), BUS_OK);
	assert_int_equal(prot.calls, 1);
	assert_int_equal(prot.gpa, 0x3000);
	assert_int_equal(prot.size, 0x1000);
	assert_true(prot.on);
	assert_true(bus_remove(&bus, BUS_MMIO, 0x3000, &cookie_b));
	assert_int_equal(prot.calls, 2);
	assert_false(prot.on);
	prot.fail = true;
	memcpy(&before, &tt, sizeof tt);
	assert_int_equal(bus_add(&bus, BUS_MMIO, &wpr), BUS_EPROTECT);
	assert_memory_equal(&before, &tt, sizeof tt);
	prot.fail = false;
	wpr.base = 0x4000;                            /* past the 16 KiB of RAM */
	assert_int_equal(bus_add(&bus, BUS_MMIO, &wpr), BUS_EINVAL);
	assert_int_equal(prot.calls, 3);
}

/* A refusing device stops the access. */
static bool refuse(void *arg, uint64_t off, unsigned size, bool write,
                   uint64_t *val)
{
	(void)arg; (void)off; (void)size; (void)write; (void)val;
	return false;
}

static void test_mmio_refused(void **state)
{
	struct bus_range r = { .base = 0x8000, .size = 0x100, .kind = BUS_DEVICE,
	                       .fn = refuse, .arg = NULL, .name = "no" };
	uint64_t v = 0;

	(void)state;
	bus_with_ram();
	assert_int_equal(bus_add(&bus, BUS_MMIO, &r), BUS_OK);
	assert_int_equal(bus_mmio(&bus, 0x8000, 4, true, &v, NULL), BUS_REFUSED);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_empty),
		T(test_add_keeps_sorted),
		T(test_add_copies_fields),
		T(test_hits_reset_on_add),
		T(test_overlap_refused),
		T(test_touching_ranges_allowed),
		T(test_full_table),
		T(test_invalid_ranges),
		T(test_find_boundaries),
		T(test_find_full_table_with_gaps),
		T(test_find_full_table_touching),
		T(test_status_strings),
		T(test_remove),
		T(test_remove_only_own),
		T(test_mmio_device_and_ram),
		T(test_mmio_split_ram_to_wp),
		T(test_mmio_split_ram_to_device),
		T(test_mmio_hint),
		T(test_mmio_refused),
		T(test_mmio_protect_hook),
		T(test_lookup_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
