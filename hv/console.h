/*
 * hv/console.h — the hypervisor's log: levels, line formatting, sinks.
 *
 * Every message is formatted once into a line ("error: ...\n") and handed
 * to each registered sink (16550, port 0xE9, the UEFI console while boot
 * services last). The module itself touches no hardware, so the unit
 * tests use it with a capturing sink.
 */
#ifndef BAREGT_HV_CONSOLE_H
#define BAREGT_HV_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include "hv/config/config.h"

#define CON_LINE_MAX 256  /* longest formatted line, newline included */

struct con_sink {
	void (*write)(struct con_sink *s, const char *buf, size_t len);
	struct con_sink *next;    /* owned by the console */
};

void con_set_level(enum log_level level);
enum log_level con_level(void);
void con_add_sink(struct con_sink *s);
void con_remove_sink(struct con_sink *s);

/* Raw bytes to every sink, no prefix, no filtering. */
void con_write(const char *buf, size_t len);

/* Format and emit one message if level passes the filter. */
void con_log(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void con_vlog(enum log_level level, const char *fmt, va_list ap);

/*
 * Pure formatting of one line: level prefix, message, exactly one
 * trailing newline (a message that ends in '\n' gets no second one).
 * A message that does not fit ends in "...\n". Returns the line length.
 * Requires n >= 8.
 */
size_t con_format(char *buf, size_t n, enum log_level level,
                  const char *fmt, va_list ap);

#define log_error(...) con_log(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  con_log(LOG_WARN, __VA_ARGS__)
#define log_info(...)  con_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...) con_log(LOG_DEBUG, __VA_ARGS__)

#endif
