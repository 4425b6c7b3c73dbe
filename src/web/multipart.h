/* multipart.h - one part of a multipart/form-data body (RFC 7578), for
 * the few forms that upload a file (the question bank of the diagnostic).
 * The server parses only urlencoded bodies into the query; a handler that
 * receives a file reads it here from the raw body.
 *
 * Never reads past len; a body without the boundary, a part without its
 * headers' end or without a closing delimiter is malformed. Fuzzed
 * (fuzz/fuzz_diagnostic.c). */
#ifndef WEB_MULTIPART_H
#define WEB_MULTIPART_H
#include <stddef.h>

struct multipart_part {
    const char *data;      /* borrowed from the body */
    size_t len;
    char filename[128];    /* "" when the part is not a file */
};

/* Find the part named `name` in body[0..len) sent with Content-Type
 * `ctype`. 1 found (out filled), 0 absent, -1 malformed. */
int multipart_find(const char *ctype, const char *body, size_t len, const char *name,
                   struct multipart_part *out);

#endif
