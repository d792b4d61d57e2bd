/*
 * guests/bad — a guest that misbehaves on purpose, as its command line
 * says, to show BareGT contains it (the VM is stopped with a log line;
 * other VMs go on):
 *   read-outside   read a GPA beyond its RAM that no device claims
 *   write-outside  the same, writing
 *   triple-fault   an exception with no usable IDT
 *   bad-insn       an MMIO access by an instruction BareGT does not emulate
 * If the guest is still running after the act, it says FAIL and exits 1.
 */
#include "guest.h"

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
	} else {
		printf("%s: nothing to do (cmdline '%s')\n", guest_name, cmdline);
		return 2;
	}
	printf("FAIL %s: still running after the bad act\n", guest_name);
	return 1;
}
