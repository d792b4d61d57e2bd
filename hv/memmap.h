/*
 * hv/memmap.h — the physical memory map as the core sees it (an array of
 * struct mem_range, see hv/boot_info.h): building it in order, merging
 * neighbours, and totals per type. Pure logic.
 */
#ifndef BAREGT_HV_MEMMAP_H
#define BAREGT_HV_MEMMAP_H

#include <stdbool.h>
#include "hv/boot_info.h"

/*
 * Append a range; returns false (and counts it in *dropped) when the array
 * is full. Zero-length ranges are ignored.
 */
bool memmap_add(struct mem_range *map, unsigned *n, unsigned max,
                uint64_t base, uint64_t npages, enum mem_type type,
                unsigned *dropped);

/* Sort by base and merge touching ranges of the same type. */
void memmap_normalize(struct mem_range *map, unsigned *n);

/* Bytes of memory of the given type. */
uint64_t memmap_total(const struct mem_range *map, unsigned n,
                      enum mem_type type);

/* Highest address covered (exclusive), 0 for an empty map. */
uint64_t memmap_end(const struct mem_range *map, unsigned n);

#endif
