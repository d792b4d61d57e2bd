/*
 * guests/lib/start32.S — Multiboot v1 header and entry (Multiboot
 * 0.6.96 §3.1, §3.2): EAX = 0x2BADB002, EBX = Multiboot information,
 * 32-bit protected mode, paging off. Header flags: page-aligned modules
 * (bit 0) and memory information (bit 1).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003
	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.code32
	.text
	.globl _start
_start:
	movl $0x80000, %esp
	pushl %ebx
	pushl %eax
	call guest_start32
1:	hlt
	jmp 1b
	.section .note.GNU-stack,"",@progbits
