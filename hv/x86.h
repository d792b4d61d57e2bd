/*
 * hv/x86.h — the architectural constants of x86-64 that BareGT uses, one
 * definition each: control-register and EFER bits, RFLAGS bits, XCR0
 * components, exception vectors, the model-specific registers outside
 * VMX (the VMX capability MSRs are in vmx/caps.h, VMCS fields in
 * vmx/vmcs.h). Constants only, no code: the pure modules include it too.
 * Sources: SDM Vol. 3A §2.5 (CR0, CR4), §2.2.1 (EFER), §6.3.1 (vectors),
 * Vol. 1 §3.4.3 (RFLAGS), §13.3 (XCR0), Vol. 4 Table 2-2 (MSRs).
 */
#ifndef BAREGT_HV_X86_H
#define BAREGT_HV_X86_H

/* CR0 */
#define CR0_PE          (1ull << 0)
#define CR0_MP          (1ull << 1)
#define CR0_EM          (1ull << 2)
#define CR0_NE          (1ull << 5)
#define CR0_WP          (1ull << 16)
#define CR0_NW          (1ull << 29)
#define CR0_CD          (1ull << 30)
#define CR0_PG          (1ull << 31)

/* CR4 */
#define CR4_PSE         (1ull << 4)
#define CR4_PAE         (1ull << 5)
#define CR4_PGE         (1ull << 7)
#define CR4_PCE         (1ull << 8)
#define CR4_OSFXSR      (1ull << 9)
#define CR4_OSXMMEXCPT  (1ull << 10)
#define CR4_LA57        (1ull << 12)
#define CR4_VMXE        (1ull << 13)
#define CR4_OSXSAVE     (1ull << 18)
#define CR4_SMEP        (1ull << 20)
#define CR4_SMAP        (1ull << 21)
#define CR4_PKE         (1ull << 22)

/* EFER (MSR 0xC0000080) */
#define EFER_SCE        (1ull << 0)
#define EFER_LME        (1ull << 8)
#define EFER_LMA        (1ull << 10)
#define EFER_NXE        (1ull << 11)

/* RFLAGS */
#define RFLAGS_FIXED    (1ull << 1)     /* reads as 1 */
#define RFLAGS_IF       (1ull << 9)
#define RFLAGS_DF       (1ull << 10)
#define RFLAGS_AC       (1ull << 18)

/* XCR0 state components */
#define XCR0_X87        (1ull << 0)
#define XCR0_SSE        (1ull << 1)
#define XCR0_AVX        (1ull << 2)
#define XCR0_BND        (3ull << 3)     /* BNDREGS, BNDCSR */
#define XCR0_AVX512     (7ull << 5)     /* opmask, ZMM_Hi256, Hi16_ZMM */

/* Exception vectors */
#define VEC_UD          6
#define VEC_NMI         2
#define VEC_DF          8
#define VEC_GP          13
#define VEC_PF          14
#define VEC_MC          18

/* Model-specific registers */
#define MSR_TSC                0x010u
#define MSR_APIC_BASE          0x01bu
#define MSR_FEATURE_CONTROL    0x03au
#define MSR_BIOS_SIGN_ID       0x08bu
#define MSR_MTRRCAP            0x0feu
#define MSR_SYSENTER_CS        0x174u
#define MSR_SYSENTER_ESP       0x175u
#define MSR_SYSENTER_EIP       0x176u
#define MSR_MISC_ENABLE        0x1a0u
#define MSR_PAT                0x277u
#define MSR_MTRR_DEF_TYPE      0x2ffu
#define MSR_EFER               0xc0000080u
#define MSR_STAR               0xc0000081u
#define MSR_LSTAR              0xc0000082u
#define MSR_CSTAR              0xc0000083u
#define MSR_SFMASK             0xc0000084u
#define MSR_FS_BASE            0xc0000100u
#define MSR_GS_BASE            0xc0000101u
#define MSR_KERNEL_GS_BASE     0xc0000102u
#define MSR_TSC_AUX            0xc0000103u

#define PAT_POWER_ON    0x0007040600070406ull  /* SDM Vol. 3A §12.12.4 */

#endif
