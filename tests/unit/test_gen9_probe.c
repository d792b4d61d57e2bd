/*
 * tests/unit/test_gen9_probe.c — unit tests of gpu/gen9_probe.c, the
 * hardware backend's checks of 00:02.0, run through configuration
 * mechanism #1 (hv/pci_cfg.c) against the chipset model of pci_model.h.
 * The healthy machine is a KBL-U 8086:5916 as in GEN9-FACTS §1 "Real
 * example": BAR0 16 MiB 64-bit at 0x6012000000, BAR2 256 MiB 64-bit
 * prefetchable at 0x4000000000, BAR4 64 bytes of I/O at 0xf000, GMCH
 * control 0x01c0 (GMS 1, GGMS 3: 8 MiB of entries, 4 GiB of GM), command
 * 0x0007, the GOP framebuffer at the start of the aperture, 8 MiB. The
 * host keeps 128 MiB of aperture (gpu/partition.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/gen9_probe.h"
#include "pci_model.h"

#define MIB        (1ull << 20)
#define GIB        (1ull << 30)
#define GPU        PCI_DEVFN(2, 0)
#define BAR0_HPA   0x6012000000ull
#define BAR2_HPA   0x4000000000ull
#define HOST_LOW   (128 * MIB)

static struct pcim chip;
static struct port_io io;
static struct pci_cfg cfg;
static struct pcim_fn *gpu;
static struct gen9_probe_in in;
static struct gen9_probe_out out;

static struct pcim_fn *add_gpu(uint16_t device)
{
	struct pcim_fn *f = pcim_add(&chip, GPU, 0x8086, device, 0x030000);

	pcim_bar64(f, 0, BAR0_HPA, 16 * MIB, false);
	pcim_bar64(f, 2, BAR2_HPA, 256 * MIB, true);
	pcim_bar_io(f, 4, 0xf000, 64);
	pcim_put(f, 0x50, 2, 0x01c0);
	pcim_put(f, 0x04, 2, 0x0007);
	pcim_put(f, 0x06, 2, 0x0010);
	return f;
}

static int setup(void **state)
{
	(void)state;
	pcim_reset(&chip);
	io = pcim_ports(&chip);
	pci_conf1_init(&cfg, &io);
	pcim_add(&chip, PCI_DEVFN(0, 0), 0x8086, 0x5904, 0x060000);
	gpu = add_gpu(0x5916);
	in = (struct gen9_probe_in){ &cfg, 0, GPU, BAR2_HPA, 8 * MIB, HOST_LOW };
	return 0;
}

static enum gen9_probe_status probe(void)
{
	memset(&out, 0xa5, sizeof out);
	return gen9_probe(&in, &out);
}

#define EXPECT_REFUSED(msg)                                                \
	do {                                                               \
		assert_int_equal(probe(), GEN9_PROBE_REFUSED);             \
		assert_string_equal(out.why, (msg));                       \
	} while (0)

/* ---- a machine BareGT drives ------------------------------------------------ */

static void test_healthy_kbl(void **state)
{
	(void)state;
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_int_equal(out.vendor, 0x8086);
	assert_int_equal(out.device_id, 0x5916);
	assert_non_null(out.dev);
	assert_int_equal(out.dev->platform, GEN9_KBL);
	assert_int_equal(out.dev->gt, 2);
	assert_int_equal(out.gmch, 0x01c0);
	assert_int_equal(out.bar0, BAR0_HPA);
	assert_int_equal(out.bar2, BAR2_HPA);
	assert_int_equal(out.bar0_size, 16 * MIB);
	assert_int_equal(out.aperture, 256 * MIB);
	assert_int_equal(out.ggtt_total, 4 * GIB);
	assert_int_equal(out.fb_gm, 0);
	assert_int_equal(out.fb_gm_size, 8 * MIB);
	assert_false(out.fb_elsewhere);
	/* sizing left the function as it was: BARs, command, status */
	assert_int_equal(pcim_get(gpu, 0x10, 4), 0x12000004u);
	assert_int_equal(pcim_get(gpu, 0x14, 4), 0x60);
	assert_int_equal(pcim_get(gpu, 0x18, 4), 0x0000000cu);
	assert_int_equal(pcim_get(gpu, 0x1c, 4), 0x40);
	assert_int_equal(pcim_get(gpu, 0x04, 2), 0x0007);
	assert_int_equal(pcim_get(gpu, 0x06, 2), 0x0010);
	/* decoding off whenever a BAR held all-ones (4 dwords) */
	assert_int_equal(chip.nones, 4);
	for (unsigned i = 0; i < chip.nones; i++)
		assert_int_equal(chip.cmd_when_ones[i] & 0x2, 0);
}

/* Comet Lake, KBL-R, Whiskey Lake, a GT3: in the table, driven. */
static void test_other_ids(void **state)
{
	static const uint16_t ids[] = { 0x9bc4, 0x5917, 0x3ea0, 0x3ea5, 0x1912 };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		gpu = add_gpu(ids[i]);
		assert_int_equal(probe(), GEN9_PROBE_OK);
		assert_int_equal(out.device_id, ids[i]);
		assert_int_equal(out.dev->id, ids[i]);
	}
}

/* GGMS = 2^n MiB of 8-byte entries, 4 KiB each; 0 means no GTT (the old
 * code took it for 1 MiB of entries). */
static void test_ggtt_bytes(void **state)
{
	(void)state;
	assert_int_equal(gen9_ggtt_bytes(0x0000), 0);
	assert_int_equal(gen9_ggtt_bytes(0xff00), 0);      /* GMS only */
	assert_int_equal(gen9_ggtt_bytes(0x0040), 1 * GIB);
	assert_int_equal(gen9_ggtt_bytes(0x0080), 2 * GIB);
	assert_int_equal(gen9_ggtt_bytes(0x00c0), 4 * GIB);
	assert_int_equal(gen9_ggtt_bytes(0x01c0), 4 * GIB);
	assert_int_equal(gen9_ggtt_bytes(0xf03f), 0);      /* bits 5:0 aren't GGMS */
}

/* ---- nothing to drive ----------------------------------------------------- */

static void test_no_device(void **state)
{
	(void)state;
	gpu->present = false;
	assert_int_equal(probe(), GEN9_PROBE_NONE);
	assert_string_equal(out.why, "no device");
}

static void test_not_intel_display(void **state)
{
	(void)state;
	pcim_add(&chip, GPU, 0x1234, 0x11e8, 0x00ff00);      /* QEMU edu */
	assert_int_equal(probe(), GEN9_PROBE_NONE);
	assert_string_equal(out.why, "1234:11e8 class 00ff00, not an Intel"
	                    " display controller");
	pcim_add(&chip, GPU, 0x8086, 0x1911, 0x088000);      /* Intel, not display */
	assert_int_equal(probe(), GEN9_PROBE_NONE);
	assert_string_equal(out.why, "8086:1911 class 088000, not an Intel"
	                    " display controller");
}

/* ---- refused ---------------------------------------------------------------- */

static void test_unknown_intel_gpu(void **state)
{
	(void)state;
	gpu = add_gpu(0x5a84);                               /* Apollo Lake */
	EXPECT_REFUSED("Intel display controller 0x5a84 is not a Gen9/Gen9.5 GPU"
	               " BareGT knows");
	gpu = add_gpu(0x8a52);                               /* Ice Lake */
	EXPECT_REFUSED("Intel display controller 0x8a52 is not a Gen9/Gen9.5 GPU"
	               " BareGT knows");
}

static void test_ggms_zero(void **state)
{
	(void)state;
	pcim_put(gpu, 0x50, 2, 0x0100);
	EXPECT_REFUSED("GMCH control 0x0100 has GGMS = 0: the firmware gave the"
	               " GPU no GTT");
	assert_int_equal(out.ggtt_total, 0);
}

static void test_bars_unassigned(void **state)
{
	(void)state;
	pcim_put(gpu, 0x10, 4, 0x4);
	pcim_put(gpu, 0x14, 4, 0);
	EXPECT_REFUSED("BAR0 (GTTMMADR) is not assigned");
	gpu = add_gpu(0x5916);
	pcim_put(gpu, 0x18, 4, 0xc);
	pcim_put(gpu, 0x1c, 4, 0);
	EXPECT_REFUSED("BAR2 (GMADR, the aperture) is not assigned");
}

static void test_decoding_off(void **state)
{
	(void)state;
	pcim_put(gpu, 0x04, 2, 0x0005);
	EXPECT_REFUSED("memory decoding is off (command 0x0005): the firmware"
	               " left the GPU disabled");
	/* nothing was sized or written */
	assert_int_equal(chip.nones, 0);
}

static void test_bar_sizes_wrong(void **state)
{
	(void)state;
	pcim_bar64(gpu, 0, BAR0_HPA, 32 * MIB, false);
	EXPECT_REFUSED("BAR0 (GTTMMADR) is 32M, not 16M");
	gpu = add_gpu(0x5916);
	pcim_put(gpu, 0x50, 2, 0x0040);                      /* 1 GiB of GM */
	pcim_bar64(gpu, 2, 0x4000000000ull, 2 * GIB, true);
	EXPECT_REFUSED("the aperture (BAR2) is 2G, not a power of two within the"
	               " GGTT's 1024M");
}

/* ---- the boot framebuffer --------------------------------------------------- */

static void test_fb_inside_host_part(void **state)
{
	(void)state;
	in.fb_base = BAR2_HPA + 16 * MIB;
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_int_equal(out.fb_gm, 16 * MIB);
	assert_int_equal(out.fb_gm_size, 8 * MIB);
	/* ends exactly at 128 MiB */
	in.fb_base = BAR2_HPA + 120 * MIB;
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_int_equal(out.fb_gm, 120 * MIB);
	/* a size that is not a page multiple is rounded up: 1366x768x4 =
	 * 0x400800 bytes → 0x401000 */
	in.fb_base = BAR2_HPA;
	in.fb_size = 1366 * 768 * 4;
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_int_equal(out.fb_gm_size, 0x401000);
	/* no size: one page */
	in.fb_size = 0;
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_int_equal(out.fb_gm_size, 4096);
}

static void test_fb_beyond_host_part(void **state)
{
	(void)state;
	in.fb_base = BAR2_HPA + 124 * MIB;
	EXPECT_REFUSED("the GOP framebuffer at GM [0x7c00000, 0x8400000) reaches"
	               " beyond the 128M of aperture the host keeps: a VM's"
	               " window would cover the live scanout");
	in.fb_base = BAR2_HPA + 200 * MIB;
	EXPECT_REFUSED("the GOP framebuffer at GM [0xc800000, 0xd000000) reaches"
	               " beyond the 128M of aperture the host keeps: a VM's"
	               " window would cover the live scanout");
	in.fb_base = BAR2_HPA;
	in.fb_size = 256 * MIB;
	EXPECT_REFUSED("the GOP framebuffer at GM [0, 0x10000000) reaches beyond"
	               " the 128M of aperture the host keeps: a VM's window would"
	               " cover the live scanout");
}

static void test_fb_elsewhere_or_none(void **state)
{
	(void)state;
	in.fb_base = 0xe0000000ull;             /* another display device */
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_true(out.fb_elsewhere);
	assert_int_equal(out.fb_gm_size, 0);
	in.fb_base = BAR2_HPA + 256 * MIB;      /* just past the aperture */
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_true(out.fb_elsewhere);
	in.fb_base = 0;
	assert_int_equal(probe(), GEN9_PROBE_OK);
	assert_false(out.fb_elsewhere);
	assert_int_equal(out.fb_gm_size, 0);
}

/* ---- where the model stands ------------------------------------------------- */

static void test_model_devfn(void **state)
{
	uint8_t devfn = 0;

	(void)state;
	assert_true(gen9_model_devfn(&cfg, &devfn));
	assert_int_equal(devfn, PCI_DEVFN(3, 0));            /* 00:02.0 taken */
	gpu->present = false;
	assert_true(gen9_model_devfn(&cfg, &devfn));
	assert_int_equal(devfn, PCI_DEVFN(2, 0));
	for (unsigned d = 2; d < 7; d++)
		pcim_add(&chip, PCI_DEVFN(d, 0), 0x8086, 0x1234, 0x088000);
	assert_true(gen9_model_devfn(&cfg, &devfn));
	assert_int_equal(devfn, PCI_DEVFN(7, 0));
	for (unsigned d = 0; d < 32; d++)
		pcim_add(&chip, PCI_DEVFN(d, 0), 0x8086, 0x1234, 0x088000);
	assert_false(gen9_model_devfn(&cfg, &devfn));
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_healthy_kbl),
		T(test_other_ids),
		T(test_ggtt_bytes),
		T(test_no_device),
		T(test_not_intel_display),
		T(test_unknown_intel_gpu),
		T(test_ggms_zero),
		T(test_bars_unassigned),
		T(test_decoding_off),
		T(test_bar_sizes_wrong),
		T(test_fb_inside_host_part),
		T(test_fb_beyond_host_part),
		T(test_fb_elsewhere_or_none),
		T(test_model_devfn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
