/* page_static.c - GET /static/{file}: files of web/static/ built into the
 * binary (embedded_files[], see scripts/embed.c), with their content type
 * and Cache-Control "public, max-age=3600"; CSS and scripts gzipped (the
 * copies the Makefile embeds) when the browser accepts it. Names are limited to
 * [a-z0-9._-] (no path, no hidden file); anything else is a 404. */
#include <stdio.h>
#include <string.h>

#include "embedded.h"
#include "web/layout.h"
#include "web/pages.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
};

static const char *content_type(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(name + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return NULL;
}

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64 || name[0] == '.')
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
              *p == '-'))
            return 0;
    return 1;
}

/* The gzipped copy of `path` (built by the Makefile) when the browser
 * accepts gzip, or NULL. */
static const struct embedded_file *gzipped(const struct request *rq, const char *path)
{
    const char *ae = request_header(rq, "Accept-Encoding");
    if (!ae || !strstr(ae, "gzip"))
        return NULL;
    char gz[128];
    snprintf(gz, sizeof gz, "build/gen/gz/%s.gz", path);
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, gz) == 0)
            return &embedded_files[i];
    return NULL;
}

void page_static(const struct request *rq, struct response *rs)
{
    const char *name = rq->ncaptures > 0 ? rq->captures[0] : "";
    const char *type = name_ok(name) ? content_type(name) : NULL;
    if (type) {
        char path[96];
        memcpy(path, "web/static/", 11);
        memcpy(path + 11, name, strlen(name) + 1);
        for (size_t i = 0; i < embedded_count; i++) {
            if (strcmp(embedded_files[i].name, path) != 0)
                continue;
            buf_reset(&rs->body);
            const struct embedded_file *f = gzipped(rq, path);
            if (f) {
                resp_header(rs, "Content-Encoding", "gzip");
            } else {
                f = &embedded_files[i];
            }
            resp_header(rs, "Vary", "Accept-Encoding");
            buf_add(&rs->body, f->data, f->len);
            rs->status = rs->body.oom ? 500 : 200;
            rs->content_type = type;
            rs->cache_control = "public, max-age=3600";
            return;
        }
    }
    resp_html_error(rq, rs, 404, "Fichier introuvable", "Ce fichier n'existe pas.");
}
