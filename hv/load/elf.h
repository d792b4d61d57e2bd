/*
 * hv/load/elf.h — reading an ELF executable (elf.c): recognising the file
 * placing its PT_LOAD segments in guest RAM and finding a note. Used by
 * the formats whose images are ELF files: ELF64 (elf64.c), Multiboot
 * ELF32 kernels (multiboot.c) and PVH kernels (pvh.c). Private to
 * hv/load/.
 */
#ifndef BAREGT_HV_LOAD_ELF_H
#define BAREGT_HV_LOAD_ELF_H

#include "hv/load/common.h"

/* e_ident[EI_CLASS] (gABI "ELF Identification"). */
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

/*
 * Load an ELF64 x86-64 ET_EXEC image by its PT_LOAD program headers, as
 * elf_load(), but check that entry (not e_entry) lies in a loaded segment;
 * entry_name names it in the error ("PVH entry"). below_4g: every segment
 * must end below 4 GiB.
 */
bool elf64_load_with_entry(struct loader *ld, uint64_t entry,
                           const char *entry_name, bool below_4g);

enum elf_note_find {
	ELF_NOTE_ABSENT,              /* not there (or not an ELF64 file) */
	ELF_NOTE_FOUND,               /* *note says where its descriptor is */
	ELF_NOTE_TRUNCATED,           /* there, its descriptor runs past the
	                                 end of its PT_NOTE segment or file */
};

struct elf_note {
	uint64_t desc_offset;         /* file offset of the descriptor */
	uint32_t desc_size;
};

/*
 * Look through the PT_NOTE segments of a little-endian ELF64 file for the
 * first note with this name (compared with its NUL) and type. Safe on any
 * bytes: everything is bounds-checked against size (>= 5, after
 * elf_identify()).
 */
enum elf_note_find elf64_find_note(const uint8_t *image, uint64_t size,
                                   const char *name, uint32_t type,
                                   struct elf_note *note);

#endif /* BAREGT_HV_LOAD_ELF_H */
