/*
 * tests/unit/test_load_linux.c — unit tests of the Linux bzImage loader
 * (hv/load/linux.c, through guest_load()) against Documentation/x86/
 * boot.rst: an image built here carrying exactly the setup header bytes
 * of Debian's vmlinuz-6.1.0-57-amd64 (file offsets 0x1F1-0x26B, copied
 * from the real file; the test does not need the file), the kernel's
 * placement, every boot_params field a loader sets, the e820 table, the
 * initrd (one module, several concatenated, initrd_addr_max, beside the
 * kernel), the entry state and GDT, every refusal, hostile headers,
 * truncation at every length and a fixed-seed mutation loop (ASan and
 * UBSan catch any stray access).
 *
 * RAM is filled with 0xCC before each load so untouched bytes show.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define CMDLINE    "console=ttyS0 earlyprintk=serial,ttyS0 nokaslr"
#define RSDP_GPA   0xE0000

/*
 * The setup header of Debian 12's vmlinuz-6.1.0-57-amd64, bytes
 * 0x1F1-0x26B (the header ends at 0x202 + byte[0x201] = 0x202 + 0x6A).
 * Decoded in test_debian_header_values().
 */
static const uint8_t debian_hdr[] = {
	/* 0x1f1 */ 0x27, 0x01, 0x00, 0x20, 0xd8, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00,
	/* 0x1fd */ 0x00, 0x55, 0xaa, 0xeb, 0x6a, 0x48, 0x64, 0x72, 0x53, 0x0f, 0x02, 0x00,
	/* 0x209 */ 0x00, 0x00, 0x00, 0x00, 0x10, 0xc0, 0x42, 0x00, 0x01, 0x00, 0x80, 0x00,
	/* 0x215 */ 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0x221 */ 0x00, 0x00, 0x00, 0xe0, 0x5b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	/* 0x22d */ 0xff, 0xff, 0x7f, 0x00, 0x00, 0x20, 0x00, 0x01, 0x15, 0x7f, 0x00, 0xff,
	/* 0x239 */ 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0x245 */ 0x00, 0x00, 0x00, 0xcc, 0x02, 0x00, 0x00, 0xe4, 0xef, 0x7b, 0x00, 0x00,
	/* 0x251 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	/* 0x25d */ 0x00, 0x00, 0x00, 0x00, 0x80, 0xf9, 0x03, 0x20, 0x8d, 0x7c, 0x00, 0xfc,
	/* 0x269 */ 0x56, 0x7d, 0x00,
};

#define HDR_AT       0x1F1
#define HDR_END      0x26C
#define SETUP_BYTES  0x5000          /* (39 + 1) * 512 */
#define PM_BYTES     0x12345         /* our stand-in protected-mode kernel */
#define IMG_BYTES    (SETUP_BYTES + PM_BYTES)
#define LOAD_GPA     0x1000000       /* pref_address */
#define INIT_SIZE    0x3f98000
#define KERNEL_END   (LOAD_GPA + INIT_SIZE)

/* ---- fixture ----------------------------------------------------------- */

static uint8_t *ram;
static uint8_t img[IMG_BYTES];
static struct guest_entry ent;
static char err[ERR_MAX];

static uint8_t pat(size_t i, unsigned seed)
{
	return (uint8_t)(0x40 + (i * 7 + seed * 13) % 64);
}

/* A bzImage: setup code bytes, the Debian header, a patterned kernel. */
static void build_image(void)
{
	size_t i;

	for (i = 0; i < sizeof img; i++)
		img[i] = pat(i, i < SETUP_BYTES ? 1 : 2);
	memcpy(img + HDR_AT, debian_hdr, sizeof debian_hdr);
}

static int setup(void **state)
{
	(void)state;
	if (ram == NULL)
		ram = malloc(RAM_BYTES);
	assert_non_null(ram);
	memset(ram, FILL, RAM_BYTES);
	build_image();
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
		.image = img, .image_size = sizeof img,
		.cmdline = CMDLINE, .vm_name = "linux",
		.rsdp_gpa = RSDP_GPA,
	};
	return r;
}




#define BP (ram + 0x50000)           /* boot_params */

/* ---- the real header ------------------------------------------------- */

/* What boot.rst's field table reads from Debian's header. */
static void test_debian_header_values(void **state)
{
	(void)state;
	assert_int_equal(img[0x1F1], 39);                    /* setup_sects */
	assert_int_equal(get16(img + 0x1FE), 0xAA55);         /* boot_flag */
	assert_int_equal(img[0x200], 0xEB);                  /* jump */
	assert_int_equal(0x202 + img[0x201], HDR_END);
	assert_memory_equal(img + 0x202, "HdrS", 4);
	assert_int_equal(get16(img + 0x206), 0x020F);         /* version 2.15 */
	assert_int_equal(img[0x211], 0x01);                  /* LOADED_HIGH */
	assert_int_equal(get32(img + 0x214), 0x100000);       /* code32_start */
	assert_int_equal(get16(img + 0x224), 0x5BE0);         /* heap_end_ptr */
	assert_int_equal(get32(img + 0x22C), 0x7FFFFFFF);     /* initrd_addr_max */
	assert_int_equal(get32(img + 0x230), 0x200000);       /* kernel_alignment */
	assert_int_equal(img[0x234], 1);                     /* relocatable */
	assert_int_equal(img[0x235], 21);                    /* min_alignment */
	assert_int_equal(get16(img + 0x236), 0x7F);           /* xloadflags */
	assert_int_equal(get32(img + 0x238), 0x7FF);          /* cmdline_size */
	assert_int_equal(get32(img + 0x248), 0x2CC);          /* payload_offset */
	assert_int_equal(get32(img + 0x24C), 0x7BEFE4);       /* payload_length */
	assert_int_equal(get64(img + 0x258), 0x1000000);      /* pref_address */
	assert_int_equal(get32(img + 0x260), 0x3F98000);      /* init_size */
}

/* ---- entry state ------------------------------------------------------- */

static void test_linux_entry_state(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(ent.kind, GUEST_LINUX);
	assert_string_equal(guest_kind_name(ent.kind), "linux");
	assert_true(ent.long_mode);
	assert_int_equal(ent.rip, LOAD_GPA + 0x200);         /* 64-bit entry */
	assert_int_equal(ent.rsi, 0x50000);                  /* boot_params */
	assert_int_equal(ent.rax, 0);
	assert_int_equal(ent.rbx, 0);
	assert_int_equal(ent.rdi, 0);
	assert_int_equal(ent.rsp, 0x80000);
	assert_int_equal(ent.cr0, 0x80010033);   /* PE|MP|ET|NE|WP|PG */
	assert_int_equal(ent.cr3, 0x2000);
	assert_int_equal(ent.cr4, 0x620);        /* PAE|OSFXSR|OSXMMEXCPT */
	assert_int_equal(ent.efer, 0xD00);       /* LME|LMA|NXE */
	assert_int_equal(ent.cs_sel, 0x10);      /* __BOOT_CS */
	assert_int_equal(ent.ds_sel, 0x18);      /* __BOOT_DS */
	assert_int_equal(ent.gdt_gpa, 0x1000);
	assert_int_equal(ent.gdt_limit, 31);
	assert_int_equal(ent.image_start, LOAD_GPA);
	assert_int_equal(ent.image_end, KERNEL_END);
	assert_string_equal(err, "");
}

static void test_linux_gdt_and_page_tables(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	LOAD_OK(&r);
	/* SDM Vol. 3A §3.4.5: null, unused, 0x10 64-bit code, 0x18 data. */
	assert_int_equal(get64(ram + 0x1000), 0);
	assert_int_equal(get64(ram + 0x1008), 0);
	assert_int_equal(get64(ram + 0x1010), 0x00AF9A000000FFFFull); /* G L */
	assert_int_equal(get64(ram + 0x1018), 0x00CF92000000FFFFull); /* G D/B */
	assert_true(all_bytes(ram + 0x1020, 0x1000 - 0x20, 0));
	/* The identity map covers RAM, the kernel and boot_params. */
	assert_int_equal(get64(ram + 0x2000), 0x3003);
	assert_int_equal(get64(ram + 0x3000), 0x4003);
	assert_int_equal(get64(ram + 0x4000), 0x83);
	assert_int_equal(get64(ram + 0x4000 + 8 * 8), LOAD_GPA | 0x83);
	assert_int_equal(get64(ram + 0x4000 + 63 * 8), (126 * MIB) | 0x83);
	assert_int_equal(get64(ram + 0x4000 + 64 * 8), (128 * MIB) | 0x9B);
}

static void test_linux_kernel_loaded(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	LOAD_OK(&r);
	/* The protected-mode part, from (setup_sects + 1) * 512. */
	assert_memory_equal(ram + LOAD_GPA, img + SETUP_BYTES, PM_BYTES);
	assert_int_equal(ram[LOAD_GPA + PM_BYTES], FILL);
	assert_int_equal(ram[LOAD_GPA - 1], FILL);
	/* Nothing of the setup code below 1 MiB but the header copy. */
	assert_true(all_bytes(ram + 0x90000, 0x10000, FILL));
}

/* ---- boot_params ------------------------------------------------------- */

static void test_linux_boot_params(void **state)
{
	struct guest_load_req r = request();
	uint8_t want[HDR_END - HDR_AT];
	size_t i;

	(void)state;
	LOAD_OK(&r);
	/* The header as in the image, but for the fields a loader writes. */
	memcpy(want, debian_hdr, sizeof want);
	want[0x210 - HDR_AT] = 0xFF;                    /* type_of_loader */
	want[0x211 - HDR_AT] = 0x01;                    /* loadflags */
	put32(want + 0x218 - HDR_AT, 0);                 /* ramdisk_image */
	put32(want + 0x21C - HDR_AT, 0);                 /* ramdisk_size */
	put16(want + 0x224 - HDR_AT, 0);                 /* heap_end_ptr */
	put32(want + 0x228 - HDR_AT, 0x51000);           /* cmd_line_ptr */
	assert_memory_equal(BP + HDR_AT, want, sizeof want);
	/* Zero page: zero but for acpi_rsdp_addr and the e820 table. */
	assert_int_equal(get64(BP + 0x070), RSDP_GPA);
	for (i = 0; i < HDR_AT; i++)
		if ((i < 0x070 || i >= 0x078) && i != 0x1E8 && BP[i] != 0)
			fail_msg("boot_params byte 0x%zx is 0x%x", i, BP[i]);
	assert_int_equal(BP[0x1EF], 0);                      /* sentinel */
	assert_true(all_bytes(BP + HDR_END, 0x2D0 - HDR_END, 0));
	assert_int_equal(BP[0x1E8], 3);                      /* e820_entries */
	assert_true(all_bytes(BP + 0x2D0 + 3 * 20, 0x1000 - 0x2D0 - 60, 0));
	/* ext_cmd_line_ptr, ext_ramdisk_*: 0 (all below 4 GiB). */
	assert_int_equal(get32(BP + 0x0C0), 0);
	assert_int_equal(get32(BP + 0x0C4), 0);
	assert_int_equal(get32(BP + 0x0C8), 0);
	/* The command line copy, right after the zero page. */
	assert_string_equal((char *)ram + 0x51000, CMDLINE);
	assert_int_equal(ram[0x51000 + sizeof CMDLINE], 0);  /* info area */
}

/* Protocol 2.13 has no acpi_rsdp_addr: the loader leaves it 0. */
static void test_linux_rsdp_needs_2_14(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	put16(img + 0x206, 0x020D);
	LOAD_OK(&r);
	assert_int_equal(get64(BP + 0x070), 0);
	put16(img + 0x206, 0x020E);
	LOAD_OK(&r);
	assert_int_equal(get64(BP + 0x070), RSDP_GPA);
	r.rsdp_gpa = 0;                                      /* none */
	LOAD_OK(&r);
	assert_int_equal(get64(BP + 0x070), 0);
}

static void expect_e820(unsigned i, uint64_t addr, uint64_t size,
                        uint32_t type)
{
	const uint8_t *e = BP + 0x2D0 + 20 * i;

	assert_int_equal(get64(e + 0), addr);
	assert_int_equal(get64(e + 8), size);
	assert_int_equal(get32(e + 16), type);
}

static void test_linux_e820(void **state)
{
	struct guest_load_req r = request();
	struct guest_memmap map;

	(void)state;
	/* Without a map: the basic three ranges. */
	LOAD_OK(&r);
	assert_int_equal(BP[0x1E8], 3);
	expect_e820(0, 0, 0x9FC00, 1);
	expect_e820(1, 0x9FC00, 0x100000 - 0x9FC00, 2);
	expect_e820(2, 0x100000, RAM_BYTES - 0x100000, 1);
	/* The platform map, entry by entry. */
	assert_true(guest_memmap_pc(&map, RAM_BYTES));
	r.memmap = &map;
	LOAD_OK(&r);
	assert_int_equal(BP[0x1E8], 7);
	expect_e820(0, 0, 0x9FC00, 1);
	expect_e820(1, 0x9FC00, 0x100000 - 0x9FC00, 2);
	expect_e820(2, 0x100000, RAM_BYTES - 0x100000, 1);
	expect_e820(3, 0xD0000000, 0x100000, 2);
	expect_e820(4, 0xFEC00000, 0x1000, 2);
	expect_e820(5, 0xFED00000, 0x1000, 2);
	expect_e820(6, 0xFEE00000, 0x1000, 2);
	assert_true(all_bytes(BP + 0x2D0 + 7 * 20, 0x1000 - 0x2D0 - 140, 0));
	/* The longest map there may be, and one entry too many. */
	map.nentries = GUEST_MEMMAP_MAX;
	LOAD_OK(&r);
	assert_int_equal(BP[0x1E8], GUEST_MEMMAP_MAX);
	map.nentries = GUEST_MEMMAP_MAX + 1;
	LOAD_FAILS(&r, "memory map too long: 33 entries, at most 32");
}

/* ---- initrd ------------------------------------------------------------ */

static void test_linux_initrd_at_top(void **state)
{
	static uint8_t rd[MIB + 3];
	struct guest_module m = { rd, sizeof rd, "ignored" };
	struct guest_load_req r = request();
	const uint64_t at = (RAM_BYTES - sizeof rd) & ~(uint64_t)0xFFF;

	(void)state;
	memset(rd, 0x5A, sizeof rd);
	r.modules = &m;
	r.nmodules = 1;
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), at);              /* ramdisk_image */
	assert_int_equal(get32(BP + 0x21C), sizeof rd);       /* ramdisk_size */
	assert_int_equal(get32(BP + 0x0C0), 0);
	assert_int_equal(get32(BP + 0x0C4), 0);
	assert_int_equal(ent.module_gpa[0], at);
	assert_true(all_bytes(ram + at, sizeof rd, 0x5A));
	assert_true(all_bytes(ram + at + sizeof rd, RAM_BYTES - at - sizeof rd,
	                      FILL));
	assert_int_equal(ram[at - 1], FILL);
	/* The module's argument is not used by Linux. */
	assert_string_equal((char *)ram + 0x51000, CMDLINE);
	assert_int_equal(ram[0x51000 + sizeof CMDLINE], 0);
}

/* cpio archives concatenated, each following one 4-byte aligned. */
static void test_linux_initrd_concatenated(void **state)
{
	uint8_t a[5], b[4], c[7];
	struct guest_module m[3] = {
		{ a, sizeof a, NULL }, { b, sizeof b, NULL }, { c, sizeof c, NULL },
	};
	struct guest_load_req r = request();
	const uint64_t at = RAM_BYTES - 0x1000;

	(void)state;
	memset(a, 0xA1, sizeof a);
	memset(b, 0xB2, sizeof b);
	memset(c, 0xC3, sizeof c);
	r.modules = m;
	r.nmodules = 3;
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), at);
	assert_int_equal(get32(BP + 0x21C), 8 + 4 + 7);
	assert_int_equal(ent.module_gpa[0], at);
	assert_int_equal(ent.module_gpa[1], at + 8);
	assert_int_equal(ent.module_gpa[2], at + 12);
	assert_true(all_bytes(ram + at, 5, 0xA1));
	assert_true(all_bytes(ram + at + 5, 3, 0));          /* padding */
	assert_true(all_bytes(ram + at + 8, 4, 0xB2));
	assert_true(all_bytes(ram + at + 12, 7, 0xC3));
	assert_int_equal(ram[at + 19], FILL);
	/* Empty modules take no room; all empty: no initrd at all. */
	m[1].size = 0;
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x21C), 8 + 7);
	assert_int_equal(ent.module_gpa[2], at + 8);
	m[0].size = m[2].size = 0;
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), 0);
	assert_int_equal(get32(BP + 0x21C), 0);
}

static void test_linux_no_initrd(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), 0);
	assert_int_equal(get32(BP + 0x21C), 0);
}

/* initrd_addr_max caps the top; a kernel in the way sends it below. */
static void test_linux_initrd_addr_max(void **state)
{
	static uint8_t rd[15 * MIB + 1];
	struct guest_module m = { rd, 2 * MIB, NULL };
	struct guest_load_req r = request();

	(void)state;
	r.modules = &m;
	r.nmodules = 1;
	put32(img + 0x22C, 96 * MIB - 1);
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), 94 * MIB);
	/* The highest byte may be initrd_addr_max itself. */
	put32(img + 0x22C, 96 * MIB - 2);
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), 94 * MIB - 0x1000);
	/* Below 64 MiB the kernel (16 MiB + init_size) is in the way. */
	put32(img + 0x22C, 64 * MIB - 1);
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), 14 * MIB);
	assert_true(all_bytes(ram + 14 * MIB, 2 * MIB, 0));
	/* Ending exactly where the kernel's init_size ends is clear. */
	put32(img + 0x22C, KERNEL_END + 2 * MIB - 1);
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), KERNEL_END);
	put32(img + 0x22C, KERNEL_END + 2 * MIB - 2);
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), 14 * MIB);
	/* Neither above nor below the kernel (nor in the first MiB). */
	m.size = 15 * MIB + 1;
	LOAD_FAILS(&r, "initrd does not fit: 1 module(s) of 0xf00001 bytes "
	               "below 0x5197fff (RAM end, initrd_addr_max + 1), clear "
	               "of the kernel at 0x1000000-0x4f98000");
	m.size = 15 * MIB;                  /* exactly [1 MiB, 16 MiB) */
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), MIB);
	put32(img + 0x22C, MIB - 1);         /* all of it in low memory */
	m.size = 4096;
	LOAD_FAILS(&r, "initrd does not fit");
}

static void test_linux_initrd_too_big(void **state)
{
	static uint8_t rd[RAM_BYTES - KERNEL_END + 1];
	struct guest_module m[2] = {
		{ rd, sizeof rd - 0x1000, NULL }, { rd, 0x1000, NULL },
	};
	struct guest_load_req r = request();

	(void)state;
	r.modules = m;
	r.nmodules = 1;
	m[0].size = RAM_BYTES - KERNEL_END;  /* exactly the room above */
	LOAD_OK(&r);
	assert_int_equal(get32(BP + 0x218), KERNEL_END);
	m[0].size = sizeof rd;               /* one byte more */
	LOAD_FAILS(&r, "initrd does not fit: 1 module(s) of 0x3068001 bytes");
	/* Two that fit alone but not together (4-byte padding included). */
	m[0].size = RAM_BYTES - KERNEL_END - 0x1000 + 1;
	r.nmodules = 2;
	LOAD_FAILS(&r, "initrd does not fit: 2 module(s) of 0x3068004 bytes");
	/* A module size no RAM can hold does not overflow anything. */
	m[1].size = UINT64_MAX - 2;
	LOAD_FAILS(&r, "initrd does not fit");
}

/* ---- kernel placement -------------------------------------------------- */

static void test_linux_placement(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	/* A relocatable kernel at a fitting, aligned pref_address. */
	put64(img + 0x258, 0x2000000);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x2000200);
	assert_memory_equal(ram + 0x2000000, img + SETUP_BYTES, PM_BYTES);
	assert_int_equal(ent.image_end, 0x2000000 + INIT_SIZE);
	/* Not aligned to kernel_alignment: the lowest multiple >= 16 MiB. */
	put64(img + 0x258, 0x2100000);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x1000200);
	/* Too high to fit (or wrapping): the same. */
	put64(img + 0x258, 0x5000000);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x1000200);
	put64(img + 0x258, 0xFFFFFFFFFFE00000ull);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x1000200);
	put64(img + 0x258, 0);                /* none given */
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x1000200);
	/* Below 1 MiB is never a kernel's place. */
	put32(img + 0x230, 0x1000);
	put64(img + 0x258, 0x80000);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x1000200);
	/* kernel_alignment 16 MiB + 4 MiB is no power of two. */
	put32(img + 0x230, 0x1400000);
	LOAD_FAILS(&r, "Linux kernel_alignment 0x1400000 is not a power of two");
	put32(img + 0x230, 0);
	LOAD_FAILS(&r, "Linux kernel_alignment 0x0 is not a power of two");
	/* 64 MiB alignment: the kernel goes to 64 MiB (and just fits). */
	put32(img + 0x230, 0x4000000);
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x4000200);
	put32(img + 0x230, 0x8000000);        /* 128 MiB: at the end of RAM */
	LOAD_FAILS(&r, "Linux kernel does not fit: it needs 0x3f98000 bytes "
	               "(init_size) at 0x8000000, RAM ends at 0x8000000");
	put32(img + 0x230, 0x80000000u);
	LOAD_FAILS(&r, "at 0x80000000, RAM ends at 0x8000000");
}

static void test_linux_not_relocatable(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	img[0x234] = 0;
	put32(img + 0x230, 0);                /* ignored when not relocatable */
	put64(img + 0x258, 0x2100000);        /* runs there: loaded there */
	LOAD_OK(&r);
	assert_int_equal(ent.rip, 0x2100200);
	assert_memory_equal(ram + 0x2100000, img + SETUP_BYTES, PM_BYTES);
	put64(img + 0x258, 0x80000);
	LOAD_FAILS(&r, "Linux kernel is not relocatable and its pref_address "
	               "0x80000 is below 1 MiB");
	put64(img + 0x258, 0x5000000);
	LOAD_FAILS(&r, "Linux kernel does not fit: it needs 0x3f98000 bytes "
	               "(init_size) at 0x5000000, RAM ends at 0x8000000");
	put64(img + 0x258, 0xFFFFFFFFFFFFF000ull);
	LOAD_FAILS(&r, "Linux kernel does not fit");
}

static void test_linux_ram_too_small(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	r.ram_bytes = 80 * MIB;              /* 16 MiB + init_size = 79.6 MiB */
	LOAD_OK(&r);
	r.ram_bytes = 78 * MIB;
	LOAD_FAILS(&r, "Linux kernel does not fit: it needs 0x3f98000 bytes "
	               "(init_size) at 0x1000000, RAM ends at 0x4e00000");
}

/* init_size hostile: huge, or smaller than the file's kernel. */
static void test_linux_init_size(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	put32(img + 0x260, 0xFFFFFFFFu);
	LOAD_FAILS(&r, "it needs 0xffffffff bytes (init_size) at 0x1000000");
	put32(img + 0x260, 0x10);             /* less than the kernel itself */
	LOAD_OK(&r);
	assert_int_equal(ent.image_end, LOAD_GPA + PM_BYTES);
}

/* ---- refusals ---------------------------------------------------------- */

static void test_linux_protocol_too_old(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	put16(img + 0x206, 0x020B);           /* 2.11: no xloadflags */
	LOAD_FAILS(&r, "Linux boot protocol 2.11 is too old: BareGT needs "
	               "2.12 or later (xloadflags, 64-bit entry)");
	put16(img + 0x206, 0x0200);
	LOAD_FAILS(&r, "Linux boot protocol 2.00 is too old");
	put16(img + 0x206, 0x020C);
	LOAD_OK(&r);
}

static void test_linux_no_64bit_entry(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	put16(img + 0x236, 0x7E);
	LOAD_FAILS(&r, "Linux kernel has no 64-bit entry: xloadflags 0x7e "
	               "lacks XLF_KERNEL_64 (bit 0)");
	put16(img + 0x236, 0x01);             /* only the 64-bit entry: fine */
	LOAD_OK(&r);
}

static void test_linux_zimage(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	img[0x211] = 0x80;
	LOAD_FAILS(&r, "Linux zImage (loadflags 0x80 lacks LOADED_HIGH)");
}

static void test_linux_setup_sects(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	img[0x1F1] = 255;                    /* 128 KiB of setup: past EOF */
	LOAD_FAILS(&r, "image truncated: Linux setup code of 255 sectors ends "
	               "at 0x20000, the 0x17345 byte file has no "
	               "protected-mode kernel after it");
	img[0x1F1] = 0;                      /* 0 means 4 */
	LOAD_OK(&r);
	assert_memory_equal(ram + LOAD_GPA, img + 0xA00, IMG_BYTES - 0xA00);
	img[0x1F1] = 183;                    /* leaves 0x345 bytes */
	LOAD_OK(&r);
	img[0x1F1] = 184;                    /* leaves 0x145: entry past it */
	LOAD_FAILS(&r, "Linux protected-mode kernel of 0x145 bytes ends before "
	               "its 64-bit entry at +0x200");
}

static void test_linux_header_end(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	img[0x201] = 0x61;                   /* ends at 0x263: no init_size */
	LOAD_FAILS(&r, "Linux setup header malformed: it ends at 0x263 "
	               "(0x202 + byte at 0x201), not within 0x264-0x290");
	img[0x201] = 0x8F;                   /* 0x291: into edd_mbr_sig */
	LOAD_FAILS(&r, "it ends at 0x291");
	img[0x201] = 0x62;                   /* 0x264: copied that far */
	LOAD_OK(&r);
	assert_memory_equal(BP + 0x25D, debian_hdr + 0x25D - HDR_AT, 7);
	assert_true(all_bytes(BP + 0x264, 0x290 - 0x264, 0));
	img[0x201] = 0x8E;                   /* 0x290: the most there is */
	LOAD_OK(&r);
	assert_memory_equal(BP + 0x270, img + 0x270, 0x20);
	assert_int_equal(BP[0x290], 0);
}

static void test_linux_cmdline_size(void **state)
{
	char line[0x801];
	struct guest_load_req r = request();

	(void)state;
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	r.cmdline = line;                    /* 0x800: one too many */
	LOAD_FAILS(&r, "command line is longer than the 2047 bytes the Linux "
	               "kernel takes (cmdline_size)");
	line[0x7FF] = '\0';                  /* exactly cmdline_size */
	LOAD_OK(&r);
	assert_int_equal(strlen((char *)ram + get32(BP + 0x228)), 0x7FF);
	put32(img + 0x238, 0);                /* hostile: no command line */
	LOAD_FAILS(&r, "longer than the 0 bytes");
	r.cmdline = "";
	LOAD_OK(&r);
	assert_string_equal((char *)ram + get32(BP + 0x228), "");
	r.cmdline = NULL;
	LOAD_OK(&r);
	assert_string_equal((char *)ram + get32(BP + 0x228), "");
}

static void test_linux_recognition(void **state)
{
	struct guest_load_req r = request();

	(void)state;
	put16(img + 0x1FE, 0x55AB);           /* "HdrS" without the flag */
	LOAD_FAILS(&r, "Linux setup header \"HdrS\" at 0x202 without the boot "
	               "flag 0xAA55 at 0x1FE (found 0x55ab)");
	put16(img + 0x1FE, 0xAA55);
	img[0x205] = 'Z';                    /* a boot sector, no header */
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	/* Too short to hold the version field: not recognised. */
	img[0x205] = 'S';
	r.image_size = 0x205;
	LOAD_FAILS(&r, "not a Multiboot, Linux bzImage or ELF64 x86-64 image");
	r.image_size = 0x206;
	LOAD_FAILS(&r, "image truncated: Linux setup code of 39 sectors");
}

/* ---- hostile images ---------------------------------------------------- */

static void test_linux_truncated_every_length(void **state)
{
	size_t size;

	(void)state;
	for (size = 0; size <= 0x5400; size++) {
		uint8_t *copy = size ? malloc(size) : NULL;
		struct guest_load_req r = request();
		bool ok;

		if (size)
			memcpy(copy, img, size);
		r.image = copy;
		r.image_size = size;
		ok = guest_load(&r, &ent, err, sizeof err);
		if (ok != (size > SETUP_BYTES + 0x200))
			fail_msg("%zu bytes: %s", size, ok ? "loaded" : err);
		if (!ok && strlen(err) >= CONFIG_ERROR_MAX)
			fail_msg("%zu bytes: message too long: %s", size, err);
		free(copy);
	}
}

/* Random bytes in the header and the first sectors: never a crash. */
static void test_linux_mutations(void **state)
{
	static uint8_t rd[100];
	struct guest_module m[2] = { { rd, sizeof rd, NULL },
	                             { rd, 3, NULL } };
	unsigned seed = 12345, i, k, loaded = 0;

	(void)state;
	for (i = 0; i < 3000; i++) {
		struct guest_load_req r = request();

		build_image();
		for (k = 0; k < 1 + i % 6; k++) {
			unsigned off;

			seed = seed * 1103515245u + 12345u;
			off = 0x1F0 + (seed >> 8) % 0xA0;
			seed = seed * 1103515245u + 12345u;
			img[off] = (uint8_t)(seed >> 16);
		}
		r.modules = m;
		r.nmodules = 1 + i % 2;
		if (guest_load(&r, &ent, err, sizeof err)) {
			loaded++;
			assert_true(ent.rip >= MIB && ent.rip < RAM_BYTES);
		} else if (strlen(err) >= CONFIG_ERROR_MAX) {
			fail_msg("message too long: %s", err);
		}
	}
	assert_true(loaded > 100);           /* many mutations are harmless */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_debian_header_values),
		T(test_linux_entry_state),
		T(test_linux_gdt_and_page_tables),
		T(test_linux_kernel_loaded),
		T(test_linux_boot_params),
		T(test_linux_rsdp_needs_2_14),
		T(test_linux_e820),
		T(test_linux_initrd_at_top),
		T(test_linux_initrd_concatenated),
		T(test_linux_no_initrd),
		T(test_linux_initrd_addr_max),
		T(test_linux_initrd_too_big),
		T(test_linux_placement),
		T(test_linux_not_relocatable),
		T(test_linux_ram_too_small),
		T(test_linux_init_size),
		T(test_linux_protocol_too_old),
		T(test_linux_no_64bit_entry),
		T(test_linux_zimage),
		T(test_linux_setup_sects),
		T(test_linux_header_end),
		T(test_linux_cmdline_size),
		T(test_linux_recognition),
		T(test_linux_truncated_every_length),
		T(test_linux_mutations),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
