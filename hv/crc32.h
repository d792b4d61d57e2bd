/*
 * hv/crc32.h — CRC-32 (IEEE 802.3, reflected, as zlib and gzip compute
 * it). Two ways to the same value. crc32_update() needs no memory beyond
 * a 16-entry table and costs 13 instructions a byte. The "wide" form
 * looks the data up 16 bits at a time in 2 MiB of tables the caller
 * provides: building them costs about 1.0 M instructions, using them
 * about 1.2 instructions a byte (measured with valgrind on the same
 * source; make bench in docs/testing.md), so they pay for themselves
 * from about 85 KiB of data on.
 */
#ifndef BAREGT_HV_CRC32_H
#define BAREGT_HV_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: start with crc = 0. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

/* From this many bytes on the wide form, tables built included, costs
 * fewer instructions than crc32_update(). */
#define CRC32_WIDE_MIN_BYTES (96u << 10)

/*
 * Tables of the wide form, which takes the data in blocks of
 * CRC32_WIDE_BLOCK bytes. byte[k][b]: the CRC register after byte b and
 * then k zero bytes. word[j][d]: the same for the 16-bit digit d at
 * 16-bit position j from the end of a block, i.e.
 * byte[2j + 1][d & 0xff] ^ byte[2j][d >> 8].
 */
#define CRC32_WIDE_BLOCK  16
#define CRC32_WIDE_DIGITS (CRC32_WIDE_BLOCK / 2)
struct crc32_wide {
	uint32_t word[CRC32_WIDE_DIGITS][1u << 16];
	uint32_t byte[CRC32_WIDE_BLOCK][256];
};

void crc32_wide_init(struct crc32_wide *w);
/* crc32_update(crc, buf, len), through tables crc32_wide_init() built. */
uint32_t crc32_update_wide(const struct crc32_wide *w, uint32_t crc,
                           const void *buf, size_t len);

#endif
