/*
 * hv/dev/vuart.c — the virtual 16550A (hv/dev/vuart.h). Registers
 * (offset from the base, DLAB = LCR bit 7), from the PC16550D data
 * sheet: 0 RBR/THR or DLL, 1 IER or DLM, 2 IIR (read) / FCR (write),
 * 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
 */
#include <string.h>
#include "hv/dev/vuart.h"

#define LCR_DLAB   0x80
#define IER_RDI    0x01     /* received data available */
#define IER_THRI   0x02     /* THR empty */
#define IER_RLSI   0x04     /* receiver line status */
#define IER_MSI    0x08     /* modem status */
#define IIR_NONE   0x01     /* no interrupt pending */
#define IIR_RLS    0x06
#define IIR_RDI    0x04
#define IIR_THRI   0x02
#define IIR_FIFO   0xc0     /* FIFOs enabled */
#define FCR_ENABLE 0x01
#define FCR_CLR_RX 0x02
#define MCR_DTR    0x01
#define MCR_RTS    0x02
#define MCR_OUT1   0x04
#define MCR_OUT2   0x08     /* gates the interrupt line on a PC */
#define MCR_LOOP   0x10
#define LSR_DR     0x01
#define LSR_OE     0x02
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define MSR_CTS    0x10
#define MSR_DSR    0x20
#define MSR_RI     0x40
#define MSR_DCD    0x80

void vuart_init(struct vuart *u, void (*emit)(void *, const char *), void *arg)
{
	memset(u, 0, sizeof(*u));
	u->emit = emit;
	u->arg = arg;
}

void vuart_set_line_start(struct vuart *u, void (*line_start)(void *arg))
{
	u->line_start = line_start;
}

void vuart_set_irq(struct vuart *u, void (*irq)(void *ctx, bool level),
                   void *ctx)
{
	u->irq = irq;
	u->irq_ctx = ctx;
}

/* The highest-ranked pending interrupt, as IIR bits 3:0. */
static uint8_t pending(const struct vuart *u)
{
	if ((u->ier & IER_RLSI) && u->overrun)
		return IIR_RLS;
	if ((u->ier & IER_RDI) && u->rx_count)
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	return IIR_NONE;          /* modem status never changes here */
}

static void update_irq(struct vuart *u)
{
	bool level = pending(u) != IIR_NONE && (u->mcr & MCR_OUT2) &&
	             !(u->mcr & MCR_LOOP);

	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->irq)
			u->irq(u->irq_ctx, level);
	}
}

void vuart_flush(struct vuart *u)
{
	if (u->len == 0)
		return;
	u->line[u->len] = '\0';
	u->emit(u->arg, u->line);
	u->len = 0;
}

static void rx_push(struct vuart *u, uint8_t c)
{
	if (u->rx_count == VUART_FIFO) {
		u->overrun = true;
		u->rx_overruns++;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_FIFO] = c;
	u->rx_count++;
	u->rx_bytes++;
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
	if (u->len == 0 && u->line_start)
		u->line_start(u->arg);
	/* Keep the log plain text: anything unprintable becomes '.'. */
	u->line[u->len++] = (c == '\t' || (c >= 0x20 && c < 0x7f)) ? (char)c : '.';
	if (u->len == VUART_LINE_MAX) {
		vuart_flush(u);
		u->wrapped = true;
	}
}

static uint8_t read_rbr(struct vuart *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_FIFO;
	u->rx_count--;
	return c;
}

static uint8_t read_msr(const struct vuart *u)
{
	if (u->mcr & MCR_LOOP)      /* DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD */
		return (uint8_t)(((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
		                 ((u->mcr & MCR_RTS) ? MSR_CTS : 0) |
		                 ((u->mcr & MCR_OUT1) ? MSR_RI : 0) |
		                 ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
	return MSR_DCD | MSR_DSR | MSR_CTS;   /* a terminal is attached */
}

uint8_t vuart_read(struct vuart *u, unsigned reg)
{
	uint8_t v, p;

	switch (reg & 7) {
	case 0:
		v = (u->lcr & LCR_DLAB) ? u->dll : read_rbr(u);
		break;
	case 1:
		v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case 2:
		p = pending(u);
		if (p == IIR_THRI)         /* reading IIR ends a THRE interrupt */
			u->thre_pending = false;
		v = (uint8_t)(p | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
		break;
	case 3:
		v = u->lcr;
		break;
	case 4:
		v = u->mcr;
		break;
	case 5:
		v = (uint8_t)(LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) |
		              (u->overrun ? LSR_OE : 0));
		u->overrun = false;        /* error bits clear when read */
		break;
	case 6:
		v = read_msr(u);
		break;
	default:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

void vuart_write(struct vuart *u, unsigned reg, uint8_t value)
{
	switch (reg & 7) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			u->dll = value;
		} else {
			if (u->mcr & MCR_LOOP)
				rx_push(u, value);
			else
				vuart_tx(u, value);
			u->thre_pending = true;   /* sent at once: empty again */
		}
		break;
	case 1:
		if (u->lcr & LCR_DLAB) {
			u->dlm = value;
		} else {
			/* Enabling the THRE interrupt with THR empty raises it. */
			if ((value & IER_THRI) && !(u->ier & IER_THRI))
				u->thre_pending = true;
			u->ier = value & 0x0f;
		}
		break;
	case 2:
		if ((value ^ u->fcr) & FCR_ENABLE)
			value |= FCR_CLR_RX;      /* switching FIFOs clears them */
		if (value & FCR_CLR_RX)
			u->rx_head = u->rx_count = 0;
		u->fcr = value & 0xc9;          /* enable, DMA mode, trigger */
		break;
	case 3: u->lcr = value; break;
	case 4: u->mcr = value & 0x1f; break;
	case 7: u->scr = value; break;
	default: break;                 /* LSR, MSR: read-only */
	}
	update_irq(u);
}

void vuart_put(struct vuart *u, const char *buf, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++)
		vuart_tx(u, (uint8_t)buf[i]);
}

unsigned vuart_receive(struct vuart *u, const uint8_t *buf, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && u->rx_count < VUART_FIFO; i++)
		rx_push(u, buf[i]);
	update_irq(u);
	return i;
}

bool vuart_rx_irq_armed(const struct vuart *u)
{
	return (u->ier & IER_RDI) && (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);
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
