/* vmx/gpr.h — general-purpose register numbers in the SDM's encoding
 * order (Vol. 2A Table 2-2, the ModR/M "reg" field with REX.R). */
#ifndef BAREGT_VMX_GPR_H
#define BAREGT_VMX_GPR_H

enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

#endif
