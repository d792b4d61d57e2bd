/*
 * guests/lib/guest.h — the runtime BareGT's test guests are built on:
 * entry for both boot protocols (docs/guests.md), output on the virtual
 * UART, the hypercalls, PASS/FAIL checks, and (64-bit) catching expected
 * CPU exceptions, editing the page tables and running code at CPL 3.
 * Freestanding; no libc. The constants before the C part are also for
 * the runtime's assembly files.
 */
#ifndef BAREGT_GUEST_H
#define BAREGT_GUEST_H

/* Segment selectors (RPL 0) of the 64-bit runtime's GDT: the loader's
 * kernel code and data (docs/guests.md), then user data and user code
 * in the order SYSRET expects, loaded by the first user_run(). */
#define KERNEL_CS        0x08
#define KERNEL_DS        0x10
#define USER_DS          0x18
#define USER_CS          0x20
/* INT vector (DPL 3 gate) a user function returns through. */
#define USER_EXIT_VECTOR 0x80

#ifndef __ASSEMBLER__
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

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	                     "d"((uint32_t)(v >> 32)) : "memory");
}

#ifdef __x86_64__
/*
 * Expected faults (64-bit guests): fault_expect(len) arms the handler; if
 * the next instruction faults, its vector is recorded and execution goes
 * on len bytes further. fault_taken() returns the vector or -1.
 */
void fault_expect(unsigned insn_len);
int fault_taken(void);

/* Debug registers: drN_read() and drN_write() for DR0-DR3, DR6, DR7. */
#define GUEST_DR_ACCESS(n)                                                     \
	static inline uint64_t dr##n##_read(void)                              \
	{                                                                      \
		uint64_t x;                                                    \
		__asm__ __volatile__("mov %%dr" #n ", %0" : "=r"(x));          \
		return x;                                                      \
	}                                                                      \
	static inline void dr##n##_write(uint64_t x)                           \
	{                                                                      \
		__asm__ __volatile__("mov %0, %%dr" #n : : "r"(x));            \
	}
GUEST_DR_ACCESS(0)
GUEST_DR_ACCESS(1)
GUEST_DR_ACCESS(2)
GUEST_DR_ACCESS(3)
GUEST_DR_ACCESS(6)
GUEST_DR_ACCESS(7)

/* RDMSR / WRMSR expecting a fault: the vector taken, or -1. */
static inline int rdmsr_fault(uint32_t msr)
{
	fault_expect(2);                         /* 0f 32 */
	(void)rdmsr(msr);
	return fault_taken();
}

static inline int wrmsr_fault(uint32_t msr, uint64_t v)
{
	fault_expect(2);                         /* 0f 30 */
	wrmsr(msr, v);
	return fault_taken();
}
void idt_install(void);
void idt_set_gate(unsigned vector, uintptr_t handler, unsigned dpl);

/* The last exception the runtime caught: expected at CPL 0, or taken at
 * CPL 3 under user_run(). vector -1: none since fault_expect(),
 * user_run() or fault_forget(). */
struct fault_info {
	int vector;
	uint64_t error;        /* error code (0 where the CPU pushes none) */
	uint64_t cr2;          /* #PF: the faulting linear address */
	uint64_t rip;          /* the faulting instruction */
	uint64_t rflags;       /* the RFLAGS image pushed (RF: bit 16) */
	unsigned cpl;          /* CPL it was taken at */
	uint64_t rcx, rsi, rdi;    /* the string-instruction registers */
};
const struct fault_info *fault_last(void);
void fault_forget(void);

/*
 * Interrupts (64-bit guests; guests/lib/irq64.S): irq_install() puts
 * vectors 32..255 in the IDT after idt_install(). Each interrupt counts
 * in irq_count[vector], is appended to irq_log (the first IRQ_LOG_MAX;
 * irq_nlog counts all), then irq_hook(vector) runs if set (an EOI is
 * the hook's business). irq_forget() clears the counters and the log.
 */
#define IRQ_LOG_MAX 64
extern volatile unsigned irq_count[256];
extern volatile uint8_t irq_log[IRQ_LOG_MAX];
extern volatile unsigned irq_nlog;
extern void (*volatile irq_hook)(unsigned vector);
void irq_install(void);
void irq_forget(void);

/*
 * Page tables (guests/lib/paging64.c). pte_of(va): the 4 KiB leaf that
 * maps va, splitting the 2 MiB boot page around it (same attributes)
 * first; NULL if va is not mapped. page_update(va, set, clear) changes
 * that leaf's bits, makes the upper entries U/S = 1 when it sets PTE_US
 * (a user-mode address needs it at every level) and flushes the TLB.
 * Entry bits: SDM Vol. 3A §4.5.
 */
#define PTE_P        (1ull << 0)
#define PTE_RW       (1ull << 1)
#define PTE_US       (1ull << 2)
#define PTE_XD       (1ull << 63)
#define PTE_ADDR     0x000ffffffffff000ull     /* the frame, bits 51:12 */
#define PTE_PKEY(k)  ((uint64_t)(k) << 59)    /* protection key, 62:59 */
#define PTE_PKEY_ALL PTE_PKEY(15)
uint64_t *pte_of(uintptr_t va);
bool page_update(uintptr_t va, uint64_t set, uint64_t clear);

/*
 * Ring 3 (guests/lib/user64.c, docs/guests.md "Ring 3"). Code and data a
 * user function touches must lie on user pages: mark them USER_TEXT and
 * USER_DATA (guest.ld gathers them into page-aligned .user sections,
 * which the first user_run() makes user-accessible); everything else
 * stays supervisor-only. user_run(fn, arg, &ret) runs fn(arg) at CPL 3
 * on a user stack, with interrupts off and IOPL 0 (no port I/O: no
 * printing). It returns true with *ret = fn's value when fn returned,
 * false when fn took an exception, which fault_last() describes.
 */
#define USER_TEXT __attribute__((section(".user.text"), noinline, used))
#define USER_DATA __attribute__((section(".user.data")))
bool user_run(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t *ret);
void user_fault_return(void) __attribute__((noreturn));  /* idt64.c only */
#endif

#endif /* __ASSEMBLER__ */
#endif
