/*
 * vmx/port_io.c — the I/O-instruction exit: decode the qualification
 * (SDM Vol. 3C Table 28-5), dispatch through the VM's device bus
 * (hv/dev/bus.h), put IN results into AL/AX/EAX with the usual width
 * rules.
 */
#include "hv/console.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

enum exit_action exit_io(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t q = v->exit_qual;
	unsigned size = IOQ_SIZE(q);
	uint16_t port = IOQ_PORT(q);
	bool in = q & IOQ_IN;
	uint64_t *rax = &v->regs.gpr[GPR_RAX];
	uint64_t value = (uint32_t)*rax;
	enum bus_result r;

	if (q & IOQ_STRING) {
		vm_stop_dump(vm, "string I/O (INS/OUTS) on port %#x is not supported",
		             port);
		return EXIT_STOP;
	}
	if (!in && size < 4)
		value &= (1u << (8 * size)) - 1;
	r = bus_pio(&vm->bus, port, size, in, &value);
	if (r == BUS_REFUSED) {
		if (vm->state != VM_STOPPED)
			vm_stop_dump(vm, "port %#x refused a %u-byte %s", port, size,
			             in ? "read" : "write");
		return EXIT_STOP;
	}
	if (r == BUS_UNCLAIMED_FIRST)
		log_warn("vm '%s': %s unknown port %#x (%u bytes): %s; reported"
		         " once per port", vm->desc.name, in ? "read from" : "write to",
		         port, size, in ? "all-ones returned" : "dropped");
	if (in) {
		/* 8/16-bit results keep the rest of RAX; 32-bit zero-extends
		 * (SDM Vol. 1 §3.4.1.1). */
		uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;

		if (size == 4)
			*rax = value & mask;
		else
			*rax = (*rax & ~mask) | (value & mask);
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
