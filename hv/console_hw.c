/*
 * hv/console_hw.c — which devices the log goes to.
 */
#include "hv/console_hw.h"
#include "hv/console.h"
#include "hv/uart16550.h"

#define COM1_PORT 0x3f8

static struct uart16550 con_uart;

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
	con_set_level(cfg->log_level);
	if (!cfg->serial_enabled)
		return;
	uart16550_init(&con_uart, cfg->serial_port);
	if (con_uart.present)
		con_add_sink(&con_uart.sink);
	else
		log_warn("console: no UART answers at port %#x", cfg->serial_port);
}
