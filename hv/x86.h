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
#define CR4_VME         (1ull << 0)
#define CR4_PVI         (1ull << 1)
#define CR4_TSD         (1ull << 2)
#define CR4_DE          (1ull << 3)
#define CR4_PSE         (1ull << 4)
#define CR4_PAE         (1ull << 5)
#define CR4_MCE         (1ull << 6)
#define CR4_PGE         (1ull << 7)
#define CR4_PCE         (1ull << 8)
#define CR4_OSFXSR      (1ull << 9)
#define CR4_OSXMMEXCPT  (1ull << 10)
#define CR4_UMIP        (1ull << 11)
#define CR4_LA57        (1ull << 12)
#define CR4_VMXE        (1ull << 13)
#define CR4_SMXE        (1ull << 14)
#define CR4_FSGSBASE    (1ull << 16)
#define CR4_PCIDE       (1ull << 17)
#define CR4_OSXSAVE     (1ull << 18)
#define CR4_KL          (1ull << 19)
#define CR4_SMEP        (1ull << 20)
#define CR4_SMAP        (1ull << 21)
#define CR4_PKE         (1ull << 22)
#define CR4_CET         (1ull << 23)
#define CR4_PKS         (1ull << 24)
#define CR4_UINTR       (1ull << 25)

/* EFER (MSR 0xC0000080) */
#define EFER_SCE        (1ull << 0)
#define EFER_LME        (1ull << 8)
#define EFER_LMA        (1ull << 10)
#define EFER_NXE        (1ull << 11)

/* RFLAGS */
#define RFLAGS_FIXED    (1ull << 1)     /* reads as 1 */
#define RFLAGS_TF       (1ull << 8)
#define RFLAGS_IF       (1ull << 9)
#define RFLAGS_DF       (1ull << 10)
#define RFLAGS_RF       (1ull << 16)    /* resume: SDM Vol. 3B §18.3.1.1 */
#define RFLAGS_AC       (1ull << 18)

/* XCR0 state components */
#define XCR0_X87        (1ull << 0)
#define XCR0_SSE        (1ull << 1)
#define XCR0_AVX        (1ull << 2)
#define XCR0_BND        (3ull << 3)     /* BNDREGS, BNDCSR */
#define XCR0_AVX512     (7ull << 5)     /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_PKRU       (1ull << 9)
#define XCR0_TILE       (3ull << 17)    /* TILECFG, TILEDATA */

/* Exception vectors */
#define VEC_DE          0
#define VEC_DB          1
#define VEC_NMI         2
#define VEC_BR          5
#define VEC_UD          6
#define VEC_NM          7
#define VEC_DF          8
#define VEC_TS          10
#define VEC_NP          11
#define VEC_SS          12
#define VEC_GP          13
#define VEC_PF          14
#define VEC_MF          16
#define VEC_AC          17
#define VEC_MC          18
#define VEC_XM          19
#define VEC_VE          20
#define VEC_CP          21
/* The fault-class exceptions (SDM Vol. 3A §6.5, Table 6-1): the CPU
 * reports them at the instruction that caused them and pushes RFLAGS
 * with RF = 1. #DB is a fault or a trap by its cause, so not here. */
#define VEC_FAULTS      ((1u << VEC_DE) | (1u << VEC_BR) | (1u << VEC_UD) | \
                         (1u << VEC_NM) | (1u << VEC_TS) | (1u << VEC_NP) | \
                         (1u << VEC_SS) | (1u << VEC_GP) | (1u << VEC_PF) | \
                         (1u << VEC_MF) | (1u << VEC_AC) | (1u << VEC_XM) | \
                         (1u << VEC_VE) | (1u << VEC_CP))

/* Model-specific registers */
#define MSR_TSC                0x010u
#define MSR_APIC_BASE          0x01bu
#define MSR_FEATURE_CONTROL    0x03au
#define MSR_TSC_ADJUST         0x03bu
#define MSR_SPEC_CTRL          0x048u
#define MSR_BIOS_SIGN_ID       0x08bu
#define MSR_MTRRCAP            0x0feu
#define MSR_SYSENTER_CS        0x174u
#define MSR_SYSENTER_ESP       0x175u
#define MSR_SYSENTER_EIP       0x176u
#define MSR_MCG_CAP            0x179u
#define MSR_MCG_STATUS         0x17au
#define MSR_MISC_ENABLE        0x1a0u
#define MSR_DEBUGCTL           0x1d9u
#define MSR_PAT                0x277u
#define MSR_MTRR_DEF_TYPE      0x2ffu
#define MSR_PERF_CAPABILITIES  0x345u
#define MSR_TSC_DEADLINE       0x6e0u
#define MSR_X2APIC_FIRST       0x800u
#define MSR_X2APIC_LAST        0x8ffu
#define MSR_XSS                0xda0u
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
