/*
 * hv/config/config.h — the BareGT configuration: what baregt.cfg says.
 *
 * config_parse() turns the text of the file into a struct config. It is
 * pure C (no allocation, no I/O) so the unit tests compile the same source:
 * hv/config/lex.c (spans, quoting, numbers, sizes, errors), keys.c (the key
 * table and one setter per kind of value), check.c (what a section, the
 * file and the machine must satisfy), parse.c (the line loop, sections).
 * Every problem is reported with the line it was found on; no line is ever
 * silently ignored. The format is documented in docs/config.md.
 */
#ifndef BAREGT_HV_CONFIG_CONFIG_H
#define BAREGT_HV_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_VMS      16
#define CONFIG_MAX_MODULES  8
#define CONFIG_NAME_MAX     32   /* VM name, including the NUL */
#define CONFIG_PATH_MAX     128  /* ESP path, including the NUL */
#define CONFIG_CMDLINE_MAX  256  /* command line / module args, with NUL */
#define CONFIG_LINE_MAX     512  /* line, with NUL (newline not counted) */
#define CONFIG_ERROR_MAX    160  /* longest error message */
#define CONFIG_VGPU_DEVICE_DEFAULT 0x1912  /* Skylake GT2 */
#define CONFIG_SLICE_DEFAULT_US 10000
#define CONFIG_SLICE_MIN_US     100
#define CONFIG_SLICE_MAX_US     1000000
#define CONFIG_CPUID_HIDE_WORDS 8  /* bits for the CPU features of vmx/cpuid_features.h */

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN  = 1,
	LOG_INFO  = 2,
	LOG_DEBUG = 3,
};

enum on_exit {
	ON_EXIT_SHUTDOWN = 0, /* ResetSystem(EfiResetShutdown) */
	ON_EXIT_REBOOT,       /* ResetSystem(EfiResetCold) */
	ON_EXIT_HALT,         /* stay: park the CPU, the log stays readable */
};

/* What a guest's reset request does to its VM (docs/platform.md, "Reset
 * and power-off"); power-off always stops it. */
enum on_reset {
	ON_RESET_STOP = 0,    /* the VM stops, as it does for power-off */
	ON_RESET_RESTART,     /* rebuilt from its image, a bounded number of times */
};

/* vGPU types as GVT-g names them (sizes in DESIGN.md); NONE = no vGPU. */
enum vgpu_type {
	VGPU_NONE = 0,
	VGPU_8,
	VGPU_4,
	VGPU_2,
	VGPU_1,
};

/* How VT-d invalidations are issued (VTD-FACTS §4, §6). */
enum vtd_invalidation {
	VTD_INV_AUTO = 0,    /* the queue where ECAP.QI, else registers */
	VTD_INV_REGISTER,    /* always the CCMD/IOTLB registers */
};

/* What the GPU's DMA addresses may be (docs/config.md, docs/hardware.md):
 * IOVAs remapped by VT-d, or, as an explicit choice that gives up DMA
 * isolation between VMs, host-physical addresses. */
enum gpu_dma_choice {
	GPU_DMA_IOMMU = 0,       /* vGPUs only where VT-d translates the GPU */
	GPU_DMA_UNTRANSLATED,    /* GGTT entries hold HPAs */
};

/* Boot-time self-tests of the core's own protections (docs/config.md). */
enum selftest {
	SELFTEST_NONE = 0,
	SELFTEST_WRITE_TEXT, /* store into hypervisor text: expect #PF */
	SELFTEST_EXEC_DATA,  /* jump into a data page: expect #PF (NX) */
	SELFTEST_UD,         /* ud2: expect #UD */
	SELFTEST_IOMMU_EDU,  /* VT-d DMA through QEMU's edu device */
};

struct config_module {
	char path[CONFIG_PATH_MAX];      /* normalised to backslashes */
	char args[CONFIG_CMDLINE_MAX];   /* text after the path, may be "" */
	unsigned line;
};

struct vm_config {
	char name[CONFIG_NAME_MAX];
	unsigned line;                   /* line of the [vm NAME] header */
	uint64_t memory_bytes;           /* multiple of 2 MiB, > 0 */
	unsigned memory_line;
	unsigned cpu;                    /* physical CPU index the VM runs on */
	unsigned cpu_line;
	char image[CONFIG_PATH_MAX];     /* normalised to backslashes */
	unsigned image_line;
	char cmdline[CONFIG_CMDLINE_MAX];
	unsigned cmdline_line;
	enum vgpu_type vgpu;
	unsigned vgpu_line;
	uint16_t vgpu_device;            /* PCI device ID the vGPU shows */
	unsigned vgpu_device_line;
	bool testdev;                    /* BareGT's test device (docs/guests.md) */
	unsigned testdev_line;
	/* CPU features its CPUID hides: a bit per enum cpuid_feature_id
	 * (vmx/cpuid_features.h; names in docs/config.md). */
	uint32_t cpuid_hide[CONFIG_CPUID_HIDE_WORDS];
	unsigned cpuid_hide_line;
	enum on_reset on_reset;
	unsigned on_reset_line;
	unsigned nmodules;
	struct config_module module[CONFIG_MAX_MODULES];
};

struct config {
	enum log_level log_level;
	bool serial_enabled;
	uint16_t serial_port;            /* I/O port of the 16550 */
	enum on_exit on_exit;
	enum selftest selftest;
	uint32_t time_slice_us;          /* scheduler slice per vCPU */
	enum vtd_invalidation vtd_invalidation;
	enum gpu_dma_choice gpu_dma;
	unsigned gpu_dma_line;           /* 0: not given */
	unsigned nvms;
	struct vm_config vm[CONFIG_MAX_VMS];
};

struct config_error {
	unsigned line;                   /* 0: the problem is the whole file */
	char msg[CONFIG_ERROR_MAX];
};

/* What the machine offers, for config_check_machine(). */
struct machine_facts {
	uint64_t usable_ram_bytes;       /* free RAM the VMs may take */
	unsigned ncpus;                  /* enabled CPUs (ACPI MADT), 0 = unknown */
};

/* Set every field to its default (docs/config.md). */
void config_defaults(struct config *cfg);

/*
 * Parse len bytes of text. Returns true on success; on the first error
 * returns false with err filled in (cfg then holds what was parsed so far
 * and must not be used).
 */
bool config_parse(const char *text, size_t len, struct config *cfg,
                  struct config_error *err);

/*
 * Check a parsed config against the machine: each VM's memory in turn must
 * fit in what is left; each VM's cpu must exist (when ncpus is known).
 * On failure err names the offending line.
 */
bool config_check_machine(const struct config *cfg,
                          const struct machine_facts *mf,
                          struct config_error *err);

/* Names for printing; never NULL. */
const char *config_log_level_name(enum log_level l);
const char *config_on_exit_name(enum on_exit e);
const char *config_on_reset_name(enum on_reset r);
const char *config_vgpu_name(enum vgpu_type t);
const char *config_selftest_name(enum selftest s);
const char *config_vtd_invalidation_name(enum vtd_invalidation v);
const char *config_gpu_dma_name(enum gpu_dma_choice g);

/*
 * Format a byte count the way the config accepts it back: the largest unit
 * (G, M, K) that divides it exactly, else plain bytes. Returns buf.
 */
char *config_format_size(uint64_t bytes, char *buf, size_t n);

#endif
