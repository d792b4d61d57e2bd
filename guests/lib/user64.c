/*
 * guests/lib/user64.c — running guest code at CPL 3 (docs/guests.md,
 * "Ring 3"). On the first user_run() the runtime loads its own GDT: the
 * loader's flat kernel code and data at 0x08 and 0x10, user data at 0x18
 * and user code at 0x20 (the order SYSRET expects), and a 64-bit TSS at
 * 0x28 whose RSP0 receives exceptions from CPL 3; it installs the DPL 3
 * gate that brings a user function back, and makes the .user sections
 * (guest.ld) user-accessible. Descriptor formats: SDM Vol. 3A §3.4.5
 * (segment descriptors; L bit for 64-bit code), "TSS Descriptor in
 * 64-bit Mode" and "Task Management in 64-bit Mode" (the 64-bit TSS).
 */
#include "guest.h"

#define SEG_KERNEL_CODE 0x00af9a000000ffffull   /* P, DPL 0, code XR, L, G */
#define SEG_KERNEL_DATA 0x00cf92000000ffffull   /* P, DPL 0, data RW, G */
#define SEG_USER_DATA   0x00cff2000000ffffull   /* P, DPL 3, data RW, G */
#define SEG_USER_CODE   0x00affa000000ffffull   /* P, DPL 3, code XR, L, G */
#define TSS_TYPE_AVAIL  0x89ull                 /* P, DPL 0, 64-bit TSS */
#define TSS_SEL         0x28
#define PAGE            0x1000ul

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

extern char __user_start[], __user_end[];     /* guest.ld */
/* rsp0: where TSS.RSP0 is (offset 4: not 8-byte aligned, so no
 * uint64_t pointer; the assembly stores it). */
uint64_t user_enter(uint64_t fn, uint64_t arg, uint64_t user_rsp, void *rsp0);
void user_exit_isr(void);

static uint64_t gdt[7] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t user_stack[4096] USER_DATA __attribute__((aligned(16)));
extern volatile bool user_faulted;            /* user64.S */
static bool ready;

static bool user_init(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p;
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
	uintptr_t va;

	gdt[KERNEL_CS / 8] = SEG_KERNEL_CODE;
	gdt[KERNEL_DS / 8] = SEG_KERNEL_DATA;
	gdt[USER_DS / 8] = SEG_USER_DATA;
	gdt[USER_CS / 8] = SEG_USER_CODE;
	gdt[TSS_SEL / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
	                   TSS_TYPE_AVAIL << 40 | (limit >> 16 & 0xf) << 48 |
	                   (base >> 24 & 0xff) << 56;
	gdt[TSS_SEL / 8 + 1] = base >> 32;
	tss.iomap_base = sizeof(tss);            /* no I/O bitmap: IN/OUT #GP */
	p.limit = sizeof(gdt) - 1;
	p.base = (uintptr_t)gdt;
	/* Same selectors, same flat descriptors: CS and the data segments
	 * stay valid across the LGDT. */
	__asm__ __volatile__("lgdt %0; ltr %w1" : : "m"(p), "r"(TSS_SEL)
	                     : "memory");
	idt_set_gate(USER_EXIT_VECTOR, (uintptr_t)user_exit_isr, 3);
	for (va = (uintptr_t)__user_start; va < (uintptr_t)__user_end; va += PAGE)
		if (!page_update(va, PTE_US, 0))
			return false;
	return true;
}

bool user_run(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t *ret)
{
	uint64_t value;

	if (!ready && !(ready = user_init()))
		return false;
	user_faulted = false;
	fault_forget();
	value = user_enter((uintptr_t)fn, arg,
	                   (uintptr_t)(user_stack + sizeof(user_stack)),
	                   (uint8_t *)&tss + offsetof(struct tss64, rsp));
	if (user_faulted)
		return false;           /* fault_last() says what happened */
	if (ret)
		*ret = value;
	return true;
}
