/*
 * hv/load/common.c — what the image formats share: bounded access to the
 * image and to guest RAM, placing a segment of the image, the boot
 * information area, module placement, the GDT, the identity page tables
 * and the machine state at entry (docs/guests.md, "Guest-physical memory"
 * and "Entry state"). Private to hv/load/ (common.h).
 */
#include "hv/load/common.h"
#include "hv/config/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/x86.h"

#define PAGE_SIZE      0x1000u
#define PT_ENTRIES     512u

/* Control-register and EFER bits (SDM Vol. 3A §2.5, §2.2.1). */
#define CR0_ET   (1ull << 4)

/* Page-table entry bits (SDM Vol. 3A §4.5, Tables 4-15 to 4-18). */
#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_PS   (1ull << 7)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)

/* Segment descriptor fields (SDM Vol. 3A §3.4.5, Figure 3-8). */
#define SEG_P          0x80u   /* access byte: present */
#define SEG_S          0x10u   /* code or data (not system) */
#define SEG_CODE_XR    0x0Au   /* type: execute/read */
#define SEG_DATA_RW    0x02u   /* type: read/write */
#define SEG_G          0x8u    /* flags nibble: 4 KiB granularity */
#define SEG_DB         0x4u    /* default operation size 32 bit */
#define SEG_L          0x2u    /* 64-bit code segment */

_Static_assert(GUEST_PD_GPA + GUEST_PT_MAX_GIB * PAGE_SIZE <= GUEST_INFO_GPA,
               "the page directories end below the information area");
_Static_assert(GUEST_INFO_END <= GUEST_STACK_TOP &&
               GUEST_STACK_TOP <= GUEST_IMAGE_MIN,
               "boot structures, then the stack, then the image");

/* ---- image and RAM ---------------------------------------------------- */

bool ld_fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (ld->err != NULL && ld->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(ld->err, ld->errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

uint16_t ld_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

uint32_t ld_get32(const uint8_t *p)
{
	return (uint32_t)ld_get16(p) | (uint32_t)ld_get16(p + 2) << 16;
}

uint64_t ld_get64(const uint8_t *p)
{
	return (uint64_t)ld_get32(p) | (uint64_t)ld_get32(p + 4) << 32;
}

void ld_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void ld_put32(uint8_t *p, uint32_t v)
{
	ld_put16(p, (uint16_t)v);
	ld_put16(p + 2, (uint16_t)(v >> 16));
}

void ld_put64(uint8_t *p, uint64_t v)
{
	ld_put32(p, (uint32_t)v);
	ld_put32(p + 4, (uint32_t)(v >> 32));
}

bool ld_fits(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

uint8_t *ld_ram(struct loader *ld, uint64_t gpa)
{
	return ld->req->ram + gpa;
}

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

bool ld_load_segment(struct loader *ld, const char *what,
                     const struct ld_segment *seg, bool below_4g)
{
	uint64_t ram_bytes = ld->req->ram_bytes, end;
	struct guest_entry *out = ld->out;

	if (seg->file_size > seg->mem_size)
		return ld_fail(ld, "%s: file size 0x%llx is larger than its "
		               "memory size 0x%llx", what,
		               (unsigned long long)seg->file_size,
		               (unsigned long long)seg->mem_size);
	if (!ld_fits(seg->file_offset, seg->file_size, ld->image_size))
		return ld_fail(ld, "image truncated: %s at file offset 0x%llx + "
		               "0x%llx is past the end of the 0x%llx byte file",
		               what, (unsigned long long)seg->file_offset,
		               (unsigned long long)seg->file_size,
		               (unsigned long long)ld->image_size);
	if (seg->mem_size > UINT64_MAX - seg->gpa)
		return ld_fail(ld, "%s at 0x%llx with size 0x%llx wraps around "
		               "the address space", what,
		               (unsigned long long)seg->gpa,
		               (unsigned long long)seg->mem_size);
	end = seg->gpa + seg->mem_size;
	if (seg->gpa < GUEST_IMAGE_MIN)
		return ld_fail(ld, "%s at 0x%llx-0x%llx is below 1 MiB", what,
		               (unsigned long long)seg->gpa,
		               (unsigned long long)end);
	if (end > ram_bytes)
		return ld_fail(ld, "%s at 0x%llx-0x%llx ends beyond RAM (0x%llx)",
		               what, (unsigned long long)seg->gpa,
		               (unsigned long long)end,
		               (unsigned long long)ram_bytes);
	if (below_4g && end > LD_4GIB)
		return ld_fail(ld, "%s at 0x%llx-0x%llx ends beyond 4 GiB, out of "
		               "reach of a 32-bit guest", what,
		               (unsigned long long)seg->gpa,
		               (unsigned long long)end);

	if (seg->file_size > 0)
		memcpy(ld_ram(ld, seg->gpa), ld->image + seg->file_offset,
		       (size_t)seg->file_size);
	memset(ld_ram(ld, seg->gpa + seg->file_size), 0,
	       (size_t)(seg->mem_size - seg->file_size));
	if (seg->gpa < out->image_start)
		out->image_start = seg->gpa;
	if (end > out->image_end)
		out->image_end = end;
	return true;
}

/* ---- the information area --------------------------------------------- */

void info_init(struct info_area *a, struct loader *ld)
{
	a->ram = ld->req->ram;
	a->used = 0;
	memset(ld_ram(ld, GUEST_INFO_GPA), 0, GUEST_INFO_END - GUEST_INFO_GPA);
}

static bool info_full(struct loader *ld, const char *what)
{
	return ld_fail(ld, "boot information does not fit in 64 KiB: no room "
	               "for %s", what);
}

bool info_alloc(struct loader *ld, struct info_area *a, uint32_t size,
                uint32_t align, uint64_t *gpa)
{
	const uint32_t cap = GUEST_INFO_END - GUEST_INFO_GPA;
	uint32_t at = (uint32_t)align_up(a->used, align);

	if (at > cap || size > cap - at)
		return info_full(ld, "its tables");
	*gpa = GUEST_INFO_GPA + at;
	a->used = at + size;
	return true;
}

/* Length of s, counting at most max characters. */
static size_t bounded_strlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

bool info_put_string(struct loader *ld, struct info_area *a, const char *s,
                     const char *what, uint64_t *gpa)
{
	const uint32_t room = (GUEST_INFO_END - GUEST_INFO_GPA) - a->used;
	size_t len;

	if (s == NULL)
		s = "";
	len = bounded_strlen(s, room);
	if (len >= room)                    /* no room left for the NUL */
		return info_full(ld, what);
	*gpa = GUEST_INFO_GPA + a->used;
	memcpy(a->ram + *gpa, s, len + 1);
	a->used += (uint32_t)len + 1;
	return true;
}

/* ---- modules ---------------------------------------------------------- */

bool ld_place_modules(struct loader *ld, bool below_4g)
{
	const struct guest_load_req *req = ld->req;
	uint64_t gpa = align_up(ld->out->image_end, GUEST_MODULE_ALIGN);
	unsigned i;

	/* image_end <= ram_bytes, a multiple of 2 MiB: gpa <= ram_bytes. */
	for (i = 0; i < req->nmodules; i++) {
		const struct guest_module *m = &req->modules[i];

		if (m->size > req->ram_bytes - gpa)
			return ld_fail(ld, "module %u (%llu bytes) does not fit in "
			               "RAM (placed at 0x%llx, RAM ends at 0x%llx)",
			               i + 1, (unsigned long long)m->size,
			               (unsigned long long)gpa,
			               (unsigned long long)req->ram_bytes);
		/* A 32-bit end address is one past the module (Multiboot
		 * mod_end, §3.3), so the end itself must lie below 4 GiB. */
		if (below_4g && gpa + m->size >= LD_4GIB)
			return ld_fail(ld, "module %u (%llu bytes at 0x%llx) ends "
			               "beyond 4 GiB, out of reach of a %s guest",
			               i + 1, (unsigned long long)m->size,
			               (unsigned long long)gpa, ld->format->what);
		if (m->size > 0)
			memcpy(ld_ram(ld, gpa), m->data, (size_t)m->size);
		ld->out->module_gpa[i] = gpa;
		gpa = align_up(gpa + m->size, GUEST_MODULE_ALIGN);
	}
	return true;
}

/* ---- GDT -------------------------------------------------------------- */

/* A code or data descriptor (SDM Vol. 3A §3.4.5, Figure 3-8). */
static uint64_t gdt_descriptor(uint32_t base, uint32_t limit, uint8_t access,
                               uint8_t flags)
{
	return (uint64_t)(limit & 0xFFFFu) |
	       (uint64_t)(base & 0xFFFFFFu) << 16 |
	       (uint64_t)access << 40 |
	       (uint64_t)((limit >> 16) & 0xFu) << 48 |
	       (uint64_t)(flags & 0xFu) << 52 |
	       (uint64_t)(base >> 24) << 56;
}

/*
 * Zeroes (the null descriptor and any unused slot), flat code (64-bit or
 * 32-bit) at cs_sel, flat data at ds_sel; the limit ends with the higher
 * of the two. Selectors are the format's constants: multiples of 8, in
 * the first page, never 0, never equal.
 */
static void write_gdt(struct loader *ld, bool long_mode, uint16_t cs_sel,
                      uint16_t ds_sel)
{
	uint8_t *gdt = ld_ram(ld, GUEST_GDT_GPA);
	uint8_t code_flags = long_mode ? (SEG_G | SEG_L) : (SEG_G | SEG_DB);
	uint16_t top = cs_sel > ds_sel ? cs_sel : ds_sel;

	memset(gdt, 0, PAGE_SIZE);
	ld_put64(gdt + cs_sel,
	         gdt_descriptor(0, 0xFFFFF, SEG_P | SEG_S | SEG_CODE_XR,
	                        code_flags));
	ld_put64(gdt + ds_sel,
	         gdt_descriptor(0, 0xFFFFF, SEG_P | SEG_S | SEG_DATA_RW,
	                        SEG_G | SEG_DB));
	ld->out->gdt_gpa = GUEST_GDT_GPA;
	ld->out->gdt_limit = (uint16_t)(top + 8 - 1);
	ld->out->cs_sel = cs_sel;
	ld->out->ds_sel = ds_sel;
}

/* ---- identity page tables --------------------------------------------- */

/*
 * Identity map of min(max(RAM, 4 GiB), 64 GiB) with 2 MiB pages (SDM
 * Vol. 3A §4.5): PML4[0] → PDPT, PDPT[i] → page directory i, PDEs
 * present|rw|PS. The part beyond RAM is where devices live (the test
 * device, later the vGPU's BARs): mapped uncached (PCD|PWT), so a guest can
 * reach device pages below 4 GiB without building tables first.
 */
static void write_page_tables(struct loader *ld)
{
	uint64_t ram_bytes = ld->req->ram_bytes;
	uint64_t span = ram_bytes > 4 * LD_GIB ? ram_bytes : 4 * LD_GIB;
	uint64_t npd = (span + LD_GIB - 1) / LD_GIB;
	uint8_t *pml4 = ld_ram(ld, GUEST_PML4_GPA);
	uint8_t *pdpt = ld_ram(ld, GUEST_PDPT_GPA);
	uint64_t i, j;

	if (npd > GUEST_PT_MAX_GIB)
		npd = GUEST_PT_MAX_GIB;
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	ld_put64(pml4, GUEST_PDPT_GPA | PTE_P | PTE_RW);
	for (i = 0; i < npd; i++) {
		uint64_t pd_gpa = GUEST_PD_GPA + i * PAGE_SIZE;
		uint8_t *pd = ld_ram(ld, pd_gpa);

		memset(pd, 0, PAGE_SIZE);
		ld_put64(pdpt + i * 8, pd_gpa | PTE_P | PTE_RW);
		for (j = 0; j < PT_ENTRIES; j++) {
			uint64_t gpa = i * LD_GIB + j * LD_LARGE_PAGE;

			ld_put64(pd + j * 8, gpa | PTE_P | PTE_RW | PTE_PS |
			                     (gpa >= ram_bytes ? PTE_PCD | PTE_PWT : 0));
		}
	}
}

/* ---- entry state ------------------------------------------------------ */

void ld_enter_long_mode(struct loader *ld, uint16_t cs_sel, uint16_t ds_sel)
{
	struct guest_entry *out = ld->out;

	write_gdt(ld, true, cs_sel, ds_sel);
	write_page_tables(ld);
	out->long_mode = true;
	out->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	out->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	out->efer = EFER_LME | EFER_LMA | EFER_NXE;
	out->cr3 = GUEST_PML4_GPA;
	out->rsp = GUEST_STACK_TOP;
}

void ld_enter_protected_mode(struct loader *ld, uint16_t cs_sel,
                             uint16_t ds_sel)
{
	struct guest_entry *out = ld->out;

	write_gdt(ld, false, cs_sel, ds_sel);
	out->long_mode = false;
	out->cr0 = CR0_PE | CR0_ET;
	out->cr4 = 0;
	out->efer = 0;
	out->cr3 = 0;
	out->rsp = GUEST_STACK_TOP;
}
