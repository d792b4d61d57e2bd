/*
 * hv/dev/vpmtimer.c — the ACPI PM timer (hv/dev/vpmtimer.h).
 */
#include "hv/dev/vpmtimer.h"

bool vpmtimer_init(struct vpmtimer *t, uint64_t tsc_hz,
                   uint64_t (*now_tsc)(void *ctx), void *ctx)
{
	if (tsc_hz == 0 || !now_tsc)
		return false;
	t->tsc_hz = tsc_hz;
	t->now_tsc = now_tsc;
	t->ctx = ctx;
	t->tsc0 = now_tsc(ctx);
	t->bad_access = 0;
	return true;
}

uint32_t vpmtimer_count(const struct vpmtimer *t)
{
	uint64_t ticks = t->now_tsc(t->ctx) - t->tsc0;

	/* Whole seconds, then the rest: exact (floor of ticks * HZ / tsc_hz)
	 * with no 128-bit division; a product that wraps only loses bits
	 * above the 32 the count keeps. */
	return (uint32_t)(ticks / t->tsc_hz * VPMTIMER_HZ +
	                  ticks % t->tsc_hz * VPMTIMER_HZ / t->tsc_hz);
}

bool vpmtimer_bus(void *arg, uint64_t off, unsigned size, bool write,
                  uint64_t *val)
{
	struct vpmtimer *t = arg;

	if (write || (size != 1 && size != 2 && size != 4) ||
	    off + size > VPMTIMER_PORTS) {
		t->bad_access++;
		if (!write)
			*val = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
		return true;
	}
	*val = (vpmtimer_count(t) >> (8 * off)) &
	       (size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1);
	return true;
}
