/*
 * gpu/partition.h — dividing the physical graphics memory among vGPUs
 * (docs/vgpu.md, "Graphics memory"): the aperture (mappable, low GM) and
 * the hidden part (high GM) of the GGTT, and the fence registers. Sizes of
 * the vGPU types as GVT-g's (../shared/DESIGN.md). Pure logic.
 */
#ifndef BAREGT_GPU_PARTITION_H
#define BAREGT_GPU_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/config/config.h"

#define GM_HOST_LOW     (128ull << 20)   /* aperture the host keeps */
#define GM_HOST_HIGH    (384ull << 20)   /* hidden GM the host keeps */
#define GM_HOST_FENCES  4

struct vgpu_type_info {
	enum vgpu_type type;
	const char *name;          /* "_8" … "_1" */
	uint64_t low, high;        /* aperture and hidden GM, bytes */
	unsigned fences;
	unsigned weight;           /* scheduler weight */
};

/* NULL for VGPU_NONE or an unknown value. */
const struct vgpu_type_info *vgpu_type_info(enum vgpu_type t);

/* What the physical GPU has. */
struct gm_space {
	uint64_t aperture;         /* mappable GM = BAR2 size */
	uint64_t total;            /* GGTT size (whole GM) */
	unsigned fences;
};

struct gm_window {
	uint64_t base, size;       /* GM addresses */
};

struct vgpu_partition {
	struct gm_window low, high;
	unsigned fence_base, fence_num;
};

struct partition_req {
	const char *vm_name;
	enum vgpu_type type;       /* VGPU_NONE: gets an all-zero partition */
};

/*
 * Give each request, in order, the next free windows after the host's
 * reserve: low GM from [GM_HOST_LOW, aperture), high GM from
 * [aperture + GM_HOST_HIGH, total), fences from GM_HOST_FENCES up. On
 * failure returns false, *bad = index of the request that does not fit,
 * err = "vm 'NAME': vGPU _T needs SIZE of RESOURCE, LEFT left of TOTAL
 * (the host keeps HOST)" with sizes as config_format_size writes them
 * (RESOURCE: "aperture (mappable graphics memory)", "hidden graphics
 * memory" or "fence registers", counts for fences).
 */
bool gm_partition(const struct gm_space *phys, const struct partition_req *req,
                  unsigned n, struct vgpu_partition *out, unsigned *bad,
                  char *err, size_t errlen);

/* Do two partitions share any GM address or fence? */
bool gm_partitions_overlap(const struct vgpu_partition *a,
                           const struct vgpu_partition *b);

#endif
