/*
 * tests/unit/test_config_keys.c — unit tests of the newer hv/config/
 * keys: the global `time_slice` (scheduler slice, "N ms" or "N us",
 * 100us..1000ms, default 10ms), the per-VM `testdev` switch (off/on) and
 * the per-VM `on_reset` (stop, the default, or restart).
 * Values, defaults, and every error with its exact message and line.
 * The rest of the format is in test_config.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/gen9_ids.h"
#include "hv/config/config.h"
#include "tests/unit/config_test.h"

static char text[4096];

/* ---- helpers (and tests/unit/config_test.h) ---------------------------- */

/* "time_slice = VALUE" on line 1. */
static const char *slice(const char *value)
{
	snprintf(text, sizeof text, "time_slice = %s\n", value);
	return text;
}

#define EXPECT_SLICE(value, us) expect_slice_at(__FILE__, __LINE__, (value), (us))

static void expect_slice_at(const char *file, int at, const char *value,
                            uint32_t us)
{
	const char *t = slice(value);

	parse_ok_at(file, at, t, strlen(t));
	if (cfg.time_slice_us != us)
		fail_msg("%s:%d: time_slice = %s gave %u us, expected %u", file,
		         at, value, cfg.time_slice_us, us);
}

/* VM_A with one more line (line 4). */
static const char *vm_a_with(const char *line)
{
	snprintf(text, sizeof text, VM_A "%s\n", line);
	return text;
}

/* ---- time_slice ------------------------------------------------------ */

static void test_time_slice_default(void **state)
{
	(void)state;
	memset(&cfg, 0xff, sizeof cfg);
	config_defaults(&cfg);
	assert_int_equal(cfg.time_slice_us, 10000);
	PARSE_OK("");
	assert_int_equal(cfg.time_slice_us, 10000);
	PARSE_OK(VM_A);
	assert_int_equal(cfg.time_slice_us, 10000);
	PARSE_OK("log_level = debug\n" VM_A);
	assert_int_equal(cfg.time_slice_us, 10000);
}

static void test_time_slice_values(void **state)
{
	(void)state;
	EXPECT_SLICE("10ms", 10000);
	EXPECT_SLICE("250us", 250);
	EXPECT_SLICE("1ms", 1000);
	EXPECT_SLICE("20ms", 20000);
	EXPECT_SLICE("999us", 999);
	EXPECT_SLICE("1500us", 1500);
	EXPECT_SLICE("\"10ms\"", 10000);              /* quoted */
	EXPECT_SLICE("0010ms", 10000);                /* leading zeros */
}

static void test_time_slice_limits(void **state)
{
	(void)state;
	EXPECT_SLICE("100us", 100);                   /* lowest */
	EXPECT_SLICE("1000ms", 1000000);              /* highest */
	EXPECT_SLICE("1000000us", 1000000);           /* highest, in us */
	EXPECT_SLICE("101us", 101);
	EXPECT_SLICE("999ms", 999000);
}

static void test_time_slice_blanks_before_unit(void **state)
{
	(void)state;
	EXPECT_SLICE("5 ms", 5000);
	EXPECT_SLICE(" 5 ms", 5000);
	EXPECT_SLICE("5\tms", 5000);
	EXPECT_SLICE("300   us", 300);
	EXPECT_SLICE("\"5 ms\"", 5000);
	PARSE_OK("time_slice= 5 ms  # comment\n");
	assert_int_equal(cfg.time_slice_us, 5000);
	PARSE_OK("\t time_slice \t=\t 7ms\t\n");
	assert_int_equal(cfg.time_slice_us, 7000);
}

static void test_time_slice_with_other_keys_and_vms(void **state)
{
	(void)state;
	PARSE_OK("# scheduler\n"
	         "log_level = info\n"
	         "time_slice = 2ms\n"
	         "on_exit = halt\n"
	         VM_A VM_B);
	assert_int_equal(cfg.time_slice_us, 2000);
	assert_int_equal(cfg.on_exit, ON_EXIT_HALT);
	assert_int_equal(cfg.nvms, 2);
}

static void test_time_slice_out_of_range(void **state)
{
	(void)state;
	EXPECT_ERROR(slice("99us"), 1, "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("1001ms"), 1, "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("0us"), 1, "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("0ms"), 1, "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("1000001us"), 1, "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("1000000ms"), 1, "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("4294968ms"), 1,      /* * 1000 > 2^32 */
	             "time_slice must be 100us..1000ms");
	EXPECT_ERROR(slice("18446744073709552ms"), 1,   /* * 1000 > 2^64 */
	             "time_slice must be 100us..1000ms");
	EXPECT_ERROR("\n\n# three\ntime_slice = 1s0ms\n", 4,
	             "malformed number '1s0' for 'time_slice'");
	EXPECT_ERROR("log_level = warn\n\ntime_slice = 50us\n", 3,
	             "time_slice must be 100us..1000ms");
}

/*
 * A number too large for 64 bits is well formed, just out of range: the
 * other numeric keys say so ("serial port must be 1..0xfff8", "cpu must be
 * 0..255", "number too large for 'memory'"), not "malformed".
 */
static void test_time_slice_huge_number_is_out_of_range(void **state)
{
	(void)state;
	EXPECT_ERROR(slice("99999999999999999999ms"), 1,
	             "time_slice must be 100us..1000ms");
}

static void test_time_slice_needs_unit(void **state)
{
	static const char msg[] =
		"time_slice needs a unit: 'ms' or 'us' (e.g. 10ms)";

	(void)state;
	EXPECT_ERROR(slice("10"), 1, msg);
	EXPECT_ERROR(slice("10000"), 1, msg);
	EXPECT_ERROR(slice("10s"), 1, msg);
	EXPECT_ERROR(slice("10 sec"), 1, msg);
	EXPECT_ERROR(slice("10MS"), 1, msg);       /* units are lower case */
	EXPECT_ERROR(slice("10Us"), 1, msg);
	EXPECT_ERROR(slice("10ns"), 1, msg);
	EXPECT_ERROR(slice("ms"), 1, msg);         /* a unit alone */
	EXPECT_ERROR(slice("us"), 1, msg);
	EXPECT_ERROR(slice("x"), 1, msg);
	EXPECT_ERROR("\ntime_slice = 5\n", 2, msg);
}

static void test_time_slice_malformed_number(void **state)
{
	(void)state;
	EXPECT_ERROR(slice("xms"), 1, "malformed number 'x' for 'time_slice'");
	EXPECT_ERROR(slice("-5ms"), 1,
	             "malformed number '-5' for 'time_slice'");
	EXPECT_ERROR(slice("1.5ms"), 1,
	             "malformed number '1.5' for 'time_slice'");
	EXPECT_ERROR(slice("+100us"), 1,
	             "malformed number '+100' for 'time_slice'");
	EXPECT_ERROR(slice("1 0ms"), 1,
	             "malformed number '1 0' for 'time_slice'");
	EXPECT_ERROR(slice(" ms"), 1,           /* trimmed to "ms" */
	             "time_slice needs a unit: 'ms' or 'us' (e.g. 10ms)");
	EXPECT_ERROR(slice("\" ms\""), 1,       /* quoted: a blank and ms */
	             "malformed number '' for 'time_slice'");
	EXPECT_ERROR(slice("tenms"), 1,
	             "malformed number 'ten' for 'time_slice'");
}

static void test_time_slice_scope_and_duplicates(void **state)
{
	(void)state;
	EXPECT_ERROR(vm_a_with("time_slice = 10ms"), 4,
	             "global key 'time_slice' must come before the first "
	             "[vm] section");
	EXPECT_ERROR(VM_A VM_B "time_slice = 10ms\n", 7,
	             "global key 'time_slice' must come before the first "
	             "[vm] section");
	EXPECT_ERROR("time_slice = 10ms\n# again\ntime_slice = 20ms\n", 3,
	             "duplicate key 'time_slice' (first set on line 1)");
	EXPECT_ERROR("time_slice =\n", 1, "missing value for 'time_slice'");
	EXPECT_ERROR("time_slce = 10ms\n", 1,
	             "unknown key 'time_slce' (did you mean 'time_slice'?)");
	EXPECT_ERROR("timeslice = 10ms\n", 1,
	             "unknown key 'timeslice' (did you mean 'time_slice'?)");
}

/* ---- testdev --------------------------------------------------------- */

static void test_testdev_default(void **state)
{
	(void)state;
	PARSE_OK(VM_A VM_B);
	assert_false(cfg.vm[0].testdev);
	assert_int_equal(cfg.vm[0].testdev_line, 0);
	assert_false(cfg.vm[1].testdev);
	assert_int_equal(cfg.vm[1].testdev_line, 0);
}

static void test_testdev_on_off(void **state)
{
	(void)state;
	PARSE_OK(vm_a_with("testdev = on"));
	assert_true(cfg.vm[0].testdev);
	assert_int_equal(cfg.vm[0].testdev_line, 4);
	PARSE_OK(vm_a_with("testdev = off"));
	assert_false(cfg.vm[0].testdev);
	assert_int_equal(cfg.vm[0].testdev_line, 4);
	PARSE_OK(vm_a_with("testdev = \"on\""));
	assert_true(cfg.vm[0].testdev);
	PARSE_OK(vm_a_with("\ttestdev=off   # not needed"));
	assert_false(cfg.vm[0].testdev);
	assert_int_equal(cfg.vm[0].testdev_line, 4);
	/* before the other keys of the section */
	PARSE_OK("\n[vm t]\ntestdev = on\nmemory = 2M\nimage = /t.elf\n");
	assert_true(cfg.vm[0].testdev);
	assert_int_equal(cfg.vm[0].testdev_line, 3);
}

static void test_testdev_per_vm(void **state)
{
	(void)state;
	/* VM a: lines 1-4; VM b: lines 5-7; VM c: lines 8-11 */
	PARSE_OK(VM_A "testdev = on\n"
	         VM_B
	         "[vm c]\ntestdev = off\nmemory = 4M\nimage = /c.elf\n");
	assert_int_equal(cfg.nvms, 3);
	assert_true(cfg.vm[0].testdev);
	assert_int_equal(cfg.vm[0].testdev_line, 4);
	assert_false(cfg.vm[1].testdev);
	assert_int_equal(cfg.vm[1].testdev_line, 0);
	assert_false(cfg.vm[2].testdev);
	assert_int_equal(cfg.vm[2].testdev_line, 9);
	/* the same key in two sections is no duplicate */
	PARSE_OK(VM_A "testdev = on\n" VM_B "testdev = on\n");
	assert_true(cfg.vm[0].testdev);
	assert_true(cfg.vm[1].testdev);
	assert_int_equal(cfg.vm[1].testdev_line, 8);
}

static void test_testdev_bad_value(void **state)
{
	(void)state;
	EXPECT_ERROR(vm_a_with("testdev = yes"), 4,
	             "invalid value 'yes' for 'testdev' (expected off or on)");
	EXPECT_ERROR(vm_a_with("testdev = ON"), 4,
	             "invalid value 'ON' for 'testdev' (expected off or on)");
	EXPECT_ERROR(vm_a_with("testdev = 1"), 4,
	             "invalid value '1' for 'testdev' (expected off or on)");
	EXPECT_ERROR(vm_a_with("testdev = true"), 4,
	             "invalid value 'true' for 'testdev' (expected off or on)");
	EXPECT_ERROR(vm_a_with("testdev = on off"), 4,
	             "invalid value 'on off' for 'testdev' (expected off or on)");
	EXPECT_ERROR(vm_a_with("testdev = \"\""), 4,
	             "invalid value '' for 'testdev' (expected off or on)");
	EXPECT_ERROR(vm_a_with("testdev ="), 4, "missing value for 'testdev'");
}

static void test_testdev_scope_and_duplicates(void **state)
{
	(void)state;
	EXPECT_ERROR("testdev = on\n", 1,
	             "key 'testdev' belongs in a [vm NAME] section");
	EXPECT_ERROR("log_level = info\ntestdev = off\n" VM_A, 2,
	             "key 'testdev' belongs in a [vm NAME] section");
	EXPECT_ERROR(VM_A "testdev = on\n# x\ntestdev = on\n", 6,
	             "duplicate key 'testdev' (first set on line 4)");
	EXPECT_ERROR(VM_A "testdev = off\ntestdev = on\n", 5,
	             "duplicate key 'testdev' (first set on line 4)");
	EXPECT_ERROR(VM_A "testdev = on\n" VM_B "testdev = off\ntestdev = off\n",
	             9, "duplicate key 'testdev' (first set on line 8)");
	EXPECT_ERROR(vm_a_with("testdv = on"), 4,
	             "unknown key 'testdv' (did you mean 'testdev'?)");
}

#define T(f) cmocka_unit_test(f)

/* ---- on_reset -------------------------------------------------------- */

static void test_on_reset_default(void **state)
{
	(void)state;
	PARSE_OK(VM_A VM_B);
	assert_int_equal(cfg.vm[0].on_reset, ON_RESET_STOP);
	assert_int_equal(cfg.vm[0].on_reset_line, 0);
	assert_int_equal(cfg.vm[1].on_reset, ON_RESET_STOP);
	assert_int_equal(cfg.vm[1].on_reset_line, 0);
}

static void test_on_reset_values(void **state)
{
	(void)state;
	PARSE_OK(vm_a_with("on_reset = restart"));
	assert_int_equal(cfg.vm[0].on_reset, ON_RESET_RESTART);
	assert_int_equal(cfg.vm[0].on_reset_line, 4);
	PARSE_OK(vm_a_with("on_reset = stop"));
	assert_int_equal(cfg.vm[0].on_reset, ON_RESET_STOP);
	assert_int_equal(cfg.vm[0].on_reset_line, 4);
	PARSE_OK(vm_a_with("on_reset=\"restart\"   # rebuild it"));
	assert_int_equal(cfg.vm[0].on_reset, ON_RESET_RESTART);
	/* per VM: a restarts, b keeps the default, c says stop */
	PARSE_OK(VM_A "on_reset = restart\n" VM_B
	         "[vm c]\non_reset = stop\nmemory = 4M\nimage = /c.elf\n");
	assert_int_equal(cfg.vm[0].on_reset, ON_RESET_RESTART);
	assert_int_equal(cfg.vm[1].on_reset, ON_RESET_STOP);
	assert_int_equal(cfg.vm[1].on_reset_line, 0);
	assert_int_equal(cfg.vm[2].on_reset, ON_RESET_STOP);
	assert_int_equal(cfg.vm[2].on_reset_line, 9);
	assert_string_equal(config_on_reset_name(ON_RESET_STOP), "stop");
	assert_string_equal(config_on_reset_name(ON_RESET_RESTART), "restart");
	assert_string_equal(config_on_reset_name((enum on_reset)2), "?");
}

static void test_on_reset_errors(void **state)
{
	(void)state;
	EXPECT_ERROR(vm_a_with("on_reset = reboot"), 4,
	             "invalid value 'reboot' for 'on_reset' (expected stop or "
	             "restart)");
	EXPECT_ERROR(vm_a_with("on_reset = Restart"), 4,
	             "invalid value 'Restart' for 'on_reset' (expected stop or "
	             "restart)");
	EXPECT_ERROR(vm_a_with("on_reset = restart stop"), 4,
	             "invalid value 'restart stop' for 'on_reset' (expected "
	             "stop or restart)");
	EXPECT_ERROR(vm_a_with("on_reset ="), 4, "missing value for 'on_reset'");
	EXPECT_ERROR(vm_a_with("on_reset = stop\non_reset = restart"), 5,
	             "duplicate key 'on_reset' (first set on line 4)");
	EXPECT_ERROR("on_reset = restart\n" VM_A, 1,
	             "key 'on_reset' belongs in a [vm NAME] section");
	EXPECT_ERROR(vm_a_with("on_rest = restart"), 4,
	             "unknown key 'on_rest' (did you mean 'on_reset'?)");
}

/* ---- vgpu_device ------------------------------------------------------ */

/* Every GT2 ID of the device table (gpu/gen9_ids.c) is accepted: 38 of
 * them (SKL 7, KBL 8, AML 3, CFL 8, WHL 2, CML 10, counted by hand in
 * Linux's include/drm/intel/pciids.h), among them the parts issue 8 named
 * (CML 0x9BC4, KBL-R 0x5917, WHL 0x3EA0, CFL-U 0x3EA9, AML 0x87C0). */
static void test_vgpu_device_default_and_values(void **state)
{
	static const unsigned named[] = { 0x1912, 0x9bc4, 0x5917, 0x3ea0,
	                                  0x3ea9, 0x87c0, 0x3e9b };
	char line[64];
	unsigned i, accepted = 0;

	(void)state;
	PARSE_OK(vm_a_with("vgpu = _4"));
	assert_int_equal(cfg.vm[0].vgpu_device, 0x1912);
	assert_int_equal(cfg.vm[0].vgpu_device_line, 0);
	for (i = 0; i < gen9_ndevices; i++) {
		if (gen9_devices[i].gt != 2)
			continue;
		snprintf(line, sizeof line, "vgpu_device = %#x", gen9_devices[i].id);
		PARSE_OK(vm_a_with(line));
		assert_int_equal(cfg.vm[0].vgpu_device, gen9_devices[i].id);
		assert_int_equal(cfg.vm[0].vgpu_device_line, 4);
		accepted++;
	}
	assert_int_equal(accepted, 38);
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		snprintf(line, sizeof line, "vgpu_device = %#x", named[i]);
		PARSE_OK(vm_a_with(line));
		assert_int_equal(cfg.vm[0].vgpu_device, named[i]);
	}
	PARSE_OK(vm_a_with("vgpu_device = 22802"));     /* 0x5912 in decimal */
	assert_int_equal(cfg.vm[0].vgpu_device, 0x5912);
}

static void test_vgpu_device_errors(void **state)
{
	(void)state;
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x1234"), 4,
	             "vgpu_device 0x1234 is not a Gen9 GT2 device ID (SKL, KBL,"
	             " AML, CFL, WHL or CML; docs/config.md lists them)");
	/* Gen9 LP (Apollo Lake) and Gen11 (Ice Lake) are not in the table */
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x5a84"), 4,
	             "vgpu_device 0x5a84 is not a Gen9 GT2 device ID (SKL, KBL,"
	             " AML, CFL, WHL or CML; docs/config.md lists them)");
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x8a52"), 4,
	             "vgpu_device 0x8a52 is not a Gen9 GT2 device ID (SKL, KBL,"
	             " AML, CFL, WHL or CML; docs/config.md lists them)");
	/* 0x11912 must not be taken for 0x1912 */
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x11912"), 4,
	             "vgpu_device 0x11912 is not a Gen9 GT2 device ID (SKL, KBL,"
	             " AML, CFL, WHL or CML; docs/config.md lists them)");
	/* known, but not a GT2 */
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x3EA5"), 4,
	             "vgpu_device 0x3EA5 is a CFL GT3; a vGPU shows a GT2"
	             " (docs/config.md lists the IDs)");
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x9ba4"), 4,
	             "vgpu_device 0x9ba4 is a CML GT1; a vGPU shows a GT2"
	             " (docs/config.md lists the IDs)");
	EXPECT_ERROR(vm_a_with("vgpu_device = 0x193b"), 4,
	             "vgpu_device 0x193b is a SKL GT4; a vGPU shows a GT2"
	             " (docs/config.md lists the IDs)");
	EXPECT_ERROR(vm_a_with("vgpu_device = skylake"), 4,
	             "malformed number 'skylake' for 'vgpu_device'");
	EXPECT_ERROR("vgpu_device = 0x1912\n", 1,
	             "key 'vgpu_device' belongs in a [vm NAME] section");
}

/* ---- vtd_invalidation ------------------------------------------------- */

static void test_vtd_invalidation(void **state)
{
	(void)state;
	PARSE_OK(VM_A);
	assert_int_equal(cfg.vtd_invalidation, VTD_INV_AUTO);
	PARSE_OK("vtd_invalidation = register\n" VM_A);
	assert_int_equal(cfg.vtd_invalidation, VTD_INV_REGISTER);
	PARSE_OK("vtd_invalidation = auto\n");
	assert_int_equal(cfg.vtd_invalidation, VTD_INV_AUTO);
	assert_string_equal(config_vtd_invalidation_name(VTD_INV_REGISTER), "register");
	assert_string_equal(config_vtd_invalidation_name((enum vtd_invalidation)9), "?");
	EXPECT_ERROR("vtd_invalidation = queued\n", 1,
	             "invalid value 'queued' for 'vtd_invalidation' (expected auto"
	             " or register)");
	EXPECT_ERROR(VM_A "vtd_invalidation = auto\n", 4,
	             "global key 'vtd_invalidation' must come before the first [vm]"
	             " section");
	EXPECT_ERROR("vtd_invalidaton = auto\n", 1,
	             "unknown key 'vtd_invalidaton' (did you mean 'vtd_invalidation'?)");
}

/* ---- gpu_dma ------------------------------------------------------------ */

static void test_gpu_dma(void **state)
{
	(void)state;
	PARSE_OK(VM_A);
	assert_int_equal(cfg.gpu_dma, GPU_DMA_IOMMU);
	assert_int_equal(cfg.gpu_dma_line, 0);
	PARSE_OK("log_level = info\ngpu_dma = untranslated\n" VM_A);
	assert_int_equal(cfg.gpu_dma, GPU_DMA_UNTRANSLATED);
	assert_int_equal(cfg.gpu_dma_line, 2);
	PARSE_OK("gpu_dma = iommu   # the default\n");
	assert_int_equal(cfg.gpu_dma, GPU_DMA_IOMMU);
	assert_int_equal(cfg.gpu_dma_line, 1);
	PARSE_OK("gpu_dma = \"untranslated\"\n");
	assert_int_equal(cfg.gpu_dma, GPU_DMA_UNTRANSLATED);
	assert_string_equal(config_gpu_dma_name(GPU_DMA_IOMMU), "iommu");
	assert_string_equal(config_gpu_dma_name(GPU_DMA_UNTRANSLATED), "untranslated");
	assert_string_equal(config_gpu_dma_name((enum gpu_dma_choice)5), "?");
	EXPECT_ERROR("gpu_dma = hpa\n", 1,
	             "invalid value 'hpa' for 'gpu_dma' (expected iommu or"
	             " untranslated)");
	EXPECT_ERROR("\ngpu_dma = Untranslated\n", 2,
	             "invalid value 'Untranslated' for 'gpu_dma' (expected iommu"
	             " or untranslated)");
	EXPECT_ERROR("gpu_dma =\n", 1, "missing value for 'gpu_dma'");
	EXPECT_ERROR("gpu_dma = iommu\ngpu_dma = untranslated\n", 2,
	             "duplicate key 'gpu_dma' (first set on line 1)");
	EXPECT_ERROR(VM_A "gpu_dma = untranslated\n", 4,
	             "global key 'gpu_dma' must come before the first [vm]"
	             " section");
	EXPECT_ERROR("gpu_mda = iommu\n", 1,
	             "unknown key 'gpu_mda' (did you mean 'gpu_dma'?)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_time_slice_default),
		T(test_time_slice_values),
		T(test_time_slice_limits),
		T(test_time_slice_blanks_before_unit),
		T(test_time_slice_with_other_keys_and_vms),
		T(test_time_slice_out_of_range),
		T(test_time_slice_huge_number_is_out_of_range),
		T(test_time_slice_needs_unit),
		T(test_time_slice_malformed_number),
		T(test_time_slice_scope_and_duplicates),
		T(test_testdev_default),
		T(test_testdev_on_off),
		T(test_testdev_per_vm),
		T(test_testdev_bad_value),
		T(test_testdev_scope_and_duplicates),
		T(test_vgpu_device_default_and_values),
		T(test_vgpu_device_errors),
		T(test_vtd_invalidation),
		T(test_gpu_dma),
		T(test_on_reset_default),
		T(test_on_reset_values),
		T(test_on_reset_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
