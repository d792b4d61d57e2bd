/*
 * boot/file_table.h — the table of files boot/ hands to the core
 * (boot_info.files[]): which entries name the same ESP file, so that a
 * file named by several VMs (or twice by one) is read once and every
 * entry points at the one buffer. Pure C (no firmware calls): built into
 * the unit tests too.
 */
#ifndef BAREGT_BOOT_FILE_TABLE_H
#define BAREGT_BOOT_FILE_TABLE_H

#include <stdbool.h>
#include "hv/boot_info.h"

/*
 * Do two config paths name the same file of the ESP? The parser has
 * turned every '/' into '\'; FAT (the ESP's file system, UEFI 2.10
 * §13.3) looks names up without regard to case. Printable ASCII only
 * (all the parser admits). Nothing more is folded (".", "..", doubled
 * '\', trailing dots): a spelling this misses is only read twice, while
 * one it merged wrongly would hand a VM the wrong file.
 */
bool esp_path_same(const char *a, const char *b);

/* Index of the first of files[0..n) whose path names the same file as
 * path, or n when there is none. */
unsigned boot_file_lookup(const struct boot_file *files, unsigned n,
                          const char *path);

#endif
