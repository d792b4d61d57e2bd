/*
 * guests/cputest — what a guest sees of the CPU under BareGT
 * (docs/guests.md, "CPU behaviour"): CPUID, the MSR allow-list, unknown
 * ports, VMX instructions, CR0/CR4/CR8, XSETBV, HLT and the hypercall
 * error codes. Instruction lengths given to fault_expect() are those of
 * the encodings written in the asm statements.
 */
#include "guest.h"

#define VEC_UD 6
#define VEC_GP 13
#define CR0_NE (1ull << 5)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PCE (1ull << 8)

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	                     "d"((uint32_t)(v >> 32)));
}

static int rdmsr_fault(uint32_t msr)
{
	fault_expect(2);                         /* 0f 32 */
	rdmsr(msr);
	return fault_taken();
}

static int wrmsr_fault(uint32_t msr, uint64_t v)
{
	fault_expect(2);                         /* 0f 30 */
	wrmsr(msr, v);
	return fault_taken();
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
	__asm__ __volatile__("vmxon (%0)" : : "r"(&region) : "memory");
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

int guest_main(const char *cmdline)
{
	(void)cmdline;
	test_cpuid();
	test_msrs();
	test_ports();
	test_vmx_insns();
	test_crs();
	test_xsetbv();
	test_rdpmc();
	test_misc();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
