/*
 * hv/dev/testdev.c — the test device's handlers.
 */
#include <string.h>
#include "hv/console.h"
#include "hv/dev/bus.h"
#include "hv/dev/dev.h"
#include "hv/dev/testdev.h"
#include "hv/mm.h"

struct testdev {
	const struct vm_desc *vm;
	uint8_t scratch[TESTDEV_SIZE - TESTDEV_SCRATCH];
};

static bool testdev_mmio(void *arg, uint64_t off, unsigned size, bool write,
                         uint64_t *value)
{
	struct testdev *td = arg;
	uint64_t v = 0;
	unsigned i;

	if (off + size > TESTDEV_SIZE)
		return false;
	if (write) {
		log_debug("vm '%s': testdev write +%#llx size %u value %#llx",
		         td->vm->name, (unsigned long long)off, size,
		         (unsigned long long)*value);
		if (off >= TESTDEV_SCRATCH)
			for (i = 0; i < size; i++)
				td->scratch[off - TESTDEV_SCRATCH + i] =
					(uint8_t)(*value >> (8 * i));
		return true;
	}
	for (i = 0; i < size; i++) {
		uint64_t x = off + i;
		uint8_t b = x >= TESTDEV_SCRATCH ? td->scratch[x - TESTDEV_SCRATCH]
		                                 : testdev_pattern(x);
		v |= (uint64_t)b << (8 * i);
	}
	*value = v;
	return true;
}

/* Writes to the protected page: logged; the last qword's are vetoed. */
static bool testdev_wp(void *arg, uint64_t off, unsigned size, bool write,
                       uint64_t *value)
{
	struct testdev *td = arg;
	bool veto = off + size > TESTDEV_WP_VETO;

	(void)write;
	log_info("vm '%s': testdev wp write gpa %#llx size %u value %#llx%s",
	         td->vm->name, (unsigned long long)(TESTDEV_WP_GPA + off), size,
	         (unsigned long long)*value, veto ? " (dropped)" : "");
	return !veto;
}

struct testdev *testdev_attach(const struct vm_desc *vm)
{
	struct testdev *td = mm_try_alloc_pages(1);
	struct bus_range dev = { .base = TESTDEV_GPA, .size = TESTDEV_SIZE,
	                         .kind = BUS_DEVICE, .fn = testdev_mmio,
	                         .name = "testdev" };
	struct bus_range wp = { .base = TESTDEV_WP_GPA, .size = PAGE_SIZE,
	                        .kind = BUS_WRITE_PROTECT, .fn = testdev_wp,
	                        .name = "testdev-wp" };
	enum bus_status st = BUS_EFULL;

	if (td) {
		td->vm = vm;
		dev.arg = wp.arg = td;
		st = bus_add(vm->bus, BUS_MMIO, &dev);
		if (st == BUS_OK) {
			st = bus_add(vm->bus, BUS_MMIO, &wp);
			if (st != BUS_OK)
				bus_remove(vm->bus, BUS_MMIO, TESTDEV_GPA, td);
		}
	}
	if (st != BUS_OK) {
		log_error("vm '%s': cannot place the test device: %s", vm->name,
		          td ? bus_status_str(st) : "out of memory");
		if (td)
			palloc_free(&hv_palloc, (uint64_t)(uintptr_t)td, 1);
		return NULL;
	}
	log_info("vm '%s': testdev at GPA %#llx, write-protected page %#llx",
	         vm->name, (unsigned long long)TESTDEV_GPA,
	         (unsigned long long)TESTDEV_WP_GPA);
	return td;
}

void testdev_detach(struct testdev *td)
{
	if (!td)
		return;
	bus_remove(td->vm->bus, BUS_MMIO, TESTDEV_WP_GPA, td);
	bus_remove(td->vm->bus, BUS_MMIO, TESTDEV_GPA, td);
	palloc_free(&hv_palloc, (uint64_t)(uintptr_t)td, 1);
}
