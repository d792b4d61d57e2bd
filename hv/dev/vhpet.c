/*
 * hv/dev/vhpet.c — the HPET block of a VM (hv/dev/vhpet.h). Section
 * numbers are those of the IA-PC HPET Specification 1.0a.
 */
#include "hv/dev/vhpet.h"

#define LOW32 0xFFFFFFFFull

/* Tn_CONF_CAP bits a guest can change (§2.3.8): interrupt type and
 * enable, which are stored and do nothing, and, on a 64-bit timer, the
 * 32-bit mode. TYPE_CNF (no PER_INT_CAP), VAL_SET_CNF (periodic only),
 * INT_ROUTE_CNF (no route is valid: INT_ROUTE_CAP is 0, and "the value
 * read back will not match what is written") and FSB_EN_CNF (no
 * FSB_INT_DEL_CAP) read 0. */
#define TN_RW_BITS      (VHPET_TN_INT_TYPE | VHPET_TN_INT_ENB)

/* Timer 0 is 64-bit capable, timers 1 and 2 are 32-bit, as on Intel
 * chipsets. No timer is periodic capable or has an interrupt route. */
static uint64_t timer_caps(unsigned n)
{
	return n == 0 ? VHPET_TN_SIZE_CAP : 0;
}

static uint64_t timer_rw_bits(unsigned n)
{
	return TN_RW_BITS | (n == 0 ? VHPET_TN_32MODE : 0);
}

/* The comparator's width (§2.3.8 Tn_SIZE_CAP, Tn_32MODE_CNF). */
static uint64_t comparator_mask(const struct vhpet *h, unsigned n)
{
	const struct vhpet_timer *t = &h->timer[n];

	if ((timer_caps(n) & VHPET_TN_SIZE_CAP) && !(t->conf & VHPET_TN_32MODE))
		return ~0ull;
	return LOW32;
}

static uint64_t gcap_id(void)
{
	/* §2.3.4: COUNTER_CLK_PERIOD, VENDOR_ID, LEG_RT_CAP 0,
	 * COUNT_SIZE_CAP, NUM_TIM_CAP, REV_ID. */
	return (uint64_t)VHPET_PERIOD_FS << VHPET_CAP_PERIOD_SHIFT |
	       VHPET_BLOCK_ID;
}

_Static_assert((VHPET_BLOCK_ID & VHPET_CAP_COUNT_SIZE) != 0, "64-bit counter");
_Static_assert((VHPET_BLOCK_ID & VHPET_CAP_LEG_RT) == 0, "no legacy route");
_Static_assert(VHPET_PERIOD_FS * (uint64_t)VHPET_HZ == 1000000000000000ull,
               "the period is exact");
_Static_assert(VHPET_PERIOD_FS <= 100000000u, "§2.3.4: at most 100 ns");

bool vhpet_init(struct vhpet *h, uint64_t tsc_hz,
                uint64_t (*now_tsc)(void *ctx), void *ctx)
{
	unsigned n;

	if (!now_tsc || tsc_hz == 0 || tsc_hz > UINT64_MAX / VHPET_HZ)
		return false;
	*h = (struct vhpet){ 0 };
	h->tsc_hz = tsc_hz;
	h->now_tsc = now_tsc;
	h->ctx = ctx;
	h->tsc_start = now_tsc(ctx);
	for (n = 0; n < VHPET_TIMERS; n++)
		h->timer[n].comparator = comparator_mask(h, n);
	return true;
}

/* HPET ticks in delta TSC ticks: whole seconds, then the rest, so the
 * result is floor(delta * VHPET_HZ / tsc_hz) with no 128-bit division
 * (tsc_hz * VHPET_HZ fits: vhpet_init). */
static uint64_t ticks(const struct vhpet *h, uint64_t delta)
{
	return delta / h->tsc_hz * VHPET_HZ +
	       delta % h->tsc_hz * VHPET_HZ / h->tsc_hz;
}

static uint64_t counter_at(const struct vhpet *h, uint64_t now)
{
	if (!h->enabled)
		return h->count_base;
	return h->count_base + ticks(h, now - h->tsc_start);
}

uint64_t vhpet_counter(const struct vhpet *h)
{
	return counter_at(h, h->now_tsc(h->ctx));
}

/* A register's offset: the 64-bit slot (§2.3.1 Table 2), or -1 if the
 * slot is reserved. Timer n's slot tells n. */
static int reg_of(uint64_t slot, unsigned *n)
{
	if (slot == VHPET_GCAP_ID || slot == VHPET_GEN_CONF ||
	    slot == VHPET_GINTR_STA || slot == VHPET_MAIN_CNT)
		return (int)slot;
	if (slot >= VHPET_TIMER(0) && slot < VHPET_TIMER(VHPET_TIMERS)) {
		unsigned r = (unsigned)(slot - VHPET_TIMER(0)) % 0x20u;

		*n = (unsigned)(slot - VHPET_TIMER(0)) / 0x20u;
		if (r == VHPET_TN_CONF || r == VHPET_TN_COMP || r == VHPET_TN_FSB)
			return (int)(VHPET_TIMER(0) + r);
	}
	return -1;
}

static uint64_t reg_read(const struct vhpet *h, int reg, unsigned n,
                         uint64_t now)
{
	switch (reg) {
	case VHPET_GCAP_ID:
		return gcap_id();
	case VHPET_GEN_CONF:
		return h->enabled ? VHPET_CONF_ENABLE : 0;
	case VHPET_GINTR_STA:
		return 0;                /* no timer ever fires */
	case VHPET_MAIN_CNT:
		return counter_at(h, now);
	case VHPET_TIMER(0) + VHPET_TN_CONF:
		return h->timer[n].conf | timer_caps(n);
	case VHPET_TIMER(0) + VHPET_TN_COMP:
		return h->timer[n].comparator;
	default:                         /* VHPET_TN_FSB */
		return h->timer[n].fsb_route;
	}
}

/* v: the register's whole new value (the other half already merged). */
static void reg_write(struct vhpet *h, int reg, unsigned n, uint64_t v,
                      uint64_t now)
{
	struct vhpet_timer *t = &h->timer[n];

	switch (reg) {
	case VHPET_GCAP_ID:
		h->count.read_only_writes++;
		break;
	case VHPET_GEN_CONF:
		/* §2.3.5: ENABLE_CNF halts or starts the main counter;
		 * LEG_RT_CNF and the rest are reserved here. */
		if ((v & VHPET_CONF_ENABLE) && !h->enabled) {
			h->tsc_start = now;
			h->enabled = true;
		} else if (!(v & VHPET_CONF_ENABLE) && h->enabled) {
			h->count_base = counter_at(h, now);
			h->enabled = false;
		}
		break;
	case VHPET_GINTR_STA:
		break;                   /* write 1 to clear: nothing is set */
	case VHPET_MAIN_CNT:
		/* §2.3.7: written while halted, as software should; while
		 * running the count goes on from the new value. */
		if (h->enabled)
			h->count.running_writes++;
		h->count_base = v;
		h->tsc_start = now;
		break;
	case VHPET_TIMER(0) + VHPET_TN_CONF:
		t->conf = v & timer_rw_bits(n);
		t->comparator &= comparator_mask(h, n);
		break;
	case VHPET_TIMER(0) + VHPET_TN_COMP:
		t->comparator = v & comparator_mask(h, n);
		break;
	default:                         /* VHPET_TN_FSB */
		t->fsb_route = v;
		break;
	}
}

bool vhpet_bus_mmio(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val)
{
	struct vhpet *h = arg;
	uint64_t slot, now, old, mask;
	unsigned n = 0, shift;
	int reg;

	/* §2.3.1: 32-bit or 64-bit, naturally aligned. */
	if ((size != 4 && size != 8) || off % size != 0 || off >= VHPET_SIZE ||
	    size > VHPET_SIZE - off) {
		h->count.bad_access++;
		if (!write)
			*val = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
		return true;
	}
	slot = off & ~7ull;
	reg = reg_of(slot, &n);
	if (reg < 0) {
		h->count.reserved++;
		if (!write)
			*val = 0;
		return true;
	}
	shift = (unsigned)(off - slot) * 8;
	mask = size == 8 ? ~0ull : LOW32 << shift;
	now = h->now_tsc(h->ctx);
	old = reg_read(h, reg, n, now);
	if (!write) {
		*val = (old & mask) >> shift;
		return true;
	}
	reg_write(h, reg, n, (old & ~mask) | ((*val << shift) & mask), now);
	return true;
}
