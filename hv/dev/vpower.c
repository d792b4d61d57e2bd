/*
 * hv/dev/vpower.c — reset and power-off (hv/dev/vpower.h).
 *
 * ACPI mode: the FADT has SMI_CMD = 0, which says the platform is always
 * in ACPI mode (ACPI 6.4 §5.2.9); SCI_EN reads 1 and cannot be cleared,
 * and there is no SMI handler to switch modes. PM1_STS and PM1_EN hold
 * what the guest writes (status write-1-to-clear); nothing raises a
 * status bit yet, so there is no SCI.
 */
#include <string.h>
#include "hv/dev/vpower.h"

/* i8042 status (port 0x64 read): output buffer empty (bit 0), input
 * buffer empty (bit 1), system flag: self-test passed (bit 2), bit 3:
 * last write was a command, keyboard not inhibited (bit 4). */
#define KBD_STATUS_SYS      0x04
#define KBD_STATUS_CMD      0x08
#define KBD_STATUS_UNINHIB  0x10
/* Commands (port 0x64 write). */
#define KBD_CMD_WRITE_OUTPUT 0xd1   /* next byte at 0x60: the output port */
#define KBD_CMD_PULSE        0xf0   /* 0xF0-0xFF: pulse output bits 3:0 low
                                     * where the command's bits are 0 */
#define KBD_OUT_RESET        0x01   /* output port bit 0: CPU reset, low active */

/* RST_CNT (ICH9 data sheet §13.7.5). */
#define RST_SYS_RST          0x02
#define RST_CPU              0x04
#define RST_FULL_RST         0x08
#define RST_STORED           (RST_SYS_RST | RST_FULL_RST)

/* PM1 registers (ACPI 6.4 Tables 4.13-4.16). */
#define PM1_STS_VALID   0xc731u  /* TMR, BM, GBL, PWRBTN, SLPBTN, RTC,
                                  * PCIEXP_WAKE, WAK */
#define PM1_EN_VALID    0x4721u  /* TMR, GBL, PWRBTN, SLPBTN, RTC,
                                  * PCIEXP_WAKE_DIS */
#define PM1_CNT_SCI_EN  0x0001u
#define PM1_CNT_BM_RLD  0x0002u
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN  0x2000u  /* write-only */
#define PM1_CNT_STORED  (PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP)

void vpower_init(struct vpower *pw,
                 void (*request)(void *ctx, enum vpower_request r,
                                 const char *why),
                 void *ctx)
{
	memset(pw, 0, sizeof(*pw));
	pw->kbd_last_cmd = true;         /* status 0x1C at power-on */
	pw->request = request;
	pw->ctx = ctx;
}

/* "<what> 0xNN" (or 0xNNNN) without a printf. */
static void ask(struct vpower *pw, enum vpower_request r, const char *what,
                unsigned value, unsigned digits)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(what);
	unsigned i;

	if (n > sizeof(pw->why) - 8)
		n = sizeof(pw->why) - 8;
	memcpy(pw->why, what, n);
	pw->why[n++] = ' ';
	pw->why[n++] = '0';
	pw->why[n++] = 'x';
	for (i = digits; i-- > 0;)
		pw->why[n++] = hex[(value >> (4 * i)) & 0xf];
	pw->why[n] = '\0';
	pw->count.requests++;
	pw->request(pw->ctx, r, pw->why);
}

static uint64_t all_ones(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* A size or offset the register does not take: dropped, counted. */
static bool bad(struct vpower *pw, bool write, unsigned size, uint64_t *val)
{
	pw->count.bad_access++;
	if (!write)
		*val = all_ones(size);
	return true;
}

/* ---- i8042 ------------------------------------------------------------------ */

static bool takes_data_byte(uint8_t cmd)
{
	/* write controller RAM (0x60-0x7F), output port, the two output
	 * buffers and the auxiliary device (0xD1-0xD4) */
	return (cmd >= 0x60 && cmd <= 0x7f) || (cmd >= 0xd1 && cmd <= 0xd4);
}

static void kbd_command(struct vpower *pw, uint8_t cmd)
{
	pw->kbd_last_cmd = true;
	pw->kbd_pending = takes_data_byte(cmd) ? cmd : 0;
	if (cmd >= KBD_CMD_PULSE && !(cmd & KBD_OUT_RESET))
		ask(pw, VPOWER_RESET, "i8042 command", cmd, 2);
	else if (cmd != KBD_CMD_WRITE_OUTPUT)
		pw->count.kbd_ignored++;
}

static void kbd_data(struct vpower *pw, uint8_t v)
{
	uint8_t cmd = pw->kbd_pending;

	pw->kbd_last_cmd = false;
	pw->kbd_pending = 0;
	if (cmd == KBD_CMD_WRITE_OUTPUT && !(v & KBD_OUT_RESET))
		ask(pw, VPOWER_RESET, "i8042 output port", v, 2);
	else
		pw->count.kbd_ignored++;     /* A20 and the rest: always on */
}

bool vpower_bus_kbd_data(void *arg, uint64_t off, unsigned size, bool write,
                         uint64_t *val)
{
	struct vpower *pw = arg;

	if (size != 1 || off != 0)
		return bad(pw, write, size, val);
	if (write)
		kbd_data(pw, (uint8_t)*val);
	else
		*val = 0;                    /* no data: the buffer is empty */
	return true;
}

bool vpower_bus_kbd_cmd(void *arg, uint64_t off, unsigned size, bool write,
                        uint64_t *val)
{
	struct vpower *pw = arg;

	if (size != 1 || off != 0)
		return bad(pw, write, size, val);
	if (write)
		kbd_command(pw, (uint8_t)*val);
	else
		*val = KBD_STATUS_SYS | KBD_STATUS_UNINHIB |
		       (pw->kbd_last_cmd ? KBD_STATUS_CMD : 0);
	return true;
}

/* ---- 0xCF9 ---------------------------------------------------------------- */

bool vpower_bus_rst_cnt(void *arg, uint64_t off, unsigned size, bool write,
                        uint64_t *val)
{
	struct vpower *pw = arg;
	uint8_t v;

	if (size != 1 || off != 0)
		return bad(pw, write, size, val);
	if (!write) {
		*val = pw->rst_cnt;
		return true;
	}
	v = (uint8_t)*val;
	pw->rst_cnt = v & RST_STORED;
	/* RST_CPU reads 0, so every write with it set is its 0 -> 1 edge;
	 * SYS_RST and FULL_RST choose the kind of reset, which for a VM is
	 * one: the value in the reason says which was asked for. */
	if (v & RST_CPU)
		ask(pw, VPOWER_RESET, "0xCF9 write", v, 2);
	return true;
}

/* ---- ACPI PM1a ----------------------------------------------------------- */

static uint16_t pm1_reg(const struct vpower *pw, unsigned r)
{
	switch (r) {
	case 0:  return pw->pm1_sts;
	case 1:  return pw->pm1_en;
	default: return (uint16_t)(pw->pm1_cnt | PM1_CNT_SCI_EN);
	}
}

static void sleep_request(struct vpower *pw, uint16_t cnt)
{
	unsigned typ = (cnt & PM1_CNT_SLP_TYP) >> PM1_CNT_SLP_TYP_SHIFT;

	if (typ == VPOWER_SLP_TYP_S5) {
		ask(pw, VPOWER_OFF, "ACPI S5, PM1a_CNT", cnt, 4);
		return;
	}
	pw->count.sleep_refused++;
	pw->refused_slp_typ = (uint8_t)typ;
}

/* Write the bytes of mask (a 16-bit register's 0x00ff/0xff00) of w. */
static void pm1_write(struct vpower *pw, unsigned r, uint16_t w, uint16_t mask)
{
	uint16_t cnt;

	switch (r) {
	case 0:
		pw->pm1_sts &= (uint16_t)~(w & mask);
		break;
	case 1:
		pw->pm1_en = (uint16_t)(((pw->pm1_en & ~mask) | (w & mask)) &
		                        PM1_EN_VALID);
		break;
	default:
		cnt = (uint16_t)((pw->pm1_cnt & ~mask) | (w & mask));
		pw->pm1_cnt = cnt & PM1_CNT_STORED;
		if (cnt & mask & PM1_CNT_SLP_EN)
			sleep_request(pw, cnt);
		break;
	}
}

bool vpower_bus_pm1(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val)
{
	struct vpower *pw = arg;
	uint16_t w[3] = { 0, 0, 0 }, mask[3] = { 0, 0, 0 };
	uint64_t out = 0;
	unsigned i, r;

	if ((size != 1 && size != 2 && size != 4) || off >= VPOWER_PM1_PORTS ||
	    size > VPOWER_PM1_PORTS - off)
		return bad(pw, write, size, val);
	/* Byte by byte: a register may be written in halves, and a dword at
	 * 0x600 is PM1_STS and PM1_EN together. */
	for (i = 0; i < size; i++) {
		unsigned byte = (unsigned)off + i, shift = 8 * (byte & 1);

		r = byte / 2;
		if (write) {
			w[r] |= (uint16_t)(((*val >> (8 * i)) & 0xff) << shift);
			mask[r] |= (uint16_t)(0xffu << shift);
		} else {
			out |= (uint64_t)((pm1_reg(pw, r) >> shift) & 0xff) << (8 * i);
		}
	}
	if (!write) {
		*val = out;
		return true;
	}
	for (r = 0; r < 3; r++)
		if (mask[r])
			pm1_write(pw, r, w[r], mask[r]);
	return true;
}
