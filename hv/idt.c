/*
 * hv/idt.c — the IDT for the hypervisor's own exceptions, and what happens
 * when one arrives: a full register dump in the log, then this CPU halts
 * (fail-stop). Gate format: SDM Vol. 3A §6.14.1 (64-bit interrupt gate).
 */
#include <stdbool.h>
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/exc.h"
#include "hv/gdt.h"
#include "hv/x86.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define IDT_VECTORS     32
#define GATE_INTERRUPT  0x8e   /* P, DPL0, 64-bit interrupt gate */

extern const uint64_t isr_stub_table[IDT_VECTORS];
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

void idt_init(void)
{
	struct idt_ptr ip;
	unsigned v;

	for (v = 0; v < IDT_VECTORS; v++) {
		uint64_t a = isr_stub_table[v];
		idt[v].offset_lo = (uint16_t)a;
		idt[v].selector = GDT_SEL_CODE;
		idt[v].ist = (v == VEC_NMI || v == VEC_DF || v == VEC_MC) ? IST_FAULT : 0;
		idt[v].type_attr = GATE_INTERRUPT;
		idt[v].offset_mid = (uint16_t)(a >> 16);
		idt[v].offset_hi = (uint32_t)(a >> 32);
		idt[v].reserved = 0;
	}
	ip.limit = sizeof(idt) - 1;
	ip.base = (uint64_t)(uintptr_t)idt;
	__asm__ __volatile__("lidt %0" : : "m"(ip) : "memory");
}

static void exc_emit(const char *line, void *arg)
{
	(void)arg;
	log_error("%s", line);
}

void exc_handle(struct exc_frame *f)
{
	static bool in_handler;   /* per CPU once there are more */
	struct exc_cregs cr;

	if (in_handler)
		cpu_park();           /* faulted while reporting: stay quiet */
	in_handler = true;
	cr.cr0 = read_cr0();
	cr.cr2 = read_cr2();
	cr.cr3 = read_cr3();
	cr.cr4 = read_cr4();
	exc_dump(f, &cr, 0, exc_emit, NULL);
	cpu_park();
}
