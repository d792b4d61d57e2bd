/*
 * tests/unit/test_crc32.c — unit tests of hv/crc32.c: the published CRC-32
 * check values (IEEE 802.3 / zlib), every single byte and long buffers
 * against a bit-at-a-time reference written here, and incremental use;
 * the wide form the same way, its tables against their definition, and
 * every length 0..64 (and beyond a block) at every alignment of a block.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/crc32.h"

/* ---- helpers --------------------------------------------------------- */

static uint32_t crc_str(const char *s)
{
	return crc32_update(0, s, strlen(s));
}

/*
 * Reference CRC-32, one bit at a time, straight from the definition:
 * reflected polynomial 0xEDB88320, register preset to all ones, result
 * complemented. Independent of the nibble table the module uses.
 */
static uint32_t ref_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320u : 0);
	}
	return ~crc;
}

/* A deterministic byte pattern that is not periodic over short spans. */
static void fill_pattern(uint8_t *buf, size_t len)
{
	uint32_t x = 0x12345678u;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)(x >> 24);
	}
}

/* The wide form's tables (wide_setup() builds them). */
static struct crc32_wide *wide;

/*
 * The CRC of buf continued chunk by chunk (1, 4, 13, 40, ... bytes); with
 * mixed, the chunks alternate between the wide form and crc32_update().
 */
static uint32_t crc_in_chunks(const uint8_t *buf, size_t len, bool mixed)
{
	size_t off = 0, chunk = 1;
	unsigned turn = 0;
	uint32_t c = 0;

	while (off < len) {
		size_t n = chunk < len - off ? chunk : len - off;

		c = mixed && turn++ % 2 ? crc32_update_wide(wide, c, buf + off, n)
		                        : crc32_update(c, buf + off, n);
		off += n;
		chunk = chunk * 3 + 1;
	}
	return c;
}

/* ---- known values ---------------------------------------------------- */

static void test_check_value(void **state)
{
	(void)state;
	/* The "check" value of CRC-32/ISO-HDLC (zlib, gzip, PNG, Ethernet). */
	assert_int_equal(crc_str("123456789"), 0xcbf43926u);
}

/* Published CRC-32/ISO-HDLC values (the CRC of gzip, RFC 1952). */
static const struct { const char *s; uint32_t crc; } known[] = {
	{ "", 0x00000000u },
	{ "a", 0xe8b7be43u },
	{ "abc", 0x352441c2u },
	{ "message digest", 0x20159d7fu },
	{ "abcdefghijklmnopqrstuvwxyz", 0x4c2750bdu },
	{ "The quick brown fox jumps over the lazy dog", 0x414fa339u },
	{ "123456789", 0xcbf43926u },
};

/* Every known[] string through one form of the CRC. */
static void check_known(uint32_t (*crc_of)(const char *), const char *form)
{
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		uint32_t got = crc_of(known[i].s);

		if (got != known[i].crc)
			fail_msg("%s(\"%s\") = %#010x, expected %#010x", form,
			         known[i].s, got, known[i].crc);
	}
}

static void test_known_vectors(void **state)
{
	(void)state;
	check_known(crc_str, "crc32_update");
}

static void test_binary_vectors(void **state)
{
	static const uint8_t zero = 0x00, ff = 0xff;
	uint8_t zeros[32], ones[32];

	(void)state;
	memset(zeros, 0, sizeof zeros);
	memset(ones, 0xff, sizeof ones);
	assert_int_equal(crc32_update(0, &zero, 1), 0xd202ef8du);
	assert_int_equal(crc32_update(0, &ff, 1), 0xff000000u);
	assert_int_equal(crc32_update(0, zeros, sizeof zeros), 0x190a55adu);
	assert_int_equal(crc32_update(0, ones, sizeof ones), 0xff6cab0bu);
}

static void test_empty_keeps_crc(void **state)
{
	(void)state;
	assert_int_equal(crc32_update(0, NULL, 0), 0);
	assert_int_equal(crc32_update(0xcbf43926u, "", 0), 0xcbf43926u);
	assert_int_equal(crc32_update(0xdeadbeefu, NULL, 0), 0xdeadbeefu);
}

static void test_every_single_byte(void **state)
{
	unsigned b;

	(void)state;
	for (b = 0; b < 256; b++) {
		uint8_t byte = (uint8_t)b;
		uint32_t got = crc32_update(0, &byte, 1);
		uint32_t want = ref_crc32(&byte, 1);

		if (got != want)
			fail_msg("crc32 of byte %#04x = %#010x, expected %#010x",
			         b, got, want);
	}
}

static void test_reference_long_buffer(void **state)
{
	size_t len = 1u << 20, n;
	uint8_t *buf = malloc(len);

	(void)state;
	assert_non_null(buf);
	fill_pattern(buf, len);
	for (n = 0; n < 300; n++)
		assert_int_equal(crc32_update(0, buf, n), ref_crc32(buf, n));
	assert_int_equal(crc32_update(0, buf, len), ref_crc32(buf, len));
	free(buf);
}

/* ---- incremental use ------------------------------------------------- */

static void test_incremental_every_split(void **state)
{
	static const char msg[] = "The quick brown fox jumps over the lazy dog";
	size_t len = sizeof msg - 1, i;

	(void)state;
	for (i = 0; i <= len; i++) {
		uint32_t c = crc32_update(0, msg, i);

		c = crc32_update(c, msg + i, len - i);
		assert_int_equal(c, 0x414fa339u);
	}
}

static void test_incremental_byte_by_byte(void **state)
{
	const char *s = "123456789";
	uint32_t c = 0;
	size_t i;

	(void)state;
	for (i = 0; s[i] != '\0'; i++)
		c = crc32_update(c, s + i, 1);
	assert_int_equal(c, 0xcbf43926u);
}

/* ---- the wide form (16-bit digits, tables from the caller) ------------ */

static int wide_setup(void **state)
{
	(void)state;
	wide = malloc(sizeof(*wide));
	if (!wide)
		return -1;
	memset(wide, 0xa5, sizeof(*wide));  /* every entry must be written */
	crc32_wide_init(wide);
	return 0;
}

static int wide_teardown(void **state)
{
	(void)state;
	free(wide);
	wide = NULL;
	return 0;
}

static uint32_t wide_str(const char *s)
{
	return crc32_update_wide(wide, 0, s, strlen(s));
}

static void test_wide_known_vectors(void **state)
{
	(void)state;
	check_known(wide_str, "crc32_update_wide");
	assert_int_equal(crc32_update_wide(wide, 0xdeadbeefu, NULL, 0), 0xdeadbeefu);
}

/* byte[k][b]: register after byte b then k zero bytes, from the bitwise
 * reference's own register (no pre/post inversion); word[j][d]: its two
 * bytes' tables combined. Checks every entry. */
static void test_wide_tables(void **state)
{
	unsigned k, b, j, d;

	(void)state;
	for (k = 0; k < CRC32_WIDE_BLOCK; k++)
		for (b = 0; b < 256; b++) {
			uint32_t reg = b;
			unsigned bit;

			for (bit = 0; bit < 8 * (k + 1); bit++)
				reg = (reg >> 1) ^ ((reg & 1) ? 0xedb88320u : 0);
			if (wide->byte[k][b] != reg)
				fail_msg("byte[%u][%#x] = %#010x, expected %#010x",
				         k, b, wide->byte[k][b], reg);
		}
	assert_int_equal(wide->byte[0][1], 0x77073096u);   /* zlib's table */
	assert_int_equal(wide->byte[0][255], 0x2d02ef8du);
	for (j = 0; j < CRC32_WIDE_DIGITS; j++)
		for (d = 0; d < 65536; d++) {
			uint32_t want = wide->byte[2 * j + 1][d & 0xff] ^
			                wide->byte[2 * j][d >> 8];
			if (wide->word[j][d] != want)
				fail_msg("word[%u][%#x] = %#010x, expected %#010x",
				         j, d, wide->word[j][d], want);
		}
}

static void test_wide_every_single_byte(void **state)
{
	unsigned b;

	(void)state;
	for (b = 0; b < 256; b++) {
		uint8_t byte = (uint8_t)b;

		assert_int_equal(crc32_update_wide(wide, 0, &byte, 1),
		                 ref_crc32(&byte, 1));
	}
}

/* Lengths 0..64 (no block, one block and tails of every size, several
 * blocks) and a few beyond, starting at every offset within a block:
 * the loads are unaligned; ASan catches a read past the buffer. */
static void test_wide_lengths_and_alignments(void **state)
{
	enum { MAXLEN = 64 + 3 * CRC32_WIDE_BLOCK + 1 };
	uint8_t *buf = malloc(CRC32_WIDE_BLOCK + MAXLEN);
	size_t off, n;

	(void)state;
	assert_non_null(buf);
	fill_pattern(buf, CRC32_WIDE_BLOCK + MAXLEN);
	for (off = 0; off < CRC32_WIDE_BLOCK; off++)
		for (n = 0; n <= MAXLEN; n++) {
			uint8_t *copy = malloc(n ? n : 1);
			uint32_t want = ref_crc32(buf + off, n), got;

			assert_non_null(copy);
			memcpy(copy, buf + off, n);   /* exactly n bytes: ASan bounds */
			got = crc32_update_wide(wide, 0, buf + off, n);
			if (got != want)
				fail_msg("offset %zu, %zu bytes: %#010x, expected %#010x",
				         off, n, got, want);
			assert_int_equal(crc32_update_wide(wide, 0, copy, n), want);
			assert_int_equal(crc32_update(0, copy, n), want);
			free(copy);
		}
	free(buf);
}

static void test_wide_long_buffer(void **state)
{
	size_t len = (1u << 20) + 13;
	uint8_t *buf = malloc(len);

	(void)state;
	assert_non_null(buf);
	fill_pattern(buf, len);
	assert_int_equal(crc32_update_wide(wide, 0, buf, len), ref_crc32(buf, len));
	assert_int_equal(crc32_update_wide(wide, 0, buf + 1, len - 1),
	                 ref_crc32(buf + 1, len - 1));
	free(buf);
}

/* Chunked, each form continues its own CRC and the other's. */
static void test_incremental_uneven_chunks(void **state)
{
	size_t len = 100000;
	uint8_t *buf = malloc(len);

	(void)state;
	assert_non_null(buf);
	fill_pattern(buf, len);
	assert_int_equal(crc_in_chunks(buf, len, false), ref_crc32(buf, len));
	assert_int_equal(crc_in_chunks(buf, len, true), ref_crc32(buf, len));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_binary_vectors),
		cmocka_unit_test(test_empty_keeps_crc),
		cmocka_unit_test(test_every_single_byte),
		cmocka_unit_test(test_reference_long_buffer),
		cmocka_unit_test(test_incremental_every_split),
		cmocka_unit_test(test_incremental_byte_by_byte),
	};
	const struct CMUnitTest wide_tests[] = {
		cmocka_unit_test(test_wide_known_vectors),
		cmocka_unit_test(test_wide_tables),
		cmocka_unit_test(test_wide_every_single_byte),
		cmocka_unit_test(test_wide_lengths_and_alignments),
		cmocka_unit_test(test_wide_long_buffer),
		cmocka_unit_test(test_incremental_uneven_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	       cmocka_run_group_tests(wide_tests, wide_setup, wide_teardown);
}
