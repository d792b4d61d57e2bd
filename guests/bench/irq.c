/*
 * guests/bench/irq.c — interrupt round trips through the virtual local
 * APIC (docs/platform.md, "Interrupts"), for `make bench`: the source
 * is armed with interrupts on, BareGT accepts the interrupt on the exit
 * that armed it and injects it on the next VM entry; the handler takes
 * the TSC on entry, writes EOI (a trapped MMIO write) and takes the TSC
 * again. Three sources: the timer in one-shot mode with the smallest
 * count (TMICT 1, divide by 1), the timer in TSC-deadline mode with a
 * deadline already past (WRMSR IA32_TSC_DEADLINE), and a self-IPI (ICR
 * with the "self" shorthand). Each figure is the mean over RUNS rounds,
 * less the cost of the RDTSC pair. Register offsets and bits: SDM Vol.
 * 3A chapter 11 (§11.4.1 xAPIC page, §11.5.4 timer, §11.6.1 ICR, §11.8.5
 * EOI).
 */
#include "guest.h"
#include "bench.h"

#define RUNS           64
#define LAPIC          0xfee00000ul
#define APIC_EOI       0xb0
#define APIC_SVR       0xf0
#define APIC_ICR_LO    0x300
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT     0x380
#define APIC_TDCR      0x3e0
#define SVR_ENABLE     (1u << 8)
#define TDCR_DIV1      0xbu          /* divide by 1 (§11.5.4, Figure 11-10) */
#define LVT_MASKED     (1u << 16)
#define LVT_TSC_DL     (2u << 17)    /* timer mode 10b: TSC-deadline */
#define ICR_SELF       (1u << 18)    /* destination shorthand 01b */
#define MSR_TSC_DEADLINE 0x6e0
#define CPUID1_ECX_TSC_DL (1u << 24)
#define VEC_BENCH      0xe0
#define WAIT_LIMIT     10000000ull   /* TSC ticks to wait for a late interrupt */

/* Written by the handler: the TSC at its entry and after its EOI. */
volatile uint64_t bench_irq_entry_tsc, bench_irq_eoi_tsc;
void bench_irq_isr(void);

/*
 * The handler, as short as an interrupt handler can be: no C, no saving
 * of what it does not touch. EOI's address fits a zero-extended 32-bit
 * immediate (a 32-bit displacement would be sign-extended).
 */
__asm__(
	"	.text\n"
	"	.globl bench_irq_isr\n"
	"	.balign 16\n"
	"bench_irq_isr:\n"
	"	pushq %rax\n"
	"	pushq %rdx\n"
	"	rdtsc\n"
	"	shlq $32, %rdx\n"
	"	orq %rdx, %rax\n"
	"	movq %rax, bench_irq_entry_tsc(%rip)\n"
	"	movl $0xfee000b0, %edx\n"
	"	movl $0, (%rdx)\n"
	"	rdtsc\n"
	"	shlq $32, %rdx\n"
	"	orq %rdx, %rax\n"
	"	movq %rax, bench_irq_eoi_tsc(%rip)\n"
	"	popq %rdx\n"
	"	popq %rax\n"
	"	iretq\n");

static void apic_wr(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
}

static void msr_write(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	                     "d"((uint32_t)(v >> 32)) : "memory");
}

enum source { SRC_ONESHOT, SRC_TSC_DEADLINE, SRC_SELF_IPI };

/* Arm the source; the interrupt comes on the entry after this exit. */
static void arm(enum source s)
{
	switch (s) {
	case SRC_ONESHOT:
		apic_wr(APIC_TMICT, 1);
		break;
	case SRC_TSC_DEADLINE:
		msr_write(MSR_TSC_DEADLINE, 1);     /* long past: due at once */
		break;
	case SRC_SELF_IPI:
		apic_wr(APIC_ICR_LO, ICR_SELF | VEC_BENCH);
		break;
	}
}

/* RUNS rounds of one source; prints arm -> handler entry, arm -> after
 * the EOI, arm -> back in the interrupted code, and the EOI alone. */
static void round_trips(const char *name, enum source s, uint64_t base)
{
	uint64_t entry = 0, eoi = 0, back = 0;
	unsigned i;

	for (i = 0; i < RUNS; i++) {
		uint64_t t0, t1;

		bench_irq_entry_tsc = 0;
		__asm__ __volatile__("sti" ::: "memory");
		t0 = rdtsc();
		arm(s);
		while (!bench_irq_entry_tsc && rdtsc() - t0 < WAIT_LIMIT)
			__asm__ __volatile__("pause");
		t1 = rdtsc();
		__asm__ __volatile__("cli" ::: "memory");
		if (!bench_irq_entry_tsc) {
			printf("bench: %s: no interrupt within %llu ticks\n", name,
			       (unsigned long long)WAIT_LIMIT);
			return;
		}
		entry += bench_irq_entry_tsc - t0;
		eoi += bench_irq_eoi_tsc - t0;
		back += t1 - t0;
	}
	printf("bench: %s to handler %llu\n", name,
	       (unsigned long long)(entry / RUNS - base));
	printf("bench: %s to after eoi %llu\n", name,
	       (unsigned long long)(eoi / RUNS - base));
	printf("bench: %s round trip %llu\n", name,
	       (unsigned long long)(back / RUNS - base));
	printf("bench: %s eoi %llu\n", name,
	       (unsigned long long)((eoi - entry) / RUNS - base));
}

void bench_interrupts(uint64_t base)
{
	uint32_t r[4];

	idt_set_gate(VEC_BENCH, (uintptr_t)bench_irq_isr, 0);
	apic_wr(APIC_SVR, SVR_ENABLE | 0xff);
	apic_wr(APIC_TDCR, TDCR_DIV1);
	apic_wr(APIC_LVT_TIMER, VEC_BENCH);            /* one-shot */
	round_trips("lapic timer one-shot", SRC_ONESHOT, base);
	cpuid(1, 0, r);
	if (r[2] & CPUID1_ECX_TSC_DL) {
		apic_wr(APIC_LVT_TIMER, LVT_TSC_DL | VEC_BENCH);
		round_trips("lapic timer tsc-deadline", SRC_TSC_DEADLINE, base);
	} else {
		printf("bench: no TSC-deadline timer in CPUID\n");
	}
	apic_wr(APIC_LVT_TIMER, LVT_MASKED | VEC_BENCH);
	round_trips("self-ipi", SRC_SELF_IPI, base);
}
