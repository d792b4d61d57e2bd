/*
 * guests/count — prints "tick N of M" lines with a busy loop between them
 * (long enough to outlast a time slice), then exits with code 0. Three of
 * these side by side show the scheduler interleaving VMs. cmdline:
 * "ticks=M spin=K" (defaults 5 and 2000000 loop iterations).
 */
#include "guest.h"

static unsigned arg(const char *cmdline, const char *key, unsigned def)
{
	const char *p = cmdline_has(cmdline, key);
	unsigned v = 0;

	if (!p || p[strlen(key)] != '=')
		return def;
	for (p += strlen(key) + 1; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

int guest_main(const char *cmdline)
{
	unsigned ticks = arg(cmdline, "ticks", 5), spin = arg(cmdline, "spin", 2000000);
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
