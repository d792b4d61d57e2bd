/*
 * gpu/vgpu.h — a VM's virtual Gen9 GPU (docs/vgpu.md): the PCI function at
 * 00:02.0, the BAR0/BAR2/BAR4 traps, the register file and the PVINFO
 * page, and its share of graphics memory.
 */
#ifndef BAREGT_GPU_VGPU_H
#define BAREGT_GPU_VGPU_H

#include <stdbool.h>
#include <stdint.h>
#include "gpu/ggtt.h"
#include "gpu/partition.h"
#include "gpu/vreg.h"
#include "hv/dev/vpci.h"
#include "pvinfo/pvinfo.h"

struct vm_desc;
struct gpu_backend;

/* Reset BAR addresses, as firmware would have assigned them. */
#define VGPU_BAR0_RESET  0xf0000000ull
#define VGPU_BAR2_RESET  0x80000000ull
#define VGPU_BAR4_RESET  0xc000u

struct vgpu_stats {
	uint64_t fence_drops;      /* writes to fences beyond fence_num */
	uint64_t failsafe_drops;   /* register writes dropped in failsafe */
	uint64_t hole_accesses;    /* BAR0 between 2 MiB and 8 MiB */
	uint64_t aperture_outside; /* aperture accesses outside the window */
	uint64_t aperture_accesses;
	uint64_t gt_resets;        /* GDRST writes with a reset bit */
	uint64_t pcode_requests;   /* pcode mailbox commands answered */
	uint64_t msi_sent;         /* interrupts sent as the guest's MSI */
	uint64_t msi_suppressed;   /* MSI disabled or bus mastering off */
};

struct vgpu {
	const struct vm_desc *vm;  /* its VM as devices see it (hv/dev/dev.h) */
	const struct gpu_backend *be;
	unsigned vgt_id;
	const struct vgpu_type_info *type;
	struct vgpu_partition part;
	struct vpci_func pci;
	struct vreg_file regs;
	struct pvinfo pvinfo;
	struct ggtt_vm ggtt;       /* its GGTT entries, shadowed */
	uint64_t iova_base;        /* its window in the GPU's DMA domain */
	bool dma_mapped;           /* the window is mapped */
	uint32_t mmio_index;       /* BAR4 MMIO_INDEX */
	/* Where each BAR's trap (or port range) is installed, if it is: a
	 * BAR the guest moves onto another device decodes nothing, and only
	 * a range this vGPU installed is ever removed. */
	bool bar_installed[VPCI_BARS];
	uint64_t bar_at[VPCI_BARS];
	struct vgpu_stats stats;
	bool dropped_reported, rejected_reported, aperture_reported, ro_reported;
};

/* Create the vGPU of vm (type, partition from gm_partition) and put it on
 * the VM's PCI bus at 00:02.0 with its BARs decoding at reset addresses. */
struct vgpu *vgpu_create(const struct vm_desc *vm, const struct gpu_backend *be,
                         enum vgpu_type type, const struct vgpu_partition *part,
                         uint16_t device_id, unsigned vgt_id);
void vgpu_destroy(struct vgpu *g);
/* The closing report of its counters. */
void vgpu_report(const struct vgpu *g);

/* Send the vGPU's interrupt as the MSI the guest programmed in its
 * capability (address, data) to its VM's vLAPIC; false (counted) when
 * MSI or bus mastering is off. */
bool vgpu_send_msi(struct vgpu *g);

/* GGTT_FLUSH: the guest flushed its GGTT writes (GFX_FLSH_CNTL). */
void vgpu_ggtt_flush(struct vgpu *g);

/* gpu/vgpu_regs.c: the Gen9 register descriptors of a vGPU. */
extern const struct vreg_desc vgpu_gen9_regs[];
extern const unsigned vgpu_gen9_nregs;

/* BAR0 offset dispatch: registers and PVINFO (the first 2 MiB), the
 * hole, the GGTT. BAR4's MMIO_INDEX/MMIO_DATA reach only the first part
 * (registers and PVINFO, dwords), never the GGTT. */
bool vgpu_bar0_access(struct vgpu *g, uint64_t off, unsigned size, bool write,
                      uint64_t *value);

#endif
