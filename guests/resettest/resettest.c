/*
 * guests/resettest — a guest that resets its own VM, to see what a
 * restart (on_reset = restart, docs/platform.md "Reset and power-off")
 * keeps and what it clears. It counts its boots where a PC keeps them
 * across a reset, in CMOS RAM (battery-backed), and prints "boot K".
 * Every boot it checks that:
 *   - RAM it marked in the boot before (low memory, the hole below 1 MiB,
 *     6 MiB and the last page) reads zero: nothing of the run before
 *     survives in RAM;
 *   - the devices are at their power-on state: vPIC masks, vUART scratch,
 *     vLAPIC TPR and SVR, vIOAPIC entry 0, RTC register B without its
 *     interrupt enables (the RTC's RESET pin), the MSR KERNEL_GS_BASE and
 *     DR0 of the vCPU; with a vGPU (found at 00:02.0): its PCI command
 *     register and BAR0 back at reset, PVINFO display_ready 0, the GGTT
 *     entry it wrote reads 0 and the aperture there reads the scratch
 *     page, not the page the old entry pointed at;
 *   - the RTC went on from the time it had (a PC's clock survives reset);
 * then it dirties all of that and resets: by 0xCF9 (odd boots) or the
 * i8042's command 0xFE (even boots).
 * cmdline: "boots=N" exits with code 0 at boot N instead of resetting
 * (0, the default: never); "off" powers off (ACPI S5) instead of
 * resetting.
 */
#include "guest.h"

/* CMOS RAM bytes this guest keeps (free on a PC: 0x40-0x7F). */
#define CMOS_BOOTS     0x40     /* boots so far */
#define CMOS_BOOTS_INV 0x41     /* its complement: the count is intact */
#define CMOS_SECS      0x42     /* 3 bytes: seconds of day at the reset */
#define RTC_B          0x0b
#define RTC_B_PIE      0x40
#define RTC_B_24H      0x02

#define PIC_MASTER_IMR 0x21
#define PIC_SLAVE_IMR  0xa1
#define UART_SCR       0x3ff
#define LAPIC          0xfee00000ul
#define LAPIC_TPR      0x80
#define LAPIC_SVR      0xf0
#define IOAPIC         0xfec00000ul
#define RST_CNT        0xcf9
#define KBD_CMD        0x64
#define PM1A_CNT       0x604
#define PM1_S5_SLP_EN  ((5u << 10) | (1u << 13))
#define MSR_KERNEL_GS_BASE 0xc0000102u

/* The vGPU (docs/vgpu.md): BARs at their reset addresses. */
#define VGPU_DEVFN     (2u << 3)
#define BAR0           0xf0000000ul
#define BAR0_MOVED     0xe8000000ul
#define BAR2           0x80000000ul
#define PVINFO         (BAR0 + 0x78000)
#define DISPLAY_READY  (PVINFO + 0x804)
#define GGTT           (BAR0 + 0x800000)
#define FLSH_CNTL      (BAR0 + 0x101008)

#define MARK_PAGE      4096u
static const uintptr_t marks_fixed[] = { 0x90000, 0xa0000, 0x600000 };

static uint8_t cmos_rd(uint8_t i)
{
	outb(0x70, i);
	return inb(0x71);
}

static void cmos_wr(uint8_t i, uint8_t v)
{
	outb(0x70, i);
	outb(0x71, v);
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

/* Seconds of the day the RTC shows (BCD, 24 hours: its power-on format). */
static unsigned rtc_secs(void)
{
	unsigned s, again;

	do {
		while (cmos_rd(0x0a) & 0x80)        /* UIP */
			;
		s = from_bcd(cmos_rd(4)) * 3600 + from_bcd(cmos_rd(2)) * 60 +
		    from_bcd(cmos_rd(0));
		again = from_bcd(cmos_rd(4)) * 3600 + from_bcd(cmos_rd(2)) * 60 +
		        from_bcd(cmos_rd(0));
	} while (s != again);
	return s;
}

static uint32_t pci_rd(unsigned devfn, unsigned off)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (off & 0xfc));
	return inl(0xcfc);
}

static void pci_wr(unsigned devfn, unsigned off, uint32_t v)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (off & 0xfc));
	outl(0xcfc, v);
}

static uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static bool page_zero(uintptr_t gpa)
{
	const volatile uint64_t *p = (const volatile uint64_t *)gpa;
	unsigned i;

	for (i = 0; i < MARK_PAGE / 8; i++)
		if (p[i])
			return false;
	return true;
}

static void page_mark(uintptr_t gpa, unsigned boot)
{
	volatile uint64_t *p = (volatile uint64_t *)gpa;
	unsigned i;

	for (i = 0; i < MARK_PAGE / 8; i++)
		p[i] = 0x5eed000000000000ull | (uint64_t)boot << 32 | i;
}

static volatile uint64_t *gtt_entry(uint64_t gm)
{
	return (volatile uint64_t *)(GGTT + 8 * (gm >> 12));
}

static void ggtt_flush(void)
{
	wr32(FLSH_CNTL, 1);
	(void)rd32(FLSH_CNTL);
}

static bool has_vgpu(void)
{
	return (pci_rd(VGPU_DEVFN, 0) & 0xffff) == 0x8086;
}

/* What must read as at power-on, every boot. */
static void check_power_on(uintptr_t last_page)
{
	unsigned i;

	for (i = 0; i < sizeof marks_fixed / sizeof marks_fixed[0]; i++)
		if (!page_zero(marks_fixed[i]))
			printf("RAM page %#lx kept data\n",
			       (unsigned long)marks_fixed[i]);
	check("RAM cleared", page_zero(0x90000) && page_zero(0xa0000) &&
	      page_zero(0x600000) && page_zero(last_page));
	check_eq("vpic masks", inb(PIC_MASTER_IMR) << 8 | inb(PIC_SLAVE_IMR),
	         0xffff);
	check_eq("vuart scratch", inb(UART_SCR), 0);
	check_eq("vlapic tpr", rd32(LAPIC + LAPIC_TPR), 0);
	check_eq("vlapic svr", rd32(LAPIC + LAPIC_SVR), 0xff);
	wr32(IOAPIC, 0x10);
	check_eq("vioapic entry 0", rd32(IOAPIC + 0x10), 0x10000);
	check_eq("rtc register b", cmos_rd(RTC_B), RTC_B_24H);
	check_eq("vcpu kernel_gs_base", rdmsr(MSR_KERNEL_GS_BASE), 0);
	check_eq("vcpu dr0", dr0_read(), 0);
	if (has_vgpu()) {
		uint64_t low = rd32(PVINFO + 0x40);

		check_eq("vgpu command", pci_rd(VGPU_DEVFN, 4) & 0xffff, 7);
		check_eq("vgpu bar0", pci_rd(VGPU_DEVFN, 0x10), BAR0 | 4);
		check_eq("vgpu pvinfo display_ready", rd32(DISPLAY_READY), 0);
		check_eq("vgpu ggtt entry", *gtt_entry(low), 0);
		check_eq("vgpu aperture: scratch page",
		         rd32(BAR2 + low + 68), 0);
	}
}

/* Change everything check_power_on() looks at. */
static void dirty(uintptr_t last_page, unsigned boot)
{
	unsigned i;

	for (i = 0; i < sizeof marks_fixed / sizeof marks_fixed[0]; i++)
		page_mark(marks_fixed[i], boot);
	page_mark(last_page, boot);
	outb(PIC_MASTER_IMR, 0x5a);
	outb(PIC_SLAVE_IMR, 0xa5);
	outb(UART_SCR, 0xa5);
	wr32(LAPIC + LAPIC_TPR, 0x20);
	wr32(LAPIC + LAPIC_SVR, 0x1ff);
	wr32(IOAPIC, 0x10);
	wr32(IOAPIC + 0x10, 0x30);
	cmos_wr(RTC_B, RTC_B_24H | RTC_B_PIE);
	wrmsr(MSR_KERNEL_GS_BASE, 0xffff800012345000ull);
	dr0_write(0x12345000);
	if (has_vgpu()) {
		uint64_t low = rd32(PVINFO + 0x40);

		/* The aperture at GM low shows the marked page at 6 MiB. */
		*gtt_entry(low) = 0x600000 | 1;
		ggtt_flush();
		check_eq("vgpu aperture reaches the marked page",
		         rd32(BAR2 + low + 68) >> 16, 0x5eed);
		wr32(DISPLAY_READY, 1);
		pci_wr(VGPU_DEVFN, 0x10, BAR0_MOVED);
		pci_wr(VGPU_DEVFN, 4, 3);
	}
}

int guest_main(const char *cmdline)
{
	unsigned stop_at = cmdline_uint(cmdline, "boots", 0);
	uint8_t boots = cmos_rd(CMOS_BOOTS);
	uintptr_t last_page = guest_start_info->ram_bytes - MARK_PAGE;
	unsigned boot, now;

	if (boots && (cmos_rd(CMOS_BOOTS_INV) ^ boots) != 0xff)
		check("boot count intact in CMOS", false);
	boot = boots + 1u;
	cmos_wr(CMOS_BOOTS, (uint8_t)boot);
	cmos_wr(CMOS_BOOTS_INV, (uint8_t)(boot ^ 0xff));
	printf("boot %u\n", boot);
	now = rtc_secs();
	if (boot > 1) {
		unsigned then = cmos_rd(CMOS_SECS) << 16 |
		                cmos_rd(CMOS_SECS + 1) << 8 | cmos_rd(CMOS_SECS + 2);

		check("rtc kept its time", (now + 86400 - then) % 86400 < 60);
	}
	check_power_on(last_page);
	if (stop_at && boot >= stop_at) {
		printf("%s: %s\n", guest_name,
		       checks_failed ? "FAILED" : "all passed");
		return checks_failed ? 1 : 0;
	}
	dirty(last_page, boot);
	now = rtc_secs();
	cmos_wr(CMOS_SECS, (uint8_t)(now >> 16));
	cmos_wr(CMOS_SECS + 1, (uint8_t)(now >> 8));
	cmos_wr(CMOS_SECS + 2, (uint8_t)now);
	if (cmdline_has(cmdline, "off")) {
		printf("powering off\n");
		outw(PM1A_CNT, PM1_S5_SLP_EN);
	} else if (boot & 1) {
		printf("reset by 0xcf9\n");
		outb(RST_CNT, 0x06);
	} else {
		printf("reset by the i8042\n");
		outb(KBD_CMD, 0xfe);
	}
	printf("still running after the request\n");
	return 2;
}
