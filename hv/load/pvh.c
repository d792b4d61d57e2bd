/*
 * hv/load/pvh.c — the PVH guest format: an ELF64 kernel (Linux's
 * uncompressed vmlinux) with a note named "Xen" of type 18
 * (XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit physical address of its PVH entry,
 * a 4- or 8-byte descriptor). It is loaded by its PT_LOAD program headers
 * at their physical addresses (elf.c) and entered as Xen's PVH ABI says
 * (docs/misc/pvh.pandoc): 32-bit protected mode, paging off, flat 32-bit
 * code and data segments, CR4 = 0, interrupts off, EBX = the GPA of
 * struct hvm_start_info (public/arch-x86/hvm/start_info.h, version 1:
 * command line, module list, RSDP, memory map).
 *
 * The modules are each 4 KiB aligned, in config order, as one block at
 * the top of RAM below 4 GiB: a kernel needs room after its image's end
 * for its early allocations (Linux's brk and page tables), and Linux takes
 * the first module as its initrd wherever it lies.
 */
#include "hv/load/pvh.h"
#include "hv/load/elf.h"

#include <stdio.h>
#include <string.h>

/* The note that makes an ELF64 file a PVH kernel (Xen public/elfnote.h). */
#define PVH_NOTE_NAME          "Xen"
#define XEN_ELFNOTE_PHYS32_ENTRY 18u

/* struct hvm_start_info, version 1 (start_info.h): field offsets. */
#define SI_MAGIC               0
#define SI_VERSION             4
#define SI_FLAGS               8
#define SI_NR_MODULES          12
#define SI_MODLIST_PADDR       16
#define SI_CMDLINE_PADDR       24
#define SI_RSDP_PADDR          32
#define SI_MEMMAP_PADDR        40
#define SI_MEMMAP_ENTRIES      48
#define SI_RESERVED            52
#define SI_SIZE                56
#define HVM_START_MAGIC        0x336ec578u  /* "xEn3" with 0x80 in 'E' */
#define HVM_START_VERSION      1u

/* struct hvm_modlist_entry. */
#define ML_PADDR               0
#define ML_SIZE                8
#define ML_CMDLINE_PADDR       16
#define ML_RESERVED            24
#define ML_ENTRY               32

/* struct hvm_memmap_table_entry; types are the e820 numbers. */
#define MM_ADDR                0
#define MM_SIZE                8
#define MM_TYPE                16
#define MM_RESERVED            20
#define MM_ENTRY               24

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

static enum elf_note_find pvh_find_note(const struct loader *ld,
                                        struct elf_note *note)
{
	unsigned elf_class = 0;

	if (!elf_identify(ld->image, ld->image_size, &elf_class) ||
	    elf_class != ELFCLASS64)
		return ELF_NOTE_ABSENT;
	return elf64_find_note(ld->image, ld->image_size, PVH_NOTE_NAME,
	                       XEN_ELFNOTE_PHYS32_ENTRY, note);
}

/* An ELF64 file with the note, even a broken one (the load says why). */
static bool pvh_probe(const struct loader *ld, struct ld_match *m)
{
	struct elf_note note;

	m->header_offset = 0;
	return pvh_find_note(ld, &note) != ELF_NOTE_ABSENT;
}

/* Without the note the image is not PVH: ELF64 speaks for it. */
static bool pvh_diagnose(struct loader *ld)
{
	(void)ld;
	return false;
}

/* The 32-bit entry address from the note's descriptor. */
static bool pvh_entry(struct loader *ld, uint64_t *entry)
{
	struct elf_note note = { 0, 0 };

	if (pvh_find_note(ld, &note) != ELF_NOTE_FOUND)
		return ld_fail(ld, "PVH note malformed: the XEN_ELFNOTE_PHYS32_"
		               "ENTRY descriptor runs past its PT_NOTE segment "
		               "or the file");
	if (note.desc_size == 4)
		*entry = ld_get32(ld->image + note.desc_offset);
	else if (note.desc_size == 8)
		*entry = ld_get64(ld->image + note.desc_offset);
	else
		return ld_fail(ld, "PVH note malformed: XEN_ELFNOTE_PHYS32_ENTRY "
		               "descriptor of %u bytes, must be 4 or 8",
		               note.desc_size);
	if (*entry > UINT32_MAX)
		return ld_fail(ld, "PVH note malformed: entry 0x%llx (XEN_ELFNOTE_"
		               "PHYS32_ENTRY) is not a 32-bit address",
		               (unsigned long long)*entry);
	return true;
}

/*
 * The modules as one block, each 4 KiB aligned, ending as high as it can
 * below min(RAM end, 4 GiB) and starting at or above the image's end.
 */
static bool pvh_place_modules(struct loader *ld)
{
	const struct guest_load_req *req = ld->req;
	uint64_t top = req->ram_bytes < LD_4GIB ? req->ram_bytes : LD_4GIB;
	uint64_t floor = align_up(ld->out->image_end, GUEST_MODULE_ALIGN);
	uint64_t total = 0, start;
	unsigned i;

	if (req->nmodules == 0)
		return true;
	for (i = 0; i < req->nmodules; i++) {
		uint64_t at = align_up(total, GUEST_MODULE_ALIGN);

		if (req->modules[i].size > req->ram_bytes || at > req->ram_bytes)
			goto no_room;
		total = at + req->modules[i].size;
	}
	if (floor > top || total > top - floor)
		goto no_room;
	start = (top - total) & ~(uint64_t)(GUEST_MODULE_ALIGN - 1);
	for (i = 0; i < req->nmodules; i++) {
		const struct guest_module *m = &req->modules[i];

		if (m->size > 0)
			memcpy(ld_ram(ld, start), m->data, (size_t)m->size);
		ld->out->module_gpa[i] = start;
		start = align_up(start + m->size, GUEST_MODULE_ALIGN);
	}
	return true;
no_room:
	return ld_fail(ld, "modules do not fit: %u module(s) of 0x%llx bytes "
	               "between the image end 0x%llx and 0x%llx (RAM end, "
	               "4 GiB)", req->nmodules, (unsigned long long)total,
	               (unsigned long long)floor, (unsigned long long)top);
}

/*
 * At GUEST_INFO_GPA: hvm_start_info, the module list, the memory map, then
 * the strings (command line, module arguments). Every address is below
 * 1 MiB or a module's (below 4 GiB), as the 32-bit entry needs.
 */
static bool pvh_write_start_info(struct loader *ld, uint64_t *si_gpa)
{
	const struct guest_load_req *req = ld->req;
	const struct guest_memmap *map = ld->memmap;
	struct info_area area;
	uint64_t modlist, memmap, gpa;
	uint8_t *si;
	unsigned i;
	char what[48];

	info_init(&area, ld);
	if (!info_alloc(ld, &area, SI_SIZE, 8, si_gpa) ||
	    !info_alloc(ld, &area, ML_ENTRY * req->nmodules, 8, &modlist) ||
	    !info_alloc(ld, &area, MM_ENTRY * map->nentries, 8, &memmap))
		return false;
	si = ld_ram(ld, *si_gpa);
	ld_put32(si + SI_MAGIC, HVM_START_MAGIC);
	ld_put32(si + SI_VERSION, HVM_START_VERSION);
	ld_put32(si + SI_FLAGS, 0);
	ld_put32(si + SI_NR_MODULES, req->nmodules);
	ld_put64(si + SI_MODLIST_PADDR, req->nmodules > 0 ? modlist : 0);
	ld_put64(si + SI_RSDP_PADDR, req->rsdp_gpa);
	ld_put64(si + SI_MEMMAP_PADDR, memmap);
	ld_put32(si + SI_MEMMAP_ENTRIES, map->nentries);
	ld_put32(si + SI_RESERVED, 0);
	for (i = 0; i < map->nentries; i++) {
		uint8_t *e = ld_ram(ld, memmap + MM_ENTRY * i);

		ld_put64(e + MM_ADDR, map->entry[i].gpa);
		ld_put64(e + MM_SIZE, map->entry[i].length);
		ld_put32(e + MM_TYPE, map->entry[i].type);
		ld_put32(e + MM_RESERVED, 0);
	}
	if (!info_put_string(ld, &area, req->cmdline, "the command line", &gpa))
		return false;
	ld_put64(si + SI_CMDLINE_PADDR, gpa);
	for (i = 0; i < req->nmodules; i++) {
		uint8_t *e = ld_ram(ld, modlist + ML_ENTRY * i);

		snprintf(what, sizeof what, "the argument string of module %u",
		         i + 1);
		if (!info_put_string(ld, &area, req->modules[i].args, what, &gpa))
			return false;
		ld_put64(e + ML_PADDR, ld->out->module_gpa[i]);
		ld_put64(e + ML_SIZE, req->modules[i].size);
		ld_put64(e + ML_CMDLINE_PADDR, gpa);
		ld_put64(e + ML_RESERVED, 0);
	}
	return true;
}

static bool pvh_load(struct loader *ld, const struct ld_match *m)
{
	struct guest_entry *out = ld->out;
	uint64_t entry = 0, si_gpa = 0;

	(void)m;
	if (!pvh_entry(ld, &entry) ||
	    !elf64_load_with_entry(ld, entry, "PVH entry (XEN_ELFNOTE_PHYS32_"
	                           "ENTRY)", true) ||
	    !pvh_place_modules(ld))
		return false;
	ld_enter_protected_mode(ld, GUEST_CODE_SEL, GUEST_DATA_SEL);
	if (!pvh_write_start_info(ld, &si_gpa))
		return false;
	out->rip = entry;
	out->rbx = si_gpa;
	return true;
}

const struct ld_format ld_format_pvh = {
	.kind = GUEST_PVH,
	.kind_name = "pvh",
	.what = "PVH",
	.variant = true,
	.probe = pvh_probe,
	.diagnose = pvh_diagnose,
	.load = pvh_load,
};
