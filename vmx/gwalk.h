/*
 * vmx/gwalk.h — translating a guest linear address to a guest-physical
 * one by walking the guest's own page tables, in whichever paging mode
 * the guest is in (SDM Vol. 3A §4.3 32-bit, §4.4 PAE, §4.5 4-level), and
 * checking the access against the rights the CPU would enforce (§4.6:
 * U/S, R/W with CR0.WP, XD, SMEP, SMAP, protection keys). A refused
 * access comes back with the #PF error code the CPU would push (§4.7).
 * Pure: guest memory is read through a callback.
 */
#ifndef BAREGT_VMX_GWALK_H
#define BAREGT_VMX_GWALK_H

#include <stdbool.h>
#include <stdint.h>

/* The guest state the rules depend on. */
struct gwalk_regs {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;     /* AC (bit 18) lifts SMAP for explicit accesses */
	uint32_t pkru;       /* protection-key rights, used under CR4.PKE */
	unsigned cpl;        /* 0..3: CPL 3 makes an access user-mode */
};

/*
 * The access (SDM Vol. 3A §4.6): GWALK_READ, GWALK_WRITE or GWALK_FETCH
 * (instruction fetch), optionally with GWALK_IMPLICIT: an implicit
 * supervisor-mode access (descriptor tables, TSS), supervisor whatever
 * the CPL, and refused by SMAP whatever EFLAGS.AC says.
 */
#define GWALK_READ      0u
#define GWALK_WRITE     (1u << 0)
#define GWALK_FETCH     (1u << 1)
#define GWALK_IMPLICIT  (1u << 2)

/* #PF error code (SDM Vol. 3A §4.7). */
#define PF_ERR_P     (1u << 0)   /* 0: not present; 1: protection/reserved */
#define PF_ERR_W     (1u << 1)   /* the access was a write */
#define PF_ERR_U     (1u << 2)   /* the access was a user-mode access */
#define PF_ERR_RSVD  (1u << 3)   /* a reserved bit was set in an entry */
#define PF_ERR_ID    (1u << 4)   /* instruction fetch (SMEP, or PAE+NXE) */
#define PF_ERR_PK    (1u << 5)   /* refused by the protection key (PKRU) */

/* Read an aligned 8-byte (or, for 32-bit paging, 4-byte) entry at gpa. */
typedef bool (*gwalk_read_fn)(void *ctx, uint64_t gpa, unsigned size,
                              uint64_t *value);

enum gwalk_result {
	GW_OK,
	GW_NOT_PRESENT,      /* #PF, P = 0 in an entry */
	GW_PROTECTION,       /* #PF, the access rights refuse the access */
	GW_RESERVED,         /* #PF, a reserved bit set in a present entry */
	GW_BAD_TABLE,        /* a table lies outside guest RAM (no #PF) */
	GW_UNSUPPORTED,      /* 5-level paging (no #PF) */
};

/*
 * Translate `linear` for `access` (GWALK_*). GW_OK: *gpa is set. The
 * three #PF results set *pf_err to the error code the CPU would push
 * (CR2 = linear); the others set it to 0.
 */
enum gwalk_result gwalk(const struct gwalk_regs *r, uint64_t linear,
                        unsigned access, gwalk_read_fn read, void *ctx,
                        uint64_t *gpa, uint32_t *pf_err);

/* The entries a walk read, in order (a PAE PDPTE included): with the same
 * registers, the same entries give the same translation and rights, so
 * re-reading them is how a cached translation is checked. */
#define GWALK_PATH_MAX 5
struct gwalk_path {
	unsigned n;
	uint64_t gpa[GWALK_PATH_MAX];
	uint64_t value[GWALK_PATH_MAX];
	uint8_t size[GWALK_PATH_MAX];        /* 4 or 8 */
};

/* gwalk, recording the entries it read into *path. */
enum gwalk_result gwalk_record(const struct gwalk_regs *r, uint64_t linear,
                               unsigned access, gwalk_read_fn read, void *ctx,
                               uint64_t *gpa, uint32_t *pf_err,
                               struct gwalk_path *path);
/* Does every entry of path still hold the value it was read with? */
bool gwalk_path_unchanged(const struct gwalk_path *path, gwalk_read_fn read,
                          void *ctx);

#endif
