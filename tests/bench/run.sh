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
	'build/guests/hello64.elf=\EFI\BAREGT\hello64.elf' >/dev/null || exit 1
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
size=$(stat -c %s build/baregt.efi)
printf 'BareGT boot path in Bochs (corei7_skylake_x; 1 RDTSC tick = 1 instruction)\n'
printf '  %-40s %12s\n' "measure" "instructions"
printf '  %-40s %12d\n' "reset -> efi_main (OVMF)" "$at_efi"
printf '  %-40s %12d\n' "efi_main -> hv_main (boot/)" "$to_hv"
printf '  %-40s %12d\n' "hv_main -> shutdown (core + summary)" "$((total - to_hv))"
printf '  %-40s %12d\n' "efi_main -> shutdown" "$total"
printf '  %-40s %12d\n' "build/baregt.efi size (bytes)" "$size"
