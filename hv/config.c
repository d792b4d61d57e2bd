/*
 * hv/config.c — reading baregt.cfg into a struct config.
 *
 * Owns the file format of docs/config.md: lines, comments and quoting,
 * [vm NAME] sections, the syntax of every key's value and the wording of
 * every error. Also checks a parsed config against the machine, formats
 * sizes and names the enumerations. Pure: no allocation, no I/O, and no
 * state outside the caller's structures.
 */
#include "hv/config.h"
#include "gpu/gen9_ids.h"

#include <stdarg.h>
#include <stdio.h>
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

#define VM_MEMORY_GRANULE (2 * MIB)  /* VM memory is mapped in 2M pages */
#define VM_MEMORY_LIMIT   TIB
#define CPU_INDEX_MAX     255u
#define SERIAL_PORT_MAX   0xfff8u    /* a 16550 takes 8 ports */
#define SERIAL_PORT_DEFAULT 0x3f8u   /* COM1 */
#define SIZE_TEXT_MAX     24         /* 20 digits, a unit and the NUL fit */

/* ---- words of the enumerations, indexed by their enum value ---------- */

static const char *const log_level_words[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn",
	[LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
};
static const char *const on_exit_words[] = {
	[ON_EXIT_SHUTDOWN] = "shutdown", [ON_EXIT_REBOOT] = "reboot",
	[ON_EXIT_HALT] = "halt",
};
static const char *const vgpu_words[] = {
	[VGPU_NONE] = "none", [VGPU_8] = "_8", [VGPU_4] = "_4",
	[VGPU_2] = "_2",      [VGPU_1] = "_1",
};
static const char *const selftest_words[] = {
	[SELFTEST_NONE] = "none",           [SELFTEST_WRITE_TEXT] = "write-text",
	[SELFTEST_EXEC_DATA] = "exec-data", [SELFTEST_UD] = "ud",
	[SELFTEST_IOMMU_EDU] = "iommu-edu",
};

static const char *word_or_unknown(const char *const *words, size_t nwords,
                                   unsigned value)
{
	return value < nwords ? words[value] : "?";
}

const char *config_log_level_name(enum log_level l)
{
	return word_or_unknown(log_level_words, COUNT_OF(log_level_words),
	                       (unsigned)l);
}

const char *config_on_exit_name(enum on_exit e)
{
	return word_or_unknown(on_exit_words, COUNT_OF(on_exit_words),
	                       (unsigned)e);
}

const char *config_vgpu_name(enum vgpu_type t)
{
	return word_or_unknown(vgpu_words, COUNT_OF(vgpu_words), (unsigned)t);
}

const char *config_selftest_name(enum selftest s)
{
	return word_or_unknown(selftest_words, COUNT_OF(selftest_words),
	                       (unsigned)s);
}

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
static bool report(struct config_error *err, unsigned line,
                   const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Fill err with line and the formatted message; returns false. */
static bool vreport(struct config_error *err, unsigned line,
                    const char *fmt, va_list ap)
{
	err->line = line;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return false;
}

static bool report(struct config_error *err, unsigned line,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(err, line, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- spans of the file's text ---------------------------------------- */

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

static int shown_length(struct span t)
{
	return (int)(t.len > QUOTED_MAX ? QUOTED_MAX : t.len);
}

static const char *shown_tail(struct span t)
{
	return t.len > QUOTED_MAX ? "..." : "";
}

static struct span span_of(const char *s, size_t len)
{
	struct span t = { s, len };
	return t;
}

static struct span span_between(const char *start, const char *end)
{
	return span_of(start, (size_t)(end - start));
}

static struct span span_after(struct span t, const char *p)
{
	return span_between(p, t.s + t.len);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span span_trim(struct span t)
{
	while (t.len > 0 && is_blank(t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len > 0 && is_blank(t.s[t.len - 1]))
		t.len--;
	return t;
}

static bool span_is(struct span t, const char *word)
{
	return strlen(word) == t.len && memcmp(t.s, word, t.len) == 0;
}

static bool span_has_blank(struct span t)
{
	return memchr(t.s, ' ', t.len) != NULL || memchr(t.s, '\t', t.len) != NULL;
}

/* The first blank-separated word of t; *rest gets what follows, trimmed. */
static struct span first_word(struct span t, struct span *rest)
{
	size_t i = 0;

	while (i < t.len && !is_blank(t.s[i]))
		i++;
	*rest = span_trim(span_of(t.s + i, t.len - i));
	return span_of(t.s, i);
}

static void span_copy(struct span t, char *buf)
{
	memcpy(buf, t.s, t.len);
	buf[t.len] = '\0';
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool same_name_ignoring_case(struct span t, const char *name)
{
	size_t i;

	if (strlen(name) != t.len)
		return false;
	for (i = 0; i < t.len; i++)
		if (ascii_lower(t.s[i]) != ascii_lower(name[i]))
			return false;
	return true;
}

/*
 * Split a value that may start with a double quote. A quoted value is
 * everything up to the next '"'; *rest gets the text after it. Returns
 * false when the quote is not closed. *quoted tells which form it was.
 */
static bool split_quoted(struct span value, struct span *inner,
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

/* ---- numbers --------------------------------------------------------- */

enum number_status {
	NUMBER_OK,
	NUMBER_MALFORMED,
	NUMBER_TOO_LARGE,
};

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

/* Decimal, or 0x/0X and hex digits; no sign, nothing else around it. */
static enum number_status parse_number(struct span t, uint64_t *out)
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

/* A number with an optional binary-unit suffix K, M or G. */
static enum number_status parse_size(struct span t, uint64_t *out)
{
	unsigned shift = t.len > 0 ? size_suffix_shift(t.s[t.len - 1]) : 0;
	enum number_status status;
	uint64_t n = 0;

	if (shift != 0)
		t.len--;
	status = parse_number(t, &n);
	if (status != NUMBER_OK)
		return status;
	if (n > (UINT64_MAX >> shift))
		return NUMBER_TOO_LARGE;
	*out = n << shift;
	return NUMBER_OK;
}

/* ---- the parser ------------------------------------------------------ */

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

static bool fail(struct parser *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Report a problem on the line being read; returns false. */
static bool fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p->err, p->line, fmt, ap);
	va_end(ap);
	return false;
}

/* "a, b or c" from a list of words. */
static void list_words(const char *const *words, size_t nwords,
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

/* Which of words the value is; an error naming the choices if none. */
static bool choose_word(struct parser *p, const char *key, struct span value,
                        const char *const *words, size_t nwords,
                        unsigned *chosen)
{
	char expected[80];
	unsigned i;

	for (i = 0; i < nwords; i++) {
		if (span_is(value, words[i])) {
			*chosen = i;
			return true;
		}
	}
	list_words(words, nwords, expected, sizeof expected);
	return fail(p, "invalid value '" SHOW "' for '%s' (expected %s)",
	            SHOWN(value), key, expected);
}

/* ---- global keys ----------------------------------------------------- */

static bool set_log_level(struct parser *p, struct value v)
{
	unsigned level = LOG_INFO;

	if (!choose_word(p, "log_level", v.text, log_level_words,
	                 COUNT_OF(log_level_words), &level))
		return false;
	p->cfg->log_level = (enum log_level)level;
	return true;
}

static bool set_serial(struct parser *p, struct value v)
{
	uint64_t port = 0;
	enum number_status status;

	if (span_is(v.text, "none")) {
		p->cfg->serial_enabled = false;
		p->cfg->serial_port = 0;
		return true;
	}
	status = parse_number(v.text, &port);
	if (status == NUMBER_MALFORMED)
		return fail(p, "invalid value '" SHOW "' for 'serial' "
		            "(expected none or a port number)", SHOWN(v.text));
	if (status == NUMBER_TOO_LARGE || port == 0 || port > SERIAL_PORT_MAX)
		return fail(p, "serial port must be 1..0x%x", SERIAL_PORT_MAX);
	p->cfg->serial_enabled = true;
	p->cfg->serial_port = (uint16_t)port;
	return true;
}

static bool set_on_exit(struct parser *p, struct value v)
{
	unsigned action = ON_EXIT_SHUTDOWN;

	if (!choose_word(p, "on_exit", v.text, on_exit_words,
	                 COUNT_OF(on_exit_words), &action))
		return false;
	p->cfg->on_exit = (enum on_exit)action;
	return true;
}

static bool set_selftest(struct parser *p, struct value v)
{
	unsigned test = SELFTEST_NONE;

	if (!choose_word(p, "selftest", v.text, selftest_words,
	                 COUNT_OF(selftest_words), &test))
		return false;
	p->cfg->selftest = (enum selftest)test;
	return true;
}

/* ---- VM keys --------------------------------------------------------- */

static bool set_memory(struct parser *p, struct value v)
{
	uint64_t bytes = 0;

	switch (parse_size(v.text, &bytes)) {
	case NUMBER_MALFORMED:
		return fail(p, "malformed size '" SHOW "' for 'memory'",
		            SHOWN(v.text));
	case NUMBER_TOO_LARGE:
		return fail(p, "number too large for 'memory'");
	case NUMBER_OK:
		break;
	}
	if (bytes == 0)
		return fail(p, "memory must be at least 2M");
	if (bytes > VM_MEMORY_LIMIT)
		return fail(p, "memory larger than 1T");
	if (bytes % VM_MEMORY_GRANULE != 0)
		return fail(p, "memory must be a multiple of 2M");
	p->vm->memory_bytes = bytes;
	p->vm->memory_line = p->line;
	return true;
}

static bool set_cpu(struct parser *p, struct value v)
{
	uint64_t cpu = 0;

	switch (parse_number(v.text, &cpu)) {
	case NUMBER_MALFORMED:
		return fail(p, "malformed number '" SHOW "' for 'cpu'",
		            SHOWN(v.text));
	case NUMBER_TOO_LARGE:
		return fail(p, "cpu must be 0..%u", CPU_INDEX_MAX);
	case NUMBER_OK:
		break;
	}
	if (cpu > CPU_INDEX_MAX)
		return fail(p, "cpu must be 0..%u", CPU_INDEX_MAX);
	p->vm->cpu = (unsigned)cpu;
	p->vm->cpu_line = p->line;
	return true;
}

/* Check an ESP path and store it with every '/' turned into '\'. */
static bool store_path(struct parser *p, struct value v, char *path)
{
	size_t i;

	if (v.text.len == 0 || (v.text.s[0] != '\\' && v.text.s[0] != '/'))
		return fail(p, "path must start with '\\' or '/': '" SHOW "'",
		            SHOWN(v.text));
	if (!v.quoted && span_has_blank(v.text))
		return fail(p, "path must be quoted when it contains whitespace: '"
		            SHOW "'", SHOWN(v.text));
	if (v.text.len >= CONFIG_PATH_MAX)
		return fail(p, "path longer than %d characters",
		            CONFIG_PATH_MAX - 1);
	for (i = 0; i < v.text.len; i++)
		path[i] = v.text.s[i] == '/' ? '\\' : v.text.s[i];
	path[v.text.len] = '\0';
	return true;
}

static bool set_image(struct parser *p, struct value v)
{
	if (!store_path(p, v, p->vm->image))
		return false;
	p->vm->image_line = p->line;
	return true;
}

static bool set_cmdline(struct parser *p, struct value v)
{
	if (v.text.len >= CONFIG_CMDLINE_MAX)
		return fail(p, "cmdline longer than %d characters",
		            CONFIG_CMDLINE_MAX - 1);
	span_copy(v.text, p->vm->cmdline);
	p->vm->cmdline_line = p->line;
	return true;
}

/* "PATH [ARGS]": PATH is the quoted text or the first word. */
static bool split_module(struct parser *p, struct span raw,
                         struct value *path, struct span *args)
{
	struct span rest;

	if (!split_quoted(raw, &path->text, &rest, &path->quoted))
		return fail(p, "unterminated quote");
	if (!path->quoted) {
		path->text = first_word(raw, args);
		return true;
	}
	if (rest.len > 0 && !is_blank(rest.s[0]))
		return fail(p, "unexpected text after quoted value");
	*args = span_trim(rest);
	return true;
}

static bool add_module(struct parser *p, struct value v)
{
	struct vm_config *vm = p->vm;
	struct config_module *module;
	struct value path;
	struct span args = { NULL, 0 };

	if (vm->nmodules == CONFIG_MAX_MODULES)
		return fail(p, "too many modules for vm '%s' (at most %d)",
		            vm->name, CONFIG_MAX_MODULES);
	module = &vm->module[vm->nmodules];
	if (!split_module(p, v.text, &path, &args) ||
	    !store_path(p, path, module->path))
		return false;
	if (args.len >= CONFIG_CMDLINE_MAX)
		return fail(p, "module arguments longer than %d characters",
		            CONFIG_CMDLINE_MAX - 1);
	span_copy(args, module->args);
	module->line = p->line;
	vm->nmodules++;
	return true;
}

static bool set_vgpu(struct parser *p, struct value v)
{
	unsigned type = VGPU_NONE;

	if (!choose_word(p, "vgpu", v.text, vgpu_words, COUNT_OF(vgpu_words),
	                 &type))
		return false;
	p->vm->vgpu = (enum vgpu_type)type;
	p->vm->vgpu_line = p->line;
	return true;
}

/* The platforms that have GT2 IDs in the device table, "SKL, KBL, ... or
 * CML", so that the message follows the table. */
static void gt2_platforms(char *buf, size_t n)
{
	const char *names[GEN9_NPLATFORMS];
	size_t count = 0;
	unsigned p, i;

	for (p = 0; p < GEN9_NPLATFORMS; p++)
		for (i = 0; i < gen9_ndevices; i++)
			if (gen9_devices[i].platform == p && gen9_devices[i].gt == 2) {
				names[count++] = gen9_platform_name(p);
				break;
			}
	list_words(names, count, buf, n);
}

static bool set_vgpu_device(struct parser *p, struct value v)
{
	const struct gen9_device *d;
	char platforms[64];
	uint64_t id = 0;

	if (parse_number(v.text, &id) != NUMBER_OK)
		return fail(p, "malformed number '" SHOW "' for 'vgpu_device'",
		            SHOWN(v.text));
	d = id <= 0xffff ? gen9_device_lookup((uint16_t)id) : NULL;
	if (d != NULL && gen9_vgpu_device_ok(d->id)) {
		p->vm->vgpu_device = d->id;
		p->vm->vgpu_device_line = p->line;
		return true;
	}
	if (d != NULL)
		return fail(p, "vgpu_device " SHOW " is a %s GT%u; a vGPU shows a"
		            " GT2 (docs/config.md lists the IDs)", SHOWN(v.text),
		            gen9_platform_name(d->platform), d->gt);
	gt2_platforms(platforms, sizeof platforms);
	return fail(p, "vgpu_device " SHOW " is not a Gen9 GT2 device ID (%s;"
	            " docs/config.md lists them)", SHOWN(v.text), platforms);
}

static const char *const vtd_invalidation_words[] = {
	[VTD_INV_AUTO] = "auto", [VTD_INV_REGISTER] = "register",
};

const char *config_vtd_invalidation_name(enum vtd_invalidation v)
{
	return word_or_unknown(vtd_invalidation_words,
	                       COUNT_OF(vtd_invalidation_words), (unsigned)v);
}

static bool set_vtd_invalidation(struct parser *p, struct value v)
{
	unsigned how = VTD_INV_AUTO;

	if (!choose_word(p, "vtd_invalidation", v.text, vtd_invalidation_words,
	                 COUNT_OF(vtd_invalidation_words), &how))
		return false;
	p->cfg->vtd_invalidation = (enum vtd_invalidation)how;
	return true;
}

static const char *const gpu_dma_words[] = {
	[GPU_DMA_IOMMU] = "iommu", [GPU_DMA_UNTRANSLATED] = "untranslated",
};

const char *config_gpu_dma_name(enum gpu_dma_choice g)
{
	return word_or_unknown(gpu_dma_words, COUNT_OF(gpu_dma_words),
	                       (unsigned)g);
}

static bool set_gpu_dma(struct parser *p, struct value v)
{
	unsigned how = GPU_DMA_IOMMU;

	if (!choose_word(p, "gpu_dma", v.text, gpu_dma_words,
	                 COUNT_OF(gpu_dma_words), &how))
		return false;
	p->cfg->gpu_dma = (enum gpu_dma_choice)how;
	p->cfg->gpu_dma_line = p->line;
	return true;
}

static const char *const switch_words[] = { "off", "on" };

static bool set_testdev(struct parser *p, struct value v)
{
	unsigned on = 0;

	if (!choose_word(p, "testdev", v.text, switch_words,
	                 COUNT_OF(switch_words), &on))
		return false;
	p->vm->testdev = on != 0;
	p->vm->testdev_line = p->line;
	return true;
}

/* "N ms" or "N us" (blanks optional), 100us..1000ms. */
static bool set_time_slice(struct parser *p, struct value v)
{
	struct span t = v.text, num;
	uint64_t n = 0, scale;

	if (t.len > 2 && memcmp(t.s + t.len - 2, "ms", 2) == 0)
		scale = 1000;
	else if (t.len > 2 && memcmp(t.s + t.len - 2, "us", 2) == 0)
		scale = 1;
	else
		return fail(p, "time_slice needs a unit: 'ms' or 'us' (e.g. 10ms)");
	num = span_trim(span_of(t.s, t.len - 2));
	switch (parse_number(num, &n)) {
	case NUMBER_MALFORMED:
		return fail(p, "malformed number '" SHOW "' for 'time_slice'",
		            SHOWN(num));
	case NUMBER_TOO_LARGE:
		return fail(p, "time_slice must be 100us..1000ms");
	case NUMBER_OK:
		break;
	}
	if (n > CONFIG_SLICE_MAX_US || n * scale < CONFIG_SLICE_MIN_US ||
	    n * scale > CONFIG_SLICE_MAX_US)
		return fail(p, "time_slice must be 100us..1000ms");
	p->cfg->time_slice_us = (uint32_t)(n * scale);
	return true;
}

/* ---- key lines ------------------------------------------------------- */

enum key_scope {
	SCOPE_GLOBAL,  /* before the first [vm] section */
	SCOPE_VM,      /* inside a [vm NAME] section */
};

struct key_rule {
	const char *name;
	enum key_scope scope;
	bool repeatable;
	bool raw_value;   /* gets the value with its quotes: parses them itself */
	bool (*apply)(struct parser *p, struct value v);
};

static const struct key_rule key_rules[KEY_COUNT] = {
	[KEY_LOG_LEVEL] = { "log_level", SCOPE_GLOBAL, false, false, set_log_level },
	[KEY_SERIAL]    = { "serial",    SCOPE_GLOBAL, false, false, set_serial },
	[KEY_ON_EXIT]   = { "on_exit",   SCOPE_GLOBAL, false, false, set_on_exit },
	[KEY_SELFTEST]  = { "selftest",  SCOPE_GLOBAL, false, false, set_selftest },
	[KEY_MEMORY]    = { "memory",    SCOPE_VM,     false, false, set_memory },
	[KEY_CPU]       = { "cpu",       SCOPE_VM,     false, false, set_cpu },
	[KEY_IMAGE]     = { "image",     SCOPE_VM,     false, false, set_image },
	[KEY_CMDLINE]   = { "cmdline",   SCOPE_VM,     false, false, set_cmdline },
	[KEY_MODULE]    = { "module",    SCOPE_VM,     true,  true,  add_module },
	[KEY_VGPU]      = { "vgpu",      SCOPE_VM,     false, false, set_vgpu },
	[KEY_TIME_SLICE] = { "time_slice", SCOPE_GLOBAL, false, false, set_time_slice },
	[KEY_VTD_INVALIDATION] = { "vtd_invalidation", SCOPE_GLOBAL, false, false, set_vtd_invalidation },
	[KEY_GPU_DMA]   = { "gpu_dma",   SCOPE_GLOBAL, false, false, set_gpu_dma },
	[KEY_TESTDEV]   = { "testdev",   SCOPE_VM,     false, false, set_testdev },
	[KEY_VGPU_DEVICE] = { "vgpu_device", SCOPE_VM, false, false, set_vgpu_device },
};

#define KEY_NAME_MAX 24   /* longer than any key in key_rules */

static const struct key_rule *find_key(struct span key)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++)
		if (span_is(key, key_rules[i].name))
			return &key_rules[i];
	return NULL;
}

static unsigned smallest(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* Levenshtein distance; name is shorter than KEY_NAME_MAX. */
static unsigned edit_distance(struct span typed, const char *name)
{
	unsigned row[KEY_NAME_MAX + 1];
	size_t nlen = strlen(name);
	size_t i, j;

	for (j = 0; j <= nlen; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= typed.len; i++) {
		unsigned diagonal = row[0];

		row[0] = (unsigned)i;
		for (j = 1; j <= nlen; j++) {
			unsigned above = row[j];
			unsigned change = typed.s[i - 1] == name[j - 1] ? 0 : 1;

			row[j] = smallest(row[j] + 1, row[j - 1] + 1,
			                  diagonal + change);
			diagonal = above;
		}
	}
	return row[nlen];
}

/* The known key within two edits of what was typed, or NULL. */
static const char *closest_key(struct span typed)
{
	const char *best = NULL;
	unsigned best_distance = 3;
	size_t i;

	for (i = 0; i < KEY_COUNT; i++) {
		size_t nlen = strlen(key_rules[i].name);
		unsigned d;

		if (typed.len > nlen + 2 || nlen > typed.len + 2)
			continue;
		d = edit_distance(typed, key_rules[i].name);
		if (d < best_distance) {
			best = key_rules[i].name;
			best_distance = d;
		}
	}
	return best;
}

static bool reject_unknown_key(struct parser *p, struct span key)
{
	const char *guess = closest_key(key);

	if (guess != NULL)
		return fail(p, "unknown key '" SHOW "' (did you mean '%s'?)",
		            SHOWN(key), guess);
	return fail(p, "unknown key '" SHOW "'", SHOWN(key));
}

static bool key_in_its_scope(struct parser *p, const struct key_rule *rule)
{
	if (rule->scope == SCOPE_GLOBAL && p->vm != NULL)
		return fail(p, "global key '%s' must come before the first "
		            "[vm] section", rule->name);
	if (rule->scope == SCOPE_VM && p->vm == NULL)
		return fail(p, "key '%s' belongs in a [vm NAME] section",
		            rule->name);
	return true;
}

/* Remove the quotes of a value; after them only blanks may follow. */
static bool unquote(struct parser *p, struct span raw, struct value *v)
{
	struct span rest;

	if (!split_quoted(raw, &v->text, &rest, &v->quoted))
		return fail(p, "unterminated quote");
	if (span_trim(rest).len != 0)
		return fail(p, "unexpected text after quoted value");
	return true;
}

static bool apply_key(struct parser *p, const struct key_rule *rule,
                      struct span raw)
{
	struct value v = { raw, false };
	unsigned *first_line = &p->key_line[rule - key_rules];

	if (raw.len == 0)
		return fail(p, "missing value for '%s'", rule->name);
	if (*first_line != 0 && !rule->repeatable)
		return fail(p, "duplicate key '%s' (first set on line %u)",
		            rule->name, *first_line);
	*first_line = p->line;
	if (!rule->raw_value && !unquote(p, raw, &v))
		return false;
	return rule->apply(p, v);
}

/* "key = value" */
static bool read_key_line(struct parser *p, struct span content)
{
	const char *equals = memchr(content.s, '=', content.len);
	const struct key_rule *rule;
	struct span key;

	if (equals == NULL)
		return fail(p, "expected 'key = value' or '[vm NAME]'");
	key = span_trim(span_between(content.s, equals));
	if (key.len == 0)
		return fail(p, "expected 'key = value' or '[vm NAME]'");
	rule = find_key(key);
	if (rule == NULL)
		return reject_unknown_key(p, key);
	if (!key_in_its_scope(p, rule))
		return false;
	return apply_key(p, rule, span_trim(span_after(content, equals + 1)));
}

/* ---- sections -------------------------------------------------------- */

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool valid_vm_name(struct span name)
{
	size_t i;

	if (name.len == 0 || name.len >= CONFIG_NAME_MAX)
		return false;
	for (i = 0; i < name.len; i++)
		if (!is_name_char(name.s[i]))
			return false;
	return true;
}

/* The section that just ended must have said what the VM needs. */
static bool finish_vm(struct parser *p)
{
	const struct vm_config *vm = p->vm;

	if (vm == NULL)
		return true;
	if (vm->memory_line == 0)
		return report(p->err, vm->line, "vm '%s' has no memory", vm->name);
	if (vm->image_line == 0)
		return report(p->err, vm->line, "vm '%s' has no image", vm->name);
	return true;
}

static bool start_vm(struct parser *p, struct span name)
{
	struct config *cfg = p->cfg;
	unsigned i;

	if (!valid_vm_name(name))
		return fail(p, "invalid VM name '" SHOW "' (1-31 letters, digits, "
		            "'_' or '-')", SHOWN(name));
	for (i = 0; i < cfg->nvms; i++)
		if (same_name_ignoring_case(name, cfg->vm[i].name))
			return fail(p, "duplicate VM name '%.*s' (first defined "
			            "on line %u)", (int)name.len, name.s,
			            cfg->vm[i].line);
	if (cfg->nvms == CONFIG_MAX_VMS)
		return fail(p, "too many VMs (at most %d)", CONFIG_MAX_VMS);
	p->vm = &cfg->vm[cfg->nvms++];
	memset(p->vm, 0, sizeof *p->vm);
	p->vm->vgpu_device = CONFIG_VGPU_DEVICE_DEFAULT;
	span_copy(name, p->vm->name);
	p->vm->line = p->line;
	memset(p->key_line, 0, sizeof p->key_line);
	return true;
}

/* "[vm NAME]", blanks allowed around the words inside the brackets. */
static bool read_section_header(struct parser *p, struct span content)
{
	const char *close = memchr(content.s, ']', content.len);
	struct span header, word, name;

	if (!finish_vm(p))
		return false;
	if (close == NULL)
		return fail(p, "unterminated section header");
	if (span_trim(span_after(content, close + 1)).len != 0)
		return fail(p, "unexpected text after section header");
	header = span_between(content.s, close + 1);
	word = first_word(span_trim(span_between(content.s + 1, close)), &name);
	if (!span_is(word, "vm"))
		return fail(p, "unknown section '" SHOW "' (expected '[vm NAME]')",
		            SHOWN(header));
	if (name.len == 0)
		return fail(p, "missing VM name in section header");
	return start_vm(p, name);
}

/* ---- lines ----------------------------------------------------------- */

static bool check_characters(struct parser *p, struct span line)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.s[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return fail(p, "invalid character 0x%02x in column %u",
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
		return fail(p, "unterminated quote");
	*content = span_of(line.s, i);
	return true;
}

static bool read_line(struct parser *p, struct span line)
{
	struct span content;

	if (line.len > CONFIG_LINE_MAX - 1)
		return fail(p, "line longer than %d characters",
		            CONFIG_LINE_MAX - 1);
	if (!check_characters(p, line) || !strip_comment(p, line, &content))
		return false;
	content = span_trim(content);
	if (content.len == 0)
		return true;
	if (content.s[0] == '[')
		return read_section_header(p, content);
	return read_key_line(p, content);
}

/* The line starting at *pos, without its LF (or CR LF); advances *pos. */
static struct span next_line(const char *text, size_t len, size_t *pos)
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

/* ---- public entry points --------------------------------------------- */

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->log_level = LOG_INFO;
	cfg->serial_enabled = true;
	cfg->serial_port = SERIAL_PORT_DEFAULT;
	cfg->on_exit = ON_EXIT_SHUTDOWN;
	cfg->selftest = SELFTEST_NONE;
	cfg->time_slice_us = CONFIG_SLICE_DEFAULT_US;
	cfg->gpu_dma = GPU_DMA_IOMMU;
	cfg->nvms = 0;
}

bool config_parse(const char *text, size_t len, struct config *cfg,
                  struct config_error *err)
{
	struct config_error ignored;
	struct parser p;
	size_t pos = 0;

	config_defaults(cfg);
	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.err = err != NULL ? err : &ignored;
	while (pos < len) {
		struct span line = next_line(text, len, &pos);

		p.line++;
		if (!read_line(&p, line))
			return false;
	}
	return finish_vm(&p);
}

static bool memory_does_not_fit(const struct vm_config *vm, uint64_t left,
                                uint64_t total, struct config_error *err)
{
	char want[SIZE_TEXT_MAX], have[SIZE_TEXT_MAX], all[SIZE_TEXT_MAX];

	config_format_size(vm->memory_bytes, want, sizeof want);
	config_format_size(left, have, sizeof have);
	config_format_size(total, all, sizeof all);
	return report(err, vm->memory_line, "vm '%s': memory %s does not fit "
	              "(%s left of %s usable)", vm->name, want, have, all);
}

static bool cpu_does_not_exist(const struct vm_config *vm, unsigned ncpus,
                               struct config_error *err)
{
	unsigned line = vm->cpu_line != 0 ? vm->cpu_line : vm->line;

	return report(err, line, "vm '%s': cpu %u does not exist (this machine "
	              "has %u CPU%s)", vm->name, vm->cpu, ncpus,
	              ncpus == 1 ? "" : "s");
}

bool config_check_machine(const struct config *cfg,
                          const struct machine_facts *mf,
                          struct config_error *err)
{
	struct config_error ignored;
	uint64_t left = mf->usable_ram_bytes;
	unsigned i;

	if (err == NULL)
		err = &ignored;
	for (i = 0; i < cfg->nvms; i++) {
		const struct vm_config *vm = &cfg->vm[i];

		if (vm->memory_bytes > left)
			return memory_does_not_fit(vm, left, mf->usable_ram_bytes,
			                           err);
		if (mf->ncpus != 0 && vm->cpu >= mf->ncpus)
			return cpu_does_not_exist(vm, mf->ncpus, err);
		left -= vm->memory_bytes;
	}
	return true;
}
