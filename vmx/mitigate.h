/*
 * vmx/mitigate.h — what BareGT does when the CPU passes from one VM to
 * another, chosen from what the CPU enumerates (docs/hardware.md, "Side
 * channels"): flush the L1 data cache (L1TF), clear the CPU's buffers
 * (MDS), barrier the indirect branch predictors (Spectre v2 between
 * VMs). Pure: the selection is unit-tested; vmx/vcpu.c applies it.
 *
 * Enumeration (SDM Vol. 2A CPUID leaf 7 EDX; Intel's "Deep Dive" papers
 * on L1TF and MDS): EDX bit 10 MD_CLEAR (VERW overwrites the buffers),
 * bit 26 IBRS/IBPB (IA32_SPEC_CTRL, IA32_PRED_CMD), bit 28 L1D_FLUSH
 * (IA32_FLUSH_CMD), bit 29 IA32_ARCH_CAPABILITIES. ARCH_CAPABILITIES
 * (SDM Vol. 4 Table 2-2, MSR 0x10A): bit 0 RDCL_NO (no L1TF), bit 3
 * SKIP_L1DFL_VMENTRY (no L1D flush needed on VM entry), bit 5 MDS_NO.
 */
#ifndef BAREGT_VMX_MITIGATE_H
#define BAREGT_VMX_MITIGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPUID7_EDX_MD_CLEAR     (1u << 10)
#define CPUID7_EDX_IBRS_IBPB    (1u << 26)
#define CPUID7_EDX_L1D_FLUSH    (1u << 28)
#define CPUID7_EDX_ARCH_CAPS    (1u << 29)

#define ARCH_CAP_RDCL_NO             (1ull << 0)
#define ARCH_CAP_SKIP_L1DFL_VMENTRY  (1ull << 3)
#define ARCH_CAP_MDS_NO              (1ull << 5)

#define MSR_IA32_PRED_CMD       0x049u
#define PRED_CMD_IBPB           1ull
#define MSR_IA32_ARCH_CAPS      0x10au
#define MSR_IA32_FLUSH_CMD      0x10bu
#define FLUSH_CMD_L1D           1ull

/* What the CPU says about itself. */
struct spec_caps {
	uint32_t cpuid7_edx;       /* CPUID.(EAX=7,ECX=0):EDX, 0 if no leaf 7 */
	uint64_t arch_caps;        /* IA32_ARCH_CAPABILITIES, 0 if absent */
};

/* What happens on a switch to another VM. */
struct vm_switch_mitigations {
	bool ibpb;                 /* IA32_PRED_CMD.IBPB */
	bool l1d_flush;            /* IA32_FLUSH_CMD.L1D_FLUSH */
	bool verw;                 /* VERW: clear the CPU buffers */
	bool buffers_by_flush;     /* the L1D flush clears them instead */
	/* Affected, and the CPU offers no way out (old microcode). */
	bool l1tf_exposed, mds_exposed, spectre_v2_exposed;
};

void mitigations_select(const struct spec_caps *c,
                        struct vm_switch_mitigations *m);

/* One line for the log: what is applied and why not the rest. */
void mitigations_format(const struct vm_switch_mitigations *m, char *buf,
                        size_t n);

#endif
