/*
 * hv/exc.h — CPU exceptions taken by the hypervisor itself: the frame the
 * entry stubs (hv/isr.S) build, and the register dump (hv/exc_dump.c,
 * pure) that hv/idt.c prints before halting the CPU.
 */
#ifndef BAREGT_HV_EXC_H
#define BAREGT_HV_EXC_H

#include <stdint.h>

/* Layout fixed by hv/isr.S: GPRs pushed rax first, so r15 is lowest. */
struct exc_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU (SDM Vol. 3A §6.14.1, 64-bit mode) */
	uint64_t rip, cs, rflags, rsp, ss;
};

struct exc_cregs {
	uint64_t cr0, cr2, cr3, cr4;
};

/* "#PF" etc., and the long name; never NULL. */
const char *exc_mnemonic(unsigned vector);
const char *exc_description(unsigned vector);

/* Emits the dump one line at a time (no trailing newline). */
void exc_dump(const struct exc_frame *f, const struct exc_cregs *cr,
              unsigned cpu, void (*emit)(const char *line, void *arg),
              void *arg);

/* hv/idt.c */
void idt_init(void);
void exc_handle(struct exc_frame *f);

#endif
