/*
 * hv/crc32.c — CRC-32, polynomial 0xEDB88320 (reflected 0x04C11DB7),
 * initial and final XOR 0xFFFFFFFF; four bits per step from a 16-entry
 * table derived from the polynomial.
 */
#include "hv/crc32.h"

static uint32_t crc32_nibble(uint32_t crc)
{
	int k;

	for (k = 0; k < 4; k++)
		crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	return crc;
}

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[16];
	const uint8_t *p = buf;
	size_t i;

	if (table[1] == 0)
		for (i = 0; i < 16; i++)
			table[i] = crc32_nibble((uint32_t)i);
	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ table[crc & 15];
		crc = (crc >> 4) ^ table[crc & 15];
	}
	return ~crc;
}
