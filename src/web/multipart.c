/* multipart.c - reading multipart/form-data (see multipart.h). */
#include "web/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The boundary parameter of the content type into out[n]. 0 or -1. */
static int boundary_of(const char *ctype, char *out, size_t n)
{
    if (!ctype || strncasecmp(ctype, "multipart/form-data", 19) != 0)
        return -1;
    const char *p = strcasestr(ctype, "boundary=");
    if (!p)
        return -1;
    p += 9;
    int quoted = *p == '"';
    p += quoted;
    size_t len = 0;
    while (p[len] && (quoted ? p[len] != '"' : p[len] != ';' && p[len] != ' '))
        len++;
    if (len == 0 || len > 70 || len >= n)
        return -1;
    memcpy(out, p, len);
    out[len] = 0;
    return 0;
}

/* The value of parameter `key` ("name", "filename") of a Content-Disposition
 * header line [h, end), into out[n]. 1 found, 0 not. */
static int disposition_param(const char *h, const char *end, const char *key, char *out,
                             size_t n)
{
    size_t kl = strlen(key);
    for (const char *p = h; p + kl + 2 <= end; p++) {
        if ((p == h || p[-1] == ' ' || p[-1] == ';') && strncasecmp(p, key, kl) == 0 &&
            p[kl] == '=' && p[kl + 1] == '"') {
            const char *v = p + kl + 2, *q = memchr(v, '"', (size_t)(end - v));
            if (!q)
                return 0;
            size_t len = (size_t)(q - v);
            if (len >= n)
                len = n - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return 1;
        }
    }
    return 0;
}

int multipart_find(const char *ctype, const char *body, size_t len, const char *name,
                   struct multipart_part *out)
{
    char boundary[80], delim[84];
    if (!body || boundary_of(ctype, boundary, sizeof boundary) < 0)
        return -1;
    int dl = snprintf(delim, sizeof delim, "--%s", boundary);
    const char *end = body + len;
    const char *p = memmem(body, len, delim, (size_t)dl);
    if (!p)
        return -1;
    for (;;) {
        p += dl;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0; /* closing delimiter: not found */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return -1;
        p += 2;
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend)
            return -1;
        char pname[128] = "", fname[128] = "";
        for (const char *line = p; line < hend;) {
            const char *eol = memmem(line, (size_t)(hend - line), "\r\n", 2);
            if (!eol)
                eol = hend;
            if ((size_t)(eol - line) > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
                disposition_param(line, eol, "name", pname, sizeof pname);
                disposition_param(line, eol, "filename", fname, sizeof fname);
            }
            line = eol + 2;
        }
        const char *data = hend + 4;
        /* the part ends at CRLF + delimiter */
        char tail[88];
        int tl = snprintf(tail, sizeof tail, "\r\n%s", delim);
        const char *next = data <= end ? memmem(data, (size_t)(end - data), tail, (size_t)tl) : NULL;
        if (!next)
            return -1;
        if (strcmp(pname, name) == 0) {
            out->data = data;
            out->len = (size_t)(next - data);
            snprintf(out->filename, sizeof out->filename, "%s", fname);
            return 1;
        }
        p = next + 2;
    }
}
