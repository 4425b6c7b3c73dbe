/* query.h - decoding of URL query strings and form bodies.
 *
 * application/x-www-form-urlencoded: "a=1&b=x%20y+z". Percent-escapes and
 * '+' are decoded; invalid escapes are kept literally; decoded values that
 * are not valid UTF-8 are rejected (the pair is dropped and counted in
 * q->invalid). Keys may repeat (filters like services=A&services=B).
 * Limits: at most QUERY_MAX_PAIRS pairs, keys and values at most
 * QUERY_MAX_LEN bytes each (longer ones are dropped and counted).
 *
 * Ownership: query_parse() fills a struct query that owns its strings;
 * release with query_free(). Lookups return borrowed pointers. */
#ifndef HTTP_QUERY_H
#define HTTP_QUERY_H
#include <stddef.h>

#define QUERY_MAX_PAIRS 64
#define QUERY_MAX_LEN 2048

struct query_pair {
    char *key, *value;
};

struct query {
    struct query_pair pairs[QUERY_MAX_PAIRS];
    size_t n;
    size_t invalid; /* pairs dropped: bad UTF-8, too long, too many */
};

/* Parse s[0..len). Returns 0, or -1 when memory runs out (q is then empty). */
int query_parse(struct query *q, const char *s, size_t len);
void query_free(struct query *q);
/* First value for key, or NULL. */
const char *query_get(const struct query *q, const char *key);
/* The i-th value for key (0-based), or NULL. */
const char *query_get_nth(const struct query *q, const char *key, size_t i);
/* Percent-decode s[0..len) into a malloc'd string ('+' as space when
 * plus_is_space). Returns NULL on OOM or invalid UTF-8. */
char *query_unescape(const char *s, size_t len, int plus_is_space);

#endif
