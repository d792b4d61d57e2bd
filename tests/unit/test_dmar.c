/*
 * tests/unit/test_dmar.c — unit tests of iommu/dmar.c over DMAR tables
 * built here byte by byte as VTD-FACTS §1 lays them out (VT-d spec §8):
 * the 36-byte ACPI header, HAW - 1 at byte 36, flags at 37, structures
 * from 48, each a u16 type and u16 length; DRHD (type 0) flags +4, size
 * +5, segment +6, base +8, scopes from +16; RMRR (type 1) segment +6,
 * base +8, inclusive end +16, scopes from +24; device scope type +0,
 * length +1, enumeration ID +4, start bus +5, (dev, fn) pairs from +6.
 * Checksums are computed here. Every table handed to dmar_parse is copied
 * into an exact-size heap block, so AddressSanitizer catches any read
 * past its end.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iommu/dmar.h"

#define HDR_LEN        48
#define DRHD_LEN       16
#define RMRR_LEN       24
#define TB_MAX         4096
#define TB_MAX_BOUNDS  64
#define ERR_LEN        160

#define GFX_BASE       0xfed90000ull
#define OTHER_BASE     0xfed91000ull
#define IGD_RMRR_BASE  0x7a000000ull
#define IGD_RMRR_END   0x7c7fffffull
#define USB_RMRR_BASE  0x79e8f000ull
#define USB_RMRR_END   0x79eaefffull

#define DEVFN(d, f)    ((uint8_t)((d) << 3 | (f)))

static struct dmar_info di;
static char err[ERR_LEN];

/* ---- little-endian fields and the checksum --------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Set the checksum (byte 9) so that the first n bytes sum to 0. */
static void checksum(uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	size_t i;

	p[9] = 0;
	for (i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	p[9] = (uint8_t)(0x100 - sum);
}

/* ---- a table under construction --------------------------------------- */

struct tb {
	uint8_t b[TB_MAX];
	size_t len;
	size_t open;                    /* start of the open structure, or 0 */
	size_t bound[TB_MAX_BOUNDS];    /* where the table may end: 48 and */
	unsigned nbound;                /* the end of every structure */
};

static struct tb tb;

static void tb_bytes(const void *p, size_t n)
{
	assert_true(tb.len + n <= TB_MAX);
	memcpy(tb.b + tb.len, p, n);
	tb.len += n;
}

static void tb_zeros(size_t n)
{
	assert_true(tb.len + n <= TB_MAX);
	memset(tb.b + tb.len, 0, n);
	tb.len += n;
}

static void tb_init(unsigned haw, uint8_t flags)
{
	memset(&tb, 0, sizeof tb);
	memcpy(tb.b, "DMAR", 4);
	tb.b[8] = 1;                            /* revision */
	memcpy(tb.b + 10, "BAREGT", 6);         /* OEM ID */
	memcpy(tb.b + 16, "UNITTEST", 8);       /* OEM table ID */
	put32(tb.b + 24, 1);                    /* OEM revision */
	memcpy(tb.b + 28, "TEST", 4);           /* creator ID */
	put32(tb.b + 32, 1);                    /* creator revision */
	tb.b[36] = (uint8_t)(haw - 1);
	tb.b[37] = flags;
	tb.len = HDR_LEN;
	tb.bound[tb.nbound++] = HDR_LEN;
}

/* Close the open structure: its length is what was appended since. */
static void tb_close(void)
{
	if (tb.open == 0)
		return;
	put16(tb.b + tb.open + 2, (uint16_t)(tb.len - tb.open));
	tb.open = 0;
	assert_true(tb.nbound < TB_MAX_BOUNDS);
	tb.bound[tb.nbound++] = tb.len;
}

/* Open a structure of the given type with a zeroed fixed part. */
static size_t tb_struct(uint16_t type, size_t fixed)
{
	size_t at;

	tb_close();
	at = tb.len;
	tb_zeros(fixed);
	put16(tb.b + at, type);
	put16(tb.b + at + 2, (uint16_t)fixed);
	tb.open = at;
	return at;
}

static size_t tb_drhd(uint8_t flags, uint8_t size, uint16_t seg, uint64_t base)
{
	size_t at = tb_struct(0, DRHD_LEN);

	tb.b[at + 4] = flags;
	tb.b[at + 5] = size;
	put16(tb.b + at + 6, seg);
	put64(tb.b + at + 8, base);
	return at;
}

static size_t tb_rmrr(uint16_t seg, uint64_t base, uint64_t end)
{
	size_t at = tb_struct(1, RMRR_LEN);

	put16(tb.b + at + 6, seg);
	put64(tb.b + at + 8, base);
	put64(tb.b + at + 16, end);
	return at;
}

/* ATSR (type 2): u8 flags, u8 reserved, u16 segment; scopes follow. */
static size_t tb_atsr(uint8_t flags, uint16_t seg)
{
	size_t at = tb_struct(2, 8);

	tb.b[at + 4] = flags;
	put16(tb.b + at + 6, seg);
	return at;
}

/* RHSA (type 3): u32 reserved, u64 base, u32 proximity domain. */
static size_t tb_rhsa(uint64_t base, uint32_t domain)
{
	size_t at = tb_struct(3, 20);

	put64(tb.b + at + 8, base);
	put32(tb.b + at + 16, domain);
	return at;
}

/* ANDD (type 4): 3 reserved bytes, u8 device number, the object name. */
static size_t tb_andd(uint8_t number, const char *name)
{
	size_t at = tb_struct(4, 8);

	tb.b[at + 7] = number;
	tb_bytes(name, strlen(name) + 1);
	return at;
}

/* A device scope with npairs (dev, fn) pairs; returns its offset. */
static size_t tb_scope(uint8_t type, uint8_t enum_id, uint8_t bus,
                       unsigned npairs, const uint8_t *pairs)
{
	size_t at = tb.len;

	tb_zeros(6);
	tb.b[at] = type;
	tb.b[at + 1] = (uint8_t)(6 + 2 * npairs);
	tb.b[at + 4] = enum_id;
	tb.b[at + 5] = bus;
	tb_bytes(pairs, 2 * npairs);
	return at;
}

static size_t tb_one(uint8_t type, uint8_t enum_id, uint8_t bus, uint8_t dev,
                     uint8_t fn)
{
	const uint8_t pair[2] = { dev, fn };

	return tb_scope(type, enum_id, bus, 1, pair);
}

static size_t tb_ep(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return tb_one(DMAR_SCOPE_ENDPOINT, 0, bus, dev, fn);
}

/* Close the last structure, set the length field and the checksum. */
static size_t tb_finish(void)
{
	tb_close();
	put32(tb.b + 4, (uint32_t)tb.len);
	checksum(tb.b, tb.len);
	return tb.len;
}

/* After editing a finished table: the checksum again. */
static void tb_reseal(void)
{
	checksum(tb.b, get32(tb.b + 4));
}

/* ---- parsing ----------------------------------------------------------- */

/* dmar_parse over an exact-size heap copy of the first len bytes of p;
 * checks that err is NUL-terminated and says something on failure. */
static bool parse_bytes(const uint8_t *p, size_t len, struct dmar_info *d)
{
	uint8_t *copy = malloc(len);
	bool ok;

	assert_true(copy != NULL || len == 0);
	if (len > 0)
		memcpy(copy, p, len);
	memset(d, 0xa5, sizeof *d);
	memset(err, 'x', sizeof err);
	ok = dmar_parse(copy, len, d, err, sizeof err);
	free(copy);
	assert_non_null(memchr(err, '\0', sizeof err));
	if (ok)
		assert_string_equal(err, "");
	else
		assert_true(strncmp(err, "DMAR: ", 6) == 0);
	return ok;
}

static bool parse(void)
{
	return parse_bytes(tb.b, tb.len, &di);
}

static void expect_ok(void)
{
	assert_true(parse());
}

static void expect_err(const char *msg)
{
	assert_false(parse());
	assert_string_equal(err, msg);
}

static void assert_scope(const struct dmar_scope *s, uint8_t type,
                         uint8_t enum_id, uint8_t bus, uint8_t dev, uint8_t fn)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->enum_id, enum_id);
	assert_int_equal(s->bus, bus);
	assert_int_equal(s->npath, 1);
	assert_int_equal(s->path[0].dev, dev);
	assert_int_equal(s->path[0].fn, fn);
}

/* ---- layouts of real machines ----------------------------------------- */

/*
 * VTD-FACTS §8: a gfx unit listing only the IGD, an INCLUDE_PCI_ALL unit
 * with the IOAPIC (id 2, 00:1e.7) and HPET (00:1e.6) scopes, HAW 39, an
 * RMRR for the IGD's stolen memory and one for the xHCI (00:14.0).
 * Offsets: DRHD 0x30 (24 bytes), DRHD 0x48 (32), RMRR 0x68, RMRR 0x88
 * (32 each), end 0xa8.
 */
static void build_client(void)
{
	tb_init(39, DMAR_FLAG_INTR_REMAP);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, OTHER_BASE);
	tb_one(DMAR_SCOPE_IOAPIC, 2, 0, 0x1e, 7);
	tb_one(DMAR_SCOPE_HPET, 0, 0, 0x1e, 6);
	tb_rmrr(0, USB_RMRR_BASE, USB_RMRR_END);
	tb_ep(0, 0x14, 0);
	tb_rmrr(0, IGD_RMRR_BASE, IGD_RMRR_END);
	tb_ep(0, 2, 0);
	tb_finish();
}

static void test_client_layout(void **state)
{
	const struct dmar_unit *u;
	const struct dmar_rmrr *r;

	(void)state;
	build_client();
	assert_int_equal(tb.len, 0xa8);
	expect_ok();
	assert_int_equal(di.haw, 39);
	assert_int_equal(di.flags, DMAR_FLAG_INTR_REMAP);
	assert_int_equal(di.nother, 0);

	assert_int_equal(di.nunits, 2);
	u = &di.unit[0];
	assert_true(u->base == GFX_BASE);
	assert_int_equal(u->flags, 0);
	assert_int_equal(u->size_log2, 0);
	assert_int_equal(u->segment, 0);
	assert_false(u->include_all);
	assert_int_equal(u->nscope, 1);
	assert_scope(&u->scope[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
	u = &di.unit[1];
	assert_true(u->base == OTHER_BASE);
	assert_int_equal(u->flags, DMAR_DRHD_INCLUDE_ALL);
	assert_int_equal(u->size_log2, 0);
	assert_int_equal(u->segment, 0);
	assert_true(u->include_all);
	assert_int_equal(u->nscope, 2);
	assert_scope(&u->scope[0], DMAR_SCOPE_IOAPIC, 2, 0, 0x1e, 7);
	assert_scope(&u->scope[1], DMAR_SCOPE_HPET, 0, 0, 0x1e, 6);

	assert_int_equal(di.nrmrr, 2);
	r = &di.rmrr[0];
	assert_true(r->base == USB_RMRR_BASE);
	assert_true(r->end == USB_RMRR_END);
	assert_int_equal(r->segment, 0);
	assert_int_equal(r->nscope, 1);
	assert_scope(&r->scope[0], DMAR_SCOPE_ENDPOINT, 0, 0, 0x14, 0);
	r = &di.rmrr[1];
	assert_true(r->base == IGD_RMRR_BASE);
	assert_true(r->end == IGD_RMRR_END);
	assert_int_equal(r->segment, 0);
	assert_int_equal(r->nscope, 1);
	assert_scope(&r->scope[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
	assert_true(dmar_scope_is(&r->scope[0], 0, DEVFN(2, 0)));
}

/* Other values of the fixed fields land where they belong. */
static void test_fields_other_values(void **state)
{
	(void)state;
	tb_init(48, 0x07);
	tb_drhd(0xfe, 3, 2, 0x123456789abcd000ull);
	tb_one(DMAR_SCOPE_ACPI, 0x5a, 0xc3, 0x1f, 0x07);
	tb_rmrr(5, 0xfffff000ull, 0x100000fffull);
	tb_finish();
	expect_ok();
	assert_int_equal(di.haw, 48);
	assert_int_equal(di.flags, 0x07);
	assert_int_equal(di.nunits, 1);
	assert_true(di.unit[0].base == 0x123456789abcd000ull);
	assert_int_equal(di.unit[0].flags, 0xfe);
	assert_false(di.unit[0].include_all);
	assert_int_equal(di.unit[0].size_log2, 3);
	assert_int_equal(di.unit[0].segment, 2);
	assert_scope(&di.unit[0].scope[0], DMAR_SCOPE_ACPI, 0x5a, 0xc3, 0x1f, 7);
	assert_int_equal(di.nrmrr, 1);
	assert_int_equal(di.rmrr[0].segment, 5);
	assert_true(di.rmrr[0].base == 0xfffff000ull);
	assert_true(di.rmrr[0].end == 0x100000fffull);
	assert_int_equal(di.rmrr[0].nscope, 0);
}

/* QEMU's intel-iommu: one INCLUDE_PCI_ALL unit, no scopes. */
static void test_qemu_layout(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_finish();
	expect_ok();
	assert_int_equal(di.haw, 39);
	assert_int_equal(di.flags, 0);
	assert_int_equal(di.nunits, 1);
	assert_true(di.unit[0].base == GFX_BASE);
	assert_true(di.unit[0].include_all);
	assert_int_equal(di.unit[0].segment, 0);
	assert_int_equal(di.unit[0].nscope, 0);
	assert_int_equal(di.nrmrr, 0);
	assert_int_equal(di.nother, 0);
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(2, 0)), &di.unit[0]);
	assert_ptr_equal(dmar_unit_for(&di, 3, DEVFN(0, 0)), &di.unit[0]);
}

/* A table with only its header: nothing, and that is fine. */
static void test_header_only(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_finish();
	expect_ok();
	assert_int_equal(di.nunits, 0);
	assert_int_equal(di.nrmrr, 0);
	assert_int_equal(di.nother, 0);
	assert_null(dmar_unit_for(&di, 0, DEVFN(2, 0)));
}

/* len beyond the length field: the bytes after it are not looked at. */
static void test_bytes_after_length_ignored(void **state)
{
	size_t n;

	(void)state;
	build_client();
	n = tb.len;
	tb_struct(0, 4);                /* a DRHD of length 4: would fail */
	tb.open = 0;
	tb_zeros(7);
	assert_true(parse_bytes(tb.b, tb.len, &di));
	assert_int_equal(di.nunits, 2);
	assert_int_equal(di.nrmrr, 2);
	assert_true(tb.len > n);
}

/* ---- which unit translates a function ---------------------------------- */

static void test_unit_for(void **state)
{
	(void)state;
	build_client();
	expect_ok();
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(2, 0)), &di.unit[0]);
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(0x1f, 2)), &di.unit[1]);
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(0x14, 0)), &di.unit[1]);
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(2, 1)), &di.unit[1]);
	assert_ptr_equal(dmar_unit_for(&di, 1, DEVFN(2, 0)), &di.unit[1]);
	/* The IOAPIC's path is not a PCI function of the gfx unit's. */
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(0x1e, 7)), &di.unit[1]);
}

/* The include-all unit first in the table: a listing unit still wins. */
static void test_unit_for_listing_wins_in_any_order(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, OTHER_BASE);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_finish();
	expect_ok();
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(2, 0)), &di.unit[1]);
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(0x1f, 2)), &di.unit[0]);
}

static void test_unit_for_without_include_all(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_finish();
	expect_ok();
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(2, 0)), &di.unit[0]);
	assert_null(dmar_unit_for(&di, 0, DEVFN(0x1f, 2)));
	assert_null(dmar_unit_for(&di, 0, DEVFN(2, 1)));
	assert_null(dmar_unit_for(&di, 1, DEVFN(2, 0)));
}

/* Units of another segment never translate segment 0's functions. */
static void test_unit_for_other_segment(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 1, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 1, OTHER_BASE);
	tb_finish();
	expect_ok();
	assert_int_equal(di.nunits, 2);
	assert_null(dmar_unit_for(&di, 0, DEVFN(2, 0)));
	assert_null(dmar_unit_for(&di, 0, DEVFN(0x1f, 2)));

	tb_init(39, 0);
	tb_drhd(0, 0, 1, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, OTHER_BASE);
	tb_finish();
	expect_ok();
	assert_ptr_equal(dmar_unit_for(&di, 0, DEVFN(2, 0)), &di.unit[1]);
}

/* ---- device scopes ----------------------------------------------------- */

static void test_scope_is(void **state)
{
	struct dmar_scope s;

	(void)state;
	memset(&s, 0, sizeof s);
	s.type = DMAR_SCOPE_ENDPOINT;
	s.bus = 3;
	s.npath = 1;
	s.path[0].dev = 0x1f;
	s.path[0].fn = 7;
	assert_true(dmar_scope_is(&s, 3, 0xff));
	assert_false(dmar_scope_is(&s, 2, 0xff));
	assert_false(dmar_scope_is(&s, 3, 0xfe));
	assert_false(dmar_scope_is(&s, 3, 0xf7));
	s.npath = 0;
	assert_false(dmar_scope_is(&s, 3, 0xff));
	s.npath = 2;
	assert_false(dmar_scope_is(&s, 3, 0xff));
	s.npath = 1;
	s.type = DMAR_SCOPE_BRIDGE;
	assert_false(dmar_scope_is(&s, 3, 0xff));
	s.type = DMAR_SCOPE_IOAPIC;
	assert_false(dmar_scope_is(&s, 3, 0xff));
}

/* Paths through bridges are kept pair by pair; they name no function
 * directly, so dmar_scope_is says no for them. */
static void test_bridge_paths_recorded(void **state)
{
	static const uint8_t two[] = { 0x1c, 0, 0, 0 };
	static const uint8_t four[] = { 0x1c, 4, 0, 0, 1, 0, 3, 2 };
	const struct dmar_unit *u;

	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, two);
	tb_scope(DMAR_SCOPE_BRIDGE, 0, 0, 1, two);
	tb_scope(DMAR_SCOPE_ENDPOINT, 0, 0, 4, four);
	tb_scope(DMAR_SCOPE_ENDPOINT, 0, 5, 0, two);
	tb_finish();
	expect_ok();
	u = &di.unit[0];
	assert_int_equal(u->nscope, 4);
	assert_int_equal(u->scope[0].type, DMAR_SCOPE_ENDPOINT);
	assert_int_equal(u->scope[0].npath, 2);
	assert_int_equal(u->scope[0].path[0].dev, 0x1c);
	assert_int_equal(u->scope[0].path[0].fn, 0);
	assert_int_equal(u->scope[0].path[1].dev, 0);
	assert_int_equal(u->scope[0].path[1].fn, 0);
	assert_false(dmar_scope_is(&u->scope[0], 0, DEVFN(0x1c, 0)));
	assert_false(dmar_scope_is(&u->scope[0], 1, DEVFN(0, 0)));
	assert_int_equal(u->scope[1].type, DMAR_SCOPE_BRIDGE);
	assert_int_equal(u->scope[1].npath, 1);
	assert_false(dmar_scope_is(&u->scope[1], 0, DEVFN(0x1c, 0)));
	assert_int_equal(u->scope[2].npath, 4);
	assert_int_equal(u->scope[2].path[1].dev, 0);
	assert_int_equal(u->scope[2].path[1].fn, 0);
	assert_int_equal(u->scope[2].path[2].dev, 1);
	assert_int_equal(u->scope[2].path[3].dev, 3);
	assert_int_equal(u->scope[2].path[3].fn, 2);
	assert_int_equal(u->scope[3].npath, 0);
	assert_int_equal(u->scope[3].bus, 5);
	assert_null(dmar_unit_for(&di, 0, DEVFN(0x1c, 0)));
	assert_null(dmar_unit_for(&di, 1, DEVFN(0, 0)));
}

/* ATSR, RHSA, ANDD, SATC and unknown types are counted and skipped, their
 * contents unread (a bad scope inside an ATSR does not matter). */
static void test_other_structures_counted(void **state)
{
	static const uint8_t bad_scope[] = { 2, 7, 0, 0, 0, 0, 0x1c };

	(void)state;
	tb_init(39, 0);
	tb_atsr(1, 0);
	tb_one(DMAR_SCOPE_BRIDGE, 0, 0, 0x1c, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_rhsa(GFX_BASE, 0);
	tb_andd(1, "\\_SB.PCI0.SDMA");
	tb_struct(5, 16);               /* SATC */
	tb_struct(0x7f, 4);             /* unknown, header only */
	tb_atsr(0, 0);
	tb_bytes(bad_scope, sizeof bad_scope);
	tb_rmrr(0, IGD_RMRR_BASE, IGD_RMRR_END);
	tb_finish();
	expect_ok();
	assert_int_equal(di.nother, 6);
	assert_int_equal(di.nunits, 1);
	assert_int_equal(di.nrmrr, 1);
}

/* Exactly at the limits is fine. */
static void test_limits_reached(void **state)
{
	unsigned i;

	(void)state;
	tb_init(39, 0);
	for (i = 0; i < DMAR_MAX_UNITS; i++) {
		tb_drhd(0, 0, 0, GFX_BASE + 0x1000 * i);
		tb_ep((uint8_t)i, 2, 0);
	}
	for (i = 0; i < DMAR_MAX_RMRR; i++)
		tb_rmrr(0, 0x1000ull * (2 * i + 1), 0x1000ull * (2 * i + 2) - 1);
	tb_drhd(0, 0, 0, OTHER_BASE + 0x10000);
	tb.b[tb.open] = 9;              /* not a DRHD after all: unknown */
	tb_finish();
	expect_ok();
	assert_int_equal(di.nunits, DMAR_MAX_UNITS);
	assert_int_equal(di.nrmrr, DMAR_MAX_RMRR);
	assert_int_equal(di.nother, 1);
	for (i = 0; i < DMAR_MAX_UNITS; i++)
		assert_ptr_equal(dmar_unit_for(&di, (uint8_t)i, DEVFN(2, 0)),
		                 &di.unit[i]);

	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	for (i = 0; i < DMAR_MAX_SCOPES; i++)
		tb_ep((uint8_t)i, 0, 0);
	tb_rmrr(0, IGD_RMRR_BASE, IGD_RMRR_END);
	for (i = 0; i < DMAR_MAX_SCOPES; i++)
		tb_ep(0, (uint8_t)i, 0);
	tb_finish();
	expect_ok();
	assert_int_equal(di.unit[0].nscope, DMAR_MAX_SCOPES);
	assert_int_equal(di.rmrr[0].nscope, DMAR_MAX_SCOPES);
	assert_int_equal(di.unit[0].scope[15].bus, 15);
	assert_int_equal(di.rmrr[0].scope[15].path[0].dev, 15);
}

/* The same function in two RMRRs, or in an RMRR and a unit, is normal. */
static void test_rmrr_scopes_may_repeat(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_ep(0, 2, 0);                 /* twice in one unit: one unit */
	tb_rmrr(0, 0x1000, 0x1fff);
	tb_ep(0, 2, 0);
	tb_rmrr(0, 0x3000, 0x3fff);
	tb_ep(0, 2, 0);
	tb_finish();
	expect_ok();
	assert_int_equal(di.nrmrr, 2);
}

/* An RMRR up to the very top of the address space: end + 1 wraps to 0. */
static void test_rmrr_to_top(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_rmrr(0, 0xfffffffffffff000ull, UINT64_MAX);
	tb_finish();
	expect_ok();
	assert_true(di.rmrr[0].end == UINT64_MAX);
}

/* ---- header errors ----------------------------------------------------- */

static void test_err_short_table(void **state)
{
	(void)state;
	build_client();
	assert_false(parse_bytes(tb.b, 0, &di));
	assert_string_equal(err,
	        "DMAR: table of 0 bytes is shorter than its 48-byte header");
	assert_false(parse_bytes(tb.b, 47, &di));
	assert_string_equal(err,
	        "DMAR: table of 47 bytes is shorter than its 48-byte header");
}

static void test_err_signature(void **state)
{
	(void)state;
	build_client();
	memcpy(tb.b, "APIC", 4);
	tb_reseal();
	expect_err("DMAR: the signature is not \"DMAR\"");
	memcpy(tb.b, "dmar", 4);
	tb_reseal();
	expect_err("DMAR: the signature is not \"DMAR\"");
}

static void test_err_length_field(void **state)
{
	(void)state;
	build_client();
	assert_false(parse_bytes(tb.b, 100, &di));
	assert_string_equal(err,
	        "DMAR: length field 168 is larger than the 100 bytes available");
	put32(tb.b + 4, 0xffffffffu);
	expect_err("DMAR: length field 4294967295 is larger than the 168 bytes"
	           " available");
	put32(tb.b + 4, 47);
	tb_reseal();
	expect_err("DMAR: length field 47 is smaller than the header");
	put32(tb.b + 4, 0);
	tb_reseal();
	expect_err("DMAR: length field 0 is smaller than the header");
}

static void test_err_checksum(void **state)
{
	(void)state;
	build_client();
	tb.b[9]++;
	expect_err("DMAR: bad checksum");
	tb.b[9]--;
	tb.b[0xa7] ^= 0x40;             /* last byte of the table */
	expect_err("DMAR: bad checksum");
	tb.b[0xa7] ^= 0x40;
	expect_ok();
}

/* ---- structure errors -------------------------------------------------- */

static void test_err_structure_truncated(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_zeros(3);
	tb_finish();
	expect_err("DMAR: structure at offset 0x30 is truncated");

	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_finish();
	tb_zeros(1);
	put32(tb.b + 4, (uint32_t)tb.len);
	tb_reseal();
	expect_err("DMAR: structure at offset 0x40 is truncated");
}

static void test_err_structure_length(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_finish();
	put16(tb.b + 0x32, 17);         /* one past the end */
	tb_reseal();
	expect_err("DMAR: structure at offset 0x30 has length 17, outside the"
	           " table");
	put16(tb.b + 0x32, 0xffff);
	tb_reseal();
	expect_err("DMAR: structure at offset 0x30 has length 65535, outside"
	           " the table");
	put16(tb.b + 0x32, 0);          /* would never advance */
	tb_reseal();
	expect_err("DMAR: structure at offset 0x30 has length 0, outside the"
	           " table");
	put16(tb.b + 0x32, 3);
	tb_reseal();
	expect_err("DMAR: structure at offset 0x30 has length 3, outside the"
	           " table");

	/* The same for a structure that is skipped. */
	tb_init(39, 0);
	tb_rhsa(GFX_BASE, 0);
	tb_finish();
	put16(tb.b + 0x32, 21);
	tb_reseal();
	expect_err("DMAR: structure at offset 0x30 has length 21, outside the"
	           " table");
}

static void test_err_fixed_parts(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_struct(0, 12);
	tb_finish();
	expect_err("DMAR: DRHD at offset 0x30 has length 12, less than 16");
	tb_init(39, 0);
	tb_struct(0, 4);
	tb_finish();
	expect_err("DMAR: DRHD at offset 0x30 has length 4, less than 16");
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_struct(1, 20);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x40 has length 20, less than 24");
	tb_init(39, 0);
	tb_struct(1, 16);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x30 has length 16, less than 24");
}

static void test_err_too_many_units(void **state)
{
	unsigned i;

	(void)state;
	tb_init(39, 0);
	for (i = 0; i <= DMAR_MAX_UNITS; i++)
		tb_drhd(0, 0, 0, GFX_BASE + 0x1000 * i);
	tb_finish();
	expect_err("DMAR: DRHD at offset 0xb0: more than 8 remapping units");
}

static void test_err_too_many_rmrr(void **state)
{
	unsigned i;

	(void)state;
	tb_init(39, 0);
	for (i = 0; i <= DMAR_MAX_RMRR; i++)
		tb_rmrr(0, 0x1000ull * (i + 1), 0x1000ull * (i + 2) - 1);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0xf0: more than 8 reserved memory"
	           " regions");
}

static void test_err_rmrr_range(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_rmrr(0, 0x1000, 0x1ffe);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x30: range 0x1000-0x1ffe is not 4 KiB"
	           " aligned");
	tb_init(39, 0);
	tb_rmrr(0, 0x1800, 0x2fff);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x30: range 0x1800-0x2fff is not 4 KiB"
	           " aligned");
	tb_init(39, 0);
	tb_rmrr(0, 0x1000, 0x2000);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x30: range 0x1000-0x2000 is not 4 KiB"
	           " aligned");
	tb_init(39, 0);
	tb_rmrr(0, 0x3000, 0x1fff);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x30: range 0x3000-0x1fff ends before it"
	           " starts");
	tb_init(39, 0);
	tb_rmrr(0, 0, 0xffffffffffffefffull);
	tb_rmrr(0, 0x1000, 0xfff);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x48: range 0x1000-0xfff ends before it"
	           " starts");
	tb_init(39, 0);
	tb_rmrr(0, 0, UINT64_MAX);      /* everything, end + 1 wraps */
	tb_finish();
	expect_ok();
}

/* ---- device scope errors ----------------------------------------------- */

static void test_err_scope_truncated(void **state)
{
	static const uint8_t five[] = { 1, 8, 0, 0, 0 };

	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_bytes(five, sizeof five);
	tb_finish();
	expect_err("DMAR: device scope at offset 0x48 is truncated");

	tb_init(39, 0);
	tb_rmrr(0, 0x1000, 0x1fff);
	tb_zeros(1);
	tb_finish();
	expect_err("DMAR: device scope at offset 0x48 is truncated");
}

static void test_err_scope_length(void **state)
{
	static const uint8_t lens[] = { 7, 5, 4, 1, 0, 9 };
	unsigned i;
	char want[ERR_LEN];

	(void)state;
	for (i = 0; i < sizeof lens; i++) {
		tb_init(39, 0);
		tb_drhd(0, 0, 0, GFX_BASE);
		tb_ep(0, 2, 0);
		tb_ep(0, 3, 0);
		tb_finish();
		tb.b[0x49] = lens[i];   /* the second scope */
		tb_reseal();
		snprintf(want, sizeof want,
		         "DMAR: device scope at offset 0x48 has a bad length %u",
		         (unsigned)lens[i]);
		expect_err(want);
	}

	/* Even and >= 6 but past the structure (the table goes on). */
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, OTHER_BASE);
	tb_finish();
	tb.b[0x41] = 10;
	tb_reseal();
	expect_err("DMAR: device scope at offset 0x40 has a bad length 10");
	tb.b[0x41] = 255;
	tb_reseal();
	expect_err("DMAR: device scope at offset 0x40 has a bad length 255");

	/* In an RMRR. */
	tb_init(39, 0);
	tb_rmrr(0, 0x1000, 0x1fff);
	tb_ep(0, 2, 0);
	tb_finish();
	tb.b[0x49] = 6 + 4;
	tb_reseal();
	expect_err("DMAR: device scope at offset 0x48 has a bad length 10");
}

static void test_err_scope_path(void **state)
{
	static const uint8_t five[] = { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0 };

	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_scope(DMAR_SCOPE_BRIDGE, 0, 0, 5, five);
	tb_finish();
	expect_err("DMAR: device scope at offset 0x40 has a path of 5 pairs (at"
	           " most 4)");

	tb_init(39, 0);
	tb_rmrr(0, 0x1000, 0x1fff);
	tb_ep(0, 2, 0);
	tb_zeros(250);
	tb_finish();
	tb.b[0x51] = 250;
	tb_reseal();
	expect_err("DMAR: device scope at offset 0x50 has a path of 122 pairs"
	           " (at most 4)");
}

static void test_err_too_many_scopes(void **state)
{
	unsigned i;

	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	for (i = 0; i <= DMAR_MAX_SCOPES; i++)
		tb_ep(0, (uint8_t)i, 0);
	tb_finish();
	expect_err("DMAR: DRHD at offset 0x30 has more than 16 device scopes");

	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_rmrr(0, 0x1000, 0x1fff);
	for (i = 0; i <= DMAR_MAX_SCOPES; i++)
		tb_ep(0, 2, 0);
	tb_finish();
	expect_err("DMAR: RMRR at offset 0x40 has more than 16 device scopes");
}

/* ---- claims ------------------------------------------------------------ */

static void test_err_function_claimed_twice(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_drhd(0, 0, 0, OTHER_BASE);
	tb_ep(0, 0x14, 0);
	tb_ep(0, 2, 0);
	tb_finish();
	expect_err("DMAR: 00:02.0 is claimed by two remapping units (offsets 0x30"
	           " and 0x48)");

	/* Also when the second is the INCLUDE_PCI_ALL unit. */
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0x3a, 0x1f, 7);
	tb_rhsa(GFX_BASE, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, OTHER_BASE);
	tb_ep(0x3a, 0x1f, 7);
	tb_finish();
	expect_err("DMAR: 3a:1f.7 is claimed by two remapping units (offsets 0x30"
	           " and 0x5c)");
}

/* Not the same endpoint: other segment, bus, function, or not a one-pair
 * endpoint path. */
static void test_claims_that_do_not_clash(void **state)
{
	static const uint8_t two[] = { 0x1c, 0, 2, 0 };

	(void)state;
	tb_init(39, 0);
	tb_drhd(0, 0, 0, GFX_BASE);
	tb_ep(0, 2, 0);
	tb_one(DMAR_SCOPE_BRIDGE, 0, 0, 0x1c, 0);
	tb_scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, two);
	tb_drhd(0, 0, 1, OTHER_BASE);
	tb_ep(0, 2, 0);
	tb_drhd(0, 0, 0, OTHER_BASE + 0x1000);
	tb_ep(1, 2, 0);
	tb_ep(0, 2, 1);
	tb_one(DMAR_SCOPE_BRIDGE, 0, 0, 2, 0);
	tb_one(DMAR_SCOPE_BRIDGE, 0, 0, 0x1c, 0);
	tb_scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, two);
	tb_one(DMAR_SCOPE_IOAPIC, 0, 0, 2, 0);
	tb_finish();
	expect_ok();
	assert_int_equal(di.nunits, 3);
}

static void test_err_two_include_all(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_drhd(0, 0, 0, OTHER_BASE);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, OTHER_BASE + 0x1000);
	tb_finish();
	expect_err("DMAR: two INCLUDE_PCI_ALL units on segment 0 (offsets 0x30"
	           " and 0x50)");

	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, GFX_BASE);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 1, OTHER_BASE);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 2, OTHER_BASE + 0x1000);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 1, OTHER_BASE + 0x2000);
	tb_finish();
	expect_err("DMAR: two INCLUDE_PCI_ALL units on segment 1 (offsets 0x40"
	           " and 0x60)");
}

/* ---- the error buffer -------------------------------------------------- */

static void test_error_buffer_bounded(void **state)
{
	uint8_t *copy;
	char small[8];
	struct dmar_info *d = &di;

	(void)state;
	build_client();
	tb.b[9]++;
	copy = malloc(tb.len);
	assert_non_null(copy);
	memcpy(copy, tb.b, tb.len);
	memset(small, 'x', sizeof small);
	assert_false(dmar_parse(copy, tb.len, d, small, sizeof small));
	assert_string_equal(small, "DMAR: b");
	memset(small, 'x', sizeof small);
	assert_false(dmar_parse(copy, tb.len, d, small, 1));
	assert_int_equal(small[0], '\0');
	assert_int_equal(small[1], 'x');
	assert_false(dmar_parse(copy, tb.len, d, NULL, 0));
	tb.b[9]--;
	memcpy(copy, tb.b, tb.len);
	memset(small, 'x', sizeof small);
	assert_true(dmar_parse(copy, tb.len, d, small, sizeof small));
	assert_string_equal(small, "");
	assert_true(dmar_parse(copy, tb.len, d, NULL, 0));
	free(copy);
}

/* ---- truncation -------------------------------------------------------- */

static bool is_bound(size_t n)
{
	unsigned i;

	for (i = 0; i < tb.nbound; i++)
		if (tb.bound[i] == n)
			return true;
	return false;
}

/* Every prefix of a table with more structures than the client layout:
 * with the length field left at full size, refused at the header; with
 * the length field and checksum made to fit the prefix, accepted exactly
 * at structure boundaries and refused cleanly everywhere else. */
static void test_truncated_everywhere(void **state)
{
	static const uint8_t two[] = { 0x1c, 0, 0, 0 };
	uint8_t cut[TB_MAX];
	char want[ERR_LEN];
	size_t full, n;
	unsigned accepted = 0;

	(void)state;
	build_client();                 /* and more structures after it */
	tb_atsr(0, 0);
	tb_scope(DMAR_SCOPE_BRIDGE, 0, 0, 2, two);
	tb_rhsa(GFX_BASE, 0);
	tb_drhd(0, 0, 1, 0xfee00000ull);
	tb_scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, two);
	tb_struct(0x40, 5);
	full = tb_finish();

	assert_true(parse_bytes(tb.b, full, &di));
	for (n = 0; n < full; n++) {
		assert_false(parse_bytes(tb.b, n, &di));
		if (n < HDR_LEN)
			snprintf(want, sizeof want,
			         "DMAR: table of %u bytes is shorter than its"
			         " 48-byte header", (unsigned)n);
		else
			snprintf(want, sizeof want,
			         "DMAR: length field %u is larger than the %u bytes"
			         " available", (unsigned)full, (unsigned)n);
		assert_string_equal(err, want);
	}
	for (n = 0; n <= full; n++) {
		bool ok;

		memcpy(cut, tb.b, n);
		if (n >= 8)
			put32(cut + 4, (uint32_t)n);
		if (n >= 10)
			checksum(cut, n);
		ok = parse_bytes(cut, n, &di);
		assert_int_equal(ok, is_bound(n));
		accepted += ok;
		if (!ok && n >= HDR_LEN)
			assert_true(strncmp(err, "DMAR: structure at offset 0x",
			                    28) == 0);
	}
	assert_int_equal(accepted, tb.nbound);
}

/* ---- random mutations -------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* What a successful parse promises, checked against the bytes it read. */
static void check_consistent(const uint8_t *t, const struct dmar_info *d)
{
	unsigned i, j, k, m;

	assert_int_equal(d->haw, (uint8_t)(t[36] + 1));
	assert_int_equal(d->flags, t[37]);
	assert_true(d->nunits <= DMAR_MAX_UNITS);
	assert_true(d->nrmrr <= DMAR_MAX_RMRR);
	for (i = 0; i < d->nunits; i++) {
		const struct dmar_unit *u = &d->unit[i];

		assert_int_equal(u->include_all,
		                 (u->flags & DMAR_DRHD_INCLUDE_ALL) != 0);
		assert_true(u->nscope <= DMAR_MAX_SCOPES);
		for (k = 0; k < u->nscope; k++)
			assert_true(u->scope[k].npath <= DMAR_MAX_PATH);
		for (j = 0; j < i; j++) {
			const struct dmar_unit *v = &d->unit[j];

			if (u->segment != v->segment)
				continue;
			assert_false(u->include_all && v->include_all);
			for (k = 0; k < u->nscope; k++)
				for (m = 0; m < v->nscope; m++) {
					const struct dmar_scope *a = &u->scope[k];
					const struct dmar_scope *b = &v->scope[m];

					assert_false(a->type == DMAR_SCOPE_ENDPOINT &&
					             b->type == DMAR_SCOPE_ENDPOINT &&
					             a->npath == 1 && b->npath == 1 &&
					             a->bus == b->bus &&
					             a->path[0].dev == b->path[0].dev &&
					             a->path[0].fn == b->path[0].fn);
				}
		}
	}
	for (i = 0; i < d->nrmrr; i++) {
		const struct dmar_rmrr *r = &d->rmrr[i];

		assert_true((r->base & 0xfff) == 0);
		assert_true(((r->end + 1) & 0xfff) == 0);
		assert_true(r->end > r->base);
		assert_true(r->nscope <= DMAR_MAX_SCOPES);
		for (k = 0; k < r->nscope; k++)
			assert_true(r->scope[k].npath <= DMAR_MAX_PATH);
	}
	for (i = 0; i < 8; i++) {
		const struct dmar_unit *u =
			dmar_unit_for(d, (uint8_t)rng(), (uint8_t)rng());

		if (u != NULL) {
			assert_true(u >= d->unit && u < d->unit + d->nunits);
			assert_int_equal(u->segment, 0);
		}
	}
}

static void test_random_mutations(void **state)
{
	/* Offsets worth hitting: the length field, structure and scope
	 * lengths and types, RMRR ranges, DRHD flags. */
	static const size_t hot[] = {
		4, 5, 36, 0x30, 0x32, 0x34, 0x40, 0x41, 0x48, 0x4a, 0x4c,
		0x58, 0x59, 0x60, 0x61, 0x68, 0x6a, 0x70, 0x78, 0x80, 0x81,
		0x88, 0x8a, 0x90, 0x98, 0xa0, 0xa1, 0xa8, 0xaa,
	};
	uint8_t base[TB_MAX], work[TB_MAX];
	size_t full;
	unsigned iter, ok_count = 0, fail_count = 0;

	(void)state;
	build_client();
	tb_atsr(0, 0);
	tb_one(DMAR_SCOPE_BRIDGE, 0, 0, 0x1c, 0);
	tb_rhsa(OTHER_BASE, 0);
	full = tb_finish();
	memcpy(base, tb.b, full);
	rng_state = 0x9e3779b97f4a7c15ull;

	for (iter = 0; iter < 20000; iter++) {
		unsigned nmut = 1 + rng_below(4), i;
		size_t len = full, lf;
		bool ok;

		memcpy(work, base, full);
		for (i = 0; i < nmut; i++) {
			size_t at;

			switch (rng_below(4)) {
			case 0:
				at = rng_below((unsigned)full);
				work[at] = (uint8_t)rng();
				break;
			case 1:
				at = rng_below((unsigned)full);
				work[at] ^= (uint8_t)(1u << rng_below(8));
				break;
			case 2:
				at = hot[rng_below(sizeof hot / sizeof hot[0])];
				work[at] = (uint8_t)rng_below(40);
				break;
			default:
				at = hot[rng_below(sizeof hot / sizeof hot[0])];
				work[at] = (uint8_t)rng();
				break;
			}
		}
		if (rng_below(8) == 0)
			len = rng_below((unsigned)full + 1);
		if (rng_below(2) == 0) {
			lf = get32(work + 4);
			if (lf > len)
				lf = len;
			if (lf >= 10)
				checksum(work, lf);
		}
		ok = parse_bytes(work, len, &di);
		if (ok) {
			ok_count++;
			check_consistent(work, &di);
		} else {
			fail_count++;
		}
	}
	/* Both outcomes are exercised, not just the header checks. */
	assert_true(ok_count > 1000);
	assert_true(fail_count > 1000);
}

#define T(f) cmocka_unit_test(f)

static void test_drhd_bad_base(void **state)
{
	(void)state;
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, 0);
	tb_finish();
	expect_err("DMAR: DRHD at offset 0x30 has a bad register base 0x0");
	tb_init(39, 0);
	tb_drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0, 0xfed90800ull);
	tb_finish();
	expect_err("DMAR: DRHD at offset 0x30 has a bad register base 0xfed90800");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_client_layout),
		T(test_fields_other_values),
		T(test_qemu_layout),
		T(test_drhd_bad_base),
		T(test_header_only),
		T(test_bytes_after_length_ignored),
		T(test_unit_for),
		T(test_unit_for_listing_wins_in_any_order),
		T(test_unit_for_without_include_all),
		T(test_unit_for_other_segment),
		T(test_scope_is),
		T(test_bridge_paths_recorded),
		T(test_other_structures_counted),
		T(test_limits_reached),
		T(test_rmrr_scopes_may_repeat),
		T(test_rmrr_to_top),
		T(test_err_short_table),
		T(test_err_signature),
		T(test_err_length_field),
		T(test_err_checksum),
		T(test_err_structure_truncated),
		T(test_err_structure_length),
		T(test_err_fixed_parts),
		T(test_err_too_many_units),
		T(test_err_too_many_rmrr),
		T(test_err_rmrr_range),
		T(test_err_scope_truncated),
		T(test_err_scope_length),
		T(test_err_scope_path),
		T(test_err_too_many_scopes),
		T(test_err_function_claimed_twice),
		T(test_claims_that_do_not_clash),
		T(test_err_two_include_all),
		T(test_error_buffer_bounded),
		T(test_truncated_everywhere),
		T(test_random_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
