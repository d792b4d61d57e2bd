/*
 * hv/console_hw.c — which devices the log goes to, and where serial input
 * comes from (the same UART).
 */
#include "hv/console_hw.h"
#include "hv/console.h"
#include "hv/uart16550.h"

#define COM1_PORT 0x3f8

static struct uart16550 con_uart;

static bool con_uart_getc(void *ctx, uint8_t *c)
{
	return uart16550_getc(ctx, c);
}

static const struct console_in_rx con_uart_rx = { con_uart_getc, &con_uart };

void console_hw_early(bool with_serial)
{
	struct con_sink *dbg = dbgport_sink();

	if (dbg)
		con_add_sink(dbg);
	if (with_serial) {
		uart16550_init(&con_uart, COM1_PORT);
		if (con_uart.present)
			con_add_sink(&con_uart.sink);
	}
}

void console_hw_configure(const struct config *cfg)
{
	con_remove_sink(&con_uart.sink);
	con_uart.present = false;       /* no input from a port turned off */
	con_set_level(cfg->log_level);
	if (!cfg->serial_enabled)
		return;
	uart16550_init(&con_uart, cfg->serial_port);
	if (con_uart.present)
		con_add_sink(&con_uart.sink);
	else
		log_warn("console: no UART answers at port %#x", cfg->serial_port);
}

const struct console_in_rx *console_hw_input(void)
{
	return con_uart.present ? &con_uart_rx : NULL;
}
