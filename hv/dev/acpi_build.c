/*
 * hv/dev/acpi_build.c — a VM's ACPI tables (see acpi_build.h).
 *
 * Layout in the buffer (every table 16-byte aligned, the FACS 64-byte
 * aligned as ACPI 6.4 §5.2.10 requires):
 *   RSDP, FACS, XSDT -> {FADT, MADT, MCFG, HPET}, FADT -> {FACS, DSDT}.
 * No RSDT: an RSDP of revision 2 names the XSDT, which every OS since
 * ACPI 2.0 uses in preference (§5.2.5.3), Linux included; RsdtAddress is 0.
 * The FADT names the FACS and DSDT by their 64-bit fields only: the
 * FADT's FIRMWARE_CTRL "must be zero" when X_FIRMWARE_CTRL is set (ACPI
 * 6.0 §5.2.9), and an OS ignores DSDT when X_DSDT is set.
 */
#include <stdio.h>
#include <string.h>
#include "hv/dev/acpi_build.h"
#include "hv/dev/vhpet.h"
#include "dsdt_aml.h"   /* generated from hv/dev/dsdt.asl: dsdt_aml[] */

/* The numbers the DSDT spells out must add up (see acpi_map.h). */
_Static_assert(ACPI_MAP_PCI_LOW_FIRST == ACPI_MAP_PCI_MEM_FIRST, "window");
_Static_assert(ACPI_MAP_PCI_LOW_LAST == ACPI_MAP_ECAM_GPA - 1, "window");
_Static_assert(ACPI_MAP_PCI_LOW_LEN ==
               ACPI_MAP_PCI_LOW_LAST - ACPI_MAP_PCI_LOW_FIRST + 1, "window");
_Static_assert(ACPI_MAP_PCI_HIGH_FIRST ==
               ACPI_MAP_ECAM_GPA + ACPI_MAP_ECAM_SIZE, "window");
_Static_assert(ACPI_MAP_PCI_HIGH_LAST == ACPI_MAP_PCI_MEM_LAST, "window");
_Static_assert(ACPI_MAP_PCI_HIGH_LEN ==
               ACPI_MAP_PCI_HIGH_LAST - ACPI_MAP_PCI_HIGH_FIRST + 1, "window");
_Static_assert(ACPI_MAP_ECAM_BUS_COUNT ==
               ACPI_MAP_ECAM_BUS_END - ACPI_MAP_ECAM_BUS_START + 1, "ecam");
_Static_assert(ACPI_MAP_ECAM_SIZE == ACPI_MAP_ECAM_BUS_COUNT << 20, "ecam");
_Static_assert(ACPI_MAP_TABLES_GPA % 64 == 0, "FACS alignment");
_Static_assert(ACPI_MAP_HPET_SIZE == VHPET_SIZE, "HPET block");

#define OEM_TABLE_ID   "BAREGTVM"
#define OEM_REVISION   1u
#define CREATOR_ID     "BRGT"
#define CREATOR_REV    1u

/* System description table header, ACPI 6.4 §5.2.6. */
#define SDT_HDR_LEN    36
#define SDT_CHECKSUM   9
#define SDT_OEM_ID     10

/* RSDP, §5.2.5.3. */
#define RSDP_LEN       36
#define RSDP_V1_LEN    20
#define RSDP_REVISION  2

/* FACS, §5.2.10. */
#define FACS_LEN       64
#define FACS_VERSION   2

/* FADT, §5.2.9: the ACPI 6.0+ layout (276 bytes), FADT 6.4. */
#define FADT_LEN            276
#define FADT_REVISION       6
#define FADT_MINOR          4
#define FADT_SCI_INT        46
#define FADT_PM1A_EVT_BLK   56
#define FADT_PM1A_CNT_BLK   64
#define FADT_PM_TMR_BLK     76
#define FADT_PM1_EVT_LEN    88
#define FADT_PM1_CNT_LEN    89
#define FADT_PM_TMR_LEN     91
#define FADT_P_LVL2_LAT     96
#define FADT_P_LVL3_LAT     98
#define FADT_CENTURY        108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_MINOR_VERSION  131
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT         140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK   208
#define FADT_HYPERVISOR_ID  268
/* P_LVLx_LAT above 100 / 1000 µs: C2 / C3 not supported. */
#define FADT_NO_C2          101
#define FADT_NO_C3          1001
/* Fixed feature flags, §5.2.9 (Table "Fixed ACPI Description Table
 * Fixed Feature Flags"). */
#define FADT_F_WBINVD        (1u << 0)   /* required since ACPI 2.0 */
#define FADT_F_PROC_C1       (1u << 2)   /* HLT */
#define FADT_F_PWR_BUTTON    (1u << 4)   /* 1: no fixed power button */
#define FADT_F_SLP_BUTTON    (1u << 5)   /* 1: no fixed sleep button */
#define FADT_F_FIX_RTC       (1u << 6)   /* 1: no RTC wake status in PM1 */
#define FADT_F_TMR_VAL_EXT   (1u << 8)   /* the PM timer is 32 bits */
#define FADT_F_RESET_REG_SUP (1u << 10)

/* Generic Address Structure, §5.2.3.2. */
#define GAS_LEN          12
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO    1
#define GAS_ACCESS_UNDEFINED 0
#define GAS_ACCESS_BYTE  1
#define GAS_ACCESS_WORD  2
#define GAS_ACCESS_DWORD 3

/* XSDT, §5.2.8. */
#define XSDT_REVISION    1
#define XSDT_ENTRIES     4

/* MADT, §5.2.12. */
#define MADT_REVISION        5
#define MADT_LAPIC_ADDR      36
#define MADT_FLAGS           40
#define MADT_PCAT_COMPAT     1u
#define MADT_ENTRIES         44
#define MADT_T_LAPIC         0
#define MADT_T_IOAPIC        1
#define MADT_T_ISO           2
#define MADT_T_LAPIC_NMI     4
#define MADT_LAPIC_LEN       8
#define MADT_IOAPIC_LEN      12
#define MADT_ISO_LEN         10
#define MADT_LAPIC_NMI_LEN   6
#define MADT_LAPIC_ENABLED   1u
#define MADT_ALL_PROCESSORS  0xFF
#define MADT_ISO_BUS_ISA     0

/* MCFG, PCI Firmware Specification 3.2 §4.1.2: header, 8 reserved bytes,
 * then 16-byte allocation structures. */
#define MCFG_REVISION    1
#define MCFG_ALLOC       44
#define MCFG_ALLOC_LEN   16
#define MCFG_LEN         (MCFG_ALLOC + MCFG_ALLOC_LEN)

/* HPET, IA-PC HPET Specification 1.0a §3.2.4 (Table 3). */
#define HPET_REVISION    1
#define HPET_BLOCK_ID    36     /* Event Timer Block ID: GCAP_ID 31:0 */
#define HPET_BASE        40     /* Base Address, a GAS */
#define HPET_NUMBER      52
#define HPET_MIN_TICK    53     /* Main Counter Minimum Clock_tick in
                                 * Periodic Mode */
#define HPET_PAGE_PROT   55     /* Page Protection and OEM Attribute */
#define HPET_LEN         56
/* No timer has a periodic mode (hv/dev/vhpet.h), so the minimum tick
 * says nothing; 128 is what Intel firmware puts there. */
#define HPET_MIN_TICK_VALUE 128

const uint8_t *acpi_dsdt_aml(size_t *len)
{
	*len = sizeof(dsdt_aml);
	return dsdt_aml;
}

void acpi_platform_default(struct acpi_platform *p)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->oem_id, "BAREGT", 7);
	p->lapic_gpa = ACPI_MAP_LAPIC_GPA;
	p->ioapic_id = 0;            /* the 82093AA's ID register at reset */
	p->ioapic_gpa = ACPI_MAP_IOAPIC_GPA;
	p->ioapic_gsi_base = 0;
	p->pcat_compat = true;
	p->n_iso = 2;
	/* The PIT's IRQ 0 is on IOAPIC pin 2 on a PC. */
	p->iso[0] = (struct acpi_iso){ 0, 2,
		ACPI_INTI_POLARITY_HIGH | ACPI_INTI_TRIGGER_EDGE };
	/* The SCI is level triggered (§5.2.9 SCI_INT: "shareable, level,
	 * active low" unless overridden); active high here, as on PCHs and
	 * in QEMU, the plain sense for an emulated line. */
	p->iso[1] = (struct acpi_iso){ ACPI_MAP_SCI_GSI, ACPI_MAP_SCI_GSI,
		ACPI_INTI_POLARITY_HIGH | ACPI_INTI_TRIGGER_LEVEL };
	p->lint_nmi = 1;
	p->ecam_gpa = ACPI_MAP_ECAM_GPA;
	p->ecam_bus_start = ACPI_MAP_ECAM_BUS_START;
	p->ecam_bus_end = ACPI_MAP_ECAM_BUS_END;
	p->pm1a_evt_port = ACPI_MAP_PM1A_EVT_PORT;
	p->pm1a_cnt_port = ACPI_MAP_PM1A_CNT_PORT;
	p->reset_port = ACPI_MAP_RESET_PORT;
	p->reset_value = ACPI_MAP_RESET_VALUE;
	p->sci_gsi = ACPI_MAP_SCI_GSI;
	/*
	 * No ACPI_IAPC_8042: with it, and no PS/2 device in the DSDT, Linux's
	 * i8042 driver probes the ports directly, waits 0.5 s for a reply to
	 * "read CTR" that a reset-only port 0x64 never gives, and logs an
	 * error. Without it Linux skips the controller; its reboot fallback
	 * (0xFE to port 0x64) does not look at this flag.
	 */
	p->iapc_boot_arch = ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_VGA_NOT_PRESENT;
	p->rtc_century = 0;
	p->hpet_gpa = ACPI_MAP_HPET_GPA;
	p->hpet_block_id = VHPET_BLOCK_ID;
}

/* ---- little-endian stores and checksums ------------------------------ */

static void wr8(uint8_t *p, unsigned off, uint8_t v)
{
	p[off] = v;
}

static void wr16(uint8_t *p, unsigned off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, unsigned off, uint32_t v)
{
	wr16(p, off, (uint16_t)v);
	wr16(p, off + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *p, unsigned off, uint64_t v)
{
	wr32(p, off, (uint32_t)v);
	wr32(p, off + 4, (uint32_t)(v >> 32));
}

/* The byte that makes p[0, len) sum to zero (§5.2.6 Checksum). */
static uint8_t acpi_checksum(const uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (i != at)
			sum = (uint8_t)(sum + p[i]);
	return (uint8_t)(0u - sum);
}

static void sdt_finish(uint8_t *t)
{
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 |
	               (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;

	t[SDT_CHECKSUM] = acpi_checksum(t, len, SDT_CHECKSUM);
}

static void oem_id(uint8_t *dst, const struct acpi_platform *p)
{
	size_t n;

	memset(dst, ' ', 6);
	for (n = 0; n < 6 && p->oem_id[n] != '\0'; n++)
		dst[n] = (uint8_t)p->oem_id[n];
}

static void sdt_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev,
                       const struct acpi_platform *p)
{
	memcpy(t, sig, 4);
	wr32(t, 4, len);
	wr8(t, 8, rev);
	oem_id(t + SDT_OEM_ID, p);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	wr32(t, 24, OEM_REVISION);
	memcpy(t + 28, CREATOR_ID, 4);
	wr32(t, 32, CREATOR_REV);
}

/* A Generic Address Structure for an I/O port block. */
static void gas_io(uint8_t *p, unsigned off, uint16_t port, uint8_t bytes,
                   uint8_t access)
{
	wr8(p, off, GAS_SYSTEM_IO);
	wr8(p, off + 1, (uint8_t)(bytes * 8));
	wr8(p, off + 2, 0);
	wr8(p, off + 3, access);
	wr64(p, off + 4, port);
}

/* ---- placement -------------------------------------------------------- */

struct acpi_out {
	uint8_t *buf;
	size_t len, used;
	uint64_t gpa;
};

/* len bytes at the next multiple of align, or NULL if they do not fit. */
static uint8_t *acpi_take(struct acpi_out *o, size_t len, size_t align,
                          uint64_t *gpa)
{
	size_t at = (o->used + align - 1) & ~(align - 1);

	if (at < o->used || at > o->len || len > o->len - at)
		return NULL;
	o->used = at + len;
	*gpa = o->gpa + at;
	return o->buf + at;
}

/* ---- checks ------------------------------------------------------------ */

#define FAIL(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); \
                       return false; } while (0)

static bool inti_flags_ok(uint16_t f)
{
	/* Polarity and trigger value 2 are reserved; bits 15:4 too. */
	return (f & 0x3u) != 0x2u && (f & 0xCu) != 0x8u && (f & ~0xFu) == 0;
}

static bool acpi_check(const struct acpi_platform *p, char *err, size_t errlen)
{
	unsigned i;

	if (p->lapic_gpa == 0 || p->ioapic_gpa == 0)
		FAIL("acpi: no local APIC or IOAPIC address");
	if (p->n_iso > ACPI_MAX_ISO)
		FAIL("acpi: %u interrupt source overrides (at most %d)",
		     p->n_iso, ACPI_MAX_ISO);
	for (i = 0; i < p->n_iso; i++) {
		if (p->iso[i].isa_irq > 15)
			FAIL("acpi: override of ISA IRQ %u (0-15)",
			     p->iso[i].isa_irq);
		if (!inti_flags_ok(p->iso[i].flags))
			FAIL("acpi: override of IRQ %u: reserved flags 0x%x",
			     p->iso[i].isa_irq, p->iso[i].flags);
	}
	if (p->lint_nmi > 1)
		FAIL("acpi: NMI on LINT%u (0 or 1)", p->lint_nmi);
	/* The DSDT was compiled with these; the MCFG and FADT must agree. */
	if (p->ecam_gpa != ACPI_MAP_ECAM_GPA ||
	    p->ecam_bus_start != ACPI_MAP_ECAM_BUS_START ||
	    p->ecam_bus_end != ACPI_MAP_ECAM_BUS_END)
		FAIL("acpi: ECAM 0x%llx buses %u-%u, but the DSDT "
		     "(hv/dev/dsdt.asl) reserves 0x%llx buses %u-%u",
		     (unsigned long long)p->ecam_gpa, p->ecam_bus_start,
		     p->ecam_bus_end, (unsigned long long)ACPI_MAP_ECAM_GPA,
		     ACPI_MAP_ECAM_BUS_START, ACPI_MAP_ECAM_BUS_END);
	if (p->pm1a_evt_port != ACPI_MAP_PM1A_EVT_PORT ||
	    p->pm1a_cnt_port != ACPI_MAP_PM1A_CNT_PORT)
		FAIL("acpi: PM1a ports 0x%x/0x%x, but the DSDT reserves "
		     "0x%x/0x%x", p->pm1a_evt_port, p->pm1a_cnt_port,
		     ACPI_MAP_PM1A_EVT_PORT, ACPI_MAP_PM1A_CNT_PORT);
	if (p->reset_port == 0)
		FAIL("acpi: no reset port");
	if (p->hpet_gpa != ACPI_MAP_HPET_GPA)
		FAIL("acpi: HPET at 0x%x, but the DSDT reserves 0x%x",
		     (unsigned)p->hpet_gpa, (unsigned)ACPI_MAP_HPET_GPA);
	return true;
}

/* ---- the tables ---------------------------------------------------------- */

static void build_rsdp(uint8_t *t, const struct acpi_platform *p,
                       uint64_t xsdt)
{
	memcpy(t, "RSD PTR ", 8);
	oem_id(t + 9, p);
	wr8(t, 15, RSDP_REVISION);
	wr32(t, 16, 0);                 /* RsdtAddress: no RSDT */
	wr32(t, 20, RSDP_LEN);
	wr64(t, 24, xsdt);
	/* Checksum over the ACPI 1.0 part, then the extended checksum over
	 * all 36 bytes (which then include the first). */
	t[8] = acpi_checksum(t, RSDP_V1_LEN, 8);
	t[32] = acpi_checksum(t, RSDP_LEN, 32);
}

static void build_facs(uint8_t *t)
{
	memcpy(t, "FACS", 4);
	wr32(t, 4, FACS_LEN);
	/* Hardware signature, waking vectors, global lock, flags: 0. */
	wr8(t, 32, FACS_VERSION);
}

static void build_fadt(uint8_t *t, const struct acpi_platform *p,
                       uint64_t facs, uint64_t dsdt)
{
	sdt_header(t, "FACP", FADT_LEN, FADT_REVISION, p);
	/* FIRMWARE_CTRL and DSDT (32-bit) stay 0: see the top of the file. */
	wr16(t, FADT_SCI_INT, p->sci_gsi);
	/* SMI_CMD 0: the platform is in ACPI mode from the start, no
	 * ACPI_ENABLE handshake (§5.2.9 SMI_CMD; §4.8.2.1). */
	wr32(t, FADT_PM1A_EVT_BLK, p->pm1a_evt_port);
	wr32(t, FADT_PM1A_CNT_BLK, p->pm1a_cnt_port);
	wr8(t, FADT_PM1_EVT_LEN, ACPI_MAP_PM1_EVT_LEN);
	wr8(t, FADT_PM1_CNT_LEN, ACPI_MAP_PM1_CNT_LEN);
	/* The PM timer (§4.8.3.3), 32 bits (TMR_VAL_EXT). GPE blocks 0: no
	 * general-purpose events. */
	wr32(t, FADT_PM_TMR_BLK, ACPI_MAP_PM_TMR_PORT);
	wr8(t, FADT_PM_TMR_LEN, ACPI_MAP_PM_TMR_LEN);
	wr16(t, FADT_P_LVL2_LAT, FADT_NO_C2);
	wr16(t, FADT_P_LVL3_LAT, FADT_NO_C3);
	wr8(t, FADT_CENTURY, p->rtc_century);
	wr16(t, FADT_IAPC_BOOT_ARCH, p->iapc_boot_arch);
	wr32(t, FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
	     FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_TMR_VAL_EXT |
	     FADT_F_RESET_REG_SUP);
	/* RESET_REG: 8 bits wide at offset 0 (§4.8.3.6). */
	gas_io(t, FADT_RESET_REG, p->reset_port, 1, GAS_ACCESS_BYTE);
	wr8(t, FADT_RESET_VALUE, p->reset_value);
	wr8(t, FADT_MINOR_VERSION, FADT_MINOR);
	wr64(t, FADT_X_FIRMWARE_CTRL, facs);
	wr64(t, FADT_X_DSDT, dsdt);
	/* The X_ blocks repeat the 32-bit ones; an OS compares the two. The
	 * PM1 registers are 16 bits wide (§4.8.3.1, §4.8.3.2). */
	gas_io(t, FADT_X_PM1A_EVT_BLK, p->pm1a_evt_port, ACPI_MAP_PM1_EVT_LEN,
	       GAS_ACCESS_WORD);
	gas_io(t, FADT_X_PM1A_CNT_BLK, p->pm1a_cnt_port, ACPI_MAP_PM1_CNT_LEN,
	       GAS_ACCESS_WORD);
	gas_io(t, FADT_X_PM_TMR_BLK, ACPI_MAP_PM_TMR_PORT, ACPI_MAP_PM_TMR_LEN,
	       GAS_ACCESS_DWORD);
	memcpy(t + FADT_HYPERVISOR_ID, "BareGT\0\0", 8);
	sdt_finish(t);
}

static uint32_t madt_len(const struct acpi_platform *p)
{
	return MADT_ENTRIES + MADT_LAPIC_LEN + MADT_IOAPIC_LEN +
	       p->n_iso * MADT_ISO_LEN + MADT_LAPIC_NMI_LEN;
}

static void build_madt(uint8_t *t, const struct acpi_platform *p)
{
	uint32_t len = madt_len(p);
	unsigned off = MADT_ENTRIES, i;

	sdt_header(t, "APIC", len, MADT_REVISION, p);
	wr32(t, MADT_LAPIC_ADDR, p->lapic_gpa);
	wr32(t, MADT_FLAGS, p->pcat_compat ? MADT_PCAT_COMPAT : 0);

	/* Processor Local APIC (§5.2.12.2): UID 0, APIC ID 0, enabled. */
	wr8(t, off, MADT_T_LAPIC);
	wr8(t, off + 1, MADT_LAPIC_LEN);
	wr8(t, off + 2, 0);
	wr8(t, off + 3, 0);
	wr32(t, off + 4, MADT_LAPIC_ENABLED);
	off += MADT_LAPIC_LEN;

	/* I/O APIC (§5.2.12.3). */
	wr8(t, off, MADT_T_IOAPIC);
	wr8(t, off + 1, MADT_IOAPIC_LEN);
	wr8(t, off + 2, p->ioapic_id);
	wr8(t, off + 3, 0);
	wr32(t, off + 4, p->ioapic_gpa);
	wr32(t, off + 8, p->ioapic_gsi_base);
	off += MADT_IOAPIC_LEN;

	/* Interrupt Source Overrides (§5.2.12.5), bus 0 = ISA. */
	for (i = 0; i < p->n_iso; i++) {
		wr8(t, off, MADT_T_ISO);
		wr8(t, off + 1, MADT_ISO_LEN);
		wr8(t, off + 2, MADT_ISO_BUS_ISA);
		wr8(t, off + 3, p->iso[i].isa_irq);
		wr32(t, off + 4, p->iso[i].gsi);
		wr16(t, off + 8, p->iso[i].flags);
		off += MADT_ISO_LEN;
	}

	/* Local APIC NMI (§5.2.12.7): every processor, edge, high. */
	wr8(t, off, MADT_T_LAPIC_NMI);
	wr8(t, off + 1, MADT_LAPIC_NMI_LEN);
	wr8(t, off + 2, MADT_ALL_PROCESSORS);
	wr16(t, off + 3, ACPI_INTI_POLARITY_HIGH | ACPI_INTI_TRIGGER_EDGE);
	wr8(t, off + 5, p->lint_nmi);
	sdt_finish(t);
}

static void build_mcfg(uint8_t *t, const struct acpi_platform *p)
{
	sdt_header(t, "MCFG", MCFG_LEN, MCFG_REVISION, p);
	/* One allocation: base (of bus 0, whatever the start bus), segment
	 * 0, start and end bus. */
	wr64(t, MCFG_ALLOC, p->ecam_gpa);
	wr16(t, MCFG_ALLOC + 8, 0);
	wr8(t, MCFG_ALLOC + 10, p->ecam_bus_start);
	wr8(t, MCFG_ALLOC + 11, p->ecam_bus_end);
	sdt_finish(t);
}

static void build_hpet(uint8_t *t, const struct acpi_platform *p)
{
	sdt_header(t, "HPET", HPET_LEN, HPET_REVISION, p);
	wr32(t, HPET_BLOCK_ID, p->hpet_block_id);
	/* System memory, 64-bit registers at offset 0; access size
	 * undefined (0): the block takes 32- and 64-bit accesses, which no
	 * single GAS access size says. */
	wr8(t, HPET_BASE, GAS_SYSTEM_MEMORY);
	wr8(t, HPET_BASE + 1, 64);
	wr8(t, HPET_BASE + 2, 0);
	wr8(t, HPET_BASE + 3, GAS_ACCESS_UNDEFINED);
	wr64(t, HPET_BASE + 4, p->hpet_gpa);
	wr8(t, HPET_NUMBER, 0);
	wr16(t, HPET_MIN_TICK, HPET_MIN_TICK_VALUE);
	/* No page protection guarantee, no OEM attributes. */
	wr8(t, HPET_PAGE_PROT, 0);
	sdt_finish(t);
}

static void build_dsdt(uint8_t *t, const struct acpi_platform *p)
{
	memcpy(t, dsdt_aml, sizeof(dsdt_aml));
	oem_id(t + SDT_OEM_ID, p);   /* the same OEM ID as the others */
	sdt_finish(t);
}

static void build_xsdt(uint8_t *t, const struct acpi_platform *p,
                       const uint64_t *entry)
{
	unsigned i;

	sdt_header(t, "XSDT", SDT_HDR_LEN + 8 * XSDT_ENTRIES, XSDT_REVISION, p);
	for (i = 0; i < XSDT_ENTRIES; i++)
		wr64(t, SDT_HDR_LEN + 8 * i, entry[i]);
	sdt_finish(t);
}

bool acpi_build(const struct acpi_platform *p, uint8_t *buf, size_t len,
                uint64_t gpa, uint64_t *rsdp_gpa_out, char *err,
                size_t errlen)
{
	struct acpi_out o = { buf, len, 0, gpa };
	uint8_t *rsdp, *facs, *xsdt, *fadt, *madt, *mcfg, *hpet, *dsdt;
	uint64_t rsdp_gpa = 0, facs_gpa = 0, xsdt_gpa = 0, dsdt_gpa = 0;
	uint64_t entry[XSDT_ENTRIES] = { 0 };

	if (!p || !buf || !rsdp_gpa_out)
		FAIL("acpi: no description, buffer or RSDP result");
	if (gpa % 64 != 0)
		FAIL("acpi: tables at GPA 0x%llx, not 64-byte aligned (FACS)",
		     (unsigned long long)gpa);
	if (len > UINT64_MAX - gpa)
		FAIL("acpi: tables at GPA 0x%llx, %zu bytes: past the address "
		     "space", (unsigned long long)gpa, len);
	if (sizeof(dsdt_aml) < SDT_HDR_LEN || memcmp(dsdt_aml, "DSDT", 4) != 0)
		FAIL("acpi: the compiled DSDT is not a DSDT");
	if (!acpi_check(p, err, errlen))
		return false;
	memset(buf, 0, len);

	rsdp = acpi_take(&o, RSDP_LEN, 16, &rsdp_gpa);
	facs = acpi_take(&o, FACS_LEN, 64, &facs_gpa);
	xsdt = acpi_take(&o, SDT_HDR_LEN + 8 * XSDT_ENTRIES, 16, &xsdt_gpa);
	fadt = acpi_take(&o, FADT_LEN, 16, &entry[0]);
	madt = acpi_take(&o, madt_len(p), 16, &entry[1]);
	mcfg = acpi_take(&o, MCFG_LEN, 16, &entry[2]);
	hpet = acpi_take(&o, HPET_LEN, 16, &entry[3]);
	dsdt = acpi_take(&o, sizeof(dsdt_aml), 16, &dsdt_gpa);
	if (!rsdp || !facs || !xsdt || !fadt || !madt || !mcfg || !hpet ||
	    !dsdt)
		FAIL("acpi: %zu bytes are too few for the tables", len);

	build_facs(facs);
	build_dsdt(dsdt, p);
	build_fadt(fadt, p, facs_gpa, dsdt_gpa);
	build_madt(madt, p);
	build_mcfg(mcfg, p);
	build_hpet(hpet, p);
	build_xsdt(xsdt, p, entry);
	build_rsdp(rsdp, p, xsdt_gpa);
	*rsdp_gpa_out = rsdp_gpa;
	return true;
}
