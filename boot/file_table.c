/*
 * boot/file_table.c — same-file lookup in the boot file table
 * (boot/file_table.h). Pure C.
 */
#include "boot/file_table.h"

static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

bool esp_path_same(const char *a, const char *b)
{
	for (; *a && ascii_upper(*a) == ascii_upper(*b); a++, b++)
		;
	return *a == *b;
}

unsigned boot_file_lookup(const struct boot_file *files, unsigned n,
                          const char *path)
{
	unsigned i;

	for (i = 0; i < n && !esp_path_same(files[i].path, path); i++)
		;
	return i;
}
