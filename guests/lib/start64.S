/*
 * guests/lib/start64.S — entry for ELF64 guests (docs/guests.md, BareGT
 * 64-bit protocol): RDI = start information, RSP = 0x80000, paging on.
 */
	.code64
	.text
	.globl _start
_start:
	movq %rdi, %r12                 /* RDTSC clobbers RDX only; keep RDI */
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, guest_tsc_at_entry(%rip)
	movq %r12, %rdi
	andq $-16, %rsp
	call guest_start64
1:	hlt
	jmp 1b
	.section .note.GNU-stack,"",@progbits
