/*
 * vmx/exit.h — VM-exit dispatch: one table indexed by basic exit reason
 * (vmx/exit.c) and the handlers that live in their own files.
 */
#ifndef BAREGT_VMX_EXIT_H
#define BAREGT_VMX_EXIT_H

#include <stdint.h>
#include "vmx/vcpu.h"

/* Read the exit, count it, call its handler. */
enum exit_action vmx_handle_exit(struct vcpu *v);

const char *vmx_exit_name(unsigned basic_reason);
const char *vmx_insn_error_name(uint64_t err);

/* Handlers (one mechanism per file). */
enum exit_action exit_cpuid(struct vcpu *v);       /* vmx/cpuid.c */
enum exit_action exit_rdmsr(struct vcpu *v);       /* vmx/msr.c */
enum exit_action exit_wrmsr(struct vcpu *v);
enum exit_action exit_cr_access(struct vcpu *v);   /* vmx/cr.c */
enum exit_action exit_xsetbv(struct vcpu *v);
enum exit_action exit_io(struct vcpu *v);          /* vmx/port_io.c */
enum exit_action exit_vmcall(struct vcpu *v);      /* vmx/hypercall.c */
enum exit_action exit_ept_violation(struct vcpu *v); /* vmx/mmio.c */

/* vmx/entry.S */
extern char vmx_exit_stub[];

#endif
