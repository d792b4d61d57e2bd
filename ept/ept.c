/*
 * ept/ept.c — EPT on top of the shared page-table builder. The EPTP is
 * write-back, 4-level (SDM Vol. 3C §25.6.11). Invalidation (INVEPT) is
 * the caller's, since only hardware code may execute it.
 */
#include "ept/ept.h"

bool ept_init(struct ept *e, pt_alloc_fn alloc, void *ctx, bool allow_1g)
{
	if (!pt_init_format(&e->pt, &pt_format_ept, alloc, ctx, allow_1g))
		return false;
	e->eptp = e->pt.root | EPTP_WB_4LEVEL;
	return true;
}

bool ept_map_ram(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	return pt_map(&e->pt, gpa, hpa, size, PT_WRITE | PT_EXEC);
}

bool ept_unmap(struct ept *e, uint64_t gpa, uint64_t size)
{
	return pt_unmap(&e->pt, gpa, size);
}

bool ept_write_protect(struct ept *e, uint64_t gpa, uint64_t size, bool on)
{
	return ept_protect(e, gpa, size, on ? PT_EXEC : PT_WRITE | PT_EXEC);
}

bool ept_protect(struct ept *e, uint64_t gpa, uint64_t size, unsigned flags)
{
	uint64_t off, hpa;
	unsigned old;

	for (off = 0; off < size; off += 4096) {
		if (!pt_translate(&e->pt, gpa + off, &hpa, &old))
			return false;
		if (!pt_map(&e->pt, gpa + off, hpa, 4096,
		            flags | (old & PT_UNCACHED)))
			return false;
	}
	return true;
}

bool ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa,
                   unsigned *flags)
{
	return pt_translate(&e->pt, gpa, hpa, flags);
}

struct isolation {
	uint64_t lo, hi, bad_gpa, bad_hpa;
};

static bool isolation_leaf(void *ctx, uint64_t gpa, uint64_t hpa,
                           uint64_t size, unsigned flags)
{
	struct isolation *is = ctx;

	(void)flags;
	if (hpa >= is->lo && hpa + size <= is->hi && hpa + size > hpa)
		return true;
	is->bad_gpa = gpa;
	is->bad_hpa = hpa;
	return false;
}

bool ept_check_isolation(const struct ept *e, uint64_t ram_hpa,
                         uint64_t ram_bytes, uint64_t *bad_gpa,
                         uint64_t *bad_hpa)
{
	struct isolation is = { ram_hpa, ram_hpa + ram_bytes, 0, 0 };
	bool ok = pt_for_each_leaf(&e->pt, isolation_leaf, &is);

	*bad_gpa = is.bad_gpa;
	*bad_hpa = is.bad_hpa;
	return ok;
}

void ept_destroy(struct ept *e, pt_free_fn free_fn, void *ctx)
{
	pt_destroy(&e->pt, free_fn, ctx);
	e->eptp = 0;
}
