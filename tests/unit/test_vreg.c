/*
 * tests/unit/test_vreg.c — unit tests of gpu/vreg.c, the vGPU register
 * file. A small descriptor table stands in for the Gen9 one: a plain
 * register pair, a register with read-only bits, three masked registers
 * (GEN9-FACTS §4, §5) — the render engine's MI_MODE at 0x209c (MODE_IDLE,
 * bit 9, read-only and made to follow STOP_RING, bit 8, by a write hook),
 * its RING_MODE_GEN7 at 0x229c and FORCEWAKE_RENDER_GEN9 at 0xa278 — the
 * 32 fence register pairs at 0x100000 (GEN9-FACTS §3) behind a
 * write hook that drops writes to fences the vGPU does not own, and an
 * ack register at 0x130044 behind a read hook. Every expected value below
 * is worked out by hand from those descriptors.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/vreg.h"

#define REPORTED_BYTES (VREG_DWORDS / 8)

#define PLAIN_LO     0x2000u     /* reset 0x12345678 */
#define PLAIN_HI     0x2004u     /* reset 0x9abcdef0 */
#define RO_REG       0x2030u     /* reset 0xabcd0000, ro_mask 0xffff000f */
#define MI_MODE      0x209cu     /* masked, ro bit 9, write hook */
#define RING_MODE    0x229cu     /* masked, reset 0 */
#define FW_RENDER    0xa278u     /* masked, reset 0xffff0002: stores 0x2 */
#define FENCE_BASE   0x100000u   /* 32 x {lo, hi}, write hook */
#define FENCE_DWORDS 64u
#define FENCE_END    (FENCE_BASE + 4 * FENCE_DWORDS)   /* 0x100100 */
#define ACK_REG      0x130044u   /* read hook */
#define UNKNOWN_A    0x4000u     /* no descriptor */
#define UNKNOWN_B    0x2034u     /* no descriptor, right after RO_REG */
#define UNKNOWN_C    0x2298u     /* no descriptor, right before RING_MODE */

#define STOP_RING    (1u << 8)
#define MODE_IDLE    (1u << 9)

#define MAX_REPORTS 32

/* The owner the hooks and the unknown-offset callback see. */
struct owner {
	unsigned fences;              /* fences this vGPU owns */
	unsigned fence_writes;        /* write hook calls */
	unsigned fence_dropped;       /* of which dropped */
	uint32_t hook_off, hook_old, hook_value;   /* last write hook call */
	unsigned mi_mode_writes;      /* MI_MODE write hook calls */
	uint32_t mi_mode_extra;       /* bits the MI_MODE hook adds */
	uint32_t ack_bits;            /* what the read hook ORs in */
	unsigned ack_reads;
	uint32_t ack_off, ack_stored; /* last read hook call */
	unsigned nreports;
	uint32_t report_off[MAX_REPORTS];
	bool report_write[MAX_REPORTS];
	void *report_owner;
};

static uint32_t fence_write(void *owner, uint32_t off, uint32_t old,
                            uint32_t value)
{
	struct owner *o = owner;
	uint32_t fence = (off - FENCE_BASE) / 8;

	o->fence_writes++;
	o->hook_off = off;
	o->hook_old = old;
	o->hook_value = value;
	if (fence >= o->fences) {
		o->fence_dropped++;
		return old;
	}
	return value;
}

/* MODE_IDLE follows STOP_RING: the ring stops at once. */
static uint32_t mi_mode_write(void *owner, uint32_t off, uint32_t old,
                              uint32_t value)
{
	struct owner *o = owner;

	(void)off;
	(void)old;
	o->mi_mode_writes++;
	value &= ~MODE_IDLE;
	if (value & STOP_RING)
		value |= MODE_IDLE;
	return value | o->mi_mode_extra;
}

static uint32_t ack_read(void *owner, uint32_t off, uint32_t stored)
{
	struct owner *o = owner;

	o->ack_reads++;
	o->ack_off = off;
	o->ack_stored = stored;
	return stored | o->ack_bits;
}

static void unknown_report(void *owner, uint32_t off, bool write)
{
	struct owner *o = owner;

	if (o->nreports < MAX_REPORTS) {
		o->report_off[o->nreports] = off;
		o->report_write[o->nreports] = write;
	}
	o->nreports++;
	o->report_owner = owner;
}

static const struct vreg_desc table[] = {
	{ PLAIN_LO, 1, 0x12345678u, 0, 0, NULL, NULL, "plain_lo" },
	{ PLAIN_HI, 1, 0x9abcdef0u, 0, 0, NULL, NULL, "plain_hi" },
	{ RO_REG, 1, 0xabcd0000u, 0xffff000fu, 0, NULL, NULL, "ro" },
	{ MI_MODE, 1, 0, MODE_IDLE, VREG_MASKED, NULL, mi_mode_write, "mi_mode" },
	{ RING_MODE, 1, 0, 0, VREG_MASKED, NULL, NULL, "ring_mode" },
	{ FW_RENDER, 1, 0xffff0002u, 0, VREG_MASKED, NULL, NULL, "fw_render" },
	{ FENCE_BASE, FENCE_DWORDS, 0, 0, 0, NULL, fence_write, "fence" },
	{ ACK_REG, 1, 0x00000100u, 0, 0, ack_read, NULL, "ack" },
};
#define NDESC (sizeof table / sizeof table[0])
#define FENCE_DESC 6
#define ACK_DESC   7

static struct vreg_file f;
static struct owner own;
static uint32_t *regs;
static uint8_t *reported;

static int setup(void **state)
{
	(void)state;
	regs = calloc(VREG_DWORDS, sizeof(uint32_t));
	reported = calloc(REPORTED_BYTES, 1);
	if (regs == NULL || reported == NULL)
		return -1;
	memset(&own, 0, sizeof own);
	own.fences = 4;
	memset(&f, 0xa5, sizeof f);
	return vreg_init(&f, regs, reported, table, NDESC, &own,
	                 unknown_report) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(regs);
	free(reported);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static uint64_t rd(uint32_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(vreg_read(&f, off, size, &v));
	return v;
}

static void wr(uint32_t off, unsigned size, uint64_t v)
{
	assert_true(vreg_write(&f, off, size, v));
}

static bool is_reported(uint32_t off)
{
	return (reported[off / 32] >> ((off / 4) % 8)) & 1;
}

static unsigned reported_bits(void)
{
	unsigned i, n = 0;

	for (i = 0; i < REPORTED_BYTES; i++)
		n += (unsigned)__builtin_popcount(reported[i]);
	return n;
}

/* Every descriptor's reset value as stored (masked: bits 15:0 only), all
 * other dwords 0. */
static void assert_reset_state(void)
{
	uint32_t i;
	unsigned nonzero = 0;

	assert_int_equal(regs[PLAIN_LO / 4], 0x12345678u);
	assert_int_equal(regs[PLAIN_HI / 4], 0x9abcdef0u);
	assert_int_equal(regs[RO_REG / 4], 0xabcd0000u);
	assert_int_equal(regs[MI_MODE / 4], 0);
	assert_int_equal(regs[RING_MODE / 4], 0);
	assert_int_equal(regs[FW_RENDER / 4], 0x00000002u);
	for (i = 0; i < FENCE_DWORDS; i++)
		assert_int_equal(regs[FENCE_BASE / 4 + i], 0);
	assert_int_equal(regs[ACK_REG / 4], 0x00000100u);
	for (i = 0; i < VREG_DWORDS; i++)
		if (regs[i] != 0)
			nonzero++;
	assert_int_equal(nonzero, 5);   /* plain x2, ro, fw_render, ack */
}

/* ---- init and reset -------------------------------------------------- */

static void test_init_reset_values(void **state)
{
	(void)state;
	assert_reset_state();
	assert_ptr_equal(f.regs, regs);
	assert_ptr_equal(f.reported, reported);
	assert_ptr_equal(f.desc, table);
	assert_int_equal(f.ndesc, NDESC);
	assert_ptr_equal(f.owner, &own);
	assert_ptr_equal(f.unknown, unknown_report);
	assert_int_equal(f.unknown_reads, 0);
	assert_int_equal(f.unknown_writes, 0);
	assert_int_equal(reported_bits(), 0);
	/* through the access path: masked bits 31:16 read as 0 */
	assert_int_equal(rd(FW_RENDER, 4), 0x00000002u);
	assert_int_equal(rd(RO_REG, 4), 0xabcd0000u);
}

static void test_init_clears_old_contents(void **state)
{
	(void)state;
	memset(regs, 0xa5, VREG_DWORDS * sizeof(uint32_t));
	memset(reported, 0xff, REPORTED_BYTES);
	f.unknown_reads = 7;
	f.unknown_writes = 9;
	assert_true(vreg_init(&f, regs, reported, table, NDESC, &own,
	                      unknown_report));
	assert_reset_state();
	assert_int_equal(reported_bits(), 0);
	assert_int_equal(f.unknown_reads, 0);
	assert_int_equal(f.unknown_writes, 0);
}

static void test_reset_restores_values_keeps_counters(void **state)
{
	(void)state;
	wr(PLAIN_LO, 4, 0x11111111u);
	wr(RO_REG, 4, 0xffffffffu);
	wr(RING_MODE, 4, 0x00010001u);
	wr(FW_RENDER, 4, 0xffff0000u);
	wr(FENCE_BASE, 8, 0x0000100000001001ull);
	wr(UNKNOWN_A, 4, 0xcafef00du);
	(void)rd(UNKNOWN_B, 4);
	assert_int_equal(regs[UNKNOWN_A / 4], 0xcafef00du);

	vreg_reset(&f);
	assert_reset_state();
	assert_int_equal(f.unknown_reads, 1);
	assert_int_equal(f.unknown_writes, 1);
	assert_true(is_reported(UNKNOWN_A));
	assert_true(is_reported(UNKNOWN_B));
	assert_int_equal(reported_bits(), 2);
	assert_int_equal(own.nreports, 2);
	/* still reported: no second report after reset */
	wr(UNKNOWN_A, 4, 1);
	assert_int_equal(own.nreports, 2);
}

static void test_init_without_descriptors(void **state)
{
	uint32_t i;

	(void)state;
	assert_true(vreg_init(&f, regs, reported, NULL, 0, &own, NULL));
	for (i = 0; i < VREG_DWORDS; i++)
		assert_int_equal(regs[i], 0);
	assert_null(vreg_find(&f, PLAIN_LO));
	wr(PLAIN_LO, 4, 5);
	assert_int_equal(rd(PLAIN_LO, 4), 5);
	assert_int_equal(f.unknown_writes, 1);
	assert_int_equal(f.unknown_reads, 1);
	assert_int_equal(own.nreports, 0);   /* no callback */
	assert_true(is_reported(PLAIN_LO));
}

/* ---- plain registers, every width ------------------------------------ */

static void test_plain_reads_every_width(void **state)
{
	(void)state;
	assert_int_equal(rd(PLAIN_LO, 4), 0x12345678u);
	assert_int_equal(rd(PLAIN_LO + 0, 2), 0x5678u);
	assert_int_equal(rd(PLAIN_LO + 1, 2), 0x3456u);
	assert_int_equal(rd(PLAIN_LO + 2, 2), 0x1234u);
	assert_int_equal(rd(PLAIN_LO + 0, 1), 0x78u);
	assert_int_equal(rd(PLAIN_LO + 1, 1), 0x56u);
	assert_int_equal(rd(PLAIN_LO + 2, 1), 0x34u);
	assert_int_equal(rd(PLAIN_LO + 3, 1), 0x12u);
	assert_int_equal(rd(PLAIN_HI, 4), 0x9abcdef0u);
	assert_int_equal(f.unknown_reads, 0);
}

static void test_plain_writes_every_width(void **state)
{
	(void)state;
	wr(PLAIN_LO, 4, 0xa1b2c3d4u);
	assert_int_equal(rd(PLAIN_LO, 4), 0xa1b2c3d4u);
	wr(PLAIN_LO + 2, 2, 0xeeff);
	assert_int_equal(rd(PLAIN_LO, 4), 0xeeffc3d4u);
	wr(PLAIN_LO + 0, 2, 0x0102);
	assert_int_equal(rd(PLAIN_LO, 4), 0xeeff0102u);
	wr(PLAIN_LO + 1, 2, 0x7788);
	assert_int_equal(rd(PLAIN_LO, 4), 0xee778802u);
	wr(PLAIN_LO + 3, 1, 0x55);
	assert_int_equal(rd(PLAIN_LO, 4), 0x55778802u);
	wr(PLAIN_LO + 0, 1, 0x66);
	assert_int_equal(rd(PLAIN_LO, 4), 0x55778866u);
	/* bits above the access size are ignored */
	wr(PLAIN_LO + 2, 1, 0xffffff99u);
	assert_int_equal(rd(PLAIN_LO, 4), 0x55998866u);
	wr(PLAIN_LO, 4, 0xffffffff00000000ull);
	assert_int_equal(rd(PLAIN_LO, 4), 0);
	assert_int_equal(rd(PLAIN_HI, 4), 0x9abcdef0u);   /* neighbour intact */
	assert_int_equal(f.unknown_writes, 0);
	assert_int_equal(f.unknown_reads, 0);
	assert_int_equal(own.nreports, 0);
}

/* ---- read-only bits --------------------------------------------------- */

static void test_ro_mask(void **state)
{
	(void)state;
	wr(RO_REG, 4, 0xffffffffu);
	assert_int_equal(rd(RO_REG, 4), 0xabcdfff0u);
	wr(RO_REG, 4, 0);
	assert_int_equal(rd(RO_REG, 4), 0xabcd0000u);
	wr(RO_REG, 4, 0x12345678u);
	assert_int_equal(rd(RO_REG, 4), 0xabcd5670u);
	/* narrow writes: the read-only upper half cannot change */
	wr(RO_REG + 2, 2, 0x0000);
	assert_int_equal(rd(RO_REG, 4), 0xabcd5670u);
	wr(RO_REG + 0, 1, 0xff);
	assert_int_equal(rd(RO_REG, 4), 0xabcd56f0u);
	assert_int_equal(f.unknown_writes, 0);
}

/* ---- masked registers (GEN9-FACTS §4) ------------------------------- */

static void test_masked_set_clear(void **state)
{
	(void)state;
	assert_int_equal(rd(RING_MODE, 4), 0);
	wr(RING_MODE, 4, 0x00010001u);              /* set bit 0 */
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
	wr(RING_MODE, 4, 0x00000001u);              /* no mask: nothing */
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
	wr(RING_MODE, 4, 0x00000000u);
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
	wr(RING_MODE, 4, 0x00010000u);              /* clear bit 0 */
	assert_int_equal(rd(RING_MODE, 4), 0);
	wr(RING_MODE, 4, 0x00000001u);              /* no mask: nothing */
	assert_int_equal(rd(RING_MODE, 4), 0);
	wr(RING_MODE, 4, 0xffffffffu);              /* set all 16 */
	assert_int_equal(rd(RING_MODE, 4), 0x0000ffffu);
	assert_int_equal(rd(RING_MODE + 2, 2), 0);  /* bits 31:16 read 0 */
	assert_int_equal(rd(RING_MODE + 3, 1), 0);
	assert_int_equal(regs[RING_MODE / 4], 0x0000ffffu);
	wr(RING_MODE, 4, 0x00280020u);              /* bits 3, 5 selected: 5 set */
	assert_int_equal(rd(RING_MODE, 4), 0x0000fff7u);
	wr(RING_MODE, 4, 0xffff0000u);              /* clear all */
	assert_int_equal(rd(RING_MODE, 4), 0);
	assert_int_equal(f.unknown_writes, 0);
}

static void test_masked_narrow_writes(void **state)
{
	(void)state;
	wr(RING_MODE, 4, 0x00010001u);
	/* low half only: mask bits are the stored (zero) upper half */
	wr(RING_MODE, 2, 0xfffe);
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
	wr(RING_MODE + 1, 1, 0xff);
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
	/* upper half only: values are the stored low half, nothing changes */
	wr(RING_MODE + 2, 2, 0xffff);
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
	wr(RING_MODE + 3, 1, 0xff);
	assert_int_equal(rd(RING_MODE, 4), 0x00000001u);
}

static void test_masked_reset_keeps_low_half(void **state)
{
	(void)state;
	/* reset 0xffff0002: only bits 15:0 are stored */
	assert_int_equal(rd(FW_RENDER, 4), 0x00000002u);
	wr(FW_RENDER, 4, 0x00010001u);
	assert_int_equal(rd(FW_RENDER, 4), 0x00000003u);
	wr(FW_RENDER, 4, 0x00020000u);
	assert_int_equal(rd(FW_RENDER, 4), 0x00000001u);
	vreg_reset(&f);
	assert_int_equal(rd(FW_RENDER, 4), 0x00000002u);
}

static void test_masked_with_ro_bit_and_hook(void **state)
{
	(void)state;
	wr(MI_MODE, 4, (STOP_RING << 16) | STOP_RING);     /* stop the ring */
	assert_int_equal(rd(MI_MODE, 4), STOP_RING | MODE_IDLE);
	/* MODE_IDLE is read-only for the guest, masked or not */
	wr(MI_MODE, 4, MODE_IDLE << 16);
	assert_int_equal(rd(MI_MODE, 4), STOP_RING | MODE_IDLE);
	wr(MI_MODE, 4, STOP_RING << 16);                   /* restart */
	assert_int_equal(rd(MI_MODE, 4), 0);
	wr(MI_MODE, 4, (MODE_IDLE << 16) | MODE_IDLE);
	assert_int_equal(rd(MI_MODE, 4), 0);
	assert_int_equal(own.mi_mode_writes, 4);
	/* whatever the hook returns, bits 31:16 of a masked register stay 0 */
	own.mi_mode_extra = 0xffff0000u;
	wr(MI_MODE, 4, (STOP_RING << 16) | STOP_RING);
	assert_int_equal(regs[MI_MODE / 4], STOP_RING | MODE_IDLE);
	assert_int_equal(rd(MI_MODE, 4), STOP_RING | MODE_IDLE);
	assert_int_equal(own.mi_mode_writes, 5);
}

/* ---- hooks ------------------------------------------------------------ */

static void test_fence_hook_drops_unowned(void **state)
{
	unsigned i;

	(void)state;
	/* fences 0..3 owned: both dwords stored */
	for (i = 0; i < 4; i++) {
		wr(FENCE_BASE + 8 * i, 4, 0x00100001u + i);
		wr(FENCE_BASE + 8 * i + 4, 4, 0x001ff000u + i);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(rd(FENCE_BASE + 8 * i, 4), 0x00100001u + i);
		assert_int_equal(rd(FENCE_BASE + 8 * i + 4, 4), 0x001ff000u + i);
	}
	assert_int_equal(own.fence_writes, 8);
	assert_int_equal(own.fence_dropped, 0);
	/* fence 4 (first not owned): both dwords dropped */
	wr(FENCE_BASE + 32, 4, 0x00200001u);
	wr(FENCE_BASE + 36, 4, 0x002ff000u);
	assert_int_equal(rd(FENCE_BASE + 32, 8), 0);
	assert_int_equal(own.fence_writes, 10);
	assert_int_equal(own.fence_dropped, 2);
	/* the last dword of the range (fence 31 hi) */
	wr(FENCE_END - 4, 4, 0xffffffffu);
	assert_int_equal(rd(FENCE_END - 4, 4), 0);
	assert_int_equal(own.hook_off, FENCE_END - 4);
	assert_int_equal(own.fence_dropped, 3);
	/* an 8-byte write: two hook calls, low then high */
	wr(FENCE_BASE + 24, 8, 0x003ff00000300001ull);
	assert_int_equal(rd(FENCE_BASE + 24, 8), 0x003ff00000300001ull);
	assert_int_equal(own.fence_writes, 13);
	assert_int_equal(own.hook_off, FENCE_BASE + 28);
	assert_int_equal(own.hook_old, 0x001ff003u);
	assert_int_equal(own.hook_value, 0x003ff000u);
	assert_int_equal(f.unknown_writes, 0);
	assert_int_equal(f.unknown_reads, 0);
}

static void test_write_hook_sees_composed_value(void **state)
{
	(void)state;
	wr(FENCE_BASE + 8, 4, 0x11223344u);
	/* a 1-byte write at byte 2: the hook gets the dword offset, the old
	 * dword and the old dword with that byte replaced */
	wr(FENCE_BASE + 10, 1, 0xaa);
	assert_int_equal(own.hook_off, FENCE_BASE + 8);
	assert_int_equal(own.hook_old, 0x11223344u);
	assert_int_equal(own.hook_value, 0x11aa3344u);
	assert_int_equal(rd(FENCE_BASE + 8, 4), 0x11aa3344u);
	/* a dropped 2-byte write to fence 5 */
	wr(FENCE_BASE + 42, 2, 0xbeef);
	assert_int_equal(own.hook_off, FENCE_BASE + 40);
	assert_int_equal(own.hook_old, 0);
	assert_int_equal(own.hook_value, 0xbeef0000u);
	assert_int_equal(rd(FENCE_BASE + 40, 4), 0);
	assert_int_equal(own.fence_dropped, 1);
}

static void test_read_hook(void **state)
{
	(void)state;
	own.ack_bits = 0x00000003u;
	assert_int_equal(rd(ACK_REG, 4), 0x00000103u);
	assert_int_equal(own.ack_reads, 1);
	assert_int_equal(own.ack_off, ACK_REG);
	assert_int_equal(own.ack_stored, 0x00000100u);
	/* narrow reads take their bytes from the hook's dword */
	assert_int_equal(rd(ACK_REG + 1, 1), 0x01u);
	assert_int_equal(own.ack_off, ACK_REG);
	assert_int_equal(rd(ACK_REG, 2), 0x0103u);
	assert_int_equal(own.ack_reads, 3);
	/* writes store; the hook is not called and sees the new value */
	wr(ACK_REG, 4, 0x00008000u);
	assert_int_equal(own.ack_reads, 3);
	assert_int_equal(regs[ACK_REG / 4], 0x00008000u);
	assert_int_equal(rd(ACK_REG, 4), 0x00008003u);
	assert_int_equal(own.ack_stored, 0x00008000u);
	/* a narrow write composes with the stored dword, not the hooked one */
	wr(ACK_REG + 1, 1, 0x00);
	assert_int_equal(regs[ACK_REG / 4], 0x00000000u);
	assert_int_equal(f.unknown_reads, 0);
}

/* ---- offsets without a descriptor ------------------------------------ */

static void test_unknown_every_width(void **state)
{
	(void)state;
	assert_int_equal(rd(UNKNOWN_A, 4), 0);
	wr(UNKNOWN_A, 4, 0x89abcdefu);
	assert_int_equal(rd(UNKNOWN_A, 4), 0x89abcdefu);
	assert_int_equal(rd(UNKNOWN_A + 1, 2), 0xabcdu);
	assert_int_equal(rd(UNKNOWN_A + 3, 1), 0x89u);
	wr(UNKNOWN_A + 2, 2, 0x0102);
	wr(UNKNOWN_A + 0, 1, 0x03);
	assert_int_equal(rd(UNKNOWN_A, 4), 0x0102cd03u);
	wr(UNKNOWN_A, 8, 0x1122334455667788ull);
	assert_int_equal(rd(UNKNOWN_A, 8), 0x1122334455667788ull);
	assert_int_equal(rd(UNKNOWN_A + 4, 4), 0x11223344u);
	/* reads: 4,4,2,1,4, 8 (two), 4 */
	assert_int_equal(f.unknown_reads, 8);
	/* writes: 4, 2, 1, 8 (two) */
	assert_int_equal(f.unknown_writes, 5);
	/* one report per dword offset: A on its first read, A+4 on the
	 * 8-byte write */
	assert_int_equal(own.nreports, 2);
	assert_int_equal(own.report_off[0], UNKNOWN_A);
	assert_false(own.report_write[0]);
	assert_int_equal(own.report_off[1], UNKNOWN_A + 4);
	assert_true(own.report_write[1]);
	assert_ptr_equal(own.report_owner, &own);
	assert_int_equal(reported_bits(), 2);
}

static void test_unknown_reported_once_per_dword(void **state)
{
	(void)state;
	/* write first: one report, of a write */
	wr(UNKNOWN_B + 2, 1, 0x7f);
	wr(UNKNOWN_B, 4, 1);
	(void)rd(UNKNOWN_B, 4);
	(void)rd(UNKNOWN_B + 3, 1);
	/* read first: one report, of a read */
	(void)rd(0x8000 + 2, 2);
	wr(0x8000, 4, 2);
	(void)rd(0x8000, 4);
	/* the last dword of the range */
	wr(VREG_MMIO_SIZE - 1, 1, 0x5a);
	assert_int_equal(rd(VREG_MMIO_SIZE - 4, 4), 0x5a000000u);
	assert_int_equal(own.nreports, 3);
	assert_int_equal(own.report_off[0], UNKNOWN_B);
	assert_true(own.report_write[0]);
	assert_int_equal(own.report_off[1], 0x8000);
	assert_false(own.report_write[1]);
	assert_int_equal(own.report_off[2], VREG_MMIO_SIZE - 4);
	assert_true(own.report_write[2]);
	assert_int_equal(f.unknown_writes, 4);
	assert_int_equal(f.unknown_reads, 5);
	assert_true(is_reported(UNKNOWN_B));
	assert_true(is_reported(0x8000));
	assert_true(is_reported(VREG_MMIO_SIZE - 4));
	assert_false(is_reported(UNKNOWN_B + 4));
	assert_int_equal(reported_bits(), 3);
	/* registers with a descriptor are never reported */
	(void)rd(PLAIN_LO, 4);
	wr(PLAIN_LO, 4, 0);
	assert_false(is_reported(PLAIN_LO));
	assert_int_equal(own.nreports, 3);
}

/* ---- 8-byte accesses -------------------------------------------------- */

static void test_8byte_two_descriptors(void **state)
{
	(void)state;
	assert_int_equal(rd(PLAIN_LO, 8), 0x9abcdef012345678ull);
	wr(PLAIN_LO, 8, 0x0123456789abcdefull);
	assert_int_equal(rd(PLAIN_LO, 4), 0x89abcdefu);
	assert_int_equal(rd(PLAIN_HI, 4), 0x01234567u);
	/* RO_REG low, unknown high */
	wr(RO_REG, 8, 0xffffffffffffffffull);
	assert_int_equal(rd(RO_REG, 8), 0xffffffffabcdfff0ull);
	assert_int_equal(f.unknown_writes, 1);
	assert_int_equal(f.unknown_reads, 1);
	assert_int_equal(own.nreports, 1);
	assert_int_equal(own.report_off[0], UNKNOWN_B);
	assert_true(own.report_write[0]);
}

static void test_8byte_unknown_and_masked(void **state)
{
	(void)state;
	/* unknown low (0x2298), masked high (RING_MODE) */
	assert_int_equal(rd(UNKNOWN_C, 8), 0);
	assert_int_equal(own.nreports, 1);
	assert_int_equal(own.report_off[0], UNKNOWN_C);
	assert_false(own.report_write[0]);
	wr(UNKNOWN_C, 8, 0x00010001deadbeefull);
	assert_int_equal(rd(UNKNOWN_C, 8), 0x00000001deadbeefull);
	assert_int_equal(rd(RING_MODE, 4), 1);
	assert_int_equal(f.unknown_reads, 2);
	assert_int_equal(f.unknown_writes, 1);
	assert_int_equal(own.nreports, 1);
	/* 8-byte access need only be dword aligned: fence 0 hi + fence 1 lo */
	wr(FENCE_BASE + 4, 8, 0x0000200100001000ull);
	assert_int_equal(rd(FENCE_BASE, 4), 0);
	assert_int_equal(rd(FENCE_BASE + 4, 4), 0x00001000u);
	assert_int_equal(rd(FENCE_BASE + 8, 4), 0x00002001u);
	assert_int_equal(rd(FENCE_BASE + 4, 8), 0x0000200100001000ull);
}

/* ---- invalid accesses ------------------------------------------------- */

struct bad_access {
	uint32_t off;
	unsigned size;
};

static const struct bad_access bad_accesses[] = {
	{ PLAIN_LO, 0 }, { PLAIN_LO, 3 }, { PLAIN_LO, 5 }, { PLAIN_LO, 16 },
	{ UNKNOWN_A, 3 }, { UNKNOWN_A, 6 },
	{ PLAIN_LO + 1, 4 }, { PLAIN_LO + 2, 4 }, { UNKNOWN_A + 3, 4 },
	{ PLAIN_LO + 2, 8 }, { UNKNOWN_A + 1, 8 },
	{ PLAIN_LO + 3, 2 }, { UNKNOWN_A + 3, 2 },
	{ VREG_MMIO_SIZE, 1 }, { VREG_MMIO_SIZE, 4 },
	{ VREG_MMIO_SIZE - 4, 8 }, { VREG_MMIO_SIZE + 0x1000, 4 },
	{ 0xfffffffcu, 4 }, { 0xffffffffu, 1 }, { 0xfffffff8u, 8 },
};

static void test_invalid_accesses_rejected(void **state)
{
	uint32_t *snapshot = malloc(VREG_DWORDS * sizeof(uint32_t));
	struct owner own_before;
	unsigned i;

	(void)state;
	assert_non_null(snapshot);
	wr(UNKNOWN_A, 4, 0x01020304u);     /* something non-zero there */
	memcpy(snapshot, regs, VREG_DWORDS * sizeof(uint32_t));
	memcpy(&own_before, &own, sizeof own);
	for (i = 0; i < sizeof bad_accesses / sizeof bad_accesses[0]; i++) {
		const struct bad_access *b = &bad_accesses[i];
		uint64_t v = 0x5555555555555555ull;

		assert_false(vreg_read(&f, b->off, b->size, &v));
		assert_int_equal(v, 0x5555555555555555ull);
		assert_false(vreg_write(&f, b->off, b->size, 0xffffffffffffffffull));
	}
	assert_memory_equal(snapshot, regs, VREG_DWORDS * sizeof(uint32_t));
	assert_memory_equal(&own_before, &own, sizeof own);
	assert_int_equal(f.unknown_reads, 0);
	assert_int_equal(f.unknown_writes, 1);
	assert_int_equal(reported_bits(), 1);
	free(snapshot);
}

static void test_valid_edges_accepted(void **state)
{
	(void)state;
	wr(VREG_MMIO_SIZE - 8, 8, 0x0807060504030201ull);
	assert_int_equal(rd(VREG_MMIO_SIZE - 8, 8), 0x0807060504030201ull);
	assert_int_equal(rd(VREG_MMIO_SIZE - 4, 4), 0x08070605u);
	assert_int_equal(rd(VREG_MMIO_SIZE - 2, 2), 0x0807u);
	assert_int_equal(rd(VREG_MMIO_SIZE - 1, 1), 0x08u);
	assert_int_equal(rd(0, 4), 0);
	assert_int_equal(rd(1, 2), 0);
	assert_int_equal(rd(2, 2), 0);
}

/* ---- vreg_find -------------------------------------------------------- */

static void test_find(void **state)
{
	(void)state;
	assert_ptr_equal(vreg_find(&f, FENCE_BASE), &table[FENCE_DESC]);
	assert_ptr_equal(vreg_find(&f, FENCE_BASE + 1), &table[FENCE_DESC]);
	assert_ptr_equal(vreg_find(&f, FENCE_END - 4), &table[FENCE_DESC]);
	assert_ptr_equal(vreg_find(&f, FENCE_END - 1), &table[FENCE_DESC]);
	assert_null(vreg_find(&f, FENCE_BASE - 4));
	assert_null(vreg_find(&f, FENCE_BASE - 1));
	assert_null(vreg_find(&f, FENCE_END));
	assert_ptr_equal(vreg_find(&f, PLAIN_LO), &table[0]);
	assert_ptr_equal(vreg_find(&f, PLAIN_LO + 3), &table[0]);
	assert_ptr_equal(vreg_find(&f, PLAIN_HI), &table[1]);
	assert_ptr_equal(vreg_find(&f, PLAIN_HI + 3), &table[1]);
	assert_null(vreg_find(&f, PLAIN_LO - 1));
	assert_null(vreg_find(&f, PLAIN_HI + 4));
	assert_ptr_equal(vreg_find(&f, RO_REG), &table[2]);
	assert_ptr_equal(vreg_find(&f, MI_MODE), &table[3]);
	assert_ptr_equal(vreg_find(&f, RING_MODE), &table[4]);
	assert_ptr_equal(vreg_find(&f, FW_RENDER), &table[5]);
	assert_ptr_equal(vreg_find(&f, ACK_REG), &table[ACK_DESC]);
	assert_null(vreg_find(&f, ACK_REG + 4));
	assert_null(vreg_find(&f, 0));
	assert_null(vreg_find(&f, VREG_MMIO_SIZE - 4));
	assert_null(vreg_find(&f, 0xffffffffu));
}

/* ---- invalid tables --------------------------------------------------- */

/* vreg_init must refuse t and leave the file and its memory as they were. */
static void assert_table_refused(const struct vreg_desc *t, unsigned n)
{
	struct vreg_file before;
	uint32_t i;

	memcpy(&before, &f, sizeof f);
	memset(regs, 0xa5, VREG_DWORDS * sizeof(uint32_t));
	memset(reported, 0x5a, REPORTED_BYTES);
	assert_false(vreg_init(&f, regs, reported, t, n, &own, NULL));
	assert_memory_equal(&before, &f, sizeof f);
	for (i = 0; i < VREG_DWORDS; i++)
		if (regs[i] != 0xa5a5a5a5u)
			fail_msg("regs[%u] changed", (unsigned)i);
	for (i = 0; i < REPORTED_BYTES; i++)
		if (reported[i] != 0x5a)
			fail_msg("reported[%u] changed", (unsigned)i);
}

#define D(off, n) { (off), (n), 0, 0, 0, NULL, NULL, "t" }

static void test_invalid_tables(void **state)
{
	static const struct vreg_desc unsorted[] = { D(0x200, 1), D(0x100, 1) };
	static const struct vreg_desc duplicate[] = { D(0x100, 1), D(0x100, 1) };
	static const struct vreg_desc overlap[] = { D(0x100, 2), D(0x104, 1) };
	static const struct vreg_desc overlap_far[] = {
		D(0x100, 1), D(0x200, 0x41), D(0x300, 1) };
	static const struct vreg_desc misaligned[] = { D(0x100, 1), D(0x102, 1) };
	static const struct vreg_desc misaligned_1[] = { D(0x101, 1) };
	static const struct vreg_desc past_end[] = { D(VREG_MMIO_SIZE - 4, 2) };
	static const struct vreg_desc at_end[] = { D(VREG_MMIO_SIZE, 1) };
	static const struct vreg_desc huge_count[] = { D(0x100, 0x40000000u) };
	static const struct vreg_desc wrap_count[] = { D(0x100, 0xffffffffu) };
	static const struct vreg_desc count_0[] = { D(0x100, 1), D(0x200, 0) };

	(void)state;
	assert_table_refused(unsorted, 2);
	assert_table_refused(duplicate, 2);
	assert_table_refused(overlap, 2);
	assert_table_refused(overlap_far, 3);
	assert_table_refused(misaligned, 2);
	assert_table_refused(misaligned_1, 1);
	assert_table_refused(past_end, 1);
	assert_table_refused(at_end, 1);
	assert_table_refused(huge_count, 1);
	assert_table_refused(wrap_count, 1);
	assert_table_refused(count_0, 2);
	assert_table_refused(NULL, 1);
	/* memory missing */
	assert_false(vreg_init(&f, NULL, reported, table, NDESC, &own, NULL));
	assert_false(vreg_init(&f, regs, NULL, table, NDESC, &own, NULL));
	assert_ptr_equal(f.desc, table);
}

static void test_valid_edge_tables(void **state)
{
	static const struct vreg_desc touching[] = { D(0x100, 1), D(0x104, 3),
	                                             D(0x110, 1) };
	static const struct vreg_desc to_end[] = { D(0, 1),
	                                           D(VREG_MMIO_SIZE - 8, 2) };
	static const struct vreg_desc whole[] = { D(0, VREG_DWORDS) };

	(void)state;
	assert_true(vreg_init(&f, regs, reported, touching, 3, &own, NULL));
	assert_ptr_equal(vreg_find(&f, 0x10f), &touching[1]);
	assert_ptr_equal(vreg_find(&f, 0x110), &touching[2]);
	assert_true(vreg_init(&f, regs, reported, to_end, 2, &own, NULL));
	assert_ptr_equal(vreg_find(&f, VREG_MMIO_SIZE - 1), &to_end[1]);
	assert_null(vreg_find(&f, 4));
	assert_true(vreg_init(&f, regs, reported, whole, 1, &own, NULL));
	assert_ptr_equal(vreg_find(&f, 0x123456), &whole[0]);
	wr(0x123456, 2, 0xffff);
	assert_int_equal(f.unknown_writes, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_reset_values),
		T(test_init_clears_old_contents),
		T(test_reset_restores_values_keeps_counters),
		T(test_init_without_descriptors),
		T(test_plain_reads_every_width),
		T(test_plain_writes_every_width),
		T(test_ro_mask),
		T(test_masked_set_clear),
		T(test_masked_narrow_writes),
		T(test_masked_reset_keeps_low_half),
		T(test_masked_with_ro_bit_and_hook),
		T(test_fence_hook_drops_unowned),
		T(test_write_hook_sees_composed_value),
		T(test_read_hook),
		T(test_unknown_every_width),
		T(test_unknown_reported_once_per_dword),
		T(test_8byte_two_descriptors),
		T(test_8byte_unknown_and_masked),
		T(test_invalid_accesses_rejected),
		T(test_valid_edges_accepted),
		T(test_find),
		T(test_invalid_tables),
		T(test_valid_edge_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
