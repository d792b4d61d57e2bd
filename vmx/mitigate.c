/*
 * vmx/mitigate.c — choosing the VM-switch mitigations (vmx/mitigate.h).
 *
 * Rules, as Intel's guidance and Linux's KVM apply them (facts, not code):
 *  - L1TF: a CPU without RDCL_NO is affected; a hypervisor flushes L1D
 *    before entering a guest unless ARCH_CAPABILITIES says
 *    SKIP_L1DFL_VMENTRY. BareGT flushes when the next guest is not the
 *    one that ran last, so no VM finds another VM's lines in L1D.
 *  - MDS: a CPU without MDS_NO is affected; with MD_CLEAR, VERW overwrites
 *    the store, fill and load buffers. On such CPUs the L1D flush command
 *    overwrites the buffers too, so VERW is needed only when no flush is
 *    done (Linux's vmx_vcpu_enter_exit does the same).
 *  - Spectre v2 between VMs: with IBRS/IBPB enumerated, an IBPB stops one
 *    VM's branch-predictor training from steering another's.
 * A CPU that is affected but enumerates no remedy is reported, not
 * refused: the log says what is exposed and that a microcode update
 * fixes it.
 */
#include <stdio.h>
#include <string.h>
#include "vmx/mitigate.h"

void mitigations_select(const struct spec_caps *c,
                        struct vm_switch_mitigations *m)
{
	uint64_t ac = (c->cpuid7_edx & CPUID7_EDX_ARCH_CAPS) ? c->arch_caps : 0;
	bool l1tf = !(ac & ARCH_CAP_RDCL_NO) && !(ac & ARCH_CAP_SKIP_L1DFL_VMENTRY);
	bool mds = !(ac & ARCH_CAP_MDS_NO);
	bool md_clear = c->cpuid7_edx & CPUID7_EDX_MD_CLEAR;

	memset(m, 0, sizeof(*m));
	m->ibpb = c->cpuid7_edx & CPUID7_EDX_IBRS_IBPB;
	m->spectre_v2_exposed = !m->ibpb;
	m->l1d_flush = l1tf && (c->cpuid7_edx & CPUID7_EDX_L1D_FLUSH);
	m->l1tf_exposed = l1tf && !m->l1d_flush;
	m->verw = mds && md_clear && !m->l1d_flush;
	m->buffers_by_flush = mds && md_clear && m->l1d_flush;
	m->mds_exposed = mds && !md_clear;
}

static const char *state(bool applied, bool exposed, const char *not_needed)
{
	if (applied)
		return "on";
	return exposed ? "EXPOSED" : not_needed;
}

void mitigations_format(const struct vm_switch_mitigations *m, char *buf,
                        size_t n)
{
	bool exposed = m->l1tf_exposed || m->mds_exposed || m->spectre_v2_exposed;

	snprintf(buf, n, "on a switch between VMs: L1D flush %s; CPU buffer"
	         " clear (VERW) %s; IBPB %s%s",
	         state(m->l1d_flush, m->l1tf_exposed, "not needed"),
	         state(m->verw, m->mds_exposed, m->buffers_by_flush ?
	               "done by the L1D flush" : "not needed"),
	         state(m->ibpb, m->spectre_v2_exposed, "not needed"),
	         exposed ? " (the CPU enumerates no remedy: update its microcode)"
	                 : "");
}
