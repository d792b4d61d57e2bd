/*
 * hv/console.c — log levels, line formatting and the sink list.
 * Single-CPU for now: when more CPUs log, this gains a spinlock.
 */
#include <stdio.h>
#include <string.h>
#include "hv/console.h"

static struct con_sink *con_sinks;
static enum log_level con_cur_level = LOG_INFO;

static const char *const con_prefix[] = {
	[LOG_ERROR] = "error: ",
	[LOG_WARN]  = "warning: ",
	[LOG_INFO]  = "",
	[LOG_DEBUG] = "debug: ",
};

void con_set_level(enum log_level level)
{
	if (level <= LOG_DEBUG)
		con_cur_level = level;
}

enum log_level con_level(void)
{
	return con_cur_level;
}

void con_add_sink(struct con_sink *s)
{
	struct con_sink **p;

	for (p = &con_sinks; *p; p = &(*p)->next)
		if (*p == s)
			return;
	s->next = NULL;
	*p = s;
}

void con_remove_sink(struct con_sink *s)
{
	struct con_sink **p;

	for (p = &con_sinks; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			s->next = NULL;
			return;
		}
	}
}

void con_write(const char *buf, size_t len)
{
	struct con_sink *s;

	for (s = con_sinks; s; s = s->next)
		s->write(s, buf, len);
}

size_t con_format(char *buf, size_t n, enum log_level level,
                  const char *fmt, va_list ap)
{
	const char *prefix = level <= LOG_DEBUG ? con_prefix[level] : "";
	size_t plen = strlen(prefix);
	size_t room, len;
	int m;

	if (plen > n - 8)
		plen = n - 8;
	memcpy(buf, prefix, plen);
	room = n - plen - 1;             /* keep one byte for the NUL */
	m = vsnprintf(buf + plen, room + 1, fmt, ap);
	if (m < 0)
		m = 0;
	/* It fits if it ends before the last byte, or fills the line
	 * exactly and already ends in its own newline. */
	if ((size_t)m > room ||
	    ((size_t)m == room && buf[plen + (size_t)m - 1] != '\n')) {
		len = n - 1;
		memcpy(buf + len - 4, "...\n", 4);
		buf[len] = '\0';
		return len;
	}
	len = plen + (size_t)m;
	if (len == 0 || buf[len - 1] != '\n')
		buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

void con_vlog(enum log_level level, const char *fmt, va_list ap)
{
	char line[CON_LINE_MAX];
	size_t len;

	if (level > con_cur_level)
		return;
	len = con_format(line, sizeof(line), level, fmt, ap);
	con_write(line, len);
}

void con_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vlog(level, fmt, ap);
	va_end(ap);
}
