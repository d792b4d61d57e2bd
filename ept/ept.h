/*
 * ept/ept.h — a VM's extended page tables: built with the shared builder
 * (hv/paging.c, EPT entry format), the EPT pointer, invalidation, and the
 * isolation self-check run when a VM is created.
 */
#ifndef BAREGT_EPT_EPT_H
#define BAREGT_EPT_EPT_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/paging.h"

/* EPTP low bits (SDM Vol. 3C §25.6.11): memory type WB, 4-level walk. */
#define EPTP_WB_4LEVEL  (6ull | (3ull << 3))

struct ept {
	struct pt pt;
	uint64_t eptp;
};

bool ept_init(struct ept *e, pt_alloc_fn alloc, void *ctx, bool allow_1g);
/* Map guest RAM: [gpa, gpa+size) → hpa, write-back, RWX. */
bool ept_map_ram(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size);
/* Remove [gpa, gpa+size) (large pages are split where needed). */
bool ept_unmap(struct ept *e, uint64_t gpa, uint64_t size);
/* The write-protect half of a BUS_WRITE_PROTECT range (hv/dev/bus.h):
 * on, the pages are read+execute (a write exits); off, RAM rights again. */
bool ept_write_protect(struct ept *e, uint64_t gpa, uint64_t size, bool on);
/* Change the rights of mapped pages (PT_WRITE/PT_EXEC; always readable). */
bool ept_protect(struct ept *e, uint64_t gpa, uint64_t size, unsigned flags);
/* GPA → HPA; false if not mapped. */
bool ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa,
                   unsigned *flags);
/*
 * The isolation rule: every leaf maps into [ram_hpa, ram_hpa + ram_bytes).
 * Returns false with the first offending GPA/HPA otherwise.
 */
bool ept_check_isolation(const struct ept *e, uint64_t ram_hpa,
                         uint64_t ram_bytes, uint64_t *bad_gpa,
                         uint64_t *bad_hpa);
void ept_destroy(struct ept *e, pt_free_fn free_fn, void *ctx);

#endif
