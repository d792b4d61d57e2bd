/*
 * iommu/dmar.c — reading the ACPI DMAR table into a struct dmar_info.
 *
 * Owns the DMAR layout (VTD-FACTS §1; VT-d spec §8.1–8.4): the header
 * fields after the ACPI header, the remapping-structure walk, the DRHD
 * and RMRR fixed parts, device scopes and their paths; every check made
 * on them and the wording of every error. Structures other than DRHD and
 * RMRR (ATSR, RHSA, ANDD, SATC, unknown) are counted and skipped once
 * their length is known to be sound. Also: which unit translates a PCI
 * function on segment 0.
 *
 * The table comes from firmware and is not trusted: nothing past the
 * length field (itself checked against the caller's len) is read, every
 * multi-byte field is assembled byte by byte (no alignment assumed), and
 * every offset is checked against the bytes left before it is added.
 * Pure: no allocation, no I/O, no state outside the caller's structures.
 */
#include "iommu/dmar.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

/* DMAR header (VTD-FACTS §1 "Header"): the 36-byte ACPI header (ACPI
 * §5.2.6: signature at 0, length at 4), then the DMAR fields. */
#define ACPI_SIG_LEN         4        /* "DMAR" */
#define ACPI_LENGTH_OFF      4        /* u32 table length */
#define DMAR_HAW_OFF         36       /* u8 host address width - 1 */
#define DMAR_FLAGS_OFF       37       /* u8 flags */
#define DMAR_HEADER_LEN      48       /* 10 reserved bytes, then structures */

/* Remapping structure header (VTD-FACTS §1 "Structure header", "Types"). */
#define STRUCT_HEADER_LEN    4        /* u16 type, u16 length */
#define STRUCT_TYPE_DRHD     0
#define STRUCT_TYPE_RMRR     1

/* DRHD (VTD-FACTS §1 "DRHD"; spec §8.3). */
#define DRHD_FLAGS_OFF       4        /* u8 flags, bit 0 INCLUDE_PCI_ALL */
#define DRHD_SIZE_OFF        5        /* u8 register set = 2^N x 4 KiB */
#define DRHD_SEGMENT_OFF     6        /* u16 PCI segment */
#define DRHD_BASE_OFF        8        /* u64 register base */
#define DRHD_FIXED_LEN       16       /* device scopes follow */

/* RMRR (VTD-FACTS §1 "RMRR"; spec §8.4): u16 reserved at +4. */
#define RMRR_SEGMENT_OFF     6        /* u16 PCI segment */
#define RMRR_BASE_OFF        8        /* u64 base */
#define RMRR_END_OFF         16       /* u64 end, inclusive */
#define RMRR_FIXED_LEN       24       /* device scopes follow */
#define RMRR_ALIGN_MASK      0xfffull /* base and end + 1: 4 KiB aligned */

/* Device scope (VTD-FACTS §1 "Device scope"; spec §8.3.1): u16 reserved
 * at +2 (u8 flags + u8 reserved in the newest ACPICA), ignored. */
#define SCOPE_TYPE_OFF       0        /* u8 type */
#define SCOPE_LENGTH_OFF     1        /* u8 length, header and path */
#define SCOPE_ENUM_ID_OFF    4        /* u8 enumeration ID */
#define SCOPE_BUS_OFF        5        /* u8 start bus */
#define SCOPE_HEADER_LEN     6        /* (device, function) pairs follow */
#define SCOPE_PAIR_LEN       2

/* devfn = device << 3 | function (PCI Local Bus Spec §3.2.2.3.2). */
#define DEVFN_DEV(devfn)     ((uint8_t)((devfn) >> 3))
#define DEVFN_FN(devfn)      ((uint8_t)((devfn) & 0x7u))

/* ---- bytes of the table ---------------------------------------------- */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Offsets are below the length field, a u32: they print as unsigned. */
static unsigned off32(size_t off)
{
	return (unsigned)off;
}

static bool PRINTF_LIKE(3, 4)
dmar_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* ---- device scopes ----------------------------------------------------- */

/*
 * The device scopes of the structure at table offset st, which occupy
 * [from, to) of the table (to is the structure's end, already checked to
 * be inside the table). what names the structure in errors.
 */
static bool dmar_parse_scopes(const uint8_t *t, size_t st, size_t from,
                              size_t to, const char *what,
                              struct dmar_scope *scope, unsigned *nscope,
                              char *err, size_t errlen)
{
	size_t off = from;

	*nscope = 0;
	while (off < to) {
		size_t left = to - off;
		unsigned len, pairs, i;
		struct dmar_scope *s;

		if (left < SCOPE_HEADER_LEN)
			return dmar_fail(err, errlen,
			                 "DMAR: device scope at offset 0x%x is truncated",
			                 off32(off));
		len = t[off + SCOPE_LENGTH_OFF];
		if (len < SCOPE_HEADER_LEN || len % SCOPE_PAIR_LEN != 0 ||
		    len > left)
			return dmar_fail(err, errlen,
			                 "DMAR: device scope at offset 0x%x has a bad length %u",
			                 off32(off), len);
		pairs = (len - SCOPE_HEADER_LEN) / SCOPE_PAIR_LEN;
		if (pairs > DMAR_MAX_PATH)
			return dmar_fail(err, errlen,
			                 "DMAR: device scope at offset 0x%x has a path of %u pairs (at most %u)",
			                 off32(off), pairs, (unsigned)DMAR_MAX_PATH);
		if (*nscope >= DMAR_MAX_SCOPES)
			return dmar_fail(err, errlen,
			                 "DMAR: %s at offset 0x%x has more than %u device scopes",
			                 what, off32(st), (unsigned)DMAR_MAX_SCOPES);

		s = &scope[(*nscope)++];
		s->type = t[off + SCOPE_TYPE_OFF];
		s->enum_id = t[off + SCOPE_ENUM_ID_OFF];
		s->bus = t[off + SCOPE_BUS_OFF];
		s->npath = (uint8_t)pairs;
		for (i = 0; i < pairs; i++) {
			size_t p = off + SCOPE_HEADER_LEN + SCOPE_PAIR_LEN * i;

			s->path[i].dev = t[p];
			s->path[i].fn = t[p + 1];
		}
		off += len;
	}
	return true;
}

/* ---- DRHD -------------------------------------------------------------- */

/* Do a and b both name the same PCI function directly (as an endpoint,
 * one pair from the start bus)? Raw bytes are compared, so two scopes
 * with the same out-of-range device or function byte also match. */
static bool dmar_same_endpoint(const struct dmar_scope *a,
                               const struct dmar_scope *b)
{
	return a->type == DMAR_SCOPE_ENDPOINT && a->npath == 1 &&
	       b->type == DMAR_SCOPE_ENDPOINT && b->npath == 1 &&
	       a->bus == b->bus && a->path[0].dev == b->path[0].dev &&
	       a->path[0].fn == b->path[0].fn;
}

/*
 * The new unit d->unit[n] against the n before it (unit_off holds their
 * table offsets): no two INCLUDE_PCI_ALL units on a segment, no PCI
 * endpoint in the scopes of two units. A function is translated by one
 * unit only: the one listing it, else its segment's INCLUDE_PCI_ALL unit
 * (VTD-FACTS §1 "DRHD"; VT-d spec §8.3).
 */
static bool dmar_check_claims(const struct dmar_info *d, unsigned n,
                              const size_t *unit_off, char *err,
                              size_t errlen)
{
	const struct dmar_unit *u = &d->unit[n];
	unsigned i, j, k;

	for (i = 0; i < n; i++) {
		const struct dmar_unit *v = &d->unit[i];

		if (v->segment != u->segment)
			continue;
		if (v->include_all && u->include_all)
			return dmar_fail(err, errlen,
			                 "DMAR: two INCLUDE_PCI_ALL units on segment %u (offsets 0x%x and 0x%x)",
			                 (unsigned)u->segment, off32(unit_off[i]),
			                 off32(unit_off[n]));
		for (k = 0; k < u->nscope; k++) {
			const struct dmar_scope *s = &u->scope[k];

			for (j = 0; j < v->nscope; j++)
				if (dmar_same_endpoint(s, &v->scope[j]))
					return dmar_fail(err, errlen,
					                 "DMAR: %02x:%02x.%x is claimed by two remapping units (offsets 0x%x and 0x%x)",
					                 (unsigned)s->bus,
					                 (unsigned)s->path[0].dev,
					                 (unsigned)s->path[0].fn,
					                 off32(unit_off[i]),
					                 off32(unit_off[n]));
		}
	}
	return true;
}

/* The DRHD at table offset st, len bytes (inside the table). */
static bool dmar_parse_drhd(const uint8_t *t, size_t st, unsigned len,
                            struct dmar_info *d, size_t *unit_off,
                            char *err, size_t errlen)
{
	const uint8_t *s = t + st;
	struct dmar_unit *u;
	unsigned n = d->nunits;

	if (len < DRHD_FIXED_LEN)
		return dmar_fail(err, errlen,
		                 "DMAR: DRHD at offset 0x%x has length %u, less than %u",
		                 off32(st), len, (unsigned)DRHD_FIXED_LEN);
	if (n >= DMAR_MAX_UNITS)
		return dmar_fail(err, errlen,
		                 "DMAR: DRHD at offset 0x%x: more than %u remapping units",
		                 off32(st), (unsigned)DMAR_MAX_UNITS);

	u = &d->unit[n];
	u->flags = s[DRHD_FLAGS_OFF];
	u->size_log2 = s[DRHD_SIZE_OFF];
	u->segment = rd16(s + DRHD_SEGMENT_OFF);
	u->base = rd64(s + DRHD_BASE_OFF);
	/* Registers are mapped and programmed at this address: a base of 0
	 * or one not 4 KiB aligned is a broken table, not a unit. */
	if (u->base == 0 || (u->base & 0xfff))
		return dmar_fail(err, errlen,
		                 "DMAR: DRHD at offset 0x%x has a bad register base"
		                 " 0x%llx", off32(st), (unsigned long long)u->base);
	u->include_all = (u->flags & DMAR_DRHD_INCLUDE_ALL) != 0;
	if (!dmar_parse_scopes(t, st, st + DRHD_FIXED_LEN, st + len, "DRHD",
	                       u->scope, &u->nscope, err, errlen))
		return false;
	unit_off[n] = st;
	if (!dmar_check_claims(d, n, unit_off, err, errlen))
		return false;
	d->nunits = n + 1;
	return true;
}

/* ---- RMRR -------------------------------------------------------------- */

/* The RMRR at table offset st, len bytes (inside the table). */
static bool dmar_parse_rmrr(const uint8_t *t, size_t st, unsigned len,
                            struct dmar_info *d, char *err, size_t errlen)
{
	const uint8_t *s = t + st;
	struct dmar_rmrr *r;

	if (len < RMRR_FIXED_LEN)
		return dmar_fail(err, errlen,
		                 "DMAR: RMRR at offset 0x%x has length %u, less than %u",
		                 off32(st), len, (unsigned)RMRR_FIXED_LEN);
	if (d->nrmrr >= DMAR_MAX_RMRR)
		return dmar_fail(err, errlen,
		                 "DMAR: RMRR at offset 0x%x: more than %u reserved memory regions",
		                 off32(st), (unsigned)DMAR_MAX_RMRR);

	r = &d->rmrr[d->nrmrr];
	r->segment = rd16(s + RMRR_SEGMENT_OFF);
	r->base = rd64(s + RMRR_BASE_OFF);
	r->end = rd64(s + RMRR_END_OFF);
	/* As Linux's rmrr_sanity_check (VTD-FACTS §1 "RMRR"); end + 1 wraps
	 * to 0 for an end of 2^64 - 1, which counts as aligned. */
	if ((r->base & RMRR_ALIGN_MASK) != 0 ||
	    ((r->end + 1) & RMRR_ALIGN_MASK) != 0)
		return dmar_fail(err, errlen,
		                 "DMAR: RMRR at offset 0x%x: range 0x%llx-0x%llx is not 4 KiB aligned",
		                 off32(st), (unsigned long long)r->base,
		                 (unsigned long long)r->end);
	if (r->end <= r->base)
		return dmar_fail(err, errlen,
		                 "DMAR: RMRR at offset 0x%x: range 0x%llx-0x%llx ends before it starts",
		                 off32(st), (unsigned long long)r->base,
		                 (unsigned long long)r->end);
	if (!dmar_parse_scopes(t, st, st + RMRR_FIXED_LEN, st + len, "RMRR",
	                       r->scope, &r->nscope, err, errlen))
		return false;
	d->nrmrr++;
	return true;
}

/* ---- the table --------------------------------------------------------- */

bool dmar_parse(const void *table, size_t len, struct dmar_info *out,
                char *err, size_t errlen)
{
	const uint8_t *t = table;
	size_t unit_off[DMAR_MAX_UNITS];
	uint32_t tlen;
	uint8_t sum = 0;
	size_t off;

	if (errlen > 0)
		err[0] = '\0';
	memset(out, 0, sizeof *out);

	if (len < DMAR_HEADER_LEN)
		return dmar_fail(err, errlen,
		                 "DMAR: table of %llu bytes is shorter than its %u-byte header",
		                 (unsigned long long)len, (unsigned)DMAR_HEADER_LEN);
	if (memcmp(t, "DMAR", ACPI_SIG_LEN) != 0)
		return dmar_fail(err, errlen, "DMAR: the signature is not \"DMAR\"");
	tlen = rd32(t + ACPI_LENGTH_OFF);
	if (tlen > len)
		return dmar_fail(err, errlen,
		                 "DMAR: length field %u is larger than the %llu bytes available",
		                 (unsigned)tlen, (unsigned long long)len);
	if (tlen < DMAR_HEADER_LEN)
		return dmar_fail(err, errlen,
		                 "DMAR: length field %u is smaller than the header",
		                 (unsigned)tlen);
	for (off = 0; off < tlen; off++)
		sum = (uint8_t)(sum + t[off]);
	if (sum != 0)
		return dmar_fail(err, errlen, "DMAR: bad checksum");

	out->haw = (uint8_t)(t[DMAR_HAW_OFF] + 1);
	out->flags = t[DMAR_FLAGS_OFF];

	/* Remapping structures, back to back up to the length field. */
	off = DMAR_HEADER_LEN;
	while (off < tlen) {
		size_t left = tlen - off;
		unsigned type, slen;
		bool ok = true;

		if (left < STRUCT_HEADER_LEN)
			return dmar_fail(err, errlen,
			                 "DMAR: structure at offset 0x%x is truncated",
			                 off32(off));
		type = rd16(t + off);
		slen = rd16(t + off + 2);
		if (slen < STRUCT_HEADER_LEN || slen > left)
			return dmar_fail(err, errlen,
			                 "DMAR: structure at offset 0x%x has length %u, outside the table",
			                 off32(off), slen);
		switch (type) {
		case STRUCT_TYPE_DRHD:
			ok = dmar_parse_drhd(t, off, slen, out, unit_off, err,
			                     errlen);
			break;
		case STRUCT_TYPE_RMRR:
			ok = dmar_parse_rmrr(t, off, slen, out, err, errlen);
			break;
		default:                /* ATSR, RHSA, ANDD, SATC, newer */
			out->nother++;
			break;
		}
		if (!ok)
			return false;
		off += slen;
	}
	return true;
}

/* ---- lookups ----------------------------------------------------------- */

bool dmar_scope_is(const struct dmar_scope *s, uint8_t bus, uint8_t devfn)
{
	return s->type == DMAR_SCOPE_ENDPOINT && s->npath == 1 &&
	       s->bus == bus && s->path[0].dev == DEVFN_DEV(devfn) &&
	       s->path[0].fn == DEVFN_FN(devfn);
}

const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, uint8_t bus,
                                      uint8_t devfn)
{
	unsigned n = d->nunits < DMAR_MAX_UNITS ? d->nunits : DMAR_MAX_UNITS;
	unsigned i, k;

	/* A unit listing the function wins over INCLUDE_PCI_ALL (VTD-FACTS §1
	 * "DRHD": that unit covers the devices no other unit claims). */
	for (i = 0; i < n; i++) {
		const struct dmar_unit *u = &d->unit[i];
		unsigned ns = u->nscope < DMAR_MAX_SCOPES ? u->nscope
		                                          : DMAR_MAX_SCOPES;

		if (u->segment != 0 || u->include_all)
			continue;
		for (k = 0; k < ns; k++)
			if (dmar_scope_is(&u->scope[k], bus, devfn))
				return u;
	}
	for (i = 0; i < n; i++)
		if (d->unit[i].segment == 0 && d->unit[i].include_all)
			return &d->unit[i];
	return NULL;
}
