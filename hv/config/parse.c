/*
 * hv/config/parse.c — config_parse(): the loop over the lines of
 * baregt.cfg, the defaults, and the [vm NAME] headers that start a
 * section. A line's pieces are lex.c's, its key keys.c's, what a section
 * must hold check.c's. Pure: no allocation, no I/O, and no state outside
 * the caller's structures.
 */
#include "hv/config/config_priv.h"

#include <string.h>

#define SERIAL_PORT_DEFAULT 0x3f8u   /* COM1 */

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

static bool start_vm(struct parser *p, struct span name)
{
	struct config *cfg = p->cfg;

	if (!valid_vm_name(name))
		return config_fail(p, "invalid VM name '" SHOW "' (1-31 letters, "
		                   "digits, '_' or '-')", SHOWN(name));
	if (!config_check_new_vm(p, name))
		return false;
	p->vm = &cfg->vm[cfg->nvms++];
	memset(p->vm, 0, sizeof *p->vm);
	p->vm->vgpu_device = CONFIG_VGPU_DEVICE_DEFAULT;
	p->vm->on_reset = ON_RESET_STOP;
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

	if (!config_finish_vm(p))
		return false;
	if (close == NULL)
		return config_fail(p, "unterminated section header");
	if (span_trim(span_after(content, close + 1)).len != 0)
		return config_fail(p, "unexpected text after section header");
	header = span_between(content.s, close + 1);
	word = span_first_word(span_trim(span_between(content.s + 1, close)),
	                       &name);
	if (!span_is(word, "vm"))
		return config_fail(p, "unknown section '" SHOW "' (expected "
		                   "'[vm NAME]')", SHOWN(header));
	if (name.len == 0)
		return config_fail(p, "missing VM name in section header");
	return start_vm(p, name);
}

/* ---- lines ----------------------------------------------------------- */

static bool read_line(struct parser *p, struct span line)
{
	struct span content;

	if (!lex_line_content(p, line, &content))
		return false;
	if (content.len == 0)
		return true;
	if (content.s[0] == '[')
		return read_section_header(p, content);
	return config_read_key_line(p, content);
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
		struct span line = lex_next_line(text, len, &pos);

		p.line++;
		if (!read_line(&p, line))
			return false;
	}
	return config_finish_vm(&p);
}
