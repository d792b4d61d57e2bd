/*
 * hv/uart16550.h — polled driver for a 16550-compatible UART (the serial
 * log), and the port 0xE9 debug console of Bochs and QEMU's isa-debugcon.
 */
#ifndef BAREGT_HV_UART16550_H
#define BAREGT_HV_UART16550_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/console.h"

struct uart16550 {
	struct con_sink sink;
	uint16_t port;
	bool present;
};

/* Program 115200 8N1 with FIFOs; present = scratch register answers. */
void uart16550_init(struct uart16550 *u, uint16_t port);

/* One received byte into *c, if the receiver holds one (polled; a byte
 * with a parity/framing error or a break is read and refused). */
bool uart16550_getc(struct uart16550 *u, uint8_t *c);

/* Sink for port 0xE9; returns NULL when nothing answers there. */
struct con_sink *dbgport_sink(void);

#endif
