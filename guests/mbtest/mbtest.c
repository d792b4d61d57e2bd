/*
 * guests/mbtest — a Multiboot (v1) guest: checks the machine state and
 * the Multiboot information BareGT hands over (Multiboot 0.6.96 §3.2,
 * §3.3; docs/guests.md), prints each module's size and CRC-32 for the
 * system test to compare with the files, runs the 32-bit MMIO forms
 * against the test device, and ends through the EXIT hypercall.
 * cmdline: "... ram=<MiB> mods=<n>"
 */
#include "guest.h"

#define DEV 0xe0000000u

static void test_state(void)
{
	uint32_t cr0;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	check("multiboot: protected mode, paging off", (cr0 & 0x80000001u) == 1);
	check("multiboot: eax magic 0x2badb002", guest_mbi != NULL);
}

static void test_info(const char *cmdline)
{
	const struct mb_info *mbi = guest_mbi;
	const struct mb_module *mod = (const struct mb_module *)(uintptr_t)mbi->mods_addr;
	const struct mb_mmap *mm = (const struct mb_mmap *)(uintptr_t)mbi->mmap_addr;
	unsigned ram_mib = cmdline_uint(cmdline, "ram", 0), mods = cmdline_uint(cmdline, "mods", 0), i;

	check_eq("mbi flags: mem cmdline mods mmap name", mbi->flags & 0x24d, 0x24d);
	check_eq("mbi mem_lower: the map's first range, 639 KiB", mbi->mem_lower, 639);
	check_eq("mbi mem_upper", mbi->mem_upper, (ram_mib - 1) * 1024);
	check("mbi boot loader name", strcmp((const char *)(uintptr_t)mbi->boot_loader_name,
	                                     "BareGT") == 0);
	check_eq("mbi mods_count", mbi->mods_count, mods);
	/* The platform's map (docs/platform.md, "Guest-physical map"). */
	check_eq("mbi mmap entries", mbi->mmap_length, 7 * sizeof(struct mb_mmap));
	check("mmap 0: low ram available", mm[0].base == 0 && mm[0].length == 0x9fc00 &&
	                                   mm[0].type == 1);
	check("mmap 1: 0x9fc00-1m reserved", mm[1].base == 0x9fc00 && mm[1].type == 2);
	check("mmap 2: ram above 1m", mm[2].base == 0x100000 &&
	      mm[2].length == (uint64_t)(ram_mib - 1) << 20 && mm[2].type == 1);
	check("mmap 3: pci ecam reserved", mm[3].base == 0xd0000000 &&
	      mm[3].length == 0x100000 && mm[3].type == 2);
	check("mmap 4: i/o apic reserved", mm[4].base == 0xfec00000 && mm[4].type == 2);
	check("mmap 5: hpet reserved", mm[5].base == 0xfed00000 && mm[5].type == 2);
	check("mmap 6: local apic reserved", mm[6].base == 0xfee00000 && mm[6].type == 2);
	for (i = 0; i < mbi->mods_count; i++) {
		const char *s = (const char *)(uintptr_t)mod[i].string;
		check("module page-aligned", (mod[i].mod_start & 0xfff) == 0);
		printf("%s: module %u: %u bytes, crc32 %08x, args '%s'\n", guest_name, i + 1,
		       mod[i].mod_end - mod[i].mod_start,
		       crc32((const void *)(uintptr_t)mod[i].mod_start,
		             mod[i].mod_end - mod[i].mod_start), s);
	}
}

static void test_mmio32(void)
{
	uint32_t a, c, d;

	__asm__ __volatile__("movl (%%ebx), %%eax" : "=a"(a) : "b"(DEV + 0x40));
	check_eq("32-bit: load32", a, testdev_pattern_value(0x40, 4));
	__asm__ __volatile__("movw (%%ebx), %%ax" : "=a"(a) : "b"(DEV + 0x44), "a"(0x11223344));
	check_eq("32-bit: load16 keeps the rest", a, 0x11220000u | (uint32_t)testdev_pattern_value(0x44, 2));
	__asm__ __volatile__("movsbl 1(%%ebx), %%eax" : "=a"(a) : "b"(DEV));
	check_eq("32-bit: movsx byte", a, 0xffffff00u | (uint32_t)testdev_pattern_value(1, 1));
	__asm__ __volatile__("movl 0xe0000050, %%eax" : "=a"(a));
	check_eq("32-bit: moffs load (a1)", a, testdev_pattern_value(0x50, 4));
	__asm__ __volatile__("movl $0xa1b2c3d4, (%%ebx)" : : "b"(DEV + 0x900) : "memory");
	__asm__ __volatile__("movl (%%ebx), %%eax" : "=a"(a) : "b"(DEV + 0x900));
	check_eq("32-bit: store imm32 read back", a, 0xa1b2c3d4u);
	d = DEV + 0x910;
	c = 2;
	__asm__ __volatile__("rep stosw" : "+D"(d), "+c"(c) : "a"(0x7e7e) : "memory");
	__asm__ __volatile__("movl (%%ebx), %%eax" : "=a"(a) : "b"(DEV + 0x910));
	check_eq("32-bit: rep stosw read back", a, 0x7e7e7e7eu);
}

void test_realmode(void);             /* realmode.c */

int guest_main(const char *cmdline)
{
	guest_name = "mbtest";
	printf("%s: multiboot guest, cmdline '%s'\n", guest_name, cmdline);
	test_state();
	if (guest_mbi) {
		test_info(cmdline);
		test_mmio32();
	}
	test_realmode();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	hypercall(HC_EXIT, checks_failed ? 1 : 7, 0);
	return 1;                    /* not reached */
}
