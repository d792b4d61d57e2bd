/*
 * vmx/gwalk.h — translating a guest linear address to a guest-physical
 * one by walking the guest's own page tables, in whichever paging mode
 * the guest is in (SDM Vol. 3A §4.3 32-bit, §4.4 PAE, §4.5 4-level).
 * Pure: guest memory is read through a callback.
 */
#ifndef BAREGT_VMX_GWALK_H
#define BAREGT_VMX_GWALK_H

#include <stdbool.h>
#include <stdint.h>

struct gwalk_regs {
	uint64_t cr0, cr3, cr4, efer;
};

/* Read an aligned 8-byte (or, for 32-bit paging, 4-byte) entry at gpa. */
typedef bool (*gwalk_read_fn)(void *ctx, uint64_t gpa, unsigned size,
                              uint64_t *value);

enum gwalk_result {
	GW_OK,
	GW_NOT_PRESENT,      /* #PF, P = 0 */
	GW_PROTECTION,       /* #PF, P = 1: write to a read-only page (CR0.WP) */
	GW_BAD_TABLE,        /* a table lies outside guest RAM */
	GW_UNSUPPORTED,      /* 5-level paging */
};

/* write: the access is a supervisor write (read-only pages fault when
 * CR0.WP = 1). */
enum gwalk_result gwalk(const struct gwalk_regs *r, uint64_t linear, bool write,
                        gwalk_read_fn read, void *ctx, uint64_t *gpa);

#endif
