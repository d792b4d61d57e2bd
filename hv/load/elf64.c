/*
 * hv/load/elf64.c — the ELF64 guest format, BareGT's own 64-bit protocol
 * (docs/guests.md, "Image formats" and "Entry state"): an x86-64 ET_EXEC
 * file without a Multiboot header, loaded by its program headers (elf.c)
 * and entered in long mode through the identity page tables with RDI
 * pointing at the BareGT start information.
 */
#include "hv/load/elf64.h"
#include "hv/load/elf.h"

#include <stdio.h>

/* BareGT start information (docs/guests.md, the table under ELF64). */
#define SI_MAGIC       0
#define SI_VERSION     4
#define SI_RAM_BYTES   8
#define SI_CMDLINE     16
#define SI_NAME        24
#define SI_NMODULES    32
#define SI_RESERVED    36
#define SI_MODULES     40
#define SI_MODULE_SIZE 24      /* gpa, size, args gpa: 8 bytes each */

static bool elf64_probe(const struct loader *ld, struct ld_match *m)
{
	unsigned elf_class = 0;

	m->header_offset = 0;      /* the ELF header */
	return elf_identify(ld->image, ld->image_size, &elf_class) &&
	       elf_class == ELFCLASS64;
}

/* An ELF file of another class: say why it is not loaded. */
static bool elf64_diagnose(struct loader *ld)
{
	unsigned elf_class = 0;

	if (!elf_identify(ld->image, ld->image_size, &elf_class))
		return false;
	if (elf_class == ELFCLASS32)
		ld_fail(ld, "ELF32 image without a Multiboot header: 32-bit "
		        "images must be Multiboot kernels");
	else
		ld_fail(ld, "ELF class %u is neither ELFCLASS32 nor ELFCLASS64",
		        elf_class);
	return true;
}

static bool write_start_info(struct loader *ld)
{
	const struct guest_load_req *req = ld->req;
	struct info_area area;
	uint64_t table, gpa;
	uint8_t *si;
	unsigned i;
	char what[48];

	info_init(&area, ld);
	if (!info_alloc(ld, &area, SI_MODULES + SI_MODULE_SIZE * req->nmodules,
	                8, &table))
		return false;
	si = ld_ram(ld, table);
	ld_put32(si + SI_MAGIC, GUEST_INFO_MAGIC);
	ld_put32(si + SI_VERSION, GUEST_INFO_VERSION);
	ld_put64(si + SI_RAM_BYTES, req->ram_bytes);
	if (!info_put_string(ld, &area, req->cmdline, "the command line", &gpa))
		return false;
	ld_put64(si + SI_CMDLINE, gpa);
	if (!info_put_string(ld, &area, req->vm_name, "the VM name", &gpa))
		return false;
	ld_put64(si + SI_NAME, gpa);
	ld_put32(si + SI_NMODULES, req->nmodules);
	ld_put32(si + SI_RESERVED, 0);
	for (i = 0; i < req->nmodules; i++) {
		uint8_t *mod = si + SI_MODULES + SI_MODULE_SIZE * i;

		snprintf(what, sizeof what, "the argument string of module %u",
		         i + 1);
		if (!info_put_string(ld, &area, req->modules[i].args, what, &gpa))
			return false;
		ld_put64(mod + 0, ld->out->module_gpa[i]);
		ld_put64(mod + 8, req->modules[i].size);
		ld_put64(mod + 16, gpa);
	}
	return true;
}

static bool elf64_load(struct loader *ld, const struct ld_match *m)
{
	struct guest_entry *out = ld->out;

	(void)m;                   /* the ELF header is at offset 0 */
	if (!elf_load(ld, ELFCLASS64, &out->rip))
		return false;
	/* The first instruction must be reachable through our map. */
	if (out->rip >= GUEST_PT_MAX_GIB * LD_GIB)
		return ld_fail(ld, "entry point 0x%llx is above the 64 GiB "
		               "the initial page tables map",
		               (unsigned long long)out->rip);
	if (!ld_place_modules(ld, false))
		return false;
	ld_enter_long_mode(ld, GUEST_CODE_SEL, GUEST_DATA_SEL);
	if (!write_start_info(ld))
		return false;
	out->rdi = GUEST_INFO_GPA;
	return true;
}

const struct ld_format ld_format_elf64 = {
	.kind = GUEST_ELF64,
	.kind_name = "elf64",
	.what = "ELF64 x86-64",
	.probe = elf64_probe,
	.diagnose = elf64_diagnose,
	.load = elf64_load,
};
