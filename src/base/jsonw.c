/* jsonw.c - streaming JSON writer (see jsonw.h). */
#include "base/jsonw.h"

#include <math.h>
#include <string.h>

void jsonw_init(struct jsonw *w, struct buf *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
}

/* Comma before a value, unless it is the value of a member just named. */
static void before_value(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->count[w->depth]++ > 0)
        buf_putc(w->b, ',');
}

static void open_container(struct jsonw *w, char c)
{
    before_value(w);
    buf_putc(w->b, c);
    if (w->depth + 1 < JSONW_DEPTH)
        w->count[++w->depth] = 0;
}

void jsonw_object(struct jsonw *w)
{
    open_container(w, '{');
}

void jsonw_array(struct jsonw *w)
{
    open_container(w, '[');
}

static void close_container(struct jsonw *w, char c)
{
    buf_putc(w->b, c);
    if (w->depth > 0)
        w->depth--;
}

void jsonw_end_object(struct jsonw *w)
{
    close_container(w, '}');
}

void jsonw_end_array(struct jsonw *w)
{
    close_container(w, ']');
}

static void put_string(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        buf_add(b, run, (size_t)((const char *)p - run));
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            buf_add(b, e, 2);
        } else {
            char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
            buf_add(b, e, 6);
        }
        run = (const char *)p + 1;
    }
    buf_puts(b, run);
    buf_putc(b, '"');
}

void jsonw_key(struct jsonw *w, const char *key)
{
    if (w->count[w->depth]++ > 0)
        buf_putc(w->b, ',');
    put_string(w->b, key);
    buf_putc(w->b, ':');
    w->after_key = 1;
}

void jsonw_string(struct jsonw *w, const char *s)
{
    before_value(w);
    if (s)
        put_string(w->b, s);
    else
        buf_puts(w->b, "null");
}

void jsonw_int(struct jsonw *w, long long v)
{
    before_value(w);
    buf_printf(w->b, "%lld", v);
}

void jsonw_double(struct jsonw *w, double v)
{
    before_value(w);
    if (isfinite(v))
        buf_printf(w->b, "%.10g", v);
    else
        buf_puts(w->b, "null");
}

void jsonw_bool(struct jsonw *w, int v)
{
    before_value(w);
    buf_puts(w->b, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
    before_value(w);
    buf_puts(w->b, "null");
}
