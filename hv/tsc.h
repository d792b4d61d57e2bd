/* hv/tsc.h — the TSC frequency, measured once at boot. */
#ifndef BAREGT_HV_TSC_H
#define BAREGT_HV_TSC_H

#include <stdint.h>

/* Measure the TSC against the PIT (10 ms on channel 2); falls back to
 * CPUID leaf 0x15 if the PIT never answers. Returns ticks per second. */
uint64_t tsc_calibrate(void);
/* What tsc_calibrate() found (0 before it ran). */
uint64_t tsc_hz(void);

#endif
