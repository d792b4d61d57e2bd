#!/usr/bin/perl
# scripts/serial-bridge.pl DIR SENDS — the emulated machine's COM1 for a
# system test that types (the `send:` key of tests/system/run.sh; started
# by scripts/emu.sh). Listens on 127.0.0.1 (a free port, written to
# DIR/bridge.port once listening), takes the emulator's connection
# (Bochs com1 mode=socket-client, QEMU -chardev socket) and
#   - appends every byte the machine sends to DIR/serial.log, as the
#     emulators' file mode does, unbuffered;
#   - splits it into lines (ANSI escapes, CR and NUL removed, as the
#     runner's emu_clean_log) and, in order, waits for the line that
#     matches each send's regex (Perl syntax, as grep -P); then queues its
#     text, sent CHUNK bytes per PERIOD (the guest's 16550 FIFO holds 16).
# SENDS: one send a line, "REGEX<TAB>TEXT"; TEXT's escapes: \xHH, \n, \r,
# \t, \\. What was sent and when: DIR/send.log. Ends when the emulator
# closes the connection.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time);

my $CHUNK = $ENV{SEND_CHUNK} || 4;        # bytes per period
my $PERIOD = 0.010;                       # seconds

@ARGV == 2 or die "usage: $0 DIR SENDS\n";
my ($dir, $sends_file) = @ARGV;

my @sends;
open(my $sf, '<', $sends_file) or die "serial-bridge: $sends_file: $!\n";
while (my $l = <$sf>) {
	chomp $l;
	my ($re, $text) = split(/\t/, $l, 2);
	next unless defined $text;
	(my $bytes = $text) =~ s/\\(x([0-9a-fA-F]{2})|n|r|t|\\)/
		defined $2 ? chr(hex $2) : $1 eq 'n' ? "\n" : $1 eq 'r' ? "\r" :
		$1 eq 't' ? "\t" : "\\"/ge;
	push @sends, { re => qr/$re/, src => $re, shown => $text, bytes => $bytes };
}
close $sf;

open(my $log, '>>', "$dir/serial.log") or die "serial-bridge: serial.log: $!\n";
open(my $slog, '>', "$dir/send.log") or die "serial-bridge: send.log: $!\n";
$log->autoflush(1);
$slog->autoflush(1);

my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                Proto => 'tcp', Listen => 1, ReuseAddr => 1)
	or die "serial-bridge: listen: $!\n";
open(my $pf, '>', "$dir/bridge.port.tmp") or die "serial-bridge: $!\n";
print $pf $srv->sockport(), "\n";
close $pf;
rename("$dir/bridge.port.tmp", "$dir/bridge.port") or die "serial-bridge: $!\n";

my $com = $srv->accept() or die "serial-bridge: accept: $!\n";
close $srv;
binmode $com;
my $sel = IO::Select->new($com);
my ($line, $out, $next, $lineno, $last) = ('', '', 0, 0, 0);
my $t0 = time;

while (1) {
	my $wait = length $out ? $PERIOD - (time - $last) : 0.1;
	$wait = 0 if $wait < 0;
	if ($sel->can_read($wait)) {
		my $n = sysread($com, my $buf, 4096);
		last unless $n;                    # the emulator is gone
		print $log $buf;
		$line .= $buf;
		while ($line =~ s/^([^\n]*)\n//) {
			(my $clean = $1) =~ s/\x1b\[[0-9;=?]*[A-Za-z]//g;
			$clean =~ tr/\r\0//d;
			$lineno++;
			next unless $next < @sends && $clean =~ $sends[$next]{re};
			printf $slog "%.2fs line %d matched /%s/: sending '%s'\n",
			       time - $t0, $lineno, $sends[$next]{src},
			       $sends[$next]{shown};
			$out .= $sends[$next++]{bytes};
		}
	}
	if (length $out && time - $last >= $PERIOD) {
		my $piece = substr($out, 0, $CHUNK, '');
		defined syswrite($com, $piece) or last;
		$last = time;
		printf $slog "%.2fs all sent\n", $last - $t0 unless length $out;
	}
}
printf $slog "%.2fs connection closed; %d of %d sends done\n", time - $t0,
       $next, scalar @sends;
