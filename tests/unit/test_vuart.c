/*
 * tests/unit/test_vuart.c — unit tests of hv/dev/vuart.c: the virtual
 * 16550A of every VM. Lines collected from THR writes and handed to
 * emit() (newline, carriage return, unprintable bytes, tabs, the line
 * length limit, flushing), and the register file as the 16550 data sheet
 * lays it out: offsets 0 THR/RBR (DLL with DLAB), 1 IER (DLM with DLAB),
 * 2 IIR (read) / FCR (write), 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/vuart.h"

/* Register offsets, 16550 data sheet. */
#define REG_THR 0
#define REG_DLL 0
#define REG_IER 1
#define REG_DLM 1
#define REG_IIR 2
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define LCR_DLAB 0x80
#define LSR_IDLE 0x60        /* THRE (bit 5) | TEMT (bit 6) */

/* ---- what emit() was given ------------------------------------------ */

#define REC_MAX 16

struct rec {
	unsigned n;
	char line[REC_MAX][VUART_LINE_MAX + 1];
	size_t len[REC_MAX];
	void *arg[REC_MAX];
};

static struct rec rec;
static struct vuart u;

static void record(void *arg, const char *line)
{
	size_t n = strlen(line);

	if (rec.n >= REC_MAX)
		fail_msg("more than %d lines emitted", REC_MAX);
	if (n > VUART_LINE_MAX)
		fail_msg("emitted line of %zu characters", n);
	memcpy(rec.line[rec.n], line, n + 1);
	rec.len[rec.n] = n;
	rec.arg[rec.n] = arg;
	rec.n++;
}

static int setup(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof rec);
	memset(&u, 0x5a, sizeof u);          /* init must clear everything */
	vuart_init(&u, record, &rec);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static void tx_str(const char *s)
{
	while (*s)
		vuart_write(&u, REG_THR, (uint8_t)*s++);
}

#define EXPECT_LINES(n) expect_lines_at(__FILE__, __LINE__, (n))

static void expect_lines_at(const char *file, int line, unsigned n)
{
	if (rec.n != n)
		fail_msg("%s:%d: %u lines emitted, expected %u%s%s", file, line,
		         rec.n, n, rec.n ? "; last: " : "",
		         rec.n ? rec.line[rec.n - 1] : "");
}

#define EXPECT_LINE(i, s) expect_line_at(__FILE__, __LINE__, (i), (s))

static void expect_line_at(const char *file, int line, unsigned i,
                           const char *want)
{
	if (i >= rec.n)
		fail_msg("%s:%d: line %u not emitted (%u lines)", file, line, i,
		         rec.n);
	if (strcmp(rec.line[i], want) != 0)
		fail_msg("%s:%d: line %u is \"%s\", expected \"%s\"", file, line,
		         i, rec.line[i], want);
	if (rec.arg[i] != &rec)
		fail_msg("%s:%d: line %u emitted with the wrong argument", file,
		         line, i);
}

/* ---- lines ----------------------------------------------------------- */

static void test_init_state(void **state)
{
	(void)state;
	EXPECT_LINES(0);
	assert_int_equal(u.bytes, 0);
	assert_int_equal(u.len, 0);
	assert_int_equal(vuart_read(&u, REG_IER), 0);
	assert_int_equal(vuart_read(&u, REG_IIR), 0x01);
	assert_int_equal(vuart_read(&u, REG_LCR), 0);
	assert_int_equal(vuart_read(&u, REG_MCR), 0);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
	assert_int_equal(vuart_read(&u, REG_SCR), 0);
	vuart_write(&u, REG_LCR, LCR_DLAB);
	assert_int_equal(vuart_read(&u, REG_DLL), 0);
	assert_int_equal(vuart_read(&u, REG_DLM), 0);
}

static void test_newline_ends_line(void **state)
{
	(void)state;
	tx_str("hello");
	EXPECT_LINES(0);                    /* nothing before the newline */
	tx_str("\n");
	EXPECT_LINES(1);
	EXPECT_LINE(0, "hello");
	tx_str("world\n");
	EXPECT_LINES(2);
	EXPECT_LINE(1, "world");
	tx_str("\n");                       /* an empty line is a line */
	EXPECT_LINES(3);
	EXPECT_LINE(2, "");
	assert_int_equal(u.bytes, 13);
}

static void test_carriage_return_ignored(void **state)
{
	(void)state;
	tx_str("a\r\nb\rc\n\r\r");
	EXPECT_LINES(2);
	EXPECT_LINE(0, "a");
	EXPECT_LINE(1, "bc");
	vuart_flush(&u);                    /* the trailing CRs left nothing */
	EXPECT_LINES(2);
	assert_int_equal(u.bytes, 9);       /* but every byte counts */
}

static void test_unprintable_becomes_dot(void **state)
{
	static const uint8_t bytes[] = {
		'[', 0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f,
		0x80, 0xa0, 0xfe, 0xff, ']', '\n',
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof bytes; i++)
		vuart_write(&u, REG_THR, bytes[i]);
	EXPECT_LINES(1);
	EXPECT_LINE(0, "[.............]");
	assert_int_equal(u.bytes, sizeof bytes);
}

static void test_printable_and_tab_kept(void **state)
{
	char want[0x7f - 0x20 + 3];
	unsigned c, n = 0;

	(void)state;
	/* every printable ASCII character, 0x20 ' ' to 0x7e '~', then a tab */
	for (c = 0x20; c < 0x7f; c++) {
		vuart_write(&u, REG_THR, (uint8_t)c);
		want[n++] = (char)c;
	}
	vuart_write(&u, REG_THR, '\t');
	want[n++] = '\t';
	want[n] = '\0';
	vuart_write(&u, REG_THR, '\n');
	EXPECT_LINES(1);
	EXPECT_LINE(0, want);
	assert_int_equal(rec.len[0], 96);
}

static void test_long_line_split(void **state)
{
	char want[VUART_LINE_MAX + 1];
	unsigned i;

	(void)state;
	for (i = 0; i < VUART_LINE_MAX; i++)
		want[i] = (char)('a' + i % 26);
	want[VUART_LINE_MAX] = '\0';
	for (i = 0; i < VUART_LINE_MAX - 1; i++)
		vuart_write(&u, REG_THR, (uint8_t)want[i]);
	EXPECT_LINES(0);                    /* 159 characters: still waiting */
	vuart_write(&u, REG_THR, (uint8_t)want[VUART_LINE_MAX - 1]);
	EXPECT_LINES(1);                    /* the 160th emits at once */
	EXPECT_LINE(0, want);
	assert_int_equal(rec.len[0], VUART_LINE_MAX);
	tx_str("rest");                     /* continues on the next line */
	EXPECT_LINES(1);
	tx_str("\n");
	EXPECT_LINES(2);
	EXPECT_LINE(1, "rest");
	assert_int_equal(u.bytes, VUART_LINE_MAX + 5);
}

/* line_start: once per line, at its first byte, before it is stored;
 * not for carriage returns or empty lines; again after a cut. */
static unsigned starts;
static unsigned len_at_start;

static void on_line_start(void *arg)
{
	assert_ptr_equal(arg, &rec);
	assert_int_equal(u.len, 0);
	len_at_start = rec.n;            /* lines emitted before this one */
	starts++;
}

static void test_line_start(void **state)
{
	unsigned i;

	(void)state;
	starts = 0;
	tx_str("no callback yet\n");
	assert_int_equal(starts, 0);
	vuart_set_line_start(&u, on_line_start);
	tx_str("\r\n\n");
	assert_int_equal(starts, 0);             /* nothing but line ends */
	tx_str("a");
	assert_int_equal(starts, 1);
	assert_int_equal(len_at_start, 3);
	tx_str("bc\r\n");
	assert_int_equal(starts, 1);
	EXPECT_LINE(3, "abc");
	for (i = 0; i < VUART_LINE_MAX + 1; i++)
		vuart_write(&u, REG_THR, 'x');
	assert_int_equal(starts, 3);             /* the cut line's rest began */
	vuart_put(&u, "\ny", 2);
	assert_int_equal(starts, 4);
	vuart_write(&u, REG_LCR, 0x80);          /* DLAB: a divisor, not a byte */
	vuart_write(&u, REG_THR, 1);
	vuart_write(&u, REG_LCR, 0x03);
	assert_int_equal(starts, 4);
}

static void test_long_line_twice(void **state)
{
	char big[2 * VUART_LINE_MAX + 4], first[VUART_LINE_MAX + 1];
	unsigned i;

	(void)state;
	for (i = 0; i < 2 * VUART_LINE_MAX + 3; i++)
		big[i] = (char)('0' + i % 10);
	big[2 * VUART_LINE_MAX + 3] = '\0';
	memcpy(first, big, VUART_LINE_MAX);
	first[VUART_LINE_MAX] = '\0';
	vuart_put(&u, big, 2 * VUART_LINE_MAX + 3);
	EXPECT_LINES(2);
	EXPECT_LINE(0, first);
	/* the second chunk starts at character 160, i.e. with '0' */
	assert_int_equal(rec.len[1], VUART_LINE_MAX);
	assert_memory_equal(rec.line[1], big + VUART_LINE_MAX, VUART_LINE_MAX);
	vuart_flush(&u);
	EXPECT_LINES(3);
	EXPECT_LINE(2, "012");
	/* unprintable bytes count towards the limit as their dots */
	for (i = 0; i < VUART_LINE_MAX; i++)
		vuart_write(&u, REG_THR, 0x01);
	EXPECT_LINES(4);
	assert_int_equal(rec.len[3], VUART_LINE_MAX);
	assert_int_equal(rec.line[3][0], '.');
	assert_int_equal(rec.line[3][VUART_LINE_MAX - 1], '.');
	/* carriage returns do not */
	for (i = 0; i < 2 * VUART_LINE_MAX; i++)
		vuart_write(&u, REG_THR, '\r');
	EXPECT_LINES(4);
}

static void test_flush(void **state)
{
	(void)state;
	vuart_flush(&u);                    /* empty: nothing */
	EXPECT_LINES(0);
	tx_str("partial");
	vuart_flush(&u);
	EXPECT_LINES(1);
	EXPECT_LINE(0, "partial");
	vuart_flush(&u);                    /* emptied by the flush */
	EXPECT_LINES(1);
	tx_str("next\n");
	EXPECT_LINES(2);
	EXPECT_LINE(1, "next");             /* nothing of "partial" left */
	vuart_flush(&u);                    /* after a newline: nothing */
	EXPECT_LINES(2);
	assert_int_equal(u.bytes, 12);
}

static void test_put(void **state)
{
	static const char text[] = "one\r\ntwo\x01\n\tthree";

	(void)state;
	vuart_put(&u, text, (unsigned)strlen(text));
	EXPECT_LINES(2);
	EXPECT_LINE(0, "one");
	EXPECT_LINE(1, "two.");
	vuart_flush(&u);
	EXPECT_LINES(3);
	EXPECT_LINE(2, "\tthree");
	assert_int_equal(u.bytes, strlen(text));
	/* length, not NUL, ends the buffer: an embedded NUL is a dot */
	vuart_put(&u, "a\0b\n", 4);
	EXPECT_LINES(4);
	EXPECT_LINE(3, "a.b");
	vuart_put(&u, "ignored", 0);
	EXPECT_LINES(4);
	assert_int_equal(u.bytes, strlen(text) + 4);
}

static void test_put_then_thr_share_line(void **state)
{
	(void)state;
	vuart_put(&u, "ab", 2);
	tx_str("cd");
	vuart_put(&u, "e\n", 2);
	EXPECT_LINES(1);
	EXPECT_LINE(0, "abcde");
	assert_int_equal(u.bytes, 6);
}

/* ---- registers ------------------------------------------------------- */

static void test_dlab(void **state)
{
	(void)state;
	vuart_write(&u, REG_IER, 0x05);
	vuart_write(&u, REG_LCR, 0x83);          /* DLAB, 8N1 */
	assert_int_equal(vuart_read(&u, REG_LCR), 0x83);
	vuart_write(&u, REG_DLL, 0x01);          /* 115200 baud */
	vuart_write(&u, REG_DLM, 0x00);
	assert_int_equal(vuart_read(&u, REG_DLL), 0x01);
	assert_int_equal(vuart_read(&u, REG_DLM), 0x00);
	vuart_write(&u, REG_DLL, 0x0c);
	vuart_write(&u, REG_DLM, 0xab);          /* all 8 bits kept */
	assert_int_equal(vuart_read(&u, REG_DLL), 0x0c);
	assert_int_equal(vuart_read(&u, REG_DLM), 0xab);
	/* the divisor writes transmitted nothing and left IER alone */
	EXPECT_LINES(0);
	assert_int_equal(u.bytes, 0);
	vuart_flush(&u);
	EXPECT_LINES(0);
	/* DLAB off: offsets 0/1 are THR/IER again */
	vuart_write(&u, REG_LCR, 0x03);
	assert_int_equal(vuart_read(&u, REG_IER), 0x05);
	tx_str("x\n");
	EXPECT_LINES(1);
	EXPECT_LINE(0, "x");
	assert_int_equal(u.bytes, 2);
	/* the divisor survives, and IER writes do not touch it */
	vuart_write(&u, REG_IER, 0x02);
	vuart_write(&u, REG_LCR, 0x80);
	assert_int_equal(vuart_read(&u, REG_DLL), 0x0c);
	assert_int_equal(vuart_read(&u, REG_DLM), 0xab);
	vuart_write(&u, REG_LCR, 0x00);
	assert_int_equal(vuart_read(&u, REG_IER), 0x02);
}

static void test_dlab_thr_write_does_not_transmit(void **state)
{
	(void)state;
	tx_str("ab");
	vuart_write(&u, REG_LCR, LCR_DLAB);
	vuart_write(&u, REG_THR, 'c');
	vuart_write(&u, REG_THR, '\n');           /* a divisor of 10 */
	EXPECT_LINES(0);
	assert_int_equal(u.bytes, 2);
	assert_int_equal(vuart_read(&u, REG_DLL), '\n');
	vuart_write(&u, REG_LCR, 0x03);
	tx_str("d\n");
	EXPECT_LINES(1);
	EXPECT_LINE(0, "abd");
}

static void test_ier_masks_to_4_bits(void **state)
{
	(void)state;
	vuart_write(&u, REG_IER, 0xff);
	assert_int_equal(vuart_read(&u, REG_IER), 0x0f);
	vuart_write(&u, REG_IER, 0xa5);
	assert_int_equal(vuart_read(&u, REG_IER), 0x05);
	vuart_write(&u, REG_IER, 0xf0);
	assert_int_equal(vuart_read(&u, REG_IER), 0x00);
	vuart_write(&u, REG_IER, 0x0a);
	assert_int_equal(vuart_read(&u, REG_IER), 0x0a);
}

static void test_lsr_always_idle(void **state)
{
	unsigned i;

	(void)state;
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
	vuart_write(&u, REG_LSR, 0xff);            /* read-only */
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
	vuart_write(&u, REG_LSR, 0x00);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
	for (i = 0; i < 200; i++) {                /* a line and a half */
		vuart_write(&u, REG_THR, 'z');
		assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
	}
	vuart_write(&u, REG_LCR, LCR_DLAB);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
}

static void test_iir_and_fcr(void **state)
{
	(void)state;
	assert_int_equal(vuart_read(&u, REG_IIR), 0x01);   /* none pending */
	vuart_write(&u, REG_FCR, 0x01);                    /* FIFO enable */
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc1);
	vuart_write(&u, REG_FCR, 0xc7);                    /* + resets, trigger */
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc1);
	vuart_write(&u, REG_FCR, 0xc6);                    /* bit 0 clear */
	assert_int_equal(vuart_read(&u, REG_IIR), 0x01);
	vuart_write(&u, REG_FCR, 0x00);
	assert_int_equal(vuart_read(&u, REG_IIR), 0x01);
	/* IIR is not a plain read-back of FCR */
	vuart_write(&u, REG_FCR, 0x07);
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc1);
	/* THR empty: the THRE interrupt, ended by reading IIR */
	vuart_write(&u, REG_IER, 0x0f);
	tx_str("q");
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc2);
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc1);
	/* DLAB does not change offset 2 */
	vuart_write(&u, REG_LCR, LCR_DLAB);
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc1);
	vuart_write(&u, REG_FCR, 0x00);
	assert_int_equal(vuart_read(&u, REG_IIR), 0x01);
}

static void test_lcr_read_back(void **state)
{
	(void)state;
	vuart_write(&u, REG_LCR, 0x1b);           /* 8 bits, 2 stop, even */
	assert_int_equal(vuart_read(&u, REG_LCR), 0x1b);
	vuart_write(&u, REG_LCR, 0xff);
	assert_int_equal(vuart_read(&u, REG_LCR), 0xff);
	vuart_write(&u, REG_LCR, 0x7f);           /* DLAB off, rest kept */
	assert_int_equal(vuart_read(&u, REG_LCR), 0x7f);
}

static void test_mcr_masks_to_5_bits(void **state)
{
	(void)state;
	vuart_write(&u, REG_MCR, 0xff);
	assert_int_equal(vuart_read(&u, REG_MCR), 0x1f);
	vuart_write(&u, REG_MCR, 0xe0);
	assert_int_equal(vuart_read(&u, REG_MCR), 0x00);
	vuart_write(&u, REG_MCR, 0x0b);           /* DTR, RTS, OUT2 */
	assert_int_equal(vuart_read(&u, REG_MCR), 0x0b);
	vuart_write(&u, REG_MCR, 0x10);           /* loopback */
	assert_int_equal(vuart_read(&u, REG_MCR), 0x10);
}

static void test_scr_read_back(void **state)
{
	(void)state;
	vuart_write(&u, REG_SCR, 0x5a);
	assert_int_equal(vuart_read(&u, REG_SCR), 0x5a);
	vuart_write(&u, REG_SCR, 0xff);
	assert_int_equal(vuart_read(&u, REG_SCR), 0xff);
	vuart_write(&u, REG_LCR, LCR_DLAB);       /* DLAB does not matter */
	vuart_write(&u, REG_SCR, 0x00);
	assert_int_equal(vuart_read(&u, REG_SCR), 0x00);
}

static void test_lsr_msr_writes_ignored(void **state)
{
	uint8_t msr;

	(void)state;
	vuart_write(&u, REG_IER, 0x03);
	vuart_write(&u, REG_LCR, 0x03);
	vuart_write(&u, REG_MCR, 0x0b);
	vuart_write(&u, REG_SCR, 0x42);
	vuart_write(&u, REG_FCR, 0x01);
	msr = vuart_read(&u, REG_MSR);
	vuart_write(&u, REG_LSR, 0xa5);
	vuart_write(&u, REG_MSR, 0xff);
	vuart_write(&u, REG_MSR, 0x00);
	assert_int_equal(vuart_read(&u, REG_MSR), msr);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);
	/* nothing else changed, nothing was sent */
	assert_int_equal(vuart_read(&u, REG_IER), 0x03);
	assert_int_equal(vuart_read(&u, REG_LCR), 0x03);
	assert_int_equal(vuart_read(&u, REG_MCR), 0x0b);
	assert_int_equal(vuart_read(&u, REG_SCR), 0x42);
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc2);   /* IER.THRI: THR empty */
	assert_int_equal(vuart_read(&u, REG_IIR), 0xc1);
	assert_int_equal(u.bytes, 0);
	vuart_flush(&u);
	EXPECT_LINES(0);
}

static void test_bytes_counter(void **state)
{
	unsigned i;

	(void)state;
	assert_int_equal(u.bytes, 0);
	tx_str("ab\r\n");
	assert_int_equal(u.bytes, 4);
	vuart_put(&u, "\x01\x02\x03", 3);
	assert_int_equal(u.bytes, 7);
	/* register writes other than THR are not bytes */
	vuart_write(&u, REG_SCR, 'x');
	vuart_write(&u, REG_IER, 1);
	vuart_write(&u, REG_LCR, LCR_DLAB);
	vuart_write(&u, REG_DLL, 'y');
	vuart_write(&u, REG_LCR, 0);
	assert_int_equal(u.bytes, 7);
	for (i = 0; i < 1000; i++)
		vuart_write(&u, REG_THR, (uint8_t)(i & 0xff));
	assert_int_equal(u.bytes, 1007);
	vuart_flush(&u);                          /* flushing is not a byte */
	assert_int_equal(u.bytes, 1007);
}

#define T(f) cmocka_unit_test_setup(f, setup)


/* ---- receive, interrupts, loopback ------------------------------------ */

static struct { unsigned changes; bool level; } irqrec;

static void irq_cb(void *ctx, bool level)
{
	(void)ctx;
	irqrec.changes++;
	irqrec.level = level;
}

static void wire_irq(void)
{
	memset(&irqrec, 0, sizeof(irqrec));
	vuart_set_irq(&u, irq_cb, NULL);
}

static void test_receive_fifo(void **state)
{
	const uint8_t in[20] = "0123456789abcdefXYZW";

	(void)state;
	assert_int_equal(vuart_read(&u, REG_LSR) & 1, 0);
	assert_int_equal(vuart_receive(&u, in, 20), 16);   /* FIFO room only */
	assert_int_equal(vuart_rx_room(&u), 0);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE | 0x01);
	assert_int_equal(vuart_read(&u, 0), '0');
	assert_int_equal(vuart_read(&u, 0), '1');
	assert_int_equal(vuart_rx_room(&u), 2);
	assert_int_equal(vuart_receive(&u, in + 16, 4), 2);
	for (unsigned i = 2; i < 16; i++)
		assert_int_equal(vuart_read(&u, 0), in[i]);
	assert_int_equal(vuart_read(&u, 0), 'X');
	assert_int_equal(vuart_read(&u, 0), 'Y');
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE);  /* empty */
	assert_int_equal(vuart_read(&u, 0), 0);
	assert_int_equal(u.rx_bytes, 18);
}

static void test_overrun(void **state)
{
	uint8_t c = 'z';
	unsigned i;

	(void)state;
	wire_irq();
	vuart_write(&u, REG_MCR, 0x08);                    /* OUT2 */
	vuart_write(&u, REG_IER, 0x04);                    /* line status */
	for (i = 0; i < 16; i++)
		vuart_receive(&u, &c, 1);
	assert_false(irqrec.level);
	/* A byte that arrives into a full FIFO is lost: OE, and an RLS
	 * interrupt, both cleared by reading LSR. The guest-facing path
	 * (vuart_receive) never overruns; loopback can. */
	vuart_write(&u, REG_MCR, 0x18);
	vuart_write(&u, 0, 'w');
	vuart_write(&u, REG_MCR, 0x08);
	assert_true(irqrec.level);
	assert_int_equal(vuart_read(&u, REG_IIR) & 0x0f, 0x06);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE | 0x03);
	assert_false(irqrec.level);
	assert_int_equal(vuart_read(&u, REG_LSR), LSR_IDLE | 0x01);
	assert_int_equal(u.rx_overruns, 1);
}

static void test_interrupt_priority_and_gate(void **state)
{
	uint8_t c = 'k';

	(void)state;
	wire_irq();
	vuart_write(&u, REG_IER, 0x03);                    /* RX, THRE */
	assert_false(irqrec.level);                        /* OUT2 clear */
	vuart_write(&u, REG_MCR, 0x08);
	assert_true(irqrec.level);                         /* THRE pending */
	vuart_receive(&u, &c, 1);
	assert_int_equal(vuart_read(&u, REG_IIR), 0x04);   /* RX first */
	assert_int_equal(vuart_read(&u, 0), 'k');
	assert_int_equal(vuart_read(&u, REG_IIR), 0x02);   /* then THRE */
	assert_false(irqrec.level);
	assert_int_equal(vuart_read(&u, REG_IIR), 0x01);
	/* A byte sent: THR empty again at once, a new THRE interrupt. */
	vuart_write(&u, 0, 'a');
	assert_true(irqrec.level);
	vuart_write(&u, REG_IER, 0x01);                    /* THRE off */
	assert_false(irqrec.level);
	/* Disable then enable THRI with THR empty: it fires again. */
	vuart_write(&u, REG_IER, 0x02);
	assert_true(irqrec.level);
}

static void test_loopback(void **state)
{
	(void)state;
	wire_irq();
	vuart_write(&u, REG_IER, 0x01);
	vuart_write(&u, REG_MCR, 0x1f);                    /* loop, all outputs */
	assert_int_equal(vuart_read(&u, REG_MSR), 0xf0);
	vuart_write(&u, REG_MCR, 0x1a);                    /* loop, RTS, OUT2 */
	assert_int_equal(vuart_read(&u, REG_MSR), 0x90);   /* CTS, DCD */
	vuart_write(&u, 0, 0x5a);
	assert_int_equal(vuart_read(&u, REG_LSR) & 1, 1);
	assert_false(irqrec.level);                        /* no IRQ in loopback */
	assert_int_equal(vuart_read(&u, 0), 0x5a);
	vuart_flush(&u);
	EXPECT_LINES(0);                                   /* nothing went out */
	vuart_write(&u, REG_MCR, 0x00);
	assert_int_equal(vuart_read(&u, REG_MSR), 0xb0);   /* DCD, DSR, CTS */
}

static void test_fcr_clears_receiver(void **state)
{
	const uint8_t in[3] = "abc";

	(void)state;
	vuart_write(&u, REG_FCR, 0x01);
	vuart_receive(&u, in, 3);
	vuart_write(&u, REG_FCR, 0x03);                    /* clear RX FIFO */
	assert_int_equal(vuart_read(&u, REG_LSR) & 1, 0);
	vuart_receive(&u, in, 3);
	vuart_write(&u, REG_FCR, 0x00);                    /* FIFO off clears too */
	assert_int_equal(vuart_read(&u, REG_LSR) & 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_state),
		T(test_newline_ends_line),
		T(test_carriage_return_ignored),
		T(test_unprintable_becomes_dot),
		T(test_printable_and_tab_kept),
		T(test_long_line_split),
		T(test_line_start),
		T(test_long_line_twice),
		T(test_flush),
		T(test_put),
		T(test_put_then_thr_share_line),
		T(test_dlab),
		T(test_dlab_thr_write_does_not_transmit),
		T(test_ier_masks_to_4_bits),
		T(test_lsr_always_idle),
		T(test_iir_and_fcr),
		T(test_lcr_read_back),
		T(test_mcr_masks_to_5_bits),
		T(test_scr_read_back),
		T(test_lsr_msr_writes_ignored),
		T(test_bytes_counter),
		T(test_receive_fifo),
		T(test_overrun),
		T(test_interrupt_priority_and_gate),
		T(test_loopback),
		T(test_fcr_clears_receiver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
