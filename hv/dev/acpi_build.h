/*
 * hv/dev/acpi_build.h — a VM's ACPI tables, built from a description of
 * its platform into a buffer that the VM will see at a given GPA: RSDP,
 * XSDT, FADT, FACS, DSDT, MADT, MCFG, HPET (docs/platform.md, "ACPI
 * tables").
 * Pure: no hardware, no globals; the DSDT is AML that iasl compiled from
 * hv/dev/dsdt.asl, copied in.
 * Layouts: ACPI 6.4 §5.2.5.3 (RSDP), §5.2.6 (table header), §5.2.8
 * (XSDT), §5.2.9 (FADT), §5.2.10 (FACS), §5.2.11.1 (DSDT), §5.2.12
 * (MADT); PCI Firmware Specification 3.2 §4.1.2 (MCFG); IA-PC HPET
 * Specification 1.0a §3.2.4 (HPET).
 */
#ifndef BAREGT_HV_DEV_ACPI_BUILD_H
#define BAREGT_HV_DEV_ACPI_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/dev/acpi_map.h"

/* MPS INTI flags of a MADT override or NMI entry (ACPI 6.4 §5.2.12.5):
 * polarity bits 1:0, trigger mode bits 3:2. */
#define ACPI_INTI_POLARITY_HIGH  0x0001u
#define ACPI_INTI_POLARITY_LOW   0x0003u
#define ACPI_INTI_TRIGGER_EDGE   0x0004u
#define ACPI_INTI_TRIGGER_LEVEL  0x000Cu

/* FADT IAPC_BOOT_ARCH (ACPI 6.4 §5.2.9.3). */
#define ACPI_IAPC_LEGACY_DEVICES  0x0001u
#define ACPI_IAPC_8042            0x0002u
#define ACPI_IAPC_VGA_NOT_PRESENT 0x0004u
#define ACPI_IAPC_MSI_NOT_SUPP    0x0008u
#define ACPI_IAPC_PCIE_ASPM_CTRL  0x0010u
#define ACPI_IAPC_CMOS_RTC_ABSENT 0x0020u

#define ACPI_MAX_ISO 16

/* One ISA interrupt routed to a GSI other than its own number, or with
 * other than ISA's edge/high signalling (a MADT Interrupt Source
 * Override, ACPI 6.4 §5.2.12.5). */
struct acpi_iso {
	uint8_t isa_irq;      /* 0-15 */
	uint32_t gsi;
	uint16_t flags;       /* ACPI_INTI_* */
};

struct acpi_platform {
	char oem_id[7];           /* six characters, space padded if shorter */
	uint32_t lapic_gpa;
	uint8_t ioapic_id;
	uint32_t ioapic_gpa;
	uint32_t ioapic_gsi_base;
	bool pcat_compat;         /* a dual 8259 is present too */
	unsigned n_iso;
	struct acpi_iso iso[ACPI_MAX_ISO];
	uint8_t lint_nmi;         /* LAPIC input the NMI is wired to: 0 or 1 */
	uint64_t ecam_gpa;        /* MCFG; must match the DSDT (acpi_map.h) */
	uint8_t ecam_bus_start, ecam_bus_end;
	uint16_t pm1a_evt_port;   /* must match the DSDT (acpi_map.h) */
	uint16_t pm1a_cnt_port;   /* must match the DSDT (acpi_map.h) */
	uint16_t reset_port;
	uint8_t reset_value;
	uint16_t sci_gsi;         /* an ISA IRQ: the FADT's SCI_INT */
	uint16_t iapc_boot_arch;  /* ACPI_IAPC_* */
	uint8_t rtc_century;      /* CMOS index of the century byte, 0 = none */
	uint32_t hpet_gpa;        /* must match the DSDT (acpi_map.h) */
	uint32_t hpet_block_id;   /* the block's GCAP_ID bits 31:0 */
};

/*
 * The platform every VM has (docs/platform.md): the addresses and ports
 * of acpi_map.h, IOAPIC ID 0 with GSI base 0, overrides IRQ 0 -> GSI 2
 * (edge, high) and IRQ 9 -> GSI 9 (level, high, the SCI), NMI on LINT1,
 * reset by 0x06 to port 0xCF9, legacy devices present, no VGA, MSI
 * supported, no 8042 described (see acpi_build.c), the HPET of
 * hv/dev/vhpet.h.
 */
void acpi_platform_default(struct acpi_platform *p);

/*
 * Write every table into buf[0, len), which the VM sees at gpa (64-byte
 * aligned: the FACS needs it). The RSDP is at buf[0], so *rsdp_gpa_out =
 * gpa; all pointers in the tables are GPAs; the rest of buf is zeroed.
 * False, with the reason in err, if the description is invalid, does not
 * match what the DSDT was compiled with, or buf is too small; buf may
 * then hold a partial set.
 */
bool acpi_build(const struct acpi_platform *p, uint8_t *buf, size_t len,
                uint64_t gpa, uint64_t *rsdp_gpa_out, char *err,
                size_t errlen);

/* The compiled DSDT (for tests). */
const uint8_t *acpi_dsdt_aml(size_t *len);

#endif
