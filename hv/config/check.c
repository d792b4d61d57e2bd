/*
 * hv/config/check.c — what a config must satisfy beyond the syntax of each
 * line: across the VMs (names, how many), when a section ends (the keys a
 * VM cannot do without), and against the machine it boots on (memory and
 * CPUs). Pure: no allocation, no I/O.
 */
#include "hv/config/config_priv.h"

bool config_check_new_vm(struct parser *p, struct span name)
{
	const struct config *cfg = p->cfg;
	unsigned i;

	for (i = 0; i < cfg->nvms; i++)
		if (span_is_ignoring_case(name, cfg->vm[i].name))
			return config_fail(p, "duplicate VM name '%.*s' (first "
			                   "defined on line %u)", (int)name.len,
			                   name.s, cfg->vm[i].line);
	if (cfg->nvms == CONFIG_MAX_VMS)
		return config_fail(p, "too many VMs (at most %d)", CONFIG_MAX_VMS);
	return true;
}

bool config_finish_vm(struct parser *p)
{
	const struct vm_config *vm = p->vm;

	if (vm == NULL)
		return true;
	if (vm->memory_line == 0)
		return config_report(p->err, vm->line, "vm '%s' has no memory",
		                     vm->name);
	if (vm->image_line == 0)
		return config_report(p->err, vm->line, "vm '%s' has no image",
		                     vm->name);
	return true;
}

/* ---- against the machine --------------------------------------------- */

static bool memory_does_not_fit(const struct vm_config *vm, uint64_t left,
                                uint64_t total, struct config_error *err)
{
	char want[SIZE_TEXT_MAX], have[SIZE_TEXT_MAX], all[SIZE_TEXT_MAX];

	config_format_size(vm->memory_bytes, want, sizeof want);
	config_format_size(left, have, sizeof have);
	config_format_size(total, all, sizeof all);
	return config_report(err, vm->memory_line, "vm '%s': memory %s does "
	                     "not fit (%s left of %s usable)", vm->name, want,
	                     have, all);
}

static bool cpu_does_not_exist(const struct vm_config *vm, unsigned ncpus,
                               struct config_error *err)
{
	unsigned line = vm->cpu_line != 0 ? vm->cpu_line : vm->line;

	return config_report(err, line, "vm '%s': cpu %u does not exist (this "
	                     "machine has %u CPU%s)", vm->name, vm->cpu, ncpus,
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
