/*
 * vmx/caps.c — decoding the VMX capability MSRs.
 * Bit positions: SDM Vol. 3D Appendix A.1 (BASIC: revision 30:0, true
 * controls bit 55), A.3 (allowed-1 settings in bits 63:32; pin-based
 * preemption timer bit 6; processor-based "activate secondary controls"
 * bit 31; secondary: EPT bit 1, VPID bit 5, unrestricted guest bit 7),
 * A.6 (MISC: preemption-timer rate bits 4:0), A.10 (EPT_VPID_CAP: walk
 * length 4 bit 6, WB bit 14, 2 MB bit 16, 1 GB bit 17, INVEPT bit 20,
 * A/D bit 21, INVVPID bit 32). Interrupt virtualization (A.3.1-A.3.3):
 * pin-based posted interrupts bit 7; processor-based interrupt-window
 * exiting bit 2, TPR shadow bit 21, NMI-window exiting bit 22; secondary
 * virtualize APIC accesses bit 0, virtualize x2APIC mode bit 4, APIC
 * register virtualization bit 8, virtual-interrupt delivery bit 9.
 * IA32_FEATURE_CONTROL: lock bit 0, VMX
 * outside SMX bit 2 (SDM Vol. 3C §24.7).
 */
#include <stdio.h>
#include "vmx/caps.h"

static bool allowed1(uint64_t ctl_msr, unsigned bit)
{
	return (ctl_msr >> 32) & (1ull << bit);
}

void vmx_caps_decode(const struct vmx_msrs *m, struct vmx_caps *c)
{
	uint64_t pin, proc;

	*c = (struct vmx_caps){ 0 };
	c->cpuid_vmx = m->cpuid_vmx;
	c->vmx = m->cpuid_vmx && m->basic != 0;
	c->fc_locked = m->feature_control & 1;
	c->fc_vmx_outside_smx = m->feature_control & 4;
	if (!c->vmx)
		return;
	c->revision = (uint32_t)(m->basic & 0x7fffffff);
	c->true_ctls = m->basic & (1ull << 55);
	pin = c->true_ctls ? m->true_pinbased : m->pinbased;
	proc = c->true_ctls ? m->true_procbased : m->procbased;
	c->preemption_timer = allowed1(pin, 6);
	c->posted_intr = allowed1(pin, 7);
	c->intr_window = allowed1(proc, 2);
	c->tpr_shadow = allowed1(proc, 21);
	c->nmi_window = allowed1(proc, 22);
	c->preemption_rate = (unsigned)(m->misc & 0x1f);
	c->secondary = allowed1(proc, 31);
	if (c->secondary) {
		c->ept = allowed1(m->procbased2, 1);
		c->vpid = allowed1(m->procbased2, 5);
		c->unrestricted = allowed1(m->procbased2, 7);
		c->apic_access = allowed1(m->procbased2, 0);
		c->x2apic_virt = allowed1(m->procbased2, 4);
		c->apic_reg_virt = allowed1(m->procbased2, 8);
		c->vintr_delivery = allowed1(m->procbased2, 9);
	}
	if (c->ept || c->vpid) {
		c->ept_4level = m->ept_vpid & (1ull << 6);
		c->ept_wb = m->ept_vpid & (1ull << 14);
		c->ept_2m = m->ept_vpid & (1ull << 16);
		c->ept_1g = m->ept_vpid & (1ull << 17);
		c->invept = m->ept_vpid & (1ull << 20);
		c->ept_ad = m->ept_vpid & (1ull << 21);
		c->invvpid = m->ept_vpid & (1ull << 32);
	}
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

void vmx_caps_format(const struct vmx_caps *c, char *buf, size_t n)
{
	if (!c->vmx) {
		snprintf(buf, n, c->cpuid_vmx ?
		         "not available (IA32_VMX_BASIC reads 0)" :
		         "not available (CPUID.1:ECX.VMX = 0)");
		return;
	}
	snprintf(buf, n,
	         "revision %#x, EPT %s, VPID %s, unrestricted guest %s, "
	         "preemption timer %s (TSC/%u), EPT 2M pages %s, EPT 1G pages %s, "
	         "EPT A/D %s, INVEPT %s, INVVPID %s, true controls %s",
	         c->revision, yn(c->ept), yn(c->vpid), yn(c->unrestricted),
	         yn(c->preemption_timer), 1u << c->preemption_rate, yn(c->ept_2m),
	         yn(c->ept_1g), yn(c->ept_ad), yn(c->invept), yn(c->invvpid),
	         yn(c->true_ctls));
}

void vmx_caps_format_apic(const struct vmx_caps *c, char *buf, size_t n)
{
	snprintf(buf, n,
	         "interrupt window %s, NMI window %s, TPR shadow %s, "
	         "APIC-access page %s, x2APIC virtualization %s, "
	         "APIC-register virtualization %s, virtual-interrupt delivery %s, "
	         "posted interrupts %s",
	         yn(c->intr_window), yn(c->nmi_window), yn(c->tpr_shadow),
	         yn(c->apic_access), yn(c->x2apic_virt), yn(c->apic_reg_virt),
	         yn(c->vintr_delivery), yn(c->posted_intr));
}
