/*
 * vmx/cpuid_features.h — the CPUID feature bits BareGT knows, by name:
 * where each bit is (leaf, subleaf, register, bit), who decides whether a
 * VM sees it (the host, BareGT, the platform), what it needs first, and
 * the CR4 and XCR0 bits it brings. A bit that is not in the table is
 * never advertised (docs/guests.md, "CPU behaviour"). The names are the
 * ones Linux prints in /proc/cpuinfo, which `cpuid_hide` (docs/config.md)
 * takes.
 *
 * Also the facts of SDM Vol. 4 Table 2-2 ("Register availability"): the
 * architectural MSRs a feature bit says exist. tests/unit/
 * test_cpuid_policy.c walks them against the MSR allow-list
 * (vmx/msr_policy.c), so a feature cannot be advertised without them.
 *
 * Bit positions: SDM Vol. 2A, CPUID, Tables 3-8 (leaves 6, 7, 0xD,
 * 0x80000001–8), 3-10 (leaf 1 ECX), 3-11 (leaf 1 EDX); CR4 bits Vol. 3A
 * §2.5, XCR0 components Vol. 1 §13.1. Pure data.
 */
#ifndef BAREGT_VMX_CPUID_FEATURES_H
#define BAREGT_VMX_CPUID_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/* Who decides whether a VM sees the bit. */
enum cpuid_rule {
	CPUID_PASS,      /* the host's bit (and what `needs` asks for) */
	CPUID_HIDE,      /* never: BareGT does not virtualize it */
	CPUID_SET,       /* BareGT's platform provides it (once `needs` holds) */
};

/* What a feature needs of BareGT beyond the host's bit (struct
 * cpuid_inputs): VMX controls that let the guest run the instruction,
 * and the virtual local APIC. */
#define CPUID_NEEDS_RDTSCP        (1u << 0)   /* "enable RDTSCP" */
#define CPUID_NEEDS_INVPCID       (1u << 1)   /* "enable INVPCID" */
#define CPUID_NEEDS_XSAVES        (1u << 2)   /* "enable XSAVES/XRSTORS" */
#define CPUID_NEEDS_PKU           (1u << 3)   /* host CR4.PKE (RDPKRU) */
#define CPUID_NEEDS_LAPIC         (1u << 4)   /* the vLAPIC (xAPIC) */
#define CPUID_NEEDS_X2APIC        (1u << 5)   /* its x2APIC MSRs */
#define CPUID_NEEDS_TSC_DEADLINE  (1u << 6)   /* its IA32_TSC_DEADLINE */

enum cpuid_feature_id {
	CF_NONE,
	/* leaf 1 EDX */
	CF_FPU, CF_VME, CF_DE, CF_PSE, CF_TSC, CF_MSR, CF_PAE, CF_MCE, CF_CX8,
	CF_APIC, CF_SEP, CF_MTRR, CF_PGE, CF_MCA, CF_CMOV, CF_PAT, CF_PSE36,
	CF_PN, CF_CLFLUSH, CF_DTS, CF_ACPI, CF_MMX, CF_FXSR, CF_SSE, CF_SSE2,
	CF_SS, CF_HT, CF_TM, CF_PBE,
	/* leaf 1 ECX */
	CF_PNI, CF_PCLMULQDQ, CF_DTES64, CF_MONITOR, CF_DS_CPL, CF_VMX, CF_SMX,
	CF_EST, CF_TM2, CF_SSSE3, CF_CID, CF_SDBG, CF_FMA, CF_CX16, CF_XTPR,
	CF_PDCM, CF_PCID, CF_DCA, CF_SSE4_1, CF_SSE4_2, CF_X2APIC, CF_MOVBE,
	CF_POPCNT, CF_TSC_DEADLINE, CF_AES, CF_XSAVE, CF_AVX, CF_F16C,
	CF_RDRAND,
	/* leaf 6 */
	CF_DTHERM, CF_IDA, CF_ARAT, CF_PLN, CF_PTS, CF_HWP, CF_APERFMPERF,
	CF_EPB,
	/* leaf 7 subleaf 0 EBX */
	CF_FSGSBASE, CF_TSC_ADJUST, CF_SGX, CF_BMI1, CF_HLE, CF_AVX2,
	CF_FDP_EXCPTN_ONLY, CF_SMEP, CF_BMI2, CF_ERMS, CF_INVPCID, CF_RTM,
	CF_CQM, CF_ZERO_FCS_FDS, CF_MPX, CF_RDT_A, CF_AVX512F, CF_AVX512DQ,
	CF_RDSEED, CF_ADX, CF_SMAP, CF_AVX512IFMA, CF_CLFLUSHOPT, CF_CLWB,
	CF_INTEL_PT, CF_AVX512PF, CF_AVX512ER, CF_AVX512CD, CF_SHA_NI,
	CF_AVX512BW, CF_AVX512VL,
	/* leaf 7 subleaf 0 ECX */
	CF_PREFETCHWT1, CF_AVX512VBMI, CF_UMIP, CF_PKU, CF_WAITPKG,
	CF_AVX512_VBMI2, CF_SHSTK, CF_GFNI, CF_VAES, CF_VPCLMULQDQ,
	CF_AVX512_VNNI, CF_AVX512_BITALG, CF_TME, CF_AVX512_VPOPCNTDQ, CF_LA57,
	CF_RDPID, CF_KEYLOCKER, CF_BUS_LOCK_DETECT, CF_CLDEMOTE, CF_MOVDIRI,
	CF_MOVDIR64B, CF_ENQCMD, CF_SGX_LC, CF_PKS,
	/* leaf 7 subleaf 0 EDX */
	CF_AVX512_4VNNIW, CF_AVX512_4FMAPS, CF_FSRM, CF_UINTR,
	CF_AVX512_VP2INTERSECT, CF_SRBDS_CTRL, CF_MD_CLEAR,
	CF_RTM_ALWAYS_ABORT, CF_TSX_FORCE_ABORT, CF_SERIALIZE, CF_HYBRID_CPU,
	CF_TSXLDTRK, CF_PCONFIG, CF_ARCH_LBR, CF_IBT, CF_AMX_BF16,
	CF_AVX512_FP16, CF_AMX_TILE, CF_AMX_INT8, CF_SPEC_CTRL, CF_STIBP,
	CF_FLUSH_L1D, CF_ARCH_CAPABILITIES, CF_CORE_CAPABILITIES, CF_SSBD,
	/* leaf 7 subleaf 1 EAX */
	CF_AVX_VNNI, CF_AVX512_BF16,
	/* leaf 0xD subleaf 1 EAX */
	CF_XSAVEOPT, CF_XSAVEC, CF_XGETBV1, CF_XSAVES, CF_XFD,
	/* leaf 0x80000001 ECX, EDX; 0x80000007 EDX; 0x80000008 EBX */
	CF_LAHF_LM, CF_ABM, CF_3DNOWPREFETCH,
	CF_SYSCALL, CF_NX, CF_PDPE1GB, CF_RDTSCP, CF_LM,
	CF_INVTSC,
	CF_WBNOINVD,
	CF_COUNT
};

struct cpuid_feature {
	const char *name;            /* /proc/cpuinfo's, for cpuid_hide */
	uint32_t leaf;
	uint8_t subleaf, reg, bit;   /* reg: enum cpuid_reg */
	uint8_t rule;                /* enum cpuid_rule */
	uint8_t needs;               /* CPUID_NEEDS_* */
	uint8_t parent;              /* a feature it needs advertised too */
	uint32_t cr4;                /* CR4 bits it brings (refused without it) */
	uint32_t xcr0;               /* XCR0 components it brings */
};

/* Indexed by enum cpuid_feature_id; [CF_NONE] has no name. */
extern const struct cpuid_feature cpuid_features[CF_COUNT];

/* The feature named name[0..len), or CF_NONE. */
enum cpuid_feature_id cpuid_feature_find(const char *name, size_t len);

/* An MSR (or a range) that a feature bit says exists, with the accesses
 * it allows (MSR_ACCESS_* of vmx/msr_policy.h). gp_when_hidden: without
 * the feature, and with no other advertised feature implying it, the MSR
 * raises #GP. */
struct cpuid_msr_fact {
	uint8_t feature;
	uint32_t first, last;
	uint8_t access;
	bool gp_when_hidden;
};

extern const struct cpuid_msr_fact cpuid_msr_facts[];
extern const size_t cpuid_msr_nfacts;

#endif
