/*
 * hv/restart_limit.h — how often a VM may restart itself (on_reset =
 * restart, docs/platform.md "Reset and power-off"): at most max restarts
 * within any window of host time. A guest that resets again and again
 * (a kernel that panics at boot, a hostile guest) is stopped instead of
 * being rebuilt for ever: that is a reset loop. Pure logic on TSC values.
 */
#ifndef BAREGT_HV_RESTART_LIMIT_H
#define BAREGT_HV_RESTART_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define RESTART_LIMIT_SLOTS    16u   /* the largest max */
#define RESTART_LIMIT_DEFAULT  8u    /* restarts ... */
#define RESTART_WINDOW_SECONDS 60u   /* ... within this many seconds */

struct restart_limit {
	unsigned max;                    /* 1..RESTART_LIMIT_SLOTS */
	uint64_t window;                 /* TSC ticks */
	uint64_t tsc_hz;                 /* 0: unknown (the window is all time) */
	uint64_t at[RESTART_LIMIT_SLOTS]; /* TSC of the last restarts, a ring */
	unsigned head;                   /* slot of the oldest of them */
	unsigned n;                      /* how many the ring holds, <= max */
	unsigned total;                  /* restarts allowed so far */
};

/* max restarts (clamped to 1..RESTART_LIMIT_SLOTS) within window_seconds
 * of a TSC running at tsc_hz; tsc_hz 0 makes the window endless, so the
 * VM restarts at most max times in all. */
void restart_limit_init(struct restart_limit *l, unsigned max,
                        unsigned window_seconds, uint64_t tsc_hz);

/*
 * A restart at TSC value now: true (counted, total goes up) unless the
 * last max restarts all lie within the window before now; then false,
 * nothing counted, and *span_ms (if not NULL) is the time in
 * milliseconds from the first of them to now. A now earlier than a
 * recorded restart (a stale TSC) counts as the same instant.
 */
bool restart_limit_allow(struct restart_limit *l, uint64_t now,
                         uint64_t *span_ms);

#endif
