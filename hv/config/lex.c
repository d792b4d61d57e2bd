/*
 * hv/config/lex.c — the pieces of baregt.cfg below a key: lines, blanks,
 * comments and quoting, numbers and sizes with their units, and the
 * errors, each reported on its line. Also formats sizes the way the file
 * accepts them back. Pure: no allocation, no I/O.
 */
#include "hv/config/config_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- bounded strings ------------------------------------------------- */

/* Append src to the NUL-terminated buf of size n, truncating safely. */
static void append_text(char *buf, size_t n, const char *src)
{
	size_t used = strlen(buf);

	while (*src != '\0' && used + 1 < n)
		buf[used++] = *src++;
	buf[used] = '\0';
}

static void copy_text(char *buf, size_t n, const char *src)
{
	if (n == 0)
		return;
	buf[0] = '\0';
	append_text(buf, n, src);
}

void config_list_words(const char *const *words, size_t nwords,
                       char *buf, size_t n)
{
	size_t i;

	copy_text(buf, n, "");
	for (i = 0; i < nwords; i++) {
		if (i > 0)
			append_text(buf, n, i + 1 == nwords ? " or " : ", ");
		append_text(buf, n, words[i]);
	}
}

/* Decimal digits of value into buf (at least SIZE_TEXT_MAX bytes). */
static void format_decimal(uint64_t value, char *buf)
{
	char reversed[SIZE_TEXT_MAX];
	size_t ndigits = 0;
	size_t i;

	do {
		reversed[ndigits++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	for (i = 0; i < ndigits; i++)
		buf[i] = reversed[ndigits - 1 - i];
	buf[ndigits] = '\0';
}

char *config_format_size(uint64_t bytes, char *buf, size_t n)
{
	static const struct { uint64_t unit; const char *suffix; } units[] = {
		{ GIB, "G" }, { MIB, "M" }, { KIB, "K" },
	};
	char text[SIZE_TEXT_MAX];
	const char *suffix = "";
	uint64_t count = bytes;
	size_t i;

	for (i = 0; bytes != 0 && i < COUNT_OF(units); i++) {
		if (bytes % units[i].unit == 0) {
			count = bytes / units[i].unit;
			suffix = units[i].suffix;
			break;
		}
	}
	format_decimal(count, text);
	append_text(text, sizeof text, suffix);
	copy_text(buf, n, text);
	return buf;
}

/* ---- errors ---------------------------------------------------------- */

static bool vreport(struct config_error *err, unsigned line,
                    const char *fmt, va_list ap) PRINTF_LIKE(3, 0);

static bool vreport(struct config_error *err, unsigned line,
                    const char *fmt, va_list ap)
{
	err->line = line;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return false;
}

bool config_report(struct config_error *err, unsigned line,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(err, line, fmt, ap);
	va_end(ap);
	return false;
}

bool config_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p->err, p->line, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- spans ----------------------------------------------------------- */

bool span_has_blank(struct span t)
{
	return memchr(t.s, ' ', t.len) != NULL || memchr(t.s, '\t', t.len) != NULL;
}

struct span span_first_word(struct span t, struct span *rest)
{
	size_t i = 0;

	while (i < t.len && !is_blank(t.s[i]))
		i++;
	*rest = span_trim(span_of(t.s + i, t.len - i));
	return span_of(t.s, i);
}

void span_copy(struct span t, char *buf)
{
	memcpy(buf, t.s, t.len);
	buf[t.len] = '\0';
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool span_is_ignoring_case(struct span t, const char *name)
{
	size_t i;

	if (strlen(name) != t.len)
		return false;
	for (i = 0; i < t.len; i++)
		if (ascii_lower(t.s[i]) != ascii_lower(name[i]))
			return false;
	return true;
}

bool span_split_quoted(struct span value, struct span *inner,
                       struct span *rest, bool *quoted)
{
	const char *close;

	*quoted = value.len > 0 && value.s[0] == '"';
	if (!*quoted) {
		*inner = value;
		*rest = span_of(value.s + value.len, 0);
		return true;
	}
	close = memchr(value.s + 1, '"', value.len - 1);
	if (close == NULL)
		return false;
	*inner = span_between(value.s + 1, close);
	*rest = span_after(value, close + 1);
	return true;
}

bool lex_unquote(struct parser *p, struct span raw, struct value *v)
{
	struct span rest;

	if (!span_split_quoted(raw, &v->text, &rest, &v->quoted))
		return config_fail(p, "unterminated quote");
	if (span_trim(rest).len != 0)
		return config_fail(p, "unexpected text after quoted value");
	return true;
}

/* ---- numbers --------------------------------------------------------- */

static int digit_value(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum number_status lex_number(struct span t, uint64_t *out)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t n = 0;
	bool too_large = false;

	if (t.len > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == t.len)
		return NUMBER_MALFORMED;
	for (; i < t.len; i++) {
		int d = digit_value(t.s[i], base);

		if (d < 0)
			return NUMBER_MALFORMED;
		if (n > (UINT64_MAX - (uint64_t)d) / base)
			too_large = true;
		n = n * base + (uint64_t)d;
	}
	*out = n;
	return too_large ? NUMBER_TOO_LARGE : NUMBER_OK;
}

static unsigned size_suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default:            return 0;
	}
}

enum number_status lex_size(struct span t, uint64_t *out)
{
	unsigned shift = t.len > 0 ? size_suffix_shift(t.s[t.len - 1]) : 0;
	enum number_status status;
	uint64_t n = 0;

	if (shift != 0)
		t.len--;
	status = lex_number(t, &n);
	if (status != NUMBER_OK)
		return status;
	if (n > (UINT64_MAX >> shift))
		return NUMBER_TOO_LARGE;
	*out = n << shift;
	return NUMBER_OK;
}

/* ---- lines ----------------------------------------------------------- */

static bool check_characters(struct parser *p, struct span line)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.s[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return config_fail(p, "invalid character 0x%02x in column %u",
			                   (unsigned)c, (unsigned)(i + 1));
	}
	return true;
}

/*
 * Cut the comment off a line: '#' at the start or after a blank, outside
 * double quotes. A quote left open is an error.
 */
static bool strip_comment(struct parser *p, struct span line,
                          struct span *content)
{
	bool in_quotes = false;
	size_t i;

	for (i = 0; i < line.len; i++) {
		char c = line.s[i];

		if (c == '"')
			in_quotes = !in_quotes;
		else if (c == '#' && !in_quotes && (i == 0 || is_blank(line.s[i - 1])))
			break;
	}
	if (in_quotes)
		return config_fail(p, "unterminated quote");
	*content = span_of(line.s, i);
	return true;
}

bool lex_line_content(struct parser *p, struct span line,
                      struct span *content)
{
	if (line.len > CONFIG_LINE_MAX - 1)
		return config_fail(p, "line longer than %d characters",
		                   CONFIG_LINE_MAX - 1);
	if (!check_characters(p, line) || !strip_comment(p, line, content))
		return false;
	*content = span_trim(*content);
	return true;
}

struct span lex_next_line(const char *text, size_t len, size_t *pos)
{
	const char *start = text + *pos;
	const char *lf = memchr(start, '\n', len - *pos);
	struct span line;

	if (lf == NULL) {
		*pos = len;
		return span_of(start, (size_t)(text + len - start));
	}
	*pos = (size_t)(lf - text) + 1;
	line = span_between(start, lf);
	if (line.len > 0 && line.s[line.len - 1] == '\r')
		line.len--;
	return line;
}
