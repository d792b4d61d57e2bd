/*
 * vmx/vcpu.c — a vCPU's VMCS and its run loop.
 *
 * VMCS contents: SDM Vol. 3C §25 (guest state §25.4, host state §25.5,
 * controls §25.6–25.8) and the VM-entry checks of §27.2–27.3. State that
 * VM entry/exit does not switch (FPU/SSE/AVX via XSAVE, XCR0, the SYSCALL
 * MSRs and KERNEL_GS_BASE, TSC_AUX, SPEC_CTRL, DR0-DR3 and DR6) is switched
 * here when another vCPU takes the CPU; the hypervisor itself never touches it (it
 * is built with -mgeneral-regs-only, does not use SYSCALL or SWAPGS, and
 * runs with DR7 = 0x400 after every exit, so guest breakpoints are inert
 * in it). Before the first entry after such a switch the CPU's shared
 * state is cleaned as vmx/mitigate.c chose (L1D, buffers, predictors).
 * vcpu_init also builds the VM's CPUID policy (vmx/cpuid_policy.c) and
 * the MSR bitmap and CR4 mask that follow it.
 */
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/gdt.h"
#include "hv/load/load.h"
#include "hv/mm.h"
#include "hv/tsc.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/intr.h"
#include "vmx/msr_policy.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"
#include "version.h"

#define DR7_INIT         0x400ull
#define DR6_INIT         0xffff0ff0ull   /* SDM Vol. 3B §18.2.3 */
#define MXCSR_INIT       0x1f80u
#define FCW_INIT         0x037fu
#define XSAVE_MXCSR_OFF  24

static const uint32_t sw_msr_index[SW_MSR_COUNT] = {
	[SW_MSR_STAR] = MSR_STAR, [SW_MSR_LSTAR] = MSR_LSTAR,
	[SW_MSR_CSTAR] = MSR_CSTAR, [SW_MSR_SFMASK] = MSR_SFMASK,
	[SW_MSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE, [SW_MSR_TSC_AUX] = MSR_TSC_AUX,
};

static struct vcpu *loaded_vcpu;    /* whose VMCS and FPU state are live */

/* ---- FPU and software-switched MSRs ------------------------------------- */

static void xcr0_write(uint64_t xcr0)
{
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"((uint32_t)xcr0),
	                     "d"((uint32_t)(xcr0 >> 32)));
}

/*
 * XSAVE and XRSTOR act on RFBM = XCR0 AND EDX:EAX (SDM Vol. 1 §13.7,
 * §13.8), so XCR0 is switched to every component the CPU has around
 * them: a guest running with XCR0 = 1 still has live XMM registers
 * (CR4.OSFXSR) and PKRU (CR4.PKE), and they must be saved and replaced
 * like the rest. The vCPU's own XCR0 goes back in after the restore.
 */
static void fpu_save(struct vcpu *v)
{
	if (vmx.xsave) {
		xcr0_write(vmx.xsave_mask);
		__asm__ __volatile__("xsave64 %0" : "+m"(*v->fpu)
		                     : "a"((uint32_t)vmx.xsave_mask),
		                       "d"((uint32_t)(vmx.xsave_mask >> 32)) : "memory");
	} else {
		__asm__ __volatile__("fxsave64 %0" : "+m"(*v->fpu) : : "memory");
	}
}

static void fpu_restore(struct vcpu *v)
{
	if (vmx.xsave) {
		xcr0_write(vmx.xsave_mask);
		__asm__ __volatile__("xrstor64 %0" : : "m"(*v->fpu),
		                     "a"((uint32_t)vmx.xsave_mask),
		                     "d"((uint32_t)(vmx.xsave_mask >> 32)) : "memory");
		xcr0_write(v->xcr0);
	} else {
		__asm__ __volatile__("fxrstor64 %0" : : "m"(*v->fpu) : "memory");
	}
}

uint32_t vcpu_guest_pkru(void)
{
	uint32_t pkru, edx;

	if (!vmx.pku)
		return 0;
	__asm__ __volatile__("rdpkru" : "=a"(pkru), "=d"(edx) : "c"(0));
	(void)edx;
	return pkru;
}

/* ---- debug registers (SDM Vol. 3B §18.2) ---------------------------------- */

#define DR_MOVE(n)                                                             \
	static uint64_t dr##n##_read(void)                                     \
	{                                                                      \
		uint64_t x;                                                    \
		__asm__ __volatile__("mov %%dr" #n ", %0" : "=r"(x));          \
		return x;                                                      \
	}                                                                      \
	static void dr##n##_write(uint64_t x)                                  \
	{                                                                      \
		__asm__ __volatile__("mov %0, %%dr" #n : : "r"(x));            \
	}
DR_MOVE(0)
DR_MOVE(1)
DR_MOVE(2)
DR_MOVE(3)
DR_MOVE(6)

static void dr_save(struct vcpu *v)
{
	v->dr[0] = dr0_read();
	v->dr[1] = dr1_read();
	v->dr[2] = dr2_read();
	v->dr[3] = dr3_read();
	v->dr6 = dr6_read();
}

static void dr_restore(const struct vcpu *v)
{
	dr0_write(v->dr[0]);
	dr1_write(v->dr[1]);
	dr2_write(v->dr[2]);
	dr3_write(v->dr[3]);
	dr6_write(v->dr6);
}

/* ---- between VMs ------------------------------------------------------------ */

/* Right before entering a VM other than the one that ran last: the
 * mitigations vmx/mitigate.c selected. VERW takes a writable data
 * segment's selector from memory (Intel's MDS guidance). */
static void vm_switch_barrier(void)
{
	static const uint16_t data_sel = GDT_SEL_DATA;

	if (vmx.mit.ibpb)
		wrmsr(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
	if (vmx.mit.l1d_flush)
		wrmsr(MSR_IA32_FLUSH_CMD, FLUSH_CMD_L1D);
	if (vmx.mit.verw)
		__asm__ __volatile__("verw %0" : : "m"(data_sel) : "cc");
}

/* IA32_TSC_AUX exists only with RDTSCP or RDPID (SDM Vol. 4 Table 2-2);
 * VMX lets guests use it only where "enable RDTSCP" is set. */
static bool sw_msr_exists(unsigned i)
{
	return i != SW_MSR_TSC_AUX || (vmx.proc2 & PROC2_RDTSCP);
}

/* Make v the vCPU whose state is in the CPU; false if its VMCS cannot be
 * made current (then nothing of v is loaded). A switch from another
 * vCPU ends with the barrier between VMs, so it runs once per switch and
 * costs nothing on the exit path. */
static bool vcpu_load(struct vcpu *v)
{
	unsigned i;

	if (loaded_vcpu == v)
		return true;
	if (loaded_vcpu) {
		fpu_save(loaded_vcpu);
		dr_save(loaded_vcpu);
		for (i = 0; i < SW_MSR_COUNT; i++)
			if (sw_msr_exists(i))
				loaded_vcpu->sw_msr[i] = rdmsr(sw_msr_index[i]);
		if (vmx.spec_ctrl)
			loaded_vcpu->spec_ctrl = rdmsr(MSR_SPEC_CTRL);
	}
	loaded_vcpu = NULL;
	if (!vmptrld(v->vmcs_hpa))
		return false;
	fpu_restore(v);
	dr_restore(v);
	for (i = 0; i < SW_MSR_COUNT; i++)
		if (sw_msr_exists(i))
			wrmsr(sw_msr_index[i], v->sw_msr[i]);
	if (vmx.spec_ctrl)
		wrmsr(MSR_SPEC_CTRL, v->spec_ctrl);
	loaded_vcpu = v;
	vm_switch_barrier();
	return true;
}

/* ---- VMCS construction ---------------------------------------------------- */

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Segment registers in VMCS field order: ES CS SS DS FS GS LDTR TR. */
enum vmcs_seg { VS_ES, VS_CS, VS_SS, VS_DS, VS_FS, VS_GS, VS_LDTR, VS_TR };

static void vmcs_seg(enum vmcs_seg s, uint16_t sel, uint64_t base,
                     uint32_t limit, uint32_t ar)
{
	vmwrite(VMCS_GUEST_ES_SEL + 2u * s, sel);
	vmwrite(VMCS_GUEST_ES_BASE + 2u * s, base);
	vmwrite(VMCS_GUEST_ES_LIMIT + 2u * s, limit);
	vmwrite(VMCS_GUEST_ES_AR + 2u * s, ar);
}

static void vmcs_host_state(void)
{
	struct desc_ptr gdtr, idtr;

	__asm__ __volatile__("sgdt %0" : "=m"(gdtr));
	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, GDT_SEL_CODE);
	vmwrite(VMCS_HOST_SS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_DS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_ES_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_FS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_GS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_TR_SEL, GDT_SEL_TSS);
	vmwrite(VMCS_HOST_FS_BASE, 0);
	vmwrite(VMCS_HOST_GS_BASE, 0);
	vmwrite(VMCS_HOST_TR_BASE, gdt_tss_base());
	vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub);
}

static void vmcs_controls(struct vcpu *v, const struct guest_entry *e)
{
	vmwrite(VMCS_PIN_CTLS, vmx.pin);
	vmwrite(VMCS_PROC_CTLS, vmx.proc);
	v->proc_ctls = vmx.proc;
	vmwrite(VMCS_PROC_CTLS2, vmx.proc2);
	vmwrite(VMCS_EXIT_CTLS, vmx.exit);
	vmwrite(VMCS_ENTRY_CTLS, vmx.entry | (e->long_mode ? ENTRY_IA32E_GUEST : 0));
	vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	vmwrite(VMCS_PF_ERR_MASK, 0);
	vmwrite(VMCS_PF_ERR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(VMCS_IO_BITMAP_A, vmx.io_bitmap_a_hpa);
	vmwrite(VMCS_IO_BITMAP_B, vmx.io_bitmap_b_hpa);
	vmwrite(VMCS_MSR_BITMAP, (uint64_t)(uintptr_t)v->msr_bitmap);
	if (vmx.proc2 & PROC2_XSAVES)
		vmwrite(VMCS_XSS_EXIT_BITMAP, 0);   /* IA32_XSS is 0: none exit */
	vmwrite(VMCS_EPTP, v->vm->ept.eptp);
	vmwrite(VMCS_VPID, v->vpid);
	/* The guest owns CR0 and CR4 except the bits VMX operation pins:
	 * CR0.NE (fixed to 1) and CR4.VMXE (fixed to 1, hidden from the
	 * guest), and the CR4 bits of features its CPUID hides, which the
	 * CPU has but the guest may not set (vmx/cr.c refuses them).
	 * Unrestricted guest frees PE and PG (§25.8, §27.3.1.1). */
	vmwrite(VMCS_CR0_MASK, CR0_NE);
	vmwrite(VMCS_CR4_MASK, CR4_VMXE | (vmx.cr4_fixed1 & ~v->cpuid.cr4_allowed));
	vmwrite(VMCS_LINK_POINTER, ~0ull);
}

static void vmcs_guest_state(const struct guest_entry *e)
{
	uint32_t code_ar = AR_TYPE_CODE_XRA | AR_S | AR_P | AR_G |
	                   (e->long_mode ? AR_L : AR_DB);
	uint32_t data_ar = AR_TYPE_DATA_RWA | AR_S | AR_P | AR_G | AR_DB;
	uint64_t cr0 = e->cr0 | (vmx.cr0_fixed0 & ~(CR0_PE | CR0_PG));

	vmcs_seg(VS_CS, e->cs_sel, 0, 0xffffffff, code_ar);
	vmcs_seg(VS_DS, e->ds_sel, 0, 0xffffffff, data_ar);
	vmcs_seg(VS_ES, e->ds_sel, 0, 0xffffffff, data_ar);
	vmcs_seg(VS_SS, e->ds_sel, 0, 0xffffffff, data_ar);
	vmcs_seg(VS_FS, e->ds_sel, 0, 0xffffffff, data_ar);
	vmcs_seg(VS_GS, e->ds_sel, 0, 0xffffffff, data_ar);
	vmcs_seg(VS_LDTR, 0, 0, 0, AR_UNUSABLE);
	/* No guest TSS yet; VM entry still wants a busy TSS in TR. */
	vmcs_seg(VS_TR, 0, 0, 0x67, AR_TYPE_TSS_BUSY | AR_P);
	vmwrite(VMCS_GUEST_GDTR_BASE, e->gdt_gpa);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, e->gdt_limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, 0);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);
	vmwrite(VMCS_GUEST_CR0, cr0 & vmx.cr0_fixed1);
	vmwrite(VMCS_CR0_SHADOW, e->cr0);
	vmwrite(VMCS_GUEST_CR4, (e->cr4 | vmx.cr4_fixed0) & vmx.cr4_fixed1);
	vmwrite(VMCS_CR4_SHADOW, e->cr4);
	vmwrite(VMCS_GUEST_CR3, e->cr3);
	vmwrite(VMCS_GUEST_EFER, e->efer);
	vmwrite(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_DR7, DR7_INIT);
	vmwrite(VMCS_GUEST_RSP, e->rsp);
	vmwrite(VMCS_GUEST_RIP, e->rip);
	vmwrite(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY, 0);
}

static bool vcpu_fpu_init(struct vcpu *v)
{
	v->fpu = mm_try_alloc_pages(vmx.fpu_pages);
	if (!v->fpu)
		return false;
	v->xcr0 = 1;                           /* x87 only, as after reset */
	memcpy(v->fpu + XSAVE_MXCSR_OFF, &(uint32_t){ MXCSR_INIT }, 4);
	if (!vmx.xsave)                        /* FXSAVE image: FCW too */
		memcpy(v->fpu, &(uint16_t){ FCW_INIT }, 2);
	return true;
}

static void host_cpuid(void *arg, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)arg;
	cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
}

/* The VM's CPUID policy: the host's CPUID, what VMX lets guests run,
 * the TSC rate, what its config hides (docs/guests.md, "CPU
 * behaviour"); then the MSR bitmap that follows it. */
void vcpu_cpuid_init(struct vcpu *v, const struct vm *vm)
{
	struct cpuid_inputs in = {
		.host = host_cpuid,
		.tsc_hz = tsc_hz(),
		.host_arch_caps = vmx.arch_caps,
		.version = BAREGT_VERSION_NUM,
		.rdtscp = vmx.proc2 & PROC2_RDTSCP,
		.invpcid = vmx.proc2 & PROC2_INVPCID,
		.xsaves = vmx.proc2 & PROC2_XSAVES,
		.pku = vmx.pku,
		/* The vLAPIC serves the xAPIC page, the x2APIC MSRs and
		 * IA32_TSC_DEADLINE (hv/dev/vlapic.c); the platform takes
		 * what this policy ends up saying (hv/vm.c). */
		.lapic = true,
		.lapic_x2apic = true,
		.lapic_tsc_deadline = true,
		.hide = vm->cfg->cpuid_hide,
		.hide_words = CONFIG_CPUID_HIDE_WORDS,
	};
	char names[160];
	size_t n = 0;
	unsigned f;

	cpuid_policy_build(&in, &v->cpuid);
	v->misc_enable = v->cpuid.misc_enable;
	v->spec_ctrl = 0;
	names[0] = '\0';
	for (f = CF_NONE + 1; f < CF_COUNT; f++)
		if ((vm->cfg->cpuid_hide[f / 32] >> (f % 32)) & 1 && n < sizeof(names))
			n += (size_t)snprintf(names + n, sizeof(names) - n, " %s",
			                      cpuid_features[f].name);
	if (n)
		log_info("vm '%s': CPUID hides, as its config says:%s",
		         vm->desc.name, names);
}

bool vcpu_init(struct vcpu *v, struct vm *vm, const struct guest_entry *e)
{
	uint32_t *vmcs = mm_try_alloc_pages(1);

	v->vm = vm;
	v->vpid = (uint16_t)(vm->desc.id + 1);      /* VPID 0 belongs to the host */
	v->vmcs_hpa = (uint64_t)(uintptr_t)vmcs;
	v->launched = false;
	v->mtrr_def_type = 0x806;              /* MTRRs on, default WB */
	v->dr6 = DR6_INIT;
	v->msr_bitmap = mm_try_alloc_pages(1);
	/* Out of memory fails this VM only; vcpu_destroy frees what was
	 * taken (docs/architecture.md, "Failure policy"). */
	if (!vmcs || !v->msr_bitmap || !vcpu_fpu_init(v)) {
		log_error("vm '%s': out of memory for the vCPU (VMCS, MSR bitmap,"
		          " FPU state)", vm->desc.name);
		return false;
	}
	msr_policy_bitmap(&v->cpuid, v->msr_bitmap);
	vmcs[0] = (uint32_t)(vmx.msrs.basic & 0x7fffffff);
	if (!vmclear(v->vmcs_hpa) || !vmptrld(v->vmcs_hpa)) {
		log_error("vm '%s': VMCLEAR/VMPTRLD failed", vm->desc.name);
		return false;
	}
	vmcs_host_state();
	vmcs_controls(v, e);
	vmcs_guest_state(e);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.gpr[GPR_RAX] = e->rax;
	v->regs.gpr[GPR_RBX] = e->rbx;
	v->regs.gpr[GPR_RSI] = e->rsi;
	v->regs.gpr[GPR_RDI] = e->rdi;
	if (loaded_vcpu && loaded_vcpu != v)
		vmptrld(loaded_vcpu->vmcs_hpa);   /* keep "current" truthful */
	return true;
}

void vcpu_destroy(struct vcpu *v)
{
	if (loaded_vcpu == v)
		loaded_vcpu = NULL;
	if (v->vmcs_hpa) {
		vmclear(v->vmcs_hpa);
		palloc_free(&hv_palloc, v->vmcs_hpa, 1);
		v->vmcs_hpa = 0;
	}
	if (v->fpu) {
		palloc_free(&hv_palloc, (uint64_t)(uintptr_t)v->fpu, vmx.fpu_pages);
		v->fpu = NULL;
	}
	if (v->msr_bitmap) {
		palloc_free(&hv_palloc, (uint64_t)(uintptr_t)v->msr_bitmap, 1);
		v->msr_bitmap = NULL;
	}
}

/* ---- helpers for exit handlers ---------------------------------------------- */

void vcpu_skip_insn(struct vcpu *v)
{
	(void)v;
	vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSN_LEN));
}

void vcpu_end_shadow(struct vcpu *v)
{
	uint64_t blocking = vmread(VMCS_GUEST_INTERRUPTIBILITY);

	(void)v;
	if (blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS))
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
		        blocking & ~(uint64_t)(INTERRUPTIBILITY_STI |
		                               INTERRUPTIBILITY_MOVSS));
}

/*
 * A fault is reported at the instruction that caused it, and the CPU
 * pushes RFLAGS with RF = 1 for every fault-class exception except an
 * instruction-breakpoint #DB, so that the handler's IRET back to that
 * instruction does not hit its breakpoint again (SDM Vol. 3B §18.3.1.1,
 * "Instruction-Breakpoint Exception Condition"). VM entry does not do
 * this for an injected event: it pushes the RFLAGS of the guest-state
 * area with RF as it is there (SDM Vol. 3C §27.6.1.1, "Details of
 * Vectored-Event Injection"), and an exit caused by an instruction saves
 * RF = 0 (§28.3.3). So for a fault the VMM sets RF in the guest's
 * RFLAGS before the entry; delivery clears it in the register, as it
 * does for any event through the IDT. In real mode only FLAGS' low 16
 * bits are pushed, which do not hold RF.
 */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_err,
                           uint32_t err)
{
	bool pe = vmread(VMCS_GUEST_CR0) & CR0_PE;

	(void)v;
	if (pe && vector < 32 && ((VEC_FAULTS >> vector) & 1))
		vmwrite(VMCS_GUEST_RFLAGS, vmread(VMCS_GUEST_RFLAGS) | RFLAGS_RF);
	/* In real mode exceptions push no error code, and VM entry refuses
	 * one with CR0.PE = 0 (SDM Vol. 3C §27.2.1.3). */
	if (!pe)
		has_err = false;
	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION |
	        (has_err ? INTR_INFO_DELIVER_ERR : 0) | vector);
	if (has_err)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERR, err);
}

unsigned vcpu_cpl(void)
{
	/* SS.DPL is the CPL (SDM Vol. 3C §27.3.1.2). */
	return (unsigned)(vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
}

/* ---- the run loop ------------------------------------------------------------ */

static enum exit_action vcpu_entry_failed(struct vcpu *v)
{
	uint64_t err = vmread(VMCS_VM_INSN_ERROR);

	vm_stop_dump(v->vm, "VM entry failed: VM-instruction error %llu (%s)",
	             (unsigned long long)err, vmx_insn_error_name(err));
	return EXIT_STOP;
}

enum exit_action vcpu_run(struct vcpu *v, uint64_t tsc_deadline)
{
	enum exit_action act = EXIT_RESUME;

	if (!vcpu_load(v)) {
		/* No VMCS of its own is current: nothing to dump. */
		vm_stop(v->vm, "VMPTRLD of its VMCS at %#llx failed",
		        (unsigned long long)v->vmcs_hpa);
		return EXIT_STOP;
	}
	v->halted = false;
	/* Once per turn, not per exit: the first entry comes within this
	 * loop's first pass. */
	if (!v->launched && !v->vm->tsc_first_entry)
		v->vm->tsc_first_entry = rdtsc();
	while (act == EXIT_RESUME) {
		uint64_t now = rdtsc(), ticks, until = tsc_deadline;
		uint64_t event = platform_next_event(&v->vm->plat);

		if (now >= event) {
			platform_tick(&v->vm->plat, now);
			event = platform_next_event(&v->vm->plat);
		}
		if (now >= tsc_deadline)
			return EXIT_YIELD;
		if (event < until)
			until = event;
		intr_before_entry(v);
		ticks = until > now ? (until - now) >> vmx.preemption_rate : 0;
		vmwrite(VMCS_PREEMPTION_TIMER, ticks > 0xffffffffu ? 0xffffffffu : ticks);
		if (vmx_run(&v->regs, v->launched) != 0)
			return vcpu_entry_failed(v);
		v->launched = true;
		act = vmx_handle_exit(v);
		/* A device may have stopped the VM (power-off, reset). */
		if (v->vm->state == VM_STOPPED)
			return EXIT_STOP;
	}
	return act;
}
