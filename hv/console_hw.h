/*
 * hv/console_hw.h — the core's console outputs: the 16550 serial port and
 * the 0xE9 debug port, set up early (before the config is known, COM1) and
 * again from the config.
 */
#ifndef BAREGT_HV_CONSOLE_HW_H
#define BAREGT_HV_CONSOLE_HW_H

#include <stdbool.h>
#include "hv/config/config.h"
#include "hv/console_in.h"

/* Boot phase: 0xE9 if present, and COM1 unless with_serial is false. */
void console_hw_early(bool with_serial);

/* From the config: log level, serial port or none. */
void console_hw_configure(const struct config *cfg);

/* The log's UART as the source of serial input (hv/console_in.h); NULL
 * when the config has no serial port or nothing answers there. */
const struct console_in_rx *console_hw_input(void);

#endif
