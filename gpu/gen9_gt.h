/*
 * gpu/gen9_gt.h — the Gen9 register interface (BAR0 of the GT) and the
 * driver sequences BareGT runs over it: forcewake, GGTT entry writes and
 * the GGTT invalidation (GEN9-FACTS §2, §4). The same sequences run on
 * real hardware (gpu/gen9_hw.c maps BAR0) and on the software model of
 * the GT (gpu/model.c), which implements the interface in memory; unit
 * tests check the exact register sequences against a recorder.
 */
#ifndef BAREGT_GPU_GEN9_GT_H
#define BAREGT_GPU_GEN9_GT_H

#include <stdbool.h>
#include <stdint.h>

/* BAR0 accesses. Offsets below 2 MiB are registers; a GGTT entry i is the
 * qword at GEN9_GGTT_OFFSET + 8i. */
struct gen9_mmio {
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t value);
	uint64_t (*read64)(void *ctx, uint32_t off);
	void (*write64)(void *ctx, uint32_t off, uint64_t value);
	void *ctx;
};

enum gen9_fw_domain {
	GEN9_FW_RENDER,
	GEN9_FW_MEDIA,
	GEN9_FW_GT,
};

#define GEN9_FW_KERNEL   (1u << 0)        /* FORCEWAKE_KERNEL */
#define GEN9_FW_SPIN     100000u          /* polls before giving up */

/*
 * Wake a domain (GEN9-FACTS §4 handshake): wait for the ack's KERNEL bit
 * to be clear, write the masked request (KERNEL << 16 | KERNEL), wait for
 * the ack bit to be set. Returns false if an ack never comes.
 */
bool gen9_forcewake_get(const struct gen9_mmio *m, enum gen9_fw_domain d);
/* Release: masked clear (KERNEL << 16). */
void gen9_forcewake_put(const struct gen9_mmio *m, enum gen9_fw_domain d);

/* One 64-bit store of GGTT entry index (no flush). */
void gen9_ggtt_write(const struct gen9_mmio *m, uint64_t index, uint64_t pte);
uint64_t gen9_ggtt_read(const struct gen9_mmio *m, uint64_t index);
/* After a batch of entry writes: GFX_FLSH_CNTL = 1, then a posting read
 * of the same register (GEN9-FACTS §2). */
void gen9_ggtt_flush(const struct gen9_mmio *m);

#endif
