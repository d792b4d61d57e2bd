/*
 * tests/unit/test_pci.c — unit tests of hv/pci_cfg.c: configuration
 * mechanism #1 over port I/O (PCI Local Bus Spec 3.0 §3.2.2.3.2) and the
 * BAR helpers (§6.2.5.1), against the chipset model of pci_model.h.
 * Expected port sequences worked out by hand: CONFIG_ADDRESS for bus 0,
 * device 2, function 0 (devfn 0x10) and register r is 0x80001000 | (r &
 * 0xfc); the data access of size s at register r uses port 0xCFC + (r & 3).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/pci.h"
#include "pci_model.h"

#define GPU      PCI_DEVFN(2, 0)
#define ADDR(r)  (0x80001000u | ((r) & 0xfcu))

static struct pcim chip;
static struct port_io io;
static struct pci_cfg cfg;
static struct pcim_fn *gpu;

static int setup(void **state)
{
	(void)state;
	pcim_reset(&chip);
	io = pcim_ports(&chip);
	pci_conf1_init(&cfg, &io);
	gpu = pcim_add(&chip, GPU, 0x8086, 0x5916, 0x030000);
	pcim_put(gpu, 0x04, 2, 0x0007);            /* I/O, memory, master */
	pcim_put(gpu, 0x06, 2, 0xf910);            /* every W1C error bit, caps */
	chip.nlog = 0;
	return 0;
}

#define EXPECT_PORT(i, o, p, s, v) expect_port_at(__LINE__, (i), (o), (p), (s), (v))

static void expect_port_at(int line, unsigned i, bool out, uint16_t port,
                           unsigned size, uint32_t value)
{
	const struct pcim_access *a = &chip.log[i];

	if (i >= chip.nlog)
		fail_msg("line %d: port access %u missing (%u logged)", line, i,
		         chip.nlog);
	if (a->out != out || a->port != port || a->size != size ||
	    a->value != value)
		fail_msg("line %d: access %u is %s %#x/%u = %#x, expected %s %#x/%u"
		         " = %#x", line, i, a->out ? "out" : "in", a->port, a->size,
		         a->value, out ? "out" : "in", port, size, value);
}

/* ---- data-port byte lanes --------------------------------------------------- */

static void test_read32(void **state)
{
	(void)state;
	assert_int_equal(pci_cfg_read32(&cfg, 0, GPU, 0x00), 0x59168086);
	assert_int_equal(chip.nlog, 2);
	EXPECT_PORT(0, true, 0xcf8, 4, ADDR(0x00));
	EXPECT_PORT(1, false, 0xcfc, 4, 0x59168086);
}

static void test_read16_lanes(void **state)
{
	(void)state;
	assert_int_equal(pci_cfg_read16(&cfg, 0, GPU, 0x02), 0x5916);
	EXPECT_PORT(0, true, 0xcf8, 4, ADDR(0x02));
	EXPECT_PORT(1, false, 0xcfe, 2, 0x5916);
	assert_int_equal(pci_cfg_read16(&cfg, 0, GPU, 0x06), 0xf910);
	EXPECT_PORT(2, true, 0xcf8, 4, ADDR(0x04));
	EXPECT_PORT(3, false, 0xcfe, 2, 0xf910);
	assert_int_equal(chip.nlog, 4);
}

/* The bug of issue 8 item 13: a 16-bit write of the command register was
 * a 32-bit read-modify-write, and writing the status half back cleared
 * its write-1-to-clear bits. Now: one 16-bit OUT at 0xCFC, status intact. */
static void test_write16_command_leaves_status(void **state)
{
	(void)state;
	pci_cfg_write16(&cfg, 0, GPU, 0x04, 0x0005);
	assert_int_equal(chip.nlog, 2);
	EXPECT_PORT(0, true, 0xcf8, 4, ADDR(0x04));
	EXPECT_PORT(1, true, 0xcfc, 2, 0x0005);
	assert_int_equal(pcim_get(gpu, 0x04, 2), 0x0005);
	assert_int_equal(pcim_get(gpu, 0x06, 2), 0xf910);
}

/* Writing the status register itself: the upper lanes, 1s clear. */
static void test_write16_status_clears_w1c(void **state)
{
	(void)state;
	pci_cfg_write16(&cfg, 0, GPU, 0x06, 0x8100);
	EXPECT_PORT(1, true, 0xcfe, 2, 0x8100);
	assert_int_equal(pcim_get(gpu, 0x06, 2), 0x7810);
	assert_int_equal(pcim_get(gpu, 0x04, 2), 0x0007);
}

/* A 32-bit write of the command dword would clear them: the model is
 * right about W1C (so the test above can fail). */
static void test_write32_command_dword_clears_status(void **state)
{
	(void)state;
	pci_cfg_write32(&cfg, 0, GPU, 0x04, 0xf9100005u);
	assert_int_equal(pcim_get(gpu, 0x06, 2), 0x0010);
}

static void test_byte_lanes(void **state)
{
	(void)state;
	pci_cfg_write16(&cfg, 0, GPU, 0x52, 0x1234);   /* not in the model's mask */
	EXPECT_PORT(1, true, 0xcfe, 2, 0x1234);
	pci_cfg_write16(&cfg, 0, GPU, 0x50, 0xbeef);
	EXPECT_PORT(3, true, 0xcfc, 2, 0xbeef);
	assert_int_equal(pcim_get(gpu, 0x50, 4), 0x0000beef);
	assert_int_equal(cfg.read(cfg.ctx, 0, GPU, 0x51, 1), 0xbe);
	EXPECT_PORT(5, false, 0xcfd, 1, 0xbe);
	cfg.write(cfg.ctx, 0, GPU, 0x3c, 1, 0x0b);
	EXPECT_PORT(7, true, 0xcfc, 1, 0x0b);
	assert_int_equal(gpu->cfg[0x3c], 0x0b);
	cfg.write(cfg.ctx, 0, GPU, 0x3f, 1, 0x77);       /* read-only byte */
	EXPECT_PORT(8, true, 0xcf8, 4, ADDR(0x3c));
	EXPECT_PORT(9, true, 0xcff, 1, 0x77);
	assert_int_equal(gpu->cfg[0x3f], 0);
	assert_int_equal(chip.nlog, 10);
}

/* Misaligned or oversized accesses never reach the ports. */
static void test_bad_accesses(void **state)
{
	(void)state;
	assert_int_equal(pci_cfg_read16(&cfg, 0, GPU, 0x03), 0xffff);
	assert_int_equal(pci_cfg_read32(&cfg, 0, GPU, 0x02), 0xffffffffu);
	assert_int_equal(cfg.read(cfg.ctx, 0, GPU, 0x00, 3), 0xffffffu);
	assert_int_equal(pci_cfg_read32(&cfg, 0, GPU, 0x100), 0xffffffffu);
	pci_cfg_write16(&cfg, 0, GPU, 0x05, 0);
	pci_cfg_write32(&cfg, 0, GPU, 0x06, 0);
	cfg.write(cfg.ctx, 0, GPU, 0xfe, 4, 0);
	assert_int_equal(chip.nlog, 0);
	assert_int_equal(pcim_get(gpu, 0x04, 4), 0xf9100007u);
}

static void test_absent_function(void **state)
{
	(void)state;
	assert_int_equal(pci_cfg_read32(&cfg, 0, PCI_DEVFN(3, 0), 0), 0xffffffffu);
	assert_int_equal(pci_cfg_read16(&cfg, 1, GPU, 0), 0xffff);
	assert_false(pci_cfg_present(&cfg, 0, PCI_DEVFN(3, 0)));
	assert_true(pci_cfg_present(&cfg, 0, GPU));
	EXPECT_PORT(0, true, 0xcf8, 4, 0x80001800u);
	EXPECT_PORT(2, true, 0xcf8, 4, 0x80011000u);
}

/* ---- BARs ---------------------------------------------------------------- */

static void test_bar_addresses(void **state)
{
	(void)state;
	pcim_bar64(gpu, 0, 0x6012000000ull, 16ull << 20, false);
	pcim_bar64(gpu, 2, 0x4000000000ull, 256ull << 20, true);
	pcim_bar_io(gpu, 4, 0xf000, 64);
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 0), 0x6012000000ull);
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 2), 0x4000000000ull);
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 4), 0);   /* I/O */
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 5), 0);   /* none */
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 6), 0);   /* no such BAR */
	assert_int_equal(pci_cfg_bar(&cfg, 0, PCI_DEVFN(5, 0), 0), 0);
	pcim_bar32(gpu, 5, 0xfe000000u, 4096);
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 5), 0xfe000000ull);
}

static void test_bar_sizes(void **state)
{
	(void)state;
	pcim_bar64(gpu, 0, 0x6012000000ull, 16ull << 20, false);
	pcim_bar64(gpu, 2, 0x4000000000ull, 256ull << 20, true);
	pcim_bar_io(gpu, 4, 0xf000, 64);
	pcim_bar32(gpu, 5, 0xfe000000u, 4096);
	assert_int_equal(pci_cfg_bar_size(&cfg, 0, GPU, 0), 16ull << 20);
	assert_int_equal(pci_cfg_bar_size(&cfg, 0, GPU, 2), 256ull << 20);
	assert_int_equal(pci_cfg_bar_size(&cfg, 0, GPU, 4), 0);
	assert_int_equal(pci_cfg_bar_size(&cfg, 0, GPU, 5), 4096);
	assert_int_equal(pci_cfg_bar_size(&cfg, 0, GPU, 6), 0);     /* no BAR 6 */
	/* decoding was off whenever a BAR held all-ones (5 dwords) */
	assert_int_equal(chip.nones, 5);
	for (unsigned i = 0; i < chip.nones; i++)
		assert_int_equal(chip.cmd_when_ones[i] & 0x2, 0);
	/* everything restored, status untouched */
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 0), 0x6012000000ull);
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 2), 0x4000000000ull);
	assert_int_equal(pcim_get(gpu, 0x24, 4), 0xfe000000u);
	assert_int_equal(pcim_get(gpu, 0x04, 2), 0x0007);
	assert_int_equal(pcim_get(gpu, 0x06, 2), 0xf910);
}

/* A 4 GiB 64-bit BAR: the size lives in the upper dword alone. */
static void test_bar_size_4g(void **state)
{
	(void)state;
	pcim_bar64(gpu, 2, 0x800000000ull, 4ull << 30, true);
	assert_int_equal(pci_cfg_bar_size(&cfg, 0, GPU, 2), 4ull << 30);
	assert_int_equal(pci_cfg_bar(&cfg, 0, GPU, 2), 0x800000000ull);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read32),
		T(test_read16_lanes),
		T(test_write16_command_leaves_status),
		T(test_write16_status_clears_w1c),
		T(test_write32_command_dword_clears_status),
		T(test_byte_lanes),
		T(test_bad_accesses),
		T(test_absent_function),
		T(test_bar_addresses),
		T(test_bar_sizes),
		T(test_bar_size_4g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
