/*
 * guests/lib/user64.S — the CPL switches of user_run() (guests/lib/user64.c).
 *
 * user_enter(fn, arg, user_rsp, &tss.rsp0) saves the callee-saved GPRs
 * on the kernel stack, points TSS.RSP0 just below them (an interrupt or
 * exception from CPL 3 switches to RSP0: SDM Vol. 3A, "Stack Switching
 * in IA-32e Mode") and IRETs to user_trampoline at CPL 3. The trampoline
 * calls fn(arg) and hands its value back with INT USER_EXIT_VECTOR, whose
 * gate has DPL 3. user_exit_isr and user_fault_return (called for an
 * exception taken at CPL 3; it sets user_faulted) drop the interrupt
 * frame, reload the kernel data segments (the IRET to CPL 3 nulled them:
 * their DPL is below the new CPL) and return from user_enter with RAX.
 */
#include "guest.h"

#define RFLAGS_RESERVED  0x2      /* bit 1 is always 1; IF = 0, DF = 0 */

	.code64
	.text
	.globl user_enter
user_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, user_kernel_rsp(%rip)
	movq %rsp, (%rcx)               /* TSS.RSP0 */
	pushq $(USER_DS | 3)            /* SS, RPL 3 */
	pushq %rdx                      /* RSP */
	pushq $RFLAGS_RESERVED          /* RFLAGS */
	pushq $(USER_CS | 3)            /* CS, RPL 3 */
	leaq user_trampoline(%rip), %rax
	pushq %rax                      /* RIP */
	movq %rdi, %rax                 /* fn */
	movq %rsi, %rdi                 /* arg */
	iretq

	.globl user_exit_isr
user_exit_isr:
	movq %rdi, %rax                 /* fn's value, from the trampoline */
	jmp 1f

	.globl user_fault_return
user_fault_return:
	movb $1, user_faulted(%rip)
	xorl %eax, %eax
1:	movq user_kernel_rsp(%rip), %rsp
	movl $KERNEL_DS, %ecx
	movl %ecx, %ss
	movl %ecx, %ds
	movl %ecx, %es
	movl %ecx, %fs
	movl %ecx, %gs
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.section .user.text,"ax",@progbits
user_trampoline:
	call *%rax
	movq %rax, %rdi
	int $USER_EXIT_VECTOR
	ud2

	.bss
	.balign 8
user_kernel_rsp:
	.quad 0
	.globl user_faulted
user_faulted:                           /* bool: the last run faulted */
	.byte 0
	.section .note.GNU-stack,"",@progbits
