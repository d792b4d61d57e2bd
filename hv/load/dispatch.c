/*
 * hv/load/dispatch.c — the guest loader's dispatcher: checks the request,
 * recognises the image format (docs/guests.md, "Image formats") and hands
 * the load to that format's loader. Adding a format is a file of its own
 * and a row in formats[].
 */
#include "hv/load/load.h"
#include "hv/load/common.h"
#include "hv/load/elf64.h"
#include "hv/load/linux.h"
#include "hv/load/multiboot.h"
#include "hv/load/pvh.h"
#include "hv/config/config.h"

#include <stdio.h>
#include <string.h>

_Static_assert(GUEST_MAX_MODULES == CONFIG_MAX_MODULES,
               "one module slot per configurable module");

/*
 * In the order docs/guests.md gives: a Multiboot header first (an ELF32
 * or ELF64 file may carry one); a Linux bzImage (its setup header); an
 * ELF64 file with the PVH entry note; otherwise an ELF64 file.
 */
static const struct ld_format *const formats[] = {
	&ld_format_multiboot,
	&ld_format_linux,
	&ld_format_pvh,
	&ld_format_elf64,
};

#define NFORMATS (sizeof formats / sizeof formats[0])

/* The caller's memory map: bounded, no entry wrapping around. */
static bool check_memmap(struct loader *ld)
{
	const struct guest_memmap *m = ld->req->memmap;
	unsigned i;

	if (m == NULL)
		return true;
	if (m->nentries > GUEST_MEMMAP_MAX)
		return ld_fail(ld, "memory map too long: %u entries, at most %u",
		               m->nentries, GUEST_MEMMAP_MAX);
	for (i = 0; i < m->nentries; i++)
		if (m->entry[i].length > UINT64_MAX - m->entry[i].gpa)
			return ld_fail(ld, "memory map entry %u at 0x%llx + 0x%llx "
			               "wraps around the address space", i,
			               (unsigned long long)m->entry[i].gpa,
			               (unsigned long long)m->entry[i].length);
	return true;
}

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
	return check_memmap(ld);
}

/*
 * No format matched: the first format that recognises a broken image of
 * its own says why; otherwise the message names every format but the
 * variants ("not a Multiboot, Linux bzImage or ELF64 x86-64 image").
 */
static bool refuse_image(struct loader *ld)
{
	char names[96];
	size_t i, used = 0, named = 0, nnamed = 0;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i]->diagnose(ld))
			return false;
	for (i = 0; i < NFORMATS; i++)
		nnamed += !formats[i]->variant;
	names[0] = '\0';
	for (i = 0; i < NFORMATS && used < sizeof names; i++) {
		const char *sep;
		int n;

		if (formats[i]->variant)
			continue;
		sep = named == 0 ? "" : named + 1 == nnamed ? " or " : ", ";
		n = snprintf(names + used, sizeof names - used, "%s%s", sep,
		             formats[i]->what);
		if (n < 0)
			break;
		used += (size_t)n;
		named++;
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
	if (req->memmap != NULL) {
		ld.memmap = req->memmap;
	} else {
		ld_memmap_basic(&ld.basic_map, req->ram_bytes);
		ld.memmap = &ld.basic_map;
	}
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
