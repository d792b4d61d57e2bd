/*
 * vmx/cpuid_policy.c — a VM's CPUID, built once from the host's
 * (vmx/cpuid_policy.h). Leaf layouts: SDM Vol. 2A, CPUID, Table 3-8;
 * leaf 1 ECX bit 31 is left by Intel to hypervisors, leaves 0x40000000+
 * are theirs. Which bits pass and why: vmx/cpuid_features.c and
 * docs/guests.md, "CPU behaviour".
 */
#include <string.h>
#include "hv/x86.h"
#include "vmx/cpuid_policy.h"

enum { EAX, EBX, ECX, EDX };

#define L1_ECX_OSXSAVE     (1u << 27)
#define L1_ECX_HYPERVISOR  (1u << 31)
#define L7_ECX_OSPKE       (1u << 4)
#define XSAVE_LEGACY_BYTES 576u          /* legacy area + header, Vol. 1 §13.4 */
#define XSAVE_ALIGN64      (1u << 1)     /* leaf 0xD.i ECX: 64-byte aligned */
#define TOPO_SMT           1u            /* leaf 0xB ECX[15:8] level types */
#define TOPO_CORE          2u
/* IA32_ARCH_CAPABILITIES bits that only describe the CPU (SDM Vol. 4
 * Table 2-2): RDCL_NO, IBRS_ALL, RSBA, SKIP_L1DFL_VMENTRY, SSB_NO,
 * MDS_NO, IF_PSCHANGE_MC_NO, TAA_NO. The others announce MSRs BareGT
 * does not give (TSX_CTRL, bit 7, is IA32_TSX_CTRL) and read as 0. */
#define ARCH_CAPS_DESCRIPTIVE 0x17full
/* "BareGTBareGT" in EBX, ECX, EDX */
#define SIG_EBX 0x65726142u   /* "Bare" */
#define SIG_ECX 0x61425447u   /* "GTBa" */
#define SIG_EDX 0x54476572u   /* "reGT" */

/* The registers that hold feature flags and nothing else: cleared, then
 * given the bits of the advertised features. */
static const struct { uint32_t leaf; uint8_t sub, reg; } flag_regs[] = {
	{ 1, 0, ECX }, { 1, 0, EDX }, { 6, 0, EAX }, { 6, 0, ECX },
	{ 7, 0, EBX }, { 7, 0, ECX }, { 7, 0, EDX }, { 7, 1, EAX },
	{ 0xd, 1, EAX }, { 0x80000001u, 0, ECX }, { 0x80000001u, 0, EDX },
	{ 0x80000007u, 0, EDX }, { 0x80000008u, 0, EBX },
};

/* Where (leaf, sub) lives in the policy; only for the flag registers. */
static uint32_t *regs_of(struct cpuid_policy *p, uint32_t leaf, unsigned sub)
{
	if (leaf == 7)
		return p->leaf7[sub];
	if (leaf == 0xd)
		return p->xsave[sub];
	if (leaf >= CPUID_EXT_BASE)
		return p->ext[leaf - CPUID_EXT_BASE];
	return p->basic[leaf];
}

static bool hidden_by_config(const struct cpuid_inputs *in, unsigned f)
{
	return in->hide && f / 32 < in->hide_words &&
	       ((in->hide[f / 32] >> (f % 32)) & 1);
}

static uint32_t inputs_given(const struct cpuid_inputs *in)
{
	return (in->rdtscp ? CPUID_NEEDS_RDTSCP : 0) |
	       (in->invpcid ? CPUID_NEEDS_INVPCID : 0) |
	       (in->xsaves ? CPUID_NEEDS_XSAVES : 0) |
	       (in->pku ? CPUID_NEEDS_PKU : 0) |
	       (in->lapic ? CPUID_NEEDS_LAPIC : 0) |
	       (in->lapic_x2apic ? CPUID_NEEDS_X2APIC : 0) |
	       (in->lapic_tsc_deadline ? CPUID_NEEDS_TSC_DEADLINE : 0);
}

static void set_has(struct cpuid_policy *p, unsigned f, bool on)
{
	if (on)
		p->has[f / 32] |= 1u << (f % 32);
	else
		p->has[f / 32] &= ~(1u << (f % 32));
}

/* Which features the VM gets; the host's flags are still in p. */
static void decide_features(const struct cpuid_inputs *in,
                            struct cpuid_policy *p)
{
	uint32_t given = inputs_given(in);
	uint64_t host_xcr0 = ((uint64_t)p->xsave[0][EDX] << 32) | p->xsave[0][EAX];
	bool changed = true;
	unsigned f;

	for (f = CF_NONE + 1; f < CF_COUNT; f++) {
		const struct cpuid_feature *c = &cpuid_features[f];
		bool host = (regs_of(p, c->leaf, c->subleaf)[c->reg] >> c->bit) & 1;
		bool on = c->rule == CPUID_SET ||
		          (c->rule == CPUID_PASS && host);

		/* Its XSAVE state must be one the host switches. */
		on = on && (c->needs & ~given) == 0 && !hidden_by_config(in, f) &&
		     (c->xcr0 & ~host_xcr0) == 0;
		set_has(p, f, on);
	}
	/* A feature goes with the one it builds on (AVX2 with AVX, ...). */
	while (changed) {
		changed = false;
		for (f = CF_NONE + 1; f < CF_COUNT; f++) {
			unsigned up = cpuid_features[f].parent;

			if (up != CF_NONE && cpuid_policy_has(p, f) &&
			    !cpuid_policy_has(p, up)) {
				set_has(p, f, false);
				changed = true;
			}
		}
	}
}

static void write_flags(struct cpuid_policy *p)
{
	unsigned i, f;

	for (i = 0; i < sizeof(flag_regs) / sizeof(flag_regs[0]); i++)
		regs_of(p, flag_regs[i].leaf, flag_regs[i].sub)[flag_regs[i].reg] = 0;
	for (f = CF_NONE + 1; f < CF_COUNT; f++) {
		const struct cpuid_feature *c = &cpuid_features[f];

		if (cpuid_policy_has(p, f)) {
			regs_of(p, c->leaf, c->subleaf)[c->reg] |= 1u << c->bit;
			p->cr4_allowed |= c->cr4;
			p->xcr0_allowed |= c->xcr0;
		}
	}
}

static void copy_host(const struct cpuid_inputs *in, struct cpuid_policy *p)
{
	uint32_t r[4], max, xmax, sub7 = 0, i;

	in->host(in->host_arg, 0, 0, r);
	max = r[EAX];
	memcpy(p->basic[0], r, sizeof(r));
	in->host(in->host_arg, CPUID_EXT_BASE, 0, r);
	xmax = r[EAX];
	for (i = 1; i <= CPUID_BASIC_MAX && i <= max; i++)
		if (i == 1 || i == 2 || i == 6)
			in->host(in->host_arg, i, 0, p->basic[i]);
	for (i = 0; max >= 4 && i < CPUID_LEAF4_SUBS; i++) {
		in->host(in->host_arg, 4, i, p->leaf4[i]);
		if ((p->leaf4[i][EAX] & 0x1f) == 0)   /* no more caches */
			break;
	}
	if (max >= 7) {
		in->host(in->host_arg, 7, 0, p->leaf7[0]);
		sub7 = p->leaf7[0][EAX];
	}
	if (max >= 7 && sub7 >= 1)
		in->host(in->host_arg, 7, 1, p->leaf7[1]);
	for (i = 0; max >= 0xd && i < CPUID_XSAVE_SUBS; i++)
		in->host(in->host_arg, 0xd, i, p->xsave[i]);
	for (i = CPUID_EXT_BASE + 1; xmax >= CPUID_EXT_BASE && i <= xmax &&
	     i <= CPUID_EXT_MAX; i++)
		in->host(in->host_arg, i, 0, p->ext[i - CPUID_EXT_BASE]);
}

/* Leaf 0xD (SDM Vol. 1 §13.2): the components the VM may enable. */
static void shape_xsave(struct cpuid_policy *p)
{
	uint64_t host = ((uint64_t)p->xsave[0][EDX] << 32) | p->xsave[0][EAX];
	uint32_t size = XSAVE_LEGACY_BYTES, i;

	if (!cpuid_policy_has(p, CF_XSAVE)) {
		memset(p->xsave, 0, sizeof(p->xsave));
		p->xcr0_allowed = 0;
		return;
	}
	p->xcr0_allowed &= host;
	for (i = 2; i < CPUID_XSAVE_SUBS; i++) {
		if (!((p->xcr0_allowed >> i) & 1)) {
			memset(p->xsave[i], 0, sizeof(p->xsave[i]));
			continue;
		}
		p->xsave[i][ECX] &= XSAVE_ALIGN64;        /* user component */
		p->xsave[i][EDX] = 0;
		if (p->xsave[i][EBX] + p->xsave[i][EAX] > size)
			size = p->xsave[i][EBX] + p->xsave[i][EAX];
	}
	p->xsave[0][EAX] = (uint32_t)p->xcr0_allowed;
	p->xsave[0][EDX] = (uint32_t)(p->xcr0_allowed >> 32);
	p->xsave[0][ECX] = size;
	p->xsave[0][EBX] = 0;                         /* follows XCR0 */
	/* Subleaf 1: the flags; no supervisor component (IA32_XSS = 0). */
	p->xsave[1][EBX] = p->xsave[1][ECX] = p->xsave[1][EDX] = 0;
}

/* Leaves 0x15 and 0x16 (docs/platform.md, "Time"): TSC = crystal × 1/1
 * with the crystal at the TSC rate (halved until it fits ECX). */
static void time_leaves(const struct cpuid_inputs *in, struct cpuid_policy *p)
{
	uint64_t mhz = (in->tsc_hz + 500000) / 1000000;
	uint32_t n = 1;

	if (in->tsc_hz == 0)
		return;
	while (in->tsc_hz / n > 0xffffffffu)
		n++;
	p->crystal_hz = in->tsc_hz / n;
	p->basic[0x15][EAX] = 1;
	p->basic[0x15][EBX] = n;
	p->basic[0x15][ECX] = (uint32_t)p->crystal_hz;
	p->basic[0x16][EAX] = p->basic[0x16][EBX] =
		(uint32_t)(mhz > 0xffff ? 0xffff : mhz);
	p->basic[0x16][ECX] = CPUID_BUS_MHZ;
}

static void shape_leaves(struct cpuid_policy *p)
{
	unsigned i;

	p->basic[0][EAX] = CPUID_BASIC_MAX;
	/* One logical processor, initial APIC ID 0; brand index and
	 * CLFLUSH line size stay. */
	p->basic[1][EBX] = (p->basic[1][EBX] & 0xffffu) | (1u << 16);
	p->basic[1][ECX] |= L1_ECX_HYPERVISOR;
	/* Leaf 4: one core, no cache shared with another logical CPU. */
	for (i = 0; i < CPUID_LEAF4_SUBS; i++)
		p->leaf4[i][EAX] &= 0x3fffu;
	p->basic[6][EBX] = p->basic[6][EDX] = 0;
	if (p->leaf7[0][EAX] > CPUID_LEAF7_SUBS - 1)
		p->leaf7[0][EAX] = CPUID_LEAF7_SUBS - 1;
	p->leaf7[1][EBX] = p->leaf7[1][ECX] = p->leaf7[1][EDX] = 0;
	p->ext[0][EAX] = CPUID_EXT_MAX;
	p->ext[0][EBX] = p->ext[0][ECX] = p->ext[0][EDX] = 0;
	p->ext[1][EAX] = p->ext[1][EBX] = 0;
	memset(p->ext[5], 0, sizeof(p->ext[5]));
	p->ext[7][EAX] = p->ext[7][EBX] = p->ext[7][ECX] = 0;
	p->ext[8][EAX] &= 0xffffu;      /* physical and linear address bits */
	p->ext[8][ECX] = p->ext[8][EDX] = 0;
}

/* IA32_MISC_ENABLE: fast strings on (and the only bit a guest may
 * change); no PMU, BTS or PEBS; EIST, MONITOR, the CPUID limit, xTPR and
 * XD-disable off, as CPUID says (SDM Vol. 4 Table 2-2). */
static void msr_values(const struct cpuid_inputs *in, uint32_t host7_edx,
                       struct cpuid_policy *p)
{
	uint64_t host_spec = ((host7_edx >> 26) & 1 ? SPEC_CTRL_IBRS : 0) |
	                     ((host7_edx >> 27) & 1 ? SPEC_CTRL_STIBP : 0) |
	                     ((host7_edx >> 31) & 1 ? SPEC_CTRL_SSBD : 0);

	p->misc_enable = MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL |
	                 MISC_ENABLE_PEBS_UNAVAIL;
	p->misc_enable_writable = MISC_ENABLE_FAST_STRING;
	if (cpuid_policy_has(p, CF_ARCH_CAPABILITIES))
		p->arch_caps = in->host_arch_caps & ARCH_CAPS_DESCRIPTIVE;
	p->spec_ctrl_bits = (cpuid_policy_has(p, CF_SPEC_CTRL) ? SPEC_CTRL_IBRS : 0) |
	                    (cpuid_policy_has(p, CF_STIBP) ? SPEC_CTRL_STIBP : 0) |
	                    (cpuid_policy_has(p, CF_SSBD) ? SPEC_CTRL_SSBD : 0);
	/* The guest may own the register when it may set all the host has
	 * (Linux writes it on every kernel entry with some mitigations). */
	p->spec_ctrl_passthrough = p->spec_ctrl_bits != 0 &&
	                           p->spec_ctrl_bits == host_spec;
	p->efer_allowed = (cpuid_policy_has(p, CF_SYSCALL) ? EFER_SCE : 0) |
	                  (cpuid_policy_has(p, CF_LM) ? EFER_LME | EFER_LMA : 0) |
	                  (cpuid_policy_has(p, CF_NX) ? EFER_NXE : 0);
}

void cpuid_policy_build(const struct cpuid_inputs *in, struct cpuid_policy *p)
{
	uint32_t host7_edx;

	memset(p, 0, sizeof(*p));
	p->version = in->version;
	copy_host(in, p);
	host7_edx = p->leaf7[0][EDX];
	decide_features(in, p);
	write_flags(p);
	p->cr4_allowed |= CR4_PCE;      /* RDPMC exits: #GP for every counter */
	shape_xsave(p);
	shape_leaves(p);
	time_leaves(in, p);
	msr_values(in, host7_edx, p);
}

/* ---- the exit's side ------------------------------------------------ */

/* XSAVE area bytes for the components in mask: standard format (every
 * component at its fixed offset) or compacted (packed in order, some
 * 64-byte aligned); SDM Vol. 1 §13.4.3. */
static uint32_t xsave_bytes(const struct cpuid_policy *p, uint64_t mask,
                            bool compacted)
{
	uint32_t size = XSAVE_LEGACY_BYTES, i;

	for (i = 2; i < CPUID_XSAVE_SUBS; i++) {
		if (!((mask >> i) & 1) || !p->xsave[i][EAX])
			continue;
		if (!compacted) {
			if (p->xsave[i][EBX] + p->xsave[i][EAX] > size)
				size = p->xsave[i][EBX] + p->xsave[i][EAX];
			continue;
		}
		if (p->xsave[i][ECX] & XSAVE_ALIGN64)
			size = (size + 63) & ~63u;
		size += p->xsave[i][EAX];
	}
	return size;
}

/* One thread of one core: every level holds one logical processor and
 * its x2APIC ID is 0 (SDM Vol. 2A, CPUID leaf 0BH). */
static void topology(uint32_t sub, uint32_t r[4])
{
	uint32_t type = sub == 0 ? TOPO_SMT : sub == 1 ? TOPO_CORE : 0;

	r[EAX] = 0;
	r[EBX] = type ? 1 : 0;
	r[ECX] = (type << 8) | (sub & 0xff);
	r[EDX] = 0;
}

void cpuid_policy_lookup(const struct cpuid_policy *p, uint32_t leaf,
                         uint32_t sub, uint64_t guest_cr4,
                         uint64_t guest_xcr0, uint32_t r[4])
{
	const uint32_t *src;

	if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_LAST) {
		r[EAX] = r[EBX] = r[ECX] = r[EDX] = 0;
		if (leaf == CPUID_HV_BASE) {
			r[EAX] = CPUID_HV_VERSION;
			r[EBX] = SIG_EBX;
			r[ECX] = SIG_ECX;
			r[EDX] = SIG_EDX;
		} else if (leaf == CPUID_HV_VERSION) {
			r[EAX] = p->version;
		}
		return;
	}
	if (leaf >= CPUID_EXT_BASE && leaf <= CPUID_EXT_MAX) {
		memcpy(r, p->ext[leaf - CPUID_EXT_BASE], 4 * sizeof(r[0]));
		return;
	}
	/* Beyond the highest leaf: the highest basic leaf's data, as Intel
	 * CPUs answer (SDM Vol. 2A, CPUID). */
	if (leaf > CPUID_BASIC_MAX)
		leaf = CPUID_BASIC_MAX;
	switch (leaf) {
	case 4:
		src = sub < CPUID_LEAF4_SUBS ? p->leaf4[sub] : NULL;
		break;
	case 7:
		src = sub < CPUID_LEAF7_SUBS ? p->leaf7[sub] : NULL;
		break;
	case 0xb:
		topology(sub, r);
		return;
	case 0xd:
		src = sub < CPUID_XSAVE_SUBS ? p->xsave[sub] : NULL;
		break;
	default:
		src = p->basic[leaf];
		break;
	}
	if (!src) {
		r[EAX] = r[EBX] = r[ECX] = r[EDX] = 0;
		return;
	}
	memcpy(r, src, 4 * sizeof(r[0]));
	/* OSXSAVE and OSPKE mirror the guest's CR4, which can hold the
	 * bit only where the feature is advertised (vmx/cr.c). */
	if (leaf == 1 && (guest_cr4 & CR4_OSXSAVE) &&
	    cpuid_policy_has(p, CF_XSAVE))
		r[ECX] |= L1_ECX_OSXSAVE;
	else if (leaf == 7 && sub == 0 && (guest_cr4 & CR4_PKE) &&
	         cpuid_policy_has(p, CF_PKU))
		r[ECX] |= L7_ECX_OSPKE;
	else if (leaf == 0xd && sub <= 1 && cpuid_policy_has(p, CF_XSAVE))
		r[EBX] = xsave_bytes(p, guest_xcr0, sub == 1);
}
