/* router.h - requests and responses as the page and API handlers see them.
 *
 * The server (server.c) turns an MHD request into a struct request, finds
 * the handler by method and path (router.c), and sends the struct response
 * the handler filled. Handlers translate only: parse the query, call a
 * domain module, render. They never see libmicrohttpd.
 *
 * Ownership: the request and everything it points to belong to the server
 * for the duration of the call. The handler fills resp->body (a struct buf
 * the server frees) and sets status and content type (string literals). */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H
#include <time.h>

#include "base/buf.h"
#include "http/query.h"
#include "store/db.h"

struct request {
    const char *method;     /* "GET", "HEAD", "POST" ... */
    const char *path;       /* decoded path, without query: "/lieu/12" */
    struct query query;     /* parsed query string (GET) or form body (POST) */
    const char *body;       /* raw body (POST), NUL-terminated, may be NULL */
    size_t body_len;
    const char *accept_language;
    struct db *db;          /* this thread's connection */
    time_t now;
    const char *const *captures; /* path parts matched by '*' in the route */
    int ncaptures;
};

struct response {
    int status;
    const char *content_type;   /* literal, e.g. "text/html; charset=utf-8" */
    struct buf body;
    const char *cache_control;  /* literal or NULL (server default: no-store for API) */
    char location[512];         /* for redirects */
    char disposition[128];      /* Content-Disposition, e.g. attachment */
};

typedef void (*handler_fn)(const struct request *rq, struct response *rs);

/* Find and run the handler for rq; fills rs (404/405 pages when none). */
void router_dispatch(struct request *rq, struct response *rs);

/* Helpers for handlers. */
void resp_json_error(struct response *rs, int status, const char *code, const char *message);
void resp_html_error(const struct request *rq, struct response *rs, int status,
                     const char *title, const char *message);
void resp_redirect(struct response *rs, const char *location);

#endif
