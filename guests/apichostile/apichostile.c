/*
 * guests/apichostile — a guest that programs hostile interrupt-controller
 * state (docs/platform.md, "Interrupts"; docs/testing.md, case
 * vmx-apic-hostile) and checks that BareGT contains it: vectors 0-15 in
 * the ICR, the LVTs and IOAPIC entries; IPIs of every delivery mode to
 * APIC IDs that do not exist, logical and broadcast; IOAPIC register
 * indices beyond pin 23 and its read-only registers; writes to read-only
 * and reserved local APIC registers; EOIs with nothing in service;
 * interrupt storms (a self-IPI chain, the periodic timer at its minimum
 * period, a level-triggered pin whose source stays asserted, with and
 * without EOI); IA32_APIC_BASE with reserved bits, bases that collide
 * with other devices, disable and re-enable; x2APIC MSRs in xAPIC mode;
 * reserved timer divide values and modes; a TSC deadline in the past.
 * It runs beside ordinary VMs, and during each storm it measures the
 * gaps in its own time: BareGT taking the CPU away to run them.
 *
 * cmdline: "slice_us=N" (the config's time_slice; default 2000),
 * "storm_ms=N" (how long each storm lasts; default 40).
 *
 * Register offsets and bits: SDM Vol. 3A chapter 11 (Table 11-1 the
 * xAPIC page, §11.5.3 ESR, §11.6.1 ICR, §11.12 x2APIC); IOAPIC:
 * 82093AA data sheet §3.1-3.2 and the ICH EOI register; RTC: MC146818.
 */
#include "guest.h"

#define LAPIC          0xfee00000ul
#define APIC_ID        0x20
#define APIC_VER       0x30
#define APIC_TPR       0x80
#define APIC_PPR       0xa0
#define APIC_EOI       0xb0
#define APIC_LDR       0xd0
#define APIC_DFR       0xe0
#define APIC_SVR       0xf0
#define APIC_ISR       0x100
#define APIC_TMR       0x180
#define APIC_IRR       0x200
#define APIC_ESR       0x280
#define APIC_ICR_LO    0x300
#define APIC_ICR_HI    0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT     0x380
#define APIC_TMCCT     0x390
#define APIC_TDCR      0x3e0

#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)
#define ESR_ILLEGAL_REG  (1u << 7)

#define ICR_FIXED      (0u << 8)
#define ICR_SMI        (2u << 8)
#define ICR_NMI        (4u << 8)
#define ICR_INIT       (5u << 8)
#define ICR_SIPI       (6u << 8)
#define ICR_EXTINT     (7u << 8)
#define ICR_LOGICAL    (1u << 11)
#define ICR_BUSY       (1u << 12)
#define ICR_ASSERT     (1u << 14)
#define ICR_LEVEL      (1u << 15)
#define ICR_SELF       (1u << 18)
#define ICR_ALL        (2u << 18)
#define ICR_OTHERS     (3u << 18)

#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)

#define IOAPIC         0xfec00000ul
#define IOAPIC_SEL     0x00
#define IOAPIC_WIN     0x10
#define IOAPIC_EOI     0x40
#define RTE_REMOTE_IRR (1u << 14)
#define RTE_LEVEL      (1u << 15)
#define RTE_MASKED     (1u << 16)
#define PIN_RTC        8

#define MSR_APIC_BASE    0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define BASE_BSP       (1ull << 8)
#define BASE_EXTD      (1ull << 10)
#define BASE_EN        (1ull << 11)
#define BASE_XAPIC     (0xfee00000ull | BASE_EN | BASE_BSP)
#define RAM_PAGE       0xc00000ul        /* 12 MiB: free RAM of a 16 MiB VM */

#define VEC_NMI        2
#define VEC_GP         13

/* Vectors the tests use: each class (bits 7:4) above the one before. */
#define V_PLAIN        0x41
#define V_LOW          0x55
#define V_LEVEL        0x61
#define V_HIGH         0x70
#define V_STORM        0x80
#define V_TIMER        0x81

static uint64_t tsc_hz, slice_ticks, storm_ticks;
static unsigned maxphyaddr;

/* ---- vectors 0-31 as interrupts, and NMIs ---------------------------------
 * While an illegal vector is in play, vectors 0-31 get gates that count
 * an *interrupt* (no error code) instead of the runtime's exception
 * handlers: an illegal vector that got through would be counted here.
 * NMIs (IPIs with the NMI delivery mode reach this CPU too) are counted
 * by a gate of their own. */
volatile unsigned exc_irq_count[32];
volatile unsigned nmi_count;
extern const char exc_irq_stubs[], nmi_stub[];

__asm__(
	".text\n"
	".balign 16\n"
	"exc_irq_stubs:\n"
	".set exc_v, 0\n"
	".rept 32\n"
	".balign 16\n"
	"pushq $exc_v\n"
	"jmp exc_irq_common\n"
	".set exc_v, exc_v + 1\n"
	".endr\n"
	"exc_irq_common:\n"
	"pushq %rax\n"
	"movq 8(%rsp), %rax\n"
	"lock incl exc_irq_count(,%rax,4)\n"
	"popq %rax\n"
	"addq $8, %rsp\n"
	"iretq\n"
	"nmi_stub:\n"
	"lock incl nmi_count(%rip)\n"
	"iretq\n");

static void exc_catch(bool on)
{
	unsigned v;

	if (!on) {
		idt_install();              /* the runtime's exception gates */
		idt_set_gate(VEC_NMI, (uintptr_t)nmi_stub, 0);
		return;
	}
	for (v = 0; v < 32; v++)
		exc_irq_count[v] = 0;
	for (v = 0; v < 32; v++)
		if (v != VEC_NMI)
			idt_set_gate(v, (uintptr_t)(exc_irq_stubs + v * 16), 0);
}

static unsigned exc_irqs(void)
{
	unsigned v, n = 0;

	for (v = 0; v < 32; v++)
		n += exc_irq_count[v];
	return n;
}

/* ---- registers ------------------------------------------------------------ */

static uint64_t msr_read(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void msr_write(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	                     "d"((uint32_t)(v >> 32)) : "memory");
}

static int msr_write_fault(uint32_t msr, uint64_t v)
{
	fault_expect(2);                          /* 0f 30 */
	msr_write(msr, v);
	return fault_taken();
}

static int msr_read_fault(uint32_t msr)
{
	fault_expect(2);                          /* 0f 32 */
	(void)msr_read(msr);
	return fault_taken();
}

static uint32_t mmio_rd(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void mmio_wr(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint32_t apic_rd(unsigned off)
{
	return mmio_rd(LAPIC + off);
}

static void apic_wr(unsigned off, uint32_t v)
{
	mmio_wr(LAPIC + off, v);
}

/* The errors since the last read (a write latches ESR, §11.5.3). */
static uint32_t esr(void)
{
	apic_wr(APIC_ESR, 0);
	return apic_rd(APIC_ESR);
}

static void icr(uint8_t dest, uint32_t lo)
{
	apic_wr(APIC_ICR_HI, (uint32_t)dest << 24);
	apic_wr(APIC_ICR_LO, lo);
}

static bool icr_idle(void)
{
	return !(apic_rd(APIC_ICR_LO) & ICR_BUSY);
}

static bool apic_bit(unsigned base, unsigned vector)
{
	return (apic_rd(base + (vector >> 5) * 0x10) >> (vector & 31)) & 1;
}

static uint32_t ioapic_rd(uint8_t index)
{
	mmio_wr(IOAPIC + IOAPIC_SEL, index);
	return mmio_rd(IOAPIC + IOAPIC_WIN);
}

static void ioapic_wr(uint8_t index, uint32_t v)
{
	mmio_wr(IOAPIC + IOAPIC_SEL, index);
	mmio_wr(IOAPIC + IOAPIC_WIN, v);
}

static void rte_set(unsigned pin, uint32_t lo, uint8_t dest)
{
	ioapic_wr((uint8_t)(0x10 + 2 * pin), RTE_MASKED);
	ioapic_wr((uint8_t)(0x11 + 2 * pin), (uint32_t)dest << 24);
	ioapic_wr((uint8_t)(0x10 + 2 * pin), lo);
}

static uint8_t cmos_rd(uint8_t r)
{
	outb(0x70, r);
	return inb(0x71);
}

static void cmos_wr(uint8_t r, uint8_t v)
{
	outb(0x70, r);
	outb(0x71, v);
}

/* RTC periodic interrupt on (rate 6: 1024 Hz) or off; register C read
 * (IRQF and the line drop). */
static void rtc_periodic(bool on)
{
	cmos_wr(0x0a, 0x26);
	cmos_wr(0x0b, (uint8_t)((cmos_rd(0x0b) & ~0x40) | (on ? 0x40 : 0)));
	(void)cmos_rd(0x0c);
}

/* Let pending interrupts in for a moment. */
static void window(void)
{
	__asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
}

/* Interrupts on for ticks TSC ticks (busy: no HLT). */
static void open_for(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	__asm__ __volatile__("sti" ::: "memory");
	while (rdtsc() - t0 < ticks)
		__asm__ __volatile__("pause" ::: "memory");
	__asm__ __volatile__("cli" ::: "memory");
}

/* ---- the interrupt hook ----------------------------------------------------
 * Ordinary vectors are EOIed; the storms' vectors have their own rules.
 * Every interrupt of a storm also measures the gap since the one before:
 * a gap longer than 3/4 of a time slice is time the CPU spent elsewhere. */
enum storm { STORM_NONE, STORM_SELF_IPI, STORM_TIMER, STORM_LEVEL };

static volatile enum storm storm;
static volatile bool storm_on, no_eoi_level;
static volatile uint64_t storm_t0, storm_last, storm_n, storm_gaps;
static volatile uint64_t storm_max;
static volatile bool x2mode;

static void eoi(void)
{
	if (x2mode)
		msr_write(0x80b, 0);
	else
		apic_wr(APIC_EOI, 0);
}

static void storm_gap(void)
{
	uint64_t t = rdtsc();

	if (storm_last && t - storm_last > slice_ticks * 3 / 4)
		storm_gaps++;
	storm_last = t;
	storm_n++;
}

static void hook(unsigned vector)
{
	if (vector == V_STORM && storm == STORM_SELF_IPI) {
		storm_gap();
		eoi();
		if (rdtsc() - storm_t0 < storm_ticks)
			apic_wr(APIC_ICR_LO, ICR_SELF | V_STORM);   /* the next one */
		else
			storm_on = false;
		return;
	}
	if (vector == V_TIMER && storm == STORM_TIMER) {
		storm_gap();
		eoi();
		/* A safety net: should the main line never run again, the
		 * storm still ends. */
		if (rdtsc() - storm_t0 > 2 * storm_ticks)
			apic_wr(APIC_LVT_TIMER, LVT_MASKED | V_TIMER);
		return;
	}
	if (vector == V_LEVEL) {
		if (storm == STORM_LEVEL) {
			storm_gap();
			if (storm_n >= storm_max) {
				(void)cmos_rd(0x0c);   /* the source lets go */
				storm_on = false;
			}
		}
		if (no_eoi_level)
			return;
	}
	eoi();
}

/* ---- the attacks ------------------------------------------------------------ */

static void test_illegal_vectors(void)
{
	unsigned v, bad_esr = 0, busy = 0;
	uint32_t e;

	irq_forget();
	exc_catch(true);
	(void)esr();
	for (v = 0; v < 16; v++) {
		icr(0, ICR_SELF | v);
		e = esr();
		bad_esr += e != ESR_SEND_ILLEGAL;
		icr(0, ICR_FIXED | v);              /* physical, to itself */
		e = esr();
		bad_esr += e != ESR_SEND_ILLEGAL;
		busy += !icr_idle();
		window();
	}
	check_eq("icr vectors 0-15 (self and to apic 0): esr send illegal each time",
	         bad_esr, 0);
	check_eq("icr vectors 0-15: icr idle", busy, 0);

	/* The timer with vector 5: each expiry is a receive error. */
	apic_wr(APIC_TDCR, 0xb);
	apic_wr(APIC_LVT_TIMER, 5);
	apic_wr(APIC_TMICT, 1000);
	open_for(200000);
	check_eq("lvt timer vector 5: esr receive illegal", esr(), ESR_RECV_ILLEGAL);
	check_eq("lvt timer vector 5: tmcct 0 after the expiry",
	         apic_rd(APIC_TMCCT), 0);

	/* The error LVT itself with vector 7: an error latches, nothing
	 * is raised, nothing loops. */
	apic_wr(APIC_LVT_ERROR, 7);
	icr(0, ICR_SELF | 3);
	window();
	check_eq("lvt error vector 7: send and receive illegal latched", esr(),
	         ESR_SEND_ILLEGAL | ESR_RECV_ILLEGAL);
	apic_wr(APIC_LVT_ERROR, LVT_MASKED);

	/* An IOAPIC entry with vector 9 on the RTC's pin, edge. */
	rte_set(PIN_RTC, 9, 0);
	rtc_periodic(true);
	open_for(300000);                        /* longer than 1/1024 s */
	rtc_periodic(false);
	rte_set(PIN_RTC, RTE_MASKED, 0);
	check("ioapic entry vector 9: esr receive illegal",
	      esr() & ESR_RECV_ILLEGAL);
	check_eq("no interrupt with a vector 0-31 arrived", exc_irqs(), 0);
	check_eq("nothing in the irr below 32",
	         apic_rd(APIC_IRR) | apic_rd(APIC_ISR), 0);
	exc_catch(false);

	icr(0, ICR_SELF | V_PLAIN);
	window();
	check_eq("after the illegal vectors: a self-ipi still works",
	         irq_count[V_PLAIN], 1);
}

static void test_ipis_elsewhere(void)
{
	unsigned dest, lost = 0, busy = 0;
	uint32_t e = 0;

	irq_forget();
	nmi_count = 0;
	(void)esr();
	/* Fixed IPIs to every other physical APIC ID. */
	for (dest = 1; dest < 0xff; dest++) {
		icr((uint8_t)dest, ICR_FIXED | V_PLAIN);
		busy += !icr_idle();
	}
	window();
	lost = irq_count[V_PLAIN];
	check_eq("fixed ipis to apic ids 1-254: none here", lost, 0);
	check_eq("fixed ipis to apic ids 1-254: icr idle", busy, 0);
	/* NMI, INIT (assert and de-assert), SIPI, SMI to APIC 3. */
	icr(3, ICR_NMI);
	icr(3, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	icr(3, ICR_INIT | ICR_LEVEL);
	icr(3, ICR_SIPI | 0x10);
	icr(3, ICR_SMI);
	busy = !icr_idle();
	window();
	check_eq("nmi, init, sipi, smi to apic 3: no nmi here", nmi_count, 0);
	check_eq("nmi, init, sipi, smi to apic 3: icr idle", busy, 0);
	/* The same to all but itself. */
	icr(0, ICR_OTHERS | ICR_FIXED | V_PLAIN);
	icr(0, ICR_OTHERS | ICR_NMI);
	icr(0, ICR_OTHERS | ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	icr(0, ICR_OTHERS | ICR_SIPI | 0x10);
	window();
	check("all-excluding-self fixed, nmi, init, sipi: nothing here",
	      irq_count[V_PLAIN] == 0 && nmi_count == 0);
	/* INIT and SIPI to itself: dropped (one CPU, no reset by IPI). */
	icr(0, ICR_SELF | ICR_INIT | ICR_ASSERT);
	icr(0, ICR_ALL | ICR_INIT | ICR_ASSERT);
	icr(0, ICR_ALL | ICR_SIPI | 0x10);
	icr(0xff, ICR_INIT | ICR_ASSERT);
	check("init and sipi to itself: the guest goes on", true);
	/* ExtINT is a reserved ICR delivery mode (§11.6.1): nothing comes. */
	exc_catch(true);
	icr(0, ICR_SELF | ICR_EXTINT);
	icr(0, ICR_ALL | ICR_EXTINT);
	window();
	check_eq("extint ipi to itself: no interrupt", exc_irqs() + irq_nlog, 0);
	exc_catch(false);
	/* Broadcasts include itself: once each. */
	icr(0xff, ICR_FIXED | V_PLAIN);
	window();
	check_eq("physical broadcast 0xff: delivered here once", irq_count[V_PLAIN], 1);
	icr(0, ICR_ALL | ICR_FIXED | (V_PLAIN + 1));
	window();
	check_eq("all-including-self: delivered here once", irq_count[V_PLAIN + 1], 1);
	icr(0, ICR_ALL | ICR_NMI);
	window();
	check_eq("all-including-self nmi: one nmi here", nmi_count, 1);
	/* Logical, flat model: this CPU is bit 0. */
	apic_wr(APIC_DFR, 0xffffffffu);
	apic_wr(APIC_LDR, 1u << 24);
	icr(0xfe, ICR_LOGICAL | ICR_FIXED | (V_PLAIN + 2));
	icr(0xf0, ICR_LOGICAL | ICR_NMI);
	window();
	check("logical mda 0xfe, 0xf0 (other cpus): nothing here",
	      irq_count[V_PLAIN + 2] == 0 && nmi_count == 1);
	icr(0xff, ICR_LOGICAL | ICR_FIXED | (V_PLAIN + 3));
	icr(0x01, ICR_LOGICAL | ICR_FIXED | (V_PLAIN + 4));
	window();
	check("logical broadcast and mda 0x01: here once each",
	      irq_count[V_PLAIN + 3] == 1 && irq_count[V_PLAIN + 4] == 1);
	/* Logical, cluster model: cluster 1, member bit 0. */
	apic_wr(APIC_DFR, 0x0fffffffu);
	apic_wr(APIC_LDR, 0x11u << 24);
	icr(0x21, ICR_LOGICAL | ICR_FIXED | (V_PLAIN + 5));   /* cluster 2 */
	icr(0x1e, ICR_LOGICAL | ICR_FIXED | (V_PLAIN + 5));   /* others of 1 */
	icr(0x11, ICR_LOGICAL | ICR_FIXED | (V_PLAIN + 6));
	window();
	check("logical cluster: only its own cluster and member",
	      irq_count[V_PLAIN + 5] == 0 && irq_count[V_PLAIN + 6] == 1);
	apic_wr(APIC_DFR, 0xffffffffu);
	apic_wr(APIC_LDR, 0);
	e = esr();
	check_eq("ipis elsewhere: esr stays 0", e, 0);
	check("icr idle after all of them", icr_idle());
}

static void test_ioapic(void)
{
	uint32_t table[48], ver;
	unsigned i, changed = 0, nonzero = 0;

	for (i = 0; i < 48; i++)
		table[i] = ioapic_rd((uint8_t)(0x10 + i));
	for (i = 0x40; i < 0x100; i++) {
		ioapic_wr((uint8_t)i, 0xffffffffu);
		nonzero += ioapic_rd((uint8_t)i) != 0;
	}
	for (i = 0; i < 48; i++)
		changed += ioapic_rd((uint8_t)(0x10 + i)) != table[i];
	check_eq("ioapic index 0x40-0xff (pins 24+): read 0 after writes", nonzero, 0);
	check_eq("ioapic index 0x40-0xff: entries of pins 0-23 unchanged", changed, 0);
	mmio_wr(IOAPIC + IOAPIC_SEL, 0x1234);
	check_eq("ioregsel keeps 8 bits", mmio_rd(IOAPIC + IOAPIC_SEL), 0x34);
	ver = ioapic_rd(1);
	ioapic_wr(1, 0);
	ioapic_wr(1, 0xffffffffu);
	check_eq("ioapic version read-only: 0x170020", ioapic_rd(1), ver);
	check_eq("ioapic version is 24 pins, 0x20", ver, 0x00170020);
	ioapic_wr(2, 0x0f000000u);
	check_eq("ioapic arbitration read-only", ioapic_rd(2), ioapic_rd(0));
	/* Status bits are read-only; odd sizes and offsets are nothing. */
	ioapic_wr(0x10 + 2 * 5, RTE_MASKED | (1u << 12) | RTE_REMOTE_IRR | 0x45);
	check_eq("rte: delivery status and remote irr read-only",
	         ioapic_rd(0x10 + 2 * 5), RTE_MASKED | 0x45);
	*(volatile uint8_t *)(IOAPIC + IOAPIC_WIN) = 0;
	*(volatile uint16_t *)(IOAPIC + IOAPIC_SEL) = 0x10;
	*(volatile uint64_t *)(IOAPIC + 0x20) = ~0ull;
	mmio_wr(IOAPIC + 0x800, 0xffffffffu);
	check_eq("ioapic odd accesses change nothing", ioapic_rd(0x10 + 2 * 5),
	         RTE_MASKED | 0x45);
	ioapic_wr(0x10 + 2 * 5, RTE_MASKED);
	/* EOIs of vectors nothing is waiting for. */
	for (i = 0; i < 256; i++)
		mmio_wr(IOAPIC + IOAPIC_EOI, i);
	check("ioapic eoi of every vector with nothing in service: harmless", true);
	/* Entries that aim elsewhere or use modes that are dropped. */
	irq_forget();
	nmi_count = 0;
	rte_set(PIN_RTC, V_PLAIN, 5);               /* physical APIC 5 */
	rtc_periodic(true);
	open_for(300000);
	rtc_periodic(false);
	check_eq("rte to apic 5: nothing here", irq_count[V_PLAIN], 0);
	rte_set(PIN_RTC, (5u << 8) | V_PLAIN, 0);   /* INIT */
	rtc_periodic(true);
	open_for(300000);
	rtc_periodic(false);
	rte_set(PIN_RTC, (6u << 8) | V_PLAIN, 0);   /* SIPI */
	rtc_periodic(true);
	open_for(300000);
	rtc_periodic(false);
	rte_set(PIN_RTC, RTE_MASKED, 0);
	check("rte init and sipi: dropped, the guest goes on",
	      irq_count[V_PLAIN] == 0 && nmi_count == 0);
}

static void test_readonly_lapic(void)
{
	static const unsigned reserved[] = { 0x00, 0x10, 0x40, 0x50, 0x60, 0x70,
	                                     0x290, 0x2a0, 0x2e0, 0x3a0, 0x3d0,
	                                     0x3f0 };
	uint32_t ver = apic_rd(APIC_VER);
	unsigned i, bad = 0;

	irq_forget();
	(void)esr();
	apic_wr(APIC_ID, 0x05000000u);
	check_eq("apic id write: still 0", apic_rd(APIC_ID), 0);
	apic_wr(APIC_VER, 0);
	check_eq("apic version write: unchanged", apic_rd(APIC_VER), ver);
	apic_wr(APIC_TPR, 0x20);
	apic_wr(APIC_PPR, 0xf0);
	check_eq("ppr write: ppr still the tpr", apic_rd(APIC_PPR), 0x20);
	apic_wr(APIC_TPR, 0);
	for (i = 0; i < 8; i++) {
		apic_wr(APIC_ISR + i * 0x10, 0xffffffffu);
		apic_wr(APIC_TMR + i * 0x10, 0xffffffffu);
		apic_wr(APIC_IRR + i * 0x10, 0xffffffffu);
		bad += apic_rd(APIC_ISR + i * 0x10) | apic_rd(APIC_TMR + i * 0x10) |
		       apic_rd(APIC_IRR + i * 0x10);
	}
	window();
	check_eq("isr, tmr, irr writes: all still 0", bad, 0);
	check_eq("isr, tmr, irr writes: no interrupt", irq_nlog, 0);
	apic_wr(APIC_TMCCT, 12345);
	check_eq("tmcct write: still 0", apic_rd(APIC_TMCCT), 0);
	check_eq("read-only registers: no esr", esr(), 0);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		(void)esr();
		apic_wr(reserved[i], 0xffffffffu);
		bad += apic_rd(reserved[i]) != 0;
		bad += esr() != ESR_ILLEGAL_REG;
	}
	check_eq("reserved registers: read 0, esr illegal register address",
	         bad, 0);
	/* Odd sizes and offsets: nothing. */
	*(volatile uint8_t *)(LAPIC + APIC_TPR) = 0xff;
	*(volatile uint64_t *)(LAPIC + APIC_TPR) = ~0ull;
	mmio_wr(LAPIC + APIC_TPR + 4, 0xff);
	mmio_wr(LAPIC + 0x800, 0xff);
	check_eq("odd-sized and misaligned writes: tpr unchanged",
	         apic_rd(APIC_TPR), 0);
	check_eq("apic still id 0 and enabled", apic_rd(APIC_ID) | (apic_rd(APIC_SVR) ^ 0x1ff), 0);
}

static void test_stray_eoi(void)
{
	unsigned i;

	irq_forget();
	for (i = 0; i < 1000; i++)
		apic_wr(APIC_EOI, i);
	check_eq("1000 eois with nothing in service: isr empty",
	         apic_rd(APIC_ISR + 0x10 * (V_PLAIN >> 5)), 0);
	/* One interrupt in service (no EOI from the hook), then extra EOIs:
	 * only the first does anything. */
	no_eoi_level = true;
	icr(0, ICR_SELF | V_LEVEL);
	window();
	check("v 0x61 in service", apic_bit(APIC_ISR, V_LEVEL));
	apic_wr(APIC_EOI, 0);
	apic_wr(APIC_EOI, 0);
	apic_wr(APIC_EOI, 0);
	no_eoi_level = false;
	check("eoi ends it, the extra eois do nothing", !apic_bit(APIC_ISR, V_LEVEL));
	icr(0, ICR_SELF | V_PLAIN);
	window();
	check_eq("self-ipi after stray eois: delivered once", irq_count[V_PLAIN], 1);
}

static void storm_begin(enum storm s)
{
	irq_forget();
	storm_n = storm_gaps = storm_last = 0;
	storm_on = true;
	storm_t0 = rdtsc();
	storm = s;
}

static void storm_report(const char *what)
{
	printf("%s: %s storm: %llu interrupts in %llu ticks, %llu times the cpu"
	       " went elsewhere\n", guest_name, what, (unsigned long long)storm_n,
	       (unsigned long long)(rdtsc() - storm_t0),
	       (unsigned long long)storm_gaps);
}

static void test_storm_self_ipi(void)
{
	storm_begin(STORM_SELF_IPI);
	__asm__ __volatile__("sti" ::: "memory");
	apic_wr(APIC_ICR_LO, ICR_SELF | V_STORM);
	while (storm_on)
		__asm__ __volatile__("pause" ::: "memory");
	__asm__ __volatile__("cli" ::: "memory");
	storm = STORM_NONE;
	storm_report("self-ipi");
	check("self-ipi storm: many interrupts", storm_n > 100);
	check("self-ipi storm: the other vms ran during it", storm_gaps >= 2);
	check_eq("self-ipi storm: over, nothing in service",
	         apic_bit(APIC_ISR, V_STORM) | apic_bit(APIC_IRR, V_STORM), 0);
}

static void test_storm_timer(void)
{
	uint64_t main_loops = 0, t, min_period = tsc_hz / 50000;

	apic_wr(APIC_TDCR, 0xb);                   /* divide by 1 */
	apic_wr(APIC_LVT_TIMER, LVT_PERIODIC | V_TIMER);
	storm_begin(STORM_TIMER);
	apic_wr(APIC_TMICT, 1);                    /* one tick: the minimum */
	__asm__ __volatile__("sti" ::: "memory");
	while (rdtsc() - storm_t0 < storm_ticks)
		main_loops++;
	__asm__ __volatile__("cli" ::: "memory");
	t = rdtsc() - storm_t0;
	apic_wr(APIC_LVT_TIMER, LVT_MASKED | V_TIMER);
	apic_wr(APIC_TMICT, 0);
	window();
	storm = STORM_NONE;
	storm_report("periodic timer");
	printf("%s: periodic timer storm: main line %llu loops, minimum period"
	       " %llu ticks\n", guest_name, (unsigned long long)main_loops,
	       (unsigned long long)min_period);
	/* Whether the main line runs during the storm depends on the
	 * machine: an interrupt's round trip (injection, the EOI's exit,
	 * the interrupt window) against the 20 us minimum. Under Bochs the
	 * round trip is longer and the hook's safety net ends the storm;
	 * either way only this guest's time is spent. */
	check("timer storm: interrupts came", storm_n > 10);
	check("timer storm: no more than one per 20 us (the minimum period)",
	      storm_n <= t / (min_period ? min_period : 1) + 2);
	check("timer storm: the other vms ran during it", storm_gaps >= 2);
	irq_forget();
	open_for(100000);
	check_eq("timer storm: over, the guest goes on", irq_count[V_TIMER] +
	         apic_bit(APIC_ISR, V_TIMER) + apic_rd(APIC_TMCCT), 0);
}

static void test_storm_level(void)
{
	uint32_t rte;

	/* The RTC's periodic flag stays up until register C is read: a
	 * level source that stays asserted. First never EOIed. */
	irq_forget();
	no_eoi_level = true;
	rte_set(PIN_RTC, RTE_LEVEL | V_LEVEL, 0);
	rtc_periodic(true);
	open_for(storm_ticks / 4);
	rte = ioapic_rd(0x10 + 2 * PIN_RTC);
	check_eq("level pin never eoied: delivered once", irq_count[V_LEVEL], 1);
	check("level pin never eoied: remote irr set", rte & RTE_REMOTE_IRR);
	check("level pin never eoied: vector in service", apic_bit(APIC_ISR, V_LEVEL));
	icr(0, ICR_SELF | V_LOW);
	icr(0, ICR_SELF | V_HIGH);
	window();
	check("in service 0x61 holds back 0x55, lets 0x70 in",
	      irq_count[V_LOW] == 0 && irq_count[V_HIGH] == 1);
	mmio_wr(IOAPIC + IOAPIC_EOI, V_LEVEL + 1);   /* wrong vector */
	check("ioapic eoi of another vector: remote irr stays",
	      ioapic_rd(0x10 + 2 * PIN_RTC) & RTE_REMOTE_IRR);
	/* The ISR bit still set holds the re-sent vector in the IRR. */
	mmio_wr(IOAPIC + IOAPIC_EOI, V_LEVEL);
	check("ioapic eoi register: re-sent at once, remote irr set again",
	      ioapic_rd(0x10 + 2 * PIN_RTC) & RTE_REMOTE_IRR);
	check("re-sent vector waits in the irr", apic_bit(APIC_IRR, V_LEVEL));
	no_eoi_level = false;
	/* Now a storm: every EOI re-delivers while the source stays up;
	 * the hook lets the source go after storm_max interrupts. */
	storm_max = 2000;
	storm_begin(STORM_LEVEL);
	apic_wr(APIC_EOI, 0);                     /* 0x70 was EOIed: this is 0x61 */
	__asm__ __volatile__("sti" ::: "memory");
	while (storm_on && rdtsc() - storm_t0 < 20 * storm_ticks)
		__asm__ __volatile__("pause" ::: "memory");
	__asm__ __volatile__("cli" ::: "memory");
	storm = STORM_NONE;
	storm_report("level");
	check_eq("level storm: ended by the guest's own hand", storm_on, false);
	check("level storm: one interrupt per eoi, no more",
	      irq_count[V_LEVEL] >= storm_max && irq_count[V_LEVEL] <= storm_max + 2);
	check("level storm: the other vms ran during it", storm_gaps >= 2);
	rtc_periodic(false);
	rte_set(PIN_RTC, RTE_MASKED, 0);
	window();
	check_eq("level storm: over, remote irr clear",
	         ioapic_rd(0x10 + 2 * PIN_RTC) & RTE_REMOTE_IRR, 0);
	check_eq("level storm: over, nothing in service",
	         apic_bit(APIC_ISR, V_LEVEL) | apic_bit(APIC_IRR, V_LEVEL), 0);
}

static void test_apic_base(void)
{
	uint64_t base = msr_read(MSR_APIC_BASE), bad = 0;
	uint32_t r[4];
	unsigned i;

	check_eq("apic_base at start", base, BASE_XAPIC);
	for (i = 0; i < 8; i++)
		bad += msr_write_fault(MSR_APIC_BASE, BASE_XAPIC | (1ull << i)) != VEC_GP;
	bad += msr_write_fault(MSR_APIC_BASE, BASE_XAPIC | (1ull << 9)) != VEC_GP;
	bad += msr_write_fault(MSR_APIC_BASE, BASE_XAPIC | (1ull << maxphyaddr)) != VEC_GP;
	bad += msr_write_fault(MSR_APIC_BASE, BASE_XAPIC | (1ull << 63)) != VEC_GP;
	bad += msr_write_fault(MSR_APIC_BASE, 0xfee00000ull | BASE_EXTD) != VEC_GP;
	check_eq("apic_base reserved bits, base beyond maxphyaddr, extd without en:"
	         " #gp each", bad, 0);
	check_eq("apic_base unchanged after them", msr_read(MSR_APIC_BASE), base);
	msr_write(MSR_APIC_BASE, 0xfee00000ull | BASE_EN);     /* BSP: read-only */
	check_eq("apic_base bsp bit is read-only", msr_read(MSR_APIC_BASE), base);

	/* Moves: onto the IOAPIC (a collision: the APIC decodes nothing
	 * there, the IOAPIC stays), to a free page, back home. */
	for (i = 0; i < 20; i++) {
		msr_write(MSR_APIC_BASE, 0xfec00000ull | BASE_EN | BASE_BSP);
		msr_write(MSR_APIC_BASE, BASE_XAPIC);
	}
	msr_write(MSR_APIC_BASE, 0xfec00000ull | BASE_EN | BASE_BSP);
	check_eq("apic moved onto the ioapic: the ioapic still answers",
	         ioapic_rd(1), 0x00170020);
	msr_write(MSR_APIC_BASE, 0xe0000000ull | BASE_EN | BASE_BSP);
	check_eq("apic moved to 0xe0000000: it answers there",
	         mmio_rd(0xe0000000ul + APIC_VER), 0x00060015);
	/* Onto RAM: RAM wins, for the guest's own accesses (EPT) and for
	 * emulated ones (a MOVS from the IOAPIC's window) alike. */
	msr_write(MSR_APIC_BASE, RAM_PAGE | BASE_EN | BASE_BSP);
	mmio_wr(RAM_PAGE + APIC_VER, 0x12345678u);
	check_eq("apic moved onto ram: ram stays ram", mmio_rd(RAM_PAGE + APIC_VER),
	         0x12345678u);
	mmio_wr(IOAPIC + IOAPIC_SEL, 1);
	{
		const void *src = (const void *)(IOAPIC + IOAPIC_WIN);
		void *dst = (void *)(RAM_PAGE + APIC_VER);
		__asm__ __volatile__("movsl" : "+S"(src), "+D"(dst) : : "memory");
	}
	check_eq("apic moved onto ram: an emulated store there reaches ram",
	         mmio_rd(RAM_PAGE + APIC_VER), 0x00170020);
	msr_write(MSR_APIC_BASE, BASE_XAPIC);
	check_eq("apic back home: version", apic_rd(APIC_VER), 0x00060015);
	check_eq("apic back home: still software-enabled", apic_rd(APIC_SVR), 0x1ff);

	/* Disable with an interrupt pending, then enable. */
	irq_forget();
	apic_wr(APIC_TPR, 0xf0);
	icr(0, ICR_SELF | V_PLAIN);
	msr_write(MSR_APIC_BASE, 0xfee00000ull);
	cpuid(1, 0, r);
	check("disabled: cpuid apic flag clear", !(r[3] & (1u << 9)));
	check_eq("disabled: the page reads 0", apic_rd(APIC_VER), 0);
	apic_wr(APIC_ICR_LO, ICR_SELF | V_PLAIN);
	check_eq("disabled: x2apic msr #gp", (uint64_t)msr_read_fault(0x802), VEC_GP);
	msr_write(MSR_APIC_BASE, BASE_XAPIC);
	cpuid(1, 0, r);
	check("enabled again: cpuid apic flag set", r[3] & (1u << 9));
	check_eq("enabled again: svr at reset", apic_rd(APIC_SVR), 0xff);
	check_eq("enabled again: tpr 0, irr empty",
	         apic_rd(APIC_TPR) | apic_rd(APIC_IRR + 0x10 * (V_PLAIN >> 5)), 0);
	check_eq("enabled again: timer lvt masked", apic_rd(APIC_LVT_TIMER), LVT_MASKED);
	apic_wr(APIC_SVR, 0x1ff);
	window();
	check_eq("enabled again: the pending interrupt is gone", irq_count[V_PLAIN], 0);
	icr(0, ICR_SELF | V_PLAIN);
	window();
	check_eq("enabled again: self-ipi works", irq_count[V_PLAIN], 1);
}

static void test_x2apic_msrs(void)
{
	static const uint32_t msrs[] = { 0x802, 0x803, 0x808, 0x80a, 0x80b,
	                                 0x80f, 0x828, 0x830, 0x832, 0x83f,
	                                 0x8ff };
	uint32_t r[4];
	unsigned i, bad = 0;

	for (i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		bad += msr_read_fault(msrs[i]) != VEC_GP;
		bad += msr_write_fault(msrs[i], 0) != VEC_GP;
	}
	check_eq("x2apic msrs in xapic mode: #gp each", bad, 0);
	check_eq("after them: apic still there", apic_rd(APIC_VER), 0x00060015);

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 21))) {
		printf("%s: no x2APIC in CPUID; x2APIC mode not attacked\n", guest_name);
		return;
	}
	msr_write(MSR_APIC_BASE, BASE_XAPIC | BASE_EXTD);
	x2mode = true;
	check_eq("x2apic: the xapic page reads 0", apic_rd(APIC_VER), 0);
	bad = 0;
	bad += msr_write_fault(0x828, 1) != VEC_GP;          /* ESR non-zero */
	bad += msr_write_fault(0x80b, 1) != VEC_GP;          /* EOI non-zero */
	bad += msr_read_fault(0x80b) != VEC_GP;              /* EOI write-only */
	bad += msr_write_fault(0x802, 0) != VEC_GP;          /* ID read-only */
	bad += msr_write_fault(0x830, 1ull << 13 | V_PLAIN) != VEC_GP;  /* reserved */
	bad += msr_write_fault(0x83f, 0x100) != VEC_GP;
	bad += msr_write_fault(0x808, 0x100) != VEC_GP;
	bad += msr_read_fault(0x831) != VEC_GP;              /* no ICR high */
	check_eq("x2apic: reserved bits, read-only and write-only registers: #gp",
	         bad, 0);
	msr_write(0x828, 0);
	msr_write(0x828, 0);
	msr_write(0x83f, 3);                      /* SELF IPI, vector 3 */
	msr_write(0x828, 0);
	check_eq("x2apic self ipi vector 3: esr send illegal", msr_read(0x828),
	         ESR_SEND_ILLEGAL);
	irq_forget();
	nmi_count = 0;
	msr_write(0x830, 0xffffffffull << 32 | ICR_FIXED | V_PLAIN);   /* broadcast */
	msr_write(0x830, 7ull << 32 | ICR_NMI);
	window();
	check("x2apic broadcast: here once; nmi to apic 7: not here",
	      irq_count[V_PLAIN] == 1 && nmi_count == 0);
	for (i = 0; i < 100; i++)
		msr_write(0x80b, 0);
	check("x2apic stray eois: harmless", true);
	msr_write(MSR_APIC_BASE, 0xfee00000ull | BASE_BSP);   /* off */
	x2mode = false;
	msr_write(MSR_APIC_BASE, BASE_XAPIC);
	apic_wr(APIC_SVR, 0x1ff);
	check_eq("back to xapic through disabled", msr_read(MSR_APIC_BASE), BASE_XAPIC);
}

static void test_timer_odd(void)
{
	uint32_t r[4];
	uint64_t t0;

	irq_forget();
	apic_wr(APIC_TDCR, 0xfffffff4u);             /* bit 2 and 31:4 reserved */
	check_eq("tdcr keeps bits 0, 1, 3", apic_rd(APIC_TDCR), 0);
	apic_wr(APIC_TDCR, 0xffffffffu);
	check_eq("tdcr all ones: divide by 1", apic_rd(APIC_TDCR), 0xb);
	apic_wr(APIC_LVT_TIMER, V_PLAIN);
	t0 = rdtsc();
	apic_wr(APIC_TMICT, 100000);
	while (!irq_count[V_PLAIN] && rdtsc() - t0 < 100000000)
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	check("divide by 1 after all ones: fires after its count",
	      irq_count[V_PLAIN] == 1 && rdtsc() - t0 >= 100000);
	/* Timer mode 3 (reserved): no storm, the guest goes on. */
	irq_forget();
	apic_wr(APIC_LVT_TIMER, (3u << 17) | V_PLAIN);
	apic_wr(APIC_TMICT, 1);
	open_for(200000);
	apic_wr(APIC_LVT_TIMER, LVT_MASKED);
	apic_wr(APIC_TMICT, 0);
	check("timer mode 3: at most one interrupt", irq_count[V_PLAIN] <= 1);
	/* The biggest count at the biggest divider: far away, stops at 0. */
	apic_wr(APIC_TDCR, 0xa);                     /* divide by 128 */
	apic_wr(APIC_LVT_TIMER, V_PLAIN);
	apic_wr(APIC_TMICT, 0xffffffffu);
	check("tmict 0xffffffff / 128: counting", apic_rd(APIC_TMCCT) > 0xff000000u);
	apic_wr(APIC_TMICT, 0);
	check_eq("tmict 0: stopped", apic_rd(APIC_TMCCT), 0);
	apic_wr(APIC_LVT_TIMER, LVT_MASKED);

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 24))) {
		printf("%s: no TSC-deadline timer; not attacked\n", guest_name);
		return;
	}
	irq_forget();
	msr_write(MSR_TSC_DEADLINE, rdtsc() + 1000);  /* one-shot mode: ignored */
	check_eq("tsc deadline outside its mode: ignored, reads 0",
	         msr_read(MSR_TSC_DEADLINE), 0);
	apic_wr(APIC_LVT_TIMER, (2u << 17) | V_PLAIN);
	msr_write(MSR_TSC_DEADLINE, rdtsc() - 1000000);  /* the past */
	window();
	window();
	check_eq("tsc deadline in the past: fires at once, once", irq_count[V_PLAIN], 1);
	check_eq("tsc deadline in the past: msr 0 after", msr_read(MSR_TSC_DEADLINE), 0);
	msr_write(MSR_TSC_DEADLINE, 1);               /* the distant past */
	open_for(10000);
	check_eq("tsc deadline 1: fires once", irq_count[V_PLAIN], 2);
	msr_write(MSR_TSC_DEADLINE, ~0ull);          /* never */
	open_for(100000);
	check_eq("tsc deadline 2^64-1: nothing", irq_count[V_PLAIN], 2);
	msr_write(MSR_TSC_DEADLINE, 0);
	apic_wr(APIC_LVT_TIMER, LVT_MASKED);
}

int guest_main(const char *cmdline)
{
	uint32_t r[4];

	cpuid(0x15, 0, r);
	tsc_hz = r[0] ? (uint64_t)r[2] * r[1] / r[0] : 0;
	if (!tsc_hz) {
		cpuid(0x16, 0, r);
		tsc_hz = (uint64_t)r[0] * 1000000;
	}
	cpuid(0x80000008u, 0, r);
	maxphyaddr = r[0] & 0xff;
	slice_ticks = tsc_hz / 1000000 * cmdline_uint(cmdline, "slice_us", 2000);
	storm_ticks = tsc_hz / 1000 * cmdline_uint(cmdline, "storm_ms", 40);
	printf("%s: hostile APIC/IOAPIC programming (tsc %llu Hz, slice %llu"
	       " ticks)\n", guest_name, (unsigned long long)tsc_hz,
	       (unsigned long long)slice_ticks);
	exc_catch(false);
	irq_install();
	irq_hook = hook;
	apic_wr(APIC_SVR, 0x1ff);

	test_storm_self_ipi();
	test_storm_timer();
	test_storm_level();
	test_illegal_vectors();
	test_ipis_elsewhere();
	test_ioapic();
	test_readonly_lapic();
	test_stray_eoi();
	test_apic_base();
	test_x2apic_msrs();
	test_timer_odd();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
