# scripts/emu.sh — sourced by the system-test runner and by `make run`.
# Starts Bochs or QEMU (TCG) with OVMF on an ESP image, serial and 0xE9
# output to files; recipes from shared/EMULATORS.md.
#
#   emu_start EMU DIR ESP   start in the background; sets EMU_PID
#   emu_stop                kill the emulator (TERM, then KILL)
# Files in DIR: serial.log, e9.log, emu.log (bochs.log or QEMU's stderr),
# emu.out (the emulator's stdout/stderr), bochsrc, rc (exit status).
#
# Typing into COM1: with EMU_SENDS set to a file of "REGEX<TAB>TEXT"
# lines (tests/system/run.sh's `send:` key), COM1 is a TCP connection to
# scripts/serial-bridge.pl instead of a file (Bochs com1 mode=
# socket-client, QEMU -chardev socket): the bridge writes serial.log as
# the file mode would and types each TEXT once a line matches its REGEX;
# its own record is send.log.

OVMF_FD=${OVMF_FD:-/usr/share/ovmf/OVMF.fd}
BOCHS_IPS=${BOCHS_IPS:-50000000}
BOCHS_MEGS=${BOCHS_MEGS:-512}
BOCHS_TIME0=${BOCHS_TIME0:-1}      # the CMOS clock at power-on: seconds, utc, local
QEMU_MEGS=${QEMU_MEGS:-512}

emu_bochsrc() { # DIR ESP [BRIDGE_PORT]
	local com1="mode=file, dev=$1/serial.log"
	[ -z "${3:-}" ] || com1="mode=socket-client, dev=127.0.0.1:$3"
	cat <<RC
megs: $BOCHS_MEGS
cpu: model=corei7_skylake_x, count=1, ips=$BOCHS_IPS
romimage: file=$OVMF_FD
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
display_library: rfb, options="timeout=0"
ata0-master: type=disk, path=$2, mode=flat
com1: enabled=1, $com1
log: $1/emu.log
boot: disk
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
clock: sync=none, time0=$BOCHS_TIME0
port_e9_hack: enabled=1
RC
}

# Start the bridge for EMU_SENDS; sets EMU_BRIDGE_PID and EMU_BRIDGE_PORT.
emu_bridge() { # DIR
	local dir=$1
	rm -f "$dir/bridge.port"
	EMU_BRIDGE_PORT=
	scripts/serial-bridge.pl "$dir" "$EMU_SENDS" 2>"$dir/bridge.err" &
	EMU_BRIDGE_PID=$!
	for _ in $(seq 50); do           # it listens within a moment
		EMU_BRIDGE_PORT=$(cat "$dir/bridge.port" 2>/dev/null) &&
			[ -n "$EMU_BRIDGE_PORT" ] && return 0
		sleep 0.1
	done
	echo "emu: the serial bridge did not start (see $dir/bridge.err)" >&2
	kill -TERM "$EMU_BRIDGE_PID" 2>/dev/null
	EMU_BRIDGE_PID=
	return 1
}

emu_start() { # EMU DIR ESP
	local emu=$1 dir=$2 esp=$3 port=""
	local serial=(-serial file:"$dir/serial.log")
	rm -f "$dir/serial.log" "$dir/e9.log" "$dir/emu.log" "$dir/rc" "$dir/emu.pid"
	: >"$dir/serial.log"
	EMU_BRIDGE_PID=
	if [ -n "${EMU_SENDS:-}" ]; then
		emu_bridge "$dir" || return 1
		port=$EMU_BRIDGE_PORT
		serial=(-chardev socket,id=com1,host=127.0.0.1,port="$port"
		        -serial chardev:com1)
	fi
	case $emu in
	bochs)
		emu_bochsrc "$dir" "$esp" "$port" >"$dir/bochsrc"
		echo c >"$dir/bochs.cmds"
		rm -f "$esp.lock"
		# The debugger build reads commands from bochs.cmds ("c" = go).
		( bochs-bin -q -f "$dir/bochsrc" -rc "$dir/bochs.cmds" \
		    >"$dir/emu.out" 2>&1 </dev/null &
		  echo $! >"$dir/emu.pid"; wait $!; echo $? >"$dir/rc" ) &
		;;
	qemu)
		( qemu-system-x86_64 -machine q35 -accel tcg -cpu max \
		    -m "$QEMU_MEGS" -bios "$OVMF_FD" \
		    -drive file="$esp",format=raw,snapshot=on -net none \
		    -display none -monitor none "${serial[@]}" \
		    -debugcon file:"$dir/e9.log" -global isa-debugcon.iobase=0xe9 \
		    -device intel-iommu,intremap=on -device edu \
		    >"$dir/emu.out" 2>&1 </dev/null &
		  echo $! >"$dir/emu.pid"; wait $!; echo $? >"$dir/rc" ) &
		;;
	*)
		echo "emu_start: unknown emulator '$emu'" >&2
		return 1
		;;
	esac
	EMU_PID=$!
	EMU_DIR=$dir
}

# Kill the emulator started by emu_start (TERM, then KILL after 2 s).
emu_stop() {
	[ -n "${EMU_PID:-}" ] || return 0
	local pid=""
	for _ in 1 2 3 4 5; do        # the pid file appears right after start
		pid=$(cat "$EMU_DIR/emu.pid" 2>/dev/null) && [ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$EMU_PID" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	wait "$EMU_PID" 2>/dev/null
	EMU_PID=
	if [ -n "${EMU_BRIDGE_PID:-}" ]; then     # it ends with the connection
		kill -TERM "$EMU_BRIDGE_PID" 2>/dev/null
		wait "$EMU_BRIDGE_PID" 2>/dev/null
		EMU_BRIDGE_PID=
	fi
}

# The serial log without ANSI escapes, CRs and NULs: one line per line.
emu_clean_log() { # FILE
	sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' "$1" | tr -d '\r\000'
}
