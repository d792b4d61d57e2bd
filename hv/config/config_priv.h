/*
 * hv/config/config_priv.h — what the files of the config parser share, and
 * nothing outside hv/config/ may use: spans of the file's text and the
 * lexer over them (lex.c), the parser's state and its errors, the key
 * lines (keys.c) and the checks of a section (check.c).
 */
#ifndef BAREGT_HV_CONFIG_PRIV_H
#define BAREGT_HV_CONFIG_PRIV_H

#include "hv/config/config.h"

#include <string.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#define KIB ((uint64_t)1 << 10)
#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)
#define TIB ((uint64_t)1 << 40)

#define SIZE_TEXT_MAX 24   /* 20 digits, a unit and the NUL fit */

/* ---- spans of the file's text (lex.c) -------------------------------- */

/* A piece of the config text: not NUL-terminated. */
struct span {
	const char *s;
	size_t len;
};

/*
 * Text the user wrote, quoted in a message: at most QUOTED_MAX characters
 * and then "...", so the rest of the message always fits. Use as
 * "'" SHOW "'" with SHOWN(span).
 */
#define QUOTED_MAX 60
#define SHOW "%.*s%s"
#define SHOWN(t) shown_length(t), (t).s, shown_tail(t)

static inline int shown_length(struct span t)
{
	return (int)(t.len > QUOTED_MAX ? QUOTED_MAX : t.len);
}

static inline const char *shown_tail(struct span t)
{
	return t.len > QUOTED_MAX ? "..." : "";
}

static inline struct span span_of(const char *s, size_t len)
{
	struct span t = { s, len };
	return t;
}

static inline struct span span_between(const char *start, const char *end)
{
	return span_of(start, (size_t)(end - start));
}

static inline struct span span_after(struct span t, const char *p)
{
	return span_between(p, t.s + t.len);
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Inline: the parser calls these for every key and line. */
static inline struct span span_trim(struct span t)
{
	while (t.len > 0 && is_blank(t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len > 0 && is_blank(t.s[t.len - 1]))
		t.len--;
	return t;
}

static inline bool span_is(struct span t, const char *word)
{
	return strlen(word) == t.len && memcmp(t.s, word, t.len) == 0;
}

bool span_is_ignoring_case(struct span t, const char *name);
bool span_has_blank(struct span t);
/* Copy t and a NUL into buf, which holds at least t.len + 1 bytes. */
void span_copy(struct span t, char *buf);
/* The first blank-separated word of t; *rest gets what follows, trimmed. */
struct span span_first_word(struct span t, struct span *rest);

/*
 * Split a value that may start with a double quote. A quoted value is
 * everything up to the next '"'; *rest gets the text after it. Returns
 * false when the quote is not closed. *quoted tells which form it was.
 */
bool span_split_quoted(struct span value, struct span *inner,
                       struct span *rest, bool *quoted);

enum number_status {
	NUMBER_OK,
	NUMBER_MALFORMED,
	NUMBER_TOO_LARGE,
};

/* Decimal, or 0x/0X and hex digits; no sign, nothing else around it. */
enum number_status lex_number(struct span t, uint64_t *out);
/* A number with an optional binary-unit suffix K, M or G. */
enum number_status lex_size(struct span t, uint64_t *out);

/* "a, b or c" from a list of words, cut to fit buf. */
void config_list_words(const char *const *words, size_t nwords,
                       char *buf, size_t n);

/* ---- the parser ------------------------------------------------------ */

/* The keys of the format; keys.c has the rule of each. */
enum key_id {
	KEY_LOG_LEVEL,
	KEY_SERIAL,
	KEY_ON_EXIT,
	KEY_SELFTEST,
	KEY_TIME_SLICE,
	KEY_VTD_INVALIDATION,
	KEY_GPU_DMA,
	KEY_MEMORY,
	KEY_CPU,
	KEY_IMAGE,
	KEY_CMDLINE,
	KEY_MODULE,
	KEY_VGPU,
	KEY_TESTDEV,
	KEY_VGPU_DEVICE,
	KEY_CPUID_HIDE,
	KEY_ON_RESET,
	KEY_COUNT
};

struct parser {
	struct config *cfg;
	struct config_error *err;
	unsigned line;                /* line being read, 1-based */
	struct vm_config *vm;         /* section being read; NULL before one */
	unsigned key_line[KEY_COUNT]; /* where each key was set in this section */
};

/* A key's value: quotes removed, and whether there were any. */
struct value {
	struct span text;
	bool quoted;
};

/* Fill err with line and the formatted message; returns false. */
bool config_report(struct config_error *err, unsigned line,
                   const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Report a problem on the line being read; returns false. */
bool config_fail(struct parser *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* ---- lines (lex.c) --------------------------------------------------- */

/* The line starting at *pos, without its LF (or CR LF); advances *pos. */
struct span lex_next_line(const char *text, size_t len, size_t *pos);
/*
 * What a line says: its length and characters checked, the comment cut
 * off, blanks trimmed (empty for a blank or comment line).
 */
bool lex_line_content(struct parser *p, struct span line,
                      struct span *content);
/* Remove the quotes of a value; after them only blanks may follow. */
bool lex_unquote(struct parser *p, struct span raw, struct value *v);

/* ---- keys (keys.c) and checks (check.c) ------------------------------ */

/* A "key = value" line, in the section being read. */
bool config_read_key_line(struct parser *p, struct span content);
/* A new section may start with this (valid) name: no clash, room left. */
bool config_check_new_vm(struct parser *p, struct span name);
/* The section that just ended (if any) must have said what the VM needs. */
bool config_finish_vm(struct parser *p);

#endif
