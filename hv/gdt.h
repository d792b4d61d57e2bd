/*
 * hv/gdt.h — the hypervisor's own GDT and TSS (one set per CPU; CPU 0
 * only for now). VMX host state needs a usable TR, which OVMF does not
 * provide, and the TSS's IST1 stack lets #DF/NMI/#MC report even when the
 * normal stack is gone.
 */
#ifndef BAREGT_HV_GDT_H
#define BAREGT_HV_GDT_H

#include <stdint.h>

#define GDT_SEL_CODE  0x08
#define GDT_SEL_DATA  0x10
#define GDT_SEL_TSS   0x18
#define IST_FAULT     1     /* IST index used by #DF, NMI, #MC */

/* Load the GDT, reload every segment register, load TR. */
void gdt_init(uint64_t ist_stack_top);

/* Base of this CPU's TSS (VMCS host state). */
uint64_t gdt_tss_base(void);

#endif
