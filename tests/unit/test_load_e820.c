/*
 * tests/unit/test_load_e820.c — unit tests of the VM memory map
 * (hv/load/e820.c: guest_memmap_pc) against docs/platform.md's
 * "Guest-physical map", and of the map as loader input: its checks in
 * guest_load() (too long, wrapping) and Multiboot's mmap written from it
 * (the Linux e820 table and PVH's memmap are tested with their loaders).
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

#include "hv/config/config.h"     /* CONFIG_ERROR_MAX */
#include "hv/load/load.h"

#define MIB  ((uint64_t)1 << 20)
#define GIB  ((uint64_t)1 << 30)

#define RAM_BYTES  (8 * MIB)
#define ERR_MAX    256

static void expect_entry(const struct guest_memmap *m, unsigned i,
                         uint64_t gpa, uint64_t length, uint32_t type)
{
	assert_true(i < m->nentries);
	assert_int_equal(m->entry[i].gpa, gpa);
	assert_int_equal(m->entry[i].length, length);
	assert_int_equal(m->entry[i].type, type);
}

/* ---- the builder ------------------------------------------------------ */

static void test_pc_map(void **state)
{
	struct guest_memmap m;

	(void)state;
	memset(&m, 0xEE, sizeof m);
	assert_true(guest_memmap_pc(&m, 256 * MIB));
	assert_int_equal(m.nentries, 7);
	expect_entry(&m, 0, 0, 0x9FC00, GUEST_MEM_USABLE);
	/* EBDA, VGA and ROM hole; the ACPI tables at 0xE0000 lie in it. */
	expect_entry(&m, 1, 0x9FC00, 0x60400, GUEST_MEM_RESERVED);
	expect_entry(&m, 2, 0x100000, 256 * MIB - 0x100000, GUEST_MEM_USABLE);
	expect_entry(&m, 3, 0xD0000000, 0x100000, GUEST_MEM_RESERVED);
	expect_entry(&m, 4, 0xFEC00000, 0x1000, GUEST_MEM_RESERVED);
	expect_entry(&m, 5, 0xFED00000, 0x1000, GUEST_MEM_RESERVED);
	expect_entry(&m, 6, 0xFEE00000, 0x1000, GUEST_MEM_RESERVED);
	/* Unused slots are zero. */
	assert_int_equal(m.entry[7].gpa, 0);
	assert_int_equal(m.entry[GUEST_MEMMAP_MAX - 1].type, 0);
	/* The numbers are the e820 / ACPI address range types. */
	assert_int_equal(GUEST_MEM_USABLE, 1);
	assert_int_equal(GUEST_MEM_RESERVED, 2);
	assert_int_equal(GUEST_MEM_ACPI, 3);
	assert_int_equal(GUEST_MEM_NVS, 4);
}

/* Sorted, no overlaps, the ACPI area reserved, RAM where RAM is. */
static void test_pc_map_shape(void **state)
{
	static const uint64_t sizes[] = {
		2 * MIB, 64 * MIB, 1 * GIB, 2 * GIB - 2 * MIB, 2 * GIB,
	};
	struct guest_memmap m;
	unsigned i, k;

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		assert_true(guest_memmap_pc(&m, sizes[k]));
		for (i = 1; i < m.nentries; i++)
			assert_true(m.entry[i - 1].gpa + m.entry[i - 1].length <=
			            m.entry[i].gpa);
		assert_true(m.entry[1].gpa <= GUEST_ACPI_GPA &&
		            GUEST_ACPI_GPA + 0x20000 <=
		            m.entry[1].gpa + m.entry[1].length);
		assert_int_equal(m.entry[2].gpa + m.entry[2].length, sizes[k]);
	}
}

static void test_pc_map_limits(void **state)
{
	struct guest_memmap m;

	(void)state;
	assert_false(guest_memmap_pc(&m, 0));
	assert_int_equal(m.nentries, 0);
	assert_false(guest_memmap_pc(&m, MIB));     /* no RAM above 1 MiB */
	assert_int_equal(m.nentries, 0);
	assert_true(guest_memmap_pc(&m, MIB + 4096));
	expect_entry(&m, 2, MIB, 4096, GUEST_MEM_USABLE);
	assert_true(guest_memmap_pc(&m, 2 * GIB));  /* up to the PCI window */
	expect_entry(&m, 2, MIB, 2 * GIB - MIB, GUEST_MEM_USABLE);
	assert_false(guest_memmap_pc(&m, 2 * GIB + 2 * MIB));
	assert_int_equal(m.nentries, 0);
	assert_false(guest_memmap_pc(&m, UINT64_MAX));
}

/* ---- the map as loader input ------------------------------------------ */

static uint8_t *ram;
static uint8_t img[0x1000];
static struct guest_entry ent;
static char err[ERR_MAX];

/* A Multiboot a.out-kludge image (§3.1): loaded at 1 MiB, entry +0x20. */
static void build_multiboot(void)
{
	const uint32_t flags = 0x10003;
	uint32_t h[8] = {
		0x1BADB002u, flags, 0u - (0x1BADB002u + flags),
		0x100000, 0x100000, 0, 0, 0x100020,
	};

	memset(img, 0x90, sizeof img);
	memcpy(img, h, sizeof h);
}

static int setup(void **state)
{
	(void)state;
	ram = malloc(RAM_BYTES);
	assert_non_null(ram);
	memset(ram, 0xCC, RAM_BYTES);
	build_multiboot();
	memset(err, 0, sizeof err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, ram + gpa, sizeof v);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, ram + gpa, sizeof v);
	return v;
}

static struct guest_load_req request(const struct guest_memmap *m)
{
	struct guest_load_req r = {
		.ram = ram, .ram_bytes = RAM_BYTES,
		.image = img, .image_size = sizeof img,
		.cmdline = "", .memmap = m,
	};
	return r;
}

static void test_multiboot_mmap_from_memmap(void **state)
{
	struct guest_memmap m;
	struct guest_load_req r = request(&m);
	uint64_t mm;
	unsigned i;

	(void)state;
	assert_true(guest_memmap_pc(&m, RAM_BYTES));
	assert_true(guest_load(&r, &ent, err, sizeof err));
	assert_int_equal(ent.kind, GUEST_MULTIBOOT);
	assert_int_equal(rd32(0x50000) & (1u << 6), 1u << 6);  /* mmap valid */
	assert_int_equal(rd32(0x5002C), 7 * 24);               /* mmap_length */
	mm = rd32(0x50030);
	for (i = 0; i < 7; i++) {
		uint64_t e = mm + 24 * i;

		assert_int_equal(rd32(e), 20);     /* size, not counting itself */
		assert_int_equal(rd64(e + 4), m.entry[i].gpa);
		assert_int_equal(rd64(e + 12), m.entry[i].length);
		assert_int_equal(rd32(e + 20), m.entry[i].type);
	}
	/* The command line follows the map. */
	assert_int_equal(rd32(0x50010), mm + 7 * 24);
	/* mem_lower/mem_upper as before. */
	assert_int_equal(rd32(0x50004), 639);
	assert_int_equal(rd32(0x50008), (RAM_BYTES - MIB) / 1024);
}

/* The longest map fits the Multiboot information area too. */
static void test_multiboot_longest_memmap(void **state)
{
	struct guest_memmap m;
	struct guest_load_req r = request(&m);
	unsigned i;

	(void)state;
	memset(&m, 0, sizeof m);
	m.nentries = GUEST_MEMMAP_MAX;
	for (i = 0; i < GUEST_MEMMAP_MAX; i++) {
		m.entry[i].gpa = (uint64_t)i << 32;
		m.entry[i].length = 0x1000;
		m.entry[i].type = 1 + i % 4;
	}
	assert_true(guest_load(&r, &ent, err, sizeof err));
	assert_int_equal(rd32(0x5002C), GUEST_MEMMAP_MAX * 24);
	assert_int_equal(rd64(rd32(0x50030) + 24 * 31 + 4), 31ull << 32);
	assert_int_equal(rd32(rd32(0x50030) + 24 * 31 + 20), 4);
	/* An empty map: no entries, still a valid mmap_addr. */
	m.nentries = 0;
	assert_true(guest_load(&r, &ent, err, sizeof err));
	assert_int_equal(rd32(0x5002C), 0);
}

static void test_memmap_refused(void **state)
{
	struct guest_memmap m;
	struct guest_load_req r = request(&m);

	(void)state;
	assert_true(guest_memmap_pc(&m, RAM_BYTES));
	m.nentries = GUEST_MEMMAP_MAX + 1;
	assert_false(guest_load(&r, &ent, err, sizeof err));
	assert_string_equal(err, "memory map too long: 33 entries, at most 32");
	m.nentries = 0xFFFFFFFFu;
	assert_false(guest_load(&r, &ent, err, sizeof err));
	assert_non_null(strstr(err, "memory map too long: 4294967295 entries"));
	m.nentries = 6;
	m.entry[4].length = UINT64_MAX - 0xFEC00000 + 1;
	assert_false(guest_load(&r, &ent, err, sizeof err));
	assert_string_equal(err, "memory map entry 4 at 0xfec00000 + "
	                         "0xffffffff01400000 wraps around the address "
	                         "space");
	assert_true(strlen(err) < CONFIG_ERROR_MAX);
	m.entry[4].length = UINT64_MAX - 0xFEC00000;  /* ends at the top */
	assert_true(guest_load(&r, &ent, err, sizeof err));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pc_map),
		cmocka_unit_test(test_pc_map_shape),
		cmocka_unit_test(test_pc_map_limits),
		T(test_multiboot_mmap_from_memmap),
		T(test_multiboot_longest_memmap),
		T(test_memmap_refused),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
