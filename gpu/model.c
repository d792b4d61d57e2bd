/*
 * gpu/model.c — the software model of the Gen9 GT: the backend used when
 * no Intel GPU is present. Its geometry is that of a Skylake GT2 with a
 * 1 GiB aperture (firmware on real Gen9 boards offers 256 MiB to 1 GiB)
 * and a 4 GiB GGTT (GGMS = 3, GEN9-FACTS §1), 32 fences (§3).
 */
#include "gpu/backend.h"
#include "gpu/gen9.h"

const struct gpu_backend gpu_model_backend = {
	.name = "software model of the Gen9 GT",
	.device_id = 0x1912,
	.gm = {
		.aperture = 1ull << 30,
		.total = 4ull << 30,
		.fences = GEN9_NUM_FENCES,
	},
};

const struct gpu_backend *gpu_backend_probe(void)
{
	return &gpu_model_backend;
}
