/*
 * guests/count — prints "tick N of M" lines with a busy loop between them
 * (long enough to outlast a time slice), then exits with code 0. Three of
 * these side by side show the scheduler interleaving VMs. cmdline:
 * "ticks=M spin=K" (defaults 5 and 2000000 loop iterations).
 */
#include "guest.h"

int guest_main(const char *cmdline)
{
	unsigned ticks = cmdline_uint(cmdline, "ticks", 5), spin = cmdline_uint(cmdline, "spin", 2000000);
	unsigned i;
	volatile unsigned sink = 0;

	printf("%s: counting to %u\n", guest_name, ticks);
	for (i = 1; i <= ticks; i++) {
		unsigned k;
		for (k = 0; k < spin; k++)
			sink += k;
		printf("%s: tick %u of %u\n", guest_name, i, ticks);
	}
	return 0;
}
