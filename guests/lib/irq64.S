/*
 * guests/lib/irq64.S — interrupt stubs for vectors 32..255 in 64-bit
 * test guests: each is 16 bytes (push the vector, jump), so stub v sits
 * at irq_stubs + (v - 32) * 16. The common part saves the caller-saved
 * GPRs, calls irq_handler(vector) and returns with IRETQ.
 */
	.code64
	.text
	.globl irq_stubs
	.balign 16
irq_stubs:
	.set vec, 32
	.rept 224
	.balign 16
	pushq $vec
	jmp irq_common
	.set vec, vec + 1
	.endr

irq_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq 72(%rsp), %rdi          /* the vector */
	subq $8, %rsp
	call irq_handler
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
	addq $8, %rsp
	iretq
	.section .note.GNU-stack,"",@progbits
