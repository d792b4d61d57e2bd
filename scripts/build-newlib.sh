#!/bin/bash
# Builds newlib 3.3.0 from Debian's newlib-source for the hypervisor
# (x86_64, freestanding, no red zone, PIC, no supplied syscalls) and installs
# it under $1 (the cache, normally build/newlib). Recipe: shared/EMULATORS.md.
set -euo pipefail
prefix=$(realpath -m "$1")
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
work=$(dirname "$prefix")/newlib-build
rm -rf "$work" "$prefix"
mkdir -p "$work"
tar -xf "$tarball" -C "$work"
src="$work/newlib-salsa"
mkdir -p "$work/obj"
cd "$work/obj"
gccinc=$(gcc -print-file-name=include)
"$src/configure" --target=x86_64-elf --prefix="$prefix" \
  --disable-multilib --disable-newlib-supplied-syscalls \
  --enable-newlib-io-c99-formats --enable-newlib-io-long-long \
  --disable-newlib-io-float --disable-nls \
  CC_FOR_TARGET="gcc -nostdinc -idirafter $gccinc" \
  AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib AS_FOR_TARGET=as \
  LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
  CFLAGS_FOR_TARGET="-O2 -ffreestanding -fno-stack-protector -mno-red-zone -fPIC -fshort-wchar" \
  >"$work/configure.log" 2>&1
make -j"$(nproc)" all-target-newlib >"$work/make.log" 2>&1
make install-target-newlib >"$work/install.log" 2>&1
test -f "$prefix/x86_64-elf/lib/libc.a"
rm -rf "$work"
echo "newlib installed in $prefix"
