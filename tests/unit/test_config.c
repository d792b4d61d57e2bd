/*
 * tests/unit/test_config.c — unit tests of hv/config/: the baregt.cfg
 * format of docs/config.md, every error message with its line, the check
 * against the machine, size formatting and the enumeration names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/config/config.h"
#include "tests/unit/config_test.h"

#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)

static char text[16384];         /* configs built by the tests */

/* VM_A-like text with one more "key = value" line (line 4). */
static const char *vm_a_with(const char *key, const char *value)
{
	snprintf(text, sizeof text, VM_A "%s = %s\n", key, value);
	return text;
}

/* A VM whose memory line (line 2) says value. */
static const char *vm_with_memory(const char *value)
{
	snprintf(text, sizeof text,
	         "[vm a]\nmemory = %s\nimage = \\a.efi\n", value);
	return text;
}

static char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* ---- defaults and globals -------------------------------------------- */

static void assert_defaults(void)
{
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_true(cfg.serial_enabled);
	assert_int_equal(cfg.serial_port, 0x3f8);
	assert_int_equal(cfg.on_exit, ON_EXIT_SHUTDOWN);
	assert_int_equal(cfg.selftest, SELFTEST_NONE);
	assert_int_equal(cfg.nvms, 0);
}

static void test_defaults(void **state)
{
	(void)state;
	memset(&cfg, 0xff, sizeof cfg);
	config_defaults(&cfg);
	assert_defaults();
}

static void test_empty_and_blank_files(void **state)
{
	(void)state;
	PARSE_OK_N(NULL, 0);
	assert_defaults();
	memset(&cfg, 0xff, sizeof cfg);
	PARSE_OK("");
	assert_defaults();
	PARSE_OK("\n\n   \n\t\n");
	assert_defaults();
	PARSE_OK("# only a comment\n   # indented one\n\n#");
	assert_defaults();
}

static void test_global_keys(void **state)
{
	(void)state;
	PARSE_OK("log_level = error\n");
	assert_int_equal(cfg.log_level, LOG_ERROR);
	PARSE_OK("log_level = warn\n");
	assert_int_equal(cfg.log_level, LOG_WARN);
	PARSE_OK("log_level = info\n");
	assert_int_equal(cfg.log_level, LOG_INFO);
	PARSE_OK("log_level=debug");
	assert_int_equal(cfg.log_level, LOG_DEBUG);

	PARSE_OK("on_exit = shutdown\n");
	assert_int_equal(cfg.on_exit, ON_EXIT_SHUTDOWN);
	PARSE_OK("on_exit = reboot\n");
	assert_int_equal(cfg.on_exit, ON_EXIT_REBOOT);
	PARSE_OK("on_exit = halt\n");
	assert_int_equal(cfg.on_exit, ON_EXIT_HALT);

	PARSE_OK("selftest = none\n");
	assert_int_equal(cfg.selftest, SELFTEST_NONE);
	PARSE_OK("selftest = write-text\n");
	assert_int_equal(cfg.selftest, SELFTEST_WRITE_TEXT);
	PARSE_OK("selftest = exec-data\n");
	assert_int_equal(cfg.selftest, SELFTEST_EXEC_DATA);
	PARSE_OK("selftest = ud\n");
	assert_int_equal(cfg.selftest, SELFTEST_UD);

	PARSE_OK("\t log_level\t=\t\"debug\"\t # quoted works too\n");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
}

static void test_serial(void **state)
{
	(void)state;
	PARSE_OK("serial = none\n");
	assert_false(cfg.serial_enabled);
	assert_int_equal(cfg.serial_port, 0);
	PARSE_OK("serial = 0x2f8\n");
	assert_true(cfg.serial_enabled);
	assert_int_equal(cfg.serial_port, 0x2f8);
	PARSE_OK("serial = 1016\n");
	assert_int_equal(cfg.serial_port, 0x3f8);
	PARSE_OK("serial = 1\n");
	assert_int_equal(cfg.serial_port, 1);
	PARSE_OK("serial = 0XFFF8\n");
	assert_int_equal(cfg.serial_port, 0xfff8);

	EXPECT_ERROR("serial = com1\n", 1,
	             "invalid value 'com1' for 'serial' "
	             "(expected none or a port number)");
	EXPECT_ERROR("serial = -1\n", 1, "invalid value '-1' for 'serial' "
	             "(expected none or a port number)");
	EXPECT_ERROR("serial = 0\n", 1, "serial port must be 1..0xfff8");
	EXPECT_ERROR("serial = 0xfff9\n", 1, "serial port must be 1..0xfff8");
	EXPECT_ERROR("serial = 0x10000\n", 1, "serial port must be 1..0xfff8");
	EXPECT_ERROR("serial = 99999999999999999999999\n", 1,
	             "serial port must be 1..0xfff8");
}

static void test_global_key_errors(void **state)
{
	(void)state;
	EXPECT_ERROR("log_level = verbose\n", 1, "invalid value 'verbose' for "
	             "'log_level' (expected error, warn, info or debug)");
	EXPECT_ERROR("log_level = INFO\n", 1, "invalid value 'INFO' for "
	             "'log_level' (expected error, warn, info or debug)");
	EXPECT_ERROR("\non_exit = poweroff\n", 2, "invalid value 'poweroff' "
	             "for 'on_exit' (expected shutdown, reboot or halt)");
	EXPECT_ERROR("selftest = all\n", 1, "invalid value 'all' for "
	             "'selftest' (expected none, write-text, exec-data, ud or iommu-edu)");
	EXPECT_ERROR(VM_A "log_level = info\n", 4, "global key 'log_level' "
	             "must come before the first [vm] section");
	EXPECT_ERROR(VM_A "serial = none\n", 4, "global key 'serial' "
	             "must come before the first [vm] section");
	EXPECT_ERROR("log_level = info\n# x\nlog_level = debug\n", 3,
	             "duplicate key 'log_level' (first set on line 1)");
	EXPECT_ERROR("serial = none\nselftest = ud\nserial = 0x3f8\n", 3,
	             "duplicate key 'serial' (first set on line 1)");
	EXPECT_ERROR("on_exit = halt\non_exit = halt\n", 2,
	             "duplicate key 'on_exit' (first set on line 1)");
}

/* ---- VM keys --------------------------------------------------------- */

static void test_vm_minimal_gets_defaults(void **state)
{
	const struct vm_config *vm = &cfg.vm[0];

	(void)state;
	PARSE_OK(VM_A);
	assert_int_equal(cfg.nvms, 1);
	assert_string_equal(vm->name, "a");
	assert_int_equal(vm->line, 1);
	assert_int_equal(vm->memory_bytes, 64 * MIB);
	assert_int_equal(vm->memory_line, 2);
	assert_string_equal(vm->image, "\\efi\\a.efi");
	assert_int_equal(vm->image_line, 3);
	assert_int_equal(vm->cpu, 0);
	assert_int_equal(vm->cpu_line, 0);
	assert_string_equal(vm->cmdline, "");
	assert_int_equal(vm->cmdline_line, 0);
	assert_int_equal(vm->vgpu, VGPU_NONE);
	assert_int_equal(vm->vgpu_line, 0);
	assert_int_equal(vm->nmodules, 0);
}

static void test_vm_all_keys(void **state)
{
	const struct vm_config *vm = &cfg.vm[0];

	(void)state;
	PARSE_OK("[vm linux-1]\n"
	         "cpu = 3\n"
	         "vgpu = _4\n"
	         "cmdline = console=ttyS0 quiet\n"
	         "module = /efi/initrd.img rd.debug\n"
	         "image = /efi/linux/bzImage\n"
	         "memory = 1G");
	assert_string_equal(vm->name, "linux-1");
	assert_int_equal(vm->cpu, 3);
	assert_int_equal(vm->cpu_line, 2);
	assert_int_equal(vm->vgpu, VGPU_4);
	assert_int_equal(vm->vgpu_line, 3);
	assert_string_equal(vm->cmdline, "console=ttyS0 quiet");
	assert_int_equal(vm->cmdline_line, 4);
	assert_int_equal(vm->nmodules, 1);
	assert_string_equal(vm->module[0].path, "\\efi\\initrd.img");
	assert_string_equal(vm->module[0].args, "rd.debug");
	assert_int_equal(vm->module[0].line, 5);
	assert_string_equal(vm->image, "\\efi\\linux\\bzImage");
	assert_int_equal(vm->image_line, 6);
	assert_int_equal(vm->memory_bytes, GIB);
	assert_int_equal(vm->memory_line, 7);
}

static void test_memory_sizes(void **state)
{
	static const struct { const char *text; uint64_t bytes; } sizes[] = {
		{ "2097152", 2 * MIB },   { "0x200000", 2 * MIB },
		{ "2048K", 2 * MIB },     { "2048k", 2 * MIB },
		{ "2M", 2 * MIB },        { "4m", 4 * MIB },
		{ "1G", GIB },            { "2g", 2 * GIB },
		{ "0x40M", 64 * MIB },    { "0X2m", 2 * MIB },
		{ "2048M", 2 * GIB },     { "\"512M\"", 512 * MIB },
		{ "0010M", 10 * MIB },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		PARSE_OK(vm_with_memory(sizes[i].text));
		assert_int_equal(cfg.vm[0].memory_bytes, sizes[i].bytes);
	}
}

static void test_memory_errors(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "0", "memory must be at least 2M" },
		{ "0K", "memory must be at least 2M" },
		{ "1M", "memory must be a multiple of 2M" },
		{ "3M", "memory must be a multiple of 2M" },
		{ "2097153", "memory must be a multiple of 2M" },
		{ "2050M", "memory larger than 2G (RAM ends below the PCI window at 2G)" },
		{ "1025G", "memory larger than 2G (RAM ends below the PCI window at 2G)" },
		{ "18446744073709551615", "memory larger than 2G (RAM ends below the PCI window at 2G)" },
		{ "2MB", "malformed size '2MB' for 'memory'" },
		{ "2 M", "malformed size '2 M' for 'memory'" },
		{ "-2M", "malformed size '-2M' for 'memory'" },
		{ "+2M", "malformed size '+2M' for 'memory'" },
		{ "1.5G", "malformed size '1.5G' for 'memory'" },
		{ "1T", "malformed size '1T' for 'memory'" },
		{ "M", "malformed size 'M' for 'memory'" },
		{ "0x", "malformed size '0x' for 'memory'" },
		{ "0xM", "malformed size '0xM' for 'memory'" },
		{ "two", "malformed size 'two' for 'memory'" },
		{ "\"\"", "malformed size '' for 'memory'" },
		{ "18446744073709551616", "number too large for 'memory'" },
		{ "0x10000000000000000", "number too large for 'memory'" },
		{ "17179869184G", "number too large for 'memory'" },
		{ "18014398509481984K", "number too large for 'memory'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		EXPECT_ERROR(vm_with_memory(bad[i].text), 2, bad[i].msg);
}

static void test_cpu(void **state)
{
	static const struct { const char *text; unsigned cpu; } good[] = {
		{ "0", 0 }, { "7", 7 }, { "255", 255 }, { "0xff", 255 },
		{ "0XFE", 254 }, { "007", 7 },
	};
	static const struct { const char *text, *msg; } bad[] = {
		{ "256", "cpu must be 0..255" },
		{ "0x100", "cpu must be 0..255" },
		{ "99999999999999999999999", "cpu must be 0..255" },
		{ "-1", "malformed number '-1' for 'cpu'" },
		{ "+1", "malformed number '+1' for 'cpu'" },
		{ "1x", "malformed number '1x' for 'cpu'" },
		{ "0x", "malformed number '0x' for 'cpu'" },
		{ "0xg", "malformed number '0xg' for 'cpu'" },
		{ "1.0", "malformed number '1.0' for 'cpu'" },
		{ "1 2", "malformed number '1 2' for 'cpu'" },
		{ "first", "malformed number 'first' for 'cpu'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		PARSE_OK(vm_a_with("cpu", good[i].text));
		assert_int_equal(cfg.vm[0].cpu, good[i].cpu);
		assert_int_equal(cfg.vm[0].cpu_line, 4);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		EXPECT_ERROR(vm_a_with("cpu", bad[i].text), 4, bad[i].msg);
}

static void test_image_paths(void **state)
{
	char path[200];

	(void)state;
	PARSE_OK("[vm a]\nmemory = 2M\nimage = /EFI/linux/bzImage\n");
	assert_string_equal(cfg.vm[0].image, "\\EFI\\linux\\bzImage");
	PARSE_OK("[vm a]\nmemory = 2M\nimage = \\EFI/mixed\\sep.efi\n");
	assert_string_equal(cfg.vm[0].image, "\\EFI\\mixed\\sep.efi");
	PARSE_OK("[vm a]\nmemory = 2M\nimage = \"/EFI/My Linux/bzImage\"\n");
	assert_string_equal(cfg.vm[0].image, "\\EFI\\My Linux\\bzImage");

	EXPECT_ERROR("[vm a]\nmemory = 2M\nimage = EFI\\a.efi\n", 3,
	             "path must start with '\\' or '/': 'EFI\\a.efi'");
	EXPECT_ERROR("[vm a]\nmemory = 2M\nimage = \"\"\n", 3,
	             "path must start with '\\' or '/': ''");
	EXPECT_ERROR("[vm a]\nmemory = 2M\nimage = \\My Linux\\bz\n", 3,
	             "path must be quoted when it contains whitespace: "
	             "'\\My Linux\\bz'");

	path[0] = '\\';
	repeat(path + 1, 'p', 126);           /* 127 characters: fits */
	PARSE_OK(vm_a_with("module", path));
	assert_string_equal(cfg.vm[0].module[0].path, path);
	snprintf(text, sizeof text, "[vm a]\nmemory = 2M\nimage = %s\n", path);
	PARSE_OK(text);
	assert_string_equal(cfg.vm[0].image, path);
	repeat(path + 1, 'p', 127);           /* 128 characters: too long */
	snprintf(text, sizeof text, "[vm a]\nmemory = 2M\nimage = %s\n", path);
	EXPECT_ERROR(text, 3, "path longer than 127 characters");
	EXPECT_ERROR(vm_a_with("module", path), 4,
	             "path longer than 127 characters");
}

static void test_cmdline(void **state)
{
	char value[300];

	(void)state;
	PARSE_OK(vm_a_with("cmdline", "root=/dev/sda1  ro\t# trailing comment"));
	assert_string_equal(cfg.vm[0].cmdline, "root=/dev/sda1  ro");
	assert_int_equal(cfg.vm[0].cmdline_line, 4);
	PARSE_OK(vm_a_with("cmdline", "a#b c=\"x y\""));
	assert_string_equal(cfg.vm[0].cmdline, "a#b c=\"x y\"");
	PARSE_OK(vm_a_with("cmdline", "\"  keep # this  \" # not this"));
	assert_string_equal(cfg.vm[0].cmdline, "  keep # this  ");
	PARSE_OK(vm_a_with("cmdline", "\"\""));
	assert_string_equal(cfg.vm[0].cmdline, "");
	assert_int_equal(cfg.vm[0].cmdline_line, 4);

	PARSE_OK(vm_a_with("cmdline", repeat(value, 'c', 255)));
	assert_string_equal(cfg.vm[0].cmdline, value);
	EXPECT_ERROR(vm_a_with("cmdline", repeat(value, 'c', 256)), 4,
	             "cmdline longer than 255 characters");
}

static void test_modules(void **state)
{
	const struct vm_config *vm = &cfg.vm[0];
	char args[300];
	size_t i, n;

	(void)state;
	PARSE_OK(VM_A "module = /efi/initrd.img\n"
	         "module = \\m.efi   a b  c   # comment\n"
	         "module = \"/My Mods/x.efi\"\tk=\"v w\"\n"
	         "module = \"\\q.efi\"\n");
	assert_int_equal(vm->nmodules, 4);
	assert_string_equal(vm->module[0].path, "\\efi\\initrd.img");
	assert_string_equal(vm->module[0].args, "");
	assert_int_equal(vm->module[0].line, 4);
	assert_string_equal(vm->module[1].path, "\\m.efi");
	assert_string_equal(vm->module[1].args, "a b  c");
	assert_string_equal(vm->module[2].path, "\\My Mods\\x.efi");
	assert_string_equal(vm->module[2].args, "k=\"v w\"");
	assert_string_equal(vm->module[3].path, "\\q.efi");
	assert_string_equal(vm->module[3].args, "");
	assert_int_equal(vm->module[3].line, 7);

	n = (size_t)snprintf(text, sizeof text, VM_A);
	for (i = 0; i < CONFIG_MAX_MODULES; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		                      "module = \\m%zu.efi %zu\n", i, i);
	PARSE_OK(text);
	assert_int_equal(vm->nmodules, 8);
	assert_string_equal(vm->module[7].path, "\\m7.efi");
	assert_string_equal(vm->module[7].args, "7");
	assert_int_equal(vm->module[7].line, 11);
	snprintf(text + n, sizeof text - n, "module = \\m8.efi\n");
	EXPECT_ERROR(text, 12, "too many modules for vm 'a' (at most 8)");

	snprintf(args, sizeof args, "\\m.efi %s", repeat(text, 'a', 255));
	PARSE_OK(vm_a_with("module", args));
	assert_int_equal(strlen(vm->module[0].args), 255);
	snprintf(args, sizeof args, "\\m.efi %s", repeat(text, 'a', 256));
	EXPECT_ERROR(vm_a_with("module", args), 4,
	             "module arguments longer than 255 characters");

	EXPECT_ERROR(vm_a_with("module", "m.efi"), 4,
	             "path must start with '\\' or '/': 'm.efi'");
	EXPECT_ERROR(vm_a_with("module", "\"\\m.efi\"x"), 4,
	             "unexpected text after quoted value");
	EXPECT_ERROR(vm_a_with("module", "\"\\m.efi"), 4, "unterminated quote");
}

static void test_marks(void **state)
{
	const struct vm_config *vm = &cfg.vm[0];
	char value[80];
	size_t i, n;

	(void)state;
	PARSE_OK(VM_A);
	assert_int_equal(vm->nmarks, 0);
	PARSE_OK(VM_A "mark = BAREGT-LINUX: init reached   # comment\n"
	         "mark = \"  kept blanks \"\n");
	assert_int_equal(vm->nmarks, 2);
	assert_string_equal(vm->mark[0], "BAREGT-LINUX: init reached");
	assert_string_equal(vm->mark[1], "  kept blanks ");

	n = (size_t)snprintf(text, sizeof text, VM_A);
	for (i = 0; i < CONFIG_MAX_MARKS; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "mark = m%zu\n", i);
	PARSE_OK(text);
	assert_int_equal(vm->nmarks, 4);
	assert_string_equal(vm->mark[3], "m3");
	snprintf(text + n, sizeof text - n, "mark = m4\n");
	EXPECT_ERROR(text, 8, "too many marks for vm 'a' (at most 4)");

	PARSE_OK(vm_a_with("mark", repeat(value, 'm', 63)));
	assert_string_equal(vm->mark[0], value);
	EXPECT_ERROR(vm_a_with("mark", repeat(value, 'm', 64)), 4,
	             "mark longer than 63 characters");
	EXPECT_ERROR(vm_a_with("mark", "\"\""), 4, "mark must not be empty");
	EXPECT_ERROR("mark = x\n", 1,
	             "key 'mark' belongs in a [vm NAME] section");
}

static void test_vgpu(void **state)
{
	static const struct { const char *text; enum vgpu_type type; } good[] = {
		{ "none", VGPU_NONE }, { "_8", VGPU_8 }, { "_4", VGPU_4 },
		{ "_2", VGPU_2 },      { "_1", VGPU_1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		PARSE_OK(vm_a_with("vgpu", good[i].text));
		assert_int_equal(cfg.vm[0].vgpu, good[i].type);
		assert_int_equal(cfg.vm[0].vgpu_line, 4);
	}
	EXPECT_ERROR(vm_a_with("vgpu", "_3"), 4, "invalid value '_3' for "
	             "'vgpu' (expected none, _8, _4, _2 or _1)");
}

/* ---- sections -------------------------------------------------------- */

static void test_section_headers(void **state)
{
	char name[40];

	(void)state;
	PARSE_OK("[ vm  a ]\nmemory = 2M\nimage = \\a\n");
	assert_string_equal(cfg.vm[0].name, "a");
	PARSE_OK("  [\tvm\tb_-9Z]   # comment\nmemory = 2M\nimage = \\a\n");
	assert_string_equal(cfg.vm[0].name, "b_-9Z");
	snprintf(text, sizeof text, "[vm %s]\nmemory = 2M\nimage = \\a\n",
	         repeat(name, 'n', 31));
	PARSE_OK(text);
	assert_string_equal(cfg.vm[0].name, name);

	snprintf(text, sizeof text, "[vm %s]\n", repeat(name, 'n', 32));
	EXPECT_ERROR(text, 1, "invalid VM name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'"
	             " (1-31 letters, digits, '_' or '-')");
	EXPECT_ERROR("[vm a.b]\n", 1,
	             "invalid VM name 'a.b' (1-31 letters, digits, '_' or '-')");
	EXPECT_ERROR("[vm a b]\n", 1,
	             "invalid VM name 'a b' (1-31 letters, digits, '_' or '-')");
	EXPECT_ERROR("\n[vm]\n", 2, "missing VM name in section header");
	EXPECT_ERROR("[ vm\t]\n", 1, "missing VM name in section header");
	EXPECT_ERROR("  [global]  # x\n", 1,
	             "unknown section '[global]' (expected '[vm NAME]')");
	EXPECT_ERROR("[ foo  a ]\n", 1,
	             "unknown section '[ foo  a ]' (expected '[vm NAME]')");
	EXPECT_ERROR("[VM a]\n", 1,
	             "unknown section '[VM a]' (expected '[vm NAME]')");
	EXPECT_ERROR("[]\n", 1, "unknown section '[]' (expected '[vm NAME]')");
	EXPECT_ERROR("[vma]\n", 1,
	             "unknown section '[vma]' (expected '[vm NAME]')");
	EXPECT_ERROR("[vm a\n", 1, "unterminated section header");
	EXPECT_ERROR("[vm a # ]\n", 1, "unterminated section header");
	EXPECT_ERROR("[vm a] x\n", 1, "unexpected text after section header");
	EXPECT_ERROR("[vm a]]\n", 1, "unexpected text after section header");
	EXPECT_ERROR("[vm a]# no blank before the hash\n", 1,
	             "unexpected text after section header");
	EXPECT_ERROR(VM_A "\n[vm A]\nmemory = 2M\nimage = \\b\n", 5,
	             "duplicate VM name 'A' (first defined on line 1)");
}

static void test_multiple_vms(void **state)
{
	(void)state;
	PARSE_OK("log_level = debug\n"
	         "\n"
	         "[vm first]\n"
	         "memory = 1G\n"
	         "image = \\one.efi\n"
	         "module = \\m.efi\n"
	         "\n"
	         "[vm second]\n"
	         "memory = 512M\n"
	         "image = \\two.efi\n"
	         "cpu = 1\n"
	         "[vm third]\n"
	         "image = \\three.efi\n"
	         "memory = 2M\n"
	         "module = \\x\n"
	         "module = \\y\n");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.nvms, 3);
	assert_string_equal(cfg.vm[0].name, "first");
	assert_int_equal(cfg.vm[0].line, 3);
	assert_int_equal(cfg.vm[0].nmodules, 1);
	assert_int_equal(cfg.vm[0].cpu, 0);
	assert_string_equal(cfg.vm[1].name, "second");
	assert_int_equal(cfg.vm[1].line, 8);
	assert_int_equal(cfg.vm[1].memory_bytes, 512 * MIB);
	assert_int_equal(cfg.vm[1].cpu, 1);
	assert_int_equal(cfg.vm[1].cpu_line, 11);
	assert_int_equal(cfg.vm[1].nmodules, 0);
	assert_string_equal(cfg.vm[2].name, "third");
	assert_string_equal(cfg.vm[2].image, "\\three.efi");
	assert_int_equal(cfg.vm[2].image_line, 13);
	assert_int_equal(cfg.vm[2].nmodules, 2);
	assert_int_equal(cfg.vm[2].module[1].line, 16);
}

/* VMs vmFIRST.. appended to text at n; returns the new length. */
static size_t append_vms(size_t n, unsigned first, unsigned count)
{
	unsigned i;

	for (i = first; i < first + count; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		                      "[vm vm%u]\nmemory = 2M\nimage = \\v%u.efi\n",
		                      i, i);
	return n;
}

static void test_vm_count_limit(void **state)
{
	size_t n;

	(void)state;
	n = append_vms(0, 0, CONFIG_MAX_VMS);
	PARSE_OK(text);
	assert_int_equal(cfg.nvms, 16);
	assert_string_equal(cfg.vm[15].name, "vm15");
	assert_int_equal(cfg.vm[15].line, 46);
	append_vms(n, CONFIG_MAX_VMS, 1);
	EXPECT_ERROR(text, 49, "too many VMs (at most 16)");
}

static void test_required_keys(void **state)
{
	(void)state;
	EXPECT_ERROR("# c\n\n[vm x]\nimage = \\x\n", 3, "vm 'x' has no memory");
	EXPECT_ERROR("[vm x]\nmemory = 2M\n", 1, "vm 'x' has no image");
	EXPECT_ERROR("[vm x]\n", 1, "vm 'x' has no memory");
	EXPECT_ERROR("[vm x]\nmemory = 2M\n[vm y]\nmemory = 2M\nimage = \\y\n",
	             1, "vm 'x' has no image");
	/* the section ends before the next header is even looked at */
	EXPECT_ERROR("[vm x]\nmemory = 2M\n[bogus\n", 1, "vm 'x' has no image");
	EXPECT_ERROR(VM_A "[vm b]\nimage = \\b\n[vm c]\n", 4,
	             "vm 'b' has no memory");
}

/* ---- key lines ------------------------------------------------------- */

static void test_key_line_errors(void **state)
{
	char key[80];

	(void)state;
	EXPECT_ERROR("log_level\n", 1, "expected 'key = value' or '[vm NAME]'");
	EXPECT_ERROR("\n\n= info\n", 3, "expected 'key = value' or '[vm NAME]'");
	EXPECT_ERROR("log_level =\n", 1, "missing value for 'log_level'");
	EXPECT_ERROR("log_level =  # comment\n", 1,
	             "missing value for 'log_level'");
	EXPECT_ERROR(VM_A "image =   \n", 4, "missing value for 'image'");
	EXPECT_ERROR("memory = 2M\n", 1,
	             "key 'memory' belongs in a [vm NAME] section");
	EXPECT_ERROR("log_level = info\nmodule = \\m\n", 2,
	             "key 'module' belongs in a [vm NAME] section");
	EXPECT_ERROR(VM_A "memory = 2M\n", 4,
	             "duplicate key 'memory' (first set on line 2)");
	EXPECT_ERROR(VM_A "cpu = 1\ncpu = 1\n", 5,
	             "duplicate key 'cpu' (first set on line 4)");
	EXPECT_ERROR(VM_A "vgpu = _1\ncmdline = x\ncmdline = y\n", 6,
	             "duplicate key 'cmdline' (first set on line 5)");

	EXPECT_ERROR("frobnicate = 1\n", 1, "unknown key 'frobnicate'");
	EXPECT_ERROR(VM_A "colour = red\n", 4, "unknown key 'colour'");
	EXPECT_ERROR(VM_A "memroy = 2M\n", 4,
	             "unknown key 'memroy' (did you mean 'memory'?)");
	EXPECT_ERROR(VM_A "Memory = 2M\n", 4,
	             "unknown key 'Memory' (did you mean 'memory'?)");
	EXPECT_ERROR("log-level = info\n", 1,
	             "unknown key 'log-level' (did you mean 'log_level'?)");
	EXPECT_ERROR("loglevel = info\n", 1,
	             "unknown key 'loglevel' (did you mean 'log_level'?)");
	EXPECT_ERROR(VM_A "cpus = 1\n", 4,
	             "unknown key 'cpus' (did you mean 'cpu'?)");
	EXPECT_ERROR(VM_A "modules = \\m\n", 4,
	             "unknown key 'modules' (did you mean 'module'?)");

	/* user text in a message is cut at 60 characters */
	snprintf(text, sizeof text, "%s = 1\n", repeat(key, 'k', 70));
	EXPECT_ERROR(text, 1, "unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	             "kkkkkkkkkkkkkkkkkkkkkkkk...'");
}

static void test_same_key_in_two_vms(void **state)
{
	(void)state;
	PARSE_OK(VM_A "cpu = 1\n[vm b]\nmemory = 2M\nimage = \\b\ncpu = 2\n");
	assert_int_equal(cfg.vm[0].cpu, 1);
	assert_int_equal(cfg.vm[1].cpu, 2);
	assert_int_equal(cfg.vm[1].cpu_line, 8);
}

/* ---- lexical: comments, quotes, line ends, characters, length --------- */

static void test_comments(void **state)
{
	(void)state;
	PARSE_OK("# \"an odd quote in a comment\n"
	         "   # indented\n"
	         "log_level = warn # a comment with \"quotes\n");
	assert_int_equal(cfg.log_level, LOG_WARN);
	EXPECT_ERROR("log_level = debug# no blank, not a comment\n", 1,
	             "invalid value 'debug# no blank, not a comment' for "
	             "'log_level' (expected error, warn, info or debug)");
	PARSE_OK(VM_A "#cmdline = ignored\n\tcmdline = a#1 b # c\n");
	assert_string_equal(cfg.vm[0].cmdline, "a#1 b");
	assert_int_equal(cfg.vm[0].cmdline_line, 5);
}

static void test_quoting(void **state)
{
	(void)state;
	PARSE_OK(VM_A "cmdline = \"console=ttyS0 # not a comment\" # one\n");
	assert_string_equal(cfg.vm[0].cmdline, "console=ttyS0 # not a comment");
	PARSE_OK(VM_A "cmdline = say \"# hi\"\n");
	assert_string_equal(cfg.vm[0].cmdline, "say \"# hi\"");

	EXPECT_ERROR(VM_A "cmdline = \"open\n", 4, "unterminated quote");
	EXPECT_ERROR(VM_A "cmdline = a\"b # c\n", 4, "unterminated quote");
	EXPECT_ERROR("log_level = \"info\n", 1, "unterminated quote");
	EXPECT_ERROR("[vm a]\nmemory = 2M\nimage = \"\\a.efi\" x\n", 3,
	             "unexpected text after quoted value");
	EXPECT_ERROR(VM_A "cmdline = \"a\" \"b\"\n", 4,
	             "unexpected text after quoted value");
	EXPECT_ERROR("log_level = \"info\"# no blank\n", 1,
	             "unexpected text after quoted value");
}

/* text with every LF turned into CR LF */
static size_t crlf(const char *lf, char *out, size_t n)
{
	size_t len = 0;

	for (; *lf != '\0' && len + 2 < n; lf++) {
		if (*lf == '\n')
			out[len++] = '\r';
		out[len++] = *lf;
	}
	out[len] = '\0';
	return len;
}

static void test_line_endings(void **state)
{
	static const char lf[] =
		"log_level = warn\n# comment\n\n[vm a]\nmemory = 2M\n"
		"image = \\a.efi\ncmdline = \"q q\"\nmodule = \\m x y\n";
	size_t n;

	(void)state;
	n = crlf(lf, text, sizeof text);
	PARSE_OK_N(text, n);
	assert_int_equal(cfg.log_level, LOG_WARN);
	assert_int_equal(cfg.vm[0].line, 4);
	assert_string_equal(cfg.vm[0].image, "\\a.efi");
	assert_string_equal(cfg.vm[0].cmdline, "q q");
	assert_string_equal(cfg.vm[0].module[0].args, "x y");
	assert_int_equal(cfg.vm[0].module[0].line, 8);

	/* no newline at the end, in both styles */
	PARSE_OK("[vm a]\r\nmemory = 2M\r\nimage = \\a.efi");
	assert_string_equal(cfg.vm[0].image, "\\a.efi");
	PARSE_OK("log_level = error");
	assert_int_equal(cfg.log_level, LOG_ERROR);

	/* a CR anywhere but before LF is just a control character */
	EXPECT_ERROR("log_level = info\rx\n", 1,
	             "invalid character 0x0d in column 17");
	EXPECT_ERROR("\nlog_level = info\r", 2,
	             "invalid character 0x0d in column 17");
	EXPECT_ERROR("log_level = info\r\r\n", 1,
	             "invalid character 0x0d in column 17");
}

static void test_invalid_characters(void **state)
{
	static const char with_nul[] = "selftest = no\0ne\n";

	(void)state;
	EXPECT_ERROR_N(with_nul, sizeof with_nul - 1, 1,
	               "invalid character 0x00 in column 14");
	EXPECT_ERROR("\nlog_level = in\x01" "fo\n", 2,
	             "invalid character 0x01 in column 15");
	EXPECT_ERROR("log_level = info\x7f\n", 1,
	             "invalid character 0x7f in column 17");
	EXPECT_ERROR("# caf\xc3\xa9\n", 1,
	             "invalid character 0xc3 in column 6");
	EXPECT_ERROR("\x1b[vm a]\n", 1, "invalid character 0x1b in column 1");
	EXPECT_ERROR("\xff", 1, "invalid character 0xff in column 1");
	PARSE_OK("log_level\t=\tdebug\t# tabs are blanks\n");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
}

static void test_line_length(void **state)
{
	char line[CONFIG_LINE_MAX + 8];
	size_t n;

	(void)state;
	line[0] = '#';
	repeat(line + 1, 'x', 510);           /* 511 characters */
	n = (size_t)snprintf(text, sizeof text, "%s\nlog_level = warn\n", line);
	PARSE_OK_N(text, n);
	n = (size_t)snprintf(text, sizeof text, "%s\r\nlog_level = warn\r\n",
	                     line);
	PARSE_OK_N(text, n);
	n = (size_t)snprintf(text, sizeof text, "log_level = warn\n%s", line);
	PARSE_OK_N(text, n);

	repeat(line + 1, 'x', 511);           /* 512 characters */
	snprintf(text, sizeof text, "\n%s\n", line);
	EXPECT_ERROR(text, 2, "line longer than 511 characters");
	snprintf(text, sizeof text, "%s", line);
	EXPECT_ERROR(text, 1, "line longer than 511 characters");
}

static void test_null_error_is_allowed(void **state)
{
	(void)state;
	assert_false(config_parse("bogus", 5, &cfg, NULL));
	assert_true(config_parse("log_level = info", 16, &cfg, NULL));
}

/* ---- robustness ------------------------------------------------------ */

static const char sample[] =
	"# BareGT test config\n"
	"log_level = debug\n"
	"serial = 0x2f8\n"
	"on_exit = halt\n"
	"selftest = ud\n"
	"\n"
	"[ vm linux ]   # the first guest\n"
	"memory  = 0x40000000\n"
	"cpu     = 1\n"
	"image   = \"/EFI/BareGT/linux kernel.efi\"\n"
	"cmdline = console=ttyS0 \"x # y\"\n"
	"module  = /EFI/BareGT/initrd.img rd.shell\n"
	"vgpu    = _4\n"
	"[vm two]\n"
	"memory=512M\n"
	"image=\\two.efi";

static unsigned count_lines(const char *t, size_t n)
{
	unsigned lines = 1;
	size_t i;

	for (i = 0; i < n; i++)
		lines += t[i] == '\n';
	return lines;
}

/* Parse exactly n bytes from a heap copy, so ASan sees any overread. */
static void parse_exact_copy(const char *t, size_t n)
{
	char *copy = malloc(n > 0 ? n : 1);

	assert_non_null(copy);
	memcpy(copy, t, n);
	memset(&err, 0, sizeof err);
	if (!config_parse(copy, n, &cfg, &err)) {
		assert_true(err.line >= 1);
		assert_true(err.line <= count_lines(t, n));
		assert_true(err.msg[0] != '\0');
		assert_true(strlen(err.msg) < CONFIG_ERROR_MAX);
	}
	free(copy);
}

static void test_every_prefix(void **state)
{
	size_t n, len;

	(void)state;
	PARSE_OK(sample);
	assert_int_equal(cfg.nvms, 2);
	assert_string_equal(cfg.vm[0].cmdline, "console=ttyS0 \"x # y\"");
	for (n = 0; n <= strlen(sample); n++)
		parse_exact_copy(sample, n);
	len = crlf(sample, text, sizeof text);
	for (n = 0; n <= len; n++)
		parse_exact_copy(text, n);
}

static void test_every_byte_replaced(void **state)
{
	static const char swaps[] = { '\0', '\n', '\r', ' ', '"', '#', '=',
	                              '[', ']', '/', 'x', '0', (char)0xff };
	char copy[sizeof sample];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof sample - 1; i++) {
		for (k = 0; k < sizeof swaps; k++) {
			memcpy(copy, sample, sizeof sample);
			copy[i] = swaps[k];
			parse_exact_copy(copy, sizeof sample - 1);
		}
	}
}

/* ---- config_check_machine -------------------------------------------- */

static void expect_machine_error(const struct machine_facts *mf,
                                 unsigned line, const char *msg)
{
	memset(&err, 0, sizeof err);
	assert_false(config_check_machine(&cfg, mf, &err));
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.line, line);
}

static void test_machine_memory(void **state)
{
	struct machine_facts mf = { 1536 * MIB, 0 };

	(void)state;
	PARSE_OK("[vm a]\nmemory = 1G\nimage = \\a\n"
	         "[vm b]\nimage = \\b\nmemory = 512M\n");
	assert_true(config_check_machine(&cfg, &mf, &err));   /* exact fit */
	mf.usable_ram_bytes = 1280 * MIB;
	expect_machine_error(&mf, 6, "vm 'b': memory 512M does not fit "
	                     "(256M left of 1280M usable)");
	mf.usable_ram_bytes = GIB;
	expect_machine_error(&mf, 6, "vm 'b': memory 512M does not fit "
	                     "(0 left of 1G usable)");
	mf.usable_ram_bytes = 512 * MIB + 4096;
	expect_machine_error(&mf, 2, "vm 'a': memory 1G does not fit "
	                     "(524292K left of 524292K usable)");
	mf.usable_ram_bytes = 0;
	expect_machine_error(&mf, 2, "vm 'a': memory 1G does not fit "
	                     "(0 left of 0 usable)");

	PARSE_OK("");
	assert_true(config_check_machine(&cfg, &mf, &err));
}

static void test_machine_cpu(void **state)
{
	struct machine_facts mf = { 4 * GIB, 4 };

	(void)state;
	PARSE_OK("[vm a]\nmemory = 1G\nimage = \\a\n"
	         "[vm b]\nimage = \\b\nmemory = 512M\ncpu = 3\n");
	assert_true(config_check_machine(&cfg, &mf, &err));
	mf.ncpus = 0;                                  /* unknown: not checked */
	assert_true(config_check_machine(&cfg, &mf, &err));
	mf.ncpus = 3;
	expect_machine_error(&mf, 7, "vm 'b': cpu 3 does not exist "
	                     "(this machine has 3 CPUs)");
	mf.ncpus = 1;
	expect_machine_error(&mf, 7, "vm 'b': cpu 3 does not exist "
	                     "(this machine has 1 CPU)");

	/* memory is checked before the cpu */
	mf.usable_ram_bytes = 1280 * MIB;
	expect_machine_error(&mf, 6, "vm 'b': memory 512M does not fit "
	                     "(256M left of 1280M usable)");

	/* a cpu without its line (built by hand) names the header */
	cfg.vm[1].cpu_line = 0;
	mf.usable_ram_bytes = 4 * GIB;
	expect_machine_error(&mf, 4, "vm 'b': cpu 3 does not exist "
	                     "(this machine has 1 CPU)");
}

/* ---- sizes and names ------------------------------------------------- */

static void expect_size(uint64_t bytes, const char *want)
{
	char buf[32];

	assert_ptr_equal(config_format_size(bytes, buf, sizeof buf), buf);
	assert_string_equal(buf, want);
}

static void test_format_size(void **state)
{
	char small[8] = "XXXXXXX";

	(void)state;
	expect_size(0, "0");
	expect_size(1, "1");
	expect_size(1023, "1023");
	expect_size(1024, "1K");
	expect_size(1025, "1025");
	expect_size(1536, "1536");
	expect_size(4096, "4K");
	expect_size(2 * MIB, "2M");
	expect_size(536870912, "512M");
	expect_size(1536 * MIB, "1536M");
	expect_size(3 * GIB, "3G");
	expect_size(1024 * GIB, "1024G");
	expect_size(GIB + 1024, "1048577K");
	expect_size(UINT64_MAX, "18446744073709551615");
	expect_size(UINT64_MAX - GIB + 1, "17179869183G");

	config_format_size(512 * MIB, small, 3);
	assert_string_equal(small, "51");
	config_format_size(512 * MIB, small, 1);
	assert_string_equal(small, "");
	memcpy(small, "XXXXXXX", 8);
	assert_ptr_equal(config_format_size(512 * MIB, small, 0), small);
	assert_string_equal(small, "XXXXXXX");
	assert_null(config_format_size(1, NULL, 0));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(config_log_level_name(LOG_ERROR), "error");
	assert_string_equal(config_log_level_name(LOG_WARN), "warn");
	assert_string_equal(config_log_level_name(LOG_INFO), "info");
	assert_string_equal(config_log_level_name(LOG_DEBUG), "debug");
	assert_string_equal(config_log_level_name((enum log_level)4), "?");
	assert_string_equal(config_on_exit_name(ON_EXIT_SHUTDOWN), "shutdown");
	assert_string_equal(config_on_exit_name(ON_EXIT_REBOOT), "reboot");
	assert_string_equal(config_on_exit_name(ON_EXIT_HALT), "halt");
	assert_string_equal(config_on_exit_name((enum on_exit)3), "?");
	assert_string_equal(config_vgpu_name(VGPU_NONE), "none");
	assert_string_equal(config_vgpu_name(VGPU_8), "_8");
	assert_string_equal(config_vgpu_name(VGPU_4), "_4");
	assert_string_equal(config_vgpu_name(VGPU_2), "_2");
	assert_string_equal(config_vgpu_name(VGPU_1), "_1");
	assert_string_equal(config_vgpu_name((enum vgpu_type)5), "?");
	assert_string_equal(config_selftest_name(SELFTEST_NONE), "none");
	assert_string_equal(config_selftest_name(SELFTEST_WRITE_TEXT),
	                    "write-text");
	assert_string_equal(config_selftest_name(SELFTEST_EXEC_DATA),
	                    "exec-data");
	assert_string_equal(config_selftest_name(SELFTEST_UD), "ud");
	assert_string_equal(config_selftest_name((enum selftest)-1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_and_blank_files),
		cmocka_unit_test(test_global_keys),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_global_key_errors),
		cmocka_unit_test(test_vm_minimal_gets_defaults),
		cmocka_unit_test(test_vm_all_keys),
		cmocka_unit_test(test_memory_sizes),
		cmocka_unit_test(test_memory_errors),
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_image_paths),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_vgpu),
		cmocka_unit_test(test_section_headers),
		cmocka_unit_test(test_multiple_vms),
		cmocka_unit_test(test_vm_count_limit),
		cmocka_unit_test(test_required_keys),
		cmocka_unit_test(test_key_line_errors),
		cmocka_unit_test(test_same_key_in_two_vms),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_invalid_characters),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_null_error_is_allowed),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_every_byte_replaced),
		cmocka_unit_test(test_machine_memory),
		cmocka_unit_test(test_machine_cpu),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
