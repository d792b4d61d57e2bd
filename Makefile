# BareGT — top-level Makefile.  `make help` lists the targets.
#
# The hypervisor is one UEFI application, build/baregt.efi, linked from
# boot/ (UEFI side) and the core rooms (hv/, vmx/, ...) with newlib built
# from Debian's newlib-source and cached in build/newlib.  Pure modules are
# also compiled for the host and unit-tested with CMocka (make check).

SHELL      := /bin/bash
VERSION    := 0.1.0
BUILD      := build
OBJ        := $(BUILD)/obj
HOSTOBJ    := $(BUILD)/host
GEN        := $(BUILD)/gen

NEWLIB     := $(BUILD)/newlib/x86_64-elf
NEWLIB_LIB := $(NEWLIB)/lib/libc.a
DEPS_STAMP := $(BUILD)/.deps-ok

CC         := gcc
LD         := ld
OBJCOPY    := objcopy
GCC_INC    := $(shell $(CC) -print-file-name=include)
EFI_INC    := /usr/include/efi
EFI_LIB    := /usr/lib
EFI_CRT0   := $(EFI_LIB)/crt0-efi-x86_64.o
LDSCRIPT   := boot/baregt.lds

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wundef -Wwrite-strings -Wvla -Wformat=2 \
        -Wimplicit-fallthrough -Wpointer-arith

# Hypervisor (freestanding, UEFI calling conventions available, no SSE).
HV_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -fpic -fvisibility=hidden \
        -fshort-wchar -fno-stack-protector -fno-stack-check -mno-red-zone \
        -maccumulate-outgoing-args -mgeneral-regs-only \
        -fno-asynchronous-unwind-tables -fno-strict-aliasing \
        -nostdinc -isystem $(NEWLIB)/include -isystem $(GCC_INC) \
        -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 \
        -DGNU_EFI_USE_MS_ABI -DBAREGT_HV=1 -I. -I$(GEN)
HV_ASFLAGS := -g -I. -I$(GEN) -DBAREGT_HV=1
HV_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
        -T $(LDSCRIPT)

# Host unit tests: same sources, sanitizers on, undefined behaviour aborts.
HOST_CFLAGS := -std=c11 -O1 -g $(WARN) -I. -I$(GEN) \
        -fsanitize=address,undefined -fno-sanitize-recover=all \
        -fno-omit-frame-pointer -DBAREGT_HOST_TEST=1

# --- sources ---------------------------------------------------------------
ROOMS      := boot hv vmx ept gpu pvinfo iommu
HV_C       := $(sort $(shell find $(ROOMS) -name "*.c"))
HV_S       := $(sort $(shell find $(ROOMS) -name "*.S"))
HV_OBJS    := $(HV_C:%.c=$(OBJ)/%.o) $(HV_S:%.S=$(OBJ)/%.o)

# Hardware-free modules: built into the hypervisor and into every unit test.
PURE_C     :=
PURE_C     += hv/config/lex.c
PURE_C     += hv/config/keys.c
PURE_C     += hv/config/check.c
PURE_C     += hv/config/parse.c
PURE_C     += hv/palloc.c
PURE_C     += hv/paging.c
PURE_C     += hv/console.c
PURE_C     += hv/exc_dump.c
PURE_C     += hv/acpi.c
PURE_C     += hv/crc32.c
PURE_C     += boot/file_table.c
PURE_C     += hv/memmap.c
PURE_C     += hv/mmu_flags.c
PURE_C     += hv/dev/vuart.c
PURE_C     += hv/console_in.c
PURE_C     += hv/dev/vlapic.c
PURE_C     += hv/load/dispatch.c
PURE_C     += hv/load/common.c
PURE_C     += hv/load/elf.c
PURE_C     += hv/load/elf64.c
PURE_C     += hv/load/multiboot.c
PURE_C     += hv/load/e820.c
PURE_C     += hv/load/linux.c
PURE_C     += hv/load/pvh.c
PURE_C     += vmx/caps.c
PURE_C     += vmx/cpuid_policy.c
PURE_C     += vmx/cpuid_features.c
PURE_C     += vmx/msr_policy.c
PURE_C     += vmx/mitigate.c
PURE_C     += vmx/gwalk.c
PURE_C     += vmx/decode.c
PURE_C     += vmx/emulate.c
PURE_C     += vmx/insn_cache.c
PURE_C     += hv/dev/bus.c
PURE_C     += ept/ept.c
PURE_C     += hv/dev/vpci.c
PURE_C     += hv/pci_cfg.c
PURE_C     += gpu/partition.c
PURE_C     += gpu/vreg.c
PURE_C     += pvinfo/pvinfo.c
PURE_C     += iommu/dmar.c
PURE_C     += iommu/vtd_tables.c
PURE_C     += iommu/vtd.c
PURE_C     += iommu/vtd_takeover.c
PURE_C     += iommu/vtd_plan.c
PURE_C     += iommu/vtd_faults.c
PURE_C     += iommu/iommu.c
PURE_C     += gpu/ggtt.c
PURE_C     += gpu/gen9_gt.c
PURE_C     += gpu/gen9_ids.c
PURE_C     += gpu/gen9_probe.c
PURE_C     += gpu/dma_policy.c
PURE_C     += gpu/model.c
PURE_C     += hv/dev/acpi_build.c
PURE_C     += hv/dev/vioapic.c
PURE_C     += hv/dev/vpic.c
PURE_C     += hv/dev/vrtc.c
PURE_C     += hv/dev/vpower.c
PURE_C     += hv/dev/vpmtimer.c
PURE_C     += hv/restart_limit.c
PURE_C     += hv/dev/vhpet.c

UNIT_C     := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_C:tests/unit/%.c=$(BUILD)/unit/%)

EFI_SO     := $(BUILD)/baregt.so
EFI_APP    := $(BUILD)/baregt.efi

# Guest programs: guests/*.S (standalone, ELF64) and guests/NAME/*.c built
# on the runtime in guests/lib (ELF64, or Multiboot ELF32 for GUESTS32).
GUEST_S    := $(wildcard guests/*.S)
GUEST_DIRS := $(sort $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard guests/*/*.c))))))
GUESTS32   := mbtest
GUESTS     := $(GUEST_S:guests/%.S=$(BUILD)/guests/%.elf) \
              $(GUEST_DIRS:%=$(BUILD)/guests/%.elf)
GUEST_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -fno-pic -fno-pie \
        -fno-stack-protector -mno-red-zone -mgeneral-regs-only -fno-builtin \
        -fno-asynchronous-unwind-tables -nostdinc -isystem $(GCC_INC) -Iguests/lib
GUEST_LIB64 := start64.S entry.c lib.c idt64.c isr64.S irq64.S paging64.c user64.c user64.S
GUEST_LIB32 := start32.S entry.c lib.c
GUEST_LD   := guests/lib/guest.ld

.PHONY: all help deps check test run run-qemu bench fuzz clean distclean newlib \
        linux-guest
.SECONDARY:
.DEFAULT_GOAL := all

all: $(EFI_APP) $(GUESTS) ## Build build/baregt.efi and the guests (default)

help: ## List the targets
	@echo "BareGT $(VERSION) — targets:"
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
	  sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20
	@echo "Variables: SYSTEST=name (one system test), V=1 (verbose runner)"

# --- dependencies (Debian packages, installed only when missing) -----------
deps: $(DEPS_STAMP) ## Install the missing Debian packages (needs root)
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p $(BUILD) && touch $@

newlib: $(NEWLIB_LIB) ## Build newlib into build/newlib (cached)
$(NEWLIB_LIB): | $(DEPS_STAMP)
	@echo "NEWLIB  build/newlib (from /usr/src/newlib, about a minute)"
	@scripts/build-newlib.sh $(BUILD)/newlib

# --- Linux guest images (Debian's kernel and busybox, unmodified; cached) ---
LINUX_DIR   := $(BUILD)/linux
LINUX_GUEST := $(addprefix $(LINUX_DIR)/,vmlinuz vmlinux initramfs.cpio.gz initramfs.cpio VERSION)
linux-guest: $(LINUX_GUEST) ## Build the Linux guest images into build/linux (cached)
$(LINUX_GUEST) &: scripts/linux-guest.sh guests/linux/init | $(DEPS_STAMP)
	@echo "LINUX   $(LINUX_DIR) (from Debian's linux-image-amd64 and busybox-static)"
	@scripts/linux-guest.sh $(LINUX_DIR) guests/linux/init

# --- version header (rewritten only when the revision changes) -------------
GIT_REV := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
$(GEN)/version.h: FORCE
	@mkdir -p $(GEN)
	@printf '#define BAREGT_VERSION "%s"\n#define BAREGT_GIT "%s"\n#define BAREGT_VERSION_NUM 0x%02x%02x%02x\n' \
	  '$(VERSION)' '$(GIT_REV)' $(subst ., ,$(VERSION)) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

# --- the hypervisor image --------------------------------------------------
# The DSDT: ASL compiled by iasl (acpica-tools), its AML turned into a C
# array that hv/dev/acpi_build.c includes (so it lands in .rodata).
$(GEN)/dsdt_aml.h: hv/dev/dsdt.asl hv/dev/acpi_map.h | $(DEPS_STAMP)
	@mkdir -p $(GEN)
	@echo "IASL    $<"
	@iasl -vs -we -Ihv/dev -p $(GEN)/dsdt $< > $(GEN)/dsdt.log 2>&1 || \
	  { cat $(GEN)/dsdt.log; rm -f $(GEN)/dsdt.aml; exit 1; }
	@{ echo "/* Generated from hv/dev/dsdt.asl by iasl: do not edit. */"; \
	  echo "static const uint8_t dsdt_aml[] = {"; \
	  od -An -v -tx1 $(GEN)/dsdt.aml | sed -E 's/ ([0-9a-f]{2})/0x\1,/g; s/^/\t/'; \
	  echo "};"; } > $@.tmp && mv $@.tmp $@
$(OBJ)/hv/dev/acpi_build.o $(HOSTOBJ)/hv/dev/acpi_build.o: $(GEN)/dsdt_aml.h

$(OBJ)/%.o: %.c $(NEWLIB_LIB) $(GEN)/version.h
	@mkdir -p $(dir $@)
	@echo "CC      $<"
	@$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "AS      $<"
	@$(CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

# Files of Debian's packages: there once the packages are installed, so any
# target that needs them (make bench on a fresh clone) installs them first.
$(EFI_LIB)/libefi.a $(EFI_LIB)/libgnuefi.a $(EFI_CRT0) /usr/include/efi/efi.h: | $(DEPS_STAMP)

# libefi.a's init.o (InitializeLib) also defines byte-at-a-time memcpy and
# memset; a copy with them weakened lets hv/string.c provide them.
LIBEFI     := $(BUILD)/libefi-weak.a
$(LIBEFI): $(EFI_LIB)/libefi.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(OBJCOPY) -W memcpy -W memset $< $@

$(EFI_SO): $(HV_OBJS) $(LDSCRIPT) $(NEWLIB_LIB) $(LIBEFI)
	@echo "LD      $@"
	@$(LD) $(HV_LDFLAGS) $(EFI_CRT0) $(HV_OBJS) $(LIBEFI) \
	  $(EFI_LIB)/libgnuefi.a $(NEWLIB_LIB) -o $@
	@# Guest FPU/SSE state lives in the registers while the hypervisor
	@# runs: none of our code may touch XMM/YMM/ZMM (vmx/vcpu.c switches
	@# that state with XSAVE/XRSTOR only).
	@bad=$$(objdump -d $(HV_OBJS) | grep -E '%[xyz]mm' || true); \
	if [ -n "$$bad" ]; then echo "error: hypervisor code uses vector registers:"; \
	  echo "$$bad" | head; rm -f $@; exit 1; fi
	@# gnu-efi's self-relocator applies only R_X86_64_RELATIVE.
	@bad=$$(readelf -rW $@ | grep -E '^[0-9a-f]+ ' | grep -v R_X86_64_RELATIVE || true); \
	if [ -n "$$bad" ]; then echo "error: $@ has relocations other than R_X86_64_RELATIVE:"; \
	  echo "$$bad"; rm -f $@; exit 1; fi

$(EFI_APP): $(EFI_SO)
	@echo "OBJCOPY $@"
	@$(OBJCOPY) -j .text -j .rodata -j .sdata -j .data -j .dynamic -j .dynsym \
	  -j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
	  --target efi-app-x86_64 --subsystem=10 $< $@
	@echo "        $@: $$(stat -c %s $@) bytes"

# --- guests ---------------------------------------------------------------
$(BUILD)/guests/%.elf: guests/%.S
	@mkdir -p $(dir $@)
	@echo "GUEST   $@"
	@$(CC) -c -g $< -o $(BUILD)/guests/$*.o
	@$(LD) -static -nostdlib -z noexecstack -Ttext=0x200000 -e _start \
	  $(BUILD)/guests/$*.o -o $@

$(BUILD)/guests/lib64/%.o: guests/lib/% guests/lib/guest.h
	@mkdir -p $(dir $@)
	@$(CC) -m64 $(GUEST_CFLAGS) -c $< -o $@
$(BUILD)/guests/lib32/%.o: guests/lib/% guests/lib/guest.h
	@mkdir -p $(dir $@)
	@$(CC) -m32 $(GUEST_CFLAGS) -c $< -o $@
$(BUILD)/guests/obj/%.c.o: guests/%.c guests/lib/guest.h
	@mkdir -p $(dir $@)
	@$(CC) $(if $(filter $(GUESTS32),$(firstword $(subst /, ,$*))),-m32,-m64) \
	  $(GUEST_CFLAGS) -c $< -o $@

# One link rule per C guest: its own objects, the 32- or 64-bit runtime.
define GUEST_RULE
$(BUILD)/guests/$(1).elf: $(patsubst guests/%.c,$(BUILD)/guests/obj/%.c.o,$(wildcard guests/$(1)/*.c)) \
    $(if $(filter $(1),$(GUESTS32)),$(GUEST_LIB32:%=$(BUILD)/guests/lib32/%.o),$(GUEST_LIB64:%=$(BUILD)/guests/lib64/%.o)) \
    $(GUEST_LD)
	@echo "GUEST   $$@"
	@$(LD) $(if $(filter $(1),$(GUESTS32)),-m elf_i386,-m elf_x86_64) -static \
	  -nostdlib -z noexecstack -z max-page-size=0x1000 --no-warn-rwx-segments -T $(GUEST_LD) \
	  $$(filter %.o,$$^) -o $$@
endef
$(foreach g,$(GUEST_DIRS),$(eval $(call GUEST_RULE,$(g))))

# --- unit tests (host) -----------------------------------------------------
$(HOSTOBJ)/%.o: %.c $(GEN)/version.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/unit/%: $(HOSTOBJ)/tests/unit/%.o $(PURE_C:%.c=$(HOSTOBJ)/%.o)
	@mkdir -p $(dir $@)
	@$(CC) $(HOST_CFLAGS) $^ -lcmocka -o $@

# Unit tests that also compile files with hardware edges, which the test
# stubs (the failure-policy tests of docs/architecture.md).
$(BUILD)/unit/test_teardown: $(HOSTOBJ)/gpu/vgpu.o $(HOSTOBJ)/gpu/vgpu_regs.o \
    $(HOSTOBJ)/hv/dev/testdev.o
$(BUILD)/unit/test_vgpu_regs: $(HOSTOBJ)/gpu/vgpu_regs.o

check: $(UNIT_BINS) ## Build and run the unit tests on the host (ASan+UBSan)
	@pass=0; fail=0; \
	for t in $(UNIT_BINS); do \
	  if $$t > $$t.log 2>&1; then pass=$$((pass+1)); \
	    echo "unit  PASS  $$(basename $$t)  ($$(grep -Eo '[0-9]+ test\(s\) run' $$t.log | head -1))"; \
	  else fail=$$((fail+1)); echo "unit  FAIL  $$(basename $$t)"; tail -n 30 $$t.log; fi; \
	done; \
	echo "unit tests: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# --- system tests and running ----------------------------------------------
test: check $(EFI_APP) $(GUESTS) $(LINUX_GUEST) ## make check, then the system tests in Bochs and QEMU (Linux guests included)
	@tests/system/run.sh $(SYSTEST)

run: $(EFI_APP) $(GUESTS) ## Boot configs/default.cfg in Bochs, serial log on the terminal
	@scripts/run.sh bochs configs/default.cfg

run-qemu: $(EFI_APP) $(GUESTS) ## The same in QEMU (TCG: no VMX, but VT-d and the DMAR table)
	@scripts/run.sh qemu configs/default.cfg

bench: $(EFI_APP) $(GUESTS) $(LINUX_GUEST) ## Measure path lengths in Bochs instructions (RDTSC), Linux boot and idle
	@tests/bench/run.sh

# --- fuzzing (clang libFuzzer over the decoder and emulator) ----------------
FUZZ_SECONDS ?= 60
FUZZ_BIN   := $(BUILD)/fuzz/fuzz_decode
FUZZ_DEPS  := $(BUILD)/.fuzz-deps-ok
$(FUZZ_DEPS): scripts/deps.sh
	@scripts/deps.sh clang libclang-rt-14-dev
	@mkdir -p $(BUILD) && touch $@
$(FUZZ_BIN): tests/fuzz/fuzz_decode.c vmx/decode.c vmx/emulate.c vmx/decode.h vmx/emulate.h | $(FUZZ_DEPS)
	@mkdir -p $(dir $@) $(BUILD)/fuzz/corpus
	@clang -g -O1 -I. -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all tests/fuzz/fuzz_decode.c vmx/decode.c \
	  vmx/emulate.c -o $@

fuzz: $(FUZZ_BIN) ## Fuzz the instruction decoder/emulator (FUZZ_SECONDS=60)
	@$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  $(BUILD)/fuzz/corpus 2>&1 | grep -E "stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done" ; \
	  test $${PIPESTATUS[0]} -eq 0

clean: ## Remove build products (keeps the newlib and Linux image caches)
	rm -rf $(OBJ) $(HOSTOBJ) $(GEN) $(BUILD)/unit $(BUILD)/system $(BUILD)/fuzz \
	  $(BUILD)/guests $(EFI_SO) $(EFI_APP) $(BUILD)/run $(BUILD)/bench \
	  $(LIBEFI)

distclean: ## Remove everything under build/, newlib cache included
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
