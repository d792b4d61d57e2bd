/*
 * hv/crc32.c — CRC-32, polynomial 0xEDB88320 (reflected 0x04C11DB7),
 * initial and final XOR 0xFFFFFFFF (hv/crc32.h).
 *
 * The wide form is table slicing (the scheme of Intel's "slicing-by-8")
 * with 16-bit digits: the register is XORed into the first four bytes of
 * a 16-byte block, and each of the block's eight digits indexes a table
 * holding its effect on the register at the block's end. Per block: one
 * 32-bit load, seven 16-bit loads or extractions, eight table reads.
 * No SSE or PCLMUL (the core is built -mgeneral-regs-only), and less
 * than a tenth of the nibble loop's instructions, which is what Bochs
 * counts; on hardware the 2 MiB of tables live in the last-level cache
 * and the file reads dominate anyway. x86 is little-endian and loads
 * unaligned data: blocks are read at any alignment.
 */
#include "hv/crc32.h"

#define CRC32_POLY 0xedb88320u

/*
 * Unaligned loads and stores without undefined behaviour. The builtin, not
 * memcpy(): the core is built -ffreestanding, where memcpy() is a call
 * (a REP MOVS in hv/string.c) rather than one MOV.
 */
static inline uint32_t crc32_ld32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t crc32_ld16(const uint8_t *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

/* The register after shifting `bits` zero bits through it. */
static uint32_t crc32_shift(uint32_t crc, int bits)
{
	for (; bits > 0; bits--)
		crc = (crc & 1) ? (crc >> 1) ^ CRC32_POLY : crc >> 1;
	return crc;
}

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[16];
	const uint8_t *p = buf;
	size_t i;

	if (table[1] == 0)
		for (i = 0; i < 16; i++)
			table[i] = crc32_shift((uint32_t)i, 4);
	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ table[crc & 15];
		crc = (crc >> 4) ^ table[crc & 15];
	}
	return ~crc;
}

void crc32_wide_init(struct crc32_wide *w)
{
	unsigned b, k, j, hi, lo;

	for (b = 0; b < 256; b++)
		w->byte[0][b] = crc32_shift(b, 8);
	for (k = 1; k < CRC32_WIDE_BLOCK; k++)
		for (b = 0; b < 256; b++) {
			uint32_t prev = w->byte[k - 1][b];
			w->byte[k][b] = (prev >> 8) ^ w->byte[0][prev & 0xff];
		}
	/* word[j][hi << 8 | lo] = byte[2j + 1][lo] ^ byte[2j][hi], two
	 * entries per 64-bit XOR: these tables are most of the build's cost. */
	for (j = 0; j < CRC32_WIDE_DIGITS; j++)
		for (hi = 0; hi < 256; hi++) {
			const uint32_t *low = w->byte[2 * j + 1];
			uint64_t high = w->byte[2 * j][hi] * 0x100000001ull, pair;
			uint32_t *out = &w->word[j][hi << 8];

#pragma GCC unroll 8
			for (lo = 0; lo < 256; lo += 2) {
				__builtin_memcpy(&pair, &low[lo], sizeof(pair));
				pair ^= high;
				__builtin_memcpy(&out[lo], &pair, sizeof(pair));
			}
		}
}

uint32_t crc32_update_wide(const struct crc32_wide *w, uint32_t crc,
                           const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t head;
	unsigned k;

	crc = ~crc;
	/* Unrolled: the loop's own count, compare and branch were a sixth of
	 * its instructions. */
#pragma GCC unroll 4
	for (; len >= CRC32_WIDE_BLOCK; len -= CRC32_WIDE_BLOCK,
	                                p += CRC32_WIDE_BLOCK) {
		/* Digit k of the block (k = 0 first in memory) is at 16-bit
		 * position CRC32_WIDE_DIGITS - 1 - k from its end. */
		head = crc32_ld32(p) ^ crc;
		crc = w->word[CRC32_WIDE_DIGITS - 1][head & 0xffff] ^
		      w->word[CRC32_WIDE_DIGITS - 2][head >> 16];
#pragma GCC unroll 16
		for (k = 2; k < CRC32_WIDE_DIGITS; k++)
			crc ^= w->word[CRC32_WIDE_DIGITS - 1 - k][crc32_ld16(p + 2 * k)];
	}
	for (; len > 0; len--, p++)
		crc = (crc >> 8) ^ w->byte[0][(crc ^ *p) & 0xff];
	return ~crc;
}
