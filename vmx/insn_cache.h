/*
 * vmx/insn_cache.h — the last instruction a vCPU's MMIO exit fetched and
 * decoded, kept so that the next exit at the same place skips the guest
 * page walk of the fetch and the decoder (docs/vmx.md, "The instruction
 * cache"). It is exact, not a TLB: a hit needs the same linear address,
 * the same registers the fetch walk reads (CR0, CR3, CR4, EFER, CPL, the
 * mode), every page-table entry of that walk still holding the value it
 * had, and the instruction's bytes still the same in guest memory. So a
 * remapped page, a new CR3, other rights or self-modifying code all miss
 * and go the long way. Pure: guest memory is read through callbacks.
 */
#ifndef BAREGT_VMX_INSN_CACHE_H
#define BAREGT_VMX_INSN_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "vmx/decode.h"
#include "vmx/gwalk.h"

struct insn_key {
	uint64_t linear;             /* CS.base + RIP */
	uint64_t cr0, cr3, cr4, efer;
	unsigned cpl;
	enum cpu_mode mode;
};

struct insn_cache {
	bool valid;
	struct insn_key key;
	struct gwalk_path path;      /* the fetch walk's entries */
	uint64_t gpa;                /* of the instruction's first byte */
	uint8_t bytes[INSN_MAX_LEN];
	struct insn in;              /* decoded from bytes[0..in.len) */
	uint64_t hits, misses;
};

/* The guest's RAM for the checks: a pointer to [gpa, gpa + len), or
 * NULL when that is not RAM. */
typedef const uint8_t *(*insn_ram_fn)(void *ctx, uint64_t gpa, unsigned len);

/* A hit: *in is the cached decode of the instruction at k. */
bool insn_cache_lookup(struct insn_cache *c, const struct insn_key *k,
                       gwalk_read_fn read, insn_ram_fn ram, void *ctx,
                       struct insn *in);

/* Keep in (decoded from bytes, which lie at gpa in one page, fetched by
 * the walk path under k) for the next exit. */
void insn_cache_fill(struct insn_cache *c, const struct insn_key *k,
                     const struct gwalk_path *path, uint64_t gpa,
                     const uint8_t *bytes, const struct insn *in);

#endif
