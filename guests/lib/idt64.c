/*
 * guests/lib/idt64.c — an IDT for 64-bit test guests (SDM Vol. 3A
 * §6.14.1 gate format), the expected-fault mechanism of guest.h and the
 * record of the last exception caught (fault_last()), and the interrupt
 * vectors 32..255 (irq64.S) with their counters (guest.h, "Interrupts").
 */
#include "guest.h"

#define NVEC_EXC   20          /* the exception stubs of isr64.S */
#define NVEC       256
#define VEC_PF     14
#define GATE_INTR  0x8e        /* present, DPL 0, 64-bit interrupt gate */

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

extern const uint64_t isr_table[NVEC_EXC];
static struct gate idt[NVEC] __attribute__((aligned(16)));
static volatile unsigned skip_len;
static volatile int taken = -1;
static struct fault_info last = { .vector = -1 };

void fault_handler(struct frame *f);

static uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

void fault_handler(struct frame *f)
{
	last = (struct fault_info){
		.vector = (int)f->vector, .error = f->error,
		.cr2 = f->vector == VEC_PF ? read_cr2() : 0, .rip = f->rip,
		.rflags = f->rflags,
		.cpl = (unsigned)f->cs & 3,
		.rcx = f->rcx, .rsi = f->rsi, .rdi = f->rdi,
	};
	if (last.cpl == 3)
		user_fault_return();     /* back to user_run's caller at CPL 0 */
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

void fault_forget(void)
{
	last = (struct fault_info){ .vector = -1 };
}

void fault_expect(unsigned insn_len)
{
	taken = -1;
	fault_forget();
	skip_len = insn_len;
}

int fault_taken(void)
{
	skip_len = 0;
	return taken;
}

const struct fault_info *fault_last(void)
{
	return &last;
}

void idt_set_gate(unsigned vector, uintptr_t handler, unsigned dpl)
{
	idt[vector] = (struct gate){ (uint16_t)handler, KERNEL_CS, 0,
	                             (uint8_t)(GATE_INTR | (dpl & 3) << 5),
	                             (uint16_t)(handler >> 16),
	                             (uint32_t)(handler >> 32), 0 };
}

void idt_install(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p;
	unsigned v;

	for (v = 0; v < NVEC_EXC; v++)
		idt_set_gate(v, isr_table[v], 0);
	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)(uintptr_t)idt;
	__asm__ __volatile__("lidt %0" : : "m"(p));
}

/* ---- interrupts 32..255 -------------------------------------------------- */

#define IRQ_FIRST  32
#define IRQ_STUB   16          /* bytes per stub in irq64.S */

extern const char irq_stubs[];
volatile unsigned irq_count[NVEC];
volatile uint8_t irq_log[IRQ_LOG_MAX];
volatile unsigned irq_nlog;
void (*volatile irq_hook)(unsigned vector);

void irq_handler(uint64_t vector);

void irq_handler(uint64_t vector)
{
	irq_count[vector & 0xff]++;
	if (irq_nlog < IRQ_LOG_MAX)
		irq_log[irq_nlog] = (uint8_t)vector;
	irq_nlog++;
	if (irq_hook)
		irq_hook((unsigned)vector);
}

void irq_install(void)
{
	unsigned v;

	for (v = IRQ_FIRST; v < NVEC; v++)
		idt_set_gate(v, (uintptr_t)(irq_stubs + (v - IRQ_FIRST) * IRQ_STUB), 0);
}

void irq_forget(void)
{
	unsigned v;

	for (v = 0; v < NVEC; v++)
		irq_count[v] = 0;
	irq_nlog = 0;
}
