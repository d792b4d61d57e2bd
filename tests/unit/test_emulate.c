/*
 * tests/unit/test_emulate.c — unit tests of vmx/emulate.c against a fake
 * guest: 128 KiB of "RAM" at GPA 0x10000, a 4 KiB "MMIO" page at
 * 0xFEE00000 that returns scripted values, and linear addresses that
 * translate through a few page mappings, else to themselves. Every
 * callback (translate, read, write) is logged in order and the tests
 * compare the whole log and the whole register file with hand-derived
 * values (register widths: SDM Vol. 1 §3.4.1.1; string instructions: Vol.
 * 2B STOS, MOVS, REP). Reads return junk above `size` bytes, so the
 * emulator must mask; writes must come masked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/decode.h"
#include "vmx/emulate.h"

#define RAM_GPA   0x10000ull
#define RAM_SIZE  0x20000u
#define MMIO_GPA  0xfee00000ull
#define MMIO_SIZE 0x1000u
#define MAX_LOG   64
#define RIP0      0x1000ull
#define DF        RFLAGS_DF

struct access {
	char op;          /* 't' translate for read, 'T' for write, 'r', 'w' */
	uint64_t addr;    /* linear for t/T, GPA for r/w */
	unsigned size;    /* 0 for t/T */
	uint64_t value;   /* GPA for t/T, data for r/w */
};
#define TR(lin, gpa) { 't', lin, 0, gpa }
#define TW(lin, gpa) { 'T', lin, 0, gpa }
#define RD(gpa, size, v) { 'r', gpa, size, v }
#define WR(gpa, size, v) { 'w', gpa, size, v }

struct mapping { uint64_t linear, gpa, size; };

static struct fake_guest {
	uint8_t ram[RAM_SIZE];
	struct access log[MAX_LOG];
	unsigned nlog;
	uint64_t mmio_values[8];       /* returned by MMIO reads, in order */
	unsigned mmio_next;
	uint64_t seg_base[6];
	unsigned seg_calls[6];
	struct mapping map[4];
	unsigned nmaps;
	unsigned reads, writes, translates;
	unsigned fail_read_at, fail_write_at, fail_translate_at; /* 1-based */
} g;

/* ---- the fake guest ---------------------------------------------------- */

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void log_access(char op, uint64_t addr, unsigned size, uint64_t v)
{
	if (g.nlog == MAX_LOG)
		fail_msg("access log full");
	g.log[g.nlog++] = (struct access){ op, addr, size, v };
}

static bool in_ram(uint64_t gpa, unsigned size)
{
	return gpa >= RAM_GPA && gpa + size <= RAM_GPA + RAM_SIZE;
}

static bool in_mmio(uint64_t gpa, unsigned size)
{
	return gpa >= MMIO_GPA && gpa + size <= MMIO_GPA + MMIO_SIZE;
}

static uint64_t ram_get(uint64_t gpa, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)g.ram[gpa - RAM_GPA + i] << (8 * i);
	return v;
}

static void ram_put(uint64_t gpa, unsigned size, uint64_t v)
{
	unsigned i;

	for (i = 0; i < size; i++)
		g.ram[gpa - RAM_GPA + i] = (uint8_t)(v >> (8 * i));
}

static bool fake_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *value)
{
	assert_ptr_equal(ctx, &g);
	assert_true(size >= 1 && size <= 8);
	if (++g.reads == g.fail_read_at || !(in_ram(gpa, size) || in_mmio(gpa, size))) {
		log_access('r', gpa, size, 0);
		return false;
	}
	if (in_ram(gpa, size))
		*value = ram_get(gpa, size);
	else
		*value = g.mmio_values[g.mmio_next++ % 8];
	log_access('r', gpa, size, *value & mask_of(size));
	*value |= ~mask_of(size) & 0xccccccccccccccccull;   /* junk above */
	return true;
}

static bool fake_write(void *ctx, uint64_t gpa, unsigned size, uint64_t value)
{
	assert_ptr_equal(ctx, &g);
	assert_true(size >= 1 && size <= 8);
	assert_true((value & ~mask_of(size)) == 0);
	log_access('w', gpa, size, value);
	if (++g.writes == g.fail_write_at)
		return false;
	if (in_ram(gpa, size))
		ram_put(gpa, size, value);
	return in_ram(gpa, size) || in_mmio(gpa, size);
}

static bool fake_translate(void *ctx, uint64_t linear, bool write, uint64_t *gpa)
{
	unsigned i;

	assert_ptr_equal(ctx, &g);
	*gpa = linear;                       /* identity unless mapped */
	for (i = 0; i < g.nmaps; i++)
		if (linear - g.map[i].linear < g.map[i].size)
			*gpa = g.map[i].gpa + (linear - g.map[i].linear);
	if (++g.translates == g.fail_translate_at)
		*gpa = 0;
	log_access(write ? 'T' : 't', linear, 0, *gpa);
	return g.translates != g.fail_translate_at;
}

static uint64_t fake_seg_base(void *ctx, int seg)
{
	assert_ptr_equal(ctx, &g);
	assert_true(seg >= SEG_ES && seg <= SEG_GS);
	g.seg_calls[seg]++;
	return g.seg_base[seg];
}

static const struct emu_ops ops = {
	fake_read, fake_write, fake_translate, fake_seg_base
};

/* The table row being checked, for failure messages. */
static const char *current = "";

static int reset(void **state)
{
	(void)state;
	memset(&g, 0, sizeof g);
	current = "";
	return 0;
}

static void map_page(uint64_t linear, uint64_t gpa)
{
	g.map[g.nmaps++] = (struct mapping){ linear, gpa, 0x1000 };
}

/* ---- helpers ------------------------------------------------------------ */

static struct insn decode_ok(enum cpu_mode mode, const uint8_t *b, size_t n)
{
	struct insn in;

	assert_int_equal(insn_decode(b, n, mode, &in), DECODE_OK);
	assert_int_equal(in.len, n);
	return in;
}
#define INSN(mode, ...) decode_ok(mode, (const uint8_t[]){ __VA_ARGS__ }, \
	sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* Every GPR a different, recognisable value. */
static struct emu_cpu cpu_in(enum cpu_mode mode)
{
	struct emu_cpu c = { .rip = RIP0, .rflags = 0x2, .mode = mode };
	unsigned i;

	for (i = 0; i < 16; i++)
		c.gpr[i] = 0x8877665544332211ull + i * 0x0101010101010101ull;
	return c;
}

static void expect_cpu(const struct emu_cpu *got, const struct emu_cpu *want)
{
	unsigned i;

	for (i = 0; i < 16; i++)
		if (got->gpr[i] != want->gpr[i])
			fail_msg("%s: gpr[%u] = %#llx, want %#llx", current, i,
				 (unsigned long long)got->gpr[i],
				 (unsigned long long)want->gpr[i]);
	assert_int_equal(got->rip, want->rip);
	assert_int_equal(got->rflags, want->rflags);
}

static void expect_log(const struct access *want, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && i < g.nlog; i++)
		if (g.log[i].op != want[i].op || g.log[i].addr != want[i].addr ||
		    g.log[i].size != want[i].size || g.log[i].value != want[i].value)
			fail_msg("%s: access %u: %c %#llx size %u value %#llx, want "
				 "%c %#llx size %u value %#llx", current, i, g.log[i].op,
				 (unsigned long long)g.log[i].addr, g.log[i].size,
				 (unsigned long long)g.log[i].value, want[i].op,
				 (unsigned long long)want[i].addr, want[i].size,
				 (unsigned long long)want[i].value);
	assert_int_equal(g.nlog, n);
}
#define EXPECT_LOG(...) do { \
	const struct access want_[] = { __VA_ARGS__ }; \
	expect_log(want_, sizeof want_ / sizeof want_[0]); \
} while (0)

static enum emu_result run(const struct insn *in, struct emu_cpu *c,
			   unsigned max_iterations)
{
	return insn_emulate(in, MMIO_GPA + 0x10, c, &ops, &g, max_iterations);
}

/* ---- MOV/MOVZX/MOVSX/MOVSXD loads: one read at the faulting GPA ---------- */

struct load_case {
	const char *text;
	struct insn in;
	enum cpu_mode mode;
	uint64_t mem;        /* what the MMIO read returns (low size bytes) */
	unsigned reg;
	uint64_t before, after;
};

static void check_load(const struct load_case *t)
{
	struct emu_cpu c = cpu_in(t->mode), want;

	reset(NULL);
	g.mmio_values[0] = t->mem;
	c.gpr[t->reg] = t->before;
	want = c;
	want.gpr[t->reg] = t->after;
	want.rip += t->in.len;
	current = t->text;
	if (run(&t->in, &c, 1) != EMU_DONE)
		fail_msg("%s: not done", t->text);
	expect_cpu(&c, &want);
	EXPECT_LOG(RD(MMIO_GPA + 0x10, t->in.size, t->mem));
}

#define X 0x1122334455667788ull
#define M64 CPU_MODE_64
#define M32 CPU_MODE_32
#define M16 CPU_MODE_16

static void test_load_widths(void **state)
{
	const struct load_case t[] = {
		{ "mov al", INSN(M64, 0x8a, 0x03), M64, 0xab, 0, X, 0x11223344556677abull },
		{ "mov ah", INSN(M64, 0x8a, 0x23), M64, 0xab, 0, X, 0x112233445566ab88ull },
		{ "mov bh", INSN(M64, 0x8a, 0x3b), M64, 0xab, 3, X, 0x112233445566ab88ull },
		{ "mov spl", INSN(M64, 0x40, 0x8a, 0x23), M64, 0xab, 4, X, 0x11223344556677abull },
		{ "mov r15b",
		  INSN(M64, 0x44, 0x8a, 0x3b), M64, 0xab, 15, X, 0x11223344556677abull },
		{ "mov cx", INSN(M64, 0x66, 0x8b, 0x0b), M64, 0xbeef, 1, X, 0x112233445566beefull },
		{ "mov edx: zero-extends",
		  INSN(M64, 0x8b, 0x13), M64, 0xdeadbeef, 2, X, 0xdeadbeefull },
		{ "mov r15",
		  INSN(M64, 0x4c, 0x8b, 0x3b), M64, 0x0123456789abcdefull, 15, X,
		  0x0123456789abcdefull },
		{ "mov eax, moffs",
		  INSN(M64, 0xa1, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0), M64, 0xcafef00d, 0, X,
		  0xcafef00dull },
		{ "mov al, moffs (16-bit)",
		  INSN(M16, 0xa0, 0x34, 0x12), M16, 0x5a, 0, X, 0x112233445566775aull },
		{ "mov edx (32-bit) zero-extends too",
		  INSN(M32, 0x8b, 0x13), M32, 0xdeadbeef, 2, X, 0xdeadbeefull },
		{ "mov dx, [bp+di] (16-bit)",
		  INSN(M16, 0x8b, 0x13), M16, 0xbeef, 2, X, 0x112233445566beefull },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		check_load(&t[i]);
}

static void test_load_extend(void **state)
{
	const uint64_t f = 0xffffffffffffffffull;
	const struct load_case t[] = {
		{ "movzx eax, byte", INSN(M64, 0x0f, 0xb6, 0x03), M64, 0x80, 0, f, 0x80 },
		{ "movzx ax, byte",
		  INSN(M64, 0x66, 0x0f, 0xb6, 0x03), M64, 0x80, 0, f, 0xffffffffffff0080ull },
		{ "movzx rax, word", INSN(M64, 0x48, 0x0f, 0xb7, 0x03), M64, 0x8000, 0, f, 0x8000 },
		{ "movsx eax, byte", INSN(M64, 0x0f, 0xbe, 0x03), M64, 0x80, 0, X, 0xffffff80ull },
		{ "movsx ax, byte",
		  INSN(M64, 0x66, 0x0f, 0xbe, 0x03), M64, 0x80, 0, X, 0x112233445566ff80ull },
		{ "movsx rax, byte",
		  INSN(M64, 0x48, 0x0f, 0xbe, 0x03), M64, 0x80, 0, X, 0xffffffffffffff80ull },
		{ "movsx esp, byte (not AH)",
		  INSN(M64, 0x0f, 0xbe, 0x23), M64, 0xfe, 4, X, 0xfffffffeull },
		{ "movsx rcx, word",
		  INSN(M64, 0x48, 0x0f, 0xbf, 0x0b), M64, 0x8000, 1, X, 0xffffffffffff8000ull },
		{ "movsx eax, word 0x7fff",
		  INSN(M64, 0x0f, 0xbf, 0x03), M64, 0x7fff, 0, X, 0x7fff },
		{ "movsxd rax, -2^31",
		  INSN(M64, 0x48, 0x63, 0x03), M64, 0x80000000, 0, X, 0xffffffff80000000ull },
		{ "movsxd r8, 2^31-1",
		  INSN(M64, 0x4c, 0x63, 0x03), M64, 0x7fffffff, 8, X, 0x7fffffff },
		{ "movsx ax, byte (16-bit)",
		  INSN(M16, 0x0f, 0xbe, 0x07), M16, 0x80, 0, X, 0x112233445566ff80ull },
		{ "movzx eax, word (16-bit, 66)",
		  INSN(M16, 0x66, 0x0f, 0xb7, 0x07), M16, 0xffff, 0, X, 0xffff },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		check_load(&t[i]);
}

/* ---- stores: one write at the faulting GPA --------------------------------- */

struct store_case {
	const char *text;
	struct insn in;
	enum cpu_mode mode;
	unsigned reg;
	uint64_t regval, written;
};

static void test_store_widths(void **state)
{
	const struct store_case t[] = {
		{ "mov [rbx], cl", INSN(M64, 0x88, 0x0b), M64, 1, X, 0x88 },
		{ "mov [rbx], ch", INSN(M64, 0x88, 0x2b), M64, 1, X, 0x77 },
		{ "mov [rbx], bpl", INSN(M64, 0x40, 0x88, 0x2b), M64, 5, X, 0x88 },
		{ "mov [rbx], cx", INSN(M64, 0x66, 0x89, 0x0b), M64, 1, X, 0x7788 },
		{ "mov [rbx], ecx", INSN(M64, 0x89, 0x0b), M64, 1, X, 0x55667788 },
		{ "mov [rbx], rcx", INSN(M64, 0x48, 0x89, 0x0b), M64, 1, X, X },
		{ "mov [rbx], r9", INSN(M64, 0x4c, 0x89, 0x0b), M64, 9, X, X },
		{ "mov [moffs], al",
		  INSN(M64, 0xa2, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0), M64, 0, X, 0x88 },
		{ "mov [moffs], rax",
		  INSN(M64, 0x48, 0xa3, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0), M64, 0, X, X },
		{ "mov byte [rbx], 0x80", INSN(M64, 0xc6, 0x03, 0x80), M64, 0, X, 0x80 },
		{ "mov word [rbx], 0x1234",
		  INSN(M64, 0x66, 0xc7, 0x03, 0x34, 0x12), M64, 0, X, 0x1234 },
		{ "mov dword [rbx], 0x80000000",
		  INSN(M64, 0xc7, 0x03, 0, 0, 0, 0x80), M64, 0, X, 0x80000000 },
		{ "mov qword [rbx], imm32 sign-extended",
		  INSN(M64, 0x48, 0xc7, 0x03, 0, 0, 0, 0x80), M64, 0, X, 0xffffffff80000000ull },
		{ "mov [ebx], dh (32-bit)", INSN(M32, 0x88, 0x33), M32, 2, X, 0x77 },
		{ "mov [bx], ax (16-bit)", INSN(M16, 0x89, 0x07), M16, 0, X, 0x7788 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct emu_cpu c = cpu_in(t[i].mode), want;

		reset(NULL);
		current = t[i].text;
		c.gpr[t[i].reg] = t[i].regval;
		want = c;
		want.rip += t[i].in.len;
		assert_int_equal(run(&t[i].in, &c, 1), EMU_DONE);
		expect_cpu(&c, &want);
		EXPECT_LOG(WR(MMIO_GPA + 0x10, t[i].in.size, t[i].written));
	}
}

static void test_rip_wraps_outside_64bit(void **state)
{
	struct insn in = INSN(M32, 0x89, 0x0b);
	struct emu_cpu c = cpu_in(M32);

	(void)state;
	c.rip = 0xfffffffeull;
	assert_int_equal(run(&in, &c, 1), EMU_DONE);
	assert_int_equal(c.rip, 0);
	c = cpu_in(M64);
	c.rip = 0xfffffffeull;
	assert_int_equal(run(&in, &c, 1), EMU_DONE);
	assert_int_equal(c.rip, 0x100000000ull);
}

static void test_failed_access_changes_nothing(void **state)
{
	struct insn load = INSN(M64, 0x8b, 0x03), store = INSN(M64, 0x89, 0x03);
	struct emu_cpu c = cpu_in(M64), want = c;

	(void)state;
	g.fail_read_at = 1;
	assert_int_equal(run(&load, &c, 1), EMU_BAD_ACCESS);
	g.fail_write_at = 1;
	assert_int_equal(run(&store, &c, 1), EMU_BAD_ACCESS);
	/* a GPA that is neither RAM nor MMIO */
	assert_int_equal(insn_emulate(&load, 0x5000, &c, &ops, &g, 1), EMU_BAD_ACCESS);
	expect_cpu(&c, &want);
	EXPECT_LOG(RD(MMIO_GPA + 0x10, 4, 0), WR(MMIO_GPA + 0x10, 4, 0x44332211),
		   RD(0x5000, 4, 0));
}

/* ---- STOS and MOVS ------------------------------------------------------------ */

#define RAX 0
#define RCX 1
#define RSI 6
#define RDI 7
#define MM(off) (MMIO_GPA + (off))

static void test_stos_single(void **state)
{
	struct insn stosb = INSN(M64, 0xaa), stosq = INSN(M64, 0x48, 0xab);
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	c.gpr[RDI] = MM(0x20);
	want = c;
	want.gpr[RDI] = MM(0x21);
	want.rip += 1;
	assert_int_equal(run(&stosb, &c, 8), EMU_DONE);
	expect_cpu(&c, &want);
	c.rflags |= DF;
	want = c;
	want.gpr[RDI] = MM(0x19);
	want.rip += 2;
	assert_int_equal(run(&stosq, &c, 8), EMU_DONE);
	expect_cpu(&c, &want);
	EXPECT_LOG(TW(MM(0x20), MM(0x20)), WR(MM(0x20), 1, 0x11),
		   TW(MM(0x21), MM(0x21)), WR(MM(0x21), 8, 0x8877665544332211ull));
}

static void test_rep_stos_to_mmio(void **state)
{
	struct insn in = INSN(M64, 0xf3, 0xab);
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	c.gpr[RCX] = 3;
	c.gpr[RDI] = MM(0x100);
	want = c;
	want.gpr[RCX] = 0;
	want.gpr[RDI] = MM(0x10c);
	want.rip += 2;
	assert_int_equal(run(&in, &c, 64), EMU_DONE);
	expect_cpu(&c, &want);
	EXPECT_LOG(TW(MM(0x100), MM(0x100)), WR(MM(0x100), 4, 0x44332211),
		   TW(MM(0x104), MM(0x104)), WR(MM(0x104), 4, 0x44332211),
		   TW(MM(0x108), MM(0x108)), WR(MM(0x108), 4, 0x44332211));
}

static void test_rep_count_zero(void **state)
{
	struct insn in = INSN(M16, 0xf3, 0xa4);
	struct emu_cpu c = cpu_in(M16), want;

	(void)state;
	c.gpr[RCX] = 0xffff0000ull;      /* CX = 0: the upper bits do not count */
	want = c;
	want.rip += 2;
	assert_int_equal(run(&in, &c, 64), EMU_DONE);
	expect_cpu(&c, &want);
	assert_int_equal(g.nlog, 0);
}

static void test_rep_movs_mmio_to_ram_backwards(void **state)
{
	struct insn in = INSN(M64, 0xf3, 0xa4);
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	g.mmio_values[0] = 0x11; g.mmio_values[1] = 0x22;
	g.mmio_values[2] = 0x33;
	c.rflags |= DF;
	c.gpr[RCX] = 3;
	c.gpr[RSI] = MM(0x13);
	c.gpr[RDI] = RAM_GPA + 0x102;
	want = c;
	want.gpr[RCX] = 0;
	want.gpr[RSI] = MM(0x10);
	want.gpr[RDI] = RAM_GPA + 0xff;
	want.rip += 2;
	assert_int_equal(run(&in, &c, 64), EMU_DONE);
	expect_cpu(&c, &want);
	assert_int_equal(ram_get(RAM_GPA + 0x100, 3), 0x112233);
	EXPECT_LOG(TR(MM(0x13), MM(0x13)), TW(RAM_GPA + 0x102, RAM_GPA + 0x102),
		   RD(MM(0x13), 1, 0x11), WR(RAM_GPA + 0x102, 1, 0x11),
		   TR(MM(0x12), MM(0x12)), TW(RAM_GPA + 0x101, RAM_GPA + 0x101),
		   RD(MM(0x12), 1, 0x22), WR(RAM_GPA + 0x101, 1, 0x22),
		   TR(MM(0x11), MM(0x11)), TW(RAM_GPA + 0x100, RAM_GPA + 0x100),
		   RD(MM(0x11), 1, 0x33), WR(RAM_GPA + 0x100, 1, 0x33));
}

static void test_rep_movsq_ram_to_mmio(void **state)
{
	struct insn in = INSN(M64, 0xf3, 0x48, 0xa5);
	struct emu_cpu c = cpu_in(M64), want;
	const uint64_t a = 0x0123456789abcdefull, b = 0xfedcba9876543210ull;

	(void)state;
	ram_put(RAM_GPA, 8, a);
	ram_put(RAM_GPA + 8, 8, b);
	c.gpr[RCX] = 2;
	c.gpr[RSI] = RAM_GPA;
	c.gpr[RDI] = MM(0x800);
	want = c;
	want.gpr[RCX] = 0;
	want.gpr[RSI] = RAM_GPA + 16;
	want.gpr[RDI] = MM(0x810);
	want.rip += 3;
	assert_int_equal(run(&in, &c, 64), EMU_DONE);
	expect_cpu(&c, &want);
	EXPECT_LOG(TR(RAM_GPA, RAM_GPA), TW(MM(0x800), MM(0x800)),
		   RD(RAM_GPA, 8, a), WR(MM(0x800), 8, a),
		   TR(RAM_GPA + 8, RAM_GPA + 8), TW(MM(0x808), MM(0x808)),
		   RD(RAM_GPA + 8, 8, b), WR(MM(0x808), 8, b));
}

/* 32-bit code: DS:ESI -> ES:EDI with real bases; FS override; STOS keeps ES. */
static void test_segments_32(void **state)
{
	struct insn movsd = INSN(M32, 0xa5), fs_movsb = INSN(M32, 0x64, 0xa4),
		    fs_stosb = INSN(M32, 0x64, 0xaa);
	struct emu_cpu c = cpu_in(M32);

	(void)state;
	g.seg_base[SEG_DS] = RAM_GPA;
	g.seg_base[SEG_ES] = RAM_GPA + 0x10000;
	g.seg_base[SEG_FS] = RAM_GPA + 0x8000;
	ram_put(RAM_GPA + 0x10, 4, 0xa1b2c3d4);
	ram_put(RAM_GPA + 0x8014, 1, 0x99);
	c.gpr[RSI] = 0xffffffff00000010ull;     /* upper half not used */
	c.gpr[RDI] = 0x20;
	assert_int_equal(run(&movsd, &c, 1), EMU_DONE);
	assert_int_equal(run(&fs_movsb, &c, 1), EMU_DONE);
	assert_int_equal(run(&fs_stosb, &c, 1), EMU_DONE);
	assert_int_equal(c.gpr[RSI], 0x15);     /* 32-bit write zero-extends */
	assert_int_equal(c.gpr[RDI], 0x26);
	assert_int_equal(c.rip, RIP0 + 5);
	EXPECT_LOG(TR(RAM_GPA + 0x10, RAM_GPA + 0x10),
		   TW(RAM_GPA + 0x10020, RAM_GPA + 0x10020),
		   RD(RAM_GPA + 0x10, 4, 0xa1b2c3d4),
		   WR(RAM_GPA + 0x10020, 4, 0xa1b2c3d4),
		   TR(RAM_GPA + 0x8014, RAM_GPA + 0x8014),
		   TW(RAM_GPA + 0x10024, RAM_GPA + 0x10024),
		   RD(RAM_GPA + 0x8014, 1, 0x99), WR(RAM_GPA + 0x10024, 1, 0x99),
		   TW(RAM_GPA + 0x10025, RAM_GPA + 0x10025),
		   WR(RAM_GPA + 0x10025, 1, 0x11));
}

/* 64-bit mode: ES/DS bases are 0 whatever seg_base says; FS counts. */
static void test_segments_64(void **state)
{
	struct insn movsb = INSN(M64, 0xa4), gs_movsb = INSN(M64, 0x65, 0xa4);
	struct emu_cpu c = cpu_in(M64);

	(void)state;
	g.seg_base[SEG_ES] = g.seg_base[SEG_DS] = 0x5000;
	g.seg_base[SEG_GS] = RAM_GPA;
	c.gpr[RSI] = RAM_GPA + 1;
	c.gpr[RDI] = MM(0);
	assert_int_equal(run(&movsb, &c, 1), EMU_DONE);
	assert_int_equal(run(&gs_movsb, &c, 1), EMU_DONE);
	EXPECT_LOG(TR(RAM_GPA + 1, RAM_GPA + 1), TW(MM(0), MM(0)),
		   RD(RAM_GPA + 1, 1, 0), WR(MM(0), 1, 0),
		   TR(2 * RAM_GPA + 2, 2 * RAM_GPA + 2), TW(MM(1), MM(1)),
		   RD(2 * RAM_GPA + 2, 1, 0), WR(MM(1), 1, 0));
	assert_int_equal(g.seg_calls[SEG_ES] + g.seg_calls[SEG_DS], 0);
	assert_int_equal(g.seg_calls[SEG_GS], 1);
}

/* 16-bit addresses: DI and CX wrap in 16 bits, bits 63:16 stay. */
static void test_addr16_wrap(void **state)
{
	struct insn in = INSN(M16, 0xf3, 0xaa);
	struct emu_cpu c = cpu_in(M16), want;

	(void)state;
	g.seg_base[SEG_ES] = RAM_GPA;
	c.gpr[RCX] = 0xdeadbeef00000002ull;
	c.gpr[RDI] = 0x12345678abcdffffull;
	want = c;
	want.gpr[RCX] = 0xdeadbeef00000000ull;
	want.gpr[RDI] = 0x12345678abcd0001ull;
	want.rip += 2;
	assert_int_equal(run(&in, &c, 64), EMU_DONE);
	expect_cpu(&c, &want);
	EXPECT_LOG(TW(RAM_GPA + 0xffff, RAM_GPA + 0xffff),
		   WR(RAM_GPA + 0xffff, 1, 0x11),
		   TW(RAM_GPA, RAM_GPA), WR(RAM_GPA, 1, 0x11));
	/* and backwards: DI 0 - 1 = 0xFFFF */
	in = INSN(M16, 0xaa);
	c.rflags |= DF;
	c.gpr[RDI] = 0x12345678abcd0000ull;
	assert_int_equal(run(&in, &c, 1), EMU_DONE);
	assert_int_equal(c.gpr[RDI], 0x12345678abcdffffull);
}

/* 67 in 64-bit mode: EDI, ECX; writes zero-extend; the offset wraps. */
static void test_addr32_in_64bit(void **state)
{
	struct insn in = INSN(M64, 0x67, 0xf3, 0xaa);
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	map_page(0xfffff000, RAM_GPA);
	map_page(0, RAM_GPA + 0x1000);
	c.gpr[RCX] = 0xbbbbbbbb00000002ull;
	c.gpr[RDI] = 0xaaaaaaaaffffffffull;
	want = c;
	want.gpr[RCX] = 0;
	want.gpr[RDI] = 1;
	want.rip += 3;
	assert_int_equal(run(&in, &c, 64), EMU_DONE);
	expect_cpu(&c, &want);
	EXPECT_LOG(TW(0xffffffff, RAM_GPA + 0xfff), WR(RAM_GPA + 0xfff, 1, 0x11),
		   TW(0, RAM_GPA + 0x1000), WR(RAM_GPA + 0x1000, 1, 0x11));
}

/* 64-bit addresses use all of RDI; 32-bit code wraps linear addresses. */
static void test_addr64_and_linear_wrap(void **state)
{
	struct insn stosq = INSN(M64, 0x48, 0xab), movsb = INSN(M32, 0xa4);
	struct emu_cpu c = cpu_in(M64);

	(void)state;
	map_page(0x123456789000ull, RAM_GPA);
	map_page(0, RAM_GPA + 0x2000);
	c.gpr[RDI] = 0x123456789ff8ull;
	assert_int_equal(run(&stosq, &c, 1), EMU_DONE);
	assert_int_equal(c.gpr[RDI], 0x12345678a000ull);
	c = cpu_in(M32);
	g.seg_base[SEG_DS] = 0xffffff00;
	c.gpr[RSI] = 0x104;                  /* 0xFFFFFF00 + 0x104 = 4 */
	c.gpr[RDI] = RAM_GPA;
	g.seg_base[SEG_ES] = 0;
	assert_int_equal(run(&movsb, &c, 1), EMU_DONE);
	EXPECT_LOG(TW(0x123456789ff8ull, RAM_GPA + 0xff8),
		   WR(RAM_GPA + 0xff8, 8, 0x8877665544332211ull),
		   TR(4, RAM_GPA + 0x2004), TW(RAM_GPA, RAM_GPA),
		   RD(RAM_GPA + 0x2004, 1, 0), WR(RAM_GPA, 1, 0));
}

/* Budget of 2 per call, 5 elements: CONTINUE, CONTINUE, DONE. */
static void test_continue_then_resume(void **state)
{
	struct insn in = INSN(M64, 0xf3, 0xa4);
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	ram_put(RAM_GPA, 5, 0x5544332211ull);
	c.gpr[RCX] = 5;
	c.gpr[RSI] = RAM_GPA;
	c.gpr[RDI] = MM(0x40);
	want = c;
	want.gpr[RCX] = 3;
	want.gpr[RSI] += 2;
	want.gpr[RDI] += 2;
	assert_int_equal(run(&in, &c, 2), EMU_CONTINUE);
	expect_cpu(&c, &want);
	assert_int_equal(run(&in, &c, 2), EMU_CONTINUE);
	assert_int_equal(c.gpr[RCX], 1);
	assert_int_equal(c.rip, RIP0);
	want.gpr[RCX] = 0;
	want.gpr[RSI] += 3;
	want.gpr[RDI] += 3;
	want.rip += 2;
	assert_int_equal(run(&in, &c, 2), EMU_DONE);
	expect_cpu(&c, &want);
#define ELEMENT(i, v) TR(RAM_GPA + i, RAM_GPA + i), TW(MM(0x40 + i), MM(0x40 + i)), \
	RD(RAM_GPA + i, 1, v), WR(MM(0x40 + i), 1, v)
	EXPECT_LOG(ELEMENT(0, 0x11), ELEMENT(1, 0x22), ELEMENT(2, 0x33),
		   ELEMENT(3, 0x44), ELEMENT(4, 0x55));
}

static void test_budget_edges(void **state)
{
	struct insn in = INSN(M64, 0xf3, 0xab);
	struct emu_cpu c = cpu_in(M64);

	(void)state;
	c.gpr[RDI] = MM(0);
	c.gpr[RCX] = 2;
	assert_int_equal(run(&in, &c, 0), EMU_CONTINUE);   /* 0 means 1 */
	assert_int_equal(c.gpr[RCX], 1);
	assert_int_equal(run(&in, &c, 0), EMU_DONE);
	c.gpr[RCX] = 3;                                   /* budget == count */
	assert_int_equal(run(&in, &c, 3), EMU_DONE);
	assert_int_equal(c.gpr[RCX], 0);
	assert_int_equal(c.gpr[RDI], MM(20));
	assert_int_equal(c.rip, RIP0 + 4);
	assert_int_equal(g.nlog, 10);
}

/* A failure in element 3 leaves the registers of after element 2. */
static void check_failure_mid_rep(unsigned *fail_at, unsigned at,
				  enum emu_result result)
{
	struct insn in = INSN(M64, 0xf3, 0xa5);
	struct emu_cpu c = cpu_in(M64), want;

	reset(NULL);
	*fail_at = at;
	c.gpr[RCX] = 4;
	c.gpr[RSI] = RAM_GPA;
	c.gpr[RDI] = MM(0);
	want = c;
	want.gpr[RCX] = 2;
	want.gpr[RSI] = RAM_GPA + 8;
	want.gpr[RDI] = MM(8);
	assert_int_equal(run(&in, &c, 64), result);
	expect_cpu(&c, &want);
}

static void test_failures_mid_rep(void **state)
{
	(void)state;
	check_failure_mid_rep(&g.fail_translate_at, 5, EMU_PAGE_FAULT); /* src */
	assert_int_equal(g.nlog, 9);
	check_failure_mid_rep(&g.fail_translate_at, 6, EMU_PAGE_FAULT); /* dst */
	EXPECT_LOG(TR(RAM_GPA, RAM_GPA), TW(MM(0), MM(0)), RD(RAM_GPA, 4, 0),
		   WR(MM(0), 4, 0), TR(RAM_GPA + 4, RAM_GPA + 4), TW(MM(4), MM(4)),
		   RD(RAM_GPA + 4, 4, 0), WR(MM(4), 4, 0),
		   TR(RAM_GPA + 8, RAM_GPA + 8), TW(MM(8), 0));
	check_failure_mid_rep(&g.fail_read_at, 3, EMU_BAD_ACCESS);
	assert_int_equal(g.nlog, 11);
	check_failure_mid_rep(&g.fail_write_at, 3, EMU_BAD_ACCESS);
	assert_int_equal(g.nlog, 12);
}

static void test_failure_first_element(void **state)
{
	struct insn stos = INSN(M64, 0xaa), movs = INSN(M64, 0xf3, 0xa4);
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	c.gpr[RCX] = 9;
	want = c;
	g.fail_translate_at = 1;
	assert_int_equal(run(&stos, &c, 1), EMU_PAGE_FAULT);
	c.gpr[RSI] = 0x300;              /* source neither RAM nor MMIO */
	want.gpr[RSI] = 0x300;
	assert_int_equal(run(&movs, &c, 64), EMU_BAD_ACCESS);
	expect_cpu(&c, &want);
}

/* An element across a page boundary: both pages translated; two accesses
 * when the GPAs are not contiguous, one when they are. */
static void test_page_straddle(void **state)
{
	struct insn stosd = INSN(M64, 0xab), movsq = INSN(M64, 0x48, 0xa5);
	struct emu_cpu c = cpu_in(M64);

	(void)state;
	map_page(0x7000, RAM_GPA + 0x3000);
	map_page(0x8000, RAM_GPA + 0x1000);
	map_page(0x9000, RAM_GPA + 0x2000);
	c.gpr[RDI] = 0x7ffe;
	assert_int_equal(run(&stosd, &c, 1), EMU_DONE);
	c.gpr[RSI] = 0x7ffd;
	c.gpr[RDI] = 0x8ffc;                 /* 0x8000 -> 0x9000 is contiguous */
	assert_int_equal(run(&movsq, &c, 1), EMU_DONE);
	EXPECT_LOG(TW(0x7ffe, RAM_GPA + 0x3ffe), TW(0x8000, RAM_GPA + 0x1000),
		   WR(RAM_GPA + 0x3ffe, 2, 0x2211), WR(RAM_GPA + 0x1000, 2, 0x4433),
		   TR(0x7ffd, RAM_GPA + 0x3ffd), TR(0x8000, RAM_GPA + 0x1000),
		   TW(0x8ffc, RAM_GPA + 0x1ffc), TW(0x9000, RAM_GPA + 0x2000),
		   RD(RAM_GPA + 0x3ffd, 3, 0x221100), RD(RAM_GPA + 0x1000, 5, 0x4433),
		   WR(RAM_GPA + 0x1ffc, 8, 0x4433221100ull));
	assert_int_equal(c.gpr[RSI], 0x8005);
	assert_int_equal(c.gpr[RDI], 0x9004);
}

/* A MOV whose operand crosses a page boundary: the exit names only the
 * page that faulted (here the second), so both pages are translated from
 * the operand's linear address and accessed in two parts; before, the
 * whole operand was accessed at the faulting GPA, shifted. */
static void test_mov_operand_crosses_page(void **state)
{
	struct insn load = INSN(M64, 0x48, 0x8b, 0x03);        /* mov rax, [rbx] */
	struct insn store = INSN(M64, 0x48, 0x89, 0x0b);       /* mov [rbx], rcx */
	struct insn load32 = INSN(M32, 0x8b, 0x43, 0x02);      /* mov eax, [ebx+2] */
	struct emu_cpu c = cpu_in(M64), want;

	(void)state;
	map_page(0x7000, RAM_GPA + 0x3000);                   /* RAM, then MMIO */
	map_page(0x8000, MMIO_GPA);
	ram_put(RAM_GPA + 0x3ffc, 4, 0xddccbbaa);
	g.mmio_values[0] = 0x44332211;
	c.gpr[3] = 0x7ffc;
	want = c;
	want.gpr[0] = 0x44332211ddccbbaaull;
	want.rip += load.len;
	current = "mov rax, [rbx] across RAM -> MMIO";
	assert_int_equal(insn_emulate(&load, MMIO_GPA, &c, &ops, &g, 1), EMU_DONE);
	expect_cpu(&c, &want);
	EXPECT_LOG(TR(0x7ffc, RAM_GPA + 0x3ffc), TR(0x8000, MMIO_GPA),
		   RD(RAM_GPA + 0x3ffc, 4, 0xddccbbaa), RD(MMIO_GPA, 4, 0x44332211));

	reset(NULL);
	map_page(0x7000, RAM_GPA + 0x3000);
	map_page(0x8000, MMIO_GPA);
	c = cpu_in(M64);
	c.gpr[3] = 0x7ffa;
	c.gpr[1] = 0x8877665544332211ull;
	current = "mov [rbx], rcx across RAM -> MMIO";
	assert_int_equal(insn_emulate(&store, MMIO_GPA, &c, &ops, &g, 1), EMU_DONE);
	EXPECT_LOG(TW(0x7ffa, RAM_GPA + 0x3ffa), TW(0x8000, MMIO_GPA),
		   WR(RAM_GPA + 0x3ffa, 6, 0x665544332211ull), WR(MMIO_GPA, 2, 0x8877));
	assert_int_equal(ram_get(RAM_GPA + 0x3ffa, 6), 0x665544332211ull);

	/* 32-bit code: the DS base counts, the EA wraps at 32 bits. */
	reset(NULL);
	map_page(0x7000, MMIO_GPA);                           /* MMIO, then RAM */
	map_page(0x8000, RAM_GPA);
	g.seg_base[SEG_DS] = 0x7000;
	ram_put(RAM_GPA, 2, 0xbbaa);
	g.mmio_values[0] = 0x2211;
	c = cpu_in(M32);
	c.gpr[3] = 0xffc;
	current = "mov eax, [ebx+2] across MMIO -> RAM, DS base";
	assert_int_equal(insn_emulate(&load32, MMIO_GPA + 0xffe, &c, &ops, &g, 1),
			 EMU_DONE);
	assert_int_equal(c.gpr[0], 0xbbaa2211ull);
	EXPECT_LOG(TR(0x7ffe, MMIO_GPA + 0xffe), TR(0x8000, RAM_GPA),
		   RD(MMIO_GPA + 0xffe, 2, 0x2211), RD(RAM_GPA, 2, 0xbbaa));

	/* Contiguous in guest-physical memory: one access from the first
	 * part's GPA, not from the GPA of the part that faulted. */
	reset(NULL);
	map_page(0x7000, RAM_GPA + 0x3000);
	map_page(0x8000, RAM_GPA + 0x4000);
	ram_put(RAM_GPA + 0x3ffc, 8, 0x0807060504030201ull);
	c = cpu_in(M64);
	c.gpr[3] = 0x7ffc;
	current = "mov rax, [rbx] across contiguous pages";
	assert_int_equal(insn_emulate(&load, RAM_GPA + 0x4000, &c, &ops, &g, 1),
			 EMU_DONE);
	assert_int_equal(c.gpr[0], 0x0807060504030201ull);
	EXPECT_LOG(TR(0x7ffc, RAM_GPA + 0x3ffc), TR(0x8000, RAM_GPA + 0x4000),
		   RD(RAM_GPA + 0x3ffc, 8, 0x0807060504030201ull));

	/* REX.B base (r11) and an FS override, 64-bit: FS's base counts. */
	reset(NULL);
	map_page(0x17000, RAM_GPA + 0x3000);
	map_page(0x18000, RAM_GPA + 0x5000);
	g.seg_base[SEG_FS] = 0x10000;
	ram_put(RAM_GPA + 0x3ffe, 2, 0x2211);
	ram_put(RAM_GPA + 0x5000, 2, 0x4433);
	c = cpu_in(M64);
	c.gpr[11] = 0x7ffe;
	{
		struct insn fs_r11 = INSN(M64, 0x64, 0x41, 0x8b, 0x03); /* mov eax, fs:[r11] */

		current = "mov eax, fs:[r11] across pages";
		assert_int_equal(insn_emulate(&fs_r11, RAM_GPA + 0x5000, &c, &ops, &g, 1),
				 EMU_DONE);
	}
	assert_int_equal(c.gpr[0], 0x44332211ull);
	EXPECT_LOG(TR(0x17ffe, RAM_GPA + 0x3ffe), TR(0x18000, RAM_GPA + 0x5000),
		   RD(RAM_GPA + 0x3ffe, 2, 0x2211), RD(RAM_GPA + 0x5000, 2, 0x4433));

	/* The second page is not mapped: #PF, nothing accessed, RIP stays. */
	reset(NULL);
	map_page(0x7000, RAM_GPA + 0x3000);
	g.fail_translate_at = 2;
	c = cpu_in(M64);
	c.gpr[3] = 0x7ffc;
	want = c;
	assert_int_equal(insn_emulate(&load, MMIO_GPA, &c, &ops, &g, 1),
			 EMU_PAGE_FAULT);
	expect_cpu(&c, &want);
	assert_int_equal(g.reads + g.writes, 0);
}

/* An operand inside one page is accessed at the faulting GPA without a
 * page walk (the CPU translated it already): RIP-relative and SIB forms
 * compute their address but only to see that it does not cross. */
static void test_mov_operand_in_one_page(void **state)
{
	struct insn rip_rel = INSN(M64, 0x8b, 0x05, 0xf8, 0x0f, 0, 0);  /* [rip+0xff8] */
	struct insn sib = INSN(M64, 0x8b, 0x04, 0x8b);                  /* [rbx+rcx*4] */
	struct emu_cpu c = cpu_in(M64);

	(void)state;
	g.mmio_values[0] = 0x11111111;
	c.rip = 0x7000;               /* next RIP 0x7006: operand at 0x7ffe crosses */
	map_page(0x7000, MMIO_GPA);
	map_page(0x8000, RAM_GPA);
	assert_int_equal(insn_emulate(&rip_rel, MMIO_GPA + 0xffe, &c, &ops, &g, 1),
			 EMU_DONE);
	assert_int_equal(g.translates, 2);
	reset(NULL);
	c = cpu_in(M64);
	c.rip = 0x7000 - 8;           /* operand at 0x7ff6: fits */
	assert_int_equal(insn_emulate(&rip_rel, MMIO_GPA + 0xff6, &c, &ops, &g, 1),
			 EMU_DONE);
	assert_int_equal(g.translates, 0);
	reset(NULL);
	c = cpu_in(M64);
	c.gpr[3] = 0x6000;
	c.gpr[1] = 0x3ff;             /* 0x6000 + 0xffc: the last dword, fits */
	assert_int_equal(insn_emulate(&sib, MMIO_GPA + 0xffc, &c, &ops, &g, 1),
			 EMU_DONE);
	assert_int_equal(g.translates, 0);
	EXPECT_LOG(RD(MMIO_GPA + 0xffc, 4, 0));
}

static void test_result_names(void **state)
{
	(void)state;
	assert_string_equal(emu_result_name(EMU_DONE), "done");
	assert_string_equal(emu_result_name(EMU_CONTINUE), "continue");
	assert_string_equal(emu_result_name(EMU_BAD_ACCESS), "bad access");
	assert_string_equal(emu_result_name(EMU_PAGE_FAULT), "page fault");
	assert_string_equal(emu_result_name((enum emu_result)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_load_widths, reset),
		cmocka_unit_test_setup(test_load_extend, reset),
		cmocka_unit_test_setup(test_store_widths, reset),
		cmocka_unit_test_setup(test_rip_wraps_outside_64bit, reset),
		cmocka_unit_test_setup(test_failed_access_changes_nothing, reset),
		cmocka_unit_test_setup(test_stos_single, reset),
		cmocka_unit_test_setup(test_rep_stos_to_mmio, reset),
		cmocka_unit_test_setup(test_rep_count_zero, reset),
		cmocka_unit_test_setup(test_rep_movs_mmio_to_ram_backwards, reset),
		cmocka_unit_test_setup(test_rep_movsq_ram_to_mmio, reset),
		cmocka_unit_test_setup(test_segments_32, reset),
		cmocka_unit_test_setup(test_segments_64, reset),
		cmocka_unit_test_setup(test_addr16_wrap, reset),
		cmocka_unit_test_setup(test_addr32_in_64bit, reset),
		cmocka_unit_test_setup(test_addr64_and_linear_wrap, reset),
		cmocka_unit_test_setup(test_continue_then_resume, reset),
		cmocka_unit_test_setup(test_budget_edges, reset),
		cmocka_unit_test_setup(test_failures_mid_rep, reset),
		cmocka_unit_test_setup(test_failure_first_element, reset),
		cmocka_unit_test_setup(test_page_straddle, reset),
		cmocka_unit_test_setup(test_mov_operand_crosses_page, reset),
		cmocka_unit_test_setup(test_mov_operand_in_one_page, reset),
		cmocka_unit_test_setup(test_result_names, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
