#!/bin/bash
# scripts/run.sh EMU CONFIG — boot build/baregt.efi with CONFIG and the
# guests in Bochs (default) or QEMU, headless; the serial log streams to
# the terminal and the command returns when the machine powers off (or on
# Ctrl-C). Logs stay in build/run/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/emu.sh
emu=${1:-bochs}
cfg=${2:-configs/default.cfg}
dir=build/run
mkdir -p "$dir"
files=()
for g in build/guests/*.elf; do
	[ -e "$g" ] && files+=("$g=\\EFI\\BAREGT\\$(basename "$g")")
done
scripts/mkesp.sh "$dir/esp.img" build/baregt.efi "$cfg" "${files[@]}" || exit 1
echo "run: booting $cfg in $emu (OVMF first: Bochs takes ~15 s to reach BareGT); Ctrl-C stops"
emu_start "$emu" "$dir" "$dir/esp.img"
trap 'emu_stop; echo; echo "run: stopped"; exit 130' INT TERM
# Stream the cleaned serial log until the emulator ends.
tail -n +1 -f --pid="$EMU_PID" "$dir/serial.log" 2>/dev/null |
	sed -u 's/\x1b\[[0-9;=?]*[A-Za-z]//g' | tr -d '\r'
wait "$EMU_PID" 2>/dev/null
echo; echo "run: emulator exited; logs in $dir/"
