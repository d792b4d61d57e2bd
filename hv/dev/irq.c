/*
 * hv/dev/irq.c — a VM's interrupt router (hv/dev/irq.h, docs/platform.md
 * "Interrupts"). GSIs 0..23 are the vIOAPIC's pins; the ISA ones also
 * reach the vPIC, where IRQ 0 arrives on GSI 2 (the MADT's override) and
 * GSI 0 is the 8259's own output, not an ISA line. MSIs become messages
 * for the vLAPIC. The struct lives in the VM's platform (platform.h).
 */
#include "hv/dev/platform.h"

static struct platform *plat_of(struct virq *irq)
{
	return (struct platform *)((char *)irq - offsetof(struct platform, irq));
}

void virq_line(struct virq *irq, unsigned gsi, bool level)
{
	struct platform *p = plat_of(irq);

	if (gsi >= VIRQ_GSIS) {
		irq->bad_lines++;
		return;
	}
	vioapic_set_line(&p->ioapic, gsi, level);
	if (gsi > 0 && gsi < VPIC_IRQS)
		vpic_set_line(&p->pic, gsi == VIRQ_GSI_PIT ? 0 : gsi, level);
}

void virq_pulse(struct virq *irq, unsigned gsi)
{
	virq_line(irq, gsi, true);
	virq_line(irq, gsi, false);
}

void virq_msi(struct virq *irq, uint64_t addr, uint32_t data)
{
	struct apic_msg m;

	if (!apic_msg_from_msi(addr, data, &m)) {
		irq->bad_msis++;
		return;
	}
	irq->msis++;
	vlapic_accept(plat_of(irq)->lapic, &m);
}
