/*
 * hv/load/e820.c — a VM's memory map (struct guest_memmap, load.h): the
 * platform map every VM has (docs/platform.md, "Guest-physical map") and
 * the basic map the loaders fall back to when the caller gives none.
 * Types are the e820 / ACPI address range types (ACPI 6.x §15.1): 1
 * usable, 2 reserved, 3 ACPI reclaimable, 4 ACPI NVS. Pure.
 */
#include "hv/load/common.h"

#include <string.h>

_Static_assert(GUEST_ECAM_GPA + GUEST_ECAM_BYTES <= GUEST_IOAPIC_GPA &&
               GUEST_IOAPIC_GPA + GUEST_IOAPIC_BYTES <= GUEST_HPET_GPA &&
               GUEST_HPET_GPA + GUEST_HPET_BYTES <= GUEST_LAPIC_GPA &&
               GUEST_RAM_MAX <= GUEST_ECAM_GPA,
               "RAM, then ECAM, IOAPIC, HPET and LAPIC, in address order");
_Static_assert(GUEST_LOW_RAM_END < GUEST_ACPI_GPA &&
               GUEST_ACPI_GPA < GUEST_IMAGE_MIN,
               "the ACPI tables lie in the reserved part below 1 MiB");

static void add(struct guest_memmap *m, uint64_t gpa, uint64_t length,
                uint32_t type)
{
	struct guest_memmap_entry *e = &m->entry[m->nentries++];

	e->gpa = gpa;
	e->length = length;
	e->type = type;
}

bool guest_memmap_pc(struct guest_memmap *m, uint64_t ram_bytes)
{
	memset(m, 0, sizeof(*m));
	if (ram_bytes <= GUEST_IMAGE_MIN || ram_bytes > GUEST_RAM_MAX)
		return false;
	ld_memmap_basic(m, ram_bytes);
	add(m, GUEST_ECAM_GPA, GUEST_ECAM_BYTES, GUEST_MEM_RESERVED);
	add(m, GUEST_IOAPIC_GPA, GUEST_IOAPIC_BYTES, GUEST_MEM_RESERVED);
	add(m, GUEST_HPET_GPA, GUEST_HPET_BYTES, GUEST_MEM_RESERVED);
	add(m, GUEST_LAPIC_GPA, GUEST_LAPIC_BYTES, GUEST_MEM_RESERVED);
	return true;
}

/*
 * The first three entries of the platform map, alone: what the Multiboot
 * loader has always reported; RAM may be of any size here.
 */
void ld_memmap_basic(struct guest_memmap *m, uint64_t ram_bytes)
{
	memset(m, 0, sizeof(*m));
	add(m, 0, GUEST_LOW_RAM_END, GUEST_MEM_USABLE);
	add(m, GUEST_LOW_RAM_END, GUEST_IMAGE_MIN - GUEST_LOW_RAM_END,
	    GUEST_MEM_RESERVED);
	if (ram_bytes > GUEST_IMAGE_MIN)
		add(m, GUEST_IMAGE_MIN, ram_bytes - GUEST_IMAGE_MIN,
		    GUEST_MEM_USABLE);
}
