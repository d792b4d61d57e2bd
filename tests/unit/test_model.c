/*
 * tests/unit/test_model.c — unit tests of the software model of the Gen9
 * GT in gpu/model.c (gpu/model.h, docs/iommu.md). The model has the
 * geometry of gpu_model_backend: a 4 GiB GGTT (0x100000 entries) and a
 * 1 GiB aperture. Its register interface runs the driver sequences of
 * gpu/gen9_gt.c (GEN9-FACTS §2, §4); its aperture goes through the GGTT
 * and a fake IOMMU mapping four IOVA pages at 32 GiB (VM 0's window,
 * docs/iommu.md) onto a heap buffer, the fourth refusing writes:
 *   GGTT entry   GM (aperture)   entry value     what is behind it
 *   0x8000       0x8000000       0x800000003     buffer page 0
 *   0x8001       0x8001000       0x800002001     buffer page 2
 *   0x8002       0x8002000       0x800001002     not present
 *   0x8003       0x8003000       0x900000001     IOVA 36G: no mapping
 *   0x8004       0x8004000       0x800003001     buffer page 3, read-only
 * The buffer starts with byte i = i & 0xff. Expected values by hand.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/gen9.h"
#include "gpu/gen9_gt.h"
#include "gpu/model.h"

#define GIB (1ull << 30)

#define NENTRIES   0x100000ull              /* 4 GiB / 4 KiB */
#define APERTURE   (1 * GIB)

#define FW_RENDER      0xa278u
#define FW_ACK_RENDER  0x0d84u
#define FW_MEDIA       0xa270u
#define FW_ACK_MEDIA   0x0d88u
#define FW_GT          0xa188u
#define FW_ACK_GT      0x130044u
#define FLSH_CNTL      0x101008u

#define WINDOW     (32 * GIB)               /* IOVA of buffer page 0 */
#define BUF_PAGES  4u
#define BUF_BYTES  (BUF_PAGES * 4096u)
#define RO_PAGE    3u

#define GM_PAGE0   0x8000000ull             /* entry 0x8000 */
#define GM_PAGE2   0x8001000ull
#define GM_NP      0x8002000ull
#define GM_FAULT   0x8003000ull
#define GM_RO      0x8004000ull

/* The fake IOMMU: IOVA [WINDOW, + BUF_PAGES pages) → buf, page RO_PAGE
 * read-only. Records its calls. */
struct fake_iommu {
	uint8_t *buf;
	unsigned calls;
	uint64_t last_iova;
	bool last_write;
};

static bool fake_dma(void *ctx, uint64_t iova, bool write, uint64_t *hpa)
{
	struct fake_iommu *f = ctx;
	uint64_t rel;

	f->calls++;
	f->last_iova = iova;
	f->last_write = write;
	if (iova < WINDOW || iova - WINDOW >= BUF_BYTES)
		return false;
	rel = iova - WINDOW;
	if (write && rel / 4096 == RO_PAGE)
		return false;
	*hpa = (uint64_t)(uintptr_t)(f->buf + rel);
	return true;
}

static uint32_t regs[GPU_MODEL_REG_DWORDS];
static uint64_t ggtt[NENTRIES];
static struct gpu_model m;
static struct fake_iommu iommu;
static uint8_t before[BUF_BYTES];          /* buffer snapshot */

static void fill_buffer(void)
{
	unsigned i;

	for (i = 0; i < BUF_BYTES; i++)
		iommu.buf[i] = (uint8_t)i;
	memcpy(before, iommu.buf, BUF_BYTES);
}

static int setup(void **state)
{
	(void)state;
	memset(&iommu, 0, sizeof iommu);
	iommu.buf = malloc(BUF_BYTES);
	assert_non_null(iommu.buf);
	fill_buffer();
	memset(regs, 0xa5, sizeof regs);      /* init must clear these */
	memset(ggtt, 0xa5, sizeof ggtt);
	memset(&m, 0xa5, sizeof m);
	gpu_model_init(&m, regs, ggtt, NENTRIES, APERTURE, fake_dma, &iommu);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(iommu.buf);
	iommu.buf = NULL;
	return 0;
}

static uint32_t rd32(uint32_t off)
{
	return m.mmio.read32(m.mmio.ctx, off);
}

static void wr32(uint32_t off, uint32_t v)
{
	m.mmio.write32(m.mmio.ctx, off, v);
}

static uint64_t rd64(uint32_t off)
{
	return m.mmio.read64(m.mmio.ctx, off);
}

static void wr64(uint32_t off, uint64_t v)
{
	m.mmio.write64(m.mmio.ctx, off, v);
}

static void map_test_pages(void)
{
	gen9_ggtt_write(&m.mmio, 0x8000, 0x800000003ull);
	gen9_ggtt_write(&m.mmio, 0x8001, 0x800002001ull);
	gen9_ggtt_write(&m.mmio, 0x8002, 0x800001002ull);
	gen9_ggtt_write(&m.mmio, 0x8003, 0x900000001ull);
	gen9_ggtt_write(&m.mmio, 0x8004, 0x800003001ull);
	gen9_ggtt_flush(&m.mmio);
}

static void expect_counters(uint64_t np, uint64_t faults)
{
	assert_int_equal(m.not_present, np);
	assert_int_equal(m.dma_faults, faults);
}

static void expect_buffer_unchanged(void)
{
	assert_memory_equal(iommu.buf, before, BUF_BYTES);
}

/* ---- init ---------------------------------------------------------------- */

static void test_init(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < GPU_MODEL_REG_DWORDS; i++)
		if (regs[i] != 0)
			fail_msg("regs[%#x] = %#x", i, regs[i]);
	for (i = 0; i < NENTRIES; i++)
		if (ggtt[i] != 0)
			fail_msg("ggtt[%#x] = %#llx", i,
			         (unsigned long long)ggtt[i]);
	assert_ptr_equal(m.regs, regs);
	assert_ptr_equal(m.ggtt, ggtt);
	assert_int_equal(m.nentries, NENTRIES);
	assert_int_equal(m.aperture, APERTURE);
	assert_true(m.dma == fake_dma);
	assert_ptr_equal(m.dma_ctx, &iommu);
	assert_ptr_equal(m.mmio.ctx, &m);
	assert_non_null(m.mmio.read32);
	assert_non_null(m.mmio.write32);
	assert_non_null(m.mmio.read64);
	assert_non_null(m.mmio.write64);
	assert_non_null(m.mmio.now_ns);
	assert_int_equal(m.clock_ns, 0);
	assert_int_equal(m.dma_faults, 0);
	assert_int_equal(m.not_present, 0);
	assert_int_equal(m.flushes, 0);
}

/* ---- the driver sequences against the model ------------------------------- */

static void test_forcewake_sequences(void **state)
{
	static const struct { enum gen9_fw_domain d; uint32_t req, ack; } dom[] = {
		{ GEN9_FW_RENDER, FW_RENDER, FW_ACK_RENDER },
		{ GEN9_FW_MEDIA, FW_MEDIA, FW_ACK_MEDIA },
		{ GEN9_FW_GT, FW_GT, FW_ACK_GT },
	};
	unsigned i, j;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_true(gen9_forcewake_get(&m.mmio, dom[i].d));
		assert_int_equal(rd32(dom[i].req), 1);
		assert_int_equal(rd32(dom[i].ack), 1);
		/* the other domains are untouched */
		for (j = i + 1; j < 3; j++)
			assert_int_equal(rd32(dom[j].ack), 0);
	}
	/* a second get: the ack is set, so the wait for it to clear times
	 * out (the kernel holds it already); the fallback's FALLBACK bit is
	 * acked at once but the KERNEL bit stays: false after 50 ms + 10
	 * passes of 10 us x pass + 50 ms on the model's clock (the FALLBACK
	 * waits succeed at once), and the FALLBACK request cleared again */
	m.clock_ns = 0;
	assert_false(gen9_forcewake_get(&m.mmio, GEN9_FW_RENDER));
	assert_in_range(m.clock_ns, 100 * 1000000ull + 550000, 100 * 1000000ull + 700000);
	assert_int_equal(rd32(FW_RENDER), 1);
	assert_int_equal(rd32(FW_ACK_RENDER), 1);
	for (i = 0; i < 3; i++) {
		gen9_forcewake_put(&m.mmio, dom[i].d);
		assert_int_equal(rd32(dom[i].req), 0);
		assert_int_equal(rd32(dom[i].ack), 0);
	}
	/* and again */
	assert_true(gen9_forcewake_get(&m.mmio, GEN9_FW_GT));
	assert_int_equal(rd32(FW_ACK_GT), 1);
	assert_int_equal(m.flushes, 0);
}

/* The boot-time scrub: every entry the present scratch entry except the
 * boot framebuffer's (here GM [16M, 24M): entries 0x1000..0x17ff), which
 * keep the firmware's values; then one flush. */
static void test_scrub(void **state)
{
	uint64_t i;

	(void)state;
	for (i = 0; i < NENTRIES; i++)
		ggtt[i] = 0x7000000000ull + i * 4096 + 1;   /* "firmware" entries */
	gen9_ggtt_scrub(&m.mmio, NENTRIES, 0x1000, 0x800, 0x1001);
	for (i = 0; i < NENTRIES; i++) {
		uint64_t want = (i >= 0x1000 && i < 0x1800)
		                ? 0x7000000000ull + i * 4096 + 1 : 0x1001;
		if (ggtt[i] != want)
			fail_msg("ggtt[%#llx] = %#llx, expected %#llx",
			         (unsigned long long)i, (unsigned long long)ggtt[i],
			         (unsigned long long)want);
	}
	assert_int_equal(m.flushes, 1);
	/* nothing kept; a keep range past the end is cut */
	gen9_ggtt_scrub(&m.mmio, NENTRIES, 0, 0, 0x2001);
	assert_int_equal(ggtt[0x1000], 0x2001);
	assert_int_equal(ggtt[NENTRIES - 1], 0x2001);
	gen9_ggtt_scrub(&m.mmio, NENTRIES, NENTRIES - 2, 100, 0x3001);
	assert_int_equal(ggtt[NENTRIES - 3], 0x3001);
	assert_int_equal(ggtt[NENTRIES - 2], 0x2001);
	assert_int_equal(ggtt[NENTRIES - 1], 0x2001);
	assert_int_equal(m.flushes, 3);
}

/* The simulated clock moves 1 us per read and only then. */
static void test_clock(void **state)
{
	(void)state;
	assert_int_equal(m.mmio.now_ns(m.mmio.ctx), 1000);
	assert_int_equal(m.mmio.now_ns(m.mmio.ctx), 2000);
	rd32(FW_ACK_GT);
	wr32(FW_GT, 0x00010001);
	assert_int_equal(m.clock_ns, 2000);
}

static void test_flush_sequence(void **state)
{
	(void)state;
	gen9_ggtt_flush(&m.mmio);
	assert_int_equal(m.flushes, 1);
	assert_int_equal(rd32(FLSH_CNTL), 0);
	gen9_ggtt_flush(&m.mmio);
	assert_int_equal(m.flushes, 2);
	assert_int_equal(rd32(FLSH_CNTL), 0);
}

static void test_ggtt_sequences(void **state)
{
	(void)state;
	gen9_ggtt_write(&m.mmio, 0, 0x800123003ull);
	gen9_ggtt_write(&m.mmio, 0x8000, 0x1001);
	gen9_ggtt_write(&m.mmio, NENTRIES - 1, ~0ull);
	assert_int_equal(ggtt[0], 0x800123003ull);
	assert_int_equal(ggtt[0x8000], 0x1001);
	assert_int_equal(ggtt[NENTRIES - 1], ~0ull);
	assert_int_equal(ggtt[1], 0);
	assert_int_equal(ggtt[0x7fff], 0);
	assert_int_equal(ggtt[0x8001], 0);
	assert_int_equal(gen9_ggtt_read(&m.mmio, 0), 0x800123003ull);
	assert_int_equal(gen9_ggtt_read(&m.mmio, 0x8000), 0x1001);
	assert_int_equal(gen9_ggtt_read(&m.mmio, NENTRIES - 1), ~0ull);
	assert_int_equal(gen9_ggtt_read(&m.mmio, 1), 0);
	/* the same entries at their BAR0 offsets */
	assert_int_equal(rd64(0x800000), 0x800123003ull);
	assert_int_equal(rd64(0x840000), 0x1001);
	assert_int_equal(rd64(0xfffff8), ~0ull);
	wr64(0x840008, 0x2001);
	assert_int_equal(ggtt[0x8001], 0x2001);
}

/* ---- registers --------------------------------------------------------------- */

/* Bits 31:16 select which of bits 15:0 change; only 15:0 are kept; the
 * ack reports the request (GEN9-FACTS §4 "Masked writes", "Bits"). */
static void test_masked_requests(void **state)
{
	(void)state;
	wr32(FW_MEDIA, 0xffff0003);               /* set 0 and 1, clear rest */
	assert_int_equal(rd32(FW_MEDIA), 0x0003);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0x0003);
	wr32(FW_MEDIA, 0x00020000);               /* clear bit 1 */
	assert_int_equal(rd32(FW_MEDIA), 0x0001);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0x0001);
	wr32(FW_MEDIA, 0x0000ffff);               /* nothing selected */
	assert_int_equal(rd32(FW_MEDIA), 0x0001);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0x0001);
	wr32(FW_MEDIA, 0x80008000);               /* KERNEL_FALLBACK, bit 15 */
	assert_int_equal(rd32(FW_MEDIA), 0x8001);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0x8001);
	wr32(FW_MEDIA, 0x00058000);               /* clear 0 and 2 (2 was 0) */
	assert_int_equal(rd32(FW_MEDIA), 0x8000);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0x8000);
	wr32(FW_MEDIA, 0xffff0000);               /* reset all */
	assert_int_equal(rd32(FW_MEDIA), 0);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0);
	/* the other domains never moved */
	assert_int_equal(rd32(FW_RENDER), 0);
	assert_int_equal(rd32(FW_ACK_RENDER), 0);
	assert_int_equal(rd32(FW_GT), 0);
	assert_int_equal(rd32(FW_ACK_GT), 0);
	/* a 64-bit write is two dword writes: low then high dword */
	wr64(FW_GT, 0xdeadbeef00020002ull);
	assert_int_equal(rd32(FW_GT), 0x0002);
	assert_int_equal(rd32(FW_ACK_GT), 0x0002);
	assert_int_equal(rd32(FW_GT + 4), 0xdeadbeef);
}

static void test_acks_read_only(void **state)
{
	(void)state;
	wr32(FW_ACK_RENDER, 0xffffffff);
	wr32(FW_ACK_MEDIA, 1);
	wr32(FW_ACK_GT, 0x00010001);
	assert_int_equal(rd32(FW_ACK_RENDER), 0);
	assert_int_equal(rd32(FW_ACK_MEDIA), 0);
	assert_int_equal(rd32(FW_ACK_GT), 0);
	wr32(FW_RENDER, 0x00010001);
	wr32(FW_ACK_RENDER, 0);
	assert_int_equal(rd32(FW_ACK_RENDER), 1);
	/* through a 64-bit write to the ack's dword pair: the neighbour is
	 * written, the ack is not */
	wr64(FW_ACK_RENDER - 4, 0x0000000011111111ull);
	assert_int_equal(rd32(FW_ACK_RENDER - 4), 0x11111111);
	assert_int_equal(rd32(FW_ACK_RENDER), 1);
	/* a 64-bit read of the pair */
	assert_int_equal(rd64(FW_ACK_RENDER - 4), 0x0000000111111111ull);
}

static void test_flush_register(void **state)
{
	(void)state;
	wr32(FLSH_CNTL, 0);
	assert_int_equal(m.flushes, 0);
	assert_int_equal(rd32(FLSH_CNTL), 0);
	wr32(FLSH_CNTL, 0xfffffffe);             /* bit 0 clear: no flush */
	assert_int_equal(m.flushes, 0);
	assert_int_equal(rd32(FLSH_CNTL), 0);
	wr32(FLSH_CNTL, 3);
	assert_int_equal(m.flushes, 1);
	assert_int_equal(rd32(FLSH_CNTL), 0);
	wr64(FLSH_CNTL, 0x0000000100000001ull);  /* dword 0x10100c gets 1 */
	assert_int_equal(m.flushes, 2);
	assert_int_equal(rd32(FLSH_CNTL), 0);
	assert_int_equal(rd32(FLSH_CNTL + 4), 1);
}

static void test_register_round_trip(void **state)
{
	(void)state;
	wr32(0x2000, 0xdeadbeef);
	assert_int_equal(rd32(0x2000), 0xdeadbeef);
	wr32(0, 0x12345678);                     /* the first register */
	assert_int_equal(rd32(0), 0x12345678);
	wr32(0x1ffffc, 0xcafef00d);              /* the last one */
	assert_int_equal(rd32(0x1ffffc), 0xcafef00d);
	assert_int_equal(regs[0x1ffffc / 4], 0xcafef00d);
	/* 64-bit: low dword at off, high at off + 4 */
	wr64(0x2008, 0x1122334455667788ull);
	assert_int_equal(rd32(0x2008), 0x55667788);
	assert_int_equal(rd32(0x200c), 0x11223344);
	assert_int_equal(rd64(0x2008), 0x1122334455667788ull);
	wr32(0x200c, 0xaabbccdd);
	assert_int_equal(rd64(0x2008), 0xaabbccdd55667788ull);
	/* 64-bit at the last dword: the high half falls in the hole */
	wr64(0x1ffffc, 0x0102030405060708ull);
	assert_int_equal(rd32(0x1ffffc), 0x05060708);
	assert_int_equal(rd64(0x1ffffc), 0x05060708);
	/* untouched neighbours */
	assert_int_equal(rd32(0x1ffff8), 0);
	assert_int_equal(rd32(0x2004), 0);
	assert_int_equal(rd32(0x2010), 0);
}

static void test_hole_and_ggtt_offsets(void **state)
{
	static uint64_t small_ggtt[16];

	(void)state;
	gen9_ggtt_write(&m.mmio, 0, 0x1001);
	wr32(0x200000, 0x11111111);               /* 2 MiB: nothing there */
	wr32(0x400000, 0x22222222);
	wr32(0x7ffffc, 0x33333333);
	wr64(0x300000, 0x4444444444444444ull);
	assert_int_equal(rd32(0x200000), 0);
	assert_int_equal(rd32(0x400000), 0);
	assert_int_equal(rd32(0x7ffffc), 0);
	assert_int_equal(rd64(0x300000), 0);
	assert_int_equal(rd64(0x7ffff8), 0);
	/* the GGTT is reached by qword accesses only */
	assert_int_equal(rd32(0x800000), 0);
	assert_int_equal(rd32(0x800004), 0);
	wr32(0x800000, 0x55555555);
	assert_int_equal(ggtt[0], 0x1001);
	/* misaligned qwords there are nothing either */
	wr64(0x800004, 0x6666666666666666ull);
	assert_int_equal(rd64(0x800004), 0);
	assert_int_equal(ggtt[0], 0x1001);
	assert_int_equal(ggtt[1], 0);
	assert_int_equal(rd64(0x800000), 0x1001);
	/* registers did not move */
	assert_int_equal(regs[0], 0);
	assert_int_equal(regs[GPU_MODEL_REG_DWORDS - 1], 0);

	/* a GGTT of 16 entries: index 16 and beyond are nothing */
	gpu_model_init(&m, regs, small_ggtt, 16, 16 * 4096, fake_dma, &iommu);
	wr64(0x800078, 0x7001);                   /* entry 15 */
	assert_int_equal(small_ggtt[15], 0x7001);
	wr64(0x800080, 0x8001);                   /* entry 16 */
	wr64(0xfffff8, 0x9001);
	assert_int_equal(rd64(0x800080), 0);
	assert_int_equal(rd64(0x800078), 0x7001);
	assert_int_equal(gen9_ggtt_read(&m.mmio, 16), 0);
}

/* ---- the aperture ------------------------------------------------------------ */

static uint64_t ap_read(uint64_t off, unsigned size)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;     /* must be replaced */

	assert_true(gpu_model_aperture_access(&m, off, size, false, &v));
	return v;
}

static void ap_write(uint64_t off, unsigned size, uint64_t v)
{
	assert_true(gpu_model_aperture_access(&m, off, size, true, &v));
}

static void test_aperture_reads(void **state)
{
	(void)state;
	map_test_pages();
	/* buffer byte i = i & 0xff; page 0 at GM 0x8000000 */
	assert_int_equal(ap_read(GM_PAGE0, 1), 0x00);
	assert_int_equal(iommu.last_iova, WINDOW);
	assert_false(iommu.last_write);
	assert_int_equal(ap_read(GM_PAGE0 + 0x123, 1), 0x23);
	assert_int_equal(iommu.last_iova, WINDOW + 0x123);
	assert_int_equal(ap_read(GM_PAGE0 + 0x10, 2), 0x1110);
	assert_int_equal(ap_read(GM_PAGE0 + 0x11, 2), 0x1211);   /* unaligned */
	assert_int_equal(ap_read(GM_PAGE0 + 0x20, 4), 0x23222120);
	assert_int_equal(ap_read(GM_PAGE0 + 0x18, 8), 0x1f1e1d1c1b1a1918ull);
	assert_int_equal(ap_read(GM_PAGE0 + 0x3, 8), 0x0a09080706050403ull);
	/* the page's last bytes */
	assert_int_equal(ap_read(GM_PAGE0 + 0xfff, 1), 0xff);
	assert_int_equal(ap_read(GM_PAGE0 + 0xffe, 2), 0xfffe);
	assert_int_equal(ap_read(GM_PAGE0 + 0xffc, 4), 0xfffefdfc);
	assert_int_equal(ap_read(GM_PAGE0 + 0xff8, 8), 0xfffefdfcfbfaf9f8ull);
	/* GM page 0x8001 is IOVA page 2: buffer offset 0x2000 + k */
	iommu.buf[0x2000] = 0xaa;
	assert_int_equal(ap_read(GM_PAGE2, 4), 0x030201aa);
	assert_int_equal(iommu.last_iova, WINDOW + 0x2000);
	assert_int_equal(ap_read(GM_PAGE2 + 0x7f8, 8), 0xfffefdfcfbfaf9f8ull);
	/* the read-only page reads */
	assert_int_equal(ap_read(GM_RO + 0x40, 4), 0x43424140);
	assert_int_equal(iommu.last_iova, WINDOW + 0x3040);
	expect_counters(0, 0);
	assert_int_equal(iommu.calls, 14);
}

static void test_aperture_writes(void **state)
{
	(void)state;
	map_test_pages();
	ap_write(GM_PAGE0 + 0x10, 4, 0xdeadbeef11223344ull);  /* low 4 bytes */
	assert_int_equal(iommu.last_iova, WINDOW + 0x10);
	assert_true(iommu.last_write);
	before[0x10] = 0x44;
	before[0x11] = 0x33;
	before[0x12] = 0x22;
	before[0x13] = 0x11;
	expect_buffer_unchanged();
	ap_write(GM_PAGE0 + 0x21, 1, 0x1ab);
	before[0x21] = 0xab;
	expect_buffer_unchanged();
	ap_write(GM_PAGE0 + 0xffe, 2, 0xbeef);
	before[0xffe] = 0xef;
	before[0xfff] = 0xbe;
	expect_buffer_unchanged();
	ap_write(GM_PAGE2 + 0xff8, 8, 0x0807060504030201ull);
	memcpy(&before[0x2ff8], "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	expect_buffer_unchanged();
	ap_write(GM_PAGE2 + 0x3, 8, 0x8877665544332211ull);   /* unaligned */
	memcpy(&before[0x2003], "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	expect_buffer_unchanged();
	/* and back through the aperture */
	assert_int_equal(ap_read(GM_PAGE0 + 0x10, 4), 0x11223344);
	assert_int_equal(ap_read(GM_PAGE0 + 0xffe, 2), 0xbeef);
	assert_int_equal(ap_read(GM_PAGE2 + 0xff8, 8), 0x0807060504030201ull);
	assert_int_equal(ap_read(GM_PAGE2 + 0x3, 8), 0x8877665544332211ull);
	assert_int_equal(ap_read(GM_PAGE2 + 0x7, 1), 0x55);
	expect_counters(0, 0);
}

static void test_aperture_not_present(void **state)
{
	uint64_t v;

	(void)state;
	map_test_pages();
	assert_int_equal(ap_read(GM_NP, 1), 0xff);
	assert_int_equal(ap_read(GM_NP + 2, 2), 0xffff);
	assert_int_equal(ap_read(GM_NP + 4, 4), 0xffffffff);
	assert_int_equal(ap_read(GM_NP + 0xff8, 8), ~0ull);
	expect_counters(4, 0);
	ap_write(GM_NP, 8, 0);
	ap_write(GM_NP + 1, 1, 0);
	expect_counters(6, 0);
	expect_buffer_unchanged();
	/* the IOMMU is never asked */
	assert_int_equal(iommu.calls, 0);
	/* a write leaves the caller's value alone */
	v = 0x1234;
	assert_true(gpu_model_aperture_access(&m, GM_NP, 4, true, &v));
	assert_int_equal(v, 0x1234);
	expect_counters(7, 0);
	/* an entry never written (GM 0) and the aperture's last page */
	assert_int_equal(ap_read(0, 4), 0xffffffff);
	assert_int_equal(ap_read(APERTURE - 8, 8), ~0ull);
	expect_counters(9, 0);
	/* clearing an entry makes it not present */
	gen9_ggtt_write(&m.mmio, 0x8000, 0x800000002ull);
	assert_int_equal(ap_read(GM_PAGE0, 1), 0xff);
	expect_counters(10, 0);
}

static void test_aperture_dma_fault(void **state)
{
	(void)state;
	map_test_pages();
	/* IOVA 36 GiB: no mapping */
	assert_int_equal(ap_read(GM_FAULT + 0x10, 1), 0xff);
	assert_int_equal(iommu.last_iova, 0x900000010ull);
	assert_int_equal(ap_read(GM_FAULT, 2), 0xffff);
	assert_int_equal(ap_read(GM_FAULT, 4), 0xffffffff);
	assert_int_equal(ap_read(GM_FAULT, 8), ~0ull);
	expect_counters(0, 4);
	ap_write(GM_FAULT, 4, 0);
	expect_counters(0, 5);
	assert_true(iommu.last_write);
	/* the read-only page refuses writes, only writes */
	ap_write(GM_RO + 0x8, 8, 0);
	ap_write(GM_RO, 1, 0);
	expect_counters(0, 7);
	assert_int_equal(iommu.last_iova, WINDOW + 0x3000);
	expect_buffer_unchanged();
	assert_int_equal(ap_read(GM_RO + 0x8, 8), 0x0f0e0d0c0b0a0908ull);
	expect_counters(0, 7);
	/* no IOMMU at all: every access a fault */
	m.dma = NULL;
	assert_int_equal(ap_read(GM_PAGE0, 4), 0xffffffff);
	expect_counters(0, 8);
}

static void test_aperture_bad_accesses(void **state)
{
	static const struct { uint64_t off; unsigned size; } bad[] = {
		{ GM_PAGE0, 0 }, { GM_PAGE0, 3 }, { GM_PAGE0, 5 },
		{ GM_PAGE0, 16 }, { GM_PAGE0, 6 },
		{ GM_PAGE0 + 0xfff, 2 }, { GM_PAGE0 + 0xffd, 4 },
		{ GM_PAGE0 + 0xff9, 8 }, { GM_PAGE0 + 0xffe, 4 },
		{ APERTURE, 1 }, { APERTURE - 4, 8 }, { APERTURE + 0x1000, 4 },
		{ ~0ull, 1 }, { ~0ull - 7, 8 },
	};
	uint64_t v;
	unsigned i;

	(void)state;
	map_test_pages();
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 0x77;
		if (gpu_model_aperture_access(&m, bad[i].off, bad[i].size, false,
		                              &v))
			fail_msg("read %u at %#llx accepted", bad[i].size,
			         (unsigned long long)bad[i].off);
		assert_int_equal(v, 0x77);
		if (gpu_model_aperture_access(&m, bad[i].off, bad[i].size, true,
		                              &v))
			fail_msg("write %u at %#llx accepted", bad[i].size,
			         (unsigned long long)bad[i].off);
	}
	assert_false(gpu_model_aperture_access(&m, GM_PAGE0, 4, false, NULL));
	assert_false(gpu_model_aperture_access(&m, GM_PAGE0, 4, true, NULL));
	expect_counters(0, 0);
	assert_int_equal(iommu.calls, 0);
	expect_buffer_unchanged();
	/* the edges that are fine */
	assert_int_equal(ap_read(GM_PAGE0 + 0xff8, 8), 0xfffefdfcfbfaf9f8ull);
	assert_int_equal(ap_read(APERTURE - 1, 1), 0xff);   /* not present */
}

/* An aperture larger than the GGTT covers: offsets without an entry are
 * refused. */
static void test_aperture_beyond_ggtt(void **state)
{
	static uint64_t small_ggtt[16];
	uint64_t v = 0;

	(void)state;
	gpu_model_init(&m, regs, small_ggtt, 16, 1 * GIB, fake_dma, &iommu);
	gen9_ggtt_write(&m.mmio, 15, 0x800001001ull);
	assert_int_equal(ap_read(0xf000 + 0x10, 1), 0x10);   /* IOVA page 1 */
	assert_int_equal(iommu.last_iova, WINDOW + 0x1010);
	assert_false(gpu_model_aperture_access(&m, 0x10000, 1, false, &v));
	assert_false(gpu_model_aperture_access(&m, 0x3ffffff8, 8, true, &v));
	expect_counters(0, 0);
}

/* An aperture that ends inside a page (not a real geometry): an access
 * must end inside it too. */
static void test_aperture_end_inside_page(void **state)
{
	static uint64_t small_ggtt[16];
	uint64_t v = 0;

	(void)state;
	gpu_model_init(&m, regs, small_ggtt, 16, 0x8002, fake_dma, &iommu);
	gen9_ggtt_write(&m.mmio, 8, 0x800000001ull);
	assert_int_equal(ap_read(0x8000, 2), 0x0100);
	assert_int_equal(ap_read(0x8001, 1), 0x01);
	assert_false(gpu_model_aperture_access(&m, 0x8000, 4, false, &v));
	assert_false(gpu_model_aperture_access(&m, 0x8001, 2, true, &v));
	assert_false(gpu_model_aperture_access(&m, 0x8002, 1, false, &v));
	expect_counters(0, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_forcewake_sequences),
		T(test_clock),
		T(test_scrub),
		T(test_flush_sequence),
		T(test_ggtt_sequences),
		T(test_masked_requests),
		T(test_acks_read_only),
		T(test_flush_register),
		T(test_register_round_trip),
		T(test_hole_and_ggtt_offsets),
		T(test_aperture_reads),
		T(test_aperture_writes),
		T(test_aperture_not_present),
		T(test_aperture_dma_fault),
		T(test_aperture_bad_accesses),
		T(test_aperture_beyond_ggtt),
		T(test_aperture_end_inside_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
