/*
 * gpu/partition.c — dividing the physical graphics memory among vGPUs
 * (docs/vgpu.md, "Graphics memory").
 *
 * Owns the table of vGPU types (GVT-g's sizes, ../shared/DESIGN.md), the
 * host's reserve, the placement of each vGPU's aperture window, hidden-GM
 * window and fence registers, and the wording of every "does not fit"
 * message. Pure: no allocation, no I/O, no state outside the caller's
 * structures.
 */
#include "gpu/partition.h"

#include <stdio.h>
#include <string.h>

#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)
#define SIZE_TEXT_MAX 24            /* 20 digits, a unit and the NUL fit */

#define RESOURCE_LOW    "aperture (mappable graphics memory)"
#define RESOURCE_HIGH   "hidden graphics memory"
#define RESOURCE_FENCES "fence registers"

static const struct vgpu_type_info vgpu_types[] = {
	{ VGPU_8, "_8",  64 * MIB, 384 * MIB, 4, 2 },
	{ VGPU_4, "_4", 128 * MIB, 512 * MIB, 4, 4 },
	{ VGPU_2, "_2", 256 * MIB,   1 * GIB, 4, 8 },
	{ VGPU_1, "_1", 512 * MIB,   2 * GIB, 4, 16 },
};

const struct vgpu_type_info *vgpu_type_info(enum vgpu_type t)
{
	size_t i;

	for (i = 0; i < sizeof vgpu_types / sizeof vgpu_types[0]; i++)
		if (vgpu_types[i].type == t)
			return &vgpu_types[i];
	return NULL;
}

/* ---- what is still free -------------------------------------------------- */

/* The next free GM address of each part and the next free fence. */
struct gm_cursor {
	uint64_t low, high;
	unsigned fence;
};

/* ---- messages ------------------------------------------------------------ */

struct gm_report {
	char *err;
	size_t errlen;
	unsigned *bad;
};

static bool report_bad(const struct gm_report *r, unsigned index)
{
	if (r->bad != NULL)
		*r->bad = index;
	return false;
}

static const char *vm_name_of(const struct partition_req *req)
{
	return req->vm_name != NULL ? req->vm_name : "?";
}

static bool gm_too_small(const struct gm_report *r, unsigned index,
                         const char *resource, uint64_t have, uint64_t host,
                         const char *relation)
{
	char have_text[SIZE_TEXT_MAX], host_text[SIZE_TEXT_MAX];

	if (r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "the GPU has only %s of %s, %s the "
		         "%s the host keeps",
		         config_format_size(have, have_text, sizeof have_text),
		         resource, relation,
		         config_format_size(host, host_text, sizeof host_text));
	return report_bad(r, index);
}

/* "vm 'NAME': vGPU _T needs SIZE of RESOURCE, LEFT left of TOTAL (the
 * host keeps HOST)", sizes as the config writes them. */
static bool gm_does_not_fit(const struct gm_report *r, unsigned index,
                            const struct partition_req *req,
                            const char *resource, uint64_t need,
                            uint64_t left, uint64_t total, uint64_t host)
{
	const struct vgpu_type_info *info = vgpu_type_info(req->type);
	char need_text[SIZE_TEXT_MAX], left_text[SIZE_TEXT_MAX];
	char total_text[SIZE_TEXT_MAX], host_text[SIZE_TEXT_MAX];

	if (r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "vm '%s': vGPU %s needs %s of %s, %s "
		         "left of %s (the host keeps %s)", vm_name_of(req),
		         info->name,
		         config_format_size(need, need_text, sizeof need_text),
		         resource,
		         config_format_size(left, left_text, sizeof left_text),
		         config_format_size(total, total_text, sizeof total_text),
		         config_format_size(host, host_text, sizeof host_text));
	return report_bad(r, index);
}

static bool fences_do_not_fit(const struct gm_report *r, unsigned index,
                              const struct partition_req *req, unsigned need,
                              unsigned left, unsigned total)
{
	const struct vgpu_type_info *info = vgpu_type_info(req->type);

	if (r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "vm '%s': vGPU %s needs %u %s, %u left "
		         "of %u (the host keeps %u)", vm_name_of(req), info->name,
		         need, RESOURCE_FENCES, left, total,
		         (unsigned)GM_HOST_FENCES);
	return report_bad(r, index);
}

static bool fences_too_few(const struct gm_report *r, unsigned index,
                           unsigned have)
{
	if (r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "the GPU has only %u %s, less than the "
		         "%u the host keeps", have, RESOURCE_FENCES,
		         (unsigned)GM_HOST_FENCES);
	return report_bad(r, index);
}

static bool unknown_type(const struct gm_report *r, unsigned index,
                         const struct partition_req *req)
{
	if (r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "vm '%s': unknown vGPU type %u",
		         vm_name_of(req), (unsigned)req->type);
	return report_bad(r, index);
}

/* ---- placement ----------------------------------------------------------- */

/* Room for the host's reserve and something after it? *bad = n if not. */
static bool host_reserve_fits(const struct gm_space *phys, unsigned n,
                              const struct gm_report *r)
{
	if (phys->aperture <= GM_HOST_LOW)
		return gm_too_small(r, n, RESOURCE_LOW, phys->aperture,
		                    GM_HOST_LOW, "none left after");
	if (phys->total < phys->aperture ||
	    phys->total - phys->aperture < GM_HOST_HIGH)
		return gm_too_small(r, n, RESOURCE_HIGH,
		                    phys->total < phys->aperture
		                            ? 0 : phys->total - phys->aperture,
		                    GM_HOST_HIGH, "less than");
	if (phys->fences < GM_HOST_FENCES)
		return fences_too_few(r, n, phys->fences);
	return true;
}

/* Take the next windows and fences of one vGPU: aperture, hidden, fences. */
static bool place_vgpu(const struct gm_space *phys, struct gm_cursor *next,
                       const struct partition_req *req, unsigned index,
                       struct vgpu_partition *out, const struct gm_report *r)
{
	const struct vgpu_type_info *info = vgpu_type_info(req->type);

	if (info == NULL)
		return unknown_type(r, index, req);
	if (info->low > phys->aperture - next->low)
		return gm_does_not_fit(r, index, req, RESOURCE_LOW, info->low,
		                       phys->aperture - next->low, phys->aperture,
		                       GM_HOST_LOW);
	if (info->high > phys->total - next->high)
		return gm_does_not_fit(r, index, req, RESOURCE_HIGH, info->high,
		                       phys->total - next->high,
		                       phys->total - phys->aperture, GM_HOST_HIGH);
	if (info->fences > phys->fences - next->fence)
		return fences_do_not_fit(r, index, req, info->fences,
		                         phys->fences - next->fence, phys->fences);
	out->low = (struct gm_window){ next->low, info->low };
	out->high = (struct gm_window){ next->high, info->high };
	out->fence_base = next->fence;
	out->fence_num = info->fences;
	next->low += info->low;
	next->high += info->high;
	next->fence += info->fences;
	return true;
}

bool gm_partition(const struct gm_space *phys, const struct partition_req *req,
                  unsigned n, struct vgpu_partition *out, unsigned *bad,
                  char *err, size_t errlen)
{
	const struct gm_report r = { err, errlen, bad };
	struct gm_cursor next;
	unsigned i;

	if (!host_reserve_fits(phys, n, &r))
		return false;
	next.low = GM_HOST_LOW;
	next.high = phys->aperture + GM_HOST_HIGH;
	next.fence = GM_HOST_FENCES;
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		if (req[i].type == VGPU_NONE)
			continue;
		if (!place_vgpu(phys, &next, &req[i], i, &out[i], &r))
			return false;
	}
	return true;
}

/* ---- checks -------------------------------------------------------------- */

/* Do [a, a + a_len) and [b, b + b_len) share an element? No overflow. */
static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b,
                           uint64_t b_len)
{
	if (a_len == 0 || b_len == 0)
		return false;
	return a <= b ? b - a < a_len : a - b < b_len;
}

static bool windows_overlap(const struct gm_window *a,
                            const struct gm_window *b)
{
	return ranges_overlap(a->base, a->size, b->base, b->size);
}

/* GM is one address space: a low window may meet a high one too. */
bool gm_partitions_overlap(const struct vgpu_partition *a,
                           const struct vgpu_partition *b)
{
	return windows_overlap(&a->low, &b->low) ||
	       windows_overlap(&a->low, &b->high) ||
	       windows_overlap(&a->high, &b->low) ||
	       windows_overlap(&a->high, &b->high) ||
	       ranges_overlap(a->fence_base, a->fence_num, b->fence_base,
	                      b->fence_num);
}
