#!/bin/bash
# tests/bench/run.sh — boots BareGT in Bochs, whose RDTSC counts exactly
# one tick per instruction (shared/EMULATORS.md), and prints the
# instruction counts of the boot path read from the hypervisor's own log.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/emu.sh
dir=build/bench/boot
mkdir -p "$dir"
scripts/mkesp.sh "$dir/esp.img" build/baregt.efi tests/bench/boot.cfg \
	'build/guests/bench.elf=\EFI\BAREGT\bench.elf' >/dev/null || exit 1
emu_start bochs "$dir" "$dir/esp.img"
for _ in $(seq 1 600); do
	[ -e "$dir/rc" ] && break
	grep -q "^shutdown: powering off" "$dir/emu.out" 2>/dev/null && break
	sleep 0.3
done
sleep 1
emu_stop
log=$dir/emu.out      # Bochs prints port 0xE9 output on its stdout
entered=$(sed -n 's/^hv: core entered, \([0-9]*\) TSC ticks after efi_main (efi_main at TSC \([0-9]*\)).*/\1 \2/p' "$log")
total=$(sed -n 's/^shutdown: powering off, \([0-9]*\) TSC ticks since efi_main.*/\1/p' "$log")
if [ -z "$entered" ] || [ -z "$total" ]; then
	echo "bench: the boot did not complete; see $dir/" >&2
	exit 1
fi
set -- $entered
to_hv=$1 at_efi=$2
first=$(sed -n 's/^\[bench\] bench: first guest instruction at tsc \([0-9]*\).*/\1/p' "$log")
guest() { sed -n "s/^\[bench\] bench: $1 \([0-9]*\)$/\1/p" "$log"; }
size=$(stat -c %s build/baregt.efi)
row() { printf '  %-44s %12s\n' "$1" "$2"; }
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
