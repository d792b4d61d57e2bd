/*
 * guests/bench/bench.h — what the bench guest's files share.
 */
#ifndef BAREGT_GUEST_BENCH_H
#define BAREGT_GUEST_BENCH_H

#include <stdint.h>

/* Interrupt round trips through the local APIC (irq.c); base: the cost
 * of an RDTSC pair, taken off every figure. */
void bench_interrupts(uint64_t base);

#endif
