/* router.c - URL table and dispatch (see router.h). Patterns are literal
 * paths where '*' matches one path segment, captured for the handler. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "web/html.h"
#include "web/pages.h"

struct route {
    const char *pattern;
    handler_fn fn;
};

static const struct route routes[] = {
    {"/", page_accueil},
    {"/recherche", page_recherche},
    {"/lieu/*", page_lieu},
    {"/territoire/*/*", page_territoire},
    {"/carte", page_carte},
    {"/doublons", page_doublons},
    {"/imports", page_imports},
    {"/static/*", page_static},
    {"/api/v1/lieux", api_lieux},
    {"/api/v1/lieux/*", api_lieu},
    {"/api/v1/export", api_export},
    {"/api/v1/communes", api_communes},
    {"/api/v1/territoires/*/*", api_territoire},
    {"/api/v1/doublons", api_doublons},
    {"/api/v1/imports", api_imports},
    {"/api/v1/imports/*", api_import},
    {"/api/openapi.json", api_openapi},
    {"/sante", api_sante},
};

#define MAX_CAPTURES 4
#define CAPTURE_LEN 128

/* Match path against pattern; fills caps. Returns number of captures or -1. */
static int match(const char *pattern, const char *path, char caps[MAX_CAPTURES][CAPTURE_LEN])
{
    int n = 0;
    while (*pattern && *path) {
        if (*pattern == '*') {
            const char *end = strchr(path, '/');
            size_t len = end ? (size_t)(end - path) : strlen(path);
            if (len == 0 || len >= CAPTURE_LEN || n >= MAX_CAPTURES)
                return -1;
            memcpy(caps[n], path, len);
            caps[n][len] = 0;
            n++;
            path += len;
            pattern++;
        } else if (*pattern++ != *path++) {
            return -1;
        }
    }
    return *pattern || *path ? -1 : n;
}

void router_dispatch(struct request *rq, struct response *rs)
{
    char caps[MAX_CAPTURES][CAPTURE_LEN];
    const char *capp[MAX_CAPTURES];
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        int n = match(routes[i].pattern, rq->path, caps);
        if (n < 0)
            continue;
        if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
            if (strncmp(rq->path, "/api/", 5) == 0)
                resp_json_error(rs, 405, "methode", "Méthode non permise sur cette adresse.");
            else
                resp_html_error(rq, rs, 405, "Méthode non permise",
                                "Cette adresse ne se consulte qu'en lecture.");
            return;
        }
        for (int k = 0; k < n; k++)
            capp[k] = caps[k];
        rq->captures = capp;
        rq->ncaptures = n;
        rs->status = 200;
        routes[i].fn(rq, rs);
        rq->captures = NULL;
        rq->ncaptures = 0;
        return;
    }
    if (strncmp(rq->path, "/api/", 5) == 0)
        resp_json_error(rs, 404, "introuvable", "Aucune ressource à cette adresse.");
    else
        resp_html_error(rq, rs, 404, "Page introuvable",
                        "Cette page n'existe pas. Vous pouvez chercher un lieu depuis l'accueil.");
}

void resp_json_error(struct response *rs, int status, const char *code, const char *message)
{
    rs->status = status;
    rs->content_type = "application/json";
    buf_reset(&rs->body);
    /* code and message are literals or French text without quotes/backslashes
     * from our own code; escape anyway. */
    buf_puts(&rs->body, "{\"erreur\":{\"code\":\"");
    for (const char *p = code; *p; p++)
        if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            buf_putc(&rs->body, *p);
    buf_puts(&rs->body, "\",\"message\":\"");
    for (const char *p = message; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(&rs->body, '\\');
        if ((unsigned char)*p >= 0x20)
            buf_putc(&rs->body, *p);
    }
    buf_puts(&rs->body, "\"}}\n");
}

void resp_redirect(struct response *rs, const char *location)
{
    rs->status = 303;
    snprintf(rs->location, sizeof rs->location, "%s", location);
    rs->content_type = "text/plain; charset=utf-8";
    buf_reset(&rs->body);
}
