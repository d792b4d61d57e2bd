#!/bin/bash
# tests/system/run.sh [NAME...] — boots build/baregt.efi in Bochs or QEMU
# for every case in tests/system/cases/*.case (or the ones named) and checks
# the serial log. Prints PASS/FAIL per case and "N passed, N failed";
# exits non-zero on any failure. Logs stay in build/system/NAME/.
#
# A case file holds "key: value" lines (# starts a comment line):
#   emu: bochs | qemu
#   config: FILE            config, relative to tests/system/configs/
#                           ('-': no configuration file on the ESP)
#   gen: NAME BYTES         make a file of pseudo-random bytes in the run dir
#   file: SRC ESP_PATH      put SRC (run dir or repo relative) on the ESP
#   timeout: SECONDS        bound on the whole emulator run (default 120)
#   megs: MIB               the emulated machine's memory (default 512)
#   time0: WHEN             Bochs' clock at power-on: seconds, utc (default 1)
#   until: REGEX            the run is over when a log line matches
#   end: poweroff | kill    after 'until': wait for the machine to power
#                           itself off (checked), or kill the emulator
#   expect: REGEX           lines that must appear, in this order (Perl-compatible, grep -P)
#   expect-file: NAME ESP_PATH   the "file:" line for NAME with its exact
#                           size and CRC-32
#   expect-sub: NAME REGEX  an expect line in which {size} and {crc} stand
#                           for NAME's size and CRC-32
#   expect-any: REGEX       a line that must appear somewhere, in any order
#                           with the others (output of VMs that run side
#                           by side interleaves as their time slices fall)
#   absent: REGEX           must match no line
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/emu.sh

EFI=build/baregt.efi
OUT=build/system
VERBOSE=${V:-}
mkdir -p "$OUT"

crc32_of() { # FILE → 8 lowercase hex digits (gzip's trailer is CRC-32)
	gzip -c "$1" | tail -c8 | od -An -tx4 -N4 | tr -d ' \n'
}

# Regex-quote a literal string for grep -E.
re_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'
}

run_case() { # CASE_FILE → 0 pass, 1 fail; reason in $why
	local cf=$1 name dir emu="" config="" timeout=120 until="" end=kill
	local BOCHS_MEGS=$BOCHS_MEGS QEMU_MEGS=$QEMU_MEGS BOCHS_TIME0=$BOCHS_TIME0
	local -a expects=() anys=() absents=() files=()
	local key val line
	name=$(basename "$cf" .case)
	dir=$OUT/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	why=""

	while IFS= read -r line || [ -n "$line" ]; do
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		key=${line%%:*}
		val=${line#*:}
		val=${val# }
		case $key in
		emu) emu=$val ;;
		config) [ "$val" = - ] && config=- || config=tests/system/configs/$val ;;
		timeout) timeout=$val ;;
		megs) BOCHS_MEGS=$val; QEMU_MEGS=$val ;;
		time0) BOCHS_TIME0=$val ;;
		until) until=$val ;;
		end) end=$val ;;
		expect) expects+=("$val") ;;
		expect-any) anys+=("$val") ;;
		absent) absents+=("$val") ;;
		expect-sub)
			local name=${val%% *} pat=${val#* } f size crc
			f=$name
			[ -e "$dir/$name" ] && f=$dir/$name
			size=$(stat -c %s "$f")
			crc=$(crc32_of "$f")
			pat=${pat//\{size\}/$size}
			expects+=("${pat//\{crc\}/$crc}")
			;;
		gen)
			set -- $val
			head -c "$2" /dev/urandom >"$dir/$1"
			;;
		file)
			set -- $val
			local src=$1
			[ -e "$dir/$src" ] && src=$dir/$src
			files+=("$src=$2")
			;;
		expect-file)
			set -- $val
			local f=$1 size crc
			[ -e "$dir/$1" ] && f=$dir/$1
			size=$(stat -c %s "$f")
			crc=$(crc32_of "$f")
			expects+=("^file: $(re_quote "$2"): $size bytes at 0x[0-9a-f]+, crc32 $crc ")
			;;
		*)
			why="$cf: unknown key '$key'"
			return 1
			;;
		esac
	done <"$cf"
	if [ -z "$emu" ] || [ -z "$config" ] || [ -z "$until" ]; then
		why="$cf: needs emu, config and until"
		return 1
	fi

	local esp=$dir/esp.img
	if ! scripts/mkesp.sh "$esp" "$EFI" "$config" "${files[@]}" \
	    >"$dir/mkesp.log" 2>&1; then
		why="could not build the ESP image (see $dir/mkesp.log)"
		return 1
	fi

	local start=$SECONDS reached=0
	emu_start "$emu" "$dir" "$esp"
	while :; do
		if emu_clean_log "$dir/serial.log" | grep -Pq -- "$until"; then
			reached=1
			break
		fi
		if [ -e "$dir/rc" ]; then
			# The emulator has ended, so its log is complete (Bochs
			# flushes the serial file as it exits): read it once more
			# before judging, or a line written at the very end is
			# missed between the check above and this one.
			emu_clean_log "$dir/serial.log" | grep -Pq -- "$until" &&
				reached=1
			break
		fi
		if [ $((SECONDS - start)) -ge "$timeout" ]; then
			why="timeout after ${timeout}s waiting for /$until/"
			break
		fi
		sleep 0.3
	done
	if [ $reached = 1 ] && [ "$end" = poweroff ]; then
		while [ ! -e "$dir/rc" ] && [ $((SECONDS - start)) -lt "$timeout" ]; do
			sleep 0.2
		done
	fi
	emu_stop
	elapsed=$((SECONDS - start))
	emu_clean_log "$dir/serial.log" >"$dir/serial.txt"

	if [ $reached = 0 ]; then
		[ -n "$why" ] || why="emulator exited (status $(cat "$dir/rc" 2>/dev/null)) before /$until/"
		return 1
	fi
	if [ "$end" = poweroff ]; then
		local rc
		rc=$(cat "$dir/rc" 2>/dev/null || echo none)
		case $emu in
		bochs) grep -q "ACPI control: soft power off" "$dir/emu.log" 2>/dev/null ||
			{ why="Bochs did not power off (status $rc)"; return 1; } ;;
		qemu) [ "$rc" = 0 ] ||
			{ why="QEMU did not power off cleanly (status $rc)"; return 1; } ;;
		esac
	fi

	local pos=0 n re
	for re in "${expects[@]}"; do
		n=$(tail -n +$((pos + 1)) "$dir/serial.txt" | grep -nP -m1 -- "$re" | cut -d: -f1)
		if [ -z "$n" ]; then
			why="missing (after line $pos): /$re/"
			return 1
		fi
		pos=$((pos + n))
	done
	for re in "${anys[@]}"; do
		if ! grep -qP -- "$re" "$dir/serial.txt"; then
			why="missing (anywhere): /$re/"
			return 1
		fi
	done
	for re in "${absents[@]}"; do
		if line=$(grep -nP -m1 -- "$re" "$dir/serial.txt"); then
			why="unexpected line $line"
			return 1
		fi
	done
	rm -f "$esp"
	return 0
}

if [ ! -f "$EFI" ]; then
	echo "system tests: $EFI is missing (run make)" >&2
	exit 1
fi
cases=()
if [ $# -gt 0 ]; then
	for n in "$@"; do cases+=("tests/system/cases/$n.case"); done
else
	cases=(tests/system/cases/*.case)
fi

pass=0
fail=0
trap 'emu_stop; exit 130' INT TERM
for cf in "${cases[@]}"; do
	name=$(basename "$cf" .case)
	if [ ! -f "$cf" ]; then
		echo "system  FAIL  $name: no such case ($cf)"
		fail=$((fail + 1))
		continue
	fi
	elapsed=0
	if run_case "$cf"; then
		pass=$((pass + 1))
		echo "system  PASS  $name (${elapsed}s)"
	else
		fail=$((fail + 1))
		echo "system  FAIL  $name (${elapsed}s): $why"
		echo "              logs: $OUT/$name/ (serial.txt, emu.log)"
		if [ -n "$VERBOSE" ] && [ -f "$OUT/$name/serial.txt" ]; then
			tail -n 25 "$OUT/$name/serial.txt" | sed 's/^/              | /'
		fi
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
