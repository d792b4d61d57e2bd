/*
 * tests/unit/test_pvinfo.c — unit tests of pvinfo/pvinfo.c, the PVINFO
 * page (i915's struct vgt_if; ../shared/DESIGN.md). The fixture is the
 * first `_8` vGPU of docs/vgpu.md: aperture window 0x08000000 + 64 MiB,
 * hidden window 0x58000000 + 384 MiB (the host keeps 128 MiB of a 1 GiB
 * aperture and 384 MiB of hidden GM), 4 fences, FULL_PPGTT |
 * HWSP_EMULATION | HUGE_GTT. The expected page is written out byte by
 * byte; every test compares the whole state (page, failsafe, records,
 * counters) against an expectation edited by hand.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pvinfo/pvinfo.h"

static const struct pvinfo_init fixture = {
	.vgt_id = 2,
	.caps = PVINFO_CAP_FULL_PPGTT | PVINFO_CAP_HWSP_EMULATION |
	        PVINFO_CAP_HUGE_GTT,                          /* 0x1c */
	.mappable_base = 0x08000000u, .mappable_size = 0x04000000u,
	.hidden_base = 0x58000000u, .hidden_size = 0x18000000u,
	.fence_num = 4,
};

/* The freshly initialised page, little-endian, by hand. */
static const uint8_t fresh_page[PVINFO_SIZE] = {
	/* 0x000 magic "vGTvGTvG" */
	[0x000] = 0x76, [0x001] = 0x47, [0x002] = 0x54, [0x003] = 0x76,
	[0x004] = 0x47, [0x005] = 0x54, [0x006] = 0x76, [0x007] = 0x47,
	[0x008] = 0x01,                 /* version_major 1, minor 0 */
	[0x00c] = 0x02,                 /* vgt_id */
	[0x010] = 0x1c,                 /* vgt_caps */
	[0x043] = 0x08,                 /* mappable base 0x08000000 */
	[0x047] = 0x04,                 /* mappable size 0x04000000 */
	[0x04b] = 0x58,                 /* hidden base 0x58000000 */
	[0x04f] = 0x18,                 /* hidden size 0x18000000 */
	[0x050] = 0x04,                 /* fence_num */
};

#define G2V    PVINFO_G2V_NOTIFY_OFF
#define PDP(i) (PVINFO_PDP_OFF + 8u * (i))

static struct pvinfo p, want;

static int setup(void **state)
{
	(void)state;
	memset(&p, 0xa5, sizeof p);         /* init must clear everything */
	pvinfo_init(&p, &fixture);
	memset(&want, 0, sizeof want);
	memcpy(want.page, fresh_page, PVINFO_SIZE);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static uint64_t rd(uint32_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(pvinfo_read(&p, off, size, &v));
	return v;
}

/* Little-endian bytes into the expected page. */
static void want_bytes(uint32_t off, unsigned size, uint64_t v)
{
	unsigned i;

	for (i = 0; i < size; i++)
		want.page[off + i] = (uint8_t)(v >> (8 * i));
}

static void want_record(unsigned i, bool live, bool l4, uint64_t pdp0,
                        uint64_t pdp1, uint64_t pdp2, uint64_t pdp3)
{
	want.ppgtt[i].live = live;
	want.ppgtt[i].l4 = l4;
	want.ppgtt[i].pdp[0] = pdp0;
	want.ppgtt[i].pdp[1] = pdp1;
	want.ppgtt[i].pdp[2] = pdp2;
	want.ppgtt[i].pdp[3] = pdp3;
}

/* p equals want in every field. */
static void assert_state(void)
{
	unsigned i, k;

	assert_memory_equal(want.page, p.page, PVINFO_SIZE);
	assert_int_equal(p.failsafe, want.failsafe);
	for (i = 0; i < PVINFO_MAX_PPGTT; i++) {
		assert_int_equal(p.ppgtt[i].live, want.ppgtt[i].live);
		assert_int_equal(p.ppgtt[i].l4, want.ppgtt[i].l4);
		for (k = 0; k < 4; k++)
			assert_int_equal(p.ppgtt[i].pdp[k], want.ppgtt[i].pdp[k]);
	}
	assert_int_equal(p.ppgtt_full, want.ppgtt_full);
	assert_int_equal(p.ro_bytes, want.ro_bytes);
	assert_int_equal(p.ro_writes, want.ro_writes);
	for (i = 0; i < 8; i++)
		assert_int_equal(p.notifies[i], want.notifies[i]);
	assert_int_equal(p.bad_notifies, want.bad_notifies);
	assert_int_equal(p.context_creates, want.context_creates);
	assert_int_equal(p.context_destroys, want.context_destroys);
}

/* A write that must succeed with the given result. */
#define WRITE(off, size, v, ev, val, rec) do {                          \
	struct pvinfo_result r_;                                        \
	memset(&r_, 0xa5, sizeof r_);                                   \
	assert_true(pvinfo_write(&p, (off), (size), (v), &r_));         \
	assert_int_equal(r_.event, (ev));                               \
	assert_int_equal(r_.value, (val));                              \
	assert_ptr_equal(r_.ppgtt, (rec));                              \
} while (0)

/* ---- the fresh page --------------------------------------------------- */

static void test_init_exact_bytes(void **state)
{
	uint32_t off;

	(void)state;
	for (off = 0; off < PVINFO_SIZE; off++)
		assert_int_equal(rd(off, 1), fresh_page[off]);
	assert_state();          /* failsafe false, records and counters 0 */
}

static void test_init_fields(void **state)
{
	(void)state;
	/* magic as i915 reads it (one readq), and narrower */
	assert_int_equal(rd(PVINFO_MAGIC_OFF, 8), 0x4776544776544776ull);
	assert_int_equal(rd(PVINFO_MAGIC_OFF, 8), PVINFO_MAGIC);
	assert_int_equal(rd(0x000, 4), 0x76544776u);
	assert_int_equal(rd(0x004, 4), 0x47765447u);
	assert_int_equal(rd(0x000, 2), 0x4776u);
	assert_int_equal(rd(0x002, 2), 0x7654u);
	assert_int_equal(rd(0x004, 2), 0x5447u);
	assert_int_equal(rd(0x006, 2), 0x4776u);
	assert_int_equal(rd(0x000, 1), 'v');
	assert_int_equal(rd(0x001, 1), 'G');
	assert_int_equal(rd(0x002, 1), 'T');
	assert_int_equal(rd(0x003, 1), 'v');
	assert_int_equal(rd(0x004, 1), 'G');
	assert_int_equal(rd(0x005, 1), 'T');
	assert_int_equal(rd(0x006, 1), 'v');
	assert_int_equal(rd(0x007, 1), 'G');
	/* version 1.0 (readw of version_major) */
	assert_int_equal(rd(PVINFO_VERSION_MAJOR_OFF, 2), 1);
	assert_int_equal(rd(PVINFO_VERSION_MINOR_OFF, 2), 0);
	assert_int_equal(rd(0x008, 4), 0x00000001u);
	assert_int_equal(rd(0x008, 1), 1);
	assert_int_equal(rd(0x009, 1), 0);
	assert_int_equal(rd(0x008, 8), 0x0000000200000001ull);
	/* vgt_id, caps */
	assert_int_equal(rd(PVINFO_VGT_ID_OFF, 4), 2);
	assert_int_equal(rd(PVINFO_VGT_ID_OFF, 2), 2);
	assert_int_equal(rd(PVINFO_VGT_ID_OFF, 1), 2);
	assert_int_equal(rd(PVINFO_CAPS_OFF, 4), 0x1cu);
	assert_int_equal(rd(PVINFO_CAPS_OFF, 2), 0x1cu);
	assert_int_equal(rd(PVINFO_CAPS_OFF, 1), 0x1cu);
	assert_int_equal(rd(PVINFO_CAPS_OFF, 8), 0x1cu);
	/* the windows */
	assert_int_equal(rd(PVINFO_MAPPABLE_BASE_OFF, 4), 0x08000000u);
	assert_int_equal(rd(PVINFO_MAPPABLE_SIZE_OFF, 4), 0x04000000u);
	assert_int_equal(rd(PVINFO_HIDDEN_BASE_OFF, 4), 0x58000000u);
	assert_int_equal(rd(PVINFO_HIDDEN_SIZE_OFF, 4), 0x18000000u);
	assert_int_equal(rd(0x040, 8), 0x0400000008000000ull);
	assert_int_equal(rd(0x048, 8), 0x1800000058000000ull);
	assert_int_equal(rd(0x040, 2), 0);
	assert_int_equal(rd(0x042, 2), 0x0800u);
	assert_int_equal(rd(0x043, 1), 0x08u);
	assert_int_equal(rd(0x046, 2), 0x0400u);
	assert_int_equal(rd(0x04a, 2), 0x5800u);
	assert_int_equal(rd(0x04b, 1), 0x58u);
	assert_int_equal(rd(0x04e, 2), 0x1800u);
	/* fence_num */
	assert_int_equal(rd(PVINFO_FENCE_NUM_OFF, 4), 4);
	assert_int_equal(rd(PVINFO_FENCE_NUM_OFF, 2), 4);
	assert_int_equal(rd(PVINFO_FENCE_NUM_OFF, 1), 4);
	assert_int_equal(rd(PVINFO_FENCE_NUM_OFF, 8), 4);
	/* guest-written fields start at 0 */
	assert_int_equal(rd(PVINFO_DISPLAY_READY_OFF, 4), 0);
	assert_int_equal(rd(PVINFO_RSV5_OFF, 8), 0);
	assert_int_equal(rd(PVINFO_RSV5_OFF + 8, 8), 0);
	assert_int_equal(rd(PVINFO_G2V_NOTIFY_OFF, 4), 0);
	assert_int_equal(rd(PVINFO_CURSOR_X_HOT_OFF, 4), 0);
	assert_int_equal(rd(PVINFO_CURSOR_Y_HOT_OFF, 4), 0);
	assert_int_equal(rd(PDP(0), 8), 0);
	assert_int_equal(rd(PDP(3), 8), 0);
	assert_int_equal(rd(PVINFO_EXECLIST_DESC_OFF, 8), 0);
	/* edges and odd alignment */
	assert_int_equal(rd(0x001, 8), 0x0147765447765447ull);
	assert_int_equal(rd(0x00f, 2), 0x1c00u);
	assert_int_equal(rd(PVINFO_SIZE - 8, 8), 0);
	assert_int_equal(rd(PVINFO_SIZE - 1, 1), 0);
}

/* Every width at every offset: the little-endian bytes of fresh_page. */
static void test_every_width_every_offset(void **state)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	uint32_t off;
	unsigned s, i;

	(void)state;
	for (off = 0; off < PVINFO_SIZE; off++) {
		for (s = 0; s < 4; s++) {
			uint64_t expect = 0;

			if (off + sizes[s] > PVINFO_SIZE)
				continue;
			for (i = 0; i < sizes[s]; i++)
				expect |= (uint64_t)fresh_page[off + i] << (8 * i);
			assert_int_equal(rd(off, sizes[s]), expect);
		}
	}
}

static void test_init_byte_order(void **state)
{
	static const struct pvinfo_init distinct = {
		.vgt_id = 0x0a0b0c0du, .caps = 0x11223344u,
		.mappable_base = 0x21222324u, .mappable_size = 0x31323334u,
		.hidden_base = 0x41424344u, .hidden_size = 0x51525354u,
		.fence_num = 0x61626364u,
	};

	(void)state;
	pvinfo_init(&p, &distinct);
	assert_int_equal(rd(0x00c, 1), 0x0d);
	assert_int_equal(rd(0x00d, 1), 0x0c);
	assert_int_equal(rd(0x00e, 1), 0x0b);
	assert_int_equal(rd(0x00f, 1), 0x0a);
	assert_int_equal(rd(0x00c, 4), 0x0a0b0c0du);
	assert_int_equal(rd(0x010, 4), 0x11223344u);
	assert_int_equal(rd(0x011, 2), 0x2233u);
	assert_int_equal(rd(0x040, 8), 0x3132333421222324ull);
	assert_int_equal(rd(0x048, 8), 0x5152535441424344ull);
	assert_int_equal(rd(0x050, 4), 0x61626364u);
	assert_int_equal(rd(0x053, 1), 0x61u);
	assert_int_equal(rd(0x054, 4), 0);
	assert_int_equal(rd(0x03c, 4), 0);
	assert_int_equal(rd(0x000, 8), PVINFO_MAGIC);
	assert_int_equal(rd(0x008, 4), 0x00000001u);
}

/* ---- read-only bytes ------------------------------------------------- */

struct ro_case {
	uint32_t off;
	unsigned size;
	uint32_t value;          /* the dword at off & ~3, unchanged */
};

static const struct ro_case ro_cases[] = {
	{ 0x000, 8, 0x76544776u },   /* magic */
	{ 0x000, 1, 0x76544776u },
	{ 0x003, 2, 0x76544776u },
	{ 0x004, 4, 0x47765447u },
	{ 0x008, 2, 0x00000001u },   /* version_major */
	{ 0x00a, 2, 0x00000001u },   /* version_minor */
	{ 0x008, 4, 0x00000001u },
	{ 0x00c, 4, 0x00000002u },   /* vgt_id */
	{ 0x010, 4, 0x0000001cu },   /* caps */
	{ 0x012, 1, 0x0000001cu },
	{ 0x014, 4, 0 },             /* rsv1 */
	{ 0x03c, 4, 0 },
	{ 0x040, 8, 0x08000000u },   /* mappable base + size */
	{ 0x044, 4, 0x04000000u },
	{ 0x048, 8, 0x58000000u },   /* hidden base + size */
	{ 0x04e, 2, 0x18000000u },
	{ 0x050, 4, 0x00000004u },   /* fence_num */
	{ 0x054, 4, 0 },             /* rsv2 */
	{ 0x05c, 4, 0 },
	{ 0x060, 8, 0 },             /* rsv3 */
	{ 0x400, 4, 0 },
	{ 0x7f8, 8, 0 },
	{ 0x800, 4, 0 },             /* rsv4 */
	{ 0x803, 1, 0 },
	{ 0x81c, 4, 0 },             /* rsv6 */
	{ 0x820, 8, 0 },
	{ 0x82c, 4, 0 },
	{ 0x860, 8, 0 },             /* rsv7 */
	{ 0x9a0, 2, 0 },
	{ 0xff8, 8, 0 },
	{ 0xfff, 1, 0 },
};

static void test_read_only_areas(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof ro_cases / sizeof ro_cases[0]; i++) {
		const struct ro_case *c = &ro_cases[i];

		WRITE(c->off, c->size, 0xffffffffffffffffull,
		      PVINFO_EV_RO_DROPPED, c->value, NULL);
		want.ro_bytes += c->size;
		want.ro_writes++;
		assert_state();
	}
	assert_int_equal(p.ro_bytes, 134);  /* the sizes above, summed */
	assert_int_equal(p.ro_writes, sizeof ro_cases / sizeof ro_cases[0]);
	assert_int_equal(rd(0, 8), PVINFO_MAGIC);
	assert_int_equal(rd(PVINFO_FENCE_NUM_OFF, 4), 4);
}

/* ---- guest-writable fields ------------------------------------------- */

static void test_cursor_round_trip(void **state)
{
	(void)state;
	WRITE(PVINFO_CURSOR_X_HOT_OFF, 4, 0x10, PVINFO_EV_NONE, 0x10, NULL);
	WRITE(PVINFO_CURSOR_Y_HOT_OFF, 4, 0x20, PVINFO_EV_NONE, 0x20, NULL);
	assert_int_equal(rd(0x830, 8), 0x0000002000000010ull);
	WRITE(0x830, 8, 0x0000000700000005ull, PVINFO_EV_NONE, 5, NULL);
	assert_int_equal(rd(0x830, 4), 5);
	assert_int_equal(rd(0x834, 4), 7);
	WRITE(0x832, 2, 0xabcd, PVINFO_EV_NONE, 0xabcd0005u, NULL);
	WRITE(0x834, 2, 0x0102, PVINFO_EV_NONE, 0x00000102u, NULL);
	assert_int_equal(rd(0x830, 8), 0x00000102abcd0005ull);
	/* an unaligned dword inside the cursor fields */
	WRITE(0x832, 4, 0x44332211u, PVINFO_EV_NONE, 0x22110005u, NULL);
	assert_int_equal(rd(0x830, 8), 0x0000443322110005ull);
	want_bytes(0x830, 8, 0x0000443322110005ull);
	assert_state();
}

static void test_pdp_round_trip(void **state)
{
	unsigned i;

	(void)state;
	WRITE(PDP(0), 8, 0x0000000112345000ull, PVINFO_EV_NONE, 0x12345000u, NULL);
	WRITE(PDP(1), 8, 0x0000000223456000ull, PVINFO_EV_NONE, 0x23456000u, NULL);
	WRITE(PDP(2), 4, 0x34567000u, PVINFO_EV_NONE, 0x34567000u, NULL);
	WRITE(PDP(2) + 4, 4, 0x3, PVINFO_EV_NONE, 0x3, NULL);
	WRITE(PDP(3), 2, 0x8000, PVINFO_EV_NONE, 0x00008000u, NULL);
	WRITE(PDP(3) + 2, 2, 0x4567, PVINFO_EV_NONE, 0x45678000u, NULL);
	WRITE(PDP(3) + 4, 1, 0x04, PVINFO_EV_NONE, 0x04, NULL);
	assert_int_equal(rd(PDP(0), 8), 0x0000000112345000ull);
	assert_int_equal(rd(PDP(1), 8), 0x0000000223456000ull);
	assert_int_equal(rd(PDP(2), 8), 0x0000000334567000ull);
	assert_int_equal(rd(PDP(3), 8), 0x0000000445678000ull);
	assert_int_equal(rd(PDP(1) + 4, 4), 2);
	assert_int_equal(rd(PDP(3) + 2, 2), 0x4567u);
	want_bytes(PDP(0), 8, 0x0000000112345000ull);
	want_bytes(PDP(1), 8, 0x0000000223456000ull);
	want_bytes(PDP(2), 8, 0x0000000334567000ull);
	want_bytes(PDP(3), 8, 0x0000000445678000ull);
	assert_state();
	/* no notify was written: no records */
	for (i = 0; i < PVINFO_MAX_PPGTT; i++)
		assert_false(p.ppgtt[i].live);
}

static void test_execlist_desc_round_trip(void **state)
{
	(void)state;
	WRITE(PVINFO_EXECLIST_DESC_OFF, 8, 0x0000000500001009ull,
	      PVINFO_EV_NONE, 0x00001009u, NULL);
	assert_int_equal(rd(0x858, 8), 0x0000000500001009ull);
	WRITE(0x85c, 4, 6, PVINFO_EV_NONE, 6, NULL);
	WRITE(0x85a, 2, 0x1234, PVINFO_EV_NONE, 0x12341009u, NULL);
	assert_int_equal(rd(0x858, 8), 0x0000000612341009ull);
	want_bytes(0x858, 8, 0x0000000612341009ull);
	assert_state();
	/* the last writable byte, and the first read-only one after it */
	WRITE(0x85f, 1, 0x80, PVINFO_EV_NONE, 0x80000006u, NULL);
	WRITE(0x85f, 2, 0xffff, PVINFO_EV_RO_DROPPED, 0xff000006u, NULL);
	want_bytes(0x85f, 1, 0xff);
	want.ro_bytes = 1;
	want.ro_writes = 1;
	assert_state();
}

static void test_display_ready(void **state)
{
	(void)state;
	WRITE(PVINFO_DISPLAY_READY_OFF, 4, 1, PVINFO_EV_DISPLAY_READY, 1, NULL);
	assert_int_equal(rd(PVINFO_DISPLAY_READY_OFF, 4), 1);
	WRITE(0x805, 1, 0x02, PVINFO_EV_DISPLAY_READY, 0x00000201u, NULL);
	WRITE(0x806, 2, 0x0000, PVINFO_EV_DISPLAY_READY, 0x00000201u, NULL);
	WRITE(0x804, 2, 0x0001, PVINFO_EV_DISPLAY_READY, 0x00000001u, NULL);
	want_bytes(0x804, 4, 1);
	assert_state();
	/* rsv4 + display_ready: stored, but read-only bytes win the event;
	 * value is the dword at 0x800 (rsv4) */
	WRITE(0x800, 8, 0x00000003ffffffffull, PVINFO_EV_RO_DROPPED, 0, NULL);
	want_bytes(0x804, 4, 3);
	want.ro_bytes = 4;
	want.ro_writes = 1;
	assert_state();
	assert_false(p.failsafe);
}

/* ---- rsv5: failsafe --------------------------------------------------- */

static void test_failsafe_each_rsv5_dword(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		pvinfo_init(&p, &fixture);
		assert_false(p.failsafe);
		WRITE(PVINFO_RSV5_OFF + 4 * i, 4, 0xffffffffu,
		      PVINFO_EV_FAILSAFE, 0, NULL);
		want.failsafe = true;        /* nothing stored, nothing counted */
		assert_state();
	}
	pvinfo_init(&p, &fixture);
	WRITE(0x80a, 2, 0x0101, PVINFO_EV_FAILSAFE, 0, NULL);
	assert_state();
	pvinfo_init(&p, &fixture);
	WRITE(0x817, 1, 0x01, PVINFO_EV_FAILSAFE, 0, NULL);
	assert_state();
	pvinfo_init(&p, &fixture);
	WRITE(0x808, 8, 0, PVINFO_EV_FAILSAFE, 0, NULL);  /* even zeros */
	assert_state();
}

static void test_failsafe_over_display_ready(void **state)
{
	(void)state;
	WRITE(0x804, 8, 0x0000dead00000001ull, PVINFO_EV_FAILSAFE, 1, NULL);
	want_bytes(0x804, 4, 1);
	want.failsafe = true;
	assert_state();
	assert_int_equal(rd(0x804, 8), 1);
}

static void test_failsafe_over_g2v_notify(void **state)
{
	(void)state;
	/* 8 bytes at 0x814: rsv5[3] and all of g2v_notify. The notify acts
	 * (an L4 create of root 0), but FAILSAFE is the event; ppgtt still
	 * points at the record; value is the dword at 0x814 (rsv5[3]). */
	WRITE(0x814, 8, 0x00000004ffffffffull, PVINFO_EV_FAILSAFE, 0,
	      &p.ppgtt[0]);
	want_bytes(G2V, 4, 4);
	want.failsafe = true;
	want.notifies[4] = 1;
	want_record(0, true, true, 0, 0, 0, 0);
	assert_state();
	/* 0x817..0x818: one byte of g2v_notify, no notify */
	WRITE(0x817, 2, 0x0500, PVINFO_EV_FAILSAFE, 0, NULL);
	want_bytes(G2V, 1, 0x05);
	assert_state();
	/* 8 bytes at 0x816: all of g2v_notify (0x818..0x81b = 6), two
	 * rsv5 bytes and two rsv6 bytes */
	WRITE(0x816, 8, 0x0000000000060000ull, PVINFO_EV_FAILSAFE, 0, NULL);
	want_bytes(G2V, 4, 6);
	want.notifies[6] = 1;
	want.context_creates = 1;
	want.ro_bytes = 2;
	want.ro_writes = 1;
	assert_state();
}

static void test_g2v_8byte_with_read_only_half(void **state)
{
	(void)state;
	WRITE(PDP(0), 8, 0x0000000000abc000ull, PVINFO_EV_NONE, 0x00abc000u, NULL);
	/* 8 bytes at 0x818: g2v_notify + rsv6[0]: the notify acts, the
	 * read-only bytes win the event */
	WRITE(G2V, 8, 0xffffffff00000004ull, PVINFO_EV_RO_DROPPED, 4,
	      &p.ppgtt[0]);
	want_bytes(PDP(0), 8, 0x0000000000abc000ull);
	want_bytes(G2V, 4, 4);
	want.ro_bytes = 4;
	want.ro_writes = 1;
	want.notifies[4] = 1;
	want_record(0, true, true, 0xabc000u, 0, 0, 0);
	assert_state();
}

/* ---- g2v_notify: PPGTT records ---------------------------------------- */

static void test_l4_create_destroy_dword_writes(void **state)
{
	(void)state;
	/* PML4 at 0x1_12345000 as i915 writes it: lo, hi, then notify */
	WRITE(PDP(0), 4, 0x12345000u, PVINFO_EV_NONE, 0x12345000u, NULL);
	WRITE(PDP(0) + 4, 4, 0x00000001u, PVINFO_EV_NONE, 1, NULL);
	/* stale pdp[1] does not belong to an L4 record */
	WRITE(PDP(1), 8, 0xdeadbeefdeadb000ull, PVINFO_EV_NONE, 0xdeadb000u, NULL);
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L4_CREATE, PVINFO_EV_PPGTT_CREATE, 4,
	      &p.ppgtt[0]);
	assert_int_equal(rd(G2V, 4), 4);
	want_bytes(PDP(0), 8, 0x0000000112345000ull);
	want_bytes(PDP(1), 8, 0xdeadbeefdeadb000ull);
	want_bytes(G2V, 4, 4);
	want.notifies[4] = 1;
	want_record(0, true, true, 0x112345000ull, 0, 0, 0);
	assert_state();

	/* pdp[1] changed: irrelevant to an L4 destroy */
	WRITE(PDP(1), 8, 0, PVINFO_EV_NONE, 0, NULL);
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L4_DESTROY, PVINFO_EV_PPGTT_DESTROY, 5,
	      &p.ppgtt[0]);
	want_bytes(PDP(1), 8, 0);
	want_bytes(G2V, 4, 5);
	want.notifies[5] = 1;
	want.ppgtt[0].live = false;          /* roots kept for the record */
	assert_state();

	/* a second destroy of the same root: gone */
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L4_DESTROY, PVINFO_EV_PPGTT_UNKNOWN, 5,
	      NULL);
	want.notifies[5] = 2;
	assert_state();
}

static void test_l4_create_destroy_qword_write(void **state)
{
	(void)state;
	WRITE(PDP(0), 8, 0x0000007ffffff000ull, PVINFO_EV_NONE, 0xfffff000u, NULL);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[0]);
	WRITE(PDP(0), 8, 0x0000000000200000ull, PVINFO_EV_NONE, 0x00200000u, NULL);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[1]);
	want_record(0, true, true, 0x7ffffff000ull, 0, 0, 0);
	want_record(1, true, true, 0x200000u, 0, 0, 0);
	want.notifies[4] = 2;
	/* destroy the first (root written again) */
	WRITE(PDP(0), 8, 0x0000007ffffff000ull, PVINFO_EV_NONE, 0xfffff000u, NULL);
	WRITE(G2V, 4, 5, PVINFO_EV_PPGTT_DESTROY, 5, &p.ppgtt[0]);
	want.ppgtt[0].live = false;
	want.notifies[5] = 1;
	/* a root never created */
	WRITE(PDP(0), 8, 0x0000000000300000ull, PVINFO_EV_NONE, 0x00300000u, NULL);
	WRITE(G2V, 4, 5, PVINFO_EV_PPGTT_UNKNOWN, 5, NULL);
	want.notifies[5] = 2;
	/* the next create reuses the freed first record */
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[0]);
	want_record(0, true, true, 0x300000u, 0, 0, 0);
	want.notifies[4] = 3;
	want_bytes(PDP(0), 8, 0x0000000000300000ull);
	want_bytes(G2V, 4, 4);
	assert_state();
}

static void test_l3_create_destroy(void **state)
{
	(void)state;
	WRITE(PDP(0), 8, 0x0000000000001000ull, PVINFO_EV_NONE, 0x1000, NULL);
	WRITE(PDP(1), 8, 0x0000000000002000ull, PVINFO_EV_NONE, 0x2000, NULL);
	WRITE(PDP(2), 8, 0x0000000000003000ull, PVINFO_EV_NONE, 0x3000, NULL);
	WRITE(PDP(3), 8, 0x0000000100004000ull, PVINFO_EV_NONE, 0x4000, NULL);
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L3_CREATE, PVINFO_EV_PPGTT_CREATE, 2,
	      &p.ppgtt[0]);
	want_record(0, true, false, 0x1000, 0x2000, 0x3000, 0x100004000ull);
	want.notifies[2] = 1;

	/* one root differs: unknown, the record stays live */
	WRITE(PDP(3) + 4, 4, 0, PVINFO_EV_NONE, 0, NULL);
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L3_DESTROY, PVINFO_EV_PPGTT_UNKNOWN, 3,
	      NULL);
	want.notifies[3] = 1;
	/* an L4 destroy with the same pdp[0] is not an L3 destroy */
	WRITE(PDP(3) + 4, 4, 1, PVINFO_EV_NONE, 1, NULL);
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L4_DESTROY, PVINFO_EV_PPGTT_UNKNOWN, 5,
	      NULL);
	want.notifies[5] = 1;
	want_bytes(PDP(0), 8, 0x1000);
	want_bytes(PDP(1), 8, 0x2000);
	want_bytes(PDP(2), 8, 0x3000);
	want_bytes(PDP(3), 8, 0x100004000ull);
	want_bytes(G2V, 4, 5);
	assert_state();

	/* all four roots again: destroyed */
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L3_DESTROY, PVINFO_EV_PPGTT_DESTROY, 3,
	      &p.ppgtt[0]);
	want.ppgtt[0].live = false;
	want.notifies[3] = 2;
	want_bytes(G2V, 4, 3);
	assert_state();
}

static void test_l3_destroy_does_not_match_l4(void **state)
{
	(void)state;
	/* an L4 record with root 0x5000, all other pdps 0 in the page */
	WRITE(PDP(0), 8, 0x5000, PVINFO_EV_NONE, 0x5000, NULL);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[0]);
	/* L3 destroy with the same four pdps: the kind differs */
	WRITE(G2V, 4, 3, PVINFO_EV_PPGTT_UNKNOWN, 3, NULL);
	want_record(0, true, true, 0x5000, 0, 0, 0);
	want.notifies[4] = 1;
	want.notifies[3] = 1;
	want_bytes(PDP(0), 8, 0x5000);
	want_bytes(G2V, 4, 3);
	assert_state();
}

static void test_destroy_unknown(void **state)
{
	(void)state;
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L4_DESTROY, PVINFO_EV_PPGTT_UNKNOWN, 5,
	      NULL);
	WRITE(G2V, 4, PVINFO_G2V_PPGTT_L3_DESTROY, PVINFO_EV_PPGTT_UNKNOWN, 3,
	      NULL);
	want.notifies[5] = 1;
	want.notifies[3] = 1;
	want_bytes(G2V, 4, 3);
	assert_state();
}

static void test_records_full(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < PVINFO_MAX_PPGTT; i++) {
		WRITE(PDP(0), 4, (i + 1) << 12, PVINFO_EV_NONE, (i + 1) << 12,
		      NULL);
		WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[i]);
		want_record(i, true, true, (uint64_t)(i + 1) << 12, 0, 0, 0);
	}
	WRITE(PDP(0), 4, 0x00100000u, PVINFO_EV_NONE, 0x00100000u, NULL);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_FULL, 4, NULL);
	want.ppgtt_full = 1;
	want.notifies[4] = PVINFO_MAX_PPGTT + 1;
	want_bytes(PDP(0), 4, 0x00100000u);
	want_bytes(G2V, 4, 4);
	assert_state();

	/* retire record 10 (root 11 << 12); the next create takes it */
	WRITE(PDP(0), 4, 11u << 12, PVINFO_EV_NONE, 11u << 12, NULL);
	WRITE(G2V, 4, 5, PVINFO_EV_PPGTT_DESTROY, 5, &p.ppgtt[10]);
	WRITE(PDP(0), 4, 0x00200000u, PVINFO_EV_NONE, 0x00200000u, NULL);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[10]);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_FULL, 4, NULL);
	want_record(10, true, true, 0x200000u, 0, 0, 0);
	want.ppgtt_full = 2;
	want.notifies[4] = PVINFO_MAX_PPGTT + 3;
	want.notifies[5] = 1;
	want_bytes(PDP(0), 4, 0x00200000u);
	assert_state();
}

static void test_same_root_twice(void **state)
{
	(void)state;
	WRITE(PDP(0), 8, 0x9000, PVINFO_EV_NONE, 0x9000, NULL);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[0]);
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[1]);
	WRITE(G2V, 4, 5, PVINFO_EV_PPGTT_DESTROY, 5, &p.ppgtt[0]);
	want_record(0, false, true, 0x9000, 0, 0, 0);
	want_record(1, true, true, 0x9000, 0, 0, 0);
	want.notifies[4] = 2;
	want.notifies[5] = 1;
	want_bytes(PDP(0), 8, 0x9000);
	want_bytes(G2V, 4, 5);
	assert_state();
	WRITE(G2V, 4, 5, PVINFO_EV_PPGTT_DESTROY, 5, &p.ppgtt[1]);
	WRITE(G2V, 4, 5, PVINFO_EV_PPGTT_UNKNOWN, 5, NULL);
	want.ppgtt[1].live = false;
	want.notifies[5] = 3;
	assert_state();
}

/* ---- g2v_notify: contexts and bad values ------------------------------ */

static void test_context_notifies(void **state)
{
	(void)state;
	WRITE(G2V, 4, PVINFO_G2V_EXECLIST_CONTEXT_CREATE, PVINFO_EV_CONTEXT, 6,
	      NULL);
	WRITE(G2V, 4, PVINFO_G2V_EXECLIST_CONTEXT_DESTROY, PVINFO_EV_CONTEXT, 7,
	      NULL);
	WRITE(G2V, 4, PVINFO_G2V_EXECLIST_CONTEXT_CREATE, PVINFO_EV_CONTEXT, 6,
	      NULL);
	want.context_creates = 2;
	want.context_destroys = 1;
	want.notifies[6] = 2;
	want.notifies[7] = 1;
	want_bytes(G2V, 4, 6);
	assert_state();
}

static void test_bad_notify_values(void **state)
{
	static const uint32_t bad[] = { 0, 1, 8, 0xffffffffu };
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		WRITE(G2V, 4, bad[i], PVINFO_EV_BAD_NOTIFY, bad[i], NULL);
		assert_int_equal(rd(G2V, 4), bad[i]);
	}
	want.bad_notifies = 4;
	want.notifies[0] = 1;
	want.notifies[1] = 1;
	want_bytes(G2V, 4, 0xffffffffu);
	assert_state();
}

static void test_partial_g2v_does_not_notify(void **state)
{
	(void)state;
	WRITE(G2V, 2, 4, PVINFO_EV_NONE, 4, NULL);
	WRITE(G2V + 2, 2, 0, PVINFO_EV_NONE, 4, NULL);
	WRITE(G2V, 1, 4, PVINFO_EV_NONE, 4, NULL);
	WRITE(G2V + 1, 2, 0, PVINFO_EV_NONE, 4, NULL);
	WRITE(G2V + 3, 1, 0, PVINFO_EV_NONE, 4, NULL);
	want_bytes(G2V, 4, 4);
	assert_state();                       /* no notifies, no records */
	/* the same value as one dword: now it acts */
	WRITE(G2V, 4, 4, PVINFO_EV_PPGTT_CREATE, 4, &p.ppgtt[0]);
	want.notifies[4] = 1;
	want_record(0, true, true, 0, 0, 0, 0);
	assert_state();
}

/* ---- bad accesses, NULL result ---------------------------------------- */

struct bad_access {
	uint32_t off;
	unsigned size;
};

static const struct bad_access bad_accesses[] = {
	{ G2V, 0 }, { G2V, 3 }, { G2V, 5 }, { G2V, 16 },
	{ PVINFO_SIZE, 1 }, { PVINFO_SIZE, 4 }, { PVINFO_SIZE - 4, 8 },
	{ PVINFO_SIZE - 1, 2 }, { PVINFO_SIZE - 2, 4 },
	{ 0x10000, 4 }, { 0xffffffffu, 1 }, { 0xfffffffcu, 8 },
};

static void test_bad_accesses(void **state)
{
	unsigned i;

	(void)state;
	WRITE(PDP(0), 8, 0x1000, PVINFO_EV_NONE, 0x1000, NULL);
	want_bytes(PDP(0), 8, 0x1000);
	for (i = 0; i < sizeof bad_accesses / sizeof bad_accesses[0]; i++) {
		const struct bad_access *b = &bad_accesses[i];
		struct pvinfo_result r, r_before;
		uint64_t v = 0x5555555555555555ull;

		assert_false(pvinfo_read(&p, b->off, b->size, &v));
		assert_int_equal(v, 0x5555555555555555ull);
		memset(&r, 0xa5, sizeof r);
		memcpy(&r_before, &r, sizeof r);
		assert_false(pvinfo_write(&p, b->off, b->size, 4, &r));
		assert_memory_equal(&r, &r_before, sizeof r);
		assert_false(pvinfo_write(&p, b->off, b->size, 4, NULL));
	}
	assert_state();
}

static void test_null_result(void **state)
{
	(void)state;
	assert_true(pvinfo_write(&p, 0x000, 8, 0, NULL));            /* ro */
	assert_true(pvinfo_write(&p, 0x804, 4, 1, NULL));            /* display */
	assert_true(pvinfo_write(&p, PDP(0), 8, 0x7000, NULL));
	assert_true(pvinfo_write(&p, G2V, 4, 4, NULL));              /* create */
	assert_true(pvinfo_write(&p, G2V, 4, 5, NULL));              /* destroy */
	assert_true(pvinfo_write(&p, G2V, 4, 5, NULL));              /* unknown */
	assert_true(pvinfo_write(&p, G2V, 4, 6, NULL));              /* context */
	assert_true(pvinfo_write(&p, G2V, 4, 9, NULL));              /* bad */
	assert_true(pvinfo_write(&p, 0x810, 4, 1, NULL));            /* failsafe */
	want.ro_bytes = 8;
	want.ro_writes = 1;
	want_bytes(0x804, 4, 1);
	want_bytes(PDP(0), 8, 0x7000);
	want_bytes(G2V, 4, 9);
	want_record(0, false, true, 0x7000, 0, 0, 0);
	want.notifies[4] = 1;
	want.notifies[5] = 2;
	want.notifies[6] = 1;
	want.context_creates = 1;
	want.bad_notifies = 1;
	want.failsafe = true;
	assert_state();
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_exact_bytes),
		T(test_init_fields),
		T(test_every_width_every_offset),
		T(test_init_byte_order),
		T(test_read_only_areas),
		T(test_cursor_round_trip),
		T(test_pdp_round_trip),
		T(test_execlist_desc_round_trip),
		T(test_display_ready),
		T(test_failsafe_each_rsv5_dword),
		T(test_failsafe_over_display_ready),
		T(test_failsafe_over_g2v_notify),
		T(test_g2v_8byte_with_read_only_half),
		T(test_l4_create_destroy_dword_writes),
		T(test_l4_create_destroy_qword_write),
		T(test_l3_create_destroy),
		T(test_l3_destroy_does_not_match_l4),
		T(test_destroy_unknown),
		T(test_records_full),
		T(test_same_root_twice),
		T(test_context_notifies),
		T(test_bad_notify_values),
		T(test_partial_g2v_does_not_notify),
		T(test_bad_accesses),
		T(test_null_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
