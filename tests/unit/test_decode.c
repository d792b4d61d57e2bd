/*
 * tests/unit/test_decode.c — unit tests of vmx/decode.c.
 *
 * Each row is one instruction with the fields derived by hand from the SDM:
 * ModR/M = mod(7:6) reg(5:3) rm(2:0) and SIB = scale(7:6) index(5:3)
 * base(2:0) (Vol. 2A §2.1.5, Tables 2-1 to 2-3), REX = 0100WRXB (§2.2.1,
 * Table 2-4). The length of a row is its number of bytes. For every row the
 * runner also checks that the decoder reads nothing past n (the bytes are
 * copied into a heap block of exactly n bytes, so ASan would catch it),
 * that leaves *out untouched on failure, that every proper prefix of a
 * valid instruction is DECODE_TRUNCATED, and that bytes after the
 * instruction do not change the result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/decode.h"

#define M16 CPU_MODE_16
#define M32 CPU_MODE_32
#define M64 CPU_MODE_64
#define NOSEG SEG_NONE

struct decode_case {
	enum cpu_mode mode;
	const char *text;               /* what the bytes are, for messages */
	enum decode_status status;      /* DECODE_OK unless given */
	struct insn want;               /* on DECODE_OK; len is n */
	uint8_t n;
	uint8_t bytes[20];
};

#define BYTES(...) .n = sizeof((const uint8_t[]){ __VA_ARGS__ }), \
	.bytes = { __VA_ARGS__ }
#define INSN(k, sz, rsz, r, asz, sg, ...) { .kind = INSN_##k, .size = sz, \
	.reg_size = rsz, .reg = r, .addr_size = asz, .seg = sg, __VA_ARGS__ }
#define OK(m, t, w, ...) { .mode = m, .text = t, .want = w, BYTES(__VA_ARGS__) }
#define BAD(m, t, st, ...) { .mode = m, .text = t, .status = st, \
	BYTES(__VA_ARGS__) }
#define HI8 .reg_high8 = true
#define REP .rep = true
#define IMM(v) .imm = v
/* An 8-byte moffs / 4-byte moffs / 2-byte moffs of 0xFEE00000 / 0x1234. */
#define OFF64 0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00
#define OFF32 0x00, 0x00, 0xe0, 0xfe
#define OFF16 0x34, 0x12

static const char *const mode_names[] = { "16-bit", "32-bit", "64-bit" };

/* ---- runner ------------------------------------------------------------ */

static enum decode_status decode_exact(const uint8_t *bytes, size_t n,
				       enum cpu_mode mode, struct insn *out)
{
	uint8_t *copy = malloc(n ? n : 1);
	enum decode_status st;

	assert_non_null(copy);
	memcpy(copy, bytes, n);
	st = insn_decode(copy, n, mode, out);
	free(copy);
	return st;
}

#define EXPECT_FIELD(c, got, f) do { \
	if ((uint64_t)(got).f != (uint64_t)(c)->want.f) \
		fail_msg("%s (%s): " #f " = %#llx, want %#llx", (c)->text, \
			 mode_names[(c)->mode], (unsigned long long)(got).f, \
			 (unsigned long long)(c)->want.f); \
} while (0)

static void expect_fields(const struct decode_case *c, const struct insn *got)
{
	EXPECT_FIELD(c, *got, kind);
	EXPECT_FIELD(c, *got, size);
	EXPECT_FIELD(c, *got, reg_size);
	EXPECT_FIELD(c, *got, reg);
	EXPECT_FIELD(c, *got, reg_high8);
	EXPECT_FIELD(c, *got, imm);
	EXPECT_FIELD(c, *got, addr_size);
	EXPECT_FIELD(c, *got, rep);
	EXPECT_FIELD(c, *got, seg);
	if (got->len != c->n)
		fail_msg("%s (%s): len = %u, want %u", c->text,
			 mode_names[c->mode], got->len, c->n);
}

/* Proper prefixes are truncated; trailing bytes change nothing. */
static void check_prefixes_and_tail(const struct decode_case *c)
{
	uint8_t longer[sizeof c->bytes + 4];
	struct insn got;
	size_t k;

	for (k = 0; k < c->n; k++)
		if (decode_exact(c->bytes, k, c->mode, &got) != DECODE_TRUNCATED)
			fail_msg("%s (%s): first %zu of %u bytes not truncated",
				 c->text, mode_names[c->mode], k, c->n);
	memcpy(longer, c->bytes, c->n);
	memset(longer + c->n, 0x90, 4);
	if (decode_exact(longer, c->n + 4u, c->mode, &got) != DECODE_OK)
		fail_msg("%s (%s): not ok with bytes after it", c->text,
			 mode_names[c->mode]);
	expect_fields(c, &got);
}

static void check_case(const struct decode_case *c)
{
	struct insn got, before;
	enum decode_status st;

	memset(&got, 0x5a, sizeof got);
	before = got;
	st = decode_exact(c->bytes, c->n, c->mode, &got);
	if (st != c->status)
		fail_msg("%s (%s): %s, want %s", c->text, mode_names[c->mode],
			 decode_status_name(st), decode_status_name(c->status));
	if (st != DECODE_OK) {
		if (memcmp(&got, &before, sizeof got) != 0)
			fail_msg("%s: *out written on failure", c->text);
		return;
	}
	expect_fields(c, &got);
	check_prefixes_and_tail(c);
}

#define RUN(table) do { \
	size_t i_; \
	for (i_ = 0; i_ < sizeof(table) / sizeof((table)[0]); i_++) \
		check_case(&(table)[i_]); \
} while (0)

/* ---- MOV r/m, r and MOV r, r/m in 64-bit mode: ModR/M forms, REX --------- */

static const struct decode_case mov_64[] = {
	/* 89 /r, ModR/M 08 = mod 00 reg 001 (ecx) rm 000 ([rax]) */
	OK(M64, "mov [rax], ecx", INSN(STORE, 4, 4, 1, 8, NOSEG), 0x89, 0x08),
	OK(M64, "mov [rax], rcx", INSN(STORE, 8, 8, 1, 8, NOSEG), 0x48, 0x89, 0x08),
	OK(M64, "mov [rax], cx", INSN(STORE, 2, 2, 1, 8, NOSEG), 0x66, 0x89, 0x08),
	OK(M64, "66 REX.W: W wins", INSN(STORE, 8, 8, 1, 8, NOSEG),
	   0x66, 0x48, 0x89, 0x08),
	OK(M64, "mov [rax], r9 (REX.WR)", INSN(STORE, 8, 8, 9, 8, NOSEG),
	   0x4c, 0x89, 0x08),
	OK(M64, "mov [rax], r9d (REX.R)", INSN(STORE, 4, 4, 9, 8, NOSEG),
	   0x44, 0x89, 0x08),
	OK(M64, "mov [r8], ecx (REX.B)", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x41, 0x89, 0x08),
	/* 0C = mod 00 reg 001 rm 100 → SIB 00: base rax, index rax|X = r8 */
	OK(M64, "mov [rax+r8], ecx (REX.X)", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x42, 0x89, 0x0c, 0x00),
	OK(M64, "mov [rax+0x10], ecx (disp8)", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x48, 0x10),
	OK(M64, "mov [rax+0x1000], ecx (disp32)", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x88, 0x00, 0x10, 0x00, 0x00),
	/* 4C = mod 01 rm 100: SIB 24 (no index, base rsp), disp8 */
	OK(M64, "mov [rsp+8], ecx", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x4c, 0x24, 0x08),
	OK(M64, "mov [rsp+0x100], ecx", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x8c, 0x24, 0x00, 0x01, 0x00, 0x00),
	/* 44 = mod 01 reg 000 rm 100, SIB 88 = scale 4 index rcx base rax */
	OK(M64, "mov [rax+rcx*4+8], eax", INSN(STORE, 4, 4, 0, 8, NOSEG),
	   0x89, 0x44, 0x88, 0x08),
	/* mod 00 rm 101: RIP-relative disp32 (Vol. 2A §2.2.1.6) */
	OK(M64, "mov [rip+0x12345678], ecx", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x0d, 0x78, 0x56, 0x34, 0x12),
	/* SIB 25: no index, base 101 with mod 00 → disp32, no base */
	OK(M64, "mov [0xfee00000], ecx (SIB abs)", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x0c, 0x25, OFF32),
	OK(M64, "mov [rcx*4+0x1000], ecx", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x89, 0x0c, 0x8d, 0x00, 0x10, 0x00, 0x00),
	/* REX.B does not change the special cases (Table 2-5) */
	OK(M64, "mov [r12], eax", INSN(STORE, 4, 4, 0, 8, NOSEG),
	   0x41, 0x89, 0x04, 0x24),
	OK(M64, "mov [r13+0], eax", INSN(STORE, 4, 4, 0, 8, NOSEG),
	   0x41, 0x89, 0x45, 0x00),
	OK(M64, "REX.B mod 00 rm 101 is still RIP-relative",
	   INSN(STORE, 4, 4, 0, 8, NOSEG), 0x41, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	OK(M64, "mov [r13*1+0], eax (REX.XB, SIB base 101)",
	   INSN(STORE, 4, 4, 0, 8, NOSEG),
	   0x43, 0x89, 0x04, 0x2d, 0x00, 0x00, 0x00, 0x00),
	/* 88 /r, 20 = reg 100: AH without REX, SPL with any REX */
	OK(M64, "mov [rax], cl", INSN(STORE, 1, 1, 1, 8, NOSEG), 0x88, 0x08),
	OK(M64, "mov [rax], ah", INSN(STORE, 1, 1, 0, 8, NOSEG, HI8), 0x88, 0x20),
	OK(M64, "mov [rax], bh", INSN(STORE, 1, 1, 3, 8, NOSEG, HI8), 0x88, 0x38),
	OK(M64, "mov [rax], spl (REX 40)", INSN(STORE, 1, 1, 4, 8, NOSEG),
	   0x40, 0x88, 0x20),
	OK(M64, "REX.W on 88: still 1 byte, spl", INSN(STORE, 1, 1, 4, 8, NOSEG),
	   0x48, 0x88, 0x20),
	OK(M64, "mov [rax], r8b", INSN(STORE, 1, 1, 8, 8, NOSEG), 0x44, 0x88, 0x00),
	/* 8B /r, 8A /r */
	OK(M64, "mov eax, [rbx]", INSN(LOAD, 4, 4, 0, 8, NOSEG), 0x8b, 0x03),
	OK(M64, "mov rax, [rbx+8]", INSN(LOAD, 8, 8, 0, 8, NOSEG),
	   0x48, 0x8b, 0x43, 0x08),
	OK(M64, "mov r15, [rbx+8]", INSN(LOAD, 8, 8, 15, 8, NOSEG),
	   0x4c, 0x8b, 0x7b, 0x08),
	OK(M64, "mov ax, [rbx+8]", INSN(LOAD, 2, 2, 0, 8, NOSEG),
	   0x66, 0x8b, 0x43, 0x08),
	OK(M64, "mov ah, [rbx+1]", INSN(LOAD, 1, 1, 0, 8, NOSEG, HI8),
	   0x8a, 0x63, 0x01),
	OK(M64, "mov bh, [rbx+1]", INSN(LOAD, 1, 1, 3, 8, NOSEG, HI8),
	   0x8a, 0x7b, 0x01),
	OK(M64, "mov r15b, [r11+1]", INSN(LOAD, 1, 1, 15, 8, NOSEG),
	   0x45, 0x8a, 0x7b, 0x01),
	OK(M64, "mov eax, [ebx] (67)", INSN(LOAD, 4, 4, 0, 4, NOSEG),
	   0x67, 0x8b, 0x03),
};

/* ---- prefixes: REX placement, segments, repetition ---------------------- */

static const struct decode_case prefixes[] = {
	OK(M64, "REX then 66: REX ignored", INSN(STORE, 2, 2, 1, 8, NOSEG),
	   0x48, 0x66, 0x89, 0x08),
	OK(M64, "REX.R then 66: R ignored", INSN(STORE, 2, 2, 1, 8, NOSEG),
	   0x4c, 0x66, 0x89, 0x08),
	OK(M64, "two REX: the last counts", INSN(STORE, 8, 8, 1, 8, NOSEG),
	   0x44, 0x48, 0x89, 0x08),
	OK(M64, "REX ignored: ah again", INSN(STORE, 1, 1, 0, 8, NOSEG, HI8),
	   0x40, 0x2e, 0x88, 0x20),
	OK(M64, "fs:", INSN(STORE, 4, 4, 1, 8, SEG_FS), 0x64, 0x89, 0x08),
	OK(M64, "gs:", INSN(LOAD, 4, 4, 0, 8, SEG_GS), 0x65, 0x8b, 0x03),
	OK(M64, "cs: ignored in 64-bit", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x2e, 0x89, 0x08),
	OK(M64, "es: ss: ds: ignored", INSN(STORE, 4, 4, 1, 8, NOSEG),
	   0x26, 0x36, 0x3e, 0x89, 0x08),
	OK(M64, "fs: then ds: keeps fs", INSN(STORE, 4, 4, 1, 8, SEG_FS),
	   0x64, 0x3e, 0x89, 0x08),
	OK(M64, "fs: then gs: is gs", INSN(STORE, 4, 4, 1, 8, SEG_GS),
	   0x64, 0x65, 0x89, 0x08),
	OK(M32, "es:", INSN(STORE, 4, 4, 1, 4, SEG_ES), 0x26, 0x89, 0x08),
	OK(M32, "cs:", INSN(LOAD, 4, 4, 0, 4, SEG_CS), 0x2e, 0x8b, 0x03),
	OK(M32, "ss:", INSN(LOAD, 4, 4, 0, 4, SEG_SS), 0x36, 0x8b, 0x03),
	OK(M32, "ds:", INSN(LOAD, 4, 4, 0, 4, SEG_DS), 0x3e, 0x8b, 0x03),
	OK(M32, "fs:", INSN(LOAD, 4, 4, 0, 4, SEG_FS), 0x64, 0x8b, 0x03),
	OK(M32, "gs:", INSN(LOAD, 4, 4, 0, 4, SEG_GS), 0x65, 0x8b, 0x03),
	OK(M32, "fs: cs: → cs (last wins)", INSN(LOAD, 4, 4, 0, 4, SEG_CS),
	   0x64, 0x2e, 0x8b, 0x03),
	OK(M32, "66 66: still 2", INSN(STORE, 2, 2, 1, 4, NOSEG),
	   0x66, 0x66, 0x89, 0x08),
	OK(M32, "F3 on mov: ignored", INSN(STORE, 4, 4, 1, 4, NOSEG),
	   0xf3, 0x89, 0x08),
	/* 13 prefixes + 89 08: exactly 15 bytes */
	OK(M64, "15 bytes", INSN(STORE, 2, 2, 1, 8, NOSEG), 0x66, 0x66, 0x66, 0x66,
	   0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x08),
	/* 3E 64 67 REX.W C7 84 88 disp32 imm32: 15 bytes */
	OK(M64, "mov qword fs:[eax+ecx*4+0x12345678], -0x21524111",
	   INSN(STORE_IMM, 8, 8, 0, 4, SEG_FS, IMM(0xffffffffdeadbeefull)),
	   0x3e, 0x64, 0x67, 0x48, 0xc7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12,
	   0xef, 0xbe, 0xad, 0xde),
};

/* ---- MOV moffs (A0-A3): offset as wide as the address size ---------------- */

static const struct decode_case moffs[] = {
	OK(M64, "mov eax, [moffs64]", INSN(LOAD, 4, 4, 0, 8, NOSEG), 0xa1, OFF64),
	OK(M64, "mov rax, [moffs64]", INSN(LOAD, 8, 8, 0, 8, NOSEG),
	   0x48, 0xa1, OFF64),
	OK(M64, "mov eax, [moffs32] (67)", INSN(LOAD, 4, 4, 0, 4, NOSEG),
	   0x67, 0xa1, OFF32),
	OK(M64, "mov al, [moffs64]", INSN(LOAD, 1, 1, 0, 8, NOSEG), 0xa0, OFF64),
	OK(M64, "mov [moffs64], al", INSN(STORE, 1, 1, 0, 8, NOSEG), 0xa2, OFF64),
	OK(M64, "mov [moffs64], ax", INSN(STORE, 2, 2, 0, 8, NOSEG),
	   0x66, 0xa3, OFF64),
	OK(M64, "mov gs:[moffs64], rax", INSN(STORE, 8, 8, 0, 8, SEG_GS),
	   0x65, 0x48, 0xa3, OFF64),
	OK(M64, "REX.B on A1: still rax", INSN(LOAD, 4, 4, 0, 8, NOSEG),
	   0x41, 0xa1, OFF64),
	OK(M32, "mov eax, [moffs32]", INSN(LOAD, 4, 4, 0, 4, NOSEG), 0xa1, OFF32),
	OK(M32, "mov eax, [moffs16] (67)", INSN(LOAD, 4, 4, 0, 2, NOSEG),
	   0x67, 0xa1, OFF16),
	OK(M32, "mov [moffs32], ax", INSN(STORE, 2, 2, 0, 4, NOSEG),
	   0x66, 0xa3, OFF32),
	OK(M32, "mov al, fs:[moffs32]", INSN(LOAD, 1, 1, 0, 4, SEG_FS),
	   0x64, 0xa0, OFF32),
	OK(M16, "mov ax, [moffs16]", INSN(LOAD, 2, 2, 0, 2, NOSEG), 0xa1, OFF16),
	OK(M16, "mov [moffs16], al", INSN(STORE, 1, 1, 0, 2, NOSEG), 0xa2, OFF16),
	OK(M16, "mov eax, [moffs32] (66 67)", INSN(LOAD, 4, 4, 0, 4, NOSEG),
	   0x66, 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12),
};

/* ---- MOV r/m, imm (C6 /0 ib, C7 /0 iw/id) ------------------------------- */

static const struct decode_case store_imm[] = {
	OK(M64, "mov byte [rax], 0xff", INSN(STORE_IMM, 1, 1, 0, 8, NOSEG, IMM(0xff)),
	   0xc6, 0x00, 0xff),
	OK(M64, "mov byte [rax+0x10], 0x7f",
	   INSN(STORE_IMM, 1, 1, 0, 8, NOSEG, IMM(0x7f)), 0xc6, 0x40, 0x10, 0x7f),
	OK(M64, "mov dword [rax], 0x12345678",
	   INSN(STORE_IMM, 4, 4, 0, 8, NOSEG, IMM(0x12345678)),
	   0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
	OK(M64, "mov dword [rax], 0x80000000: no extension",
	   INSN(STORE_IMM, 4, 4, 0, 8, NOSEG, IMM(0x80000000)),
	   0xc7, 0x00, 0x00, 0x00, 0x00, 0x80),
	OK(M64, "mov word [rax], 0x1234", INSN(STORE_IMM, 2, 2, 0, 8, NOSEG,
	   IMM(0x1234)), 0x66, 0xc7, 0x00, 0x34, 0x12),
	OK(M64, "mov word [rax], 0x8000", INSN(STORE_IMM, 2, 2, 0, 8, NOSEG,
	   IMM(0x8000)), 0x66, 0xc7, 0x00, 0x00, 0x80),
	OK(M64, "mov qword [rax], imm32 0x80000000 sign-extended",
	   INSN(STORE_IMM, 8, 8, 0, 8, NOSEG, IMM(0xffffffff80000000ull)),
	   0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80),
	OK(M64, "mov qword [rax], 0x7fffffff",
	   INSN(STORE_IMM, 8, 8, 0, 8, NOSEG, IMM(0x7fffffff)),
	   0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f),
	OK(M64, "mov dword [rip+0x10], 1 (disp32 then imm32)",
	   INSN(STORE_IMM, 4, 4, 0, 8, NOSEG, IMM(1)),
	   0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	OK(M64, "mov dword [rsp+0x100], 0x12345678",
	   INSN(STORE_IMM, 4, 4, 0, 8, NOSEG, IMM(0x12345678)),
	   0xc7, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12),
	OK(M64, "mov qword [r8], -1 (REX.WB)",
	   INSN(STORE_IMM, 8, 8, 0, 8, NOSEG, IMM(~0ull)),
	   0x49, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	OK(M32, "mov dword [0xfee00000], 1",
	   INSN(STORE_IMM, 4, 4, 0, 4, NOSEG, IMM(1)),
	   0xc7, 0x05, OFF32, 0x01, 0x00, 0x00, 0x00),
	OK(M32, "mov word [0xfee00000], 0x1234",
	   INSN(STORE_IMM, 2, 2, 0, 4, NOSEG, IMM(0x1234)),
	   0x66, 0xc7, 0x05, OFF32, 0x34, 0x12),
	OK(M32, "mov byte [0xfee00000], 0x80",
	   INSN(STORE_IMM, 1, 1, 0, 4, NOSEG, IMM(0x80)), 0xc6, 0x05, OFF32, 0x80),
	OK(M16, "mov word [0x1234], 0xabcd",
	   INSN(STORE_IMM, 2, 2, 0, 2, NOSEG, IMM(0xabcd)),
	   0xc7, 0x06, 0x34, 0x12, 0xcd, 0xab),
	OK(M16, "mov dword [0x1234], 0x12345678 (66)",
	   INSN(STORE_IMM, 4, 4, 0, 2, NOSEG, IMM(0x12345678)),
	   0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12),
	OK(M16, "mov byte [bx], 0x5a", INSN(STORE_IMM, 1, 1, 0, 2, NOSEG, IMM(0x5a)),
	   0xc6, 0x07, 0x5a),
};

/* ---- MOVZX, MOVSX, MOVSXD ------------------------------------------------- */

static const struct decode_case extend[] = {
	OK(M64, "movzx eax, byte [rax]", INSN(LOAD_ZX, 1, 4, 0, 8, NOSEG),
	   0x0f, 0xb6, 0x00),
	OK(M64, "movzx rax, byte [rax]", INSN(LOAD_ZX, 1, 8, 0, 8, NOSEG),
	   0x48, 0x0f, 0xb6, 0x00),
	OK(M64, "movzx ax, byte [rax]", INSN(LOAD_ZX, 1, 2, 0, 8, NOSEG),
	   0x66, 0x0f, 0xb6, 0x00),
	OK(M64, "movzx ecx, word [rax]", INSN(LOAD_ZX, 2, 4, 1, 8, NOSEG),
	   0x0f, 0xb7, 0x08),
	OK(M64, "movzx r8, word [rax]", INSN(LOAD_ZX, 2, 8, 8, 8, NOSEG),
	   0x4c, 0x0f, 0xb7, 0x00),
	/* reg 100 is ESP here: the byte is the memory operand, no AH */
	OK(M64, "movsx esp, byte [rax]", INSN(LOAD_SX, 1, 4, 4, 8, NOSEG),
	   0x0f, 0xbe, 0x20),
	OK(M64, "movsx r9d, byte [rax+1]", INSN(LOAD_SX, 1, 4, 9, 8, NOSEG),
	   0x44, 0x0f, 0xbe, 0x48, 0x01),
	OK(M64, "movsx rax, word [rax]", INSN(LOAD_SX, 2, 8, 0, 8, NOSEG),
	   0x48, 0x0f, 0xbf, 0x00),
	OK(M64, "movsx ax, word [rax]", INSN(LOAD_SX, 2, 2, 0, 8, NOSEG),
	   0x66, 0x0f, 0xbf, 0x00),
	OK(M64, "movsxd rax, dword [rax]", INSN(LOAD_SX, 4, 8, 0, 8, NOSEG),
	   0x48, 0x63, 0x00),
	OK(M64, "movsxd r8, dword [rax+4]", INSN(LOAD_SX, 4, 8, 8, 8, NOSEG),
	   0x4c, 0x63, 0x40, 0x04),
	OK(M64, "movsxd rax, dword [r12]", INSN(LOAD_SX, 4, 8, 0, 8, NOSEG),
	   0x49, 0x63, 0x04, 0x24),
	OK(M64, "movsxd rdx, dword gs:[rip+0x100]",
	   INSN(LOAD_SX, 4, 8, 2, 8, SEG_GS),
	   0x65, 0x48, 0x63, 0x15, 0x00, 0x01, 0x00, 0x00),
	OK(M32, "movzx eax, byte [0xfee00000]", INSN(LOAD_ZX, 1, 4, 0, 4, NOSEG),
	   0x0f, 0xb6, 0x05, OFF32),
	OK(M32, "movsx eax, word [ebp+8]", INSN(LOAD_SX, 2, 4, 0, 4, NOSEG),
	   0x0f, 0xbf, 0x45, 0x08),
	OK(M32, "movzx cx, word [eax] (66)", INSN(LOAD_ZX, 2, 2, 1, 4, NOSEG),
	   0x66, 0x0f, 0xb7, 0x08),
	OK(M16, "movzx ax, byte [bx]", INSN(LOAD_ZX, 1, 2, 0, 2, NOSEG),
	   0x0f, 0xb6, 0x07),
	OK(M16, "movzx eax, word [bx] (66)", INSN(LOAD_ZX, 2, 4, 0, 2, NOSEG),
	   0x66, 0x0f, 0xb7, 0x07),
	OK(M16, "movsx ax, byte [bx+1]", INSN(LOAD_SX, 1, 2, 0, 2, NOSEG),
	   0x0f, 0xbe, 0x47, 0x01),
};

/* ---- STOS, MOVS ------------------------------------------------------------ */

static const struct decode_case strings[] = {
	OK(M64, "stosb", INSN(STOS, 1, 1, 0, 8, NOSEG), 0xaa),
	OK(M64, "stosd", INSN(STOS, 4, 4, 0, 8, NOSEG), 0xab),
	OK(M64, "stosw", INSN(STOS, 2, 2, 0, 8, NOSEG), 0x66, 0xab),
	OK(M64, "stosq", INSN(STOS, 8, 8, 0, 8, NOSEG), 0x48, 0xab),
	OK(M64, "rep stosq", INSN(STOS, 8, 8, 0, 8, NOSEG, REP), 0xf3, 0x48, 0xab),
	OK(M64, "repne stosb acts as rep", INSN(STOS, 1, 1, 0, 8, NOSEG, REP),
	   0xf2, 0xaa),
	OK(M64, "rep stosb, 32-bit addresses", INSN(STOS, 1, 1, 0, 4, NOSEG, REP),
	   0x67, 0xf3, 0xaa),
	OK(M64, "REX then 66: stosw", INSN(STOS, 2, 2, 0, 8, NOSEG), 0x48, 0x66, 0xab),
	OK(M64, "movsb", INSN(MOVS, 1, 1, 0, 8, NOSEG), 0xa4),
	OK(M64, "movsd", INSN(MOVS, 4, 4, 0, 8, NOSEG), 0xa5),
	OK(M64, "movsq", INSN(MOVS, 8, 8, 0, 8, NOSEG), 0x48, 0xa5),
	OK(M64, "rep movsb", INSN(MOVS, 1, 1, 0, 8, NOSEG, REP), 0xf3, 0xa4),
	OK(M64, "rep movsq", INSN(MOVS, 8, 8, 0, 8, NOSEG, REP), 0xf3, 0x48, 0xa5),
	OK(M64, "movsb gs:", INSN(MOVS, 1, 1, 0, 8, SEG_GS), 0x65, 0xa4),
	OK(M64, "rep movsw, 32-bit addresses", INSN(MOVS, 2, 2, 0, 4, NOSEG, REP),
	   0xf3, 0x67, 0x66, 0xa5),
	OK(M32, "rep stosd", INSN(STOS, 4, 4, 0, 4, NOSEG, REP), 0xf3, 0xab),
	OK(M32, "rep stosb, 16-bit addresses", INSN(STOS, 1, 1, 0, 2, NOSEG, REP),
	   0x67, 0xf3, 0xaa),
	OK(M32, "rep movsw", INSN(MOVS, 2, 2, 0, 4, NOSEG, REP), 0xf3, 0x66, 0xa5),
	OK(M32, "movsb es:", INSN(MOVS, 1, 1, 0, 4, SEG_ES), 0x26, 0xa4),
	OK(M32, "stosd fs: (prefix kept, unused)", INSN(STOS, 4, 4, 0, 4, SEG_FS),
	   0x64, 0xab),
	OK(M16, "rep stosw", INSN(STOS, 2, 2, 0, 2, NOSEG, REP), 0xf3, 0xab),
	OK(M16, "rep stosd", INSN(STOS, 4, 4, 0, 2, NOSEG, REP), 0xf3, 0x66, 0xab),
	OK(M16, "rep movsb", INSN(MOVS, 1, 1, 0, 2, NOSEG, REP), 0xf3, 0xa4),
	OK(M16, "rep movsb, 32-bit addresses", INSN(MOVS, 1, 1, 0, 4, NOSEG, REP),
	   0x67, 0xf3, 0xa4),
	OK(M16, "movsb cs:", INSN(MOVS, 1, 1, 0, 2, SEG_CS), 0x2e, 0xa4),
};

/* ---- 32-bit and 16-bit addressing forms ------------------------------------ */

static const struct decode_case mov_32_16[] = {
	OK(M32, "mov [eax], ecx", INSN(STORE, 4, 4, 1, 4, NOSEG), 0x89, 0x08),
	OK(M32, "mov [eax], cx", INSN(STORE, 2, 2, 1, 4, NOSEG), 0x66, 0x89, 0x08),
	/* mod 00 rm 101 is an absolute disp32 outside 64-bit mode */
	OK(M32, "mov [0x12345678], ecx", INSN(STORE, 4, 4, 1, 4, NOSEG),
	   0x89, 0x0d, 0x78, 0x56, 0x34, 0x12),
	OK(M32, "mov [esp+8], ecx", INSN(STORE, 4, 4, 1, 4, NOSEG),
	   0x89, 0x4c, 0x24, 0x08),
	OK(M32, "mov [ecx*4+0x1000], ecx", INSN(STORE, 4, 4, 1, 4, NOSEG),
	   0x89, 0x0c, 0x8d, 0x00, 0x10, 0x00, 0x00),
	OK(M32, "mov eax, [ebp+8]", INSN(LOAD, 4, 4, 0, 4, NOSEG), 0x8b, 0x45, 0x08),
	OK(M32, "mov [eax], ah", INSN(STORE, 1, 1, 0, 4, NOSEG, HI8), 0x88, 0x20),
	OK(M32, "mov dh, [eax]", INSN(LOAD, 1, 1, 2, 4, NOSEG, HI8), 0x8a, 0x30),
	/* 67 in 32-bit code: 16-bit addressing, 08 = [bx+si] */
	OK(M32, "mov [bx+si], ecx", INSN(STORE, 4, 4, 1, 2, NOSEG), 0x67, 0x89, 0x08),
	OK(M32, "mov [0x1234], ecx (67, disp16)", INSN(STORE, 4, 4, 1, 2, NOSEG),
	   0x67, 0x89, 0x0e, 0x34, 0x12),
	/* 16-bit addressing (Table 2-1) */
	OK(M16, "mov [bx], ax", INSN(STORE, 2, 2, 0, 2, NOSEG), 0x89, 0x07),
	OK(M16, "mov [bx+si], ax", INSN(STORE, 2, 2, 0, 2, NOSEG), 0x89, 0x00),
	OK(M16, "mov [bx+2], ax", INSN(STORE, 2, 2, 0, 2, NOSEG), 0x89, 0x47, 0x02),
	OK(M16, "mov [bx+0x1234], ax", INSN(STORE, 2, 2, 0, 2, NOSEG),
	   0x89, 0x87, 0x34, 0x12),
	OK(M16, "mov [0x1234], ax (mod 00 rm 110)", INSN(STORE, 2, 2, 0, 2, NOSEG),
	   0x89, 0x06, 0x34, 0x12),
	OK(M16, "mov [bp+0], ax", INSN(STORE, 2, 2, 0, 2, NOSEG), 0x89, 0x46, 0x00),
	OK(M16, "mov [bx], eax (66)", INSN(STORE, 4, 4, 0, 2, NOSEG),
	   0x66, 0x89, 0x07),
	OK(M16, "mov [edi], ax (67)", INSN(STORE, 2, 2, 0, 4, NOSEG),
	   0x67, 0x89, 0x07),
	OK(M16, "mov [esp], ax (67, SIB)", INSN(STORE, 2, 2, 0, 4, NOSEG),
	   0x67, 0x89, 0x04, 0x24),
	OK(M16, "mov [0x12345678], ax (67, disp32)", INSN(STORE, 2, 2, 0, 4, NOSEG),
	   0x67, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	OK(M16, "mov [bx], ah", INSN(STORE, 1, 1, 0, 2, NOSEG, HI8), 0x88, 0x27),
	OK(M16, "mov bx, [0x1234]", INSN(LOAD, 2, 2, 3, 2, NOSEG),
	   0x8b, 0x1e, 0x34, 0x12),
	OK(M16, "mov es:[bx], ax", INSN(STORE, 2, 2, 0, 2, SEG_ES), 0x26, 0x89, 0x07),
};

/* ---- invalid and unsupported ------------------------------------------------ */

static const struct decode_case rejected[] = {
	BAD(M64, "lock mov", DECODE_INVALID, 0xf0, 0x89, 0x08),
	BAD(M32, "lock mov", DECODE_INVALID, 0xf0, 0x8b, 0x03),
	BAD(M16, "lock mov", DECODE_INVALID, 0xf0, 0x89, 0x07),
	BAD(M64, "lock stos", DECODE_INVALID, 0xf0, 0xab),
	BAD(M64, "lock movzx, opcode known before ModR/M", DECODE_INVALID,
	    0xf0, 0x0f, 0xb6),
	BAD(M64, "16 prefixes", DECODE_INVALID, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66),
	BAD(M32, "15 prefixes, nothing else fits", DECODE_INVALID, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66),
	BAD(M64, "14 prefixes + 89 08: 16 bytes", DECODE_INVALID, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x89, 0x08),
	BAD(M64, "16 bytes with disp32 + imm32", DECODE_INVALID, 0x3e, 0x3e, 0x64,
	    0x67, 0x48, 0xc7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe,
	    0xad, 0xde),
	BAD(M64, "mov eax, ecx (mod 11)", DECODE_INVALID, 0x89, 0xc8),
	BAD(M32, "mov eax, ecx (8B, mod 11)", DECODE_INVALID, 0x8b, 0xc1),
	BAD(M16, "mov al, ah (mod 11)", DECODE_INVALID, 0x88, 0xe0),
	BAD(M64, "movzx eax, al", DECODE_INVALID, 0x0f, 0xb6, 0xc0),
	BAD(M64, "movsxd rax, eax", DECODE_INVALID, 0x48, 0x63, 0xc0),
	BAD(M64, "mov eax, 1 (C7 mod 11)", DECODE_INVALID, 0xc7, 0xc0, 1, 0, 0, 0),
	BAD(M64, "mov al, 1 (C6 mod 11)", DECODE_INVALID, 0xc6, 0xc0, 0x01),
	BAD(M64, "C6 /1 is #UD", DECODE_INVALID, 0xc6, 0x08, 0x01),
	BAD(M32, "C7 /6 is #UD", DECODE_INVALID, 0xc7, 0x30, 1, 0, 0, 0),
	BAD(M64, "xabort 1", DECODE_UNSUPPORTED, 0xc6, 0xf8, 0x01),
	BAD(M64, "xbegin", DECODE_UNSUPPORTED, 0xc7, 0xf8, 0, 0, 0, 0),
	BAD(M64, "add [rax], ecx", DECODE_UNSUPPORTED, 0x01, 0x08),
	BAD(M64, "or [rax], ecx", DECODE_UNSUPPORTED, 0x09, 0x08),
	BAD(M64, "xchg [rax], ecx", DECODE_UNSUPPORTED, 0x87, 0x08),
	BAD(M64, "test [rax], ecx", DECODE_UNSUPPORTED, 0x85, 0x08),
	BAD(M64, "cmpxchg [rax], ecx", DECODE_UNSUPPORTED, 0x0f, 0xb1, 0x08),
	BAD(M64, "lock add [rax], ecx (valid, not ours)", DECODE_UNSUPPORTED,
	    0xf0, 0x01, 0x08),
	BAD(M64, "vzeroupper (VEX C5)", DECODE_UNSUPPORTED, 0xc5, 0xf8, 0x77),
	BAD(M64, "VEX C4", DECODE_UNSUPPORTED, 0xc4, 0xe2, 0x79, 0x18, 0x00),
	BAD(M32, "lds (C5 outside 64-bit)", DECODE_UNSUPPORTED, 0xc5, 0x00),
	BAD(M64, "0F 38 (pshufb)", DECODE_UNSUPPORTED, 0x0f, 0x38, 0x00, 0x00),
	BAD(M64, "0F 3A (palignr)", DECODE_UNSUPPORTED, 0x0f, 0x3a, 0x0f, 0, 0),
	BAD(M64, "movnti", DECODE_UNSUPPORTED, 0x0f, 0xc3, 0x08),
	BAD(M64, "popcnt (F3 0F B8)", DECODE_UNSUPPORTED, 0xf3, 0x0f, 0xb8, 0x00),
	BAD(M16, "fld dword [bx+si] (x87)", DECODE_UNSUPPORTED, 0xd9, 0x00),
	BAD(M64, "mov [rax], ds (8C)", DECODE_UNSUPPORTED, 0x8c, 0x18),
	BAD(M64, "lodsb", DECODE_UNSUPPORTED, 0xac),
	BAD(M64, "cmpsb", DECODE_UNSUPPORTED, 0xa6),
	BAD(M64, "scasd", DECODE_UNSUPPORTED, 0xaf),
	BAD(M64, "movsxd r32 without REX.W", DECODE_UNSUPPORTED, 0x63, 0x00),
	BAD(M32, "arpl (63 outside 64-bit)", DECODE_UNSUPPORTED, 0x63, 0x00),
	BAD(M32, "48 is dec eax outside 64-bit", DECODE_UNSUPPORTED,
	    0x48, 0x89, 0x08),
	BAD(M16, "40 is inc ax outside 64-bit", DECODE_UNSUPPORTED,
	    0x40, 0x88, 0x20),
	BAD(M64, "prefixes only", DECODE_TRUNCATED, 0x66, 0x48),
	BAD(M64, "0F alone", DECODE_TRUNCATED, 0x0f),
};

/* ---- tests ------------------------------------------------------------------ */

static void test_mov_64(void **state) { (void)state; RUN(mov_64); }
static void test_prefixes(void **state) { (void)state; RUN(prefixes); }
static void test_moffs(void **state) { (void)state; RUN(moffs); }
static void test_store_imm(void **state) { (void)state; RUN(store_imm); }
static void test_extend(void **state) { (void)state; RUN(extend); }
static void test_strings(void **state) { (void)state; RUN(strings); }
static void test_mov_32_16(void **state) { (void)state; RUN(mov_32_16); }
static void test_rejected(void **state) { (void)state; RUN(rejected); }

/* ---- the memory operand: base, index, scale, displacement, segment ---------- */

struct mem_case {
	enum cpu_mode mode;
	const char *text;
	int8_t base, index;
	uint8_t scale;
	uint64_t disp;
	bool ss;
	uint8_t n;
	uint8_t bytes[16];
};

#define NR INSN_NO_REG
#define MEM(m, t, b, i, s, d, ss_, ...) { m, t, b, i, s, d, ss_, BYTES(__VA_ARGS__) }

/* Fields by hand from Vol. 2A Tables 2-1 (16-bit), 2-2 and 2-3 (32/64-bit
 * ModR/M, SIB), §2.2.1.6 (RIP-relative) and Table 2-5 (REX.B/X). */
static const struct mem_case mem_cases[] = {
	MEM(M64, "mov eax, [rbx]", 3, NR, 1, 0, false, 0x8b, 0x03),
	MEM(M64, "mov eax, [rbp+0x10] (SS)", 5, NR, 1, 0x10, true, 0x8b, 0x45, 0x10),
	MEM(M64, "mov eax, [rsp-8] (SIB, SS)", 4, NR, 1, (uint64_t)-8, true,
	    0x8b, 0x44, 0x24, 0xf8),
	MEM(M64, "mov eax, [rax+rcx*8+0x12345678]", 0, 1, 8, 0x12345678, false,
	    0x8b, 0x84, 0xc8, 0x78, 0x56, 0x34, 0x12),
	MEM(M64, "mov eax, [rcx*4+0x10] (SIB base 101, mod 00)", NR, 1, 4, 0x10,
	    false, 0x8b, 0x04, 0x8d, 0x10, 0, 0, 0),
	MEM(M64, "mov eax, [rip-0x20]", INSN_RIP, NR, 1, (uint64_t)-0x20, false,
	    0x8b, 0x05, 0xe0, 0xff, 0xff, 0xff),
	MEM(M64, "mov eax, [r13+0] (REX.B, like rbp)", 13, NR, 1, 0, false,
	    0x41, 0x8b, 0x45, 0x00),
	MEM(M64, "mov eax, [r12+r12*2] (REX.X, REX.B)", 12, 12, 2, 0, false,
	    0x43, 0x8b, 0x04, 0x64),
	MEM(M64, "mov eax, [rsp+r12] (index 100 with REX.X is r12)", 4, 12, 1, 0,
	    true, 0x42, 0x8b, 0x04, 0x24),
	MEM(M64, "mov eax, moffs64", NR, NR, 1, 0xfee00000, false, 0xa1, OFF64),
	MEM(M32, "mov eax, [0xfee00000] (mod 00 rm 101: absolute, disp32 sign-extends)",
	    NR, NR, 1, 0xfffffffffee00000ull, false, 0x8b, 0x05, OFF32),
	MEM(M32, "mov eax, [ebx+esi*2-1]", 3, 6, 2, (uint64_t)-1, false,
	    0x8b, 0x44, 0x73, 0xff),
	MEM(M32, "mov eax, moffs32", NR, NR, 1, 0xfee00000, false, 0xa1, OFF32),
	MEM(M16, "mov ax, [bx+si]", 3, 6, 1, 0, false, 0x8b, 0x00),
	MEM(M16, "mov ax, [bp+di+4] (SS)", 5, 7, 1, 4, true, 0x8b, 0x43, 0x04),
	MEM(M16, "mov ax, [bp] needs mod 01 (SS)", 5, NR, 1, 0, true, 0x8b, 0x46, 0),
	MEM(M16, "mov ax, [0x1234] (mod 00 rm 110)", NR, NR, 1, 0x1234, false,
	    0x8b, 0x06, OFF16),
	MEM(M16, "mov ax, [di-2] (DI as the index)", NR, 7, 1, (uint64_t)-2, false, 0x8b, 0x45, 0xfe),
	MEM(M16, "mov ax, [bx+0x8000] (disp16 sign-extends)", 3, NR, 1,
	    (uint64_t)-0x8000, false, 0x8b, 0x87, 0x00, 0x80),
	MEM(M64, "mov byte [rbx], 1 (C6 with imm after)", 3, NR, 1, 0, false,
	    0xc6, 0x03, 0x01),
};

static void test_memory_operand(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof mem_cases / sizeof mem_cases[0]; i++) {
		const struct mem_case *c = &mem_cases[i];
		struct insn in;
		struct insn_mem m;

		if (insn_decode(c->bytes, c->n, c->mode, &in) != DECODE_OK)
			fail_msg("%s: does not decode", c->text);
		insn_mem_operand(&in, c->mode, &m);
		if (m.base != c->base || m.index != c->index ||
		    m.scale != c->scale || in.mem_disp != c->disp || m.ss != c->ss)
			fail_msg("%s: base %d index %d scale %u disp %#llx ss %d; want"
				 " %d %d %u %#llx %d", c->text, m.base, m.index, m.scale,
				 (unsigned long long)in.mem_disp, m.ss, c->base,
				 c->index, c->scale, (unsigned long long)c->disp,
				 c->ss);
	}
}

/* Every byte value as a lone opcode, in every mode: never reads past n. */
static void test_every_byte_alone(void **state)
{
	struct insn got;
	unsigned b, m;

	(void)state;
	for (m = M16; m <= M64; m++)
		for (b = 0; b < 256; b++) {
			uint8_t byte = (uint8_t)b;
			enum decode_status st =
				decode_exact(&byte, 1, (enum cpu_mode)m, &got);

			if (b == 0xaa || b == 0xab || b == 0xa4 || b == 0xa5)
				assert_int_equal(st, DECODE_OK);
			else
				assert_int_not_equal(st, DECODE_OK);
		}
}

/* No bytes at all: truncated, and the pointer is never dereferenced. */
static void test_empty_input(void **state)
{
	struct insn got;
	unsigned m;

	(void)state;
	for (m = M16; m <= M64; m++)
		assert_int_equal(insn_decode(NULL, 0, (enum cpu_mode)m, &got),
				 DECODE_TRUNCATED);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(decode_status_name(DECODE_OK), "ok");
	assert_string_equal(decode_status_name(DECODE_TRUNCATED), "truncated");
	assert_string_equal(decode_status_name(DECODE_UNSUPPORTED), "unsupported");
	assert_string_equal(decode_status_name(DECODE_INVALID), "invalid");
	assert_string_equal(decode_status_name((enum decode_status)42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_64),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_moffs),
		cmocka_unit_test(test_store_imm),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_mov_32_16),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_memory_operand),
		cmocka_unit_test(test_every_byte_alone),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
