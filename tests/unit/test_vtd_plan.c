/*
 * tests/unit/test_vtd_plan.c — unit tests of iommu/vtd_plan.c: which
 * units translate, the common table width, and which devices keep their
 * RMRR ranges in an identity domain.
 *
 * The DMAR is the parsed form (struct dmar_info, as iommu/dmar.c fills
 * it; test_dmar.c checks the parse) of the layouts of VTD-FACTS §8:
 *   client: unit 0 at 0xfed90000, flags 0, scope = the IGD (00:02.0);
 *           unit 1 at 0xfed91000, INCLUDE_PCI_ALL, IOAPIC and HPET
 *           scopes; RMRRs for the xHCI (00:14.0) and for the IGD's
 *           stolen memory; HAW 39;
 *   QEMU:   one INCLUDE_PCI_ALL unit at 0xfed90000, no RMRR.
 * SAGAW values: CAP bits 12:8, bit 1 39-bit, bit 2 48-bit, bit 3 57-bit
 * (VTD-FACTS §3); the Gen9 example units are 48-bit only (0x4), QEMU's
 * 39-bit only (0x2). Expected widths are the context-entry AW codes of
 * VTD-FACTS §5: 1 = 39-bit, 2 = 48-bit.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "iommu/dmar.h"
#include "iommu/vtd_plan.h"

#define DEVFN(d, f)  ((uint8_t)((d) << 3 | (f)))
#define IGD          DEVFN(2, 0)
#define XHCI         DEVFN(0x14, 0)
#define AW39         1u
#define AW48         2u
#define S39          0x2u
#define S48          0x4u
#define S57          0x8u

static struct dmar_info di;
static struct vtd_plan_unit in[DMAR_MAX_UNITS];
static struct vtd_plan plan;

static struct dmar_scope endpoint(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct dmar_scope s = { .type = DMAR_SCOPE_ENDPOINT, .bus = bus, .npath = 1 };

	s.path[0].dev = dev;
	s.path[0].fn = fn;
	return s;
}

static struct dmar_scope other_scope(uint8_t type, uint8_t id)
{
	struct dmar_scope s = { .type = type, .enum_id = id, .bus = 0, .npath = 1 };

	s.path[0].dev = 0x1e;
	s.path[0].fn = type == DMAR_SCOPE_IOAPIC ? 7 : 6;
	return s;
}

static struct dmar_unit *add_unit(uint64_t base, bool include_all)
{
	struct dmar_unit *u = &di.unit[di.nunits++];

	u->base = base;
	u->include_all = include_all;
	u->flags = include_all ? DMAR_DRHD_INCLUDE_ALL : 0;
	return u;
}

static struct dmar_rmrr *add_rmrr(uint64_t base, uint64_t end)
{
	struct dmar_rmrr *r = &di.rmrr[di.nrmrr++];

	r->base = base;
	r->end = end;
	return r;
}

static void build_client(void)
{
	struct dmar_unit *u;
	struct dmar_rmrr *r;

	memset(&di, 0, sizeof(di));
	di.haw = 39;
	di.flags = DMAR_FLAG_INTR_REMAP;
	u = add_unit(0xfed90000, false);
	u->scope[u->nscope++] = endpoint(0, 2, 0);
	u = add_unit(0xfed91000, true);
	u->scope[u->nscope++] = other_scope(DMAR_SCOPE_IOAPIC, 2);
	u->scope[u->nscope++] = other_scope(DMAR_SCOPE_HPET, 0);
	r = add_rmrr(0x79e8f000, 0x79eaefff);
	r->scope[r->nscope++] = endpoint(0, 0x14, 0);
	r = add_rmrr(0x7a000000, 0x7c7fffff);
	r->scope[r->nscope++] = endpoint(0, 2, 0);
	memset(in, 0, sizeof(in));
	in[0] = (struct vtd_plan_unit){ .usable = true, .sagaw = S48 };
	in[1] = (struct vtd_plan_unit){ .usable = true, .sagaw = S48 };
}

static void build_qemu(void)
{
	memset(&di, 0, sizeof(di));
	di.haw = 39;
	add_unit(0xfed90000, true);
	memset(in, 0, sizeof(in));
	in[0] = (struct vtd_plan_unit){ .usable = true, .sagaw = S39 };
}

static const struct vtd_pci_dev gpu[] = { { 0, IGD } };

static void compute(const struct vtd_pci_dev *a, unsigned n)
{
	memset(&plan, 0xa5, sizeof(plan));        /* nothing left from before */
	vtd_plan_compute(&di, in, a, n, &plan);
}

static void assert_identity(unsigned k, uint8_t bus, uint8_t devfn, unsigned unit)
{
	assert_true(k < plan.nidentity);
	assert_int_equal(plan.identity[k].bus, bus);
	assert_int_equal(plan.identity[k].devfn, devfn);
	assert_int_equal(plan.identity[k].unit, unit);
}

/* ---- the client layout ----------------------------------------------------- */

/* Nothing attached yet, translation off as the firmware left it: both
 * units are left alone, nobody gets an identity domain. */
static void test_client_nothing_attached(void **state)
{
	(void)state;
	build_client();
	compute(NULL, 0);
	assert_int_equal(plan.aw, AW48);           /* both 4-level only */
	assert_int_equal(plan.role[0], VTD_ROLE_IDLE);
	assert_int_equal(plan.role[1], VTD_ROLE_IDLE);
	assert_int_equal(plan.nidentity, 0);
	assert_int_equal(plan.unresolved, 0);
	assert_false(plan.width_refused[0] || plan.width_refused[1]);
}

/* Issue 8, item 9: the GPU attached translates only on the graphics
 * unit; the INCLUDE_PCI_ALL unit (xHCI, SATA, ...) stays off, so the
 * firmware's SMM use of the xHCI is untouched. */
static void test_client_gpu_only_on_the_graphics_unit(void **state)
{
	(void)state;
	build_client();
	compute(gpu, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_TRANSLATE);
	assert_int_equal(plan.role[1], VTD_ROLE_IDLE);
	/* The IGD's own RMRR goes into its domain (gpu_dma maps it); the
	 * xHCI's unit does not translate: no identity domain needed. */
	assert_int_equal(plan.nidentity, 0);
}

/* Pre-boot DMA protection left translation on in the INCLUDE_PCI_ALL
 * unit: BareGT replaces the firmware's tables, keeping the xHCI's RMRR
 * 1:1; every other device behind that unit is blocked. */
static void test_client_firmware_translating_other_unit(void **state)
{
	(void)state;
	build_client();
	in[1].fw_translating = true;
	compute(gpu, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_TRANSLATE);
	assert_int_equal(plan.role[1], VTD_ROLE_CONTAIN);
	assert_int_equal(plan.nidentity, 1);
	assert_identity(0, 0, XHCI, 1);
}

/* Both left translating and nothing attached yet: each unit keeps only
 * its RMRR devices, the IGD included (the boot framebuffer in stolen
 * memory stays readable until the GPU gets its own domain). */
static void test_client_firmware_translating_both(void **state)
{
	(void)state;
	build_client();
	in[0].fw_translating = in[1].fw_translating = true;
	compute(NULL, 0);
	assert_int_equal(plan.role[0], VTD_ROLE_CONTAIN);
	assert_int_equal(plan.role[1], VTD_ROLE_CONTAIN);
	assert_int_equal(plan.nidentity, 2);
	assert_identity(0, 0, XHCI, 1);
	assert_identity(1, 0, IGD, 0);
	/* Once the GPU is attached its unit translates for it, and the IGD
	 * needs no identity domain any more. */
	compute(gpu, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_TRANSLATE);
	assert_int_equal(plan.nidentity, 1);
	assert_identity(0, 0, XHCI, 1);
}

/* A device attached behind the INCLUDE_PCI_ALL unit turns that unit on;
 * there the xHCI keeps its RMRR. */
static void test_client_device_behind_include_all(void **state)
{
	const struct vtd_pci_dev nic = { 3, DEVFN(0, 0) };

	(void)state;
	build_client();
	compute(&nic, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_IDLE);
	assert_int_equal(plan.role[1], VTD_ROLE_TRANSLATE);
	assert_int_equal(plan.nidentity, 1);
	assert_identity(0, 0, XHCI, 1);
}

/* ---- QEMU's single unit ------------------------------------------------------ */

static void test_qemu_single_unit(void **state)
{
	const struct vtd_pci_dev edu = { 0, DEVFN(2, 0) };

	(void)state;
	build_qemu();
	compute(NULL, 0);
	assert_int_equal(plan.aw, AW39);
	assert_int_equal(plan.role[0], VTD_ROLE_IDLE);
	compute(&edu, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_TRANSLATE);
	assert_int_equal(plan.nidentity, 0);
	/* A unit that is not usable (probe or take-over failed) stays off
	 * whatever is attached. */
	in[0].usable = false;
	compute(&edu, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_OFF);
	assert_int_equal(plan.aw, 0);
	assert_false(plan.width_refused[0]);
}

/* ---- the common width (issue 8, item 13) --------------------------------------- */

static void test_width_common(void **state)
{
	(void)state;
	build_client();
	in[0].sagaw = in[1].sagaw = S39 | S48;
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW39);          /* smaller tables when all can */
	in[0].sagaw = S48;                        /* the Gen9 gfx unit */
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW48);
	assert_false(plan.width_refused[0] || plan.width_refused[1]);
	assert_int_equal(plan.role[0], VTD_ROLE_TRANSLATE);
	in[0].sagaw = S39 | S48 | S57;
	in[1].sagaw = S39 | S57;
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW39);
}

/* No width in common: on a tie the first unit listed wins (the graphics
 * unit; INCLUDE_PCI_ALL comes last), the other is refused, naming the
 * unit whose width was chosen. */
static void test_width_disjoint_tie(void **state)
{
	(void)state;
	build_client();
	in[0].sagaw = S39;
	in[1].sagaw = S48;
	in[1].fw_translating = true;
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW39);
	assert_false(plan.width_refused[0]);
	assert_true(plan.width_refused[1]);
	assert_int_equal(plan.width_peer[1], 0);
	assert_int_equal(plan.role[0], VTD_ROLE_TRANSLATE);
	assert_int_equal(plan.role[1], VTD_ROLE_OFF);
	assert_int_equal(plan.nidentity, 0);       /* no xHCI domain on an off unit */
	/* The other way round, the graphics unit is the one refused. */
	in[0].sagaw = S48;
	in[1].sagaw = S39;
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW48);
	assert_true(plan.width_refused[1]);
	assert_int_equal(plan.width_peer[1], 0);
}

static void test_width_majority(void **state)
{
	struct dmar_unit *u;

	(void)state;
	build_client();
	u = add_unit(0xfed92000, false);
	u->scope[u->nscope++] = endpoint(0, 8, 0);
	in[0].sagaw = S39;
	in[1].sagaw = S48;
	in[2] = (struct vtd_plan_unit){ .usable = true, .sagaw = S48 };
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW48);
	assert_true(plan.width_refused[0]);
	assert_int_equal(plan.width_peer[0], 1);
	/* Refused for the width, the graphics unit does not translate even
	 * with the GPU attached. */
	assert_int_equal(plan.role[0], VTD_ROLE_OFF);
	assert_int_equal(plan.role[1], VTD_ROLE_IDLE);
	assert_int_equal(plan.role[2], VTD_ROLE_IDLE);
}

/* A unit walking only 5-level tables is refused on its own (-1: no
 * peer); an unusable unit is not counted at all. */
static void test_width_none_supported(void **state)
{
	(void)state;
	build_client();
	in[0].sagaw = S57;
	compute(gpu, 1);
	assert_true(plan.width_refused[0]);
	assert_int_equal(plan.width_peer[0], -1);
	assert_int_equal(plan.aw, AW48);
	assert_int_equal(plan.role[0], VTD_ROLE_OFF);
	in[0] = (struct vtd_plan_unit){ .usable = false, .sagaw = S39 };
	in[1].sagaw = S48;
	compute(gpu, 1);
	assert_int_equal(plan.aw, AW48);
	assert_false(plan.width_refused[0]);
	assert_int_equal(plan.role[0], VTD_ROLE_OFF);
}

/* ---- RMRR devices ------------------------------------------------------------ */

/* Only functions named directly on segment 0 can be given a domain; the
 * others are counted so the hypervisor can say so. A device named by two
 * RMRRs gets one domain. */
static void test_identity_scopes(void **state)
{
	struct dmar_rmrr *r;
	struct dmar_scope s;

	(void)state;
	build_client();
	in[1].fw_translating = true;
	r = add_rmrr(0x79f00000, 0x79f0ffff);
	r->scope[r->nscope++] = endpoint(0, 0x14, 0);      /* the xHCI again */
	s = endpoint(0, 0x1c, 0);                          /* behind a root port */
	s.npath = 2;
	s.path[1].dev = 0;
	s.path[1].fn = 0;
	r->scope[r->nscope++] = s;
	s = endpoint(0, 0x1d, 0);
	s.type = DMAR_SCOPE_BRIDGE;                        /* a whole hierarchy */
	r->scope[r->nscope++] = s;
	r = add_rmrr(0x79f10000, 0x79f1ffff);
	r->segment = 1;
	r->scope[r->nscope++] = endpoint(0, 0x17, 0);
	compute(gpu, 1);
	assert_int_equal(plan.nidentity, 1);
	assert_identity(0, 0, XHCI, 1);
	assert_int_equal(plan.unresolved, 3);
	assert_int_equal(plan.identity_dropped, 0);
}

static void test_identity_limit(void **state)
{
	struct dmar_rmrr *r;
	unsigned k;

	(void)state;
	build_client();
	in[1].fw_translating = true;
	r = add_rmrr(0x79f00000, 0x79f0ffff);
	for (k = 0; k < VTD_PLAN_MAX_IDENTITY + 1; k++)
		r->scope[r->nscope++] = endpoint(0, (uint8_t)(0x15 + k), 0);
	compute(gpu, 1);
	/* The xHCI first (first RMRR), then 7 of the 9: two dropped. */
	assert_int_equal(plan.nidentity, VTD_PLAN_MAX_IDENTITY);
	assert_identity(0, 0, XHCI, 1);
	assert_identity(VTD_PLAN_MAX_IDENTITY - 1, 0, DEVFN(0x15 + 6, 0), 1);
	assert_int_equal(plan.identity_dropped, 2);
}

/* No INCLUDE_PCI_ALL unit: a device no unit lists is translated by none
 * (attaching it changes no role, and its RMRR is not a domain). */
static void test_device_of_no_unit(void **state)
{
	const struct vtd_pci_dev stray = { 0, DEVFN(0x14, 0) };

	(void)state;
	build_client();
	di.unit[1].include_all = false;
	di.unit[1].flags = 0;
	in[0].fw_translating = true;
	compute(&stray, 1);
	assert_int_equal(plan.role[0], VTD_ROLE_CONTAIN);
	assert_int_equal(plan.role[1], VTD_ROLE_IDLE);
	assert_int_equal(plan.nidentity, 1);
	assert_identity(0, 0, IGD, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_nothing_attached),
		cmocka_unit_test(test_client_gpu_only_on_the_graphics_unit),
		cmocka_unit_test(test_client_firmware_translating_other_unit),
		cmocka_unit_test(test_client_firmware_translating_both),
		cmocka_unit_test(test_client_device_behind_include_all),
		cmocka_unit_test(test_qemu_single_unit),
		cmocka_unit_test(test_width_common),
		cmocka_unit_test(test_width_disjoint_tie),
		cmocka_unit_test(test_width_majority),
		cmocka_unit_test(test_width_none_supported),
		cmocka_unit_test(test_identity_scopes),
		cmocka_unit_test(test_identity_limit),
		cmocka_unit_test(test_device_of_no_unit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
