/*
 * vmx/entry.S — entering a guest and coming back.
 *
 * int vmx_run(struct vcpu_regs *regs, int launched)
 *   Saves the host's callee-saved registers and the regs pointer on the
 *   stack, writes that stack pointer to the VMCS host-RSP field, loads the
 *   guest GPRs and CR2 from *regs and executes VMRESUME (or VMLAUNCH the
 *   first time). A VM exit lands in vmx_exit_stub (the VMCS host-RIP) with
 *   RSP as saved: the guest GPRs and CR2 go back into *regs and vmx_run
 *   returns 0. If VMLAUNCH/VMRESUME itself fails (VMfail, SDM Vol. 3C
 *   §31.2), execution falls through and vmx_run returns 1.
 * struct vcpu_regs: gpr[16] in SDM order (RAX=0 … R15=15, 8 bytes each),
 * then cr2 at 128.
 */
#define VMCS_HOST_RSP 0x6c14
#define R(n) (8 * (n))
#define CR2 128

	.text
	.globl vmx_run
	.hidden vmx_run
vmx_run:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* regs, found again at the exit */
	movq $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	movq CR2(%rdi), %rax
	movq %rax, %cr2
	cmpl $0, %esi                   /* MOVs below keep these flags */
	movq R(0)(%rdi), %rax
	movq R(1)(%rdi), %rcx
	movq R(2)(%rdi), %rdx
	movq R(3)(%rdi), %rbx
	movq R(5)(%rdi), %rbp
	movq R(6)(%rdi), %rsi
	movq R(8)(%rdi), %r8
	movq R(9)(%rdi), %r9
	movq R(10)(%rdi), %r10
	movq R(11)(%rdi), %r11
	movq R(12)(%rdi), %r12
	movq R(13)(%rdi), %r13
	movq R(14)(%rdi), %r14
	movq R(15)(%rdi), %r15
	movq R(7)(%rdi), %rdi
	jne 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* VMfail: the host registers come back from the stack. */
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movl $1, %eax
	ret

	.globl vmx_exit_stub
	.hidden vmx_exit_stub
vmx_exit_stub:
	pushq %rdi                      /* guest RDI */
	movq 8(%rsp), %rdi              /* regs */
	movq %rax, R(0)(%rdi)
	movq %rcx, R(1)(%rdi)
	movq %rdx, R(2)(%rdi)
	movq %rbx, R(3)(%rdi)
	movq %rbp, R(5)(%rdi)
	movq %rsi, R(6)(%rdi)
	movq %r8, R(8)(%rdi)
	movq %r9, R(9)(%rdi)
	movq %r10, R(10)(%rdi)
	movq %r11, R(11)(%rdi)
	movq %r12, R(12)(%rdi)
	movq %r13, R(13)(%rdi)
	movq %r14, R(14)(%rdi)
	movq %r15, R(15)(%rdi)
	popq %rax
	movq %rax, R(7)(%rdi)
	movq %cr2, %rax
	movq %rax, CR2(%rdi)
	addq $8, %rsp                   /* the regs pointer */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	xorl %eax, %eax
	ret

	.section .note.GNU-stack,"",@progbits
