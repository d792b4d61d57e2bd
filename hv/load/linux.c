/*
 * hv/load/linux.c — the Linux bzImage guest format, by the Linux/x86 boot
 * protocol (Documentation/x86/boot.rst: "The Real-Mode Kernel Header",
 * "Details of Header Fields", "64-bit Boot Protocol"; the layout of struct
 * boot_params in Documentation/x86/zero-page.rst).
 *
 * The image is recognised by its setup header ("HdrS" at 0x202, boot flag
 * 0xAA55 at 0x1FE). Protocol 2.12 or later with XLF_KERNEL_64 is needed:
 * BareGT enters the kernel at its 64-bit entry (load address + 0x200) in
 * long mode with RSI = boot_params, so the real-mode setup code never
 * runs. The protected-mode kernel (the file from (setup_sects + 1) * 512)
 * is loaded at pref_address when it can be (relocatable, aligned, room for
 * init_size), else at the lowest kernel_alignment multiple >= 16 MiB.
 *
 * The modules become one initrd: concatenated in config order, each
 * following one starting on a 4-byte boundary (the padding is zeroes), as
 * the kernel reads concatenated cpio archives; their arguments are not
 * used. The initrd goes 4 KiB aligned as high as it can below min(RAM end,
 * initrd_addr_max + 1), clear of the kernel's [load, load + init_size).
 */
#include "hv/load/linux.h"

#include <string.h>

/* Setup header fields: file offsets, the same in boot_params (boot.rst). */
#define HDR_START            0x1F1  /* the header is copied from here */
#define HDR_SETUP_SECTS      0x1F1
#define HDR_BOOT_FLAG        0x1FE
#define HDR_JUMP_DISP        0x201  /* jump at 0x200: EB disp8 */
#define HDR_HEADER           0x202  /* "HdrS" */
#define HDR_VERSION          0x206
#define HDR_TYPE_OF_LOADER   0x210
#define HDR_LOADFLAGS        0x211
#define HDR_RAMDISK_IMAGE    0x218
#define HDR_RAMDISK_SIZE     0x21C
#define HDR_HEAP_END_PTR     0x224
#define HDR_EXT_LOADER_VER   0x226
#define HDR_EXT_LOADER_TYPE  0x227
#define HDR_CMD_LINE_PTR     0x228
#define HDR_INITRD_ADDR_MAX  0x22C
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE      0x234
#define HDR_XLOADFLAGS       0x236
#define HDR_CMDLINE_SIZE     0x238
#define HDR_HW_SUBARCH       0x23C
#define HDR_HW_SUBARCH_DATA  0x240
#define HDR_SETUP_DATA       0x250
#define HDR_PREF_ADDRESS     0x258
#define HDR_INIT_SIZE        0x260
#define HDR_END_MIN          0x264  /* through init_size (protocol 2.10) */
#define HDR_END_MAX          0x290  /* boot_params: edd_mbr_sig_buffer next */

#define BOOT_FLAG            0xAA55
#define HDR_MAGIC            0x53726448u  /* "HdrS" */
#define SECTOR_BYTES         512u
#define SETUP_SECTS_DEFAULT  4u           /* setup_sects 0 means 4 */

#define PROTO_MIN            0x020C   /* 2.12: xloadflags */
#define PROTO_ACPI_RSDP      0x020E   /* 2.14: acpi_rsdp_addr */

#define LOADFLAGS_LOADED_HIGH      (1u << 0)
#define XLF_KERNEL_64              (1u << 0)

/* boot_params beyond the setup header (zero-page.rst). */
#define BP_ACPI_RSDP_ADDR    0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE  0x0C4
#define BP_EXT_CMD_LINE_PTR  0x0C8
#define BP_E820_ENTRIES      0x1E8
#define BP_E820_TABLE        0x2D0
#define BP_E820_MAX          128u
#define BP_E820_ENTRY        20u      /* addr 8, size 8, type 4, packed */
#define BP_SIZE              0x1000u  /* the "zero page" */

#define LINUX_LOADER_ID      0xFF     /* type_of_loader: undefined loader */
#define LINUX_ENTRY_64       0x200    /* 64-bit entry: load address + this */
#define LINUX_LOAD_LOW       (16 * LD_MIB)
#define INITRD_ALIGN         0x1000u
#define CPIO_ALIGN           4u

_Static_assert(GUEST_MEMMAP_MAX <= BP_E820_MAX,
               "every memory map fits boot_params.e820_table");
_Static_assert(BP_E820_TABLE + BP_E820_MAX * BP_E820_ENTRY <= BP_SIZE,
               "the e820 table lies in the zero page");

/* What the loader uses of the setup header. */
struct linux_hdr {
	uint16_t version;
	uint64_t setup_bytes;         /* file offset of the protected-mode part */
	uint64_t hdr_end;             /* one past the header (0x202 + jump) */
	bool relocatable;
	uint32_t kernel_alignment, initrd_addr_max, cmdline_size, init_size;
	uint64_t pref_address;
};

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

static uint64_t align_down(uint64_t x, uint64_t align)
{
	return x & ~(align - 1);
}

static bool has_header_magic(const struct loader *ld)
{
	return ld->image_size >= HDR_VERSION &&
	       ld_get32(ld->image + HDR_HEADER) == HDR_MAGIC;
}

static bool linux_probe(const struct loader *ld, struct ld_match *m)
{
	m->header_offset = HDR_START;
	return has_header_magic(ld) &&
	       ld_get16(ld->image + HDR_BOOT_FLAG) == BOOT_FLAG;
}

/* "HdrS" without the boot flag: a damaged bzImage. */
static bool linux_diagnose(struct loader *ld)
{
	if (!has_header_magic(ld))
		return false;
	ld_fail(ld, "Linux setup header \"HdrS\" at 0x202 without the boot "
	        "flag 0xAA55 at 0x1FE (found 0x%x)",
	        ld_get16(ld->image + HDR_BOOT_FLAG));
	return true;
}

/* Read and check the header (probe matched: at least 0x206 bytes). */
static bool linux_read_header(struct loader *ld, struct linux_hdr *h)
{
	const uint8_t *img = ld->image;
	unsigned sects = img[HDR_SETUP_SECTS];
	uint16_t xloadflags;
	uint8_t loadflags;

	if (sects == 0)
		sects = SETUP_SECTS_DEFAULT;
	h->setup_bytes = (uint64_t)(sects + 1) * SECTOR_BYTES;
	/* The header lies below 0x290 < 1024 <= setup_bytes: in the file. */
	if (h->setup_bytes >= ld->image_size)
		return ld_fail(ld, "image truncated: Linux setup code of %u "
		               "sectors ends at 0x%llx, the 0x%llx byte file has "
		               "no protected-mode kernel after it", sects,
		               (unsigned long long)h->setup_bytes,
		               (unsigned long long)ld->image_size);
	h->version = ld_get16(img + HDR_VERSION);
	if (h->version < PROTO_MIN)
		return ld_fail(ld, "Linux boot protocol %u.%02u is too old: "
		               "BareGT needs 2.12 or later (xloadflags, 64-bit "
		               "entry)", h->version >> 8, h->version & 0xFFu);
	h->hdr_end = HDR_HEADER + (uint64_t)img[HDR_JUMP_DISP];
	if (h->hdr_end < HDR_END_MIN || h->hdr_end > HDR_END_MAX)
		return ld_fail(ld, "Linux setup header malformed: it ends at "
		               "0x%llx (0x202 + byte at 0x201), not within "
		               "0x%x-0x%x", (unsigned long long)h->hdr_end,
		               HDR_END_MIN, HDR_END_MAX);
	xloadflags = ld_get16(img + HDR_XLOADFLAGS);
	if (!(xloadflags & XLF_KERNEL_64))
		return ld_fail(ld, "Linux kernel has no 64-bit entry: xloadflags "
		               "0x%x lacks XLF_KERNEL_64 (bit 0)", xloadflags);
	loadflags = img[HDR_LOADFLAGS];
	if (!(loadflags & LOADFLAGS_LOADED_HIGH))
		return ld_fail(ld, "Linux zImage (loadflags 0x%x lacks "
		               "LOADED_HIGH): only a bzImage can be booted",
		               loadflags);
	h->relocatable = img[HDR_RELOCATABLE] != 0;
	h->kernel_alignment = ld_get32(img + HDR_KERNEL_ALIGNMENT);
	h->initrd_addr_max = ld_get32(img + HDR_INITRD_ADDR_MAX);
	h->cmdline_size = ld_get32(img + HDR_CMDLINE_SIZE);
	h->init_size = ld_get32(img + HDR_INIT_SIZE);
	h->pref_address = ld_get64(img + HDR_PREF_ADDRESS);
	if (h->relocatable && (h->kernel_alignment == 0 ||
	                       (h->kernel_alignment &
	                        (h->kernel_alignment - 1)) != 0))
		return ld_fail(ld, "Linux kernel_alignment 0x%x is not a power "
		               "of two", h->kernel_alignment);
	return true;
}

/*
 * The load address. A relocatable kernel goes to pref_address if that is
 * aligned, at or above 1 MiB and leaves room for span bytes; otherwise to
 * the lowest kernel_alignment multiple >= 16 MiB. A kernel that is not
 * relocatable runs at pref_address whatever the loader does (boot.rst,
 * pref_address), so it is loaded there or refused. The kernel must also
 * lie within the identity map.
 */
static bool linux_place_kernel(struct loader *ld, const struct linux_hdr *h,
                               uint64_t span, uint64_t *load)
{
	uint64_t limit = ld->req->ram_bytes;
	uint64_t pref = h->pref_address;

	if (limit > GUEST_PT_MAX_GIB * LD_GIB)
		limit = GUEST_PT_MAX_GIB * LD_GIB;
	if (!h->relocatable) {
		if (pref < GUEST_IMAGE_MIN)
			return ld_fail(ld, "Linux kernel is not relocatable and its "
			               "pref_address 0x%llx is below 1 MiB",
			               (unsigned long long)pref);
		*load = pref;
	} else if (pref >= GUEST_IMAGE_MIN && pref % h->kernel_alignment == 0 &&
	           ld_fits(pref, span, limit)) {
		*load = pref;
	} else {
		*load = align_up(LINUX_LOAD_LOW, h->kernel_alignment);
	}
	if (!ld_fits(*load, span, limit))
		return ld_fail(ld, "Linux kernel does not fit: it needs 0x%llx "
		               "bytes (init_size) at 0x%llx, RAM ends at 0x%llx",
		               (unsigned long long)span,
		               (unsigned long long)*load,
		               (unsigned long long)limit);
	return true;
}

/*
 * Where the initrd goes: the modules concatenated, each after the first
 * starting on a 4-byte boundary, total bytes, placed 4 KiB aligned as high
 * as possible below top = min(RAM end, initrd_addr_max + 1), clear of the
 * kernel [kernel_lo, kernel_hi) and of the first megabyte.
 */
static bool linux_place_initrd(struct loader *ld, const struct linux_hdr *h,
                               uint64_t kernel_lo, uint64_t kernel_hi,
                               uint64_t *gpa, uint64_t *total)
{
	const struct guest_load_req *req = ld->req;
	uint64_t top = req->ram_bytes, start;
	unsigned i;

	*gpa = 0;
	*total = 0;
	for (i = 0; i < req->nmodules; i++) {
		uint64_t at = i == 0 ? 0 : align_up(*total, CPIO_ALIGN);

		if (req->modules[i].size > req->ram_bytes ||
		    at > req->ram_bytes)
			goto no_room;
		*total = at + req->modules[i].size;
	}
	if (*total == 0)
		return true;                  /* no initrd */
	if ((uint64_t)h->initrd_addr_max + 1 < top)
		top = (uint64_t)h->initrd_addr_max + 1;
	if (*total <= top) {
		start = align_down(top - *total, INITRD_ALIGN);
		if (start >= GUEST_IMAGE_MIN &&
		    (start >= kernel_hi || start + *total <= kernel_lo)) {
			*gpa = start;
			return true;
		}
	}
	/* Overlapping the kernel: just below it, then. */
	if (kernel_lo <= top && *total <= kernel_lo) {
		start = align_down(kernel_lo - *total, INITRD_ALIGN);
		if (start >= GUEST_IMAGE_MIN) {
			*gpa = start;
			return true;
		}
	}
no_room:
	return ld_fail(ld, "initrd does not fit: %u module(s) of 0x%llx bytes "
	               "below 0x%llx (RAM end, initrd_addr_max + 1), clear of "
	               "the kernel at 0x%llx-0x%llx", req->nmodules,
	               (unsigned long long)*total, (unsigned long long)top,
	               (unsigned long long)kernel_lo,
	               (unsigned long long)kernel_hi);
}

/* Copy the modules into the initrd at gpa, zeroes in the padding. */
static void linux_copy_initrd(struct loader *ld, uint64_t gpa)
{
	const struct guest_load_req *req = ld->req;
	uint64_t off = 0;
	unsigned i;

	for (i = 0; i < req->nmodules; i++) {
		const struct guest_module *m = &req->modules[i];

		if (i > 0) {
			uint64_t at = align_up(off, CPIO_ALIGN);

			memset(ld_ram(ld, gpa + off), 0, (size_t)(at - off));
			off = at;
		}
		if (m->size > 0)
			memcpy(ld_ram(ld, gpa + off), m->data, (size_t)m->size);
		ld->out->module_gpa[i] = gpa + off;
		off += m->size;
	}
}

/* The command line, at most cmdline_size bytes without its NUL. */
static bool linux_put_cmdline(struct loader *ld, struct info_area *a,
                              const struct linux_hdr *h, uint64_t *gpa)
{
	const char *s = ld->req->cmdline != NULL ? ld->req->cmdline : "";
	uint64_t len = 0;

	while (len <= h->cmdline_size && s[len] != '\0')
		len++;
	if (len > h->cmdline_size)
		return ld_fail(ld, "command line is longer than the %u bytes the "
		               "Linux kernel takes (cmdline_size)",
		               h->cmdline_size);
	return info_put_string(ld, a, s, "the command line", gpa);
}

/* e820_entries and e820_table from the VM's memory map. */
static void linux_put_e820(struct loader *ld, uint8_t *bp)
{
	const struct guest_memmap *map = ld->memmap;
	unsigned i;

	bp[BP_E820_ENTRIES] = (uint8_t)map->nentries;  /* <= 32 (check_memmap) */
	for (i = 0; i < map->nentries; i++) {
		uint8_t *e = bp + BP_E820_TABLE + BP_E820_ENTRY * i;

		ld_put64(e + 0, map->entry[i].gpa);
		ld_put64(e + 8, map->entry[i].length);
		ld_put32(e + 16, map->entry[i].type);
	}
}

/*
 * boot_params at the start of the information area (zeroed by
 * info_init): the image's setup header at 0x1F1, then the fields a boot
 * loader writes (boot.rst, "Details of Header Fields", and the 64-bit
 * boot protocol's "additional fields"). Unused loader-owned fields are 0:
 * no heap (the real-mode code does not run), no setup_data, the PC
 * subarchitecture.
 */
static bool linux_write_boot_params(struct loader *ld,
                                    const struct linux_hdr *h,
                                    uint64_t initrd_gpa, uint64_t initrd_size,
                                    uint64_t *bp_gpa)
{
	struct info_area area;
	uint64_t cmdline;
	uint8_t *bp;

	info_init(&area, ld);
	if (!info_alloc(ld, &area, BP_SIZE, BP_SIZE, bp_gpa))
		return false;
	bp = ld_ram(ld, *bp_gpa);
	memcpy(bp + HDR_START, ld->image + HDR_START,
	       (size_t)(h->hdr_end - HDR_START));
	bp[HDR_TYPE_OF_LOADER] = LINUX_LOADER_ID;
	bp[HDR_LOADFLAGS] = LOADFLAGS_LOADED_HIGH;
	ld_put16(bp + HDR_HEAP_END_PTR, 0);
	bp[HDR_EXT_LOADER_VER] = 0;
	bp[HDR_EXT_LOADER_TYPE] = 0;
	ld_put32(bp + HDR_RAMDISK_IMAGE, (uint32_t)initrd_gpa);
	ld_put32(bp + HDR_RAMDISK_SIZE, (uint32_t)initrd_size);
	ld_put32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(initrd_gpa >> 32));
	ld_put32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(initrd_size >> 32));
	ld_put32(bp + HDR_HW_SUBARCH, 0);
	ld_put64(bp + HDR_HW_SUBARCH_DATA, 0);
	ld_put64(bp + HDR_SETUP_DATA, 0);
	if (!linux_put_cmdline(ld, &area, h, &cmdline))
		return false;
	ld_put32(bp + HDR_CMD_LINE_PTR, (uint32_t)cmdline);
	ld_put32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(cmdline >> 32));
	linux_put_e820(ld, bp);
	if (h->version >= PROTO_ACPI_RSDP)
		ld_put64(bp + BP_ACPI_RSDP_ADDR, ld->req->rsdp_gpa);
	return true;
}

/*
 * boot.rst, "64-bit Boot Protocol": long mode, an identity map covering
 * the kernel, boot_params, the command line and the initrd (all of RAM),
 * __BOOT_CS = 0x10 and __BOOT_DS = 0x18 flat, interrupts off, RSI =
 * boot_params, entry at the load address + 0x200.
 */
static bool linux_load(struct loader *ld, const struct ld_match *m)
{
	struct guest_entry *out = ld->out;
	struct linux_hdr h = { 0 };
	struct ld_segment seg;
	uint64_t load = 0, span, initrd_gpa = 0, initrd_size = 0, bp_gpa = 0;

	(void)m;                      /* the header is at its fixed place */
	if (!linux_read_header(ld, &h))
		return false;
	seg.file_offset = h.setup_bytes;
	seg.file_size = ld->image_size - h.setup_bytes;
	seg.mem_size = seg.file_size;
	if (seg.file_size <= LINUX_ENTRY_64)
		return ld_fail(ld, "Linux protected-mode kernel of 0x%llx bytes "
		               "ends before its 64-bit entry at +0x%x",
		               (unsigned long long)seg.file_size, LINUX_ENTRY_64);
	span = h.init_size > seg.file_size ? h.init_size : seg.file_size;
	if (!linux_place_kernel(ld, &h, span, &load))
		return false;
	seg.gpa = load;
	if (!ld_load_segment(ld, "Linux protected-mode kernel", &seg, false))
		return false;
	out->image_end = load + span;
	if (!linux_place_initrd(ld, &h, load, load + span, &initrd_gpa,
	                        &initrd_size))
		return false;
	linux_copy_initrd(ld, initrd_gpa);
	ld_enter_long_mode(ld, GUEST_LINUX_CODE_SEL, GUEST_LINUX_DATA_SEL);
	if (!linux_write_boot_params(ld, &h, initrd_gpa, initrd_size, &bp_gpa))
		return false;
	out->rip = load + LINUX_ENTRY_64;
	out->rsi = bp_gpa;
	return true;
}

const struct ld_format ld_format_linux = {
	.kind = GUEST_LINUX,
	.kind_name = "linux",
	.what = "Linux bzImage",
	.probe = linux_probe,
	.diagnose = linux_diagnose,
	.load = linux_load,
};
