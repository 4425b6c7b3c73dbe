/* jsonw.h - a small streaming JSON writer into a struct buf, for hot
 * responses (the search API) where building a jansson tree then
 * serialising it cost more than the search itself.
 *
 * It tracks commas for nested objects and arrays (depth <= JSONW_DEPTH);
 * strings are escaped (", \, control characters; input must be UTF-8, as
 * everything stored is). Numbers are written with "%.10g" (doubles) or as
 * integers. Errors: out-of-memory is recorded in the buffer (buf.oom);
 * misuse (too deep) is ignored silently and yields invalid JSON, which the
 * tests would catch. */
#ifndef BASE_JSONW_H
#define BASE_JSONW_H
#include "base/buf.h"

#define JSONW_DEPTH 16

struct jsonw {
    struct buf *b;
    int depth;
    int count[JSONW_DEPTH]; /* members written at each level */
    int after_key;          /* a member name was written, its value is next */
};

void jsonw_init(struct jsonw *w, struct buf *b);
void jsonw_object(struct jsonw *w);   /* { */
void jsonw_array(struct jsonw *w);    /* [ */
void jsonw_end_object(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
/* A member name inside an object; the value call follows. */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_string(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_int(struct jsonw *w, long long v);
void jsonw_double(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);

#endif
