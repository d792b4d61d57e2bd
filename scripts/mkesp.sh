#!/bin/bash
# mkesp.sh IMAGE EFI CFG [FILE=ESP_PATH ...]
# CFG may be '-' for an ESP without a configuration.
# Makes a 64 MiB FAT32 ESP image without root (mtools): the hypervisor as
# \EFI\BOOT\BOOTX64.EFI, the config as \EFI\BAREGT\baregt.cfg, and each
# extra file at the ESP path given (backslashes or slashes).
set -euo pipefail
img=$1 efi=$2 cfg=$3
shift 3
rm -f "$img"
truncate -s 64M "$img"
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
