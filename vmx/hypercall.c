/*
 * vmx/hypercall.c — VMCALL: the hypercall ABI of docs/guests.md.
 */
#include "hv/console.h"
#include "hv/vm.h"
#include "vmx/exit.h"
#include "vmx/hypercall.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

/* Copy a NUL-terminated guest string of at most max bytes (NUL included). */
static bool guest_string(struct vm *vm, uint64_t gpa, char *out, unsigned max)
{
	unsigned i;

	for (i = 0; i < max; i++) {
		const char *c = vm_gpa_to_hva(vm, gpa + i, 1);
		if (!c)
			return false;
		if (*c == '\0') {
			out[i] = '\0';
			return i > 0;
		}
		out[i] = (*c >= 0x20 && *c < 0x7f) ? *c : '?';
	}
	return false;
}

static uint64_t hc_result(struct vm *vm, uint64_t name_gpa, uint64_t failed)
{
	char name[HC_NAME_MAX];

	if (!guest_string(vm, name_gpa, name, sizeof(name)))
		return HC_EINVAL;
	if (failed)
		vm->checks_failed++;
	else
		vm->checks_passed++;
	/* The guest prints its own PASS/FAIL; the hypervisor counts, and
	 * says failures out loud. */
	con_log(failed ? LOG_WARN : LOG_DEBUG, "vm '%s': check %s: %s", vm->desc.name,
	        name, failed ? "FAIL" : "PASS");
	return HC_OK;
}

enum exit_action exit_vmcall(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t *r = v->regs.gpr, ret;
	const char *text;

	/* Outside 64-bit mode the upper halves are not the guest's to set. */
	if (!(vmread(VMCS_GUEST_CS_AR) & AR_L)) {
		r[GPR_RAX] = (uint32_t)r[GPR_RAX];
		r[GPR_RDI] = (uint32_t)r[GPR_RDI];
		r[GPR_RSI] = (uint32_t)r[GPR_RSI];
	}
	if (vcpu_cpl() != 0) {
		ret = HC_EPERM;
		goto done;
	}
	switch (r[GPR_RAX]) {
	case HC_NOP:
		ret = HC_OK;
		break;
	case HC_PUTS:
		text = r[GPR_RSI] <= HC_PUTS_MAX ?
		       vm_gpa_to_hva(vm, r[GPR_RDI], r[GPR_RSI]) : NULL;
		if (!text && r[GPR_RSI]) {
			ret = HC_EINVAL;
			break;
		}
		vuart_put(&vm->uart, text, (unsigned)r[GPR_RSI]);
		ret = HC_OK;
		break;
	case HC_RESULT:
		ret = hc_result(vm, r[GPR_RDI], r[GPR_RSI]);
		break;
	case HC_EXIT:
		vm->has_exit_code = true;
		vm->exit_code = r[GPR_RDI];
		vm_stop(vm, "exit code %llu (hypercall)",
		        (unsigned long long)r[GPR_RDI]);
		return EXIT_STOP;
	default:
		ret = HC_ENOSYS;
		break;
	}
done:
	r[GPR_RAX] = ret;
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
