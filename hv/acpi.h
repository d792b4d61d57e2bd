/*
 * hv/acpi.h — finding ACPI tables: RSDP → XSDT (or RSDT) → tables, with
 * checksums and lengths checked, and the MADT's CPU count. Pure logic over
 * identity-mapped physical memory (host tests pass pointers as addresses).
 * Layouts: ACPI 6.4 §5.2.5 (RSDP), §5.2.6 (SDT header), §5.2.7/8 (RSDT,
 * XSDT), §5.2.9 (FADT DSDT/X_DSDT), §5.2.12 (MADT).
 */
#ifndef BAREGT_HV_ACPI_H
#define BAREGT_HV_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_TABLES 64
#define ACPI_ERR_MAX    96

struct acpi_table_ref {
	char sig[5];
	uint64_t hpa;
	uint32_t length;
	uint8_t revision;
	bool checksum_ok;
};

struct acpi_info {
	uint64_t rsdp_hpa;
	uint8_t revision;             /* RSDP revision: 0 = ACPI 1.0, 2 = 2.0+ */
	char oem[7];
	bool via_xsdt;
	unsigned ntables;
	struct acpi_table_ref table[ACPI_MAX_TABLES];
	unsigned ndropped;            /* entries beyond ACPI_MAX_TABLES */
};

/*
 * Read the RSDP at rsdp_hpa and every table its XSDT (revision >= 2) or
 * RSDT lists, plus the DSDT named by the FADT. A bad RSDP or root table is
 * an error (false, err filled); a table with a bad checksum is listed with
 * checksum_ok = false.
 */
bool acpi_scan(uint64_t rsdp_hpa, struct acpi_info *ai, char *err, size_t errlen);

/* The first table with this signature (4 characters), or NULL. */
const struct acpi_table_ref *acpi_find(const struct acpi_info *ai,
                                       const char *sig);

/* Enabled processors in a MADT: Local APIC (type 0) and x2APIC (type 9)
 * entries with the Enabled flag. */
unsigned acpi_madt_cpus(const struct acpi_table_ref *madt);

#endif
