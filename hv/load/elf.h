/*
 * hv/load/elf.h — reading an ELF executable (elf.c): recognising the file
 * and placing its PT_LOAD segments in guest RAM. Used by the formats whose
 * images are ELF files: ELF64 (elf64.c) and Multiboot ELF32 kernels
 * (multiboot.c). Private to hv/load/.
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

#endif /* BAREGT_HV_LOAD_ELF_H */
