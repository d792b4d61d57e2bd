/*
 * guests/vmswitch — CPU state that VMX does not switch must not pass from
 * one VM to another. Two (or more) copies run side by side, each with its
 * own id ("id=N" on the command line): each fills the registers with a
 * pattern of its own, yields the CPU with HLT (BareGT then runs the other
 * VM, which writes its own pattern), and checks that it gets back exactly
 * what it left and never the other VM's values:
 *  - XMM0-XMM15 and MXCSR with CR4.OSFXSR set and XCR0 = 1, the reset
 *    value (XSAVE with the guest's XCR0 as its mask saved none of it);
 *  - YMM0-YMM15, upper halves included, after XSETBV(XCR0 = x87|SSE|AVX),
 *    when the CPU offers AVX;
 *  - DR0-DR3 and DR6 (VMX switches neither) and DR7 (in the VMCS with the
 *    save/load debug controls).
 * Fresh registers must read as the reset state, not as another VM's.
 * SDM Vol. 1 §13 (XSAVE), Vol. 3A §10.6 / §14 (SSE, AVX enabling),
 * Vol. 3B §18.2 (debug registers).
 */
#include "guest.h"

#define ROUNDS        8
#define CR0_EM        (1ull << 2)
#define CR0_MP        (1ull << 1)
#define CR4_OSFXSR    (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE   (1ull << 18)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX   (1u << 28)
#define DR6_FIXED     0xffff0ff0ull
#define DR7_LOCALS    0x455ull       /* L0-L3, bit 10 reads as 1 */

static unsigned id;

/* The value of 64-bit lane `lane` of vector register `reg` in `round`:
 * unique per VM, round, register and lane. */
static uint64_t lane_value(unsigned vm, unsigned round, unsigned reg,
                           unsigned lane)
{
	return 0x5a00000000000000ull ^ ((uint64_t)vm << 48) ^
	       ((uint64_t)round << 32) ^ ((uint64_t)reg << 8) ^ lane;
}

/* ---- vector registers: all sixteen, in and out of memory ------------------ */

#define XMM_ALL(op, base) \
	op " 0x00(" base "), %%xmm0\n\t" op " 0x10(" base "), %%xmm1\n\t" \
	op " 0x20(" base "), %%xmm2\n\t" op " 0x30(" base "), %%xmm3\n\t" \
	op " 0x40(" base "), %%xmm4\n\t" op " 0x50(" base "), %%xmm5\n\t" \
	op " 0x60(" base "), %%xmm6\n\t" op " 0x70(" base "), %%xmm7\n\t" \
	op " 0x80(" base "), %%xmm8\n\t" op " 0x90(" base "), %%xmm9\n\t" \
	op " 0xa0(" base "), %%xmm10\n\t" op " 0xb0(" base "), %%xmm11\n\t" \
	op " 0xc0(" base "), %%xmm12\n\t" op " 0xd0(" base "), %%xmm13\n\t" \
	op " 0xe0(" base "), %%xmm14\n\t" op " 0xf0(" base "), %%xmm15\n\t"
#define XMM_OUT(op, base) \
	op " %%xmm0, 0x00(" base ")\n\t" op " %%xmm1, 0x10(" base ")\n\t" \
	op " %%xmm2, 0x20(" base ")\n\t" op " %%xmm3, 0x30(" base ")\n\t" \
	op " %%xmm4, 0x40(" base ")\n\t" op " %%xmm5, 0x50(" base ")\n\t" \
	op " %%xmm6, 0x60(" base ")\n\t" op " %%xmm7, 0x70(" base ")\n\t" \
	op " %%xmm8, 0x80(" base ")\n\t" op " %%xmm9, 0x90(" base ")\n\t" \
	op " %%xmm10, 0xa0(" base ")\n\t" op " %%xmm11, 0xb0(" base ")\n\t" \
	op " %%xmm12, 0xc0(" base ")\n\t" op " %%xmm13, 0xd0(" base ")\n\t" \
	op " %%xmm14, 0xe0(" base ")\n\t" op " %%xmm15, 0xf0(" base ")\n\t"
#define YMM_ALL(op, base) \
	op " 0x000(" base "), %%ymm0\n\t" op " 0x020(" base "), %%ymm1\n\t" \
	op " 0x040(" base "), %%ymm2\n\t" op " 0x060(" base "), %%ymm3\n\t" \
	op " 0x080(" base "), %%ymm4\n\t" op " 0x0a0(" base "), %%ymm5\n\t" \
	op " 0x0c0(" base "), %%ymm6\n\t" op " 0x0e0(" base "), %%ymm7\n\t" \
	op " 0x100(" base "), %%ymm8\n\t" op " 0x120(" base "), %%ymm9\n\t" \
	op " 0x140(" base "), %%ymm10\n\t" op " 0x160(" base "), %%ymm11\n\t" \
	op " 0x180(" base "), %%ymm12\n\t" op " 0x1a0(" base "), %%ymm13\n\t" \
	op " 0x1c0(" base "), %%ymm14\n\t" op " 0x1e0(" base "), %%ymm15\n\t"
#define YMM_OUT(op, base) \
	op " %%ymm0, 0x000(" base ")\n\t" op " %%ymm1, 0x020(" base ")\n\t" \
	op " %%ymm2, 0x040(" base ")\n\t" op " %%ymm3, 0x060(" base ")\n\t" \
	op " %%ymm4, 0x080(" base ")\n\t" op " %%ymm5, 0x0a0(" base ")\n\t" \
	op " %%ymm6, 0x0c0(" base ")\n\t" op " %%ymm7, 0x0e0(" base ")\n\t" \
	op " %%ymm8, 0x100(" base ")\n\t" op " %%ymm9, 0x120(" base ")\n\t" \
	op " %%ymm10, 0x140(" base ")\n\t" op " %%ymm11, 0x160(" base ")\n\t" \
	op " %%ymm12, 0x180(" base ")\n\t" op " %%ymm13, 0x1a0(" base ")\n\t" \
	op " %%ymm14, 0x1c0(" base ")\n\t" op " %%ymm15, 0x1e0(" base ")\n\t"

static uint64_t vec[16 * 4] __attribute__((aligned(32)));

static void xmm_load(void)
{
	__asm__ __volatile__(XMM_ALL("movdqu", "%0") : : "r"(vec) : "memory");
}

static void xmm_store(void)
{
	__asm__ __volatile__(XMM_OUT("movdqu", "%0") : : "r"(vec) : "memory");
}

static void ymm_load(void)
{
	__asm__ __volatile__(YMM_ALL("vmovdqu", "%0") : : "r"(vec) : "memory");
}

static void ymm_store(void)
{
	__asm__ __volatile__(YMM_OUT("vmovdqu", "%0") : : "r"(vec) : "memory");
}

static uint32_t mxcsr_get(void)
{
	uint32_t m;

	__asm__ __volatile__("stmxcsr %0" : "=m"(m));
	return m;
}

static void mxcsr_set(uint32_t m)
{
	__asm__ __volatile__("ldmxcsr %0" : : "m"(m));
}

/* Fill vec with this VM's pattern for the round: lanes lanes per reg. */
static void pattern(unsigned round, unsigned lanes)
{
	unsigned r, l;

	for (r = 0; r < 16; r++)
		for (l = 0; l < lanes; l++)
			vec[r * lanes + l] = lane_value(id, round, r, l);
}

/* How many lanes differ from this VM's pattern, and how many of those
 * hold another VM's value for the same slot (a leak, not noise). */
static unsigned mismatches(unsigned round, unsigned lanes, unsigned *foreign)
{
	unsigned r, l, bad = 0;

	for (r = 0; r < 16; r++)
		for (l = 0; l < lanes; l++) {
			uint64_t v = vec[r * lanes + l];
			if (v == lane_value(id, round, r, l))
				continue;
			bad++;
			if ((v >> 56) == 0x5a && ((v >> 48) & 0xff) != id)
				(*foreign)++;
		}
	return bad;
}

static bool all_zero(unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (vec[i])
			return false;
	return true;
}

/* ---- debug registers (drN_read/drN_write: guests/lib/guest.h) ------------------ */

/* Breakpoint addresses nobody executes (execution breakpoints, L0-L3). */
static uint64_t dr_value(unsigned round, unsigned n)
{
	return 0x7f0000000000ull | (uint64_t)id << 24 | (uint64_t)round << 12 |
	       (uint64_t)n << 4;
}

/* DR6: B0-B3 (bits 3:0) and BS (bit 14) are writable status bits. */
static uint64_t dr6_value(unsigned round)
{
	return DR6_FIXED | ((id + round) & 0xf) | ((round & 1) ? (1ull << 14) : 0);
}

static void dr_fill(unsigned round)
{
	dr0_write(dr_value(round, 0));
	dr1_write(dr_value(round, 1));
	dr2_write(dr_value(round, 2));
	dr3_write(dr_value(round, 3));
	dr6_write(dr6_value(round));
	dr7_write(DR7_LOCALS);
}

static bool dr_own(unsigned round)
{
	return dr0_read() == dr_value(round, 0) && dr1_read() == dr_value(round, 1) &&
	       dr2_read() == dr_value(round, 2) && dr3_read() == dr_value(round, 3) &&
	       dr6_read() == dr6_value(round) && dr7_read() == DR7_LOCALS;
}

/* ---- the phases --------------------------------------------------------------- */

static void yield(void)
{
	__asm__ __volatile__("hlt" : : : "memory");
}

static void sse_phase(void)
{
	uint64_t cr0, cr4;
	unsigned round, bad = 0, foreign = 0, mx_bad = 0, dr_bad = 0;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"((cr0 & ~CR0_EM) | CR0_MP));
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
	xmm_store();
	check("xmm: fresh registers read zero (XCR0 = 1)", all_zero(32));
	check_eq("mxcsr: fresh value is the reset value", mxcsr_get(), 0x1f80);
	for (round = 0; round < ROUNDS; round++) {
		uint32_t mx = 0x1f80u | ((id & 3) << 13);   /* rounding control */

		pattern(round, 2);
		xmm_load();
		mxcsr_set(mx);
		dr_fill(round);
		yield();
		xmm_store();
		bad += mismatches(round, 2, &foreign);
		mx_bad += mxcsr_get() != mx;
		if (!dr_own(round)) {
			printf("%s: round %u: dr0 %#llx dr6 %#llx dr7 %#llx\n", guest_name,
			       round, (unsigned long long)dr0_read(),
			       (unsigned long long)dr6_read(), (unsigned long long)dr7_read());
			dr_bad++;
		}
	}
	check_eq("dr0-dr3, dr6, dr7: own values after every switch", dr_bad, 0);
	check_eq("xmm: own values after every switch (XCR0 = 1)", bad, 0);
	check_eq("xmm: never another VM's values", foreign, 0);
	check_eq("mxcsr: own value after every switch", mx_bad, 0);
}

static void avx_phase(void)
{
	uint32_t r[4];
	uint64_t cr4;
	unsigned round, bad = 0, foreign = 0;

	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_XSAVE) || !(r[2] & CPUID1_ECX_AVX)) {
		printf("%s: the CPU offers no AVX: YMM checks not run\n", guest_name);
		return;
	}
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"(7), "d"(0));   /* x87|SSE|AVX */
	memset(vec, 0xee, sizeof(vec));
	ymm_store();
	for (round = 0; round < 16; round++)
		if (vec[round * 4 + 2] || vec[round * 4 + 3])
			bad++;
	check_eq("ymm: fresh upper halves read zero", bad, 0);
	bad = 0;
	for (round = 0; round < ROUNDS; round++) {
		pattern(round, 4);
		ymm_load();
		yield();
		ymm_store();
		bad += mismatches(round, 4, &foreign);
	}
	check_eq("ymm: own values after every switch (XCR0 = x87|SSE|AVX)", bad, 0);
	check_eq("ymm: never another VM's values", foreign, 0);
}

int guest_main(const char *cmdline)
{
	id = cmdline_uint(cmdline, "id", 0);
	printf("%s: vmswitch id %u: %u rounds, HLT between them\n", guest_name, id,
	       ROUNDS);
	sse_phase();
	avx_phase();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
