/*
 * guests/apictest — the local APIC as a guest sees it (docs/platform.md,
 * "Interrupts", "Time"): IA32_APIC_BASE and its mode switches, the
 * software enable, self-IPIs and their priority order, TPR and CR8
 * masking, ESR, EOI with nothing in service, IPIs to APIC IDs that do
 * not exist, and the timer in one-shot, periodic and TSC-deadline modes,
 * each waited for with STI; HLT (the vCPU sleeps until the interrupt).
 * Register offsets and bits: SDM Vol. 3A chapter 11.
 */
#include "guest.h"

#define LAPIC        0xfee00000ul
#define APIC_ID      0x20
#define APIC_VER     0x30
#define APIC_TPR     0x80
#define APIC_EOI     0xb0
#define APIC_SVR     0xf0
#define APIC_IRR     0x200
#define APIC_ESR     0x280
#define APIC_ICR_LO  0x300
#define APIC_ICR_HI  0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT   0x380
#define APIC_TMCCT   0x390
#define APIC_TDCR    0x3e0

#define MSR_APIC_BASE    0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define ICR_SELF     (1u << 18)
#define LVT_MASKED   (1u << 16)
#define VEC_GP       13

static volatile bool x2mode;

static uint32_t apic_rd(unsigned off)
{
	return *(volatile uint32_t *)(LAPIC + off);
}

static void apic_wr(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
}

static void eoi(unsigned vector)
{
	(void)vector;
	if (x2mode)
		wrmsr(0x80b, 0);
	else
		apic_wr(APIC_EOI, 0);
}

static void self_ipi(uint8_t vector)
{
	apic_wr(APIC_ICR_LO, ICR_SELF | vector);
}

/* Let pending interrupts in for a moment. */
static void window(void)
{
	__asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
}

/* STI; HLT until vector has come count times or ~limit TSC ticks pass. */
static bool wait_for(unsigned vector, unsigned count, uint64_t limit)
{
	uint64_t t0 = rdtsc();

	while (irq_count[vector] < count && rdtsc() - t0 < limit)
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	return irq_count[vector] >= count;
}

static void test_base_and_ids(void)
{
	check_eq("apic_base: 0xfee00000, enabled, BSP", rdmsr(MSR_APIC_BASE),
	         0xfee00900ull);
	check_eq("apic id 0", apic_rd(APIC_ID), 0);
	check_eq("apic version 0x15, 7 LVTs", apic_rd(APIC_VER), 0x00060015);
	check_eq("svr after reset", apic_rd(APIC_SVR), 0xff);
	check_eq("timer lvt masked after reset", apic_rd(APIC_LVT_TIMER), LVT_MASKED);
}

static void test_self_ipi(void)
{
	irq_forget();
	self_ipi(0x40);                         /* software-disabled: dropped */
	window();
	check_eq("self-ipi while software-disabled: dropped", irq_count[0x40], 0);
	apic_wr(APIC_SVR, 0x1ff);
	self_ipi(0x41);
	window();
	check_eq("self-ipi delivered once", irq_count[0x41], 1);
	/* The priority order: highest vector first. */
	irq_forget();
	self_ipi(0x40);
	self_ipi(0x90);
	self_ipi(0x60);
	window();
	check_eq("three self-ipis delivered", irq_nlog, 3);
	check("priority order 0x90, 0x60, 0x40",
	      irq_log[0] == 0x90 && irq_log[1] == 0x60 && irq_log[2] == 0x40);
}

static void test_tpr(void)
{
	uint64_t cr8;

	irq_forget();
	apic_wr(APIC_TPR, 0x50);
	self_ipi(0x45);
	window();
	check_eq("tpr 0x50 holds back vector 0x45", irq_count[0x45], 0);
	check("vector 0x45 waits in irr", apic_rd(APIC_IRR + 0x20) & (1u << 5));
	apic_wr(APIC_TPR, 0);
	window();
	check_eq("tpr 0 lets it in", irq_count[0x45], 1);
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(7ull));
	check_eq("cr8 7 is tpr 0x70", apic_rd(APIC_TPR), 0x70);
	apic_wr(APIC_TPR, 0x30);
	__asm__ __volatile__("mov %%cr8, %0" : "=r"(cr8));
	check_eq("tpr 0x30 is cr8 3", cr8, 3);
	apic_wr(APIC_TPR, 0);
}

static void test_errors(void)
{
	irq_forget();
	apic_wr(APIC_ESR, 0);
	self_ipi(5);                            /* vectors 0-15 are illegal */
	apic_wr(APIC_ESR, 0);
	check_eq("self-ipi vector 5: esr send illegal vector", apic_rd(APIC_ESR),
	         1u << 5);
	apic_wr(APIC_ESR, 0);
	check_eq("esr cleared by a write", apic_rd(APIC_ESR), 0);
	apic_wr(APIC_EOI, 0);                   /* nothing in service */
	apic_wr(APIC_EOI, 0);
	check("eoi with nothing in service is harmless", true);
	apic_wr(APIC_ICR_HI, 3u << 24);         /* APIC 3 does not exist */
	apic_wr(APIC_ICR_LO, 0x42);
	apic_wr(APIC_ICR_HI, 0);
	window();
	check_eq("ipi to apic 3 not delivered here", irq_count[0x42], 0);
	check_eq("icr never busy", apic_rd(APIC_ICR_LO) & (1u << 12), 0);
}

static void test_timer(void)
{
	uint64_t t0, dt;

	irq_forget();
	apic_wr(APIC_TDCR, 0xb);                /* divide by 1 */
	apic_wr(APIC_LVT_TIMER, 0x50);          /* one-shot */
	t0 = rdtsc();
	apic_wr(APIC_TMICT, 200000);
	check("one-shot: counting down", apic_rd(APIC_TMCCT) <= 200000);
	check("one-shot: fires, hlt wakes", wait_for(0x50, 1, 50000000));
	dt = rdtsc() - t0;
	check("one-shot: not before its count (counter = tsc rate)", dt >= 200000);
	check_eq("one-shot: current count 0 after", apic_rd(APIC_TMCCT), 0);
	check_eq("one-shot: fired once", irq_count[0x50], 1);

	apic_wr(APIC_LVT_TIMER, 0x20051);       /* periodic */
	t0 = rdtsc();
	apic_wr(APIC_TMICT, 100000);
	check("periodic: three expiries", wait_for(0x51, 3, 100000000));
	dt = rdtsc() - t0;
	check("periodic: three periods took at least 300000 ticks", dt >= 300000);
	apic_wr(APIC_LVT_TIMER, LVT_MASKED | 0x51);
	apic_wr(APIC_TMICT, 0);
}

static void test_tsc_deadline(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 24))) {
		printf("apictest: no TSC-deadline timer in CPUID; skipped\n");
		return;
	}
	irq_forget();
	apic_wr(APIC_LVT_TIMER, 0x40052);       /* TSC-deadline mode */
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 150000);
	check("tsc-deadline: armed", rdmsr(MSR_TSC_DEADLINE) != 0);
	check("tsc-deadline: fires, hlt wakes", wait_for(0x52, 1, 50000000));
	check_eq("tsc-deadline: msr reads 0 after", rdmsr(MSR_TSC_DEADLINE), 0);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 100000000);
	wrmsr(MSR_TSC_DEADLINE, 0);           /* disarmed */
	apic_wr(APIC_LVT_TIMER, LVT_MASKED);
}

static void test_x2apic(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 21))) {
		printf("apictest: no x2APIC in CPUID; skipped\n");
		return;
	}
	irq_forget();
	wrmsr(MSR_APIC_BASE, 0xfee00000ull | (1u << 11) | (1u << 10));
	x2mode = true;
	check_eq("x2apic: id msr", rdmsr(0x802), 0);
	check_eq("x2apic: ldr cluster 0 bit 0", rdmsr(0x80d), 1);
	check_eq("x2apic: write to the id: #gp", (uint64_t)wrmsr_fault(0x802, 1),
	         VEC_GP);
	wrmsr(0x83f, 0x43);                  /* SELF IPI */
	window();
	check_eq("x2apic: self ipi msr delivers", irq_count[0x43], 1);
	check_eq("x2apic: back to xapic directly: #gp",
	         (uint64_t)wrmsr_fault(MSR_APIC_BASE, 0xfee00000ull | (1u << 11)),
	         VEC_GP);
	wrmsr(MSR_APIC_BASE, 0xfee00000ull);  /* disabled */
	x2mode = false;
	check_eq("disabled: apic_base en clear", rdmsr(MSR_APIC_BASE), 0xfee00100ull);
	check_eq("disabled -> x2apic: #gp",
	         (uint64_t)wrmsr_fault(MSR_APIC_BASE,
	                                   0xfee00000ull | (1u << 11) | (1u << 10)),
	         VEC_GP);
	wrmsr(MSR_APIC_BASE, 0xfee00000ull | (1u << 11));
	check_eq("re-enabled: registers at reset (svr)", apic_rd(APIC_SVR), 0xff);
	apic_wr(APIC_SVR, 0x1ff);
	self_ipi(0x44);
	window();
	check_eq("re-enabled: self-ipi works again", irq_count[0x44], 1);
}

int guest_main(const char *cmdline)
{
	(void)cmdline;
	printf("%s: local APIC checks\n", guest_name);
	irq_install();
	irq_hook = eoi;
	test_base_and_ids();
	test_self_ipi();
	test_tpr();
	test_errors();
	test_timer();
	test_tsc_deadline();
	test_x2apic();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
