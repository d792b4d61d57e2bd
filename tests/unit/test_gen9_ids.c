/*
 * tests/unit/test_gen9_ids.c — unit tests of gpu/gen9_ids.c, the Gen9 /
 * Gen9.5 device table. Expected values counted by hand from Linux's
 * include/drm/intel/pciids.h: SKL 25 (GT1 8, GT2 7, GT3 6, GT4 4), KBL 20
 * (8, 8, 3, 1), AML 3, CFL 16 (S 3 + 5, H 1 + 2, U 1 + 4), WHL 5, CML 17
 * (GT1 4 + U 3, GT2 7 + U 3): 86 IDs.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/gen9_ids.h"

static void test_count_and_unique(void **state)
{
	unsigned i, j, per[GEN9_NPLATFORMS] = { 0 };

	(void)state;
	assert_int_equal(gen9_ndevices, 86);
	for (i = 0; i < gen9_ndevices; i++) {
		assert_true(gen9_devices[i].platform < GEN9_NPLATFORMS);
		assert_in_range(gen9_devices[i].gt, 1, 4);
		per[gen9_devices[i].platform]++;
		for (j = i + 1; j < gen9_ndevices; j++)
			if (gen9_devices[i].id == gen9_devices[j].id)
				fail_msg("ID %#x twice", gen9_devices[i].id);
	}
	assert_int_equal(per[GEN9_SKL], 25);
	assert_int_equal(per[GEN9_KBL], 20);
	assert_int_equal(per[GEN9_AML], 3);
	assert_int_equal(per[GEN9_CFL], 16);
	assert_int_equal(per[GEN9_WHL], 5);
	assert_int_equal(per[GEN9_CML], 17);
}

#define EXPECT_DEV(id, plat, level) expect_dev_at(__LINE__, (id), (plat), (level))

static void expect_dev_at(int line, uint16_t id, enum gen9_platform plat,
                          unsigned gt)
{
	const struct gen9_device *d = gen9_device_lookup(id);

	if (d == NULL)
		fail_msg("line %d: %#x not found", line, id);
	if (d->id != id || d->platform != plat || d->gt != gt)
		fail_msg("line %d: %#x is %s GT%u, expected %s GT%u", line, id,
		         gen9_platform_name(d->platform), d->gt,
		         gen9_platform_name(plat), gt);
}

/* The parts issue 8 names, and one of each list of the header. */
static void test_lookup(void **state)
{
	(void)state;
	EXPECT_DEV(0x1912, GEN9_SKL, 2);      /* SKL DT GT2: the model */
	EXPECT_DEV(0x1913, GEN9_SKL, 1);      /* GT1.5 */
	EXPECT_DEV(0x1921, GEN9_SKL, 2);      /* GT2F */
	EXPECT_DEV(0x192B, GEN9_SKL, 3);      /* Halo GT3e */
	EXPECT_DEV(0x193D, GEN9_SKL, 4);
	EXPECT_DEV(0x5917, GEN9_KBL, 2);      /* KBL-R */
	EXPECT_DEV(0x5916, GEN9_KBL, 2);
	EXPECT_DEV(0x593B, GEN9_KBL, 4);
	EXPECT_DEV(0x591C, GEN9_AML, 2);
	EXPECT_DEV(0x87C0, GEN9_AML, 2);
	EXPECT_DEV(0x87CA, GEN9_AML, 2);
	EXPECT_DEV(0x3E9B, GEN9_CFL, 2);
	EXPECT_DEV(0x3E9C, GEN9_CFL, 1);
	EXPECT_DEV(0x3EA5, GEN9_CFL, 3);      /* CFL-U */
	EXPECT_DEV(0x3EA8, GEN9_CFL, 3);
	EXPECT_DEV(0x3EA9, GEN9_CFL, 2);
	EXPECT_DEV(0x3EA0, GEN9_WHL, 2);
	EXPECT_DEV(0x3EA2, GEN9_WHL, 3);
	EXPECT_DEV(0x3EA4, GEN9_WHL, 1);
	EXPECT_DEV(0x9B21, GEN9_CML, 1);
	EXPECT_DEV(0x9BC4, GEN9_CML, 2);
	EXPECT_DEV(0x9BCC, GEN9_CML, 2);
	EXPECT_DEV(0x9BF6, GEN9_CML, 2);
}

/* Not Gen9/9.5 big-core: LP parts, Broadwell, Cannon Lake, Ice Lake,
 * Tiger Lake; IDs removed from later headers; nonsense. */
static void test_unknown(void **state)
{
	static const uint16_t ids[] = {
		0x5A84, 0x5A85, 0x0A84, 0x3184, 0x3185,    /* BXT/APL, GLK */
		0x1616, 0x5A52, 0x8A52, 0x9A49,            /* BDW, CNL, ICL, TGL */
		0x9BA0, 0x9BC0, 0x9BCB, 0x9BAB,            /* not in the header */
		0x0000, 0xFFFF, 0x1910, 0x191F,            /* 0x191F: SKL host bridge */
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (gen9_device_lookup(ids[i]) != NULL)
			fail_msg("%#x found", ids[i]);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(gen9_platform_name(GEN9_SKL), "SKL");
	assert_string_equal(gen9_platform_name(GEN9_KBL), "KBL");
	assert_string_equal(gen9_platform_name(GEN9_AML), "AML");
	assert_string_equal(gen9_platform_name(GEN9_CFL), "CFL");
	assert_string_equal(gen9_platform_name(GEN9_WHL), "WHL");
	assert_string_equal(gen9_platform_name(GEN9_CML), "CML");
	assert_string_equal(gen9_platform_name(GEN9_NPLATFORMS), "?");
}

/* 4 KiB pages for Skylake's graphics domain, superpages elsewhere. */
static void test_superpages(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < gen9_ndevices; i++)
		assert_int_equal(gen9_superpages_ok(&gen9_devices[i]),
		                 gen9_devices[i].platform != GEN9_SKL);
	assert_false(gen9_superpages_ok(gen9_device_lookup(0x1912)));
	assert_false(gen9_superpages_ok(gen9_device_lookup(0x193B)));
	assert_true(gen9_superpages_ok(gen9_device_lookup(0x5912)));
	assert_true(gen9_superpages_ok(gen9_device_lookup(0x9BC4)));
	assert_true(gen9_superpages_ok(gen9_device_lookup(0x3EA0)));
	assert_false(gen9_superpages_ok(NULL));
}

static void test_vgpu_ids(void **state)
{
	(void)state;
	assert_true(gen9_vgpu_device_ok(0x1912));
	assert_true(gen9_vgpu_device_ok(0x9BC4));
	assert_false(gen9_vgpu_device_ok(0x1926));        /* GT3 */
	assert_false(gen9_vgpu_device_ok(0x1906));        /* GT1 */
	assert_false(gen9_vgpu_device_ok(0x5A84));        /* not in the table */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_and_unique),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_superpages),
		cmocka_unit_test(test_vgpu_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
