/*
 * guests/lib/isr64.S — exception stubs for 64-bit test guests: push the
 * vector (and a zero error code where the CPU pushes none), save the
 * caller-saved GPRs, call fault_handler(frame), iretq.
 */
	.code64
	.text
.macro STUB n, err
	.balign 16
isr\n:
	.if \err == 0
	pushq $0
	.endif
	pushq $\n
	jmp isr_common
.endm
	STUB 0,0
	STUB 1,0
	STUB 2,0
	STUB 3,0
	STUB 4,0
	STUB 5,0
	STUB 6,0
	STUB 7,0
	STUB 8,1
	STUB 9,0
	STUB 10,1
	STUB 11,1
	STUB 12,1
	STUB 13,1
	STUB 14,1
	STUB 15,0
	STUB 16,0
	STUB 17,1
	STUB 18,0
	STUB 19,0
isr_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq %rsp, %rdi
	subq $8, %rsp
	call fault_handler
	addq $8, %rsp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp
	iretq

	.data
	.globl isr_table
isr_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19
	.quad isr\n
	.endr
	.section .note.GNU-stack,"",@progbits
