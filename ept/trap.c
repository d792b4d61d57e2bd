/*
 * ept/trap.c — the sorted trap array.
 */
#include <string.h>
#include "ept/trap.h"

void trap_table_init(struct trap_table *tt)
{
	memset(tt, 0, sizeof(*tt));
}

enum trap_status trap_add(struct trap_table *tt, const struct trap *t)
{
	unsigned i;

	if (t->size == 0 || t->gpa + t->size < t->gpa)
		return TRAP_EINVAL;
	if (t->kind == TRAP_WRITE_PROTECT &&
	    ((t->gpa | t->size) & 0xfff))
		return TRAP_EINVAL;
	if (tt->n >= TRAP_MAX)
		return TRAP_EFULL;
	for (i = 0; i < tt->n && tt->t[i].gpa < t->gpa; i++)
		;
	if (i > 0 && tt->t[i - 1].gpa + tt->t[i - 1].size > t->gpa)
		return TRAP_EOVERLAP;
	if (i < tt->n && t->gpa + t->size > tt->t[i].gpa)
		return TRAP_EOVERLAP;
	memmove(&tt->t[i + 1], &tt->t[i], (tt->n - i) * sizeof(tt->t[0]));
	tt->t[i] = *t;
	tt->t[i].hits = 0;
	tt->n++;
	return TRAP_OK;
}

bool trap_remove(struct trap_table *tt, uint64_t gpa, const void *owner)
{
	unsigned i;

	for (i = 0; i < tt->n; i++) {
		if (tt->t[i].gpa == gpa && tt->t[i].arg == owner) {
			memmove(&tt->t[i], &tt->t[i + 1],
			        (tt->n - i - 1) * sizeof(tt->t[0]));
			tt->n--;
			return true;
		}
	}
	return false;
}

/* Index of the first trap that ends after gpa (tt->n if none). */
static unsigned trap_first_after(const struct trap_table *tt, uint64_t gpa)
{
	unsigned lo = 0, hi = tt->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct trap *t = &tt->t[mid];

		if (gpa - t->gpa >= t->size && gpa >= t->gpa)
			lo = mid + 1;        /* t ends at or before gpa */
		else
			hi = mid;
	}
	return lo;
}

struct trap *trap_find(struct trap_table *tt, uint64_t gpa)
{
	unsigned i = trap_first_after(tt, gpa);

	return i < tt->n && gpa >= tt->t[i].gpa ? &tt->t[i] : NULL;
}

struct trap *trap_lookup(struct trap_table *tt, uint64_t gpa, uint64_t *span)
{
	unsigned i = trap_first_after(tt, gpa);
	struct trap *t = i < tt->n ? &tt->t[i] : NULL;

	if (t && gpa >= t->gpa) {
		*span = t->size - (gpa - t->gpa);
		return t;
	}
	*span = t ? t->gpa - gpa : ~gpa + 1;   /* to the next trap, or the end */
	if (*span == 0)
		*span = ~0ull;                   /* gpa 0, no trap: all of it */
	return NULL;
}

const char *trap_status_str(enum trap_status s)
{
	switch (s) {
	case TRAP_OK:       return "ok";
	case TRAP_EOVERLAP: return "overlaps another trap";
	case TRAP_EFULL:    return "trap table full";
	case TRAP_EINVAL:   return "invalid range";
	}
	return "?";
}
