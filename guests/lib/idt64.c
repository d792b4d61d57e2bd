/*
 * guests/lib/idt64.c — an IDT for 64-bit test guests (SDM Vol. 3A
 * §6.14.1 gate format) and the expected-fault mechanism of guest.h.
 */
#include "guest.h"

#define NVEC 20

struct frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct gate {
	uint16_t off0, sel;
	uint8_t ist, attr;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

extern const uint64_t isr_table[NVEC];
static struct gate idt[NVEC] __attribute__((aligned(16)));
static volatile unsigned skip_len;
static volatile int taken = -1;

void fault_handler(struct frame *f);

void fault_handler(struct frame *f)
{
	if (skip_len) {
		taken = (int)f->vector;
		f->rip += skip_len;
		skip_len = 0;
		return;
	}
	printf("FAIL unexpected exception %llu (error 0x%llx) at rip 0x%llx\n",
	       (unsigned long long)f->vector, (unsigned long long)f->error,
	       (unsigned long long)f->rip);
	guest_exit(99);
}

void fault_expect(unsigned insn_len)
{
	taken = -1;
	skip_len = insn_len;
}

int fault_taken(void)
{
	skip_len = 0;
	return taken;
}

void idt_install(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p;
	unsigned v;

	for (v = 0; v < NVEC; v++) {
		uint64_t a = isr_table[v];
		idt[v] = (struct gate){ (uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16),
		                        (uint32_t)(a >> 32), 0 };
	}
	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)(uintptr_t)idt;
	__asm__ __volatile__("lidt %0" : : "m"(p));
}
