/*
 * tests/unit/test_gwalk.c — unit tests of vmx/gwalk.c: guest linear to
 * guest-physical translation through the guest's own page tables, in
 * every mode a guest can be in: paging off, 32-bit paging (SDM Vol. 3A
 * §4.3, 4 KiB pages and 4 MiB pages with CR4.PSE), PAE paging (§4.4, the
 * PDPTE from CR3 bits 31:5, 2 MiB and 4 KiB pages) and 4-level paging
 * (§4.5, 1 GiB, 2 MiB and 4 KiB pages).
 *
 * Guest RAM is a 1 MiB byte array; the read callback fails outside it and
 * logs every entry read, so the tests also check which entries a walk
 * reads (the entry address is the table base plus index times entry size).
 * Entries are written by hand from the SDM's formats; linear addresses are
 * split into their indices by hand in the comments.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/gwalk.h"

#define RAM_BYTES 0x100000u

/* Control bits, SDM Vol. 3A §2.5 and §2.2.1. */
#define CR0_PE    (1ull << 0)
#define CR0_WP    (1ull << 16)
#define CR0_PG    (1ull << 31)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)

/* Entry bits, SDM Vol. 3A Tables 4-4..4-6, 4-8..4-11, 4-14..4-20. */
#define P    (1ull << 0)
#define RW   (1ull << 1)
#define US   (1ull << 2)
#define PS   (1ull << 7)
#define PAT_LARGE (1ull << 12)     /* PAT bit of a 2M/4M/1G leaf */
#define XD   (1ull << 63)

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

/* ---- simulated guest RAM -------------------------------------------- */

#define LOG_MAX 8

struct gram {
	uint8_t mem[RAM_BYTES];
	unsigned nreads;
	uint64_t read_gpa[LOG_MAX];
	unsigned read_size[LOG_MAX];
};

static struct gram g;

static bool gram_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *value)
{
	struct gram *m = ctx;
	uint64_t v = 0;
	unsigned i;

	assert_ptr_equal(m, &g);
	if (size != 4 && size != 8)
		fail_msg("entry read of size %u at %#llx", size,
		         (unsigned long long)gpa);
	if (gpa % size != 0)
		fail_msg("unaligned %u-byte entry read at %#llx", size,
		         (unsigned long long)gpa);
	if (m->nreads < LOG_MAX) {
		m->read_gpa[m->nreads] = gpa;
		m->read_size[m->nreads] = size;
	}
	m->nreads++;
	if (gpa >= RAM_BYTES || RAM_BYTES - gpa < size)
		return false;
	for (i = 0; i < size; i++)
		v |= (uint64_t)m->mem[gpa + i] << (8 * i);
	*value = v;
	return true;
}

static void put64(uint64_t gpa, uint64_t v)
{
	unsigned i;

	assert_true(gpa + 8 <= RAM_BYTES && gpa % 8 == 0);
	for (i = 0; i < 8; i++)
		g.mem[gpa + i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint64_t gpa, uint32_t v)
{
	unsigned i;

	assert_true(gpa + 4 <= RAM_BYTES && gpa % 4 == 0);
	for (i = 0; i < 4; i++)
		g.mem[gpa + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(uint64_t gpa)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)g.mem[gpa + i] << (8 * i);
	return v;
}

static uint32_t get32(uint64_t gpa)
{
	return (uint32_t)g.mem[gpa] | (uint32_t)g.mem[gpa + 1] << 8 |
	       (uint32_t)g.mem[gpa + 2] << 16 | (uint32_t)g.mem[gpa + 3] << 24;
}

static int setup(void **state)
{
	(void)state;
	memset(&g, 0, sizeof g);
	return 0;
}

/* ---- walking -------------------------------------------------------- */

static struct gwalk_regs regs;

/* Accesses, short: the GWALK_* values of vmx/gwalk.h. */
#define READ      GWALK_READ
#define WRITE     GWALK_WRITE
#define FETCH     GWALK_FETCH
#define IMPLICIT  GWALK_IMPLICIT
#define NO_ERR    0xffffffffu      /* EXPECT_FAIL: error code not checked */

#define EXPECT_OK(lin, acc, want) \
	expect_walk_at(__FILE__, __LINE__, (lin), (acc), GW_OK, (want), 0)
#define EXPECT_FAIL(lin, acc, res) \
	expect_walk_at(__FILE__, __LINE__, (lin), (acc), (res), 0, NO_ERR)
/* A #PF result with its error code (PF_ERR_* of vmx/gwalk.h). */
#define EXPECT_PF(lin, acc, res, err) \
	expect_walk_at(__FILE__, __LINE__, (lin), (acc), (res), 0, (err))

static const char *result_name(enum gwalk_result r)
{
	switch (r) {
	case GW_OK:          return "GW_OK";
	case GW_NOT_PRESENT: return "GW_NOT_PRESENT";
	case GW_PROTECTION:  return "GW_PROTECTION";
	case GW_RESERVED:    return "GW_RESERVED";
	case GW_BAD_TABLE:   return "GW_BAD_TABLE";
	case GW_UNSUPPORTED: return "GW_UNSUPPORTED";
	}
	return "?";
}

static const char *access_name(unsigned acc)
{
	static const char *const names[] = {
		"read", "write", "fetch", "write+fetch?",
		"implicit read", "implicit write", "implicit fetch", "?",
	};

	return acc < 8 ? names[acc] : "?";
}

/*
 * Walk with the current regs; the read log starts empty each time. The
 * error code is checked when want_err is not NO_ERR; results that are no
 * #PF (GW_OK, GW_BAD_TABLE, GW_UNSUPPORTED) must always give 0.
 */
static void expect_walk_at(const char *file, int line, uint64_t linear,
                           unsigned acc, enum gwalk_result want_res,
                           uint64_t want_gpa, uint32_t want_err)
{
	uint64_t gpa = SENTINEL;
	uint32_t err = 0xdeadbeefu;
	enum gwalk_result r;

	g.nreads = 0;
	r = gwalk(&regs, linear, acc, gram_read, &g, &gpa, &err);
	if (r != want_res)
		fail_msg("%s:%d: %s of %#llx at CPL %u: %s, expected %s", file,
		         line, access_name(acc), (unsigned long long)linear,
		         regs.cpl, result_name(r), result_name(want_res));
	if (want_res == GW_OK && gpa != want_gpa)
		fail_msg("%s:%d: %s of %#llx -> gpa %#llx, expected %#llx", file,
		         line, access_name(acc), (unsigned long long)linear,
		         (unsigned long long)gpa, (unsigned long long)want_gpa);
	if (want_res == GW_OK || want_res == GW_BAD_TABLE ||
	    want_res == GW_UNSUPPORTED)
		want_err = 0;
	if (want_err != NO_ERR && err != want_err)
		fail_msg("%s:%d: %s of %#llx at CPL %u: error code %#x, "
		         "expected %#x", file, line, access_name(acc),
		         (unsigned long long)linear, regs.cpl, err, want_err);
}

/* The entries the last walk read, in order, all of one size. */
#define EXPECT_READS(size, ...) \
	expect_reads_at(__FILE__, __LINE__, (size), \
	                (const uint64_t[]){ __VA_ARGS__ }, \
	                sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))

static void expect_reads_at(const char *file, int line, unsigned size,
                            const uint64_t *gpas, size_t n)
{
	size_t i;

	if (g.nreads != n)
		fail_msg("%s:%d: %u entries read, expected %zu", file, line,
		         g.nreads, n);
	for (i = 0; i < n; i++)
		if (g.read_gpa[i] != gpas[i] || g.read_size[i] != size)
			fail_msg("%s:%d: read %zu: %u bytes at %#llx, expected %u "
			         "at %#llx", file, line, i, g.read_size[i],
			         (unsigned long long)g.read_gpa[i], size,
			         (unsigned long long)gpas[i]);
}

/* ---- paging off ------------------------------------------------------ */

static void test_paging_off(void **state)
{
	(void)state;
	regs = (struct gwalk_regs){ .cr0 = CR0_PE, .cr3 = 0x10000 };
	EXPECT_OK(0x12345678, READ, 0x12345678);
	EXPECT_OK(0x123456789ull, WRITE, 0x23456789);   /* 32-bit truncation */
	EXPECT_OK(0xffffffffull, READ, 0xffffffff);
	EXPECT_OK(0x100000000ull, READ, 0);
	EXPECT_OK(0xffffffffffffffffull, WRITE, 0xffffffff);
	assert_int_equal(g.nreads, 0);
	/* real mode, CR0 = 0 */
	regs.cr0 = 0;
	EXPECT_OK(0xb8000, WRITE, 0xb8000);
	/* EFER.LMA: the full 64 bits */
	regs.efer = EFER_LME | EFER_LMA;
	EXPECT_OK(0x123456789ull, READ, 0x123456789ull);
	EXPECT_OK(0xffff800000001000ull, WRITE, 0xffff800000001000ull);
	/* no paging: CR3, CR4 and CR0.WP play no part, nothing is read */
	regs = (struct gwalk_regs){ .cr0 = CR0_PE | CR0_WP,
	                            .cr3 = 0xfffffffff000ull,
	                            .cr4 = CR4_PAE | CR4_PSE | CR4_LA57 };
	EXPECT_OK(0x1c0000abcull, WRITE, 0xc0000abc);
	assert_int_equal(g.nreads, 0);
}

/* ---- 4-level paging -------------------------------------------------- */

/*
 * Tables: PML4 0x10000, PDPT 0x11000, PD 0x12000, PT 0x13000.
 * LIN4 = 0x40602abc: bits 47:39 = 0, 38:30 = 1, 29:21 = 3, 20:12 = 2,
 * offset 0xabc. Entries: PML4[0] at 0x10000, PDPT[1] at 0x11008,
 * PD[3] at 0x12018, PT[2] at 0x13010; the page is 0xabcd000.
 */
#define LIN4      0x40602abcull
#define PML4      0x10000ull
#define PDPT      0x11000ull
#define PD        0x12000ull
#define PT        0x13000ull
#define E_PML4    (PML4 + 0 * 8)
#define E_PDPT    (PDPT + 1 * 8)
#define E_PD      (PD + 3 * 8)
#define E_PT      (PT + 2 * 8)
#define PAGE4     0xabcd000ull

static void build_4level(void)
{
	regs = (struct gwalk_regs){
		.cr0 = CR0_PE | CR0_WP | CR0_PG, .cr3 = PML4,
		.cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
	put64(E_PML4, PDPT | P | RW | US);
	put64(E_PDPT, PD | P | RW | US);
	put64(E_PD, PT | P | RW | US);
	put64(E_PT, PAGE4 | P | RW | US);
}

static void test_4level_4k(void **state)
{
	(void)state;
	build_4level();
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_READS(8, E_PML4, E_PDPT, E_PD, E_PT);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	EXPECT_OK(0x40602000, READ, 0xabcd000);       /* first byte */
	EXPECT_OK(0x40602fff, WRITE, 0xabcdfff);        /* last byte */
	/* the next page has PT[3] = 0: not present */
	EXPECT_FAIL(0x40603000, READ, GW_NOT_PRESENT);
	EXPECT_READS(8, E_PML4, E_PDPT, E_PD, PT + 3 * 8);
}

static void test_4level_every_index(void **state)
{
	(void)state;
	build_4level();
	/*
	 * 0x7ffffff123: bits 47:39 = 0, 38:30 = 0x1ff, 29:21 = 0x1ff,
	 * 20:12 = 0x1ff, offset 0x123: the last entry of each table.
	 */
	put64(PDPT + 511 * 8, PD | P | RW);
	put64(PD + 511 * 8, PT | P | RW);
	put64(PT + 511 * 8, 0x7654000 | P | RW);
	EXPECT_OK(0x7ffffff123ull, READ, 0x7654123);
	EXPECT_READS(8, E_PML4, PDPT + 511 * 8, PD + 511 * 8, PT + 511 * 8);
	/* 0xffff800040602abc: bits 47:39 = 0x100 (PML4 entry at 0x10800) */
	put64(PML4 + 256 * 8, PDPT | P | RW);
	EXPECT_OK(0xffff800040602abcull, READ, 0xabcdabc);
	EXPECT_READS(8, PML4 + 256 * 8, E_PDPT, E_PD, E_PT);
	/* 0xffffff8040602abc: bits 47:39 = 0x1ff, through a second PDPT */
	put64(PML4 + 511 * 8, 0x14000 | P | RW);
	put64(0x14000 + 1 * 8, PD | P | RW);
	EXPECT_OK(0xffffff8040602abcull, WRITE, 0xabcdabc);
	EXPECT_READS(8, PML4 + 511 * 8, 0x14000 + 8, E_PD, E_PT);
	/* bits 63:48 take no part in the walk */
	EXPECT_OK(0x1234000040602abcull, READ, 0xabcdabc);
	EXPECT_READS(8, E_PML4, E_PDPT, E_PD, E_PT);
}

static void test_4level_entry_bits(void **state)
{
	(void)state;
	build_4level();
	/* a leaf with every bit set: the address is bits 51:12 only */
	put64(E_PT, 0xffffffffffffffffull);
	EXPECT_OK(LIN4, WRITE, 0x000ffffffffffabcull);
	/* a non-leaf entry with XD, bits 62:52 and the ignored/A bits set */
	put64(E_PT, PAGE4 | P | RW);
	put64(E_PD, 0xfff0000000000000ull | PT | 0xf00 | 0x60 | P | RW | US);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	EXPECT_READS(8, E_PML4, E_PDPT, E_PD, E_PT);
	/* CR3: the PCID (bits 11:0) is not part of the address */
	regs.cr3 = PML4 | 0xfff;
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_READS(8, E_PML4, E_PDPT, E_PD, E_PT);
	/* XD on a leaf does not matter to a data access */
	put64(E_PT, XD | PAGE4 | P | RW);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
}

static void test_4level_2m(void **state)
{
	(void)state;
	build_4level();
	/*
	 * PD[3] maps a 2 MiB page at 0x1400000 (PAT bit 12 set, which is not
	 * an address bit). LIN4 & 0x1fffff = 0x2abc, and bit 12 of it is 0,
	 * so a PAT bit taken for an address bit would show.
	 */
	put64(E_PD, 0x1400000 | PAT_LARGE | PS | P | RW);
	EXPECT_OK(LIN4, READ, 0x1402abc);
	EXPECT_READS(8, E_PML4, E_PDPT, E_PD);
	EXPECT_OK(0x40600000, WRITE, 0x1400000);
	EXPECT_OK(0x407fffff, WRITE, 0x15fffff);
	EXPECT_OK(0x406fedcb, READ, 0x14fedcb);
	/* the PD entry before it is empty */
	EXPECT_FAIL(0x405fffff, READ, GW_NOT_PRESENT);
	/* a high frame: bits 51:21 */
	put64(E_PD, 0x000fffffffe00000ull | PS | P);
	EXPECT_OK(LIN4, READ, 0x000fffffffe02abcull);
}

static void test_4level_1g(void **state)
{
	(void)state;
	build_4level();
	/* PDPT[1] maps 1 GiB at 0x1c0000000; LIN4 & 0x3fffffff = 0x602abc */
	put64(E_PDPT, 0x1c0000000ull | PAT_LARGE | PS | P | RW);
	EXPECT_OK(LIN4, WRITE, 0x1c0602abcull);
	EXPECT_READS(8, E_PML4, E_PDPT);
	EXPECT_OK(0x40000000, READ, 0x1c0000000ull);
	EXPECT_OK(0x7fffffff, READ, 0x1ffffffffull);
	EXPECT_OK(0x6d2e4f10, READ, 0x1ed2e4f10ull);
	/* the PDPT entry after it is empty */
	EXPECT_FAIL(0x80000000, READ, GW_NOT_PRESENT);
	EXPECT_READS(8, E_PML4, PDPT + 2 * 8);
}

static void test_4level_not_present(void **state)
{
	static const uint64_t at[] = { E_PML4, E_PDPT, E_PD, E_PT };
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		uint64_t e;

		build_4level();
		e = get64(at[i]);
		/* P clear, everything else still there */
		put64(at[i], e & ~P);
		EXPECT_FAIL(LIN4, READ, GW_NOT_PRESENT);
		EXPECT_FAIL(LIN4, WRITE, GW_NOT_PRESENT);
		assert_int_equal(g.nreads, i + 1);   /* no further */
		/* all bits but P set */
		put64(at[i], ~P);
		EXPECT_FAIL(LIN4, READ, GW_NOT_PRESENT);
		put64(at[i], 0);
		EXPECT_FAIL(LIN4, WRITE, GW_NOT_PRESENT);
		/* with WP off too */
		regs.cr0 &= ~CR0_WP;
		EXPECT_FAIL(LIN4, WRITE, GW_NOT_PRESENT);
	}
	/* large pages */
	build_4level();
	put64(E_PD, 0x1400000 | PS | RW);
	EXPECT_FAIL(LIN4, READ, GW_NOT_PRESENT);
	put64(E_PDPT, 0x1c0000000ull | PS | RW);
	EXPECT_FAIL(LIN4, READ, GW_NOT_PRESENT);
	assert_int_equal(g.nreads, 2);
}

static void test_4level_read_only(void **state)
{
	static const uint64_t at[] = { E_PML4, E_PDPT, E_PD, E_PT };
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		build_4level();
		put64(at[i], get64(at[i]) & ~RW);
		/* CR0.WP = 1: a supervisor write faults, with P = 1 */
		EXPECT_FAIL(LIN4, WRITE, GW_PROTECTION);
		assert_int_equal(g.nreads, 4);        /* the whole walk */
		/* reads ignore R/W */
		EXPECT_OK(LIN4, READ, 0xabcdabc);
		/* CR0.WP = 0: supervisor writes go through */
		regs.cr0 &= ~CR0_WP;
		EXPECT_OK(LIN4, WRITE, 0xabcdabc);
		EXPECT_OK(LIN4, READ, 0xabcdabc);
	}
	/* every level writable: the write is fine with WP on */
	build_4level();
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
}

static void test_4level_read_only_large(void **state)
{
	(void)state;
	/* read-only 2 MiB leaf */
	build_4level();
	put64(E_PD, 0x1400000 | PS | P);
	EXPECT_FAIL(LIN4, WRITE, GW_PROTECTION);
	EXPECT_OK(LIN4, READ, 0x1402abc);
	regs.cr0 &= ~CR0_WP;
	EXPECT_OK(LIN4, WRITE, 0x1402abc);
	/* writable 1 GiB leaf under a read-only PML4 entry */
	build_4level();
	put64(E_PDPT, 0x1c0000000ull | PS | P | RW);
	put64(E_PML4, PDPT | P);
	EXPECT_FAIL(LIN4, WRITE, GW_PROTECTION);
	EXPECT_OK(LIN4, READ, 0x1c0602abcull);
	regs.cr0 &= ~CR0_WP;
	EXPECT_OK(LIN4, WRITE, 0x1c0602abcull);
}

static void test_4level_not_present_beats_read_only(void **state)
{
	(void)state;
	build_4level();
	put64(E_PML4, PDPT | P);                 /* read-only above */
	put64(E_PT, PAGE4 | RW);                 /* not present below */
	EXPECT_FAIL(LIN4, WRITE, GW_NOT_PRESENT);
}

static void test_4level_bad_table(void **state)
{
	(void)state;
	/* CR3 outside guest RAM */
	build_4level();
	regs.cr3 = RAM_BYTES;
	EXPECT_FAIL(LIN4, READ, GW_BAD_TABLE);
	EXPECT_READS(8, RAM_BYTES);
	regs.cr3 = 0x7fff0000000ull;
	EXPECT_FAIL(LIN4, WRITE, GW_BAD_TABLE);
	/* each lower table outside guest RAM */
	build_4level();
	put64(E_PML4, 0x200000 | P | RW);
	EXPECT_FAIL(LIN4, READ, GW_BAD_TABLE);
	EXPECT_READS(8, E_PML4, 0x200000 + 1 * 8);
	build_4level();
	put64(E_PDPT, 0x100000 | P | RW);        /* just past the end */
	EXPECT_FAIL(LIN4, READ, GW_BAD_TABLE);
	build_4level();
	put64(E_PD, 0x000ffffffffff000ull | P | RW);
	EXPECT_FAIL(LIN4, WRITE, GW_BAD_TABLE);
	/* the page itself is not read: outside RAM is no problem */
	build_4level();
	put64(E_PT, 0x000ffffffffff000ull | P | RW);
	EXPECT_OK(LIN4, READ, 0x000ffffffffffabcull);
	/* a table in the last page of RAM is fine */
	build_4level();
	put64(E_PD, (RAM_BYTES - 0x1000) | P | RW);
	put64(RAM_BYTES - 0x1000 + 2 * 8, 0x5000 | P | RW);
	EXPECT_OK(LIN4, READ, 0x5abc);
}

static void test_4level_la57_unsupported(void **state)
{
	(void)state;
	build_4level();
	regs.cr4 |= CR4_LA57;
	EXPECT_FAIL(LIN4, READ, GW_UNSUPPORTED);
	EXPECT_FAIL(LIN4, WRITE, GW_UNSUPPORTED);
	assert_int_equal(g.nreads, 0);
	EXPECT_FAIL(0, READ, GW_UNSUPPORTED);
}

/* ---- PAE paging ------------------------------------------------------ */

/*
 * CR3 = 0x20060: 32-byte aligned, not 4 KiB aligned; the PDPT is the 4
 * entries at 0x20060. LINP = 0xc0a02abc: bits 31:30 = 3, 29:21 = 5,
 * 20:12 = 2, offset 0xabc. PDPTE[3] at 0x20078, PD 0x21000 (entry 5 at
 * 0x21028), PT 0x22000 (entry 2 at 0x22010), page 0x345000.
 */
#define LINP      0xc0a02abcull
#define P_CR3     0x20060ull
#define P_PD      0x21000ull
#define P_PT      0x22000ull
#define P_E_PDPT  (P_CR3 + 3 * 8)
#define P_E_PD    (P_PD + 5 * 8)
#define P_E_PT    (P_PT + 2 * 8)

static void build_pae(void)
{
	regs = (struct gwalk_regs){
		.cr0 = CR0_PE | CR0_WP | CR0_PG, .cr3 = P_CR3,
		.cr4 = CR4_PAE, .efer = 0,
	};
	/* a PAE PDPTE has P and no R/W (bits 2:1 are reserved) */
	put64(P_E_PDPT, P_PD | P);
	put64(P_E_PD, P_PT | P | RW);
	put64(P_E_PT, 0x345000 | P | RW);
}

static void test_pae_4k(void **state)
{
	(void)state;
	build_pae();
	EXPECT_OK(LINP, READ, 0x345abc);
	EXPECT_READS(8, P_E_PDPT, P_E_PD, P_E_PT);
	/* the PDPTE has no R/W bit: writes with CR0.WP = 1 are fine */
	EXPECT_OK(LINP, WRITE, 0x345abc);
	EXPECT_OK(0xc0a02000, WRITE, 0x345000);
	EXPECT_OK(0xc0a02fff, WRITE, 0x345fff);
}

static void test_pae_upper_linear_bits_ignored(void **state)
{
	(void)state;
	build_pae();
	EXPECT_OK(0xffffffffc0a02abcull, READ, 0x345abc);
	EXPECT_READS(8, P_E_PDPT, P_E_PD, P_E_PT);
	EXPECT_OK(0x12345678c0a02abcull, WRITE, 0x345abc);
	EXPECT_READS(8, P_E_PDPT, P_E_PD, P_E_PT);
}

static void test_pae_cr3_bits(void **state)
{
	(void)state;
	build_pae();
	/* 0x00a02abc: PDPT index 0, the entry at CR3 itself (0x20060) */
	put64(P_CR3, P_PD | P);
	EXPECT_OK(0x00a02abc, READ, 0x345abc);
	EXPECT_READS(8, P_CR3, P_E_PD, P_E_PT);
	/* 0x40a02abc, 0x80a02abc: entries 1 and 2 */
	put64(P_CR3 + 8, P_PD | P);
	put64(P_CR3 + 16, P_PD | P);
	EXPECT_OK(0x40a02abc, READ, 0x345abc);
	EXPECT_READS(8, P_CR3 + 8, P_E_PD, P_E_PT);
	EXPECT_OK(0x80a02abc, READ, 0x345abc);
	EXPECT_READS(8, P_CR3 + 16, P_E_PD, P_E_PT);
	/* CR3 bits 4:0 (PWT, PCD, ignored) are not address bits */
	regs.cr3 = P_CR3 | 0x1f;
	EXPECT_OK(LINP, READ, 0x345abc);
	EXPECT_READS(8, P_E_PDPT, P_E_PD, P_E_PT);
	/* a PDPT 32 bytes further on: CR3 = 0x20080, entry 3 at 0x20098 */
	regs.cr3 = 0x20080;
	put64(0x20098, P_PD | P);
	EXPECT_OK(LINP, READ, 0x345abc);
	EXPECT_READS(8, 0x20098, P_E_PD, P_E_PT);
	/* a PDPT in the last 32 bytes of a page */
	regs.cr3 = 0x20fe0;
	put64(0x20ff8, P_PD | P);
	EXPECT_OK(LINP, READ, 0x345abc);
	EXPECT_READS(8, 0x20ff8, P_E_PD, P_E_PT);
}

static void test_pae_2m(void **state)
{
	(void)state;
	build_pae();
	/* PD[5] maps 2 MiB at 0x600000; LINP & 0x1fffff = 0x2abc */
	put64(P_E_PD, 0x600000 | PAT_LARGE | PS | P | RW);
	EXPECT_OK(LINP, WRITE, 0x602abc);
	EXPECT_READS(8, P_E_PDPT, P_E_PD);
	EXPECT_OK(0xc0a00000, READ, 0x600000);
	EXPECT_OK(0xc0bfffff, READ, 0x7fffff);
	/* a frame above 4 GiB (bits 51:21) */
	put64(P_E_PD, 0x2400000000ull | PS | P | RW);
	EXPECT_OK(LINP, READ, 0x2400002abcull);
	/* read-only */
	put64(P_E_PD, 0x600000 | PS | P);
	EXPECT_FAIL(LINP, WRITE, GW_PROTECTION);
	EXPECT_OK(LINP, READ, 0x602abc);
	regs.cr0 &= ~CR0_WP;
	EXPECT_OK(LINP, WRITE, 0x602abc);
}

static void test_pae_4k_high_frame(void **state)
{
	(void)state;
	build_pae();
	/* XD is an entry bit only with EFER.NXE (else reserved: see
	 * test_xd_without_nxe_is_reserved); it is no address bit */
	regs.efer = EFER_NXE;
	put64(P_E_PT, XD | 0x0000000876543000ull | P | RW);
	EXPECT_OK(LINP, READ, 0x876543abcull);
}

static void test_pae_not_present(void **state)
{
	static const uint64_t at[] = { P_E_PDPT, P_E_PD, P_E_PT };
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		build_pae();
		put64(at[i], get64(at[i]) & ~P);
		EXPECT_FAIL(LINP, READ, GW_NOT_PRESENT);
		EXPECT_FAIL(LINP, WRITE, GW_NOT_PRESENT);
		assert_int_equal(g.nreads, i + 1);
	}
}

static void test_pae_read_only(void **state)
{
	static const uint64_t at[] = { P_E_PD, P_E_PT };
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		build_pae();
		put64(at[i], get64(at[i]) & ~RW);
		EXPECT_FAIL(LINP, WRITE, GW_PROTECTION);
		EXPECT_OK(LINP, READ, 0x345abc);
		regs.cr0 &= ~CR0_WP;
		EXPECT_OK(LINP, WRITE, 0x345abc);
	}
}

static void test_pae_bad_table(void **state)
{
	(void)state;
	build_pae();
	regs.cr3 = 0xfffff000;                 /* PDPT outside RAM */
	EXPECT_FAIL(LINP, READ, GW_BAD_TABLE);
	EXPECT_READS(8, 0xfffff018);
	build_pae();
	put64(P_E_PDPT, 0x400000 | P);         /* PD outside RAM */
	EXPECT_FAIL(LINP, READ, GW_BAD_TABLE);
	build_pae();
	put64(P_E_PD, 0x40000000 | P | RW);    /* PT outside RAM */
	EXPECT_FAIL(LINP, WRITE, GW_BAD_TABLE);
}

static void test_pae_la57_without_lma(void **state)
{
	(void)state;
	/* LA57 selects 5-level paging only with EFER.LME/LMA; else PAE */
	build_pae();
	regs.cr4 |= CR4_LA57;
	EXPECT_OK(LINP, READ, 0x345abc);
	EXPECT_READS(8, P_E_PDPT, P_E_PD, P_E_PT);
}

/* ---- 32-bit paging --------------------------------------------------- */

/*
 * CR3 = 0x30000. LIN32 = 0x80402abc: bits 31:22 = 0x201 (PDE at 0x30000 +
 * 0x201 * 4 = 0x30804), bits 21:12 = 2 (PTE at 0x31000 + 8 = 0x31008),
 * offset 0xabc; the page is 0x456000. Entries are 4 bytes.
 */
#define LIN32     0x80402abcull
#define D_CR3     0x30000ull
#define D_PT      0x31000ull
#define D_E_PDE   (D_CR3 + 0x201 * 4)
#define D_E_PTE   (D_PT + 2 * 4)

static void build_32(bool pse)
{
	regs = (struct gwalk_regs){
		.cr0 = CR0_PE | CR0_WP | CR0_PG, .cr3 = D_CR3,
		.cr4 = pse ? CR4_PSE : 0, .efer = 0,
	};
	put32(D_E_PDE, (uint32_t)(D_PT | P | RW | US));
	put32(D_E_PTE, (uint32_t)(0x456000 | P | RW | US));
}

static void test_32bit_4k(void **state)
{
	(void)state;
	build_32(false);
	EXPECT_OK(LIN32, READ, 0x456abc);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
	EXPECT_OK(LIN32, WRITE, 0x456abc);
	EXPECT_OK(0x80402000, READ, 0x456000);
	EXPECT_OK(0x80402fff, READ, 0x456fff);
	/* bits 63:32 of the linear address are not used */
	EXPECT_OK(0xdead000080402abcull, READ, 0x456abc);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
	/* a PTE with every bit set: frame 0xfffff000 */
	put32(D_E_PTE, 0xffffffffu);
	EXPECT_OK(LIN32, WRITE, 0xfffffabc);
	/* the same walk with CR4.PSE and PS = 0 */
	build_32(true);
	EXPECT_OK(LIN32, READ, 0x456abc);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
}

static void test_32bit_every_index(void **state)
{
	(void)state;
	build_32(false);
	/* 0xfffff123: PDE 0x3ff at 0x30ffc, PTE 0x3ff at 0x31ffc */
	put32(D_CR3 + 0x3ff * 4, (uint32_t)(D_PT | P | RW));
	put32(D_PT + 0x3ff * 4, 0x9000 | P | RW);
	EXPECT_OK(0xfffff123, READ, 0x9123);
	EXPECT_READS(4, D_CR3 + 0xffc, D_PT + 0xffc);
	/* 0x00000123: PDE 0, PTE 0 */
	put32(D_CR3, (uint32_t)(D_PT | P | RW));
	put32(D_PT, 0x7000 | P);
	EXPECT_OK(0x123, READ, 0x7123);
	EXPECT_READS(4, D_CR3, D_PT);
	/* CR3 bits 11:0 (PWT, PCD, ignored) are not address bits */
	regs.cr3 = D_CR3 | 0xfff;
	EXPECT_OK(LIN32, READ, 0x456abc);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
}

static void test_32bit_4m_pse(void **state)
{
	(void)state;
	build_32(true);
	/*
	 * A 4 MiB page at 0xc00000 (PAT bit 12 set; bits 21:13 zero).
	 * LIN32 & 0x3fffff = 0x2abc.
	 */
	put32(D_E_PDE, (uint32_t)(0xc00000 | PAT_LARGE | PS | P | RW));
	EXPECT_OK(LIN32, WRITE, 0xc02abc);
	EXPECT_READS(4, D_E_PDE);
	EXPECT_OK(0x80400000, READ, 0xc00000);
	EXPECT_OK(0x807fffff, READ, 0xffffff);
	EXPECT_OK(0x806edcba, READ, 0xeedcba);
	/* the top 4 MiB frame */
	put32(D_E_PDE, (uint32_t)(0xffc00000u | PS | P));
	EXPECT_OK(LIN32, READ, 0xffc02abc);
	/* read-only 4 MiB page */
	EXPECT_FAIL(LIN32, WRITE, GW_PROTECTION);
	regs.cr0 &= ~CR0_WP;
	EXPECT_OK(LIN32, WRITE, 0xffc02abc);
}

static void test_32bit_ps_ignored_without_pse(void **state)
{
	(void)state;
	/* PDE = 0x31000 | PS | P | RW: a table pointer when CR4.PSE = 0 */
	build_32(false);
	put32(D_E_PDE, (uint32_t)(D_PT | PS | P | RW));
	EXPECT_OK(LIN32, READ, 0x456abc);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
	/* the same entry with CR4.PSE: a 4 MiB page; PDE bits 31:22 are 0 and
	 * bits 20:13 of 0x31000 (0x18) are physical bits 39:32 (PSE-36) */
	regs.cr4 = CR4_PSE;
	EXPECT_OK(LIN32, READ, 0x1800002abcull);
	EXPECT_READS(4, D_E_PDE);
	/* CR4.PAE = 0 and CR4.PSE = 0 with other CR4 bits set: still 4K */
	regs.cr4 = ~(CR4_PSE | CR4_PAE | CR4_LA57);
	EXPECT_OK(LIN32, READ, 0x456abc);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
}

/*
 * SDM Vol. 3A Table 4-6 (4 MiB PDE): bits 31:22 are address bits 31:22
 * and bits (M-20):13 are address bits (M-1):32 (PSE-36). With bit 13 set
 * the page is at 0x1_00c0_0000 on any CPU with MAXPHYADDR > 32, as every
 * VMX-capable one has.
 */
static void test_32bit_4m_pse36_high_bits(void **state)
{
	(void)state;
	build_32(true);
	put32(D_E_PDE, (uint32_t)(0xc00000 | (1u << 13) | PS | P | RW));
	EXPECT_OK(LIN32, READ, 0x100c02abcull);
	/* bits 20:13 = 0x12: address bits 39:32 = 0x12 */
	put32(D_E_PDE, (uint32_t)(0xc00000 | (0x12u << 13) | PS | P | RW));
	EXPECT_OK(LIN32, READ, 0x1200c02abcull);
}

static void test_32bit_not_present(void **state)
{
	(void)state;
	build_32(false);
	put32(D_E_PDE, get32(D_E_PDE) & ~1u);
	EXPECT_FAIL(LIN32, READ, GW_NOT_PRESENT);
	EXPECT_READS(4, D_E_PDE);
	build_32(false);
	put32(D_E_PTE, 0xfffffffeu);
	EXPECT_FAIL(LIN32, WRITE, GW_NOT_PRESENT);
	EXPECT_READS(4, D_E_PDE, D_E_PTE);
	build_32(true);
	put32(D_E_PDE, (uint32_t)(0xc00000 | PS | RW));
	EXPECT_FAIL(LIN32, READ, GW_NOT_PRESENT);
}

static void test_32bit_read_only(void **state)
{
	static const uint64_t at[] = { D_E_PDE, D_E_PTE };
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		build_32(false);
		put32(at[i], get32(at[i]) & ~(uint32_t)RW);
		EXPECT_FAIL(LIN32, WRITE, GW_PROTECTION);
		EXPECT_OK(LIN32, READ, 0x456abc);
		regs.cr0 &= ~CR0_WP;
		EXPECT_OK(LIN32, WRITE, 0x456abc);
	}
}

static void test_32bit_bad_table(void **state)
{
	(void)state;
	build_32(false);
	regs.cr3 = 0x7ffff000;
	EXPECT_FAIL(LIN32, READ, GW_BAD_TABLE);
	EXPECT_READS(4, 0x7ffff000 + 0x804);
	build_32(false);
	put32(D_E_PDE, 0x00100000 | P | RW);        /* PT just past RAM */
	EXPECT_FAIL(LIN32, WRITE, GW_BAD_TABLE);
	EXPECT_READS(4, D_E_PDE, 0x100008);
	/* a 4 MiB page needs no table: outside RAM is fine */
	build_32(true);
	put32(D_E_PDE, 0xfec00000u | PS | P | RW);
	EXPECT_OK(LIN32, READ, 0xfec02abc);
}

/* ---- access rights (SDM Vol. 3A §4.6) -------------------------------- */

#define CR4_SMEP  (1ull << 20)
#define CR4_SMAP  (1ull << 21)
#define CR4_PKE   (1ull << 22)
#define RFLAGS_AC (1ull << 18)
#define PKEY(k)   ((uint64_t)(k) << 59)      /* leaf bits 62:59 */
#define PKRU_AD(k) (1u << (2 * (k)))
#define PKRU_WD(k) (1u << (2 * (k) + 1))

/* The four entries of the 4-level walk of LIN4, top down. */
static const uint64_t walk4[] = { E_PML4, E_PDPT, E_PD, E_PT };

static void clear64(uint64_t gpa, uint64_t bits)
{
	put64(gpa, get64(gpa) & ~bits);
}

static void set64(uint64_t gpa, uint64_t bits)
{
	put64(gpa, get64(gpa) | bits);
}

/* A user access needs U/S = 1 in every entry; a supervisor access not. */
static void test_user_needs_us_at_every_level(void **state)
{
	unsigned i;

	(void)state;
	build_4level();                          /* U/S = 1 everywhere */
	regs.cpl = 3;
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	EXPECT_OK(LIN4, FETCH, 0xabcdabc);
	for (i = 0; i < 4; i++) {
		build_4level();
		clear64(walk4[i], US);
		regs.cpl = 3;
		EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
		assert_int_equal(g.nreads, 4);   /* rights: after the walk */
		EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
		          PF_ERR_P | PF_ERR_W | PF_ERR_U);
		/* I/D: a fetch, with PAE-type paging and EFER.NXE */
		EXPECT_PF(LIN4, FETCH, GW_PROTECTION,
		          PF_ERR_P | PF_ERR_U | PF_ERR_ID);
		/* CR0.WP changes nothing for user accesses */
		regs.cr0 &= ~CR0_WP;
		EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
		          PF_ERR_P | PF_ERR_W | PF_ERR_U);
		/* CPL 0, 1 and 2 are supervisor-mode: fine */
		for (regs.cpl = 0; regs.cpl < 3; regs.cpl++) {
			EXPECT_OK(LIN4, READ, 0xabcdabc);
			EXPECT_OK(LIN4, WRITE, 0xabcdabc);
			EXPECT_OK(LIN4, FETCH, 0xabcdabc);
		}
	}
	/* large leaves: their own U/S decides */
	build_4level();
	put64(E_PD, 0x1400000 | PS | P | RW);
	regs.cpl = 3;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	put64(E_PD, 0x1400000 | PS | P | RW | US);
	EXPECT_OK(LIN4, READ, 0x1402abc);
	put64(E_PDPT, 0x1c0000000ull | PS | P | RW);
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_U);
	put64(E_PDPT, 0x1c0000000ull | PS | P | RW | US);
	EXPECT_OK(LIN4, WRITE, 0x1c0602abcull);
}

static void test_user_needs_us_32bit_and_pae(void **state)
{
	(void)state;
	/* 32-bit paging: PDE and PTE both */
	build_32(true);
	regs.cpl = 3;
	EXPECT_OK(LIN32, WRITE, 0x456abc);
	put32(D_E_PDE, get32(D_E_PDE) & ~(uint32_t)US);
	/* no I/D bit in a fetch's error code: 32-bit paging, no SMEP */
	EXPECT_PF(LIN32, FETCH, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	build_32(true);
	regs.cpl = 3;
	put32(D_E_PTE, get32(D_E_PTE) & ~(uint32_t)US);
	EXPECT_PF(LIN32, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	regs.cpl = 0;
	EXPECT_OK(LIN32, READ, 0x456abc);
	/* a 4 MiB page without U/S */
	build_32(true);
	regs.cpl = 3;
	put32(D_E_PDE, (uint32_t)(0xc00000 | PS | P | RW));
	EXPECT_PF(LIN32, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_U);
	put32(D_E_PDE, (uint32_t)(0xc00000 | PS | P | RW | US));
	EXPECT_OK(LIN32, WRITE, 0xc02abc);
	/* PAE: the PDPTE has no U/S bit (build_pae leaves it 0), PD and PT
	 * entries decide */
	build_pae();
	regs.cpl = 3;
	EXPECT_PF(LINP, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	set64(P_E_PD, US);
	EXPECT_PF(LINP, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	set64(P_E_PT, US);
	EXPECT_OK(LINP, READ, 0x345abc);
	EXPECT_OK(LINP, WRITE, 0x345abc);
	clear64(P_E_PD, US);
	EXPECT_PF(LINP, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_U);
}

/* A user write needs R/W = 1 in every entry, whatever CR0.WP says. */
static void test_user_write_needs_rw_at_every_level(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		build_4level();
		clear64(walk4[i], RW);
		regs.cpl = 3;
		EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
		          PF_ERR_P | PF_ERR_W | PF_ERR_U);
		regs.cr0 &= ~CR0_WP;
		EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
		          PF_ERR_P | PF_ERR_W | PF_ERR_U);
		/* reads and fetches do not need R/W */
		EXPECT_OK(LIN4, READ, 0xabcdabc);
		EXPECT_OK(LIN4, FETCH, 0xabcdabc);
		/* a supervisor write with CR0.WP = 0 goes through */
		regs.cpl = 0;
		EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	}
	/* 32-bit paging and PAE */
	build_32(false);
	put32(D_E_PTE, get32(D_E_PTE) & ~(uint32_t)RW);
	regs.cpl = 3;
	regs.cr0 &= ~CR0_WP;
	EXPECT_PF(LIN32, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_U);
	build_pae();
	set64(P_E_PD, US);
	put64(P_E_PT, 0x345000 | P | US);
	regs.cpl = 3;
	regs.cr0 &= ~CR0_WP;
	EXPECT_PF(LINP, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_U);
	EXPECT_OK(LINP, READ, 0x345abc);
}

/* Supervisor writes to read-only pages fault only with CR0.WP = 1, on
 * supervisor-mode and user-mode addresses alike. */
static void test_supervisor_write_read_only_needs_wp(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		build_4level();
		clear64(walk4[i], RW);
		EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
		regs.cr0 &= ~CR0_WP;
		EXPECT_OK(LIN4, WRITE, 0xabcdabc);
		/* a supervisor-mode address */
		build_4level();
		clear64(walk4[i], RW);
		clear64(walk4[(i + 1) % 4], US);
		regs.cpl = 2;
		EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
		regs.cr0 &= ~CR0_WP;
		EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	}
}

/*
 * SMAP (§4.6.1): supervisor data accesses to user-mode addresses fault
 * unless EFLAGS.AC = 1 and the access is explicit.
 */
static void test_smap(void **state)
{
	(void)state;
	build_4level();
	/* without CR4.SMAP: all fine, AC or not, implicit or not */
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_OK(LIN4, WRITE | IMPLICIT, 0xabcdabc);
	regs.cr4 |= CR4_SMAP;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P);
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
	regs.cpl = 1;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P);
	/* EFLAGS.AC = 1 allows explicit accesses */
	regs.cpl = 0;
	regs.rflags = RFLAGS_AC | 2;
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	/* ... but not implicit ones, not even from CPL 3 */
	EXPECT_PF(LIN4, READ | IMPLICIT, GW_PROTECTION, PF_ERR_P);
	regs.cpl = 3;
	EXPECT_PF(LIN4, WRITE | IMPLICIT, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
	/* AC = 1 lifts SMAP only: CR0.WP still protects read-only pages */
	regs.cpl = 0;
	clear64(E_PT, RW);
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
	regs.cr0 &= ~CR0_WP;
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	/* supervisor-mode addresses: SMAP plays no part */
	build_4level();
	regs.cr4 |= CR4_SMAP;
	clear64(E_PDPT, US);
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_OK(LIN4, WRITE | IMPLICIT, 0xabcdabc);
	/* user-mode accesses and fetches: SMAP plays no part */
	build_4level();
	regs.cr4 |= CR4_SMAP;
	EXPECT_OK(LIN4, FETCH, 0xabcdabc);
	regs.cpl = 3;
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	/* 32-bit paging too */
	build_32(false);
	regs.cr4 |= CR4_SMAP;
	EXPECT_PF(LIN32, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
	regs.rflags = RFLAGS_AC;
	EXPECT_OK(LIN32, WRITE, 0x456abc);
}

/* SMEP (§4.6.1): no supervisor fetch from a user-mode address. */
static void test_smep(void **state)
{
	(void)state;
	build_4level();
	EXPECT_OK(LIN4, FETCH, 0xabcdabc);
	regs.cr4 |= CR4_SMEP;
	EXPECT_PF(LIN4, FETCH, GW_PROTECTION, PF_ERR_P | PF_ERR_ID);
	regs.rflags = RFLAGS_AC;                 /* AC is SMAP's, not SMEP's */
	EXPECT_PF(LIN4, FETCH, GW_PROTECTION, PF_ERR_P | PF_ERR_ID);
	/* data accesses and user fetches: fine */
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	regs.cpl = 3;
	EXPECT_OK(LIN4, FETCH, 0xabcdabc);
	/* a supervisor-mode address */
	regs.cpl = 0;
	clear64(E_PML4, US);
	EXPECT_OK(LIN4, FETCH, 0xabcdabc);
	/* 32-bit paging: SMEP alone makes the I/D bit appear */
	build_32(false);
	regs.cr4 |= CR4_SMEP;
	EXPECT_PF(LIN32, FETCH, GW_PROTECTION, PF_ERR_P | PF_ERR_ID);
	put32(D_E_PTE, 0x456000 | RW);      /* not present: P = 0, I/D = 1 */
	EXPECT_PF(LIN32, FETCH, GW_NOT_PRESENT, PF_ERR_ID);
}

/* XD (§4.6): with EFER.NXE, XD = 1 in any entry forbids fetches. */
static void test_nx(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		build_4level();
		set64(walk4[i], XD);
		EXPECT_PF(LIN4, FETCH, GW_PROTECTION, PF_ERR_P | PF_ERR_ID);
		regs.cpl = 3;
		EXPECT_PF(LIN4, FETCH, GW_PROTECTION,
		          PF_ERR_P | PF_ERR_U | PF_ERR_ID);
		EXPECT_OK(LIN4, READ, 0xabcdabc);
		EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	}
	/* PAE: PD and PT entries */
	build_pae();
	regs.efer = EFER_NXE;
	EXPECT_OK(LINP, FETCH, 0x345abc);
	set64(P_E_PD, XD);
	EXPECT_PF(LINP, FETCH, GW_PROTECTION, PF_ERR_P | PF_ERR_ID);
	EXPECT_OK(LINP, WRITE, 0x345abc);
	/* not present: P = 0, and I/D still says "fetch" */
	build_4level();
	clear64(E_PT, P);
	EXPECT_PF(LIN4, FETCH, GW_NOT_PRESENT, PF_ERR_ID);
}

/* XD without EFER.NXE is a reserved bit (§4.5, §4.4.2): #PF, RSVD = 1,
 * P = 1, and the walk stops at that entry. */
static void test_xd_without_nxe_is_reserved(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		build_4level();
		regs.efer &= ~EFER_NXE;
		EXPECT_OK(LIN4, FETCH, 0xabcdabc);
		set64(walk4[i], XD);
		EXPECT_PF(LIN4, READ, GW_RESERVED, PF_ERR_P | PF_ERR_RSVD);
		assert_int_equal(g.nreads, i + 1);
		EXPECT_PF(LIN4, WRITE, GW_RESERVED,
		          PF_ERR_P | PF_ERR_RSVD | PF_ERR_W);
		regs.cpl = 3;
		/* no I/D: neither NXE nor SMEP */
		EXPECT_PF(LIN4, FETCH, GW_RESERVED,
		          PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);
		regs.cr4 |= CR4_SMEP;
		EXPECT_PF(LIN4, FETCH, GW_RESERVED,
		          PF_ERR_P | PF_ERR_RSVD | PF_ERR_U | PF_ERR_ID);
	}
	/* the reserved entry above a not-present one decides */
	build_4level();
	regs.efer &= ~EFER_NXE;
	set64(E_PD, XD);
	clear64(E_PT, P);
	EXPECT_PF(LIN4, READ, GW_RESERVED, PF_ERR_P | PF_ERR_RSVD);
	/* reserved bits of a not-present entry are not looked at */
	put64(E_PD, XD | PT | RW);
	EXPECT_PF(LIN4, READ, GW_NOT_PRESENT, 0);
	/* PAE: the PD and PT entries; the PDPTE is not checked here (the
	 * CPU checks it when CR3 is loaded) */
	build_pae();
	set64(P_E_PT, XD);
	EXPECT_PF(LINP, READ, GW_RESERVED, PF_ERR_P | PF_ERR_RSVD);
	EXPECT_READS(8, P_E_PDPT, P_E_PD, P_E_PT);
	build_pae();
	set64(P_E_PD, XD);
	EXPECT_PF(LINP, WRITE, GW_RESERVED, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W);
	EXPECT_READS(8, P_E_PDPT, P_E_PD);
	/* 32-bit paging has no XD: 4-byte entries, nothing reserved */
	build_32(false);
	put32(D_E_PTE, 0x80000000u | 0x456000 | P | RW);
	EXPECT_OK(LIN32, FETCH, 0x80456abcull);
}

static void test_pml4e_ps_is_reserved(void **state)
{
	(void)state;
	build_4level();
	set64(E_PML4, PS);
	EXPECT_PF(LIN4, READ, GW_RESERVED, PF_ERR_P | PF_ERR_RSVD);
	EXPECT_READS(8, E_PML4);
	regs.cpl = 3;
	EXPECT_PF(LIN4, WRITE, GW_RESERVED,
	          PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U);
}

/*
 * Protection keys (§4.6.2): 4-level paging, CR4.PKE, user-mode addresses,
 * data accesses. Key k of the leaf (bits 62:59): PKRU AD_k refuses every
 * data access, WD_k user writes and (CR0.WP = 1) supervisor writes.
 */
static void build_pkeys(unsigned key, uint32_t pkru)
{
	build_4level();
	regs.cr4 |= CR4_PKE;
	regs.pkru = pkru;
	set64(E_PT, PKEY(key));
}

static void test_pkeys_access_disable(void **state)
{
	(void)state;
	build_pkeys(1, PKRU_AD(1));
	regs.cpl = 3;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U | PF_ERR_PK);
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
	          PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK);
	/* fetches are not data accesses */
	EXPECT_OK(LIN4, FETCH, 0xabcdabc);
	/* supervisor accesses too, CR0.WP or not */
	regs.cpl = 0;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_PK);
	regs.cr0 &= ~CR0_WP;
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_PK);
	/* other keys' bits do not matter */
	build_pkeys(1, ~(PKRU_AD(1) | PKRU_WD(1)));
	regs.cpl = 3;
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	/* key 15: PKRU bits 30 and 31; key 0 (bits 62:59 clear): bit 0 */
	build_pkeys(15, PKRU_AD(15));
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_PK);
	build_pkeys(0, PKRU_AD(0));
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_PK);
	/* the key is the leaf's, a large leaf's too */
	build_pkeys(0, PKRU_AD(2));
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	set64(E_PDPT, PKEY(2));                 /* not a leaf: ignored */
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	put64(E_PD, PKEY(2) | 0x1400000 | PS | P | RW | US);
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_PK);
	put64(E_PDPT, PKEY(2) | 0x1c0000000ull | PS | P | RW | US);
	regs.cpl = 3;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U | PF_ERR_PK);
}

static void test_pkeys_write_disable(void **state)
{
	(void)state;
	build_pkeys(1, PKRU_WD(1));
	regs.cpl = 3;
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
	          PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK);
	regs.cr0 &= ~CR0_WP;
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
	          PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK);
	/* supervisor writes: refused only with CR0.WP = 1 */
	regs.cpl = 0;
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	regs.cr0 |= CR0_WP;
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION, PF_ERR_P | PF_ERR_W | PF_ERR_PK);
	EXPECT_OK(LIN4, READ, 0xabcdabc);
	/* a read-only user page under WD: both reasons, PK reported */
	build_pkeys(1, PKRU_WD(1));
	clear64(E_PT, RW);
	regs.cpl = 3;
	EXPECT_PF(LIN4, WRITE, GW_PROTECTION,
	          PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK);
}

static void test_pkeys_only_where_they_apply(void **state)
{
	(void)state;
	/* CR4.PKE = 0: PKRU is not looked at */
	build_pkeys(1, PKRU_AD(1) | PKRU_WD(1));
	regs.cr4 &= ~CR4_PKE;
	regs.cpl = 3;
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	/* supervisor-mode addresses have no key (PKRU is for user pages) */
	build_pkeys(1, PKRU_AD(1) | PKRU_WD(1));
	clear64(E_PD, US);
	EXPECT_OK(LIN4, WRITE, 0xabcdabc);
	regs.cpl = 3;                            /* fails on U/S, not PK */
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	/* not present: no PK */
	build_pkeys(1, PKRU_AD(1));
	clear64(E_PT, P);
	regs.cpl = 3;
	EXPECT_PF(LIN4, READ, GW_NOT_PRESENT, PF_ERR_U);
	/* PAE paging has no keys: key 0's AD is not applied */
	build_pae();
	set64(P_E_PD, US);
	set64(P_E_PT, US);
	regs.cr4 |= CR4_PKE;
	regs.pkru = PKRU_AD(0) | PKRU_WD(0);
	regs.cpl = 3;
	EXPECT_OK(LINP, WRITE, 0x345abc);
	/* with SMAP refusing too, PK is still reported (§4.7) */
	build_pkeys(1, PKRU_AD(1));
	regs.cr4 |= CR4_SMAP;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_PK);
}

/* Implicit supervisor accesses are supervisor-mode even at CPL 3. */
static void test_implicit_supervisor_access(void **state)
{
	(void)state;
	build_4level();
	clear64(E_PT, US);
	regs.cpl = 3;
	EXPECT_PF(LIN4, READ, GW_PROTECTION, PF_ERR_P | PF_ERR_U);
	EXPECT_OK(LIN4, READ | IMPLICIT, 0xabcdabc);
	clear64(E_PT, RW);
	EXPECT_PF(LIN4, WRITE | IMPLICIT, GW_PROTECTION, PF_ERR_P | PF_ERR_W);
	regs.cr0 &= ~CR0_WP;
	EXPECT_OK(LIN4, WRITE | IMPLICIT, 0xabcdabc);
	/* U = 0 in its error code */
	clear64(E_PT, P);
	EXPECT_PF(LIN4, READ | IMPLICIT, GW_NOT_PRESENT, 0);
}

static void test_error_code_not_present(void **state)
{
	(void)state;
	build_4level();
	clear64(E_PD, P);
	EXPECT_PF(LIN4, READ, GW_NOT_PRESENT, 0);
	EXPECT_PF(LIN4, WRITE, GW_NOT_PRESENT, PF_ERR_W);
	EXPECT_PF(LIN4, FETCH, GW_NOT_PRESENT, PF_ERR_ID);
	regs.cpl = 3;
	EXPECT_PF(LIN4, READ, GW_NOT_PRESENT, PF_ERR_U);
	EXPECT_PF(LIN4, WRITE, GW_NOT_PRESENT, PF_ERR_W | PF_ERR_U);
	EXPECT_PF(LIN4, FETCH, GW_NOT_PRESENT, PF_ERR_U | PF_ERR_ID);
	/* not present beats every rights check */
	regs.cr4 |= CR4_SMAP | CR4_SMEP | CR4_PKE;
	regs.pkru = ~0u;
	set64(E_PML4, XD);
	clear64(E_PDPT, RW | US);
	EXPECT_PF(LIN4, WRITE, GW_NOT_PRESENT, PF_ERR_W | PF_ERR_U);
	/* no paging: no checks at all */
	regs.cr0 &= ~CR0_PG;
	EXPECT_OK(LIN4, WRITE, LIN4);
	EXPECT_OK(LIN4, FETCH, LIN4);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_paging_off),
		T(test_4level_4k),
		T(test_4level_every_index),
		T(test_4level_entry_bits),
		T(test_4level_2m),
		T(test_4level_1g),
		T(test_4level_not_present),
		T(test_4level_read_only),
		T(test_4level_read_only_large),
		T(test_4level_not_present_beats_read_only),
		T(test_4level_bad_table),
		T(test_4level_la57_unsupported),
		T(test_pae_4k),
		T(test_pae_upper_linear_bits_ignored),
		T(test_pae_cr3_bits),
		T(test_pae_2m),
		T(test_pae_4k_high_frame),
		T(test_pae_not_present),
		T(test_pae_read_only),
		T(test_pae_bad_table),
		T(test_pae_la57_without_lma),
		T(test_32bit_4k),
		T(test_32bit_every_index),
		T(test_32bit_4m_pse),
		T(test_32bit_ps_ignored_without_pse),
		T(test_32bit_4m_pse36_high_bits),
		T(test_32bit_not_present),
		T(test_32bit_read_only),
		T(test_32bit_bad_table),
		T(test_user_needs_us_at_every_level),
		T(test_user_needs_us_32bit_and_pae),
		T(test_user_write_needs_rw_at_every_level),
		T(test_supervisor_write_read_only_needs_wp),
		T(test_smap),
		T(test_smep),
		T(test_nx),
		T(test_xd_without_nxe_is_reserved),
		T(test_pml4e_ps_is_reserved),
		T(test_pkeys_access_disable),
		T(test_pkeys_write_disable),
		T(test_pkeys_only_where_they_apply),
		T(test_implicit_supervisor_access),
		T(test_error_code_not_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
