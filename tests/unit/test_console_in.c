/*
 * tests/unit/test_console_in.c — unit tests of hv/console_in.c: serial
 * input among VMs. The escape (Ctrl-A three times in a row) and the
 * partial escapes that are passed through, the focus (first live VM,
 * wrapping, skipping stopped VMs, moving off a VM that stops), the queue
 * that paces bytes into a 16-byte vUART FIFO as the guest reads, drops
 * counted when it overflows, and the poll through the hardware shim.
 * The vUARTs are the real ones (hv/dev/vuart.c); reading RBR is the
 * guest taking a byte.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/console_in.h"
#include "hv/dev/vuart.h"
#include "log_capture.h"

#define CTRL_A  0x01
#define REG_RBR 0
#define REG_IER 1
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DR  0x01
#define IER_RDI 0x01
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define NVM     3

static const char *const names[NVM] = { "red", "green", "blue" };
static struct vuart uart[NVM];
static struct console_in ci;

/* The hardware shim: bytes the "physical UART" holds. */
static struct {
	const uint8_t *buf;
	unsigned n, pos, calls;
} line;

static bool fake_getc(void *ctx, uint8_t *c)
{
	assert_ptr_equal(ctx, &line);
	line.calls++;
	if (line.pos >= line.n)
		return false;
	*c = line.buf[line.pos++];
	return true;
}

static const struct console_in_rx fake_rx = { fake_getc, &line };

static void no_emit(void *arg, const char *l)
{
	(void)arg;
	(void)l;
}

static int setup(void **state)
{
	unsigned k;

	(void)state;
	memset(&line, 0, sizeof line);
	log_capture_start();
	console_in_init(&ci, &fake_rx);
	for (k = 0; k < NVM; k++) {
		vuart_init(&uart[k], no_emit, NULL);
		assert_true(console_in_add(&ci, names[k], &uart[k]));
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_capture_stop();
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static void feed(const char *s)
{
	console_in_feed(&ci, (const uint8_t *)s, (unsigned)strlen(s));
}

/* What the guest of VM k reads from its FIFO now, as a string. */
static const char *guest_reads(unsigned k)
{
	static char buf[64];
	unsigned n = 0;

	while (n + 1 < sizeof buf && (vuart_read(&uart[k], REG_LSR) & LSR_DR))
		buf[n++] = (char)vuart_read(&uart[k], REG_RBR);
	buf[n] = '\0';
	return buf;
}

/* ---- focus ------------------------------------------------------------ */

static void test_start_focuses_first_and_says_so(void **state)
{
	(void)state;
	assert_int_equal(ci.focus, NVM);            /* nobody before start */
	console_in_start(&ci);
	assert_int_equal(ci.focus, 0);
	assert_int_equal(log_cap.n, 1);
	assert_logged("console: input to vm 'red' (Ctrl-A three times to switch)\n");
	feed("ls\n");
	assert_string_equal(guest_reads(0), "ls\n");
	assert_string_equal(guest_reads(1), "");
	assert_int_equal(ci.delivered, 3);
}

static void test_start_skips_stopped(void **state)
{
	(void)state;
	console_in_stopped(&ci, 0);
	console_in_start(&ci);
	assert_int_equal(ci.focus, 1);
	assert_logged("input to vm 'green'");
	assert_int_equal(log_cap.n, 1);
}

static void test_escape_switches_and_wraps(void **state)
{
	static const char *const want[] = { "green", "blue", "red", "green" };
	char text[64];
	unsigned i;

	(void)state;
	console_in_start(&ci);
	for (i = 0; i < 4; i++) {
		feed("\x01\x01\x01");
		assert_int_equal(ci.focus, (i + 1) % NVM);
		snprintf(text, sizeof text, "console: input to vm '%s'", want[i]);
		assert_int_equal(count_logged(text), 1 + (i == 2 || i == 3));
	}
	assert_int_equal(ci.switches, 4);
	assert_int_equal(log_cap.n, 5);
	/* The escape's bytes reached nobody. */
	for (i = 0; i < NVM; i++)
		assert_string_equal(guest_reads(i), "");
	assert_int_equal(ci.delivered, 0);
}

static void test_escape_split_across_feeds(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("a\x01");
	feed("\x01");
	assert_int_equal(ci.focus, 0);
	feed("\x01" "b");
	assert_int_equal(ci.focus, 1);
	assert_string_equal(guest_reads(0), "a");
	assert_string_equal(guest_reads(1), "b");
}

static void test_escape_skips_stopped(void **state)
{
	(void)state;
	console_in_start(&ci);
	console_in_stopped(&ci, 1);
	feed("\x01\x01\x01");
	assert_int_equal(ci.focus, 2);               /* green skipped */
	feed("\x01\x01\x01");
	assert_int_equal(ci.focus, 0);               /* wrapped to red */
	assert_int_equal(count_logged("'green'"), 0);
}

static void test_escape_with_one_live_vm_stays(void **state)
{
	(void)state;
	console_in_start(&ci);
	console_in_stopped(&ci, 1);
	console_in_stopped(&ci, 2);
	feed("q");
	feed("\x01\x01\x01");
	assert_int_equal(ci.focus, 0);
	assert_int_equal(count_logged("input to vm 'red'"), 2);   /* said again */
	assert_string_equal(guest_reads(0), "q");   /* its bytes stay its own */
	assert_int_equal(ci.dropped, 0);
}

static void test_focused_vm_stops_focus_moves(void **state)
{
	(void)state;
	console_in_start(&ci);
	vuart_receive(&uart[0], (const uint8_t *)"0123456789abcdef", VUART_FIFO);
	feed("xyz");                                 /* queued: red's FIFO is full */
	assert_int_equal(ci.count, 3);
	console_in_stopped(&ci, 0);
	assert_int_equal(ci.focus, 1);
	assert_int_equal(ci.dropped, 3);
	assert_int_equal(ci.count, 0);
	assert_logged("console: input to vm 'green'");
	feed("k");
	assert_string_equal(guest_reads(1), "k");
	console_in_stopped(&ci, 0);                  /* twice: no change */
	assert_int_equal(ci.focus, 1);
}

static void test_all_stopped_drops(void **state)
{
	unsigned k;

	(void)state;
	console_in_start(&ci);
	for (k = 0; k < NVM; k++)
		console_in_stopped(&ci, k);
	assert_int_equal(ci.focus, NVM);
	feed("abc\x01\x01\x01");
	assert_int_equal(ci.dropped, 3);
	assert_int_equal(ci.delivered, 0);
	console_in_stopped(&ci, 99);                 /* out of range: ignored */
	assert_false(console_in_can_wake(&ci));
}

static void test_add_bounded(void **state)
{
	struct console_in big;
	unsigned k;

	(void)state;
	console_in_init(&big, NULL);
	for (k = 0; k < CONSOLE_IN_VMS; k++)
		assert_true(console_in_add(&big, "vm", &uart[0]));
	assert_false(console_in_add(&big, "one too many", &uart[0]));
	assert_int_equal(big.nvms, CONSOLE_IN_VMS);
}

static void test_no_vms(void **state)
{
	struct console_in none;

	(void)state;
	console_in_init(&none, &fake_rx);
	console_in_start(&none);
	assert_int_equal(log_cap.n, 0);
	console_in_feed(&none, (const uint8_t *)"\x01\x01\x01x", 4);
	assert_int_equal(none.dropped, 1);
	assert_false(console_in_poll(&none));
}

/* ---- partial escapes --------------------------------------------------- */

static void test_one_ctrl_a_passed_through(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("\x01" "a");
	assert_int_equal(ci.focus, 0);
	assert_string_equal(guest_reads(0), "\x01" "a");
}

static void test_two_ctrl_a_passed_through(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("\x01\x01" "b");
	assert_int_equal(ci.focus, 0);
	assert_string_equal(guest_reads(0), "\x01\x01" "b");
	assert_int_equal(ci.escapes, 0);
}

static void test_held_ctrl_a_wait_for_next_byte(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("\x01\x01");
	assert_string_equal(guest_reads(0), "");    /* held back */
	assert_int_equal(ci.escapes, 2);
	feed("\n");
	assert_string_equal(guest_reads(0), "\x01\x01\n");
}

static void test_four_ctrl_a_switch_then_hold(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("\x01\x01\x01\x01" "c");
	assert_int_equal(ci.focus, 1);
	assert_string_equal(guest_reads(0), "");
	assert_string_equal(guest_reads(1), "\x01" "c");
}

static void test_interrupted_escape_starts_again(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("\x01\x01" "d" "\x01\x01");
	assert_int_equal(ci.focus, 0);
	feed("\x01");
	assert_int_equal(ci.focus, 1);
	assert_string_equal(guest_reads(0), "\x01\x01" "d");
}

/* ---- pacing ------------------------------------------------------------ */

static void test_full_fifo_queues_then_paces(void **state)
{
	char text[41], got[41];
	unsigned i;

	(void)state;
	console_in_start(&ci);
	for (i = 0; i < 40; i++)
		text[i] = (char)('A' + i % 26);
	text[40] = '\0';
	feed(text);
	assert_int_equal(ci.delivered, VUART_FIFO);
	assert_int_equal(ci.count, 40 - VUART_FIFO);
	assert_int_equal(uart[0].rx_overruns, 0);    /* no overrun in the guest */
	assert_int_equal(ci.dropped, 0);
	got[0] = '\0';
	/* The guest reads what it has; the next drain refills the FIFO. */
	while (strlen(got) < 40) {
		strcat(got, guest_reads(0));
		if (!console_in_drain(&ci))
			break;
	}
	assert_string_equal(got, text);
	assert_int_equal(ci.delivered, 40);
	assert_int_equal(ci.count, 0);
	assert_false(console_in_drain(&ci));         /* nothing left */
}

static void test_queue_wraps_in_order(void **state)
{
	char got[CONSOLE_IN_QUEUE * 3], want[CONSOLE_IN_QUEUE * 3];
	unsigned i, k, n = 0, total = CONSOLE_IN_QUEUE * 2 + 5;
	bool wrapped = false;

	(void)state;
	console_in_start(&ci);
	for (i = 0; i < total; i++)
		want[i] = (char)('a' + (i * 7) % 26);
	want[total] = '\0';
	/* Five bytes in, the guest reads four: the queue grows slowly and
	 * its head goes round the ring's end. */
	for (i = 0; i < total; i += 5) {
		console_in_feed(&ci, (const uint8_t *)&want[i],
		                total - i < 5 ? total - i : 5);
		wrapped |= ci.head + ci.count > CONSOLE_IN_QUEUE;
		for (k = 0; k < 4 && (vuart_read(&uart[0], REG_LSR) & LSR_DR); k++)
			got[n++] = (char)vuart_read(&uart[0], REG_RBR);
	}
	got[n] = '\0';
	assert_true(wrapped);
	while (n < total) {
		strcat(got, guest_reads(0));
		n = (unsigned)strlen(got);
		if (!console_in_drain(&ci))
			break;
	}
	assert_string_equal(got, want);
	assert_int_equal(ci.dropped, 0);
}

static void test_overflow_counted(void **state)
{
	uint8_t buf[CONSOLE_IN_QUEUE + VUART_FIFO + 10];

	(void)state;
	console_in_start(&ci);
	memset(buf, 'z', sizeof buf);
	console_in_feed(&ci, buf, sizeof buf);
	assert_int_equal(ci.delivered, VUART_FIFO);
	assert_int_equal(ci.count, CONSOLE_IN_QUEUE);
	assert_int_equal(ci.dropped, 10);
	assert_int_equal(uart[0].rx_overruns, 0);
	/* Held Ctrl-As that cannot be queued count as dropped too. */
	feed("\x01" "y");
	assert_int_equal(ci.dropped, 12);
}

static void test_switch_drops_old_queue(void **state)
{
	uint8_t buf[VUART_FIFO + 5];

	(void)state;
	console_in_start(&ci);
	memset(buf, 'r', sizeof buf);
	console_in_feed(&ci, buf, sizeof buf);
	assert_int_equal(ci.count, 5);
	feed("\x01\x01\x01" "g");
	assert_int_equal(ci.dropped, 5);
	assert_int_equal(strlen(guest_reads(0)), VUART_FIFO);
	assert_string_equal(guest_reads(1), "g");
	assert_string_equal(guest_reads(0), "");     /* nothing more for red */
	console_in_drain(&ci);
	assert_string_equal(guest_reads(0), "");
}

/* ---- the poll and the hardware shim --------------------------------------- */

static void test_poll_reads_burst(void **state)
{
	uint8_t bytes[CONSOLE_IN_BURST + 5];

	(void)state;
	console_in_start(&ci);
	memset(bytes, 'p', sizeof bytes);
	line.buf = bytes;
	line.n = sizeof bytes;
	assert_true(console_in_poll(&ci));
	assert_int_equal(line.pos, CONSOLE_IN_BURST);   /* bounded per poll */
	assert_int_equal(ci.received, CONSOLE_IN_BURST);
	assert_int_equal(ci.delivered, VUART_FIFO);
	assert_int_equal(strlen(guest_reads(0)), VUART_FIFO);
	assert_true(console_in_poll(&ci));           /* queued bytes go in */
	assert_int_equal(line.pos, sizeof bytes);
	assert_int_equal(ci.received, sizeof bytes);
	assert_int_equal(ci.polls, 2);
	assert_false(console_in_poll(&ci));          /* FIFO full, unread */
	guest_reads(0);
	assert_true(console_in_poll(&ci));           /* now the rest */
	assert_int_equal(ci.delivered, sizeof bytes);
	assert_false(console_in_poll(&ci));
	assert_int_equal(ci.dropped, 0);
}

static void test_poll_escape_only_delivers_nothing(void **state)
{
	static const uint8_t esc[] = { CTRL_A, CTRL_A, CTRL_A };

	(void)state;
	console_in_start(&ci);
	line.buf = esc;
	line.n = sizeof esc;
	assert_false(console_in_poll(&ci));
	assert_int_equal(ci.focus, 1);
	assert_int_equal(ci.received, 3);
}

static void test_no_rx_no_poll_no_log(void **state)
{
	struct console_in off;

	(void)state;
	console_in_init(&off, NULL);
	console_in_add(&off, "red", &uart[0]);
	console_in_start(&off);
	assert_false(console_in_poll(&off));
	console_in_report(&off);
	assert_int_equal(log_cap.n, 0);
	assert_int_equal(line.calls, 0);
	assert_false(console_in_can_wake(&off));
}

/* ---- waking and the report ----------------------------------------------- */

static void test_can_wake_follows_rx_interrupt(void **state)
{
	(void)state;
	console_in_start(&ci);
	assert_false(console_in_can_wake(&ci));      /* IER and OUT2 clear */
	vuart_write(&uart[0], REG_IER, IER_RDI);
	assert_false(console_in_can_wake(&ci));      /* OUT2 gates the line */
	vuart_write(&uart[0], REG_MCR, MCR_OUT2);
	assert_true(console_in_can_wake(&ci));
	vuart_write(&uart[0], REG_MCR, MCR_OUT2 | MCR_LOOP);
	assert_false(console_in_can_wake(&ci));      /* loopback: no line */
	vuart_write(&uart[0], REG_MCR, MCR_OUT2);
	feed("\x01\x01\x01");                        /* green's is not armed */
	assert_false(console_in_can_wake(&ci));
}

static void test_report(void **state)
{
	(void)state;
	console_in_start(&ci);
	feed("ab\x01\x01\x01" "c");
	ci.polls = 4;
	ci.poll_ticks = 400;
	console_in_report(&ci);
	assert_logged("console: input 0 bytes, 3 to VMs, 0 dropped, 1 focus"
	              " switches; 4 polls, 100 TSC ticks each\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_start_focuses_first_and_says_so),
		T(test_start_skips_stopped),
		T(test_escape_switches_and_wraps),
		T(test_escape_split_across_feeds),
		T(test_escape_skips_stopped),
		T(test_escape_with_one_live_vm_stays),
		T(test_focused_vm_stops_focus_moves),
		T(test_all_stopped_drops),
		T(test_add_bounded),
		T(test_no_vms),
		T(test_one_ctrl_a_passed_through),
		T(test_two_ctrl_a_passed_through),
		T(test_held_ctrl_a_wait_for_next_byte),
		T(test_four_ctrl_a_switch_then_hold),
		T(test_interrupted_escape_starts_again),
		T(test_full_fifo_queues_then_paces),
		T(test_queue_wraps_in_order),
		T(test_overflow_counted),
		T(test_switch_drops_old_queue),
		T(test_poll_reads_burst),
		T(test_poll_escape_only_delivers_nothing),
		T(test_no_rx_no_poll_no_log),
		T(test_can_wake_follows_rx_interrupt),
		T(test_report),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
