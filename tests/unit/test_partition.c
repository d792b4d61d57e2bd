/*
 * tests/unit/test_partition.c — unit tests of gpu/partition.c: the vGPU
 * type table (GVT-g's sizes, ../shared/DESIGN.md) and the division of the
 * physical aperture, hidden graphics memory and fence registers among
 * vGPUs after the host's reserve (docs/vgpu.md, "Graphics memory"): exact
 * windows, no overlap, VGPU_NONE, each resource running out with its exact
 * message, a GPU too small for the host, the common 256M aperture. Every
 * expected value is worked out by hand.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gpu/partition.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define NO_BAD 0xdeadu                   /* *bad before the call */

/* The software model of docs/vgpu.md: 1G aperture, 4G GGTT, 32 fences. */
static const struct gm_space model = { 1 * GIB, 4 * GIB, 32 };

static struct vgpu_partition out[8];
static unsigned bad;
static char err[CONFIG_ERROR_MAX];

static int setup(void **state)
{
	(void)state;
	memset(out, 0xa5, sizeof out);       /* every entry must be written */
	bad = NO_BAD;
	memset(err, 0, sizeof err);
	return 0;
}

static bool partition(const struct gm_space *phys,
                      const struct partition_req *req, unsigned n)
{
	return gm_partition(phys, req, n, out, &bad, err, sizeof err);
}

#define EXPECT_PART(p, lo_base, lo_size, hi_base, hi_size, f_base, f_num) \
	expect_part_at(__LINE__, (p), (lo_base), (lo_size), (hi_base),       \
	               (hi_size), (f_base), (f_num))

static void expect_part_at(int line, const struct vgpu_partition *p,
                           uint64_t lo_base, uint64_t lo_size,
                           uint64_t hi_base, uint64_t hi_size,
                           unsigned f_base, unsigned f_num)
{
	if (p->low.base != lo_base || p->low.size != lo_size ||
	    p->high.base != hi_base || p->high.size != hi_size ||
	    p->fence_base != f_base || p->fence_num != f_num)
		fail_msg("line %d: low [%#llx +%#llx) high [%#llx +%#llx) fences "
		         "%u+%u, expected low [%#llx +%#llx) high [%#llx +%#llx) "
		         "fences %u+%u", line,
		         (unsigned long long)p->low.base,
		         (unsigned long long)p->low.size,
		         (unsigned long long)p->high.base,
		         (unsigned long long)p->high.size, p->fence_base,
		         p->fence_num, (unsigned long long)lo_base,
		         (unsigned long long)lo_size, (unsigned long long)hi_base,
		         (unsigned long long)hi_size, f_base, f_num);
}

static void expect_failure(const struct gm_space *phys,
                           const struct partition_req *req, unsigned n,
                           unsigned want_bad, const char *want_err)
{
	assert_false(partition(phys, req, n));
	assert_int_equal(bad, want_bad);
	assert_string_equal(err, want_err);
}

/* ---- the type table ---------------------------------------------------- */

static void expect_type(enum vgpu_type t, const char *name, uint64_t low,
                        uint64_t high, unsigned fences, unsigned weight)
{
	const struct vgpu_type_info *info = vgpu_type_info(t);

	assert_non_null(info);
	assert_int_equal(info->type, t);
	assert_string_equal(info->name, name);
	assert_int_equal(info->low, low);
	assert_int_equal(info->high, high);
	assert_int_equal(info->fences, fences);
	assert_int_equal(info->weight, weight);
}

static void test_type_table(void **state)
{
	(void)state;
	expect_type(VGPU_8, "_8", 64 * MIB, 384 * MIB, 4, 2);
	expect_type(VGPU_4, "_4", 128 * MIB, 512 * MIB, 4, 4);
	expect_type(VGPU_2, "_2", 256 * MIB, 1 * GIB, 4, 8);
	expect_type(VGPU_1, "_1", 512 * MIB, 2 * GIB, 4, 16);
	assert_null(vgpu_type_info(VGPU_NONE));
	assert_null(vgpu_type_info((enum vgpu_type)99));
	/* the names the config parser prints */
	assert_string_equal(vgpu_type_info(VGPU_2)->name,
	                    config_vgpu_name(VGPU_2));
}

/* ---- placement ----------------------------------------------------------- */

/* Alone on the model GPU, each type starts right after the host. */
static void test_one_vm_of_each_type(void **state)
{
	static const struct { enum vgpu_type t; uint64_t low, high; } types[] = {
		{ VGPU_8,  64 * MIB,  384 * MIB },
		{ VGPU_4, 128 * MIB,  512 * MIB },
		{ VGPU_2, 256 * MIB,    1 * GIB },
		{ VGPU_1, 512 * MIB,    2 * GIB },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		const struct partition_req req = { "a", types[i].t };

		assert_true(partition(&model, &req, 1));
		EXPECT_PART(&out[0], 128 * MIB, types[i].low,
		            1 * GIB + 384 * MIB, types[i].high, 4, 4);
		assert_int_equal(bad, NO_BAD);
	}
}

static void test_three_vms_in_order(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "b", VGPU_4 }, { "c", VGPU_2 },
	};
	unsigned i, j;

	(void)state;
	assert_true(partition(&model, req, 3));
	/* low: 128M + 64M, + 128M, + 256M; high from 1G + 384M = 1408M */
	EXPECT_PART(&out[0], 128 * MIB, 64 * MIB, 1408 * MIB, 384 * MIB, 4, 4);
	EXPECT_PART(&out[1], 192 * MIB, 128 * MIB, 1792 * MIB, 512 * MIB, 8, 4);
	EXPECT_PART(&out[2], 320 * MIB, 256 * MIB, 2304 * MIB, 1 * GIB, 12, 4);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			assert_int_equal(gm_partitions_overlap(&out[i], &out[j]),
			                 i == j);
	assert_int_equal(bad, NO_BAD);
}

static void test_none_consumes_nothing(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "plain", VGPU_NONE }, { "b", VGPU_8 },
	};
	static const struct vgpu_partition zero;

	(void)state;
	assert_true(partition(&model, req, 3));
	EXPECT_PART(&out[0], 128 * MIB, 64 * MIB, 1408 * MIB, 384 * MIB, 4, 4);
	assert_memory_equal(&out[1], &zero, sizeof zero);
	EXPECT_PART(&out[2], 192 * MIB, 64 * MIB, 1792 * MIB, 384 * MIB, 8, 4);
	assert_false(gm_partitions_overlap(&out[1], &out[0]));
	assert_false(gm_partitions_overlap(&out[1], &out[1]));
}

static void test_no_requests(void **state)
{
	(void)state;
	assert_true(gm_partition(&model, NULL, 0, NULL, &bad, err, sizeof err));
	assert_int_equal(bad, NO_BAD);
}

/* _1 + _2 + _4 take the 896M after the host: the aperture is full. */
static void test_aperture_exactly_full(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_1 }, { "b", VGPU_2 }, { "c", VGPU_4 }, { "d", VGPU_8 },
	};
	static const struct gm_space big = { 1 * GIB, 8 * GIB, 32 };

	(void)state;
	assert_true(partition(&big, req, 3));
	EXPECT_PART(&out[0], 128 * MIB, 512 * MIB, 1408 * MIB, 2 * GIB, 4, 4);
	EXPECT_PART(&out[1], 640 * MIB, 256 * MIB, 3456 * MIB, 1 * GIB, 8, 4);
	EXPECT_PART(&out[2], 896 * MIB, 128 * MIB, 4480 * MIB, 512 * MIB, 12, 4);
	assert_int_equal(out[2].low.base + out[2].low.size, big.aperture);
	expect_failure(&big, req, 4, 3, "vm 'd': vGPU _8 needs 64M of aperture "
	               "(mappable graphics memory), 0 left of 1G (the host keeps "
	               "128M)");
}

/* Hidden GM and fences used exactly to the end fit too. */
static void test_hidden_and_fences_exactly_full(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "b", VGPU_8 },
	};
	static const struct gm_space tight = { 1 * GIB, 1 * GIB + 1152 * MIB, 12 };

	(void)state;
	assert_true(partition(&tight, req, 2));
	EXPECT_PART(&out[1], 192 * MIB, 64 * MIB, 1792 * MIB, 384 * MIB, 8, 4);
	assert_int_equal(out[1].high.base + out[1].high.size, tight.total);
}

/* ---- running out -------------------------------------------------------- */

/* One page short of a _8's aperture window: refused, sizes in K. */
static void test_one_page_short(void **state)
{
	static const struct partition_req req[] = { { "a", VGPU_8 } };
	static const struct gm_space odd = { 192 * MIB - 4096, 4 * GIB, 32 };

	(void)state;
	expect_failure(&odd, req, 1, 0, "vm 'a': vGPU _8 needs 64M of aperture "
	               "(mappable graphics memory), 65532K left of 196604K (the "
	               "host keeps 128M)");
}

static void test_aperture_runs_out(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_1 }, { "b", VGPU_4 }, { "c", VGPU_8 }, { "d", VGPU_2 },
		{ "e", VGPU_8 },
	};
	static const struct gm_space big = { 1 * GIB, 8 * GIB, 32 };

	(void)state;
	/* 128M + 512M + 128M + 64M = 832M used: 192M left */
	expect_failure(&big, req, 5, 3, "vm 'd': vGPU _2 needs 256M of aperture "
	               "(mappable graphics memory), 192M left of 1G (the host "
	               "keeps 128M)");
}

static void test_hidden_runs_out(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_1 }, { "b", VGPU_2 },
	};

	(void)state;
	/* 3G hidden: host 384M, a 2G, 640M left; b's 256M aperture fits */
	expect_failure(&model, req, 2, 1, "vm 'b': vGPU _2 needs 1G of hidden "
	               "graphics memory, 640M left of 3G (the host keeps 384M)");
}

static void test_fences_run_out(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "b", VGPU_8 }, { "c", VGPU_8 },
	};
	static const struct gm_space few = { 1 * GIB, 4 * GIB, 14 };

	(void)state;
	expect_failure(&few, req, 3, 2, "vm 'c': vGPU _8 needs 4 fence "
	               "registers, 2 left of 14 (the host keeps 4)");
}

/* Per VM: aperture, then hidden, then fences. */
static void test_check_order(void **state)
{
	static const struct partition_req req[] = { { "x", VGPU_2 } };
	/* 128M aperture left of 256M, no hidden left, 1 fence left */
	static const struct gm_space all_short = { 256 * MIB, 640 * MIB, 5 };
	/* aperture fits; 256M hidden left, 1 fence left */
	static const struct gm_space hidden_short = { 1 * GIB, 1664 * MIB, 5 };

	(void)state;
	expect_failure(&all_short, req, 1, 0, "vm 'x': vGPU _2 needs 256M of "
	               "aperture (mappable graphics memory), 128M left of 256M "
	               "(the host keeps 128M)");
	expect_failure(&hidden_short, req, 1, 0, "vm 'x': vGPU _2 needs 1G of "
	               "hidden graphics memory, 256M left of 640M (the host keeps "
	               "384M)");
}

/* A common BIOS default: two _8 fit in a 256M aperture, not three. */
static void test_aperture_256m(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "b", VGPU_8 }, { "c", VGPU_8 },
	};
	static const struct gm_space bios = { 256 * MIB, 4 * GIB, 32 };

	(void)state;
	assert_true(partition(&bios, req, 2));
	EXPECT_PART(&out[0], 128 * MIB, 64 * MIB, 640 * MIB, 384 * MIB, 4, 4);
	EXPECT_PART(&out[1], 192 * MIB, 64 * MIB, 1024 * MIB, 384 * MIB, 8, 4);
	expect_failure(&bios, req, 3, 2, "vm 'c': vGPU _8 needs 64M of aperture "
	               "(mappable graphics memory), 0 left of 256M (the host "
	               "keeps 128M)");
}

/* ---- a GPU too small for the host's reserve ----------------------------- */

static void test_gpu_too_small(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "b", VGPU_NONE },
	};
	static const struct gm_space no_aperture = { 128 * MIB, 4 * GIB, 32 };
	static const struct gm_space tiny_aperture = { 64 * MIB, 4 * GIB, 32 };
	static const struct gm_space no_hidden = { 256 * MIB, 512 * MIB, 32 };
	static const struct gm_space inverted = { 256 * MIB, 128 * MIB, 32 };
	static const struct gm_space no_fences = { 256 * MIB, 4 * GIB, 2 };

	(void)state;
	expect_failure(&no_aperture, req, 2, 2, "the GPU has only 128M of "
	               "aperture (mappable graphics memory), none left after the "
	               "128M the host keeps");
	expect_failure(&tiny_aperture, req, 2, 2, "the GPU has only 64M of "
	               "aperture (mappable graphics memory), none left after the "
	               "128M the host keeps");
	expect_failure(&no_hidden, req, 2, 2, "the GPU has only 256M of hidden "
	               "graphics memory, less than the 384M the host keeps");
	expect_failure(&inverted, req, 2, 2, "the GPU has only 0 of hidden "
	               "graphics memory, less than the 384M the host keeps");
	expect_failure(&no_fences, req, 2, 2, "the GPU has only 2 fence "
	               "registers, less than the 4 the host keeps");
	/* even with nothing to place */
	expect_failure(&no_fences, req, 0, 0, "the GPU has only 2 fence "
	               "registers, less than the 4 the host keeps");
}

/* Exactly the host's hidden reserve: refused at the first vGPU. */
static void test_only_host_hidden(void **state)
{
	static const struct partition_req req[] = { { "a", VGPU_8 } };
	static const struct gm_space host_only = { 256 * MIB, 640 * MIB, 4 };

	(void)state;
	assert_true(partition(&host_only, req, 0));
	expect_failure(&host_only, req, 1, 0, "vm 'a': vGPU _8 needs 384M of "
	               "hidden graphics memory, 0 left of 384M (the host keeps "
	               "384M)");
}

/* ---- the caller's buffers -------------------------------------------- */

static void test_unknown_type(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_8 }, { "b", (enum vgpu_type)9 },
	};

	(void)state;
	expect_failure(&model, req, 2, 1, "vm 'b': unknown vGPU type 9");
}

static void test_short_and_missing_buffers(void **state)
{
	static const struct partition_req req[] = {
		{ "a", VGPU_1 }, { "b", VGPU_1 },
	};
	char small[12];

	(void)state;
	memset(small, 'x', sizeof small);
	assert_false(gm_partition(&model, req, 2, out, &bad, small,
	                          sizeof small));
	assert_string_equal(small, "vm 'b': vGP");
	assert_int_equal(bad, 1);
	assert_false(gm_partition(&model, req, 2, out, NULL, NULL, 0));
	small[0] = 'x';
	assert_false(gm_partition(&model, req, 2, out, NULL, small, 0));
	assert_int_equal(small[0], 'x');
}

/* ---- the overlap check ------------------------------------------------ */

static void test_overlap_helper(void **state)
{
	const struct vgpu_partition a = {
		{ 128 * MIB, 64 * MIB }, { 1408 * MIB, 384 * MIB }, 4, 4,
	};
	struct vgpu_partition b = a;
	const struct vgpu_partition zero = { { 0, 0 }, { 0, 0 }, 0, 0 };

	(void)state;
	assert_true(gm_partitions_overlap(&a, &b));          /* the same */
	assert_false(gm_partitions_overlap(&a, &zero));
	assert_false(gm_partitions_overlap(&zero, &zero));

	/* low windows: one byte in common, then touching */
	b = zero;
	b.low = (struct gm_window){ 192 * MIB - 1, 64 * MIB };
	assert_true(gm_partitions_overlap(&a, &b));
	assert_true(gm_partitions_overlap(&b, &a));
	b.low.base = 192 * MIB;
	assert_false(gm_partitions_overlap(&a, &b));
	assert_false(gm_partitions_overlap(&b, &a));
	b.low = (struct gm_window){ 0, 128 * MIB };
	assert_false(gm_partitions_overlap(&a, &b));
	b.low.size++;
	assert_true(gm_partitions_overlap(&a, &b));

	/* high windows */
	b = zero;
	b.high = (struct gm_window){ 1792 * MIB - 4096, 4096 };
	assert_true(gm_partitions_overlap(&a, &b));
	b.high.base = 1792 * MIB;
	assert_false(gm_partitions_overlap(&a, &b));

	/* one address space: a low window inside another's high window */
	b = zero;
	b.low = (struct gm_window){ 1500 * MIB, 1 * MIB };
	assert_true(gm_partitions_overlap(&a, &b));
	assert_true(gm_partitions_overlap(&b, &a));

	/* fences: 4..7 against 7..10, then 8..11 */
	b = zero;
	b.fence_base = 7;
	b.fence_num = 4;
	assert_true(gm_partitions_overlap(&a, &b));
	assert_true(gm_partitions_overlap(&b, &a));
	b.fence_base = 8;
	assert_false(gm_partitions_overlap(&a, &b));
	b.fence_base = 0;
	assert_false(gm_partitions_overlap(&a, &b));       /* 0..3 */
	b.fence_num = 0;
	b.fence_base = 5;
	assert_false(gm_partitions_overlap(&a, &b));       /* no fences */

	/* windows at the very top of the address space: no wrap-around */
	b = zero;
	b.high = (struct gm_window){ UINT64_MAX - 15, 16 };
	assert_false(gm_partitions_overlap(&a, &b));
	b.low = (struct gm_window){ UINT64_MAX, 1 };
	assert_true(gm_partitions_overlap(&b, &b));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_type_table),
		T(test_one_vm_of_each_type),
		T(test_three_vms_in_order),
		T(test_none_consumes_nothing),
		T(test_no_requests),
		T(test_aperture_exactly_full),
		T(test_hidden_and_fences_exactly_full),
		T(test_one_page_short),
		T(test_aperture_runs_out),
		T(test_hidden_runs_out),
		T(test_fences_run_out),
		T(test_check_order),
		T(test_aperture_256m),
		T(test_gpu_too_small),
		T(test_only_host_hidden),
		T(test_unknown_type),
		T(test_short_and_missing_buffers),
		T(test_overlap_helper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
