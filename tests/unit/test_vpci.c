/*
 * tests/unit/test_vpci.c — unit tests of hv/vpci.c: a VM's virtual PCI
 * bus 0. The type-0 header after vpci_func_init (PCI Local Bus Spec 3.0
 * §6.1) and its write masks; the BARs: sizing (§6.2.5.1), programming,
 * moves and the command register's decode bits (§6.2.2) as the owner's
 * callback sees them; the capability list (§6.7); configuration mechanism
 * #1 (§3.2.2.3.2) and the ECAM window (PCI Express Base Spec §7.2.2); the
 * slot rules of vpci_add. Every expected value is worked out by hand.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vpci.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

/* The function of docs/vgpu.md, 00:02.0. */
#define GPU_VENDOR   0x8086
#define GPU_DEVICE   0x1912
#define GPU_CLASS    0x030000
#define GPU_REVISION 0x06
#define GPU_DEV      2

#define CMD_WRITABLE 0x0407u          /* I/O, memory, master, INTx disable */

/* ---- what bar_changed() was told ----------------------------------------- */

#define EVENTS_MAX 16

struct event {
	void *owner;
	unsigned bar;
	uint64_t old_addr, new_addr;
	bool old_on, new_on;
};

struct events {
	unsigned n;
	struct event e[EVENTS_MAX];
};

static struct events events;
static struct vpci_func gpu, bridge;
static struct vpci_bus bus;
static int owner_cookie;

static void record(void *owner, unsigned bar, uint64_t old_addr, bool old_on,
                   uint64_t new_addr, bool new_on)
{
	if (events.n >= EVENTS_MAX)
		fail_msg("more than %d BAR callbacks", EVENTS_MAX);
	events.e[events.n++] = (struct event){ owner, bar, old_addr, new_addr,
	                                       old_on, new_on };
}

#define EXPECT_EVENTS(count) assert_int_equal(events.n, (count))
#define EXPECT_EVENT(i, bar, old, old_on, new, new_on) \
	expect_event_at(__LINE__, (i), (bar), (old), (old_on), (new), (new_on))

static void expect_event_at(int line, unsigned i, unsigned bar, uint64_t old,
                            bool old_on, uint64_t new_addr, bool new_on)
{
	const struct event *e = &events.e[i];

	if (i >= events.n)
		fail_msg("line %d: event %u not recorded (%u events)", line, i,
		         events.n);
	if (e->owner != &owner_cookie || e->bar != bar || e->old_addr != old ||
	    e->old_on != old_on || e->new_addr != new_addr || e->new_on != new_on)
		fail_msg("line %d: event %u is bar %u %#llx %d -> %#llx %d, "
		         "expected bar %u %#llx %d -> %#llx %d", line, i, e->bar,
		         (unsigned long long)e->old_addr, e->old_on,
		         (unsigned long long)e->new_addr, e->new_on, bar,
		         (unsigned long long)old, old_on,
		         (unsigned long long)new_addr, new_on);
}

static void forget_events(void)
{
	memset(&events, 0, sizeof events);
}

/* ---- fixtures ---------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	forget_events();
	memset(&gpu, 0xa5, sizeof gpu);       /* init must clear everything */
	memset(&bridge, 0x5a, sizeof bridge);
	memset(&bus, 0xa5, sizeof bus);
	vpci_func_init(&gpu, GPU_VENDOR, GPU_DEVICE, GPU_CLASS, GPU_REVISION,
	               record, &owner_cookie);
	vpci_func_init(&bridge, 0x8086, 0x191f, 0x060000, 0, NULL, NULL);
	vpci_bus_init(&bus);
	return 0;
}

/* The vGPU's BARs (docs/vgpu.md): BAR0 16M 64-bit, BAR2 1G 64-bit
 * prefetchable, BAR4 64 bytes of I/O, at their reset addresses. */
static void define_gpu_bars(void)
{
	vpci_set_bar(&gpu, 0, VPCI_BAR_MEM64, false, 16 * MIB, 0xf0000000);
	vpci_set_bar(&gpu, 2, VPCI_BAR_MEM64, true, 1 * GIB, 0x80000000);
	vpci_set_bar(&gpu, 4, VPCI_BAR_IO, false, 64, 0xc000);
}

static uint32_t rd(unsigned off, unsigned size)
{
	return vpci_cfg_read(&gpu, off, size);
}

static void wr(unsigned off, unsigned size, uint32_t value)
{
	vpci_cfg_write(&gpu, off, size, value);
}

static uint32_t bar_reg(unsigned index)
{
	return rd(PCI_BAR0 + 4 * index, 4);
}

static void bar_write(unsigned index, uint32_t value)
{
	wr(PCI_BAR0 + 4 * index, 4, value);
}

/* ---- the header after init ----------------------------------------------- */

static void test_init_header_bytes(void **state)
{
	static const uint8_t want[0x40] = {
		[0x00] = 0x86, [0x01] = 0x80, [0x02] = 0x12, [0x03] = 0x19,
		[0x08] = 0x06, [0x0b] = 0x03, [0x3d] = 0x01,
	};
	unsigned off;

	(void)state;
	for (off = 0; off < sizeof want; off++)
		if (rd(off, 1) != want[off])
			fail_msg("byte %#x reads %#x, expected %#x", off, rd(off, 1),
			         want[off]);
	for (off = 0x40; off < VPCI_CFG_SIZE; off++)
		assert_int_equal(rd(off, 1), 0);
	assert_int_equal(rd(PCI_VENDOR_ID, 4), 0x19128086);
	assert_int_equal(rd(PCI_REVISION, 4), 0x03000006);
	assert_int_equal(rd(PCI_INT_LINE, 4), 0x00000100);
	assert_int_equal(gpu.cap_last, 0);
	assert_ptr_equal(gpu.bar_changed, record);
	assert_ptr_equal(gpu.owner, &owner_cookie);
	for (off = 0; off < VPCI_BARS; off++)
		assert_int_equal(gpu.bar[off].kind, VPCI_BAR_NONE);
}

/* Prog-if, subclass, class land at 0x09, 0x0A, 0x0B in that order. */
static void test_init_class_byte_order(void **state)
{
	(void)state;
	vpci_func_init(&gpu, 0x1234, 0x5678, 0x0c0330, 0xab, NULL, NULL);
	assert_int_equal(rd(0x09, 1), 0x30);
	assert_int_equal(rd(0x0a, 1), 0x03);
	assert_int_equal(rd(0x0b, 1), 0x0c);
	assert_int_equal(rd(PCI_REVISION, 4), 0x0c0330ab);
	assert_int_equal(rd(PCI_VENDOR_ID, 2), 0x1234);
	assert_int_equal(rd(PCI_DEVICE_ID, 2), 0x5678);
}

static void test_init_write_masks(void **state)
{
	unsigned off;

	(void)state;
	for (off = 0; off < VPCI_CFG_SIZE; off++) {
		uint8_t want = 0;

		switch (off) {
		case PCI_COMMAND:     want = 0x07; break;
		case PCI_COMMAND + 1: want = 0x04; break;
		case PCI_CACHE_LINE:
		case PCI_LATENCY:
		case PCI_INT_LINE:    want = 0xff; break;
		default:              break;
		}
		if (gpu.wmask[off] != want)
			fail_msg("wmask[%#x] = %#x, expected %#x", off, gpu.wmask[off],
			         want);
	}
}

/* ---- write masks ----------------------------------------------------------- */

/* All-ones over the whole space: only the writable bits take it. */
static void test_all_ones_changes_only_writable_bits(void **state)
{
	unsigned off;

	(void)state;
	for (off = 0; off < VPCI_CFG_SIZE; off += 4)
		wr(off, 4, 0xffffffff);
	assert_int_equal(rd(0x00, 4), 0x19128086);
	assert_int_equal(rd(0x04, 4), 0x00000407);       /* status stays 0 */
	assert_int_equal(rd(0x08, 4), 0x03000006);
	assert_int_equal(rd(0x0c, 4), 0x0000ffff);       /* header type 0 */
	for (off = PCI_BAR0; off < 0x3c; off += 4)       /* BARs, ROM, cap ptr */
		assert_int_equal(rd(off, 4), 0);
	assert_int_equal(rd(0x3c, 4), 0x000001ff);       /* pin stays INTA */
	for (off = 0x40; off < VPCI_CFG_SIZE; off += 4)
		assert_int_equal(rd(off, 4), 0);
	EXPECT_EVENTS(0);                                /* no BARs defined */

	for (off = 0; off < VPCI_CFG_SIZE; off += 4)
		wr(off, 4, 0);
	assert_int_equal(rd(0x04, 4), 0);
	assert_int_equal(rd(0x0c, 4), 0);
	assert_int_equal(rd(0x3c, 4), 0x00000100);
	assert_int_equal(rd(0x00, 4), 0x19128086);
}

static void test_command_bits(void **state)
{
	(void)state;
	wr(PCI_COMMAND, 2, 0xffff);
	assert_int_equal(rd(PCI_COMMAND, 2), CMD_WRITABLE);
	wr(PCI_COMMAND, 2, 0x0000);
	wr(PCI_COMMAND + 1, 1, 0xff);                    /* high byte alone */
	assert_int_equal(rd(PCI_COMMAND, 2), 0x0400);
	wr(PCI_COMMAND, 1, 0xf8);                        /* none writable */
	assert_int_equal(rd(PCI_COMMAND, 2), 0x0400);
	wr(PCI_COMMAND, 1, 0x04);
	assert_int_equal(rd(PCI_COMMAND, 2), 0x0404);
}

static void test_byte_registers(void **state)
{
	(void)state;
	wr(PCI_CACHE_LINE, 1, 0x10);
	wr(PCI_LATENCY, 1, 0x40);
	wr(PCI_HEADER_TYPE, 1, 0x80);                    /* multi-function: no */
	wr(PCI_INT_LINE, 2, 0x040b);                     /* pin byte read-only */
	assert_int_equal(rd(PCI_CACHE_LINE, 4), 0x00004010);
	assert_int_equal(rd(PCI_INT_LINE, 2), 0x010b);
	wr(PCI_STATUS, 2, 0xffff);
	assert_int_equal(rd(PCI_STATUS, 2), 0);
}

/* Device-specific registers with their own masks, e.g. GMCH control. */
static void test_cfg_set_masks(void **state)
{
	(void)state;
	vpci_cfg_set(&gpu, 0x50, 2, 0x00c0, 0x0000);      /* GMCH: read-only */
	vpci_cfg_set(&gpu, 0xfc, 4, 0, 0xffffffff);       /* ASLS */
	vpci_cfg_set(&gpu, 0x60, 4, 0x11223344, 0x0ff000f0);
	assert_int_equal(rd(0x50, 4), 0x000000c0);
	wr(0x50, 4, 0xffffffff);
	assert_int_equal(rd(0x50, 4), 0x000000c0);
	wr(0xfc, 4, 0xdeadbeef);
	assert_int_equal(rd(0xfc, 4), 0xdeadbeef);
	wr(0xfe, 2, 0x1234);
	assert_int_equal(rd(0xfc, 4), 0x1234beef);
	/* new = old & ~mask | value & mask, byte by byte */
	wr(0x60, 4, 0xaabbccdd);
	assert_int_equal(rd(0x60, 4), 0x1ab233d4);
	wr(0x62, 1, 0x00);
	assert_int_equal(rd(0x60, 4), 0x1a0233d4);
	assert_int_equal(gpu.wmask[0x61], 0x00);
	assert_int_equal(gpu.wmask[0x63], 0x0f);
	/* out of the space: ignored */
	vpci_cfg_set(&gpu, 0xfe, 4, 0xffffffff, 0xffffffff);
	vpci_cfg_set(&gpu, 0x100, 1, 0xff, 0xff);
	assert_int_equal(rd(0xfc, 4), 0x1234beef);
}

static void test_invalid_accesses(void **state)
{
	(void)state;
	vpci_cfg_set(&gpu, 0x40, 4, 0x44332211, 0xffffffff);
	assert_int_equal(rd(0x41, 2), 0);                 /* misaligned */
	assert_int_equal(rd(0x42, 4), 0);
	assert_int_equal(rd(0x40, 3), 0);                 /* odd size */
	assert_int_equal(rd(0x40, 8), 0);
	assert_int_equal(rd(0x100, 4), 0);                /* extended space */
	assert_int_equal(rd(0x1000, 1), 0);
	assert_int_equal(rd(0x42, 2), 0x4433);
	wr(0x41, 2, 0);
	wr(0x40, 3, 0);
	wr(0x40, 0, 0);
	wr(0x100, 4, 0);
	assert_int_equal(rd(0x40, 4), 0x44332211);
	assert_int_equal(rd(0xfc, 4), 0);
	assert_int_equal(rd(0xff, 1), 0);
}

/* ---- BARs: sizing and programming --------------------------------------- */

static void test_bar_reset_values(void **state)
{
	(void)state;
	define_gpu_bars();
	assert_int_equal(bar_reg(0), 0xf0000004);        /* 64-bit memory */
	assert_int_equal(bar_reg(1), 0);
	assert_int_equal(bar_reg(2), 0x8000000c);        /* 64-bit, prefetch */
	assert_int_equal(bar_reg(3), 0);
	assert_int_equal(bar_reg(4), 0x0000c001);        /* I/O */
	assert_int_equal(bar_reg(5), 0);
	assert_int_equal(rd(PCI_ROM, 4), 0);
}

static void test_bar_sizing_16m_64bit(void **state)
{
	(void)state;
	define_gpu_bars();
	bar_write(0, 0xffffffff);
	bar_write(1, 0xffffffff);
	assert_int_equal(bar_reg(0), 0xff000004);
	assert_int_equal(bar_reg(1), 0xffffffff);
	assert_int_equal(gpu.bar[0].addr, 0xffffffffff000000ull);
	/* the OS puts the address back */
	bar_write(0, 0xf0000000);
	bar_write(1, 0);
	assert_int_equal(bar_reg(0), 0xf0000004);
	assert_int_equal(bar_reg(1), 0);
	EXPECT_EVENTS(0);                                /* decoding off */
}

static void test_bar_sizing_1g_prefetchable(void **state)
{
	(void)state;
	define_gpu_bars();
	bar_write(2, 0xffffffff);
	bar_write(3, 0xffffffff);
	assert_int_equal(bar_reg(2), 0xc000000c);
	assert_int_equal(bar_reg(3), 0xffffffff);
	bar_write(2, 0);
	bar_write(3, 0);
	assert_int_equal(bar_reg(2), 0x0000000c);        /* type bits stay */
	assert_int_equal(bar_reg(3), 0);
}

static void test_bar_sizing_io_64(void **state)
{
	(void)state;
	define_gpu_bars();
	bar_write(4, 0xffffffff);
	assert_int_equal(bar_reg(4), 0x0000ffc1);
	assert_int_equal(gpu.bar[4].addr, 0xffc0);
	bar_write(4, 0x1234e07f);                        /* upper 16 bits: 0 */
	assert_int_equal(bar_reg(4), 0x0000e041);
}

/* A size of 4 GiB or more: the low dword has no address bits left. */
static void test_bar_sizing_8g(void **state)
{
	(void)state;
	vpci_set_bar(&gpu, 2, VPCI_BAR_MEM64, true, 8 * GIB, 0x400000000ull);
	assert_int_equal(bar_reg(2), 0x0000000c);
	assert_int_equal(bar_reg(3), 0x00000004);
	bar_write(2, 0xffffffff);
	bar_write(3, 0xffffffff);
	assert_int_equal(bar_reg(2), 0x0000000c);
	assert_int_equal(bar_reg(3), 0xfffffffe);
}

static void test_bar_32bit_memory(void **state)
{
	(void)state;
	vpci_set_bar(&gpu, 1, VPCI_BAR_MEM32, false, 4096, 0xfebf1234);
	assert_int_equal(bar_reg(1), 0xfebf1000);        /* masked to the size */
	bar_write(1, 0xffffffff);
	assert_int_equal(bar_reg(1), 0xfffff000);
	bar_write(1, 0xfe000fff);
	assert_int_equal(bar_reg(1), 0xfe000000);
	vpci_set_bar(&gpu, 3, VPCI_BAR_MEM32, true, 1 * MIB, 0xd0000000);
	assert_int_equal(bar_reg(3), 0xd0000008);
	assert_int_equal(bar_reg(2), 0);                 /* unused */
}

static void test_bar_programming_above_4g(void **state)
{
	(void)state;
	vpci_set_bar(&gpu, 0, VPCI_BAR_MEM64, false, 16 * MIB, 0x123000000ull);
	assert_int_equal(bar_reg(0), 0x23000004);
	assert_int_equal(bar_reg(1), 0x00000001);
	bar_write(1, 0x00000042);
	bar_write(0, 0x45ffffff);
	assert_int_equal(bar_reg(0), 0x45000004);
	assert_int_equal(bar_reg(1), 0x00000042);
	assert_int_equal(gpu.bar[0].addr, 0x4245000000ull);
}

/* Byte and word writes inside a BAR dword merge with what it reads. */
static void test_bar_partial_writes(void **state)
{
	(void)state;
	define_gpu_bars();
	wr(PCI_BAR0 + 3, 1, 0x12);
	assert_int_equal(bar_reg(0), 0x12000004);
	wr(PCI_BAR0 + 2, 2, 0x3456);
	assert_int_equal(bar_reg(0), 0x34000004);        /* 0x56: below 16M */
	wr(PCI_BAR0, 1, 0xff);                           /* type bits: no */
	assert_int_equal(bar_reg(0), 0x34000004);
	assert_int_equal(rd(PCI_BAR0 + 3, 1), 0x34);
	assert_int_equal(rd(PCI_BAR0, 2), 0x0004);
	wr(PCI_BAR0 + 16, 2, 0xb000);                    /* BAR4 low word */
	assert_int_equal(bar_reg(4), 0x0000b001);
	wr(PCI_BAR0 + 18, 2, 0xffff);                    /* BAR4 high word */
	assert_int_equal(bar_reg(4), 0x0000b001);
}

static void test_unused_bars_and_rom(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < VPCI_BARS; i++) {
		bar_write(i, 0xffffffff);
		assert_int_equal(bar_reg(i), 0);
	}
	wr(PCI_ROM, 4, 0xffffffff);
	assert_int_equal(rd(PCI_ROM, 4), 0);
	EXPECT_EVENTS(0);
}

static void test_bar_definitions_refused(void **state)
{
	(void)state;
	vpci_set_bar(&gpu, 5, VPCI_BAR_MEM64, false, 16 * MIB, 0xf0000000);
	vpci_set_bar(&gpu, 6, VPCI_BAR_MEM32, false, 16 * MIB, 0xf0000000);
	vpci_set_bar(&gpu, 0, VPCI_BAR_MEM32, false, 3 * MIB, 0xf0000000);
	vpci_set_bar(&gpu, 1, VPCI_BAR_MEM32, false, 8, 0xf0000000);
	vpci_set_bar(&gpu, 2, VPCI_BAR_IO, false, 2, 0xc000);
	vpci_set_bar(&gpu, 3, VPCI_BAR_IO, false, 512, 0xc000);
	vpci_set_bar(&gpu, 4, VPCI_BAR_MEM32, false, 4 * GIB, 0);
	vpci_set_bar(&gpu, 4, (enum vpci_bar_kind)7, false, 16, 0);
	assert_int_equal(gpu.bar[5].kind, VPCI_BAR_NONE);
	assert_int_equal(gpu.bar[0].kind, VPCI_BAR_NONE);
	assert_int_equal(gpu.bar[1].kind, VPCI_BAR_NONE);
	assert_int_equal(gpu.bar[2].kind, VPCI_BAR_NONE);
	assert_int_equal(gpu.bar[3].kind, VPCI_BAR_NONE);
	assert_int_equal(gpu.bar[4].kind, VPCI_BAR_NONE);
	assert_int_equal(bar_reg(5), 0);

	/* The upper half of a 64-bit BAR is taken; clearing frees it. */
	define_gpu_bars();
	vpci_set_bar(&gpu, 1, VPCI_BAR_MEM32, false, 4096, 0xfe000000);
	assert_int_equal(bar_reg(1), 0);
	vpci_set_bar(&gpu, 0, VPCI_BAR_NONE, false, 0, 0);
	assert_int_equal(bar_reg(0), 0);
	vpci_set_bar(&gpu, 1, VPCI_BAR_MEM32, false, 4096, 0xfe000000);
	assert_int_equal(bar_reg(1), 0xfe000000);
	/* A 64-bit BAR over a defined one takes the next index too. */
	vpci_set_bar(&gpu, 0, VPCI_BAR_MEM64, false, 16 * MIB, 0xf0000000);
	assert_int_equal(gpu.bar[1].kind, VPCI_BAR_NONE);
	assert_int_equal(bar_reg(1), 0);
}

static void test_prefetch_ignored_for_io(void **state)
{
	(void)state;
	vpci_set_bar(&gpu, 4, VPCI_BAR_IO, true, 64, 0xc000);
	assert_int_equal(bar_reg(4), 0x0000c001);
	assert_false(gpu.bar[4].prefetch);
}

/* ---- BARs: moves, decoding and the callback ----------------------------- */

static void decode_on(uint16_t bits)
{
	wr(PCI_COMMAND, 2, bits);
	forget_events();
}

static void test_move_with_decode_on(void **state)
{
	(void)state;
	define_gpu_bars();
	decode_on(PCI_CMD_MEM | PCI_CMD_IO);
	bar_write(0, 0xe0000000);
	EXPECT_EVENTS(1);
	EXPECT_EVENT(0, 0, 0xf0000000, true, 0xe0000000, true);
	bar_write(0, 0xe0000000);                        /* same address */
	bar_write(0, 0xe0abcdef);                        /* same after masking */
	EXPECT_EVENTS(1);
	bar_write(2, 0x40000000);
	bar_write(4, 0x0000d000);
	EXPECT_EVENTS(3);
	EXPECT_EVENT(1, 2, 0x80000000, true, 0x40000000, true);
	EXPECT_EVENT(2, 4, 0xc000, true, 0xd000, true);
	assert_int_equal(bar_reg(0), 0xe0000004);
}

static void test_move_with_decode_off(void **state)
{
	(void)state;
	define_gpu_bars();
	bar_write(0, 0xe0000000);
	bar_write(4, 0xd000);
	EXPECT_EVENTS(0);
	assert_int_equal(bar_reg(0), 0xe0000004);
	assert_int_equal(bar_reg(4), 0xd001);

	/* Memory decoding on does not make an I/O move visible, and back. */
	decode_on(PCI_CMD_MEM);
	bar_write(4, 0xe000);
	EXPECT_EVENTS(0);
	decode_on(PCI_CMD_IO);
	bar_write(2, 0x40000000);
	EXPECT_EVENTS(0);
}

/* A 64-bit move is two dword writes: two callbacks, one in between. */
static void test_move_64bit_two_dwords(void **state)
{
	(void)state;
	define_gpu_bars();
	decode_on(PCI_CMD_MEM);
	bar_write(1, 0x00000002);
	bar_write(0, 0x40000000);
	EXPECT_EVENTS(2);
	EXPECT_EVENT(0, 0, 0xf0000000, true, 0x2f0000000ull, true);
	EXPECT_EVENT(1, 0, 0x2f0000000ull, true, 0x240000000ull, true);
	assert_int_equal(bar_reg(0), 0x40000004);
	assert_int_equal(bar_reg(1), 0x00000002);
}

static void test_sizing_with_decode_on(void **state)
{
	(void)state;
	define_gpu_bars();
	decode_on(PCI_CMD_MEM);
	bar_write(0, 0xffffffff);
	bar_write(0, 0xf0000000);
	EXPECT_EVENTS(2);
	EXPECT_EVENT(0, 0, 0xf0000000, true, 0xff000000, true);
	EXPECT_EVENT(1, 0, 0xff000000, true, 0xf0000000, true);
}

static void test_command_memory_on_off(void **state)
{
	(void)state;
	define_gpu_bars();
	wr(PCI_COMMAND, 2, PCI_CMD_MEM);
	EXPECT_EVENTS(2);
	EXPECT_EVENT(0, 0, 0xf0000000, false, 0xf0000000, true);
	EXPECT_EVENT(1, 2, 0x80000000, false, 0x80000000, true);
	assert_true(vpci_bar_decoding(&gpu, 0));
	assert_true(vpci_bar_decoding(&gpu, 1));         /* upper half */
	assert_true(vpci_bar_decoding(&gpu, 2));
	assert_false(vpci_bar_decoding(&gpu, 4));

	forget_events();
	wr(PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER);  /* no flip */
	EXPECT_EVENTS(0);
	wr(PCI_COMMAND, 1, 0);
	EXPECT_EVENTS(2);
	EXPECT_EVENT(0, 0, 0xf0000000, true, 0xf0000000, false);
	EXPECT_EVENT(1, 2, 0x80000000, true, 0x80000000, false);
	assert_false(vpci_bar_decoding(&gpu, 0));
}

static void test_command_io_on_off(void **state)
{
	(void)state;
	define_gpu_bars();
	wr(PCI_COMMAND, 1, PCI_CMD_IO);
	EXPECT_EVENTS(1);
	EXPECT_EVENT(0, 4, 0xc000, false, 0xc000, true);
	assert_true(vpci_bar_decoding(&gpu, 4));
	assert_false(vpci_bar_decoding(&gpu, 0));
	wr(PCI_COMMAND, 4, 0xffff0000);                  /* dword, status too */
	EXPECT_EVENTS(2);
	EXPECT_EVENT(1, 4, 0xc000, true, 0xc000, false);
}

/* Both bits at once: memory BARs first, then I/O. */
static void test_command_both_bits(void **state)
{
	(void)state;
	define_gpu_bars();
	wr(PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_IO);
	EXPECT_EVENTS(3);
	EXPECT_EVENT(0, 0, 0xf0000000, false, 0xf0000000, true);
	EXPECT_EVENT(1, 2, 0x80000000, false, 0x80000000, true);
	EXPECT_EVENT(2, 4, 0xc000, false, 0xc000, true);
	forget_events();
	wr(PCI_COMMAND, 2, PCI_CMD_MEM);                 /* only I/O flips */
	EXPECT_EVENTS(1);
	EXPECT_EVENT(0, 4, 0xc000, true, 0xc000, false);
}

/* The address moved while decoding was off; on reports the new one. */
static void test_decode_on_after_move(void **state)
{
	(void)state;
	define_gpu_bars();
	bar_write(2, 0x40000000);
	bar_write(3, 0x1);
	wr(PCI_COMMAND, 2, PCI_CMD_MEM);
	EXPECT_EVENTS(2);
	EXPECT_EVENT(1, 2, 0x140000000ull, false, 0x140000000ull, true);
}

static void test_no_callback_set(void **state)
{
	(void)state;
	vpci_func_init(&gpu, GPU_VENDOR, GPU_DEVICE, GPU_CLASS, GPU_REVISION,
	               NULL, NULL);
	define_gpu_bars();
	wr(PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_IO);
	bar_write(0, 0xe0000000);
	bar_write(4, 0xd000);
	wr(PCI_COMMAND, 2, 0);
	assert_int_equal(bar_reg(0), 0xe0000004);
	assert_int_equal(bar_reg(4), 0xd001);
	EXPECT_EVENTS(0);
}

static void test_bar_decoding_edges(void **state)
{
	(void)state;
	wr(PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_IO);
	assert_false(vpci_bar_decoding(&gpu, 0));        /* no BAR */
	assert_false(vpci_bar_decoding(&gpu, VPCI_BARS));
	assert_false(vpci_bar_decoding(&gpu, 1000));
}

/* ---- capability list ------------------------------------------------------ */

static void test_capability_list(void **state)
{
	(void)state;
	vpci_add_cap(&gpu, 0x90, PCI_CAP_ID_MSI, 14);
	assert_int_equal(rd(PCI_CAP_PTR, 1), 0x90);
	assert_int_equal(rd(PCI_STATUS, 2), PCI_STATUS_CAP);
	assert_int_equal(rd(0x90, 2), 0x0005);
	assert_int_equal(gpu.cap_last, 0x90);

	vpci_add_cap(&gpu, 0x40, 0x09, 12);              /* vendor-specific */
	assert_int_equal(rd(PCI_CAP_PTR, 1), 0x90);
	assert_int_equal(rd(0x90, 2), 0x4005);           /* 0x90 -> 0x40 */
	assert_int_equal(rd(0x40, 2), 0x0009);           /* end of list */
	assert_int_equal(gpu.cap_last, 0x40);
	assert_int_equal(rd(PCI_COMMAND, 4), 0x00100000);

	/* The caller fills the body: MSI control, 64-bit capable, enable rw. */
	vpci_cfg_set(&gpu, 0x92, 2, 0x0080, 0x0001);
	wr(0x90, 4, 0xffffffff);
	assert_int_equal(rd(0x90, 4), 0x00814005);
	wr(PCI_STATUS, 2, 0);
	assert_int_equal(rd(PCI_STATUS, 2), PCI_STATUS_CAP);
	wr(PCI_CAP_PTR, 1, 0x00);
	assert_int_equal(rd(PCI_CAP_PTR, 1), 0x90);
}

static void test_capability_refused(void **state)
{
	(void)state;
	vpci_add_cap(&gpu, 0xf8, PCI_CAP_ID_MSI, 14);    /* past the end */
	vpci_add_cap(&gpu, 0x3c, PCI_CAP_ID_MSI, 4);     /* in the header */
	vpci_add_cap(&gpu, 0x92, PCI_CAP_ID_MSI, 4);     /* not dword-aligned */
	vpci_add_cap(&gpu, 0x300, PCI_CAP_ID_MSI, 4);
	vpci_add_cap(&gpu, 0x90, PCI_CAP_ID_MSI, 1);     /* shorter than a header */
	assert_int_equal(rd(PCI_CAP_PTR, 1), 0);
	assert_int_equal(rd(PCI_STATUS, 2), 0);
	assert_int_equal(gpu.cap_last, 0);
	vpci_add_cap(&gpu, 0xf8, 0x09, 8);               /* exactly to the end */
	assert_int_equal(rd(PCI_CAP_PTR, 1), 0xf8);
	assert_int_equal(rd(0xf8, 2), 0x0009);
}

/* ---- mechanism #1 ---------------------------------------------------------- */

#define CF8  0xcf8
#define CFC  0xcfc
#define CF8_ADDR(bus_nr, dev, fn, reg) \
	(0x80000000u | (bus_nr) << 16 | (dev) << 11 | (fn) << 8 | (reg))

static void add_both(void)
{
	assert_true(vpci_add(&bus, 0, 0, &bridge));
	assert_true(vpci_add(&bus, GPU_DEV, 0, &gpu));
}

static void select_cfg(uint32_t address)
{
	vpci_port_write(&bus, CF8, 4, address);
}

static void test_bus_init(void **state)
{
	unsigned d, f;

	(void)state;
	assert_int_equal(bus.cf8, 0);
	for (d = 0; d < VPCI_DEVS; d++)
		for (f = 0; f < VPCI_FUNCS; f++)
			assert_null(bus.fn[d][f]);
	assert_int_equal(vpci_port_read(&bus, CF8, 4), 0);
}

static void test_config_address_register(void **state)
{
	unsigned port;

	(void)state;
	vpci_port_write(&bus, CF8, 4, 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, CF8, 4), 0x80fffffc);
	vpci_port_write(&bus, CF8, 4, 0x7f000003);       /* reserved bits only */
	assert_int_equal(vpci_port_read(&bus, CF8, 4), 0);
	select_cfg(CF8_ADDR(0, 2, 0, 0x10));
	assert_int_equal(vpci_port_read(&bus, CF8, 4), 0x80001010);

	/* Other sizes at 0xCF8..0xCFB: all-ones, writes ignored. */
	for (port = CF8; port < CFC; port++) {
		assert_int_equal(vpci_port_read(&bus, (uint16_t)port, 1), 0xff);
		vpci_port_write(&bus, (uint16_t)port, 1, 0);
		if (port % 2 == 0) {
			assert_int_equal(vpci_port_read(&bus, (uint16_t)port, 2),
			                 0xffff);
			vpci_port_write(&bus, (uint16_t)port, 2, 0);
		}
	}
	vpci_port_write(&bus, CF8 + 1, 4, 0);
	assert_int_equal(vpci_port_read(&bus, CF8 + 1, 4), 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, CF8, 4), 0x80001010);
}

/* The bus handlers: one for all eight ports, or CONFIG_ADDRESS alone and
 * the data ports alone (with 0xCF9 left to the reset control register). */
static void test_bus_handlers(void **state)
{
	uint64_t v;

	(void)state;
	add_both();
	v = CF8_ADDR(0, GPU_DEV, 0, 0x00);
	assert_true(vpci_port_bus(&bus, 0, 4, true, &v));
	v = 0;
	assert_true(vpci_port_bus(&bus, 4, 4, false, &v));
	assert_int_equal(v, 0x19128086);
	v = 0;
	assert_true(vpci_data_bus(&bus, 0, 4, false, &v));
	assert_int_equal(v, 0x19128086);
	assert_true(vpci_data_bus(&bus, 2, 2, false, &v));
	assert_int_equal(v, 0x1912);
	assert_true(vpci_data_bus(&bus, 3, 1, false, &v));
	assert_int_equal(v, 0x19);
	v = CF8_ADDR(0, 0, 0, 0x00);                     /* the bridge */
	assert_true(vpci_port_bus(&bus, 0, 4, true, &v));
	assert_true(vpci_data_bus(&bus, 2, 2, false, &v));
	assert_int_equal(v, 0x191f);
	assert_true(vpci_data_bus(&bus, 3, 2, false, &v)); /* past 0xCFF */
	assert_int_equal(v, 0xffff);
}

/* Every byte offset and size of the data window, reading and writing. */
static void test_config_data_every_offset(void **state)
{
	static const uint8_t ids[4] = { 0x86, 0x80, 0x12, 0x19 };
	unsigned i;

	(void)state;
	add_both();
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, 0x00));
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0x19128086);
	assert_int_equal(vpci_port_read(&bus, CFC, 2), 0x8086);
	assert_int_equal(vpci_port_read(&bus, CFC + 2, 2), 0x1912);
	for (i = 0; i < 4; i++)
		assert_int_equal(vpci_port_read(&bus, (uint16_t)(CFC + i), 1),
		                 ids[i]);
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, 0x08));
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0x03000006);
	assert_int_equal(vpci_port_read(&bus, CFC + 3, 1), 0x03);
	assert_int_equal(vpci_port_read(&bus, CFC + 2, 2), 0x0300);

	/* Writes at each byte of the dword at 0x3C: line rw, pin ro. */
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, PCI_INT_LINE));
	vpci_port_write(&bus, CFC, 1, 0x0b);
	vpci_port_write(&bus, CFC + 1, 1, 0x04);
	vpci_port_write(&bus, CFC + 2, 1, 0x55);
	vpci_port_write(&bus, CFC + 3, 1, 0x66);
	assert_int_equal(rd(PCI_INT_LINE, 4), 0x0000010b);
	vpci_port_write(&bus, CFC, 2, 0x0209);
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0x00000109);
	/* A 2-byte access at 0xCFE reaches reg + 2. */
	vpci_cfg_set(&gpu, 0x60, 4, 0, 0xffffffff);
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, 0x60));
	vpci_port_write(&bus, CFC + 2, 2, 0xbeef);
	vpci_port_write(&bus, CFC, 2, 0xcafe);
	assert_int_equal(rd(0x60, 4), 0xbeefcafe);
	vpci_port_write(&bus, CFC + 1, 1, 0x00);
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0xbeef00fe);
	vpci_port_write(&bus, CFC, 4, 0x01020304);
	assert_int_equal(rd(0x60, 4), 0x01020304);
	/* The host bridge at 00:00.0. */
	select_cfg(CF8_ADDR(0, 0, 0, 0x00));
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0x191f8086);
	select_cfg(CF8_ADDR(0, 0, 0, 0x08));
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0x06000000);
}

/* Accesses that do not fit aligned in the dword are not config cycles. */
static void test_config_data_misaligned(void **state)
{
	(void)state;
	add_both();
	vpci_cfg_set(&gpu, 0x60, 4, 0x11223344, 0xffffffff);
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, 0x60));
	assert_int_equal(vpci_port_read(&bus, CFC + 1, 2), 0xffff);
	assert_int_equal(vpci_port_read(&bus, CFC + 3, 2), 0xffff);
	assert_int_equal(vpci_port_read(&bus, CFC + 1, 4), 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, CFC + 2, 4), 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, CFC, 3), 0xffffff);
	vpci_port_write(&bus, CFC + 1, 2, 0);
	vpci_port_write(&bus, CFC + 2, 4, 0);
	assert_int_equal(rd(0x60, 4), 0x11223344);
	assert_int_equal(vpci_port_read(&bus, 0xd00, 4), 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, 0xcf7, 1), 0xff);
}

static void expect_nothing_there(uint32_t address)
{
	unsigned i;

	select_cfg(address);
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, CFC + 2, 2), 0xffff);
	for (i = 0; i < 4; i++)
		assert_int_equal(vpci_port_read(&bus, (uint16_t)(CFC + i), 1), 0xff);
	vpci_port_write(&bus, CFC, 4, 0xffffffff);
	vpci_port_write(&bus, CFC, 2, 0xffff);
	vpci_port_write(&bus, CFC + 1, 1, 0xff);
}

static void test_config_data_nothing_there(void **state)
{
	(void)state;
	add_both();
	define_gpu_bars();
	expect_nothing_there(CF8_ADDR(0, 3, 0, 0x04));           /* device */
	expect_nothing_there(CF8_ADDR(0, 31, 7, 0x04));
	expect_nothing_there(CF8_ADDR(0, GPU_DEV, 1, 0x04));     /* function */
	expect_nothing_there(CF8_ADDR(1, GPU_DEV, 0, 0x04));     /* bus 1 */
	expect_nothing_there(CF8_ADDR(0xff, GPU_DEV, 0, 0x04));
	expect_nothing_there(CF8_ADDR(0, GPU_DEV, 0, 0x04) & ~0x80000000u);
	expect_nothing_there(CF8_ADDR(0, 0, 0, 0x3c) & ~0x80000000u);
	assert_int_equal(rd(PCI_COMMAND, 2), 0);                 /* untouched */
	assert_int_equal(vpci_cfg_read(&bridge, PCI_INT_LINE, 1), 0);
	EXPECT_EVENTS(0);
}

/* Through the ports, the BAR rules and the callbacks are the same. */
static void test_config_data_reaches_bars(void **state)
{
	(void)state;
	add_both();
	define_gpu_bars();
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, 0x10));
	vpci_port_write(&bus, CFC, 4, 0xffffffff);
	assert_int_equal(vpci_port_read(&bus, CFC, 4), 0xff000004);
	vpci_port_write(&bus, CFC, 4, 0xf0000000);
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, PCI_COMMAND));
	vpci_port_write(&bus, CFC, 2, PCI_CMD_MEM);
	EXPECT_EVENTS(2);
	EXPECT_EVENT(0, 0, 0xf0000000, false, 0xf0000000, true);
	EXPECT_EVENT(1, 2, 0x80000000, false, 0x80000000, true);
}

/* ---- ECAM ------------------------------------------------------------------ */

#define ECAM(dev, fn, reg) ((uint32_t)(dev) << 15 | (uint32_t)(fn) << 12 | (reg))

static void test_ecam_same_function(void **state)
{
	(void)state;
	add_both();
	define_gpu_bars();
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0), 4), 0x19128086);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0x0b), 1), 0x03);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0x02), 2), 0x1912);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(0, 0, 0), 4), 0x191f8086);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0x20), 4),
	                 0x0000c001);
	vpci_ecam_write(&bus, ECAM(GPU_DEV, 0, PCI_COMMAND), 2, PCI_CMD_IO);
	EXPECT_EVENTS(1);
	EXPECT_EVENT(0, 4, 0xc000, false, 0xc000, true);
	vpci_ecam_write(&bus, ECAM(GPU_DEV, 0, PCI_INT_LINE), 1, 0x0b);
	assert_int_equal(rd(PCI_INT_LINE, 2), 0x010b);
	/* misaligned: not a config access */
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 1), 2), 0xffff);
	vpci_ecam_write(&bus, ECAM(GPU_DEV, 0, 0x3d), 2, 0x0000);
	assert_int_equal(rd(PCI_INT_LINE, 2), 0x010b);
	/* the same register as mechanism #1 sees it */
	select_cfg(CF8_ADDR(0, GPU_DEV, 0, PCI_INT_LINE));
	assert_int_equal(vpci_port_read(&bus, CFC, 4),
	                 vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, PCI_INT_LINE), 4));
}

static void test_ecam_absent_and_extended(void **state)
{
	(void)state;
	add_both();
	assert_int_equal(vpci_ecam_read(&bus, ECAM(3, 0, 0), 4), 0xffffffff);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 1, 0), 2), 0xffff);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(31, 7, 0xffc), 1), 0xff);
	assert_int_equal(vpci_ecam_read(&bus, VPCI_ECAM_SIZE, 4), 0xffffffff);
	assert_int_equal(vpci_ecam_read(&bus, VPCI_ECAM_SIZE | ECAM(GPU_DEV, 0, 0),
	                                4), 0xffffffff);     /* bus 1 */
	/* Extended space of a present function reads 0, ignores writes. */
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0x100), 4), 0);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0xffc), 4), 0);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0xfff), 1), 0);
	vpci_ecam_write(&bus, ECAM(GPU_DEV, 0, 0x104), 4, 0xffffffff);
	vpci_ecam_write(&bus, ECAM(3, 0, PCI_COMMAND), 2, 0xffff);
	vpci_ecam_write(&bus, VPCI_ECAM_SIZE | ECAM(GPU_DEV, 0, PCI_COMMAND), 2,
	                0xffff);
	assert_int_equal(rd(PCI_COMMAND, 2), 0);
	assert_int_equal(vpci_cfg_read(&bridge, PCI_COMMAND, 2), 0);
}

/* ---- slots ----------------------------------------------------------------- */

static void test_add_slot_rules(void **state)
{
	struct vpci_func other;

	(void)state;
	vpci_func_init(&other, 0x8086, 0x1234, 0, 0, NULL, NULL);
	assert_true(vpci_add(&bus, GPU_DEV, 0, &gpu));
	assert_false(vpci_add(&bus, GPU_DEV, 0, &other));        /* taken */
	assert_ptr_equal(bus.fn[GPU_DEV][0], &gpu);
	assert_true(vpci_add(&bus, GPU_DEV, 7, &other));
	assert_false(vpci_add(&bus, GPU_DEV, 8, &other));
	assert_false(vpci_add(&bus, 32, 0, &other));
	assert_false(vpci_add(&bus, 1000, 1000, &other));
	assert_false(vpci_add(&bus, 5, 0, NULL));
	assert_null(bus.fn[5][0]);
	assert_true(vpci_add(&bus, 31, 0, &bridge));
	assert_ptr_equal(bus.fn[31][0], &bridge);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 7, 0), 4), 0x12348086);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(31, 0, 0), 4), 0x191f8086);
	/* removal: only what the slot holds */
	assert_false(vpci_remove(&bus, GPU_DEV, 0, &other));
	assert_ptr_equal(bus.fn[GPU_DEV][0], &gpu);
	assert_false(vpci_remove(&bus, 32, 0, &gpu));
	assert_true(vpci_remove(&bus, GPU_DEV, 0, &gpu));
	assert_null(bus.fn[GPU_DEV][0]);
	assert_int_equal(vpci_ecam_read(&bus, ECAM(GPU_DEV, 0, 0), 4), 0xffffffffu);
	assert_false(vpci_remove(&bus, GPU_DEV, 0, &gpu));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_header_bytes),
		T(test_init_class_byte_order),
		T(test_init_write_masks),
		T(test_all_ones_changes_only_writable_bits),
		T(test_command_bits),
		T(test_byte_registers),
		T(test_cfg_set_masks),
		T(test_invalid_accesses),
		T(test_bar_reset_values),
		T(test_bar_sizing_16m_64bit),
		T(test_bar_sizing_1g_prefetchable),
		T(test_bar_sizing_io_64),
		T(test_bar_sizing_8g),
		T(test_bar_32bit_memory),
		T(test_bar_programming_above_4g),
		T(test_bar_partial_writes),
		T(test_unused_bars_and_rom),
		T(test_bar_definitions_refused),
		T(test_prefetch_ignored_for_io),
		T(test_move_with_decode_on),
		T(test_move_with_decode_off),
		T(test_move_64bit_two_dwords),
		T(test_sizing_with_decode_on),
		T(test_command_memory_on_off),
		T(test_command_io_on_off),
		T(test_command_both_bits),
		T(test_decode_on_after_move),
		T(test_no_callback_set),
		T(test_bar_decoding_edges),
		T(test_capability_list),
		T(test_capability_refused),
		T(test_bus_init),
		T(test_config_address_register),
		T(test_config_data_every_offset),
		T(test_config_data_misaligned),
		T(test_bus_handlers),
		T(test_config_data_nothing_there),
		T(test_config_data_reaches_bars),
		T(test_ecam_same_function),
		T(test_ecam_absent_and_extended),
		T(test_add_slot_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
