/*
 * vmx/port_io.c — the I/O-instruction exit: decode the qualification
 * (SDM Vol. 3C Table 28-5), dispatch through the VM's port table
 * (vmx/io.c), put IN results into AL/AX/EAX with the usual width rules.
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
	uint32_t value = (uint32_t)*rax;
	enum io_result r;

	if (q & IOQ_STRING) {
		vm_stop_dump(vm, "string I/O (INS/OUTS) on port %#x is not supported",
		             port);
		return EXIT_STOP;
	}
	if (!in && size < 4)
		value &= (1u << (8 * size)) - 1;
	r = io_dispatch(&vm->io, vm, port, size, in, &value);
	if (r == IO_STOP) {
		if (vm->state != VM_STOPPED)
			vm_stop_dump(vm, "port %#x refused a %u-byte %s", port, size,
			             in ? "read" : "write");
		return EXIT_STOP;
	}
	if (r == IO_UNKNOWN_FIRST)
		log_warn("vm '%s': %s unknown port %#x (%u bytes): %s; reported"
		         " once per port", vm->name, in ? "read from" : "write to",
		         port, size, in ? "all-ones returned" : "dropped");
	if (in) {
		/* 8/16-bit results keep the rest of RAX; 32-bit zero-extends
		 * (SDM Vol. 1 §3.4.1.1). */
		if (size == 4)
			*rax = value;
		else
			*rax = (*rax & ~(uint64_t)((1u << (8 * size)) - 1)) | value;
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
