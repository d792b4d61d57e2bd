/*
 * vmx/mmio.c — the EPT-violation exit: the trapped-MMIO path of
 * docs/vmx.md. Find the device for the GPA on the VM's bus; fetch the
 * instruction at CS:RIP through the guest's page tables; decode it;
 * emulate it, with every memory operand going through the bus by its GPA
 * (a device, a write-protected page's handler, or RAM). A GPA that is
 * neither RAM nor a device, or an instruction BareGT cannot emulate,
 * stops the VM with a log line.
 */
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/vm.h"
#include "vmx/decode.h"
#include "vmx/emulate.h"
#include "vmx/exit.h"
#include "vmx/intr.h"
#include "vmx/gwalk.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"
#include "hv/x86.h"

#define INSN_MAX        15
#define REP_BUDGET      256     /* string elements per exit, then re-enter */

struct mmio_ctx {
	struct vcpu *v;
	struct bus_range *hint;      /* the range the exit's GPA is in */
	struct gwalk_regs gregs;     /* what the walk checks rights against */
	uint64_t pf_linear;          /* last failed translation, for #PF */
	uint32_t pf_err;             /* its #PF error code (vmx/gwalk.h) */
	enum gwalk_result pf_why;    /* its walk result */
};

/* ---- guest memory, by GPA: the VM's bus ------------------------------------ */

/* The exit's own lookup is the hint: an access inside that range costs
 * no second lookup (hv/dev/bus.h). */
static bool mmio_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *val)
{
	struct mmio_ctx *m = ctx;

	return bus_mmio(&m->v->vm->bus, gpa, size, false, val, m->hint) ==
	       BUS_DONE;
}

static bool mmio_write(void *ctx, uint64_t gpa, unsigned size, uint64_t val)
{
	struct mmio_ctx *m = ctx;

	return bus_mmio(&m->v->vm->bus, gpa, size, true, &val, m->hint) ==
	       BUS_DONE;
}

/* Page-table entries: RAM only (a walk into a device stops the VM). */
static bool walk_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *val)
{
	const void *p = vm_gpa_to_hva(ctx, gpa, size);

	if (!p)
		return false;
	*val = 0;
	memcpy(val, p, size);
	return true;
}

/*
 * The emulator's data accesses are explicit accesses at the guest's CPL:
 * the walk applies U/S, R/W, SMAP and the protection keys to each one as
 * the CPU would have, had the access not exited first (the other operand
 * of a MOVS, later REP iterations, the second page of an element).
 */
static bool mmio_translate(void *ctx, uint64_t linear, bool write, uint64_t *gpa)
{
	struct mmio_ctx *m = ctx;

	m->pf_why = gwalk(&m->gregs, linear, write ? GWALK_WRITE : GWALK_READ,
	                  walk_read, m->v->vm, gpa, &m->pf_err);
	if (m->pf_why == GW_OK)
		return true;
	m->pf_linear = linear;
	return false;
}

static uint64_t mmio_seg_base(void *ctx, int seg)
{
	(void)ctx;
	return vmread(VMCS_GUEST_ES_BASE + 2u * (unsigned)seg);
}

static const struct emu_ops mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
	.translate = mmio_translate,
	.seg_base = mmio_seg_base,
};

/* ---- the exit ------------------------------------------------------------------ */

static enum cpu_mode guest_mode(void)
{
	uint64_t ar = vmread(VMCS_GUEST_CS_AR);

	if (ar & AR_L)
		return CPU_MODE_64;
	if (!(vmread(VMCS_GUEST_CR0) & CR0_PE) || !(ar & AR_DB))
		return CPU_MODE_16;
	return CPU_MODE_32;
}

/* The instruction cache's view of guest RAM (vmx/insn_cache.h). */
static const uint8_t *mmio_ram(void *ctx, uint64_t gpa, unsigned len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

/* What the first page of a fetch gave: where it is, how many bytes, and
 * the walk that found it (for the instruction cache). */
struct fetch_first {
	uint64_t gpa;
	size_t bytes;
	struct gwalk_path path;
};

/* Copy up to INSN_MAX bytes at the linear address of CS:RIP; returns how
 * many could be read. */
static size_t fetch_insn(struct mmio_ctx *m, uint64_t linear, uint8_t *buf,
                         struct fetch_first *first)
{
	size_t n = 0;

	first->bytes = 0;
	/* Fetch rights (XD, SMEP, U/S): bytes the guest may not execute are
	 * not decoded; a short fetch fails the decode and stops the VM. */
	while (n < INSN_MAX) {
		uint64_t gpa, chunk = 4096 - ((linear + n) & 4095);
		const uint8_t *p;
		uint32_t pf_err;

		if (gwalk_record(&m->gregs, linear + n, GWALK_FETCH, walk_read,
		                 m->v->vm, &gpa, &pf_err,
		                 n ? NULL : &first->path) != GW_OK)
			break;
		if (chunk > INSN_MAX - n)
			chunk = INSN_MAX - n;
		p = vm_gpa_to_hva(m->v->vm, gpa, chunk);
		if (!p)
			break;
		memcpy(buf + n, p, chunk);
		if (n == 0) {
			first->gpa = gpa;
			first->bytes = chunk;
		}
		n += chunk;
	}
	return n;
}

static enum exit_action mmio_cannot_emulate(struct vcpu *v, const struct bus_range *t,
                                            uint64_t gpa, const uint8_t *bytes,
                                            size_t n, const char *why)
{
	char hex[3 * INSN_MAX + 1] = "";
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", bytes[i]);
	if (n)
		hex[3 * n - 1] = '\0';
	vm_stop_dump(v->vm, "cannot emulate the access to %s at GPA %#llx: %s;"
	             " instruction bytes: %s", t->name, (unsigned long long)gpa,
	             why, n ? hex : "(unreadable)");
	return EXIT_STOP;
}

static void mmio_commit(struct vcpu *v, const struct emu_cpu *cpu, uint64_t rsp)
{
	memcpy(v->regs.gpr, cpu->gpr, sizeof(cpu->gpr));
	if (cpu->gpr[GPR_RSP] != rsp)
		vmwrite(VMCS_GUEST_RSP, cpu->gpr[GPR_RSP]);
	vmwrite(VMCS_GUEST_RIP, cpu->rip);
}

enum exit_action exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR), rsp;
	uint64_t span;
	struct bus_range *t = bus_lookup(&v->vm->bus, BUS_MMIO, gpa, &span);
	struct mmio_ctx m = { .v = v, .hint = t };
	uint8_t bytes[INSN_MAX];
	const uint8_t *ibytes = bytes;
	struct fetch_first first;
	struct insn_key key;
	struct emu_cpu cpu;
	struct insn in;
	enum decode_status ds;
	enum emu_result er;
	size_t n;

	if (!t) {
		vm_stop_dump(v->vm, "EPT violation: %s at GPA %#llx, which is neither"
		             " its RAM nor a device", (v->exit_qual & EPTQ_FETCH) ?
		             "instruction fetch" : (v->exit_qual & EPTQ_WRITE) ?
		             "write" : "read", (unsigned long long)gpa);
		return EXIT_STOP;
	}
	if (v->exit_qual & EPTQ_FETCH) {
		vm_stop_dump(v->vm, "instruction fetch from %s at GPA %#llx", t->name,
		             (unsigned long long)gpa);
		return EXIT_STOP;
	}
	if ((v->exit_qual & (EPTQ_LINEAR_VALID | EPTQ_LINEAR_XLATE)) ==
	    EPTQ_LINEAR_VALID) {
		/* The CPU walked the guest's page tables into the device: no
		 * instruction operand to emulate (SDM Vol. 3C Table 28-7). */
		vm_stop_dump(v->vm, "page-table walk into %s at GPA %#llx", t->name,
		             (unsigned long long)gpa);
		return EXIT_STOP;
	}
	intr_note_vectoring(v);
	if (v->idt_vectoring & INTR_INFO_VALID) {
		/* The CPU itself touched the device while delivering an event
		 * (its stack, IDT or GDT there): no instruction to emulate. */
		vm_stop_dump(v->vm, "delivery of vector %u touched %s at GPA %#llx",
		             (unsigned)(v->idt_vectoring & 0xff), t->name,
		             (unsigned long long)gpa);
		return EXIT_STOP;
	}
	cpu.rflags = vmread(VMCS_GUEST_RFLAGS);
	m.gregs = (struct gwalk_regs){
		.cr0 = vmread(VMCS_GUEST_CR0), .cr3 = vmread(VMCS_GUEST_CR3),
		.cr4 = vmread(VMCS_GUEST_CR4), .efer = vmread(VMCS_GUEST_EFER),
		.rflags = cpu.rflags, .pkru = vcpu_guest_pkru(),
		.cpl = vcpu_cpl(),
	};
	cpu.mode = guest_mode();
	cpu.rip = vmread(VMCS_GUEST_RIP);
	key = (struct insn_key){
		cpu.rip + (cpu.mode == CPU_MODE_64 ? 0 : vmread(VMCS_GUEST_CS_BASE)),
		m.gregs.cr0, m.gregs.cr3, m.gregs.cr4, m.gregs.efer, m.gregs.cpl,
		cpu.mode,
	};
	if (insn_cache_lookup(&v->icache, &key, walk_read, mmio_ram, v->vm, &in)) {
		ibytes = v->icache.bytes;
	} else {
		n = fetch_insn(&m, key.linear, bytes, &first);
		ds = insn_decode(bytes, n, cpu.mode, &in);
		if (ds != DECODE_OK)
			return mmio_cannot_emulate(v, t, gpa, bytes, n,
			                           decode_status_name(ds));
		if (in.len <= first.bytes)       /* in one page: keep it */
			insn_cache_fill(&v->icache, &key, &first.path, first.gpa,
			                bytes, &in);
	}
	memcpy(cpu.gpr, v->regs.gpr, sizeof(cpu.gpr));
	rsp = cpu.gpr[GPR_RSP] = vmread(VMCS_GUEST_RSP);
	er = insn_emulate(&in, gpa, &cpu, &mmio_ops, &m, REP_BUDGET);
	switch (er) {
	case EMU_DONE:
		/* An EPT-violation exit saves RF = 1 (SDM Vol. 3C §28.3.3) so
		 * that re-executing the instruction does not hit its
		 * breakpoint again; the emulator completed it instead, and a
		 * completed instruction clears RF (Vol. 3B §18.3.1.1), or the
		 * next one's breakpoint would be missed. */
		if (cpu.rflags & RFLAGS_RF)
			vmwrite(VMCS_GUEST_RFLAGS, cpu.rflags & ~RFLAGS_RF);
		mmio_commit(v, &cpu, rsp);
		return EXIT_RESUME;
	case EMU_CONTINUE:
		mmio_commit(v, &cpu, rsp);
		return EXIT_RESUME;
	case EMU_PAGE_FAULT:
		if (m.pf_why == GW_BAD_TABLE || m.pf_why == GW_UNSUPPORTED) {
			/* No #PF would describe it: the CPU's own walk would have
			 * left guest RAM (an EPT violation) or is not emulated. */
			vm_stop_dump(v->vm, "guest page walk of linear address %#llx "
			             "failed: %s", (unsigned long long)m.pf_linear,
			             m.pf_why == GW_BAD_TABLE ? "a page table lies "
			             "outside guest RAM" : "5-level paging is not "
			             "supported");
			return EXIT_STOP;
		}
		/* As the CPU would: #PF with CR2 = the linear address and the
		 * error code of the walk (SDM Vol. 3A §4.7). */
		mmio_commit(v, &cpu, rsp);
		v->regs.cr2 = m.pf_linear;
		vcpu_inject_exception(v, VEC_PF, true, m.pf_err);
		return EXIT_RESUME;
	case EMU_BAD_ACCESS:
		break;
	}
	return mmio_cannot_emulate(v, t, gpa, ibytes, in.len,
	                           "an access failed (outside RAM, or refused by the device)");
}
