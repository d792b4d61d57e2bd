/*
 * hv/dev/vpower.h — how a VM resets and powers itself off
 * (docs/platform.md, "Ports and platform devices"):
 * - the i8042 keyboard controller's status and command ports (0x64,
 *   0x60): no keyboard, but command 0xFE (pulse the reset line) and a
 *   written output port with bit 0 clear reset the VM;
 * - the reset control register at 0xCF9 (ICH data sheets, RST_CNT): a
 *   write with RST_CPU (bit 2) resets; the FADT's RESET_REG names it;
 * - the ACPI PM1a event block at 0x600 (PM1_STS, PM1_EN) and control
 *   block at 0x604 (PM1_CNT) (ACPI 6.4 §4.8.3.1-2): SLP_EN with SLP_TYP 5,
 *   the DSDT's \_S5, powers off; other sleep states are refused.
 * What the guest asks for goes to request(); the device itself only
 * records. Pure logic.
 */
#ifndef BAREGT_HV_DEV_VPOWER_H
#define BAREGT_HV_DEV_VPOWER_H

#include <stdbool.h>
#include <stdint.h>

#define VPOWER_KBD_DATA_PORT  0x60u
#define VPOWER_KBD_CMD_PORT   0x64u      /* status on read */
#define VPOWER_RST_CNT_PORT   0xcf9u
#define VPOWER_PM1A_EVT_PORT  0x600u     /* PM1_STS, then PM1_EN */
#define VPOWER_PM1A_CNT_PORT  0x604u
#define VPOWER_PM1_PORTS      6u         /* both blocks, one range */
#define VPOWER_PM1_EVT_LEN    4u         /* for the FADT */
#define VPOWER_PM1_CNT_LEN    2u
#define VPOWER_SLP_TYP_S5     5u         /* must match the DSDT's \_S5 */
#define VPOWER_RESET_VALUE    0x06u      /* the FADT's RESET_VALUE */

enum vpower_request {
	VPOWER_RESET,
	VPOWER_OFF,
};

struct vpower_counters {
	uint64_t bad_access;     /* wrong size, or past the registers */
	uint64_t kbd_ignored;    /* i8042 bytes that do nothing here */
	uint64_t sleep_refused;  /* SLP_EN with a SLP_TYP other than S5 */
	uint64_t requests;       /* resets and power-offs asked for */
};

struct vpower {
	bool kbd_last_cmd;       /* status bit 3: the last write went to 0x64 */
	uint8_t kbd_pending;     /* a command waiting for its byte at 0x60 */
	uint8_t rst_cnt;         /* 0xCF9: SYS_RST and FULL_RST as written */
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint8_t refused_slp_typ; /* the last one refused */
	void (*request)(void *ctx, enum vpower_request r, const char *why);
	void *ctx;
	char why[48];            /* the reason handed to request() */
	struct vpower_counters count;
};

/* request() gets the reason as a short string ("i8042 command 0xFE",
 * "0xCF9 write 0x06", "ACPI S5"), valid during the call. */
void vpower_init(struct vpower *pw,
                 void (*request)(void *ctx, enum vpower_request r,
                                 const char *why),
                 void *ctx);

/* On a VM's device bus (hv/dev/bus.h; arg is the struct vpower), one
 * port each at VPOWER_KBD_DATA_PORT, VPOWER_KBD_CMD_PORT and
 * VPOWER_RST_CNT_PORT (byte accesses only), and VPOWER_PM1_PORTS ports
 * at VPOWER_PM1A_EVT_PORT (1, 2 or 4 bytes within them). Anything else
 * reads all-ones, drops writes and is counted. Never refuse. */
bool vpower_bus_kbd_data(void *arg, uint64_t off, unsigned size, bool write,
                         uint64_t *val);
bool vpower_bus_kbd_cmd(void *arg, uint64_t off, unsigned size, bool write,
                        uint64_t *val);
bool vpower_bus_rst_cnt(void *arg, uint64_t off, unsigned size, bool write,
                        uint64_t *val);
bool vpower_bus_pm1(void *arg, uint64_t off, unsigned size, bool write,
                    uint64_t *val);

#endif
