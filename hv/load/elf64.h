/*
 * hv/load/elf64.h — the ELF64 guest format (elf64.c): a 64-bit x86-64
 * ELF executable entered in long mode with the BareGT start information
 * (docs/guests.md, "Image formats" and "Entry state"). Private to
 * hv/load/.
 */
#ifndef BAREGT_HV_LOAD_ELF64_H
#define BAREGT_HV_LOAD_ELF64_H

#include "hv/load/common.h"

extern const struct ld_format ld_format_elf64;

#endif /* BAREGT_HV_LOAD_ELF64_H */
