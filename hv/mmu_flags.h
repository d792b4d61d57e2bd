/*
 * hv/mmu_flags.h — how each kind of memory is mapped in the hypervisor's
 * page table and in the firmware's view of it (hv/mmu.c, docs/boot.md):
 * the policy as pure functions, so that the unit tests check it and the
 * W^X promise for the hypervisor's own table.
 */
#ifndef BAREGT_HV_MMU_FLAGS_H
#define BAREGT_HV_MMU_FLAGS_H

#include <stdbool.h>
#include "hv/boot_info.h"

/* PT_* flags of a boot-map range of type t. firmware_view: the table a
 * runtime-service call runs on when the firmware gets its own. */
unsigned mmu_mem_flags(enum mem_type t, bool firmware_view);

/*
 * PT_* flags of a range of the EFI memory attributes table (UEFI 2.9
 * §4.6.4): RT_RANGE_RO → not writable, RT_RANGE_XP → not executable.
 * Neither means no protection: the firmware may write and execute there,
 * so its view maps it read-write-execute; the hypervisor's own view maps
 * it read-only and executable, never both W and X.
 */
unsigned mmu_rt_flags(uint32_t attrs, bool firmware_view);

/* Must the firmware get a page table of its own? Yes without an
 * attributes table (runtime code must then be writable and executable)
 * and when a range of it has neither RO nor XP. *nrwx gets how many
 * ranges are of that kind. */
bool mmu_needs_firmware_table(const struct boot_info *bi, unsigned *nrwx);

#endif
