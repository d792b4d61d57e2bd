/*
 * vmx/vcpu_dump.c — a stopped guest's state in the log: what the VMCS
 * holds (RIP, RSP, RFLAGS, CS, control registers, EFER), the GPRs, and
 * the exit that stopped it. Reads the current VMCS.
 */
#include <stdio.h>
#include "hv/console.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

typedef unsigned long long ull;

void vcpu_dump(struct vcpu *v)
{
	static const char *const names[16] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8 ", "r9 ", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	const char *vm = v->vm->desc.name;
	char line[CON_LINE_MAX - 40];
	size_t len = 0;
	unsigned i, r = EXIT_REASON_BASIC(v->exit_reason);

	log_info("vm '%s':   exit %u (%s), qualification %#llx, guest-physical %#llx",
	         vm, r, vmx_exit_name(r), (ull)v->exit_qual,
	         (ull)vmread(VMCS_GUEST_PHYS_ADDR));
	log_info("vm '%s':   rip 0x%016llx  rsp 0x%016llx  rflags 0x%08llx  cs 0x%04llx"
	         " (ar %#llx)", vm, (ull)vmread(VMCS_GUEST_RIP),
	         (ull)vmread(VMCS_GUEST_RSP), (ull)vmread(VMCS_GUEST_RFLAGS),
	         (ull)vmread(VMCS_GUEST_CS_SEL), (ull)vmread(VMCS_GUEST_CS_AR));
	/* The values the CPU runs with; the guest reads the shadows (the
	 * bits VMX pins, CR0.NE and CR4.VMXE, as it wrote them). */
	log_info("vm '%s':   cr0 0x%08llx  cr3 0x%016llx  cr4 0x%08llx  efer 0x%llx"
	         "  (guest reads cr0 0x%08llx cr4 0x%08llx)", vm,
	         (ull)vmread(VMCS_GUEST_CR0), (ull)vmread(VMCS_GUEST_CR3),
	         (ull)vmread(VMCS_GUEST_CR4), (ull)vmread(VMCS_GUEST_EFER),
	         (ull)vmread(VMCS_CR0_SHADOW), (ull)vmread(VMCS_CR4_SHADOW));
	for (i = 0; i < 16; i++) {
		uint64_t val = i == GPR_RSP ? vmread(VMCS_GUEST_RSP) : v->regs.gpr[i];
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %016llx",
		                        len ? "  " : "", names[i], (ull)val);
		if (i % 4 == 3) {
			log_info("vm '%s':   %s", vm, line);
			len = 0;
		}
	}
}
