/*
 * pvinfo/pvinfo.h — the PVINFO page, BAR0 + 0x78000: byte-compatible
 * with i915's struct vgt_if (i915_pvinfo.h; ../shared/DESIGN.md). The
 * stock i915 guest reads it to find out it runs on a GVT-g vGPU and which
 * graphics memory is its own, and writes a few fields back. Pure logic.
 */
#ifndef BAREGT_PVINFO_PVINFO_H
#define BAREGT_PVINFO_PVINFO_H

#include <stdbool.h>
#include <stdint.h>

#define PVINFO_OFFSET          0x78000u
#define PVINFO_SIZE            0x1000u
#define PVINFO_MAGIC           0x4776544776544776ull   /* "vGTvGTvG" */
#define PVINFO_VERSION_MAJOR   1
#define PVINFO_VERSION_MINOR   0

/* Field offsets within the page (struct vgt_if). */
#define PVINFO_MAGIC_OFF          0x000   /* 8 */
#define PVINFO_VERSION_MAJOR_OFF  0x008   /* 2 */
#define PVINFO_VERSION_MINOR_OFF  0x00a   /* 2 */
#define PVINFO_VGT_ID_OFF         0x00c   /* 4 */
#define PVINFO_CAPS_OFF           0x010   /* 4 */
#define PVINFO_MAPPABLE_BASE_OFF  0x040   /* avail_rs.mappable_gmadr.base */
#define PVINFO_MAPPABLE_SIZE_OFF  0x044
#define PVINFO_HIDDEN_BASE_OFF    0x048   /* avail_rs.nonmappable_gmadr.base */
#define PVINFO_HIDDEN_SIZE_OFF    0x04c
#define PVINFO_FENCE_NUM_OFF      0x050
#define PVINFO_DISPLAY_READY_OFF  0x804   /* 4, guest-written */
#define PVINFO_RSV5_OFF           0x808   /* 16: "insufficient resources" */
#define PVINFO_G2V_NOTIFY_OFF     0x818   /* 4, guest-written */
#define PVINFO_CURSOR_X_HOT_OFF   0x830
#define PVINFO_CURSOR_Y_HOT_OFF   0x834
#define PVINFO_PDP_OFF            0x838   /* 4 x {lo, hi} */
#define PVINFO_EXECLIST_DESC_OFF  0x858   /* lo, hi */

#define PVINFO_CAP_FULL_PPGTT     (1u << 2)
#define PVINFO_CAP_HWSP_EMULATION (1u << 3)
#define PVINFO_CAP_HUGE_GTT       (1u << 4)

/* g2v_notify values (enum vgt_g2v_type). */
enum pvinfo_g2v {
	PVINFO_G2V_PPGTT_L3_CREATE = 2,
	PVINFO_G2V_PPGTT_L3_DESTROY = 3,
	PVINFO_G2V_PPGTT_L4_CREATE = 4,
	PVINFO_G2V_PPGTT_L4_DESTROY = 5,
	PVINFO_G2V_EXECLIST_CONTEXT_CREATE = 6,
	PVINFO_G2V_EXECLIST_CONTEXT_DESTROY = 7,
};

#define PVINFO_MAX_PPGTT 64

/* A PPGTT the guest announced, recorded for the shadowing to come: an L4
 * (48-bit) one has its PML4 in pdp[0], an L3 (32-bit) one four PDPs. */
struct pvinfo_ppgtt {
	bool live;
	bool l4;
	uint64_t pdp[4];
};

struct pvinfo_init {
	uint32_t vgt_id;
	uint32_t caps;
	uint32_t mappable_base, mappable_size;
	uint32_t hidden_base, hidden_size;
	uint32_t fence_num;
};

struct pvinfo {
	uint8_t page[PVINFO_SIZE];        /* what guests read, little-endian */
	bool failsafe;
	struct pvinfo_ppgtt ppgtt[PVINFO_MAX_PPGTT];
	uint64_t ppgtt_full;              /* creates that found no free slot */
	uint64_t ro_writes;               /* writes that hit read-only bytes */
	uint64_t ro_bytes;                /* those bytes, dropped */
	uint64_t notifies[8];             /* per g2v value 0..7 */
	uint64_t bad_notifies;            /* values other than 2..7 */
	uint64_t context_creates, context_destroys;
};

void pvinfo_init(struct pvinfo *p, const struct pvinfo_init *in);

/* off within the page, size 1, 2, 4 or 8, off + size <= PVINFO_SIZE;
 * any alignment. */
bool pvinfo_read(const struct pvinfo *p, uint32_t off, unsigned size,
                 uint64_t *value);

enum pvinfo_event {
	PVINFO_EV_NONE,            /* stored, nothing to report */
	PVINFO_EV_RO_DROPPED,      /* some bytes were read-only: dropped */
	PVINFO_EV_DISPLAY_READY,   /* display_ready written: value */
	PVINFO_EV_FAILSAFE,        /* rsv5 written: the vGPU is now failsafe */
	PVINFO_EV_PPGTT_CREATE,    /* ppgtt points at the new record */
	PVINFO_EV_PPGTT_DESTROY,   /* ppgtt points at the retired record */
	PVINFO_EV_PPGTT_UNKNOWN,   /* destroy of a root never created */
	PVINFO_EV_PPGTT_FULL,      /* create with no free record */
	PVINFO_EV_CONTEXT,         /* execlist context create/destroy */
	PVINFO_EV_BAD_NOTIFY,      /* g2v_notify with an unknown value */
};

struct pvinfo_result {
	enum pvinfo_event event;
	uint32_t value;            /* the dword now stored at off & ~3 */
	const struct pvinfo_ppgtt *ppgtt;
};

/*
 * A guest write. Writable: display_ready, g2v_notify, cursor hot spot,
 * pdp[], the execlist descriptor. rsv5 puts the vGPU in failsafe (bytes
 * not stored). Every other byte is read-only: dropped and counted. A
 * write covering both kinds stores the writable bytes and reports
 * PVINFO_EV_RO_DROPPED. A 4- or 8-byte write covering g2v_notify acts on
 * the value written: PPGTT L3/L4 create records pdp[] (4 roots / the
 * PML4 in pdp[0]) in a free record; destroy retires the live record with
 * the same roots.
 */
bool pvinfo_write(struct pvinfo *p, uint32_t off, unsigned size, uint64_t value,
                  struct pvinfo_result *r);

#endif
