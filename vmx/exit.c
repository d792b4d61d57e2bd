/*
 * vmx/exit.c — the exit-reason table. Every basic exit reason 0–69
 * (SDM Vol. 3D Appendix C) has an entry; reasons BareGT never enables go
 * to exit_unexpected, which stops the VM with a dump: such an exit is a
 * bug to see, not to ignore. Per-VM counters per reason.
 */
#include "hv/console.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/intr.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"


typedef enum exit_action (*exit_fn)(struct vcpu *v);

struct exit_entry {
	const char *name;
	exit_fn handler;
};

static enum exit_action exit_unexpected(struct vcpu *v)
{
	unsigned r = EXIT_REASON_BASIC(v->exit_reason);

	vm_stop_dump(v->vm, "unexpected VM exit %u (%s), qualification %#llx",
	             r, vmx_exit_name(r), (unsigned long long)v->exit_qual);
	return EXIT_STOP;
}

static enum exit_action exit_nmi_or_exception(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
		intr_note_vectoring(v);
		log_warn("vm '%s': host NMI during the guest; ignored", v->vm->desc.name);
		return EXIT_RESUME;
	}
	return exit_unexpected(v);       /* the exception bitmap is empty */
}

static enum exit_action exit_extint(struct vcpu *v)
{
	static bool reported;

	intr_note_vectoring(v);
	if (!reported)
		log_warn("vm '%s': host interrupt vector %u while a guest ran;"
		         " the hypervisor takes none (reported once)", v->vm->desc.name,
		         (unsigned)(vmread(VMCS_EXIT_INTR_INFO) & 0xff));
	reported = true;
	return EXIT_RESUME;
}

static enum exit_action exit_triple_fault(struct vcpu *v)
{
	vm_stop_dump(v->vm, "triple fault");
	return EXIT_STOP;
}

static enum exit_action exit_init(struct vcpu *v)
{
	vm_stop_dump(v->vm, "INIT signal");
	return EXIT_STOP;
}

static enum exit_action exit_task_switch(struct vcpu *v)
{
	vm_stop_dump(v->vm, "hardware task switch (not supported)");
	return EXIT_STOP;
}

/*
 * HLT: with interrupts on, the vCPU sleeps until an interrupt is
 * pending for it (the scheduler skips it till then, docs/platform.md
 * "Time"), unless one already is, which the entry path injects at once.
 * With interrupts off nothing could wake it: it gives up its slice and
 * goes on after the HLT on its next turn (the test guests' way to
 * yield).
 */
static enum exit_action exit_hlt(struct vcpu *v)
{
	vcpu_skip_insn(v);
	vcpu_end_shadow(v);
	if (!(vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF))
		return EXIT_YIELD;
	if (vlapic_pending(&v->lapic) >= 0 || v->lapic.nmi_pending ||
	    v->lapic.extint_pending)
		return EXIT_RESUME;
	v->halted = true;
	return EXIT_YIELD;
}

/* The guest can take an interrupt now: the entry path injects it. */
static enum exit_action exit_intr_window(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

static enum exit_action exit_invd(struct vcpu *v)
{
	vcpu_skip_insn(v);               /* caches are the host's: a no-op */
	return EXIT_RESUME;
}

/* No virtual PMU (CPUID leaf 0xA is empty): every counter index is
 * invalid, which RDPMC answers with #GP(0) (SDM Vol. 2B RDPMC). The
 * CPU itself raises #GP first when CPL > 0 and CR4.PCE = 0. */
static enum exit_action exit_rdpmc(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return EXIT_RESUME;
}

/*
 * WBINVD: a VM whose memory a device reads (its vGPU) may need its
 * writes in memory, so for it the flush is done; for any other VM it is
 * a no-op, since all its memory is cached coherently and a guest-driven
 * flush of every cache would only slow the other VMs and make a timing
 * channel. Counted per VM like every exit.
 */
static enum exit_action exit_wbinvd(struct vcpu *v)
{
	if (v->vm->vgpu)
		__asm__ __volatile__("wbinvd" : : : "memory");
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

/* VMX instructions, GETSEC, MONITOR/MWAIT: the guest sees no such CPU. */
static enum exit_action exit_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD, false, 0);
	return EXIT_RESUME;
}

/* The slice's end or a timer event: the run loop tells which. */
static enum exit_action exit_preemption_timer(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

static enum exit_action exit_entry_failure(struct vcpu *v)
{
	vm_stop_dump(v->vm, "VM entry failed: %s (qualification %llu; the "
	             "emulator's log names the failed check)",
	             vmx_exit_name(EXIT_REASON_BASIC(v->exit_reason)),
	             (unsigned long long)v->exit_qual);
	return EXIT_STOP;
}

static enum exit_action exit_ept_misconfig(struct vcpu *v)
{
	vm_stop_dump(v->vm, "EPT misconfiguration at GPA %#llx",
	             (unsigned long long)vmread(VMCS_GUEST_PHYS_ADDR));
	return EXIT_STOP;
}

#define X(n, f) { n, f }
static const struct exit_entry exit_table[VMX_EXIT_REASONS] = {
	[0]  = X("exception or NMI", exit_nmi_or_exception),
	[1]  = X("external interrupt", exit_extint),
	[2]  = X("triple fault", exit_triple_fault),
	[3]  = X("INIT", exit_init),
	[4]  = X("SIPI", exit_unexpected),
	[5]  = X("I/O SMI", exit_unexpected),
	[6]  = X("other SMI", exit_unexpected),
	[7]  = X("interrupt window", exit_intr_window),
	[8]  = X("NMI window", exit_unexpected),
	[9]  = X("task switch", exit_task_switch),
	[10] = X("CPUID", exit_cpuid),
	[11] = X("GETSEC", exit_inject_ud),
	[12] = X("HLT", exit_hlt),
	[13] = X("INVD", exit_invd),
	[14] = X("INVLPG", exit_unexpected),
	[15] = X("RDPMC", exit_rdpmc),
	[16] = X("RDTSC", exit_unexpected),
	[17] = X("RSM", exit_unexpected),
	[18] = X("VMCALL", exit_vmcall),
	[19] = X("VMCLEAR", exit_inject_ud),
	[20] = X("VMLAUNCH", exit_inject_ud),
	[21] = X("VMPTRLD", exit_inject_ud),
	[22] = X("VMPTRST", exit_inject_ud),
	[23] = X("VMREAD", exit_inject_ud),
	[24] = X("VMRESUME", exit_inject_ud),
	[25] = X("VMWRITE", exit_inject_ud),
	[26] = X("VMXOFF", exit_inject_ud),
	[27] = X("VMXON", exit_inject_ud),
	[28] = X("CR access", exit_cr_access),
	[29] = X("MOV DR", exit_unexpected),
	[30] = X("I/O", exit_io),
	[31] = X("RDMSR", exit_rdmsr),
	[32] = X("WRMSR", exit_wrmsr),
	[33] = X("invalid guest state", exit_entry_failure),
	[34] = X("MSR loading", exit_entry_failure),
	[35] = X("reserved (35)", exit_unexpected),
	[36] = X("MWAIT", exit_inject_ud),
	[37] = X("monitor trap flag", exit_unexpected),
	[38] = X("reserved (38)", exit_unexpected),
	[39] = X("MONITOR", exit_inject_ud),
	[40] = X("PAUSE", exit_unexpected),
	[41] = X("machine check during VM entry", exit_entry_failure),
	[42] = X("reserved (42)", exit_unexpected),
	[43] = X("TPR below threshold", exit_unexpected),
	[44] = X("APIC access", exit_unexpected),
	[45] = X("virtualized EOI", exit_unexpected),
	[46] = X("GDTR/IDTR access", exit_unexpected),
	[47] = X("LDTR/TR access", exit_unexpected),
	[48] = X("EPT violation", exit_ept_violation),
	[49] = X("EPT misconfiguration", exit_ept_misconfig),
	[50] = X("INVEPT", exit_inject_ud),
	[51] = X("RDTSCP", exit_unexpected),
	[52] = X("VMX-preemption timer", exit_preemption_timer),
	[53] = X("INVVPID", exit_inject_ud),
	[54] = X("WBINVD", exit_wbinvd),
	[55] = X("XSETBV", exit_xsetbv),
	[56] = X("APIC write", exit_unexpected),
	[57] = X("RDRAND", exit_unexpected),
	[58] = X("INVPCID", exit_unexpected),
	[59] = X("VMFUNC", exit_inject_ud),
	[60] = X("ENCLS", exit_unexpected),
	[61] = X("RDSEED", exit_unexpected),
	[62] = X("page-modification log full", exit_unexpected),
	[63] = X("XSAVES", exit_unexpected),
	[64] = X("XRSTORS", exit_unexpected),
	[65] = X("PCONFIG", exit_unexpected),
	[66] = X("SPP-related event", exit_unexpected),
	[67] = X("UMWAIT", exit_unexpected),
	[68] = X("TPAUSE", exit_unexpected),
	[69] = X("LOADIWKEY", exit_unexpected),
};
#undef X

const char *vmx_exit_name(unsigned r)
{
	return r < VMX_EXIT_REASONS ? exit_table[r].name : "unknown";
}

enum exit_action vmx_handle_exit(struct vcpu *v)
{
	unsigned r;

	v->exit_reason = (uint32_t)vmread(VMCS_EXIT_REASON);
	v->exit_qual = vmread(VMCS_EXIT_QUALIFICATION);
	r = EXIT_REASON_BASIC(v->exit_reason);
	v->vm->exits_total++;
	if (r >= VMX_EXIT_REASONS)
		return exit_unexpected(v);
	v->vm->exits[r]++;
	return exit_table[r].handler(v);
}

/* VM-instruction error numbers, SDM Vol. 3C §31.4 Table 31-1. */
const char *vmx_insn_error_name(uint64_t err)
{
	static const char *const names[] = {
		[1] = "VMCALL in VMX root", [2] = "VMCLEAR invalid address",
		[3] = "VMCLEAR with VMXON pointer", [4] = "VMLAUNCH non-clear VMCS",
		[5] = "VMRESUME non-launched VMCS", [6] = "VMRESUME after VMXOFF",
		[7] = "VM entry with invalid control fields",
		[8] = "VM entry with invalid host-state fields",
		[9] = "VMPTRLD invalid address", [10] = "VMPTRLD with VMXON pointer",
		[11] = "VMPTRLD wrong revision", [12] = "unsupported VMCS component",
		[13] = "VMWRITE to read-only field", [15] = "VMXON in VMX root",
		[16] = "VM entry with invalid executive-VMCS pointer",
		[26] = "VM entry with events blocked by MOV SS",
		[28] = "invalid INVEPT/INVVPID operand",
	};
	return err < sizeof(names) / sizeof(names[0]) && names[err] ?
	       names[err] : "other";
}
