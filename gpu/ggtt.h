/*
 * gpu/ggtt.h — GGTT shadowing rules for one VM (docs/iommu.md, "GGTT
 * shadowing"): a guest's write of a GGTT entry becomes either nothing
 * (index outside its windows) or the value for the physical GGTT, whose
 * address is an IOVA in the VM's window or the scratch page. The guest's
 * own values are kept for what it reads back. PTE format: GEN9-FACTS §2
 * (bit 0 present, address bits 38:12). Pure.
 */
#ifndef BAREGT_GPU_GGTT_H
#define BAREGT_GPU_GGTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gpu/partition.h"

#define GGTT_PTE_PRESENT  (1ull << 0)
#define GGTT_PTE_ADDR     0x0000007ffffff000ull   /* bits 38:12 */
#define GGTT_PTE_FLAGS    0x0000000000000fffull
#define GGTT_PAGE         4096ull

struct ggtt_vm {
	struct gm_window low, high;     /* the VM's GM windows */
	uint64_t ram_bytes;             /* valid GPAs: [0, ram_bytes) */
	uint64_t iova_base;             /* IOVA of GPA 0 */
	uint64_t scratch_iova;
	uint64_t *guest;                /* guest values: low window's entries,
	                                 * then the high window's (caller memory,
	                                 * ggtt_vm_entries() of them) */
	/* Every write lands in one bucket: writes = dropped + not_present +
	 * rejected + applied. */
	uint64_t writes;
	uint64_t dropped;               /* outside the windows (or misaligned) */
	uint64_t not_present;           /* not present: the scratch entry */
	uint64_t rejected;              /* GPA outside RAM: the scratch entry */
	uint64_t applied;               /* its own page: an IOVA */
};

/* The entry for a GM page nobody maps: the scratch page, present, as
 * i915 writes every unused entry (GEN9-FACTS §2 "Scratch page", "VT-d
 * interplay"): a not-present entry is never fetched through cleanly under
 * VT-d (display prefetch runs past a surface's end). */
uint64_t ggtt_scratch_pte(uint64_t scratch);

/* How many entries the guest store needs. */
size_t ggtt_vm_entries(const struct gm_window *low, const struct gm_window *high);

void ggtt_vm_init(struct ggtt_vm *v, const struct gm_window *low,
                  const struct gm_window *high, uint64_t ram_bytes,
                  uint64_t iova_base, uint64_t scratch_iova, uint64_t *guest);

/* Is GGTT entry index (GM address index x 4 KiB) in the VM's windows? */
bool ggtt_in_windows(const struct ggtt_vm *v, uint64_t index);

enum ggtt_action {
	GGTT_DROP,       /* outside the windows: nothing happens (counted) */
	GGTT_APPLY,      /* write *shadow to physical entry index */
};

/*
 * A guest's write of size 4 or 8 bytes at byte offset off of the GGTT
 * range (entry off / 8; a 4-byte write replaces one half of the guest's
 * value). The new guest value is stored; the shadow entry is:
 *   not present               → ggtt_scratch_pte(scratch_iova)
 *   address outside the RAM   → ggtt_scratch_pte(scratch_iova) (counted:
 *                               rejected)
 *   otherwise                 → (iova_base + address) | flags
 * where flags are the guest's bits 11:0. *index gets the entry index.
 */
enum ggtt_action ggtt_guest_write(struct ggtt_vm *v, uint64_t off, unsigned size,
                                  uint64_t value, uint64_t *index,
                                  uint64_t *shadow);

/* What a guest read of size 4 or 8 at off returns: its own value inside
 * its windows, 0 outside. */
uint64_t ggtt_guest_read(const struct ggtt_vm *v, uint64_t off, unsigned size);

#endif
