/*
 * hv/panic.c — a fatal error of the hypervisor: one "panic:" line with
 * the reason, then this CPU halts with interrupts off.
 */
#include <stdarg.h>
#include <stdio.h>
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/panic.h"

void panic(const char *fmt, ...)
{
	char msg[CON_LINE_MAX - 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("panic: %s", msg);
	log_error("CPU 0 halted");
	cpu_park();
}
