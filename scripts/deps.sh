#!/bin/bash
# Installs the Debian packages BareGT needs, only those that are missing.
# Called by the Makefile (target 'deps'); needs root when something is missing.
set -euo pipefail
want=(gnu-efi bochs bochsbios vgabios qemu-system-x86 ovmf mtools
      libcmocka-dev newlib-source acpica-tools
      xz-utils cpio kmod binutils gzip "$@")
missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${missing[@]}" >/dev/null
echo "deps: done"
