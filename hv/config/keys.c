/*
 * hv/config/keys.c — the keys of baregt.cfg. One table row per key: its
 * name, its scope (global or per VM), whether it repeats, where its line
 * is kept, and its value: either one of a list of words (one rule for all
 * such keys, whose lists also name the enumerations) or a setter of its
 * own for a syntax of its own. An unknown key gets the known key within
 * two edits as a suggestion. Pure: no allocation, no I/O.
 */
#include "hv/config/config_priv.h"
#include "gpu/gen9_ids.h"
#include "vmx/cpuid_features.h"

#include <stddef.h>
#include <string.h>

#define VM_MEMORY_GRANULE (2 * MIB)  /* VM memory is mapped in 2M pages */
#define VM_MEMORY_LIMIT   (2048 * MIB) /* RAM ends below the PCI window (docs/platform.md) */
#define CPU_INDEX_MAX     255u
#define SERIAL_PORT_MAX   0xfff8u    /* a 16550 takes 8 ports */

/* ---- keys with a syntax of their own --------------------------------- */

static bool set_serial(struct parser *p, struct value v)
{
	uint64_t port = 0;
	enum number_status status;

	if (span_is(v.text, "none")) {
		p->cfg->serial_enabled = false;
		p->cfg->serial_port = 0;
		return true;
	}
	status = lex_number(v.text, &port);
	if (status == NUMBER_MALFORMED)
		return config_fail(p, "invalid value '" SHOW "' for 'serial' "
		                   "(expected none or a port number)",
		                   SHOWN(v.text));
	if (status == NUMBER_TOO_LARGE || port == 0 || port > SERIAL_PORT_MAX)
		return config_fail(p, "serial port must be 1..0x%x",
		                   SERIAL_PORT_MAX);
	p->cfg->serial_enabled = true;
	p->cfg->serial_port = (uint16_t)port;
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
		return config_fail(p, "time_slice needs a unit: 'ms' or 'us' "
		                   "(e.g. 10ms)");
	num = span_trim(span_of(t.s, t.len - 2));
	switch (lex_number(num, &n)) {
	case NUMBER_MALFORMED:
		return config_fail(p, "malformed number '" SHOW "' for "
		                   "'time_slice'", SHOWN(num));
	case NUMBER_TOO_LARGE:
		return config_fail(p, "time_slice must be 100us..1000ms");
	case NUMBER_OK:
		break;
	}
	if (n > CONFIG_SLICE_MAX_US || n * scale < CONFIG_SLICE_MIN_US ||
	    n * scale > CONFIG_SLICE_MAX_US)
		return config_fail(p, "time_slice must be 100us..1000ms");
	p->cfg->time_slice_us = (uint32_t)(n * scale);
	return true;
}

static bool set_memory(struct parser *p, struct value v)
{
	uint64_t bytes = 0;

	switch (lex_size(v.text, &bytes)) {
	case NUMBER_MALFORMED:
		return config_fail(p, "malformed size '" SHOW "' for 'memory'",
		                   SHOWN(v.text));
	case NUMBER_TOO_LARGE:
		return config_fail(p, "number too large for 'memory'");
	case NUMBER_OK:
		break;
	}
	if (bytes == 0)
		return config_fail(p, "memory must be at least 2M");
	if (bytes > VM_MEMORY_LIMIT)
		return config_fail(p, "memory larger than 2G (RAM ends below the PCI window at 2G)");
	if (bytes % VM_MEMORY_GRANULE != 0)
		return config_fail(p, "memory must be a multiple of 2M");
	p->vm->memory_bytes = bytes;
	return true;
}

static bool set_cpu(struct parser *p, struct value v)
{
	uint64_t cpu = 0;

	switch (lex_number(v.text, &cpu)) {
	case NUMBER_MALFORMED:
		return config_fail(p, "malformed number '" SHOW "' for 'cpu'",
		                   SHOWN(v.text));
	case NUMBER_TOO_LARGE:
		return config_fail(p, "cpu must be 0..%u", CPU_INDEX_MAX);
	case NUMBER_OK:
		break;
	}
	if (cpu > CPU_INDEX_MAX)
		return config_fail(p, "cpu must be 0..%u", CPU_INDEX_MAX);
	p->vm->cpu = (unsigned)cpu;
	return true;
}

/* Check an ESP path and store it with every '/' turned into '\'. */
static bool store_path(struct parser *p, struct value v, char *path)
{
	size_t i;

	if (v.text.len == 0 || (v.text.s[0] != '\\' && v.text.s[0] != '/'))
		return config_fail(p, "path must start with '\\' or '/': '"
		                   SHOW "'", SHOWN(v.text));
	if (!v.quoted && span_has_blank(v.text))
		return config_fail(p, "path must be quoted when it contains "
		                   "whitespace: '" SHOW "'", SHOWN(v.text));
	if (v.text.len >= CONFIG_PATH_MAX)
		return config_fail(p, "path longer than %d characters",
		                   CONFIG_PATH_MAX - 1);
	for (i = 0; i < v.text.len; i++)
		path[i] = v.text.s[i] == '/' ? '\\' : v.text.s[i];
	path[v.text.len] = '\0';
	return true;
}

static bool set_image(struct parser *p, struct value v)
{
	return store_path(p, v, p->vm->image);
}

static bool set_cmdline(struct parser *p, struct value v)
{
	if (v.text.len >= CONFIG_CMDLINE_MAX)
		return config_fail(p, "cmdline longer than %d characters",
		                   CONFIG_CMDLINE_MAX - 1);
	span_copy(v.text, p->vm->cmdline);
	return true;
}

/* "PATH [ARGS]": PATH is the quoted text or the first word. */
static bool split_module(struct parser *p, struct span raw,
                         struct value *path, struct span *args)
{
	struct span rest;

	if (!span_split_quoted(raw, &path->text, &rest, &path->quoted))
		return config_fail(p, "unterminated quote");
	if (!path->quoted) {
		path->text = span_first_word(raw, args);
		return true;
	}
	if (rest.len > 0 && !is_blank(rest.s[0]))
		return config_fail(p, "unexpected text after quoted value");
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
		return config_fail(p, "too many modules for vm '%s' (at most %d)",
		                   vm->name, CONFIG_MAX_MODULES);
	module = &vm->module[vm->nmodules];
	if (!split_module(p, v.text, &path, &args) ||
	    !store_path(p, path, module->path))
		return false;
	if (args.len >= CONFIG_CMDLINE_MAX)
		return config_fail(p, "module arguments longer than %d characters",
		                   CONFIG_CMDLINE_MAX - 1);
	span_copy(args, module->args);
	module->line = p->line;
	vm->nmodules++;
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
	config_list_words(names, count, buf, n);
}

static bool set_vgpu_device(struct parser *p, struct value v)
{
	const struct gen9_device *d;
	char platforms[64];
	uint64_t id = 0;

	if (lex_number(v.text, &id) != NUMBER_OK)
		return config_fail(p, "malformed number '" SHOW "' for "
		                   "'vgpu_device'", SHOWN(v.text));
	d = id <= 0xffff ? gen9_device_lookup((uint16_t)id) : NULL;
	if (d != NULL && gen9_vgpu_device_ok(d->id)) {
		p->vm->vgpu_device = d->id;
		return true;
	}
	if (d != NULL)
		return config_fail(p, "vgpu_device " SHOW " is a %s GT%u; a vGPU "
		                   "shows a GT2 (docs/config.md lists the IDs)",
		                   SHOWN(v.text), gen9_platform_name(d->platform),
		                   d->gt);
	gt2_platforms(platforms, sizeof platforms);
	return config_fail(p, "vgpu_device " SHOW " is not a Gen9 GT2 device "
	                   "ID (%s; docs/config.md lists them)", SHOWN(v.text),
	                   platforms);
}

/* "name, name, ...": CPU features the VM's CPUID hides, by the names of
 * vmx/cpuid_features.c (any case). */
_Static_assert(CF_COUNT <= 32 * CONFIG_CPUID_HIDE_WORDS,
               "vm_config.cpuid_hide has a bit per CPU feature");

static const char *closest_feature(struct span typed);

static bool hide_feature(struct parser *p, struct span word)
{
	char lower[32];
	const char *guess;
	enum cpuid_feature_id f = CF_NONE;
	size_t i;

	if (word.len == 0)
		return config_fail(p, "empty name in 'cpuid_hide' (names are "
		                   "separated by commas)");
	for (i = 0; i < word.len && i < sizeof lower; i++)
		lower[i] = (char)(word.s[i] >= 'A' && word.s[i] <= 'Z' ?
		                  word.s[i] - 'A' + 'a' : word.s[i]);
	if (word.len <= sizeof lower)
		f = cpuid_feature_find(lower, word.len);
	if (f != CF_NONE) {
		p->vm->cpuid_hide[f / 32] |= 1u << (f % 32);
		return true;
	}
	guess = closest_feature(span_of(lower, word.len < sizeof lower ?
	                                       word.len : sizeof lower));
	if (guess != NULL)
		return config_fail(p, "unknown CPU feature '" SHOW "' in "
		                   "'cpuid_hide' (did you mean '%s'?)",
		                   SHOWN(word), guess);
	return config_fail(p, "unknown CPU feature '" SHOW "' in 'cpuid_hide' "
	                   "(docs/config.md lists the names)", SHOWN(word));
}

static bool set_cpuid_hide(struct parser *p, struct value v)
{
	struct span rest = v.text;

	for (;;) {
		const char *comma = memchr(rest.s, ',', rest.len);
		struct span word = span_trim(comma ? span_between(rest.s, comma)
		                                   : rest);

		if (!hide_feature(p, word))
			return false;
		if (!comma)
			return true;
		rest = span_after(rest, comma + 1);
	}
}

/* ---- the words of the keys that take one, indexed by their value ----- */

static const char *const log_level_words[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn",
	[LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
};
static const char *const on_exit_words[] = {
	[ON_EXIT_SHUTDOWN] = "shutdown", [ON_EXIT_REBOOT] = "reboot",
	[ON_EXIT_HALT] = "halt",
};
static const char *const selftest_words[] = {
	[SELFTEST_NONE] = "none",           [SELFTEST_WRITE_TEXT] = "write-text",
	[SELFTEST_EXEC_DATA] = "exec-data", [SELFTEST_UD] = "ud",
	[SELFTEST_IOMMU_EDU] = "iommu-edu",
};
static const char *const vtd_invalidation_words[] = {
	[VTD_INV_AUTO] = "auto", [VTD_INV_REGISTER] = "register",
};
static const char *const gpu_dma_words[] = {
	[GPU_DMA_IOMMU] = "iommu", [GPU_DMA_UNTRANSLATED] = "untranslated",
};
static const char *const vgpu_words[] = {
	[VGPU_NONE] = "none", [VGPU_8] = "_8", [VGPU_4] = "_4",
	[VGPU_2] = "_2",      [VGPU_1] = "_1",
};
static const char *const on_reset_words[] = {
	[ON_RESET_STOP] = "stop", [ON_RESET_RESTART] = "restart",
};
/* For a bool member: the index is false or true. */
static const char *const switch_words[] = { "off", "on" };

/* ---- the key table --------------------------------------------------- */

enum key_scope {
	SCOPE_GLOBAL,  /* before the first [vm] section */
	SCOPE_VM,      /* inside a [vm NAME] section */
};

/*
 * Where a key puts something: a member of struct config (global keys) or
 * of the section's struct vm_config (VM keys), by offset because a table
 * row cannot name a member otherwise. Any integer, enum or bool member;
 * size 0: nowhere.
 */
struct field {
	size_t offset;
	size_t size;
};

#define MEMBER(type, m) { offsetof(type, m), sizeof(((type *)0)->m) }
#define GLOBAL(m)       MEMBER(struct config, m)
#define IN_VM(m)        MEMBER(struct vm_config, m)

/* The value is one of the words of list; its index goes into field. */
#define ONE_OF(list, field) \
	.words = (list), .nwords = COUNT_OF(list), .value = field

struct key_rule {
	const char *name;
	enum key_scope scope;
	bool repeatable;
	bool raw_value;   /* gets the value with its quotes: parses them itself */
	const char *const *words;  /* a words key: one of these ... */
	size_t nwords;
	struct field value;        /* ... and its index goes here */
	/* The setter of a key with a syntax of its own; for a words key, a
	 * further rule of its own, run once the word is stored. */
	bool (*apply)(struct parser *p, struct value v);
	struct field line;         /* gets the line the key was set on */
};

static const struct key_rule key_rules[KEY_COUNT] = {
	[KEY_LOG_LEVEL]  = { "log_level", SCOPE_GLOBAL,
	                     ONE_OF(log_level_words, GLOBAL(log_level)) },
	[KEY_SERIAL]     = { "serial", SCOPE_GLOBAL, .apply = set_serial },
	[KEY_ON_EXIT]    = { "on_exit", SCOPE_GLOBAL,
	                     ONE_OF(on_exit_words, GLOBAL(on_exit)) },
	[KEY_SELFTEST]   = { "selftest", SCOPE_GLOBAL,
	                     ONE_OF(selftest_words, GLOBAL(selftest)) },
	[KEY_TIME_SLICE] = { "time_slice", SCOPE_GLOBAL,
	                     .apply = set_time_slice },
	[KEY_VTD_INVALIDATION] = { "vtd_invalidation", SCOPE_GLOBAL,
	                     ONE_OF(vtd_invalidation_words,
	                            GLOBAL(vtd_invalidation)) },
	[KEY_GPU_DMA]    = { "gpu_dma", SCOPE_GLOBAL,
	                     ONE_OF(gpu_dma_words, GLOBAL(gpu_dma)),
	                     .line = GLOBAL(gpu_dma_line) },
	[KEY_MEMORY]     = { "memory", SCOPE_VM, .apply = set_memory,
	                     .line = IN_VM(memory_line) },
	[KEY_CPU]        = { "cpu", SCOPE_VM, .apply = set_cpu,
	                     .line = IN_VM(cpu_line) },
	[KEY_IMAGE]      = { "image", SCOPE_VM, .apply = set_image,
	                     .line = IN_VM(image_line) },
	[KEY_CMDLINE]    = { "cmdline", SCOPE_VM, .apply = set_cmdline,
	                     .line = IN_VM(cmdline_line) },
	/* Each module keeps its own line (add_module). */
	[KEY_MODULE]     = { "module", SCOPE_VM, .repeatable = true,
	                     .raw_value = true, .apply = add_module },
	[KEY_VGPU]       = { "vgpu", SCOPE_VM,
	                     ONE_OF(vgpu_words, IN_VM(vgpu)),
	                     .line = IN_VM(vgpu_line) },
	[KEY_TESTDEV]    = { "testdev", SCOPE_VM,
	                     ONE_OF(switch_words, IN_VM(testdev)),
	                     .line = IN_VM(testdev_line) },
	[KEY_VGPU_DEVICE] = { "vgpu_device", SCOPE_VM,
	                     .apply = set_vgpu_device,
	                     .line = IN_VM(vgpu_device_line) },
	[KEY_CPUID_HIDE] = { "cpuid_hide", SCOPE_VM, .apply = set_cpuid_hide,
	                     .line = IN_VM(cpuid_hide_line) },
	[KEY_ON_RESET]   = { "on_reset", SCOPE_VM,
	                     ONE_OF(on_reset_words, IN_VM(on_reset)),
	                     .line = IN_VM(on_reset_line) },
};

/* ---- finding a key --------------------------------------------------- */

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

/* The CPU feature name within two edits of what was typed, or NULL. */
static const char *closest_feature(struct span typed)
{
	const char *best = NULL;
	unsigned best_distance = 3, i;

	for (i = CF_NONE + 1; i < CF_COUNT; i++) {
		const char *name = cpuid_features[i].name;
		size_t nlen = strlen(name);
		unsigned d;

		if (typed.len > nlen + 2 || nlen > typed.len + 2 ||
		    nlen > KEY_NAME_MAX - 1)
			continue;
		d = edit_distance(typed, name);
		if (d < best_distance) {
			best = name;
			best_distance = d;
		}
	}
	return best;
}

static bool reject_unknown_key(struct parser *p, struct span key)
{
	const char *guess = closest_key(key);

	if (guess != NULL)
		return config_fail(p, "unknown key '" SHOW "' (did you mean "
		                   "'%s'?)", SHOWN(key), guess);
	return config_fail(p, "unknown key '" SHOW "'", SHOWN(key));
}

static bool key_in_its_scope(struct parser *p, const struct key_rule *rule)
{
	if (rule->scope == SCOPE_GLOBAL && p->vm != NULL)
		return config_fail(p, "global key '%s' must come before the "
		                   "first [vm] section", rule->name);
	if (rule->scope == SCOPE_VM && p->vm == NULL)
		return config_fail(p, "key '%s' belongs in a [vm NAME] section",
		                   rule->name);
	return true;
}

/* ---- applying a key -------------------------------------------------- */

/* Store value into field f of what the key's scope fills in: its low
 * bytes, in the member's width. */
static void store_field(struct parser *p, const struct key_rule *rule,
                        struct field f, uint64_t value)
{
	unsigned char *base = rule->scope == SCOPE_GLOBAL
	                      ? (unsigned char *)p->cfg
	                      : (unsigned char *)p->vm;
	uint8_t u8 = (uint8_t)value;
	uint16_t u16 = (uint16_t)value;
	uint32_t u32 = (uint32_t)value;
	const void *bytes = f.size == sizeof u8  ? (const void *)&u8
	                  : f.size == sizeof u16 ? (const void *)&u16
	                  : f.size == sizeof u32 ? (const void *)&u32
	                  : (const void *)&value;

	memcpy(base + f.offset, bytes, f.size);
}

/* Which of the rule's words the value is; an error naming them if none. */
static bool set_word(struct parser *p, const struct key_rule *rule,
                     struct value v)
{
	char expected[80];
	unsigned i;

	for (i = 0; i < rule->nwords; i++) {
		if (span_is(v.text, rule->words[i])) {
			store_field(p, rule, rule->value, i);
			return true;
		}
	}
	config_list_words(rule->words, rule->nwords, expected, sizeof expected);
	return config_fail(p, "invalid value '" SHOW "' for '%s' (expected %s)",
	                   SHOWN(v.text), rule->name, expected);
}

static bool apply_key(struct parser *p, const struct key_rule *rule,
                      struct span raw)
{
	struct value v = { raw, false };
	unsigned *first_line = &p->key_line[rule - key_rules];

	if (raw.len == 0)
		return config_fail(p, "missing value for '%s'", rule->name);
	if (*first_line != 0 && !rule->repeatable)
		return config_fail(p, "duplicate key '%s' (first set on line %u)",
		                   rule->name, *first_line);
	*first_line = p->line;
	if (!rule->raw_value && !lex_unquote(p, raw, &v))
		return false;
	if (rule->words != NULL && !set_word(p, rule, v))
		return false;
	if (rule->apply != NULL && !rule->apply(p, v))
		return false;
	store_field(p, rule, rule->line, p->line);
	return true;
}

/* "key = value" */
bool config_read_key_line(struct parser *p, struct span content)
{
	const char *equals = memchr(content.s, '=', content.len);
	const struct key_rule *rule;
	struct span key;

	if (equals == NULL)
		return config_fail(p, "expected 'key = value' or '[vm NAME]'");
	key = span_trim(span_between(content.s, equals));
	if (key.len == 0)
		return config_fail(p, "expected 'key = value' or '[vm NAME]'");
	rule = find_key(key);
	if (rule == NULL)
		return reject_unknown_key(p, key);
	if (!key_in_its_scope(p, rule))
		return false;
	return apply_key(p, rule, span_trim(span_after(content, equals + 1)));
}

/* ---- names of the enumerations: the words of their keys -------------- */

static const char *word_of(enum key_id key, unsigned value)
{
	const struct key_rule *rule = &key_rules[key];

	return value < rule->nwords ? rule->words[value] : "?";
}

/* The name functions of config.h, one line per enumeration. */
#define NAME_OF(function, type, key) \
	const char *function(type value) { return word_of(key, (unsigned)value); }

NAME_OF(config_log_level_name, enum log_level, KEY_LOG_LEVEL)
NAME_OF(config_on_exit_name, enum on_exit, KEY_ON_EXIT)
NAME_OF(config_on_reset_name, enum on_reset, KEY_ON_RESET)
NAME_OF(config_selftest_name, enum selftest, KEY_SELFTEST)
NAME_OF(config_vtd_invalidation_name, enum vtd_invalidation,
        KEY_VTD_INVALIDATION)
NAME_OF(config_gpu_dma_name, enum gpu_dma_choice, KEY_GPU_DMA)
NAME_OF(config_vgpu_name, enum vgpu_type, KEY_VGPU)
