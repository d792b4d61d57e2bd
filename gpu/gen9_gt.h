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
 * qword at GEN9_GGTT_OFFSET + 8i. now_ns is the clock the handshakes'
 * timeouts run on (the TSC on hardware; a simulated clock in the model
 * and in tests): monotonic nanoseconds from any origin. */
struct gen9_mmio {
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t value);
	uint64_t (*read64)(void *ctx, uint32_t off);
	void (*write64)(void *ctx, uint32_t off, uint64_t value);
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
	/* Optional: the same 64-bit value into count consecutive qwords
	 * from off (a GGTT range): what a loop of write64 does, without a
	 * call per entry. NULL: gen9_ggtt_fill() loops over write64. */
	void (*fill64)(void *ctx, uint32_t off, uint64_t value, uint64_t count);
};

enum gen9_fw_domain {
	GEN9_FW_RENDER,
	GEN9_FW_MEDIA,
	GEN9_FW_GT,
	GEN9_FW_NDOMAINS
};

/* Request and ack bits (GEN9-FACTS §4 "Bits"; i915 intel_gt_regs.h). */
struct gen9_fw_regs {
	uint32_t req, ack;
};
extern const struct gen9_fw_regs gen9_fw_regs[GEN9_FW_NDOMAINS];
/* The ack register of request register req_off, 0 if it is none. */
uint32_t gen9_fw_ack_of(uint32_t req_off);
bool gen9_fw_is_ack(uint32_t off);

#define GEN9_FW_KERNEL           (1u << 0)     /* FORCEWAKE_KERNEL */
#define GEN9_FW_KERNEL_FALLBACK  (1u << 15)    /* FORCEWAKE_KERNEL_FALLBACK */

/* Timing of the handshake, as i915 (drivers/gpu/drm/i915/intel_uncore.c):
 * each wait for an ack gives up after FORCEWAKE_ACK_TIMEOUT_MS = 50 ms;
 * the fallback makes at most 10 passes, pausing 10 us x pass after
 * setting the fallback bit. */
#define GEN9_FW_ACK_TIMEOUT_NS   (50ull * 1000 * 1000)
#define GEN9_FW_FALLBACK_PASSES  10u
#define GEN9_FW_FALLBACK_PAUSE_NS (10ull * 1000)

/*
 * Before anything uses forcewake: clear whatever requests a previous
 * owner (firmware, a crashed driver) left in every domain, by a masked
 * write clearing all 16 bits (i915's fw_domain_reset at init, "WaRsClear
 * FWBitsAtReset"); no waiting for acks.
 */
void gen9_forcewake_reset(const struct gen9_mmio *m);

/*
 * Wake a domain (GEN9-FACTS §4 "Handshake", with i915's Gen9 fallback,
 * WaRsForcewakeAddDelayForAck): wait for the ack's KERNEL bit to clear;
 * set the request (KERNEL << 16 | KERNEL); wait for the ack's KERNEL bit.
 * When a wait times out, the fallback kicks the power controller: up to
 * GEN9_FW_FALLBACK_PASSES times, wait for the ack's FALLBACK bit to clear,
 * set the FALLBACK request, pause 10 us x pass, wait for the ack's
 * FALLBACK bit, look at the ack's KERNEL bit, clear the FALLBACK request;
 * after a fruitless fallback one more ordinary wait. Returns false when
 * an ack never comes (the request then is not written, or withdrawn):
 * at most about 1.2 s of m's clock for the two waits together.
 */
bool gen9_forcewake_get(const struct gen9_mmio *m, enum gen9_fw_domain d);
/* Release: masked clear (KERNEL << 16). */
void gen9_forcewake_put(const struct gen9_mmio *m, enum gen9_fw_domain d);

/* One 64-bit store of GGTT entry index (no flush). */
void gen9_ggtt_write(const struct gen9_mmio *m, uint64_t index, uint64_t pte);
uint64_t gen9_ggtt_read(const struct gen9_mmio *m, uint64_t index);
/* pte into entries [first, first + count) (no flush). */
void gen9_ggtt_fill(const struct gen9_mmio *m, uint64_t first, uint64_t count,
                    uint64_t pte);
/* pte into every entry of a GGTT of nentries except [keep, keep + nkeep)
 * (the boot framebuffer's, which the display still scans out), then the
 * flush. */
void gen9_ggtt_scrub(const struct gen9_mmio *m, uint64_t nentries,
                     uint64_t keep, uint64_t nkeep, uint64_t pte);
/* After a batch of entry writes: GFX_FLSH_CNTL = 1, then a posting read
 * of the same register (GEN9-FACTS §2). */
void gen9_ggtt_flush(const struct gen9_mmio *m);

#endif
