/*
 * hv/load/linux.h — the Linux bzImage guest format (linux.c): a kernel
 * with the x86 setup header, loaded and entered by the 64-bit boot
 * protocol with boot_params (Documentation/x86/boot.rst; docs/guests.md,
 * "Image formats" and "Entry state"). Private to hv/load/.
 */
#ifndef BAREGT_HV_LOAD_LINUX_H
#define BAREGT_HV_LOAD_LINUX_H

#include "hv/load/common.h"

extern const struct ld_format ld_format_linux;

#endif /* BAREGT_HV_LOAD_LINUX_H */
