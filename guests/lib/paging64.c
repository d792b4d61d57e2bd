/*
 * guests/lib/paging64.c — editing the guest's own page tables (64-bit
 * guests): BareGT hands over an identity map of 2 MiB pages
 * (docs/guests.md); a test that wants one 4 KiB page user, read-only or
 * keyed splits the 2 MiB page around it into 512 4 KiB pages with the
 * same attributes first. Entry formats: SDM Vol. 3A §4.5 (4-level
 * paging). Tables are reached by their physical address, which the
 * identity map makes a valid pointer.
 */
#include "guest.h"

#define PTE_PS       (1ull << 7)
#define PTE_PAT_4K   (1ull << 7)     /* PAT bit of a 4 KiB PTE */
#define PTE_PAT_LARGE (1ull << 12)   /* PAT bit of a 2 MiB PDE */
#define LARGE_PAGE   0x200000ull
#define PT_POOL      8               /* 2 MiB pages a guest may split */

static uint64_t pt_pool[PT_POOL][512] __attribute__((aligned(4096)));
static unsigned pt_used;

static uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* A full TLB flush: the guest uses no global pages. */
static void flush_tlb(void)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(read_cr3()) : "memory");
}

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

/* Replace the 2 MiB leaf *pde by a page table that maps the same. */
static bool split_large(uint64_t *pde)
{
	uint64_t *pt, base = *pde & PTE_ADDR & ~(LARGE_PAGE - 1);
	uint64_t attr = *pde & ~PTE_ADDR & ~(PTE_PS | PTE_PAT_LARGE);
	unsigned i;

	if (pt_used == PT_POOL) {
		printf("FAIL paging: more than %u 2 MiB pages split\n", PT_POOL);
		return false;
	}
	if (*pde & PTE_PAT_LARGE)
		attr |= PTE_PAT_4K;
	pt = pt_pool[pt_used++];
	for (i = 0; i < 512; i++)
		pt[i] = (base + i * 0x1000ull) | attr;
	/* The table entry grants everything; the leaves keep the rights. */
	*pde = (uintptr_t)pt | PTE_P | PTE_RW | PTE_US;
	flush_tlb();
	return true;
}

/* The PML4E, PDPTE and PDE on va's walk, or false if the boot tables do
 * not map va with a page directory. */
static bool upper_entries(uintptr_t va, uint64_t *e[3])
{
	e[0] = &table_of(read_cr3())[(va >> 39) & 511];
	if (!(*e[0] & PTE_P))
		return false;
	e[1] = &table_of(*e[0])[(va >> 30) & 511];
	if (!(*e[1] & PTE_P) || (*e[1] & PTE_PS))
		return false;
	e[2] = &table_of(*e[1])[(va >> 21) & 511];
	return (*e[2] & PTE_P) != 0;
}

uint64_t *pte_of(uintptr_t va)
{
	uint64_t *e[3];

	if (!upper_entries(va, e)) {
		printf("FAIL paging: %#lx is not mapped by 2 MiB or 4 KiB pages\n",
		       (unsigned long)va);
		return NULL;
	}
	if ((*e[2] & PTE_PS) && !split_large(e[2]))
		return NULL;
	return &table_of(*e[2])[(va >> 12) & 511];
}

bool page_update(uintptr_t va, uint64_t set, uint64_t clear)
{
	uint64_t *pte = pte_of(va), *e[3];

	if (!pte)
		return false;
	*pte = (*pte | set) & ~clear;
	/* A user-mode address needs U/S = 1 at every level (SDM Vol. 3A
	 * §4.6); the other leaves keep their U/S = 0. */
	if ((set & PTE_US) && upper_entries(va, e)) {
		*e[0] |= PTE_US;
		*e[1] |= PTE_US;
		*e[2] |= PTE_US;
	}
	flush_tlb();
	return true;
}
