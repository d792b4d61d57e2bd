/*
 * tests/fuzz/fuzz_decode.c — libFuzzer target for vmx/decode.c and
 * vmx/emulate.c.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *     tests/fuzz/fuzz_decode.c vmx/decode.c vmx/emulate.c -o /tmp/fz
 *   /tmp/fz -max_total_time=60
 *
 * For each input and each CPU mode: decode it; on DECODE_OK check the
 * invariants of struct insn, that the same bytes cut to len decode the
 * same way and cut to len - 1 are truncated; then emulate it against a
 * bounded fake guest with registers drawn from the input and check what
 * may change. Every prefix of the input (up to 16 bytes) is also decoded
 * from a heap block of exactly that size, so ASan sees any read past n.
 * A broken invariant is __builtin_trap().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmx/decode.h"
#include "vmx/emulate.h"

#define REGION_GPA  0x100000ull     /* the fake guest's only memory */
#define REGION_SIZE 0x4000u      /* four 4 KiB pages */
#define BUDGET      64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

struct fake_guest {
	uint8_t mem[REGION_SIZE];
	uint64_t seg_base[6];
	unsigned bad_linear_page;      /* linear page (mod 8) not mapped */
	unsigned bad_gpa_page;         /* region page refusing access (>= 4: none) */
	unsigned accesses;
};

/* splitmix64: registers and bases from the input, deterministically. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool in_region(const struct fake_guest *g, uint64_t gpa, unsigned size)
{
	return gpa >= REGION_GPA && gpa - REGION_GPA <= REGION_SIZE - size &&
	       (gpa - REGION_GPA) >> 12 != g->bad_gpa_page;
}

static bool fake_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *value)
{
	struct fake_guest *g = ctx;
	unsigned i;

	CHECK(size >= 1 && size <= 8);
	g->accesses++;
	if (!in_region(g, gpa, size))
		return false;
	*value = 0;
	for (i = 0; i < size; i++)
		*value |= (uint64_t)g->mem[gpa - REGION_GPA + i] << (8 * i);
	return true;
}

static bool fake_write(void *ctx, uint64_t gpa, unsigned size, uint64_t value)
{
	struct fake_guest *g = ctx;
	unsigned i;

	CHECK(size >= 1 && size <= 8);
	CHECK(size == 8 || (value >> (8 * size)) == 0);
	g->accesses++;
	if (!in_region(g, gpa, size))
		return false;
	for (i = 0; i < size; i++)
		g->mem[gpa - REGION_GPA + i] = (uint8_t)(value >> (8 * i));
	return true;
}

/* Linear pages fold into the region's four pages in the order 0 1 3 2,
 * so an element across a page boundary is split or, from page 0 to 1, not;
 * one linear page in eight (input-chosen) is not mapped. */
static bool fake_translate(void *ctx, uint64_t linear, bool write, uint64_t *gpa)
{
	static const uint8_t order[4] = { 0, 1, 3, 2 };
	const struct fake_guest *g = ctx;
	uint64_t page = linear >> 12;

	(void)write;
	if ((page & 7) == g->bad_linear_page)
		return false;
	*gpa = REGION_GPA + ((uint64_t)order[page & 3] << 12) + (linear & 0xfff);
	return true;
}

static uint64_t fake_seg_base(void *ctx, int seg)
{
	const struct fake_guest *g = ctx;

	CHECK(seg >= SEG_ES && seg <= SEG_GS);
	return g->seg_base[seg];
}

static const struct emu_ops fake_ops = {
	fake_read, fake_write, fake_translate, fake_seg_base
};

static bool valid_size(unsigned s)
{
	return s == 1 || s == 2 || s == 4 || s == 8;
}

static void check_insn(const struct insn *in, size_t n)
{
	CHECK(in->len >= 1 && in->len <= 15 && in->len <= n);
	CHECK(valid_size(in->size) && valid_size(in->reg_size));
	CHECK(in->reg < 16 && (!in->reg_high8 || in->reg < 4));
	CHECK(in->addr_size == 2 || in->addr_size == 4 || in->addr_size == 8);
	CHECK(in->seg >= SEG_NONE && in->seg <= SEG_GS);
	CHECK(in->kind >= INSN_LOAD && in->kind <= INSN_MOVS);
	CHECK(in->size == 8 || (in->imm >> (8 * in->size)) == 0);
	CHECK(!in->rep || in->kind == INSN_STOS || in->kind == INSN_MOVS);
}

/* Decode a heap copy of exactly n bytes, so ASan catches reads past n. */
static enum decode_status decode_copy(const uint8_t *data, size_t n,
				      enum cpu_mode mode, struct insn *out)
{
	uint8_t *copy = malloc(n ? n : 1);
	enum decode_status st;

	if (!copy)
		__builtin_trap();
	if (n)
		memcpy(copy, data, n);
	st = insn_decode(copy, n, mode, out);
	free(copy);
	return st;
}

static void seed_cpu(struct emu_cpu *cpu, struct fake_guest *g,
		     enum cpu_mode mode, const uint8_t *data, size_t size)
{
	uint64_t state = size;
	size_t i;

	for (i = 0; i < size; i++)
		state = state * 131 + data[i];
	for (i = 0; i < 16; i++)
		cpu->gpr[i] = next_random(&state);
	if (cpu->gpr[0] & 1)                     /* often a count that ends */
		cpu->gpr[1] &= 0x7f;
	cpu->rip = next_random(&state);
	if (mode != CPU_MODE_64)
		cpu->rip &= 0xffffffffull;
	cpu->rflags = 0x2 | (next_random(&state) & (1ull << 10));
	cpu->mode = mode;
	for (i = 0; i < 6; i++)
		g->seg_base[i] = next_random(&state) & 0xffffffffull;
	g->bad_linear_page = (unsigned)(next_random(&state) & 15);
	g->bad_gpa_page = (unsigned)(next_random(&state) & 7);
	for (i = 0; i < REGION_SIZE; i++)
		g->mem[i] = (uint8_t)(i ^ (state >> (i & 31)));
}

/* Which GPRs the instruction may write. */
static bool may_change(const struct insn *in, unsigned r)
{
	switch (in->kind) {
	case INSN_LOAD:
	case INSN_LOAD_ZX:
	case INSN_LOAD_SX:
		return r == in->reg;
	case INSN_STORE:
	case INSN_STORE_IMM:
		return false;
	case INSN_STOS:
		return r == GPR_RDI || (in->rep && r == GPR_RCX);
	case INSN_MOVS:
		return r == GPR_RDI || r == GPR_RSI || (in->rep && r == GPR_RCX);
	}
	return false;
}

static void check_emulation(const struct insn *in, enum cpu_mode mode,
			    const uint8_t *data, size_t size)
{
	static struct fake_guest g;    /* the harness's, not the module's */
	struct emu_cpu cpu, before;
	enum emu_result r;
	uint64_t rip_after;
	bool string_op = in->kind == INSN_STOS || in->kind == INSN_MOVS;
	unsigned i;

	memset(&g, 0, sizeof g);
	seed_cpu(&cpu, &g, mode, data, size);
	before = cpu;
	r = insn_emulate(in, REGION_GPA + (cpu.gpr[2] & (REGION_SIZE - 1)),
			 &cpu, &fake_ops, &g, BUDGET);
	rip_after = before.rip + in->len;
	if (mode != CPU_MODE_64)
		rip_after &= 0xffffffffull;
	CHECK(cpu.rip == (r == EMU_DONE ? rip_after : before.rip));
	CHECK(r != EMU_CONTINUE || in->rep);
	CHECK(r != EMU_PAGE_FAULT || string_op);
	CHECK(cpu.rflags == before.rflags && cpu.mode == before.mode);
	CHECK(g.accesses <= 4 * BUDGET);
	for (i = 0; i < 16; i++)
		CHECK(cpu.gpr[i] == before.gpr[i] || may_change(in, i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum cpu_mode modes[] = {
		CPU_MODE_16, CPU_MODE_32, CPU_MODE_64
	};
	size_t m, k;

	for (m = 0; m < 3; m++) {
		struct insn in, again;
		enum decode_status st = decode_copy(data, size, modes[m], &in);

		for (k = 0; k <= size && k <= 16; k++)
			(void)decode_copy(data, k, modes[m], &again);
		if (st != DECODE_OK)
			continue;
		check_insn(&in, size);
		CHECK(decode_copy(data, in.len, modes[m], &again) == DECODE_OK);
		CHECK(memcmp(&in, &again, sizeof in) == 0);
		CHECK(decode_copy(data, in.len - 1u, modes[m], &again) ==
		      DECODE_TRUNCATED);
		check_emulation(&in, modes[m], data, size);
	}
	return 0;
}
