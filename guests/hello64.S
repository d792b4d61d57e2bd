/*
 * guests/hello64.S — the smallest BareGT test guest: 64-bit code, to be
 * entered in long mode (the hypervisor builds its page tables and GDT).
 * Prints one line on the virtual 16550 at 0x3F8, then ends itself with
 * exit code 0 on port 0xF4. Loaded from the ESP as an ELF64 executable.
 */
	.code64
	.text
	.globl _start
_start:
	leaq msg(%rip), %rsi
	movw $0x3f8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	xorl %eax, %eax
	movw $0xf4, %dx
	outb %al, %dx
3:	hlt
	jmp 3b

	.section .rodata
msg:	.asciz "hello from a BareGT guest\n"

	.section .note.GNU-stack,"",@progbits
