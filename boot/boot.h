/*
 * boot/boot.h — the UEFI side of BareGT (boot services only). It reads the
 * config and the files it names, gathers platform facts and hands one
 * struct boot_info to hv_main() (docs/boot.md). Internal to boot/.
 */
#ifndef BAREGT_BOOT_BOOT_H
#define BAREGT_BOOT_BOOT_H

#include <efi.h>
#include <efilib.h>
#include "hv/boot_info.h"

#define BOOT_CFG_PATH      "\\EFI\\BAREGT\\baregt.cfg"
#define BOOT_CFG_MAX_BYTES (64u * 1024)

/* efi_file.c: files on the volume this image was loaded from. */
EFI_STATUS boot_open_volume(EFI_HANDLE image, EFI_FILE_HANDLE *root);
/* Read a whole file into fresh LoaderData pages; *hpa, *size on success. */
EFI_STATUS boot_read_file(EFI_FILE_HANDLE root, const char *path,
                          uint64_t max_size, uint64_t *hpa, uint64_t *size);
void boot_free_file(uint64_t hpa, uint64_t size);

/* efi_platform.c: firmware facts and leaving boot services. */
uint64_t boot_find_rsdp(void);
void boot_find_framebuffer(struct boot_fb *fb);
void boot_find_rt_attributes(struct boot_info *bi);
uint64_t boot_free_ram_bytes(void);
bool boot_conout_has_serial(void);
/* Takes the final map, exits boot services, converts the map. */
EFI_STATUS boot_exit_services(EFI_HANDLE image, struct boot_info *bi);

/* efi_main.c */
const char *boot_status_str(EFI_STATUS s);

#endif
