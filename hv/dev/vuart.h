/*
 * hv/dev/vuart.h — the virtual 16550A every VM has at 0x3F8 (COM1).
 *
 * Transmit: bytes written to THR are collected into lines handed to
 * emit() (the VM's log lines); the transmitter is always empty again at
 * once. Receive: a 16-byte FIFO filled by vuart_receive() (serial input,
 * hv/console_in.c), read through RBR, with data-ready and overrun in LSR.
 * Interrupts as the 16550A data sheet ranks them in IIR (line status,
 * received data, THR empty, modem status), on the line irq() reports,
 * which a PC gates with MCR.OUT2. Loopback (MCR bit 4) reflects MCR in
 * MSR and transmits into the receiver. Pure logic.
 */
#ifndef BAREGT_HV_VUART_H
#define BAREGT_HV_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_LINE_MAX 160
#define VUART_FIFO     16

struct vuart {
	void (*emit)(void *arg, const char *line);
	void *arg;
	void (*line_start)(void *arg);        /* NULL: not told */
	void (*irq)(void *ctx, bool level);   /* NULL: not wired */
	void *irq_ctx;
	bool irq_level;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;           /* the THR-empty interrupt is latched */
	bool overrun;                /* LSR.OE until LSR is read */
	uint8_t rx[VUART_FIFO];
	unsigned rx_head, rx_count;
	unsigned len;
	bool wrapped;        /* the last line was cut at VUART_LINE_MAX */
	char line[VUART_LINE_MAX + 1];
	uint64_t bytes, rx_bytes, rx_overruns;
};

void vuart_init(struct vuart *u, void (*emit)(void *, const char *), void *arg);
/* Be told (with emit's arg) when the first byte of a line arrives, before
 * it is stored: the line that emit() later hands over began then. A
 * line cut at VUART_LINE_MAX goes on in a new one, which begins too. */
void vuart_set_line_start(struct vuart *u, void (*line_start)(void *arg));
/* Wire the interrupt output (called with the new level on each change). */
void vuart_set_irq(struct vuart *u, void (*irq)(void *ctx, bool level),
                   void *ctx);
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

/* Bytes arriving on the line: as many as the receive FIFO has room for
 * are taken (the count is returned); the caller keeps the rest. */
unsigned vuart_receive(struct vuart *u, const uint8_t *buf, unsigned n);
/* Room in the receive FIFO. */
static inline unsigned vuart_rx_room(const struct vuart *u)
{
	return VUART_FIFO - u->rx_count;
}
/* Would a received byte raise the interrupt line (IER.ERBFI, MCR.OUT2,
 * not in loopback)? Then input can wake a guest that waits in HLT. */
bool vuart_rx_irq_armed(const struct vuart *u);

#endif
