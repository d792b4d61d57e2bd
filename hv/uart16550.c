/*
 * hv/uart16550.c — the serial log. Register layout: the 16550 data sheet
 * (THR/RBR 0, IER 1, FCR/IIR 2, LCR 3, MCR 4, LSR 5, SCR 7; DLL/DLM at 0/1
 * while LCR.DLAB = 1). Output is polled; a UART that never drains is given
 * up on per byte instead of hanging the hypervisor. Input is polled too
 * (serial input, hv/console_in.h): LSR.DR says RBR holds a byte.
 */
#include "hv/uart16550.h"
#include "hv/cpu.h"

#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LCR_8N1      0x03
#define LCR_DLAB     0x80
#define FCR_ENABLE   0x07      /* enable + clear both FIFOs */
#define MCR_DTR_RTS  0x03
#define LSR_DR       0x01      /* data ready */
#define LSR_RX_ERR   0x1c      /* parity, framing error, break */
#define LSR_THRE     0x20
#define UART_DIVISOR 1         /* 115200 baud from the 1.8432 MHz clock */
#define UART_SPIN    100000

#define DBGPORT      0xE9

static void uart_putc(uint16_t port, char c)
{
	unsigned spin;

	for (spin = 0; spin < UART_SPIN; spin++)
		if (inb((uint16_t)(port + UART_LSR)) & LSR_THRE)
			break;
	outb((uint16_t)(port + UART_THR), (uint8_t)c);
}

static void uart_write(struct con_sink *s, const char *buf, size_t len)
{
	struct uart16550 *u = (struct uart16550 *)s;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc(u->port, '\r');
		uart_putc(u->port, buf[i]);
	}
}

void uart16550_init(struct uart16550 *u, uint16_t port)
{
	u->sink.write = uart_write;
	u->port = port;
	outb((uint16_t)(port + UART_SCR), 0x5a);
	u->present = inb((uint16_t)(port + UART_SCR)) == 0x5a;
	if (!u->present)
		return;
	outb((uint16_t)(port + UART_IER), 0);
	outb((uint16_t)(port + UART_LCR), LCR_DLAB);
	outb((uint16_t)(port + 0), UART_DIVISOR & 0xff);
	outb((uint16_t)(port + 1), UART_DIVISOR >> 8);
	outb((uint16_t)(port + UART_LCR), LCR_8N1);
	outb((uint16_t)(port + UART_FCR), FCR_ENABLE);
	outb((uint16_t)(port + UART_MCR), MCR_DTR_RTS);
}

bool uart16550_getc(struct uart16550 *u, uint8_t *c)
{
	uint8_t lsr;

	if (!u->present)
		return false;
	lsr = inb((uint16_t)(u->port + UART_LSR));
	if (!(lsr & LSR_DR))
		return false;
	*c = inb((uint16_t)(u->port + UART_RBR));
	/* A byte that came with a line error is noise (or a break's zero). */
	return !(lsr & LSR_RX_ERR);
}

static void dbgport_write(struct con_sink *s, const char *buf, size_t len)
{
	size_t i;

	(void)s;
	for (i = 0; i < len; i++)
		outb(DBGPORT, (uint8_t)buf[i]);
}

struct con_sink *dbgport_sink(void)
{
	static struct con_sink sink = { .write = dbgport_write };

	/* Bochs' port_e9_hack and QEMU's isa-debugcon read back 0xE9. */
	return inb(DBGPORT) == DBGPORT ? &sink : NULL;
}
