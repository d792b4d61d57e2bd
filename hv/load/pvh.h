/*
 * hv/load/pvh.h — the PVH guest format (pvh.c): an ELF64 kernel (Linux's
 * vmlinux) with the XEN_ELFNOTE_PHYS32_ENTRY note, entered in 32-bit
 * protected mode with struct hvm_start_info (Xen's docs/misc/pvh.pandoc
 * and public/arch-x86/hvm/start_info.h; docs/guests.md, "Image formats"
 * and "Entry state"). Private to hv/load/.
 */
#ifndef BAREGT_HV_LOAD_PVH_H
#define BAREGT_HV_LOAD_PVH_H

#include "hv/load/common.h"

extern const struct ld_format ld_format_pvh;

#endif /* BAREGT_HV_LOAD_PVH_H */
