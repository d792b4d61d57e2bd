/*
 * tests/unit/test_load_pvh.c — unit tests of the PVH loader (hv/load/
 * pvh.c and the note reader in elf.c, through guest_load()) against Xen's
 * PVH ABI (docs/misc/pvh.pandoc) and public/arch-x86/hvm/start_info.h:
 * small ELF64 kernels built here with a "Xen" note of type 18
 * (XEN_ELFNOTE_PHYS32_ENTRY) like Debian's vmlinux-6.1.0-57 carries
 * (read with readelf from the vmlinux recovered from the vmlinuz: PVH
 * entry 0x1000850 as an 8-byte descriptor in a PT_NOTE of 4-byte
 * alignment among 14 other Xen notes; PT_LOADs at p_paddr 0x1000000,
 * 0x2a00000, 0x3044000 (p_vaddr 0: .data..percpu) and 0x3079000, ending at
 * 0x4a00000), the entry state, hvm_start_info, the module list, the
 * memory map, recognition before ELF64, every refusal, hostile notes,
 * truncation at every length and a fixed-seed mutation loop.
 *
 * RAM is filled with 0xCC before each load so untouched bytes show.
 */
#define _DEFAULT_SOURCE 1          /* mmap, MAP_NORESERVE */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hv/config/config.h"     /* CONFIG_ERROR_MAX */
#include "hv/load/load.h"
#include "tests/unit/load_test.h"

#define KIB  ((uint64_t)1 << 10)
#define MIB  ((uint64_t)1 << 20)
#define GIB  ((uint64_t)1 << 30)

#define RAM_BYTES  (128 * MIB)
#define FILL       0xCC
#define ERR_MAX    256
#define IMG_MAX    0x5000
#define CMDLINE    "console=ttyS0 nokaslr"
#define RSDP_GPA   0xE0000
#define PVH_ENTRY  0x1000850       /* Debian's vmlinux */

/* ELF structures: tests/unit/load_test.h. */
#define PT_LOAD  1
#define PT_NOTE  4

/* ---- fixture ----------------------------------------------------------- */

static uint8_t *ram;
static uint8_t img[IMG_MAX];
static size_t img_size;
static struct guest_entry ent;
static char err[ERR_MAX];
static size_t desc_at;              /* file offset of the entry's descriptor */

#define EH   ((struct t_elf64_ehdr *)img)
#define PH   ((struct t_elf64_phdr *)(img + 64))

static uint8_t pat(size_t i, unsigned seed)
{
	return (uint8_t)(0x40 + (i * 7 + seed * 13) % 64);
}

/* One note at off (4-byte padding); returns the offset after it. */
static size_t put_note(size_t off, const char *name, uint32_t namesz,
                       uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t h[3] = { namesz, descsz, type };

	memcpy(img + off, h, sizeof h);
	off += sizeof h;
	memcpy(img + off, name, namesz);
	off += (namesz + 3) & ~3u;
	if (descsz == 8 || descsz == 4)
		desc_at = off;
	memcpy(img + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

/*
 * The standard kernel: text at 0x1000000 (file 0x1000, 0x2000 bytes),
 * data at 0x1200000 (file 0x3000, 0x1000 bytes + 0x4000 of bss), virtual
 * addresses as Linux links them; a PT_NOTE at 0x200 with a GNU build-id,
 * a Xen note of type 6 and the PHYS32 entry (8 bytes, as Linux has it).
 */
static void build_pvh(uint64_t entry, uint32_t entry_descsz)
{
	static const uint8_t build_id[20] = { 0x6a, 0x2b, 0x4a, 0xc7 };
	size_t i, off;

	memset(img, 0, sizeof img);
	memcpy(EH->e_ident, "\177ELF\2\1\1", 7);
	EH->e_type = 2;                              /* ET_EXEC */
	EH->e_machine = 62;                          /* EM_X86_64 */
	EH->e_version = 1;
	EH->e_entry = 0x1000000;
	EH->e_phoff = 64;
	EH->e_ehsize = 64;
	EH->e_phentsize = 56;
	EH->e_phnum = 3;
	PH[0] = (struct t_elf64_phdr){ PT_LOAD, 5, 0x1000, 0xffffffff81000000ull,
	                         0x1000000, 0x2000, 0x2000, 0x200000 };
	PH[1] = (struct t_elf64_phdr){ PT_LOAD, 6, 0x3000, 0xffffffff81200000ull,
	                         0x1200000, 0x1000, 0x5000, 0x200000 };
	off = put_note(0x200, "GNU", 4, 3, build_id, sizeof build_id);
	off = put_note(off, "Xen", 4, 6, "linux", 6);
	off = put_note(off, "Xen", 4, 18, &entry, entry_descsz);
	PH[2] = (struct t_elf64_phdr){ PT_NOTE, 4, 0x200, 0xffffffff81002000ull,
	                         0x1002000, off - 0x200, off - 0x200, 4 };
	for (i = 0x1000; i < 0x4000; i++)
		img[i] = pat(i, 3);
	img_size = 0x4000;
}

static int setup(void **state)
{
	(void)state;
	if (ram == NULL)
		ram = malloc(RAM_BYTES);
	assert_non_null(ram);
	memset(ram, FILL, RAM_BYTES);
	build_pvh(PVH_ENTRY, 8);
	memset(&ent, 0xEE, sizeof ent);
	memset(err, 0, sizeof err);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

static struct guest_load_req request(void)
{
	struct guest_load_req r = {
		.ram = ram, .ram_bytes = RAM_BYTES,
		.image = img, .image_size = img_size,
		.cmdline = CMDLINE, .vm_name = "pvh",
		.rsdp_gpa = RSDP_GPA,
	};
	return r;
}




/* hvm_start_info (start_info.h) as the guest reads it at GPA si. */
struct t_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};
struct t_modlist_entry { uint64_t paddr, size, cmdline_paddr, reserved; };
struct t_memmap_entry { uint64_t addr, size; uint32_t type, reserved; };

_Static_assert(sizeof(struct t_start_info) == 56, "hvm_start_info v1");
_Static_assert(sizeof(struct t_modlist_entry) == 32, "hvm_modlist_entry");
_Static_assert(sizeof(struct t_memmap_entry) == 24,
               "hvm_memmap_table_entry");

static struct t_start_info start_info(void)
{
	struct t_start_info si;

	memcpy(&si, ram + ent.rbx, sizeof si);
	return si;
}

static struct t_memmap_entry memmap_entry(const struct t_start_info *si,
                                          unsigned i)
{
	struct t_memmap_entry e;

	memcpy(&e, ram + si->memmap_paddr + i * sizeof e, sizeof e);
	return e;
}

static struct t_modlist_entry modlist_entry(const struct t_start_info *si,
                                            unsigned i)
{
	struct t_modlist_entry e;

	memcpy(&e, ram + si->modlist_paddr + i * sizeof e, sizeof e);
	return e;
}

/* ---- entry state and image --------------------------------------------- */

static void test_pvh_entry_state(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
	assert_string_equal(guest_kind_name(ent.kind), "pvh");
	assert_false(ent.long_mode);
	assert_int_equal(ent.rip, PVH_ENTRY);        /* the note, not e_entry */
	assert_int_equal(ent.rbx, 0x50000);          /* hvm_start_info */
	assert_int_equal(ent.rax, 0);
	assert_int_equal(ent.rsi, 0);
	assert_int_equal(ent.rdi, 0);
	assert_int_equal(ent.rsp, 0x80000);
	assert_int_equal(ent.cr0, 0x11);             /* PE (ET is fixed) */
	assert_int_equal(ent.cr3, 0);
	assert_int_equal(ent.cr4, 0);
	assert_int_equal(ent.efer, 0);
	assert_int_equal(ent.cs_sel, 0x08);
	assert_int_equal(ent.ds_sel, 0x10);
	assert_int_equal(ent.gdt_gpa, 0x1000);
	assert_int_equal(ent.gdt_limit, 23);
	/* Flat 32-bit code and data (SDM Vol. 3A §3.4.5); no page tables. */
	assert_int_equal(get64(ram + 0x1000), 0);
	assert_int_equal(get64(ram + 0x1008), 0x00CF9A000000FFFFull);
	assert_int_equal(get64(ram + 0x1010), 0x00CF92000000FFFFull);
	assert_true(all_bytes(ram + 0x1018, 0x1000 - 0x18, 0));
	assert_true(all_bytes(ram + 0x2000, 0x3000, FILL));
	assert_string_equal(err, "");
}

static void test_pvh_segments(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	LOAD_OK(&r);
	/* By p_paddr; bss zeroed; nothing around. */
	assert_memory_equal(ram + 0x1000000, img + 0x1000, 0x2000);
	assert_int_equal(ram[0x1002000], FILL);
	assert_int_equal(ram[0xFFFFFF], FILL);
	assert_memory_equal(ram + 0x1200000, img + 0x3000, 0x1000);
	assert_true(all_bytes(ram + 0x1201000, 0x4000, 0));
	assert_int_equal(ram[0x1205000], FILL);
	assert_int_equal(ent.image_start, 0x1000000);
	assert_int_equal(ent.image_end, 0x1205000);
}

/* ---- hvm_start_info ----------------------------------------------------- */

static void test_pvh_start_info(void **state)
{
	struct guest_load_req r = request();
	struct t_start_info si;
	struct t_memmap_entry e;

	(void)state;
	LOAD_OK(&r);
	si = start_info();
	assert_int_equal(si.magic, 0x336ec578);
	assert_int_equal(si.version, 1);
	assert_int_equal(si.flags, 0);
	assert_int_equal(si.nr_modules, 0);
	assert_int_equal(si.modlist_paddr, 0);       /* 0: not present */
	assert_int_equal(si.rsdp_paddr, RSDP_GPA);
	assert_int_equal(si.reserved, 0);
	/* The table, then the memory map, then the strings. */
	assert_int_equal(si.memmap_paddr, 0x50000 + 56);
	assert_int_equal(si.memmap_entries, 3);      /* no map given: basic */
	e = memmap_entry(&si, 0);
	assert_int_equal(e.addr, 0);
	assert_int_equal(e.size, 0x9FC00);
	assert_int_equal(e.type, 1);
	e = memmap_entry(&si, 2);
	assert_int_equal(e.addr, 0x100000);
	assert_int_equal(e.size, RAM_BYTES - 0x100000);
	assert_int_equal(e.type, 1);
	assert_int_equal(si.cmdline_paddr, 0x50000 + 56 + 3 * 24);
	assert_string_equal((char *)ram + si.cmdline_paddr, CMDLINE);
	/* rsdp_gpa 0: no RSDP (the kernel scans for it). */
	r.rsdp_gpa = 0;
	r.cmdline = NULL;
	LOAD_OK(&r);
	si = start_info();
	assert_int_equal(si.rsdp_paddr, 0);
	assert_string_equal((char *)ram + si.cmdline_paddr, "");
}

static void test_pvh_memmap(void **state)
{
	static const struct t_memmap_entry want[] = {
		{ 0, 0x9FC00, 1, 0 },
		{ 0x9FC00, 0x100000 - 0x9FC00, 2, 0 },
		{ 0x100000, RAM_BYTES - 0x100000, 1, 0 },
		{ 0xD0000000, 0x100000, 2, 0 },
		{ 0xFEC00000, 0x1000, 2, 0 },
		{ 0xFED00000, 0x1000, 2, 0 },
		{ 0xFEE00000, 0x1000, 2, 0 },
	};
	struct guest_load_req r = request();
	struct guest_memmap map;
	struct t_start_info si;
	unsigned i;

	(void)state;
	assert_true(guest_memmap_pc(&map, RAM_BYTES));
	r.memmap = &map;
	LOAD_OK(&r);
	si = start_info();
	assert_int_equal(si.memmap_entries, 7);
	for (i = 0; i < 7; i++) {
		struct t_memmap_entry e = memmap_entry(&si, i);

		assert_memory_equal(&e, &want[i], sizeof e);
	}
	assert_int_equal(si.cmdline_paddr, si.memmap_paddr + 7 * 24);
	map.entry[1].type = 4;                       /* types pass through */
	LOAD_OK(&r);
	si = start_info();
	assert_int_equal(memmap_entry(&si, 1).type, 4);
}

/* ---- modules ----------------------------------------------------------- */

static void test_pvh_modules_at_top(void **state)
{
	static uint8_t a[0x1800], b[0x100];
	struct guest_module m[2] = {
		{ a, sizeof a, "initrd-arg" }, { b, sizeof b, NULL },
	};
	struct guest_load_req r = request();
	struct t_start_info si;
	struct t_modlist_entry e;

	(void)state;
	memset(a, 0xA1, sizeof a);
	memset(b, 0xB2, sizeof b);
	r.modules = m;
	r.nmodules = 2;
	LOAD_OK(&r);
	/* 0x2000 (a, 4 KiB aligned) + 0x100 (b), ending below RAM's end. */
	assert_int_equal(ent.module_gpa[0], RAM_BYTES - 0x3000);
	assert_int_equal(ent.module_gpa[1], RAM_BYTES - 0x1000);
	assert_true(all_bytes(ram + RAM_BYTES - 0x3000, sizeof a, 0xA1));
	assert_true(all_bytes(ram + RAM_BYTES - 0x1000, sizeof b, 0xB2));
	assert_int_equal(ram[RAM_BYTES - 0x3000 + sizeof a], FILL);
	assert_int_equal(ram[RAM_BYTES - 0x1000 + sizeof b], FILL);
	si = start_info();
	assert_int_equal(si.nr_modules, 2);
	assert_int_equal(si.modlist_paddr, 0x50000 + 56);
	assert_int_equal(si.memmap_paddr, 0x50000 + 56 + 2 * 32);
	e = modlist_entry(&si, 0);
	assert_int_equal(e.paddr, RAM_BYTES - 0x3000);
	assert_int_equal(e.size, sizeof a);
	assert_string_equal((char *)ram + e.cmdline_paddr, "initrd-arg");
	assert_int_equal(e.reserved, 0);
	e = modlist_entry(&si, 1);
	assert_int_equal(e.paddr, RAM_BYTES - 0x1000);
	assert_int_equal(e.size, sizeof b);
	assert_string_equal((char *)ram + e.cmdline_paddr, "");
	assert_int_equal(e.reserved, 0);
	/* Strings: the command line, then the module arguments. */
	assert_int_equal(si.cmdline_paddr, si.memmap_paddr + 3 * 24);
	assert_int_equal(modlist_entry(&si, 0).cmdline_paddr,
	                 si.cmdline_paddr + sizeof CMDLINE);
}

static void test_pvh_modules_do_not_fit(void **state)
{
	static uint8_t big[RAM_BYTES - 0x1205000 + 1];
	struct guest_module m[2] = {
		{ big, sizeof big - 1, NULL }, { big, 1, NULL },
	};
	struct guest_load_req r = request();

	(void)state;
	r.modules = m;
	r.nmodules = 1;                  /* exactly from the image end */
	LOAD_OK(&r);
	assert_int_equal(ent.module_gpa[0], 0x1205000);
	m[0].size = sizeof big;
	LOAD_FAILS(&r, "modules do not fit: 1 module(s) of 0x6dfb001 bytes "
	               "between the image end 0x1205000 and 0x8000000 (RAM "
	               "end, 4 GiB)");
	m[0].size = sizeof big - 1 - 0x1000;  /* two: pages + b's byte */
	r.nmodules = 2;
	LOAD_OK(&r);
	assert_int_equal(ent.module_gpa[0], 0x1205000);
	assert_int_equal(ent.module_gpa[1], RAM_BYTES - 0x1000);
	m[1].size = 0x1001;
	LOAD_FAILS(&r, "modules do not fit: 2 module(s) of 0x6dfb001 bytes");
	m[1].size = UINT64_MAX;          /* never an overflow */
	LOAD_FAILS(&r, "modules do not fit");
}

/* ---- the note ---------------------------------------------------------- */

static void test_pvh_note_four_bytes(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	build_pvh(0x1001000, 4);
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
	assert_int_equal(ent.rip, 0x1001000);
	/* The entry may be in bss: it is a loaded byte. */
	build_pvh(0x1204FFF, 8);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x1204FFF);
}

static void test_pvh_note_errors(void **state)
{
	uint8_t six[6] = { 0x50, 0x08, 0, 1, 0, 0 };
	struct guest_load_req r = request();
	size_t off;

	(void)state;
	build_pvh(0x1300000, 8);
	LOAD_FAILS(&r, "PVH entry (XEN_ELFNOTE_PHYS32_ENTRY) 0x1300000 is "
	               "outside the loaded segments");
	build_pvh(0x1205000, 8);                     /* one past the bss */
	LOAD_FAILS(&r, "0x1205000 is outside the loaded segments");
	build_pvh(0x101000000ull, 8);
	LOAD_FAILS(&r, "PVH note malformed: entry 0x101000000 (XEN_ELFNOTE_"
	               "PHYS32_ENTRY) is not a 32-bit address");
	/* A 6-byte descriptor. */
	build_pvh(PVH_ENTRY, 8);
	off = put_note(PH[2].p_offset + PH[2].p_filesz - 24, "Xen", 4, 18, six,
	               6);
	PH[2].p_filesz = off - PH[2].p_offset;
	LOAD_FAILS(&r, "PVH note malformed: XEN_ELFNOTE_PHYS32_ENTRY "
	               "descriptor of 6 bytes, must be 4 or 8");
	/* The descriptor runs past the PT_NOTE segment, then the file. */
	build_pvh(PVH_ENTRY, 8);
	PH[2].p_filesz -= 1;
	LOAD_FAILS(&r, "PVH note malformed: the XEN_ELFNOTE_PHYS32_ENTRY "
	               "descriptor runs past its PT_NOTE segment or the file");
	build_pvh(PVH_ENTRY, 8);
	PH[2].p_filesz += 0x10000;                   /* clipped to the file */
	r.image_size = desc_at + 7;
	LOAD_FAILS(&r, "descriptor runs past its PT_NOTE segment or the file");
	r.image_size = desc_at + 8;                  /* note fine, data cut */
	LOAD_FAILS(&r, "image truncated: ELF segment 0");
	/* The ELF checks still apply: a PVH kernel is an ELF64 executable. */
	build_pvh(PVH_ENTRY, 8);
	EH->e_type = 3;
	r.image_size = img_size;
	LOAD_FAILS(&r, "ELF type 3 is not ET_EXEC (2)");
}

/* Without the exact note the file is a plain ELF64 image. */
static void test_pvh_only_with_the_note(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	img[desc_at - 8] = 17;                  /* type 17, not 18 */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	assert_int_equal(ent.rip, 0x1000000);        /* e_entry */
	assert_true(ent.long_mode);
	img[desc_at - 8] = 18;
	img[desc_at - 4 + 2] = 'N';                  /* "XeN" */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	img[desc_at - 4 + 2] = 'n';
	img[desc_at - 16] = 3;                       /* namesz 3: "Xe" */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	img[desc_at - 16] = 4;
	PH[2].p_type = 6;                            /* PT_PHDR: not notes */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	PH[2].p_type = PT_NOTE;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
}

static void test_pvh_note_walk(void **state)
{
	struct guest_load_req r = request();
	const size_t off = 0x600;

	(void)state;
	/* A note whose name runs past the segment ends the walk. */
	memcpy(img + 0x200, &(uint32_t){ 0xFFFFFFFFu }, 4);
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	memcpy(img + 0x200, &(uint32_t){ 4 }, 4);
	/* So does a descriptor running past it (a note before ours). */
	memcpy(img + 0x204, &(uint32_t){ 0xFFFFFFF0u }, 4);
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	memcpy(img + 0x204, &(uint32_t){ 20 }, 4);
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
	/* A PT_NOTE starting beyond the file is skipped. */
	PH[2].p_offset = 0x10000;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	/* 8-byte note alignment (p_align 8), in a second PT_NOTE: the
	 * descriptor at 12 + 4 = 16, already a multiple of 8. */
	build_pvh(PVH_ENTRY, 8);
	img[desc_at - 8] = 17;                       /* not in the first */
	EH->e_phnum = 4;
	memcpy(img + off, &(uint32_t[3]){ 4, 8, 18 }, 12);
	memcpy(img + off + 12, "Xen", 4);
	memcpy(img + off + 16, &(uint64_t){ 0x1001234 }, 8);
	PH[3] = (struct t_elf64_phdr){ PT_NOTE, 4, off, 0, 0, 24, 24, 8 };
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
	assert_int_equal(ent.rip, 0x1001234);
	/* After a 5-byte name (a "GNU\0\0"), 8-byte padding puts the
	 * descriptor at 12 + 5 -> 24, and the next note at 24 + 4 -> 32. */
	memcpy(img + off, &(uint32_t[3]){ 5, 4, 1 }, 12);
	memcpy(img + off + 12, "GNU\0\0", 5);
	memcpy(img + off + 32, &(uint32_t[3]){ 4, 4, 18 }, 12);
	memcpy(img + off + 44, "Xen", 4);
	memcpy(img + off + 48, &(uint32_t){ 0x1001238 }, 4);
	PH[3].p_filesz = 52;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
	assert_int_equal(ent.rip, 0x1001238);
	PH[3].p_align = 4;                           /* 4-byte walk: lost */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
}

/* ---- the layout of the real vmlinux ------------------------------------ */

static void test_pvh_debian_layout(void **state)
{
	static uint8_t rd[2 * MIB];
	struct guest_module m = { rd, sizeof rd, NULL };
	struct guest_load_req r = request();

	(void)state;
	/* Debian's four PT_LOADs with their real p_paddr and p_memsz (the
	 * file bytes shortened: zeroes stand for the rest). */
	EH->e_phnum = 5;
	PH[4] = PH[2];                               /* the notes */
	PH[0] = (struct t_elf64_phdr){ PT_LOAD, 5, 0x1000, 0xffffffff81000000ull,
	                         0x1000000, 0x1000, 0x18eacdc, 0x200000 };
	PH[1] = (struct t_elf64_phdr){ PT_LOAD, 6, 0x2000, 0xffffffff82a00000ull,
	                         0x2a00000, 0x1000, 0x644000, 0x200000 };
	PH[2] = (struct t_elf64_phdr){ PT_LOAD, 6, 0x3000, 0, 0x3044000, 0x800,
	                         0x35000, 0x200000 };
	PH[3] = (struct t_elf64_phdr){ PT_LOAD, 7, 0x3800, 0xffffffff83079000ull,
	                         0x3079000, 0x800, 0x1987000, 0x200000 };
	r.modules = &m;
	r.nmodules = 1;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_PVH);
	assert_int_equal(ent.rip, 0x1000850);
	assert_int_equal(ent.image_start, 0x1000000);
	assert_int_equal(ent.image_end, 0x4A00000);
	assert_int_equal(ent.module_gpa[0], RAM_BYTES - 2 * MIB);
	assert_memory_equal(ram + 0x3044000, img + 0x3000, 0x800);
	assert_true(all_bytes(ram + 0x3044800, 0x35000 - 0x800, 0));
}

/* ---- above 4 GiB --------------------------------------------------------- */

static void test_pvh_large_ram(void **state)
{
	const uint64_t bytes = 6 * GIB;
	uint8_t *big = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t mod[0x100] = { 0x77 };
	struct guest_module m = { mod, sizeof mod, NULL };
	struct guest_load_req r = request();

	(void)state;
	if (big == MAP_FAILED)
		skip();
	r.ram = big;
	r.ram_bytes = bytes;
	r.modules = &m;
	r.nmodules = 1;
	LOAD_OK(&r);
	/* Modules stay below 4 GiB: the start info's addresses are 32-bit
	 * reachable for a kernel entered with paging off. */
	assert_int_equal(ent.module_gpa[0], 4 * GIB - 0x1000);
	assert_int_equal(big[4 * GIB - 0x1000], 0x77);
	/* A segment beyond 4 GiB is out of reach. */
	PH[1].p_paddr = 4 * GIB - 0x1000;
	LOAD_FAILS(&r, "ELF segment 1 at 0xfffff000-0x100004000 ends beyond "
	               "4 GiB, out of reach of a 32-bit guest");
	munmap(big, bytes);
}

/* ---- hostile images ---------------------------------------------------- */

static void test_pvh_truncated_every_length(void **state)
{
	size_t size, full = img_size;

	(void)state;
	for (size = 0; size <= full; size++) {
		uint8_t *copy = size ? malloc(size) : NULL;
		struct guest_load_req r = request();
		bool ok;

		if (size)
			memcpy(copy, img, size);
		r.image = copy;
		r.image_size = size;
		ok = guest_load(&r, &ent, err, sizeof err);
		/* The last bytes are segment data: only the whole file loads. */
		if (ok != (size == full))
			fail_msg("%zu of %zu bytes: %s", size, full,
			         ok ? "loaded" : err);
		if (!ok && strlen(err) >= CONFIG_ERROR_MAX)
			fail_msg("%zu bytes: message too long: %s", size, err);
		free(copy);
	}
}

/* Random bytes in the headers and notes: never a crash. */
static void test_pvh_mutations(void **state)
{
	uint8_t mod[64] = { 0 };
	struct guest_module m = { mod, sizeof mod, NULL };
	unsigned seed = 4242, i, k, pvh = 0;

	(void)state;
	for (i = 0; i < 4000; i++) {
		struct guest_load_req r = request();

		build_pvh(PVH_ENTRY, 8);
		for (k = 0; k < 1 + i % 4; k++) {
			unsigned off;

			seed = seed * 1103515245u + 12345u;
			off = (seed >> 8) % 0x300;            /* ehdr, phdrs, notes */
			seed = seed * 1103515245u + 12345u;
			img[off] = (uint8_t)(seed >> 16);
		}
		r.modules = &m;
		r.nmodules = i % 2;
		if (guest_load(&r, &ent, err, sizeof err))
			pvh += ent.kind == GUEST_PVH;
		else if (strlen(err) >= CONFIG_ERROR_MAX)
			fail_msg("message too long: %s", err);
	}
	assert_true(pvh > 100);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_pvh_entry_state),
		T(test_pvh_segments),
		T(test_pvh_start_info),
		T(test_pvh_memmap),
		T(test_pvh_modules_at_top),
		T(test_pvh_modules_do_not_fit),
		T(test_pvh_note_four_bytes),
		T(test_pvh_note_errors),
		T(test_pvh_only_with_the_note),
		T(test_pvh_note_walk),
		T(test_pvh_debian_layout),
		T(test_pvh_large_ram),
		T(test_pvh_truncated_every_length),
		T(test_pvh_mutations),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
