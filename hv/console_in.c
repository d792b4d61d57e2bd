/*
 * hv/console_in.c — serial input among the VMs (hv/console_in.h).
 *
 * The escape is Xen's: Ctrl-A three times in a row. The Ctrl-As of an
 * escape are held back until the third; any other byte after one or two
 * of them sends them on first, so a guest still gets a lone Ctrl-A
 * (readline's "start of line", screen's prefix).
 *
 * The queue belongs to the focused VM: bytes wait there while the
 * guest's 16-byte FIFO is full and go in as it reads (each poll). When
 * the focus moves, what is still queued for the old VM is dropped
 * (counted): typing meant for one VM never reaches another.
 */
#include <string.h>
#include "hv/console.h"
#include "hv/console_in.h"

void console_in_init(struct console_in *ci, const struct console_in_rx *rx)
{
	memset(ci, 0, sizeof(*ci));
	ci->rx = rx;
}

bool console_in_add(struct console_in *ci, const char *name, struct vuart *uart)
{
	if (ci->nvms >= CONSOLE_IN_VMS)
		return false;
	ci->vm[ci->nvms] = (struct console_in_vm){ name, uart, false };
	ci->nvms++;
	ci->focus = ci->nvms;          /* nobody until console_in_start */
	return true;
}

static void announce(const struct console_in *ci)
{
	if (ci->rx && ci->focus < ci->nvms)
		log_info("console: input to vm '%s' (Ctrl-A three times to switch)",
		         ci->vm[ci->focus].name);
}

/* The first live VM after `from`, wrapping, `from` itself last; from =
 * nvms starts at the first. nvms if none is live. */
static unsigned next_live(const struct console_in *ci, unsigned from)
{
	unsigned k, idx, start = from < ci->nvms ? from + 1 : 0;

	for (k = 0; k < ci->nvms; k++) {
		idx = (start + k) % ci->nvms;
		if (!ci->vm[idx].stopped)
			return idx;
	}
	return ci->nvms;
}

/* The focus moves to `to`: the old VM's queue goes, one log line. To
 * the VM that has it already (the only live one): just the line. */
static void focus_on(struct console_in *ci, unsigned to)
{
	if (to == ci->focus) {
		announce(ci);
		return;
	}
	console_in_drain(ci);
	ci->dropped += ci->count;
	ci->head = ci->count = 0;
	ci->focus = to;
	ci->switches++;
	announce(ci);
}

void console_in_start(struct console_in *ci)
{
	ci->focus = next_live(ci, ci->nvms);
	announce(ci);
}

void console_in_stopped(struct console_in *ci, unsigned idx)
{
	if (idx >= ci->nvms || ci->vm[idx].stopped)
		return;
	ci->vm[idx].stopped = true;
	if (idx != ci->focus)
		return;
	/* Nothing of it can be read any more. */
	ci->dropped += ci->count;
	ci->head = ci->count = 0;
	ci->escapes = 0;
	if (next_live(ci, idx) < ci->nvms)
		focus_on(ci, next_live(ci, idx));
	else
		ci->focus = ci->nvms;
}

bool console_in_drain(struct console_in *ci)
{
	unsigned took, total = 0, run;

	if (ci->focus >= ci->nvms)
		return false;
	/* The queue is a ring: at most two runs of contiguous bytes. */
	while (ci->count) {
		run = CONSOLE_IN_QUEUE - ci->head;
		if (run > ci->count)
			run = ci->count;
		took = vuart_receive(ci->vm[ci->focus].uart, &ci->queue[ci->head],
		                     run);
		ci->head = (ci->head + took) % CONSOLE_IN_QUEUE;
		ci->count -= took;
		total += took;
		if (took < run)
			break;
	}
	if (ci->count == 0)
		ci->head = 0;
	ci->delivered += total;
	return total != 0;
}

/* One byte for the focused VM: queued behind what waits already. */
static void queue_byte(struct console_in *ci, uint8_t c)
{
	if (ci->focus >= ci->nvms) {
		ci->dropped++;              /* every VM has stopped */
		return;
	}
	if (ci->count == CONSOLE_IN_QUEUE)
		console_in_drain(ci);
	if (ci->count == CONSOLE_IN_QUEUE) {
		ci->dropped++;
		return;
	}
	ci->queue[(ci->head + ci->count) % CONSOLE_IN_QUEUE] = c;
	ci->count++;
}

void console_in_feed(struct console_in *ci, const uint8_t *buf, unsigned n)
{
	unsigned i, k;

	for (i = 0; i < n; i++) {
		if (buf[i] == CONSOLE_IN_ESCAPE) {
			if (++ci->escapes < CONSOLE_IN_ESCAPES)
				continue;
			ci->escapes = 0;
			k = next_live(ci, ci->focus);
			if (k < ci->nvms)
				focus_on(ci, k);
			continue;
		}
		/* Not an escape after all: the Ctrl-As held back go first. */
		for (; ci->escapes; ci->escapes--)
			queue_byte(ci, CONSOLE_IN_ESCAPE);
		queue_byte(ci, buf[i]);
	}
	console_in_drain(ci);
}

bool console_in_poll(struct console_in *ci)
{
	uint8_t buf[CONSOLE_IN_BURST];
	uint64_t before;
	unsigned n = 0;

	if (!ci->rx)
		return false;
	ci->polls++;
	before = ci->delivered;
	console_in_drain(ci);
	while (n < CONSOLE_IN_BURST && ci->rx->getc(ci->rx->ctx, &buf[n]))
		n++;
	ci->received += n;
	if (n)
		console_in_feed(ci, buf, n);
	return ci->delivered != before;
}

bool console_in_can_wake(const struct console_in *ci)
{
	return ci->rx && ci->focus < ci->nvms &&
	       vuart_rx_irq_armed(ci->vm[ci->focus].uart);
}

void console_in_report(const struct console_in *ci)
{
	if (!ci->rx)
		return;
	log_info("console: input %llu bytes, %llu to VMs, %llu dropped,"
	         " %llu focus switches; %llu polls, %llu TSC ticks each",
	         (unsigned long long)ci->received,
	         (unsigned long long)ci->delivered,
	         (unsigned long long)ci->dropped,
	         (unsigned long long)ci->switches,
	         (unsigned long long)ci->polls,
	         (unsigned long long)(ci->polls ? ci->poll_ticks / ci->polls : 0));
}
