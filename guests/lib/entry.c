/*
 * guests/lib/entry.c — from the boot protocol to guest_main(cmdline);
 * its return value becomes the exit code (port 0xF4).
 */
#include "guest.h"

const struct bg_start_info *guest_start_info;
const struct mb_info *guest_mbi;
uint64_t guest_tsc_at_entry;

void guest_start64(const struct bg_start_info *si);
void guest_start32(uint32_t magic, const struct mb_info *mbi);

void guest_start64(const struct bg_start_info *si)
{
	const char *cmdline = "";

	guest_start_info = si;
	if (si && si->magic == BG_START_MAGIC) {
		cmdline = (const char *)(uintptr_t)si->cmdline_gpa;
		guest_name = (const char *)(uintptr_t)si->name_gpa;
	}
#ifdef __x86_64__
	idt_install();
#endif
	guest_exit((unsigned)guest_main(cmdline));
}

void guest_start32(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";

	if (magic == MB_BOOT_MAGIC) {
		guest_mbi = mbi;
		if (mbi->flags & (1u << 2))
			cmdline = (const char *)(uintptr_t)mbi->cmdline;
	}
	guest_exit((unsigned)guest_main(cmdline));
}
