/*
 * hv/restart_limit.c — at most max restarts within a window of host time
 * (hv/restart_limit.h). The ring keeps the TSC of the last max restarts:
 * a new one is allowed when the ring is not full yet or its oldest entry
 * has left the window, which is exactly "fewer than max restarts in the
 * window before now".
 */
#include "hv/restart_limit.h"

void restart_limit_init(struct restart_limit *l, unsigned max,
                        unsigned window_seconds, uint64_t tsc_hz)
{
	unsigned i;

	if (max < 1)
		max = 1;
	if (max > RESTART_LIMIT_SLOTS)
		max = RESTART_LIMIT_SLOTS;
	l->max = max;
	l->tsc_hz = tsc_hz;
	/* Ticks of the window, saturating: an endless window is UINT64_MAX. */
	if (tsc_hz == 0 || (window_seconds && tsc_hz > UINT64_MAX / window_seconds))
		l->window = UINT64_MAX;
	else
		l->window = tsc_hz * window_seconds;
	for (i = 0; i < RESTART_LIMIT_SLOTS; i++)
		l->at[i] = 0;
	l->head = 0;
	l->n = 0;
	l->total = 0;
}

static uint64_t ticks_to_ms(uint64_t ticks, uint64_t hz)
{
	if (hz == 0)
		return 0;
	/* Split so that neither product overflows for any hz < 2^54. */
	return ticks / hz * 1000 + ticks % hz * 1000 / hz;
}

bool restart_limit_allow(struct restart_limit *l, uint64_t now,
                         uint64_t *span_ms)
{
	if (l->n == l->max) {
		uint64_t oldest = l->at[l->head];
		uint64_t since = now > oldest ? now - oldest : 0;

		if (l->window == UINT64_MAX || since < l->window) {
			if (span_ms)
				*span_ms = ticks_to_ms(since, l->tsc_hz);
			return false;
		}
		/* The oldest left the window: its slot takes this one. */
		l->at[l->head] = now;
		l->head = (l->head + 1) % l->max;
	} else {
		l->at[(l->head + l->n) % l->max] = now;
		l->n++;
	}
	l->total++;
	return true;
}
