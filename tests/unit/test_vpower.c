/*
 * tests/unit/test_vpower.c — unit tests of hv/dev/vpower.c: every way a
 * guest resets or powers off its VM and the ones that do nothing. The
 * i8042: status 0x1C/0x14, data 0, command 0xFE and the other pulse
 * commands, a written output port with bit 0 clear (and the A20 write
 * with it set), Linux's keyboard-controller reboot loop; 0xCF9: Linux's
 * reboot=pci pair (0x02, then 0x06), the FADT's reset value, FULL_RST,
 * the read-back of bits 1 and 3; ACPI PM1a: PM1_STS write-1-to-clear,
 * PM1_EN's bits, SCI_EN fixed at 1, ACPICA's S5 sequence, byte and dword
 * accesses, every other SLP_TYP refused; hostile sizes and offsets.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vpower.h"

static struct vpower pw;
static unsigned nreq;
static enum vpower_request last_req;
static char last_why[64];
static int ctx_cookie;

static void on_request(void *ctx, enum vpower_request r, const char *why)
{
	assert_ptr_equal(ctx, &ctx_cookie);
	assert_true(strlen(why) < sizeof last_why);
	nreq++;
	last_req = r;
	strcpy(last_why, why);
}

static int setup(void **state)
{
	(void)state;
	memset(&pw, 0x5a, sizeof pw);
	vpower_init(&pw, on_request, &ctx_cookie);
	nreq = 0;
	last_why[0] = '\0';
	return 0;
}

/* ---- ports ---------------------------------------------------------------- */

typedef bool (*handler)(void *, uint64_t, unsigned, bool, uint64_t *);

static uint64_t io_in(handler h, uint64_t off, unsigned size)
{
	uint64_t v = 0xabcdef;

	assert_true(h(&pw, off, size, false, &v));
	return v;
}

static void io_out(handler h, uint64_t off, unsigned size, uint64_t v)
{
	assert_true(h(&pw, off, size, true, &v));
}

static uint8_t inb(uint16_t port)
{
	switch (port) {
	case 0x60:  return (uint8_t)io_in(vpower_bus_kbd_data, 0, 1);
	case 0x64:  return (uint8_t)io_in(vpower_bus_kbd_cmd, 0, 1);
	case 0xcf9: return (uint8_t)io_in(vpower_bus_rst_cnt, 0, 1);
	default:    return (uint8_t)io_in(vpower_bus_pm1, port - 0x600u, 1);
	}
}

static void outb(uint8_t v, uint16_t port)
{
	switch (port) {
	case 0x60:  io_out(vpower_bus_kbd_data, 0, 1, v); break;
	case 0x64:  io_out(vpower_bus_kbd_cmd, 0, 1, v); break;
	case 0xcf9: io_out(vpower_bus_rst_cnt, 0, 1, v); break;
	default:    io_out(vpower_bus_pm1, port - 0x600u, 1, v); break;
	}
}

static uint16_t inw(uint16_t port)
{
	return (uint16_t)io_in(vpower_bus_pm1, port - 0x600u, 2);
}

static void outw(uint16_t v, uint16_t port)
{
	io_out(vpower_bus_pm1, port - 0x600u, 2, v);
}

#define EXPECT_REQUEST(n, r, why) do { \
	assert_int_equal(nreq, (n)); \
	assert_int_equal(last_req, (r)); \
	assert_string_equal(last_why, (why)); \
} while (0)

/* ---- i8042 ---------------------------------------------------------------- */

static void test_kbd_idle(void **state)
{
	(void)state;
	assert_int_equal(inb(0x64), 0x1c);
	assert_int_equal(inb(0x60), 0x00);
	outb(0xf4, 0x60);                        /* to the keyboard: nobody */
	assert_int_equal(inb(0x64), 0x14);       /* last write was data */
	outb(0xad, 0x64);
	assert_int_equal(inb(0x64), 0x1c);
	assert_int_equal(pw.count.kbd_ignored, 2);
	assert_int_equal(nreq, 0);
}

static void test_kbd_reset_command(void **state)
{
	unsigned tries;

	(void)state;
	/* arch/x86/kernel/reboot.c, BOOT_KBD: wait for the input buffer
	 * (status bit 1) to empty, then 0xFE to 0x64. */
	for (tries = 0; tries < 10 && nreq == 0; tries++) {
		unsigned wait = 0;

		while (inb(0x64) & 0x02)
			if (++wait > 0x10000)
				fail_msg("input buffer never empties");
		outb(0xfe, 0x64);
	}
	EXPECT_REQUEST(1, VPOWER_RESET, "i8042 command 0xFE");
	assert_int_equal(pw.count.requests, 1);
}

static void test_kbd_pulse_commands(void **state)
{
	unsigned cmd, resets = 0;

	(void)state;
	/* 0xF0-0xFF pulse the output bits that are 0 in the command; bit 0
	 * is the reset line. */
	for (cmd = 0xf0; cmd <= 0xff; cmd++) {
		outb((uint8_t)cmd, 0x64);
		if (!(cmd & 1))
			resets++;
		assert_int_equal(nreq, resets);
	}
	EXPECT_REQUEST(8, VPOWER_RESET, "i8042 command 0xFE");
	assert_int_equal(pw.count.kbd_ignored, 8);
}

static void test_kbd_output_port(void **state)
{
	(void)state;
	outb(0xd1, 0x64);
	outb(0xdf, 0x60);                        /* A20 on, reset line high */
	assert_int_equal(nreq, 0);
	outb(0xd1, 0x64);
	outb(0xfe, 0x60);                        /* reset line low */
	EXPECT_REQUEST(1, VPOWER_RESET, "i8042 output port 0xFE");
	/* Without 0xD1 first, the byte is the keyboard's: nothing */
	outb(0xfe, 0x60);
	assert_int_equal(nreq, 1);
	/* Another command's byte is consumed, not the output port */
	outb(0x60, 0x64);                        /* write CTR */
	outb(0x00, 0x60);
	outb(0xd1, 0x64);
	outb(0xad, 0x64);                        /* a command instead */
	outb(0x00, 0x60);                        /* no longer the output port */
	assert_int_equal(nreq, 1);
}

static void test_kbd_other_commands(void **state)
{
	static const uint8_t cmds[] = { 0x20, 0xaa, 0xab, 0xad, 0xae, 0xa7,
	                                0xa8, 0xc0, 0xd0, 0xe0, 0x00 };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof cmds; i++)
		outb(cmds[i], 0x64);
	assert_int_equal(pw.count.kbd_ignored, sizeof cmds);
	assert_int_equal(nreq, 0);
	assert_int_equal(inb(0x60), 0);          /* no answer to any */
	assert_int_equal(inb(0x64) & 0x01, 0);
}

/* ---- 0xCF9 ----------------------------------------------------------------- */

static void test_cf9_linux_pci_reboot(void **state)
{
	uint8_t cf9;

	(void)state;
	/* arch/x86/kernel/reboot.c, BOOT_CF9_FORCE */
	cf9 = inb(0xcf9) & (uint8_t)~6;
	outb(cf9 | 2, 0xcf9);                    /* hard reset, not yet */
	assert_int_equal(nreq, 0);
	assert_int_equal(inb(0xcf9), 0x02);
	outb(cf9 | 6, 0xcf9);
	EXPECT_REQUEST(1, VPOWER_RESET, "0xCF9 write 0x06");
	assert_int_equal(inb(0xcf9), 0x02);      /* RST_CPU reads 0 */
}

static void test_cf9_values(void **state)
{
	(void)state;
	outb(0x04, 0xcf9);                       /* soft reset: still one */
	EXPECT_REQUEST(1, VPOWER_RESET, "0xCF9 write 0x04");
	assert_int_equal(inb(0xcf9), 0x00);
	outb(0x0e, 0xcf9);                       /* full reset */
	EXPECT_REQUEST(2, VPOWER_RESET, "0xCF9 write 0x0E");
	assert_int_equal(inb(0xcf9), 0x0a);
	outb(0xf1, 0xcf9);                       /* no RST_CPU: nothing */
	assert_int_equal(nreq, 2);
	assert_int_equal(inb(0xcf9), 0x00);
	outb(0xff, 0xcf9);
	EXPECT_REQUEST(3, VPOWER_RESET, "0xCF9 write 0xFF");
	assert_int_equal(inb(0xcf9), 0x0a);
	/* the FADT's reset register value */
	outb(VPOWER_RESET_VALUE, 0xcf9);
	EXPECT_REQUEST(4, VPOWER_RESET, "0xCF9 write 0x06");
}

/* ---- ACPI PM1a ---------------------------------------------------------- */

static void test_pm1_reset_state(void **state)
{
	(void)state;
	assert_int_equal(inw(0x600), 0);
	assert_int_equal(inw(0x602), 0);
	assert_int_equal(inw(0x604), 0x0001);    /* SCI_EN: ACPI mode */
	assert_int_equal(io_in(vpower_bus_pm1, 0, 4), 0);
}

static void test_pm1_sts_write_one_to_clear(void **state)
{
	(void)state;
	pw.pm1_sts = 0x8101;                     /* as if WAK, PWRBTN, TMR */
	outw(0x0000, 0x600);
	assert_int_equal(inw(0x600), 0x8101);
	outw(0x0001, 0x600);
	assert_int_equal(inw(0x600), 0x8100);
	outb(0x80, 0x601);                       /* high byte alone */
	assert_int_equal(inw(0x600), 0x0100);
	assert_int_equal(inb(0x601), 0x01);
	outw(0xffff, 0x600);
	assert_int_equal(inw(0x600), 0);
	assert_int_equal(nreq, 0);
}

static void test_pm1_en(void **state)
{
	(void)state;
	outw(0xffff, 0x602);
	assert_int_equal(inw(0x602), 0x4721);
	outb(0x00, 0x602);
	assert_int_equal(inw(0x602), 0x4700);
	outb(0x01, 0x603);
	assert_int_equal(inw(0x602), 0x0100);
	/* PM1_STS and PM1_EN as one dword */
	io_out(vpower_bus_pm1, 0, 4, 0x0021ffffu);
	assert_int_equal(io_in(vpower_bus_pm1, 0, 4), 0x00210000u);
}

static void test_pm1_cnt_bits(void **state)
{
	(void)state;
	outw(0x0000, 0x604);                     /* SCI_EN cannot be cleared */
	assert_int_equal(inw(0x604), 0x0001);
	outw(0x0006, 0x604);                     /* BM_RLD kept, GBL_RLS not */
	assert_int_equal(inw(0x604), 0x0003);
	outw(0xdfff, 0x604);                     /* all but SLP_EN */
	assert_int_equal(inw(0x604), 0x1c03);
	assert_int_equal(nreq, 0);
	assert_int_equal(pw.count.sleep_refused, 0);
}

static void test_acpica_s5(void **state)
{
	(void)state;
	/* acpi_hw_legacy_sleep(): clear WAK_STS, SLP_TYP alone, then with
	 * SLP_EN, read-modify-write of PM1_CNT. */
	outw(0x8000, 0x600);
	outw((uint16_t)((inw(0x604) & ~0x3c00) | (5u << 10)), 0x604);
	assert_int_equal(nreq, 0);
	outw((uint16_t)(inw(0x604) | 0x2000), 0x604);
	EXPECT_REQUEST(1, VPOWER_OFF, "ACPI S5, PM1a_CNT 0x3401");
	assert_int_equal(inw(0x604), 0x1401);    /* SLP_EN reads 0 */
	assert_int_equal(pw.count.requests, 1);
}

static void test_s5_byte_and_dword(void **state)
{
	(void)state;
	outb(0x34, 0x605);                       /* the high byte alone */
	EXPECT_REQUEST(1, VPOWER_OFF, "ACPI S5, PM1a_CNT 0x3400");
	io_out(vpower_bus_pm1, 2, 4, 0x34000000u);   /* PM1_EN + PM1_CNT */
	EXPECT_REQUEST(2, VPOWER_OFF, "ACPI S5, PM1a_CNT 0x3400");
	/* a low-byte write does not touch SLP_EN */
	outb(0xff, 0x604);
	assert_int_equal(nreq, 2);
}

static void test_other_sleep_states_refused(void **state)
{
	unsigned typ, refused = 0;

	(void)state;
	for (typ = 0; typ < 8; typ++) {
		if (typ == VPOWER_SLP_TYP_S5)
			continue;
		outw((uint16_t)(0x2000 | typ << 10), 0x604);
		refused++;
		assert_int_equal(pw.count.sleep_refused, refused);
		assert_int_equal(pw.refused_slp_typ, typ);
	}
	assert_int_equal(nreq, 0);
	/* SLP_TYP garbage in every other bit too */
	outw(0xebff, 0x604);                     /* SLP_TYP 2, SLP_EN */
	assert_int_equal(pw.count.sleep_refused, refused + 1);
	assert_int_equal(nreq, 0);
}

/* ---- hostile sizes and offsets ----------------------------------------------- */

static void test_bad_accesses(void **state)
{
	static const handler one_port[] = {
		vpower_bus_kbd_data, vpower_bus_kbd_cmd, vpower_bus_rst_cnt,
	};
	unsigned i, bad = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		io_out(one_port[i], 0, 2, 0xfefe);
		io_out(one_port[i], 0, 4, 0x06060606);
		assert_int_equal(io_in(one_port[i], 0, 2), 0xffff);
		assert_int_equal(io_in(one_port[i], 0, 4), 0xffffffffu);
		io_out(one_port[i], 1, 1, 0xfe);     /* past the port */
		bad += 5;
	}
	assert_int_equal(nreq, 0);
	io_out(vpower_bus_pm1, 4, 4, 0x3400);       /* past 0x606 */
	io_out(vpower_bus_pm1, 0, 8, ~0ull);
	io_out(vpower_bus_pm1, 5, 2, 0x3434);
	io_out(vpower_bus_pm1, 6, 1, 0x34);
	io_out(vpower_bus_pm1, 0, 3, 0x343434);
	assert_int_equal(io_in(vpower_bus_pm1, 0, 8), ~0ull);
	assert_int_equal(io_in(vpower_bus_pm1, 3, 4), 0xffffffffu);
	bad += 7;
	assert_int_equal(pw.count.bad_access, bad);
	assert_int_equal(nreq, 0);
	assert_int_equal(inw(0x604), 0x0001);
	assert_int_equal(inb(0x64), 0x1c);
	assert_int_equal(inb(0xcf9), 0);
	/* misaligned but inside: fine (PM1_STS high byte + PM1_EN low byte) */
	io_out(vpower_bus_pm1, 1, 2, 0x2100);
	assert_int_equal(inw(0x602), 0x0021);
	assert_int_equal(pw.count.bad_access, bad);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* A hostile guest at random on every port, any size and offset: no
 * crash, no undefined behaviour, at most one request per write. */
static void test_random_hostile(void **state)
{
	static const handler all[] = {
		vpower_bus_kbd_data, vpower_bus_kbd_cmd, vpower_bus_rst_cnt,
		vpower_bus_pm1,
	};
	unsigned i, writes = 0;

	(void)state;
	for (i = 0; i < 200000; i++) {
		uint32_t r = rng();
		uint64_t v = ((uint64_t)rng() << 32) | rng();
		bool write = r & 1;

		assert_true(all[(r >> 1) % 4](&pw, rng() % 8,
		                              (r & 64) ? 1u << (rng() % 4) : 1,
		                              write, &v));
		writes += write;
		assert_true(nreq <= writes);
		assert_true((inw(0x604) & 0x2001) == 0x0001);
	}
	assert_true(nreq > 0);
	assert_true(pw.count.sleep_refused > 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kbd_idle),
		T(test_kbd_reset_command),
		T(test_kbd_pulse_commands),
		T(test_kbd_output_port),
		T(test_kbd_other_commands),
		T(test_cf9_linux_pci_reboot),
		T(test_cf9_values),
		T(test_pm1_reset_state),
		T(test_pm1_sts_write_one_to_clear),
		T(test_pm1_en),
		T(test_pm1_cnt_bits),
		T(test_acpica_s5),
		T(test_s5_byte_and_dword),
		T(test_other_sleep_states_refused),
		T(test_bad_accesses),
		T(test_random_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
