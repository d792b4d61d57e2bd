/*
 * hv/load/elf.c — loading an ELF executable by its program headers, and
 * finding a note in its PT_NOTE segments, for the formats whose images
 * are ELF files (elf64.c, multiboot.c, pvh.c).
 *
 * Layouts from the System V gABI ("ELF Header", "Program Header") and the
 * ELF-64 Object File Format 1.5: Elf64_Ehdr (64 bytes), Elf64_Phdr (56),
 * Elf32_Ehdr (52), Elf32_Phdr (32). Fields are read at their offsets with
 * little-endian loads, never through a cast pointer: the file is untrusted
 * and need not be aligned. Each PT_LOAD segment is placed by p_paddr
 * (guest memory is identity-mapped at entry): p_filesz bytes from p_offset,
 * then zeroes up to p_memsz.
 *
 * Notes (gABI "Note Section"): namesz, descsz, type (4 bytes each), then
 * the name (namesz bytes, its NUL included) and the descriptor (descsz
 * bytes), each starting on the segment's note alignment (4 bytes, or 8
 * when p_align says 8).
 */
#include "hv/load/elf.h"

#include <stdio.h>
#include <string.h>

/* e_ident (gABI "ELF Identification"). */
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define EI_NIDENT   16
#define ELFDATA2LSB 1
#define EV_CURRENT  1

#define ET_EXEC     2
#define EM_386      3
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_NOTE     4
#define PN_XNUM     0xFFFF  /* real e_phnum is in section header 0 */

/* Elf32_Ehdr / Elf64_Ehdr field offsets: e_type and e_machine are shared. */
#define EH_TYPE           16
#define EH_MACHINE        18
#define EH32_ENTRY        24
#define EH32_PHOFF        28
#define EH32_PHENTSIZE    42
#define EH32_PHNUM        44
#define EH64_ENTRY        24
#define EH64_PHOFF        32
#define EH64_PHENTSIZE    54
#define EH64_PHNUM        56

/* Elf32_Phdr / Elf64_Phdr field offsets (p_type is first in both). */
#define PH_TYPE           0
#define PH32_OFFSET       4
#define PH32_PADDR        12
#define PH32_FILESZ       16
#define PH32_MEMSZ        20
#define PH64_OFFSET       8
#define PH64_PADDR        24
#define PH64_FILESZ       32
#define PH64_MEMSZ        40
#define PH64_ALIGN        48

/* Note header: namesz, descsz, type (gABI "Note Section"). */
#define NOTE_NAMESZ       0
#define NOTE_DESCSZ       4
#define NOTE_TYPE         8
#define NOTE_HEADER       12

/* What each class must look like to BareGT. */
struct elf_class_rules {
	unsigned elf_class;
	const char *name;             /* "ELF64" */
	uint64_t ehdr_size;           /* sizeof(ElfNN_Ehdr) */
	uint16_t phdr_size;           /* sizeof(ElfNN_Phdr) */
	uint16_t machine;
	const char *machine_name;
};

static const struct elf_class_rules elf64_rules = {
	ELFCLASS64, "ELF64", 64, 56, EM_X86_64, "x86-64 (EM_X86_64 = 62)",
};
static const struct elf_class_rules elf32_rules = {
	ELFCLASS32, "ELF32", 52, 32, EM_386, "i386 (EM_386 = 3)",
};

/* The Elf32_Ehdr / Elf64_Ehdr fields BareGT uses, widened. */
struct elf_header {
	uint16_t type, machine;
	uint64_t entry, phoff;
	uint16_t phentsize, phnum;
};

bool elf_identify(const uint8_t *image, uint64_t size, unsigned *elf_class)
{
	static const uint8_t elfmag[4] = { 0x7F, 'E', 'L', 'F' };

	if (size <= EI_CLASS || memcmp(image, elfmag, sizeof elfmag) != 0)
		return false;
	*elf_class = image[EI_CLASS];
	return true;
}

/* Needs ehdr_size bytes of image. */
static void elf_read_header(const uint8_t *image, unsigned elf_class,
                            struct elf_header *h)
{
	h->type = ld_get16(image + EH_TYPE);
	h->machine = ld_get16(image + EH_MACHINE);
	if (elf_class == ELFCLASS64) {
		h->entry = ld_get64(image + EH64_ENTRY);
		h->phoff = ld_get64(image + EH64_PHOFF);
		h->phentsize = ld_get16(image + EH64_PHENTSIZE);
		h->phnum = ld_get16(image + EH64_PHNUM);
	} else {
		h->entry = ld_get32(image + EH32_ENTRY);
		h->phoff = ld_get32(image + EH32_PHOFF);
		h->phentsize = ld_get16(image + EH32_PHENTSIZE);
		h->phnum = ld_get16(image + EH32_PHNUM);
	}
}

/* Needs phdr_size bytes at ph; p_type to *type, the rest to *seg. */
static void elf_read_phdr(const uint8_t *ph, unsigned elf_class,
                          uint32_t *type, struct ld_segment *seg)
{
	*type = ld_get32(ph + PH_TYPE);
	if (elf_class == ELFCLASS64) {
		seg->file_offset = ld_get64(ph + PH64_OFFSET);
		seg->gpa = ld_get64(ph + PH64_PADDR);
		seg->file_size = ld_get64(ph + PH64_FILESZ);
		seg->mem_size = ld_get64(ph + PH64_MEMSZ);
	} else {
		seg->file_offset = ld_get32(ph + PH32_OFFSET);
		seg->gpa = ld_get32(ph + PH32_PADDR);
		seg->file_size = ld_get32(ph + PH32_FILESZ);
		seg->mem_size = ld_get32(ph + PH32_MEMSZ);
	}
}

/* e_ident beyond the magic: class, byte order, version. */
static bool elf_check_ident(struct loader *ld, const struct elf_class_rules *r)
{
	const uint8_t *ident = ld->image;

	if (ld->image_size < EI_NIDENT || ld->image_size < r->ehdr_size)
		return ld_fail(ld, "image truncated: the %s header needs %llu "
		               "bytes, the file has %llu", r->name,
		               (unsigned long long)r->ehdr_size,
		               (unsigned long long)ld->image_size);
	if (ident[EI_CLASS] != r->elf_class)
		return ld_fail(ld, "ELF class %u is not %s (a Multiboot image "
		               "without header flag 16 must be ELF32)",
		               ident[EI_CLASS], r->name);
	if (ident[EI_DATA] != ELFDATA2LSB)
		return ld_fail(ld, "ELF data encoding %u is not little-endian "
		               "(ELFDATA2LSB)", ident[EI_DATA]);
	if (ident[EI_VERSION] != EV_CURRENT)
		return ld_fail(ld, "ELF version %u is not EV_CURRENT (1)",
		               ident[EI_VERSION]);
	return true;
}

/* e_type, e_machine and the program header table's place in the file. */
static bool elf_check_header(struct loader *ld,
                             const struct elf_class_rules *r,
                             const struct elf_header *h)
{
	uint64_t table_size;

	if (h->type != ET_EXEC)
		return ld_fail(ld, "ELF type %u is not ET_EXEC (2): BareGT loads "
		               "executables only", h->type);
	if (h->machine != r->machine)
		return ld_fail(ld, "ELF machine %u is not %s", h->machine,
		               r->machine_name);
	if (h->phentsize != r->phdr_size)
		return ld_fail(ld, "ELF e_phentsize %u is not sizeof(%s_Phdr) = %u",
		               h->phentsize, r->elf_class == ELFCLASS64 ? "Elf64"
		                                                        : "Elf32",
		               r->phdr_size);
	if (h->phnum == 0)
		return ld_fail(ld, "ELF has no program headers");
	if (h->phnum == PN_XNUM)
		return ld_fail(ld, "ELF e_phnum is PN_XNUM (extended numbering), "
		               "which BareGT does not support");
	table_size = (uint64_t)h->phnum * h->phentsize;  /* < 2^32 */
	if (!ld_fits(h->phoff, table_size, ld->image_size))
		return ld_fail(ld, "image truncated: program header table at "
		               "offset 0x%llx + 0x%llx is past the end of the "
		               "0x%llx byte file", (unsigned long long)h->phoff,
		               (unsigned long long)table_size,
		               (unsigned long long)ld->image_size);
	return true;
}

/*
 * Place every PT_LOAD (in program-header order; a later segment overwrites
 * an earlier one where they overlap). Segments are named by their
 * program-header index, counted from 0 as readelf does.
 */
static bool elf_load_segments(struct loader *ld,
                              const struct elf_class_rules *r,
                              const struct elf_header *h, bool below_4g,
                              uint64_t entry, const char *entry_name)
{
	bool entry_loaded = false;
	unsigned i, nloaded = 0;
	char what[32];

	for (i = 0; i < h->phnum; i++) {
		const uint8_t *ph = ld->image + h->phoff + (uint64_t)i * r->phdr_size;
		struct ld_segment seg;
		uint32_t type;

		elf_read_phdr(ph, r->elf_class, &type, &seg);
		if (type != PT_LOAD || (seg.mem_size == 0 && seg.file_size == 0))
			continue;
		snprintf(what, sizeof what, "ELF segment %u", i);
		if (!ld_load_segment(ld, what, &seg, below_4g))
			return false;
		nloaded++;
		if (entry >= seg.gpa && entry - seg.gpa < seg.mem_size)
			entry_loaded = true;
	}
	if (nloaded == 0)
		return ld_fail(ld, "ELF has no loadable segment (PT_LOAD with "
		               "p_memsz > 0)");
	if (!entry_loaded)
		return ld_fail(ld, "%s 0x%llx is outside the loaded segments",
		               entry_name, (unsigned long long)entry);
	return true;
}

bool elf_load(struct loader *ld, unsigned elf_class, uint64_t *entry)
{
	const struct elf_class_rules *r =
		elf_class == ELFCLASS64 ? &elf64_rules : &elf32_rules;
	struct elf_header h;

	if (!elf_check_ident(ld, r))
		return false;
	elf_read_header(ld->image, r->elf_class, &h);
	if (!elf_check_header(ld, r, &h) ||
	    !elf_load_segments(ld, r, &h, r->elf_class == ELFCLASS32, h.entry,
	                       "entry point"))
		return false;
	*entry = h.entry;
	return true;
}

bool elf64_load_with_entry(struct loader *ld, uint64_t entry,
                           const char *entry_name, bool below_4g)
{
	struct elf_header h;

	if (!elf_check_ident(ld, &elf64_rules))
		return false;
	elf_read_header(ld->image, ELFCLASS64, &h);
	return elf_check_header(ld, &elf64_rules, &h) &&
	       elf_load_segments(ld, &elf64_rules, &h, below_4g, entry,
	                         entry_name);
}

/* ---- notes ----------------------------------------------------------- */

/*
 * Walk the notes in file bytes [start, end) (a PT_NOTE segment, already
 * clipped to the file) for (name, type). The descriptor and the next note
 * start at the next multiple of pad from the segment's start. A note whose
 * header or name runs past the end stops the walk: nothing after it can
 * be found.
 */
static enum elf_note_find find_in_segment(const uint8_t *image,
                                          uint64_t start, uint64_t end,
                                          uint64_t pad, const char *name,
                                          uint32_t type,
                                          struct elf_note *note)
{
	uint64_t want_namesz = strlen(name) + 1;
	uint64_t off = start;

	while (end - off >= NOTE_HEADER) {
		uint64_t namesz = ld_get32(image + off + NOTE_NAMESZ);
		uint64_t descsz = ld_get32(image + off + NOTE_DESCSZ);
		uint32_t ntype = ld_get32(image + off + NOTE_TYPE);
		uint64_t name_off = off + NOTE_HEADER;
		uint64_t desc_off, next;

		/* Sizes are 32-bit: no sum below overflows 64 bits. */
		if (namesz > end - name_off)
			return ELF_NOTE_ABSENT;
		desc_off = start + ((name_off + namesz - start + pad - 1) &
		                    ~(pad - 1));
		if (namesz == want_namesz && ntype == type &&
		    memcmp(image + name_off, name, (size_t)namesz) == 0) {
			if (desc_off > end || descsz > end - desc_off)
				return ELF_NOTE_TRUNCATED;
			note->desc_offset = desc_off;
			note->desc_size = (uint32_t)descsz;
			return ELF_NOTE_FOUND;
		}
		next = start + ((desc_off + descsz - start + pad - 1) &
		                ~(pad - 1));
		if (next > end)
			return ELF_NOTE_ABSENT;
		off = next;
	}
	return ELF_NOTE_ABSENT;
}

enum elf_note_find elf64_find_note(const uint8_t *image, uint64_t size,
                                   const char *name, uint32_t type,
                                   struct elf_note *note)
{
	enum elf_note_find found = ELF_NOTE_ABSENT;
	struct elf_header h;
	uint64_t table_size;
	unsigned i;

	if (size < elf64_rules.ehdr_size || image[EI_CLASS] != ELFCLASS64 ||
	    image[EI_DATA] != ELFDATA2LSB)
		return ELF_NOTE_ABSENT;
	elf_read_header(image, ELFCLASS64, &h);
	table_size = (uint64_t)h.phnum * h.phentsize;
	if (h.phentsize != elf64_rules.phdr_size || h.phnum == PN_XNUM ||
	    !ld_fits(h.phoff, table_size, size))
		return ELF_NOTE_ABSENT;
	for (i = 0; i < h.phnum && found != ELF_NOTE_FOUND; i++) {
		const uint8_t *ph = image + h.phoff + (uint64_t)i * h.phentsize;
		uint64_t off = ld_get64(ph + PH64_OFFSET);
		uint64_t filesz = ld_get64(ph + PH64_FILESZ);
		uint64_t pad = ld_get64(ph + PH64_ALIGN) == 8 ? 8 : 4;
		enum elf_note_find f;

		if (ld_get32(ph + PH_TYPE) != PT_NOTE)
			continue;
		if (off > size)
			continue;
		if (filesz > size - off)
			filesz = size - off;      /* what the file holds of it */
		f = find_in_segment(image, off, off + filesz, pad, name, type,
		                    note);
		if (f != ELF_NOTE_ABSENT)
			found = f;
	}
	return found;
}
