/*
 * hv/entry.S — hv_call_on_stack(stack_top, fn, arg): switch to a new stack
 * and call fn(arg), which must not return.
 */
	.text
	.globl hv_call_on_stack
	.hidden hv_call_on_stack
hv_call_on_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	movq %rdx, %rdi
	call *%rsi
	ud2

	.section .note.GNU-stack,"",@progbits
