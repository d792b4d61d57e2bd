/*
 * guests/ggtttest — GGTT shadowing from the guest's side (docs/iommu.md):
 * it writes GGTT entries through BAR0 + 8 MiB and reads and writes the
 * pages they map through the aperture (BAR2), checking each rule:
 *   an entry in its window pointing at its RAM: the aperture reaches that
 *     RAM page, both ways, and it reads back its own value;
 *   an entry outside its windows: dropped (reads back 0);
 *   an entry pointing at a GPA outside its RAM: it reads back its value,
 *     but the aperture reaches only the scratch page (zeros, writes lost);
 *   4-byte writes of the two halves of an entry;
 *   an entry it never wrote, and one it cleared: the present scratch
 *     entry, so the aperture reads zeros there and writes are lost (a
 *     DMA fault), while the cleared entry reads back as the guest wrote
 *     it (issue 8, item 10);
 *   the aperture outside its window: all-ones.
 * BARs at their reset addresses (docs/vgpu.md). Each check prints PASS or
 * FAIL.
 */
#include "guest.h"

#define BAR0      0xf0000000ul
#define BAR2      0x80000000ul
#define PVINFO    (BAR0 + 0x78000)
#define GGTT      (BAR0 + 0x800000)
#define FLSH_CNTL (BAR0 + 0x101008)
#define PAGE      0x600000ul          /* a page of its RAM to map */
#define FOREIGN   0x40000000ul        /* a GPA far beyond its RAM */

static volatile uint64_t *gtt_entry(uint64_t gm)
{
	return (volatile uint64_t *)(GGTT + 8 * (gm >> 12));
}

static uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void flush(void)
{
	*(volatile uint32_t *)FLSH_CNTL = 1;
	(void)rd32(FLSH_CNTL);                 /* posting read, as i915 does */
}

int guest_main(const char *cmdline)
{
	uint64_t low = rd32(PVINFO + 0x40), high = rd32(PVINFO + 0x48);
	uint32_t id = rd32(PVINFO + 0xc);
	volatile uint32_t *ram = (volatile uint32_t *)PAGE;
	volatile uint32_t *ap = (volatile uint32_t *)(BAR2 + low);
	volatile uint32_t *ap_foreign = (volatile uint32_t *)(BAR2 + low + 4096);
	volatile uint32_t *half = (volatile uint32_t *)gtt_entry(low + 8192);
	unsigned i;

	(void)cmdline;
	printf("%s: vgt_id %u, aperture window at GM %#llx\n", guest_name, id,
	       (unsigned long long)low);
	for (i = 0; i < 1024; i++)
		ram[i] = id << 24 | i;

	*gtt_entry(low) = PAGE | 1;
	flush();
	check_eq("entry in window reads back its own value", *gtt_entry(low), PAGE | 1);
	check_eq("aperture reads its RAM page", ap[5], id << 24 | 5);
	check_eq("aperture reads the page's last dword", ap[1023], id << 24 | 1023);
	ap[16] = 0xfeedf00d;
	check_eq("aperture write lands in its RAM page", ram[16], 0xfeedf00d);

	*gtt_entry(0) = PAGE | 1;               /* GM 0: the host's */
	check_eq("entry outside its windows dropped", *gtt_entry(0), 0);

	*gtt_entry(low + 4096) = FOREIGN | 1;
	flush();
	check_eq("foreign entry reads back its own value", *gtt_entry(low + 4096),
	         FOREIGN | 1);
	check_eq("foreign entry: aperture sees the scratch page", ap_foreign[3], 0);
	ap_foreign[3] = 0x12345678;
	check_eq("foreign entry: aperture writes go nowhere", ap_foreign[3], 0);

	half[0] = (uint32_t)PAGE | 1;          /* low half, then high half */
	half[1] = 0;
	flush();
	check_eq("4-byte halves make the entry",
	         *gtt_entry(low + 8192), PAGE | 1);
	check_eq("aperture through the half-written entry",
	         ((volatile uint32_t *)(BAR2 + low + 8192))[7], id << 24 | 7);

	check_eq("untouched entry: aperture sees the scratch page",
	         ((volatile uint32_t *)(BAR2 + low + 3 * 4096))[9], 0);
	*gtt_entry(low) = 0;                   /* clear the first entry again */
	flush();
	check_eq("cleared entry reads back its own value", *gtt_entry(low), 0);
	check_eq("cleared entry: aperture sees the scratch page", ap[5], 0);
	ap[6] = 0xdeadbeef;
	check_eq("cleared entry: aperture writes go nowhere", ap[6], 0);
	check_eq("cleared entry: its RAM page is untouched", ram[6], id << 24 | 6);

	*gtt_entry(high) = PAGE | 1;
	check_eq("entry in the hidden window reads back", *gtt_entry(high), PAGE | 1);
	check_eq("aperture outside its window: all-ones",
	         *(volatile uint32_t *)(BAR2 + 0x1000), 0xffffffffu);
	printf("%s: %s\n", guest_name, checks_failed ? "FAILED" : "all passed");
	return checks_failed ? 1 : 0;
}
