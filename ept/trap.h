/*
 * ept/trap.h — a VM's trap registry: guest-physical ranges whose accesses
 * the hypervisor handles. Two kinds: emulated MMIO (the range is not
 * mapped in EPT, every access exits) and write-protected RAM pages (mapped
 * read+execute; writes exit and go to a callback). Pure logic: a sorted
 * array searched by binary search on the exit path.
 */
#ifndef BAREGT_EPT_TRAP_H
#define BAREGT_EPT_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#define TRAP_MAX 32

enum trap_kind {
	TRAP_MMIO,
	TRAP_WRITE_PROTECT,
};

/*
 * MMIO handler: offset from the start of the range, size 1..8 (usually
 * 1/2/4/8; a string element split across two pages arrives in pieces).
 * Reads fill *value; writes pass it. Returns false when the access is not
 * acceptable (the VM is then stopped).
 */
typedef bool (*trap_mmio_fn)(void *arg, uint64_t offset, unsigned size,
                             bool write, uint64_t *value);
/* Write to a protected page: returns true to let the write happen. */
typedef bool (*trap_wp_fn)(void *arg, uint64_t gpa, unsigned size,
                           uint64_t value);

struct trap {
	uint64_t gpa;
	uint64_t size;
	enum trap_kind kind;
	trap_mmio_fn mmio;
	trap_wp_fn wp;
	void *arg;
	const char *name;
	uint64_t hits;
};

struct trap_table {
	unsigned n;
	struct trap t[TRAP_MAX];
};

enum trap_status {
	TRAP_OK,
	TRAP_EOVERLAP,
	TRAP_EFULL,
	TRAP_EINVAL,     /* size 0, wrap-around, WP not page aligned */
};

void trap_table_init(struct trap_table *tt);
enum trap_status trap_add(struct trap_table *tt, const struct trap *t);
/* Remove the trap that starts at gpa and was added with arg == owner;
 * false if there is none (another owner's trap there stays). */
bool trap_remove(struct trap_table *tt, uint64_t gpa, const void *owner);
/* The trap containing gpa, or NULL. */
struct trap *trap_find(struct trap_table *tt, uint64_t gpa);
/* The same, and *span: how many bytes from gpa on belong to the same
 * place — the rest of that trap, or the gap up to the next trap (or the
 * end of the address space). An access is split where its span ends. */
struct trap *trap_lookup(struct trap_table *tt, uint64_t gpa, uint64_t *span);
const char *trap_status_str(enum trap_status s);

#endif
