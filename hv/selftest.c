/*
 * hv/selftest.c — provoke the faults the core's page tables and IDT must
 * catch: a store into hypervisor text (#PF, protection, write), a call
 * into a data page (#PF, instruction fetch: NX) and ud2 (#UD).
 */
#include "hv/console.h"
#include "hv/selftest.h"
#include "iommu/edu_test.h"

static const uint8_t selftest_ret = 0xc3;    /* "ret", in rodata (NX) */

void selftest_run(enum selftest which)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)&selftest_run;

	switch (which) {
	case SELFTEST_NONE:
		return;
	case SELFTEST_WRITE_TEXT:
		log_info("selftest: writing to hypervisor text at %p; expect #PF",
		         (void *)text);
		*text = 0xcc;
		break;
	case SELFTEST_EXEC_DATA:
		log_info("selftest: calling into rodata at %p; expect #PF",
		         (const void *)&selftest_ret);
		((void (*)(void))(uintptr_t)&selftest_ret)();
		break;
	case SELFTEST_UD:
		log_info("selftest: executing ud2; expect #UD");
		__asm__ __volatile__("ud2");
		break;
	case SELFTEST_IOMMU_EDU:
		iommu_edu_selftest();
		return;
	}
	log_error("selftest: %s did not fault", config_selftest_name(which));
}
