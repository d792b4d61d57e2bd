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

bool trap_remove(struct trap_table *tt, uint64_t gpa)
{
	unsigned i;

	for (i = 0; i < tt->n; i++) {
		if (tt->t[i].gpa == gpa) {
			memmove(&tt->t[i], &tt->t[i + 1],
			        (tt->n - i - 1) * sizeof(tt->t[0]));
			tt->n--;
			return true;
		}
	}
	return false;
}

struct trap *trap_find(struct trap_table *tt, uint64_t gpa)
{
	unsigned lo = 0, hi = tt->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct trap *t = &tt->t[mid];

		if (gpa < t->gpa)
			hi = mid;
		else if (gpa - t->gpa >= t->size)
			lo = mid + 1;
		else
			return t;
	}
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
