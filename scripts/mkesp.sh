#!/bin/bash
# mkesp.sh IMAGE EFI CFG [FILE=ESP_PATH ...]
# CFG may be '-' for an ESP without a configuration.
# Makes a FAT32 ESP image without root (mtools): the hypervisor as
# \EFI\BOOT\BOOTX64.EFI, the config as \EFI\BAREGT\baregt.cfg, and each
# extra file at the ESP path given (backslashes or slashes).
# Size: $ESP_MB MiB if set; otherwise 64 MiB, or the files plus 16 MiB
# when they need more (a Linux vmlinux is ~66 MB).
set -euo pipefail
img=$1 efi=$2 cfg=$3
shift 3
mb=${ESP_MB:-}
if [ -z "$mb" ]; then
	bytes=$(stat -c %s "$efi")
	for spec in "$@"; do bytes=$((bytes + $(stat -c %s "${spec%%=*}"))); done
	mb=$((bytes / 1048576 + 16))
	[ "$mb" -ge 64 ] || mb=64
fi
rm -f "$img"
truncate -s "${mb}M" "$img"
mformat -i "$img" -F -v ESP ::
mmd -i "$img" ::/EFI ::/EFI/BOOT ::/EFI/BAREGT
mcopy -i "$img" "$efi" ::/EFI/BOOT/BOOTX64.EFI
[ "$cfg" = - ] || mcopy -i "$img" "$cfg" ::/EFI/BAREGT/baregt.cfg
for spec in "$@"; do
	src=${spec%%=*}
	dst=${spec#*=}
	dst=${dst//\\//}
	dir=$(dirname "$dst")
	# create parent directories one level at a time (mmd has no -p)
	path=""
	IFS=/ read -ra parts <<<"${dir#/}"
	for p in "${parts[@]}"; do
		path="$path/$p"
		mmd -i "$img" "::$path" 2>/dev/null || true
	done
	mcopy -o -i "$img" "$src" "::$dst"
done
