/*
 * hv/tsc.c — TSC frequency. The 8254 PIT runs at 1.193182 MHz on every
 * PC; channel 2's gate and output are bits 0 and 5 of port 0x61. In mode 0
 * (interrupt on terminal count) the output goes high when the count
 * written reaches zero (8254 data sheet; the same method Linux uses as its
 * fallback). On Bochs the PIT runs on emulated time, so the result is the
 * emulated instruction rate.
 */
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/tsc.h"

#define PIT_HZ        1193182ull
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PIT_CH2_MODE0 0xb0          /* channel 2, lo/hi byte, mode 0, binary */
#define PORT_61       0x61
#define P61_GATE2     0x01
#define P61_SPEAKER   0x02
#define P61_OUT2      0x20
#define CAL_COUNT     11932u        /* 10 ms */
#define CAL_SPIN      100000000u
#define FALLBACK_HZ   1000000000ull

static uint64_t tsc_from_cpuid(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 0x15)
		return 0;
	cpuid(0x15, 0, &a, &b, &c, &d);     /* TSC/crystal ratio b/a, crystal c Hz */
	return (a && b && c) ? (uint64_t)c * b / a : 0;
}

static uint64_t tsc_measure(void)
{
	uint8_t p61 = inb(PORT_61);
	uint64_t t0, t1, hz;
	unsigned spin;

	outb(PORT_61, (uint8_t)((p61 & ~P61_SPEAKER) | P61_GATE2));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, CAL_COUNT & 0xff);
	outb(PIT_CH2, CAL_COUNT >> 8);
	t0 = rdtsc();
	for (spin = 0; spin < CAL_SPIN; spin++)
		if (inb(PORT_61) & P61_OUT2)
			break;
	t1 = rdtsc();
	outb(PORT_61, p61);
	if (spin < CAL_SPIN && t1 > t0) {
		hz = (t1 - t0) * PIT_HZ / CAL_COUNT;
		log_info("tsc: %llu kHz (measured against the PIT)",
		         (unsigned long long)(hz / 1000));
		return hz;
	}
	hz = tsc_from_cpuid();
	if (hz) {
		log_info("tsc: %llu kHz (CPUID leaf 0x15)", (unsigned long long)(hz / 1000));
		return hz;
	}
	log_warn("tsc: PIT did not answer and CPUID has no TSC leaf; assuming 1 GHz");
	return FALLBACK_HZ;
}

static uint64_t tsc_rate;

uint64_t tsc_calibrate(void)
{
	tsc_rate = tsc_measure();
	return tsc_rate;
}

uint64_t tsc_hz(void)
{
	return tsc_rate;
}
