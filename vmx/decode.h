/*
 * vmx/decode.h — decoding the few x86 instructions a guest uses to touch an
 * emulated MMIO page: MOV to and from memory, MOV of an immediate to
 * memory, MOVZX, MOVSX, MOVSXD, STOS and MOVS (with REP). Pure: no I/O, no
 * state; the hypervisor and the host tests compile the same file.
 *
 * Encodings: SDM Vol. 2A §2.1 (instruction format), §2.1.5 (ModR/M and SIB,
 * Tables 2-1 to 2-3), §2.2.1 (REX); Vol. 2B pages of MOV, MOVZX, MOVSX/
 * MOVSXD, STOS and MOVS.
 */
#ifndef BAREGT_VMX_DECODE_H
#define BAREGT_VMX_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest legal instruction, prefixes included (SDM Vol. 2A §2.3.11). */
#define INSN_MAX_LEN 15

/*
 * Default operand and address size of the code being decoded: 16-bit code
 * (real mode, CS.D = 0), 32-bit code (CS.D = 1, also compatibility mode),
 * 64-bit mode (default operand size 32, address size 64).
 */
enum cpu_mode { CPU_MODE_16, CPU_MODE_32, CPU_MODE_64 };

/* Segment registers in the SDM's encoding order (Vol. 2A §3.1.1.3, Sreg). */
enum seg_reg {
	SEG_ES = 0, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS,
	SEG_NONE = -1
};

enum insn_kind {
	INSN_LOAD,        /* 8A, 8B, A0, A1: register <- memory */
	INSN_STORE,       /* 88, 89, A2, A3: memory <- register */
	INSN_STORE_IMM,   /* C6 /0, C7 /0: memory <- immediate */
	INSN_LOAD_ZX,     /* 0F B6, 0F B7: register <- zero-extended memory */
	INSN_LOAD_SX,     /* 0F BE, 0F BF; 63 /r MOVSXD (64-bit mode, REX.W) */
	INSN_STOS,        /* AA, AB, optional REP (F3 or F2) */
	INSN_MOVS,        /* A4, A5, optional REP (F3 or F2) */
};

struct insn {
	enum insn_kind kind;
	uint8_t len;        /* total length in bytes, prefixes included (1..15) */
	uint8_t size;       /* bytes per memory access: 1, 2, 4 or 8 */
	uint8_t reg_size;   /* register operand width: = size, except ZX/SX
	                     * (destination width 2, 4 or 8) */
	uint8_t reg;        /* GPR 0..15, SDM order RAX RCX RDX RBX RSP RBP RSI
	                     * RDI R8..R15; 0 for A0-A3 and STOS (RAX), 0 and
	                     * unused for STORE_IMM and MOVS */
	bool reg_high8;     /* AH CH DH BH (8-bit reg 4..7 without REX): then
	                     * reg is 0..3, the register holding bits 15:8 */
	uint64_t imm;       /* STORE_IMM: value, truncated to size bytes (C7
	                     * with REX.W: imm32 sign-extended to 64 bits) */
	uint8_t addr_size;  /* 2, 4 or 8 */
	bool rep;           /* F3 or F2 on STOS/MOVS */
	int seg;            /* effective segment override (enum seg_reg) or
	                     * SEG_NONE; in 64-bit mode only FS and GS count */
	/* The memory operand's addressing bytes as decoded (ModR/M, SIB, REX,
	 * the displacement or moffs sign-extended to 64 bits); unused for
	 * STOS and MOVS. insn_mem_operand() turns them into registers only
	 * when an emulator needs the operand's address (rarely: the exit
	 * gives the GPA). */
	bool moffs;         /* A0-A3: mem_disp is the whole address */
	uint8_t modrm, sib, rex;
	uint64_t mem_disp;
};

/* The memory operand of a ModR/M or moffs form (Vol. 2A §2.1.5, Tables
 * 2-1 to 2-3): effective address = base + index * scale + disp,
 * truncated to addr_size. base and index are GPR numbers or INSN_NO_REG;
 * base INSN_RIP means RIP-relative (disp counts from the next
 * instruction). ss: the default segment is SS (rBP or rSP as base, Vol. 1
 * §3.7.4), else DS. */
struct insn_mem {
	int8_t base, index;
	uint8_t scale;
	bool ss;
};

#define INSN_NO_REG  (-1)
#define INSN_RIP     16
#define INSN_REX_B   0x01     /* REX.B in insn.rex (Vol. 2A Table 2-4) */

/* in decoded in `mode` (a ModR/M or moffs form). */
void insn_mem_operand(const struct insn *in, enum cpu_mode mode,
		      struct insn_mem *m);

enum decode_status {
	DECODE_OK,
	DECODE_TRUNCATED,    /* needs more bytes than were given */
	DECODE_UNSUPPORTED,  /* valid x86, not emulated */
	DECODE_INVALID,      /* #UD or #GP: LOCK on MOV, longer than 15 bytes,
	                      * register-form ModR/M on a memory instruction,
	                      * C6/C7 with reg 1..6 */
};

/*
 * Decode the instruction at bytes[0..n) as code of the given mode. Reads no
 * byte at or beyond n. On DECODE_OK fills *out (fields that do not apply to
 * the kind are 0); otherwise *out is left untouched.
 */
enum decode_status insn_decode(const uint8_t *bytes, size_t n,
			       enum cpu_mode mode, struct insn *out);

const char *decode_status_name(enum decode_status s);

#endif
