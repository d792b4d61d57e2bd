/*
 * vmx/io.h — a VM's I/O ports: registered port ranges with handlers;
 * everything else reads all-ones and drops writes, counted and logged once
 * per port. The table and its dispatch are pure; vmx/exit.c feeds it the
 * I/O exits.
 */
#ifndef BAREGT_VMX_IO_H
#define BAREGT_VMX_IO_H

#include <stdbool.h>
#include <stdint.h>

#define IO_MAX 16

struct vm;

/* size 1, 2 or 4; in: fill *value; out: *value holds the data.
 * Returns false when the access must stop the VM. */
typedef bool (*io_fn)(struct vm *vm, void *arg, uint16_t port, unsigned size,
                      bool in, uint32_t *value);

struct io_range {
	uint16_t port;
	uint16_t count;
	io_fn fn;
	void *arg;
};

struct io_table {
	unsigned n;
	struct io_range r[IO_MAX];
	uint64_t unknown_reads, unknown_writes;
	uint8_t logged[65536 / 8];      /* unknown ports already reported */
};

void io_table_init(struct io_table *t);
bool io_register(struct io_table *t, uint16_t port, uint16_t count, io_fn fn,
                 void *arg);

/* Remove the range that starts at port and was registered with arg ==
 * owner; false if there is none (another owner's range there stays). */
bool io_unregister(struct io_table *t, uint16_t port, const void *owner);

enum io_result {
	IO_HANDLED,
	IO_UNKNOWN_FIRST,   /* unknown port, first time: caller logs it */
	IO_UNKNOWN,         /* unknown port, already reported */
	IO_STOP,            /* the handler refused: stop the VM */
};

/* Dispatch one access; unknown reads return all-ones in *value. */
enum io_result io_dispatch(struct io_table *t, struct vm *vm, uint16_t port,
                           unsigned size, bool in, uint32_t *value);

#endif
