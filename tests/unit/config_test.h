/*
 * tests/unit/config_test.h — what the config parser tests (test_config,
 * test_config_keys, test_config_cpuid) share: the parse result and error
 * they check, and "parse expecting success, or an error at a line".
 * PARSE_OK fills the result with 0xa5 first, so a field the parser
 * forgets to set shows.
 */
#ifndef BAREGT_TESTS_UNIT_CONFIG_TEST_H
#define BAREGT_TESTS_UNIT_CONFIG_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/config/config.h"

/* A complete VM on lines 1-3; text appended to it starts on line 4. */
#define VM_A "[vm a]\nmemory = 64M\nimage = \\efi\\a.efi\n"
#define VM_B "[vm b]\nmemory = 2M\nimage = \\efi\\b.efi\n"

static struct config cfg;        /* large: kept off the stack */
static struct config_error err;

#define PARSE_OK(t)           parse_ok_at(__FILE__, __LINE__, (t), strlen(t))
#define PARSE_OK_N(t, n)      parse_ok_at(__FILE__, __LINE__, (t), (n))
#define EXPECT_ERROR(t, l, m) \
	expect_error_at(__FILE__, __LINE__, (t), strlen(t), (l), (m))
#define EXPECT_ERROR_N(t, n, l, m) \
	expect_error_at(__FILE__, __LINE__, (t), (n), (l), (m))

static inline void parse_ok_at(const char *file, int at, const char *t,
                               size_t n)
{
	memset(&err, 0, sizeof err);
	memset(&cfg, 0xa5, sizeof cfg);
	if (!config_parse(t, n, &cfg, &err))
		fail_msg("%s:%d: unexpected error on line %u: %s", file, at,
		         err.line, err.msg);
}

static inline void expect_error_at(const char *file, int at, const char *t,
                                   size_t n, unsigned line, const char *msg)
{
	memset(&err, 0, sizeof err);
	if (config_parse(t, n, &cfg, &err))
		fail_msg("%s:%d: parsed fine, expected line %u: %s", file, at,
		         line, msg);
	if (err.line != line || strcmp(err.msg, msg) != 0)
		fail_msg("%s:%d: expected line %u: %s\n       got line %u: %s",
		         file, at, line, msg, err.line, err.msg);
}

#endif
