/*
 * tests/unit/test_exc_dump.c — unit tests of hv/exc_dump.c: vector names
 * (SDM Vol. 3A §6.15, Table 6-1), the #PF error-code text (§4.7: P bit 0,
 * W/R bit 1, U/S bit 2, RSVD bit 3, I/D bit 4) and the register dump,
 * line by line, with a distinct value in every register.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hv/exc.h"

/* ---- helpers: collect the emitted lines ------------------------------ */

#define MAX_LINES 16
#define LINE_LEN  256

struct dump {
	unsigned n;
	char line[MAX_LINES][LINE_LEN];
};

static struct dump out;

static void collect(const char *line, void *arg)
{
	struct dump *d = arg;

	assert_ptr_equal(d, &out);
	assert_true(d->n < MAX_LINES);
	assert_true(strlen(line) < LINE_LEN);
	/* "one line at a time (no trailing newline)" */
	assert_null(strchr(line, '\n'));
	snprintf(d->line[d->n++], LINE_LEN, "%s", line);
}

/* Every register a different, recognisable value. */
static void sample_frame(struct exc_frame *f, struct exc_cregs *cr)
{
	memset(f, 0, sizeof *f);
	f->rax = 0x0000000000000001ull;
	f->rbx = 0xbbbbbbbbbbbbbbbbull;
	f->rcx = 0x0123456789abcdefull;
	f->rdx = 0xfedcba9876543210ull;
	f->rsi = 0x5151515151515151ull;
	f->rdi = 0xd1d1d1d1d1d1d1d1ull;
	f->rbp = 0x00007ffc0000bbbbull;
	f->r8  = 0x8888888800000008ull;
	f->r9  = 0x9999999900000009ull;
	f->r10 = 0x1010101010101010ull;
	f->r11 = 0x1111111111111111ull;
	f->r12 = 0x1212121212121212ull;
	f->r13 = 0x1313131313131313ull;
	f->r14 = 0x1414141414141414ull;
	f->r15 = 0x1515151515151515ull;
	f->rip = 0xffffffff80001234ull;
	f->cs = 0x10;
	f->rflags = 0x10246;
	f->rsp = 0xffff800000fffff8ull;
	f->ss = 0x18;
	cr->cr0 = 0x0000000080050033ull;
	cr->cr2 = 0x00007fffdeadb000ull;
	cr->cr3 = 0x000000000010f000ull;
	cr->cr4 = 0x00000000003606e0ull;
}

static void dump(uint64_t vector, uint64_t error, unsigned cpu)
{
	struct exc_frame f;
	struct exc_cregs cr;

	sample_frame(&f, &cr);
	f.vector = vector;
	f.error = error;
	memset(&out, 0, sizeof out);
	exc_dump(&f, &cr, cpu, collect, &out);
}

/* The first line of a #PF dump with this error code. */
static const char *pf_first_line(uint64_t error)
{
	dump(14, error, 0);
	assert_int_equal(out.n, 9);
	return out.line[0];
}

static int count_lines_containing(const char *needle)
{
	int count = 0;
	unsigned i;

	for (i = 0; i < out.n; i++)
		count += strstr(out.line[i], needle) != NULL;
	return count;
}

/* The lines every dump ends with, for the sample frame. */
static const char *const regs_lines[] = {
	"  rip 0xffffffff80001234  cs 0x0010  rflags 0x00010246  "
	"rsp 0xffff800000fffff8  ss 0x0018",
	"  rax 0000000000000001  rbx bbbbbbbbbbbbbbbb  "
	"rcx 0123456789abcdef  rdx fedcba9876543210",
	"  rsi 5151515151515151  rdi d1d1d1d1d1d1d1d1  "
	"rbp 00007ffc0000bbbb  r8  8888888800000008",
	"  r9  9999999900000009  r10 1010101010101010  "
	"r11 1111111111111111  r12 1212121212121212",
	"  r13 1313131313131313  r14 1414141414141414  r15 1515151515151515",
	"  cr0 0000000080050033  cr2 00007fffdeadb000  "
	"cr3 000000000010f000  cr4 00000000003606e0",
};

static void assert_register_lines(unsigned first)
{
	size_t i;

	assert_int_equal(out.n, first + 6 + 1);
	for (i = 0; i < 6; i++)
		assert_string_equal(out.line[first + i], regs_lines[i]);
}

/* ---- names ----------------------------------------------------------- */

static void test_names_from_the_sdm(void **state)
{
	static const struct { unsigned v; const char *mn, *desc; } t[] = {
		{ 0, "#DE", "divide error" },
		{ 1, "#DB", "debug" },
		{ 2, "NMI", "non-maskable interrupt" },
		{ 3, "#BP", "breakpoint" },
		{ 4, "#OF", "overflow" },
		{ 5, "#BR", "bound range exceeded" },
		{ 6, "#UD", "invalid opcode" },
		{ 7, "#NM", "device not available" },
		{ 8, "#DF", "double fault" },
		{ 10, "#TS", "invalid TSS" },
		{ 11, "#NP", "segment not present" },
		{ 12, "#SS", "stack-segment fault" },
		{ 13, "#GP", "general protection" },
		{ 14, "#PF", "page fault" },
		{ 16, "#MF", "x87 floating-point error" },
		{ 17, "#AC", "alignment check" },
		{ 18, "#MC", "machine check" },
		{ 19, "#XM", "SIMD floating-point" },
		{ 20, "#VE", "virtualization exception" },
		{ 21, "#CP", "control protection" },
		{ 31, "#31", "reserved" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_string_equal(exc_mnemonic(t[i].v), t[i].mn);
		assert_string_equal(exc_description(t[i].v), t[i].desc);
	}
}

static void test_reserved_vectors(void **state)
{
	char want[8];
	unsigned v;

	(void)state;
	assert_string_equal(exc_mnemonic(15), "#15");
	assert_string_equal(exc_description(15), "reserved");
	for (v = 22; v <= 27; v++) {
		snprintf(want, sizeof want, "#%u", v);
		assert_string_equal(exc_mnemonic(v), want);
		assert_string_equal(exc_description(v), "reserved");
	}
}

static void test_vectors_32_and_up_are_interrupts(void **state)
{
	static const unsigned v[] = { 32, 33, 0x80, 0xff, 256, 0xffffffffu };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_string_equal(exc_mnemonic(v[i]), "#INT");
		assert_string_equal(exc_description(v[i]), "external interrupt");
	}
}

static void test_names_never_null(void **state)
{
	unsigned v;

	(void)state;
	for (v = 0; v < 300; v++) {
		assert_non_null(exc_mnemonic(v));
		assert_non_null(exc_description(v));
		assert_true(exc_mnemonic(v)[0] != '\0');
		assert_true(exc_description(v)[0] != '\0');
	}
}

/* ---- the #PF error code ---------------------------------------------- */

static void test_pf_write_protection_violation(void **state)
{
	(void)state;
	assert_string_equal(pf_first_line(0x3),
	                    "CPU 0: exception 14 #PF (page fault), error code "
	                    "0x3 [protection violation, write, supervisor]");
}

static void test_pf_instruction_fetch(void **state)
{
	(void)state;
	assert_string_equal(pf_first_line(0x10),
	                    "CPU 0: exception 14 #PF (page fault), error code "
	                    "0x10 [not present, read, supervisor, "
	                    "instruction fetch]");
	assert_string_equal(pf_first_line(0x11),
	                    "CPU 0: exception 14 #PF (page fault), error code "
	                    "0x11 [protection violation, read, supervisor, "
	                    "instruction fetch]");
}

static void test_pf_every_bit(void **state)
{
	const char *l;

	(void)state;
	l = pf_first_line(0x1f);
	assert_string_equal(l, "CPU 0: exception 14 #PF (page fault), error "
	                    "code 0x1f [protection violation, write, user, "
	                    "reserved bit, instruction fetch]");
	l = pf_first_line(0x4);
	assert_non_null(strstr(l, "error code 0x4 [not present, read, user]"));
	l = pf_first_line(0x8);
	assert_non_null(strstr(l, "[not present, read, supervisor, "
	                       "reserved bit]"));
	l = pf_first_line(0x2);
	assert_non_null(strstr(l, "[not present, write, supervisor]"));
	/* bits above 4 (PK, SS, SGX...) are shown in the number only */
	l = pf_first_line(0x8007);
	assert_non_null(strstr(l, "error code 0x8007 [protection violation, "
	                       "write, user]"));
	assert_null(strstr(l, "fetch"));
}

static void test_pf_has_cr2_line(void **state)
{
	(void)state;
	dump(14, 0x2, 3);
	assert_int_equal(out.n, 9);
	assert_string_equal(out.line[1],
	                    "  faulting address (cr2) 0x00007fffdeadb000");
	assert_int_equal(count_lines_containing("faulting address"), 1);
	assert_register_lines(2);
	assert_string_equal(out.line[8], "CPU 3 halted");
}

/*
 * A null-pointer dereference faults at cr2 = 0: the address must still be
 * shown as 0x followed by 16 digits, like every other address.
 */
static void test_pf_null_address_keeps_0x_prefix(void **state)
{
	struct exc_frame f;
	struct exc_cregs cr;

	(void)state;
	sample_frame(&f, &cr);
	f.vector = 14;
	f.error = 0;
	cr.cr2 = 0;
	memset(&out, 0, sizeof out);
	exc_dump(&f, &cr, 0, collect, &out);
	assert_int_equal(out.n, 9);
	assert_string_equal(out.line[1],
	                    "  faulting address (cr2) 0x0000000000000000");
}

/* A jump to address 0 with a zeroed frame: same widths, same prefixes. */
static void test_zero_frame_keeps_0x_prefix(void **state)
{
	struct exc_frame f;
	struct exc_cregs cr;

	(void)state;
	memset(&f, 0, sizeof f);
	memset(&cr, 0, sizeof cr);
	f.vector = 13;
	memset(&out, 0, sizeof out);
	exc_dump(&f, &cr, 0, collect, &out);
	assert_int_equal(out.n, 8);
	assert_string_equal(out.line[1], "  rip 0x0000000000000000  cs 0x0000  "
	                    "rflags 0x00000000  rsp 0x0000000000000000  "
	                    "ss 0x0000");
	assert_string_equal(out.line[2], "  rax 0000000000000000  "
	                    "rbx 0000000000000000  rcx 0000000000000000  "
	                    "rdx 0000000000000000");
}

/* ---- other exceptions ------------------------------------------------ */

static void test_gp_no_cr2_line(void **state)
{
	(void)state;
	dump(13, 0x18, 1);
	assert_int_equal(out.n, 8);
	assert_string_equal(out.line[0], "CPU 1: exception 13 #GP "
	                    "(general protection), error code 0x18");
	assert_int_equal(count_lines_containing("faulting address"), 0);
	assert_int_equal(count_lines_containing("["), 0);
	assert_register_lines(1);
	assert_string_equal(out.line[7], "CPU 1 halted");
}

static void test_ud_and_interrupt(void **state)
{
	(void)state;
	dump(6, 0, 0);
	assert_string_equal(out.line[0], "CPU 0: exception 6 #UD "
	                    "(invalid opcode), error code 0");
	assert_register_lines(1);
	assert_string_equal(out.line[7], "CPU 0 halted");

	dump(32, 0, 7);
	assert_string_equal(out.line[0], "CPU 7: exception 32 #INT "
	                    "(external interrupt), error code 0");
	assert_int_equal(count_lines_containing("faulting address"), 0);
	assert_string_equal(out.line[out.n - 1], "CPU 7 halted");
}

static void test_cr2_only_for_page_faults(void **state)
{
	uint64_t v;

	(void)state;
	for (v = 0; v < 40; v++) {
		dump(v, 0x3, 0);
		assert_int_equal(count_lines_containing("faulting address"),
		                 v == 14 ? 1 : 0);
		assert_int_equal(out.n, v == 14 ? 9 : 8);
		/* the error-code text belongs to #PF only */
		assert_int_equal(count_lines_containing("protection violation"),
		                 v == 14 ? 1 : 0);
	}
}

static void test_last_line_names_cpu(void **state)
{
	(void)state;
	dump(8, 0, 0);
	assert_string_equal(out.line[out.n - 1], "CPU 0 halted");
	dump(8, 0, 255);
	assert_string_equal(out.line[out.n - 1], "CPU 255 halted");
	assert_string_equal(out.line[0], "CPU 255: exception 8 #DF "
	                    "(double fault), error code 0");
	dump(14, 0x1f, 4294967295u);
	assert_string_equal(out.line[out.n - 1], "CPU 4294967295 halted");
	assert_non_null(strstr(out.line[0], "instruction fetch]"));
}

static void test_each_register_under_its_name(void **state)
{
	static const struct { const char *name; const char *hex; } r[] = {
		{ "rax ", "0000000000000001" }, { "rbx ", "bbbbbbbbbbbbbbbb" },
		{ "rcx ", "0123456789abcdef" }, { "rdx ", "fedcba9876543210" },
		{ "rsi ", "5151515151515151" }, { "rdi ", "d1d1d1d1d1d1d1d1" },
		{ "rbp ", "00007ffc0000bbbb" }, { "r8  ", "8888888800000008" },
		{ "r9  ", "9999999900000009" }, { "r10 ", "1010101010101010" },
		{ "r11 ", "1111111111111111" }, { "r12 ", "1212121212121212" },
		{ "r13 ", "1313131313131313" }, { "r14 ", "1414141414141414" },
		{ "r15 ", "1515151515151515" }, { "cr0 ", "0000000080050033" },
		{ "cr2 ", "00007fffdeadb000" }, { "cr3 ", "000000000010f000" },
		{ "cr4 ", "00000000003606e0" },
	};
	char want[32];
	size_t i;

	(void)state;
	dump(13, 0, 0);
	for (i = 0; i < sizeof r / sizeof r[0]; i++) {
		snprintf(want, sizeof want, "%s%s", r[i].name, r[i].hex);
		if (count_lines_containing(want) != 1)
			fail_msg("'%s' not in the dump exactly once", want);
	}
}

static void test_full_width_values(void **state)
{
	struct exc_frame f;
	struct exc_cregs cr;

	(void)state;
	memset(&f, 0xff, sizeof f);
	memset(&cr, 0xff, sizeof cr);
	f.vector = 14;
	f.error = 0xffffffffffffffffull;
	memset(&out, 0, sizeof out);
	exc_dump(&f, &cr, 4294967295u, collect, &out);
	assert_int_equal(out.n, 9);
	assert_string_equal(out.line[0], "CPU 4294967295: exception 14 #PF "
	                    "(page fault), error code 0xffffffffffffffff "
	                    "[protection violation, write, user, reserved bit, "
	                    "instruction fetch]");
	assert_string_equal(out.line[1],
	                    "  faulting address (cr2) 0xffffffffffffffff");
	assert_string_equal(out.line[3], "  rax ffffffffffffffff  "
	                    "rbx ffffffffffffffff  rcx ffffffffffffffff  "
	                    "rdx ffffffffffffffff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_from_the_sdm),
		cmocka_unit_test(test_reserved_vectors),
		cmocka_unit_test(test_vectors_32_and_up_are_interrupts),
		cmocka_unit_test(test_names_never_null),
		cmocka_unit_test(test_pf_write_protection_violation),
		cmocka_unit_test(test_pf_instruction_fetch),
		cmocka_unit_test(test_pf_every_bit),
		cmocka_unit_test(test_pf_has_cr2_line),
		cmocka_unit_test(test_pf_null_address_keeps_0x_prefix),
		cmocka_unit_test(test_zero_frame_keeps_0x_prefix),
		cmocka_unit_test(test_gp_no_cr2_line),
		cmocka_unit_test(test_ud_and_interrupt),
		cmocka_unit_test(test_cr2_only_for_page_faults),
		cmocka_unit_test(test_last_line_names_cpu),
		cmocka_unit_test(test_each_register_under_its_name),
		cmocka_unit_test(test_full_width_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
