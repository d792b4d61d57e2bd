/*
 * tests/unit/test_insn_cache.c — vmx/insn_cache.c: the instruction cache
 * of the MMIO exit hits only when a fresh fetch would find the same
 * instruction: same linear address and walk registers, the same page
 * tables, the same bytes. Every rule has a test that changes one input:
 * self-modifying code, a page remapped (to a page with the same bytes,
 * too), a change higher up the tables, another CR3, CPL, CR4, mode.
 * Guest memory is a 1 MiB array with hand-built 4-level tables (SDM Vol.
 * 3A §4.5: P bit 0, R/W bit 1, U/S bit 2, address bits 51:12).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/decode.h"
#include "vmx/gwalk.h"
#include "vmx/insn_cache.h"

#define RAM_BYTES 0x100000u
#define PML4 0x1000ull
#define PDPT 0x2000ull
#define PD   0x3000ull
#define PT   0x4000ull
#define CODE 0x5000ull            /* the page RIP is on */
#define CODE2 0x6000ull           /* another page with the same bytes */
#define RIP  0x40000123ull        /* PML4 0, PDPT 1, PD 0, PT 0, +0x123 */
#define P_RW 3ull

static uint8_t ram[RAM_BYTES];
static struct insn_cache cache;

static bool rd(void *ctx, uint64_t gpa, unsigned size, uint64_t *v)
{
	(void)ctx;
	if (gpa + size > RAM_BYTES)
		return false;
	*v = 0;
	memcpy(v, ram + gpa, size);
	return true;
}

static const uint8_t *at(void *ctx, uint64_t gpa, unsigned len)
{
	(void)ctx;
	return gpa + len <= RAM_BYTES ? ram + gpa : NULL;
}

static void put(uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, 8);
}

static const uint8_t mov_eax_rbx[] = { 0x8b, 0x03 };        /* mov eax, [rbx] */

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(&cache, 0, sizeof(cache));
	put(PML4, PDPT | P_RW);
	put(PDPT + 8, PD | P_RW);
	put(PD, PT | P_RW);
	put(PT, CODE | P_RW);
	memcpy(ram + CODE + 0x123, mov_eax_rbx, 2);
	memcpy(ram + CODE2 + 0x123, mov_eax_rbx, 2);
	return 0;
}

static struct insn_key key(void)
{
	return (struct insn_key){ RIP, 0x80010011ull, PML4, 0x20, 0xd00, 0,
	                          CPU_MODE_64 };
}

/* The long way, as vmx/mmio.c takes it: walk, fetch, decode, keep. */
static void fill(const struct insn_key *k)
{
	struct gwalk_regs r = { k->cr0, k->cr3, k->cr4, k->efer, 2, 0, k->cpl };
	struct gwalk_path path;
	struct insn in;
	uint64_t gpa;
	uint32_t err;

	assert_int_equal(gwalk_record(&r, k->linear, GWALK_FETCH, rd, NULL, &gpa,
	                              &err, &path), GW_OK);
	assert_int_equal(path.n, 4);
	assert_int_equal(insn_decode(ram + gpa, 15, k->mode, &in), DECODE_OK);
	insn_cache_fill(&cache, k, &path, gpa, ram + gpa, &in);
}

static bool lookup(const struct insn_key *k)
{
	struct insn in;

	memset(&in, 0xa5, sizeof(in));
	if (!insn_cache_lookup(&cache, k, rd, at, NULL, &in))
		return false;
	assert_int_equal(in.kind, INSN_LOAD);
	assert_int_equal(in.len, 2);
	return true;
}

static void test_empty_misses(void **state)
{
	struct insn_key k = key();

	(void)state;
	assert_false(lookup(&k));
	assert_int_equal(cache.misses, 1);
}

static void test_same_everything_hits(void **state)
{
	struct insn_key k = key();

	(void)state;
	fill(&k);
	assert_true(lookup(&k));
	assert_true(lookup(&k));
	assert_int_equal(cache.hits, 2);
	assert_int_equal(cache.gpa, CODE + 0x123);
}

/* Self-modifying code: the bytes at the cached GPA changed. */
static void test_self_modifying_code_misses(void **state)
{
	struct insn_key k = key();

	(void)state;
	fill(&k);
	ram[CODE + 0x124] = 0x0b;                 /* mov ecx, [rbx] now */
	assert_false(lookup(&k));
	ram[CODE + 0x124] = 0x03;                 /* and back: the same again */
	assert_true(lookup(&k));
}

/* The page remapped to another with the very same bytes: the cached GPA
 * still holds them, but the walk would now go elsewhere. */
static void test_remapped_page_misses(void **state)
{
	struct insn_key k = key();

	(void)state;
	fill(&k);
	put(PT, CODE2 | P_RW);
	assert_false(lookup(&k));
	fill(&k);
	assert_int_equal(cache.gpa, CODE2 + 0x123);
	assert_true(lookup(&k));
	put(PT, CODE2 | P_RW | 4);                /* U/S: rights changed */
	assert_false(lookup(&k));
}

/* A change higher up: the PD entry now points at another table. */
static void test_upper_level_change_misses(void **state)
{
	struct insn_key k = key();

	(void)state;
	fill(&k);
	put(0x7000, CODE | P_RW);
	put(PD, 0x7000 | P_RW);
	assert_false(lookup(&k));
	put(PD, PT | P_RW);
	put(PDPT + 8, 0);                         /* not present: would #PF */
	assert_false(lookup(&k));
}

/* Any register the fetch walk reads, the mode, the address. */
static void test_other_registers_miss(void **state)
{
	struct insn_key k = key(), o;

	(void)state;
	fill(&k);
	o = k; o.cr3 = 0x9000;                    /* another address space */
	assert_false(lookup(&o));
	o = k; o.cpl = 3;
	assert_false(lookup(&o));
	o = k; o.cr4 |= 1u << 20;                 /* SMEP */
	assert_false(lookup(&o));
	o = k; o.efer &= ~0x800ull;               /* NXE off */
	assert_false(lookup(&o));
	o = k; o.cr0 &= ~(1ull << 16);
	assert_false(lookup(&o));
	o = k; o.mode = CPU_MODE_32;
	assert_false(lookup(&o));
	o = k; o.linear += 2;
	assert_false(lookup(&o));
	assert_true(lookup(&k));
	assert_int_equal(cache.misses, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_misses, setup),
		cmocka_unit_test_setup(test_same_everything_hits, setup),
		cmocka_unit_test_setup(test_self_modifying_code_misses, setup),
		cmocka_unit_test_setup(test_remapped_page_misses, setup),
		cmocka_unit_test_setup(test_upper_level_change_misses, setup),
		cmocka_unit_test_setup(test_other_registers_miss, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
