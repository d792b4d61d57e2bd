/*
 * guests/mbtest/realmode.c — a trip to real mode and back (32-bit
 * protected mode, paging off, as Multiboot starts us), to see what a
 * real-mode guest gets when BareGT injects #GP: delivery through the
 * interrupt vector table with no error code pushed (SDM Vol. 3A §20.1.4,
 * and VM entry refuses an error code with CR0.PE = 0, Vol. 3C §27.2.1.3).
 *
 * The 16-bit code is copied to RM_BASE (below 1 MiB, where real-mode
 * segments reach) and entered through a 16-bit protected-mode code
 * segment with the same base; it clears CR0.PE, jumps to CS = RM_BASE/16,
 * loads an IVT whose vector 13 points at its own handler, runs RDMSR of
 * an MSR BareGT does not know (#GP), and returns to 32-bit code.
 * Segment descriptors: SDM Vol. 3A §3.4.5; switching modes: §10.9.2.
 */
#include "guest.h"

#define RM_BASE 0x60000u              /* free: above the boot info, below the stack */

extern const uint8_t rm_blob[], rm_blob_end[], rm_flag[], rm_sp_before[],
                     rm_sp_handler[];
void rm_call(void);

__asm__(
	".section .rodata\n"
	".code16\n"
	".globl rm_blob, rm_blob_end, rm_flag, rm_sp_before, rm_sp_handler\n"
	"rm_blob:\n"                              /* 16-bit protected mode */
	"	mov $0x20, %ax\n"
	"	mov %ax, %ds\n"
	"	mov %ax, %es\n"
	"	mov %ax, %ss\n"
	"	mov %cr0, %eax\n"
	"	and $0xfffffffe, %eax\n"
	"	mov %eax, %cr0\n"
	"	ljmp $0x6000, $(rm_real - rm_blob)\n"
	"rm_real:\n"                              /* real mode, CS base RM_BASE */
	"	mov $0x6000, %ax\n"
	"	mov %ax, %ds\n"
	"	mov %ax, %es\n"
	"	mov %ax, %ss\n"
	"	mov $0xff00, %sp\n"
	"	lidt (rm_ivtr - rm_blob)\n"
	"	movw $0, (rm_flag - rm_blob)\n"
	"	mov %sp, (rm_sp_before - rm_blob)\n"
	"	mov $0x1234, %ecx\n"
	"	rdmsr\n"                               /* #GP from BareGT */
	"	mov %cr0, %eax\n"
	"	or $1, %eax\n"
	"	mov %eax, %cr0\n"
	"	ljmpl $0x08, $rm_back32\n"
	"rm_gp:\n"                                /* IVT vector 13 */
	"	mov %sp, (rm_sp_handler - rm_blob)\n"
	"	movw $1, (rm_flag - rm_blob)\n"
	"	mov %sp, %bp\n"
	"	addw $2, (%bp)\n"                      /* past the 2-byte RDMSR */
	"	iret\n"
	"rm_ivtr:\n"
	"	.word 14 * 4 - 1\n"
	"	.long 0x60000 + (rm_ivt - rm_blob)\n"
	"rm_ivt:\n"
	"	.fill 13, 4, 0\n"
	"	.word rm_gp - rm_blob, 0x6000\n"
	"rm_flag: .word 0\n"
	"rm_sp_before: .word 0\n"
	"rm_sp_handler: .word 0\n"
	"rm_blob_end:\n"
	".code32\n"
	/* null; 0x08 flat 32-bit code; 0x10 flat data; 0x18 16-bit code and
	 * 0x20 16-bit data, base RM_BASE, limit 64 KiB. */
	".balign 8\n"
	"rm_gdt:\n"
	"	.quad 0\n"
	"	.quad 0x00cf9a000000ffff\n"
	"	.quad 0x00cf92000000ffff\n"
	"	.quad 0x00009a060000ffff\n"
	"	.quad 0x000092060000ffff\n"
	"rm_gdtr:\n"
	"	.word 5 * 8 - 1\n"
	"	.long rm_gdt\n"
	".data\n"
	"rm_saved_gdtr: .word 0\n .long 0\n"
	"rm_saved_idtr: .word 0\n .long 0\n"
	"rm_saved_esp: .long 0\n"
	".text\n"
	".globl rm_call\n"
	"rm_call:\n"
	"	pushal\n"
	"	mov %esp, rm_saved_esp\n"
	"	sgdt rm_saved_gdtr\n"
	"	sidt rm_saved_idtr\n"
	"	lgdt rm_gdtr\n"
	"	ljmp $0x18, $0\n"
	"rm_back32:\n"
	"	mov $0x10, %ax\n"
	"	mov %ax, %ds\n"
	"	mov %ax, %es\n"
	"	mov %ax, %ss\n"
	"	mov %ax, %fs\n"
	"	mov %ax, %gs\n"
	"	lgdt rm_saved_gdtr\n"
	"	lidt rm_saved_idtr\n"
	"	ljmp $0x08, $1f\n"
	"1:	mov rm_saved_esp, %esp\n"
	"	popal\n"
	"	ret\n"
);

static uint16_t rm_word(const uint8_t *sym)
{
	return *(volatile uint16_t *)(uintptr_t)(RM_BASE + (uint32_t)(sym - rm_blob));
}

void test_realmode(void);

void test_realmode(void)
{
	memcpy((void *)(uintptr_t)RM_BASE, rm_blob, (size_t)(rm_blob_end - rm_blob));
	rm_call();
	check_eq("real mode: #GP from rdmsr arrives through the IVT",
	         rm_word(rm_flag), 1);
	check_eq("real mode: #GP pushes no error code (FLAGS, CS, IP only)",
	         (uint16_t)(rm_word(rm_sp_before) - rm_word(rm_sp_handler)), 6);
}
