/*
 * tests/unit/test_acpi_build.c — unit tests of hv/dev/acpi_build.c: a
 * VM's ACPI tables. Every table's signature, length and checksum (the
 * RSDP's two checksums); every pointer lands inside the buffer, on a
 * table of the right signature, with no two tables overlapping; the FADT,
 * FACS, MADT, MCFG and HPET fields docs/platform.md asks for, at the
 * offsets of ACPI 6.4 §5.2.5.3 (RSDP), §5.2.9 (FADT), §5.2.10 (FACS),
 * §5.2.12 (MADT), PCI Firmware 3.2 §4.1.2 (MCFG) and IA-PC HPET 1.0a
 * §3.2.4 (HPET, its block ID that of hv/dev/vhpet.h); hv/acpi.c (the host-side
 * parser) reads the set; refusals of bad descriptions and short buffers;
 * and iasl's disassembler reads every table without a complaint.
 */
#define _DEFAULT_SOURCE 1
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "hv/acpi.h"
#include "hv/dev/acpi_build.h"
#include "hv/dev/vhpet.h"

#define BUF_LEN  ACPI_MAP_TABLES_SIZE
#define BUF_GPA  ACPI_MAP_TABLES_GPA
#define HDR_LEN  36

static uint8_t *buf;
static struct acpi_platform plat;
static char err[160];
static char out_dir[512];     /* build/unit/acpi, beside this binary */

/* ---- reading the buffer ------------------------------------------------ */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The table at gpa: inside the buffer, with its whole length, the right
 * signature, a length of at least min_len, a zero checksum. */
static const uint8_t *table_at(uint64_t gpa, const char *sig, uint32_t min_len)
{
	const uint8_t *t;
	uint32_t len;

	assert_true(gpa >= BUF_GPA && gpa + HDR_LEN <= BUF_GPA + BUF_LEN);
	t = buf + (gpa - BUF_GPA);
	if (memcmp(t, sig, 4) != 0)
		fail_msg("at 0x%llx: \"%.4s\", expected \"%s\"",
		         (unsigned long long)gpa, (const char *)t, sig);
	len = rd32(t + 4);
	assert_true(len >= min_len);
	assert_true(gpa + len <= BUF_GPA + BUF_LEN);
	if (strcmp(sig, "FACS") != 0)        /* the FACS has no checksum */
		assert_int_equal(sum(t, len), 0);
	return t;
}

static uint64_t build_default(void)
{
	uint64_t rsdp = 0;

	acpi_platform_default(&plat);
	assert_true(acpi_build(&plat, buf, BUF_LEN, BUF_GPA, &rsdp, err,
	                       sizeof err));
	return rsdp;
}

static const uint8_t *rsdp_of(uint64_t rsdp)
{
	assert_int_equal(rsdp, BUF_GPA);
	return buf;
}

static const uint8_t *xsdt_entry(const char *sig)
{
	const uint8_t *x = table_at(rd64(buf + 24), "XSDT", HDR_LEN);
	uint32_t n = (rd32(x + 4) - HDR_LEN) / 8, i;

	for (i = 0; i < n; i++) {
		uint64_t gpa = rd64(x + HDR_LEN + 8 * i);
		const uint8_t *t;

		assert_true(gpa >= BUF_GPA && gpa + HDR_LEN <= BUF_GPA + BUF_LEN);
		t = buf + (gpa - BUF_GPA);
		if (memcmp(t, sig, 4) == 0)
			return table_at(gpa, sig, HDR_LEN);
	}
	fail_msg("no %s in the XSDT", sig);
	return NULL;
}

/* ---- fixtures ------------------------------------------------------------ */

static int setup(void **state)
{
	(void)state;
	buf = aligned_alloc(64, BUF_LEN);
	if (!buf)
		return -1;
	memset(buf, 0xa5, BUF_LEN);   /* acpi_build zeroes what it does not use */
	memset(err, 0, sizeof err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(buf);
	return 0;
}

/* ---- RSDP and XSDT ------------------------------------------------------ */

static void test_rsdp(void **state)
{
	const uint8_t *r = rsdp_of(build_default());

	(void)state;
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);           /* ACPI 1.0 checksum */
	assert_int_equal(r[15], 2);                /* revision */
	assert_memory_equal(r + 9, "BAREGT", 6);
	assert_int_equal(rd32(r + 16), 0);         /* no RSDT */
	assert_int_equal(rd32(r + 20), 36);        /* length */
	assert_int_equal(sum(r, 36), 0);           /* extended checksum */
	table_at(rd64(r + 24), "XSDT", HDR_LEN);
	assert_int_equal(BUF_GPA % 16, 0);         /* found by the BIOS scan */
}

static void test_xsdt_lists_fadt_madt_mcfg_hpet(void **state)
{
	const uint8_t *x;

	(void)state;
	build_default();
	x = table_at(rd64(buf + 24), "XSDT", HDR_LEN);
	assert_int_equal(rd32(x + 4), HDR_LEN + 4 * 8);
	assert_int_equal(x[8], 1);
	assert_memory_equal(x + 10, "BAREGT", 6);
	table_at(rd64(x + HDR_LEN), "FACP", 276);
	table_at(rd64(x + HDR_LEN + 8), "APIC", 44);
	table_at(rd64(x + HDR_LEN + 16), "MCFG", 60);
	table_at(rd64(x + HDR_LEN + 24), "HPET", 56);
}

/* Every table in its own bytes, all in the buffer, nothing after the
 * last one but zeros. */
static void test_tables_do_not_overlap(void **state)
{
	struct { uint64_t at; uint32_t len; } t[8];
	const uint8_t *fadt;
	unsigned n = 0, i, j;
	uint64_t end = 0;

	(void)state;
	build_default();
	fadt = xsdt_entry("FACP");
	t[n].at = BUF_GPA; t[n++].len = 36;
	t[n].at = rd64(buf + 24); t[n].len = rd32(buf + (t[n].at - BUF_GPA) + 4); n++;
	t[n].at = (uint64_t)(fadt - buf) + BUF_GPA; t[n++].len = rd32(fadt + 4);
	t[n].at = (uint64_t)(xsdt_entry("APIC") - buf) + BUF_GPA;
	t[n].len = rd32(buf + (t[n].at - BUF_GPA) + 4); n++;
	t[n].at = (uint64_t)(xsdt_entry("MCFG") - buf) + BUF_GPA;
	t[n].len = rd32(buf + (t[n].at - BUF_GPA) + 4); n++;
	t[n].at = (uint64_t)(xsdt_entry("HPET") - buf) + BUF_GPA;
	t[n].len = rd32(buf + (t[n].at - BUF_GPA) + 4); n++;
	t[n].at = rd64(fadt + 132); t[n++].len = 64;
	t[n].at = rd64(fadt + 140);
	t[n].len = rd32(buf + (t[n].at - BUF_GPA) + 4); n++;
	for (i = 0; i < n; i++) {
		assert_int_equal(t[i].at % 16, 0);
		if (t[i].at + t[i].len > end)
			end = t[i].at + t[i].len;
		for (j = 0; j < i; j++)
			assert_true(t[i].at + t[i].len <= t[j].at ||
			            t[j].at + t[j].len <= t[i].at);
	}
	for (i = (unsigned)(end - BUF_GPA); i < BUF_LEN; i++)
		if (buf[i] != 0)
			fail_msg("byte %u after the tables is 0x%02x", i, buf[i]);
}

/* ---- FADT and FACS ----------------------------------------------------- */

static void test_fadt(void **state)
{
	const uint8_t *f;

	(void)state;
	build_default();
	f = xsdt_entry("FACP");
	assert_int_equal(rd32(f + 4), 276);
	assert_int_equal(f[8], 6);                 /* revision */
	assert_int_equal(f[131], 4);               /* minor version: 6.4 */
	assert_memory_equal(f + 10, "BAREGT", 6);
	assert_memory_equal(f + 16, "BAREGTVM", 8);
	assert_int_equal(rd32(f + 36), 0);         /* FIRMWARE_CTRL */
	assert_int_equal(rd32(f + 40), 0);         /* DSDT (32-bit) */
	assert_int_equal(rd16(f + 46), 9);         /* SCI_INT */
	assert_int_equal(rd32(f + 48), 0);         /* SMI_CMD: ACPI mode only */
	assert_int_equal(rd32(f + 56), 0x600);     /* PM1a_EVT_BLK */
	assert_int_equal(rd32(f + 60), 0);         /* PM1b_EVT_BLK */
	assert_int_equal(rd32(f + 64), 0x604);     /* PM1a_CNT_BLK */
	assert_int_equal(rd32(f + 68), 0);
	assert_int_equal(rd32(f + 72), 0);         /* PM2_CNT_BLK */
	assert_int_equal(rd32(f + 76), 0x608);     /* PM_TMR_BLK */
	assert_int_equal(rd32(f + 80), 0);         /* GPE0_BLK */
	assert_int_equal(rd32(f + 84), 0);         /* GPE1_BLK */
	assert_int_equal(f[88], 4);                /* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);                /* PM1_CNT_LEN */
	assert_int_equal(f[91], 4);                /* PM_TMR_LEN */
	assert_int_equal(f[92], 0);                /* GPE0_BLK_LEN */
	assert_true(rd16(f + 96) > 100);           /* no C2 */
	assert_true(rd16(f + 98) > 1000);          /* no C3 */
	/* IAPC_BOOT_ARCH: legacy devices, VGA not present, MSI supported. */
	assert_int_equal(rd16(f + 109) & 0x1, 0x1);
	assert_int_equal(rd16(f + 109) & 0x4, 0x4);
	assert_int_equal(rd16(f + 109) & 0x8, 0);
	/* Flags: WBINVD, RESET_REG_SUP; not HW_REDUCED_ACPI (bit 20). */
	assert_int_equal(rd32(f + 112) & 0x1, 0x1);
	assert_int_equal(rd32(f + 112) & (1u << 10), 1u << 10);
	assert_int_equal(rd32(f + 112) & (1u << 8), 1u << 8);  /* TMR_VAL_EXT */
	assert_int_equal(rd32(f + 112) & (1u << 20), 0);
	/* RESET_REG: System I/O, 8 bits at offset 0, byte access, 0xCF9;
	 * RESET_VALUE 0x06. */
	assert_int_equal(f[116], 1);
	assert_int_equal(f[117], 8);
	assert_int_equal(f[118], 0);
	assert_int_equal(f[119], 1);
	assert_int_equal(rd64(f + 120), 0xCF9);
	assert_int_equal(f[128], 0x06);
	/* X_PM1a_EVT_BLK and X_PM1a_CNT_BLK repeat the 32-bit blocks. */
	assert_int_equal(f[148], 1);
	assert_int_equal(f[149], 32);
	assert_int_equal(rd64(f + 152), 0x600);
	assert_int_equal(f[172], 1);
	assert_int_equal(f[173], 16);
	assert_int_equal(rd64(f + 176), 0x604);
	/* X_PM_TMR_BLK: System I/O, 32 bits, dword access, 0x608. */
	assert_int_equal(f[208], 1);
	assert_int_equal(f[209], 32);
	assert_int_equal(f[211], 3);
	assert_int_equal(rd64(f + 212), 0x608);
	assert_int_equal(rd64(f + 160 + 4), 0);    /* X_PM1b_EVT_BLK */
	assert_int_equal(rd64(f + 220 + 4), 0);    /* X_GPE0_BLK */
}

static void test_facs(void **state)
{
	const uint8_t *f, *facs;
	uint64_t gpa;

	(void)state;
	build_default();
	f = xsdt_entry("FACP");
	gpa = rd64(f + 132);                       /* X_FIRMWARE_CTRL */
	assert_int_equal(gpa % 64, 0);
	facs = table_at(gpa, "FACS", 64);
	assert_int_equal(rd32(facs + 4), 64);
	assert_int_equal(facs[32], 2);             /* version */
	assert_int_equal(rd32(facs + 16), 0);      /* global lock free */
	assert_int_equal(rd32(facs + 20), 0);      /* no S4BIOS, no 64-bit wake */
}

static void test_dsdt_is_the_compiled_aml(void **state)
{
	const uint8_t *f, *d, *aml;
	size_t aml_len;

	(void)state;
	build_default();
	f = xsdt_entry("FACP");
	d = table_at(rd64(f + 140), "DSDT", HDR_LEN);
	aml = acpi_dsdt_aml(&aml_len);
	assert_int_equal(rd32(d + 4), aml_len);
	assert_int_equal(d[8], 2);                 /* 64-bit integers */
	assert_memory_equal(d + 10, "BAREGT", 6);
	assert_memory_equal(d + 16, aml + 16, aml_len - 16);
	assert_memory_equal(d, aml, 9);
}

/* ---- MADT ------------------------------------------------------------------ */

static void test_madt(void **state)
{
	const uint8_t *m, *e, *end;
	unsigned lapic = 0, ioapic = 0, iso = 0, nmi = 0;

	(void)state;
	build_default();
	m = xsdt_entry("APIC");
	assert_int_equal(m[8], 5);                        /* revision */
	assert_int_equal(rd32(m + 36), 0xFEE00000);       /* LAPIC address */
	assert_int_equal(rd32(m + 40), 1);                /* PCAT_COMPAT */
	e = m + 44;
	end = m + rd32(m + 4);
	while (e < end) {
		assert_true(e + 2 <= end && e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0:                                   /* Processor Local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], 0);        /* UID */
			assert_int_equal(e[3], 0);        /* APIC ID */
			assert_int_equal(rd32(e + 4), 1); /* enabled */
			lapic++;
			break;
		case 1:                                   /* I/O APIC */
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], 0);        /* ID */
			assert_int_equal(rd32(e + 4), 0xFEC00000);
			assert_int_equal(rd32(e + 8), 0); /* GSI base */
			ioapic++;
			break;
		case 2:                                   /* Interrupt Source Override */
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);        /* ISA */
			if (e[3] == 0) {
				assert_int_equal(rd32(e + 4), 2);
				assert_int_equal(rd16(e + 8), 0x5);  /* edge, high */
			} else if (e[3] == 9) {
				assert_int_equal(rd32(e + 4), 9);
				assert_int_equal(rd16(e + 8), 0xD);  /* level, high */
			} else {
				fail_msg("override of IRQ %u", e[3]);
			}
			iso++;
			break;
		case 4:                                   /* Local APIC NMI */
			assert_int_equal(e[1], 6);
			assert_int_equal(e[2], 0xFF);     /* all processors */
			assert_int_equal(e[5], 1);        /* LINT1 */
			nmi++;
			break;
		default:
			fail_msg("MADT entry of type %u", e[0]);
		}
		e += e[1];
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapic, 1);
	assert_int_equal(ioapic, 1);
	assert_int_equal(iso, 2);
	assert_int_equal(nmi, 1);
}

/* A different description: more overrides, NMI on LINT0, no 8259. */
static void test_madt_follows_the_description(void **state)
{
	const uint8_t *m;
	uint64_t rsdp;

	(void)state;
	acpi_platform_default(&plat);
	plat.n_iso = 3;
	plat.iso[2] = (struct acpi_iso){ 5, 21,
		ACPI_INTI_POLARITY_LOW | ACPI_INTI_TRIGGER_LEVEL };
	plat.lint_nmi = 0;
	plat.pcat_compat = false;
	plat.ioapic_id = 1;
	plat.ioapic_gsi_base = 24;
	assert_true(acpi_build(&plat, buf, BUF_LEN, BUF_GPA, &rsdp, err,
	                       sizeof err));
	m = xsdt_entry("APIC");
	assert_int_equal(rd32(m + 4), 44 + 8 + 12 + 3 * 10 + 6);
	assert_int_equal(rd32(m + 40), 0);
	assert_int_equal(m[44 + 8 + 2], 1);
	assert_int_equal(rd32(m + 44 + 8 + 8), 24);
	assert_int_equal(m[44 + 20 + 20 + 3], 5);
	assert_int_equal(rd32(m + 44 + 20 + 20 + 4), 21);
	assert_int_equal(rd16(m + 44 + 20 + 20 + 8), 0xF);
	assert_int_equal(m[44 + 20 + 30 + 5], 0);
}

/* ---- MCFG ------------------------------------------------------------------ */

static void test_mcfg(void **state)
{
	const uint8_t *m;

	(void)state;
	build_default();
	m = xsdt_entry("MCFG");
	assert_int_equal(rd32(m + 4), 60);
	assert_int_equal(m[8], 1);
	assert_int_equal(rd64(m + 36), 0);               /* reserved */
	assert_int_equal(rd64(m + 44), 0xD0000000);      /* base */
	assert_int_equal(rd16(m + 52), 0);               /* segment */
	assert_int_equal(m[54], 0);                      /* start bus */
	assert_int_equal(m[55], 0);                      /* end bus */
	assert_int_equal(rd32(m + 56), 0);
}

/* ---- HPET -------------------------------------------------------------------- */

static void test_hpet(void **state)
{
	const uint8_t *h;

	(void)state;
	build_default();
	h = xsdt_entry("HPET");
	assert_int_equal(rd32(h + 4), 56);
	assert_int_equal(h[8], 1);                       /* revision */
	assert_memory_equal(h + 10, "BAREGT", 6);
	/* Event Timer Block ID = GCAP_ID bits 31:0: vendor 0x8086, no
	 * legacy route, 64-bit counter, 3 timers, revision 1. */
	assert_int_equal(rd32(h + 36), VHPET_BLOCK_ID);
	assert_int_equal(rd32(h + 36), 0x80862201u);
	/* Base address: GAS in system memory, 64 bits at offset 0. */
	assert_int_equal(h[40], 0);
	assert_int_equal(h[41], 64);
	assert_int_equal(h[42], 0);
	assert_int_equal(h[43], 0);
	assert_int_equal(rd64(h + 44), 0xFED00000);
	assert_int_equal(h[52], 0);                      /* HPET number */
	assert_int_equal(rd16(h + 53), 128);             /* minimum tick */
	assert_int_equal(h[55], 0);                      /* page protection */
}

/* ---- read back by hv/acpi.c, the parser of the host's own tables ---- */

static void test_host_parser_reads_the_set(void **state)
{
	static struct acpi_info ai;
	char perr[ACPI_ERR_MAX];
	const struct acpi_table_ref *t;
	uint64_t rsdp, here = (uint64_t)(uintptr_t)buf;
	static const char *const sigs[] = {
		"FACP", "APIC", "MCFG", "HPET", "DSDT",
	};
	unsigned i;

	(void)state;
	/* Built for where the buffer is, so GPAs are pointers. */
	acpi_platform_default(&plat);
	assert_true(acpi_build(&plat, buf, BUF_LEN, here, &rsdp, err,
	                       sizeof err));
	assert_true(acpi_scan(rsdp, &ai, perr, sizeof perr));
	assert_true(ai.via_xsdt);
	assert_int_equal(ai.revision, 2);
	assert_string_equal(ai.oem, "BAREGT");
	assert_int_equal(ai.ntables, 5);
	for (i = 0; i < 5; i++) {
		t = acpi_find(&ai, sigs[i]);
		assert_non_null(t);
		assert_true(t->checksum_ok);
	}
	assert_int_equal(acpi_madt_cpus(acpi_find(&ai, "APIC")), 1);
}

/* ---- refusals ---------------------------------------------------------------- */

static bool try_build(size_t len, uint64_t gpa)
{
	uint64_t rsdp = 0;

	memset(err, 0, sizeof err);
	return acpi_build(&plat, buf, len, gpa, &rsdp, err, sizeof err);
}

static size_t tables_end(void)
{
	const uint8_t *f = xsdt_entry("FACP");
	uint64_t dsdt = rd64(f + 140);

	return (size_t)(dsdt - BUF_GPA) + rd32(buf + (dsdt - BUF_GPA) + 4);
}

static void test_short_buffer_refused(void **state)
{
	size_t need, len;

	(void)state;
	build_default();
	need = tables_end();
	assert_true(need < 2048);
	/* Exactly enough works; every shorter buffer is refused. */
	assert_true(try_build(need, BUF_GPA));
	for (len = 0; len < need; len++) {
		if (try_build(len, BUF_GPA))
			fail_msg("built into %zu bytes (needs %zu)", len, need);
		assert_non_null(strstr(err, "too few"));
	}
}

static void test_bad_descriptions_refused(void **state)
{
	uint64_t rsdp;

	(void)state;
	acpi_platform_default(&plat);
	assert_false(try_build(BUF_LEN, BUF_GPA + 16));   /* FACS alignment */
	assert_non_null(strstr(err, "aligned"));
	assert_false(try_build(BUF_LEN, UINT64_MAX - 63)); /* wraps */
	assert_false(acpi_build(NULL, buf, BUF_LEN, BUF_GPA, &rsdp, err,
	                        sizeof err));
	assert_false(acpi_build(&plat, NULL, BUF_LEN, BUF_GPA, &rsdp, err,
	                        sizeof err));
	assert_false(acpi_build(&plat, buf, BUF_LEN, BUF_GPA, NULL, NULL, 0));

	acpi_platform_default(&plat);
	plat.ecam_gpa = 0xE0000000;          /* not what the DSDT reserves */
	assert_false(try_build(BUF_LEN, BUF_GPA));
	assert_non_null(strstr(err, "DSDT"));

	acpi_platform_default(&plat);
	plat.ecam_bus_end = 1;
	assert_false(try_build(BUF_LEN, BUF_GPA));

	acpi_platform_default(&plat);
	plat.pm1a_cnt_port = 0x404;
	assert_false(try_build(BUF_LEN, BUF_GPA));
	assert_non_null(strstr(err, "PM1a"));

	acpi_platform_default(&plat);
	plat.hpet_gpa = 0xFED01000;          /* not what the DSDT reserves */
	assert_false(try_build(BUF_LEN, BUF_GPA));
	assert_non_null(strstr(err, "HPET"));

	acpi_platform_default(&plat);
	plat.n_iso = ACPI_MAX_ISO + 1;
	assert_false(try_build(BUF_LEN, BUF_GPA));

	acpi_platform_default(&plat);
	plat.iso[1].isa_irq = 16;
	assert_false(try_build(BUF_LEN, BUF_GPA));

	acpi_platform_default(&plat);
	plat.iso[0].flags = 0x2;             /* reserved polarity */
	assert_false(try_build(BUF_LEN, BUF_GPA));
	plat.iso[0].flags = 0x8;             /* reserved trigger mode */
	assert_false(try_build(BUF_LEN, BUF_GPA));
	plat.iso[0].flags = 0x15;            /* reserved bits */
	assert_false(try_build(BUF_LEN, BUF_GPA));

	acpi_platform_default(&plat);
	plat.lint_nmi = 2;
	assert_false(try_build(BUF_LEN, BUF_GPA));

	acpi_platform_default(&plat);
	plat.ioapic_gpa = 0;
	assert_false(try_build(BUF_LEN, BUF_GPA));
}

static void test_short_oem_id_is_padded(void **state)
{
	uint64_t rsdp;
	const uint8_t *d;

	(void)state;
	acpi_platform_default(&plat);
	memcpy(plat.oem_id, "VM", 3);
	assert_true(acpi_build(&plat, buf, BUF_LEN, BUF_GPA, &rsdp, err,
	                       sizeof err));
	assert_memory_equal(buf + 9, "VM    ", 6);
	assert_int_equal(sum(buf, 20), 0);
	assert_memory_equal(xsdt_entry("APIC") + 10, "VM    ", 6);
	d = table_at(rd64(xsdt_entry("FACP") + 140), "DSDT", HDR_LEN);
	assert_memory_equal(d + 10, "VM    ", 6);
}

/* ---- iasl's disassembler reads every table -------------------------------- */

static void write_file(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (!f)
		fail_msg("cannot read %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

static void disassemble(const char *name)
{
	static const char *const bad[] = {
		"Error", "error", "Warning", "Invalid", "Incorrect", "Unknown",
		"**** ",
	};
	char base[600], cmd[2000], path[700];
	char *log, *dsl;
	unsigned i;
	int rc;

	snprintf(base, sizeof base, "%s/%s", out_dir, name);
	snprintf(cmd, sizeof cmd, "rm -f '%s.dsl' && iasl -vs -d '%s.dat' > "
	         "'%s.log' 2>&1", base, base, base);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
		fail_msg("%s: iasl -d exited with %d (see %s.log)", name, rc, base);
	snprintf(path, sizeof path, "%s.log", base);
	log = read_file(path);
	snprintf(path, sizeof path, "%s.dsl", base);
	dsl = read_file(path);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (strstr(log, bad[i]))
			fail_msg("%s: iasl says \"%s\":\n%s", name, bad[i], log);
		if (strstr(dsl, bad[i]))
			fail_msg("%s: the disassembly says \"%s\" (%s.dsl)",
			         name, bad[i], base);
	}
	free(log);
	free(dsl);
}

/* Each table of the default set to out_dir/NAME.dat. */
static void write_set(void)
{
	static const char *const names[] = {
		"xsdt", "fadt", "facs", "dsdt", "madt", "mcfg", "hpet",
	};
	const uint8_t *t[7], *f;
	char path[600];
	unsigned i;

	build_default();
	if (mkdir(out_dir, 0755) != 0 && errno != EEXIST)
		fail_msg("cannot make %s", out_dir);
	f = xsdt_entry("FACP");
	t[0] = table_at(rd64(buf + 24), "XSDT", HDR_LEN);
	t[1] = f;
	t[2] = table_at(rd64(f + 132), "FACS", 64);
	t[3] = table_at(rd64(f + 140), "DSDT", HDR_LEN);
	t[4] = xsdt_entry("APIC");
	t[5] = xsdt_entry("MCFG");
	t[6] = xsdt_entry("HPET");
	for (i = 0; i < 7; i++) {
		snprintf(path, sizeof path, "%s/%s.dat", out_dir, names[i]);
		write_file(path, t[i], rd32(t[i] + 4));
	}
}

/* Not the RSDP: iasl 20200925 takes only files that start with a table
 * header ("RSD " is no table name); the tests above check it. */
static void test_iasl_disassembles_every_table(void **state)
{
	(void)state;
	write_set();
	disassemble("xsdt");
	disassemble("fadt");
	disassemble("facs");
	disassemble("dsdt");
	disassemble("madt");
	disassemble("mcfg");
	disassemble("hpet");
}

/* ACPICA's own table manager and interpreter (acpiexec, the code Linux
 * runs) loads the set, checks the FADT's 32/64-bit blocks against each
 * other, and evaluates \_S5 and the three _CRS. */
static void test_acpiexec_loads_the_set(void **state)
{
	static const char *const bad[] = {
		"Error", "ERROR", "Warning", "Firmware", "mismatch", "Invalid",
		"AE_",
	};
	static char complaint[300];
	char cmd[3000], path[600];
	char *log, *line, *next;
	unsigned i;
	int rc;

	(void)state;
	write_set();
	snprintf(path, sizeof path, "%s/acpiexec.log", out_dir);
	snprintf(cmd, sizeof cmd, "cd '%s' && acpiexec -b 'evaluate \\_S5; "
	         "evaluate \\_SB.PCI0._CRS; evaluate \\_SB.MBRS._CRS; "
	         "evaluate \\_SB.HPET._CRS' dsdt.dat fadt.dat facs.dat madt.dat "
	         "mcfg.dat hpet.dat > acpiexec.log 2>&1", out_dir);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
		fail_msg("acpiexec exited with %d (see %s)", rc, path);
	log = read_file(path);
	/* \_S5 = {5, 5, 0, 0}; the _CRS evaluate to buffers. */
	assert_non_null(strstr(log, "[Package] Contains 4 Elements"));
	assert_non_null(strstr(log, "[Integer] = 0000000000000005"));
	assert_non_null(strstr(strstr(log, "Evaluating \\_SB.PCI0._CRS"),
	                       "[Buffer]"));
	assert_non_null(strstr(strstr(log, "Evaluating \\_SB.MBRS._CRS"),
	                       "[Buffer]"));
	assert_non_null(strstr(strstr(log, "Evaluating \\_SB.HPET._CRS"),
	                       "[Buffer]"));
	/* Line by line, leaving out acpiexec's self-tests of the ACPICA
	 * interfaces ("(aetests-NNN)"), which expect its own test FADT's
	 * GPE blocks, PM2 block and PM timer, none of which a VM has. */
	complaint[0] = '\0';
	for (line = log; line && !complaint[0]; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strstr(line, "(aetests-"))
			continue;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
			if (strstr(line, bad[i]))
				snprintf(complaint, sizeof complaint, "%s", line);
	}
	free(log);
	if (complaint[0])
		fail_msg("acpiexec: \"%s\" (see %s)", complaint, path);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(int argc, char **argv)
{
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const struct CMUnitTest tests[] = {
		T(test_rsdp),
		T(test_xsdt_lists_fadt_madt_mcfg_hpet),
		T(test_tables_do_not_overlap),
		T(test_fadt),
		T(test_facs),
		T(test_dsdt_is_the_compiled_aml),
		T(test_madt),
		T(test_madt_follows_the_description),
		T(test_mcfg),
		T(test_hpet),
		T(test_host_parser_reads_the_set),
		T(test_short_buffer_refused),
		T(test_bad_descriptions_refused),
		T(test_short_oem_id_is_padded),
		T(test_iasl_disassembles_every_table),
		T(test_acpiexec_loads_the_set),
	};

	/* The disassembly goes beside this binary: build/unit/acpi. */
	if (slash)
		snprintf(out_dir, sizeof out_dir, "%.*s/acpi",
		         (int)(slash - argv[0]), argv[0]);
	else
		snprintf(out_dir, sizeof out_dir, "acpi");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
