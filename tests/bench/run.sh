#!/bin/bash
# tests/bench/run.sh — boots BareGT in Bochs, whose RDTSC counts exactly
# one tick per instruction (shared/EMULATORS.md), and prints the
# instruction counts of the boot path read from the hypervisor's own log.
# Three boots: tests/bench/boot.cfg (the bench guest measures the exit
# paths and interrupt round trips), tests/bench/big.cfg (two VMs naming
# the same real-sized kernel and initramfs: the boot path's cost with
# 20 MB of images) and tests/bench/linux.cfg (Debian's kernel by PVH: to
# /init's first line, then idle at the console; the config's marks log
# the VM's time and exits by reason at those lines).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/emu.sh

# Sizes of the big boot's files: a Debian kernel and its initramfs.
KERNEL_BYTES=8389842      # ~8 MB
INITRD_BYTES=12163481     # ~11.6 MB

# bench_boot NAME CFG [FILE=ESP_PATH ...]: one Bochs boot until power-off
# (at most WAIT_S seconds of wall time, default 180); the 0xE9 output
# (Bochs prints it on its stdout) is in build/bench/NAME/emu.out.
bench_boot() {
	local name=$1 cfg=$2 dir=build/bench/$1
	shift 2
	mkdir -p "$dir"
	scripts/mkesp.sh "$dir/esp.img" build/baregt.efi "$cfg" "$@" >/dev/null || return 1
	emu_start bochs "$dir" "$dir/esp.img"
	for _ in $(seq 1 $((${WAIT_S:-180} * 10 / 3))); do
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

# exits_of LOG PREFIX: "COUNT<TAB>REASON" for each reason of the exit
# report whose lines start with PREFIX ("vm 'x': " for the VM's stop
# report, "vm 'x': mark 'TEXT': " for a mark's): hv/vm.c vm_log_exits.
exits_of() {
	awk -v p="$2" '
	index($0, p) == 1 {
		rest = substr($0, length(p) + 1)
		if (rest !~ /^([0-9]+ exits|exits \(continued\)): /)
			next
		sub(/^([0-9]+ exits|exits \(continued\)): /, "", rest)
		if (rest == "none")
			next
		n = split(rest, item, ", ")
		for (i = 1; i <= n; i++) {
			count = item[i]; sub(/.* /, "", count)
			reason = item[i]; sub(/ [0-9]+$/, "", reason)
			print count "\t" reason
		}
	}' "$1"
}
# exits_total LOG PREFIX: the total of that report.
exits_total() {
	awk -v p="$2" 'index($0, p) == 1 {
		rest = substr($0, length(p) + 1)
		if (rest ~ /^[0-9]+ exits: /) { sub(/ .*/, "", rest); print rest }
	}' "$1"
}
# mark_ticks LOG VM MARK begun|ended: TSC ticks from the VM's first entry
# to the first byte or the end of the console line that matched MARK.
mark_ticks() {
	local re
	re="^vm '$2': mark '$3': line begun \\([0-9]*\\) and ended \\([0-9]*\\) TSC ticks.*"
	case $4 in
	begun) sed -n "s/$re/\\1/p" "$1" | head -1 ;;
	ended) sed -n "s/$re/\\2/p" "$1" | head -1 ;;
	esac
}
# per_s COUNT SECONDS: COUNT per second, one decimal.
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

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
# Interrupt round trips (guests/bench/irq.c): means of 64, armed with IF=1.
for src in "lapic timer one-shot:LAPIC timer, one-shot (TMICT 1)" \
           "lapic timer tsc-deadline:LAPIC timer, TSC deadline (WRMSR)" \
           "self-ipi:self-IPI (ICR write)"; do
	IFS=: read -r key label <<<"$src"
	row "$label: arm -> handler" "$(guest "$key to handler")"
	row "  arm -> after the handler's EOI" "$(guest "$key to after eoi")"
	row "  arm -> back in the interrupted code" "$(guest "$key round trip")"
	row "  the EOI write alone (xAPIC MMIO)" "$(guest "$key eoi")"
done
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

# ---- boot 3: Linux to /init, then idle at the console ---------------------
WAIT_S=900 BOCHS_MEGS=1024 bench_boot linux tests/bench/linux.cfg \
	'build/linux/vmlinux=\EFI\BAREGT\vmlinux' \
	'build/linux/initramfs.cpio=\EFI\BAREGT\initramfs.cpio' || exit 1
log=build/bench/linux/emu.out
vm="vm 'linux': "
init="BAREGT-LINUX: init reached"
idle0="BAREGT-LINUX: idle for"
idle1="BAREGT-LINUX: idle over"
for m in "$init" "$idle0" "$idle1"; do
	[ -n "$(mark_ticks "$log" linux "$m" ended)" ] || {
		echo "bench: no mark '$m' in $log" >&2; exit 1; }
done
set -- $(entered "$log")
at_efi=$2
first=$(sed -n 's/^run: .* VM(s) ready, .* \([0-9]*\) TSC ticks since efi_main$/\1/p' "$log")
khz=$(sed -n 's/^tsc: \([0-9]*\) kHz.*/\1/p' "$log")
init0=$(mark_ticks "$log" linux "$init" begun)
init1=$(mark_ticks "$log" linux "$init" ended)
printf '\nLinux 6.1 (Debian) by PVH, busybox initramfs (linux.cfg; TSC %s kHz)\n' "$khz"
row "measure" "instructions"
row "efi_main -> run loop (VM created)" "$first"
row "first guest entry -> /init's first line" "$init0"
row "  that line itself (its ~27 bytes out)" "$((init1 - init0))"
row "VM exits to /init's first line" "$(exits_total "$log" "${vm}mark '$init': line begun: ")"
exits_of "$log" "${vm}mark '$init': line begun: " | sort -rn |
while IFS=$'\t' read -r count reason; do row "  $reason" "$count"; done

# The idle span: from the end of "idle for" to the first byte of "idle over".
t0=$(mark_ticks "$log" linux "$idle0" ended)
t1=$(mark_ticks "$log" linux "$idle1" begun)
secs=$(awk -v t="$((t1 - t0))" -v k="$khz" 'BEGIN { printf "%.3f", t / (k * 1000) }')
idle_s=$(sed -n 's/^\[linux\] BAREGT-LINUX: idle for \([0-9]*\) s$/\1/p' "$log")
printf '\nLinux idle at the console (/init waits on it: baregt.idle=%s)\n' "$idle_s"
row "measure" "value"
row "guest time (TSC ticks / TSC rate), s" "$secs"
p0="${vm}mark '$idle0': line ended: "
p1="${vm}mark '$idle1': line begun: "
total=$(( $(exits_total "$log" "$p1") - $(exits_total "$log" "$p0") ))
row "VM exits" "$total"
row "VM exits per guest second" "$(per_s "$total" "$secs")"
row "by reason: exits (per guest second)" ""
{ exits_of "$log" "$p0" | sed 's/^/-/'; exits_of "$log" "$p1"; } |
awk -F'\t' '{ n[$2] += $1 } END { for (r in n) if (n[r]) print n[r] "\t" r }' |
sort -rn | while IFS=$'\t' read -r count reason; do
	row "  $reason" "$count ($(per_s "$count" "$secs"))"
done
