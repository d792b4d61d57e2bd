/*
 * guests/bad — a guest that misbehaves on purpose, as its command line
 * says, to show BareGT contains it (the VM is stopped with a log line;
 * other VMs go on):
 *   read-outside   read a GPA beyond its RAM that no device claims
 *   write-outside  the same, writing
 *   triple-fault   an exception with no usable IDT
 *   bad-insn       an MMIO access by an instruction BareGT does not emulate
 *   table-outside  a MOVS from the test device to an address whose page
 *                  table lies beyond its RAM (the emulator's page walk
 *                  leaves RAM: no #PF describes that)
 * If the guest is still running after the act, it says FAIL and exits 1.
 */
#include "guest.h"

#define TABLE_OUTSIDE_GPA 0x7ff000000ull   /* far beyond RAM, no device */
#define LINEAR_1G         0x40000000ul     /* PDPT entry 1, PD entry 0 */

/* Make the 2 MiB page at 1 GiB a table pointer to beyond RAM (4-level
 * paging, SDM Vol. 3A §4.5), then MOVS from the device onto it. */
static void table_outside(void)
{
	uint64_t cr3, *pdpt, *pd;
	uint64_t src = TESTDEV_GPA, dst = LINEAR_1G;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
	pdpt = (uint64_t *)(uintptr_t)(*(uint64_t *)(uintptr_t)(cr3 & ~0xfffull) &
	                               0x000ffffffffff000ull);
	pd = (uint64_t *)(uintptr_t)(pdpt[1] & 0x000ffffffffff000ull);
	pd[0] = TABLE_OUTSIDE_GPA | PTE_P | PTE_RW;
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(cr3) : "memory");
	printf("%s: movsq from the device to 0x%lx, whose page table is at "
	       "GPA 0x%llx\n", guest_name, LINEAR_1G, TABLE_OUTSIDE_GPA);
	__asm__ __volatile__("movsq" : "+S"(src), "+D"(dst) : : "memory");
}

int guest_main(const char *cmdline)
{
	volatile uint64_t *beyond;
	uint64_t ram = guest_start_info ? guest_start_info->ram_bytes : 0;

	beyond = (volatile uint64_t *)(uintptr_t)(ram + 0x10000);
	if (cmdline_has(cmdline, "read-outside")) {
		printf("%s: reading GPA 0x%llx, beyond its RAM\n", guest_name,
		       (unsigned long long)(uintptr_t)beyond);
		(void)*beyond;
	} else if (cmdline_has(cmdline, "write-outside")) {
		printf("%s: writing GPA 0x%llx, beyond its RAM\n", guest_name,
		       (unsigned long long)(uintptr_t)beyond);
		*beyond = 1;
	} else if (cmdline_has(cmdline, "triple-fault")) {
		struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
		printf("%s: loading an empty IDT and executing ud2\n", guest_name);
		__asm__ __volatile__("lidt %0; ud2" : : "m"(none));
	} else if (cmdline_has(cmdline, "bad-insn")) {
		printf("%s: adding to a device register (not emulated)\n", guest_name);
		__asm__ __volatile__("addl %%eax, (%%rbx)" : : "a"(1),
		                     "b"(TESTDEV_GPA + 0x800) : "memory");
	} else if (cmdline_has(cmdline, "table-outside")) {
		table_outside();
	} else {
		printf("%s: nothing to do (cmdline '%s')\n", guest_name, cmdline);
		return 2;
	}
	printf("FAIL %s: still running after the bad act\n", guest_name);
	return 1;
}
