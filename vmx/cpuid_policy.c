/*
 * vmx/cpuid_policy.c — CPUID as a BareGT guest sees it (docs/guests.md).
 * Bit positions: SDM Vol. 2A, CPUID instruction, Tables 3-10 (leaf 1 ECX)
 * and 3-8 (leaves 5, 0xA); leaf 1 ECX bit 31 is reserved by Intel for
 * hypervisors to announce themselves, leaves 0x40000000+ are theirs.
 */
#include "vmx/cpuid_policy.h"
#include "hv/x86.h"

#define L1_ECX_MONITOR     (1u << 3)
#define L1_ECX_VMX         (1u << 5)
#define L1_ECX_SMX         (1u << 6)
#define L1_ECX_PDCM        (1u << 15)
#define L1_ECX_OSXSAVE     (1u << 27)
#define L1_ECX_HYPERVISOR  (1u << 31)

/* "BareGTBareGT" in EBX, ECX, EDX */
#define SIG_EBX 0x65726142u   /* "Bare" */
#define SIG_ECX 0x61425447u   /* "GTBa" */
#define SIG_EDX 0x54476572u   /* "reGT" */

void cpuid_policy(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
                  uint32_t version, uint32_t r[4])
{
	(void)subleaf;
	if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_LAST) {
		r[0] = r[1] = r[2] = r[3] = 0;
		if (leaf == CPUID_HV_BASE) {
			r[0] = CPUID_HV_VERSION;
			r[1] = SIG_EBX;
			r[2] = SIG_ECX;
			r[3] = SIG_EDX;
		} else if (leaf == CPUID_HV_VERSION) {
			r[0] = version;
		}
		return;
	}
	switch (leaf) {
	case 1:
		/* No VMX or SMX inside; MONITOR/MWAIT raise #UD; no
		 * performance-capabilities MSR. OSXSAVE mirrors the guest's
		 * CR4, not the hypervisor's. */
		r[2] &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_SMX | L1_ECX_PDCM |
		          L1_ECX_OSXSAVE);
		r[2] |= L1_ECX_HYPERVISOR;
		if (guest_cr4 & CR4_OSXSAVE)
			r[2] |= L1_ECX_OSXSAVE;
		break;
	case 5:      /* MONITOR/MWAIT leaf */
	case 0xa:    /* architectural performance monitoring: none */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	default:
		break;
	}
}
