/*
 * gpu/vgpu.c — a VM's virtual GPU: the PCI function 00:02.0 and what its
 * BARs reach (docs/vgpu.md). BAR0: registers (gpu/vreg.c) with the PVINFO
 * page (pvinfo/pvinfo.c) at 0x78000, a hole, and the GGTT range. BAR2:
 * the aperture. BAR4: MMIO_INDEX/MMIO_DATA onto the registers. The traps
 * follow the BARs when the guest moves them or turns decoding off.
 */
#include <string.h>
#include "gpu/backend.h"
#include "gpu/gen9.h"
#include "gpu/gen9_gt.h"
#include "gpu/gpu_dma.h"
#include "gpu/vgpu.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "hv/dev/bus.h"
#include "hv/dev/dev.h"
#include "hv/dev/irq.h"

#define VGPU_MSI_CAP      0x90
#define MSI_CAP_LEN       14          /* 64-bit MSI: ctrl, addr lo/hi, data */
#define MSI_CTRL_64BIT    (1u << 7)
#define MSI_CTRL_ENABLE   (1u << 0)
#define VGPU_STRUCT_PAGES ((sizeof(struct vgpu) + PAGE_SIZE - 1) / PAGE_SIZE)
#define VREG_PAGES        (VREG_DWORDS * 4 / PAGE_SIZE)
#define REPORTED_PAGES    ((VREG_DWORDS / 8 + PAGE_SIZE - 1) / PAGE_SIZE)

typedef unsigned long long ull;

/* ---- PVINFO events ---------------------------------------------------------- */

static void vgpu_pvinfo_event(struct vgpu *g, uint64_t off,
                              const struct pvinfo_result *r)
{
	const char *vm = g->vm->name;
	const struct pvinfo_ppgtt *pp = r->ppgtt;

	switch (r->event) {
	case PVINFO_EV_NONE:
	case PVINFO_EV_CONTEXT:
		break;
	case PVINFO_EV_RO_DROPPED:
		if (!g->ro_reported)
			log_warn("vm '%s': vgpu: write to read-only PVINFO field at"
			         " +0x%03llx dropped (reported once)", vm, (ull)off);
		g->ro_reported = true;
		break;
	case PVINFO_EV_DISPLAY_READY:
		log_info("vm '%s': vgpu: display_ready = %u", vm, r->value);
		break;
	case PVINFO_EV_FAILSAFE:
		log_warn("vm '%s': vgpu: guest wrote PVINFO rsv5 at +0x%03llx: it cannot"
		         " live with its partition; vGPU %u in failsafe mode", vm,
		         (ull)off, g->vgt_id);
		break;
	case PVINFO_EV_PPGTT_CREATE:
	case PVINFO_EV_PPGTT_DESTROY:
		if (pp->l4)
			log_info("vm '%s': vgpu: PPGTT L4 %s, PML4 %#llx", vm,
			         r->event == PVINFO_EV_PPGTT_CREATE ? "create" : "destroy",
			         (ull)pp->pdp[0]);
		else
			log_info("vm '%s': vgpu: PPGTT L3 %s, PDPs %#llx %#llx %#llx %#llx",
			         vm, r->event == PVINFO_EV_PPGTT_CREATE ? "create" : "destroy",
			         (ull)pp->pdp[0], (ull)pp->pdp[1], (ull)pp->pdp[2],
			         (ull)pp->pdp[3]);
		break;
	case PVINFO_EV_PPGTT_UNKNOWN:
		log_warn("vm '%s': vgpu: PPGTT destroy of a root never created", vm);
		break;
	case PVINFO_EV_PPGTT_FULL:
		log_warn("vm '%s': vgpu: PPGTT create beyond %u live tables: not"
		         " recorded", vm, PVINFO_MAX_PPGTT);
		break;
	case PVINFO_EV_BAD_NOTIFY:
		log_warn("vm '%s': vgpu: unknown g2v_notify value %u", vm, r->value);
		break;
	}
}

/* Unknown registers: once per offset (vreg counts every access). */
static void vgpu_unknown_reg(void *owner, uint32_t off, bool write)
{
	struct vgpu *g = owner;

	log_info("vm '%s': vgpu: unknown register %#x first %s; it reads back"
	         " what was written (reported once)", g->vm->name, off,
	         write ? "written" : "read");
}

/* ---- BAR0 -------------------------------------------------------------------- */

static bool vgpu_mmio(struct vgpu *g, uint32_t off, unsigned size, bool write,
                      uint64_t *value)
{
	struct pvinfo_result r;

	if (off >= PVINFO_OFFSET && off - PVINFO_OFFSET < PVINFO_SIZE) {
		if (!write)
			return pvinfo_read(&g->pvinfo, off - PVINFO_OFFSET, size, value);
		if (!pvinfo_write(&g->pvinfo, off - PVINFO_OFFSET, size, *value, &r))
			return false;
		vgpu_pvinfo_event(g, off - PVINFO_OFFSET, &r);
		return true;
	}
	if (!write)
		return vreg_read(&g->regs, off, size, value);
	if (g->pvinfo.failsafe) {
		g->stats.failsafe_drops++;       /* reads still answer */
		return true;
	}
	return vreg_write(&g->regs, off, size, *value);
}

/* A GGTT access (BAR0 + 8 MiB): docs/iommu.md, "GGTT shadowing". */
static void vgpu_ggtt_access(struct vgpu *g, uint64_t off, unsigned size,
                             bool write, uint64_t *value)
{
	uint64_t index, shadow, rejected = g->ggtt.rejected;

	if (!write) {
		*value = ggtt_guest_read(&g->ggtt, off, size);
		return;
	}
	if (g->pvinfo.failsafe) {
		g->stats.failsafe_drops++;
		return;
	}
	if (ggtt_guest_write(&g->ggtt, off, size, *value, &index, &shadow) ==
	    GGTT_DROP) {
		if (!g->dropped_reported)
			log_warn("vm '%s': vgpu: GGTT write to entry %#llx outside its"
			         " windows dropped (reported once)", g->vm->name,
			         (ull)(off / 8));
		g->dropped_reported = true;
		return;
	}
	if (g->ggtt.rejected != rejected && !g->rejected_reported) {
		log_warn("vm '%s': vgpu: GGTT entry %#llx points at GPA %#llx, outside"
		         " its RAM: scratch page instead (reported once)", g->vm->name,
		         (ull)index, (ull)(ggtt_guest_read(&g->ggtt, index * 8, 8) &
		                           GGTT_PTE_ADDR));
		g->rejected_reported = true;
	}
	gen9_ggtt_write(g->be->mmio, index, shadow);
}

void vgpu_ggtt_flush(struct vgpu *g)
{
	gen9_ggtt_flush(g->be->mmio);
}

bool vgpu_bar0_access(struct vgpu *g, uint64_t off, unsigned size, bool write,
                      uint64_t *value)
{
	if (off + size <= GEN9_MMIO_SIZE)
		return vgpu_mmio(g, (uint32_t)off, size, write, value);
	if (off >= GEN9_GGTT_OFFSET) {
		if (size != 4 && size != 8)
			return false;        /* PTEs are written whole or by halves */
		vgpu_ggtt_access(g, off - GEN9_GGTT_OFFSET, size, write, value);
		return true;
	}
	g->stats.hole_accesses++;
	if (!write)
		*value = 0;
	return true;
}

static bool vgpu_bar0_trap(void *arg, uint64_t off, unsigned size, bool write,
                           uint64_t *value)
{
	return vgpu_bar0_access(arg, off, size, write, value);
}

/* ---- BAR2 (aperture) and BAR4 (I/O) ------------------------------------------ */

/* The aperture: BAR2 offset = GM address (the guest's GM addresses are
 * the host's). Inside the VM's mappable window the backend resolves it
 * through the GGTT; outside: reads all-ones, writes dropped, counted. */
static bool vgpu_bar2_trap(void *arg, uint64_t off, unsigned size, bool write,
                           uint64_t *value)
{
	struct vgpu *g = arg;
	const struct gm_window *w = &g->part.low;

	g->stats.aperture_accesses++;
	if (off >= w->base && off + size <= w->base + w->size &&
	    (off & 4095) + size <= 4096)
		return g->be->aperture(g->be->aperture_ctx, off, size, write, value);
	g->stats.aperture_outside++;
	if (!g->aperture_reported)
		log_warn("vm '%s': vgpu: aperture access at %#llx outside its window"
		         " [%#llx, %#llx): dropped (reported once)", g->vm->name,
		         (ull)off, (ull)w->base, (ull)(w->base + w->size));
	g->aperture_reported = true;
	if (!write)
		*value = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
	return true;
}

/* BAR4: MMIO_INDEX and MMIO_DATA (GEN9-FACTS §1 "I/O BAR"), dwords. */
static bool vgpu_bar4_io(void *arg, uint64_t reg, unsigned size, bool write,
                         uint64_t *value)
{
	struct vgpu *g = arg;
	uint64_t v = *value;

	if (reg == GEN9_IO_MMIO_INDEX && size == 4) {
		if (write)
			g->mmio_index = (uint32_t)*value;
		else
			*value = g->mmio_index;
		return true;
	}
	if (reg == GEN9_IO_MMIO_DATA && size == 4) {
		if (g->mmio_index % 4 || g->mmio_index >= GEN9_MMIO_SIZE) {
			if (!write)
				*value = ~0u;
			return true;
		}
		if (!vgpu_mmio(g, g->mmio_index, 4, write, &v))
			return false;
		if (!write)
			*value = (uint32_t)v;
		return true;
	}
	if (!write)
		*value = size == 4 ? ~0u : (1u << (8 * size)) - 1;
	return true;
}

/* ---- BAR moves ------------------------------------------------------------------ */

/* Take down what this vGPU installed for bar, if anything: by owner, so
 * another device's trap at the same address is never touched. */
static enum bus_space bar_space(unsigned bar)
{
	return bar == GEN9_BAR4 ? BUS_PIO : BUS_MMIO;
}

static void vgpu_bar_uninstall(struct vgpu *g, unsigned bar)
{
	if (!g->bar_installed[bar])
		return;
	bus_remove(g->vm->bus, bar_space(bar), g->bar_at[bar], g);
	g->bar_installed[bar] = false;
}

/* A BAR the guest moves onto RAM or another device decodes nothing
 * there: its failure is the guest's, logged by the caller (the bus's
 * reason goes to the debug log). */
static bool vgpu_bar_install(struct vgpu *g, unsigned bar, uint64_t addr)
{
	static const char *const name[] = {
		[GEN9_BAR0] = "vgpu BAR0", [GEN9_BAR2] = "vgpu BAR2",
		[GEN9_BAR4] = "vgpu BAR4",
	};
	struct bus_range r = { .base = addr, .size = g->pci.bar[bar].size,
	                       .kind = BUS_DEVICE, .arg = g, .name = name[bar] };
	enum bus_status st = BUS_EOVERLAP;

	r.fn = bar == GEN9_BAR0 ? vgpu_bar0_trap :
	       bar == GEN9_BAR2 ? vgpu_bar2_trap : vgpu_bar4_io;
	if (bar == GEN9_BAR4 || addr >= g->vm->ram_bytes)
		st = bus_add(g->vm->bus, bar_space(bar), &r);
	if (st != BUS_OK)
		log_debug("vm '%s': %s at %#llx: %s", g->vm->name, name[bar],
		          (ull)addr, addr < g->vm->ram_bytes && bar != GEN9_BAR4 ?
		          "over its RAM" : bus_status_str(st));
	g->bar_installed[bar] = st == BUS_OK;
	g->bar_at[bar] = addr;
	return st == BUS_OK;
}

static void vgpu_bar_changed(void *owner, unsigned bar, uint64_t old_addr,
                             bool old_on, uint64_t new_addr, bool new_on)
{
	struct vgpu *g = owner;
	const struct vm_desc *vm = g->vm;
	bool ok = true;

	(void)old_addr;
	(void)old_on;
	if (bar != GEN9_BAR0 && bar != GEN9_BAR2 && bar != GEN9_BAR4)
		return;
	vgpu_bar_uninstall(g, bar);
	if (new_on)
		ok = vgpu_bar_install(g, bar, new_addr);
	if (!ok)
		log_warn("vm '%s': vgpu: BAR%u at %#llx cannot decode there; left"
		         " off", vm->name, bar, (ull)new_addr);
	else
		log_debug("vm '%s': vgpu: BAR%u %s %#llx", vm->name, bar,
		          new_on ? "decodes at" : "off, was at", (ull)new_addr);
}

/* ---- creation --------------------------------------------------------------------- */

static void vgpu_pci_init(struct vgpu *g, const struct gpu_backend *be,
                          uint16_t device_id)
{
	struct vpci_func *f = &g->pci;

	vpci_func_init(f, GEN9_VENDOR_INTEL, device_id, GEN9_CLASS_DISPLAY_VGA,
	               GEN9_REVISION, vgpu_bar_changed, g);
	vpci_cfg_set(f, PCI_SUBSYS_VENDOR, 2, GEN9_VENDOR_INTEL, 0);
	vpci_cfg_set(f, PCI_SUBSYS_ID, 2, device_id, 0);
	vpci_set_bar(f, GEN9_BAR0, VPCI_BAR_MEM64, false, GEN9_BAR0_SIZE,
	             VGPU_BAR0_RESET);
	vpci_set_bar(f, GEN9_BAR2, VPCI_BAR_MEM64, true, be->gm.aperture,
	             VGPU_BAR2_RESET);
	vpci_set_bar(f, GEN9_BAR4, VPCI_BAR_IO, false, GEN9_BAR4_SIZE,
	             VGPU_BAR4_RESET);
	/* GMCH control: 8 MiB of GTT (4 GiB GGTT), no stolen memory. */
	vpci_cfg_set(f, GEN9_PCI_GMCH_CTRL, 2,
	             GEN9_GGMS_8M << GEN9_GMCH_GGMS_SHIFT, 0);
	vpci_cfg_set(f, GEN9_PCI_BDSM, 4, 0, 0);
	vpci_cfg_set(f, GEN9_PCI_ASLS, 4, 0, 0xffffffff);
	vpci_add_cap(f, VGPU_MSI_CAP, PCI_CAP_ID_MSI, MSI_CAP_LEN);
	/* MSI (PCI 3.0 §6.8.1): enable bit 0 and multiple-message enable
	 * 6:4 writable, 64-bit capable; address 31:2, upper address, data. */
	vpci_cfg_set(f, VGPU_MSI_CAP + 2, 2, MSI_CTRL_64BIT, 0x71);
	vpci_cfg_set(f, VGPU_MSI_CAP + 4, 4, 0, 0xfffffffc);
	vpci_cfg_set(f, VGPU_MSI_CAP + 8, 4, 0, 0xffffffff);
	vpci_cfg_set(f, VGPU_MSI_CAP + 12, 2, 0, 0xffff);
}

/*
 * The vGPU's interrupt: the message its MSI capability holds, as the
 * guest programmed it (PCI 3.0 §6.8.1), to its VM's interrupt router.
 * A device sends no message with MSI disabled or bus mastering off
 * (a message is a memory write, PCI 3.0 §6.8.1.3 / command bit 2).
 */
bool vgpu_send_msi(struct vgpu *g)
{
	const struct vpci_func *f = &g->pci;
	uint64_t addr;
	uint32_t data;

	if (!(vpci_cfg_read(f, VGPU_MSI_CAP + 2, 2) & MSI_CTRL_ENABLE) ||
	    !(vpci_cfg_read(f, PCI_COMMAND, 2) & PCI_CMD_MASTER)) {
		g->stats.msi_suppressed++;
		return false;
	}
	addr = (uint64_t)vpci_cfg_read(f, VGPU_MSI_CAP + 8, 4) << 32 |
	       vpci_cfg_read(f, VGPU_MSI_CAP + 4, 4);
	data = vpci_cfg_read(f, VGPU_MSI_CAP + 12, 2);
	g->stats.msi_sent++;
	virq_msi(g->vm->irq, addr, data);
	return true;
}

/* Point every entry of the VM's windows at the scratch page (present,
 * docs/iommu.md "GGTT shadowing"): at creation, whatever the physical
 * GGTT held there goes; at the end, nothing of the VM stays reachable. */
static void vgpu_ggtt_scrub(struct vgpu *g)
{
	const struct gm_window *w[2] = { &g->part.low, &g->part.high };
	uint64_t pte = ggtt_scratch_pte(gpu_dma_scratch());
	unsigned k;

	for (k = 0; k < 2; k++)
		gen9_ggtt_fill(g->be->mmio, w[k]->base / GGTT_PAGE,
		               w[k]->size / GGTT_PAGE, pte);
	gen9_ggtt_flush(g->be->mmio);
}

static size_t vgpu_ggtt_pages(const struct vgpu *g)
{
	return (ggtt_vm_entries(&g->part.low, &g->part.high) * 8 + PAGE_SIZE - 1) /
	       PAGE_SIZE;
}

static bool vgpu_ggtt_init(struct vgpu *g)
{
	const struct vm_desc *vm = g->vm;
	uint64_t *guest;
	char err[160];

	if (!gpu_dma_add_vm(vm->id, vm->name, vm->ram_hpa, vm->ram_bytes,
	                    &g->iova_base,
	                    err, sizeof(err))) {
		log_error("vm '%s': vgpu: %s", vm->name, err);
		return false;
	}
	g->dma_mapped = true;
	guest = mm_try_alloc_pages(vgpu_ggtt_pages(g));
	if (!guest) {
		log_error("vm '%s': vgpu: no memory for its GGTT shadow", vm->name);
		return false;
	}
	ggtt_vm_init(&g->ggtt, &g->part.low, &g->part.high, vm->ram_bytes,
	             g->iova_base, gpu_dma_scratch(), guest);
	vgpu_ggtt_scrub(g);
	return true;
}

struct vgpu *vgpu_create(const struct vm_desc *vm, const struct gpu_backend *be,
                         enum vgpu_type type, const struct vgpu_partition *part,
                         uint16_t device_id, unsigned vgt_id)
{
	struct vgpu *g = mm_try_alloc_pages(VGPU_STRUCT_PAGES);
	struct pvinfo_init pi;

	if (!g) {
		log_error("vm '%s': vgpu: no memory for the vGPU", vm->name);
		return NULL;
	}
	g->vm = vm;
	g->be = be;
	g->vgt_id = vgt_id;
	g->type = vgpu_type_info(type);
	g->part = *part;
	/* Set before vreg_init so that vgpu_destroy frees them on any failure. */
	g->regs.regs = mm_try_alloc_pages(VREG_PAGES);
	g->regs.reported = mm_try_alloc_pages(REPORTED_PAGES);
	if (!g->regs.regs || !g->regs.reported) {
		log_error("vm '%s': vgpu: no memory for its register file", vm->name);
		vgpu_destroy(g);
		return NULL;
	}
	if (!vreg_init(&g->regs, g->regs.regs, g->regs.reported, vgpu_gen9_regs,
	               vgpu_gen9_nregs, g, vgpu_unknown_reg)) {
		log_error("vm '%s': vgpu: bad register table", vm->name);
		vgpu_destroy(g);
		return NULL;
	}
	pi = (struct pvinfo_init){
		.vgt_id = vgt_id,
		.caps = PVINFO_CAP_FULL_PPGTT | PVINFO_CAP_HWSP_EMULATION |
		        PVINFO_CAP_HUGE_GTT,
		.mappable_base = (uint32_t)part->low.base,
		.mappable_size = (uint32_t)part->low.size,
		.hidden_base = (uint32_t)part->high.base,
		.hidden_size = (uint32_t)part->high.size,
		.fence_num = part->fence_num,
	};
	pvinfo_init(&g->pvinfo, &pi);
	if (!vgpu_ggtt_init(g)) {
		vgpu_destroy(g);
		return NULL;
	}
	vgpu_pci_init(g, be, device_id);
	if (!vpci_add(vm->pci, 2, 0, &g->pci)) {
		vgpu_destroy(g);
		return NULL;
	}
	/* Decoding on, as firmware leaves a boot display (command register). */
	vpci_cfg_write(&g->pci, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEM |
	               PCI_CMD_MASTER);
	log_info("vm '%s': vGPU %s (vgt_id %u, device %#x): aperture [%#llx, %#llx)"
	         " %lluM, hidden [%#llx, %#llx) %lluM, fences %u-%u", vm->name,
	         g->type->name, vgt_id, device_id, (ull)part->low.base,
	         (ull)(part->low.base + part->low.size), (ull)(part->low.size >> 20),
	         (ull)part->high.base, (ull)(part->high.base + part->high.size),
	         (ull)(part->high.size >> 20), part->fence_base,
	         part->fence_base + part->fence_num - 1);
	log_info("vm '%s': vGPU %s: %s window [%#llx, %#llx) for its RAM",
	         vm->name, g->type->name,
	         gpu_dma_mode() == GPU_DMA_HPA ? "HPA (untranslated)" : "IOVA",
	         (ull)g->iova_base, (ull)(g->iova_base + vm->ram_bytes));
	return g;
}

void vgpu_report(const struct vgpu *g)
{
	const struct vgpu_stats *s = &g->stats;

	const struct pvinfo *p = &g->pvinfo;

	log_info("vm '%s': vgpu: unknown registers %llu reads, %llu writes;"
	         " fence writes dropped %llu; register writes dropped in failsafe"
	         " %llu; BAR0 hole accesses %llu", g->vm->name,
	         (ull)g->regs.unknown_reads, (ull)g->regs.unknown_writes,
	         (ull)s->fence_drops, (ull)s->failsafe_drops,
	         (ull)s->hole_accesses);
	log_info("vm '%s': vgpu: PVINFO writes to read-only fields %llu (%llu"
	         " bytes dropped); notifications: PPGTT L3 %llu/%llu, L4 %llu/%llu"
	         " (create/destroy), contexts %llu/%llu, unknown %llu, PPGTT"
	         " table full %llu%s", g->vm->name, (ull)p->ro_writes,
	         (ull)p->ro_bytes, (ull)p->notifies[PVINFO_G2V_PPGTT_L3_CREATE],
	         (ull)p->notifies[PVINFO_G2V_PPGTT_L3_DESTROY],
	         (ull)p->notifies[PVINFO_G2V_PPGTT_L4_CREATE],
	         (ull)p->notifies[PVINFO_G2V_PPGTT_L4_DESTROY],
	         (ull)p->context_creates, (ull)p->context_destroys,
	         (ull)p->bad_notifies, (ull)p->ppgtt_full,
	         p->failsafe ? "; failsafe" : "");
	log_info("vm '%s': vgpu: GGTT writes %llu: %llu applied, %llu not present"
	         " and %llu outside its RAM sent to scratch, %llu outside its"
	         " windows dropped; aperture accesses %llu, %llu outside its"
	         " window; DMA faults in its window %llu", g->vm->name,
	         (ull)g->ggtt.writes, (ull)g->ggtt.applied,
	         (ull)g->ggtt.not_present, (ull)g->ggtt.rejected,
	         (ull)g->ggtt.dropped, (ull)s->aperture_accesses,
	         (ull)s->aperture_outside,
	         (ull)(g->dma_mapped ? gpu_dma_faults_of(g->iova_base) : 0));
}

void vgpu_destroy(struct vgpu *g)
{
	unsigned bar;

	for (bar = 0; bar < VPCI_BARS; bar++)
		vgpu_bar_uninstall(g, bar);
	vpci_remove(g->vm->pci, 2, 0, &g->pci);
	if (g->ggtt.guest) {
		vgpu_ggtt_scrub(g);
		palloc_free(&hv_palloc, (uint64_t)(uintptr_t)g->ggtt.guest,
		            vgpu_ggtt_pages(g));
	}
	if (g->dma_mapped)
		gpu_dma_remove_vm(g->iova_base, g->vm->ram_bytes);
	if (g->regs.regs)
		palloc_free(&hv_palloc, (uint64_t)(uintptr_t)g->regs.regs, VREG_PAGES);
	if (g->regs.reported)
		palloc_free(&hv_palloc, (uint64_t)(uintptr_t)g->regs.reported,
		            REPORTED_PAGES);
	palloc_free(&hv_palloc, (uint64_t)(uintptr_t)g, VGPU_STRUCT_PAGES);
}
