/*
 * boot/efi_platform.c — what the firmware knows that the core needs: the
 * ACPI RSDP and the memory attributes table (EFI configuration table), the
 * GOP framebuffer, whether ConOut already reaches a serial port, and the
 * final memory map taken when boot services end.
 * EFI memory types and attributes: UEFI 2.9 §7.2 (GetMemoryMap),
 * memory attributes table: §4.6.4.
 */
#include "boot/boot.h"
#include "hv/console.h"
#include "hv/memmap.h"

#define EFI_MEMORY_RO_ATTR 0x0000000000020000ull  /* UEFI 2.5+ EFI_MEMORY_RO */

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;
static EFI_GUID mat_guid = { 0xdcfa911d, 0x26eb, 0x469f,
	{ 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x1e, 0x7b } };

/* EFI_MEMORY_ATTRIBUTES_TABLE header; descriptors follow. */
struct efi_mat {
	UINT32 version;
	UINT32 nentries;
	UINT32 desc_size;
	UINT32 reserved;
};

static void *boot_config_table(EFI_GUID *guid)
{
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid) == 0)
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

uint64_t boot_find_rsdp(void)
{
	void *p = boot_config_table(&acpi20_guid);

	if (!p)
		p = boot_config_table(&acpi10_guid);
	return (uint64_t)(UINTN)p;
}

void boot_find_framebuffer(struct boot_fb *fb)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;

	SetMem(fb, sizeof(*fb), 0);
	if (EFI_ERROR(LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop)) ||
	    !gop || !gop->Mode || !gop->Mode->Info)
		return;
	mi = gop->Mode->Info;
	fb->width = mi->HorizontalResolution;
	fb->height = mi->VerticalResolution;
	fb->stride = mi->PixelsPerScanLine;
	fb->format = mi->PixelFormat;
	if (mi->PixelFormat != PixelBltOnly) {
		fb->base = gop->Mode->FrameBufferBase;
		fb->size = gop->Mode->FrameBufferSize;
	}
}

void boot_find_rt_attributes(struct boot_info *bi)
{
	struct efi_mat *mat = boot_config_table(&mat_guid);
	UINT8 *d;
	UINT32 i;

	bi->nrt = 0;
	if (!mat || mat->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
		return;
	if (mat->nentries > BOOT_MAX_RT) {
		/* A range left out would be mapped by its memory-map type, which
		 * may not be what the firmware needs: better to treat the
		 * firmware as having no table (it then gets its own page table
		 * with every runtime range writable and executable). */
		log_warn("boot: the memory attributes table has %u entries, more"
		         " than the %u kept: ignored", mat->nentries, BOOT_MAX_RT);
		return;
	}
	d = (UINT8 *)(mat + 1);
	for (i = 0; i < mat->nentries; i++) {
		EFI_MEMORY_DESCRIPTOR *md = (EFI_MEMORY_DESCRIPTOR *)(d + i * mat->desc_size);
		struct rt_range *r = &bi->rt[bi->nrt++];
		r->base = md->PhysicalStart;
		r->npages = md->NumberOfPages;
		r->attrs = ((md->Attribute & EFI_MEMORY_RO_ATTR) ? RT_RANGE_RO : 0) |
		           ((md->Attribute & EFI_MEMORY_XP) ? RT_RANGE_XP : 0);
	}
}

/* Walks the current map; f is called per descriptor. */
static EFI_STATUS boot_walk_map(void (*f)(EFI_MEMORY_DESCRIPTOR *, void *),
                                void *arg)
{
	UINTN n, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	UINTN i;

	if (!map)
		return EFI_OUT_OF_RESOURCES;
	for (i = 0; i < n; i++)
		f((EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize), arg);
	FreePool(map);
	return EFI_SUCCESS;
}

static void count_free(EFI_MEMORY_DESCRIPTOR *md, void *arg)
{
	if (md->Type == EfiConventionalMemory)
		*(uint64_t *)arg += md->NumberOfPages * EFI_PAGE_SIZE;
}

uint64_t boot_free_ram_bytes(void)
{
	uint64_t bytes = 0;

	boot_walk_map(count_free, &bytes);
	return bytes;
}

/*
 * True when the ConOut variable (the firmware's console outputs) names a
 * UART device-path node: the firmware then mirrors ConOut to serial itself
 * and writing to the UART as well would print every line twice.
 */
bool boot_conout_has_serial(void)
{
	static CHAR16 name[] = L"ConOut";    /* gnu-efi wants it writable */
	UINTN size = 0;
	UINT8 *p = LibGetVariableAndSize(name, &EfiGlobalVariable, &size);
	UINT8 *end;
	bool found = false;

	if (!p)
		return false;
	end = p + size;
	for (UINT8 *n = p; n + 4 <= end;) {
		UINT16 len = (UINT16)(n[2] | n[3] << 8);
		if (n[0] == MESSAGING_DEVICE_PATH && n[1] == MSG_UART_DP)
			found = true;
		if (len < 4)
			break;
		n += len;
	}
	FreePool(p);
	return found;
}

static enum mem_type efi_to_mem_type(UINT32 t)
{
	switch (t) {
	case EfiConventionalMemory:     return MEM_FREE;
	case EfiLoaderCode:
	case EfiLoaderData:             return MEM_LOADER;
	case EfiBootServicesCode:
	case EfiBootServicesData:       return MEM_BOOT_SERVICES;
	case EfiRuntimeServicesCode:    return MEM_RT_CODE;
	case EfiRuntimeServicesData:    return MEM_RT_DATA;
	case EfiACPIReclaimMemory:      return MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:          return MEM_ACPI_NVS;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace: return MEM_MMIO;
	default:                        return MEM_RESERVED;
	}
}

EFI_STATUS boot_exit_services(EFI_HANDLE image, struct boot_info *bi)
{
	UINTN size = 0, cap, key, dsize = 0, i;
	UINT32 dver;
	UINT8 *map = NULL;
	EFI_STATUS s;
	int tries;

	s = BS->GetMemoryMap(&size, NULL, &key, &dsize, &dver);
	if (s != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
	/* Room for the allocation below and for the map growing meanwhile. */
	cap = size + 16 * dsize;
	s = BS->AllocatePool(EfiLoaderData, cap, (void **)&map);
	if (EFI_ERROR(s))
		return s;
	/*
	 * From here on only GetMemoryMap and ExitBootServices may be called:
	 * once ExitBootServices has failed, other services may be gone.
	 */
	for (tries = 0; tries < 8; tries++) {
		size = cap;
		s = BS->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map, &key,
		                     &dsize, &dver);
		if (EFI_ERROR(s))
			return s;
		s = BS->ExitBootServices(image, key);
		if (!EFI_ERROR(s))
			break;
	}
	if (EFI_ERROR(s))
		return s;

	bi->nmem = 0;
	for (i = 0; i < size / dsize; i++) {
		EFI_MEMORY_DESCRIPTOR *md = (EFI_MEMORY_DESCRIPTOR *)(map + i * dsize);
		memmap_add(bi->mem, &bi->nmem, BOOT_MAX_MEM, md->PhysicalStart,
		           md->NumberOfPages, efi_to_mem_type(md->Type),
		           &bi->nmem_dropped);
	}
	memmap_normalize(bi->mem, &bi->nmem);
	return EFI_SUCCESS;
}
