/*
 * guests/bench — path lengths as the guest sees them, for `make bench`.
 * On Bochs the TSC advances one tick per instruction (host and guest
 * alike, no TSC offsetting), so each delta is the number of instructions
 * a round trip costs, hypervisor included. Each figure is the minimum
 * over RUNS tries, less the cost of the RDTSC pair itself.
 * Interrupt round trips are in irq.c.
 * cmdline "paths=0": only the entry time and the modules' sizes, for the
 * boot with real-sized images (tests/bench/big.cfg: no test device, no
 * vGPU to measure).
 */
#include "guest.h"
#include "bench.h"

#define RUNS 16
#define DEV  ((uintptr_t)TESTDEV_GPA)
#define BAR0 0xf0000000ul            /* the vGPU's BAR0 at its reset address */
#define PVINFO_VGT_ID (BAR0 + 0x78000 + 0xc)
#define FENCE0        (BAR0 + 0x100000)
#define GGTT_LOW      (BAR0 + 0x800000 + 8 * (0x8000000ul >> 12))  /* first _8 window */
#define NPTE          1024

static uint64_t ptes[NPTE];

static uint64_t overhead(void)
{
	uint64_t best = ~0ull;
	unsigned i;

	for (i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc(), t1 = rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

#define MEASURE(label, stmt)                                                 \
	do {                                                                 \
		uint64_t best = ~0ull;                                       \
		unsigned i;                                                  \
		for (i = 0; i < RUNS; i++) {                                 \
			uint64_t t0 = rdtsc();                               \
			stmt;                                                \
			uint64_t t1 = rdtsc();                               \
			if (t1 - t0 < best)                                  \
				best = t1 - t0;                              \
		}                                                            \
		printf("bench: %s %llu\n", label,                            \
		       (unsigned long long)(best - base));                   \
	} while (0)

int guest_main(const char *cmdline)
{
	uint64_t base = overhead();
	uint32_t v;

	printf("bench: first guest instruction at tsc %llu\n",
	       (unsigned long long)guest_tsc_at_entry);
	if (cmdline_uint(cmdline, "paths", 1) == 0) {
		unsigned m;

		for (m = 0; m < guest_start_info->nmodules; m++)
			printf("bench: module %u: %llu bytes\n", m + 1,
			       (unsigned long long)guest_start_info->module[m].size);
		return 0;
	}
	printf("bench: rdtsc pair %llu\n", (unsigned long long)base);
	MEASURE("vmcall round trip", hypercall(HC_NOP, 0, 0));
	MEASURE("i/o exit round trip", (void)inb(0x3fd));
	MEASURE("mmio read round trip",
	        __asm__ __volatile__("movl (%%rbx), %%eax" : "=a"(v) : "b"(DEV + 0x10)));
	MEASURE("mmio write round trip",
	        __asm__ __volatile__("movl %%eax, (%%rbx)" : : "a"(1), "b"(DEV + 0x900)
	                             : "memory"));
	MEASURE("pvinfo read round trip",
	        __asm__ __volatile__("movl (%%rbx), %%eax" : "=a"(v) : "b"(PVINFO_VGT_ID)));
	MEASURE("vgpu register read round trip",
	        __asm__ __volatile__("movl (%%rbx), %%eax" : "=a"(v) : "b"(FENCE0)));
	MEASURE("vgpu register write round trip",
	        __asm__ __volatile__("movl %%eax, (%%rbx)" : : "a"(0x1001), "b"(FENCE0)
	                             : "memory"));
	/* GGTT entries through the trap: one, then 1,024 consecutive ones as
	 * i915 writes them (a loop of 8-byte stores) and as one rep movsq. */
	MEASURE("ggtt entry write round trip",
	        __asm__ __volatile__("movq %%rax, (%%rbx)" : : "a"(0x600001ul),
	                             "b"(GGTT_LOW) : "memory"));
	{
		uint64_t t0, t1;
		unsigned i;

		for (i = 0; i < NPTE; i++)
			ptes[i] = (0x600000ul + 4096ul * (i % 16)) | 1;
		t0 = rdtsc();
		for (i = 0; i < NPTE; i++)
			((volatile uint64_t *)GGTT_LOW)[i] = ptes[i];
		t1 = rdtsc();
		printf("bench: ggtt 1024 entries per entry (store loop) %llu\n",
		       (unsigned long long)((t1 - t0) / NPTE));
		t0 = rdtsc();
		__asm__ __volatile__("rep movsq" : : "S"(ptes), "D"(GGTT_LOW), "c"(NPTE)
		                     : "memory");
		t1 = rdtsc();
		printf("bench: ggtt 1024 entries per entry (rep movsq) %llu\n",
		       (unsigned long long)((t1 - t0) / NPTE));
	}
	bench_interrupts(base);
	return 0;
}
