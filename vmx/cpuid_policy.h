/*
 * vmx/cpuid_policy.h — what a guest's CPUID says, given what the CPU says.
 * Pure: the unit tests check every rule.
 */
#ifndef BAREGT_VMX_CPUID_POLICY_H
#define BAREGT_VMX_CPUID_POLICY_H

#include <stdint.h>

#define CPUID_HV_BASE      0x40000000u
#define CPUID_HV_VERSION   0x40000001u
#define CPUID_HV_LAST      0x400000ffu

/* r[4] = EAX..EDX of the host CPUID for (leaf, subleaf) on entry, the
 * guest's view on return. guest_cr4 is the CR4 the guest wrote. */
void cpuid_policy(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
                  uint32_t version, uint32_t r[4]);

#endif
