/*
 * hv/console_hw.h — the core's console outputs: the 16550 serial port and
 * the 0xE9 debug port, set up early (before the config is known, COM1) and
 * again from the config.
 */
#ifndef BAREGT_HV_CONSOLE_HW_H
#define BAREGT_HV_CONSOLE_HW_H

#include <stdbool.h>
#include "hv/config/config.h"

/* Boot phase: 0xE9 if present, and COM1 unless with_serial is false. */
void console_hw_early(bool with_serial);

/* From the config: log level, serial port or none. */
void console_hw_configure(const struct config *cfg);

#endif
