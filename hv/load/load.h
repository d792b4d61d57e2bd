/*
 * hv/load/load.h — the guest image loader, the public face of hv/load/:
 * lays a VM's image, modules and boot structures out in its RAM exactly as
 * docs/guests.md says and returns the vCPU's entry state.
 *
 * Pure C: no allocation, no I/O, no state outside the caller's structures.
 * The RAM is reached through a host pointer (GPA 0 = ram[0]); the image and
 * module bytes are untrusted (a user's file) and every field taken from them
 * is bounds-checked against the file size and the RAM size.
 *
 * Formats: ELF-64 Object File Format / System V gABI (ELF64 and ELF32
 * program headers) and the Multiboot Specification 0.6.96 (header §3.1,
 * machine state §3.2, boot information §3.3).
 *
 * Inside hv/load/: dispatch.c recognises the format and calls its loader
 * (elf64.c, multiboot.c: one file per format), which build on the helpers
 * the formats share (common.c) and on the ELF reader (elf.c).
 */
#ifndef BAREGT_HV_LOAD_LOAD_H
#define BAREGT_HV_LOAD_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest-physical layout (docs/guests.md, "Guest-physical memory"). */
#define GUEST_GDT_GPA      0x1000
#define GUEST_PML4_GPA     0x2000
#define GUEST_PDPT_GPA     0x3000
#define GUEST_PD_GPA       0x4000     /* page directory i: + i * 4 KiB */
#define GUEST_PT_MAX_GIB   64         /* identity map: min(RAM, 64 GiB) */
#define GUEST_INFO_GPA     0x50000
#define GUEST_INFO_END     0x60000
#define GUEST_STACK_TOP    0x80000
#define GUEST_IMAGE_MIN    0x100000   /* loaded bytes lie in [1 MiB, RAM) */
#define GUEST_INFO_MAGIC   0x49534742u   /* "BGSI" */
#define GUEST_INFO_VERSION 1u
#define GUEST_MAX_MODULES  8          /* = CONFIG_MAX_MODULES */
#define GUEST_MODULE_ALIGN 0x1000     /* modules start on 4 KiB boundaries */

/* GDT selectors and limit (the VMCS builder loads these). */
#define GUEST_CODE_SEL     0x08
#define GUEST_DATA_SEL     0x10
#define GUEST_GDT_LIMIT    (3 * 8 - 1)

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u  /* in the image, §3.1.1 */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u  /* in EAX at entry, §3.2 */

enum guest_kind { GUEST_ELF64 = 1, GUEST_MULTIBOOT = 2 };

struct guest_module {
	const void *data;
	uint64_t size;
	const char *args;            /* NULL = no arguments (empty string) */
};

struct guest_load_req {
	uint8_t *ram;                /* the VM's RAM: GPA 0 = ram[0] */
	uint64_t ram_bytes;          /* a multiple of 2 MiB, >= 2 MiB */
	const void *image;
	uint64_t image_size;
	const char *cmdline;         /* NULL = empty */
	const char *vm_name;         /* NULL = empty */
	const struct guest_module *modules;
	unsigned nmodules;           /* <= GUEST_MAX_MODULES */
};

struct guest_entry {
	enum guest_kind kind;
	bool long_mode;              /* CS is 64-bit (ELF64) */
	uint64_t rip, rsp, rax, rbx, rdi;
	uint64_t cr0, cr3, cr4, efer; /* cr3: GUEST_PML4_GPA (ELF64), 0 (Multiboot) */
	uint64_t gdt_gpa;
	uint16_t gdt_limit;
	/* Lowest and one-past-highest GPA of the image, bss included. */
	uint64_t image_start, image_end;
	uint64_t module_gpa[GUEST_MAX_MODULES]; /* where each module went */
};

/*
 * Load req->image and req->modules into req->ram and build the boot
 * structures (GDT, ELF64 page tables, start information or Multiboot
 * information). On success fill *out and return true. On failure write a
 * message naming the problem into err (errlen bytes, may be 0; every
 * message fits in CONFIG_ERROR_MAX = 160 bytes) and return false; RAM
 * contents and *out are then unspecified. req and out must not be NULL.
 */
bool guest_load(const struct guest_load_req *req, struct guest_entry *out,
                char *err, size_t errlen);

/* "elf64", "multiboot", or "?" for anything else. */
const char *guest_kind_name(enum guest_kind k);

#endif /* BAREGT_HV_LOAD_LOAD_H */
