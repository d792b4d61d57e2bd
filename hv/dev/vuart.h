/*
 * hv/vuart.h — the virtual 16550 every VM has at 0x3F8: transmit only.
 * Bytes written to THR are collected into lines handed to emit(); the
 * line status register always says the transmitter is empty; the other
 * registers keep what was written. Register map: the 16550 data sheet.
 * Pure logic.
 */
#ifndef BAREGT_HV_VUART_H
#define BAREGT_HV_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_LINE_MAX 160

struct vuart {
	void (*emit)(void *arg, const char *line);
	void *arg;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	unsigned len;
	bool wrapped;        /* the last line was cut at VUART_LINE_MAX */
	char line[VUART_LINE_MAX + 1];
	uint64_t bytes;
};

void vuart_init(struct vuart *u, void (*emit)(void *, const char *), void *arg);
uint8_t vuart_read(struct vuart *u, unsigned reg);
void vuart_write(struct vuart *u, unsigned reg, uint8_t value);

/* On a VM's device bus (hv/dev/bus.h; arg is the struct vuart): its
 * VUART_PORTS byte-wide registers from VUART_COM1; of a wider access
 * only the low byte counts. */
#define VUART_COM1   0x3f8u
#define VUART_PORTS  8u
bool vuart_bus_io(void *arg, uint64_t off, unsigned size, bool write,
                  uint64_t *val);
/* Bytes as if written to THR one by one. */
void vuart_put(struct vuart *u, const char *buf, unsigned len);
/* Emit a partial line, if any. */
void vuart_flush(struct vuart *u);

#endif
