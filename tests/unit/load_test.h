/*
 * tests/unit/load_test.h — what the loader tests (test_loader,
 * test_load_linux, test_load_pvh) share: the ELF64 header layouts their
 * image builders write, and the load-and-check helpers. A test that
 * includes it defines, at file scope, `ent` (struct guest_entry) and
 * `err` (a char array), which LOAD_OK and LOAD_FAILS use.
 */
#ifndef BAREGT_TESTS_UNIT_LOAD_TEST_H
#define BAREGT_TESTS_UNIT_LOAD_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/config/config.h"     /* CONFIG_ERROR_MAX */
#include "hv/load/load.h"

/* ELF structures (gABI "ELF Header", "Program Header"). */
struct t_elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
	         e_shstrndx;
};

struct t_elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

_Static_assert(sizeof(struct t_elf64_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct t_elf64_phdr) == 56, "Elf64_Phdr");

/* Little-endian fields of images and guest memory, at any alignment. */
static inline uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof v); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof v); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, sizeof v); }

/* Every one of the n bytes at p is v. */
static inline bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

#define LOAD_OK(r) load_ok_at(__FILE__, __LINE__, (r), &ent, err, sizeof err)
#define LOAD_FAILS(r, text) \
	load_fails_at(__FILE__, __LINE__, (r), (text), &ent, err, sizeof err)

static inline void load_ok_at(const char *file, int line,
                              const struct guest_load_req *r,
                              struct guest_entry *ent, char *err, size_t n)
{
	if (!guest_load(r, ent, err, n))
		fail_msg("%s:%d: guest_load failed: %s", file, line, err);
}

/* Fails, the message contains text and fits what callers keep. */
static inline void load_fails_at(const char *file, int line,
                                 const struct guest_load_req *r,
                                 const char *text, struct guest_entry *ent,
                                 char *err, size_t n)
{
	if (guest_load(r, ent, err, n))
		fail_msg("%s:%d: guest_load succeeded, expected '%s'", file, line,
		         text);
	if (strstr(err, text) == NULL)
		fail_msg("%s:%d: error '%s' does not contain '%s'", file, line,
		         err, text);
	if (strlen(err) >= CONFIG_ERROR_MAX)
		fail_msg("%s:%d: error '%s' is longer than the %d bytes callers "
		         "keep", file, line, err, CONFIG_ERROR_MAX - 1);
}

#endif
