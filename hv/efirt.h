/*
 * hv/efirt.h — the one firmware service the core still uses after boot:
 * ResetSystem from the EFI runtime services (UEFI 2.9 §8.5.1), called in
 * physical mode (SetVirtualAddressMap is never called).
 */
#ifndef BAREGT_HV_EFIRT_H
#define BAREGT_HV_EFIRT_H

#include "hv/config/config.h"

/* Shut down or reset as on_exit says; returns only if the firmware did. */
void efirt_reset(void *efi_rt, enum on_exit how);

#endif
