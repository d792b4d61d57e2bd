/*
 * vmx/insn_cache.c — the per-vCPU instruction cache (vmx/insn_cache.h).
 */
#include <string.h>
#include "vmx/insn_cache.h"

static bool same_key(const struct insn_key *a, const struct insn_key *b)
{
	return a->linear == b->linear && a->cr3 == b->cr3 && a->cr0 == b->cr0 &&
	       a->cr4 == b->cr4 && a->efer == b->efer && a->cpl == b->cpl &&
	       a->mode == b->mode;
}

bool insn_cache_lookup(struct insn_cache *c, const struct insn_key *k,
                       gwalk_read_fn read, insn_ram_fn ram, void *ctx,
                       struct insn *in)
{
	const uint8_t *now;

	if (!c->valid || !same_key(&c->key, k) ||
	    !gwalk_path_unchanged(&c->path, read, ctx))
		goto miss;
	now = ram(ctx, c->gpa, c->in.len);
	if (!now || memcmp(now, c->bytes, c->in.len) != 0)
		goto miss;
	*in = c->in;
	c->hits++;
	return true;
miss:
	c->misses++;
	return false;
}

void insn_cache_fill(struct insn_cache *c, const struct insn_key *k,
                     const struct gwalk_path *path, uint64_t gpa,
                     const uint8_t *bytes, const struct insn *in)
{
	c->key = *k;
	c->path = *path;
	c->gpa = gpa;
	memcpy(c->bytes, bytes, in->len);
	c->in = *in;
	c->valid = true;
}
