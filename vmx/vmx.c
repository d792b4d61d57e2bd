/*
 * vmx/vmx.c — entering VMX operation (SDM Vol. 3C §24.7, §24.8):
 * IA32_FEATURE_CONTROL, CR0/CR4 fixed bits, CR4.VMXE, the VMXON region;
 * and the control words every VMCS starts from.
 */
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/mm.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"

#define FC_LOCK              (1ull << 0)
#define FC_VMX_OUTSIDE_SMX   (1ull << 2)
#define CPUID7_ECX_PKU       (1u << 3)

struct vmx_host vmx;

uint32_t vmx_adjust_ctl(uint64_t cap_msr, uint32_t want, uint32_t *missing)
{
	uint32_t must = (uint32_t)cap_msr, may = (uint32_t)(cap_msr >> 32);

	*missing = want & ~may;
	return (want | must) & may;
}

/* Every port exits. The MSR bitmap is each VM's (vmx/msr_policy.c,
 * following its CPUID). */
static void vmx_setup_bitmaps(void)
{
	uint8_t *io = mm_alloc_pages(2);

	memset(io, 0xff, 2 * PAGE_SIZE);
	vmx.io_bitmap_a_hpa = (uint64_t)(uintptr_t)io;
	vmx.io_bitmap_b_hpa = (uint64_t)(uintptr_t)io + PAGE_SIZE;
}

/*
 * Guest FPU/SSE/AVX state (and PKRU, MPX, AVX-512 where the CPU has them)
 * is switched with XSAVE/XRSTOR over every user state component the CPU
 * supports (CPUID.(EAX=0DH,ECX=0):EDX:EAX, SDM Vol. 1 §13.2), whatever
 * the guest's XCR0 says: state the guest's XCR0 leaves out still lives in
 * the registers (XMM under CR4.OSFXSR with XCR0 = 1, PKRU under CR4.PKE)
 * and must not pass to the next VM. ECX of that leaf sizes an area for
 * all of them. Without XSAVE, FXSAVE covers x87 and SSE, all there is.
 */
static void vmx_setup_xsave(void)
{
	uint32_t a, b, c, d;

	vmx.fpu_pages = 1;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 26)))                  /* CPUID.1:ECX.XSAVE */
		return;
	cpuid(0xd, 0, &a, &b, &c, &d);
	write_cr4(read_cr4() | CR4_OSXSAVE);
	vmx.xsave = true;
	vmx.xsave_mask = ((uint64_t)d << 32) | a;
	vmx.xsave_size = c;
	vmx.fpu_pages = (c + PAGE_SIZE - 1) / PAGE_SIZE;
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"((uint32_t)XCR0_X87), "d"(0));
}

/* With CR4.PKE set in the host, RDPKRU reads the PKRU of the vCPU that
 * ran last (the register is not switched by VM exits), which the MMIO
 * emulator needs for protection-key checks. The hypervisor's own pages
 * are all supervisor pages, which keys do not govern (SDM Vol. 3A
 * §4.6.2). */
static void vmx_setup_pku(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return;
	cpuid(7, 0, &a, &b, &c, &d);
	if (!(c & CPUID7_ECX_PKU) || !(vmx.cr4_fixed1 & CR4_PKE))
		return;
	write_cr4(read_cr4() | CR4_PKE);
	vmx.pku = true;
}

/* Linear-address width for canonical checks: CPUID.80000008H:EAX[15:8]. */
static void vmx_setup_linear_bits(void)
{
	uint32_t a, b, c, d;

	vmx.linear_bits = 48;
	cpuid(0x80000000u, 0, &a, &b, &c, &d);
	if (a < 0x80000008u)
		return;
	cpuid(0x80000008u, 0, &a, &b, &c, &d);
	if (((a >> 8) & 0xff) >= 48 && ((a >> 8) & 0xff) <= 64)
		vmx.linear_bits = (a >> 8) & 0xff;
}

/* What to do between VMs (vmx/mitigate.c), from what the CPU says. */
static void vmx_setup_mitigations(void)
{
	struct spec_caps sc = { 0, 0 };
	uint32_t a, b, c, d;
	char line[200];

	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		sc.cpuid7_edx = d;
	}
	if (sc.cpuid7_edx & CPUID7_EDX_ARCH_CAPS)
		sc.arch_caps = rdmsr(MSR_IA32_ARCH_CAPS);
	vmx.arch_caps = sc.arch_caps;
	/* IA32_SPEC_CTRL exists with IBRS (bit 26), STIBP (27) or SSBD (31)
	 * in CPUID.(7,0):EDX; guests may own it (vmx/vcpu.c switches it). */
	vmx.spec_ctrl = sc.cpuid7_edx & (CPUID7_EDX_IBRS_IBPB | (1u << 27) |
	                                 (1u << 31));
	mitigations_select(&sc, &vmx.mit);
	mitigations_format(&vmx.mit, line, sizeof(line));
	if (vmx.mit.l1tf_exposed || vmx.mit.mds_exposed ||
	    vmx.mit.spectre_v2_exposed)
		log_warn("mitigations: %s", line);
	else
		log_info("mitigations: %s", line);
	log_info("mitigations: CPUID.(7,0):EDX %#x, IA32_ARCH_CAPABILITIES %#llx",
	         sc.cpuid7_edx, (unsigned long long)sc.arch_caps);
	log_info("mitigations: debug registers and FPU/SSE/AVX state switched per"
	         " VM; RDPMC exits (#GP)%s", (vmx.proc2 & PROC2_WBINVD_EXITING) ?
	         "; WBINVD exits" : "; WBINVD cannot exit on this CPU");
}

/* Append a name to the list of what is missing. */
static void need(bool have, const char *what, char *err, size_t n, bool *ok)
{
	size_t len = strlen(err);

	if (have)
		return;
	snprintf(err + len, n - len, "%s%s", *ok ? "" : ", ", what);
	*ok = false;
}

static bool vmx_check_caps(char *err, size_t n)
{
	const struct vmx_caps *c = &vmx.caps;
	bool ok = true;

	snprintf(err, n, "this CPU lacks what BareGT needs: ");
	if (!c->vmx) {
		need(false, "VMX", err, n, &ok);
		return false;
	}
	need(c->true_ctls, "true VMX controls", err, n, &ok);
	need(c->ept, "EPT", err, n, &ok);
	need(c->ept_4level && c->ept_wb, "4-level write-back EPT", err, n, &ok);
	need(c->invept, "INVEPT", err, n, &ok);
	need(c->vpid, "VPID", err, n, &ok);
	need(c->unrestricted, "unrestricted guest", err, n, &ok);
	need(c->preemption_timer, "VMX-preemption timer", err, n, &ok);
	return ok;
}

static bool vmx_controls(char *err, size_t n)
{
	uint32_t miss, all = 0;

	vmx.pin = vmx_adjust_ctl(vmx.msrs.true_pinbased,
	                         PIN_EXTINT_EXITING | PIN_NMI_EXITING |
	                         PIN_PREEMPTION_TIMER, &miss);
	all |= miss;
	/* RDPMC exits: there is no virtual PMU, and a guest with CR4.PCE
	 * would otherwise read the host's counters. */
	vmx.proc = vmx_adjust_ctl(vmx.msrs.true_procbased,
	                          PROC_HLT_EXITING | PROC_RDPMC_EXITING |
	                          PROC_USE_IO_BITMAPS |
	                          PROC_USE_MSR_BITMAPS | PROC_SECONDARY |
	                          PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING |
	                          PROC_MWAIT_EXITING | PROC_MONITOR_EXITING,
	                          &miss);
	vmx.proc &= ~(PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING);
	all |= miss;
	vmx.proc2 = vmx_adjust_ctl(vmx.msrs.procbased2,
	                           PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED,
	                           &miss);
	all |= miss;
	/* Optional: let guests use RDTSCP, INVPCID, XSAVES if the CPU can;
	 * exit on WBINVD (a guest flushing every cache slows all VMs and
	 * makes a timing channel) where the CPU allows it. */
	vmx.proc2 |= vmx_adjust_ctl(vmx.msrs.procbased2, PROC2_RDTSCP |
	                            PROC2_INVPCID | PROC2_XSAVES |
	                            PROC2_WBINVD_EXITING, &miss) &
	             (PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES |
	              PROC2_WBINVD_EXITING);
	vmx.exit = vmx_adjust_ctl(rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS),
	                          EXIT_HOST_64BIT | EXIT_ACK_INTERRUPT |
	                          EXIT_SAVE_DEBUG |
	                          EXIT_SAVE_PAT | EXIT_LOAD_PAT |
	                          EXIT_SAVE_EFER | EXIT_LOAD_EFER, &miss);
	all |= miss;
	vmx.entry = vmx_adjust_ctl(rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS),
	                           ENTRY_LOAD_PAT | ENTRY_LOAD_EFER |
	                           ENTRY_LOAD_DEBUG, &miss);
	all |= miss;
	if (all) {
		snprintf(err, n, "VMX controls not supported by this CPU");
		return false;
	}
	return true;
}

bool vmx_init(char *err, size_t errlen)
{
	uint64_t fc, basic;
	uint32_t *vmxon_region;

	vmx_probe(&vmx.msrs);
	vmx_caps_decode(&vmx.msrs, &vmx.caps);
	if (!vmx_check_caps(err, errlen) || !vmx_controls(err, errlen))
		return false;
	vmx.preemption_rate = vmx.caps.preemption_rate;

	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FC_LOCK)) {
		/* Firmware left it open (OVMF does): allow VMX, then lock. */
		fc |= FC_VMX_OUTSIDE_SMX | FC_LOCK;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	} else if (!(fc & FC_VMX_OUTSIDE_SMX)) {
		snprintf(err, errlen, "VMX is disabled by the firmware "
		         "(IA32_FEATURE_CONTROL locked with VMX off)");
		return false;
	}
	vmx.cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	vmx.cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	vmx.cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	vmx.cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	write_cr0((read_cr0() | vmx.cr0_fixed0) & vmx.cr0_fixed1);
	write_cr4(((read_cr4() | CR4_VMXE) | vmx.cr4_fixed0) & vmx.cr4_fixed1);

	vmx_setup_xsave();
	vmx_setup_pku();
	vmx_setup_linear_bits();
	vmx_setup_mitigations();
	vmx_setup_bitmaps();
	basic = vmx.msrs.basic;
	vmxon_region = mm_alloc_pages(1);
	vmxon_region[0] = (uint32_t)(basic & 0x7fffffff);   /* revision */
	if (!vmxon((uint64_t)(uintptr_t)vmxon_region)) {
		snprintf(err, errlen, "VMXON failed");
		return false;
	}
	return true;
}

void vmx_exit(void)
{
	if (!(read_cr4() & CR4_VMXE))
		return;
	__asm__ __volatile__("vmxoff" : : : "cc", "memory");
	write_cr4(read_cr4() & ~CR4_VMXE);
}
