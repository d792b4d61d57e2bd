/*
 * hv/load/multiboot.c — the Multiboot (v1) guest format, Multiboot
 * Specification version 0.6.96: the header (§3.1), loading by the
 * header's address fields or by ELF32 program headers (§3.1.3, elf.c),
 * the machine state at entry (§3.2) and the Multiboot information the
 * guest finds through EBX (§3.3).
 */
#include "hv/load/multiboot.h"
#include "hv/load/elf.h"

#include <stdio.h>
#include <string.h>

/* §3.1.1: the header must lie completely within the first 8192 bytes. */
#define MB_SEARCH_BYTES   8192u
#define MB_HEADER_ALIGN   4u

/* §3.1.1 header layout: offsets of the fields. */
#define MBH_MAGIC          0
#define MBH_FLAGS          4
#define MBH_CHECKSUM       8
#define MBH_HEADER_ADDR    12   /* these five if flags[16] */
#define MBH_LOAD_ADDR      16
#define MBH_LOAD_END_ADDR  20
#define MBH_BSS_END_ADDR   24
#define MBH_ENTRY_ADDR     28
#define MBH_SIZE_BASIC     12   /* magic, flags, checksum */
#define MBH_SIZE_AOUT      32   /* ... through entry_addr */

/* §3.1.2 header flags. */
#define MBH_F_PAGE_ALIGN   (1u << 0)   /* modules 4 KiB aligned: always */
#define MBH_F_MEMORY_INFO  (1u << 1)   /* mem_* fields: always given */
#define MBH_F_VIDEO_MODE   (1u << 2)   /* accepted; no video information */
#define MBH_F_AOUT_KLUDGE  (1u << 16)  /* load by the address fields */
#define MBH_F_REQUIRED     0xFFFFu     /* bits 0-15: must be understood */
#define MBH_F_KNOWN \
	(MBH_F_PAGE_ALIGN | MBH_F_MEMORY_INFO | MBH_F_VIDEO_MODE)

/* §3.3 Multiboot information: offsets of the fields BareGT fills. */
#define MBI_FLAGS             0
#define MBI_MEM_LOWER         4
#define MBI_MEM_UPPER         8
#define MBI_CMDLINE           16
#define MBI_MODS_COUNT        20
#define MBI_MODS_ADDR         24
#define MBI_MMAP_LENGTH       44
#define MBI_MMAP_ADDR         48
#define MBI_BOOT_LOADER_NAME  64
#define MBI_SIZE              88   /* through vbe_interface_len */

/* §3.3 flags of the information structure. */
#define MBI_F_MEMORY          (1u << 0)
#define MBI_F_CMDLINE         (1u << 2)
#define MBI_F_MODS            (1u << 3)
#define MBI_F_MMAP            (1u << 6)
#define MBI_F_LOADER_NAME     (1u << 9)

/* §3.3 module entry: mod_start, mod_end, string, reserved. */
#define MBM_START   0
#define MBM_END     4
#define MBM_STRING  8
#define MBM_RESERVED 12
#define MBM_SIZE    16

/* §3.3 memory map entry: size, base_addr, length, type. */
#define MMAP_SIZE_FIELD  0
#define MMAP_BASE        4
#define MMAP_LENGTH      12
#define MMAP_TYPE        20
#define MMAP_ENTRY       24   /* size field + the 20 bytes it counts */

/* Conventional memory: RAM below the EBDA area of a PC, [0, 639 KiB);
 * mem_lower says the same as the memory map's first range. */
#define MB_MEM_LOWER_KIB (GUEST_LOW_RAM_END / 1024u)
#define MB_LOADER_NAME   "BareGT"

struct mb_search {
	bool found;                   /* a header with a good checksum */
	uint64_t offset;              /* its file offset */
	bool bad_checksum;            /* the magic was seen with a bad checksum */
	uint64_t bad_offset;          /* where (the first such) */
	uint32_t bad_sum;             /* magic + flags + checksum there */
};

/* Look for the Multiboot header (§3.1.1) in the first 8192 bytes. */
static void mb_find_header(const uint8_t *image, uint64_t size,
                           struct mb_search *s)
{
	uint64_t limit = size < MB_SEARCH_BYTES ? size : MB_SEARCH_BYTES;
	uint64_t off;

	memset(s, 0, sizeof(*s));
	for (off = 0; off + MBH_SIZE_BASIC <= limit; off += MB_HEADER_ALIGN) {
		uint32_t magic = ld_get32(image + off + MBH_MAGIC);
		uint32_t sum;

		if (magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		sum = magic + ld_get32(image + off + MBH_FLAGS) +
		      ld_get32(image + off + MBH_CHECKSUM);
		if (sum == 0) {
			s->found = true;
			s->offset = off;
			return;
		}
		if (!s->bad_checksum) {
			s->bad_checksum = true;
			s->bad_offset = off;
			s->bad_sum = sum;
		}
	}
}

/*
 * §3.1.3 with flags[16] (the "a.out kludge"): the file from the offset of
 * load_addr is loaded to load_addr, up to load_end_addr (0: the end of the
 * file), zeroes follow up to bss_end_addr (0: none), entry at entry_addr.
 * The header itself sits at header_addr, which fixes the file offset of
 * load_addr: header_offset - (header_addr - load_addr).
 */
static bool mb_load_aout(struct loader *ld, uint64_t hoff, uint64_t *entry)
{
	const uint8_t *h = ld->image + hoff;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
	struct ld_segment seg;

	if (hoff + MBH_SIZE_AOUT > ld->image_size)
		return ld_fail(ld, "image truncated: the Multiboot header at offset "
		               "0x%llx needs %u bytes with its address fields "
		               "(flag 16), the file has 0x%llx",
		               (unsigned long long)hoff, MBH_SIZE_AOUT,
		               (unsigned long long)ld->image_size);
	if (hoff + MBH_SIZE_AOUT > MB_SEARCH_BYTES)
		return ld_fail(ld, "Multiboot header at offset 0x%llx: its address "
		               "fields (flag 16) end past the first 8192 bytes",
		               (unsigned long long)hoff);
	header_addr = ld_get32(h + MBH_HEADER_ADDR);
	load_addr = ld_get32(h + MBH_LOAD_ADDR);
	load_end_addr = ld_get32(h + MBH_LOAD_END_ADDR);
	bss_end_addr = ld_get32(h + MBH_BSS_END_ADDR);
	entry_addr = ld_get32(h + MBH_ENTRY_ADDR);

	if (header_addr < load_addr)
		return ld_fail(ld, "Multiboot header_addr 0x%x is below load_addr "
		               "0x%x", header_addr, load_addr);
	if (header_addr - load_addr > hoff)
		return ld_fail(ld, "Multiboot load_addr 0x%x lies 0x%x bytes before "
		               "the header, which is only at file offset 0x%llx",
		               load_addr, header_addr - load_addr,
		               (unsigned long long)hoff);
	seg.file_offset = hoff - (header_addr - load_addr);
	seg.gpa = load_addr;
	if (load_end_addr == 0) {
		seg.file_size = ld->image_size - seg.file_offset;
	} else {
		if (load_end_addr < load_addr)
			return ld_fail(ld, "Multiboot load_end_addr 0x%x is below "
			               "load_addr 0x%x", load_end_addr, load_addr);
		seg.file_size = load_end_addr - load_addr;
	}
	seg.mem_size = seg.file_size;
	if (bss_end_addr != 0) {
		if (bss_end_addr < seg.gpa + seg.file_size)
			return ld_fail(ld, "Multiboot bss_end_addr 0x%x is below the "
			               "end of the loaded data 0x%llx", bss_end_addr,
			               (unsigned long long)(seg.gpa + seg.file_size));
		seg.mem_size = bss_end_addr - load_addr;
	}
	if (!ld_load_segment(ld, "Multiboot image", &seg, true))
		return false;
	if (entry_addr < seg.gpa || entry_addr - seg.gpa >= seg.mem_size)
		return ld_fail(ld, "entry point 0x%x is outside the loaded image "
		               "0x%llx-0x%llx", entry_addr,
		               (unsigned long long)seg.gpa,
		               (unsigned long long)(seg.gpa + seg.mem_size));
	*entry = entry_addr;
	return true;
}

/* Load the image described by the header at header_offset (§3.1.3). */
static bool mb_load_image(struct loader *ld, uint64_t header_offset,
                          uint64_t *entry)
{
	uint32_t flags = ld_get32(ld->image + header_offset + MBH_FLAGS);
	uint32_t unsupported = flags & MBH_F_REQUIRED & ~MBH_F_KNOWN;
	unsigned elf_class;

	/* §3.1.2: an unknown bit among 0-15 must make the loader refuse. */
	if (unsupported != 0)
		return ld_fail(ld, "unsupported Multiboot header flags 0x%x (flags "
		               "0x%x; BareGT knows bits 0, 1, 2 and 16)",
		               unsupported, flags);
	if (flags & MBH_F_AOUT_KLUDGE)
		return mb_load_aout(ld, header_offset, entry);
	if (!elf_identify(ld->image, ld->image_size, &elf_class))
		return ld_fail(ld, "Multiboot header without flag 16 (address "
		               "fields) in a file that is not ELF: the image must "
		               "be ELF32 or give the address fields");
	return elf_load(ld, ELFCLASS32, entry);
}

/* One §3.3 memory map entry at p. */
static void mb_put_mmap(uint8_t *p, uint64_t base, uint64_t length,
                        uint32_t type)
{
	ld_put32(p + MMAP_SIZE_FIELD, MMAP_ENTRY - 4);
	ld_put64(p + MMAP_BASE, base);
	ld_put64(p + MMAP_LENGTH, length);
	ld_put32(p + MMAP_TYPE, type);
}

/*
 * The module list: {mod_start, mod_end (one past), string, reserved}; the
 * table was reserved at mods, the argument strings go after it.
 */
static bool mb_write_modules(struct loader *ld, struct info_area *a,
                             uint64_t mods)
{
	const struct guest_load_req *req = ld->req;
	uint64_t string;
	unsigned i;
	char what[48];

	for (i = 0; i < req->nmodules; i++) {
		uint8_t *mod = ld_ram(ld, mods + MBM_SIZE * i);
		uint64_t start = ld->out->module_gpa[i];

		snprintf(what, sizeof what, "the argument string of module %u",
		         i + 1);
		if (!info_put_string(ld, a, req->modules[i].args, what, &string))
			return false;
		/* ld_place_modules() kept every module end below 4 GiB. */
		ld_put32(mod + MBM_START, (uint32_t)start);
		ld_put32(mod + MBM_END, (uint32_t)(start + req->modules[i].size));
		ld_put32(mod + MBM_STRING, (uint32_t)string);
		ld_put32(mod + MBM_RESERVED, 0);
	}
	return true;
}

/*
 * The memory map (§3.3 mmap): the VM's map (guest_memmap, whose types are
 * Multiboot's: 1 available, others reserved); without one the basic map,
 * [0, 639 KiB) available, up to 1 MiB reserved (the PC's EBDA, ROM and
 * video hole a Multiboot kernel expects), then RAM.
 */
static void mb_write_mmap(struct loader *ld, uint64_t mmap)
{
	const struct guest_memmap *map = ld->memmap;
	uint8_t *p = ld_ram(ld, mmap);
	unsigned i;

	for (i = 0; i < map->nentries; i++)
		mb_put_mmap(p + MMAP_ENTRY * i, map->entry[i].gpa,
		            map->entry[i].length, map->entry[i].type);
}

/*
 * At GUEST_INFO_GPA: the information structure, the module table, the
 * memory map, then the strings (command line, boot loader name, module
 * arguments).
 */
static bool mb_write_info(struct loader *ld)
{
	const struct guest_load_req *req = ld->req;
	uint64_t mem_upper = (req->ram_bytes - GUEST_IMAGE_MIN) / 1024;
	struct info_area area;
	uint64_t mbi_gpa, mods, mmap, gpa;
	uint8_t *mbi;

	info_init(&area, ld);
	if (!info_alloc(ld, &area, MBI_SIZE, 8, &mbi_gpa) ||
	    !info_alloc(ld, &area, MBM_SIZE * req->nmodules, 4, &mods) ||
	    !info_alloc(ld, &area, MMAP_ENTRY * ld->memmap->nentries, 4, &mmap))
		return false;
	mbi = ld_ram(ld, mbi_gpa);             /* = GUEST_INFO_GPA: first */
	ld_put32(mbi + MBI_FLAGS, MBI_F_MEMORY | MBI_F_CMDLINE | MBI_F_MODS |
	                          MBI_F_MMAP | MBI_F_LOADER_NAME);
	ld_put32(mbi + MBI_MEM_LOWER, MB_MEM_LOWER_KIB);
	ld_put32(mbi + MBI_MEM_UPPER,
	         mem_upper > UINT32_MAX ? UINT32_MAX : (uint32_t)mem_upper);
	ld_put32(mbi + MBI_MODS_COUNT, req->nmodules);
	ld_put32(mbi + MBI_MODS_ADDR, (uint32_t)mods);
	mb_write_mmap(ld, mmap);
	ld_put32(mbi + MBI_MMAP_LENGTH, MMAP_ENTRY * ld->memmap->nentries);
	ld_put32(mbi + MBI_MMAP_ADDR, (uint32_t)mmap);
	if (!info_put_string(ld, &area, req->cmdline, "the command line", &gpa))
		return false;
	ld_put32(mbi + MBI_CMDLINE, (uint32_t)gpa);
	if (!info_put_string(ld, &area, MB_LOADER_NAME, "the boot loader name",
	                     &gpa))
		return false;
	ld_put32(mbi + MBI_BOOT_LOADER_NAME, (uint32_t)gpa);
	return mb_write_modules(ld, &area, mods);
}

static bool mb_probe(const struct loader *ld, struct ld_match *m)
{
	struct mb_search mb;

	mb_find_header(ld->image, ld->image_size, &mb);
	m->header_offset = mb.offset;
	return mb.found;
}

/*
 * A Multiboot magic with a wrong checksum is no header (§3.1.1) but is the
 * likely mistake when no format matches, so it is named.
 */
static bool mb_diagnose(struct loader *ld)
{
	struct mb_search mb;

	mb_find_header(ld->image, ld->image_size, &mb);
	if (!mb.bad_checksum)
		return false;
	ld_fail(ld, "Multiboot header checksum is wrong (header at offset "
	        "0x%llx: magic + flags + checksum = 0x%x, must be 0)",
	        (unsigned long long)mb.bad_offset, mb.bad_sum);
	return true;
}

/* §3.2: protected mode, paging off, EAX magic, EBX the information. */
static bool mb_load(struct loader *ld, const struct ld_match *m)
{
	struct guest_entry *out = ld->out;

	if (!mb_load_image(ld, m->header_offset, &out->rip) ||
	    !ld_place_modules(ld, true))
		return false;
	ld_enter_protected_mode(ld, GUEST_CODE_SEL, GUEST_DATA_SEL);
	if (!mb_write_info(ld))
		return false;
	out->rax = MULTIBOOT_BOOTLOADER_MAGIC;
	out->rbx = GUEST_INFO_GPA;
	return true;
}

const struct ld_format ld_format_multiboot = {
	.kind = GUEST_MULTIBOOT,
	.kind_name = "multiboot",
	.what = "Multiboot",
	.probe = mb_probe,
	.diagnose = mb_diagnose,
	.load = mb_load,
};
