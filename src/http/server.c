/* server.c - HTTP server on libmicrohttpd (see server.h).
 *
 * MHD runs an internal pool of `threads` epoll threads. A request's raw URI
 * is captured by the URI log callback (so the query string is parsed by our
 * own query.c, the fuzzed one), its body is gathered up to BODY_MAX, then
 * the router runs the handler with a database connection borrowed from the
 * pool. Responses get the security headers in add_headers(). */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comptes/authz.h"
#include "http/identify.h"
#include "http/router.h"
#include "store/db.h"

#define BODY_MAX (1024 * 1024)
#define URI_MAX 8192
#define HEADERS_MAX 48

/* Database connections, one per pool thread (plus spares). */
struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct db *dbs;
    int *free_idx;
    int nfree, n;
};

struct server {
    const struct server_config *cfg;
    struct db_pool pool;
    time_t fixed_now; /* PASSERELLE_NOW, for reproducible tests; 0 = clock */
    unsigned char secret[32]; /* CSRF and signed links (meta "server_secret") */
};

struct reqctx {
    char *uri;
    struct buf body;
    int too_large;
    int started;
};

static int pool_open(struct db_pool *p, const char *path, int n)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->dbs = calloc((size_t)n, sizeof *p->dbs);
    p->free_idx = calloc((size_t)n, sizeof *p->free_idx);
    if (!p->dbs || !p->free_idx)
        return -1;
    for (int i = 0; i < n; i++) {
        if (db_open(&p->dbs[i], path, 0) < 0) {
            fprintf(stderr, "serve: database %s: %s\n", path, p->dbs[i].err);
            return -1;
        }
        p->n++;
        p->free_idx[p->nfree++] = i;
    }
    return 0;
}

static void pool_close(struct db_pool *p)
{
    for (int i = 0; i < p->n; i++)
        db_close(&p->dbs[i]);
    free(p->dbs);
    free(p->free_idx);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

static int pool_take(struct db_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    int i = p->free_idx[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return i;
}

static void pool_give(struct db_pool *p, int i)
{
    pthread_mutex_lock(&p->mu);
    p->free_idx[p->nfree++] = i;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    struct reqctx *ctx = calloc(1, sizeof *ctx);
    if (ctx)
        ctx->uri = strndup(uri ? uri : "/", URI_MAX);
    return ctx;
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct reqctx *ctx = *con_cls;
    if (!ctx)
        return;
    free(ctx->uri);
    buf_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
}

static void add_headers(struct MHD_Response *r, const struct response *rs, int is_api)
{
    MHD_add_response_header(r, "Content-Type", rs->content_type ? rs->content_type
                                                                : "text/html; charset=utf-8");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                            "script-src 'self'; connect-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy", "geolocation=(), camera=(), microphone=()");
    const char *cc = rs->cache_control ? rs->cache_control : is_api ? "no-store" : "no-cache";
    MHD_add_response_header(r, "Cache-Control", cc);
    if (is_api)
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    if (rs->location[0])
        MHD_add_response_header(r, "Location", rs->location);
    if (rs->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", rs->disposition);
    for (int i = 0; i < rs->nheaders; i++)
        MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct response *rs, int is_api)
{
    size_t len = rs->body.len;
    char *body = buf_take(&rs->body);
    if (!body) {
        rs->status = 500;
        body = strdup("erreur interne : mémoire insuffisante\n");
        len = body ? strlen(body) : 0;
        rs->content_type = "text/plain; charset=utf-8";
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    add_headers(r, rs, is_api);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result plain_error(struct MHD_Connection *c, int status, const char *msg)
{
    struct response rs = {.status = status, .content_type = "text/plain; charset=utf-8"};
    buf_puts(&rs.body, msg);
    return send_response(c, &rs, 0);
}

struct header_list {
    struct http_header v[HEADERS_MAX + 1];
    int n;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    struct header_list *l = cls;
    if (l->n < HEADERS_MAX && key)
        l->v[l->n++] = (struct http_header){key, value ? value : ""};
    return MHD_YES;
}

/* The client's address as text ("127.0.0.1"), into out[n]. */
static void peer_address(struct MHD_Connection *c, char *out, size_t n)
{
    snprintf(out, n, "?");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    struct server *srv = cls;
    struct reqctx *ctx = *con_cls;
    if (!ctx)
        return plain_error(c, 500, "erreur interne\n");
    if (!ctx->started) {
        ctx->started = 1;
        /* Headers only; refuse a declared oversized body before reading it. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > BODY_MAX) {
            ctx->too_large = 1;
            return plain_error(c, 413, "requête trop volumineuse (1 Mio au plus)\n");
        }
        return MHD_YES; /* the body, if any, comes next */
    }
    if (*upload_size) {
        /* A chunked body growing past the limit is drained and discarded. */
        if (ctx->body.len + *upload_size > BODY_MAX)
            ctx->too_large = 1;
        else if (!ctx->too_large)
            buf_add(&ctx->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (ctx->too_large)
        return plain_error(c, 413, "requête trop volumineuse (1 Mio au plus)\n");
    if (ctx->body.oom)
        return plain_error(c, 500, "erreur interne : mémoire insuffisante\n");

    struct request rq = {.method = method, .path = url};
    const char *qs = ctx->uri ? strchr(ctx->uri, '?') : NULL;
    const char *form = NULL;
    size_t form_len = 0;
    if (qs) {
        form = qs + 1;
        form_len = strlen(form);
    }
    const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (ctx->body.len && ctype && strncmp(ctype, "application/x-www-form-urlencoded", 33) == 0) {
        form = ctx->body.s;
        form_len = ctx->body.len;
    }
    if (query_parse(&rq.query, form ? form : "", form_len) < 0)
        return plain_error(c, 500, "erreur interne : mémoire insuffisante\n");
    rq.body = ctx->body.s;
    rq.body_len = ctx->body.len;
    rq.accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    rq.now = srv->fixed_now ? srv->fixed_now : time(NULL);
    struct header_list hl = {.n = 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &hl);
    hl.v[hl.n] = (struct http_header){NULL, NULL};
    rq.headers = hl.v;
    char peer[INET6_ADDRSTRLEN + 1];
    peer_address(c, peer, sizeof peer);
    rq.peer = peer;
    rq.secret = srv->secret;

    struct response rs = {.status = 200};
    int slot = pool_take(&srv->pool);
    rq.db = &srv->pool.dbs[slot];
    struct actor actor;
    switch (identify_request(&rq, &actor)) {
    case IDENTIFY_OK:
        router_dispatch(&rq, &rs);
        break;
    case IDENTIFY_BAD_TOKEN:
        resp_json_error(&rs, 401, "jeton", "Jeton d'accès inconnu, révoqué ou mal formé "
                        "(en-tête Authorization: Bearer pas_...).");
        resp_header(&rs, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        break;
    case IDENTIFY_DB_ERROR:
        fprintf(stderr, "serve: identify: %s\n", rq.db->err);
        resp_json_error(&rs, 500, "interne", "Erreur interne.");
        break;
    }
    pool_give(&srv->pool, slot);
    query_free(&rq.query);
    return send_response(c, &rs, strncmp(url, "/api/", 5) == 0);
}

/* The server's 32-byte key, kept in meta "server_secret" (hex), made at the
 * first start. It signs CSRF tokens and links; it is not the key that
 * encrypts personal data (that one comes from the configuration). */
static int load_secret(struct db *d, unsigned char key[32])
{
    char *hex = db_meta_get(d, "server_secret");
    size_t got = 0;
    if (hex && sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &got, NULL) == 0 && got == 32) {
        free(hex);
        return 0;
    }
    free(hex);
    randombytes_buf(key, 32);
    char out[65];
    sodium_bin2hex(out, sizeof out, key, 32);
    return db_meta_set(d, "server_secret", out);
}

int server_run(const struct server_config *cfg)
{
    struct server srv = {.cfg = cfg};
    const char *fixed = getenv("PASSERELLE_NOW");
    if (fixed && *fixed)
        srv.fixed_now = (time_t)atoll(fixed);
    if (pool_open(&srv.pool, cfg->db_path, cfg->threads + 2) < 0) {
        pool_close(&srv.pool);
        return -1;
    }
    if (load_secret(&srv.pool.dbs[0], srv.secret) < 0) {
        fprintf(stderr, "serve: clé du serveur : %s\n", srv.pool.dbs[0].err);
        pool_close(&srv.pool);
        return -1;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
        fprintf(stderr, "serve: adresse invalide : %s (IPv4 attendue, ex. 127.0.0.1)\n", cfg->host);
        pool_close(&srv.pool);
        return -1;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG, (uint16_t)cfg->port,
        NULL, NULL, handle, &srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_URI_LOG_CALLBACK, uri_logger, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "serve: impossible d'écouter sur %s:%d (port occupé ?)\n", cfg->host,
                cfg->port);
        pool_close(&srv.pool);
        return -1;
    }
    fprintf(stderr, "Passerelle : http://%s:%d/ (Ctrl+C pour arrêter)\n", cfg->host, cfg->port);
    int sig;
    sigwait(&sigs, &sig);
    fprintf(stderr, "serve: arrêt (signal %d)\n", sig);
    MHD_stop_daemon(d);
    pool_close(&srv.pool);
    return 0;
}
