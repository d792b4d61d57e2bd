/*
 * gpu/ggtt.c — GGTT shadowing rules for one VM (gpu/ggtt.h, docs/iommu.md
 * "GGTT shadowing"). A guest's GGTT write is checked against its two GM
 * windows, its value kept for read-back, and turned into the entry the
 * physical GGTT gets: an IOVA in the VM's window, or the scratch page.
 * Entry format (GEN9-FACTS §2, "Entry", "Present / RW", "Address"): one
 * qword per 4 KiB of GM, entry i maps GM address i x 4 KiB, bit 0 present,
 * page frame in bits 38:12 (39-bit DMA addresses on gen9). Pure.
 */
#include <string.h>
#include "gpu/ggtt.h"

/* GEN9-FACTS §2 "Entry": 8 bytes per entry. */
#define PTE_BYTES  8u
#define LOW_HALF   0x00000000ffffffffull

static uint64_t window_first(const struct gm_window *w)
{
	return w->base / GGTT_PAGE;
}

static uint64_t window_entries(const struct gm_window *w)
{
	return w->size / GGTT_PAGE;
}

static bool window_holds(const struct gm_window *w, uint64_t index)
{
	return index >= window_first(w) &&
	       index - window_first(w) < window_entries(w);
}

uint64_t ggtt_scratch_pte(uint64_t scratch)
{
	return (scratch & GGTT_PTE_ADDR) | GGTT_PTE_PRESENT;
}

size_t ggtt_vm_entries(const struct gm_window *low, const struct gm_window *high)
{
	return (size_t)(window_entries(low) + window_entries(high));
}

void ggtt_vm_init(struct ggtt_vm *v, const struct gm_window *low,
                  const struct gm_window *high, uint64_t ram_bytes,
                  uint64_t iova_base, uint64_t scratch_iova, uint64_t *guest)
{
	v->low = *low;
	v->high = *high;
	v->ram_bytes = ram_bytes;
	v->iova_base = iova_base;
	v->scratch_iova = scratch_iova;
	v->guest = guest;
	v->writes = 0;
	v->dropped = 0;
	v->not_present = 0;
	v->rejected = 0;
	v->applied = 0;
	memset(guest, 0, ggtt_vm_entries(low, high) * sizeof(guest[0]));
}

bool ggtt_in_windows(const struct ggtt_vm *v, uint64_t index)
{
	return window_holds(&v->low, index) || window_holds(&v->high, index);
}

/* The guest's stored value for entry index, NULL outside its windows. The
 * store holds the low window's entries, then the high window's. */
static uint64_t *guest_slot(const struct ggtt_vm *v, uint64_t index)
{
	if (window_holds(&v->low, index))
		return &v->guest[index - window_first(&v->low)];
	if (window_holds(&v->high, index))
		return &v->guest[window_entries(&v->low) +
		                 (index - window_first(&v->high))];
	return NULL;
}

/* A 4-byte access must be dword aligned, an 8-byte one qword aligned
 * (GEN9-FACTS §2 "How i915 writes": one 64-bit store per entry). */
static bool access_valid(uint64_t off, unsigned size)
{
	return (size == 4 || size == 8) && off % size == 0;
}

/* The guest's value after a write of size at off over old: a 4-byte write
 * replaces the half it addresses (bits 31:0 at off % 8 == 0, 63:32 at 4). */
static uint64_t merge(uint64_t old, uint64_t off, unsigned size, uint64_t value)
{
	if (size == PTE_BYTES)
		return value;
	if (off % PTE_BYTES == 0)
		return (old & ~LOW_HALF) | (value & LOW_HALF);
	return (old & LOW_HALF) | ((value & LOW_HALF) << 32);
}

/* The physical entry for a guest value (docs/iommu.md, steps 2-4). The
 * address is bits 38:12 only (GEN9-FACTS §2 "Address"); higher bits are
 * not an address and are ignored. Flags are bits 11:0 (present, RW bit 1,
 * the PWT/PCD/PAT cache bits 3, 4, 7: GEN9-FACTS §2 "Present / RW",
 * "Cache bits"), passed through as the guest wrote them. Where the guest
 * maps nothing of its own (not present, or not its RAM) the entry is the
 * present scratch entry, whatever flags the guest wrote. */
static uint64_t shadow_of(struct ggtt_vm *v, uint64_t pte)
{
	uint64_t gpa = pte & GGTT_PTE_ADDR;
	uint64_t flags = pte & GGTT_PTE_FLAGS;

	if (!(pte & GGTT_PTE_PRESENT)) {
		v->not_present++;
		return ggtt_scratch_pte(v->scratch_iova);
	}
	if (gpa >= v->ram_bytes) {
		v->rejected++;
		return ggtt_scratch_pte(v->scratch_iova);
	}
	v->applied++;
	return (v->iova_base + gpa) | flags;
}

enum ggtt_action ggtt_guest_write(struct ggtt_vm *v, uint64_t off, unsigned size,
                                  uint64_t value, uint64_t *index,
                                  uint64_t *shadow)
{
	uint64_t *slot;

	*index = off / PTE_BYTES;
	v->writes++;
	if (!access_valid(off, size)) {
		v->dropped++;
		return GGTT_DROP;
	}
	slot = guest_slot(v, *index);
	if (slot == NULL) {
		v->dropped++;
		return GGTT_DROP;
	}
	*slot = merge(*slot, off, size, value);
	/* Even a not-present or rejected value is applied: the physical entry
	 * must stop pointing where it pointed before (GEN9-FACTS §2 "Scratch
	 * page": unused entries hold the present scratch entry). */
	*shadow = shadow_of(v, *slot);
	return GGTT_APPLY;
}

uint64_t ggtt_guest_read(const struct ggtt_vm *v, uint64_t off, unsigned size)
{
	const uint64_t *slot;

	if (!access_valid(off, size))
		return 0;
	slot = guest_slot(v, off / PTE_BYTES);
	if (slot == NULL)
		return 0;
	if (size == PTE_BYTES)
		return *slot;
	return off % PTE_BYTES == 0 ? *slot & LOW_HALF : *slot >> 32;
}
