/*
 * hv/load/dispatch.c — the guest loader's dispatcher: checks the request,
 * recognises the image format (docs/guests.md, "Image formats") and hands
 * the load to that format's loader. Adding a format is a file of its own
 * and a row in formats[].
 */
#include "hv/load/load.h"
#include "hv/load/common.h"
#include "hv/load/elf64.h"
#include "hv/load/multiboot.h"
#include "hv/config/config.h"

#include <stdio.h>
#include <string.h>

_Static_assert(GUEST_MAX_MODULES == CONFIG_MAX_MODULES,
               "one module slot per configurable module");

/*
 * In the order docs/guests.md gives: a Multiboot header first (an ELF32
 * or ELF64 file may carry one); otherwise an ELF64 file.
 */
static const struct ld_format *const formats[] = {
	&ld_format_multiboot,
	&ld_format_elf64,
};

#define NFORMATS (sizeof formats / sizeof formats[0])

static bool check_request(struct loader *ld)
{
	const struct guest_load_req *req = ld->req;
	unsigned i;

	if (req->ram == NULL)
		return ld_fail(ld, "no RAM given");
	if (req->ram_bytes < LD_LARGE_PAGE || req->ram_bytes % LD_LARGE_PAGE != 0)
		return ld_fail(ld, "RAM size 0x%llx is not a non-zero multiple "
		               "of 2 MiB", (unsigned long long)req->ram_bytes);
	if (req->image == NULL && req->image_size > 0)
		return ld_fail(ld, "no image bytes given");
	if (req->nmodules > GUEST_MAX_MODULES)
		return ld_fail(ld, "too many modules (%u, at most %u)",
		               req->nmodules, GUEST_MAX_MODULES);
	if (req->nmodules > 0 && req->modules == NULL)
		return ld_fail(ld, "no module list given");
	for (i = 0; i < req->nmodules; i++)
		if (req->modules[i].data == NULL && req->modules[i].size > 0)
			return ld_fail(ld, "module %u: no bytes given", i + 1);
	return true;
}

/*
 * No format matched: the first format that recognises a broken image of
 * its own says why; otherwise the message names every format ("not a
 * Multiboot or ELF64 x86-64 image").
 */
static bool refuse_image(struct loader *ld)
{
	char names[96];
	size_t i, used = 0;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i]->diagnose(ld))
			return false;
	names[0] = '\0';
	for (i = 0; i < NFORMATS && used < sizeof names; i++) {
		const char *sep = i == 0 ? "" : i + 1 == NFORMATS ? " or " : ", ";
		int n = snprintf(names + used, sizeof names - used, "%s%s", sep,
		                 formats[i]->what);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return ld_fail(ld, "not a %s image", names);
}

bool guest_load(const struct guest_load_req *req, struct guest_entry *out,
                char *err, size_t errlen)
{
	struct loader ld = {
		.req = req, .out = out, .err = err, .errlen = errlen,
	};
	struct ld_match match;
	size_t i;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!check_request(&ld))
		return false;
	ld.image = req->image;
	ld.image_size = req->image_size;
	for (i = 0; i < NFORMATS; i++) {
		memset(&match, 0, sizeof match);
		if (formats[i]->probe(&ld, &match))
			break;
	}
	if (i == NFORMATS)
		return refuse_image(&ld);
	ld.format = formats[i];
	out->kind = formats[i]->kind;
	out->image_start = UINT64_MAX;
	out->image_end = 0;
	return formats[i]->load(&ld, &match);
}

const char *guest_kind_name(enum guest_kind k)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i]->kind == k)
			return formats[i]->kind_name;
	return "?";
}
