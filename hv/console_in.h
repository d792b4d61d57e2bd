/*
 * hv/console_in.h — serial input among the VMs (docs/platform.md,
 * "Serial input"). The physical UART's receiver (behind struct
 * console_in_rx, hv/console_hw.c) is polled by the scheduler; its bytes
 * go to one VM at a time, the focus, through that VM's vUART receive
 * FIFO (hv/dev/vuart.h). Ctrl-A three times in a row moves the focus to
 * the next live VM. Bytes the guest has no room for yet wait in a small
 * queue (pacing); what overflows it is dropped and counted. Pure logic:
 * no hardware access of its own.
 */
#ifndef BAREGT_HV_CONSOLE_IN_H
#define BAREGT_HV_CONSOLE_IN_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/config/config.h"
#include "hv/dev/vuart.h"

#define CONSOLE_IN_ESCAPE  0x01     /* Ctrl-A (ASCII SOH) */
#define CONSOLE_IN_ESCAPES 3        /* that many in a row: the next VM */
#define CONSOLE_IN_QUEUE   256      /* bytes waiting for the focused VM */
#define CONSOLE_IN_BURST   32       /* bytes taken from the receiver per poll */
#define CONSOLE_IN_VMS     CONFIG_MAX_VMS
#define CONSOLE_IN_POLL_US 500      /* poll period: under the 1.4 ms a
                                     * 16-byte FIFO lasts at 115200 baud */

/* The hardware shim: one received byte, false when none is waiting. */
struct console_in_rx {
	bool (*getc)(void *ctx, uint8_t *byte);
	void *ctx;
};

struct console_in_vm {
	const char *name;
	struct vuart *uart;
	bool stopped;
};

struct console_in {
	const struct console_in_rx *rx;     /* NULL: no serial input */
	struct console_in_vm vm[CONSOLE_IN_VMS];
	unsigned nvms;
	unsigned focus;                     /* index into vm[]; nvms: nobody */
	unsigned escapes;                   /* Ctrl-As held back so far */
	uint8_t queue[CONSOLE_IN_QUEUE];    /* for vm[focus], oldest at head */
	unsigned head, count;
	/* Counters (console_in_report). poll_ticks is the caller's: the
	 * TSC ticks its polls took, so the report can say what one costs. */
	uint64_t polls, poll_ticks;
	uint64_t received;                  /* bytes from the receiver */
	uint64_t delivered;                 /* bytes into a vUART FIFO */
	uint64_t dropped;                   /* queue full, or its VM lost focus */
	uint64_t switches;                  /* focus changes */
};

/* An empty console; rx NULL: there is no serial input (nothing polls,
 * nothing is logged). */
void console_in_init(struct console_in *ci, const struct console_in_rx *rx);

/* The next VM in focus order (the scheduler's order); its index is the
 * number of VMs added before it. false when CONSOLE_IN_VMS are there. */
bool console_in_add(struct console_in *ci, const char *name, struct vuart *uart);

/* Focus on the first live VM and say so (one log line). */
void console_in_start(struct console_in *ci);

/* VM idx has stopped: it never gets focus again; if it had it, what was
 * queued for it is dropped and the focus moves on. */
void console_in_stopped(struct console_in *ci, unsigned idx);

/* Bytes as if received: the escape, the queue, the focused VM's FIFO. */
void console_in_feed(struct console_in *ci, const uint8_t *buf, unsigned n);

/* Move queued bytes into the focused VM's receive FIFO, as many as it has
 * room for. true when any moved. */
bool console_in_drain(struct console_in *ci);

/* One poll: drain, then up to CONSOLE_IN_BURST bytes from the receiver
 * fed in. true when bytes reached a vUART (an interrupt may be pending). */
bool console_in_poll(struct console_in *ci);

/* Can input wake a VM? The focused VM is live and its vUART's receive
 * interrupt is armed: then an idle machine waits for a key. */
bool console_in_can_wake(const struct console_in *ci);

/* The counters, one log line (nothing without serial input). */
void console_in_report(const struct console_in *ci);

#endif
