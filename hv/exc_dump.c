/*
 * hv/exc_dump.c — formats the register dump of an exception. Vector names
 * and the page-fault error-code bits: SDM Vol. 3A §6.15 and §4.7.
 */
#include <stdio.h>
#include "hv/exc.h"

#define EXC_LINE 160

static const char *const exc_names[32][2] = {
	{ "#DE", "divide error" },          { "#DB", "debug" },
	{ "NMI", "non-maskable interrupt" }, { "#BP", "breakpoint" },
	{ "#OF", "overflow" },              { "#BR", "bound range exceeded" },
	{ "#UD", "invalid opcode" },        { "#NM", "device not available" },
	{ "#DF", "double fault" },          { "#CSO", "coprocessor segment overrun" },
	{ "#TS", "invalid TSS" },           { "#NP", "segment not present" },
	{ "#SS", "stack-segment fault" },   { "#GP", "general protection" },
	{ "#PF", "page fault" },            { "#15", "reserved" },
	{ "#MF", "x87 floating-point error" }, { "#AC", "alignment check" },
	{ "#MC", "machine check" },         { "#XM", "SIMD floating-point" },
	{ "#VE", "virtualization exception" }, { "#CP", "control protection" },
	{ "#22", "reserved" }, { "#23", "reserved" }, { "#24", "reserved" },
	{ "#25", "reserved" }, { "#26", "reserved" }, { "#27", "reserved" },
	{ "#HV", "hypervisor injection" },  { "#VC", "VMM communication" },
	{ "#SX", "security exception" },    { "#31", "reserved" },
};

const char *exc_mnemonic(unsigned vector)
{
	return vector < 32 ? exc_names[vector][0] : "#INT";
}

const char *exc_description(unsigned vector)
{
	return vector < 32 ? exc_names[vector][1] : "external interrupt";
}

/* #PF error code: P bit 0, W/R bit 1, U/S bit 2, RSVD bit 3, I/D bit 4. */
static void pf_error_text(uint64_t err, char *buf, size_t n)
{
	snprintf(buf, n, " [%s, %s, %s%s%s]",
	         (err & 1) ? "protection violation" : "not present",
	         (err & 2) ? "write" : "read",
	         (err & 4) ? "user" : "supervisor",
	         (err & 8) ? ", reserved bit" : "",
	         (err & 16) ? ", instruction fetch" : "");
}

/* The 15 GPRs, four to a line, in the order a reader expects. */
static void exc_dump_regs(const struct exc_frame *f,
                          void (*emit)(const char *line, void *arg), void *arg)
{
	const struct { const char *name; uint64_t v; } r[] = {
		{ "rax", f->rax }, { "rbx", f->rbx }, { "rcx", f->rcx },
		{ "rdx", f->rdx }, { "rsi", f->rsi }, { "rdi", f->rdi },
		{ "rbp", f->rbp }, { "r8 ", f->r8 },  { "r9 ", f->r9 },
		{ "r10", f->r10 }, { "r11", f->r11 }, { "r12", f->r12 },
		{ "r13", f->r13 }, { "r14", f->r14 }, { "r15", f->r15 },
	};
	char line[EXC_LINE];
	size_t i, len = 0;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %016llx",
		                        "  ", r[i].name,
		                        (unsigned long long)r[i].v);
		if (i % 4 == 3 || i + 1 == sizeof(r) / sizeof(r[0])) {
			emit(line, arg);
			len = 0;
		}
	}
}

void exc_dump(const struct exc_frame *f, const struct exc_cregs *cr,
              unsigned cpu, void (*emit)(const char *line, void *arg),
              void *arg)
{
	char line[EXC_LINE], detail[96] = "";
	typedef unsigned long long ull;

	if (f->vector == 14)
		pf_error_text(f->error, detail, sizeof(detail));
	snprintf(line, sizeof(line),
	         "CPU %u: exception %llu %s (%s), error code %#llx%s", cpu,
	         (ull)f->vector, exc_mnemonic((unsigned)f->vector),
	         exc_description((unsigned)f->vector), (ull)f->error, detail);
	emit(line, arg);
	if (f->vector == 14) {
		snprintf(line, sizeof(line), "  faulting address (cr2) 0x%016llx",
		         (ull)cr->cr2);
		emit(line, arg);
	}
	snprintf(line, sizeof(line),
	         "  rip 0x%016llx  cs 0x%04llx  rflags 0x%08llx  rsp 0x%016llx  ss 0x%04llx",
	         (ull)f->rip, (ull)f->cs, (ull)f->rflags, (ull)f->rsp, (ull)f->ss);
	emit(line, arg);
	exc_dump_regs(f, emit, arg);
	snprintf(line, sizeof(line),
	         "  cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx",
	         (ull)cr->cr0, (ull)cr->cr2, (ull)cr->cr3, (ull)cr->cr4);
	emit(line, arg);
	snprintf(line, sizeof(line), "CPU %u halted", cpu);
	emit(line, arg);
}
