/* fuzz_query.c - libFuzzer target for query string decoding.
 *
 * Every stored key and value must be valid UTF-8 without NUL and within
 * QUERY_MAX_LEN; stored plus dropped pairs never exceed the number of
 * '&'-separated segments; lookups find what was stored; query_unescape()
 * agrees with the values when the input is a single pair. */
#include "http/query.h"
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                                        \
    do {                                                                                  \
        if (!(c))                                                                         \
            abort();                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct query q;
    REQUIRE(query_parse(&q, s, size) == 0);
    size_t segments = 1;
    for (size_t i = 0; i < size; i++)
        segments += s[i] == '&';
    REQUIRE(q.n <= QUERY_MAX_PAIRS);
    REQUIRE(q.n + q.invalid <= segments);
    for (size_t i = 0; i < q.n; i++) {
        const char *k = q.pairs[i].key, *v = q.pairs[i].value;
        REQUIRE(k && v);
        REQUIRE(strlen(k) <= QUERY_MAX_LEN && strlen(v) <= QUERY_MAX_LEN);
        REQUIRE(text_is_utf8(k, strlen(k)) && text_is_utf8(v, strlen(v)));
        /* The first pair with this key holds query_get()'s answer. */
        size_t first = 0;
        while (strcmp(q.pairs[first].key, k) != 0)
            first++;
        REQUIRE(query_get(&q, k) == q.pairs[first].value);
    }
    /* A single pair with '=': its value is query_unescape() of the rest. */
    const char *eq = memchr(s, '=', size);
    if (size && !memchr(s, '&', size) && eq) {
        char *v = query_unescape(eq + 1, size - (size_t)(eq + 1 - s), 1);
        if (q.n == 1)
            REQUIRE(v && strcmp(v, q.pairs[0].value) == 0);
        free(v);
    }
    query_free(&q);
    REQUIRE(q.n == 0);
    return 0;
}
