/*
 * vmx/vmx.h — VMX operation on this CPU: capability checks, VMXON, the
 * control settings every VMCS uses, and the I/O bitmaps all VMs share.
 */
#ifndef BAREGT_VMX_VMX_H
#define BAREGT_VMX_VMX_H

#include <stdbool.h>
#include "vmx/mitigate.h"
#include <stddef.h>
#include <stdint.h>
#include "vmx/caps.h"

struct vmx_host {
	struct vmx_msrs msrs;
	struct vmx_caps caps;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint32_t pin, proc, proc2, exit, entry;   /* adjusted controls */
	uint64_t io_bitmap_a_hpa, io_bitmap_b_hpa;
	bool xsave;                  /* XSAVE/XRSTOR for guest FPU state */
	uint64_t xsave_mask;         /* user components the CPU supports:
	                              * XCR0 while state is saved/restored */
	uint32_t xsave_size;         /* bytes of an area for all of them */
	uint32_t fpu_pages;          /* pages per vCPU FPU area */
	bool pku;                    /* CR4.PKE set in the host: RDPKRU works */
	unsigned linear_bits;        /* linear-address width (canonical checks) */
	struct vm_switch_mitigations mit;  /* applied between VMs */
	uint64_t arch_caps;          /* IA32_ARCH_CAPABILITIES (0: none) */
	bool spec_ctrl;              /* IA32_SPEC_CTRL exists */
	uint32_t preemption_rate;    /* timer ticks every 2^rate TSC ticks */
};

extern struct vmx_host vmx;

/*
 * Check that the CPU has what BareGT needs (EPT with 4-level walks and WB,
 * VPID, unrestricted guest, the preemption timer, INVEPT), enable VMX and
 * enter VMX operation. On failure err names what is missing.
 */
bool vmx_init(char *err, size_t errlen);

/* Leave VMX operation (VMXOFF, CR4.VMXE off): before a reset, since INIT
 * is blocked in VMX root operation (SDM Vol. 3C §24.8). */
void vmx_exit(void);

/* Is a canonical linear address for this CPU (SDM Vol. 1 §3.3.7.1)? */
static inline bool vmx_canonical(uint64_t a)
{
	unsigned s = 64 - vmx.linear_bits;

	return (uint64_t)((int64_t)(a << s) >> s) == a;
}

/*
 * Adjust wanted control bits to a capability MSR (allowed-0 settings in
 * bits 31:0 must be 1, allowed-1 settings in bits 63:32 may be 1; SDM
 * Vol. 3D §A.3). *missing gets the wanted bits the CPU cannot set.
 */
uint32_t vmx_adjust_ctl(uint64_t cap_msr, uint32_t want, uint32_t *missing);

#endif
