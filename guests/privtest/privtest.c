/*
 * guests/privtest — the MMIO emulator must refuse what the CPU would
 * refuse (SDM Vol. 3A §4.6). Only accesses the CPU did not check itself
 * reach the emulator: here the destination of a MOVS whose source, the
 * test device (docs/guests.md), caused the EPT-violation exit; later
 * iterations of a REP MOVS; the second page of a page-crossing element.
 * Each is aimed at a page the guest's own page tables forbid (supervisor
 * page from CPL 3, read-only page, user page under SMAP, write-disabled
 * protection key) and must end in the #PF the CPU would raise, with its
 * error code and CR2, and the page unchanged. Checks that need a CPU
 * feature (SMAP, PKU) say so when the CPU lacks it.
 */
#include "guest.h"

#define DEV         ((uintptr_t)TESTDEV_GPA)
#define SRC_OFF     0x100                /* pattern bytes at DEV + 0x100 */
#define VEC_PF      14
#define PF_P        0x1u                 /* #PF error code, SDM Vol. 3A §4.7 */
#define PF_W        0x2u
#define PF_U        0x4u
#define PF_PK       0x20u
#define CR0_WP      (1ull << 16)
#define CR4_SMAP    (1ull << 21)
#define CR4_PKE     (1ull << 22)
#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)
#define CPUID7_ECX_PKU  (1u << 3)
#define PKRU_WD(k)  (1u << (2 * (k) + 1))
#define POISON      0x5a5a5a5a5a5a5a5aull
#define PAGE        4096
#define MOVSQ_LEN   2                    /* 48 a5 */

/* Test pages, each 4 KiB; the page tables make them what the name says. */
enum { SUPER, USER_RO, USER_RW, SUPER_AFTER_USER, SUPER_RO, USER_KEY1, NPAGES };
static uint8_t pages[NPAGES][PAGE] __attribute__((aligned(PAGE)));

/* ---- CPL 3 side ------------------------------------------------------- */

struct movs_args {
	uint64_t src, dst, count;
};
static struct movs_args margs USER_DATA;

/* REP MOVSQ of margs: returns RDI after it. */
static USER_TEXT uint64_t user_rep_movsq(uint64_t arg)
{
	const volatile struct movs_args *a = (const void *)arg;
	uint64_t s = a->src, d = a->dst, c = a->count;

	__asm__ __volatile__("rep movsq" : "+S"(s), "+D"(d), "+c"(c) : : "memory");
	return d;
}

/* ---- CPL 0 side ------------------------------------------------------- */

static uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static uint64_t qword(const uint8_t *p)
{
	return *(const volatile uint64_t *)p;
}

/* Fill a test page with POISON; CR0.WP = 0 lets it reach read-only ones. */
static void poison(unsigned page)
{
	uint64_t cr0 = read_cr0();

	write_cr0(cr0 & ~CR0_WP);
	memset(pages[page], 0x5a, PAGE);
	write_cr0(cr0);
}

/* Run REP MOVSQ at CPL 3 from the device to dst. */
static bool movsq_user(uintptr_t dst, uint64_t count)
{
	uint64_t rdi;

	margs = (struct movs_args){ DEV + SRC_OFF, dst, count };
	return user_run(user_rep_movsq, (uintptr_t)&margs, &rdi);
}

/* One MOVSQ at CPL 0 from the device to dst; the vector it raised or -1. */
static int movsq_kernel(uintptr_t dst, bool stac)
{
	uint64_t s = DEV + SRC_OFF, d = dst;

	fault_expect(MOVSQ_LEN);
	if (stac)
		__asm__ __volatile__("stac; movsq; clac" : "+S"(s), "+D"(d) : : "memory");
	else
		__asm__ __volatile__("movsq" : "+S"(s), "+D"(d) : : "memory");
	return fault_taken();
}

/* The #PF checks: vector, error code, CR2, and what the page holds. */
static void expect_pf(const char *what, uint32_t err, uintptr_t cr2,
                      const uint8_t *dst, uint64_t want)
{
	const struct fault_info *f = fault_last();
	char name[96];

	snprintf(name, sizeof name, "%s: #PF", what);
	check_eq(name, (uint64_t)f->vector, VEC_PF);
	snprintf(name, sizeof name, "%s: error code %#x", what, err);
	check_eq(name, f->error, err);
	snprintf(name, sizeof name, "%s: CR2 = the destination", what);
	check_eq(name, f->cr2, cr2);
	snprintf(name, sizeof name, "%s: destination unchanged", what);
	check_eq(name, qword(dst), want);
}

static void user_attacks(void)
{
	uintptr_t dst;
	bool ok;

	/* The supervisor page: the escalation of issue 8. */
	dst = (uintptr_t)pages[SUPER] + 0x40;
	poison(SUPER);
	ok = movsq_user(dst, 1);
	check("cpl3 movsq dev->supervisor page faults", !ok);
	expect_pf("cpl3 movsq dev->supervisor page", PF_P | PF_W | PF_U, dst,
	          (const uint8_t *)dst, POISON);

	dst = (uintptr_t)pages[USER_RO] + 0x80;
	poison(USER_RO);
	ok = movsq_user(dst, 1);
	check("cpl3 movsq dev->read-only user page faults", !ok);
	expect_pf("cpl3 movsq dev->read-only user page", PF_P | PF_W | PF_U, dst,
	          (const uint8_t *)dst, POISON);

	dst = (uintptr_t)pages[USER_RW] + 0x80;
	poison(USER_RW);
	ok = movsq_user(dst, 1);
	check("cpl3 movsq dev->writable user page works", ok);
	check_eq("cpl3 movsq dev->writable user page: pattern arrived",
	         qword((const uint8_t *)dst), testdev_pattern_value(SRC_OFF, 8));

	/* REP: the first element lands on the user page, the second would
	 * be on the supervisor page after it. */
	dst = (uintptr_t)pages[USER_RW] + PAGE - 8;
	poison(USER_RW);
	poison(SUPER_AFTER_USER);
	ok = movsq_user(dst, 2);
	check("cpl3 rep movsq into a supervisor page faults", !ok);
	expect_pf("cpl3 rep movsq, element 2", PF_P | PF_W | PF_U, dst + 8,
	          pages[SUPER_AFTER_USER], POISON);
	check_eq("cpl3 rep movsq, element 1 done",
	         qword((const uint8_t *)dst), testdev_pattern_value(SRC_OFF, 8));
	check_eq("cpl3 rep movsq: rcx = 1 at the fault", fault_last()->rcx, 1);
	check_eq("cpl3 rep movsq: rdi at element 2", fault_last()->rdi, dst + 8);

	/* One element across the two pages: nothing may be written. */
	dst = (uintptr_t)pages[USER_RW] + PAGE - 4;
	poison(USER_RW);
	ok = movsq_user(dst, 1);
	check("cpl3 movsq across into a supervisor page faults", !ok);
	expect_pf("cpl3 movsq across pages", PF_P | PF_W | PF_U,
	          (uintptr_t)pages[SUPER_AFTER_USER], pages[SUPER_AFTER_USER],
	          POISON);
	check_eq("cpl3 movsq across pages: first half unchanged",
	         qword(pages[USER_RW] + PAGE - 8), POISON);
}

static void supervisor_write_protect(void)
{
	uintptr_t dst = (uintptr_t)pages[SUPER_RO] + 0x100;
	uint64_t cr0 = read_cr0();

	poison(SUPER_RO);
	page_update((uintptr_t)pages[SUPER_RO], 0, PTE_RW);
	check("cpl0 cr0.wp=1 movsq dev->read-only page faults",
	      movsq_kernel(dst, false) == VEC_PF);
	expect_pf("cpl0 cr0.wp=1 movsq dev->read-only page", PF_P | PF_W, dst,
	          (const uint8_t *)dst, POISON);
	write_cr0(cr0 & ~CR0_WP);
	check("cpl0 cr0.wp=0 movsq dev->read-only page works",
	      movsq_kernel(dst, false) == -1);
	write_cr0(cr0);
	check_eq("cpl0 cr0.wp=0 movsq: pattern arrived",
	         qword((const uint8_t *)dst), testdev_pattern_value(SRC_OFF, 8));
}

static void smap(bool have)
{
	uintptr_t dst = (uintptr_t)pages[USER_RW] + 0x200;
	uint64_t cr4 = read_cr4();

	if (!have) {
		printf("SKIP smap checks: CPUID.(7,0):EBX.SMAP[20] = 0\n");
		return;
	}
	poison(USER_RW);
	write_cr4(cr4 | CR4_SMAP);
	check("cpl0 smap ac=0 movsq dev->user page faults",
	      movsq_kernel(dst, false) == VEC_PF);
	write_cr4(cr4);          /* the checks below read the user page */
	expect_pf("cpl0 smap ac=0 movsq dev->user page", PF_P | PF_W, dst,
	          (const uint8_t *)dst, POISON);
	write_cr4(cr4 | CR4_SMAP);
	check("cpl0 smap stac movsq dev->user page works",
	      movsq_kernel(dst, true) == -1);
	write_cr4(cr4);
	check_eq("cpl0 smap stac movsq: pattern arrived",
	         qword((const uint8_t *)dst), testdev_pattern_value(SRC_OFF, 8));
}

static void protection_keys(bool have)
{
	uintptr_t dst = (uintptr_t)pages[USER_KEY1] + 0x300;
	uint64_t cr4 = read_cr4();
	bool ok;

	if (!have) {
		printf("SKIP protection-key checks: CPUID.(7,0):ECX.PKU[3] = 0\n");
		return;
	}
	fault_expect(3);                         /* mov %rax, %cr4: 0f 22 e0 */
	__asm__ __volatile__("mov %0, %%cr4" : : "a"(cr4 | CR4_PKE) : "memory");
	if (fault_taken() != -1) {
		printf("SKIP protection-key checks: setting CR4.PKE faulted\n");
		return;
	}
	/* WRPKRU (0f 01 ef): EAX = PKRU, ECX = EDX = 0 */
	__asm__ __volatile__("wrpkru" : : "a"(PKRU_WD(1)), "c"(0), "d"(0));
	poison(USER_KEY1);
	page_update((uintptr_t)pages[USER_KEY1], PTE_US | PTE_RW | PTE_PKEY(1), 0);
	ok = movsq_user(dst, 1);
	check("cpl3 movsq dev->user page with pkru.wd1 faults", !ok);
	expect_pf("cpl3 movsq dev->user page with pkru.wd1",
	          PF_P | PF_W | PF_U | PF_PK, dst, (const uint8_t *)dst, POISON);
	__asm__ __volatile__("wrpkru" : : "a"(0), "c"(0), "d"(0));
	ok = movsq_user(dst, 1);
	check("cpl3 movsq dev->user page with pkru 0 works", ok);
	check_eq("cpl3 movsq with pkru 0: pattern arrived",
	         qword((const uint8_t *)dst), testdev_pattern_value(SRC_OFF, 8));
	write_cr4(cr4);
}

int guest_main(const char *cmdline)
{
	uint32_t r[4];
	bool has_smap, has_pku;

	(void)cmdline;
	cpuid(7, 0, r);
	has_smap = r[1] & CPUID7_EBX_SMAP;
	has_pku = r[2] & CPUID7_ECX_PKU;
	printf("cpuid (7,0): ebx %#x ecx %#x: smep %u smap %u pku %u\n", r[1],
	       r[2], !!(r[1] & CPUID7_EBX_SMEP), has_smap, has_pku);

	/* The device and the user pages user-accessible; the rest stays as
	 * the loader made it: supervisor, writable. */
	page_update(DEV, PTE_US, 0);
	page_update((uintptr_t)pages[USER_RO], PTE_US, PTE_RW);
	page_update((uintptr_t)pages[USER_RW], PTE_US, 0);
	user_attacks();
	protection_keys(has_pku);
	/* Supervisor accesses: the device supervisor-only, or SMAP (and the
	 * CPU) would stop the source read itself. */
	page_update(DEV, 0, PTE_US);
	supervisor_write_protect();
	smap(has_smap);

	printf("privtest: %s\n", checks_failed ? "some checks failed" : "all passed");
	return checks_failed ? 1 : 0;
}
