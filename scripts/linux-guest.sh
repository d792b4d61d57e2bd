#!/bin/bash
# Builds the Linux guest images from Debian's packages, unmodified, into OUT
# (normally build/linux):
#   vmlinuz            the kernel of the package linux-image-amd64 points to
#   vmlinux            the ELF inside vmlinuz (entered by PVH, XEN_ELFNOTE_PHYS32_ENTRY)
#   initramfs.cpio.gz  busybox-static, INIT as /init, the i915 module closure
#   initramfs.cpio     the same, uncompressed (cheaper for a slow guest CPU:
#                      no inflate; docs/guests.md has the figures)
#   VERSION            which packages and versions went in
# The .deb files are kept in OUT/cache and downloaded again only when the
# archive serves another version.  Usage: scripts/linux-guest.sh OUT INIT
# docs/guests.md, "Linux guests: images", says what /init does.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUT INIT" >&2; exit 2; }
out=$(realpath -m "$1")
init=$(realpath "$2")
cache=$out/cache
work=$out/work
meta=linux-image-amd64   # the metapackage naming the current kernel package
top=i915                 # the module whose dependency closure goes in

die() { echo "linux-guest: $*" >&2; exit 1; }
note() { echo "linux-guest: $*"; }

for tool in apt-cache apt-get dpkg-deb xz gzip cpio depmod modinfo readelf od; do
	command -v "$tool" >/dev/null || die "$tool missing (make deps installs it)"
done

# --- resolve and fetch the packages -----------------------------------------
# field PKG NAME: a field of the candidate version of PKG in the package lists
field() {
	local v
	v=$(apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n "s/^$2: //p")
	echo "${v%%$'\n'*}"
}

# The package lists may be missing on a fresh machine: fetch them once.
if [ -z "$(field "$meta" Depends)" ]; then
	[ "$(id -u)" = 0 ] || die "no package lists; run: sudo apt-get update"
	note "no package lists; apt-get update"
	apt-get update -q >/dev/null
fi
kpkg=$(field "$meta" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p')
kpkg=${kpkg%%$'\n'*}
[ -n "$kpkg" ] || die "cannot resolve $meta to a kernel package"

# fetch PKG: prints the path of PKG's candidate .deb in the cache,
# downloading it when it is not there yet.
fetch() {
	local pkg=$1 ver deb
	ver=$(field "$pkg" Version)
	[ -n "$ver" ] || die "no candidate version of $pkg"
	for deb in "$cache/${pkg}"_*.deb; do
		[ -f "$deb" ] || continue
		if [ "$(dpkg-deb -f "$deb" Package)" = "$pkg" ] &&
		   [ "$(dpkg-deb -f "$deb" Version)" = "$ver" ]; then
			echo "$deb"
			return
		fi
	done
	note "downloading $pkg $ver" >&2
	rm -f "$cache/${pkg}"_*.deb
	# As root, apt downloads as its sandbox user, who cannot write here.
	local sandbox=()
	[ "$(id -u)" != 0 ] || sandbox=(-o APT::Sandbox::User=root)
	(cd "$cache" && apt-get download -q "${sandbox[@]}" "$pkg=$ver" >/dev/null)
	for deb in "$cache/${pkg}"_*.deb; do
		[ -f "$deb" ] && [ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] &&
			{ echo "$deb"; return; }
	done
	die "download of $pkg $ver failed"
}

mkdir -p "$cache"
kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)

# The scratch tree goes away however the script ends (the Makefile reads
# every *.d under build/, and packages hold directories named so).
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/kpkg" "$work/bpkg" "$work/root"
dpkg-deb -x "$kdeb" "$work/kpkg"
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$work/bpkg" ./bin/busybox

vmlinuz=$(ls "$work"/kpkg/boot/vmlinuz-*)
[ "$(echo "$vmlinuz" | wc -l)" = 1 ] || die "not one vmlinuz in $kdeb"
kver=${vmlinuz##*/vmlinuz-}
moddir=$work/kpkg/lib/modules/$kver
[ -d "$moddir" ] || die "no lib/modules/$kver in $kdeb"

# --- vmlinux out of vmlinuz ---------------------------------------------------
# Boot protocol (Documentation/x86/boot.rst): "HdrS" at 0x202; setup_sects
# (u8 at 0x1F1, 0 means 4) 512-byte sectors of real-mode setup follow the
# boot sector, then the protected-mode kernel; payload_offset (u32 at 0x248)
# and payload_length (u32 at 0x24C) locate the compressed vmlinux inside that
# protected-mode part.  The payload's last 4 bytes are the decompressed size.
u8()  { od -An -t u1 -j "$2" -N 1 "$1" | tr -d ' '; }
u32() { od -An -t u4 -j "$2" -N 4 --endian=little "$1" | tr -d ' '; }
[ "$(od -An -c -j $((0x202)) -N 4 "$vmlinuz" | tr -d ' ')" = HdrS ] ||
	die "$vmlinuz: no boot protocol header"
setup_sects=$(u8 "$vmlinuz" $((0x1F1)))
[ "$setup_sects" -ne 0 ] || setup_sects=4
pm_start=$(( (setup_sects + 1) * 512 ))
payload_offset=$(u32 "$vmlinuz" $((0x248)))
payload_length=$(u32 "$vmlinuz" $((0x24C)))
size=$(stat -c %s "$vmlinuz")
start=$((pm_start + payload_offset))
if [ "$payload_length" -le 4 ] || [ $((start + payload_length)) -gt "$size" ]; then
	die "$vmlinuz: payload $payload_offset+$payload_length outside the file"
fi
dd if="$vmlinuz" of="$work/payload" bs=1M iflag=skip_bytes,count_bytes \
	skip="$start" count="$payload_length" status=none
# XZ stream header magic: FD 37 7A 58 5A 00 (the .xz file format, 2.1.1.1).
[ "$(od -An -t x1 -N 6 "$work/payload" | tr -d ' ')" = fd377a585a00 ] ||
	die "$vmlinuz: the payload is not XZ"
# The size word after the stream is not XZ padding: decode one stream only.
xz -dc --single-stream "$work/payload" >"$work/vmlinux"
[ "$(stat -c %s "$work/vmlinux")" = "$(u32 "$work/payload" $((payload_length - 4)))" ] ||
	die "vmlinux size differs from the size the payload records"
readelf -h "$work/vmlinux" | grep -q 'Class: *ELF64' || die "vmlinux is not ELF64"
# The PVH entry: an ELF note of owner "Xen", type 18 (XEN_ELFNOTE_PHYS32_ENTRY,
# xen/include/public/elfnote.h), whose descriptor starts with the 32-bit
# physical entry address.  binutils 2.40's readelf does not name Xen note
# types, it prints "Unknown note type: (0x00000012)"; newer ones name it.
pvh=$(readelf -n "$work/vmlinux" | awk '
	/^ *Xen / && (/\(0x00000012\)/ || /XEN_ELFNOTE_PHYS32_ENTRY/) { note = 1; next }
	note && /description data:/ {
		sub(/.*description data: */, "")
		printf "0x%s%s%s%s\n", $4, $3, $2, $1
		exit
	}
	{ note = 0 }')
[ -n "$pvh" ] || die "vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"

# --- the module closure of $top ------------------------------------------------
# Module names use '_' and '-' interchangeably; key them with '_'.
declare -A modfile
while IFS= read -r f; do
	n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
	modfile[$n]=$f
done < <(find "$moddir/kernel" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
declare -A want
queue=("$top")
while [ ${#queue[@]} -gt 0 ]; do
	m=${queue[0]//-/_}; queue=("${queue[@]:1}")
	[ -z "${want[$m]:-}" ] || continue
	[ -n "${modfile[$m]:-}" ] || die "module $m not in $kdeb"
	want[$m]=1
	deps=$(modinfo -F depends "${modfile[$m]}")
	for d in ${deps//,/ }; do queue+=("$d"); done
done

root=$work/root
dst=$root/lib/modules/$kver
mkdir -p "$dst"
for m in "${!want[@]}"; do
	f=${modfile[$m]}
	rel=${f#"$moddir"/}
	mkdir -p "$dst/$(dirname "$rel")"
	# Stored uncompressed: busybox's modprobe and a kernel without module
	# decompression both take a plain .ko.
	case $f in
	*.ko.xz)  xz -dc "$f" >"$dst/${rel%.xz}" ;;
	*.ko.gz)  gzip -dc "$f" >"$dst/${rel%.gz}" ;;
	*.ko.zst) zstd -qdc "$f" >"$dst/${rel%.zst}" ;;
	*)        cp "$f" "$dst/$rel" ;;
	esac
done
for f in modules.builtin modules.builtin.modinfo; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$dst/"
done
# The package's load order, cut down to the closure.
(cd "$dst" && find kernel -name '*.ko') >"$work/closure"
grep -x -F -f "$work/closure" "$moddir/modules.order" >"$dst/modules.order" || true
depmod -b "$root" "$kver"
grep -q "/$top.ko:" "$dst/modules.dep" || die "depmod did not list $top"

# --- the initramfs ------------------------------------------------------------
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
cp "$work/bpkg/bin/busybox" "$root/bin/busybox"
# One link per applet at the place busybox says it lives (bin/ls, sbin/modprobe).
while IFS= read -r a; do
	[ "$a" = bin/busybox ] || [ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done < <("$root/bin/busybox" --list-full)
install -m 0755 "$init" "$root/init"

# dev/console must exist before /init runs (the kernel opens it as fds
# 0-2, and devtmpfs is mounted only by /init).  GNU cpio archives only what
# exists, and making a device node needs root; so it comes from a small
# hand-written archive in front: the kernel unpacks concatenated archives.
# newc format (cpio(5)): "070701", 13 fields of 8 hex digits (ino, mode,
# uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
# namesize, check), the NUL-terminated name, padding to 4 bytes.
newc() { # NAME MODE NLINK RDEVMAJOR RDEVMINOR INO
	local name=$1 namesize=$((${#1} + 1)) pad
	printf '070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x' \
		"$6" "$2" 0 0 "$3" 0 0 0 0 "$4" "$5" "$namesize" 0
	printf '%s\0' "$name"
	pad=$(( (4 - (110 + namesize) % 4) % 4 ))
	head -c "$pad" /dev/zero
}
{
	newc dev $((0040755)) 2 0 0 1
	newc dev/console $((0020600)) 1 5 1 2
	newc TRAILER!!! 0 1 0 0 0
} >"$work/initramfs.cpio"
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >>"$work/initramfs.cpio"
gzip -n -9 -c "$work/initramfs.cpio" >"$work/initramfs.cpio.gz"

# --- results -----------------------------------------------------------------
mods=$(printf '%s\n' "${!want[@]}" | LC_ALL=C sort | tr '\n' ' ')
{
	echo "kernel  $kpkg $(dpkg-deb -f "$kdeb" Version) ($meta)"
	echo "release $kver"
	echo "pvh     entry $pvh (vmlinux, XEN_ELFNOTE_PHYS32_ENTRY)"
	echo "busybox busybox-static $(dpkg-deb -f "$bdeb" Version)"
	echo "modules ${mods% }"
} >"$work/VERSION"
cp "$vmlinuz" "$out/vmlinuz"
mv "$work/vmlinux" "$out/vmlinux"
mv "$work/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
mv "$work/initramfs.cpio" "$out/initramfs.cpio"
mv "$work/VERSION" "$out/VERSION"
note "$kpkg $kver, ${#want[@]} modules: $out/{vmlinuz,vmlinux,initramfs.cpio{,.gz},VERSION}"
