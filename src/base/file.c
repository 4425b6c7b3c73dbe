/* file.c - whole-file reads (see file.h). */
#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

char *file_read(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_add(&b, chunk, n) < 0)
            break;
    int rerr = ferror(f);
    fclose(f);
    if (rerr || b.oom) {
        snprintf(err, errlen, "%s: %s", path, rerr ? "read error" : "out of memory");
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_take(&b);
}
