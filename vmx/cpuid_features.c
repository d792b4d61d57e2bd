/*
 * vmx/cpuid_features.c — the feature table and the MSR facts of
 * vmx/cpuid_features.h. Why each hidden bit is hidden: docs/guests.md,
 * "CPU behaviour". Pure data.
 */
#include <string.h>
#include "hv/x86.h"
#include "vmx/cpuid_features.h"
#include "vmx/msr_policy.h"

#define ROW(n, l, s, r, b, how) \
	.name = (n), .leaf = (l), .subleaf = (s), .reg = CPUID_##r, .bit = (b), \
	.rule = CPUID_##how
#define L1D(n, b, how)   ROW(n, 1, 0, EDX, b, how)
#define L1C(n, b, how)   ROW(n, 1, 0, ECX, b, how)
#define L6A(n, b, how)   ROW(n, 6, 0, EAX, b, how)
#define L6C(n, b, how)   ROW(n, 6, 0, ECX, b, how)
#define L7B(n, b, how)   ROW(n, 7, 0, EBX, b, how)
#define L7C(n, b, how)   ROW(n, 7, 0, ECX, b, how)
#define L7D(n, b, how)   ROW(n, 7, 0, EDX, b, how)
#define L71A(n, b, how)  ROW(n, 7, 1, EAX, b, how)
#define LDA(n, b, how)   ROW(n, 0xd, 1, EAX, b, how)
#define X1C(n, b, how)   ROW(n, 0x80000001u, 0, ECX, b, how)
#define X1D(n, b, how)   ROW(n, 0x80000001u, 0, EDX, b, how)

/* Children of AVX and AVX-512: hiding the parent hides them (their
 * instructions need its XCR0 state). */
#define ON_AVX     .parent = CF_AVX
#define ON_AVX512  .parent = CF_AVX512F
#define ON_XSAVE   .parent = CF_XSAVE

const struct cpuid_feature cpuid_features[CF_COUNT] = {
	[CF_FPU]      = { L1D("fpu", 0, PASS) },
	[CF_VME]      = { L1D("vme", 1, PASS), .cr4 = CR4_VME | CR4_PVI },
	[CF_DE]       = { L1D("de", 2, PASS), .cr4 = CR4_DE },
	[CF_PSE]      = { L1D("pse", 3, PASS), .cr4 = CR4_PSE },
	[CF_TSC]      = { L1D("tsc", 4, PASS), .cr4 = CR4_TSD },
	[CF_MSR]      = { L1D("msr", 5, PASS) },
	[CF_PAE]      = { L1D("pae", 6, PASS), .cr4 = CR4_PAE },
	[CF_MCE]      = { L1D("mce", 7, HIDE), .cr4 = CR4_MCE },
	[CF_CX8]      = { L1D("cx8", 8, PASS) },
	[CF_APIC]     = { L1D("apic", 9, SET), .needs = CPUID_NEEDS_LAPIC },
	[CF_SEP]      = { L1D("sep", 11, PASS) },
	[CF_MTRR]     = { L1D("mtrr", 12, PASS) },
	[CF_PGE]      = { L1D("pge", 13, PASS), .cr4 = CR4_PGE },
	[CF_MCA]      = { L1D("mca", 14, HIDE) },
	[CF_CMOV]     = { L1D("cmov", 15, PASS) },
	[CF_PAT]      = { L1D("pat", 16, PASS) },
	[CF_PSE36]    = { L1D("pse36", 17, PASS) },
	[CF_PN]       = { L1D("pn", 18, HIDE) },
	[CF_CLFLUSH]  = { L1D("clflush", 19, PASS) },
	[CF_DTS]      = { L1D("dts", 21, HIDE) },
	[CF_ACPI]     = { L1D("acpi", 22, HIDE) },
	[CF_MMX]      = { L1D("mmx", 23, PASS) },
	[CF_FXSR]     = { L1D("fxsr", 24, PASS), .cr4 = CR4_OSFXSR },
	[CF_SSE]      = { L1D("sse", 25, PASS), .cr4 = CR4_OSXMMEXCPT },
	[CF_SSE2]     = { L1D("sse2", 26, PASS) },
	[CF_SS]       = { L1D("ss", 27, PASS) },
	[CF_HT]       = { L1D("ht", 28, HIDE) },
	[CF_TM]       = { L1D("tm", 29, HIDE) },
	[CF_PBE]      = { L1D("pbe", 31, HIDE) },

	[CF_PNI]      = { L1C("pni", 0, PASS) },
	[CF_PCLMULQDQ] = { L1C("pclmulqdq", 1, PASS) },
	[CF_DTES64]   = { L1C("dtes64", 2, HIDE) },
	[CF_MONITOR]  = { L1C("monitor", 3, HIDE) },
	[CF_DS_CPL]   = { L1C("ds_cpl", 4, HIDE) },
	[CF_VMX]      = { L1C("vmx", 5, HIDE), .cr4 = CR4_VMXE },
	[CF_SMX]      = { L1C("smx", 6, HIDE), .cr4 = CR4_SMXE },
	[CF_EST]      = { L1C("est", 7, HIDE) },
	[CF_TM2]      = { L1C("tm2", 8, HIDE) },
	[CF_SSSE3]    = { L1C("ssse3", 9, PASS) },
	[CF_CID]      = { L1C("cid", 10, HIDE) },
	[CF_SDBG]     = { L1C("sdbg", 11, HIDE) },
	[CF_FMA]      = { L1C("fma", 12, PASS), ON_AVX },
	[CF_CX16]     = { L1C("cx16", 13, PASS) },
	[CF_XTPR]     = { L1C("xtpr", 14, HIDE) },
	[CF_PDCM]     = { L1C("pdcm", 15, HIDE) },
	[CF_PCID]     = { L1C("pcid", 17, PASS), .cr4 = CR4_PCIDE },
	[CF_DCA]      = { L1C("dca", 18, HIDE) },
	[CF_SSE4_1]   = { L1C("sse4_1", 19, PASS) },
	[CF_SSE4_2]   = { L1C("sse4_2", 20, PASS) },
	[CF_X2APIC]   = { L1C("x2apic", 21, SET), .needs = CPUID_NEEDS_X2APIC,
	                  .parent = CF_APIC },
	[CF_MOVBE]    = { L1C("movbe", 22, PASS) },
	[CF_POPCNT]   = { L1C("popcnt", 23, PASS) },
	[CF_TSC_DEADLINE] = { L1C("tsc_deadline_timer", 24, SET),
	                  .needs = CPUID_NEEDS_TSC_DEADLINE, .parent = CF_APIC },
	[CF_AES]      = { L1C("aes", 25, PASS) },
	[CF_XSAVE]    = { L1C("xsave", 26, PASS), .cr4 = CR4_OSXSAVE,
	                  .xcr0 = XCR0_X87 | XCR0_SSE },
	[CF_AVX]      = { L1C("avx", 28, PASS), ON_XSAVE, .xcr0 = XCR0_AVX },
	[CF_F16C]     = { L1C("f16c", 29, PASS), ON_AVX },
	[CF_RDRAND]   = { L1C("rdrand", 30, PASS) },

	[CF_DTHERM]   = { L6A("dtherm", 0, HIDE) },
	[CF_IDA]      = { L6A("ida", 1, HIDE) },
	[CF_ARAT]     = { L6A("arat", 2, SET) },
	[CF_PLN]      = { L6A("pln", 4, HIDE) },
	[CF_PTS]      = { L6A("pts", 6, HIDE) },
	[CF_HWP]      = { L6A("hwp", 7, HIDE) },
	[CF_APERFMPERF] = { L6C("aperfmperf", 0, HIDE) },
	[CF_EPB]      = { L6C("epb", 3, HIDE) },

	[CF_FSGSBASE] = { L7B("fsgsbase", 0, PASS), .cr4 = CR4_FSGSBASE },
	[CF_TSC_ADJUST] = { L7B("tsc_adjust", 1, HIDE) },
	[CF_SGX]      = { L7B("sgx", 2, HIDE) },
	[CF_BMI1]     = { L7B("bmi1", 3, PASS) },
	[CF_HLE]      = { L7B("hle", 4, PASS) },
	[CF_AVX2]     = { L7B("avx2", 5, PASS), ON_AVX },
	[CF_FDP_EXCPTN_ONLY] = { L7B("fdp_excptn_only", 6, PASS) },
	[CF_SMEP]     = { L7B("smep", 7, PASS), .cr4 = CR4_SMEP },
	[CF_BMI2]     = { L7B("bmi2", 8, PASS) },
	[CF_ERMS]     = { L7B("erms", 9, PASS) },
	[CF_INVPCID]  = { L7B("invpcid", 10, PASS), .needs = CPUID_NEEDS_INVPCID },
	[CF_RTM]      = { L7B("rtm", 11, PASS) },
	[CF_CQM]      = { L7B("cqm", 12, HIDE) },
	[CF_ZERO_FCS_FDS] = { L7B("zero_fcs_fds", 13, PASS) },
	[CF_MPX]      = { L7B("mpx", 14, HIDE), .xcr0 = XCR0_BND },
	[CF_RDT_A]    = { L7B("rdt_a", 15, HIDE) },
	[CF_AVX512F]  = { L7B("avx512f", 16, PASS), ON_AVX, .xcr0 = XCR0_AVX512 },
	[CF_AVX512DQ] = { L7B("avx512dq", 17, PASS), ON_AVX512 },
	[CF_RDSEED]   = { L7B("rdseed", 18, PASS) },
	[CF_ADX]      = { L7B("adx", 19, PASS) },
	[CF_SMAP]     = { L7B("smap", 20, PASS), .cr4 = CR4_SMAP },
	[CF_AVX512IFMA] = { L7B("avx512ifma", 21, PASS), ON_AVX512 },
	[CF_CLFLUSHOPT] = { L7B("clflushopt", 23, PASS) },
	[CF_CLWB]     = { L7B("clwb", 24, PASS) },
	[CF_INTEL_PT] = { L7B("intel_pt", 25, HIDE) },
	[CF_AVX512PF] = { L7B("avx512pf", 26, PASS), ON_AVX512 },
	[CF_AVX512ER] = { L7B("avx512er", 27, PASS), ON_AVX512 },
	[CF_AVX512CD] = { L7B("avx512cd", 28, PASS), ON_AVX512 },
	[CF_SHA_NI]   = { L7B("sha_ni", 29, PASS) },
	[CF_AVX512BW] = { L7B("avx512bw", 30, PASS), ON_AVX512 },
	[CF_AVX512VL] = { L7B("avx512vl", 31, PASS), ON_AVX512 },

	[CF_PREFETCHWT1] = { L7C("prefetchwt1", 0, PASS) },
	[CF_AVX512VBMI] = { L7C("avx512vbmi", 1, PASS), ON_AVX512 },
	[CF_UMIP]     = { L7C("umip", 2, PASS), .cr4 = CR4_UMIP },
	/* PKRU is switched by XSAVE (vmx/vcpu.c) and read by the MMIO
	 * emulator with RDPKRU, which needs the host's CR4.PKE. */
	[CF_PKU]      = { L7C("pku", 3, PASS), .needs = CPUID_NEEDS_PKU, ON_XSAVE,
	                  .cr4 = CR4_PKE, .xcr0 = XCR0_PKRU },
	[CF_WAITPKG]  = { L7C("waitpkg", 5, HIDE) },
	[CF_AVX512_VBMI2] = { L7C("avx512_vbmi2", 6, PASS), ON_AVX512 },
	[CF_SHSTK]    = { L7C("shstk", 7, HIDE), .cr4 = CR4_CET },
	[CF_GFNI]     = { L7C("gfni", 8, PASS) },
	[CF_VAES]     = { L7C("vaes", 9, PASS), ON_AVX },
	[CF_VPCLMULQDQ] = { L7C("vpclmulqdq", 10, PASS), ON_AVX },
	[CF_AVX512_VNNI] = { L7C("avx512_vnni", 11, PASS), ON_AVX512 },
	[CF_AVX512_BITALG] = { L7C("avx512_bitalg", 12, PASS), ON_AVX512 },
	[CF_TME]      = { L7C("tme", 13, HIDE) },
	[CF_AVX512_VPOPCNTDQ] = { L7C("avx512_vpopcntdq", 14, PASS), ON_AVX512 },
	/* The MMIO emulator's page walker has no 5-level paging. */
	[CF_LA57]     = { L7C("la57", 16, HIDE), .cr4 = CR4_LA57 },
	[CF_RDPID]    = { L7C("rdpid", 22, PASS), .needs = CPUID_NEEDS_RDTSCP },
	[CF_KEYLOCKER] = { L7C("keylocker", 23, HIDE), .cr4 = CR4_KL },
	[CF_BUS_LOCK_DETECT] = { L7C("bus_lock_detect", 24, HIDE) },
	[CF_CLDEMOTE] = { L7C("cldemote", 25, PASS) },
	[CF_MOVDIRI]  = { L7C("movdiri", 27, PASS) },
	[CF_MOVDIR64B] = { L7C("movdir64b", 28, PASS) },
	[CF_ENQCMD]   = { L7C("enqcmd", 29, HIDE) },
	[CF_SGX_LC]   = { L7C("sgx_lc", 30, HIDE) },
	[CF_PKS]      = { L7C("pks", 31, HIDE), .cr4 = CR4_PKS },

	[CF_AVX512_4VNNIW] = { L7D("avx512_4vnniw", 2, PASS), ON_AVX512 },
	[CF_AVX512_4FMAPS] = { L7D("avx512_4fmaps", 3, PASS), ON_AVX512 },
	[CF_FSRM]     = { L7D("fsrm", 4, PASS) },
	[CF_UINTR]    = { L7D("uintr", 5, HIDE), .cr4 = CR4_UINTR },
	[CF_AVX512_VP2INTERSECT] = { L7D("avx512_vp2intersect", 8, PASS),
	                  ON_AVX512 },
	[CF_SRBDS_CTRL] = { L7D("srbds_ctrl", 9, HIDE) },
	[CF_MD_CLEAR] = { L7D("md_clear", 10, PASS) },
	[CF_RTM_ALWAYS_ABORT] = { L7D("rtm_always_abort", 11, PASS) },
	[CF_TSX_FORCE_ABORT] = { L7D("tsx_force_abort", 13, HIDE) },
	[CF_SERIALIZE] = { L7D("serialize", 14, PASS) },
	[CF_HYBRID_CPU] = { L7D("hybrid_cpu", 15, HIDE) },
	[CF_TSXLDTRK] = { L7D("tsxldtrk", 16, PASS) },
	[CF_PCONFIG]  = { L7D("pconfig", 18, HIDE) },
	[CF_ARCH_LBR] = { L7D("arch_lbr", 19, HIDE) },
	[CF_IBT]      = { L7D("ibt", 20, HIDE), .cr4 = CR4_CET },
	[CF_AMX_BF16] = { L7D("amx_bf16", 22, HIDE) },
	[CF_AVX512_FP16] = { L7D("avx512_fp16", 23, PASS), ON_AVX512 },
	/* AMX state is dynamic: Linux enables it only with XFD, which BareGT
	 * does not switch. */
	[CF_AMX_TILE] = { L7D("amx_tile", 24, HIDE), .xcr0 = XCR0_TILE },
	[CF_AMX_INT8] = { L7D("amx_int8", 25, HIDE) },
	/* Speculation controls: IA32_SPEC_CTRL is the guest's (switched
	 * with the vCPU), IA32_PRED_CMD and IA32_FLUSH_CMD are commands. */
	[CF_SPEC_CTRL] = { L7D("spec_ctrl", 26, PASS) },
	[CF_STIBP]    = { L7D("intel_stibp", 27, PASS) },
	[CF_FLUSH_L1D] = { L7D("flush_l1d", 28, PASS) },
	[CF_ARCH_CAPABILITIES] = { L7D("arch_capabilities", 29, PASS) },
	[CF_CORE_CAPABILITIES] = { L7D("core_capabilities", 30, HIDE) },
	[CF_SSBD]     = { L7D("spec_ctrl_ssbd", 31, PASS) },

	[CF_AVX_VNNI] = { L71A("avx_vnni", 4, PASS), ON_AVX },
	[CF_AVX512_BF16] = { L71A("avx512_bf16", 5, PASS), ON_AVX512 },

	[CF_XSAVEOPT] = { LDA("xsaveopt", 0, PASS), ON_XSAVE },
	[CF_XSAVEC]   = { LDA("xsavec", 1, PASS), ON_XSAVE },
	[CF_XGETBV1]  = { LDA("xgetbv1", 2, PASS), ON_XSAVE },
	[CF_XSAVES]   = { LDA("xsaves", 3, PASS), ON_XSAVE,
	                  .needs = CPUID_NEEDS_XSAVES },
	[CF_XFD]      = { LDA("xfd", 4, HIDE) },

	[CF_LAHF_LM]  = { X1C("lahf_lm", 0, PASS) },
	[CF_ABM]      = { X1C("abm", 5, PASS) },
	[CF_3DNOWPREFETCH] = { X1C("3dnowprefetch", 8, PASS) },
	[CF_SYSCALL]  = { X1D("syscall", 11, PASS) },
	[CF_NX]       = { X1D("nx", 20, PASS) },
	[CF_PDPE1GB]  = { X1D("pdpe1gb", 26, PASS) },
	[CF_RDTSCP]   = { X1D("rdtscp", 27, PASS), .needs = CPUID_NEEDS_RDTSCP },
	[CF_LM]       = { X1D("lm", 29, PASS) },
	/* Guests read the host's TSC unchanged: it is as invariant as the
	 * host's (docs/platform.md, "Time"). */
	[CF_INVTSC]   = { ROW("invtsc", 0x80000007u, 0, EDX, 8, PASS) },
	[CF_WBNOINVD] = { ROW("wbnoinvd", 0x80000008u, 0, EBX, 9, PASS) },
};

enum cpuid_feature_id cpuid_feature_find(const char *name, size_t len)
{
	unsigned i;

	for (i = CF_NONE + 1; i < CF_COUNT; i++)
		if (strlen(cpuid_features[i].name) == len &&
		    memcmp(cpuid_features[i].name, name, len) == 0)
			return (enum cpuid_feature_id)i;
	return CF_NONE;
}

/*
 * SDM Vol. 4 Table 2-2, the "Register availability" column of the
 * architectural MSRs, as feature → MSRs. The x2APIC rows are the
 * registers of SDM Vol. 3A Table 11-6 a guest reads first.
 */
#define R   MSR_ACCESS_READ
#define W   MSR_ACCESS_WRITE
#define RW  (MSR_ACCESS_READ | MSR_ACCESS_WRITE)
#define FACT(f, a, b, acc)  { CF_##f, a, b, acc, true }

const struct cpuid_msr_fact cpuid_msr_facts[] = {
	FACT(MCE, 0x000, 0x001, R),                 /* IA32_P5_MC_ADDR, _TYPE */
	FACT(TSC, 0x010, 0x010, R),                 /* IA32_TIME_STAMP_COUNTER */
	FACT(MSR, 0x010, 0x010, R),
	/* IA32_APIC_BASE stays readable (as "disabled") without an APIC:
	 * the vLAPIC's, not a #GP. */
	{ CF_APIC, 0x01b, 0x01b, R, false },
	FACT(TSC_ADJUST, 0x03b, 0x03b, RW),
	FACT(SPEC_CTRL, 0x048, 0x048, RW),          /* IA32_SPEC_CTRL */
	FACT(STIBP, 0x048, 0x048, RW),
	FACT(SSBD, 0x048, 0x048, RW),
	FACT(SPEC_CTRL, 0x049, 0x049, W),           /* IA32_PRED_CMD */
	FACT(MTRR, 0x0fe, 0x0fe, R),                /* IA32_MTRRCAP */
	FACT(CORE_CAPABILITIES, 0x0cf, 0x0cf, R),
	FACT(APERFMPERF, 0x0e7, 0x0e8, R),          /* IA32_MPERF, IA32_APERF */
	FACT(ARCH_CAPABILITIES, 0x10a, 0x10a, R),
	FACT(FLUSH_L1D, 0x10b, 0x10b, W),           /* IA32_FLUSH_CMD */
	FACT(TSX_FORCE_ABORT, 0x10f, 0x10f, RW),
	FACT(SRBDS_CTRL, 0x123, 0x123, RW),         /* IA32_MCU_OPT_CTRL */
	FACT(SEP, 0x174, 0x176, RW),                /* IA32_SYSENTER_CS/ESP/EIP */
	FACT(MCA, 0x179, 0x17a, R),                 /* IA32_MCG_CAP, _STATUS */
	FACT(EST, 0x198, 0x199, R),                 /* IA32_PERF_STATUS, _CTL */
	FACT(ACPI, 0x19a, 0x19c, R),                /* IA32_CLOCK_MODULATION,
	                                             * THERM_INTERRUPT, _STATUS */
	FACT(EPB, 0x1b0, 0x1b0, RW),                /* IA32_ENERGY_PERF_BIAS */
	FACT(PTS, 0x1b1, 0x1b1, R),                 /* IA32_PACKAGE_THERM_STATUS */
	FACT(XFD, 0x1c4, 0x1c5, RW),                /* IA32_XFD, IA32_XFD_ERR */
	FACT(PAT, 0x277, 0x277, RW),
	FACT(MTRR, 0x2ff, 0x2ff, RW),               /* IA32_MTRR_DEF_TYPE */
	FACT(PDCM, 0x345, 0x345, R),                /* IA32_PERF_CAPABILITIES */
	FACT(INTEL_PT, 0x570, 0x570, RW),           /* IA32_RTIT_CTL */
	FACT(DTS, 0x600, 0x600, RW),                /* IA32_DS_AREA */
	FACT(SHSTK, 0x6a0, 0x6a0, RW),              /* IA32_U_CET */
	FACT(IBT, 0x6a2, 0x6a2, RW),                /* IA32_S_CET */
	FACT(TSC_DEADLINE, 0x6e0, 0x6e0, RW),
	FACT(PKS, 0x6e1, 0x6e1, RW),                /* IA32_PKRS */
	FACT(HWP, 0x770, 0x770, RW),                /* IA32_PM_ENABLE */
	FACT(X2APIC, 0x802, 0x803, R),              /* APIC ID, version */
	FACT(X2APIC, 0x808, 0x808, RW),             /* TPR */
	FACT(X2APIC, 0x80b, 0x80b, W),              /* EOI */
	FACT(X2APIC, 0x80f, 0x80f, RW),             /* SVR */
	FACT(X2APIC, 0x830, 0x830, RW),             /* ICR */
	FACT(X2APIC, 0x832, 0x832, RW),             /* LVT timer */
	FACT(X2APIC, 0x838, 0x838, RW),             /* initial count */
	FACT(X2APIC, 0x839, 0x839, R),              /* current count */
	FACT(X2APIC, 0x83e, 0x83e, RW),             /* divide configuration */
	FACT(SDBG, 0xc80, 0xc80, RW),               /* IA32_DEBUG_INTERFACE */
	FACT(CQM, 0xc8d, 0xc8e, RW),                /* IA32_QM_EVTSEL, _CTR */
	FACT(CQM, 0xc8f, 0xc8f, RW),                /* IA32_PQR_ASSOC */
	FACT(RDT_A, 0xc8f, 0xc8f, RW),
	FACT(MPX, 0xd90, 0xd90, RW),                /* IA32_BNDCFGS */
	FACT(ENQCMD, 0xd93, 0xd93, RW),             /* IA32_PASID */
	FACT(XSAVES, 0xda0, 0xda0, RW),             /* IA32_XSS */
	FACT(TME, 0x981, 0x981, R),                 /* IA32_TME_CAPABILITY */
	FACT(WAITPKG, 0x0e1, 0x0e1, RW),            /* IA32_UMWAIT_CONTROL */
	FACT(NX, 0xc0000080u, 0xc0000080u, RW),     /* IA32_EFER */
	FACT(LM, 0xc0000080u, 0xc0000080u, RW),
	/* IA32_STAR, LSTAR, CSTAR (written, unused, on Intel), FMASK */
	FACT(LM, 0xc0000081u, 0xc0000084u, RW),
	{ CF_SYSCALL, 0xc0000081u, 0xc0000081u, RW, false },
	FACT(LM, 0xc0000100u, 0xc0000102u, RW),     /* FS, GS, KERNEL_GS bases */
	FACT(RDTSCP, 0xc0000103u, 0xc0000103u, RW), /* IA32_TSC_AUX */
	FACT(RDPID, 0xc0000103u, 0xc0000103u, R),
};

const size_t cpuid_msr_nfacts = sizeof(cpuid_msr_facts) / sizeof(cpuid_msr_facts[0]);
