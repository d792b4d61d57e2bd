/*
 * tests/unit/test_ggtt.c — unit tests of gpu/ggtt.c, the GGTT shadowing
 * rules (docs/iommu.md "GGTT shadowing", GEN9-FACTS §2). The VM is the
 * first _8 vGPU on the software model's 1 GiB aperture (docs/vgpu.md):
 * low GM [128M, 192M), high GM [1G + 384M, +384M); 16 MiB of RAM, its
 * IOVA window at 32 GiB, the scratch page at IOVA 0x1000 (entry 0x1001:
 * present). Worked out by hand:
 *   low  window: entries 0x8000 .. 0xbfff   (16384), GGTT offsets
 *                0x40000 .. 0x5fff8, store slots 0 .. 0x3fff
 *   high window: entries 0x58000 .. 0x6ffff (98304), GGTT offsets
 *                0x2c0000 .. 0x37fff8, store slots 0x4000 .. 0x1bfff
 *   store: 114688 entries; valid GPAs [0, 0x1000000)
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/ggtt.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

#define RAM      (16 * MIB)
#define IOVA     (32 * GIB)               /* 0x800000000 */
#define SCRATCH  0x1000ull
/* Every entry that maps nothing of the VM's: the scratch page, present
 * (issue 8 item 10; GEN9-FACTS §2 "Scratch page"), flags dropped. */
#define SCRATCH_PTE 0x1001ull

#define LOW_FIRST   0x8000ull
#define LOW_LAST    0xbfffull
#define HIGH_FIRST  0x58000ull
#define HIGH_LAST   0x6ffffull
#define NENTRIES    114688u                /* 0x4000 + 0x18000 */

#define OFF(index)  ((index) * 8)

#define UNTOUCHED   0x5a5a5a5a5a5a5a5aull  /* *index / *shadow before */

static const struct gm_window low = { 128 * MIB, 64 * MIB };
static const struct gm_window high = { 1 * GIB + 384 * MIB, 384 * MIB };

static uint64_t store[NENTRIES];
static struct ggtt_vm vm;
static uint64_t idx, shadow;

static int setup(void **state)
{
	(void)state;
	memset(store, 0xa5, sizeof store);    /* init must clear it */
	memset(&vm, 0xa5, sizeof vm);         /* and the counters */
	ggtt_vm_init(&vm, &low, &high, RAM, IOVA, SCRATCH, store);
	return 0;
}

static enum ggtt_action wr(uint64_t off, unsigned size, uint64_t value)
{
	idx = UNTOUCHED;
	shadow = UNTOUCHED;
	return ggtt_guest_write(&vm, off, size, value, &idx, &shadow);
}

#define EXPECT_APPLY(off, size, value, want_index, want_shadow)            \
	do {                                                               \
		assert_int_equal(wr((off), (size), (value)), GGTT_APPLY);  \
		assert_int_equal(idx, (want_index));                       \
		assert_int_equal(shadow, (want_shadow));                   \
	} while (0)

#define EXPECT_DROP(off, size, value, want_index)                          \
	do {                                                               \
		assert_int_equal(wr((off), (size), (value)), GGTT_DROP);   \
		assert_int_equal(idx, (want_index));                       \
		assert_int_equal(shadow, UNTOUCHED);                       \
	} while (0)

/* ... and every write is in one bucket (issue 9: the counters add up). */
#define EXPECT_COUNTERS(d, r, a)                                           \
	do {                                                               \
		assert_int_equal(vm.dropped, (d));                         \
		assert_int_equal(vm.rejected, (r));                        \
		assert_int_equal(vm.applied, (a));                         \
		assert_int_equal(vm.writes, vm.dropped + vm.not_present +  \
		                 vm.rejected + vm.applied);                 \
	} while (0)

static void expect_store_zero(void)
{
	unsigned i;

	for (i = 0; i < NENTRIES; i++)
		if (store[i] != 0)
			fail_msg("store[%#x] = %#llx, expected 0", i,
			         (unsigned long long)store[i]);
}

/* ---- geometry ---------------------------------------------------------- */

static void test_entries(void **state)
{
	static const struct gm_window none = { 0, 0 };
	static const struct gm_window big_low = { 128 * MIB, 512 * MIB };
	static const struct gm_window big_high = { 1408 * MIB, 2 * GIB };

	(void)state;
	assert_int_equal(ggtt_vm_entries(&low, &high), NENTRIES);
	assert_int_equal(ggtt_vm_entries(&none, &none), 0);
	assert_int_equal(ggtt_vm_entries(&low, &none), 0x4000);
	assert_int_equal(ggtt_vm_entries(&none, &high), 0x18000);
	/* _1: 512M / 4K + 2G / 4K = 0x20000 + 0x80000 */
	assert_int_equal(ggtt_vm_entries(&big_low, &big_high), 0xa0000);
}

static void test_init(void **state)
{
	(void)state;
	expect_store_zero();
	EXPECT_COUNTERS(0, 0, 0);
	assert_int_equal(vm.low.base, 128 * MIB);
	assert_int_equal(vm.low.size, 64 * MIB);
	assert_int_equal(vm.high.base, 1408 * MIB);
	assert_int_equal(vm.high.size, 384 * MIB);
	assert_int_equal(vm.ram_bytes, RAM);
	assert_int_equal(vm.iova_base, IOVA);
	assert_int_equal(vm.scratch_iova, SCRATCH);
	assert_ptr_equal(vm.guest, store);
}

static void test_in_windows_boundaries(void **state)
{
	(void)state;
	assert_false(ggtt_in_windows(&vm, 0));
	assert_false(ggtt_in_windows(&vm, LOW_FIRST - 1));
	assert_true(ggtt_in_windows(&vm, LOW_FIRST));
	assert_true(ggtt_in_windows(&vm, LOW_LAST));
	assert_false(ggtt_in_windows(&vm, LOW_LAST + 1));
	assert_false(ggtt_in_windows(&vm, 0x40000));      /* 1 GiB */
	assert_false(ggtt_in_windows(&vm, HIGH_FIRST - 1));
	assert_true(ggtt_in_windows(&vm, HIGH_FIRST));
	assert_true(ggtt_in_windows(&vm, HIGH_LAST));
	assert_false(ggtt_in_windows(&vm, HIGH_LAST + 1));
	assert_false(ggtt_in_windows(&vm, 0xfffff));      /* last of 4 GiB */
	assert_false(ggtt_in_windows(&vm, ~0ull));
}

/* Writes at each boundary: inside applied into the right store slot,
 * outside dropped. */
static void test_write_boundaries(void **state)
{
	(void)state;
	EXPECT_DROP(OFF(LOW_FIRST - 1), 8, 0x1001, LOW_FIRST - 1);  /* 0x3fff8 */
	EXPECT_APPLY(OFF(LOW_FIRST), 8, 0x2001, LOW_FIRST, IOVA + 0x2001);
	assert_int_equal(store[0], 0x2001);
	EXPECT_APPLY(OFF(LOW_LAST), 8, 0x3001, LOW_LAST, IOVA + 0x3001);
	assert_int_equal(store[0x3fff], 0x3001);
	EXPECT_DROP(OFF(LOW_LAST + 1), 8, 0x4001, LOW_LAST + 1);    /* 0x60000 */
	EXPECT_DROP(OFF(HIGH_FIRST - 1), 8, 0x5001, HIGH_FIRST - 1);
	EXPECT_APPLY(OFF(HIGH_FIRST), 8, 0x6001, HIGH_FIRST, IOVA + 0x6001);
	assert_int_equal(store[0x4000], 0x6001);
	EXPECT_APPLY(OFF(HIGH_LAST), 8, 0x7001, HIGH_LAST, IOVA + 0x7001);
	assert_int_equal(store[0x1bfff], 0x7001);
	EXPECT_DROP(OFF(HIGH_LAST + 1), 8, 0x8001, HIGH_LAST + 1);  /* 0x380000 */
	EXPECT_DROP(0x7ffff8, 8, 0x9001, 0xfffff);   /* the last GGTT entry */
	EXPECT_COUNTERS(5, 0, 4);
	assert_int_equal(store[1], 0);
	assert_int_equal(store[0x3ffe], 0);
	assert_int_equal(store[0x4001], 0);
	assert_int_equal(store[0x1bffe], 0);
}

/* ---- the shadow value ---------------------------------------------------- */

static void test_scratch_pte(void **state)
{
	(void)state;
	assert_int_equal(ggtt_scratch_pte(0x1000), 0x1001);
	assert_int_equal(ggtt_scratch_pte(0x7ffffff000ull), 0x7ffffff001ull);
	/* an HPA scratch page (gpu_dma = untranslated) */
	assert_int_equal(ggtt_scratch_pte(0x12345000), 0x12345001);
	/* only address bits 38:12 and present */
	assert_int_equal(ggtt_scratch_pte(0xff00008000001fffull), 0x1001);
}

static void test_valid_shadow(void **state)
{
	(void)state;
	/* 32G + 0x123000, present | RW */
	EXPECT_APPLY(0x40000, 8, 0x0000000000123003ull, 0x8000, 0x800123003ull);
	assert_int_equal(store[0], 0x123003);
	/* GPA 0 */
	EXPECT_APPLY(0x40008, 8, 0x1, 0x8001, 0x800000001ull);
	/* the last page of RAM */
	EXPECT_APPLY(0x40010, 8, 0xfff001, 0x8002, 0x800fff001ull);
	/* overwrite: the new value counts */
	EXPECT_APPLY(0x40000, 8, 0xabc001, 0x8000, 0x800abc001ull);
	assert_int_equal(store[0], 0xabc001);
	EXPECT_COUNTERS(0, 0, 4);
}

static void test_flags_kept(void **state)
{
	(void)state;
	/* present, RW, PWT (3), PCD (4), PAT (7): 0x9b */
	EXPECT_APPLY(0x40000, 8, 0x45609b, 0x8000, 0x80045609bull);
	/* every bit of 11:0 */
	EXPECT_APPLY(0x40008, 8, 0x123fff, 0x8001, 0x800123fffull);
	/* flags other than present alone */
	EXPECT_APPLY(0x2c0000, 8, 0x7780f1, 0x58000, 0x8007780f1ull);
	EXPECT_COUNTERS(0, 0, 3);
}

/* Bits 63:39 are not address: ignored in the shadow, kept for the guest. */
static void test_high_bits_ignored(void **state)
{
	(void)state;
	EXPECT_APPLY(0x40000, 8, 0xffffff8000123003ull, 0x8000, 0x800123003ull);
	assert_int_equal(store[0], 0xffffff8000123003ull);
	assert_int_equal(ggtt_guest_read(&vm, 0x40000, 8), 0xffffff8000123003ull);
	/* bit 39 only: the address is GPA 0, valid */
	EXPECT_APPLY(0x40008, 8, 0x0000008000000001ull, 0x8001, 0x800000001ull);
	/* bit 38 is address: 256 GiB, outside RAM */
	EXPECT_APPLY(0x40010, 8, 0x0000004000000001ull, 0x8002, SCRATCH_PTE);
	EXPECT_COUNTERS(0, 1, 2);
}

static void test_not_present(void **state)
{
	(void)state;
	/* RW without present: the present scratch entry, no other flags */
	EXPECT_APPLY(0x40000, 8, 0x123002, 0x8000, SCRATCH_PTE);
	assert_int_equal(store[0], 0x123002);
	/* zero */
	EXPECT_APPLY(0x40008, 8, 0, 0x8001, SCRATCH_PTE);
	/* not present wins over an address outside RAM: not rejected */
	EXPECT_APPLY(0x40010, 8, 0x7ffffff0feull, 0x8002, SCRATCH_PTE);
	/* a present entry cleared again */
	EXPECT_APPLY(0x2c0000, 8, 0x5003, 0x58000, 0x800005003ull);
	EXPECT_APPLY(0x2c0000, 8, 0x5002, 0x58000, SCRATCH_PTE);
	EXPECT_COUNTERS(0, 0, 1);
}

static void test_outside_ram(void **state)
{
	(void)state;
	/* GPA == ram_bytes: the present scratch entry, the guest's flags
	 * (cache bits, RW) dropped */
	EXPECT_APPLY(0x40000, 8, 0x1000001, 0x8000, SCRATCH_PTE);
	assert_int_equal(store[0], 0x1000001);
	EXPECT_APPLY(0x40008, 8, 0x100009b, 0x8001, SCRATCH_PTE);
	/* the highest address */
	EXPECT_APPLY(0x40010, 8, 0x7ffffff003ull, 0x8002, SCRATCH_PTE);
	/* 4 GiB */
	EXPECT_APPLY(0x2c0008, 8, 0x100000fffull, 0x58001, SCRATCH_PTE);
	EXPECT_COUNTERS(0, 4, 0);
	/* one page less is fine */
	EXPECT_APPLY(0x40000, 8, 0xfff003, 0x8000, 0x800fff003ull);
	EXPECT_COUNTERS(0, 4, 1);
}

static void test_outside_windows_dropped(void **state)
{
	(void)state;
	EXPECT_DROP(0, 8, 0x123003, 0);
	EXPECT_DROP(0x3fff8, 8, 0x123003, 0x7fff);
	EXPECT_DROP(0x60000, 4, 0x123003, 0xc000);
	EXPECT_DROP(0x60004, 4, 0x1, 0xc000);
	EXPECT_DROP(0x200000, 8, 0x123003, 0x40000);
	EXPECT_DROP(0x2bfffc, 4, 0x1, 0x57fff);
	EXPECT_DROP(0x380000, 8, 0x123003, 0x70000);
	EXPECT_DROP(0x7ffffc, 4, 0x1, 0xfffff);
	EXPECT_COUNTERS(8, 0, 0);
	expect_store_zero();
	assert_int_equal(ggtt_guest_read(&vm, 0x3fff8, 8), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x380000, 8), 0);
}

/* ---- 4-byte writes --------------------------------------------------------- */

static void test_half_writes(void **state)
{
	(void)state;
	/* low half over 0: 0x123003 */
	EXPECT_APPLY(0x40000, 4, 0x00123003, 0x8000, 0x800123003ull);
	assert_int_equal(store[0], 0x123003);
	/* high half 1: bit 32 → GPA 0x100123000, outside RAM; the whole
	 * entry is evaluated again */
	EXPECT_APPLY(0x40004, 4, 0x00000001, 0x8000, SCRATCH_PTE);
	assert_int_equal(store[0], 0x100123003ull);
	/* high half 0x80: bit 39, not address → GPA 0x123000 again */
	EXPECT_APPLY(0x40004, 4, 0x00000080, 0x8000, 0x800123003ull);
	assert_int_equal(store[0], 0x8000123003ull);
	/* low half with the stale high half 0x80: still ignored */
	EXPECT_APPLY(0x40000, 4, 0x00456001, 0x8000, 0x800456001ull);
	assert_int_equal(store[0], 0x8000456001ull);
	/* high half 2: bit 33 → GPA 0x200456000, rejected */
	EXPECT_APPLY(0x40004, 4, 0x00000002, 0x8000, SCRATCH_PTE);
	assert_int_equal(store[0], 0x200456001ull);
	/* low half without present: scratch, not rejected */
	EXPECT_APPLY(0x40000, 4, 0x00456000, 0x8000, SCRATCH_PTE);
	assert_int_equal(store[0], 0x200456000ull);
	EXPECT_COUNTERS(0, 2, 3);
}

/* A 4-byte write uses the value's low 32 bits only. */
static void test_half_write_ignores_upper_value_bits(void **state)
{
	(void)state;
	EXPECT_APPLY(0x2c0008, 4, 0xdeadbeef00789003ull, 0x58001, 0x800789003ull);
	assert_int_equal(store[0x4001], 0x789003);
	EXPECT_APPLY(0x2c000c, 4, 0xffffffff00000000ull, 0x58001, 0x800789003ull);
	assert_int_equal(store[0x4001], 0x789003);
	EXPECT_COUNTERS(0, 0, 2);
}

/* ---- bad accesses ------------------------------------------------------------ */

static void test_bad_alignment_and_sizes(void **state)
{
	(void)state;
	EXPECT_DROP(0x40002, 4, 0x123003, 0x8000);     /* not dword aligned */
	EXPECT_DROP(0x40001, 4, 0x123003, 0x8000);
	EXPECT_DROP(0x40004, 8, 0x123003, 0x8000);     /* not qword aligned */
	EXPECT_DROP(0x4000c, 8, 0x123003, 0x8001);
	EXPECT_DROP(0x40000, 2, 0x3003, 0x8000);       /* bad sizes */
	EXPECT_DROP(0x40000, 1, 0x03, 0x8000);
	EXPECT_DROP(0x40000, 0, 0x123003, 0x8000);
	EXPECT_DROP(0x40000, 16, 0x123003, 0x8000);
	EXPECT_DROP(0x40000, 3, 0x123003, 0x8000);
	EXPECT_COUNTERS(9, 0, 0);
	expect_store_zero();
	assert_int_equal(ggtt_guest_read(&vm, 0x40000, 8), 0);
}

/* ---- reads ----------------------------------------------------------------- */

static void test_reads(void **state)
{
	(void)state;
	/* bits 63:39 are kept for the guest but are not address */
	EXPECT_APPLY(0x40008, 8, 0x8765438000abc0ffull, 0x8001,
	             0x800abc0ffull);
	EXPECT_APPLY(0x37fff8, 8, 0x0000000300fff001ull, 0x6ffff, SCRATCH_PTE);
	assert_int_equal(ggtt_guest_read(&vm, 0x40008, 8), 0x8765438000abc0ffull);
	assert_int_equal(ggtt_guest_read(&vm, 0x40008, 4), 0x00abc0ff);
	assert_int_equal(ggtt_guest_read(&vm, 0x4000c, 4), 0x87654380);
	assert_int_equal(ggtt_guest_read(&vm, 0x37fff8, 8), 0x300fff001ull);
	assert_int_equal(ggtt_guest_read(&vm, 0x37fff8, 4), 0x00fff001);
	assert_int_equal(ggtt_guest_read(&vm, 0x37fffc, 4), 0x3);
	/* an untouched entry inside */
	assert_int_equal(ggtt_guest_read(&vm, 0x40000, 8), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x40004, 4), 0);
	/* outside */
	assert_int_equal(ggtt_guest_read(&vm, 0x3fff8, 8), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x3fffc, 4), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x380000, 8), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x380000, 4), 0);
	/* bad alignment or size: 0 */
	assert_int_equal(ggtt_guest_read(&vm, 0x4000c, 8), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x4000a, 4), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x40008, 2), 0);
	assert_int_equal(ggtt_guest_read(&vm, 0x40008, 1), 0);
	/* reads change no counter */
	EXPECT_COUNTERS(0, 1, 1);
}

/* ---- counters and a second VM ---------------------------------------------- */

static void test_counters(void **state)
{
	(void)state;
	EXPECT_APPLY(0x40000, 8, 0x1003, 0x8000, 0x800001003ull);    /* applied */
	EXPECT_APPLY(0x40008, 8, 0x1000003, 0x8001, SCRATCH_PTE);       /* rejected */
	EXPECT_APPLY(0x40010, 8, 0x1000002, 0x8002, SCRATCH_PTE);      /* neither */
	EXPECT_DROP(0x60000, 8, 0x1003, 0xc000);                     /* dropped */
	EXPECT_DROP(0x40001, 4, 0x1003, 0x8000);                     /* dropped */
	EXPECT_COUNTERS(2, 1, 1);
	/* init starts again from zero */
	ggtt_vm_init(&vm, &low, &high, RAM, IOVA, SCRATCH, store);
	EXPECT_COUNTERS(0, 0, 0);
	expect_store_zero();
}

/* Another VM's window and RAM: a second _8 vGPU, VM id 1 (IOVA 64G), 1G of
 * RAM, low [192M, 256M), high [1792M, +384M). */
static void test_second_vm(void **state)
{
	static const struct gm_window low2 = { 192 * MIB, 64 * MIB };
	static const struct gm_window high2 = { 1792 * MIB, 384 * MIB };

	(void)state;
	ggtt_vm_init(&vm, &low2, &high2, 1 * GIB, 64 * GIB, SCRATCH, store);
	/* the first VM's entries are now outside */
	EXPECT_DROP(0x40000, 8, 0x123003, 0x8000);
	/* 192M / 4K = 0xc000 → offset 0x60000, slot 0 */
	EXPECT_APPLY(0x60000, 8, 0x3ffff003ull, 0xc000, 0x103ffff003ull);
	assert_int_equal(store[0], 0x3ffff003ull);
	/* 1792M / 4K = 0x70000 → offset 0x380000, slot 0x4000 */
	EXPECT_APPLY(0x380000, 8, 0x40000003ull, 0x70000, SCRATCH_PTE);
	assert_int_equal(store[0x4000], 0x40000003ull);
	EXPECT_COUNTERS(1, 1, 1);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_entries),
		T(test_init),
		T(test_in_windows_boundaries),
		T(test_write_boundaries),
		T(test_scratch_pte),
		T(test_valid_shadow),
		T(test_flags_kept),
		T(test_high_bits_ignored),
		T(test_not_present),
		T(test_outside_ram),
		T(test_outside_windows_dropped),
		T(test_half_writes),
		T(test_half_write_ignores_upper_value_bits),
		T(test_bad_alignment_and_sizes),
		T(test_reads),
		T(test_counters),
		T(test_second_vm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
