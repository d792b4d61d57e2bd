/*
 * hv/dev/vlapic.c — the local APIC of a VM's vCPU (hv/dev/vlapic.h).
 *
 * Registers are kept in reg[], indexed by xAPIC offset / 16, which is
 * also the x2APIC MSR number minus 0x800 (SDM Vol. 3A Table 11-6): one
 * pair of accessors serves both views, with the x2APIC rules (#GP on
 * reserved bits, read-only and write-only registers) switched on by a
 * flag. PPR and the current count are computed when read.
 */
#include <string.h>
#include "hv/dev/vlapic.h"

/* Register indices (xAPIC offset >> 4), SDM Vol. 3A Table 11-1. */
enum {
	R_ID = 0x02, R_VER = 0x03, R_TPR = 0x08, R_APR = 0x09, R_PPR = 0x0a,
	R_EOI = 0x0b, R_RRD = 0x0c, R_LDR = 0x0d, R_DFR = 0x0e, R_SVR = 0x0f,
	R_ISR = 0x10, R_TMR = 0x18, R_IRR = 0x20, R_ESR = 0x28,
	R_LVT_CMCI = 0x2f, R_ICR_LO = 0x30, R_ICR_HI = 0x31,
	R_LVT_TIMER = 0x32, R_LVT_THERMAL = 0x33, R_LVT_PERF = 0x34,
	R_LVT_LINT0 = 0x35, R_LVT_LINT1 = 0x36, R_LVT_ERROR = 0x37,
	R_TMICT = 0x38, R_TMCCT = 0x39, R_TDCR = 0x3e, R_SELF_IPI = 0x3f,
};

/* Version register: version 0x15, max LVT entry 6 (seven LVTs with
 * CMCI), no EOI-broadcast suppression (bit 24 clear): §11.4.8. */
#define APIC_VERSION      0x00060015u

#define LVT_MASKED        (1u << 16)
#define LVT_VECTOR        0xffu
#define LVT_DM_SHIFT      8
#define LVT_DM            (7u << LVT_DM_SHIFT)
#define LVT_POLARITY      (1u << 13)
#define LVT_TRIGGER       (1u << 15)
#define LVT_TIMER_MODE    (3u << 17)
#define TIMER_ONESHOT     0u
#define TIMER_PERIODIC    (1u << 17)
#define TIMER_TSC_DL      (2u << 17)

#define SVR_ENABLE        (1u << 8)
#define SVR_FOCUS         (1u << 9)

/* ESR bits (§11.5.3). */
#define ESR_SEND_ILLEGAL  (1u << 5)
#define ESR_RECV_ILLEGAL  (1u << 6)
#define ESR_ILLEGAL_REG   (1u << 7)

/* ICR fields (§11.6.1). */
#define ICR_DM_SHIFT      8
#define ICR_LOGICAL       (1u << 11)
#define ICR_BUSY          (1u << 12)
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_TRIGGER       (1u << 15)
#define ICR_SHORTHAND(v)  (((v) >> 18) & 3)
#define ICR_TO_SELF       (1u << 18)         /* shorthand 01: self */
#define ICR_LO_BITS       0x000cdfffu        /* writable low-half bits */

/* The shortest periodic timer a guest may program: 20 µs. A period of
 * one TSC tick would have the hypervisor do nothing but fire it. */
#define MIN_PERIOD_PER_SEC 50000u

/* Writable bits of each LVT (§11.5.1 Figure 11-8). */
static uint32_t lvt_writable(unsigned r)
{
	switch (r) {
	case R_LVT_TIMER:
		return LVT_VECTOR | LVT_MASKED | LVT_TIMER_MODE;
	case R_LVT_LINT0:
	case R_LVT_LINT1:
		return LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_TRIGGER | LVT_MASKED;
	case R_LVT_ERROR:
		return LVT_VECTOR | LVT_MASKED;
	default:                  /* CMCI, thermal, performance */
		return LVT_VECTOR | LVT_DM | LVT_MASKED;
	}
}

static bool is_lvt(unsigned r)
{
	return r == R_LVT_CMCI || (r >= R_LVT_TIMER && r <= R_LVT_ERROR);
}

/* An xAPIC offset Table 11-1 marks reserved (0x000, 0x010, 0x040-0x070,
 * 0x290-0x2E0, 0x3A0-0x3D0, 0x3F0): an access to it sets ESR bit 7,
 * "illegal register address" (§11.5.3). The x2APIC view raises #GP for
 * these instead. */
static bool is_reserved(unsigned r)
{
	return r < R_ID || (r > R_VER && r < R_TPR) ||
	       (r > R_ESR && r < R_LVT_CMCI) || (r > R_TMCCT && r < R_TDCR) ||
	       r == R_SELF_IPI;
}

/* ---- 256-bit vectors ---------------------------------------------------- */

static bool vec_test(const uint32_t *v, unsigned n)
{
	return (v[n >> 5] >> (n & 31)) & 1;
}

static void vec_set(uint32_t *v, unsigned n)
{
	v[n >> 5] |= 1u << (n & 31);
}

static void vec_clear(uint32_t *v, unsigned n)
{
	v[n >> 5] &= ~(1u << (n & 31));
}

/* The highest set bit of a 256-bit vector (IRR, ISR, TMR: eight words,
 * one per 16-byte register), -1 when none. */
static int vec_highest(const uint32_t *v)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (v[i])
			return i * 32 + 31 - __builtin_clz(v[i]);
	return -1;
}

/* ---- state ------------------------------------------------------------- */

static void reset_regs(struct vlapic *l)
{
	unsigned r;

	memset(l->reg, 0, sizeof(l->reg));
	l->reg[R_VER] = APIC_VERSION;
	l->reg[R_SVR] = 0xff;
	l->reg[R_DFR] = 0xffffffffu;
	for (r = 0; r < VLAPIC_REGS; r++)
		if (is_lvt(r))
			l->reg[r] = LVT_MASKED;
	l->esr_pending = 0;
	l->timer_deadline = l->timer_start = l->timer_period = 0;
	l->tsc_deadline_msr = 0;
	l->nmi_pending = l->extint_pending = false;
	l->irr_words = 0;
}

void vlapic_init(struct vlapic *l, const struct vlapic_config *cfg,
                 const struct vlapic_ops *ops, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	l->ops = ops;
	l->ctx = ctx;
	l->base = VLAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP;
	l->min_period = cfg->tsc_hz / MIN_PERIOD_PER_SEC;
	if (l->min_period == 0)
		l->min_period = 1;
	reset_regs(l);
}

uint64_t vlapic_page_gpa(const struct vlapic *l)
{
	if (!vlapic_enabled(l) || vlapic_x2apic(l))
		return 0;
	return l->base & ~0xfffull & ((1ull << l->cfg.maxphyaddr) - 1);
}

static bool sw_enabled(const struct vlapic *l)
{
	return (l->reg[R_SVR] & SVR_ENABLE) != 0;
}

static unsigned ppr(const struct vlapic *l)
{
	int isrv = vec_highest(&l->reg[R_ISR]);
	unsigned tpr = l->reg[R_TPR] & 0xff;

	if (isrv < 0 || (tpr >> 4) >= ((unsigned)isrv >> 4))
		return tpr;
	return (unsigned)isrv & 0xf0;
}

static uint32_t ldr(const struct vlapic *l)
{
	uint32_t id = l->cfg.id;

	/* x2APIC: cluster ID in 31:16, one bit of 16 in 15:0 (§11.12.10.2). */
	if (vlapic_x2apic(l))
		return ((id >> 4) << 16) | (1u << (id & 0xf));
	return l->reg[R_LDR];
}

/* ---- errors and acceptance ---------------------------------------------- */

static void set_irr(struct vlapic *l, uint8_t vector, bool level)
{
	vec_set(&l->reg[R_IRR], vector);
	l->irr_words |= (uint8_t)(1u << (vector >> 5));
	if (level)
		vec_set(&l->reg[R_TMR], vector);
	else
		vec_clear(&l->reg[R_TMR], vector);
}

/* An error was detected: latch it and raise the error LVT. A vector
 * below 16 in the error LVT is itself illegal: latched, not raised, so
 * nothing loops. */
static void raise_error(struct vlapic *l, uint32_t bit)
{
	uint32_t lvt = l->reg[R_LVT_ERROR];

	l->esr_pending |= bit;
	if (!(lvt & LVT_MASKED) && sw_enabled(l)) {
		uint8_t v = lvt & LVT_VECTOR;
		if (v >= 16)
			set_irr(l, v, false);
		else
			l->esr_pending |= ESR_RECV_ILLEGAL;
	}
}

static bool dest_matches(const struct vlapic *l, bool logical, uint32_t dest)
{
	uint32_t id = l->cfg.id;

	if (vlapic_x2apic(l)) {
		if (dest == 0xffffffffu)
			return true;
		if (!logical)
			return dest == id;
		/* Cluster in 31:16, members in 15:0 (§11.12.10.2). */
		return (dest >> 16) == (ldr(l) >> 16) && (dest & ldr(l) & 0xffff);
	}
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == (id & 0xff);
	if ((l->reg[R_DFR] >> 28) == 0xf)             /* flat model */
		return (dest & (ldr(l) >> 24)) != 0;
	/* cluster model: cluster in 7:4, members in 3:0 (§11.6.2.2) */
	return (dest >> 4) == (ldr(l) >> 28) && (dest & (ldr(l) >> 24) & 0xf);
}

/* The message is for this APIC: take it by delivery mode. */
static void take(struct vlapic *l, const struct apic_msg *m)
{
	switch (m->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (m->vector < 16) {
			l->stats.illegal_vectors++;
			raise_error(l, ESR_RECV_ILLEGAL);
			return;
		}
		if (!sw_enabled(l)) {
			l->stats.while_disabled++;
			return;
		}
		set_irr(l, m->vector, m->level);
		l->stats.accepted++;
		return;
	case APIC_DM_NMI:
		l->nmi_pending = true;
		l->stats.accepted++;
		return;
	case APIC_DM_EXTINT:
		l->extint_pending = true;
		l->stats.accepted++;
		return;
	default:                     /* SMI, INIT, SIPI, reserved */
		l->stats.dropped_modes++;
		return;
	}
}

bool vlapic_accept(struct vlapic *l, const struct apic_msg *m)
{
	if (!vlapic_enabled(l) || !dest_matches(l, m->logical, m->dest)) {
		l->stats.not_for_me++;
		return false;
	}
	take(l, m);
	return true;
}

void vlapic_lint(struct vlapic *l, unsigned pin, bool level)
{
	uint32_t lvt;
	bool rising;

	if (pin > 1)
		return;
	rising = level && !l->lint_level[pin];
	l->lint_level[pin] = level;
	lvt = l->reg[pin ? R_LVT_LINT1 : R_LVT_LINT0];
	if (!vlapic_enabled(l) || (lvt & LVT_MASKED))
		return;
	switch ((lvt & LVT_DM) >> LVT_DM_SHIFT) {
	case APIC_DM_EXTINT:
		l->extint_pending = level;     /* the 8259's INTR, as a level */
		break;
	case APIC_DM_NMI:
		if (rising)
			l->nmi_pending = true;
		break;
	case APIC_DM_FIXED:
		if (rising)
			take(l, &(struct apic_msg){ .vector = lvt & LVT_VECTOR,
			                            .delivery = APIC_DM_FIXED });
		break;
	default:
		l->stats.dropped_modes++;
		break;
	}
}

/* ---- delivery ------------------------------------------------------------ */

int vlapic_pending(const struct vlapic *l)
{
	int v;

	if (!vlapic_enabled(l))
		return -1;
	v = vec_highest(&l->reg[R_IRR]);
	if (v < 0 || ((unsigned)v >> 4) <= (ppr(l) >> 4))
		return -1;
	return v;
}

void vlapic_ack(struct vlapic *l, uint8_t vector)
{
	vec_clear(&l->reg[R_IRR], vector);
	if (!l->reg[R_IRR + (vector >> 5)])
		l->irr_words &= (uint8_t)~(1u << (vector >> 5));
	vec_set(&l->reg[R_ISR], vector);
	l->stats.injected++;
}

uint8_t vlapic_ack_extint(struct vlapic *l)
{
	l->extint_pending = false;
	l->stats.injected++;
	return l->ops->extint_ack(l->ctx);
}

static void eoi(struct vlapic *l)
{
	int v = vec_highest(&l->reg[R_ISR]);

	if (v < 0) {
		l->stats.stray_eois++;
		return;
	}
	vec_clear(&l->reg[R_ISR], (unsigned)v);
	l->stats.eois++;
	if (vec_test(&l->reg[R_TMR], (unsigned)v)) {
		vec_clear(&l->reg[R_TMR], (unsigned)v);
		l->ops->eoi_level(l->ctx, (uint8_t)v);
	}
}

/* ---- the IPI sender (ICR) -------------------------------------------------- */

static void send_ipi(struct vlapic *l, uint32_t lo, uint32_t dest)
{
	struct apic_msg m = {
		.vector = lo & 0xff,
		.delivery = (lo >> ICR_DM_SHIFT) & 7,
		.level = (lo & ICR_TRIGGER) != 0,
		.logical = (lo & ICR_LOGICAL) != 0,
		.dest = dest,
	};
	bool self = false, others = false;

	/* An INIT level de-assert is a no-op on every CPU since P4. */
	if (m.delivery == APIC_DM_INIT && m.level && !(lo & ICR_LEVEL_ASSERT))
		return;
	/* Delivery modes 011 and 111 are reserved in the ICR (§11.6.1
	 * Figure 11-12): ExtINT comes only from LINT0 or an I/O APIC, so an
	 * IPI must not run the 8259's INTA cycle. Nothing is sent. */
	if (m.delivery == 3 || m.delivery == APIC_DM_EXTINT) {
		l->stats.dropped_modes++;
		return;
	}
	if ((m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST) &&
	    m.vector < 16) {
		l->stats.illegal_vectors++;
		raise_error(l, ESR_SEND_ILLEGAL);
		return;
	}
	switch (ICR_SHORTHAND(lo)) {
	case 0:
		self = dest_matches(l, m.logical, dest);
		others = !self || dest == 0xffffffffu ||
		         (!vlapic_x2apic(l) && dest == 0xff);
		break;
	case 1:
		self = true;
		break;
	case 2:
		self = others = true;
		break;
	default:
		others = true;
		break;
	}
	if (others)
		l->stats.ipis_elsewhere++;
	if (self)
		take(l, &m);
}

/* ---- the timer ----------------------------------------------------------- */

static uint64_t divider(const struct vlapic *l)
{
	uint32_t d = l->reg[R_TDCR];
	unsigned v = (d & 3) | ((d >> 1) & 4);     /* bits 0, 1, 3 (§11.5.4) */

	return v == 7 ? 1 : 2ull << v;
}

static uint32_t timer_mode(const struct vlapic *l)
{
	return l->reg[R_LVT_TIMER] & LVT_TIMER_MODE;
}

static void timer_disarm(struct vlapic *l)
{
	l->timer_deadline = l->timer_start = l->timer_period = 0;
	l->tsc_deadline_msr = 0;
}

/* TMICT written in one-shot or periodic mode (§11.5.4). */
static void timer_arm(struct vlapic *l)
{
	uint64_t ticks = (uint64_t)l->reg[R_TMICT] * divider(l);
	uint64_t now = l->ops->now(l->ctx);

	timer_disarm(l);
	if (ticks == 0)
		return;
	if (timer_mode(l) == TIMER_PERIODIC) {
		if (ticks < l->min_period)
			ticks = l->min_period;
		l->timer_period = ticks;
	}
	l->timer_start = now;
	l->timer_deadline = now + ticks;
}

static uint32_t timer_current(const struct vlapic *l)
{
	uint64_t now, left;

	if (!l->timer_deadline || timer_mode(l) == TIMER_TSC_DL)
		return 0;
	now = l->ops->now(l->ctx);
	if (now < l->timer_deadline)
		left = l->timer_deadline - now;
	else if (l->timer_period)
		left = l->timer_period - (now - l->timer_start) % l->timer_period;
	else
		return 0;
	left /= divider(l);
	return left > l->reg[R_TMICT] ? l->reg[R_TMICT] : (uint32_t)left;
}

void vlapic_tick(struct vlapic *l, uint64_t now)
{
	uint32_t lvt = l->reg[R_LVT_TIMER];

	if (!l->timer_deadline || now < l->timer_deadline)
		return;
	l->stats.timer_fires++;
	if (l->timer_period) {
		/* Periods missed while the VM was not running coalesce into
		 * one interrupt, as a guest that had interrupts off sees. */
		uint64_t missed = (now - l->timer_deadline) / l->timer_period + 1;
		l->timer_deadline += missed * l->timer_period;
		l->timer_start = l->timer_deadline - l->timer_period;
	} else {
		timer_disarm(l);
	}
	if (!(lvt & LVT_MASKED) && sw_enabled(l) && vlapic_enabled(l)) {
		if ((lvt & LVT_VECTOR) < 16)
			raise_error(l, ESR_RECV_ILLEGAL);
		else
			set_irr(l, lvt & LVT_VECTOR, false);
	}
}

/* ---- register access (both views) ------------------------------------------ */

/* Read register r. x2: the x2APIC view (MSR), where a register that does
 * not exist or is write-only raises #GP (false). */
static bool reg_read(struct vlapic *l, unsigned r, bool x2, uint64_t *val)
{
	switch (r) {
	case R_ID:
		*val = x2 ? l->cfg.id : (l->cfg.id & 0xff) << 24;
		return true;
	case R_PPR:
		*val = ppr(l);
		return true;
	case R_LDR:
		*val = ldr(l);
		return true;
	case R_TMCCT:
		*val = timer_current(l);
		return true;
	case R_ICR_LO:
		*val = l->reg[R_ICR_LO] & ~ICR_BUSY;     /* always delivered */
		if (x2)
			*val |= (uint64_t)l->reg[R_ICR_HI] << 32;
		return true;
	case R_VER: case R_TPR: case R_SVR: case R_ESR: case R_LVT_CMCI:
	case R_LVT_TIMER: case R_LVT_THERMAL: case R_LVT_PERF:
	case R_LVT_LINT0: case R_LVT_LINT1: case R_LVT_ERROR:
	case R_TMICT: case R_TDCR:
		*val = l->reg[r];
		return true;
	case R_DFR: case R_ICR_HI: case R_APR: case R_RRD:
		if (x2)
			return false;
		*val = (r == R_DFR || r == R_ICR_HI) ? l->reg[r] : 0;
		return true;
	default:
		if (r >= R_ISR && r < R_IRR + 8) {
			*val = l->reg[r];
			return true;
		}
		if (x2)
			return false;             /* EOI, SELF_IPI, reserved */
		*val = 0;
		if (is_reserved(r)) {
			l->stats.bad_accesses++;
			raise_error(l, ESR_ILLEGAL_REG);
		}
		return true;
	}
}

/* Write register r; false = #GP in the x2APIC view (reserved bits,
 * read-only or missing registers). The xAPIC view drops such writes. */
static bool reg_write(struct vlapic *l, unsigned r, bool x2, uint64_t val)
{
	uint32_t v = (uint32_t)val;

	if (x2 && r != R_ICR_LO && (val >> 32))
		return false;
	switch (r) {
	case R_TPR:
		if (x2 && (v & ~0xffu))
			return false;
		l->reg[R_TPR] = v & 0xff;
		return true;
	case R_EOI:
		if (x2 && v)
			return false;
		eoi(l);
		return true;
	case R_LDR:
		if (x2)
			return false;
		l->reg[R_LDR] = v & 0xff000000u;
		return true;
	case R_DFR:
		if (x2)
			return false;
		l->reg[R_DFR] = v | 0x0fffffffu;
		return true;
	case R_SVR:
		if (x2 && (v & ~(0xffu | SVR_ENABLE | SVR_FOCUS)))
			return false;
		l->reg[R_SVR] = v & (0xffu | SVR_ENABLE | SVR_FOCUS);
		if (!sw_enabled(l)) {        /* every LVT masked (§11.4.7.2) */
			unsigned i;
			for (i = 0; i < VLAPIC_REGS; i++)
				if (is_lvt(i))
					l->reg[i] |= LVT_MASKED;
		}
		return true;
	case R_ESR:
		if (x2 && v)
			return false;
		l->reg[R_ESR] = l->esr_pending;
		l->esr_pending = 0;
		return true;
	case R_ICR_LO:
		if (x2) {
			if (v & ~ICR_LO_BITS)
				return false;
			l->reg[R_ICR_HI] = (uint32_t)(val >> 32);
		}
		l->reg[R_ICR_LO] = v & ICR_LO_BITS;
		send_ipi(l, v, x2 ? l->reg[R_ICR_HI] : l->reg[R_ICR_HI] >> 24);
		return true;
	case R_ICR_HI:
		if (x2)
			return false;
		l->reg[R_ICR_HI] = v & 0xff000000u;
		return true;
	case R_TMICT:
		l->reg[R_TMICT] = v;
		if (timer_mode(l) != TIMER_TSC_DL)
			timer_arm(l);
		return true;
	case R_TDCR:
		if (x2 && (v & ~0xbu))
			return false;
		l->reg[R_TDCR] = v & 0xb;
		return true;
	case R_SELF_IPI:
		if (!x2)
			break;
		if (v & ~0xffu)
			return false;
		/* A fixed IPI to itself: a vector below 16 is a send error
		 * (§11.12.11, §11.5.3), as in the ICR. */
		send_ipi(l, ICR_TO_SELF | v, 0);
		return true;
	default:
		if (is_lvt(r)) {
			uint32_t w = lvt_writable(r), old = l->reg[r];
			if (r == R_LVT_TIMER && !l->cfg.tsc_deadline)
				w &= ~TIMER_TSC_DL;
			/* Delivery status (12) and remote IRR (14) are
			 * read-only: writing them back is no error. */
			if (x2 && (v & ~w & ~((1u << 12) | (1u << 14))))
				return false;
			v &= w;
			if (!sw_enabled(l))
				v |= LVT_MASKED;
			l->reg[r] = v | (old & ~w & (1u << 14));  /* keep remote IRR */
			if (r == R_LVT_TIMER &&
			    (old & LVT_TIMER_MODE) != (v & LVT_TIMER_MODE))
				timer_disarm(l);      /* a mode switch disarms (§11.5.4.1) */
			return true;
		}
		break;
	}
	/* ID, version, PPR, ISR/TMR/IRR, current count: read-only, the
	 * write is dropped; a reserved offset is also an error. */
	if (x2)
		return false;
	l->stats.bad_accesses++;
	if (is_reserved(r))
		raise_error(l, ESR_ILLEGAL_REG);
	return true;
}

/* ---- the two views ------------------------------------------------------- */

bool vlapic_mmio(void *arg, uint64_t off, unsigned size, bool write,
                 uint64_t *val)
{
	struct vlapic *l = arg;
	unsigned r = (unsigned)(off >> 4);

	/* Registers are 32 bits at 16-byte boundaries (§11.4.1); anything
	 * else reads 0 and writes nothing. */
	if (size != 4 || (off & 0xf) || off >= VLAPIC_REGS * 16 ||
	    vlapic_page_gpa(l) == 0) {
		l->stats.bad_accesses++;
		if (!write)
			*val = 0;
		return true;
	}
	if (write)
		return reg_write(l, r, false, *val & 0xffffffffu);
	return reg_read(l, r, false, val);
}

uint64_t vlapic_get_cr8(const struct vlapic *l)
{
	return (l->reg[R_TPR] >> 4) & 0xf;
}

void vlapic_set_cr8(struct vlapic *l, uint64_t cr8)
{
	l->reg[R_TPR] = (uint32_t)(cr8 & 0xf) << 4;
}

/* IA32_APIC_BASE (§11.4.4, transitions §11.12.5). */
static bool write_base(struct vlapic *l, uint64_t val)
{
	uint64_t reserved = 0x2ffull | ~((1ull << l->cfg.maxphyaddr) - 1);
	bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;
	uint64_t old_page = vlapic_page_gpa(l);

	if (!l->cfg.x2apic)
		reserved |= APIC_BASE_EXTD;
	if ((val & reserved & ~APIC_BASE_BSP) || (extd && !en))
		return false;
	if (vlapic_x2apic(l) && en && !extd)
		return false;                      /* x2APIC -> xAPIC */
	if (!vlapic_enabled(l) && extd)
		return false;                      /* disabled -> x2APIC */
	if (vlapic_enabled(l) && !en) {            /* off: power-up state */
		reset_regs(l);
		l->lint_level[0] = l->lint_level[1] = false;
	}
	l->base = (val & ~APIC_BASE_BSP) | (l->base & APIC_BASE_BSP);
	if (old_page != vlapic_page_gpa(l))
		l->ops->page_moved(l->ctx, old_page, vlapic_page_gpa(l));
	return true;
}

bool vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t *val)
{
	if (msr == 0x1b) {                         /* IA32_APIC_BASE */
		*val = l->base;
		return true;
	}
	if (msr == MSR_TSC_DEADLINE) {
		if (!l->cfg.tsc_deadline)
			return false;
		*val = timer_mode(l) == TIMER_TSC_DL ? l->tsc_deadline_msr : 0;
		return true;
	}
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
	    !vlapic_x2apic(l) || msr - MSR_X2APIC_FIRST >= VLAPIC_REGS)
		return false;
	return reg_read(l, msr - MSR_X2APIC_FIRST, true, val);
}

bool vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val)
{
	if (msr == 0x1b)
		return write_base(l, val);
	if (msr == MSR_TSC_DEADLINE) {
		if (!l->cfg.tsc_deadline)
			return false;
		/* Ignored outside TSC-deadline mode (§11.5.4.1). */
		if (timer_mode(l) == TIMER_TSC_DL) {
			l->tsc_deadline_msr = val;
			l->timer_period = 0;
			l->timer_deadline = val;
		}
		return true;
	}
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
	    !vlapic_x2apic(l) || msr - MSR_X2APIC_FIRST >= VLAPIC_REGS)
		return false;
	return reg_write(l, msr - MSR_X2APIC_FIRST, true, val);
}
