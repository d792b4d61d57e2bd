/*
 * tests/unit/test_mmu_flags.c — unit tests of hv/mmu_flags.c, the mapping
 * policy of the hypervisor's page table and the firmware's view of it
 * (docs/boot.md). The rule of issue 8, item 13: a range of the EFI memory
 * attributes table with neither EFI_MEMORY_RO nor EFI_MEMORY_XP means no
 * protection (UEFI 2.9 §4.6.4), so the firmware's view maps it writable
 * and executable, while the hypervisor's own table stays W^X.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/mmu_flags.h"
#include "hv/paging.h"

#define RO  RT_RANGE_RO
#define XP  RT_RANGE_XP
#define W   PT_WRITE
#define X   PT_EXEC

static struct boot_info bi;

static int setup(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof bi);
	return 0;
}

static bool wx(unsigned flags)
{
	return (flags & W) && (flags & X);
}

/* Each attribute combination, both views. */
static void test_rt_flags(void **state)
{
	(void)state;
	/* data: RW, no execute */
	assert_int_equal(mmu_rt_flags(XP, false), W);
	assert_int_equal(mmu_rt_flags(XP, true), W);
	/* code: read and execute */
	assert_int_equal(mmu_rt_flags(RO, false), X);
	assert_int_equal(mmu_rt_flags(RO, true), X);
	/* read-only data */
	assert_int_equal(mmu_rt_flags(RO | XP, false), PT_READ);
	assert_int_equal(mmu_rt_flags(RO | XP, true), PT_READ);
	/* no protection: RWX for the firmware (the old code mapped it
	 * read-only there, and ResetSystem faulted writing its data) */
	assert_int_equal(mmu_rt_flags(0, true), W | X);
	assert_int_equal(mmu_rt_flags(0, false), X);
}

/* Whatever the attributes, the hypervisor's view is never W and X. */
static void test_hypervisor_view_wx_free(void **state)
{
	uint32_t a;
	unsigned t;

	(void)state;
	for (a = 0; a < 4; a++)
		assert_false(wx(mmu_rt_flags(a, false)));
	for (t = 0; t < MEM_NTYPES; t++)
		assert_false(wx(mmu_mem_flags((enum mem_type)t, false)));
}

static void test_mem_flags(void **state)
{
	(void)state;
	assert_int_equal(mmu_mem_flags(MEM_MMIO, false), W | PT_UNCACHED);
	assert_int_equal(mmu_mem_flags(MEM_RESERVED, true), W | PT_UNCACHED);
	assert_int_equal(mmu_mem_flags(MEM_RT_CODE, false), X);
	assert_int_equal(mmu_mem_flags(MEM_RT_CODE, true), W | X);
	assert_int_equal(mmu_mem_flags(MEM_RT_DATA, true), W);
	assert_int_equal(mmu_mem_flags(MEM_FREE, false), W);
	assert_int_equal(mmu_mem_flags(MEM_LOADER, false), W);
}

/* When does the firmware get its own table? */
static void test_needs_firmware_table(void **state)
{
	unsigned n = 99;

	(void)state;
	/* no attributes table */
	assert_true(mmu_needs_firmware_table(&bi, &n));
	assert_int_equal(n, 0);
	/* a table whose ranges are all RO or XP: one W^X table serves both */
	bi.nrt = 3;
	bi.rt[0] = (struct rt_range){ 0x7f000000, 4, RO };
	bi.rt[1] = (struct rt_range){ 0x7f004000, 2, XP };
	bi.rt[2] = (struct rt_range){ 0x7f006000, 1, RO | XP };
	assert_false(mmu_needs_firmware_table(&bi, &n));
	assert_int_equal(n, 0);
	/* one range with neither: its own table */
	bi.rt[1].attrs = 0;
	assert_true(mmu_needs_firmware_table(&bi, &n));
	assert_int_equal(n, 1);
	bi.rt[2].attrs = 0;
	assert_true(mmu_needs_firmware_table(&bi, &n));
	assert_int_equal(n, 2);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rt_flags),
		T(test_hypervisor_view_wx_free),
		T(test_mem_flags),
		T(test_needs_firmware_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
