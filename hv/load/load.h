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
 * program headers, notes), the Multiboot Specification 0.6.96 (header
 * §3.1, machine state §3.2, boot information §3.3), the Linux/x86 boot
 * protocol (Documentation/x86/boot.rst: the setup header, the 64-bit boot
 * protocol, struct boot_params in zero-page.rst) and PVH (Xen's
 * docs/misc/pvh.pandoc and public/arch-x86/hvm/start_info.h: the
 * XEN_ELFNOTE_PHYS32_ENTRY note, struct hvm_start_info version 1).
 *
 * Inside hv/load/: dispatch.c recognises the format and calls its loader
 * (elf64.c, multiboot.c, linux.c, pvh.c: one file per format), which build
 * on the helpers the formats share (common.c) and on the ELF reader
 * (elf.c). e820.c builds the VM's memory map (guest_memmap_pc), which the
 * caller hands in and each loader writes in its protocol's format.
 */
#ifndef BAREGT_HV_LOAD_LOAD_H
#define BAREGT_HV_LOAD_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/dev/acpi_map.h"

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

/*
 * GDT selectors at entry (the VMCS builder loads guest_entry.cs_sel and
 * ds_sel): ELF64, Multiboot and PVH use 0x08 code / 0x10 data; Linux's
 * 64-bit boot protocol wants __BOOT_CS = 0x10 and __BOOT_DS = 0x18
 * (boot.rst, "64-bit Boot Protocol").
 */
#define GUEST_CODE_SEL       0x08
#define GUEST_DATA_SEL       0x10
#define GUEST_LINUX_CODE_SEL 0x10
#define GUEST_LINUX_DATA_SEL 0x18

/*
 * The platform's guest-physical map (docs/platform.md, "Guest-physical
 * map"): what guest_memmap_pc() reports besides RAM. The addresses are
 * the platform's, defined once in hv/dev/acpi_map.h (which the DSDT
 * shares).
 */
#define GUEST_LOW_RAM_END  0x9FC00    /* conventional memory: [0, 639 KiB) */
#define GUEST_ACPI_GPA     ACPI_MAP_TABLES_GPA
#define GUEST_ECAM_GPA     ACPI_MAP_ECAM_GPA
#define GUEST_ECAM_BYTES   ACPI_MAP_ECAM_SIZE
#define GUEST_IOAPIC_GPA   ACPI_MAP_IOAPIC_GPA
#define GUEST_IOAPIC_BYTES 0x1000
#define GUEST_HPET_GPA     ACPI_MAP_HPET_GPA
#define GUEST_HPET_BYTES   0x1000     /* the 1 KiB block's page */
#define GUEST_LAPIC_GPA    ACPI_MAP_LAPIC_GPA
#define GUEST_LAPIC_BYTES  0x1000
#define GUEST_RAM_MAX      ACPI_MAP_PCI_MEM_FIRST  /* RAM ends below the PCI window */

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u  /* in the image, §3.1.1 */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u  /* in EAX at entry, §3.2 */

enum guest_kind {
	GUEST_ELF64 = 1, GUEST_MULTIBOOT = 2, GUEST_LINUX = 3, GUEST_PVH = 4,
};

/*
 * The VM's memory map, built once per VM (guest_memmap_pc) and handed to
 * the loader, which writes it the way its protocol wants: the e820 table
 * of Linux's boot_params, PVH's hvm_memmap_table_entry list, Multiboot's
 * mmap. Types are the e820 / ACPI address range types (ACPI 6.x §15.1,
 * Table "Address Range Types").
 */
#define GUEST_MEM_USABLE   1u
#define GUEST_MEM_RESERVED 2u
#define GUEST_MEM_ACPI     3u          /* ACPI reclaimable */
#define GUEST_MEM_NVS      4u          /* ACPI NVS */
#define GUEST_MEMMAP_MAX   32u         /* entries (boot_params holds 128) */

struct guest_memmap_entry {
	uint64_t gpa;
	uint64_t length;
	uint32_t type;               /* GUEST_MEM_* */
};

struct guest_memmap {
	unsigned nentries;           /* <= GUEST_MEMMAP_MAX */
	struct guest_memmap_entry entry[GUEST_MEMMAP_MAX];
};

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
	/*
	 * The VM's memory map (guest_memmap_pc); NULL = the loader's basic
	 * map: [0, 0x9FC00) usable, up to 1 MiB reserved, [1 MiB, RAM)
	 * usable.
	 */
	const struct guest_memmap *memmap;
	uint64_t rsdp_gpa;           /* the ACPI RSDP for Linux/PVH; 0 = none */
};

struct guest_entry {
	enum guest_kind kind;
	bool long_mode;              /* CS is 64-bit (ELF64, Linux) */
	uint64_t rip, rsp, rax, rbx, rsi, rdi;
	/* cr3: GUEST_PML4_GPA (ELF64, Linux), 0 (Multiboot, PVH) */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_gpa;
	uint16_t gdt_limit;
	/* CS and DS/ES/SS/FS/GS selectors: flat, as the GDT describes them. */
	uint16_t cs_sel, ds_sel;
	/*
	 * Lowest and one-past-highest GPA of the image, bss included (Linux:
	 * the kernel's [load address, + init_size), which it needs free).
	 */
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

/* "elf64", "multiboot", "linux", "pvh", or "?" for anything else. */
const char *guest_kind_name(enum guest_kind k);

/*
 * The platform's memory map for a VM with ram_bytes of RAM (e820.c;
 * docs/platform.md, "Guest-physical map"), in address order: usable
 * [0, 0x9FC00), reserved [0x9FC00, 1 MiB) (the ACPI tables at 0xE0000 lie
 * there), usable [1 MiB, RAM end), reserved ECAM (0xD0000000, 1 MiB),
 * IOAPIC (0xFEC00000, 4 KiB) and local APIC (0xFEE00000, 4 KiB). Returns
 * false (and an empty map) unless 1 MiB < ram_bytes <= GUEST_RAM_MAX.
 */
bool guest_memmap_pc(struct guest_memmap *m, uint64_t ram_bytes);

#endif /* BAREGT_HV_LOAD_LOAD_H */
