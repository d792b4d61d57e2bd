/*
 * tests/unit/cpuid_hosts.h — host CPUIDs for the policy tests, and the
 * host_cpuid callback of struct cpuid_inputs that answers from them.
 *
 * bochs_skx: Bochs 2.7's corei7_skylake_x model as BareGT read it at
 * boot (a raw dump of CPUID in vmx_init, this repository's system test
 * vmx-cpu, 2024): leaf 1 ECX has MONITOR, VMX, PDCM, x2APIC and
 * TSC-deadline; leaf 7 EBX TSC_ADJUST and AVX-512; XCR0 0xE7; no leaf 7
 * EDX (no speculation controls).
 * skl_mitigated: the same with the speculation controls and
 * IA32_ARCH_CAPABILITIES a microcode update gives (leaf 7 EDX MD_CLEAR,
 * TSX_FORCE_ABORT, IBRS/IBPB, STIBP, L1D_FLUSH, ARCH_CAPS, SSBD), PKU
 * and MPX with their XSAVE components.
 * Unlisted (leaf, subleaf) read as zeros; a leaf above the host's
 * highest reads as its highest basic leaf, as on Intel CPUs.
 * all_ones: every register of every leaf 0xFFFFFFFF.
 */
#ifndef BAREGT_TESTS_CPUID_HOSTS_H
#define BAREGT_TESTS_CPUID_HOSTS_H

#include <stdint.h>
#include <string.h>
#include "vmx/cpuid_policy.h"

struct cpuid_dump_row {
	uint32_t leaf, sub, r[4];
};

struct cpuid_host {
	const char *name;
	const struct cpuid_dump_row *rows;   /* NULL: all ones */
	unsigned nrows;
};

static const struct cpuid_dump_row bochs_skx_rows[] = {
	{ 0x0, 0, { 0x00000016, 0x756e6547, 0x6c65746e, 0x49656e69 } },
	{ 0x1, 0, { 0x00050654, 0x00010800, 0x77faf3bf, 0xbfebfbff } },
	{ 0x2, 0, { 0x76036301, 0x00f0b5ff, 0x00000000, 0x00c30000 } },
	{ 0x4, 0, { 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ 0x4, 1, { 0x1c004122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ 0x4, 2, { 0x1c004143, 0x03c0003f, 0x000003ff, 0x00000000 } },
	{ 0x4, 3, { 0x1c03c163, 0x0280003f, 0x00002fff, 0x00000004 } },
	{ 0x5, 0, { 0x00000040, 0x00000040, 0x00000003, 0x00002020 } },
	{ 0x6, 0, { 0x00000075, 0x00000002, 0x00000009, 0x00000000 } },
	{ 0x7, 0, { 0x00000000, 0xd19f27eb, 0x00000000, 0x00000000 } },
	{ 0xa, 0, { 0x07300404, 0x00000000, 0x00000000, 0x00000603 } },
	{ 0xb, 0, { 0x00000001, 0x00000001, 0x00000100, 0x00000000 } },
	{ 0xb, 1, { 0x00000000, 0x00000000, 0x00000001, 0x00000000 } },
	{ 0xd, 0, { 0x000000e7, 0x00000240, 0x00000a80, 0x00000000 } },
	{ 0xd, 1, { 0x0000000f, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0xd, 2, { 0x00000100, 0x00000240, 0x00000000, 0x00000000 } },
	{ 0xd, 5, { 0x00000040, 0x00000440, 0x00000000, 0x00000000 } },
	{ 0xd, 6, { 0x00000200, 0x00000480, 0x00000000, 0x00000000 } },
	{ 0xd, 7, { 0x00000400, 0x00000680, 0x00000000, 0x00000000 } },
	{ 0x15, 0, { 0x00000002, 0x00000124, 0x00000000, 0x00000000 } },
	{ 0x16, 0, { 0x00000dac, 0x00000fa0, 0x00000064, 0x00000000 } },
	{ 0x80000000u, 0, { 0x80000008, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x80000001u, 0, { 0x00000000, 0x00000000, 0x00000121, 0x2c100800 } },
	{ 0x80000002u, 0, { 0x65746e49, 0x2952286c, 0x726f4320, 0x4d542865 } },
	{ 0x80000006u, 0, { 0x00000000, 0x00000000, 0x01006040, 0x00000000 } },
	{ 0x80000007u, 0, { 0x00000000, 0x00000000, 0x00000000, 0x00000100 } },
	{ 0x80000008u, 0, { 0x00003028, 0x00000000, 0x00000000, 0x00000000 } },
};

/* Leaf 7.0 EDX 0xbc002400: bits 10, 13, 26, 27, 28, 29, 31. ECX bit 3
 * PKU; EBX adds MPX (14). XCR0 0x2ff: + BNDREGS, BNDCSR, PKRU. */
static const struct cpuid_dump_row skl_mitigated_rows[] = {
	{ 0x0, 0, { 0x00000016, 0x756e6547, 0x6c65746e, 0x49656e69 } },
	{ 0x1, 0, { 0x00050654, 0x02100800, 0x77faf3bf, 0xbfebfbff } },
	{ 0x6, 0, { 0x00000075, 0x00000002, 0x00000009, 0x00000000 } },
	{ 0x7, 0, { 0x00000000, 0xd19f67eb, 0x00000008, 0xbc002400 } },
	{ 0xd, 0, { 0x000002ff, 0x00000240, 0x00000a88, 0x00000000 } },
	{ 0xd, 1, { 0x0000000f, 0x00000000, 0x00000100, 0x00000000 } },
	{ 0xd, 2, { 0x00000100, 0x00000240, 0x00000000, 0x00000000 } },
	{ 0xd, 3, { 0x00000040, 0x000003c0, 0x00000000, 0x00000000 } },
	{ 0xd, 4, { 0x00000040, 0x00000400, 0x00000000, 0x00000000 } },
	{ 0xd, 5, { 0x00000040, 0x00000440, 0x00000000, 0x00000000 } },
	{ 0xd, 6, { 0x00000200, 0x00000480, 0x00000000, 0x00000000 } },
	{ 0xd, 7, { 0x00000400, 0x00000680, 0x00000000, 0x00000000 } },
	{ 0xd, 9, { 0x00000008, 0x00000a80, 0x00000000, 0x00000000 } },
	{ 0x80000000u, 0, { 0x80000008, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x80000001u, 0, { 0x00000000, 0x00000000, 0x00000121, 0x2c100800 } },
	{ 0x80000007u, 0, { 0x00000000, 0x00000000, 0x00000000, 0x00000100 } },
	{ 0x80000008u, 0, { 0x00003027, 0x00000000, 0x00000000, 0x00000000 } },
};

#define ROWS(a) (a), (unsigned)(sizeof(a) / sizeof((a)[0]))
static const struct cpuid_host bochs_skx = { "bochs_skx", ROWS(bochs_skx_rows) };
static const struct cpuid_host skl_mitigated = {
	"skl_mitigated", ROWS(skl_mitigated_rows)
};
static const struct cpuid_host all_ones = { "all_ones", NULL, 0 };
#undef ROWS

static const struct cpuid_dump_row *dump_find(const struct cpuid_host *h,
                                              uint32_t leaf, uint32_t sub)
{
	unsigned i;

	for (i = 0; i < h->nrows; i++)
		if (h->rows[i].leaf == leaf && h->rows[i].sub == sub)
			return &h->rows[i];
	return NULL;
}

static inline void host_cpuid(void *arg, uint32_t leaf, uint32_t sub,
                              uint32_t r[4])
{
	const struct cpuid_host *h = arg;
	const struct cpuid_dump_row *row;
	uint32_t max;

	if (!h->rows) {
		r[0] = r[1] = r[2] = r[3] = 0xffffffffu;
		return;
	}
	max = dump_find(h, 0, 0)->r[0];
	row = dump_find(h, 0x80000000u, 0);
	if ((leaf < 0x80000000u && leaf > max) ||
	    (leaf >= 0x80000000u && (!row || leaf > row->r[0])))
		leaf = max, sub = 0;
	row = dump_find(h, leaf, sub);
	if (row)
		memcpy(r, row->r, 4 * sizeof(r[0]));
	else
		r[0] = r[1] = r[2] = r[3] = 0;
}

/* Inputs as BareGT gives them on such a host: VMX lets guests run
 * RDTSCP, INVPCID and XSAVES; no vLAPIC yet; TSC at 50 MHz. */
static inline struct cpuid_inputs host_inputs(const struct cpuid_host *h)
{
	struct cpuid_inputs in = {
		.host = host_cpuid, .host_arg = (void *)h,
		.tsc_hz = 50000000, .version = 0x000100,
		.rdtscp = true, .invpcid = true, .xsaves = true,
	};
	return in;
}

#endif
