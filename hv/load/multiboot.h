/*
 * hv/load/multiboot.h — the Multiboot (v1) guest format (multiboot.c):
 * a kernel with a Multiboot header, entered in 32-bit protected mode with
 * the Multiboot information (Multiboot Specification 0.6.96; docs/guests.md,
 * "Image formats" and "Entry state"). Private to hv/load/.
 */
#ifndef BAREGT_HV_LOAD_MULTIBOOT_H
#define BAREGT_HV_LOAD_MULTIBOOT_H

#include "hv/load/common.h"

extern const struct ld_format ld_format_multiboot;

#endif /* BAREGT_HV_LOAD_MULTIBOOT_H */
