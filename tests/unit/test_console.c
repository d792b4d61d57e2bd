/*
 * tests/unit/test_console.c — unit tests of hv/console.c: line formatting
 * (level prefixes, exactly one trailing newline, "...\n" truncation at the
 * buffer size), level filtering and the sink list, with capturing sinks.
 * Every test leaves the console as it found it (level, no test sinks).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/console.h"

/* ---- capturing sinks ------------------------------------------------- */

struct cap {
	struct con_sink sink;     /* first: the console hands us this */
	unsigned calls;
	size_t len;
	char buf[4096];
};

static struct cap cap_a, cap_b, cap_c;
static enum log_level saved_level;

static void cap_write(struct con_sink *s, const char *buf, size_t len)
{
	struct cap *c = (struct cap *)s;

	assert_true(c->len + len < sizeof c->buf);
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = '\0';
	c->calls++;
}

static void cap_reset(struct cap *c)
{
	memset(c, 0, sizeof *c);
	c->sink.write = cap_write;
}

static void assert_captured(const struct cap *c, const char *want,
                            unsigned calls)
{
	assert_int_equal(c->len, strlen(want));
	assert_memory_equal(c->buf, want, c->len);
	assert_int_equal(c->calls, calls);
}

static int setup(void **state)
{
	(void)state;
	saved_level = con_level();
	cap_reset(&cap_a);
	cap_reset(&cap_b);
	cap_reset(&cap_c);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	con_remove_sink(&cap_a.sink);
	con_remove_sink(&cap_b.sink);
	con_remove_sink(&cap_c.sink);
	con_set_level(saved_level);
	return 0;
}

/* ---- con_format helpers ---------------------------------------------- */

static size_t fmt(char *buf, size_t n, enum log_level level,
                  const char *f, ...) __attribute__((format(printf, 4, 5)));

static size_t fmt(char *buf, size_t n, enum log_level level,
                  const char *f, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, f);
	len = con_format(buf, n, level, f, ap);
	va_end(ap);
	return len;
}

#define EXPECT_LINE(level, want, ...) \
	expect_line_at(__FILE__, __LINE__, (level), (want), __VA_ARGS__)

static void expect_line_at(const char *file, int at, enum log_level level,
                           const char *want, const char *f, ...)
	__attribute__((format(printf, 5, 6)));

/* Format into an exactly CON_LINE_MAX-byte heap buffer and compare. */
static void expect_line_at(const char *file, int at, enum log_level level,
                           const char *want, const char *f, ...)
{
	char *buf = malloc(CON_LINE_MAX), got[CON_LINE_MAX];
	va_list ap;
	size_t len;

	assert_non_null(buf);
	va_start(ap, f);
	len = con_format(buf, CON_LINE_MAX, level, f, ap);
	va_end(ap);
	memcpy(got, buf, CON_LINE_MAX);
	free(buf);                /* before any failure, for the leak check */
	if (len != strlen(want) || strcmp(got, want) != 0)
		fail_msg("%s:%d: got (%zu) \"%s\"\n       expected (%zu) \"%s\"",
		         file, at, len, got, strlen(want), want);
}

static const char *const prefix[] = {
	[LOG_ERROR] = "error: ",
	[LOG_WARN]  = "warning: ",
	[LOG_INFO]  = "",
	[LOG_DEBUG] = "debug: ",
};

/* ---- con_format: prefixes and newlines ------------------------------- */

static void test_format_prefixes(void **state)
{
	(void)state;
	EXPECT_LINE(LOG_ERROR, "error: disk on fire\n", "disk on %s", "fire");
	EXPECT_LINE(LOG_WARN, "warning: 3 left\n", "%d left", 3);
	EXPECT_LINE(LOG_INFO, "BareGT 0.1\n", "BareGT %s", "0.1");
	EXPECT_LINE(LOG_DEBUG, "debug: x=0x2a\n", "x=%#x", 42);
}

static void test_format_one_trailing_newline(void **state)
{
	(void)state;
	EXPECT_LINE(LOG_INFO, "hello\n", "hello");
	EXPECT_LINE(LOG_INFO, "hello\n", "hello\n");
	EXPECT_LINE(LOG_WARN, "warning: hello\n", "hello\n");
	EXPECT_LINE(LOG_INFO, "hello\n", "%s", "hello\n");
	/* only one newline is ever added; the message's own are kept */
	EXPECT_LINE(LOG_INFO, "a\n\n", "a\n\n");
	EXPECT_LINE(LOG_ERROR, "error: a\nb\n", "a\nb");
}

static void test_format_empty_message(void **state)
{
	(void)state;
	EXPECT_LINE(LOG_INFO, "\n", "%s", "");
	EXPECT_LINE(LOG_ERROR, "error: \n", "%s", "");
	EXPECT_LINE(LOG_WARN, "warning: \n", "%s", "");
	EXPECT_LINE(LOG_DEBUG, "debug: \n", "%s", "");
	/* a message that is only a newline */
	EXPECT_LINE(LOG_INFO, "\n", "\n");
	EXPECT_LINE(LOG_ERROR, "error: \n", "\n");
}

static void test_format_unknown_level_has_no_prefix(void **state)
{
	(void)state;
	EXPECT_LINE((enum log_level)4, "plain\n", "plain");
	EXPECT_LINE((enum log_level)-1, "plain\n", "plain");
}

/* ---- con_format: length limit ---------------------------------------- */

static char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/*
 * The longest line is CON_LINE_MAX - 1 characters (newline included) plus
 * the NUL. For each level, messages of msg_max - 3 .. msg_max + 3
 * characters, msg_max being the longest that still fits with its newline.
 */
static void test_format_boundary_lengths(void **state)
{
	char msg[CON_LINE_MAX + 16], want[CON_LINE_MAX + 32];
	unsigned level;
	int d;

	(void)state;
	for (level = LOG_ERROR; level <= LOG_DEBUG; level++) {
		size_t plen = strlen(prefix[level]);
		size_t msg_max = CON_LINE_MAX - 1 - plen - 1;

		for (d = -3; d <= 3; d++) {
			size_t m = (size_t)((long)msg_max + d);

			repeat(msg, 'a' + (char)(d + 3), m);
			if (m <= msg_max) {
				snprintf(want, sizeof want, "%s%s\n", prefix[level],
				         msg);
				assert_int_equal(strlen(want), plen + m + 1);
			} else {
				/* prefix, as much as fits, "...\n": 255 chars */
				snprintf(want, sizeof want, "%s%.*s...\n",
				         prefix[level], (int)(CON_LINE_MAX - 5 - plen),
				         msg);
				assert_int_equal(strlen(want), CON_LINE_MAX - 1);
			}
			EXPECT_LINE((enum log_level)level, want, "%s", msg);
		}
	}
}

static void test_format_truncation_content(void **state)
{
	char msg[600], want[CON_LINE_MAX];

	(void)state;
	repeat(msg, 'z', 500);
	/* 7 + 244 + 4 = 255 characters */
	snprintf(want, sizeof want, "error: %s...\n", repeat(msg, 'z', 244));
	repeat(msg, 'z', 500);
	EXPECT_LINE(LOG_ERROR, want, "%s", msg);
	/* a truncated message ending in newline still gets exactly one */
	msg[499] = '\n';
	EXPECT_LINE(LOG_ERROR, want, "%s", msg);
	/* formatting directives count after expansion */
	snprintf(want, sizeof want, "%.*s...\n", CON_LINE_MAX - 5,
	         repeat(msg, ' ', 300));
	EXPECT_LINE(LOG_INFO, want, "%300s", "");
}

/*
 * A message that already ends in '\n' needs no room for another: the
 * longest such message that fits is one character longer than without.
 */
static void test_format_boundary_with_own_newline(void **state)
{
	char msg[CON_LINE_MAX + 16], want[CON_LINE_MAX + 32];
	unsigned level;
	int d;

	(void)state;
	for (level = LOG_ERROR; level <= LOG_DEBUG; level++) {
		size_t plen = strlen(prefix[level]);
		/* characters before the message's own newline */
		size_t body_max = CON_LINE_MAX - 1 - plen - 1;

		for (d = -3; d <= 3; d++) {
			size_t body = (size_t)((long)body_max + d);

			repeat(msg, 'k', body);
			msg[body] = '\n';
			msg[body + 1] = '\0';
			if (body <= body_max)
				snprintf(want, sizeof want, "%s%s", prefix[level], msg);
			else
				snprintf(want, sizeof want, "%s%.*s...\n",
				         prefix[level], (int)(CON_LINE_MAX - 5 - plen),
				         msg);
			EXPECT_LINE((enum log_level)level, want, "%s", msg);
		}
	}
}

/* Small and odd buffer sizes: never a byte past n, always a line end. */
static void test_format_small_buffers(void **state)
{
	static const char *const msgs[] = {
		"", "x", "hi\n", "hello world", "0123456789012345678901234567890",
	};
	size_t n, i;
	unsigned level;

	(void)state;
	for (n = 8; n <= 40; n++) {
		for (level = LOG_ERROR; level <= LOG_DEBUG; level++) {
			for (i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
				char *buf = malloc(n);
				size_t len;

				assert_non_null(buf);
				len = fmt(buf, n, (enum log_level)level, "%s", msgs[i]);
				assert_true(len < n);
				assert_int_equal(strlen(buf), len);
				assert_true(len >= 1);
				assert_int_equal(buf[len - 1], '\n');
				if (len >= 2 && strlen(msgs[i]) > 1)
					assert_true(buf[len - 2] != '\n');
				free(buf);
			}
		}
	}
}

static void test_format_small_buffer_truncates(void **state)
{
	char *buf = malloc(32);

	(void)state;
	assert_non_null(buf);
	/* "error: " + 20 characters + "...\n" = 31 */
	assert_int_equal(fmt(buf, 32, LOG_ERROR, "%s",
	                     "abcdefghijklmnopqrstuvwxyz0123456789"), 31);
	assert_string_equal(buf, "error: abcdefghijklmnopqrst...\n");
	/* 23 characters fit with the prefix and newline */
	assert_int_equal(fmt(buf, 32, LOG_ERROR, "%s",
	                     "abcdefghijklmnopqrstuvw"), 31);
	assert_string_equal(buf, "error: abcdefghijklmnopqrstuvw\n");
	free(buf);
}

/* ---- levels ---------------------------------------------------------- */

static void test_default_level_is_info(void **state)
{
	(void)state;
	/* runs first: nothing has changed the level yet */
	assert_int_equal(con_level(), LOG_INFO);
}

static void test_set_level(void **state)
{
	(void)state;
	con_set_level(LOG_DEBUG);
	assert_int_equal(con_level(), LOG_DEBUG);
	con_set_level(LOG_ERROR);
	assert_int_equal(con_level(), LOG_ERROR);
	con_set_level((enum log_level)4);          /* out of range: ignored */
	assert_int_equal(con_level(), LOG_ERROR);
	con_set_level((enum log_level)-1);
	assert_int_equal(con_level(), LOG_ERROR);
	con_set_level(LOG_WARN);
	assert_int_equal(con_level(), LOG_WARN);
}

static void log_one_of_each(void)
{
	log_error("e%d", 1);
	log_warn("w%d", 2);
	log_info("i%d", 3);
	log_debug("d%d", 4);
}

static void test_level_filtering(void **state)
{
	(void)state;
	con_add_sink(&cap_a.sink);

	con_set_level(LOG_ERROR);
	log_one_of_each();
	assert_captured(&cap_a, "error: e1\n", 1);

	cap_reset(&cap_a);
	con_remove_sink(&cap_a.sink);
	con_add_sink(&cap_a.sink);
	con_set_level(LOG_WARN);
	log_one_of_each();
	assert_captured(&cap_a, "error: e1\nwarning: w2\n", 2);

	cap_a.len = 0;
	cap_a.calls = 0;
	con_set_level(LOG_INFO);
	log_one_of_each();
	assert_captured(&cap_a, "error: e1\nwarning: w2\ni3\n", 3);

	cap_a.len = 0;
	cap_a.calls = 0;
	con_set_level(LOG_DEBUG);
	log_one_of_each();
	assert_captured(&cap_a, "error: e1\nwarning: w2\ni3\ndebug: d4\n", 4);
}

static void test_log_formats_like_con_format(void **state)
{
	(void)state;
	con_add_sink(&cap_a.sink);
	con_set_level(LOG_INFO);
	con_log(LOG_WARN, "%s=%u%c", "cpus", 4u, '\n');
	con_log(LOG_INFO, "%s", "");
	assert_captured(&cap_a, "warning: cpus=4\n\n", 2);
}

static void test_log_long_message_truncated(void **state)
{
	char msg[400], want[CON_LINE_MAX];

	(void)state;
	con_add_sink(&cap_a.sink);
	con_set_level(LOG_DEBUG);
	repeat(msg, 'q', 399);
	log_debug("%s", msg);
	/* "debug: " + 244 + "...\n" */
	snprintf(want, sizeof want, "debug: %.244s...\n", msg);
	assert_captured(&cap_a, want, 1);
	assert_int_equal(cap_a.len, CON_LINE_MAX - 1);
}

/* ---- sinks ----------------------------------------------------------- */

static void test_no_sinks_is_fine(void **state)
{
	(void)state;
	con_write("nobody listens", 14);
	log_error("nobody %s", "listens");
	assert_int_equal(cap_a.calls, 0);
}

static void test_add_twice_is_idempotent(void **state)
{
	(void)state;
	con_add_sink(&cap_a.sink);
	con_add_sink(&cap_a.sink);
	log_info("once");
	assert_captured(&cap_a, "once\n", 1);

	/* also when it is not the last one in the list */
	con_add_sink(&cap_b.sink);
	con_add_sink(&cap_a.sink);
	con_add_sink(&cap_b.sink);
	log_info("again");
	assert_captured(&cap_a, "once\nagain\n", 2);
	assert_captured(&cap_b, "again\n", 1);
}

static void test_remove_sink(void **state)
{
	(void)state;
	con_add_sink(&cap_a.sink);
	log_info("one");
	con_remove_sink(&cap_a.sink);
	log_info("two");
	assert_captured(&cap_a, "one\n", 1);
	/* removing again, or a sink never added, is harmless */
	con_remove_sink(&cap_a.sink);
	con_remove_sink(&cap_b.sink);
	log_info("three");
	assert_captured(&cap_a, "one\n", 1);
	assert_int_equal(cap_b.calls, 0);
	/* and it can come back */
	con_add_sink(&cap_a.sink);
	log_info("four");
	assert_captured(&cap_a, "one\nfour\n", 2);
}

static void test_all_sinks_get_the_same_bytes(void **state)
{
	(void)state;
	con_add_sink(&cap_a.sink);
	con_add_sink(&cap_b.sink);
	con_add_sink(&cap_c.sink);
	log_error("code %d", -5);
	con_write("raw", 3);
	assert_captured(&cap_a, "error: code -5\nraw", 2);
	assert_captured(&cap_b, "error: code -5\nraw", 2);
	assert_captured(&cap_c, "error: code -5\nraw", 2);
}

static void test_remove_middle_first_last(void **state)
{
	(void)state;
	con_add_sink(&cap_a.sink);
	con_add_sink(&cap_b.sink);
	con_add_sink(&cap_c.sink);
	con_remove_sink(&cap_b.sink);                 /* middle */
	log_info("1");
	assert_captured(&cap_a, "1\n", 1);
	assert_int_equal(cap_b.calls, 0);
	assert_captured(&cap_c, "1\n", 1);

	con_remove_sink(&cap_a.sink);                 /* first */
	log_info("2");
	assert_captured(&cap_a, "1\n", 1);
	assert_captured(&cap_c, "1\n2\n", 2);

	con_add_sink(&cap_b.sink);
	con_remove_sink(&cap_b.sink);                 /* last */
	log_info("3");
	assert_int_equal(cap_b.calls, 0);
	assert_captured(&cap_c, "1\n2\n3\n", 3);
}

static void test_write_is_raw(void **state)
{
	static const char bytes[] = { 'a', '\0', 'b', '\n', '\r', (char)0xff };

	(void)state;
	con_add_sink(&cap_a.sink);
	con_set_level(LOG_ERROR);                     /* no filtering applies */
	con_write(bytes, sizeof bytes);
	assert_int_equal(cap_a.len, sizeof bytes);
	assert_memory_equal(cap_a.buf, bytes, sizeof bytes);
	assert_int_equal(cap_a.calls, 1);
	con_write("no newline added", 16);
	assert_int_equal(cap_a.len, sizeof bytes + 16);
	assert_memory_equal(cap_a.buf + sizeof bytes, "no newline added", 16);
	con_write("", 0);
	assert_int_equal(cap_a.calls, 3);
	assert_int_equal(cap_a.len, sizeof bytes + 16);
}

static void test_sink_receives_itself(void **state)
{
	(void)state;
	/* the write callback gets the sink it was registered with */
	con_add_sink(&cap_b.sink);
	con_add_sink(&cap_a.sink);
	con_write("x", 1);
	assert_captured(&cap_a, "x", 1);
	assert_captured(&cap_b, "x", 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_default_level_is_info),
		T(test_format_prefixes),
		T(test_format_one_trailing_newline),
		T(test_format_empty_message),
		T(test_format_unknown_level_has_no_prefix),
		T(test_format_boundary_lengths),
		T(test_format_truncation_content),
		T(test_format_boundary_with_own_newline),
		T(test_format_small_buffers),
		T(test_format_small_buffer_truncates),
		T(test_set_level),
		T(test_level_filtering),
		T(test_log_formats_like_con_format),
		T(test_log_long_message_truncated),
		T(test_no_sinks_is_fine),
		T(test_add_twice_is_idempotent),
		T(test_remove_sink),
		T(test_all_sinks_get_the_same_bytes),
		T(test_remove_middle_first_last),
		T(test_write_is_raw),
		T(test_sink_receives_itself),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
