/*
 * boot/efi_main.c — the UEFI entry point. Prints the banner, reads the
 * configuration and every file it names, gathers the platform facts,
 * leaves boot services and enters the core (docs/boot.md). Any error
 * before that is reported as PATH:LINE: problem and control goes back to
 * the firmware with everything it lent us freed.
 */
#include <string.h>
#include "boot/boot.h"
#include "boot/file_table.h"
#include "hv/acpi.h"
#include "hv/console.h"
#include "hv/console_hw.h"
#include "hv/cpu.h"
#include "version.h"

extern char _text[], _etext[], _rodata[], _erodata[];

/* ---- UEFI console sink (boot phase only) -------------------------------- */

static void conout_write(struct con_sink *s, const char *buf, size_t len)
{
	CHAR16 out[2 * CON_LINE_MAX + 1];
	size_t i, o = 0;

	(void)s;
	for (i = 0; i < len; i++) {
		if (o + 3 >= sizeof(out) / sizeof(out[0])) {
			out[o] = 0;
			ST->ConOut->OutputString(ST->ConOut, out);
			o = 0;
		}
		if (buf[i] == '\n')
			out[o++] = L'\r';
		out[o++] = (CHAR16)(unsigned char)buf[i];
	}
	out[o] = 0;
	ST->ConOut->OutputString(ST->ConOut, out);
}

static struct con_sink conout_sink = { .write = conout_write };

/* ---- helpers -------------------------------------------------------------- */

const char *boot_status_str(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS:           return "success";
	case EFI_NOT_FOUND:         return "not found";
	case EFI_ACCESS_DENIED:     return "access denied";
	case EFI_DEVICE_ERROR:      return "device error";
	case EFI_VOLUME_CORRUPTED:  return "volume corrupted";
	case EFI_NO_MEDIA:          return "no media";
	case EFI_MEDIA_CHANGED:     return "media changed";
	case EFI_OUT_OF_RESOURCES:  return "out of memory";
	case EFI_INVALID_PARAMETER: return "is a directory or invalid";
	case EFI_BAD_BUFFER_SIZE:   return "file too large";
	case EFI_END_OF_FILE:       return "file shorter than its size";
	case EFI_UNSUPPORTED:       return "unsupported";
	default:                    return "firmware error";
	}
}

/* Frees each buffer once: entries sharing a file do not own it. */
static void boot_free_files(struct boot_info *bi)
{
	unsigned i;

	for (i = 0; i < bi->nfiles; i++)
		if (bi->files[i].first == i)
			boot_free_file(bi->files[i].hpa, bi->files[i].size);
	bi->nfiles = 0;
}

/* The file named at cfg line `line` for VM vm: read from the ESP unless
 * an earlier entry names the same file (boot/file_table.h). */
static bool boot_load_one(EFI_FILE_HANDLE root, struct boot_info *bi,
                          const char *path, unsigned line, unsigned vm,
                          int module)
{
	unsigned i = bi->nfiles, j = boot_file_lookup(bi->files, i, path);
	struct boot_file *f = &bi->files[i];
	EFI_STATUS s;

	if (j < i) {
		f->hpa = bi->files[j].hpa;
		f->size = bi->files[j].size;
		f->first = bi->files[j].first;
	} else {
		s = boot_read_file(root, path, ~0ull, &f->hpa, &f->size);
		if (EFI_ERROR(s)) {
			log_error("%s:%u: vm '%s': cannot read %s '%s': %s",
			          bi->cfg_path, line, bi->config.vm[vm].name,
			          module < 0 ? "image" : "module", path,
			          boot_status_str(s));
			return false;
		}
		f->first = i;
	}
	memcpy(f->path, path, sizeof(f->path));
	f->vm = vm;
	f->module = module;
	bi->nfiles++;
	return true;
}

static bool boot_load_files(EFI_FILE_HANDLE root, struct boot_info *bi)
{
	uint64_t t0 = rdtsc(), bytes = 0;
	unsigned v, m, i, nread = 0;

	for (v = 0; v < bi->config.nvms; v++) {
		struct vm_config *vc = &bi->config.vm[v];
		if (!boot_load_one(root, bi, vc->image, vc->image_line, v, -1))
			return false;
		for (m = 0; m < vc->nmodules; m++)
			if (!boot_load_one(root, bi, vc->module[m].path,
			                   vc->module[m].line, v, (int)m))
				return false;
	}
	for (i = 0; i < bi->nfiles; i++)
		if (bi->files[i].first == i) {
			nread++;
			bytes += bi->files[i].size;
		}
	/* make bench subtracts this from the boot path's length. */
	log_info("boot: %u file(s) named, %u read from the ESP (%llu bytes)"
	         " in %llu TSC ticks", bi->nfiles, nread,
	         (unsigned long long)bytes, (unsigned long long)(rdtsc() - t0));
	return true;
}

static bool boot_read_config(EFI_FILE_HANDLE root, struct boot_info *bi)
{
	struct config_error err;
	uint64_t hpa, size;
	EFI_STATUS s;
	bool ok;

	s = boot_read_file(root, bi->cfg_path, BOOT_CFG_MAX_BYTES, &hpa, &size);
	if (EFI_ERROR(s)) {
		log_error("%s: cannot read the configuration: %s", bi->cfg_path,
		          s == EFI_BAD_BUFFER_SIZE ? "larger than 64 KiB"
		                                   : boot_status_str(s));
		return false;
	}
	ok = config_parse((const char *)(UINTN)hpa, size, &bi->config, &err);
	boot_free_file(hpa, size);
	if (!ok) {
		if (err.line)
			log_error("%s:%u: %s", bi->cfg_path, err.line, err.msg);
		else
			log_error("%s: %s", bi->cfg_path, err.msg);
	}
	return ok;
}

static bool boot_check_machine(struct boot_info *bi)
{
	struct machine_facts mf = { 0 };
	struct config_error err;
	struct acpi_info *ai;
	char aerr[ACPI_ERR_MAX];
	uint64_t free_ram = boot_free_ram_bytes();

	mf.usable_ram_bytes = free_ram > HV_RESERVED_RAM ? free_ram - HV_RESERVED_RAM : 0;
	mf.usable_ram_bytes &= ~((2ull << 20) - 1);  /* VMs take 2 MiB units */
	ai = AllocatePool(sizeof(*ai));
	if (ai && acpi_scan(bi->acpi_rsdp, ai, aerr, sizeof(aerr)))
		mf.ncpus = acpi_madt_cpus(acpi_find(ai, "APIC"));
	if (ai)
		FreePool(ai);
	if (config_check_machine(&bi->config, &mf, &err))
		return true;
	log_error("%s:%u: %s", bi->cfg_path, err.line, err.msg);
	return false;
}

/* ---- entry ---------------------------------------------------------------- */

/* Called by GNU-EFI's crt0 with the SysV convention (not EFIAPI). */
/* The firmware's wall clock, for the VMs' CMOS clocks (UEFI 2.9 §8.3.1
 * GetTime). A machine without one leaves valid = 0. */
static void boot_read_clock(struct boot_info *bi)
{
	EFI_TIME t;

	if (EFI_ERROR(RT->GetTime(&t, NULL)) || t.Month < 1 || t.Month > 12 ||
	    t.Day < 1 || t.Day > 31 || t.Hour > 23 || t.Minute > 59 ||
	    t.Second > 59)
		return;
	bi->tsc_wallclock = rdtsc();
	bi->wallclock.year = t.Year;
	bi->wallclock.month = t.Month;
	bi->wallclock.day = t.Day;
	bi->wallclock.hour = t.Hour;
	bi->wallclock.minute = t.Minute;
	bi->wallclock.second = t.Second;
	bi->wallclock.valid = 1;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	uint64_t tsc = rdtsc();
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root = NULL;
	struct boot_info *bi;
	EFI_STATUS s;

	InitializeLib(image, systab);
	console_hw_early(!boot_conout_has_serial());
	con_add_sink(&conout_sink);
	log_info("BareGT %s (git %s): mediated GPU-sharing hypervisor",
	         BAREGT_VERSION, BAREGT_GIT);

	bi = AllocateZeroPool(sizeof(*bi));
	if (!bi) {
		log_error("boot: out of memory for boot_info");
		s = EFI_OUT_OF_RESOURCES;
		goto out;
	}
	bi->magic = BOOT_INFO_MAGIC;
	bi->tsc_efi_main = tsc;
	bi->cfg_path = BOOT_CFG_PATH;

	s = boot_open_volume(image, &root);
	if (EFI_ERROR(s)) {
		log_error("boot: cannot open the boot volume: %s", boot_status_str(s));
		goto out;
	}
	s = EFI_LOAD_ERROR;
	if (!boot_read_config(root, bi))
		goto out;
	con_set_level(bi->config.log_level);
	bi->acpi_rsdp = boot_find_rsdp();
	if (!boot_load_files(root, bi) || !boot_check_machine(bi))
		goto out;
	root->Close(root);
	root = NULL;

	boot_find_framebuffer(&bi->fb);
	boot_find_rt_attributes(bi);
	BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	bi->image_base = (uint64_t)(UINTN)li->ImageBase;
	bi->image_end = bi->image_base + li->ImageSize;
	bi->text_start = (uint64_t)(UINTN)_text;
	bi->text_end = ((uint64_t)(UINTN)_etext + 4095) & ~4095ull;
	bi->rodata_start = (uint64_t)(UINTN)_rodata;
	bi->rodata_end = (uint64_t)(UINTN)_erodata;
	bi->efi_rt = ST->RuntimeServices;
	boot_read_clock(bi);

	log_info("boot: %u file(s) loaded, leaving UEFI boot services",
	         bi->nfiles);
	con_remove_sink(&conout_sink);
	s = boot_exit_services(image, bi);
	if (EFI_ERROR(s)) {
		/* Boot services may be half gone: returning is not safe. */
		log_error("boot: ExitBootServices failed: %s; halting",
		          boot_status_str(s));
		cpu_park();
	}
	hv_main(bi);

out:
	log_error("BareGT did not start; returning to the firmware");
	con_remove_sink(&conout_sink);
	if (root)
		root->Close(root);
	if (bi) {
		boot_free_files(bi);
		FreePool(bi);
	}
	return s;
}
