/*
 * guests/lib/guest.h — the runtime BareGT's test guests are built on:
 * entry for both boot protocols (docs/guests.md), output on the virtual
 * UART, the hypercalls, PASS/FAIL checks, and (64-bit) catching expected
 * CPU exceptions. Freestanding; no libc.
 */
#ifndef BAREGT_GUEST_H
#define BAREGT_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* docs/guests.md "Start information" (ELF64 guests). */
struct bg_module {
	uint64_t gpa, size, args_gpa;
};
struct bg_start_info {
	uint32_t magic, version;
	uint64_t ram_bytes;
	uint64_t cmdline_gpa, name_gpa;
	uint32_t nmodules, reserved;
	struct bg_module module[];
};
#define BG_START_MAGIC 0x49534742u

/* Multiboot 0.6.96 §3.3 (the fields the tests read). */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};
struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};
struct mb_mmap {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));
#define MB_BOOT_MAGIC 0x2BADB002u

/* Hypercalls (docs/guests.md). */
#define HC_NOP    0
#define HC_PUTS   1
#define HC_RESULT 2
#define HC_EXIT   3

/* Test device (docs/guests.md). */
#define TESTDEV_GPA     0xe0000000ul
#define TESTDEV_SCRATCH 0x800u
#define TESTDEV_WP_GPA  0x300000ul
static inline uint8_t testdev_pattern(uint32_t x)
{
	return (uint8_t)(0xa5u ^ (x & 0xff) ^ ((x >> 8) & 0xff));
}

/* The device's bytes at [off, off + size) as a little-endian value. */
static inline uint64_t testdev_pattern_value(unsigned off, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)testdev_pattern(off + i) << (8 * i);
	return v;
}

/* Entry points the guest program defines. */
int guest_main(const char *cmdline);
extern const char *guest_name;
extern const struct bg_start_info *guest_start_info;   /* ELF64 */
extern const struct mb_info *guest_mbi;                /* Multiboot */
extern uint64_t guest_tsc_at_entry;   /* TSC at the first instruction (ELF64) */

/* Output */
void serial_putc(char c);
void serial_puts(const char *s);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks: "PASS name" / "FAIL name: detail" on the UART, and the
 * RESULT hypercall so the hypervisor counts them. */
bool check(const char *name, bool ok);
bool check_eq(const char *name, uint64_t got, uint64_t want);
extern unsigned checks_failed;

uint64_t hypercall(uint64_t nr, uint64_t a1, uint64_t a2);
__attribute__((noreturn)) void guest_exit(unsigned code);

/* Small helpers */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
const char *cmdline_has(const char *cmdline, const char *word);
/* The decimal value of "key=N" in the command line, or def. */
unsigned cmdline_uint(const char *cmdline, const char *key, unsigned def);
uint32_t crc32(const void *buf, size_t len);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                     : "a"(leaf), "c"(sub));
}

#ifdef __x86_64__
/*
 * Expected faults (64-bit guests): fault_expect(len) arms the handler; if
 * the next instruction faults, its vector is recorded and execution goes
 * on len bytes further. fault_taken() returns the vector or -1.
 */
void fault_expect(unsigned insn_len);
int fault_taken(void);
void idt_install(void);
#endif

#endif
