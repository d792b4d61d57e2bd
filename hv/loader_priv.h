/*
 * hv/loader_priv.h — shared between the parts of the guest loader
 * (loader.c: request, GDT, page tables, start information, modules;
 * loader_elf.c: ELF program headers; loader_multiboot.c: Multiboot header
 * and information). Not for use outside hv/loader*.c.
 */
#ifndef BAREGT_HV_LOADER_PRIV_H
#define BAREGT_HV_LOADER_PRIV_H

#include "hv/loader.h"

#if defined(__GNUC__)
#define LD_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LD_PRINTF_LIKE(fmt, args)
#endif

#define LD_MIB ((uint64_t)1 << 20)
#define LD_GIB ((uint64_t)1 << 30)
#define LD_4GIB ((uint64_t)1 << 32)

/* One load in progress: the caller's request, its answer, its error text. */
struct loader {
	const struct guest_load_req *req;
	const uint8_t *image;
	uint64_t image_size;
	struct guest_entry *out;
	char *err;
	size_t errlen;
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

/* Host pointer of a GPA already known to lie in RAM. */
uint8_t *ld_ram(struct loader *ld, uint64_t gpa);

/* ---- loader_elf.c ------------------------------------------------------ */

#define ELFCLASS32 1
#define ELFCLASS64 2

/* The image starts with the ELF magic; *elf_class = e_ident[EI_CLASS]. */
bool elf_identify(const uint8_t *image, uint64_t size, unsigned *elf_class);

/*
 * Load an ELF64 x86-64 (elf_class ELFCLASS64) or ELF32 i386 (ELFCLASS32,
 * Multiboot) ET_EXEC image by its PT_LOAD program headers; the entry
 * point, checked to lie in a loaded segment, goes to *entry.
 */
bool elf_load(struct loader *ld, unsigned elf_class, uint64_t *entry);

/* ---- loader_multiboot.c ------------------------------------------------ */

struct mb_search {
	bool found;                   /* a header with a good checksum */
	uint64_t offset;              /* its file offset */
	bool bad_checksum;            /* the magic was seen with a bad checksum */
	uint64_t bad_offset;          /* where (the first such) */
	uint32_t bad_sum;             /* magic + flags + checksum there */
};

/* Look for the Multiboot header (§3.1) in the first 8192 bytes. */
void mb_find_header(const uint8_t *image, uint64_t size, struct mb_search *s);

/* Load the image described by the header at header_offset (§3.1.3). */
bool mb_load_image(struct loader *ld, uint64_t header_offset, uint64_t *entry);

/* Write the Multiboot information (§3.3) at GUEST_INFO_GPA. */
bool mb_write_info(struct loader *ld);

#endif /* BAREGT_HV_LOADER_PRIV_H */
