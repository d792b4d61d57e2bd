/*
 * guests/mmiotest — every instruction form BareGT's MMIO emulation
 * supports, run in 64-bit mode against the test device (docs/guests.md):
 * loads of 1/2/4/8 bytes with each addressing form and register class,
 * MOVZX/MOVSX/MOVSXD, MOV with moffs, stores from registers and
 * immediates, STOS and MOVS with and without REP and with DF set, and
 * writes to the write-protected page, and the same code address doing a
 * different access once its bytes or its mapping change (the
 * hypervisor's instruction cache must notice). Every value read is compared with
 * the device's pattern; every store is read back. The hypervisor logs
 * each device write; the system test checks that log line by line.
 */
#include "guest.h"

#define DEV ((uintptr_t)TESTDEV_GPA)

static uint64_t rd64(uintptr_t a)
{
	uint64_t v;
	__asm__ __volatile__("movq (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void loads(void)
{
	uint64_t a, b;
	register uint64_t r9 __asm__("r9");
	register uint64_t r10 __asm__("r10");
	register uint64_t r12 __asm__("r12") = DEV + 0x40;

	__asm__ __volatile__("movb (%%rbx), %%al" : "=a"(a) : "b"(DEV + 0x10), "a"(0));
	check_eq("load8 (8a)", a, testdev_pattern_value(0x10, 1));
	__asm__ __volatile__("movw 2(%%rbx), %%ax" : "=a"(a) : "b"(DEV + 0x20), "a"(0));
	check_eq("load16 disp8 (66 8b)", a, testdev_pattern_value(0x22, 2));
	__asm__ __volatile__("movl 0x10(%%rbx), %%eax" : "=a"(a) : "b"(DEV + 0x100));
	check_eq("load32 disp8 (8b)", a, testdev_pattern_value(0x110, 4));
	__asm__ __volatile__("movq 0x100(%%rbx), %%rax" : "=a"(a) : "b"(DEV));
	check_eq("load64 disp32 (48 8b)", a, testdev_pattern_value(0x100, 8));
	__asm__ __volatile__("movl (%%rbx), %%eax" : "=a"(a) : "b"(DEV + 0x18), "a"(~0ull));
	check_eq("load32 zero-extends", a, testdev_pattern_value(0x18, 4));
	__asm__ __volatile__("movw (%%rbx), %%ax" : "=a"(a)
	                     : "b"(DEV + 0x1a), "a"(0x1122334455667788ull));
	check_eq("load16 keeps the rest", a, 0x1122334455660000ull | testdev_pattern_value(0x1a, 2));
	__asm__ __volatile__("movb (%%rbx), %%ah" : "=a"(a)
	                     : "b"(DEV + 0x1c), "a"(0x1122334455667788ull));
	check_eq("load8 into ah", a, 0x1122334455660088ull | testdev_pattern_value(0x1c, 1) << 8);
	__asm__ __volatile__("movq (%%rbx), %%r9" : "=r"(r9) : "b"(DEV + 0x28));
	check_eq("load64 into r9 (rex.r)", r9, testdev_pattern_value(0x28, 8));
	__asm__ __volatile__("movl (%%rbx), %%r10d" : "=r"(r10) : "b"(DEV + 0x30));
	check_eq("load32 into r10d", r10, testdev_pattern_value(0x30, 4));
	__asm__ __volatile__("movl (%%r12), %%eax" : "=a"(a) : "r"(r12));
	check_eq("load32 base r12 (rex.b, sib)", a, testdev_pattern_value(0x40, 4));
	__asm__ __volatile__("movl (%%rbx,%%rcx,4), %%eax" : "=a"(a) : "b"(DEV + 0x50), "c"(3));
	check_eq("load32 sib index*4", a, testdev_pattern_value(0x5c, 4));
	__asm__ __volatile__("movl (%%ebx), %%eax" : "=a"(a) : "b"(DEV + 0x60));
	check_eq("load32 addr32 (67)", a, testdev_pattern_value(0x60, 4));
	__asm__ __volatile__("movl %%fs:(%%rbx), %%eax" : "=a"(a) : "b"(DEV + 0x64));
	check_eq("load32 fs override (64)", a, testdev_pattern_value(0x64, 4));
	__asm__ __volatile__("movzbl (%%rbx), %%eax" : "=a"(a) : "b"(DEV + 0x70), "a"(~0ull));
	check_eq("movzx byte (0f b6)", a, testdev_pattern_value(0x70, 1));
	__asm__ __volatile__("movzwq (%%rbx), %%rax" : "=a"(a) : "b"(DEV + 0x72), "a"(~0ull));
	check_eq("movzx word (48 0f b7)", a, testdev_pattern_value(0x72, 2));
	/* Offset 0: pattern byte 0xa5, sign bit set. */
	__asm__ __volatile__("movsbq (%%rbx), %%rax" : "=a"(a) : "b"(DEV));
	check_eq("movsx byte (48 0f be)", a, 0xffffffffffffff00ull | testdev_pattern_value(0, 1));
	__asm__ __volatile__("movswl (%%rbx), %%eax" : "=a"(a) : "b"(DEV), "a"(~0ull));
	b = testdev_pattern_value(0, 2);
	check_eq("movsx word (0f bf)", a, (b & 0x8000) ? (0xffff0000ull | b) : b);
	__asm__ __volatile__("movslq (%%rbx), %%rax" : "=a"(a) : "b"(DEV + 0x80));
	b = testdev_pattern_value(0x80, 4);
	check_eq("movsxd (48 63)", a, (b & 0x80000000ull) ? (0xffffffff00000000ull | b) : b);
	__asm__ __volatile__("movabs 0xe0000090, %%al" : "=a"(a) : "a"(0));
	check_eq("moffs load8 (a0)", a, testdev_pattern_value(0x90, 1));
	__asm__ __volatile__("movabs 0xe0000094, %%eax" : "=a"(a));
	check_eq("moffs load32 (a1)", a, testdev_pattern_value(0x94, 4));
	__asm__ __volatile__("movabs 0xe0000098, %%rax" : "=a"(a));
	check_eq("moffs load64 (48 a1)", a, testdev_pattern_value(0x98, 8));
}

static void stores(void)
{
	register uint64_t r11 __asm__("r11") = 0x0123456789abcdefull;

	__asm__ __volatile__("movb %%cl, (%%rbx)" : : "b"(DEV + 0x800), "c"(0x11) : "memory");
	__asm__ __volatile__("movw %%cx, (%%rbx)" : : "b"(DEV + 0x802), "c"(0x2233) : "memory");
	__asm__ __volatile__("movl %%ecx, (%%rbx)" : : "b"(DEV + 0x804), "c"(0x44556677) : "memory");
	__asm__ __volatile__("movq %%rcx, (%%rbx)" : : "b"(DEV + 0x808),
	                     "c"(0x8899aabbccddeeffull) : "memory");
	__asm__ __volatile__("movb $0x5a, (%%rbx)" : : "b"(DEV + 0x810) : "memory");
	__asm__ __volatile__("movl $0x12345678, (%%rbx)" : : "b"(DEV + 0x814) : "memory");
	__asm__ __volatile__("movq $-2, (%%rbx)" : : "b"(DEV + 0x818) : "memory");
	__asm__ __volatile__("movw $0xbeef, (%%rbx)" : : "b"(DEV + 0x820) : "memory");
	__asm__ __volatile__("movb %%ah, (%%rbx)" : : "b"(DEV + 0x822), "a"(0x9c00) : "memory");
	__asm__ __volatile__("movq %%r11, (%%rbx)" : : "b"(DEV + 0x828), "r"(r11) : "memory");
	__asm__ __volatile__("movabs %%al, 0xe0000830" : : "a"(0x77) : "memory");
	__asm__ __volatile__("movabs %%rax, 0xe0000838" : : "a"(0x1122334455667788ull)
	                     : "memory");
	check_eq("store8 (88) read back", rd64(DEV + 0x800) & 0xff, 0x11);
	check_eq("store16 (66 89) read back", (rd64(DEV + 0x800) >> 16) & 0xffff, 0x2233);
	check_eq("store32 (89) read back", rd64(DEV + 0x800) >> 32, 0x44556677);
	check_eq("store64 (48 89) read back", rd64(DEV + 0x808), 0x8899aabbccddeeffull);
	check_eq("store imm8 (c6) read back", rd64(DEV + 0x810) & 0xff, 0x5a);
	check_eq("store imm32 (c7) read back", rd64(DEV + 0x810) >> 32, 0x12345678);
	check_eq("store imm32 sign-extended (48 c7)", rd64(DEV + 0x818), 0xfffffffffffffffeull);
	check_eq("store imm16 and ah read back", rd64(DEV + 0x820) & 0xffffff, 0x9cbeef);
	check_eq("store r11 (4c 89) read back", rd64(DEV + 0x828), 0x0123456789abcdefull);
	check_eq("moffs store8 (a2) read back", rd64(DEV + 0x830) & 0xff, 0x77);
	check_eq("moffs store64 (48 a3) read back", rd64(DEV + 0x838), 0x1122334455667788ull);
}

static void strings(void)
{
	static char buf[32] __attribute__((aligned(8))) = "BareGT!!";
	uint64_t rcx, rdi, rsi;

	__asm__ __volatile__("rep stosl" : "=c"(rcx), "=D"(rdi)
	                     : "c"(4), "D"(DEV + 0x840), "a"(0xdeadbeef) : "memory");
	check_eq("rep stos: rcx reaches 0", rcx, 0);
	check_eq("rep stos: rdi advanced", rdi, DEV + 0x850);
	check_eq("rep stos read back", rd64(DEV + 0x848), 0xdeadbeefdeadbeefull);
	__asm__ __volatile__("stosb" : "=D"(rdi) : "D"(DEV + 0x850), "a"(0xef) : "memory");
	check_eq("stosb read back", rd64(DEV + 0x850) & 0xff, 0xef);
	/* RAM → device */
	__asm__ __volatile__("rep movsl" : "=c"(rcx), "=S"(rsi), "=D"(rdi)
	                     : "c"(2), "S"(buf), "D"(DEV + 0x860) : "memory");
	check_eq("rep movs ram->dev read back", rd64(DEV + 0x860), 0x2121544765726142ull);
	/* device → RAM */
	__asm__ __volatile__("rep movsq" : "=c"(rcx), "=S"(rsi), "=D"(rdi)
	                     : "c"(2), "S"(DEV), "D"(buf + 8) : "memory");
	check_eq("rep movs dev->ram qword 0", *(volatile uint64_t *)(buf + 8), testdev_pattern_value(0, 8));
	check_eq("rep movs dev->ram qword 1", *(volatile uint64_t *)(buf + 16), testdev_pattern_value(8, 8));
	check_eq("rep movs dev->ram rsi", rsi, DEV + 16);
	/* backwards: DF = 1 */
	__asm__ __volatile__("std; rep movsl; cld" : "=c"(rcx), "=S"(rsi), "=D"(rdi)
	                     : "c"(3), "S"(DEV + 0x208), "D"(buf + 8 + 8) : "memory");
	/* +0x208, +0x204, +0x200 land at buf+16, +12, +8. */
	check_eq("std rep movs dev->ram", *(volatile uint64_t *)(buf + 12),
	         testdev_pattern_value(0x204, 4) | testdev_pattern_value(0x208, 4) << 32);
	check_eq("std rep movs first element", *(volatile uint32_t *)(buf + 8),
	         testdev_pattern_value(0x200, 4));
	check_eq("std rep movs rsi went down", rsi, DEV + 0x1fc);
}

static void write_protected(void)
{
	volatile uint64_t *wp = (volatile uint64_t *)TESTDEV_WP_GPA;

	wp[2] = 0xcafef00d12345678ull;
	check_eq("wp page write applied", wp[2], 0xcafef00d12345678ull);
	wp[511] = 0x5555555555555555ull;
	check_eq("wp page write vetoed", wp[511], 0);
}

/*
 * Accesses that straddle the edge of the write-protected page: the bytes
 * on the protected page go to its callback (which may veto them), the
 * bytes in plain RAM are written; neither side is shifted.
 */
static void straddles(void)
{
	volatile uint32_t *below = (volatile uint32_t *)(TESTDEV_WP_GPA - 4);
	volatile uint32_t *wp0 = (volatile uint32_t *)TESTDEV_WP_GPA;
	volatile uint32_t *wp_last = (volatile uint32_t *)(TESTDEV_WP_GPA + 0xffc);
	volatile uint32_t *above = (volatile uint32_t *)(TESTDEV_WP_GPA + 0x1000);
	uint64_t dst;

	/* STOSQ whose element starts 4 bytes below the page: the exit comes
	 * for the protected half only. */
	dst = (uint64_t)(uintptr_t)below;
	__asm__ __volatile__("stosq" : "+D"(dst) : "a"(0x1122334455667788ull)
	                     : "memory");
	check_eq("stos ram->wp: ram half written", *below, 0x55667788);
	check_eq("stos ram->wp: wp half through the callback", *wp0, 0x11223344);
	/* The same with a MOV: its operand crosses into the page. */
	*(volatile uint64_t *)(uintptr_t)below = 0x99aabbccddeeff00ull;
	check_eq("mov ram->wp: ram half written", *below, 0xddeeff00);
	check_eq("mov ram->wp: wp half through the callback", *wp0, 0x99aabbcc);
	/* A MOV from the page's last dword into RAM: the protected half is
	 * vetoed, the RAM half still lands. */
	*(volatile uint64_t *)(uintptr_t)wp_last = 0x7777777766666666ull;
	check_eq("mov wp->ram: vetoed half dropped", *wp_last, 0);
	check_eq("mov wp->ram: ram half written", *above, 0x77777777);
}

/*
 * The hypervisor keeps the last MMIO instruction it decoded (vmx/insn_cache.c).
 * Run code at one linear address, then change what is there two ways
 * (rewrite its bytes; point its page at another page), and each time the
 * device must see the new instruction's access, not the old one's.
 */
static uint8_t code_pages[2][4096] __attribute__((aligned(4096)));

static uint64_t run_at(const uint8_t *code, uintptr_t rbx)
{
	uint64_t a;

	__asm__ __volatile__("call *%2" : "=a"(a) : "b"(rbx), "r"(code), "a"(0)
	                     : "memory");
	return a;
}

static void code_changes(void)
{
	static const uint8_t load32[] = { 0x8b, 0x03, 0xc3 };      /* mov (%rbx),%eax; ret */
	static const uint8_t load8[] = { 0x8a, 0x03, 0xc3 };       /* mov (%rbx),%al; ret */
	static const uint8_t load16[] = { 0x66, 0x8b, 0x03, 0xc3 };/* mov (%rbx),%ax; ret */
	uint8_t *a = code_pages[0], *b = code_pages[1];
	uint64_t *pte, old;
	int i;

	memcpy(a, load32, sizeof(load32));
	for (i = 0; i < 2; i++)     /* the second run can come from the cache */
		check_eq("code run twice: load32", run_at(a, DEV + 0x110),
		         testdev_pattern_value(0x110, 4));
	memcpy(a, load8, sizeof(load8));
	check_eq("code rewritten in place: load8 now", run_at(a, DEV + 0x110),
	         testdev_pattern_value(0x110, 1));
	/* Page a, same bytes still there, now maps page b's frame. */
	memcpy(b, load16, sizeof(load16));
	pte = pte_of((uintptr_t)a);
	if (!pte) {
		check_eq("code page remapped: pte found", 0, 1);
		return;
	}
	old = *pte;
	*pte = (old & ~PTE_ADDR) | (uintptr_t)b;
	page_update((uintptr_t)a, 0, 0);        /* flushes the TLB */
	check_eq("code page remapped: load16 now", run_at(a, DEV + 0x110),
	         testdev_pattern_value(0x110, 2));
	*pte = old;
	page_update((uintptr_t)a, 0, 0);
	check_eq("code page mapped back: load8 again", run_at(a, DEV + 0x110),
	         testdev_pattern_value(0x110, 1));
}

int guest_main(const char *cmdline)
{
	(void)cmdline;
	printf("%s: MMIO emulation tests against the test device\n", guest_name);
	loads();
	stores();
	strings();
	write_protected();
	straddles();
	code_changes();
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
