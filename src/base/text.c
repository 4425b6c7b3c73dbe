/* text.c - encodings, folding and small string helpers (see text.h).
 *
 * Choices:
 *  - text_is_utf8() follows RFC 3629: no overlong forms, no surrogates
 *    (U+D800..U+DFFF), nothing above U+10FFFF. NUL bytes are valid.
 *  - text_to_utf8() on a document with a BOM whose remainder is not valid
 *    UTF-8 keeps the valid sequences and replaces each invalid byte by U+FFFD
 *    (a BOM says UTF-8, so a few bad bytes are corruption, not Latin-1).
 *    Without a BOM, invalid UTF-8 means the whole document is Windows-1252;
 *    the five bytes Windows-1252 leaves undefined map to the C1 controls of
 *    the same value, as in Latin-1.
 *  - text_fold() maps Latin-1 Supplement, Latin Extended-A, Romanian S/T
 *    comma and the fi/fl ligatures to ASCII; drops combining marks, soft
 *    hyphen, zero-width joiners and U+FEFF; turns ASCII punctuation, C1
 *    controls, Latin-1 symbols and General Punctuation (’ – … NBSPs) into
 *    spaces; copies other characters (Greek, CJK, ...) unchanged. Invalid
 *    UTF-8 bytes count as spaces, so the output is always valid UTF-8. */
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s[0..n), n > 0; 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0; /* continuation byte, or overlong 2-byte lead */
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3)
            return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4)
            return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* Code point of a valid sequence of length len. */
static uint32_t utf8_decode(const unsigned char *s, size_t len)
{
    switch (len) {
    case 1:
        return s[0];
    case 2:
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    case 3:
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    default:
        return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
               (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    }
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int text_is_utf8(const char *s, size_t n)
{
    if (!s)
        return n == 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        /* ASCII fast path, 8 bytes at a time. */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            p += 8;
        }
        if (p == end)
            break;
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t l = utf8_seq(p, (size_t)(end - p));
        if (!l)
            return 0;
        p += l;
    }
    return 1;
}

static int has_bom(const char *s, size_t n)
{
    return s && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
}

enum text_encoding text_detect(const char *s, size_t n)
{
    if (has_bom(s, n))
        return TEXT_UTF8_BOM;
    return text_is_utf8(s, n) ? TEXT_UTF8 : TEXT_LATIN1;
}

/* Windows-1252 0x80..0x9F; undefined bytes map to the same C1 control. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

char *text_to_utf8(const char *s, size_t n, size_t *out_len, enum text_encoding *enc)
{
    if (!s) {
        s = "";
        n = 0;
    }
    enum text_encoding e = text_detect(s, n);
    if (enc)
        *enc = e;
    if (e == TEXT_UTF8_BOM) {
        s += 3;
        n -= 3;
    }
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    char *out, *o;
    if (e != TEXT_LATIN1 && text_is_utf8(s, n)) {
        out = malloc(n + 1);
        if (!out)
            return NULL;
        if (n)
            memcpy(out, s, n);
        o = out + n;
    } else {
        /* Each input byte gives at most 3 output bytes. */
        if (n > ((size_t)-1 - 1) / 3)
            return NULL;
        out = malloc(n * 3 + 1);
        if (!out)
            return NULL;
        o = out;
        if (e == TEXT_LATIN1) {
            for (; p < end; p++) {
                unsigned c = *p;
                if (c < 0x80)
                    *o++ = (char)c;
                else
                    o += utf8_encode(c < 0xA0 ? cp1252_c1[c - 0x80] : c, o);
            }
        } else {
            while (p < end) {
                size_t l = utf8_seq(p, (size_t)(end - p));
                if (l) {
                    memcpy(o, p, l);
                    o += l;
                    p += l;
                } else {
                    o += utf8_encode(0xFFFD, o);
                    p++;
                }
            }
        }
    }
    *o = 0;
    if (out_len)
        *out_len = (size_t)(o - out);
    return out;
}

/* Folding of U+00C0..U+00FF and U+0100..U+017F. Digits stand for the
 * two-letter expansions listed in fold_pair; ' ' means a separator. */
static const char fold_latin1[] = "aaaaaa3ceeeeiiiidnooooo ouuuuy45"
                                  "aaaaaa3ceeeeiiiidnooooo ouuuuy4y";
static const char fold_latin_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii11jjkkk"
                                   "llllllllllnnnnnnnnnoooooo22rrrrrrsssssssstttttt"
                                   "uuuuuuuuuuuuwwyyyzzzzzzs";
static const char *const fold_pair[] = {"", "ij", "oe", "ae", "th", "ss"};

_Static_assert(sizeof fold_latin1 == 64 + 1, "fold_latin1 covers U+00C0..U+00FF");
_Static_assert(sizeof fold_latin_a == 128 + 1, "fold_latin_a covers U+0100..U+017F");

enum { FOLD_SPACE, FOLD_DROP, FOLD_TEXT };

/* How code point cp folds: FOLD_SPACE, FOLD_DROP, or FOLD_TEXT with the
 * replacement in *rep (NULL = copy the original bytes). */
static int fold_cp(uint32_t cp, const char **rep, char *one)
{
    *rep = NULL;
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            return FOLD_TEXT;
        if (cp >= 'A' && cp <= 'Z') {
            one[0] = (char)(cp - 'A' + 'a');
            one[1] = 0;
            *rep = one;
            return FOLD_TEXT;
        }
        return FOLD_SPACE;
    }
    if (cp == 0xAD || cp == 0x200C || cp == 0x200D || cp == 0xFEFF || cp == 0x2060)
        return FOLD_DROP; /* soft hyphen, ZWNJ, ZWJ, BOM, word joiner */
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
        (cp >= 0xFE20 && cp <= 0xFE2F))
        return FOLD_DROP; /* combining marks (decomposed accents) */
    if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
        cp == 0x3000)
        return FOLD_SPACE;
    char c = 0;
    if (cp <= 0xFF)
        c = fold_latin1[cp - 0xC0];
    else if (cp <= 0x17F)
        c = fold_latin_a[cp - 0x100];
    else if (cp == 0x218 || cp == 0x219)
        c = 's';
    else if (cp == 0x21A || cp == 0x21B)
        c = 't';
    else if (cp >= 0xFB00 && cp <= 0xFB06) {
        static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
        *rep = lig[cp - 0xFB00];
        return FOLD_TEXT;
    } else
        return FOLD_TEXT;
    if (c == ' ')
        return FOLD_SPACE;
    if (c >= '1' && c <= '5') {
        *rep = fold_pair[c - '0'];
        return FOLD_TEXT;
    }
    one[0] = c;
    one[1] = 0;
    *rep = one;
    return FOLD_TEXT;
}

size_t text_fold(const char *s, char *out, size_t n)
{
    if (!n)
        return 0;
    /* Output never gets ahead of input (no fold is longer than what it
     * replaces), so out may equal s. */
    size_t len = 0;
    int space = 0; /* a separator is pending */
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t l;
        int k;
        const char *rep;
        char one[2];
        const char *src = (const char *)p;
        if (*p < 0x80) {
            l = 1;
            unsigned c = *p;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                k = FOLD_TEXT;
                rep = NULL;
            } else {
                k = fold_cp(c, &rep, one);
            }
        } else {
            /* Bounded by the terminating NUL, which is never a continuation. */
            l = utf8_seq(p, 4);
            k = l ? fold_cp(utf8_decode(p, l), &rep, one) : FOLD_SPACE;
            if (!l)
                l = 1;
        }
        p += l;
        if (k == FOLD_DROP)
            continue;
        if (k == FOLD_SPACE) {
            space = len > 0;
            continue;
        }
        size_t rl = rep ? strlen(rep) : l;
        if (!rep)
            rep = src;
        if (len + (size_t)space + rl > n - 1)
            break; /* never cut a character (or an expansion) in two */
        if (space)
            out[len++] = ' ';
        space = 0;
        memmove(out + len, rep, rl); /* out may be s: folding in place */
        len += rl;
    }
    out[len] = 0;
    return len;
}

char *text_trim(char *s)
{
    if (!s)
        return s;
    size_t a = 0, b = strlen(s);
    while (a < b && (s[a] == ' ' || (s[a] >= '\t' && s[a] <= '\r')))
        a++;
    while (b > a && (s[b - 1] == ' ' || (s[b - 1] >= '\t' && s[b - 1] <= '\r')))
        b--;
    if (a)
        memmove(s, s + a, b - a);
    s[b - a] = 0;
    return s;
}

size_t text_utf8_len(const char *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

void text_iso_time(time_t t, char out[24])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* 01:00 UTC on the last Sunday of a 31-day month (EU summer time switch). */
static time_t eu_switch(int year, int month)
{
    long last = days_from_civil(year, month, 31);
    long wday = (last + 4) % 7; /* 1970-01-01 was a Thursday (4) */
    if (wday < 0)
        wday += 7;
    return (time_t)((last - wday) * 86400L + 3600);
}

int text_paris_utc_offset(time_t t)
{
    struct tm u;
    gmtime_r(&t, &u);
    int year = u.tm_year + 1900;
    return t >= eu_switch(year, 3) && t < eu_switch(year, 10) ? 120 : 60;
}

int text_parse_iso_time(const char *s, time_t *t)
{
    int y, mo, d, h, mi, se;
    char z;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z' ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    *t = (time_t)(days_from_civil(y, mo, d) * 86400L + h * 3600L + mi * 60L + se);
    return 0;
}
