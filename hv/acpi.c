/*
 * hv/acpi.c — RSDP/XSDT/RSDT walk, FADT's DSDT, MADT CPU count.
 */
#include <stdio.h>
#include <string.h>
#include "hv/acpi.h"

#define RSDP_V1_LEN      20
#define RSDP_V2_LEN      36
#define SDT_HEADER_LEN   36
#define FADT_DSDT_OFF    40   /* 32-bit DSDT address */
#define FADT_XDSDT_OFF   140  /* 64-bit X_DSDT address */
#define MADT_ENTRIES_OFF 44
#define MADT_LAPIC       0
#define MADT_X2APIC      9
#define MADT_ENABLED     1u
#define ACPI_TABLE_MAX   (16u << 20) /* longer is taken as corrupt */

static const uint8_t *acpi_ptr(uint64_t hpa)
{
	return (const uint8_t *)(uintptr_t)hpa;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool acpi_sum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

static void acpi_add(struct acpi_info *ai, uint64_t hpa)
{
	const uint8_t *p = acpi_ptr(hpa);
	struct acpi_table_ref *t;
	uint32_t len;

	if (hpa == 0)
		return;
	if (ai->ntables >= ACPI_MAX_TABLES) {
		ai->ndropped++;
		return;
	}
	t = &ai->table[ai->ntables++];
	memcpy(t->sig, p, 4);
	t->sig[4] = '\0';
	t->hpa = hpa;
	len = rd32(p + 4);
	t->length = len;
	t->revision = p[8];
	t->checksum_ok = len >= SDT_HEADER_LEN && len <= ACPI_TABLE_MAX &&
	                 acpi_sum_ok(p, len);
}

bool acpi_scan(uint64_t rsdp_hpa, struct acpi_info *ai, char *err, size_t errlen)
{
	const uint8_t *rsdp = acpi_ptr(rsdp_hpa);
	const uint8_t *root;
	uint64_t root_hpa;
	uint32_t root_len, entry_len, i, n;
	const struct acpi_table_ref *fadt;

	memset(ai, 0, sizeof(*ai));
	if (rsdp_hpa == 0) {
		snprintf(err, errlen, "the firmware published no ACPI tables (no RSDP)");
		return false;
	}
	if (memcmp(rsdp, "RSD PTR ", 8) != 0 || !acpi_sum_ok(rsdp, RSDP_V1_LEN)) {
		snprintf(err, errlen, "RSDP at %#llx: bad signature or checksum",
		         (unsigned long long)rsdp_hpa);
		return false;
	}
	ai->rsdp_hpa = rsdp_hpa;
	ai->revision = rsdp[15];
	memcpy(ai->oem, rsdp + 9, 6);
	ai->oem[6] = '\0';
	ai->via_xsdt = ai->revision >= 2 && rd32(rsdp + 20) >= RSDP_V2_LEN &&
	               acpi_sum_ok(rsdp, RSDP_V2_LEN) && rd64(rsdp + 24) != 0;
	root_hpa = ai->via_xsdt ? rd64(rsdp + 24) : rd32(rsdp + 16);
	entry_len = ai->via_xsdt ? 8 : 4;
	root = acpi_ptr(root_hpa);
	if (root_hpa == 0 ||
	    memcmp(root, ai->via_xsdt ? "XSDT" : "RSDT", 4) != 0) {
		snprintf(err, errlen, "%s at %#llx: bad signature",
		         ai->via_xsdt ? "XSDT" : "RSDT", (unsigned long long)root_hpa);
		return false;
	}
	root_len = rd32(root + 4);
	if (root_len < SDT_HEADER_LEN || root_len > ACPI_TABLE_MAX ||
	    !acpi_sum_ok(root, root_len)) {
		snprintf(err, errlen, "%s at %#llx: bad length %u or checksum",
		         ai->via_xsdt ? "XSDT" : "RSDT",
		         (unsigned long long)root_hpa, root_len);
		return false;
	}
	n = (root_len - SDT_HEADER_LEN) / entry_len;
	for (i = 0; i < n; i++) {
		const uint8_t *e = root + SDT_HEADER_LEN + i * entry_len;
		acpi_add(ai, entry_len == 8 ? rd64(e) : rd32(e));
	}
	fadt = acpi_find(ai, "FACP");
	if (fadt && fadt->checksum_ok) {
		const uint8_t *f = acpi_ptr(fadt->hpa);
		uint64_t dsdt = 0;
		if (fadt->length >= FADT_XDSDT_OFF + 8)
			dsdt = rd64(f + FADT_XDSDT_OFF);
		if (dsdt == 0 && fadt->length >= FADT_DSDT_OFF + 4)
			dsdt = rd32(f + FADT_DSDT_OFF);
		acpi_add(ai, dsdt);
	}
	return true;
}

const struct acpi_table_ref *acpi_find(const struct acpi_info *ai,
                                       const char *sig)
{
	unsigned i;

	for (i = 0; i < ai->ntables; i++)
		if (memcmp(ai->table[i].sig, sig, 4) == 0)
			return &ai->table[i];
	return NULL;
}

unsigned acpi_madt_cpus(const struct acpi_table_ref *madt)
{
	const uint8_t *p, *end;
	unsigned cpus = 0;

	if (!madt || !madt->checksum_ok || madt->length < MADT_ENTRIES_OFF)
		return 0;
	p = acpi_ptr(madt->hpa) + MADT_ENTRIES_OFF;
	end = acpi_ptr(madt->hpa) + madt->length;
	while (p + 2 <= end) {
		uint8_t type = p[0], len = p[1];
		if (len < 2 || p + len > end)
			break;                   /* malformed: stop counting */
		if (type == MADT_LAPIC && len >= 8 && (rd32(p + 4) & MADT_ENABLED))
			cpus++;
		else if (type == MADT_X2APIC && len >= 16 &&
		         (rd32(p + 8) & MADT_ENABLED))
			cpus++;
		p += len;
	}
	return cpus;
}
