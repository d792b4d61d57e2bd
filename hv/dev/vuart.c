/*
 * hv/vuart.c — virtual 16550, transmit side. Registers (offset from the
 * base, DLAB = LCR bit 7): 0 THR/RBR or DLL, 1 IER or DLM, 2 IIR/FCR,
 * 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
 */
#include <string.h>
#include "hv/dev/vuart.h"

#define LCR_DLAB   0x80
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define IIR_NONE   0x01     /* no interrupt pending */
#define IIR_FIFO   0xc0     /* FIFOs enabled */

void vuart_init(struct vuart *u, void (*emit)(void *, const char *), void *arg)
{
	memset(u, 0, sizeof(*u));
	u->emit = emit;
	u->arg = arg;
}

void vuart_flush(struct vuart *u)
{
	if (u->len == 0)
		return;
	u->line[u->len] = '\0';
	u->emit(u->arg, u->line);
	u->len = 0;
}

static void vuart_tx(struct vuart *u, uint8_t c)
{
	u->bytes++;
	if (c == '\n') {
		/* A full line was already emitted; its newline ends it. */
		if (u->len == 0 && u->wrapped) {
			u->wrapped = false;
			return;
		}
		u->line[u->len] = '\0';
		u->emit(u->arg, u->line);
		u->len = 0;
		return;
	}
	if (c == '\r')
		return;
	u->wrapped = false;
	/* Keep the log plain text: anything unprintable becomes '.'. */
	u->line[u->len++] = (c == '\t' || (c >= 0x20 && c < 0x7f)) ? (char)c : '.';
	if (u->len == VUART_LINE_MAX) {
		vuart_flush(u);
		u->wrapped = true;
	}
}

uint8_t vuart_read(struct vuart *u, unsigned reg)
{
	switch (reg & 7) {
	case 0: return (u->lcr & LCR_DLAB) ? u->dll : 0;
	case 1: return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case 2: return (uint8_t)(IIR_NONE | ((u->fcr & 1) ? IIR_FIFO : 0));
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5: return LSR_THRE | LSR_TEMT;
	case 6: return 0;
	default: return u->scr;
	}
}

void vuart_write(struct vuart *u, unsigned reg, uint8_t value)
{
	switch (reg & 7) {
	case 0:
		if (u->lcr & LCR_DLAB)
			u->dll = value;
		else
			vuart_tx(u, value);
		break;
	case 1:
		if (u->lcr & LCR_DLAB)
			u->dlm = value;
		else
			u->ier = value & 0x0f;
		break;
	case 2: u->fcr = value; break;
	case 3: u->lcr = value; break;
	case 4: u->mcr = value & 0x1f; break;
	case 7: u->scr = value; break;
	default: break;                 /* LSR, MSR: read-only */
	}
}

void vuart_put(struct vuart *u, const char *buf, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++)
		vuart_tx(u, (uint8_t)buf[i]);
}

bool vuart_bus_io(void *arg, uint64_t off, unsigned size, bool write,
                  uint64_t *val)
{
	(void)size;
	if (write)
		vuart_write(arg, (unsigned)off, (uint8_t)*val);
	else
		*val = vuart_read(arg, (unsigned)off);
	return true;
}
