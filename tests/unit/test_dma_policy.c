/*
 * tests/unit/test_dma_policy.c — unit tests of gpu/dma_policy.c: may the
 * GGTT hold IOVAs (issue 8, item 7)? Every combination of backend (real
 * GPU or the software model), whether VT-d translates the GPU, and the
 * config's gpu_dma, with the exact log line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/dma_policy.h"

#define GPU_AT  0x10        /* 00:02.0 */

static char msg[GPU_DMA_MSG_MAX];

static enum gpu_dma_mode decide(bool hardware, bool translated,
                                enum gpu_dma_choice choice, uint8_t devfn)
{
	struct gpu_dma_facts f = { hardware, translated, choice, 0, devfn };

	memset(msg, 'x', sizeof msg);
	return gpu_dma_decide(&f, msg, sizeof msg);
}

static const char refused[] =
	"no VT-d unit translates the GPU at 00:02.0 (VT-d off in the firmware,"
	" no usable DMAR table, or its unit did not come up): every VM with a"
	" vgpu is refused; enable VT-d in the firmware setup, or set gpu_dma ="
	" untranslated to run them without DMA isolation";

static const char hpa_translated[] =
	"gpu_dma = untranslated: GGTT entries hold host-physical addresses,"
	" every VM's RAM identity-mapped in the GPU's domain: DMA ISOLATION"
	" BETWEEN VMS IS LOST, the GPU can reach every VM's memory";

/* Real GPU, VT-d translating it: IOVAs. */
static void test_hw_translated(void **state)
{
	(void)state;
	assert_int_equal(decide(true, true, GPU_DMA_IOMMU, GPU_AT), GPU_DMA_IOVA);
	assert_string_equal(msg, "GGTT entries hold IOVAs: the VT-d unit covering"
	                    " 00:02.0 translates its DMA");
}

/* The bug of item 7: no translation (no DMAR, DMAR refused, unit down),
 * default config: refused, never IOVAs. */
static void test_hw_untranslated_refused(void **state)
{
	(void)state;
	assert_int_equal(decide(true, false, GPU_DMA_IOMMU, GPU_AT),
	                 GPU_DMA_REFUSED);
	assert_string_equal(msg, refused);
}

/* The explicit choice: HPAs, and the loss said. */
static void test_hw_untranslated_chosen(void **state)
{
	(void)state;
	assert_int_equal(decide(true, false, GPU_DMA_UNTRANSLATED, GPU_AT),
	                 GPU_DMA_HPA);
	assert_string_equal(msg, "gpu_dma = untranslated: GGTT entries hold"
	                    " host-physical addresses and no VT-d unit translates"
	                    " 00:02.0: DMA ISOLATION BETWEEN VMS IS LOST, the GPU"
	                    " can reach all memory, the hypervisor's included");
}

/* Chosen while VT-d translates: HPAs, identity-mapped. */
static void test_hw_translated_untranslated_chosen(void **state)
{
	(void)state;
	assert_int_equal(decide(true, true, GPU_DMA_UNTRANSLATED, GPU_AT),
	                 GPU_DMA_HPA);
	assert_string_equal(msg, hpa_translated);
}

/* The model: its DMA always goes through the software walker. */
static void test_model(void **state)
{
	(void)state;
	assert_int_equal(decide(false, false, GPU_DMA_IOMMU, GPU_AT), GPU_DMA_IOVA);
	assert_string_equal(msg, "GGTT entries hold IOVAs: the software model's"
	                    " DMA goes through the VT-d tables (software walker)");
	assert_int_equal(decide(false, true, GPU_DMA_IOMMU, 0x18), GPU_DMA_IOVA);
	assert_int_equal(decide(false, false, GPU_DMA_UNTRANSLATED, GPU_AT),
	                 GPU_DMA_HPA);
	assert_string_equal(msg, hpa_translated);
}

/* The address in the message is the GPU's. */
static void test_address(void **state)
{
	struct gpu_dma_facts f = { true, false, GPU_DMA_IOMMU, 0x01, 0x0b };

	(void)state;
	assert_int_equal(gpu_dma_decide(&f, msg, sizeof msg), GPU_DMA_REFUSED);
	assert_non_null(strstr(msg, "the GPU at 01:01.3 "));
}

/* A short buffer is cut, never overrun. */
static void test_short_buffer(void **state)
{
	struct gpu_dma_facts f = { true, false, GPU_DMA_IOMMU, 0, GPU_AT };
	char small[16];

	(void)state;
	memset(small, 'x', sizeof small);
	assert_int_equal(gpu_dma_decide(&f, small, sizeof small), GPU_DMA_REFUSED);
	assert_string_equal(small, "no VT-d unit tr");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hw_translated),
		cmocka_unit_test(test_hw_untranslated_refused),
		cmocka_unit_test(test_hw_untranslated_chosen),
		cmocka_unit_test(test_hw_translated_untranslated_chosen),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
