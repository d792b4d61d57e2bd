/*
 * tests/unit/test_acpi.c — unit tests of hv/acpi.c over synthetic tables
 * laid out as ACPI 6.4 says: RSDP (§5.2.5), the SDT header (§5.2.6), RSDT
 * and XSDT (§5.2.7/8), the FADT's DSDT and X_DSDT (§5.2.9, offsets 40 and
 * 140) and the MADT (§5.2.12: entries from offset 44; Local APIC type 0,
 * length 8, flags at 4; x2APIC type 9, length 16, flags at 8; bit 0 =
 * Enabled). Checksums are computed here. A table's "physical address" is
 * its pointer value; tables an RSDT or a 32-bit DSDT field must reach
 * live in memory mapped below 4 GiB, all others are exact-size heap
 * blocks so that AddressSanitizer sees any read past a table's end.
 */
#define _DEFAULT_SOURCE 1            /* MAP_ANONYMOUS, MAP_32BIT */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hv/acpi.h"

#define HDR_LEN      36
#define FADT_LEN     276      /* ACPI 6.x FADT */
#define FADT_V1_LEN  116      /* ACPI 1.0 FADT: no X_DSDT */
#define MADT_HDR_LEN 44

static struct acpi_info ai;
static char err[ACPI_ERR_MAX];

/* ---- memory for tables ----------------------------------------------- */

#define MAX_HEAP 256
#define LOW_SIZE (1u << 20)

static void *heap_blocks[MAX_HEAP];
static unsigned nheap;
static uint8_t *low_arena;
static size_t low_used;

static int group_setup(void **state)
{
	void *p;

	(void)state;
	p = mmap(NULL, LOW_SIZE, PROT_READ | PROT_WRITE,
	         MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	low_arena = p;
	return (uintptr_t)low_arena + LOW_SIZE <= 0xffffffffull ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	munmap(low_arena, LOW_SIZE);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(low_arena, 0, LOW_SIZE);
	low_used = 0;
	nheap = 0;
	memset(&ai, 0xa5, sizeof ai);
	memset(err, 0, sizeof err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	while (nheap > 0)
		free(heap_blocks[--nheap]);
	return 0;
}

/* Zeroed, exactly len bytes, on the heap. */
static uint8_t *heap_mem(size_t len)
{
	uint8_t *p = calloc(1, len);

	assert_non_null(p);
	assert_true(nheap < MAX_HEAP);
	heap_blocks[nheap++] = p;
	return p;
}

/* Zeroed, below 4 GiB, 16-byte aligned. */
static uint8_t *low_mem(size_t len)
{
	uint8_t *p;

	low_used = (low_used + 15) & ~(size_t)15;
	assert_true(low_used + len <= LOW_SIZE);
	p = low_arena + low_used;
	low_used += len;
	return p;
}

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint32_t addr32(const void *p)
{
	assert_true(addr(p) <= 0xffffffffull);
	return (uint32_t)addr(p);
}

/* ---- little-endian fields and checksums ------------------------------ */

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

/* Set p[at] so that the len bytes at p sum to 0 (mod 256). */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	size_t i;

	p[at] = 0;
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	p[at] = (uint8_t)(0x100 - sum);
}

/* Recompute an SDT's checksum (byte 9) over the length in its header. */
static void seal(uint8_t *t)
{
	fix_checksum(t, get32(t + 4), 9);
}

/* ---- building tables ------------------------------------------------- */

/* A table of len bytes (allocated size alloc >= len) with its header. */
static uint8_t *new_sdt_sized(bool low, const char *sig, uint32_t len,
                              size_t alloc, uint8_t rev)
{
	uint8_t *t = low ? low_mem(alloc) : heap_mem(alloc);

	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "BAREGT", 6);           /* OEMID */
	memcpy(t + 16, "UNITTEST", 8);         /* OEM table ID */
	put32(t + 24, 1);                      /* OEM revision */
	memcpy(t + 28, "TEST", 4);             /* creator ID */
	put32(t + 32, 1);                      /* creator revision */
	fix_checksum(t, len < alloc ? len : alloc, 9);
	return t;
}

static uint8_t *new_sdt(bool low, const char *sig, uint32_t len, uint8_t rev)
{
	return new_sdt_sized(low, sig, len, len, rev);
}

static uint8_t *new_xsdt(const uint64_t *entries, unsigned n)
{
	uint8_t *t = new_sdt(false, "XSDT", HDR_LEN + 8 * n, 1);
	unsigned i;

	for (i = 0; i < n; i++)
		put64(t + HDR_LEN + 8 * i, entries[i]);
	seal(t);
	return t;
}

static uint8_t *new_rsdt(const uint32_t *entries, unsigned n)
{
	uint8_t *t = new_sdt(true, "RSDT", HDR_LEN + 4 * n, 1);
	unsigned i;

	for (i = 0; i < n; i++)
		put32(t + HDR_LEN + 4 * i, entries[i]);
	seal(t);
	return t;
}

/* ACPI 1.0 RSDP: 20 bytes, revision 0. */
static uint8_t *new_rsdp_v1(uint32_t rsdt)
{
	uint8_t *r = heap_mem(20);

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "OEMV1 ", 6);
	r[15] = 0;
	put32(r + 16, rsdt);
	fix_checksum(r, 20, 8);
	return r;
}

/* ACPI 2.0+ RSDP: 36 bytes, revision 2, both checksums. */
static uint8_t *new_rsdp_v2(uint32_t rsdt, uint64_t xsdt)
{
	uint8_t *r = heap_mem(36);

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = 2;
	put32(r + 16, rsdt);
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	fix_checksum(r, 20, 8);
	fix_checksum(r, 36, 32);
	return r;
}

static uint8_t *new_fadt(bool low, uint32_t len, uint8_t rev, uint32_t dsdt,
                         uint64_t x_dsdt)
{
	uint8_t *f = new_sdt(low, "FACP", len, rev);

	put32(f + 40, dsdt);
	if (len >= 148)
		put64(f + 140, x_dsdt);
	seal(f);
	return f;
}

static uint8_t *new_dsdt(bool low, uint32_t len)
{
	uint8_t *d = new_sdt(low, "DSDT", len, 2);
	uint32_t i;

	for (i = HDR_LEN; i < len; i++)
		d[i] = (uint8_t)(0x10 + i);        /* some "AML" */
	seal(d);
	return d;
}

/* MADT entries are collected here, then copied into a table. */
struct entries {
	size_t len;
	uint8_t b[4096];
};

static struct entries me;

static uint8_t *ent(uint8_t type, uint8_t len)
{
	uint8_t *e = me.b + me.len;

	assert_true(me.len + len <= sizeof me.b);
	memset(e, 0, len);
	e[0] = type;
	e[1] = len;
	me.len += len;
	return e;
}

static void ent_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = ent(0, 8);

	e[2] = uid;
	e[3] = apic_id;
	put32(e + 4, flags);
}

static void ent_x2apic(uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = ent(9, 16);

	put32(e + 4, x2apic_id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static void ent_ioapic(void)
{
	uint8_t *e = ent(1, 12);

	e[2] = 8;
	put32(e + 4, 0xfec00000);
}

static void ent_iso(void)                  /* interrupt source override */
{
	uint8_t *e = ent(2, 10);

	e[3] = 0;                              /* IRQ 0 */
	put32(e + 4, 2);                       /* -> GSI 2 */
	put16(e + 8, 0);
}

static void ent_lapic_nmi(void)
{
	uint8_t *e = ent(4, 6);

	e[2] = 0xff;
	put16(e + 3, 5);
	e[5] = 1;
}

static void ent_raw(const uint8_t *bytes, size_t n)
{
	assert_true(me.len + n <= sizeof me.b);
	memcpy(me.b + me.len, bytes, n);
	me.len += n;
}

/* A MADT holding the collected entries; exact size on the heap. */
static uint8_t *new_madt(void)
{
	uint8_t *t = new_sdt(false, "APIC", (uint32_t)(MADT_HDR_LEN + me.len), 5);

	put32(t + 36, 0xfee00000);             /* local APIC address */
	put32(t + 40, 1);                      /* PCAT_COMPAT */
	memcpy(t + MADT_HDR_LEN, me.b, me.len);
	seal(t);
	me.len = 0;
	return t;
}

static struct acpi_table_ref ref_of(const uint8_t *t)
{
	struct acpi_table_ref r;

	memset(&r, 0, sizeof r);
	memcpy(r.sig, t, 4);
	r.hpa = addr(t);
	r.length = get32(t + 4);
	r.revision = t[8];
	r.checksum_ok = true;
	return r;
}

/* ---- assertions ------------------------------------------------------ */

static void scan_ok(const void *rsdp)
{
	memset(err, 0, sizeof err);
	if (!acpi_scan(addr(rsdp), &ai, err, sizeof err))
		fail_msg("acpi_scan failed: %s", err);
}

/* acpi_scan refuses; the message holds each of the (up to 3) substrings. */
static void scan_fails(const void *rsdp, const char *s1, const char *s2,
                       const char *s3)
{
	const char *want[3] = { s1, s2, s3 };
	unsigned i;

	memset(err, 'X', sizeof err);
	assert_false(acpi_scan(addr(rsdp), &ai, err, sizeof err));
	assert_non_null(memchr(err, '\0', sizeof err));
	for (i = 0; i < 3; i++)
		if (want[i] && !strstr(err, want[i]))
			fail_msg("error \"%s\" does not mention \"%s\"", err,
			         want[i]);
	assert_int_equal(ai.ntables, 0);
}

/* "0x..." as the message prints an address. */
static const char *hex(const void *p)
{
	static char buf[4][24];
	static unsigned k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%#llx", (unsigned long long)addr(p));
	return buf[k];
}

#define EXPECT_TABLE(i, sig, t, ok) \
	expect_table_at(__FILE__, __LINE__, (i), (sig), (t), (ok))

static void expect_table_at(const char *file, int line, unsigned i,
                            const char *sig, const uint8_t *t, bool ok)
{
	const struct acpi_table_ref *r = &ai.table[i];

	if (i >= ai.ntables)
		fail_msg("%s:%d: no table %u (%u listed)", file, line, i,
		         ai.ntables);
	if (strcmp(r->sig, sig) != 0 || r->hpa != addr(t) ||
	    r->length != get32(t + 4) || r->revision != t[8] ||
	    r->checksum_ok != ok)
		fail_msg("%s:%d: table %u is %s at %#llx len %u rev %u ok %d, "
		         "expected %s at %#llx len %u rev %u ok %d", file, line, i,
		         r->sig, (unsigned long long)r->hpa, r->length,
		         r->revision, r->checksum_ok, sig,
		         (unsigned long long)addr(t), get32(t + 4), t[8], ok);
}

/* ---- a full ACPI 2.0+ tree ------------------------------------------- */

static void test_xsdt_tree(void **state)
{
	uint8_t *dsdt = new_dsdt(false, 100);
	uint8_t *fadt = new_fadt(false, FADT_LEN, 6, 0, addr(dsdt));
	uint8_t *hpet = new_sdt(false, "HPET", 56, 1);
	uint8_t *bad = new_sdt(false, "SSDT", 48, 2);
	uint8_t *madt, *xsdt, *rsdp;

	(void)state;
	ent_lapic(0, 0, 1);
	ent_lapic(1, 1, 1);
	madt = new_madt();
	bad[40] ^= 0x55;                        /* checksum now wrong */
	xsdt = new_xsdt((const uint64_t[]){ addr(fadt), addr(madt), addr(hpet),
	                                     addr(bad) }, 4);
	rsdp = new_rsdp_v2(0, addr(xsdt));

	scan_ok(rsdp);
	assert_int_equal(ai.rsdp_hpa, addr(rsdp));
	assert_int_equal(ai.revision, 2);
	assert_string_equal(ai.oem, "BOCHS ");
	assert_true(ai.via_xsdt);
	assert_int_equal(ai.ntables, 5);
	assert_int_equal(ai.ndropped, 0);
	EXPECT_TABLE(0, "FACP", fadt, true);
	EXPECT_TABLE(1, "APIC", madt, true);
	EXPECT_TABLE(2, "HPET", hpet, true);
	EXPECT_TABLE(3, "SSDT", bad, false);
	EXPECT_TABLE(4, "DSDT", dsdt, true);    /* from the FADT, last */

	assert_ptr_equal(acpi_find(&ai, "APIC"), &ai.table[1]);
	assert_ptr_equal(acpi_find(&ai, "DSDT"), &ai.table[4]);
	assert_ptr_equal(acpi_find(&ai, "SSDT"), &ai.table[3]);
	assert_null(acpi_find(&ai, "MCFG"));
	assert_null(acpi_find(&ai, "XSDT"));    /* the root is not listed */
	assert_int_equal(acpi_madt_cpus(acpi_find(&ai, "APIC")), 2);
}

static void test_rsdt_tree_acpi_1(void **state)
{
	uint8_t *dsdt = new_dsdt(true, 64);
	uint8_t *fadt = new_fadt(true, FADT_V1_LEN, 1, addr32(dsdt), 0);
	uint8_t *madt, *rsdt, *rsdp;

	(void)state;
	ent_lapic(0, 0, 1);
	madt = new_madt();
	/* the MADT must be below 4 GiB too: copy it down */
	{
		uint32_t len = get32(madt + 4);
		uint8_t *low = low_mem(len);

		memcpy(low, madt, len);
		madt = low;
	}
	rsdt = new_rsdt((const uint32_t[]){ addr32(madt), addr32(fadt) }, 2);
	rsdp = new_rsdp_v1(addr32(rsdt));

	scan_ok(rsdp);
	assert_int_equal(ai.revision, 0);
	assert_string_equal(ai.oem, "OEMV1 ");
	assert_false(ai.via_xsdt);
	assert_int_equal(ai.ntables, 3);
	EXPECT_TABLE(0, "APIC", madt, true);
	EXPECT_TABLE(1, "FACP", fadt, true);
	EXPECT_TABLE(2, "DSDT", dsdt, true);
	assert_int_equal(acpi_madt_cpus(&ai.table[0]), 1);
}

/* ---- the FADT's DSDT ------------------------------------------------- */

static void test_fadt_with_only_32bit_dsdt(void **state)
{
	uint8_t *dsdt = new_dsdt(true, 40);
	uint8_t *fadt = new_fadt(false, FADT_LEN, 6, addr32(dsdt), 0);
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(fadt) }, 1);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 2);
	EXPECT_TABLE(1, "DSDT", dsdt, true);
}

static void test_fadt_prefers_x_dsdt(void **state)
{
	uint8_t *old = new_dsdt(true, 40);
	uint8_t *dsdt = new_dsdt(false, 80);
	uint8_t *fadt = new_fadt(false, FADT_LEN, 6, addr32(old), addr(dsdt));
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(fadt) }, 1);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 2);
	EXPECT_TABLE(1, "DSDT", dsdt, true);
}

static void test_short_fadt_has_no_x_dsdt(void **state)
{
	uint8_t *dsdt = new_dsdt(true, 40);
	/* exactly 116 bytes on the heap: reading X_DSDT would overflow */
	uint8_t *fadt = new_fadt(false, FADT_V1_LEN, 1, addr32(dsdt), 0);
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(fadt) }, 1);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 2);
	EXPECT_TABLE(1, "DSDT", dsdt, true);
}

static void test_tiny_fadt_has_no_dsdt(void **state)
{
	/* 40 bytes: too short for even the 32-bit DSDT field */
	uint8_t *fadt = new_sdt(false, "FACP", 40, 1);
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(fadt) }, 1);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 1);
	EXPECT_TABLE(0, "FACP", fadt, true);
}

static void test_fadt_without_dsdt(void **state)
{
	uint8_t *fadt = new_fadt(false, FADT_LEN, 6, 0, 0);
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(fadt) }, 1);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 1);
	assert_null(acpi_find(&ai, "DSDT"));
}

static void test_fadt_bad_checksum_not_followed(void **state)
{
	uint8_t *dsdt = new_dsdt(false, 40);
	uint8_t *fadt = new_fadt(false, FADT_LEN, 6, 0, addr(dsdt));
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(fadt) }, 1);

	(void)state;
	fadt[9]++;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 1);
	EXPECT_TABLE(0, "FACP", fadt, false);
	assert_null(acpi_find(&ai, "DSDT"));
}

/* ---- table checks ---------------------------------------------------- */

static void test_table_lengths_checked(void **state)
{
	/* length 20 (< header) with a zero sum over those 20 bytes */
	uint8_t *shorty = new_sdt_sized(false, "SHRT", 20, HDR_LEN, 1);
	/* a length beyond 16 MiB is taken as corrupt, and not read */
	uint8_t *huge = new_sdt_sized(false, "HUGE", (16u << 20) + 1, HDR_LEN, 1);
	/* 16 MiB exactly is still read (and here is fine) */
	uint8_t *big = new_sdt(false, "BIGT", 16u << 20, 1);
	uint8_t *xsdt;

	(void)state;
	fix_checksum(shorty, 20, 9);
	xsdt = new_xsdt((const uint64_t[]){ addr(shorty), addr(huge),
	                                     addr(big) }, 3);
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 3);
	EXPECT_TABLE(0, "SHRT", shorty, false);
	EXPECT_TABLE(1, "HUGE", huge, false);
	EXPECT_TABLE(2, "BIGT", big, true);
}

static void test_null_entries_skipped(void **state)
{
	uint8_t *a = new_sdt(false, "SSDT", 40, 2);
	uint8_t *b = new_sdt(false, "BGRT", 56, 1);
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ 0, addr(a), 0, addr(b), 0 },
	                         5);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 2);
	assert_int_equal(ai.ndropped, 0);
	EXPECT_TABLE(0, "SSDT", a, true);
	EXPECT_TABLE(1, "BGRT", b, true);
}

static void test_xsdt_partial_entry_ignored(void **state)
{
	uint8_t *a = new_sdt(false, "SSDT", 40, 2);
	uint8_t *b = new_sdt(false, "SSDT", 44, 2);
	/* room for 2 entries and half of a third; exact size on the heap */
	uint8_t *xsdt = new_sdt(false, "XSDT", HDR_LEN + 8 * 2 + 4, 1);

	(void)state;
	put64(xsdt + HDR_LEN, addr(a));
	put64(xsdt + HDR_LEN + 8, addr(b));
	put32(xsdt + HDR_LEN + 16, 0xdeadbeef);
	seal(xsdt);
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_int_equal(ai.ntables, 2);
	EXPECT_TABLE(0, "SSDT", a, true);
	EXPECT_TABLE(1, "SSDT", b, true);
	assert_ptr_equal(acpi_find(&ai, "SSDT"), &ai.table[0]);   /* first */
}

static void test_empty_xsdt(void **state)
{
	uint8_t *xsdt = new_xsdt(NULL, 0);

	(void)state;
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	assert_true(ai.via_xsdt);
	assert_int_equal(ai.ntables, 0);
	assert_int_equal(ai.ndropped, 0);
	assert_null(acpi_find(&ai, "APIC"));
}

static void test_too_many_tables_dropped(void **state)
{
	uint64_t e[70];
	uint8_t *dsdt = new_dsdt(false, 40);
	uint8_t *fadt = new_fadt(false, FADT_LEN, 6, 0, addr(dsdt));
	unsigned i;

	(void)state;
	e[0] = addr(fadt);
	for (i = 1; i < 70; i++) {
		char sig[5];

		snprintf(sig, sizeof sig, "T%03u", i);
		e[i] = addr(new_sdt(false, sig, 36 + i, 1));
	}
	scan_ok(new_rsdp_v2(0, addr(new_xsdt(e, 70))));
	assert_int_equal(ai.ntables, ACPI_MAX_TABLES);
	/* 6 XSDT entries beyond 64, and the DSDT on top */
	assert_int_equal(ai.ndropped, 70 - ACPI_MAX_TABLES + 1);
	assert_string_equal(ai.table[0].sig, "FACP");
	assert_string_equal(ai.table[63].sig, "T063");
	assert_int_equal(ai.table[63].length, 36 + 63);
	assert_null(acpi_find(&ai, "DSDT"));
	assert_null(acpi_find(&ai, "T064"));
}

static void test_exactly_max_tables(void **state)
{
	uint64_t e[ACPI_MAX_TABLES];
	unsigned i;

	(void)state;
	for (i = 0; i < ACPI_MAX_TABLES; i++)
		e[i] = addr(new_sdt(false, "SSDT", 36, 1));
	scan_ok(new_rsdp_v2(0, addr(new_xsdt(e, ACPI_MAX_TABLES))));
	assert_int_equal(ai.ntables, ACPI_MAX_TABLES);
	assert_int_equal(ai.ndropped, 0);
}

/* ---- RSDP revisions -------------------------------------------------- */

static void test_rsdp_v2_with_bad_extended_checksum_uses_rsdt(void **state)
{
	uint8_t *a = new_sdt(true, "SSDT", 40, 2);
	uint8_t *b = new_sdt(false, "HPET", 56, 1);
	uint8_t *rsdt = new_rsdt((const uint32_t[]){ addr32(a) }, 1);
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ addr(b) }, 1);
	uint8_t *rsdp = new_rsdp_v2(addr32(rsdt), addr(xsdt));

	(void)state;
	rsdp[32]++;                 /* only the 2.0 part is corrupt */
	scan_ok(rsdp);
	assert_false(ai.via_xsdt);
	assert_int_equal(ai.revision, 2);
	assert_int_equal(ai.ntables, 1);
	EXPECT_TABLE(0, "SSDT", a, true);

	/* intact, the same RSDP leads to the XSDT */
	rsdp[32]--;
	scan_ok(rsdp);
	assert_true(ai.via_xsdt);
	EXPECT_TABLE(0, "HPET", b, true);
}

static void test_rsdp_v2_without_xsdt_uses_rsdt(void **state)
{
	uint8_t *a = new_sdt(true, "SSDT", 40, 2);
	uint8_t *rsdt = new_rsdt((const uint32_t[]){ addr32(a) }, 1);

	(void)state;
	scan_ok(new_rsdp_v2(addr32(rsdt), 0));
	assert_false(ai.via_xsdt);
	EXPECT_TABLE(0, "SSDT", a, true);
}

/* ---- errors ---------------------------------------------------------- */

static void test_no_rsdp(void **state)
{
	(void)state;
	memset(err, 'X', sizeof err);
	memset(&ai, 0xa5, sizeof ai);
	assert_false(acpi_scan(0, &ai, err, sizeof err));
	assert_non_null(strstr(err, "no RSDP"));
	assert_int_equal(ai.ntables, 0);
}

static void test_bad_rsdp(void **state)
{
	uint8_t *xsdt = new_xsdt(NULL, 0);
	uint8_t *rsdp = new_rsdp_v2(0, addr(xsdt));

	(void)state;
	rsdp[7] = '_';                          /* "RSD PTR_" */
	fix_checksum(rsdp, 20, 8);
	scan_fails(rsdp, "RSDP", hex(rsdp), "signature");

	memcpy(rsdp, "RSD PTR ", 8);
	fix_checksum(rsdp, 20, 8);
	scan_ok(rsdp);
	rsdp[8] ^= 1;                           /* 1.0 checksum wrong */
	scan_fails(rsdp, "RSDP", hex(rsdp), "checksum");
	rsdp[8] ^= 1;
	rsdp[19] ^= 0x40;                       /* last byte it covers */
	scan_fails(rsdp, "RSDP", hex(rsdp), "checksum");
}

static void test_bad_root_signature(void **state)
{
	uint8_t *xsdt = new_xsdt(NULL, 0);
	uint8_t *rsdt = new_rsdt(NULL, 0);

	(void)state;
	memcpy(xsdt, "XSDX", 4);
	seal(xsdt);
	scan_fails(new_rsdp_v2(0, addr(xsdt)), "XSDT", hex(xsdt), "signature");

	/* an RSDP 1.0 pointing at something that is not an RSDT */
	memcpy(rsdt, "XSDT", 4);
	seal(rsdt);
	scan_fails(new_rsdp_v1(addr32(rsdt)), "RSDT", hex(rsdt), "signature");

	/* no RSDT at all */
	scan_fails(new_rsdp_v1(0), "RSDT", "signature", NULL);
}

static void test_bad_root_length_or_checksum(void **state)
{
	uint8_t *xsdt = new_xsdt((const uint64_t[]){ 0, 0 }, 2);
	char len_text[32];
	uint32_t len;

	(void)state;
	for (len = 0; len < HDR_LEN; len += 7) {   /* 0, 7, ... 35 */
		put32(xsdt + 4, len);
		seal(xsdt);
		snprintf(len_text, sizeof len_text, "length %u", len);
		scan_fails(new_rsdp_v2(0, addr(xsdt)), "XSDT", hex(xsdt),
		           len_text);
	}

	put32(xsdt + 4, HDR_LEN + 16);
	seal(xsdt);
	scan_ok(new_rsdp_v2(0, addr(xsdt)));
	xsdt[HDR_LEN + 3] = 1;                  /* checksum now wrong */
	scan_fails(new_rsdp_v2(0, addr(xsdt)), "XSDT", hex(xsdt), "checksum");

	/* absurd lengths are refused without being read */
	put32(xsdt + 4, 0xffffffffu);
	scan_fails(new_rsdp_v2(0, addr(xsdt)), "XSDT", hex(xsdt),
	           "length 4294967295");
	put32(xsdt + 4, (16u << 20) + 1);
	scan_fails(new_rsdp_v2(0, addr(xsdt)), "XSDT", hex(xsdt), "length");
}

static void test_error_buffer_is_bounded(void **state)
{
	uint8_t *rsdp = new_rsdp_v1(0);
	uint64_t cases[2];
	size_t n, i;

	(void)state;
	rsdp[0] = 'X';
	cases[0] = 0;                           /* no RSDP */
	cases[1] = addr(rsdp);                  /* bad RSDP */
	for (i = 0; i < 2; i++) {
		char full[ACPI_ERR_MAX];

		assert_false(acpi_scan(cases[i], &ai, full, sizeof full));
		/* each size on an exact heap block: ASan guards the end */
		for (n = 1; n <= 24; n++) {
			char *small = (char *)heap_mem(n);

			assert_false(acpi_scan(cases[i], &ai, small, n));
			assert_int_equal(strlen(small), strlen(full) < n - 1 ?
			                 strlen(full) : n - 1);
			assert_memory_equal(small, full, strlen(small));
		}
	}
}

/* ---- MADT CPU count -------------------------------------------------- */

static void test_madt_counts_enabled_cpus(void **state)
{
	uint8_t *madt;
	struct acpi_table_ref r;

	(void)state;
	ent_lapic(0, 0, 1);                 /* enabled */
	ent_ioapic();
	ent_lapic(1, 2, 1);                 /* enabled */
	ent_lapic(2, 4, 0);                 /* disabled */
	ent_iso();
	ent_lapic(3, 6, 2);                 /* online capable, not enabled */
	ent_lapic(4, 8, 3);                 /* enabled (and online capable) */
	ent_lapic_nmi();
	ent_x2apic(0x100, 1, 5);            /* enabled */
	ent_x2apic(0x101, 0, 6);            /* disabled */
	ent_x2apic(0x102, 0xfffffffeu, 7);  /* every bit but Enabled */
	ent_x2apic(0x103, 0xffffffffu, 8);  /* enabled */
	madt = new_madt();
	r = ref_of(madt);
	assert_int_equal(acpi_madt_cpus(&r), 5);

	/* the same through a scan */
	scan_ok(new_rsdp_v2(0, addr(new_xsdt((const uint64_t[]){ addr(madt) },
	                                      1))));
	assert_int_equal(acpi_madt_cpus(acpi_find(&ai, "APIC")), 5);
}

static void test_madt_many_cpus(void **state)
{
	struct acpi_table_ref r;
	unsigned i;

	(void)state;
	for (i = 0; i < 255; i++)
		ent_lapic((uint8_t)i, (uint8_t)i, i % 5 == 4 ? 0 : 1);
	for (i = 0; i < 100; i++)
		ent_x2apic(256 + i, 1, 255 + i);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 255 - 51 + 100);
}

static void test_madt_no_entries(void **state)
{
	struct acpi_table_ref r;

	(void)state;
	r = ref_of(new_madt());
	assert_int_equal(r.length, 44);
	assert_int_equal(acpi_madt_cpus(&r), 0);
}

static void test_madt_rejected(void **state)
{
	struct acpi_table_ref r;
	uint8_t *madt;

	(void)state;
	assert_int_equal(acpi_madt_cpus(NULL), 0);
	ent_lapic(0, 0, 1);
	madt = new_madt();
	r = ref_of(madt);
	assert_int_equal(acpi_madt_cpus(&r), 1);
	r.checksum_ok = false;
	assert_int_equal(acpi_madt_cpus(&r), 0);
	r.checksum_ok = true;
	r.length = 43;                      /* shorter than the fixed part */
	assert_int_equal(acpi_madt_cpus(&r), 0);

	/* through a scan: a MADT with a bad checksum counts nothing */
	madt[MADT_HDR_LEN + 2] ^= 0x80;
	scan_ok(new_rsdp_v2(0, addr(new_xsdt((const uint64_t[]){ addr(madt) },
	                                      1))));
	assert_false(ai.table[0].checksum_ok);
	assert_int_equal(acpi_madt_cpus(&ai.table[0]), 0);
}

static void test_madt_zero_length_entry_stops(void **state)
{
	static const uint8_t zero_len[] = { 0, 0, 0, 0, 1, 0, 0, 0 };
	struct acpi_table_ref r;

	(void)state;
	ent_lapic(0, 0, 1);
	ent_raw(zero_len, sizeof zero_len);  /* would loop forever if used */
	ent_lapic(1, 1, 1);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);
}

static void test_madt_length_one_entry_stops(void **state)
{
	static const uint8_t len_one[] = { 9, 1 };
	struct acpi_table_ref r;

	(void)state;
	ent_x2apic(1, 1, 1);
	ent_raw(len_one, sizeof len_one);
	ent_x2apic(2, 1, 2);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);
}

static void test_madt_entry_overrunning_end(void **state)
{
	/* a Local APIC claiming 8 bytes, 6 left in the table */
	static const uint8_t cut_lapic[] = { 0, 8, 2, 2, 1, 0 };
	static const uint8_t cut_x2apic[] = { 9, 16, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0 };
	struct acpi_table_ref r;

	(void)state;
	ent_lapic(0, 0, 1);
	ent_lapic(1, 1, 1);
	ent_raw(cut_lapic, sizeof cut_lapic);
	r = ref_of(new_madt());             /* exact size: ASan guards the end */
	assert_int_equal(acpi_madt_cpus(&r), 2);

	ent_x2apic(7, 1, 0);
	ent_raw(cut_x2apic, sizeof cut_x2apic);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);

	/* a huge length in a middle entry stops the count there */
	ent_lapic(0, 0, 1);
	ent_lapic(1, 1, 1);
	me.b[me.len - 7] = 0xff;            /* second entry: length 255 */
	ent_lapic(2, 2, 1);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);
}

static void test_madt_short_cpu_entries_not_counted(void **state)
{
	/* well-formed as a list, but too short to hold the flags: at the
	 * very end of the table, so reading flags would overrun */
	static const uint8_t short_lapic[] = { 0, 4, 1, 1 };
	static const uint8_t short_x2apic[] = { 9, 8, 0, 0, 5, 0, 0, 0 };
	struct acpi_table_ref r;

	(void)state;
	ent_lapic(0, 0, 1);
	ent_raw(short_lapic, sizeof short_lapic);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);

	ent_lapic(0, 0, 1);
	ent_raw(short_x2apic, sizeof short_x2apic);
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);
}

static void test_madt_trailing_byte(void **state)
{
	static const uint8_t one = 0;
	struct acpi_table_ref r;

	(void)state;
	ent_lapic(0, 0, 1);
	ent_raw(&one, 1);                   /* not even a type and length */
	r = ref_of(new_madt());
	assert_int_equal(acpi_madt_cpus(&r), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_xsdt_tree),
		T(test_rsdt_tree_acpi_1),
		T(test_fadt_with_only_32bit_dsdt),
		T(test_fadt_prefers_x_dsdt),
		T(test_short_fadt_has_no_x_dsdt),
		T(test_tiny_fadt_has_no_dsdt),
		T(test_fadt_without_dsdt),
		T(test_fadt_bad_checksum_not_followed),
		T(test_table_lengths_checked),
		T(test_null_entries_skipped),
		T(test_xsdt_partial_entry_ignored),
		T(test_empty_xsdt),
		T(test_too_many_tables_dropped),
		T(test_exactly_max_tables),
		T(test_rsdp_v2_with_bad_extended_checksum_uses_rsdt),
		T(test_rsdp_v2_without_xsdt_uses_rsdt),
		T(test_no_rsdp),
		T(test_bad_rsdp),
		T(test_bad_root_signature),
		T(test_bad_root_length_or_checksum),
		T(test_error_buffer_is_bounded),
		T(test_madt_counts_enabled_cpus),
		T(test_madt_many_cpus),
		T(test_madt_no_entries),
		T(test_madt_rejected),
		T(test_madt_zero_length_entry_stops),
		T(test_madt_length_one_entry_stops),
		T(test_madt_entry_overrunning_end),
		T(test_madt_short_cpu_entries_not_counted),
		T(test_madt_trailing_byte),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
