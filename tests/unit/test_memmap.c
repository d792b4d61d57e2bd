/*
 * tests/unit/test_memmap.c — unit tests of hv/memmap.c: appending ranges
 * (zero length ignored, overflow counted), normalising (sort by base,
 * merge touching ranges of one type only), totals, end, type names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/memmap.h"

#define KIB  ((uint64_t)1 << 10)
#define MIB  ((uint64_t)1 << 20)
#define GIB  ((uint64_t)1 << 30)
#define PG   4096ull

#define MAP_MAX 16

static struct mem_range map[MAP_MAX + 1];   /* +1: a guard entry */
static unsigned nmap, ndropped;

/* ---- helpers --------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	memset(map, 0xee, sizeof map);
	nmap = 0;
	ndropped = 0;
	return 0;
}

/* Append with the map's capacity (max), expecting success. */
static void add(uint64_t base, uint64_t npages, enum mem_type type)
{
	assert_true(memmap_add(map, &nmap, MAP_MAX, base, npages, type,
	                       &ndropped));
}

#define EXPECT_RANGE(i, b, np, t) \
	expect_range_at(__FILE__, __LINE__, (i), (b), (np), (t))

static void expect_range_at(const char *file, int line, unsigned i,
                            uint64_t base, uint64_t npages, enum mem_type t)
{
	if (i >= nmap)
		fail_msg("%s:%d: range %u missing (map has %u)", file, line, i,
		         nmap);
	if (map[i].base != base || map[i].npages != npages || map[i].type != t)
		fail_msg("%s:%d: range %u is {%#llx, %llu pages, %s}, expected "
		         "{%#llx, %llu pages, %s}", file, line, i,
		         (unsigned long long)map[i].base,
		         (unsigned long long)map[i].npages,
		         mem_type_name(map[i].type), (unsigned long long)base,
		         (unsigned long long)npages, mem_type_name(t));
}

/* ---- memmap_add ------------------------------------------------------ */

static void test_add_appends_in_order(void **state)
{
	(void)state;
	add(0x100000, 16, MEM_FREE);
	add(0x0, 1, MEM_RESERVED);
	add(0xfee00000, 1, MEM_MMIO);
	assert_int_equal(nmap, 3);
	assert_int_equal(ndropped, 0);
	EXPECT_RANGE(0, 0x100000, 16, MEM_FREE);
	EXPECT_RANGE(1, 0x0, 1, MEM_RESERVED);          /* not sorted yet */
	EXPECT_RANGE(2, 0xfee00000, 1, MEM_MMIO);
}

static void test_add_zero_length_ignored(void **state)
{
	(void)state;
	add(0x100000, 0, MEM_FREE);
	assert_int_equal(nmap, 0);
	add(0x100000, 1, MEM_FREE);
	add(0x200000, 0, MEM_LOADER);
	assert_int_equal(nmap, 1);
	assert_int_equal(ndropped, 0);
	/* not even counted as dropped when the map is full */
	nmap = MAP_MAX;
	assert_true(memmap_add(map, &nmap, MAP_MAX, 0x300000, 0, MEM_FREE,
	                       &ndropped));
	assert_int_equal(nmap, MAP_MAX);
	assert_int_equal(ndropped, 0);
}

static void test_add_full_counts_dropped(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < MAP_MAX; i++)
		add((uint64_t)i * 2 * PG, 1, MEM_FREE);
	assert_int_equal(nmap, MAP_MAX);
	assert_false(memmap_add(map, &nmap, MAP_MAX, 0x1000000, 4, MEM_LOADER,
	                        &ndropped));
	assert_int_equal(ndropped, 1);
	assert_false(memmap_add(map, &nmap, MAP_MAX, 0x2000000, 4, MEM_FREE,
	                        &ndropped));
	assert_int_equal(ndropped, 2);
	assert_int_equal(nmap, MAP_MAX);
	/* nothing written past the end */
	assert_int_equal(map[MAP_MAX].base, 0xeeeeeeeeeeeeeeeeull);
	EXPECT_RANGE(MAP_MAX - 1, (MAP_MAX - 1) * 2 * PG, 1, MEM_FREE);
}

static void test_add_respects_smaller_max(void **state)
{
	(void)state;
	assert_true(memmap_add(map, &nmap, 2, 0x1000, 1, MEM_FREE, &ndropped));
	assert_true(memmap_add(map, &nmap, 2, 0x3000, 1, MEM_FREE, &ndropped));
	assert_false(memmap_add(map, &nmap, 2, 0x5000, 1, MEM_FREE, &ndropped));
	assert_int_equal(nmap, 2);
	assert_int_equal(ndropped, 1);
	assert_int_equal(map[2].base, 0xeeeeeeeeeeeeeeeeull);
}

/* ---- memmap_normalize ------------------------------------------------ */

static void test_normalize_empty_and_single(void **state)
{
	(void)state;
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 0);
	add(0x100000, 3, MEM_ACPI_NVS);
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 1);
	EXPECT_RANGE(0, 0x100000, 3, MEM_ACPI_NVS);
}

static void test_normalize_sorts(void **state)
{
	(void)state;
	add(0x300000, 1, MEM_FREE);
	add(0x100000, 1, MEM_FREE);
	add(0xfec00000, 1, MEM_MMIO);
	add(0x0, 1, MEM_RESERVED);
	add(0x200000, 1, MEM_FREE);
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 5);
	EXPECT_RANGE(0, 0x0, 1, MEM_RESERVED);
	EXPECT_RANGE(1, 0x100000, 1, MEM_FREE);
	EXPECT_RANGE(2, 0x200000, 1, MEM_FREE);
	EXPECT_RANGE(3, 0x300000, 1, MEM_FREE);
	EXPECT_RANGE(4, 0xfec00000, 1, MEM_MMIO);
}

static void test_normalize_merges_touching_same_type(void **state)
{
	(void)state;
	/* three pieces of one free run, given out of order */
	add(0x102000, 2, MEM_FREE);    /* 0x102000 - 0x104000 */
	add(0x100000, 2, MEM_FREE);    /* 0x100000 - 0x102000 */
	add(0x104000, 12, MEM_FREE);   /* 0x104000 - 0x110000 */
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 1);
	EXPECT_RANGE(0, 0x100000, 16, MEM_FREE);
}

static void test_normalize_keeps_different_types(void **state)
{
	(void)state;
	add(0x100000, 2, MEM_FREE);
	add(0x102000, 2, MEM_LOADER);          /* touching, other type */
	add(0x104000, 2, MEM_FREE);            /* touching, free again */
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 3);
	EXPECT_RANGE(0, 0x100000, 2, MEM_FREE);
	EXPECT_RANGE(1, 0x102000, 2, MEM_LOADER);
	EXPECT_RANGE(2, 0x104000, 2, MEM_FREE);
}

static void test_normalize_keeps_gaps(void **state)
{
	(void)state;
	add(0x100000, 2, MEM_FREE);
	add(0x103000, 2, MEM_FREE);            /* one page gap */
	add(0x105000, 1, MEM_FREE);            /* touches the second */
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 2);
	EXPECT_RANGE(0, 0x100000, 2, MEM_FREE);
	EXPECT_RANGE(1, 0x103000, 3, MEM_FREE);
}

static void test_normalize_firmware_like_map(void **state)
{
	(void)state;
	/* Roughly what OVMF reports, converted, in firmware order. */
	add(0x0, 0xa0, MEM_FREE);                       /* 0 - 640K */
	add(0x100000, 0x700, MEM_FREE);                 /* 1M - 8M */
	add(0x800000, 0x8, MEM_ACPI_NVS);
	add(0x808000, 0x3, MEM_FREE);
	add(0x80b000, 0x1, MEM_ACPI_NVS);
	add(0x80c000, 0x4, MEM_FREE);
	add(0x810000, 0xf0, MEM_ACPI_NVS);
	add(0x900000, 0x3e00, MEM_FREE);
	add(0x4700000, 0x100, MEM_LOADER);
	add(0x4800000, 0x100, MEM_LOADER);
	add(0x4900000, 0x200, MEM_BOOT_SERVICES);
	add(0x4b00000, 0x100, MEM_BOOT_SERVICES);
	add(0x7f000000, 0x80, MEM_RT_DATA);
	add(0x7f080000, 0x80, MEM_RT_CODE);
	add(0x7f100000, 0x80, MEM_RT_DATA);
	add(0xffc00000, 0x400, MEM_MMIO);
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 14);
	EXPECT_RANGE(0, 0x0, 0xa0, MEM_FREE);
	EXPECT_RANGE(1, 0x100000, 0x700, MEM_FREE);
	EXPECT_RANGE(6, 0x810000, 0xf0, MEM_ACPI_NVS);
	EXPECT_RANGE(7, 0x900000, 0x3e00, MEM_FREE);
	EXPECT_RANGE(8, 0x4700000, 0x200, MEM_LOADER);
	EXPECT_RANGE(9, 0x4900000, 0x300, MEM_BOOT_SERVICES);
	EXPECT_RANGE(10, 0x7f000000, 0x80, MEM_RT_DATA);
	EXPECT_RANGE(11, 0x7f080000, 0x80, MEM_RT_CODE);
	EXPECT_RANGE(12, 0x7f100000, 0x80, MEM_RT_DATA);
	EXPECT_RANGE(13, 0xffc00000, 0x400, MEM_MMIO);
	/* normalising again changes nothing */
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 14);
	EXPECT_RANGE(8, 0x4700000, 0x200, MEM_LOADER);
}

static void test_normalize_reverse_order_full_map(void **state)
{
	unsigned i;

	(void)state;
	/* MAP_MAX touching free pages given last-first: one range */
	for (i = MAP_MAX; i > 0; i--)
		add(0x100000 + (uint64_t)(i - 1) * PG, 1, MEM_FREE);
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 1);
	EXPECT_RANGE(0, 0x100000, MAP_MAX, MEM_FREE);
}

static void test_normalize_high_addresses(void **state)
{
	(void)state;
	add(0x100000000ull, 0x40000, MEM_FREE);         /* 4G - 5G */
	add(0xc0000000ull, 0x40000, MEM_FREE);          /* 3G - 4G */
	add(0x8000000000ull, 1, MEM_MMIO);              /* 512G */
	memmap_normalize(map, &nmap);
	assert_int_equal(nmap, 2);
	EXPECT_RANGE(0, 0xc0000000ull, 0x80000, MEM_FREE);
	EXPECT_RANGE(1, 0x8000000000ull, 1, MEM_MMIO);
}

/* ---- totals and end -------------------------------------------------- */

static void test_totals(void **state)
{
	(void)state;
	assert_int_equal(memmap_total(map, nmap, MEM_FREE), 0);
	add(0x0, 0xa0, MEM_FREE);                       /* 640 KiB */
	add(0x100000, 0x3f00, MEM_FREE);                /* 63 MiB */
	add(0x4000000, 0x800, MEM_LOADER);              /* 8 MiB */
	add(0x100000000ull, 0x100000, MEM_FREE);        /* 4 GiB */
	add(0xfee00000, 1, MEM_MMIO);
	assert_int_equal(memmap_total(map, nmap, MEM_FREE),
	                 640 * KIB + 63 * MIB + 4 * GIB);
	assert_int_equal(memmap_total(map, nmap, MEM_LOADER), 8 * MIB);
	assert_int_equal(memmap_total(map, nmap, MEM_MMIO), 4 * KIB);
	assert_int_equal(memmap_total(map, nmap, MEM_ACPI_RECLAIM), 0);
	assert_int_equal(memmap_total(map, nmap, MEM_RESERVED), 0);
	/* only the first n entries count */
	assert_int_equal(memmap_total(map, 1, MEM_FREE), 640 * KIB);
	assert_int_equal(memmap_total(map, 0, MEM_FREE), 0);
}

static void test_totals_unchanged_by_normalize(void **state)
{
	(void)state;
	add(0x104000, 4, MEM_FREE);
	add(0x100000, 4, MEM_FREE);
	add(0x108000, 4, MEM_RT_CODE);
	memmap_normalize(map, &nmap);
	assert_int_equal(memmap_total(map, nmap, MEM_FREE), 8 * PG);
	assert_int_equal(memmap_total(map, nmap, MEM_RT_CODE), 4 * PG);
}

static void test_end(void **state)
{
	(void)state;
	assert_int_equal(memmap_end(map, 0), 0);
	add(0x100000, 16, MEM_FREE);
	assert_int_equal(memmap_end(map, nmap), 0x110000);
	/* the highest range need not be the last one */
	add(0x100000000ull, 0x10, MEM_RESERVED);
	add(0x200000, 1, MEM_FREE);
	assert_int_equal(memmap_end(map, nmap), 0x100010000ull);
	/* a long range that starts low can end highest */
	add(0x1000000, 0x200000, MEM_FREE);             /* 16M + 8G */
	assert_int_equal(memmap_end(map, nmap), 0x201000000ull);
	assert_int_equal(memmap_end(map, 1), 0x110000);
}

/* ---- names ----------------------------------------------------------- */

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(mem_type_name(MEM_FREE), "free");
	assert_string_equal(mem_type_name(MEM_LOADER), "loader");
	assert_string_equal(mem_type_name(MEM_BOOT_SERVICES), "boot-services");
	assert_string_equal(mem_type_name(MEM_RT_CODE), "runtime-code");
	assert_string_equal(mem_type_name(MEM_RT_DATA), "runtime-data");
	assert_string_equal(mem_type_name(MEM_ACPI_RECLAIM), "acpi-reclaim");
	assert_string_equal(mem_type_name(MEM_ACPI_NVS), "acpi-nvs");
	assert_string_equal(mem_type_name(MEM_MMIO), "mmio");
	assert_string_equal(mem_type_name(MEM_RESERVED), "reserved");
	assert_string_equal(mem_type_name(MEM_NTYPES), "?");
	assert_string_equal(mem_type_name((enum mem_type)100), "?");
	assert_string_equal(mem_type_name((enum mem_type)-1), "?");
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_appends_in_order),
		T(test_add_zero_length_ignored),
		T(test_add_full_counts_dropped),
		T(test_add_respects_smaller_max),
		T(test_normalize_empty_and_single),
		T(test_normalize_sorts),
		T(test_normalize_merges_touching_same_type),
		T(test_normalize_keeps_different_types),
		T(test_normalize_keeps_gaps),
		T(test_normalize_firmware_like_map),
		T(test_normalize_reverse_order_full_map),
		T(test_normalize_high_addresses),
		T(test_totals),
		T(test_totals_unchanged_by_normalize),
		T(test_end),
		T(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
