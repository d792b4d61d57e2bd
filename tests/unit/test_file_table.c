/*
 * tests/unit/test_file_table.c — unit tests of boot/file_table.c: which
 * config paths name the same ESP file (FAT's case-insensitive names, the
 * parser's backslashes) and the lookup that lets boot/ read a file named
 * by several VMs once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "boot/file_table.h"

/* ---- esp_path_same ----------------------------------------------------- */

static void test_same_path(void **state)
{
	(void)state;
	assert_true(esp_path_same("\\EFI\\BAREGT\\vmlinuz", "\\EFI\\BAREGT\\vmlinuz"));
	assert_true(esp_path_same("\\a", "\\a"));
	assert_true(esp_path_same("", ""));
}

static void test_case_folded(void **state)
{
	(void)state;
	assert_true(esp_path_same("\\EFI\\BAREGT\\vmlinuz", "\\efi\\baregt\\VMLINUZ"));
	assert_true(esp_path_same("\\Boot\\InitRD.img", "\\bOOT\\iNITrd.IMG"));
	/* Every letter both ways; nothing else folds. */
	assert_true(esp_path_same("abcdefghijklmnopqrstuvwxyz",
	                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
	assert_true(esp_path_same("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	                          "abcdefghijklmnopqrstuvwxyz"));
	/* '@' (0x40) and '`' (0x60), '[' and '{': 0x20 apart, yet no letters. */
	assert_false(esp_path_same("\\@", "\\`"));
	assert_false(esp_path_same("\\[", "\\{"));
	assert_false(esp_path_same("\\^", "\\~"));
}

static void test_different_paths(void **state)
{
	(void)state;
	assert_false(esp_path_same("\\EFI\\BAREGT\\a.bin", "\\EFI\\BAREGT\\b.bin"));
	/* One a prefix of the other, both ways. */
	assert_false(esp_path_same("\\EFI\\BAREGT\\a", "\\EFI\\BAREGT\\a.bin"));
	assert_false(esp_path_same("\\EFI\\BAREGT\\a.bin", "\\EFI\\BAREGT\\a"));
	assert_false(esp_path_same("", "\\a"));
	assert_false(esp_path_same("\\a", ""));
	/* Spellings FAT may resolve alike are not merged (read twice instead). */
	assert_false(esp_path_same("\\EFI\\BAREGT\\x", "\\EFI\\\\BAREGT\\x"));
	assert_false(esp_path_same("\\EFI\\BAREGT\\x", "\\EFI\\.\\BAREGT\\x"));
	assert_false(esp_path_same("\\EFI\\BAREGT\\x", "\\EFI\\BAREGT\\x."));
}

/* ---- boot_file_lookup ---------------------------------------------------- */

static void set_path(struct boot_file *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->path, path);
}

static void test_lookup_empty_table(void **state)
{
	struct boot_file f;

	(void)state;
	set_path(&f, "\\a");
	assert_int_equal(boot_file_lookup(&f, 0, "\\a"), 0);
}

static void test_lookup_finds_first(void **state)
{
	struct boot_file t[5];

	(void)state;
	set_path(&t[0], "\\EFI\\BAREGT\\bench.elf");
	set_path(&t[1], "\\EFI\\BAREGT\\vmlinuz");
	set_path(&t[2], "\\EFI\\BAREGT\\initrd.img");
	set_path(&t[3], "\\EFI\\BAREGT\\bench.elf");
	set_path(&t[4], "\\efi\\baregt\\VMLINUZ");
	assert_int_equal(boot_file_lookup(t, 5, "\\EFI\\BAREGT\\bench.elf"), 0);
	assert_int_equal(boot_file_lookup(t, 5, "\\EFI\\BAREGT\\Vmlinuz"), 1);
	assert_int_equal(boot_file_lookup(t, 5, "\\EFI\\BAREGT\\initrd.img"), 2);
	assert_int_equal(boot_file_lookup(t, 5, "\\EFI\\BAREGT\\initrd"), 5);
	/* Only the first n entries count. */
	assert_int_equal(boot_file_lookup(t, 1, "\\EFI\\BAREGT\\vmlinuz"), 1);
	assert_int_equal(boot_file_lookup(t, 2, "\\EFI\\BAREGT\\vmlinuz"), 1);
}

static void test_lookup_full_table(void **state)
{
	static struct boot_file t[BOOT_MAX_FILES];
	char path[CONFIG_PATH_MAX];
	unsigned i;

	(void)state;
	for (i = 0; i < BOOT_MAX_FILES; i++) {
		snprintf(path, sizeof path, "\\EFI\\BAREGT\\f%u", i);
		set_path(&t[i], path);
	}
	for (i = 0; i < BOOT_MAX_FILES; i++) {
		snprintf(path, sizeof path, "\\efi\\baregt\\F%u", i);
		assert_int_equal(boot_file_lookup(t, BOOT_MAX_FILES, path), i);
	}
	assert_int_equal(boot_file_lookup(t, BOOT_MAX_FILES, "\\EFI\\BAREGT\\f"),
	                 BOOT_MAX_FILES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_path),
		cmocka_unit_test(test_case_folded),
		cmocka_unit_test(test_different_paths),
		cmocka_unit_test(test_lookup_empty_table),
		cmocka_unit_test(test_lookup_finds_first),
		cmocka_unit_test(test_lookup_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
