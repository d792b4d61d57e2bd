/*
 * hv/efirt.c — calling EFI ResetSystem. The runtime-services regions are
 * mapped by hv/mmu.c as the firmware's memory attributes table says.
 */
#include <efi.h>
#include "hv/cpu.h"
#include "hv/efirt.h"
#include "hv/mm.h"
#include "hv/mmu.h"

void efirt_reset(void *efi_rt, enum on_exit how)
{
	EFI_RUNTIME_SERVICES *rt = efi_rt;
	uint64_t cr3;

	if (!rt || how == ON_EXIT_HALT)
		return;
	cr3 = read_cr3();
	write_cr3(mmu_firmware_cr3());
	rt->ResetSystem(how == ON_EXIT_REBOOT ? EfiResetCold : EfiResetShutdown,
	                EFI_SUCCESS, 0, NULL);
	write_cr3(cr3);
}
