/*
 * hv/load/common.h — private to hv/load/: one load in progress, the shape
 * of a format's loader, and what the formats share (common.c): bounded
 * access to the image and to guest RAM, placing a segment, the boot
 * information area, module placement, the GDT, the identity page tables
 * and the machine state at entry.
 *
 * The format files (elf64.c, multiboot.c, linux.c, pvh.c) include this
 * header and the ELF reader's (elf.h); the dispatcher (dispatch.c)
 * includes the format headers.
 * Nothing here refers to the dispatcher or to a format.
 */
#ifndef BAREGT_HV_LOAD_COMMON_H
#define BAREGT_HV_LOAD_COMMON_H

#include "hv/load/load.h"

#if defined(__GNUC__)
#define LD_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LD_PRINTF_LIKE(fmt, args)
#endif

#define LD_MIB ((uint64_t)1 << 20)
#define LD_GIB ((uint64_t)1 << 30)
#define LD_4GIB ((uint64_t)1 << 32)
#define LD_LARGE_PAGE (2 * LD_MIB)   /* a 2 MiB page: RAM comes in these */

struct ld_format;

/* One load in progress: the caller's request, its answer, its error text. */
struct loader {
	const struct guest_load_req *req;
	const uint8_t *image;
	uint64_t image_size;
	const struct ld_format *format; /* the format being loaded */
	struct guest_entry *out;
	char *err;
	size_t errlen;
	/* The memory map to report: req->memmap, or basic_map without one. */
	const struct guest_memmap *memmap;
	struct guest_memmap basic_map;
};

/* What a format's probe found in the image, for its load. */
struct ld_match {
	uint64_t header_offset;       /* file offset of the format's header */
};

/*
 * One image format. The dispatcher (dispatch.c) tries the probes in its
 * table's order and loads with the first that matches; when none does, it
 * asks each format in turn to diagnose a near miss, and names every
 * format's what when none has a word to say.
 */
struct ld_format {
	enum guest_kind kind;
	const char *kind_name;        /* guest_kind_name(): "multiboot" */
	const char *what;             /* in messages: "Multiboot" */
	/*
	 * A variant of a later format (PVH of ELF64), left out of the "not
	 * a ... image" list: an image that is not PVH is still ELF64.
	 */
	bool variant;
	/* The image is of this format (fill *m; no error written). */
	bool (*probe)(const struct loader *ld, struct ld_match *m);
	/*
	 * The image is not of this format but looks like a broken one:
	 * write the reason with ld_fail() and return true.
	 */
	bool (*diagnose)(struct loader *ld);
	/*
	 * Load the image, place the modules, build the boot structures and
	 * set ld->out's entry state (kind and image_start/end are set up).
	 */
	bool (*load)(struct loader *ld, const struct ld_match *m);
};

/* Write the message into ld->err; always returns false. */
bool ld_fail(struct loader *ld, const char *fmt, ...) LD_PRINTF_LIKE(2, 3);

/* Little-endian loads and stores at any alignment. */
uint16_t ld_get16(const uint8_t *p);
uint32_t ld_get32(const uint8_t *p);
uint64_t ld_get64(const uint8_t *p);
void ld_put16(uint8_t *p, uint16_t v);
void ld_put32(uint8_t *p, uint32_t v);
void ld_put64(uint8_t *p, uint64_t v);

/* [off, off + len) lies within [0, size), without overflowing. */
bool ld_fits(uint64_t off, uint64_t len, uint64_t size);

/* Host pointer of a GPA already known to lie in RAM. */
uint8_t *ld_ram(struct loader *ld, uint64_t gpa);

/*
 * A piece of the image to place in guest RAM: file_size bytes from
 * file_offset are copied to gpa, then zeroes up to mem_size (ELF
 * p_offset/p_filesz/p_paddr/p_memsz; Multiboot load_addr..bss_end_addr).
 */
struct ld_segment {
	uint64_t file_offset, file_size;
	uint64_t gpa, mem_size;
};

/*
 * Check seg against the image and RAM ([1 MiB, RAM), and below 4 GiB when
 * below_4g), copy and zero-fill it, and widen out->image_start/end. what
 * names the segment in errors ("ELF segment 2").
 */
bool ld_load_segment(struct loader *ld, const char *what,
                     const struct ld_segment *seg, bool below_4g);

/*
 * Copy the request's modules into RAM after the image (docs/guests.md:
 * each 4 KiB aligned, in config order) and record their GPAs in
 * out->module_gpa[]. below_4g: every module must end below 4 GiB (the
 * format's information holds 32-bit addresses).
 */
bool ld_place_modules(struct loader *ld, bool below_4g);

/*
 * The basic memory map (e820.c): usable [0, 0x9FC00), reserved up to
 * 1 MiB, usable [1 MiB, ram_bytes); the map reported when the request
 * gives none.
 */
void ld_memmap_basic(struct guest_memmap *m, uint64_t ram_bytes);

/* [GUEST_INFO_GPA, GUEST_INFO_END): tables, then the strings they name. */
struct info_area {
	uint8_t *ram;
	uint32_t used;                /* bytes handed out from GUEST_INFO_GPA */
};

/* Zero the area and start handing out space from its beginning. */
void info_init(struct info_area *a, struct loader *ld);

/* Reserve size bytes aligned to align (a power of two); GPA in *gpa. */
bool info_alloc(struct loader *ld, struct info_area *a, uint32_t size,
                uint32_t align, uint64_t *gpa);

/* Copy s (NULL = "") with its NUL; what names it in the error. */
bool info_put_string(struct loader *ld, struct info_area *a, const char *s,
                     const char *what, uint64_t *gpa);

/*
 * 64-bit entry (docs/guests.md "Entry state", ELF64 and Linux guests):
 * the GDT with a 64-bit code segment at cs_sel and flat data at ds_sel
 * (nothing else but zeroes; limit: the higher of the two, + 7), the
 * identity page tables, long mode with paging (CR0, CR4, EFER, CR3 =
 * GUEST_PML4_GPA), RSP = GUEST_STACK_TOP. The format sets RIP and the
 * registers that carry its boot information.
 */
void ld_enter_long_mode(struct loader *ld, uint16_t cs_sel, uint16_t ds_sel);

/*
 * 32-bit entry (Multiboot 0.6.96 §3.2, PVH): the GDT with flat 32-bit
 * code at cs_sel and flat data at ds_sel, protected mode with paging off,
 * RSP = GUEST_STACK_TOP. The format sets RIP and the registers that carry
 * its boot information.
 */
void ld_enter_protected_mode(struct loader *ld, uint16_t cs_sel,
                             uint16_t ds_sel);

#endif /* BAREGT_HV_LOAD_COMMON_H */
