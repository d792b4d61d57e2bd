/*
 * boot/efi_file.c — reading files from the boot volume (the one
 * BOOTX64.EFI was loaded from) with the Simple File System protocol.
 * Files land in LoaderData pages, which the core keeps after boot.
 */
#include "boot/boot.h"

EFI_STATUS boot_open_volume(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS s;

	s = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(s))
		return s;
	*root = LibOpenRoot(li->DeviceHandle);
	return *root ? EFI_SUCCESS : EFI_NOT_FOUND;
}

/* ASCII path → UCS-2; the config parser allows only printable ASCII. */
static void path_to_ucs2(const char *path, CHAR16 *out, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && path[i]; i++)
		out[i] = (CHAR16)(unsigned char)path[i];
	out[i] = 0;
}

void boot_free_file(uint64_t hpa, uint64_t size)
{
	if (hpa)
		BS->FreePages(hpa, EFI_SIZE_TO_PAGES(size ? size : 1));
}

EFI_STATUS boot_read_file(EFI_FILE_HANDLE root, const char *path,
                          uint64_t max_size, uint64_t *hpa, uint64_t *size)
{
	CHAR16 path16[CONFIG_PATH_MAX];
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *info;
	EFI_PHYSICAL_ADDRESS addr = 0;
	UINT64 fsize, done = 0;
	EFI_STATUS s;

	path_to_ucs2(path, path16, CONFIG_PATH_MAX);
	s = root->Open(root, &fh, path16, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(s))
		return s;
	info = LibFileInfo(fh);
	if (!info) {
		fh->Close(fh);
		return EFI_DEVICE_ERROR;
	}
	fsize = info->FileSize;
	if (info->Attribute & EFI_FILE_DIRECTORY)
		s = EFI_INVALID_PARAMETER;
	FreePool(info);
	if (!EFI_ERROR(s) && fsize > max_size)
		s = EFI_BAD_BUFFER_SIZE;
	if (!EFI_ERROR(s))
		s = BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
		                      EFI_SIZE_TO_PAGES(fsize ? fsize : 1), &addr);
	while (!EFI_ERROR(s) && done < fsize) {
		UINTN chunk = (UINTN)(fsize - done);
		s = fh->Read(fh, &chunk, (void *)(UINTN)(addr + done));
		if (!EFI_ERROR(s) && chunk == 0)
			s = EFI_END_OF_FILE;      /* shorter than it said */
		done += chunk;
	}
	fh->Close(fh);
	if (EFI_ERROR(s)) {
		if (addr)
			BS->FreePages(addr, EFI_SIZE_TO_PAGES(fsize ? fsize : 1));
		return s;
	}
	*hpa = addr;
	*size = fsize;
	return EFI_SUCCESS;
}
