/*
 * tests/unit/test_loader.c — unit tests of the guest image loader
 * (hv/load/: dispatch.c, common.c, elf.c, elf64.c, multiboot.c) against
 * docs/guests.md: ELF64 and Multiboot (ELF32 and a.out kludge) images
 * built here in memory, the entry state, the GDT, the ELF64 page tables,
 * the BareGT start information, the Multiboot information and memory map,
 * module placement, every error, truncation at every length and a
 * fixed-seed mutation loop (the sanitizers catch any stray access).
 *
 * RAM is filled with 0xCC before each load so untouched bytes show. The
 * ELF structures below are written from the System V gABI, independently
 * of the loader's offset tables (the host is little-endian x86-64).
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

#define RAM_BYTES  (8 * MIB)
#define FILL       0xCC
#define IMG_MAX    (16 * KIB)
#define ERR_MAX    256

#define CMDLINE    "console=ttyS0 quiet"
#define VM_NAME    "vm1"

/* ---- ELF structures (gABI "ELF Header", "Program Header"; the ELF64
 * ones are in tests/unit/load_test.h) ------------------------------------ */

struct t_elf32_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
	         e_shstrndx;
};

struct t_elf32_phdr {
	uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz,
	         p_flags, p_align;
};

_Static_assert(sizeof(struct t_elf32_ehdr) == 52, "Elf32_Ehdr");
_Static_assert(sizeof(struct t_elf32_phdr) == 32, "Elf32_Phdr");

#define PT_LOAD  1
#define PT_NOTE  4

/* ---- fixture ----------------------------------------------------------- */

static uint8_t *ram;
static uint8_t img[IMG_MAX];
static struct guest_entry ent;
static char err[ERR_MAX];

static int setup(void **state)
{
	(void)state;
	ram = malloc(RAM_BYTES);
	assert_non_null(ram);
	memset(ram, FILL, RAM_BYTES);
	memset(img, 0, sizeof img);
	memset(&ent, 0xEE, sizeof ent);
	memset(err, 0, sizeof err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

static uint64_t rd64(const uint8_t *base, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, base + gpa, sizeof v);
	return v;
}

static uint32_t rd32(const uint8_t *base, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, base + gpa, sizeof v);
	return v;
}

/* Byte i of test content number seed: 0x40..0x7F, never a magic byte. */
static uint8_t pat(size_t i, unsigned seed)
{
	return (uint8_t)(0x40 + (i * 7 + seed * 13) % 64);
}

static struct guest_load_req request(const void *image, size_t size)
{
	struct guest_load_req r = {
		.ram = ram, .ram_bytes = RAM_BYTES,
		.image = image, .image_size = size,
		.cmdline = CMDLINE, .vm_name = VM_NAME,
	};
	return r;
}

#define LOAD_FAILS_EXACTLY(r, text) \
	do { \
		LOAD_FAILS((r), (text)); \
		assert_string_equal(err, (text)); \
	} while (0)



/* ---- image builders ---------------------------------------------------- */

struct tseg {
	uint32_t type;
	uint64_t paddr, filesz, memsz;
};

/* File offset of each segment's bytes in the last image built. */
static size_t seg_off[8];

/* Segment data after the program headers, 16-byte aligned, patterned. */
static size_t place_data(size_t off, const struct tseg *segs, unsigned n)
{
	size_t end = off;
	unsigned i;
	size_t k;

	for (i = 0; i < n; i++) {
		off = (off + 15) & ~(size_t)15;
		seg_off[i] = off;
		assert_true(off + segs[i].filesz <= IMG_MAX);
		for (k = 0; k < segs[i].filesz; k++)
			img[off + k] = pat(k, i + 1);
		off += segs[i].filesz;
		end = off;
	}
	return end;
}

static size_t build_elf64(uint64_t entry, const struct tseg *segs, unsigned n)
{
	struct t_elf64_ehdr eh;
	unsigned i;
	size_t size;

	memset(img, 0, sizeof img);
	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[4] = 2;      /* ELFCLASS64 */
	eh.e_ident[5] = 1;      /* ELFDATA2LSB */
	eh.e_ident[6] = 1;      /* EV_CURRENT */
	eh.e_type = 2;          /* ET_EXEC */
	eh.e_machine = 62;      /* EM_X86_64 */
	eh.e_version = 1;
	eh.e_entry = entry;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(struct t_elf64_phdr);
	eh.e_phnum = (uint16_t)n;
	size = place_data(sizeof eh + n * sizeof(struct t_elf64_phdr), segs, n);
	memcpy(img, &eh, sizeof eh);
	for (i = 0; i < n; i++) {
		struct t_elf64_phdr ph = {
			.p_type = segs[i].type, .p_flags = 7,
			.p_offset = seg_off[i], .p_vaddr = segs[i].paddr,
			.p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
			.p_memsz = segs[i].memsz, .p_align = 0x1000,
		};
		memcpy(img + sizeof eh + i * sizeof ph, &ph, sizeof ph);
	}
	return size;
}

static size_t build_elf32(uint32_t entry, const struct tseg *segs, unsigned n)
{
	struct t_elf32_ehdr eh;
	unsigned i;
	size_t size;

	memset(img, 0, sizeof img);
	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[4] = 1;      /* ELFCLASS32 */
	eh.e_ident[5] = 1;
	eh.e_ident[6] = 1;
	eh.e_type = 2;
	eh.e_machine = 3;       /* EM_386 */
	eh.e_version = 1;
	eh.e_entry = entry;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(struct t_elf32_phdr);
	eh.e_phnum = (uint16_t)n;
	size = place_data(sizeof eh + n * sizeof(struct t_elf32_phdr), segs, n);
	memcpy(img, &eh, sizeof eh);
	for (i = 0; i < n; i++) {
		struct t_elf32_phdr ph = {
			.p_type = segs[i].type, .p_offset = (uint32_t)seg_off[i],
			.p_vaddr = (uint32_t)segs[i].paddr,
			.p_paddr = (uint32_t)segs[i].paddr,
			.p_filesz = (uint32_t)segs[i].filesz,
			.p_memsz = (uint32_t)segs[i].memsz, .p_flags = 7,
			.p_align = 0x1000,
		};
		memcpy(img + sizeof eh + i * sizeof ph, &ph, sizeof ph);
	}
	return size;
}

/* Multiboot §3.1.1 header: magic, flags, checksum making the sum 0. */
static void put_mb_header(uint8_t *at, uint32_t flags)
{
	put32(at, 0x1BADB002u);
	put32(at + 4, flags);
	put32(at + 8, 0u - 0x1BADB002u - flags);
}

struct aout {
	size_t file_size, hoff;
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* A patterned non-ELF file with a flag-16 Multiboot header at hoff. */
static size_t build_aout(const struct aout *a)
{
	size_t i;

	assert_true(a->file_size <= IMG_MAX);
	for (i = 0; i < a->file_size; i++)
		img[i] = pat(i, 0);
	put_mb_header(img + a->hoff, a->flags);
	put32(img + a->hoff + 12, a->header_addr);
	put32(img + a->hoff + 16, a->load_addr);
	put32(img + a->hoff + 20, a->load_end_addr);
	put32(img + a->hoff + 24, a->bss_end_addr);
	put32(img + a->hoff + 28, a->entry_addr);
	return a->file_size;
}

/* The standard a.out image: file offset 0 at 1 MiB, header at 0x20. */
static struct aout std_aout(void)
{
	struct aout a = {
		.file_size = 0x1000, .hoff = 0x20, .flags = 0x00010003,
		.header_addr = 0x100020, .load_addr = 0x100000,
		.load_end_addr = 0x101000, .bss_end_addr = 0x104000,
		.entry_addr = 0x100060,
	};
	return a;
}

/* The standard ELF64: code, a note (ignored), data + bss. */
static const struct tseg std_segs[] = {
	{ PT_LOAD, 0x100000, 0x180, 0x180 },
	{ PT_NOTE, 0x0, 0x10, 0x10 },
	{ PT_LOAD, 0x200000, 0x100, 0x2345 },
};
#define STD_ENTRY 0x100010u
#define STD_END   0x202345u

static size_t build_std_elf64(void)
{
	return build_elf64(STD_ENTRY, std_segs, 3);
}

/* Multiboot ELF32: header in the code segment, which has a bss. */
static const struct tseg mb32_segs[] = {
	{ PT_LOAD, 0x100000, 0x200, 0x1000 },
	{ PT_LOAD, 0x180000, 0x40, 0x40 },
};

static size_t build_mb_elf32(uint32_t flags)
{
	size_t size = build_elf32(0x100040, mb32_segs, 2);

	put_mb_header(img + seg_off[0], flags);
	return size;
}

/* ---- ELF64: entry state ------------------------------------------------ */

static void test_elf64_entry_state(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
	assert_true(ent.long_mode);
	assert_int_equal(ent.rip, STD_ENTRY);
	assert_int_equal(ent.rsp, 0x80000);
	assert_int_equal(ent.rax, 0);
	assert_int_equal(ent.rbx, 0);
	assert_int_equal(ent.rdi, 0x50000);
	assert_int_equal(ent.cr0, 0x80010033);   /* PE|MP|ET|NE|WP|PG */
	assert_int_equal(ent.cr3, 0x2000);
	assert_int_equal(ent.cr4, 0x620);        /* PAE|OSFXSR|OSXMMEXCPT */
	assert_int_equal(ent.efer, 0xD00);       /* LME|LMA|NXE */
	assert_int_equal(ent.gdt_gpa, 0x1000);
	assert_int_equal(ent.gdt_limit, 23);
	assert_int_equal(ent.image_start, 0x100000);
	assert_int_equal(ent.image_end, STD_END);
	assert_string_equal(err, "");
	assert_string_equal(guest_kind_name(ent.kind), "elf64");
}

static void test_elf64_gdt(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	LOAD_OK(&r);
	/* SDM Vol. 3A §3.4.5: limit 0xFFFF | base 0 | access | flags:limit. */
	assert_int_equal(rd64(ram, 0x1000), 0);
	assert_int_equal(rd64(ram, 0x1008), 0x00AF9A000000FFFFull); /* G L */
	assert_int_equal(rd64(ram, 0x1010), 0x00CF92000000FFFFull); /* G D/B */
	assert_true(all_bytes(ram + 0x1018, 0x1000 - 0x18, 0));
}

static void test_elf64_page_tables(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(rd64(ram, 0x2000), 0x3003);         /* PML4[0] */
	assert_true(all_bytes(ram + 0x2008, 0x1000 - 8, 0));
	/* The first 4 GiB are mapped whatever the RAM size: four PDs. */
	assert_int_equal(rd64(ram, 0x3000), 0x4003);         /* PDPT[0] */
	assert_int_equal(rd64(ram, 0x3018), 0x7003);         /* PDPT[3] */
	assert_true(all_bytes(ram + 0x3020, 0x1000 - 0x20, 0));
	assert_int_equal(rd64(ram, 0x4000), 0x83);           /* PD[0] */
	assert_int_equal(rd64(ram, 0x4008), 0x200083);
	assert_int_equal(rd64(ram, 0x4018), 3 * 2 * MIB | 0x83);  /* PD[3] */
	/* Past the 8 MiB of RAM: device space, PCD|PWT (0x18) added. */
	assert_int_equal(rd64(ram, 0x4020), 4 * 2 * MIB | 0x9b);  /* PD[4] */
	/* GPA 0xE0000000 (test device): PD 3, entry 256. */
	assert_int_equal(rd64(ram, 0x7000 + 256 * 8), 0xe0000000ull | 0x9b);
	assert_int_equal(rd64(ram, 0x7000 + 511 * 8), 0xffe00000ull | 0x9b);
	/* Four page directories: the next page is untouched. */
	assert_true(all_bytes(ram + 0x8000, 0x1000, FILL));
}

static void test_elf64_segments_and_bss(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	LOAD_OK(&r);
	assert_memory_equal(ram + 0x100000, img + seg_off[0], 0x180);
	assert_int_equal(ram[0x100180], FILL);
	assert_int_equal(ram[0x0fffff], FILL);
	assert_memory_equal(ram + 0x200000, img + seg_off[2], 0x100);
	assert_true(all_bytes(ram + 0x200100, 0x2345 - 0x100, 0));
	assert_int_equal(ram[STD_END], FILL);
	/* The PT_NOTE at 0 was not loaded: nothing written at GPA 0. */
	assert_true(all_bytes(ram, 0x1000, FILL));
	/* The stack area is not written. */
	assert_true(all_bytes(ram + 0x60000, 0x20000, FILL));
}

static void test_elf64_start_info(void **state)
{
	uint8_t mod_a[5000], mod_b[3] = { 1, 2, 3 };
	struct guest_module mods[2] = {
		{ mod_a, sizeof mod_a, "initrd arg" },
		{ mod_b, sizeof mod_b, NULL },
	};
	struct guest_load_req r = request(img, build_std_elf64());
	size_t i;

	(void)state;
	for (i = 0; i < sizeof mod_a; i++)
		mod_a[i] = pat(i, 9);
	r.modules = mods;
	r.nmodules = 2;
	LOAD_OK(&r);
	assert_int_equal(rd32(ram, 0x50000), 0x49534742);
	assert_memory_equal(ram + 0x50000, "BGSI", 4);
	assert_int_equal(rd32(ram, 0x50004), 1);
	assert_int_equal(rd64(ram, 0x50008), RAM_BYTES);
	/* Table: 40 + 2 * 24 = 0x58 bytes, then the strings in order. */
	assert_int_equal(rd64(ram, 0x50010), 0x50058);
	assert_string_equal((char *)ram + 0x50058, CMDLINE);
	assert_int_equal(rd64(ram, 0x50018), 0x50058 + sizeof CMDLINE);
	assert_string_equal((char *)ram + 0x50058 + sizeof CMDLINE, VM_NAME);
	assert_int_equal(rd32(ram, 0x50020), 2);
	assert_int_equal(rd32(ram, 0x50024), 0);
	assert_int_equal(rd64(ram, 0x50028), 0x203000);      /* module 1 */
	assert_int_equal(rd64(ram, 0x50030), 5000);
	assert_int_equal(rd64(ram, 0x50038), 0x50070);
	assert_string_equal((char *)ram + 0x50070, "initrd arg");
	assert_int_equal(rd64(ram, 0x50040), 0x205000);      /* module 2 */
	assert_int_equal(rd64(ram, 0x50048), 3);
	assert_int_equal(rd64(ram, 0x50050), 0x5007B);
	assert_string_equal((char *)ram + 0x5007B, "");
	/* The rest of the area is zero; nothing written past it. */
	assert_true(all_bytes(ram + 0x5007C, 0x60000 - 0x5007C, 0));
	assert_int_equal(ram[0x60000], FILL);
	assert_int_equal(ram[0x4ffff], FILL);
}

static void test_elf64_null_strings(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	r.cmdline = NULL;
	r.vm_name = NULL;
	LOAD_OK(&r);
	assert_int_equal(rd64(ram, 0x50010), 0x50028);
	assert_int_equal(ram[0x50028], 0);
	assert_int_equal(rd64(ram, 0x50018), 0x50029);
	assert_int_equal(ram[0x50029], 0);
	assert_int_equal(rd32(ram, 0x50020), 0);
}

static void test_elf64_entry_at_segment_edges(void **state)
{
	struct guest_load_req r;

	(void)state;
	/* The last byte of the bss is a loaded byte... */
	r = request(img, build_elf64(STD_END - 1, std_segs, 3));
	LOAD_OK(&r);
	assert_int_equal(ent.rip, STD_END - 1);
	/* ... one past it is not. */
	r = request(img, build_elf64(STD_END, std_segs, 3));
	LOAD_FAILS(&r, "entry point 0x202345 is outside the loaded segments");
	r = request(img, build_elf64(0x400000, std_segs, 3));
	LOAD_FAILS(&r, "entry point 0x400000 is outside the loaded segments");
}

/* ---- modules ----------------------------------------------------------- */

static void test_modules_placed_aligned(void **state)
{
	uint8_t m1[0x1001], m3[17];
	struct guest_module mods[3] = {
		{ m1, sizeof m1, "a" }, { NULL, 0, "empty" }, { m3, sizeof m3, "c" },
	};
	struct guest_load_req r = request(img, build_std_elf64());
	size_t i;

	(void)state;
	for (i = 0; i < sizeof m1; i++)
		m1[i] = pat(i, 5);
	for (i = 0; i < sizeof m3; i++)
		m3[i] = pat(i, 6);
	r.modules = mods;
	r.nmodules = 3;
	LOAD_OK(&r);
	assert_int_equal(ent.module_gpa[0], 0x203000);     /* after 0x202345 */
	assert_int_equal(ent.module_gpa[1], 0x205000);     /* after 0x204001 */
	assert_int_equal(ent.module_gpa[2], 0x205000);     /* empty: no space */
	assert_int_equal(ent.module_gpa[3], 0);
	assert_memory_equal(ram + 0x203000, m1, sizeof m1);
	assert_memory_equal(ram + 0x205000, m3, sizeof m3);
	/* The gap between image and module is not written. */
	assert_true(all_bytes(ram + STD_END, 0x203000 - STD_END, FILL));
	assert_int_equal(ram[0x205000 + sizeof m3], FILL);
}

static void test_module_does_not_fit(void **state)
{
	static uint8_t big[6 * MIB];
	uint8_t small[10] = { 0 };
	struct guest_module mods[2] = {
		{ small, sizeof small, NULL }, { big, sizeof big, NULL },
	};
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	r.modules = mods;
	r.nmodules = 2;
	/* Module 2 would go at 0x204000: 0x204000 + 6 MiB > 8 MiB. */
	LOAD_FAILS(&r, "module 2 (6291456 bytes) does not fit in RAM");
	assert_non_null(strstr(err, "0x204000"));
}

static void test_ram_exactly_fitting(void **state)
{
	static uint8_t mod[0x1001];
	const struct tseg segs[] = { { PT_LOAD, 0x100000, 0x40, 0x6FF000 } };
	struct guest_module m = { mod, 0x1000, NULL };
	struct guest_load_req r;

	(void)state;
	/* Image to 0x7FF000, one 4 KiB module to exactly the end of RAM. */
	r = request(img, build_elf64(0x100000, segs, 1));
	r.modules = &m;
	r.nmodules = 1;
	LOAD_OK(&r);
	assert_int_equal(ent.image_end, 0x7FF000);
	assert_int_equal(ent.module_gpa[0], 0x7FF000);
	/* One byte more does not fit. */
	m.size = 0x1001;
	LOAD_FAILS(&r, "module 1 (4097 bytes) does not fit in RAM");
}

static void test_segment_exactly_fitting(void **state)
{
	const struct tseg fits[] = { { PT_LOAD, 0x100000, 0x10, 0x700000 } };
	const struct tseg over[] = { { PT_LOAD, 0x100000, 0x10, 0x700001 } };
	struct guest_load_req r;

	(void)state;
	r = request(img, build_elf64(0x100000, fits, 1));
	LOAD_OK(&r);
	assert_int_equal(ent.image_end, RAM_BYTES);
	assert_int_equal(ram[RAM_BYTES - 1], 0);
	r = request(img, build_elf64(0x100000, over, 1));
	LOAD_FAILS(&r, "ELF segment 0 at 0x100000-0x800001 ends beyond RAM "
	               "(0x800000)");
}

/* ---- ELF errors -------------------------------------------------------- */

static void test_not_an_image(void **state)
{
	struct guest_load_req r;

	(void)state;
	memcpy(img, "hello, world: not a kernel", 26);
	r = request(img, 26);
	LOAD_FAILS_EXACTLY(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	r = request(NULL, 0);
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	r = request(img, 3);               /* "\177EL" cut short */
	memcpy(img, "\177ELF", 4);
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
}

static void test_elf_ident_errors(void **state)
{
	size_t size = build_std_elf64();
	struct guest_load_req r = request(img, size);

	(void)state;
	img[4] = 1;     /* ELFCLASS32 and no Multiboot header */
	LOAD_FAILS(&r, "ELF32 image without a Multiboot header");
	img[4] = 3;
	LOAD_FAILS(&r, "ELF class 3 is neither ELFCLASS32 nor ELFCLASS64");
	img[4] = 2;
	img[5] = 2;     /* ELFDATA2MSB */
	LOAD_FAILS(&r, "ELF data encoding 2 is not little-endian");
	img[5] = 1;
	img[6] = 0;
	LOAD_FAILS(&r, "ELF version 0 is not EV_CURRENT (1)");
	img[6] = 1;
	LOAD_OK(&r);
}

static void test_elf_header_errors(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());
	struct t_elf64_ehdr *eh = (struct t_elf64_ehdr *)img;

	(void)state;
	eh->e_type = 3;   /* ET_DYN */
	LOAD_FAILS(&r, "ELF type 3 is not ET_EXEC (2)");
	eh->e_type = 2;
	eh->e_machine = 183;
	LOAD_FAILS(&r, "ELF machine 183 is not x86-64 (EM_X86_64 = 62)");
	eh->e_machine = 3;
	LOAD_FAILS(&r, "ELF machine 3 is not x86-64");
	eh->e_machine = 62;
	eh->e_phentsize = 55;
	LOAD_FAILS(&r, "ELF e_phentsize 55 is not sizeof(Elf64_Phdr) = 56");
	eh->e_phentsize = 56;
	eh->e_phnum = 0;
	LOAD_FAILS(&r, "ELF has no program headers");
	eh->e_phnum = 0xFFFF;
	LOAD_FAILS(&r, "PN_XNUM");
	eh->e_phnum = 3;
	eh->e_phoff = UINT64_MAX - 8;
	LOAD_FAILS(&r, "image truncated: program header table at offset "
	               "0xfffffffffffffff7 + 0xa8");
	eh->e_phoff = 64;
	LOAD_OK(&r);
}

static void test_elf_phdr_table_truncated(void **state)
{
	struct t_elf64_ehdr *eh = (struct t_elf64_ehdr *)img;
	struct guest_load_req r;

	(void)state;
	build_std_elf64();
	eh->e_phnum = 8;           /* 8 * 56 = 0x1c0 bytes from 0x40 */
	r = request(img, 0x100);
	LOAD_FAILS_EXACTLY(&r, "image truncated: program header table at "
	                       "offset 0x40 + 0x1c0 is past the end of the 0x100 "
	                       "byte file");
	r = request(img, 40);
	LOAD_FAILS(&r, "image truncated: the ELF64 header needs 64 bytes, "
	               "the file has 40");
}

static void test_elf_segment_errors(void **state)
{
	struct t_elf64_phdr *ph = (struct t_elf64_phdr *)(img + 64);
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	ph[0].p_filesz = 0x200;
	ph[0].p_memsz = 0x100;
	LOAD_FAILS(&r, "ELF segment 0: file size 0x200 is larger than its "
	               "memory size 0x100");
	ph[0].p_filesz = ph[0].p_memsz = 0x180;
	ph[2].p_offset = r.image_size - 0xFF;
	LOAD_FAILS(&r, "image truncated: ELF segment 2 at file offset");
	ph[2].p_offset = UINT64_MAX;
	LOAD_FAILS(&r, "image truncated: ELF segment 2 at file offset "
	               "0xffffffffffffffff + 0x100");
	ph[2].p_offset = seg_off[2];
	ph[2].p_paddr = UINT64_MAX - 0xFFF;
	LOAD_FAILS(&r, "ELF segment 2 at 0xfffffffffffff000 with size 0x2345 "
	               "wraps around the address space");
	ph[2].p_paddr = 0x200000;
	LOAD_OK(&r);
}

static void test_elf_segment_below_1mib(void **state)
{
	const struct tseg segs[] = {
		{ PT_LOAD, 0x100000, 0x10, 0x10 },
		{ PT_NOTE, 0x0, 0x4, 0x4 },
		{ PT_LOAD, 0x80000, 0x100, 0x10000 },
	};
	struct guest_load_req r = request(img, build_elf64(0x100000, segs, 3));

	(void)state;
	LOAD_FAILS_EXACTLY(&r, "ELF segment 2 at 0x80000-0x90000 is below "
	                       "1 MiB");
}

static void test_elf_segment_beyond_ram(void **state)
{
	const struct tseg segs[] = {
		{ PT_NOTE, 0x0, 0x4, 0x4 },
		{ PT_LOAD, 0x100000, 0x10, 0x4000000 },
	};
	uint8_t *ram32 = calloc(1, 32 * MIB);
	struct guest_load_req r = request(img, build_elf64(0x100000, segs, 2));

	(void)state;
	assert_non_null(ram32);
	r.ram = ram32;
	r.ram_bytes = 32 * MIB;
	LOAD_FAILS_EXACTLY(&r, "ELF segment 1 at 0x100000-0x4100000 ends "
	                       "beyond RAM (0x2000000)");
	free(ram32);
}

static void test_elf_no_loadable_segment(void **state)
{
	const struct tseg notes[] = {
		{ PT_NOTE, 0x100000, 0x10, 0x10 },
		{ PT_LOAD, 0x100000, 0, 0 },          /* empty: not a load */
	};
	struct guest_load_req r = request(img, build_elf64(0x100000, notes, 2));

	(void)state;
	LOAD_FAILS(&r, "ELF has no loadable segment");
}

static void test_elf_truncated_every_length(void **state)
{
	size_t full = build_std_elf64(), size;

	(void)state;
	for (size = 0; size <= full; size++) {
		uint8_t *copy = size ? malloc(size) : NULL;
		struct guest_load_req r = request(copy, size);
		bool ok;

		if (size)
			memcpy(copy, img, size);
		err[0] = '\0';
		ok = guest_load(&r, &ent, err, sizeof err);
		if (size < full && ok)
			fail_msg("truncated to %zu of %zu bytes and still loaded",
			         size, full);
		if (size < full && err[0] == '\0')
			fail_msg("no error text at %zu bytes", size);
		if (size == full && !ok)
			fail_msg("full image failed: %s", err);
		free(copy);
	}
}

/* ---- request errors ---------------------------------------------------- */

static void test_request_errors(void **state)
{
	struct guest_module mods[9] = { { NULL, 0, NULL } };
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	r.ram_bytes = 3 * MIB;
	LOAD_FAILS(&r, "RAM size 0x300000 is not a non-zero multiple of 2 MiB");
	r.ram_bytes = 0;
	LOAD_FAILS(&r, "RAM size 0x0");
	r.ram_bytes = RAM_BYTES;
	r.modules = mods;
	r.nmodules = 9;
	LOAD_FAILS(&r, "too many modules (9, at most 8)");
	r.nmodules = 8;
	LOAD_OK(&r);
	mods[3].size = 1;
	LOAD_FAILS(&r, "module 4: no bytes given");
	r.modules = NULL;
	LOAD_FAILS(&r, "no module list given");
	r.nmodules = 0;
	LOAD_OK(&r);
	r.image = NULL;
	LOAD_FAILS(&r, "no image bytes given");
	r.ram = NULL;
	LOAD_FAILS(&r, "no RAM given");
}

static void test_error_buffer_optional(void **state)
{
	struct guest_load_req r = request(img, 5);
	char small[8];

	(void)state;
	assert_false(guest_load(&r, &ent, NULL, 0));
	assert_false(guest_load(&r, &ent, small, sizeof small));
	assert_string_equal(small, "not a M");          /* truncated, ends */
	small[0] = 'x';
	assert_false(guest_load(&r, &ent, small, 0));
	assert_int_equal(small[0], 'x');
}

/* ---- start information limits ---------------------------------------- */

static void test_info_area_exact_fit(void **state)
{
	/* 40 bytes of table + cmdline + NUL + empty name (1 byte) = 64 KiB. */
	const size_t max_len = 0x10000 - 40 - 1 - 1;
	char *cmdline = malloc(max_len + 2);
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	assert_non_null(cmdline);
	memset(cmdline, 'k', max_len);
	cmdline[max_len] = '\0';
	r.cmdline = cmdline;
	r.vm_name = NULL;
	LOAD_OK(&r);
	assert_int_equal(rd64(ram, 0x50018), 0x5FFFF);
	assert_int_equal(ram[0x5FFFF], 0);           /* the empty name */
	assert_int_equal(ram[0x5FFFE], 0);           /* the cmdline's NUL */
	assert_int_equal(ram[0x5FFFD], 'k');
	cmdline[max_len] = 'k';
	cmdline[max_len + 1] = '\0';
	LOAD_FAILS(&r, "boot information does not fit in 64 KiB: no room for "
	               "the VM name");
	free(cmdline);
}

static void test_info_area_overflow(void **state)
{
	static char huge[100000], arg[9000];
	struct guest_module mods[8];
	struct guest_load_req r;
	unsigned i;

	(void)state;
	memset(huge, 'h', sizeof huge - 1);
	memset(arg, 'a', sizeof arg - 1);
	for (i = 0; i < 8; i++) {
		mods[i].data = NULL;
		mods[i].size = 0;
		mods[i].args = arg;
	}
	r = request(img, build_std_elf64());
	r.cmdline = huge;
	LOAD_FAILS(&r, "boot information does not fit in 64 KiB: no room for "
	               "the command line");
	r.cmdline = CMDLINE;
	r.modules = mods;
	r.nmodules = 8;
	LOAD_FAILS(&r, "boot information does not fit in 64 KiB: no room for "
	               "the argument string of module 8");
	/* The same for a Multiboot guest. */
	r = request(img, build_aout(&(struct aout){ .file_size = 0x1000,
		.hoff = 0x20, .flags = 0x10000, .header_addr = 0x100020,
		.load_addr = 0x100000, .entry_addr = 0x100000 }));
	r.cmdline = huge;
	LOAD_FAILS(&r, "boot information does not fit in 64 KiB: no room for "
	               "the command line");
	r.cmdline = NULL;
	r.modules = mods;
	r.nmodules = 8;
	LOAD_FAILS(&r, "no room for the argument string of module 8");
	/* Tables 88 + 72 bytes; a command line leaving 6 bytes: "BareGT"
	 * and its NUL need 7. */
	r.nmodules = 0;
	huge[0x10000 - 88 - 72 - 6 - 1] = '\0';
	r.cmdline = huge;
	LOAD_FAILS(&r, "boot information does not fit in 64 KiB: no room for "
	               "the boot loader name");
	huge[0x10000 - 88 - 72 - 6 - 1] = 'h';
	huge[0x10000 - 88 - 72 - 7 - 1] = '\0';
	LOAD_OK(&r);
	assert_string_equal((char *)ram + rd32(ram, 0x50040), "BareGT");
	assert_int_equal(rd32(ram, 0x50040), 0x60000 - 7);
}

/* ---- Multiboot: a.out kludge ----------------------------------------- */

static void test_mb_aout_entry_state(void **state)
{
	struct aout a = std_aout();
	struct guest_load_req r = request(img, build_aout(&a));

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_MULTIBOOT);
	assert_false(ent.long_mode);
	assert_int_equal(ent.rip, 0x100060);
	assert_int_equal(ent.rsp, 0x80000);
	assert_int_equal(ent.rax, 0x2BADB002);
	assert_int_equal(ent.rbx, 0x50000);
	assert_int_equal(ent.rdi, 0);
	assert_int_equal(ent.cr0, 0x11);          /* PE|ET */
	assert_int_equal(ent.cr3, 0);
	assert_int_equal(ent.cr4, 0);
	assert_int_equal(ent.efer, 0);
	assert_int_equal(ent.gdt_gpa, 0x1000);
	assert_int_equal(ent.gdt_limit, 23);
	assert_int_equal(ent.image_start, 0x100000);
	assert_int_equal(ent.image_end, 0x104000);
	assert_string_equal(guest_kind_name(ent.kind), "multiboot");
	/* Loaded bytes, bss zeroed, nothing beyond. */
	assert_memory_equal(ram + 0x100000, img, 0x1000);
	assert_true(all_bytes(ram + 0x101000, 0x3000, 0));
	assert_int_equal(ram[0x104000], FILL);
	/* GDT: 32-bit flat code; no page tables. */
	assert_int_equal(rd64(ram, 0x1000), 0);
	assert_int_equal(rd64(ram, 0x1008), 0x00CF9A000000FFFFull);
	assert_int_equal(rd64(ram, 0x1010), 0x00CF92000000FFFFull);
	assert_true(all_bytes(ram + 0x2000, 0x3000, FILL));
}

static void test_mb_info(void **state)
{
	uint8_t mod[100];
	struct guest_module m = { mod, sizeof mod, "mod-arg" };
	struct aout a = std_aout();
	struct guest_load_req r = request(img, build_aout(&a));
	const uint64_t mm = 0x50000 + 88 + 16;

	(void)state;
	memset(mod, 0x5A, sizeof mod);
	r.modules = &m;
	r.nmodules = 1;
	LOAD_OK(&r);
	/* §3.3: flags 0 (mem), 2 (cmdline), 3 (mods), 6 (mmap), 9 (name). */
	assert_int_equal(rd32(ram, 0x50000), 0x24D);
	assert_int_equal(rd32(ram, 0x50004), 639);   /* = the map's first range */
	assert_int_equal(rd32(ram, 0x50008), (8 * 1024) - 1024);
	assert_int_equal(rd32(ram, 0x5000C), 0);                /* boot_device */
	assert_int_equal(rd32(ram, 0x50014), 1);                /* mods_count */
	assert_int_equal(rd32(ram, 0x50018), 0x50058);          /* mods_addr */
	assert_int_equal(rd32(ram, 0x5002C), 72);               /* mmap_length */
	assert_int_equal(rd32(ram, 0x50030), mm);             /* mmap_addr */
	assert_true(all_bytes(ram + 0x5001C, 0x2C - 0x1C, 0));  /* syms */
	assert_true(all_bytes(ram + 0x50034, 0x40 - 0x34, 0));  /* drives... */
	assert_true(all_bytes(ram + 0x50044, 88 - 0x44, 0));    /* apm, vbe */
	/* Strings after the mmap: cmdline, "BareGT", module argument. */
	assert_int_equal(rd32(ram, 0x50010), mm + 72);
	assert_string_equal((char *)ram + mm + 72, CMDLINE);
	assert_int_equal(rd32(ram, 0x50040), mm + 72 + sizeof CMDLINE);
	assert_string_equal((char *)ram + rd32(ram, 0x50040), "BareGT");
	/* Module entry: mod_start, mod_end (one past), string, reserved. */
	assert_int_equal(rd32(ram, 0x50058), 0x104000);
	assert_int_equal(rd32(ram, 0x5005C), 0x104000 + 100);
	assert_string_equal((char *)ram + rd32(ram, 0x50060), "mod-arg");
	assert_int_equal(rd32(ram, 0x50064), 0);
	assert_true(all_bytes(ram + 0x104000, 100, 0x5A));
	assert_int_equal(ent.module_gpa[0], 0x104000);
}

static void test_mb_mmap(void **state)
{
	struct aout a = std_aout();
	struct guest_load_req r = request(img, build_aout(&a));
	const uint64_t mm = 0x50000 + 88;   /* no modules: right after */

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(rd32(ram, 0x50014), 0);
	assert_int_equal(rd32(ram, 0x50030), mm);
	/* {size = 20, base_addr, length, type} each, size excluding itself. */
	assert_int_equal(rd32(ram, mm + 0), 20);
	assert_int_equal(rd64(ram, mm + 4), 0);
	assert_int_equal(rd64(ram, mm + 12), 0x9FC00);
	assert_int_equal(rd32(ram, mm + 20), 1);
	assert_int_equal(rd32(ram, mm + 24), 20);
	assert_int_equal(rd64(ram, mm + 28), 0x9FC00);
	assert_int_equal(rd64(ram, mm + 36), 0x100000 - 0x9FC00);
	assert_int_equal(rd32(ram, mm + 44), 2);
	assert_int_equal(rd32(ram, mm + 48), 20);
	assert_int_equal(rd64(ram, mm + 52), 0x100000);
	assert_int_equal(rd64(ram, mm + 60), RAM_BYTES - 0x100000);
	assert_int_equal(rd32(ram, mm + 68), 1);
}

static void test_mb_aout_load_end_zero_and_bss(void **state)
{
	struct aout a = std_aout();
	struct guest_load_req r;

	(void)state;
	a.file_size = 0x1234;
	a.load_end_addr = 0;          /* to the end of the file */
	a.bss_end_addr = 0x103000;
	r = request(img, build_aout(&a));
	LOAD_OK(&r);
	assert_memory_equal(ram + 0x100000, img, 0x1234);
	assert_true(all_bytes(ram + 0x101234, 0x103000 - 0x101234, 0));
	assert_int_equal(ram[0x103000], FILL);
	assert_int_equal(ent.image_end, 0x103000);
	/* No bss at all. */
	memset(ram + 0x100000, FILL, 0x4000);
	a.bss_end_addr = 0;
	r = request(img, build_aout(&a));
	LOAD_OK(&r);
	assert_int_equal(ent.image_end, 0x101234);
	assert_int_equal(ram[0x101234], FILL);
}

static void test_mb_aout_offset_load_addr(void **state)
{
	struct aout a = std_aout();
	struct guest_load_req r;

	(void)state;
	/* Header at file offset 0x800 says it sits at 0x200100: load_addr
	 * 0x200000 is file offset 0x700; load 0x300 bytes from there. */
	a.hoff = 0x800;
	a.header_addr = 0x200100;
	a.load_addr = 0x200000;
	a.load_end_addr = 0x200300;
	a.bss_end_addr = 0;
	a.entry_addr = 0x2002FF;
	r = request(img, build_aout(&a));
	LOAD_OK(&r);
	assert_memory_equal(ram + 0x200000, img + 0x700, 0x300);
	assert_int_equal(ram[0x200300], FILL);
	assert_int_equal(ram[0x1FFFFF], FILL);
	assert_int_equal(ent.image_start, 0x200000);
	assert_int_equal(ent.image_end, 0x200300);
}

static void test_mb_aout_errors(void **state)
{
	struct aout a;
	struct guest_load_req r;

	(void)state;
	a = std_aout();
	a.header_addr = 0xFFFFF;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "Multiboot header_addr 0xfffff is below load_addr "
	               "0x100000");
	a = std_aout();
	a.header_addr = 0x100021;     /* load_addr would be at offset -1 */
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "Multiboot load_addr 0x100000 lies 0x21 bytes before "
	               "the header");
	a = std_aout();
	a.load_end_addr = 0xFFFFF;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "Multiboot load_end_addr 0xfffff is below load_addr");
	a = std_aout();
	a.load_end_addr = 0x101001;   /* one byte more than the file */
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "image truncated: Multiboot image at file offset 0x0 + "
	               "0x1001 is past the end of the 0x1000 byte file");
	a = std_aout();
	a.bss_end_addr = 0x100FFF;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "Multiboot bss_end_addr 0x100fff is below the end of "
	               "the loaded data 0x101000");
	a = std_aout();
	a.header_addr = 0x80020;
	a.load_addr = 0x80000;
	a.load_end_addr = 0x81000;
	a.bss_end_addr = 0;
	a.entry_addr = 0x80000;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "Multiboot image at 0x80000-0x81000 is below 1 MiB");
	a = std_aout();
	a.bss_end_addr = 0x800001;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "Multiboot image at 0x100000-0x800001 ends beyond RAM "
	               "(0x800000)");
	a = std_aout();
	a.entry_addr = 0x104000;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "entry point 0x104000 is outside the loaded image "
	               "0x100000-0x104000");
	a = std_aout();
	r = request(img, a.hoff + 20);   /* address fields cut off */
	build_aout(&a);
	LOAD_FAILS(&r, "image truncated: the Multiboot header at offset 0x20 "
	               "needs 32 bytes");
}

/* ---- Multiboot: header search, checksum, flags ------------------------- */

static struct guest_load_req aout_with_header_at(size_t hoff, uint32_t flags)
{
	struct aout a = {
		.file_size = 8192 + 64, .hoff = hoff, .flags = flags,
		.header_addr = (uint32_t)(0x100000 + hoff), .load_addr = 0x100000,
		.entry_addr = 0x100000,
	};

	memset(img, 0, sizeof img);
	return request(img, build_aout(&a));
}

static void test_mb_header_search_limit(void **state)
{
	struct guest_load_req r;

	(void)state;
	/* §3.1.1: the header lies completely within the first 8192 bytes. */
	r = aout_with_header_at(8160, 0x10000);   /* last place for 32 bytes */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_MULTIBOOT);
	assert_int_equal(ent.image_end, 0x100000 + 8192 + 64);
	r = aout_with_header_at(8164, 0x10000);
	LOAD_FAILS(&r, "Multiboot header at offset 0x1fe4: its address fields "
	               "(flag 16) end past the first 8192 bytes");
	/* Without flag 16 the header is 12 bytes: 8180 is the last place. */
	r = aout_with_header_at(8180, 0);
	LOAD_FAILS(&r, "Multiboot header without flag 16");
	r = aout_with_header_at(8184, 0);
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	r = aout_with_header_at(8188, 0);
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	r = aout_with_header_at(8192, 0);
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	/* Not 4-byte aligned: not a header. */
	r = aout_with_header_at(0x22, 0x10000);
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
}

static void test_mb_bad_checksum(void **state)
{
	struct aout a = std_aout();
	struct guest_load_req r = request(img, build_aout(&a));

	(void)state;
	img[a.hoff + 8] ^= 1;
	LOAD_FAILS(&r, "Multiboot header checksum is wrong");
	assert_non_null(strstr(err, "offset 0x20"));
	/* A good header later in the file is still found. */
	put_mb_header(img + 0x40, 0x10000);
	put32(img + 0x4C, 0x100040);
	put32(img + 0x50, 0x100000);
	put32(img + 0x54, 0);
	put32(img + 0x58, 0);
	put32(img + 0x5C, 0x100000);
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_MULTIBOOT);
}

static void test_mb_bad_checksum_in_elf64_is_ignored(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	put_mb_header(img + seg_off[0], 0);
	img[seg_off[0] + 8] ^= 1;            /* not a header: ELF64 it is */
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_ELF64);
}

static void test_mb_flags(void **state)
{
	struct aout a = std_aout();
	struct guest_load_req r;

	(void)state;
	a.flags = 0x10008;                   /* bit 3: not in the spec */
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "unsupported Multiboot header flags 0x8");
	a.flags = 0x18000;
	r = request(img, build_aout(&a));
	LOAD_FAILS(&r, "unsupported Multiboot header flags 0x8000");
	a.flags = 0x10007;                   /* 0, 1 and 2 (video) accepted */
	r = request(img, build_aout(&a));
	LOAD_OK(&r);
	a.flags = 0x80030000;                /* unknown bits 16-31: ignored */
	r = request(img, build_aout(&a));
	LOAD_OK(&r);
}

/* ---- Multiboot: ELF32 ---------------------------------------------------- */

static void test_mb_elf32(void **state)
{
	struct guest_load_req r = request(img, build_mb_elf32(0x3));

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_MULTIBOOT);
	assert_int_equal(ent.rip, 0x100040);
	assert_int_equal(ent.rax, 0x2BADB002);
	assert_int_equal(ent.rbx, 0x50000);
	assert_int_equal(ent.cr0, 0x11);
	assert_int_equal(ent.image_start, 0x100000);
	assert_int_equal(ent.image_end, 0x180040);
	assert_memory_equal(ram + 0x100000, img + seg_off[0], 0x200);
	assert_true(all_bytes(ram + 0x100200, 0x1000 - 0x200, 0));
	assert_int_equal(ram[0x101000], FILL);
	assert_memory_equal(ram + 0x180000, img + seg_off[1], 0x40);
	assert_int_equal(rd64(ram, 0x1008), 0x00CF9A000000FFFFull);
	assert_int_equal(rd32(ram, 0x50000), 0x24D);
}

static void test_mb_elf32_errors(void **state)
{
	struct t_elf32_ehdr *eh = (struct t_elf32_ehdr *)img;
	struct t_elf32_phdr *ph = (struct t_elf32_phdr *)(img + 52);
	struct guest_load_req r = request(img, build_mb_elf32(0));

	(void)state;
	eh->e_machine = 62;
	LOAD_FAILS(&r, "ELF machine 62 is not i386 (EM_386 = 3)");
	eh->e_machine = 3;
	eh->e_phentsize = 56;
	LOAD_FAILS(&r, "ELF e_phentsize 56 is not sizeof(Elf32_Phdr) = 32");
	eh->e_phentsize = 32;
	eh->e_entry = 0x101000;
	LOAD_FAILS(&r, "entry point 0x101000 is outside the loaded segments");
	eh->e_entry = 0x100040;
	ph[1].p_paddr = 0xFFFFF;
	LOAD_FAILS(&r, "ELF segment 1 at 0xfffff-0x10003f is below 1 MiB");
	ph[1].p_paddr = 0x180000;
	LOAD_OK(&r);
	/* A Multiboot header without flag 16 in something not ELF32. */
	r = request(img, build_std_elf64());
	put_mb_header(img + seg_off[0], 0);
	LOAD_FAILS(&r, "ELF class 2 is not ELF32");
	memcpy(img, "JUNK", 4);
	LOAD_FAILS(&r, "Multiboot header without flag 16 (address fields) in a "
	               "file that is not ELF");
	r = request(img, 40);               /* ELF32 header cut short */
	build_mb_elf32(0);
	put_mb_header(img + 28, 0);         /* header inside the 40 bytes */
	LOAD_FAILS(&r, "image truncated: the ELF32 header needs 52 bytes");
}

static void test_mb_over_elf64(void **state)
{
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	/* Detection order: a Multiboot header wins over ELF64. */
	put_mb_header(img + seg_off[2], 0x10000);
	put32(img + seg_off[2] + 12, 0x200000);
	put32(img + seg_off[2] + 16, 0x200000 - (uint32_t)seg_off[2]);
	put32(img + seg_off[2] + 20, 0);
	put32(img + seg_off[2] + 24, 0);
	put32(img + seg_off[2] + 28, 0x200000);
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_MULTIBOOT);
	assert_false(ent.long_mode);
	assert_int_equal(ent.rip, 0x200000);
}

static void test_mb_truncated_every_length(void **state)
{
	size_t full, size;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		struct aout a = std_aout();

		full = pass == 0 ? build_mb_elf32(0x3) : build_aout(&a);
		for (size = 0; size <= full; size++) {
			uint8_t *copy = size ? malloc(size) : NULL;
			struct guest_load_req r = request(copy, size);
			bool ok;

			if (size)
				memcpy(copy, img, size);
			ok = guest_load(&r, &ent, err, sizeof err);
			/* ELF32: its last bytes are segment data. a.out: any cut
			 * behind load_end_addr misses loaded bytes. */
			if (ok != (size == full))
				fail_msg("pass %d, %zu of %zu bytes: %s", pass, size,
				         full, ok ? "loaded" : err);
			free(copy);
		}
	}
}

/* ---- large RAM (reserved, mostly untouched address space) -------------- */

static uint8_t *map_ram(uint64_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void test_page_tables_two_gib(void **state)
{
	const uint64_t bytes = GIB + 2 * MIB;
	uint8_t *big = map_ram(bytes);
	struct guest_load_req r = request(img, build_std_elf64());

	(void)state;
	if (big == NULL)
		skip();
	r.ram = big;
	r.ram_bytes = bytes;
	LOAD_OK(&r);
	assert_int_equal(rd64(big, 0x3000), 0x4003);
	assert_int_equal(rd64(big, 0x3008), 0x5003);          /* PDPT[1] */
	assert_int_equal(rd64(big, 0x3010), 0x6003);          /* PDPT[2] */
	assert_int_equal(rd64(big, 0x4000 + 511 * 8), (GIB - 2 * MIB) | 0x83);
	assert_int_equal(rd64(big, 0x5000), GIB | 0x83);      /* PD1[0] */
	/* Beyond RAM but below 4 GiB: device space, uncached. */
	assert_int_equal(rd64(big, 0x5008), (GIB + 2 * MIB) | 0x9b);
	assert_int_equal(rd64(big, 0x3018), 0x7003);          /* PDPT[3] */
	assert_int_equal(rd64(big, 0x3020), 0);
	assert_int_equal(rd64(big, 0x50008), bytes);
	munmap(big, bytes);
}

static void test_page_tables_capped_at_64_gib(void **state)
{
	const uint64_t bytes = 66 * GIB;
	uint8_t *big = map_ram(bytes);
	struct guest_load_req r = request(img, build_std_elf64());
	const uint64_t pd63 = 0x4000 + 63 * 0x1000;

	(void)state;
	if (big == NULL)
		skip();
	r.ram = big;
	r.ram_bytes = bytes;
	LOAD_OK(&r);
	assert_int_equal(rd64(big, 0x3000 + 63 * 8), pd63 | 3);  /* PDPT[63] */
	assert_int_equal(rd64(big, 0x3000 + 64 * 8), 0);         /* PDPT[64] */
	assert_int_equal(rd64(big, pd63 + 511 * 8),
	                 (64 * GIB - 2 * MIB) | 0x83);
	assert_int_equal(rd64(big, 0x50008), bytes);  /* the real RAM size */
	munmap(big, bytes);
}

static void test_elf64_entry_above_map(void **state)
{
	const uint64_t bytes = 66 * GIB;
	const struct tseg segs[] = {
		{ PT_LOAD, 0x100000, 0x10, 0x10 },
		{ PT_LOAD, 65 * GIB, 0x10, 0x10 },
	};
	uint8_t *big = map_ram(bytes);
	struct guest_load_req r;

	(void)state;
	if (big == NULL)
		skip();
	/* A segment above the map may be loaded; the entry must be mapped. */
	r = request(img, build_elf64(0x100000, segs, 2));
	r.ram = big;
	r.ram_bytes = bytes;
	LOAD_OK(&r);
	assert_memory_equal(big + 65 * GIB, img + seg_off[1], 0x10);
	r = request(img, build_elf64(65 * GIB, segs, 2));
	r.ram = big;
	r.ram_bytes = bytes;
	LOAD_FAILS(&r, "entry point 0x1040000000 is above the 64 GiB the "
	               "initial page tables map");
	munmap(big, bytes);
}

static void test_mb_large_ram(void **state)
{
	const uint64_t bytes = 6 * GIB;
	uint8_t *big = map_ram(bytes);
	const struct tseg high[] = {
		{ PT_LOAD, 0x100000, 0x40, 0x40 },
		{ PT_LOAD, 0xFFFF0000u, 0x10, 0x1000 },
	};
	uint8_t mod[0x10000] = { 0 };
	struct guest_module m = { mod, sizeof mod, NULL };
	struct guest_load_req r;
	uint64_t mm;

	(void)state;
	if (big == NULL)
		skip();
	r = request(img, build_mb_elf32(0));
	r.ram = big;
	r.ram_bytes = bytes;
	LOAD_OK(&r);
	/* mem_upper in KiB from 1 MiB; the map's 64-bit length says it all. */
	assert_int_equal(rd32(big, 0x50008), (6 * GIB - MIB) / 1024);
	mm = rd32(big, 0x50030);
	assert_int_equal(rd64(big, mm + 60), 6 * GIB - MIB);
	/* A module that would end at 4 GiB or above is out of reach. */
	r = request(img, build_elf32(0x100000, high, 2));
	put_mb_header(img + seg_off[0], 0);
	r.ram = big;
	r.ram_bytes = bytes;
	r.modules = &m;
	r.nmodules = 1;
	LOAD_FAILS(&r, "module 1 (65536 bytes at 0xffff1000) ends beyond "
	               "4 GiB, out of reach of a Multiboot guest");
	m.size = 0xE000;                      /* ends at 0xFFFFF000: fine */
	LOAD_OK(&r);
	assert_int_equal(rd32(big, 0x50058 + 4), 0xFFFFF000u);
	/* A segment past 4 GiB is out of reach too. */
	((struct t_elf32_phdr *)(img + 52))[1].p_memsz = 0x10001;
	r.nmodules = 0;
	LOAD_FAILS(&r, "ELF segment 1 at 0xffff0000-0x100000001 ends beyond "
	               "4 GiB");
	munmap(big, bytes);
}

/* ---- robustness: mutated images --------------------------------------- */

/* xorshift64*: a fixed sequence, the same on every run. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static void mutate(uint8_t *b, size_t size, size_t hot, uint64_t *rng)
{
	static const uint64_t interesting[] = {
		0, 1, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000, 0x100000,
		0x400000, 0xFFFFFFFFFFFFFFFFull, 0x8000000000000000ull,
	};
	unsigned n = 1 + (unsigned)(rng_next(rng) % 4), i;

	for (i = 0; i < n; i++) {
		uint64_t r = rng_next(rng);
		size_t span = (r & 1) ? hot : size;
		size_t at = (size_t)((r >> 8) % span);

		if ((r & 6) == 0 && at + 8 <= size) {
			uint64_t v = interesting[(r >> 40) % (sizeof interesting /
			                                      sizeof interesting[0])];
			memcpy(b + at, &v, (r & 8) ? 8 : 4);
		} else {
			b[at] = (uint8_t)(r >> 48);
		}
	}
}

static void check_consistent(const struct guest_load_req *r, bool ok)
{
	unsigned i;

	assert_non_null(memchr(err, '\0', sizeof err));
	if (!ok) {
		assert_true(err[0] != '\0');
		assert_true(strlen(err) < CONFIG_ERROR_MAX);
		return;
	}
	assert_true(ent.image_start >= 0x100000);
	assert_true(ent.image_start < ent.image_end);
	assert_true(ent.image_end <= r->ram_bytes);
	assert_true(ent.rip >= ent.image_start && ent.rip < ent.image_end);
	assert_true(ent.kind == GUEST_ELF64 || ent.kind == GUEST_MULTIBOOT);
	assert_true(ent.long_mode == (ent.kind == GUEST_ELF64));
	if (ent.kind == GUEST_MULTIBOOT)
		assert_true(ent.rip < ((uint64_t)1 << 32));
	for (i = 0; i < r->nmodules; i++) {
		assert_int_equal(ent.module_gpa[i] % 4096, 0);
		assert_true(ent.module_gpa[i] >= ent.image_end);
		assert_true(ent.module_gpa[i] + r->modules[i].size <= r->ram_bytes);
	}
}

static void fuzz(size_t full, size_t hot, uint64_t seed, unsigned *nok)
{
	static uint8_t modbytes[3000];
	struct guest_module m = { modbytes, sizeof modbytes, "fuzz" };
	uint8_t *orig = malloc(full);
	uint64_t rng = seed;
	unsigned iter;

	assert_non_null(orig);
	memcpy(orig, img, full);
	for (iter = 0; iter < 10000; iter++) {
		size_t size = full;
		uint8_t *copy;
		struct guest_load_req r;
		bool ok;

		if (rng_next(&rng) % 16 == 0)
			size = (size_t)(rng_next(&rng) % (full + 1));
		copy = malloc(size ? size : 1);
		assert_non_null(copy);
		memcpy(copy, orig, size);
		mutate(copy, size ? size : 1, hot < size ? hot : (size ? size : 1),
		       &rng);
		r = request(copy, size);
		r.ram_bytes = 4 * MIB;
		r.modules = &m;
		r.nmodules = 1;
		err[0] = '\0';
		ok = guest_load(&r, &ent, err, sizeof err);
		check_consistent(&r, ok);
		*nok += ok;
		free(copy);
	}
	free(orig);
}

static void test_fuzz_elf64(void **state)
{
	unsigned nok = 0;

	(void)state;
	fuzz(build_std_elf64(), 64 + 3 * 56, 0x9E3779B97F4A7C15ull, &nok);
	/* Mutations often hit harmless bytes: some loads must succeed. */
	assert_true(nok > 0 && nok < 10000);
}

static void test_fuzz_multiboot_elf32(void **state)
{
	unsigned nok = 0;
	size_t full = build_mb_elf32(0x3);

	(void)state;
	fuzz(full, seg_off[0] + 12, 0xD1B54A32D192ED03ull, &nok);
	assert_true(nok > 0 && nok < 10000);
}

static void test_fuzz_multiboot_aout(void **state)
{
	struct aout a = std_aout();
	unsigned nok = 0;

	(void)state;
	a.bss_end_addr = 0x102000;
	fuzz(build_aout(&a), a.hoff + 32, 0x94D049BB133111EBull, &nok);
	assert_true(nok > 0 && nok < 10000);
}

/* ---- names --------------------------------------------------------------- */

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(guest_kind_name(GUEST_ELF64), "elf64");
	assert_string_equal(guest_kind_name(GUEST_MULTIBOOT), "multiboot");
	assert_string_equal(guest_kind_name((enum guest_kind)0), "?");
	assert_string_equal(guest_kind_name((enum guest_kind)7), "?");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_elf64_entry_state),
		T(test_elf64_gdt),
		T(test_elf64_page_tables),
		T(test_elf64_segments_and_bss),
		T(test_elf64_start_info),
		T(test_elf64_null_strings),
		T(test_elf64_entry_at_segment_edges),
		T(test_modules_placed_aligned),
		T(test_module_does_not_fit),
		T(test_ram_exactly_fitting),
		T(test_segment_exactly_fitting),
		T(test_not_an_image),
		T(test_elf_ident_errors),
		T(test_elf_header_errors),
		T(test_elf_phdr_table_truncated),
		T(test_elf_segment_errors),
		T(test_elf_segment_below_1mib),
		T(test_elf_segment_beyond_ram),
		T(test_elf_no_loadable_segment),
		T(test_elf_truncated_every_length),
		T(test_request_errors),
		T(test_error_buffer_optional),
		T(test_info_area_exact_fit),
		T(test_info_area_overflow),
		T(test_mb_aout_entry_state),
		T(test_mb_info),
		T(test_mb_mmap),
		T(test_mb_aout_load_end_zero_and_bss),
		T(test_mb_aout_offset_load_addr),
		T(test_mb_aout_errors),
		T(test_mb_header_search_limit),
		T(test_mb_bad_checksum),
		T(test_mb_bad_checksum_in_elf64_is_ignored),
		T(test_mb_flags),
		T(test_mb_elf32),
		T(test_mb_elf32_errors),
		T(test_mb_over_elf64),
		T(test_mb_truncated_every_length),
		T(test_page_tables_two_gib),
		T(test_page_tables_capped_at_64_gib),
		T(test_elf64_entry_above_map),
		T(test_mb_large_ram),
		T(test_fuzz_elf64),
		T(test_fuzz_multiboot_elf32),
		T(test_fuzz_multiboot_aout),
		T(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
