/*
 * hv/mmu_flags.c — the mapping policy of hv/mmu_flags.h. Pure.
 */
#include "hv/mmu_flags.h"
#include "hv/paging.h"

unsigned mmu_mem_flags(enum mem_type t, bool firmware_view)
{
	switch (t) {
	case MEM_MMIO:
	case MEM_RESERVED:
		return PT_WRITE | PT_UNCACHED;
	case MEM_RT_CODE:
		/* Without an attributes table runtime drivers keep writable data
		 * inside their code ranges (docs/boot.md): the firmware's view
		 * must allow both, the hypervisor's only execution. */
		return firmware_view ? PT_WRITE | PT_EXEC : PT_EXEC;
	default:
		return PT_WRITE;
	}
}

static bool rt_unprotected(uint32_t attrs)
{
	return !(attrs & (RT_RANGE_RO | RT_RANGE_XP));
}

unsigned mmu_rt_flags(uint32_t attrs, bool firmware_view)
{
	if (rt_unprotected(attrs))
		return firmware_view ? PT_WRITE | PT_EXEC : PT_EXEC;
	return ((attrs & RT_RANGE_RO) ? 0 : PT_WRITE) |
	       ((attrs & RT_RANGE_XP) ? 0 : PT_EXEC);
}

bool mmu_needs_firmware_table(const struct boot_info *bi, unsigned *nrwx)
{
	unsigned i, n = 0;

	for (i = 0; i < bi->nrt; i++)
		if (rt_unprotected(bi->rt[i].attrs))
			n++;
	*nrwx = n;
	return bi->nrt == 0 || n > 0;
}
