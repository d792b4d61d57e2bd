/*
 * guests/cputest — what a guest sees of the CPU under BareGT
 * (docs/guests.md, "CPU behaviour"): CPUID and the MSRs and CR4/XCR0
 * bits behind it, the MSR allow-list, unknown ports, VMX instructions,
 * CR0/CR4/CR8, XSETBV, HLT, the hypercall error codes, RF in the RFLAGS
 * image of an injected fault, and the debug registers across exits.
 * The vmx-cpu case's config hides smap and avx512f (cpuid_hide) and
 * gives the VM the test device. Instruction lengths given to
 * fault_expect() are those of the encodings written in the asm
 * statements.
 */
#include "guest.h"

#define VEC_DB 1
#define VEC_UD 6
#define VEC_GP 13
#define CR0_NE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMAP (1ull << 21)
#define CR4_PCE (1ull << 8)
#define RFLAGS_RF (1ull << 16)
#define DR7_L0 0x401ull                /* bit 10 reads as 1; L0, execute */
#define DR6_INIT 0xffff0ff0ull
#define DEBUGCTL_BTF (1ull << 1)

enum { EAX, EBX, ECX, EDX };

/* Targets of instruction breakpoints: a nop that returns, and an MMIO
 * load followed by one. */
__asm__(".text\n"
        ".globl bp_nop\nbp_nop:\n\tnop\n\tret\n"
        ".globl mmio_then_nop\nmmio_then_nop:\n\tmovl (%rdi), %eax\n"
        ".globl mmio_next\nmmio_next:\n\tnop\n\tret\n");
void bp_nop(void);
uint32_t mmio_then_nop(const volatile uint32_t *p);
extern const char mmio_next[];

static uint32_t cpuid_reg(uint32_t leaf, uint32_t sub, unsigned reg)
{
	uint32_t r[4];

	cpuid(leaf, sub, r);
	return r[reg];
}

static void test_cpuid(void)
{
	uint32_t r[4];
	char sig[13];

	cpuid(1, 0, r);
	check("cpuid: hypervisor bit set", r[2] & (1u << 31));
	check("cpuid: vmx hidden", !(r[2] & (1u << 5)));
	check("cpuid: monitor hidden", !(r[2] & (1u << 3)));
	cpuid(0x40000000, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	check("cpuid 0x40000000: signature BareGTBareGT", strcmp(sig, "BareGTBareGT") == 0);
	check_eq("cpuid 0x40000000: max leaf", r[0], 0x40000001);
	cpuid(0x40000001, 0, r);
	check_eq("cpuid 0x40000001: version 0.1.0", r[0], 0x000100);
}

static void test_msrs(void)
{
	uint64_t pat;

	check_eq("rdmsr efer: lme|lma|nxe", rdmsr(0xc0000080) & 0xd00, 0xd00);
	check_eq("rdmsr feature_control: locked, vmx off", rdmsr(0x3a), 1);
	check_eq("rdmsr unknown msr: #gp", (uint64_t)rdmsr_fault(0x1234), VEC_GP);
	check_eq("wrmsr unknown msr: #gp", (uint64_t)wrmsr_fault(0x1234, 1), VEC_GP);
	pat = rdmsr(0x277);
	check_eq("rdmsr pat: power-on value", pat, 0x0007040600070406ull);
	wrmsr(0x277, 0x0007010600070106ull);
	check_eq("wrmsr pat: read back", rdmsr(0x277), 0x0007010600070106ull);
	check_eq("wrmsr pat with type 2: #gp",
	         (uint64_t)wrmsr_fault(0x277, 0x0000000000000002ull), VEC_GP);
	wrmsr(0x277, pat);
	wrmsr(0xc0000082, 0xffffffff81000000ull);
	check_eq("lstar passes through", rdmsr(0xc0000082), 0xffffffff81000000ull);
	/* SYSENTER_ESP/EIP take canonical addresses only (WRMSR #GP); a
	 * non-canonical one in the VMCS would fail the next VM entry. */
	wrmsr(0x175, 0xffff800000001000ull);
	check_eq("wrmsr sysenter_esp canonical: read back", rdmsr(0x175),
	         0xffff800000001000ull);
	check_eq("wrmsr sysenter_esp non-canonical: #gp",
	         (uint64_t)wrmsr_fault(0x175, 0x0000800000000000ull), VEC_GP);
	check_eq("wrmsr sysenter_eip non-canonical: #gp",
	         (uint64_t)wrmsr_fault(0x176, 0x8000000000000000ull), VEC_GP);
	check_eq("sysenter_esp unchanged after the #gp", rdmsr(0x175),
	         0xffff800000001000ull);
	check_eq("wrmsr efer reserved bit: #gp",
	         (uint64_t)wrmsr_fault(0xc0000080, rdmsr(0xc0000080) | (1ull << 20)),
	         VEC_GP);
}

static void test_ports(void)
{
	check_eq("unknown port inb: all ones", inb(0x2f8), 0xff);
	check_eq("unknown port inl: all ones", inl(0x2f8), 0xffffffffu);
	check_eq("uart lsr: transmitter empty", inb(0x3fd) & 0x60, 0x60);
	outb(0x3ff, 0x42);
	check_eq("uart scratch register", inb(0x3ff), 0x42);
}

static void test_vmx_insns(void)
{
	uint64_t region = 0, v = 0;

	fault_expect(4);                         /* f3 0f c7 30: vmxon (%rax) */
	__asm__ __volatile__("vmxon (%0)" : : "a"(&region) : "memory");
	check_eq("vmxon: #ud", (uint64_t)fault_taken(), VEC_UD);
	fault_expect(3);                         /* 0f 78 c3: vmread */
	__asm__ __volatile__("vmread %%rax, %%rbx" : "=b"(v) : "a"(0x681e));
	check_eq("vmread: #ud", (uint64_t)fault_taken(), VEC_UD);
	fault_expect(3);                         /* 0f 01 c8: monitor */
	__asm__ __volatile__("monitor" : : "a"(&v), "c"(0), "d"(0));
	check_eq("monitor: #ud", (uint64_t)fault_taken(), VEC_UD);
}

static void test_crs(void)
{
	uint64_t cr0, cr4, cr8 = 0, t;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	check("cr4: vmxe not visible", !(cr4 & CR4_VMXE));
	fault_expect(3);                         /* 0f 22 e0: mov %rax, %cr4 */
	__asm__ __volatile__("mov %0, %%cr4" : : "a"(cr4 | CR4_VMXE));
	check_eq("cr4: setting vmxe #gp", (uint64_t)fault_taken(), VEC_GP);
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0 & ~CR0_NE));
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(t));
	check_eq("cr0: ne cleared as the guest sees it", t, cr0 & ~CR0_NE);
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0));
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(5ull));
	__asm__ __volatile__("mov %%cr8, %0" : "=r"(cr8));
	check_eq("cr8: read back", cr8, 5);
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(0ull));
}

static void test_xsetbv(void)
{
	uint32_t r[4], lo, hi;
	uint64_t cr4;

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 26))) {
		check("xsave not offered: skipped", true);
		return;
	}
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	cpuid(1, 0, r);
	check("cpuid: osxsave follows the guest's cr4", r[2] & (1u << 27));
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"(3), "d"(0));
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	check_eq("xsetbv x87|sse: xgetbv", lo, 3);
	fault_expect(3);                         /* 0f 01 d1 */
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"(2), "d"(0));
	check_eq("xsetbv without x87: #gp", (uint64_t)fault_taken(), VEC_GP);
	/* leaf 0xD lists what XSETBV takes: avx512f is hidden, so x87 SSE
	 * AVX; the AVX-512 state (0xe0) is refused */
	cpuid(0xd, 0, r);
	check_eq("cpuid 0xd: xcr0 x87|sse|avx", r[EAX], 7);
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"(r[EAX]), "d"(r[EDX]));
	check_eq("cpuid 0xd.0 ebx follows xcr0 (avx at 0x240+0x100)",
	         cpuid_reg(0xd, 0, EBX), 0x340);
	fault_expect(3);
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"(0xe7), "d"(0));
	check_eq("xsetbv with avx-512 state (hidden): #gp",
	         (uint64_t)fault_taken(), VEC_GP);
	__asm__ __volatile__("xsetbv" : : "c"(0), "a"(3), "d"(0));
}

/* RDPMC with CR4.PCE: no virtual PMU, so every counter is #GP(0) — the
 * host's counters are never read. */
static void test_rdpmc(void)
{
	uint64_t cr4;
	uint32_t lo, hi;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_PCE));
	fault_expect(2);                         /* 0f 33 */
	__asm__ __volatile__("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0));
	check_eq("rdpmc counter 0 with cr4.pce: #gp", (uint64_t)fault_taken(), VEC_GP);
	fault_expect(2);
	__asm__ __volatile__("rdpmc" : "=a"(lo), "=d"(hi) : "c"(1u << 30));
	check_eq("rdpmc fixed counter 0 with cr4.pce: #gp", (uint64_t)fault_taken(),
	         VEC_GP);
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4));
}

static void test_misc(void)
{
	uint64_t t0 = rdtsc();

	__asm__ __volatile__("hlt");
	check("hlt: the guest goes on", rdtsc() > t0);
	__asm__ __volatile__("invd");
	check("invd: no-op", true);
	__asm__ __volatile__("wbinvd");
	check("wbinvd: exits and goes on", true);
	check_eq("hypercall nop", hypercall(HC_NOP, 0, 0), 0);
	check_eq("hypercall unknown: -1", hypercall(99, 0, 0), (uint64_t)-1);
	check_eq("hypercall result, name outside ram: -2",
	         hypercall(HC_RESULT, 0xfff00000ull, 0), (uint64_t)-2);
	check_eq("hypercall puts", hypercall(HC_PUTS, (uintptr_t)"via puts\n", 9), 0);
}

/* ---- CPUID: one CPU, the platform's time leaves ---------------------- */

static void test_cpuid_platform(void)
{
	uint32_t r[4], t[4];
	uint64_t tsc_hz, mhz_hz, diff;

	cpuid(1, 0, r);
	check_eq("cpuid 1: one logical processor", (r[EBX] >> 16) & 0xff, 1);
	check_eq("cpuid 1: initial apic id 0", r[EBX] >> 24, 0);
	check("cpuid 1: mce, mca hidden", !(r[EDX] & ((1u << 7) | (1u << 14))));
	check("cpuid 1: pdcm hidden", !(r[ECX] & (1u << 15)));
	check("cpuid 1: ht hidden", !(r[EDX] & (1u << 28)));
	check_eq("cpuid 4: one core", cpuid_reg(4, 0, EAX) >> 26, 0);
	cpuid(0xb, 0, r);
	check("cpuid 0xb: one thread, x2apic id 0",
	      r[EBX] == 1 && ((r[ECX] >> 8) & 0xff) == 1 && r[EDX] == 0);
	cpuid(0xa, 0, r);
	check("cpuid 0xa: no pmu", (r[0] | r[1] | r[2] | r[3]) == 0);
	check("cpuid 6: arat", cpuid_reg(6, 0, EAX) & (1u << 2));
	check("cpuid 7: tsc_adjust hidden", !(cpuid_reg(7, 0, EBX) & (1u << 1)));
	/* leaf 0x15: TSC = ECX * EBX / EAX; leaf 0x16 EAX: the TSC in MHz */
	cpuid(0x15, 0, r);
	cpuid(0x16, 0, t);
	check("cpuid 0x15: non-zero", r[EAX] && r[EBX] && r[ECX]);
	check("cpuid 0x16: non-zero, bus 100 mhz", t[EAX] && t[EBX] &&
	      t[ECX] == 100);
	tsc_hz = r[EAX] ? (uint64_t)r[ECX] * r[EBX] / r[EAX] : 0;
	mhz_hz = (uint64_t)t[EAX] * 1000000;
	diff = tsc_hz > mhz_hz ? tsc_hz - mhz_hz : mhz_hz - tsc_hz;
	check("cpuid 0x15 and 0x16 agree within 1%",
	      mhz_hz && diff * 100 <= mhz_hz);
	printf("cpuid 0x15: %u/%u x %u Hz, 0x16: %u MHz\n", r[EBX], r[EAX],
	       r[ECX], t[EAX]);
}

/* ---- CPUID <-> MSRs: an advertised feature's MSR reads, a hidden one's
 * raises #GP (SDM Vol. 4 Table 2-2) ------------------------------------ */

struct feature_msr {
	const char *name;
	uint32_t leaf, sub;
	unsigned reg, bit;
	uint32_t msr;
};

static const struct feature_msr feature_msrs[] = {
	{ "tsc", 1, 0, EDX, 4, 0x10 },
	{ "apic", 1, 0, EDX, 9, 0x1b },
	{ "sep", 1, 0, EDX, 11, 0x174 },
	{ "mtrr", 1, 0, EDX, 12, 0xfe },
	{ "mca", 1, 0, EDX, 14, 0x179 },
	{ "pat", 1, 0, EDX, 16, 0x277 },
	{ "dts", 1, 0, EDX, 21, 0x600 },
	{ "acpi", 1, 0, EDX, 22, 0x19c },
	{ "est", 1, 0, ECX, 7, 0x198 },
	{ "pdcm", 1, 0, ECX, 15, 0x345 },
	{ "tsc_deadline_timer", 1, 0, ECX, 24, 0x6e0 },
	{ "aperfmperf", 6, 0, ECX, 0, 0xe7 },
	{ "epb", 6, 0, ECX, 3, 0x1b0 },
	{ "tsc_adjust", 7, 0, EBX, 1, 0x3b },
	{ "mpx", 7, 0, EBX, 14, 0xd90 },
	{ "intel_pt", 7, 0, EBX, 25, 0x570 },
	{ "waitpkg", 7, 0, ECX, 5, 0xe1 },
	{ "spec_ctrl", 7, 0, EDX, 26, 0x48 },
	{ "arch_capabilities", 7, 0, EDX, 29, 0x10a },
	{ "core_capabilities", 7, 0, EDX, 30, 0xcf },
	{ "xsaves", 0xd, 1, EAX, 3, 0xda0 },
	{ "xfd", 0xd, 1, EAX, 4, 0x1c4 },
	{ "syscall", 0x80000001, 0, EDX, 11, 0xc0000081 },
	{ "rdtscp", 0x80000001, 0, EDX, 27, 0xc0000103 },
	{ "lm", 0x80000001, 0, EDX, 29, 0xc0000102 },
};

static void test_cpuid_msrs(void)
{
	char name[96];
	unsigned i;

	for (i = 0; i < sizeof feature_msrs / sizeof feature_msrs[0]; i++) {
		const struct feature_msr *f = &feature_msrs[i];
		bool has = (cpuid_reg(f->leaf, f->sub, f->reg) >> f->bit) & 1;
		int v = rdmsr_fault(f->msr);

		snprintf(name, sizeof name, "cpuid/msr: %s %s, rdmsr %#x: %s",
		         f->name, has ? "advertised" : "hidden", f->msr,
		         has ? "reads" : "#gp");
		check(name, has ? v == -1 : v == VEC_GP);
	}
	check_eq("wrmsr tsc_adjust: #gp", (uint64_t)wrmsr_fault(0x3b, 0), VEC_GP);
}

/* ---- IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2) -------------------------- */

static void test_misc_enable(void)
{
	uint64_t v = rdmsr(0x1a0);

	/* fast strings (0), BTS (11) and PEBS (12) unavailable; no PMU (7),
	 * EIST (16), MONITOR (18), CPUID limit (22) */
	check_eq("misc_enable: fast strings, no bts, no pebs", v, 0x1801);
	wrmsr(0x1a0, v & ~1ull);
	check_eq("misc_enable: fast strings off kept", rdmsr(0x1a0), v & ~1ull);
	wrmsr(0x1a0, v);
	check_eq("misc_enable: fast strings on again", rdmsr(0x1a0), v);
	check_eq("misc_enable: setting limit-cpuid (22) #gp",
	         (uint64_t)wrmsr_fault(0x1a0, v | (1ull << 22)), VEC_GP);
	check_eq("misc_enable: setting monitor (18) #gp",
	         (uint64_t)wrmsr_fault(0x1a0, v | (1ull << 18)), VEC_GP);
	check_eq("misc_enable: clearing bts-unavailable (11) #gp",
	         (uint64_t)wrmsr_fault(0x1a0, v & ~(1ull << 11)), VEC_GP);
	check_eq("misc_enable: unchanged after the #gp", rdmsr(0x1a0), v);
}

/* ---- what the config hides: smap, avx512f ---------------------------- */

static void test_config_hides(void)
{
	uint32_t b = cpuid_reg(7, 0, EBX);
	uint64_t cr4;

	check("cpuid 7: smap hidden by the config", !(b & (1u << 20)));
	check("cpuid 7: avx512f and its family hidden by the config",
	      !(b & ((1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) |
	             (1u << 31))));
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	fault_expect(3);                         /* 0f 22 e0: mov %rax, %cr4 */
	__asm__ __volatile__("mov %0, %%cr4" : : "a"(cr4 | CR4_SMAP));
	check_eq("cr4: setting smap (hidden) #gp", (uint64_t)fault_taken(), VEC_GP);
	fault_expect(3);
	__asm__ __volatile__("mov %0, %%cr4" : : "a"(cr4 | CR4_MCE));
	check_eq("cr4: setting mce (hidden) #gp", (uint64_t)fault_taken(), VEC_GP);
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	check("cr4: smap and mce still clear", !(cr4 & (CR4_SMAP | CR4_MCE)));
}

/* ---- RF in the RFLAGS image of an injected fault (SDM Vol. 3B
 * §18.3.1.1) ----------------------------------------------------------- */

static void test_rf(void)
{
	uint64_t v = 0;

	check_eq("rdmsr unknown msr: #gp again", (uint64_t)rdmsr_fault(0x1234),
	         VEC_GP);
	check("injected #gp: rf set in the pushed rflags",
	      fault_last()->rflags & RFLAGS_RF);
	fault_expect(3);                         /* 0f 78 c3: vmread */
	__asm__ __volatile__("vmread %%rax, %%rbx" : "=b"(v) : "a"(0x681e));
	check("injected #ud: rf set in the pushed rflags",
	      fault_taken() == VEC_UD && (fault_last()->rflags & RFLAGS_RF));
	/* the CPU's own #GP, for comparison: a non-canonical load */
	fault_expect(4);                         /* 48 8b 00: mov (%rax),%rax */
	__asm__ __volatile__("mov (%1), %0\n\tnop" : "=a"(v)
	                     : "a"(0x8000000000000000ull));
	check("native #gp: rf set in the pushed rflags",
	      fault_taken() == VEC_GP && (fault_last()->rflags & RFLAGS_RF));
}

/* ---- debug registers across exits ------------------------------------ */

static void test_debug_registers(void)
{
	uint32_t r[4];
	uint64_t dbg;

	dr6_write(DR6_INIT);
	dr0_write((uintptr_t)bp_nop);
	dr7_write(DR7_L0);
	cpuid(0, 0, r);                          /* exits */
	hypercall(HC_NOP, 0, 0);                 /* exits */
	check_eq("dr7 kept across exits", dr7_read(), DR7_L0);
	check_eq("dr0 kept across exits", dr0_read(), (uintptr_t)bp_nop);
	/* the breakpoint still fires after the exits */
	fault_expect(1);                         /* 90: nop */
	bp_nop();
	check_eq("instruction breakpoint after exits: #db",
	         (uint64_t)fault_taken(), VEC_DB);
	check("instruction breakpoint: dr6.b0", dr6_read() & 1);
	/* an emulated MMIO load completes its instruction: RF must not stay
	 * set, or the next instruction's breakpoint is missed */
	dr6_write(DR6_INIT);
	dr0_write((uintptr_t)mmio_next);
	fault_expect(1);
	mmio_then_nop((const volatile uint32_t *)TESTDEV_GPA);
	check_eq("breakpoint right after an emulated mmio load: #db",
	         (uint64_t)fault_taken(), VEC_DB);
	dr7_write(0x400);
	dr6_write(DR6_INIT);
	/* IA32_DEBUGCTL: the VMCS keeps it; BTF only */
	wrmsr(0x1d9, DEBUGCTL_BTF);
	hypercall(HC_NOP, 0, 0);
	dbg = rdmsr(0x1d9);
	wrmsr(0x1d9, 0);
	check_eq("debugctl.btf kept across exits", dbg, DEBUGCTL_BTF);
	check_eq("debugctl.lbr (no lbr msrs): #gp",
	         (uint64_t)wrmsr_fault(0x1d9, 1), VEC_GP);
}

int guest_main(const char *cmdline)
{
	(void)cmdline;
	test_cpuid();
	test_cpuid_platform();
	test_cpuid_msrs();
	test_msrs();
	test_misc_enable();
	test_config_hides();
	test_rf();
	test_debug_registers();
	test_ports();
	test_vmx_insns();
	test_crs();
	test_xsetbv();
	test_rdpmc();
	test_misc();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
