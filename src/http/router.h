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

/* A request header as received (names compared without case). */
struct http_header {
    const char *name, *value;
};

struct actor; /* comptes/authz.h: who is asking (NULL: anonymous) */
struct data_key; /* accompagnement/chiffre.h: the personal data key */

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
    const struct http_header *headers; /* all request headers, ends with {NULL,NULL};
                                          may be NULL (no headers) */
    const char *peer;       /* client address ("127.0.0.1"), or NULL */
    int secure;             /* came over TLS (or a trusted proxy said so) */
    const struct actor *actor; /* the signed-in account, or NULL (anonymous) */
    const unsigned char *secret; /* 32-byte server key for CSRF and signed links,
                                    or NULL (forms are then refused) */
    const struct data_key *data_key; /* key sealing beneficiaries' data (serve --cle),
                                        or NULL: followed people are then unavailable */
    int retention_mois;     /* months without accompaniment before anonymisation */
};

struct response {
    int status;
    const char *content_type;   /* literal, e.g. "text/html; charset=utf-8" */
    struct buf body;
    const char *cache_control;  /* literal or NULL (server default: no-store for API) */
    char location[512];         /* for redirects */
    char disposition[128];      /* Content-Disposition, e.g. attachment */
    struct resp_header {
        char name[32];
        char value[480];
    } headers[8];               /* extra headers (Set-Cookie, ETag, Allow...) */
    int nheaders;
};

typedef void (*handler_fn)(const struct request *rq, struct response *rs);

/* Find and run the handler for rq; fills rs (404/405 pages when none). */
void router_dispatch(struct request *rq, struct response *rs);

/* The value of request header `name` (case-insensitive), or NULL. */
const char *request_header(const struct request *rq, const char *name);
/* The value of cookie `name` copied into out[n] (NUL-terminated). Returns
 * out, or NULL when the cookie is absent, empty or longer than n - 1. */
const char *request_cookie(const struct request *rq, const char *name, char *out, size_t n);
/* Add a response header (copied). Returns 0, or -1 when the header table
 * is full or the name/value too long (nothing added). */
int resp_header(struct response *rs, const char *name, const char *value);
/* Set-Cookie name=value; Path=/; HttpOnly; SameSite=Lax, plus Secure when
 * the request came over TLS, and Max-Age when max_age >= 0 (0 deletes the
 * cookie; -1: a browser-session cookie). value: cookie-safe characters
 * only (base64url). Returns 0 or -1 (not set). */
int resp_cookie(struct response *rs, const struct request *rq, const char *name,
                const char *value, long max_age);

/* Helpers for handlers. */
void resp_json_error(struct response *rs, int status, const char *code, const char *message);
void resp_html_error(const struct request *rq, struct response *rs, int status,
                     const char *title, const char *message);
void resp_redirect(struct response *rs, const char *location);

#endif
