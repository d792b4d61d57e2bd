/*
 * vmx/io.c — port registry and dispatch.
 */
#include <string.h>
#include "vmx/io.h"

void io_table_init(struct io_table *t)
{
	memset(t, 0, sizeof(*t));
}

bool io_register(struct io_table *t, uint16_t port, uint16_t count, io_fn fn,
                 void *arg)
{
	unsigned i;

	if (t->n >= IO_MAX || count == 0 || (unsigned)port + count > 0x10000)
		return false;
	for (i = 0; i < t->n; i++)
		if (port < t->r[i].port + t->r[i].count &&
		    t->r[i].port < port + count)
			return false;
	t->r[t->n++] = (struct io_range){ port, count, fn, arg };
	return true;
}

bool io_unregister(struct io_table *t, uint16_t port, const void *owner)
{
	unsigned i;

	for (i = 0; i < t->n; i++) {
		if (t->r[i].port == port && t->r[i].arg == owner) {
			t->r[i] = t->r[--t->n];
			return true;
		}
	}
	return false;
}

enum io_result io_dispatch(struct io_table *t, struct vm *vm, uint16_t port,
                           unsigned size, bool in, uint32_t *value)
{
	unsigned i;
	bool first;

	for (i = 0; i < t->n; i++) {
		const struct io_range *r = &t->r[i];
		if (port >= r->port && port - r->port < r->count)
			return r->fn(vm, r->arg, port, size, in, value) ?
			       IO_HANDLED : IO_STOP;
	}
	if (in) {
		*value = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
		t->unknown_reads++;
	} else {
		t->unknown_writes++;
	}
	first = !(t->logged[port / 8] & (1u << (port % 8)));
	t->logged[port / 8] |= (uint8_t)(1u << (port % 8));
	return first ? IO_UNKNOWN_FIRST : IO_UNKNOWN;
}
