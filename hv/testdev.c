/*
 * hv/testdev.c — the test device's handlers.
 */
#include <string.h>
#include "hv/console.h"
#include "hv/mm.h"
#include "hv/testdev.h"
#include "hv/vm.h"

struct testdev {
	struct vm *vm;
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

static bool testdev_wp(void *arg, uint64_t gpa, unsigned size, uint64_t value)
{
	struct testdev *td = arg;
	bool veto = (gpa & 0xfff) + size > TESTDEV_WP_VETO;

	log_info("vm '%s': testdev wp write gpa %#llx size %u value %#llx%s",
	         td->vm->name, (unsigned long long)gpa, size,
	         (unsigned long long)value, veto ? " (dropped)" : "");
	return !veto;
}

bool testdev_attach(struct vm *vm)
{
	struct testdev *td = mm_alloc_pages(1);

	td->vm = vm;
	vm->testdev = td;
	if (!vm_trap_mmio(vm, TESTDEV_GPA, TESTDEV_SIZE, testdev_mmio, td,
	                  "testdev") ||
	    !vm_trap_write_protect(vm, TESTDEV_WP_GPA, testdev_wp, td,
	                           "testdev-wp")) {
		log_error("vm '%s': cannot place the test device", vm->name);
		return false;
	}
	log_info("vm '%s': testdev at GPA %#llx, write-protected page %#llx",
	         vm->name, (unsigned long long)TESTDEV_GPA,
	         (unsigned long long)TESTDEV_WP_GPA);
	return true;
}
