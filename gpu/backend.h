/*
 * gpu/backend.h — the physical GPU behind the vGPUs, one interface with
 * two implementations (docs/vgpu.md): real Gen9 hardware, and a software
 * model of the Gen9 GT for machines without one (every emulator here).
 * What the vGPU layer needs from it today: the graphics-memory geometry
 * and the device it is. Register and GGTT access come with GGTT
 * shadowing.
 */
#ifndef BAREGT_GPU_BACKEND_H
#define BAREGT_GPU_BACKEND_H

#include <stdint.h>
#include "gpu/partition.h"

struct gpu_backend {
	const char *name;
	uint16_t device_id;
	struct gm_space gm;        /* aperture, GGTT size, fences */
};

/* The backend that runs: the hardware one when an Intel Gen9 display
 * function is found at 00:02.0 (not yet: the software model runs on
 * every machine for now, and the log says so). */
const struct gpu_backend *gpu_backend_probe(void);

/* gpu/model.c */
extern const struct gpu_backend gpu_model_backend;

#endif
