/*
 * tests/unit/log_capture.h — the console's lines, kept for a test to look
 * at: log_capture_start() adds a sink (hv/console.h) at LOG_INFO,
 * log_capture_stop() removes it; count_logged() and assert_logged() look
 * for a line containing a text (assert_logged prints what was logged when
 * it fails). Header-only, for the unit tests that include it after
 * <cmocka.h>.
 */
#ifndef BAREGT_TESTS_LOG_CAPTURE_H
#define BAREGT_TESTS_LOG_CAPTURE_H

#include <stdio.h>
#include <string.h>
#include "hv/console.h"

#define LOG_CAPTURE_LINES 128

static struct {
	struct con_sink sink;
	char line[LOG_CAPTURE_LINES][CON_LINE_MAX];
	unsigned n;
} log_cap;

static void log_cap_write(struct con_sink *s, const char *buf, size_t len)
{
	(void)s;
	if (log_cap.n < LOG_CAPTURE_LINES) {
		if (len >= CON_LINE_MAX)
			len = CON_LINE_MAX - 1;
		memcpy(log_cap.line[log_cap.n], buf, len);
		log_cap.line[log_cap.n][len] = 0;
	}
	log_cap.n++;
}

static inline void log_capture_start(void)
{
	memset(&log_cap, 0, sizeof(log_cap));
	log_cap.sink.write = log_cap_write;
	con_add_sink(&log_cap.sink);
	con_set_level(LOG_INFO);
}

static inline void log_capture_stop(void)
{
	con_remove_sink(&log_cap.sink);
}

static inline unsigned count_logged(const char *text)
{
	unsigned i, n = 0;

	for (i = 0; i < log_cap.n && i < LOG_CAPTURE_LINES; i++)
		n += strstr(log_cap.line[i], text) != NULL;
	return n;
}

static inline void assert_logged(const char *text)
{
	unsigned i;

	if (count_logged(text))
		return;
	for (i = 0; i < log_cap.n && i < LOG_CAPTURE_LINES; i++)
		fprintf(stderr, "  log: %s", log_cap.line[i]);
	fail_msg("no log line contains \"%s\"", text);
}

#endif
