/*
 * hv/gdt.c — GDT, 64-bit TSS and their loading.
 * Descriptor formats: SDM Vol. 3A §3.4.5 (segment descriptors), §7.2.3
 * (TSS descriptor in 64-bit mode, 16 bytes), §7.7 (64-bit TSS layout).
 */
#include <stddef.h>
#include <string.h>
#include "hv/gdt.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* null, code64, data, TSS (two slots) */
static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));

#define SEG_CODE64  0x00af9a000000ffffull  /* P, DPL0, exec/read, L=1 */
#define SEG_DATA    0x00cf92000000ffffull  /* P, DPL0, read/write, 4 GiB */
#define TSS_TYPE    0x9ull                 /* available 64-bit TSS */
#define DESC_P      (1ull << 47)

void gdt_init(uint64_t ist_stack_top)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct gdt_ptr gp;

	memset(&tss, 0, sizeof(tss));
	tss.ist[IST_FAULT - 1] = ist_stack_top;
	tss.iomap_base = sizeof(tss);        /* no I/O permission bitmap */

	gdt[0] = 0;
	gdt[1] = SEG_CODE64;
	gdt[2] = SEG_DATA;
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	         (TSS_TYPE << 40) | DESC_P | (((limit >> 16) & 0xf) << 48) |
	         (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	gp.limit = sizeof(gdt) - 1;
	gp.base = (uint64_t)(uintptr_t)gdt;
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"mov %1, %%ds\n\t"
		"mov %1, %%es\n\t"
		"mov %1, %%ss\n\t"
		"mov %1, %%fs\n\t"
		"mov %1, %%gs\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3"
		: : "m"(gp), "r"((uint64_t)GDT_SEL_DATA), "i"(GDT_SEL_CODE),
		    "r"((uint64_t)GDT_SEL_TSS)
		: "rax", "memory");
}

uint64_t gdt_tss_base(void)
{
	return (uint64_t)(uintptr_t)&tss;
}
