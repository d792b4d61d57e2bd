/*
 * iommu/iommu.c — the machine's DMA remapping: DMAR → units taken over
 * as the firmware left them, the shared tables, the plan of which units
 * translate (iommu/vtd_plan.c), domains, attach, sync, walk, faults.
 * Pure: the registers, pages and cache-line flushes come through struct
 * iommu_platform (the hardware's is iommu/iommu_hw.c), so the unit tests
 * run this file against register-level models of the units.
 */
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/palloc.h"
#include "iommu/dmar.h"
#include "iommu/iommu.h"
#include "iommu/vtd.h"
#include "iommu/vtd_faults.h"
#include "iommu/vtd_plan.h"

#define FAULTS_PER_POLL     16
#define IOMMU_MAX_ATTACHED  8
/* Identity domains of RMRR devices take DIDs 15, 14, ...: below 16, the
 * fewest any unit offers (CAP.ND = 0, VTD-FACTS §3), and clear of the
 * GPU's and the self-test's small DIDs. */
#define IDENTITY_DID_TOP    15

struct iommu_unit {
	struct vtd_unit hw;
	struct vtd_mmio mmio;
	bool usable;               /* probed and taken over */
	bool fw_translating;       /* TES at hand-off */
	bool translating;          /* BareGT's root table, TE on */
	bool failed;               /* enabling failed: not tried again */
	bool width_logged;
	struct vtd_fault_log flog;
};

static struct {
	const struct iommu_platform *hw;
	struct dmar_info dmar;
	unsigned nunits;           /* DMAR units (usable or not) */
	struct iommu_unit unit[DMAR_MAX_UNITS];
	struct vtd_tables tables;
	struct vtd_plan plan;
	unsigned aw;               /* one width for every domain */
	bool coherent;             /* every usable unit snoops */
	bool sp_2m, sp_1g;         /* superpages every usable unit supports */
	struct vtd_pci_dev attached[IOMMU_MAX_ATTACHED];
	unsigned nattached;
	struct iommu_domain identity[VTD_PLAN_MAX_IDENTITY];
	struct vtd_pci_dev identity_dev[VTD_PLAN_MAX_IDENTITY];
	unsigned nidentity;
	unsigned dropped_logged;   /* RMRR devices past the limit, said so */
} io;

static uint64_t iommu_alloc_table(void *ctx)
{
	(void)ctx;
	return io.hw->alloc_page(io.hw->ctx);
}

/* ---- units ------------------------------------------------------------------- */

static void unit_log_found(unsigned i, const struct vtd_found *f)
{
	const struct iommu_unit *iu = &io.unit[i];

	log_info("vtd: unit %u at %#llx: as the firmware left it: translation %s,"
	         " queued invalidation %s, interrupt remapping %s, protected"
	         " memory %s, %u stale fault(s)", i,
	         (unsigned long long)iu->hw.base, f->te ? "on" : "off",
	         f->qi ? "on" : "off", f->ir ? "on" : "off",
	         f->pmen ? "on" : "off", f->stale_faults);
}

/* Take unit i over as it is now; false leaves it unusable. */
static bool unit_take_over(unsigned i)
{
	struct iommu_unit *iu = &io.unit[i];
	struct vtd_found found;
	char err[160];

	if (!vtd_unit_takeover(&iu->hw, &found, err, sizeof(err))) {
		log_error("vtd: unit %u: take-over failed: %s; unit left as the"
		          " firmware left it, its devices are not translated", i, err);
		return false;
	}
	unit_log_found(i, &found);
	iu->fw_translating = found.te;
	return true;
}

/* Probe, map and take over DMAR unit i; false leaves it unusable. */
static bool unit_setup(unsigned i, bool registers_only)
{
	struct iommu_unit *iu = &io.unit[i];
	const struct dmar_unit *d = &io.dmar.unit[i];
	char err[160];

	if (!io.hw->map_unit(io.hw->ctx, d->base, PAGE_SIZE, &iu->mmio)) {
		log_error("vtd: unit %u at %#llx: registers cannot be mapped; unit"
		          " left off", i, (unsigned long long)d->base);
		return false;
	}
	if (!vtd_unit_probe(&iu->hw, &iu->mmio, d->base, registers_only,
	                    io.hw->flush, io.hw->ctx, err, sizeof(err))) {
		log_error("vtd: unit %u: %s; unit left off", i, err);
		return false;
	}
	if (!io.hw->map_unit(io.hw->ctx, d->base, vtd_unit_reg_span(&iu->hw),
	                     &iu->mmio)) {
		log_error("vtd: unit %u at %#llx: registers cannot be mapped; unit"
		          " left off", i, (unsigned long long)d->base);
		return false;
	}
	log_info("vtd: unit %u at %#llx: version %u.%u, CAP %#llx, ECAP %#llx,"
	         " SAGAW %#x, %s invalidation%s%s%s", i,
	         (unsigned long long)d->base, (iu->hw.version >> 4) & 0xf,
	         iu->hw.version & 0xf, (unsigned long long)iu->hw.cap,
	         (unsigned long long)iu->hw.ecap, vtd_unit_sagaw(&iu->hw),
	         vtd_unit_wants_queue(&iu->hw) ? "queued" : "register",
	         iu->hw.coherent ? "" : ", non-coherent walks",
	         iu->hw.caching_mode ? ", caching mode" : "",
	         d->include_all ? ", all PCI devices" : "");
	if (vtd_unit_wants_queue(&iu->hw)) {
		uint64_t q = io.hw->alloc_page(io.hw->ctx);
		uint64_t st = io.hw->alloc_page(io.hw->ctx);

		if (!q || !st) {
			log_error("vtd: unit %u: no page for the invalidation queue;"
			          " unit left off", i);
			return false;
		}
		vtd_unit_set_queue(&iu->hw, (uint64_t *)(uintptr_t)q,
		                   (volatile uint32_t *)(uintptr_t)st);
	}
	return unit_take_over(i);
}

/* "00:02.0, 00:14.0" — the devices of list a behind unit i. */
static void unit_devices(char *buf, size_t n, unsigned unit,
                         const struct vtd_pci_dev *a, unsigned na)
{
	size_t len = 0;
	unsigned k;

	buf[0] = 0;
	for (k = 0; k < na && len + 12 < n; k++) {
		const struct dmar_unit *d = dmar_unit_for(&io.dmar, a[k].bus, a[k].devfn);

		if (d != &io.dmar.unit[unit])
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%02x:%02x.%x",
		                        len ? ", " : "", a[k].bus, a[k].devfn >> 3,
		                        a[k].devfn & 7);
	}
	if (!len)
		snprintf(buf, n, "none");
}

static void unit_translate(unsigned i)
{
	struct iommu_unit *iu = &io.unit[i];
	char err[160], own[64], rmrr[64];

	if (!vtd_unit_enable(&iu->hw, io.tables.root, err, sizeof(err))) {
		log_error("vtd: unit %u: %s; unit left off, its devices are not"
		          " translated", i, err);
		iu->failed = true;
		return;
	}
	iu->translating = true;
	unit_devices(own, sizeof(own), i, io.attached, io.nattached);
	unit_devices(rmrr, sizeof(rmrr), i, io.identity_dev, io.nidentity);
	if (io.plan.role[i] == VTD_ROLE_CONTAIN)
		log_info("vtd: unit %u at %#llx: the firmware left translation on:"
		         " BareGT's tables installed instead (%u-bit); RMRR identity:"
		         " %s; every other device behind it is blocked", i,
		         (unsigned long long)iu->hw.base, 30 + 9 * io.aw, rmrr);
	else
		log_info("vtd: unit %u at %#llx: translation on for %s (BareGT's"
		         " tables, %u-bit); RMRR identity: %s; every other device"
		         " behind it is blocked", i, (unsigned long long)iu->hw.base,
		         own, 30 + 9 * io.aw, rmrr);
}

/* A unit refused for the width: say why once; if the firmware left it
 * translating through its own tables, turn translation off. */
static void unit_refuse_width(unsigned i)
{
	struct iommu_unit *iu = &io.unit[i];
	int peer = io.plan.width_peer[i];
	char err[160];

	if (iu->width_logged)
		return;
	iu->width_logged = true;
	if (peer < 0)
		log_error("vtd: unit %u at %#llx: walks neither 39- nor 48-bit"
		          " tables (SAGAW %#x); unit left off", i,
		          (unsigned long long)iu->hw.base, vtd_unit_sagaw(&iu->hw));
	else
		log_error("vtd: unit %u at %#llx: SAGAW %#x shares no table width"
		          " with unit %d at %#llx (SAGAW %#x); unit left off", i,
		          (unsigned long long)iu->hw.base, vtd_unit_sagaw(&iu->hw),
		          peer, (unsigned long long)io.unit[peer].hw.base,
		          vtd_unit_sagaw(&io.unit[peer].hw));
	if (iu->fw_translating && !vtd_unit_disable(&iu->hw, err, sizeof(err)))
		log_error("vtd: unit %u: %s", i, err);
}

/* An identity domain of its RMRRs for every RMRR device the plan names,
 * before its unit translates. */
static bool iommu_build_identity(void)
{
	unsigned k, j;

	for (k = 0; k < io.plan.nidentity; k++) {
		const struct vtd_plan_identity *id = &io.plan.identity[k];
		struct iommu_domain *d;
		bool built = false;

		for (j = 0; j < io.nidentity; j++)
			built |= io.identity_dev[j].bus == id->bus &&
			         io.identity_dev[j].devfn == id->devfn;
		if (built)
			continue;
		d = &io.identity[io.nidentity];
		if (!iommu_domain_init(d, (uint16_t)(IDENTITY_DID_TOP - io.nidentity),
		                       IOMMU_PAGES_ANY) ||
		    iommu_map_rmrrs(d, id->bus, id->devfn) < 0 ||
		    !vtd_context_set(&io.tables, id->bus, id->devfn, d->sl.root,
		                     io.aw, d->did))
			return false;
		io.identity_dev[io.nidentity++] = (struct vtd_pci_dev){ id->bus, id->devfn };
	}
	return true;
}

/* Recompute the plan from the devices attached so far and bring the
 * units to it: refusals logged, identity domains built, units that
 * should translate turned on. false when out of memory. */
static bool iommu_apply_plan(void)
{
	struct vtd_plan_unit in[DMAR_MAX_UNITS];
	unsigned i;

	for (i = 0; i < io.nunits; i++)
		in[i] = (struct vtd_plan_unit){
			.usable = io.unit[i].usable,
			.sagaw = vtd_unit_sagaw(&io.unit[i].hw),
			.fw_translating = io.unit[i].fw_translating,
		};
	vtd_plan_compute(&io.dmar, in, io.attached, io.nattached, &io.plan);
	/* The width depends only on the units, so it is the same at every
	 * recomputation; 39-bit for the walker alone when no unit is up. */
	io.aw = io.plan.aw ? io.plan.aw : VTD_AW_39BIT;
	if (!iommu_build_identity())
		return false;
	if (io.plan.identity_dropped > io.dropped_logged) {
		io.dropped_logged = io.plan.identity_dropped;
		log_warn("vtd: more than %u devices named by RMRRs behind units that"
		         " translate: %u get no identity domain (their DMA is"
		         " blocked)", VTD_PLAN_MAX_IDENTITY, io.plan.identity_dropped);
	}
	for (i = 0; i < io.nunits; i++) {
		struct iommu_unit *iu = &io.unit[i];
		enum vtd_role r = io.plan.role[i];

		if (r == VTD_ROLE_OFF && io.plan.width_refused[i])
			unit_refuse_width(i);
		else if ((r == VTD_ROLE_TRANSLATE || r == VTD_ROLE_CONTAIN) &&
		         !iu->translating && !iu->failed)
			unit_translate(i);
	}
	return true;
}

bool iommu_init_platform(const struct iommu_platform *hw, const void *dmar,
                         size_t len, bool registers_only)
{
	char err[160];
	unsigned i;

	memset(&io, 0, sizeof(io));
	io.hw = hw;
	io.coherent = true;
	io.sp_2m = io.sp_1g = true;
	if (!dmar) {
		log_info("vtd: no DMAR table: hardware remapping absent; the tables"
		         " are built and the GPU model's DMA goes through the"
		         " software walker");
	} else if (!dmar_parse(dmar, len, &io.dmar, err, sizeof(err))) {
		log_error("vtd: %s; hardware remapping left off", err);
	} else {
		log_info("vtd: DMAR: host address width %u, %u unit(s), %u RMRR(s)",
		         io.dmar.haw, io.dmar.nunits, io.dmar.nrmrr);
		io.nunits = io.dmar.nunits;
		for (i = 0; i < io.nunits; i++) {
			struct iommu_unit *iu = &io.unit[i];

			iu->usable = unit_setup(i, registers_only);
			if (!iu->usable)
				continue;
			io.coherent = io.coherent && iu->hw.coherent;
			/* CAP.SLLPS, bits 37:34: bit 0 2 MiB, bit 1 1 GiB
			 * (VTD-FACTS §3). */
			io.sp_2m = io.sp_2m && ((iu->hw.cap >> 34) & 1);
			io.sp_1g = io.sp_1g && ((iu->hw.cap >> 35) & 1);
		}
	}
	if (!vtd_tables_init(&io.tables, iommu_alloc_table, NULL))
		return false;
	if (!io.coherent)
		vtd_tables_set_written_hook(&io.tables, hw->flush, hw->ctx);
	if (!iommu_apply_plan())
		return false;
	if (io.plan.unresolved)
		log_warn("vtd: %u RMRR scope(s) name no bus-0 function directly;"
		         " those devices get no identity domain (their DMA is"
		         " blocked where their unit translates)", io.plan.unresolved);
	for (i = 0; i < io.nunits; i++)
		if (io.plan.role[i] == VTD_ROLE_IDLE)
			log_info("vtd: unit %u at %#llx: translation off as the firmware"
			         " left it, until a device BareGT uses is attached behind"
			         " it", i, (unsigned long long)io.unit[i].hw.base);
	return true;
}

bool iommu_hardware(void)
{
	unsigned i;

	for (i = 0; i < io.nunits; i++)
		if (io.unit[i].usable)
			return true;
	return false;
}

bool iommu_translates(uint8_t bus, uint8_t devfn)
{
	const struct dmar_unit *d = dmar_unit_for(&io.dmar, bus, devfn);

	return d && io.unit[d - io.dmar.unit].translating;
}

bool iommu_domain_init(struct iommu_domain *d, uint16_t did,
                       enum iommu_pages pages)
{
	bool any = pages == IOMMU_PAGES_ANY;

	d->did = did;
	if (!pt_init_levels(&d->sl, &pt_format_vtd, io.aw + 2, iommu_alloc_table,
	                    NULL, any && io.sp_1g))
		return false;
	d->sl.allow_2m = any && io.sp_2m;
	if (!io.coherent)
		pt_set_written_hook(&d->sl, io.hw->flush, io.hw->ctx);
	return true;
}

bool iommu_domain_map(struct iommu_domain *d, uint64_t iova, uint64_t hpa,
                      uint64_t size, bool writable)
{
	return pt_map(&d->sl, iova, hpa, size, writable ? PT_WRITE : PT_READ);
}

bool iommu_domain_unmap(struct iommu_domain *d, uint64_t iova, uint64_t size)
{
	return pt_unmap(&d->sl, iova, size);
}

int iommu_map_rmrrs(struct iommu_domain *d, uint8_t bus, uint8_t devfn)
{
	unsigned i, k;
	int n = 0;

	for (i = 0; i < io.dmar.nrmrr; i++) {
		const struct dmar_rmrr *r = &io.dmar.rmrr[i];
		for (k = 0; k < r->nscope; k++) {
			if (!dmar_scope_is(&r->scope[k], bus, devfn))
				continue;
			if (!iommu_domain_map(d, r->base, r->base, r->end + 1 - r->base,
			                      true))
				return -1;
			log_info("vtd: RMRR %#llx-%#llx identity-mapped for %02x:%02x.%x",
			         (unsigned long long)r->base, (unsigned long long)r->end,
			         bus, devfn >> 3, devfn & 7);
			n++;
		}
	}
	return n;
}

bool iommu_attach(struct iommu_domain *d, uint8_t bus, uint8_t devfn)
{
	unsigned i;

	for (i = 0; i < io.nattached; i++)
		if (io.attached[i].bus == bus && io.attached[i].devfn == devfn)
			break;
	if (i == io.nattached) {
		if (io.nattached == IOMMU_MAX_ATTACHED) {
			log_error("vtd: %02x:%02x.%x: more than %u devices attached to"
			          " domains", bus, devfn >> 3, devfn & 7,
			          IOMMU_MAX_ATTACHED);
			return false;
		}
		io.attached[io.nattached++] = (struct vtd_pci_dev){ bus, devfn };
	}
	return vtd_context_set(&io.tables, bus, devfn, d->sl.root, io.aw, d->did);
}

bool iommu_sync(void)
{
	bool was[DMAR_MAX_UNITS];
	unsigned i;
	bool ok;

	/* Table lines are already written back (the written hooks), so what
	 * is left is turning units on that now cover an attached device
	 * (enabling ends in a global invalidation) and invalidating the
	 * units that translated already. */
	for (i = 0; i < io.nunits; i++)
		was[i] = io.unit[i].translating;
	ok = iommu_apply_plan();
	for (i = 0; i < io.nunits; i++) {
		struct iommu_unit *iu = &io.unit[i];

		if (io.plan.role[i] == VTD_ROLE_TRANSLATE && iu->failed)
			ok = false;
		if (was[i] && iu->translating && !vtd_unit_invalidate(&iu->hw)) {
			log_error("vtd: unit %u: invalidation timed out", i);
			ok = false;
		}
	}
	return ok;
}

enum vtd_fault iommu_translate(uint8_t bus, uint8_t devfn, uint64_t iova,
                               bool write, uint64_t *hpa)
{
	return vtd_walk(io.tables.root, bus, devfn, iova, write, hpa);
}

/* ---- faults during runs ----------------------------------------------------- */

static const char *(*fault_owner)(void *ctx, uint16_t sid, uint64_t iova);
static void *fault_owner_ctx;

void iommu_set_fault_owner(const char *(*owner)(void *ctx, uint16_t sid,
                                                uint64_t iova),
                           void *ctx)
{
	fault_owner = owner;
	fault_owner_ctx = ctx;
}

unsigned iommu_poll_faults(void)
{
	struct vtd_fault_record rec[FAULTS_PER_POLL];
	unsigned i, k, n, total = 0;
	bool overflow;

	for (i = 0; i < io.nunits; i++) {
		struct iommu_unit *iu = &io.unit[i];

		if (!iu->translating)
			continue;
		n = vtd_unit_faults(&iu->hw, rec, FAULTS_PER_POLL, &overflow);
		if (overflow)
			vtd_fault_log_overflow(&iu->flog);
		for (k = 0; k < n && k < FAULTS_PER_POLL; k++) {
			const char *vm = fault_owner ?
				fault_owner(fault_owner_ctx, rec[k].sid, rec[k].page) :
				NULL;

			if (vtd_fault_log_note(&iu->flog, &rec[k]))
				log_warn("vtd: unit %u: fault: %02x:%02x.%x %s at IOVA %#llx:"
				         " reason %#x (%s)%s%s%s", i, rec[k].sid >> 8,
				         (rec[k].sid >> 3) & 0x1f, rec[k].sid & 7,
				         rec[k].read ? "read" : "write",
				         (unsigned long long)rec[k].page, rec[k].reason,
				         vtd_fault_reason_name(rec[k].reason),
				         vm ? " (vm '" : "", vm ? vm : "", vm ? "')" : "");
		}
		if (n > FAULTS_PER_POLL)
			vtd_fault_log_unread(&iu->flog, n - FAULTS_PER_POLL);
		total += n;
	}
	return total;
}

void iommu_report_faults(void)
{
	unsigned i;

	iommu_poll_faults();
	for (i = 0; i < io.nunits; i++) {
		const struct vtd_fault_log *l = &io.unit[i].flog;

		if (!io.unit[i].translating)
			continue;
		log_info("vtd: unit %u at %#llx: %llu fault(s) during the run: %llu"
		         " logged, %llu repeat(s), %llu past the log budget, %llu"
		         " overflow(s)", i, (unsigned long long)io.unit[i].hw.base,
		         (unsigned long long)l->total, (unsigned long long)l->logged,
		         (unsigned long long)l->repeats,
		         (unsigned long long)(l->over_budget + l->unread),
		         (unsigned long long)l->overflows);
	}
}

/* ---- the QEMU self-test's hand-off ------------------------------------------- */

bool iommu_selftest_handoff(void)
{
	unsigned i;
	uint64_t irt = 0;
	bool ok = true;

	for (i = 0; i < io.nunits; i++) {
		struct iommu_unit *iu = &io.unit[i];

		if (!iu->translating)
			continue;
		/* Leave the unit as a laptop's firmware does: translation and
		 * (unless registers only) queued invalidation on from before,
		 * interrupt remapping on with an empty table, and whatever
		 * faults are pending. */
		if (!irt)
			irt = io.hw->alloc_page(io.hw->ctx);
		if (!irt || !vtd_unit_ir_enable(&iu->hw, irt))
			log_warn("vtd: unit %u: self-test: interrupt remapping not"
			         " turned on (no ECAP.IR, or no answer)", i);
		iu->translating = false;
		iu->usable = unit_take_over(i);
		iu->failed = !iu->usable;
		ok = ok && iu->usable;
	}
	if (!iommu_apply_plan())
		return false;
	for (i = 0; i < io.nunits; i++)
		if (io.plan.role[i] == VTD_ROLE_TRANSLATE && !io.unit[i].translating)
			ok = false;
	return ok;
}
