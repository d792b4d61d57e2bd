/*
 * hv/dev/acpi_map.h — the addresses and ports every VM's ACPI tables
 * describe (docs/platform.md, "Guest-physical map" and "Ports and
 * platform devices"). One definition for two languages: hv/dev/acpi_build.c
 * includes it, and so does hv/dev/dsdt.asl through iasl's preprocessor.
 * So: #defines of plain numbers only (no C suffixes, no casts, no types),
 * C comments only.
 */
#ifndef BAREGT_HV_DEV_ACPI_MAP_H
#define BAREGT_HV_DEV_ACPI_MAP_H

/* Where the tables live: RAM the e820 map reports as reserved; RSDP at the
 * start, also inside the BIOS-area scan range of ACPI 6.4 §5.2.5.1. */
#define ACPI_MAP_TABLES_GPA      0xE0000
#define ACPI_MAP_TABLES_SIZE     0x20000

#define ACPI_MAP_LAPIC_GPA       0xFEE00000
#define ACPI_MAP_IOAPIC_GPA      0xFEC00000

/* The HPET block (IA-PC HPET 1.0a §2.3, hv/dev/vhpet.h): 1 KiB, where
 * Intel chipsets put it. */
#define ACPI_MAP_HPET_GPA        0xFED00000
#define ACPI_MAP_HPET_SIZE       0x400

/* PCI ECAM (PCI Express Base 4.0 §7.2.2: 1 MiB per bus). */
#define ACPI_MAP_ECAM_GPA        0xD0000000
#define ACPI_MAP_ECAM_BUS_START  0
#define ACPI_MAP_ECAM_BUS_END    0
#define ACPI_MAP_ECAM_SIZE       0x100000
#define ACPI_MAP_ECAM_BUS_COUNT  1

/* The host bridge's memory window, first to last byte, as two ranges
 * around the ECAM range (see dsdt.asl). iasl does not fold expressions
 * inside resource descriptors, so every number is spelled out here and
 * acpi_build.c checks the arithmetic at compile time. */
#define ACPI_MAP_PCI_MEM_FIRST   0x80000000
#define ACPI_MAP_PCI_MEM_LAST    0xFEBFFFFF
#define ACPI_MAP_PCI_LOW_FIRST   0x80000000   /* = PCI_MEM_FIRST */
#define ACPI_MAP_PCI_LOW_LAST    0xCFFFFFFF   /* = ECAM_GPA - 1 */
#define ACPI_MAP_PCI_LOW_LEN     0x50000000
#define ACPI_MAP_PCI_HIGH_FIRST  0xD0100000   /* = ECAM_GPA + ECAM_SIZE */
#define ACPI_MAP_PCI_HIGH_LAST   0xFEBFFFFF   /* = PCI_MEM_LAST */
#define ACPI_MAP_PCI_HIGH_LEN    0x2EB00000

/* ACPI fixed hardware (ACPI 6.4 §4.8.3): PM1a event block (status,
 * enable: 2 + 2 bytes), PM1a control block (2 bytes) and the 32-bit PM
 * timer (4 bytes, hv/dev/vpmtimer.h). No GPE blocks. */
#define ACPI_MAP_PM1A_EVT_PORT   0x600
#define ACPI_MAP_PM1_EVT_LEN     4
#define ACPI_MAP_PM1A_CNT_PORT   0x604
#define ACPI_MAP_PM1_CNT_LEN     2
#define ACPI_MAP_PM_TMR_PORT     0x608
#define ACPI_MAP_PM_TMR_LEN      4

/* PM1_CNT.SLP_TYP (bits 12:10) for S5, soft off: the DSDT's \_S5. */
#define ACPI_MAP_S5_SLP_TYP      5

/* Reset control register (Intel PCH: RST_CNT) and the value the FADT
 * tells the OS to write: SYS_RST (bit 1) | RST_CPU (bit 2). */
#define ACPI_MAP_RESET_PORT      0xCF9
#define ACPI_MAP_RESET_VALUE     0x06

/* SCI: ISA IRQ 9, the GSI with the same number, level, active high. */
#define ACPI_MAP_SCI_GSI         9

#endif
