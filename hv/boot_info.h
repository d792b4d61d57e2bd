/*
 * hv/boot_info.h — everything boot/ hands to the hypervisor core.
 *
 * The core defines this structure and boot/ fills it in (docs/boot.md).
 * Once hv_main() is called, nothing calls back into boot/ and no UEFI boot
 * service is used again; the only firmware entry kept is the runtime
 * services table (for ResetSystem).
 */
#ifndef BAREGT_HV_BOOT_INFO_H
#define BAREGT_HV_BOOT_INFO_H

#include <stdint.h>
#include "hv/config/config.h"

#define BOOT_INFO_MAGIC     0x4f4f425447455241ull /* "AREGTBOO" */
#define BOOT_MAX_MEM        512  /* memory-map ranges kept */
#define BOOT_MAX_RT         64   /* runtime-services regions kept */
#define BOOT_MAX_FILES      (CONFIG_MAX_VMS * (1 + CONFIG_MAX_MODULES))

/* Free RAM the core keeps for itself (page tables, stacks, VMCS, EPT);
 * the VMs' memory must fit in what remains. */
#define HV_RESERVED_RAM     (32ull << 20)

/* What a physical range is, in the core's own words (from the EFI map). */
enum mem_type {
	MEM_FREE = 0,       /* conventional RAM: the page allocator's */
	MEM_LOADER,         /* this image, boot_info, loaded files: kept */
	MEM_BOOT_SERVICES,  /* firmware boot-time code/data: left alone */
	MEM_RT_CODE,        /* runtime services code: kept, executable */
	MEM_RT_DATA,        /* runtime services data: kept */
	MEM_ACPI_RECLAIM,   /* ACPI tables */
	MEM_ACPI_NVS,
	MEM_MMIO,           /* firmware-reported MMIO / port space */
	MEM_RESERVED,       /* reserved, unusable, persistent, anything else */
	MEM_NTYPES,
};

struct mem_range {
	uint64_t base;      /* HPA, 4 KiB aligned */
	uint64_t npages;    /* 4 KiB pages */
	enum mem_type type;
};

/* A runtime-services region from the EFI memory attributes table. */
#define RT_RANGE_RO  (1u << 0)  /* map read-only */
#define RT_RANGE_XP  (1u << 1)  /* map no-execute */
struct rt_range {
	uint64_t base;
	uint64_t npages;
	uint32_t attrs;
};

/*
 * One file a VM names. A file named several times (by several VMs, or
 * twice by one) is read once: every entry naming it has the hpa and size
 * of the first, and its bytes are read-only for everyone (the loaders
 * copy from them into each VM's RAM).
 */
struct boot_file {
	char path[CONFIG_PATH_MAX]; /* as this entry's config line spells it */
	uint64_t hpa;       /* where boot/ loaded it (LoaderData pages) */
	uint64_t size;      /* bytes */
	unsigned vm;        /* index into config.vm[] */
	int module;         /* -1: the VM's image; else index into module[] */
	unsigned first;     /* index of the entry the file was read for
	                     * (this entry's own index if it was) */
};

struct boot_fb {
	uint64_t base;      /* HPA of the linear framebuffer, 0 if none */
	uint64_t size;
	uint32_t width, height;
	uint32_t stride;    /* pixels per scan line */
	uint32_t format;    /* EFI_GRAPHICS_PIXEL_FORMAT value */
};

struct boot_info {
	uint64_t magic;

	/* The hypervisor image (HPA == address, UEFI runs identity-mapped). */
	uint64_t image_base, image_end;
	uint64_t text_start, text_end;     /* page aligned */
	uint64_t rodata_start, rodata_end; /* page aligned */

	const char *cfg_path;
	struct config config;

	unsigned nfiles;
	struct boot_file files[BOOT_MAX_FILES];

	unsigned nmem;
	struct mem_range mem[BOOT_MAX_MEM];
	unsigned nmem_dropped;             /* ranges beyond BOOT_MAX_MEM */

	unsigned nrt;                      /* 0: no memory attributes table */
	struct rt_range rt[BOOT_MAX_RT];

	uint64_t acpi_rsdp;                /* HPA of the RSDP, 0 if none */
	struct boot_fb fb;
	void *efi_rt;                      /* EFI_RUNTIME_SERVICES * */
	uint64_t tsc_efi_main;             /* RDTSC at efi_main entry */
	/* The firmware's clock (EFI GetTime, UTC or local as the machine
	 * keeps it) and the TSC when it was read; valid = 0 if none. */
	struct {
		uint16_t year;
		uint8_t month, day, hour, minute, second, valid;
	} wallclock;
	uint64_t tsc_wallclock;
};

/* The core's entry point; does not return. */
void hv_main(struct boot_info *bi) __attribute__((noreturn));

const char *mem_type_name(enum mem_type t);

#endif
