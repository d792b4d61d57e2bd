/*
 * pvinfo/pvinfo.c — the PVINFO page at BAR0 + 0x78000 (pvinfo/pvinfo.h).
 * Owns the page contents, which bytes a guest may write, failsafe, and the
 * guest-to-host notifications (PPGTT records, context counts). The layout
 * is i915's struct vgt_if (i915_pvinfo.h; ../shared/DESIGN.md), kept as
 * little-endian bytes so any access width and alignment reads what i915
 * would read. Pure: no hardware, no allocation.
 */
#include <stddef.h>
#include <string.h>
#include "pvinfo/pvinfo.h"

/* Guest-written areas of struct vgt_if (DESIGN.md): display_ready; rsv5[4]
 * (writing it means "insufficient resources"); g2v_notify; the cursor hot
 * spot, pdp[4] {lo, hi} and the execlist context descriptor {lo, hi},
 * which are contiguous from cursor_x_hot to the end of the descriptor. */
#define DISPLAY_READY_END  (PVINFO_DISPLAY_READY_OFF + 4)
#define RSV5_END           (PVINFO_RSV5_OFF + 16)
#define G2V_NOTIFY_END     (PVINFO_G2V_NOTIFY_OFF + 4)
#define GUEST_AREA_END     (PVINFO_EXECLIST_DESC_OFF + 8)
#define PDP_COUNT          4

/* ---- little-endian bytes of the page ---------------------------------- */

static void put_le(uint8_t *page, uint32_t off, unsigned size, uint64_t v)
{
	unsigned i;

	for (i = 0; i < size; i++)
		page[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *page, uint32_t off, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)page[off + i] << (8 * i);
	return v;
}

static uint32_t get_le32(const uint8_t *page, uint32_t off)
{
	return (uint32_t)get_le(page, off, 4);
}

/* ---- setup and reads ------------------------------------------------- */

void pvinfo_init(struct pvinfo *p, const struct pvinfo_init *in)
{
	memset(p, 0, sizeof(*p));
	put_le(p->page, PVINFO_MAGIC_OFF, 8, PVINFO_MAGIC);
	put_le(p->page, PVINFO_VERSION_MAJOR_OFF, 2, PVINFO_VERSION_MAJOR);
	put_le(p->page, PVINFO_VERSION_MINOR_OFF, 2, PVINFO_VERSION_MINOR);
	put_le(p->page, PVINFO_VGT_ID_OFF, 4, in->vgt_id);
	put_le(p->page, PVINFO_CAPS_OFF, 4, in->caps);
	put_le(p->page, PVINFO_MAPPABLE_BASE_OFF, 4, in->mappable_base);
	put_le(p->page, PVINFO_MAPPABLE_SIZE_OFF, 4, in->mappable_size);
	put_le(p->page, PVINFO_HIDDEN_BASE_OFF, 4, in->hidden_base);
	put_le(p->page, PVINFO_HIDDEN_SIZE_OFF, 4, in->hidden_size);
	put_le(p->page, PVINFO_FENCE_NUM_OFF, 4, in->fence_num);
}

static bool access_valid(uint32_t off, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return off < PVINFO_SIZE && size <= PVINFO_SIZE - off;
}

bool pvinfo_read(const struct pvinfo *p, uint32_t off, unsigned size,
                 uint64_t *value)
{
	if (!access_valid(off, size))
		return false;
	*value = get_le(p->page, off, size);
	return true;
}

/* ---- which bytes a guest may write ------------------------------------ */

enum byte_kind {
	BYTE_READ_ONLY,    /* dropped, counted */
	BYTE_GUEST,        /* stored */
	BYTE_FAILSAFE,     /* rsv5: not stored, the vGPU goes failsafe */
};

static bool in_area(uint32_t off, uint32_t start, uint32_t end)
{
	return off >= start && off < end;
}

static enum byte_kind byte_kind(uint32_t off)
{
	if (in_area(off, PVINFO_DISPLAY_READY_OFF, DISPLAY_READY_END) ||
	    in_area(off, PVINFO_G2V_NOTIFY_OFF, G2V_NOTIFY_END) ||
	    in_area(off, PVINFO_CURSOR_X_HOT_OFF, GUEST_AREA_END))
		return BYTE_GUEST;
	if (in_area(off, PVINFO_RSV5_OFF, RSV5_END))
		return BYTE_FAILSAFE;
	return BYTE_READ_ONLY;
}

/* What storing the bytes of one write touched. */
struct byte_outcome {
	unsigned read_only;        /* bytes dropped */
	bool failsafe;             /* some byte in rsv5 */
	bool display_ready;        /* some byte of display_ready stored */
};

static struct byte_outcome store_bytes(struct pvinfo *p, uint32_t off,
                                       unsigned size, uint64_t value)
{
	struct byte_outcome o = { 0, false, false };
	unsigned i;

	for (i = 0; i < size; i++) {
		uint32_t at = off + i;

		switch (byte_kind(at)) {
		case BYTE_GUEST:
			p->page[at] = (uint8_t)(value >> (8 * i));
			if (in_area(at, PVINFO_DISPLAY_READY_OFF,
			            DISPLAY_READY_END))
				o.display_ready = true;
			break;
		case BYTE_FAILSAFE:
			o.failsafe = true;
			break;
		case BYTE_READ_ONLY:
			o.read_only++;
			break;
		}
	}
	return o;
}

/* ---- PPGTT records (g2v_notify 2..5) ---------------------------------- */

/* pdp[i] as the guest left it in the page: {lo, hi} dwords. */
static uint64_t page_pdp(const struct pvinfo *p, unsigned i)
{
	uint32_t at = PVINFO_PDP_OFF + 8 * i;

	return (uint64_t)get_le32(p->page, at + 4) << 32 |
	       get_le32(p->page, at);
}

/* The roots a notify names: an L4 PPGTT its PML4 in pdp[0], an L3 one
 * all four PDPs. Unused roots are 0. */
static void page_roots(const struct pvinfo *p, bool l4,
                       uint64_t roots[PDP_COUNT])
{
	unsigned i;

	for (i = 0; i < PDP_COUNT; i++)
		roots[i] = (i == 0 || !l4) ? page_pdp(p, i) : 0;
}

/* Same kind, same roots (unused roots are 0 on both sides). */
static bool same_roots(const struct pvinfo_ppgtt *rec, bool l4,
                       const uint64_t roots[PDP_COUNT])
{
	unsigned i;

	if (rec->l4 != l4)
		return false;
	for (i = 0; i < PDP_COUNT; i++)
		if (rec->pdp[i] != roots[i])
			return false;
	return true;
}

static enum pvinfo_event ppgtt_create(struct pvinfo *p, bool l4,
                                      const struct pvinfo_ppgtt **rec)
{
	unsigned i;

	for (i = 0; i < PVINFO_MAX_PPGTT; i++) {
		struct pvinfo_ppgtt *r = &p->ppgtt[i];

		if (r->live)
			continue;
		r->live = true;
		r->l4 = l4;
		page_roots(p, l4, r->pdp);
		*rec = r;
		return PVINFO_EV_PPGTT_CREATE;
	}
	p->ppgtt_full++;
	return PVINFO_EV_PPGTT_FULL;
}

static enum pvinfo_event ppgtt_destroy(struct pvinfo *p, bool l4,
                                       const struct pvinfo_ppgtt **rec)
{
	uint64_t roots[PDP_COUNT];
	unsigned i;

	page_roots(p, l4, roots);
	for (i = 0; i < PVINFO_MAX_PPGTT; i++) {
		struct pvinfo_ppgtt *r = &p->ppgtt[i];

		if (!r->live || !same_roots(r, l4, roots))
			continue;
		r->live = false;
		*rec = r;
		return PVINFO_EV_PPGTT_DESTROY;
	}
	return PVINFO_EV_PPGTT_UNKNOWN;
}

/* ---- g2v_notify (enum vgt_g2v_type) ------------------------------------ */

/* Does [off, off + size) cover all four bytes of g2v_notify? */
static bool covers_g2v_notify(uint32_t off, unsigned size)
{
	return off <= PVINFO_G2V_NOTIFY_OFF && off + size >= G2V_NOTIFY_END;
}

static enum pvinfo_event g2v_notify(struct pvinfo *p, uint32_t v,
                                    const struct pvinfo_ppgtt **rec)
{
	if (v < 8)
		p->notifies[v]++;
	switch (v) {
	case PVINFO_G2V_PPGTT_L3_CREATE:
		return ppgtt_create(p, false, rec);
	case PVINFO_G2V_PPGTT_L3_DESTROY:
		return ppgtt_destroy(p, false, rec);
	case PVINFO_G2V_PPGTT_L4_CREATE:
		return ppgtt_create(p, true, rec);
	case PVINFO_G2V_PPGTT_L4_DESTROY:
		return ppgtt_destroy(p, true, rec);
	case PVINFO_G2V_EXECLIST_CONTEXT_CREATE:
		p->context_creates++;
		return PVINFO_EV_CONTEXT;
	case PVINFO_G2V_EXECLIST_CONTEXT_DESTROY:
		p->context_destroys++;
		return PVINFO_EV_CONTEXT;
	default:
		p->bad_notifies++;
		return PVINFO_EV_BAD_NOTIFY;
	}
}

/* ---- writes ------------------------------------------------------------ */

/* FAILSAFE > RO_DROPPED > the g2v event > DISPLAY_READY > NONE. */
static enum pvinfo_event write_event(const struct byte_outcome *o,
                                     enum pvinfo_event g2v)
{
	if (o->failsafe)
		return PVINFO_EV_FAILSAFE;
	if (o->read_only > 0)
		return PVINFO_EV_RO_DROPPED;
	if (g2v != PVINFO_EV_NONE)
		return g2v;
	if (o->display_ready)
		return PVINFO_EV_DISPLAY_READY;
	return PVINFO_EV_NONE;
}

/*
 * Bytes first (stored, dropped, or failsafe), then g2v_notify if the write
 * covered all of it. The result: the highest-priority event, the dword now
 * at off & ~3 (the dword holding the first byte written), and the PPGTT
 * record the notify created or retired, if any, even when FAILSAFE or
 * RO_DROPPED is the event reported.
 */
bool pvinfo_write(struct pvinfo *p, uint32_t off, unsigned size, uint64_t value,
                  struct pvinfo_result *r)
{
	enum pvinfo_event g2v = PVINFO_EV_NONE;
	const struct pvinfo_ppgtt *rec = NULL;
	struct byte_outcome o;

	if (!access_valid(off, size))
		return false;
	o = store_bytes(p, off, size, value);
	p->ro_bytes += o.read_only;
	p->ro_writes += o.read_only != 0;
	if (o.failsafe)
		p->failsafe = true;
	if (covers_g2v_notify(off, size))
		g2v = g2v_notify(p, get_le32(p->page, PVINFO_G2V_NOTIFY_OFF),
		                 &rec);
	if (r != NULL) {
		r->event = write_event(&o, g2v);
		r->value = get_le32(p->page, off & ~3u);
		r->ppgtt = rec;
	}
	return true;
}
