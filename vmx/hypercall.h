/* vmx/hypercall.h — the VMCALL ABI of docs/guests.md (numbers and results). */
#ifndef BAREGT_VMX_HYPERCALL_H
#define BAREGT_VMX_HYPERCALL_H

#define HC_NOP     0
#define HC_PUTS    1
#define HC_RESULT  2
#define HC_EXIT    3

#define HC_OK          0ull
#define HC_ENOSYS      ((unsigned long long)-1)
#define HC_EINVAL      ((unsigned long long)-2)
#define HC_EPERM       ((unsigned long long)-3)

#define HC_PUTS_MAX    1024
#define HC_NAME_MAX    96

#endif
