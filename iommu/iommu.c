/*
 * iommu/iommu.c — the machine's DMA remapping: DMAR → units, the shared
 * tables, domains, attach, sync, walk, faults.
 */
#include <stdio.h>
#include <string.h>
#include "hv/acpi.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "iommu/dmar.h"
#include "iommu/iommu.h"
#include "iommu/vtd.h"

#define FAULTS_PER_POLL 16

static struct {
	struct dmar_info dmar;
	unsigned nunits;
	struct vtd_unit unit[DMAR_MAX_UNITS];
	bool enabled[DMAR_MAX_UNITS];
	struct vtd_tables tables;
	unsigned aw;               /* one width for every domain */
	bool coherent;             /* every unit snoops */
	bool sp_2m, sp_1g;         /* superpages every unit supports */
} io;

static uint64_t iommu_alloc_table(void *ctx)
{
	uint64_t hpa = palloc_alloc(ctx, 1, 1);

	if (hpa)
		memset((void *)(uintptr_t)hpa, 0, PAGE_SIZE);
	return hpa;
}

static void iommu_probe_units(bool registers_only)
{
	char err[120];
	unsigned i;

	for (i = 0; i < io.dmar.nunits; i++) {
		struct vtd_unit *u = &io.unit[io.nunits];
		const struct dmar_unit *d = &io.dmar.unit[i];

		if (!vtd_unit_probe(u, d->base, registers_only, err, sizeof(err))) {
			log_error("vtd: %s; unit left off", err);
			continue;
		}
		log_info("vtd: unit %u at %#llx: version %u.%u, CAP %#llx, ECAP %#llx,"
		         " %s tables, %s invalidation%s%s%s", io.nunits,
		         (unsigned long long)d->base, (u->version >> 4) & 0xf,
		         u->version & 0xf, (unsigned long long)u->cap,
		         (unsigned long long)u->ecap,
		         u->aw == VTD_AW_39BIT ? "39-bit" : "48-bit",
		         ((u->ecap & 2) && !registers_only) ? "queued" : "register",
		         u->coherent ? "" : ", non-coherent walks",
		         u->caching_mode ? ", caching mode" : "",
		         d->include_all ? ", all PCI devices" : "");
		/* The common width: 48-bit as soon as one unit cannot do 39. */
		if (u->aw == VTD_AW_48BIT)
			io.aw = VTD_AW_48BIT;
		io.coherent = io.coherent && u->coherent;
		/* CAP.SLLPS, bits 37:34: bit 0 2 MiB, bit 1 1 GiB (VTD-FACTS §3). */
		io.sp_2m = io.sp_2m && ((u->cap >> 34) & 1);
		io.sp_1g = io.sp_1g && ((u->cap >> 35) & 1);
		io.nunits++;
	}
}

bool iommu_init(const struct acpi_info *ai, bool registers_only)
{
	const struct acpi_table_ref *t = ai ? acpi_find(ai, "DMAR") : NULL;
	char err[160];

	memset(&io, 0, sizeof(io));
	io.aw = VTD_AW_39BIT;
	io.coherent = true;
	io.sp_2m = io.sp_1g = true;
	if (!t) {
		log_info("vtd: no DMAR table: hardware remapping absent; the tables"
		         " are built and the GPU model's DMA goes through the"
		         " software walker");
	} else if (!dmar_parse((const void *)(uintptr_t)t->hpa, t->length,
	                       &io.dmar, err, sizeof(err))) {
		log_error("vtd: %s; hardware remapping left off", err);
	} else {
		log_info("vtd: DMAR: host address width %u, %u unit(s), %u RMRR(s)",
		         io.dmar.haw, io.dmar.nunits, io.dmar.nrmrr);
		iommu_probe_units(registers_only);
	}
	return vtd_tables_init(&io.tables, iommu_alloc_table, &hv_palloc);
}

bool iommu_hardware(void)
{
	return io.nunits > 0;
}

bool iommu_translates(uint8_t bus, uint8_t devfn)
{
	const struct dmar_unit *d = dmar_unit_for(&io.dmar, bus, devfn);
	unsigned i;

	if (!d)
		return false;
	for (i = 0; i < io.nunits; i++)
		if (io.unit[i].base == d->base)
			return io.enabled[i];
	return false;                        /* its unit was left off */
}

bool iommu_domain_init(struct iommu_domain *d, uint16_t did,
                       enum iommu_pages pages)
{
	bool any = pages == IOMMU_PAGES_ANY;

	d->did = did;
	if (!pt_init_levels(&d->sl, &pt_format_vtd, io.aw + 2, iommu_alloc_table,
	                    &hv_palloc, any && io.sp_1g))
		return false;
	d->sl.allow_2m = any && io.sp_2m;
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
	return vtd_context_set(&io.tables, bus, devfn, d->sl.root, io.aw, d->did);
}

bool iommu_sync(void)
{
	char err[120];
	unsigned i;
	bool ok = true;

	if (!io.coherent)                    /* table writes still in caches */
		__asm__ __volatile__("wbinvd" : : : "memory");
	for (i = 0; i < io.nunits; i++) {
		struct vtd_unit *u = &io.unit[i];
		if (!io.enabled[i]) {
			io.enabled[i] = vtd_unit_enable(u, io.tables.root, err, sizeof(err));
			if (!io.enabled[i])
				log_error("vtd: %s", err);
			else
				log_info("vtd: unit %u: translation on", i);
			ok = ok && io.enabled[i];
		} else if (!vtd_unit_invalidate(u)) {
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

unsigned iommu_poll_faults(void)
{
	struct vtd_fault_record rec[FAULTS_PER_POLL];
	unsigned i, k, n, total = 0;

	for (i = 0; i < io.nunits; i++) {
		n = vtd_unit_faults(&io.unit[i], rec, FAULTS_PER_POLL);
		for (k = 0; k < n; k++)
			log_warn("vtd: fault: %02x:%02x.%x %s at IOVA %#llx: reason"
			         " %#x (%s)", rec[k].sid >> 8, (rec[k].sid >> 3) & 0x1f,
			         rec[k].sid & 7, rec[k].read ? "read" : "write",
			         (unsigned long long)rec[k].page, rec[k].reason,
			         vtd_fault_name((enum vtd_fault)rec[k].reason));
		total += n;
	}
	return total;
}
