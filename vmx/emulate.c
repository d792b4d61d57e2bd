/*
 * vmx/emulate.c — emulator for the instructions vmx/decode.c accepts.
 *
 * Register widths follow SDM Vol. 1 §3.4.1.1: a 32-bit result is
 * zero-extended into the 64-bit register, an 8- or 16-bit result leaves the
 * other bits alone; AH, CH, DH, BH are bits 15:8 of RAX..RBX. The 32-bit
 * rule is applied in every mode: outside 64-bit mode the upper halves are
 * invisible to the guest, so this is harmless.
 *
 * Loads and stores access their operand where the VM exit says it faulted
 * (the GPA of the exit, on the page the CPU itself translated) unless the
 * operand crosses a page boundary: then the CPU's exit names only the
 * page that faulted, which may be the second one, so both pages are
 * translated from the operand's own linear address (ModR/M or moffs,
 * Vol. 2A §2.1.5; segment base, Vol. 3A §3.4) and the access is done in
 * two parts. The string instructions (Vol. 2B STOS, MOVS, "REP/REPE/REPZ/REPNE/REPNZ")
 * compute their linear addresses themselves, element by element: the
 * destination is ES:rDI (ES cannot be overridden), the MOVS source is
 * DS:rSI or the override; rSI, rDI and rCX are as wide as the address size.
 * Every element is translated again, because either side may be the MMIO
 * page and an element may lie on another page than the last one.
 *
 * Beyond the brief, and why:
 *  - In 64-bit mode the bases of ES, CS, SS and DS are 0 whatever the
 *    segment registers hold (Vol. 1 §3.7.4.1, Vol. 3A §3.4.4), so
 *    ops->seg_base is only asked for FS and GS there.
 *  - Outside 64-bit mode linear addresses and RIP wrap at 32 bits.
 *  - A string element that straddles a 4 KiB page is translated on both
 *    pages; if the two GPAs are not contiguous it is carried out as two
 *    accesses (low part on the first page, high part on the second). The
 *    second write of such a pair may fail after the first was done; the
 *    registers are then still those of before the element.
 *  - No segment limit or access-rights checks (the exit already happened
 *    on the access, and the guests BareGT runs use flat segments); paging
 *    checks are ops->translate's.
 */
#include "vmx/emulate.h"

#define GUEST_PAGE_SIZE 0x1000ull

/* ---- widths ----------------------------------------------------------- */

/* The low `bytes` bytes set (bytes >= 8: all). */
static uint64_t width_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* Two's-complement sign extension from `bytes` bytes to 64 bits. */
static uint64_t sign_extend(uint64_t value, unsigned bytes)
{
	uint64_t sign;

	if (bytes == 0 || bytes >= 8)
		return value;
	sign = 1ull << (8 * bytes - 1);
	return ((value & width_mask(bytes)) ^ sign) - sign;
}

/* ---- registers (Vol. 1 §3.4.1.1) ------------------------------------- */

static uint64_t gpr_read(const struct emu_cpu *cpu, unsigned reg,
			 unsigned size, bool high8)
{
	uint64_t v = cpu->gpr[reg & 15];

	if (high8)
		return (v >> 8) & 0xff;
	return v & width_mask(size);
}

static void gpr_write(struct emu_cpu *cpu, unsigned reg, unsigned size,
		      bool high8, uint64_t value)
{
	uint64_t *r = &cpu->gpr[reg & 15];
	uint64_t keep;

	if (high8) {
		*r = (*r & ~0xff00ull) | ((value & 0xff) << 8);
		return;
	}
	keep = size >= 4 ? 0 : ~width_mask(size);   /* 32 bits zero-extend */
	*r = (*r & keep) | (value & width_mask(size));
}

static void advance_rip(struct emu_cpu *cpu, const struct insn *in)
{
	cpu->rip += in->len;
	if (cpu->mode != CPU_MODE_64)
		cpu->rip &= 0xffffffffull;
}

/* ---- string elements ------------------------------------------------- */

/* Where one element lies in guest-physical memory: one or two pieces. */
struct guest_span {
	uint64_t gpa[2];
	unsigned len[2];     /* len[1] == 0: one piece */
};

static uint64_t segment_base(const struct emu_cpu *cpu,
			     const struct emu_ops *ops, void *ctx, int seg)
{
	if (cpu->mode == CPU_MODE_64 && seg != SEG_FS && seg != SEG_GS)
		return 0;
	return ops->seg_base(ctx, seg);
}

static uint64_t linear_wrap(const struct emu_cpu *cpu, uint64_t linear)
{
	return cpu->mode == CPU_MODE_64 ? linear : linear & 0xffffffffull;
}

/* seg:index, the index taken as wide as the address size. */
static uint64_t linear_address(const struct insn *in,
			       const struct emu_cpu *cpu,
			       const struct emu_ops *ops, void *ctx,
			       int seg, unsigned index_reg)
{
	uint64_t offset = cpu->gpr[index_reg] & width_mask(in->addr_size);

	return linear_wrap(cpu, segment_base(cpu, ops, ctx, seg) + offset);
}

/* Translate the `size` bytes at `linear`, page by page. */
static bool translate_span(const struct emu_cpu *cpu,
			   const struct emu_ops *ops, void *ctx,
			   uint64_t linear, unsigned size, bool write,
			   struct guest_span *s)
{
	uint64_t room = GUEST_PAGE_SIZE - (linear & (GUEST_PAGE_SIZE - 1));

	s->len[0] = room < size ? (unsigned)room : size;
	s->len[1] = size - s->len[0];
	if (!ops->translate(ctx, linear, write, &s->gpa[0]))
		return false;
	if (s->len[1] == 0)
		return true;
	if (!ops->translate(ctx, linear_wrap(cpu, linear + s->len[0]), write,
			    &s->gpa[1]))
		return false;
	if (s->gpa[1] == s->gpa[0] + s->len[0]) {   /* contiguous: one piece */
		s->len[0] = size;
		s->len[1] = 0;
	}
	return true;
}

static bool span_read(const struct emu_ops *ops, void *ctx,
		      const struct guest_span *s, uint64_t *value)
{
	uint64_t low, high;

	if (!ops->read(ctx, s->gpa[0], s->len[0], &low))
		return false;
	*value = low & width_mask(s->len[0]);
	if (s->len[1] == 0)
		return true;
	if (!ops->read(ctx, s->gpa[1], s->len[1], &high))
		return false;
	*value |= (high & width_mask(s->len[1])) << (8 * s->len[0]);
	return true;
}

static bool span_write(const struct emu_ops *ops, void *ctx,
		       const struct guest_span *s, uint64_t value)
{
	if (!ops->write(ctx, s->gpa[0], s->len[0],
			value & width_mask(s->len[0])))
		return false;
	if (s->len[1] == 0)
		return true;
	return ops->write(ctx, s->gpa[1], s->len[1],
			  (value >> (8 * s->len[0])) & width_mask(s->len[1]));
}

/* ---- MOV, MOVZX, MOVSX, MOVSXD: the ModR/M or moffs operand ----------- */

/* base + index * scale + disp, address-size wide, plus the segment base
 * (SS by default for rBP/rSP bases, else DS; Vol. 1 §3.7.4, §3.7.5). */
static uint64_t operand_linear(const struct insn *in, const struct emu_cpu *cpu,
			       const struct emu_ops *ops, void *ctx)
{
	struct insn_mem m;
	uint64_t ea = in->mem_disp;
	unsigned rm = in->modrm & 7, mod = in->modrm >> 6;
	int seg;

	/* The usual 64-bit form, [reg + disp] (no SIB, not RIP-relative):
	 * DS's base is 0 in 64-bit mode, so only FS/GS overrides count. */
	if (cpu->mode == CPU_MODE_64 && in->addr_size == 8 && !in->moffs &&
	    rm != 4 && !(mod == 0 && rm == 5)) {
		ea += cpu->gpr[rm | ((in->rex & INSN_REX_B) ? 8 : 0)];
		return in->seg == SEG_NONE ? ea : segment_base(cpu, ops, ctx, in->seg) + ea;
	}
	insn_mem_operand(in, cpu->mode, &m);
	seg = in->seg != SEG_NONE ? in->seg : m.ss ? SEG_SS : SEG_DS;
	if (m.base == INSN_RIP)
		ea += cpu->rip + in->len;
	else if (m.base != INSN_NO_REG)
		ea += cpu->gpr[m.base & 15];
	if (m.index != INSN_NO_REG)
		ea += cpu->gpr[m.index & 15] * m.scale;
	ea &= width_mask(in->addr_size);
	return linear_wrap(cpu, segment_base(cpu, ops, ctx, seg) + ea);
}

/*
 * Does the operand lie wholly at fault_gpa? The CPU splits a page-crossing
 * access at the boundary and reports the GPA where the faulting part
 * begins, so a fault at a non-zero page offset that leaves room for the
 * whole operand is the operand itself: the common case, decided without
 * the operand's address. A fault at offset 0 may be the second part.
 */
static bool operand_at_fault(const struct insn *in, uint64_t fault_gpa)
{
	uint64_t off = fault_gpa & (GUEST_PAGE_SIZE - 1);

	return off != 0 && off + in->size <= GUEST_PAGE_SIZE;
}

/* Otherwise, from the operand's linear address: if it crosses a page,
 * *s gets its two parts, translated page by page; if not, *s stays the
 * one piece at fault_gpa it was given. */
static enum emu_result operand_span(const struct insn *in,
				    const struct emu_cpu *cpu,
				    const struct emu_ops *ops, void *ctx,
				    bool write, struct guest_span *s)
{
	uint64_t linear = operand_linear(in, cpu, ops, ctx);

	if ((linear & (GUEST_PAGE_SIZE - 1)) + in->size <= GUEST_PAGE_SIZE)
		return EMU_DONE;
	return translate_span(cpu, ops, ctx, linear, in->size, write, s) ?
	       EMU_DONE : EMU_PAGE_FAULT;
}

static enum emu_result emulate_load(const struct insn *in, uint64_t gpa,
				    struct emu_cpu *cpu,
				    const struct emu_ops *ops, void *ctx)
{
	struct guest_span s = { { gpa, 0 }, { in->size, 0 } };
	uint64_t value;
	enum emu_result r;

	if (!operand_at_fault(in, gpa) &&
	    (r = operand_span(in, cpu, ops, ctx, false, &s)) != EMU_DONE)
		return r;
	if (s.len[1] == 0 ? !ops->read(ctx, s.gpa[0], in->size, &value)
			  : !span_read(ops, ctx, &s, &value))
		return EMU_BAD_ACCESS;
	value &= width_mask(in->size);
	if (in->kind == INSN_LOAD_SX)
		value = sign_extend(value, in->size);
	gpr_write(cpu, in->reg, in->reg_size, in->reg_high8, value);
	return EMU_DONE;
}

static enum emu_result emulate_store(const struct insn *in, uint64_t gpa,
				     const struct emu_cpu *cpu,
				     const struct emu_ops *ops, void *ctx)
{
	struct guest_span s = { { gpa, 0 }, { in->size, 0 } };
	uint64_t value = (in->kind == INSN_STORE_IMM
		? in->imm
		: gpr_read(cpu, in->reg, in->size, in->reg_high8)) &
		width_mask(in->size);
	enum emu_result r;

	if (!operand_at_fault(in, gpa) &&
	    (r = operand_span(in, cpu, ops, ctx, true, &s)) != EMU_DONE)
		return r;
	if (s.len[1] == 0 ? !ops->write(ctx, s.gpa[0], in->size, value)
			  : !span_write(ops, ctx, &s, value))
		return EMU_BAD_ACCESS;
	return EMU_DONE;
}

/* rSI or rDI += size (-= size with RFLAGS.DF), address-size wide. */
static void step_index(struct emu_cpu *cpu, const struct insn *in,
		       unsigned index_reg)
{
	uint64_t v = cpu->gpr[index_reg];

	v = (cpu->rflags & RFLAGS_DF) ? v - in->size : v + in->size;
	gpr_write(cpu, index_reg, in->addr_size, false, v);
}

/* One STOS or MOVS element; registers change only when it completed. */
static enum emu_result string_element(const struct insn *in,
				      struct emu_cpu *cpu,
				      const struct emu_ops *ops, void *ctx)
{
	struct guest_span src, dst;
	uint64_t value;
	bool movs = in->kind == INSN_MOVS;

	if (movs) {
		int seg = in->seg == SEG_NONE ? SEG_DS : in->seg;
		uint64_t from = linear_address(in, cpu, ops, ctx, seg, GPR_RSI);

		if (!translate_span(cpu, ops, ctx, from, in->size, false, &src))
			return EMU_PAGE_FAULT;
	}
	if (!translate_span(cpu, ops, ctx,
			    linear_address(in, cpu, ops, ctx, SEG_ES, GPR_RDI),
			    in->size, true, &dst))
		return EMU_PAGE_FAULT;
	if (!movs)
		value = gpr_read(cpu, GPR_RAX, in->size, false);
	else if (!span_read(ops, ctx, &src, &value))
		return EMU_BAD_ACCESS;
	if (!span_write(ops, ctx, &dst, value))
		return EMU_BAD_ACCESS;
	if (movs)
		step_index(cpu, in, GPR_RSI);
	step_index(cpu, in, GPR_RDI);
	return EMU_DONE;
}

/* STOS/MOVS, with REP: rCX elements, at most `budget` of them now. */
static enum emu_result emulate_string(const struct insn *in,
				      struct emu_cpu *cpu,
				      const struct emu_ops *ops, void *ctx,
				      unsigned budget)
{
	enum emu_result r;
	uint64_t count;

	if (!in->rep) {
		r = string_element(in, cpu, ops, ctx);
		if (r == EMU_DONE)
			advance_rip(cpu, in);
		return r;
	}
	count = cpu->gpr[GPR_RCX] & width_mask(in->addr_size);
	while (count != 0) {
		if (budget == 0)
			return EMU_CONTINUE;
		r = string_element(in, cpu, ops, ctx);
		if (r != EMU_DONE)
			return r;
		budget--;
		count--;
		gpr_write(cpu, GPR_RCX, in->addr_size, false, count);
	}
	advance_rip(cpu, in);
	return EMU_DONE;
}

/* ---- entry points ----------------------------------------------------- */

enum emu_result insn_emulate(const struct insn *in, uint64_t fault_gpa,
			     struct emu_cpu *cpu, const struct emu_ops *ops,
			     void *ctx, unsigned max_iterations)
{
	enum emu_result r = EMU_BAD_ACCESS;

	switch (in->kind) {
	case INSN_LOAD:
	case INSN_LOAD_ZX:
	case INSN_LOAD_SX:
		r = emulate_load(in, fault_gpa, cpu, ops, ctx);
		break;
	case INSN_STORE:
	case INSN_STORE_IMM:
		r = emulate_store(in, fault_gpa, cpu, ops, ctx);
		break;
	case INSN_STOS:
	case INSN_MOVS:
		return emulate_string(in, cpu, ops, ctx,
				      max_iterations ? max_iterations : 1);
	}
	if (r == EMU_DONE)
		advance_rip(cpu, in);
	return r;
}

const char *emu_result_name(enum emu_result r)
{
	switch (r) {
	case EMU_DONE:       return "done";
	case EMU_CONTINUE:   return "continue";
	case EMU_BAD_ACCESS: return "bad access";
	case EMU_PAGE_FAULT: return "page fault";
	}
	return "?";
}
