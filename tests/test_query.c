/* test_query.c - query string and form body decoding. */
#include "base/buf.h"
#include "check.h"
#include "http/query.h"

#include <stdlib.h>
#include <string.h>

static void parse(struct query *q, const char *s)
{
    CHECK(query_parse(q, s, strlen(s)) == 0);
}

static void test_basic(void)
{
    struct query q;
    parse(&q, "a=1&b=x%20y+z&c=%C3%A9t%C3%A9");
    CHECK(q.n == 3);
    CHECK(q.invalid == 0);
    CHECK_STR(query_get(&q, "a"), "1");
    CHECK_STR(query_get(&q, "b"), "x y z");
    CHECK_STR(query_get(&q, "c"), "\xC3\xA9t\xC3\xA9");
    CHECK(query_get(&q, "d") == NULL);
    CHECK(query_get(&q, NULL) == NULL);
    query_free(&q);
    CHECK(q.n == 0);

    parse(&q, "");
    CHECK(q.n == 0 && q.invalid == 0);
    query_free(&q);
    CHECK(query_parse(&q, NULL, 0) == 0);
    CHECK(q.n == 0);
    query_free(&q);
}

static void test_plus_and_escapes(void)
{
    struct query q;
    parse(&q, "q=a+b%2Bc&k+ey=%41%62&lower=%c3%a9&%3D=%26");
    CHECK(q.n == 4);
    CHECK_STR(query_get(&q, "q"), "a b+c");
    CHECK_STR(query_get(&q, "k ey"), "Ab");
    CHECK_STR(query_get(&q, "lower"), "\xC3\xA9");
    CHECK_STR(query_get(&q, "="), "&");
    query_free(&q);
}

static void test_repeated(void)
{
    struct query q;
    parse(&q, "services=A&x=1&services=B&services=C");
    CHECK(q.n == 4);
    CHECK_STR(query_get(&q, "services"), "A");
    CHECK_STR(query_get_nth(&q, "services", 0), "A");
    CHECK_STR(query_get_nth(&q, "services", 1), "B");
    CHECK_STR(query_get_nth(&q, "services", 2), "C");
    CHECK(query_get_nth(&q, "services", 3) == NULL);
    CHECK(query_get_nth(&q, "x", 1) == NULL);
    query_free(&q);
}

static void test_invalid_escapes(void)
{
    struct query q;
    parse(&q, "a=%zz&b=100%&c=%4&d=%%41&e=%g1&f=%");
    CHECK(q.n == 6);
    CHECK(q.invalid == 0);
    CHECK_STR(query_get(&q, "a"), "%zz");
    CHECK_STR(query_get(&q, "b"), "100%");
    CHECK_STR(query_get(&q, "c"), "%4");
    CHECK_STR(query_get(&q, "d"), "%A");
    CHECK_STR(query_get(&q, "e"), "%g1");
    CHECK_STR(query_get(&q, "f"), "%");
    query_free(&q);
}

static void test_nul(void)
{
    struct query q;
    parse(&q, "a=x%00y&b=2&%00=3&c=%00");
    CHECK(q.n == 1);
    CHECK(q.invalid == 3);
    CHECK(query_get(&q, "a") == NULL);
    CHECK_STR(query_get(&q, "b"), "2");
    query_free(&q);

    /* A raw NUL byte is no better. */
    CHECK(query_parse(&q, "a=x\0y&b=2", 9) == 0);
    CHECK(q.n == 1);
    CHECK(q.invalid == 1);
    CHECK_STR(query_get(&q, "b"), "2");
    query_free(&q);

    CHECK(query_unescape("x%00", 4, 0) == NULL);
}

static void test_bad_utf8(void)
{
    struct query q;
    parse(&q, "a=%E9t%E9&b=ok&%FF=1&c=%C0%AF&d=%ED%A0%80&e=%C3");
    CHECK(q.n == 1);
    CHECK(q.invalid == 5);
    CHECK_STR(query_get(&q, "b"), "ok");
    CHECK(query_get(&q, "a") == NULL);
    query_free(&q);

    /* Raw (unescaped) UTF-8 is fine; raw Latin-1 is not. */
    parse(&q, "v=\xC3\xA9&w=\xE9");
    CHECK(q.n == 1);
    CHECK(q.invalid == 1);
    CHECK_STR(query_get(&q, "v"), "\xC3\xA9");
    query_free(&q);
}

static void test_empty(void)
{
    struct query q;
    parse(&q, "a=&=b&c");
    CHECK(q.n == 3);
    CHECK(q.invalid == 0);
    CHECK_STR(query_get(&q, "a"), "");
    CHECK_STR(query_get(&q, ""), "b");
    CHECK_STR(query_get(&q, "c"), "");
    query_free(&q);

    /* Empty segments are skipped, not counted. */
    parse(&q, "&&a=1&&&b=2&");
    CHECK(q.n == 2);
    CHECK(q.invalid == 0);
    query_free(&q);

    parse(&q, "=");
    CHECK(q.n == 1);
    CHECK_STR(q.pairs[0].key, "");
    CHECK_STR(q.pairs[0].value, "");
    query_free(&q);

    /* Only the first '=' splits. */
    parse(&q, "expr=a=b");
    CHECK_STR(query_get(&q, "expr"), "a=b");
    query_free(&q);
}

static void test_too_many(void)
{
    struct buf b = BUF_INIT;
    for (int i = 0; i < QUERY_MAX_PAIRS + 10; i++)
        buf_printf(&b, "%sk%d=%d", i ? "&" : "", i, i);
    struct query q;
    CHECK(query_parse(&q, b.s, b.len) == 0);
    CHECK(q.n == QUERY_MAX_PAIRS);
    CHECK(q.invalid == 10);
    CHECK_STR(query_get(&q, "k0"), "0");
    CHECK_STR(query_get(&q, "k63"), "63");
    CHECK(query_get(&q, "k64") == NULL);
    query_free(&q);
    buf_free(&b);
}

static void test_too_long(void)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "long=");
    for (int i = 0; i < QUERY_MAX_LEN + 1; i++)
        buf_putc(&b, 'x');
    buf_puts(&b, "&fits=");
    /* QUERY_MAX_LEN decoded bytes written as escapes: 3x longer raw. */
    for (int i = 0; i < QUERY_MAX_LEN; i++)
        buf_puts(&b, "%41");
    buf_puts(&b, "&ok=1");
    struct query q;
    CHECK(query_parse(&q, b.s, b.len) == 0);
    CHECK(q.n == 2);
    CHECK(q.invalid == 1);
    CHECK(query_get(&q, "long") == NULL);
    const char *f = query_get(&q, "fits");
    CHECK(f && strlen(f) == QUERY_MAX_LEN);
    CHECK_STR(query_get(&q, "ok"), "1");
    query_free(&q);
    buf_free(&b);
}

static void test_unescape(void)
{
    char *s = query_unescape("a+b%20c", 7, 1);
    CHECK_STR(s, "a b c");
    free(s);
    s = query_unescape("a+b%20c", 7, 0);
    CHECK_STR(s, "a+b c");
    free(s);
    s = query_unescape("%2", 2, 0);
    CHECK_STR(s, "%2");
    free(s);
    s = query_unescape("%E2%82%AC", 9, 0);
    CHECK_STR(s, "\xE2\x82\xAC");
    free(s);
    /* Length is honoured: no read past len. */
    s = query_unescape("ab%41", 3, 0);
    CHECK_STR(s, "ab%");
    free(s);
    CHECK(query_unescape("%E9", 3, 0) == NULL);
    s = query_unescape("", 0, 1);
    CHECK_STR(s, "");
    free(s);
}

int main(void)
{
    RUN(test_basic);
    RUN(test_plus_and_escapes);
    RUN(test_repeated);
    RUN(test_invalid_escapes);
    RUN(test_nul);
    RUN(test_bad_utf8);
    RUN(test_empty);
    RUN(test_too_many);
    RUN(test_too_long);
    RUN(test_unescape);
    return CHECK_DONE();
}
