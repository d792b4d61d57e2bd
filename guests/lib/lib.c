/*
 * guests/lib/lib.c — output, checks, hypercalls, small string helpers.
 */
#include "guest.h"

#define UART      0x3f8
#define UART_LSR  5
#define EXIT_PORT 0xf4

unsigned checks_failed;
const char *guest_name = "guest";

void serial_putc(char c)
{
	while (!(inb(UART + UART_LSR) & 0x20))
		;
	outb(UART, (uint8_t)c);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n && *a && *a == *b; n--, a++, b++)
		;
	return n ? (unsigned char)*a - (unsigned char)*b : 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

/* The word (blank-separated) in the command line, or NULL. */
const char *cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	const char *p = cmdline;

	while (p && *p) {
		if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0' ||
		                                 p[n] == '='))
			return p;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

unsigned cmdline_uint(const char *cmdline, const char *key, unsigned def)
{
	const char *p = cmdline_has(cmdline, key);
	unsigned v = 0;

	if (!p || p[strlen(key)] != '=')
		return def;
	for (p += strlen(key) + 1; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

uint32_t crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* ---- formatting: %s %c %d %u %x %p with l/ll, width, 0 and # flags --------- */

struct out {
	char *buf;
	size_t n, len;
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

/* v / d by shift and subtract: 32-bit guests have no libgcc for 64-bit
 * division. */
static uint64_t udiv(uint64_t v, unsigned d, unsigned *rem)
{
	uint64_t q = 0, r = 0;
	int bit;

	for (bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((v >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << bit;
		}
	}
	*rem = (unsigned)r;
	return q;
}

static void out_num(struct out *o, uint64_t v, unsigned base, bool neg,
                    unsigned width, char pad)
{
	char tmp[24];
	unsigned i = 0, digit;

	do {
		v = udiv(v, base, &digit);
		tmp[i++] = "0123456789abcdef"[digit];
	} while (v);
	if (neg)
		tmp[i++] = '-';
	while (width > i) {
		out_c(o, pad);
		width--;
	}
	while (i)
		out_c(o, tmp[--i]);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };

	for (; *fmt; fmt++) {
		unsigned width = 0, lng = 0;
		bool alt = false;
		char pad = ' ';
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			alt = true;
			fmt++;
		}
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *str = va_arg(ap, const char *);
			while (str && *str)
				out_c(&o, *str++);
			break;
		}
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 'd':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			out_num(&o, s < 0 ? (uint64_t)-s : (uint64_t)s, 10, s < 0,
			        width, pad);
			break;
		case 'u':
		case 'x':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			if (alt && *fmt == 'x') {
				out_c(&o, '0');
				out_c(&o, 'x');
			}
			out_num(&o, u, *fmt == 'u' ? 10 : 16, false, width, pad);
			break;
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, 0, '0');
			break;
		default:
			out_c(&o, *fmt);
			break;
		}
	}
	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	serial_puts(buf);
	return r;
}

/* ---- hypercalls and checks ------------------------------------------------- */

uint64_t hypercall(uint64_t nr, uint64_t a1, uint64_t a2)
{
#ifdef __x86_64__
	uint64_t ret;
	__asm__ __volatile__("vmcall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2)
	                     : "memory");
	return ret;
#else
	uint32_t ret;
	__asm__ __volatile__("vmcall" : "=a"(ret) : "a"((uint32_t)nr),
	                     "D"((uint32_t)a1), "S"((uint32_t)a2) : "memory");
	return ret;
#endif
}

bool check(const char *name, bool ok)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", name);
	hypercall(HC_RESULT, (uintptr_t)name, ok ? 0 : 1);
	if (!ok)
		checks_failed++;
	return ok;
}

bool check_eq(const char *name, uint64_t got, uint64_t want)
{
	if (got == want)
		return check(name, true);
	printf("FAIL %s: got 0x%llx, expected 0x%llx\n", name,
	       (unsigned long long)got, (unsigned long long)want);
	hypercall(HC_RESULT, (uintptr_t)name, 1);
	checks_failed++;
	return false;
}

void guest_exit(unsigned code)
{
	for (;;)
		__asm__ __volatile__("outl %0, %1" : : "a"(code), "Nd"(EXIT_PORT));
}
