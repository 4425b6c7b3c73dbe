/* query.c - application/x-www-form-urlencoded decoding (see query.h).
 *
 * Choices:
 *  - pairs are separated by '&' only; empty segments ("a=1&&b=2", a trailing
 *    '&') are ignored and not counted as invalid;
 *  - the key ends at the first '='; a segment without '=' is a key with the
 *    value ""; empty keys are kept ("=b" gives key "" and value "b");
 *  - '+' is a space in keys and values; "%XX" with two hex digits is decoded,
 *    any other '%' is kept literally ("%zz", "%4", a final "%");
 *  - a decoded NUL (from "%00" or a raw NUL byte) makes the pair invalid, as
 *    does a decoded key or value that is not valid UTF-8 or longer than
 *    QUERY_MAX_LEN bytes; such pairs are dropped and counted in q->invalid,
 *    as are the pairs beyond QUERY_MAX_PAIRS;
 *  - keys and values are separate malloc'd strings, freed by query_free(). */
#include "http/query.h"

#include "base/text.h"

#include <stdlib.h>
#include <string.h>

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decoded length of s[0..len) (escapes make it shorter, never longer). */
static size_t decoded_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        if (s[i] == '%' && i + 2 < len && hexval((unsigned char)s[i + 1]) >= 0 &&
            hexval((unsigned char)s[i + 2]) >= 0)
            i += 3;
        else
            i++;
    }
    return n;
}

enum { DEC_OK, DEC_INVALID, DEC_OOM };

/* Decode s[0..len) into a new string; max_len limits the decoded length
 * ((size_t)-1 for none). */
static int decode(const char *s, size_t len, int plus_is_space, size_t max_len, char **out)
{
    *out = NULL;
    size_t n = decoded_len(s, len);
    if (n > max_len)
        return DEC_INVALID;
    char *d = malloc(n + 1);
    if (!d)
        return DEC_OOM;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        int hi, lo;
        if (c == '%' && i + 2 < len && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            c = (unsigned char)(hi << 4 | lo);
            i += 3;
        } else {
            if (c == '+' && plus_is_space)
                c = ' ';
            i++;
        }
        if (c == 0) {
            free(d);
            return DEC_INVALID;
        }
        d[o++] = (char)c;
    }
    d[o] = 0;
    if (!text_is_utf8(d, o)) {
        free(d);
        return DEC_INVALID;
    }
    *out = d;
    return DEC_OK;
}

char *query_unescape(const char *s, size_t len, int plus_is_space)
{
    char *d;
    if (!s)
        len = 0;
    decode(s ? s : "", len, plus_is_space, (size_t)-1, &d);
    return d;
}

void query_free(struct query *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->pairs[i].key);
        free(q->pairs[i].value);
        q->pairs[i].key = q->pairs[i].value = NULL;
    }
    q->n = 0;
}

int query_parse(struct query *q, const char *s, size_t len)
{
    q->n = 0;
    q->invalid = 0;
    if (!s)
        len = 0;
    const char *p = s, *end = s ? s + len : s;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *seg_end = amp ? amp : end;
        if (seg_end > p) {
            if (q->n == QUERY_MAX_PAIRS) {
                q->invalid++;
            } else {
                const char *eq = memchr(p, '=', (size_t)(seg_end - p));
                const char *kend = eq ? eq : seg_end;
                const char *v = eq ? eq + 1 : seg_end;
                char *key, *value = NULL;
                int r = decode(p, (size_t)(kend - p), 1, QUERY_MAX_LEN, &key);
                if (r == DEC_OK) {
                    r = decode(v, (size_t)(seg_end - v), 1, QUERY_MAX_LEN, &value);
                    if (r != DEC_OK)
                        free(key);
                }
                if (r == DEC_OOM) {
                    query_free(q);
                    q->invalid = 0;
                    return -1;
                }
                if (r == DEC_INVALID) {
                    q->invalid++;
                } else {
                    q->pairs[q->n].key = key;
                    q->pairs[q->n].value = value;
                    q->n++;
                }
            }
        }
        p = amp ? amp + 1 : end;
    }
    return 0;
}

const char *query_get_nth(const struct query *q, const char *key, size_t i)
{
    if (!key)
        return NULL;
    for (size_t k = 0; k < q->n; k++) {
        if (strcmp(q->pairs[k].key, key) == 0) {
            if (i == 0)
                return q->pairs[k].value;
            i--;
        }
    }
    return NULL;
}

const char *query_get(const struct query *q, const char *key)
{
    return query_get_nth(q, key, 0);
}
