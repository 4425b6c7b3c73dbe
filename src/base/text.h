/* text.h - text encodings and string helpers shared by all modules.
 *
 * Producers send UTF-8, UTF-8 with a BOM, or Latin-1/Windows-1252. We detect
 * which, and convert to UTF-8 so every other module sees valid UTF-8 only.
 * Also: ASCII folding of French text for comparisons (lowercase, accents
 * removed) used by search and deduplication. */
#ifndef BASE_TEXT_H
#define BASE_TEXT_H
#include <stddef.h>

enum text_encoding { TEXT_UTF8, TEXT_UTF8_BOM, TEXT_LATIN1 };

/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates)? Returns 1 or 0. */
int text_is_utf8(const char *s, size_t n);

/* Detect the encoding of a document: UTF8_BOM when it starts with EF BB BF,
 * UTF8 when valid UTF-8, LATIN1 otherwise (Windows-1252 superset). */
enum text_encoding text_detect(const char *s, size_t n);

/* Return a malloc'd UTF-8, NUL-terminated copy of s[0..n) without BOM,
 * converting from Windows-1252 when not valid UTF-8. *out_len gets the
 * length (may be NULL), *enc the detected encoding (may be NULL).
 * Returns NULL when memory runs out. */
char *text_to_utf8(const char *s, size_t n, size_t *out_len, enum text_encoding *enc);

/* Fold a UTF-8 string for comparison: lowercase ASCII, Latin letters with
 * diacritics mapped to their base letter (é→e, œ→oe, ß→ss), punctuation to a
 * single space, runs of spaces collapsed, trimmed. Writes at most n-1 bytes
 * to out and NUL-terminates. Returns the length written. Cannot fail. */
size_t text_fold(const char *s, char *out, size_t n);

/* Trim ASCII whitespace at both ends in place; returns s. */
char *text_trim(char *s);

/* Number of Unicode code points in a valid UTF-8 string. */
size_t text_utf8_len(const char *s);

/* UTC time as ISO 8601 "2026-11-24T09:30:00Z" into out[24]. Cannot fail. */
#include <time.h>
void text_iso_time(time_t t, char out[24]);
/* Parse "YYYY-MM-DDTHH:MM:SSZ" (UTC) into *t. 0, or -1 when malformed. */
int text_parse_iso_time(const char *s, time_t *t);
/* Offset of metropolitan France's legal time from UTC at t, in minutes: 120
 * from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
 * Sunday of October (the EU rule), else 60. Cannot fail. */
int text_paris_utc_offset(time_t t);

#endif
