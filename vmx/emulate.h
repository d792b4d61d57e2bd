/*
 * vmx/emulate.h — carrying out an instruction decoded by vmx/decode.c
 * against guest registers and guest memory. Pure: the guest's memory,
 * paging and segment bases are reached only through struct emu_ops, so the
 * hypervisor, the unit tests and the fuzzer compile the same file.
 */
#ifndef BAREGT_VMX_EMULATE_H
#define BAREGT_VMX_EMULATE_H

#include <stdbool.h>
#include <stdint.h>
#include "vmx/gpr.h"
#include "vmx/decode.h"
#include "hv/x86.h"



struct emu_cpu {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
	enum cpu_mode mode;
};

/*
 * Guest access callbacks; all four must be set. Accesses have 1..8 bytes
 * (the sizes 3, 5, 6, 7 occur only when a string element straddles two
 * pages that are not contiguous in guest-physical memory; see emulate.c).
 * Values are little-endian in the low `size` bytes.
 */
struct emu_ops {
	/* Guest-physical access, RAM or MMIO; false = invalid access. */
	bool (*read)(void *ctx, uint64_t gpa, unsigned size, uint64_t *value);
	bool (*write)(void *ctx, uint64_t gpa, unsigned size, uint64_t value);
	/* Guest linear -> GPA (page walk); false = not mapped. A caller that
	 * injects #PF records the linear address and `write` here (CR2). */
	bool (*translate)(void *ctx, uint64_t linear, bool write, uint64_t *gpa);
	/* Base of segment register seg (enum seg_reg). Not called for ES, CS,
	 * SS, DS in 64-bit mode, whose bases are 0 there. */
	uint64_t (*seg_base)(void *ctx, int seg);
};

enum emu_result {
	EMU_DONE,        /* done, RIP advanced */
	EMU_CONTINUE,    /* REP string op not finished after max_iterations:
	                  * registers updated, RIP unchanged (runs again) */
	EMU_BAD_ACCESS,  /* ops->read/write returned false: RIP unchanged,
	                  * registers as after the last completed element */
	EMU_PAGE_FAULT,  /* ops->translate returned false: same */
};

/*
 * Emulate `in` (from insn_decode() == DECODE_OK in cpu->mode). Loads and
 * stores make one access of in->size bytes at fault_gpa (the GPA the
 * EPT-violation exit reported) when their operand lies in one page; an
 * operand that crosses a page boundary is translated from its linear
 * address, page by page, and accessed in two parts (the exit names only
 * the page that faulted). STOS and MOVS ignore fault_gpa and
 * translate their linear addresses element by element; a REP string
 * instruction does at most max_iterations elements per call (0 means 1).
 */
enum emu_result insn_emulate(const struct insn *in, uint64_t fault_gpa,
			     struct emu_cpu *cpu, const struct emu_ops *ops,
			     void *ctx, unsigned max_iterations);

const char *emu_result_name(enum emu_result r);

#endif
