/*
 * hv/memmap.c — building and summarising the core's memory map.
 */
#include "hv/memmap.h"

static const char *const mem_type_names[MEM_NTYPES] = {
	[MEM_FREE]          = "free",
	[MEM_LOADER]        = "loader",
	[MEM_BOOT_SERVICES] = "boot-services",
	[MEM_RT_CODE]       = "runtime-code",
	[MEM_RT_DATA]       = "runtime-data",
	[MEM_ACPI_RECLAIM]  = "acpi-reclaim",
	[MEM_ACPI_NVS]      = "acpi-nvs",
	[MEM_MMIO]          = "mmio",
	[MEM_RESERVED]      = "reserved",
};

const char *mem_type_name(enum mem_type t)
{
	return (unsigned)t < MEM_NTYPES ? mem_type_names[t] : "?";
}

bool memmap_add(struct mem_range *map, unsigned *n, unsigned max,
                uint64_t base, uint64_t npages, enum mem_type type,
                unsigned *dropped)
{
	if (npages == 0)
		return true;
	if (*n >= max) {
		(*dropped)++;
		return false;
	}
	map[*n].base = base;
	map[*n].npages = npages;
	map[*n].type = type;
	(*n)++;
	return true;
}

void memmap_normalize(struct mem_range *map, unsigned *n)
{
	unsigned i, j, out;

	/* Insertion sort: firmware maps are short and nearly sorted. */
	for (i = 1; i < *n; i++) {
		struct mem_range r = map[i];
		for (j = i; j > 0 && map[j - 1].base > r.base; j--)
			map[j] = map[j - 1];
		map[j] = r;
	}
	out = 0;
	for (i = 0; i < *n; i++) {
		if (out > 0 && map[out - 1].type == map[i].type &&
		    map[out - 1].base + map[out - 1].npages * 4096 == map[i].base) {
			map[out - 1].npages += map[i].npages;
			continue;
		}
		map[out++] = map[i];
	}
	*n = out;
}

uint64_t memmap_total(const struct mem_range *map, unsigned n,
                      enum mem_type type)
{
	uint64_t pages = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		if (map[i].type == type)
			pages += map[i].npages;
	return pages * 4096;
}

uint64_t memmap_end(const struct mem_range *map, unsigned n)
{
	uint64_t end = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		if (map[i].base + map[i].npages * 4096 > end)
			end = map[i].base + map[i].npages * 4096;
	return end;
}
