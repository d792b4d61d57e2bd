/* hv/panic.h — fatal errors of the hypervisor itself: log, then halt. */
#ifndef BAREGT_HV_PANIC_H
#define BAREGT_HV_PANIC_H

void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif
