#!/bin/bash
# tests/bench/run.sh — boots BareGT in Bochs, whose RDTSC counts exactly
# one tick per instruction (shared/EMULATORS.md), and prints the
# instruction counts of the boot path read from the hypervisor's own log.
# Two boots: tests/bench/boot.cfg (the bench guest measures the exit
# paths) and tests/bench/big.cfg (two VMs naming the same real-sized
# kernel and initramfs: the boot path's cost with 20 MB of images).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/emu.sh

# Sizes of the big boot's files: a Debian kernel and its initramfs.
KERNEL_BYTES=8389842      # ~8 MB
INITRD_BYTES=12163481     # ~11.6 MB

# bench_boot NAME CFG [FILE=ESP_PATH ...]: one Bochs boot until power-off;
# the 0xE9 output (Bochs prints it on its stdout) is in build/bench/NAME/emu.out.
bench_boot() {
	local name=$1 cfg=$2 dir=build/bench/$1
	shift 2
	mkdir -p "$dir"
	scripts/mkesp.sh "$dir/esp.img" build/baregt.efi "$cfg" "$@" >/dev/null || return 1
	emu_start bochs "$dir" "$dir/esp.img"
	for _ in $(seq 1 600); do
		[ -e "$dir/rc" ] && break
		grep -q "^shutdown: powering off" "$dir/emu.out" 2>/dev/null && break
		sleep 0.3
	done
	sleep 1
	emu_stop
	if ! grep -q "^shutdown: powering off" "$dir/emu.out"; then
		echo "bench: the $name boot did not complete; see $dir/" >&2
		return 1
	fi
}

# The core's entry line: "TICKS_TO_HV TSC_AT_EFI_MAIN".
entered() {
	sed -n 's/^hv: core entered, \([0-9]*\) TSC ticks after efi_main (efi_main at TSC \([0-9]*\)).*/\1 \2/p' "$1"
}
# The TSC of the first guest instruction, as the first bench guest saw it.
first_insn() {
	sed -n 's/^\[[a-z0-9]*\] bench: first guest instruction at tsc \([0-9]*\).*/\1/p' "$1" | head -1
}
row() { printf '  %-48s %12s\n' "$1" "$2"; }

crc32_of() { # FILE → 8 lowercase hex digits (gzip's trailer is CRC-32)
	gzip -c "$1" | tail -c8 | od -An -tx4 -N4 | tr -d ' \n'
}

# ---- boot 1: the exit paths ------------------------------------------------
bench_boot boot tests/bench/boot.cfg \
	'build/guests/bench.elf=\EFI\BAREGT\bench.elf' || exit 1
log=build/bench/boot/emu.out
total=$(sed -n 's/^shutdown: powering off, \([0-9]*\) TSC ticks since efi_main.*/\1/p' "$log")
set -- $(entered "$log")
to_hv=$1 at_efi=$2
first=$(first_insn "$log")
guest() { sed -n "s/^\[bench\] bench: $1 \([0-9]*\)$/\1/p" "$log"; }
size=$(stat -c %s build/baregt.efi)
printf 'BareGT in Bochs (corei7_skylake_x; 1 RDTSC tick = 1 instruction)\n'
row "measure" "instructions"
row "reset -> efi_main (OVMF)" "$at_efi"
row "efi_main -> hv_main (boot/)" "$to_hv"
row "efi_main -> first guest instruction" "$((first - at_efi))"
row "efi_main -> shutdown" "$total"
row "VMCALL round trip (guest-measured)" "$(guest 'vmcall round trip')"
row "I/O exit round trip (IN from the vUART)" "$(guest 'i\/o exit round trip')"
row "trapped MMIO read round trip" "$(guest 'mmio read round trip')"
row "trapped MMIO write round trip" "$(guest 'mmio write round trip')"
row "PVINFO read round trip (vgt_id)" "$(guest 'pvinfo read round trip')"
row "vGPU register read round trip (fence 0)" "$(guest 'vgpu register read round trip')"
row "vGPU register write round trip (fence 0)" "$(guest 'vgpu register write round trip')"
row "GGTT entry write, 1 entry" "$(guest 'ggtt entry write round trip')"
row "GGTT entry write, 1024 (store loop), per entry" "$(guest 'ggtt 1024 entries per entry (store loop)')"
row "GGTT entry write, 1024 (rep movsq), per entry" "$(guest 'ggtt 1024 entries per entry (rep movsq)')"
row "build/baregt.efi size (bytes)" "$size"

# ---- boot 2: real-sized images ---------------------------------------------
dir=build/bench/big
mkdir -p "$dir"
head -c "$KERNEL_BYTES" /dev/urandom >"$dir/vmlinuz"
head -c "$INITRD_BYTES" /dev/urandom >"$dir/initrd.img"
bench_boot big tests/bench/big.cfg \
	'build/guests/bench.elf=\EFI\BAREGT\bench.elf' \
	"$dir/vmlinuz="'\EFI\BAREGT\vmlinuz' \
	"$dir/initrd.img="'\EFI\BAREGT\initrd.img' || exit 1
log=$dir/emu.out
# Every VM gets both files whole, and the log's CRC-32 is the host's.
bad=0
for f in vmlinuz:1:$KERNEL_BYTES initrd.img:2:$INITRD_BYTES; do
	IFS=: read -r file mod bytes <<<"$f"
	crc=$(crc32_of "$dir/$file")
	for vm in big1 big2; do
		grep -q "^\[$vm\] bench: module $mod: $bytes bytes$" "$log" || {
			echo "bench: vm $vm did not get module $mod ($file, $bytes bytes)" >&2
			bad=1; }
		grep -q "^file: .EFI.BAREGT.$file: $bytes bytes at 0x[0-9a-f]*, crc32 $crc (vm '$vm')$" "$log" || {
			echo "bench: no 'file:' line with crc32 $crc for $file of vm $vm" >&2
			bad=1; }
	done
done
[ $bad = 0 ] || exit 1
set -- $(entered "$log")
to_hv=$1 at_efi=$2
first=$(first_insn "$log")
ready=$(sed -n 's/^run: .* VM(s) ready, .* \([0-9]*\) TSC ticks since efi_main$/\1/p' "$log")
reads=$(sed -n 's/^boot: .* in \([0-9]*\) TSC ticks$/\1/p' "$log")
crcs=$(sed -n 's/^file: CRC-32 of [0-9]* bytes in \([0-9]*\) TSC ticks.*/\1/p' "$log")
printf '\nTwo VMs naming the same %s-byte kernel and %s-byte initramfs (big.cfg)\n' \
	"$KERNEL_BYTES" "$INITRD_BYTES"
row "measure" "instructions"
row "efi_main -> hv_main (boot/)" "$to_hv"
row "  of which reading the files from the ESP" "$reads"
row "efi_main -> run loop (both VMs created)" "$ready"
row "efi_main -> first guest instruction" "$((first - at_efi))"
row "  less the file reads" "$((first - at_efi - reads))"
row "    of which the files' CRC-32s (hv_print_files)" "$crcs"
