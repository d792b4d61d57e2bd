/*
 * vmx/decode.c — decoder for the MMIO-access instructions (vmx/decode.h).
 *
 * An instruction is read front to back, as SDM Vol. 2A §2.1 (Figure 2-1)
 * lays it out: legacy prefixes, REX (64-bit mode only), opcode (one byte, or
 * 0F and a second byte), ModR/M, SIB, displacement, immediate. Every byte is
 * fetched through need(), which says DECODE_INVALID when the instruction
 * would pass 15 bytes (Vol. 2A §2.3.11) and DECODE_TRUNCATED when it would
 * pass the n bytes given. Bytes are consumed strictly in order, so a proper
 * prefix of a valid instruction is always DECODE_TRUNCATED.
 *
 * Choices where the SDM leaves room or the hardware differs from a naive
 * reading (each is tested in tests/unit/test_decode.c):
 *  - A REX byte followed by a legacy prefix is ignored, as the hardware
 *    does (Vol. 2A §2.2.1: "Other placements are ignored"); of several REX
 *    bytes in a row only the last one counts.
 *  - Several prefixes of one group: the last one wins (segment override);
 *    66, 67, F2, F3 are flags, repetition changes nothing.
 *  - In 64-bit mode the CS, DS, ES and SS overrides are ignored and do not
 *    cancel an earlier FS or GS (Vol. 1 §3.7.4.1: their bases are treated
 *    as zero; the hardware treats the prefixes as null prefixes).
 *  - F2/F3 on a non-string MOV is ignored (on 88/89/C6/C7 it would be
 *    XRELEASE, a hint); rep is only reported for STOS and MOVS.
 *  - LOCK on an emulated opcode is #UD (Vol. 2A §2.1.1, Vol. 3A §8.1.2.2:
 *    MOV is not lockable) → DECODE_INVALID; on any other opcode the answer
 *    is DECODE_UNSUPPORTED, since e.g. LOCK ADD [mem] is valid.
 *  - 63 /r: ARPL outside 64-bit mode and MOVSXD r32/r16 without REX.W in
 *    64-bit mode are valid x86 (Vol. 2B MOVSXD) but not emulated →
 *    DECODE_UNSUPPORTED.
 *  - C6/C7 /7 (XABORT, XBEGIN) → DECODE_UNSUPPORTED; /1../6 are #UD
 *    (Vol. 2A Table A-6, group 11) → DECODE_INVALID.
 */
#include <string.h>
#include "vmx/decode.h"

#define REX_W 0x08   /* 64-bit operand size (Vol. 2A §2.2.1, Table 2-4) */
#define REX_R 0x04   /* extends ModR/M.reg */
#define REX_X 0x02   /* extends SIB.index: no effect on length */
#define REX_B 0x01   /* extends ModR/M.rm / SIB.base: no effect on length */

/* Where the operands of an opcode come from. */
enum operand_encoding {
	ENC_MODRM,        /* ModR/M memory operand, register in ModR/M.reg */
	ENC_MODRM_IMM,    /* ModR/M memory operand with /0, then immediate */
	ENC_MOFFS,        /* address-size offset right after the opcode */
	ENC_STRING,       /* no operand bytes: RSI/RDI/RAX implied */
};

/* One row of the emulated opcode set. */
struct opcode_form {
	enum insn_kind kind;
	enum operand_encoding encoding;
	bool byte_operand;   /* the 8-bit form: operand size 1 */
	uint8_t source_size; /* ZX/SX: memory operand size; otherwise 0 */
};

/* Decoding state: the bytes, how far we are, the prefixes seen. */
struct decoder {
	const uint8_t *bytes;
	size_t n;
	size_t pos;
	enum cpu_mode mode;
	bool operand_size_prefix;  /* 66 */
	bool address_size_prefix;  /* 67 */
	bool rep_prefix;           /* F3 or F2 */
	bool lock_prefix;          /* F0 */
	int seg;                   /* enum seg_reg or SEG_NONE */
	uint8_t rex;               /* 0 if none, else the REX byte 40..4F */
};

/* ---- fetching -------------------------------------------------------- */

/* Can `count` more bytes be consumed at d->pos? */
static enum decode_status need(const struct decoder *d, size_t count)
{
	if (d->pos + count > INSN_MAX_LEN)
		return DECODE_INVALID;
	if (d->pos + count > d->n)
		return DECODE_TRUNCATED;
	return DECODE_OK;
}

/* Consume `count` (<= 8) bytes, checked by need(), as a little-endian
 * number (Vol. 1 §1.3.1: x86 is little-endian). */
static uint64_t take_le(struct decoder *d, size_t count)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < count; i++)
		v |= (uint64_t)d->bytes[d->pos + i] << (8 * i);
	d->pos += count;
	return v;
}

/* need() then take_le(). */
static enum decode_status fetch(struct decoder *d, size_t count,
				uint64_t *value)
{
	enum decode_status st = need(d, count);

	if (st == DECODE_OK)
		*value = take_le(d, count);
	return st;
}

/* Two's-complement sign extension of the low `bits` bits, without the
 * implementation-defined conversion of a large unsigned to a signed type. */
static uint64_t sign_extend(uint64_t value, unsigned bits)
{
	uint64_t sign = 1ull << (bits - 1);
	uint64_t mask = (sign << 1) - 1;

	return ((value & mask) ^ sign) - sign;
}

/* ---- prefixes (Vol. 2A §2.1.1, §2.2.1) -------------------------------- */

/* Apply one legacy prefix byte; false if b is not a legacy prefix. */
static bool apply_legacy_prefix(struct decoder *d, uint8_t b)
{
	bool long_mode = d->mode == CPU_MODE_64;

	switch (b) {
	case 0xf0: d->lock_prefix = true; return true;
	case 0xf2:                                         /* REPNE */
	case 0xf3: d->rep_prefix = true; return true;      /* REP */
	case 0x66: d->operand_size_prefix = true; return true;
	case 0x67: d->address_size_prefix = true; return true;
	case 0x26: if (!long_mode) d->seg = SEG_ES; return true;
	case 0x2e: if (!long_mode) d->seg = SEG_CS; return true;
	case 0x36: if (!long_mode) d->seg = SEG_SS; return true;
	case 0x3e: if (!long_mode) d->seg = SEG_DS; return true;
	case 0x64: d->seg = SEG_FS; return true;
	case 0x65: d->seg = SEG_GS; return true;
	default: return false;
	}
}

/* Consume prefixes up to the first opcode byte (not consumed). */
static enum decode_status read_prefixes(struct decoder *d)
{
	for (;;) {
		enum decode_status st = need(d, 1);
		uint8_t b;

		if (st != DECODE_OK)
			return st;
		b = d->bytes[d->pos];
		if (apply_legacy_prefix(d, b)) {
			d->rex = 0;             /* a REX before it is ignored */
		} else if (d->mode == CPU_MODE_64 && (b & 0xf0) == 0x40) {
			d->rex = b;             /* the last REX counts */
		} else {
			return DECODE_OK;
		}
		d->pos++;
	}
}

/* Operand size (Vol. 1 §3.6, Table 3-4; Vol. 2A §2.2.1.2). */
static uint8_t operand_size(const struct decoder *d)
{
	if (d->rex & REX_W)
		return 8;
	if (d->mode == CPU_MODE_16)
		return d->operand_size_prefix ? 4 : 2;
	return d->operand_size_prefix ? 2 : 4;
}

/* Address size (Vol. 1 §3.6; Vol. 2A §2.2.1.3: 67 selects 32 in 64-bit). */
static uint8_t address_size(const struct decoder *d)
{
	switch (d->mode) {
	case CPU_MODE_16: return d->address_size_prefix ? 4 : 2;
	case CPU_MODE_32: return d->address_size_prefix ? 2 : 4;
	default:          return d->address_size_prefix ? 4 : 8;
	}
}

/* ---- opcodes (Vol. 2A Appendix A, Tables) ----------------- */

/* The two-byte opcodes 0F xx we emulate: MOVZX and MOVSX (Vol. 2B). */
static bool two_byte_form(uint8_t op, struct opcode_form *f)
{
	switch (op) {
	case 0xb6: *f = (struct opcode_form){ INSN_LOAD_ZX, ENC_MODRM, false, 1 };
		return true;
	case 0xb7: *f = (struct opcode_form){ INSN_LOAD_ZX, ENC_MODRM, false, 2 };
		return true;
	case 0xbe: *f = (struct opcode_form){ INSN_LOAD_SX, ENC_MODRM, false, 1 };
		return true;
	case 0xbf: *f = (struct opcode_form){ INSN_LOAD_SX, ENC_MODRM, false, 2 };
		return true;
	default:
		return false;
	}
}

/* The one-byte opcodes we emulate (MOV, STOS, MOVS pages of Vol. 2B);
 * in each pair the even opcode is the 8-bit form. */
static bool one_byte_form(const struct decoder *d, uint8_t op,
			  struct opcode_form *f)
{
	bool byte_op = (op & 1) == 0;

	switch (op) {
	case 0x88: case 0x89:                  /* MOV r/m, r */
		*f = (struct opcode_form){ INSN_STORE, ENC_MODRM, byte_op, 0 };
		return true;
	case 0x8a: case 0x8b:                  /* MOV r, r/m */
		*f = (struct opcode_form){ INSN_LOAD, ENC_MODRM, byte_op, 0 };
		return true;
	case 0xa0: case 0xa1:                  /* MOV AL/rAX, moffs */
		*f = (struct opcode_form){ INSN_LOAD, ENC_MOFFS, byte_op, 0 };
		return true;
	case 0xa2: case 0xa3:                  /* MOV moffs, AL/rAX */
		*f = (struct opcode_form){ INSN_STORE, ENC_MOFFS, byte_op, 0 };
		return true;
	case 0xa4: case 0xa5:                  /* MOVS */
		*f = (struct opcode_form){ INSN_MOVS, ENC_STRING, byte_op, 0 };
		return true;
	case 0xaa: case 0xab:                  /* STOS */
		*f = (struct opcode_form){ INSN_STOS, ENC_STRING, byte_op, 0 };
		return true;
	case 0xc6: case 0xc7:                  /* MOV r/m, imm (group 11) */
		*f = (struct opcode_form){ INSN_STORE_IMM, ENC_MODRM_IMM,
					   byte_op, 0 };
		return true;
	case 0x63:      /* MOVSXD r64, r/m32: 64-bit mode with REX.W only */
		if (d->mode != CPU_MODE_64 || !(d->rex & REX_W))
			return false;
		*f = (struct opcode_form){ INSN_LOAD_SX, ENC_MODRM, false, 4 };
		return true;
	default:
		return false;
	}
}

/* Consume the opcode byte(s); DECODE_UNSUPPORTED if not ours. */
static enum decode_status read_opcode(struct decoder *d, struct opcode_form *f)
{
	uint64_t op;
	enum decode_status st = fetch(d, 1, &op);

	if (st != DECODE_OK)
		return st;
	if (op != 0x0f)
		return one_byte_form(d, (uint8_t)op, f) ? DECODE_OK
							: DECODE_UNSUPPORTED;
	st = fetch(d, 1, &op);
	if (st != DECODE_OK)
		return st;
	return two_byte_form((uint8_t)op, f) ? DECODE_OK : DECODE_UNSUPPORTED;
}

/* ---- ModR/M, SIB, displacement (Vol. 2A §2.1.5) ----------------------- */

/* Read a displacement of `len` bytes (0, 1, 2 or 4), sign-extended
 * (out->mem_disp starts at 0). */
static inline enum decode_status read_disp(struct decoder *d, size_t len,
					   struct insn *out)
{
	uint64_t v;
	enum decode_status st;

	if (len == 0)
		return DECODE_OK;
	st = fetch(d, len, &v);
	if (st == DECODE_OK)
		out->mem_disp = sign_extend(v, 8 * (unsigned)len);
	return st;
}

/*
 * Consume SIB and displacement after a memory-form ModR/M byte. 16-bit
 * addressing (Table 2-1): mod 00 rm 110 is [disp16]. 32/64-bit (Tables
 * 2-2, 2-3): rm 100 means a SIB byte follows; mod 00 rm 101 is [disp32]
 * (RIP-relative in 64-bit mode, Vol. 2A §2.2.1.6); mod 00 with SIB.base
 * 101 is [index*scale + disp32]. REX.B does not change these cases
 * (Table 2-5: R12 needs a SIB byte, R13 a displacement, like RSP, RBP).
 */
static enum decode_status read_address(struct decoder *d, unsigned mod,
				       unsigned rm, struct insn *out)
{
	size_t disp;

	if (address_size(d) == 2) {
		disp = mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0;
		return read_disp(d, disp, out);
	}
	disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {
		uint64_t sib;
		enum decode_status st = fetch(d, 1, &sib);

		if (st != DECODE_OK)
			return st;
		out->sib = (uint8_t)sib;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	} else if (mod == 0 && rm == 5) {
		disp = 4;
	}
	return read_disp(d, disp, out);
}

/* ---- the memory operand's registers, on demand --------------------------- */

/* GPR numbers in the SDM's order (Vol. 2A Table 2-2). */
enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI };

void insn_mem_operand(const struct insn *in, enum cpu_mode mode,
		      struct insn_mem *m)
{
	/* 16-bit rm 0..7 = BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP, BX. */
	static const int8_t base16[8] = { R_BX, R_BX, R_BP, R_BP, INSN_NO_REG,
					  INSN_NO_REG, R_BP, R_BX };
	static const int8_t index16[8] = { R_SI, R_DI, R_SI, R_DI, R_SI, R_DI,
					   INSN_NO_REG, INSN_NO_REG };
	unsigned mod = in->modrm >> 6, rm = in->modrm & 7;
	unsigned rex_b = (in->rex & REX_B) ? 8 : 0;

	m->base = m->index = INSN_NO_REG;
	m->scale = 1;
	m->ss = false;
	if (in->moffs)
		return;
	if (in->addr_size == 2) {
		if (!(mod == 0 && rm == 6)) {        /* not [disp16] */
			m->base = base16[rm];
			m->index = index16[rm];
		}
		m->ss = m->base == R_BP;
		return;
	}
	if (rm == 4) {
		unsigned idx = ((in->sib >> 3) & 7) | ((in->rex & REX_X) ? 8 : 0);

		m->scale = (uint8_t)(1u << (in->sib >> 6));
		m->index = idx == 4 ? INSN_NO_REG : (int8_t)idx;
		if (!(mod == 0 && (in->sib & 7) == 5))
			m->base = (int8_t)((in->sib & 7) | rex_b);
	} else if (mod == 0 && rm == 5) {
		m->base = mode == CPU_MODE_64 ? INSN_RIP : INSN_NO_REG;
	} else {
		m->base = (int8_t)(rm | rex_b);
	}
	m->ss = m->base == R_SP || m->base == R_BP;
}

/* ---- putting an instruction together --------------------------------- */

/* Register operand from ModR/M.reg (+ REX.R); AH..BH without REX. */
static void set_modrm_register(const struct decoder *d, unsigned reg_field,
			       bool byte_operand, struct insn *out)
{
	out->reg = (uint8_t)(reg_field | ((d->rex & REX_R) ? 8 : 0));
	out->reg_high8 = false;
	if (byte_operand && d->rex == 0 && reg_field >= 4) {
		out->reg = (uint8_t)(reg_field - 4);   /* Vol. 2A §2.2.1.2 */
		out->reg_high8 = true;
	}
}

/* The immediate of C6 (imm8) or C7 (imm16, or imm32 sign-extended to the
 * operand size: Vol. 2B MOV, "C7 /0 id" with REX.W). */
static enum decode_status read_immediate(struct decoder *d, struct insn *out)
{
	size_t bytes = out->size < 4 ? out->size : 4;
	enum decode_status st = fetch(d, bytes, &out->imm);

	if (st == DECODE_OK && out->size == 8)
		out->imm = sign_extend(out->imm, 32);
	return st;
}

/* ModR/M-encoded forms: MOV r/m,r; MOV r,r/m; MOVZX; MOVSX(D); MOV r/m,imm. */
static enum decode_status decode_modrm_form(struct decoder *d,
					    const struct opcode_form *f,
					    struct insn *out)
{
	uint64_t modrm;
	unsigned mod, reg, rm;
	enum decode_status st = fetch(d, 1, &modrm);

	if (st != DECODE_OK)
		return st;
	mod = (unsigned)modrm >> 6;
	reg = ((unsigned)modrm >> 3) & 7;
	rm = (unsigned)modrm & 7;
	if (f->encoding == ENC_MODRM_IMM && reg != 0)
		return reg == 7 ? DECODE_UNSUPPORTED : DECODE_INVALID;
	if (mod == 3)
		return DECODE_INVALID;     /* register operand: no memory access */
	out->modrm = (uint8_t)modrm;
	out->rex = d->rex;
	st = read_address(d, mod, rm, out);
	if (st != DECODE_OK)
		return st;
	if (f->encoding == ENC_MODRM_IMM)
		return read_immediate(d, out);
	set_modrm_register(d, reg, f->byte_operand, out);
	return DECODE_OK;
}

static enum decode_status decode(struct decoder *d, struct insn *out)
{
	struct opcode_form f = { 0 };  /* set by read_opcode(); gcc -O1 can't tell */
	enum decode_status st = read_prefixes(d);

	if (st == DECODE_OK)
		st = read_opcode(d, &f);
	if (st != DECODE_OK)
		return st;
	if (d->lock_prefix)
		return DECODE_INVALID;     /* MOV, MOVS, STOS are not lockable */

	out->kind = f.kind;
	out->addr_size = address_size(d);
	out->seg = d->seg;
	out->reg_size = f.byte_operand ? 1 : operand_size(d);
	out->size = f.source_size ? f.source_size : out->reg_size;

	switch (f.encoding) {
	case ENC_MODRM:
	case ENC_MODRM_IMM:
		st = decode_modrm_form(d, &f, out);
		break;
	case ENC_MOFFS:         /* address-size offset (Vol. 2B MOV, moffs) */
		out->moffs = true;
		st = fetch(d, out->addr_size, &out->mem_disp);
		break;
	case ENC_STRING:
		out->rep = d->rep_prefix;
		break;
	}
	out->len = (uint8_t)d->pos;
	return st;
}

enum decode_status insn_decode(const uint8_t *bytes, size_t n,
			       enum cpu_mode mode, struct insn *out)
{
	struct decoder d;
	struct insn result;
	enum decode_status st;

	memset(&d, 0, sizeof d);
	d.bytes = bytes;
	d.n = n;
	d.mode = mode;
	d.seg = SEG_NONE;
	memset(&result, 0, sizeof result);
	st = decode(&d, &result);
	if (st == DECODE_OK)
		*out = result;
	return st;
}

const char *decode_status_name(enum decode_status s)
{
	switch (s) {
	case DECODE_OK:          return "ok";
	case DECODE_TRUNCATED:   return "truncated";
	case DECODE_UNSUPPORTED: return "unsupported";
	case DECODE_INVALID:     return "invalid";
	}
	return "?";
}
