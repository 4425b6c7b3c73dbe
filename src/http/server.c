/* server.c - HTTP server on libmicrohttpd (see server.h).
 *
 * MHD runs an internal pool of `threads` epoll threads. (MHD 0.9.75's epoll
 * mode keeps a keep-alive connection that the client closed until the idle
 * timeout: its per-address slot stays taken up to 15 s. poll mode notices
 * the close at once but serves about 30 % fewer requests; behind the
 * recommended reverse proxy the difference in closing does not matter.) A request's raw URI is captured by the URI log
 * callback (so the query string is parsed by our own query.c, the fuzzed
 * one); at the first call (headers only) the rate limit and the body
 * limit are applied; the body is gathered up to its limit; then the
 * request is identified (identify.h) and the router runs the handler with
 * a database connection borrowed from the pool. Writes (every method but
 * GET and HEAD) go to one writer thread with its own connection: the MHD
 * thread suspends the connection and goes on serving others, the writer
 * runs the handler and resumes it (SQLite takes one writer at a time
 * anyway; a pool thread waiting for the write lock would stall every
 * connection it serves). Responses get the security headers in
 * add_headers(). A background thread runs the periodic jobs (jobs.h). */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accompagnement/chiffre.h"
#include "comptes/authz.h"
#include "comptes/jeton.h"
#include "http/identify.h"
#include "http/jobs.h"
#include "http/ratelimit.h"
#include "http/router.h"
#include "store/db.h"

#define BODY_MAX (1024 * 1024)
#define BULK_BODY_MAX (64 * 1024 * 1024)
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

struct reqctx;

/* The writer: a queue of suspended write requests and one thread. */
struct writer {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct reqctx *head, *tail;
    pthread_t thread;
    struct db db;
    int running, stop;
};

struct server {
    const struct server_config *cfg;
    struct db_pool pool;
    struct ratelimit rl;
    struct writer wr;
    time_t fixed_now; /* PASSERELLE_NOW, for reproducible tests; 0 = clock */
    unsigned char secret[32]; /* CSRF and signed links (meta "server_secret") */
    struct data_key key;      /* personal data (serve --cle), when has_key */
    int has_key;
};

struct header_list {
    struct http_header v[HEADERS_MAX + 1];
    int n;
};

struct reqctx {
    char *uri;
    struct buf body;
    size_t limit; /* body limit of this request */
    int too_large;
    int started;
    /* A write handed to the writer: the request, then its answer. */
    int queued, answered;
    struct MHD_Connection *conn;
    struct request rq;
    struct response rs;
    struct header_list hl;
    char peer[INET6_ADDRSTRLEN + 1];
    struct reqctx *next;
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
    if (ctx->queued) {
        query_free(&ctx->rq.query);
        buf_free(&ctx->rs.body);
    }
    free(ctx);
    *con_cls = NULL;
}

static void add_headers(struct MHD_Response *r, const struct response *rs, int is_api,
                        int secure)
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
    if (secure)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
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

static enum MHD_Result send_response(struct MHD_Connection *c, struct response *rs, int is_api,
                                     int secure)
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
    add_headers(r, rs, is_api, secure);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result plain_error(struct MHD_Connection *c, int status, const char *msg,
                                   const char *retry_after)
{
    struct response rs = {.status = status, .content_type = "text/plain; charset=utf-8"};
    buf_puts(&rs.body, msg);
    if (retry_after)
        resp_header(&rs, "Retry-After", retry_after);
    return send_response(c, &rs, 0, 0);
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    struct header_list *l = cls;
    if (l->n < HEADERS_MAX && key)
        l->v[l->n++] = (struct http_header){key, value ? value : ""};
    return MHD_YES;
}

/* The socket's peer address as text ("127.0.0.1"), into out[n]. */
static void socket_peer(struct MHD_Connection *c, char *out, size_t n)
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

/* The client's address: the socket's, or behind a trusted reverse proxy
 * the last address of X-Forwarded-For (the one the proxy added; earlier
 * ones come from the client and prove nothing). */
static void client_address(const struct server *srv, struct MHD_Connection *c, char *out,
                           size_t n)
{
    socket_peer(c, out, n);
    if (!srv->cfg->trust_proxy)
        return;
    const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ')
        last++;
    size_t len = strcspn(last, " ");
    if (len == 0 || len >= n)
        return;
    for (size_t i = 0; i < len; i++) /* an IPv4 or IPv6 address only */
        if (!strchr("0123456789abcdefABCDEF.:", last[i]))
            return;
    memcpy(out, last, len);
    out[len] = 0;
}

static int request_secure(const struct server *srv, struct MHD_Connection *c)
{
    if (srv->cfg->tls_cert)
        return 1;
    if (!srv->cfg->trust_proxy)
        return 0;
    const char *p = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    return p && strcmp(p, "https") == 0;
}

static double monotonic(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The producers' bulk upload (PUT /api/v1/sources/S/lieux) may send a
 * whole file: a larger body, but only with a live token (checked before
 * the body is read). */
static size_t body_limit(struct server *srv, struct MHD_Connection *c, const char *url,
                         const char *method)
{
    if (strcmp(method, "PUT") != 0 || strncmp(url, "/api/v1/sources/", 16) != 0)
        return BODY_MAX;
    const char *rest = strchr(url + 16, '/');
    if (!rest || strcmp(rest, "/lieux") != 0)
        return BODY_MAX;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0)
        return BODY_MAX;
    int slot = pool_take(&srv->pool);
    struct actor a;
    time_t now = srv->fixed_now ? srv->fixed_now : time(NULL);
    int ok = jeton_actor(&srv->pool.dbs[slot], auth + 7, now, &a) == 1;
    pool_give(&srv->pool, slot);
    return ok ? BULK_BODY_MAX : BODY_MAX;
}

/* First call: headers only. Returns MHD_YES to read the body, or the
 * queued refusal. */
static enum MHD_Result on_headers(struct server *srv, struct MHD_Connection *c,
                                  struct reqctx *ctx, const char *url, const char *method)
{
    ctx->started = 1;
    char peer[INET6_ADDRSTRLEN + 1];
    client_address(srv, c, peer, sizeof peer);
    int wait = 1;
    if (!ratelimit_take(&srv->rl, peer, monotonic(), &wait)) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", wait);
        ctx->too_large = 1; /* drain any body, answer nothing more */
        return plain_error(c, 429, "trop de requêtes depuis votre adresse : réessayez dans un "
                                   "instant\n", ra);
    }
    ctx->limit = body_limit(srv, c, url, method);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > ctx->limit) {
        ctx->too_large = 1;
        return plain_error(c, 413, ctx->limit > BODY_MAX
                                       ? "requête trop volumineuse (64 Mio au plus)\n"
                                       : "requête trop volumineuse (1 Mio au plus)\n",
                           NULL);
    }
    return MHD_YES;
}

static enum MHD_Result answer(struct server *srv, struct MHD_Connection *c, struct reqctx *ctx,
                              const char *url, const char *method);

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    struct server *srv = cls;
    struct reqctx *ctx = *con_cls;
    if (!ctx)
        return plain_error(c, 500, "erreur interne\n", NULL);
    if (!ctx->started)
        return on_headers(srv, c, ctx, url, method);
    if (ctx->queued)
        return ctx->answered ? answer(srv, c, ctx, url, method) : MHD_YES;
    if (*upload_size) {
        /* A chunked body growing past the limit is drained and discarded. */
        if (ctx->body.len + *upload_size > ctx->limit)
            ctx->too_large = 1;
        else if (!ctx->too_large)
            buf_add(&ctx->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (ctx->too_large)
        return plain_error(c, 413, "requête trop volumineuse\n", NULL);
    if (ctx->body.oom)
        return plain_error(c, 500, "erreur interne : mémoire insuffisante\n", NULL);

    return answer(srv, c, ctx, url, method);
}

/* Identify the request and run its handler with connection `db`. */
static void run_handler(struct request *rq, struct db *db, struct response *rs)
{
    rq->db = db;
    struct actor actor;
    switch (identify_request(rq, &actor)) {
    case IDENTIFY_OK:
        router_dispatch(rq, rs);
        break;
    case IDENTIFY_BAD_TOKEN:
        resp_json_error(rs, 401, "jeton", "Jeton d'accès inconnu, révoqué ou mal formé "
                        "(en-tête Authorization: Bearer pas_...).");
        resp_header(rs, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        break;
    case IDENTIFY_DB_ERROR:
        fprintf(stderr, "serve: identify: %s\n", rq->db->err);
        resp_json_error(rs, 500, "interne", "Erreur interne.");
        break;
    }
    rq->actor = NULL;
    sodium_memzero(&actor, sizeof actor);
}

static int is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static void *writer_loop(void *arg)
{
    struct server *srv = arg;
    struct writer *w = &srv->wr;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->head)
            break; /* stop, and nothing left to do */
        struct reqctx *ctx = w->head;
        w->head = ctx->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        ctx->rs.status = 200;
        run_handler(&ctx->rq, &w->db, &ctx->rs);
        ctx->answered = 1;
        MHD_resume_connection(ctx->conn);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hand a write to the writer; 0, or -1 when the writer is not running (the
 * caller runs it in place). */
static int writer_push(struct server *srv, struct reqctx *ctx)
{
    struct writer *w = &srv->wr;
    pthread_mutex_lock(&w->mu);
    if (!w->running || w->stop) {
        pthread_mutex_unlock(&w->mu);
        return -1;
    }
    ctx->next = NULL;
    if (w->tail)
        w->tail->next = ctx;
    else
        w->head = ctx;
    w->tail = ctx;
    MHD_suspend_connection(ctx->conn);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

static int writer_start(struct server *srv)
{
    struct writer *w = &srv->wr;
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (db_open(&w->db, srv->cfg->db_path, 0) < 0) {
        fprintf(stderr, "serve: database %s: %s\n", srv->cfg->db_path, w->db.err);
        return -1;
    }
    if (pthread_create(&w->thread, NULL, writer_loop, srv) != 0) {
        db_close(&w->db);
        return -1;
    }
    w->running = 1;
    return 0;
}

/* Finish the queued writes (their connections are resumed), then stop. */
static void writer_stop(struct server *srv)
{
    struct writer *w = &srv->wr;
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->running = 0;
    db_close(&w->db);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
}

/* The request is complete: build it, then run it here (reads) or hand it
 * to the writer (writes); a write comes back here once answered. */
static enum MHD_Result answer(struct server *srv, struct MHD_Connection *c, struct reqctx *ctx,
                              const char *url, const char *method)
{
    if (ctx->answered) {
        int secure = ctx->rq.secure;
        return send_response(c, &ctx->rs, strncmp(url, "/api/", 5) == 0, secure);
    }
    struct request *rq = &ctx->rq;
    memset(rq, 0, sizeof *rq);
    rq->method = method;
    rq->path = url;
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
    if (query_parse(&rq->query, form ? form : "", form_len) < 0)
        return plain_error(c, 500, "erreur interne : mémoire insuffisante\n", NULL);
    rq->body = ctx->body.s;
    rq->body_len = ctx->body.len;
    rq->accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    rq->now = srv->fixed_now ? srv->fixed_now : time(NULL);
    ctx->hl.n = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &ctx->hl);
    ctx->hl.v[ctx->hl.n] = (struct http_header){NULL, NULL};
    rq->headers = ctx->hl.v;
    client_address(srv, c, ctx->peer, sizeof ctx->peer);
    rq->peer = ctx->peer;
    rq->secure = request_secure(srv, c);
    rq->secret = srv->secret;
    rq->data_key = srv->has_key ? &srv->key : NULL;
    rq->retention_mois = srv->cfg->retention_mois;
    memset(&ctx->rs, 0, sizeof ctx->rs);
    if (is_write(method)) {
        ctx->queued = 1;
        ctx->conn = c;
        if (writer_push(srv, ctx) == 0)
            return MHD_YES; /* suspended until the writer answers */
    }
    ctx->rs.status = 200;
    int slot = pool_take(&srv->pool);
    run_handler(rq, &srv->pool.dbs[slot], &ctx->rs);
    pool_give(&srv->pool, slot);
    enum MHD_Result r = send_response(c, &ctx->rs, strncmp(url, "/api/", 5) == 0, rq->secure);
    if (!ctx->queued)
        query_free(&rq->query);
    else
        ctx->answered = 1;
    return r;
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

/* Read a whole PEM file (malloc'd, NUL-terminated) or NULL with a message. */
static char *read_pem(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "serve: %s : %s\n", path, strerror(errno));
        return NULL;
    }
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 1024 * 1024)
        buf_add(&b, chunk, n);
    fclose(f);
    if (b.oom || b.len == 0) {
        fprintf(stderr, "serve: %s : fichier vide ou illisible\n", path);
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

static struct MHD_Daemon *start_daemon(struct server *srv, struct sockaddr_in *addr,
                                       char *cert, char *key)
{
    const struct server_config *cfg = srv->cfg;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (cert)
        flags |= MHD_USE_TLS;
    return MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, handle, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_URI_LOG_CALLBACK, uri_logger, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
        cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
        MHD_OPTION_HTTPS_MEM_KEY, key,
        MHD_OPTION_END);
}

int server_run(const struct server_config *cfg)
{
    struct server srv = {.cfg = cfg};
    const char *fixed = getenv("PASSERELLE_NOW");
    if (fixed && *fixed)
        srv.fixed_now = (time_t)atoll(fixed);
    char *cert = NULL, *key = NULL;
    if (cfg->tls_cert && (!(cert = read_pem(cfg->tls_cert)) || !(key = read_pem(cfg->tls_key)))) {
        free(cert);
        return -1;
    }
    if (pool_open(&srv.pool, cfg->db_path, cfg->threads + 2) < 0) {
        pool_close(&srv.pool);
        free(cert);
        free(key);
        return -1;
    }
    if (load_secret(&srv.pool.dbs[0], srv.secret) < 0 ||
        (cfg->public_url && db_meta_set(&srv.pool.dbs[0], "url_publique", cfg->public_url) < 0)) {
        fprintf(stderr, "serve: clé ou adresse publique : %s\n", srv.pool.dbs[0].err);
        pool_close(&srv.pool);
        free(cert);
        free(key);
        return -1;
    }
    char kerr[300] = "";
    int kk = data_key_from_config(cfg->cle, &srv.key, kerr, sizeof kerr);
    if (kk < 0) {
        fprintf(stderr, "serve: %s\n", kerr);
    } else if (kk > 0) {
        int same = data_key_check(&srv.pool.dbs[0], &srv.key);
        if (same <= 0) {
            fprintf(stderr, "serve: %s\n", same < 0 ? srv.pool.dbs[0].err
                            : "cette clé n'est pas celle qui a chiffré les données de cette base "
                              "(meta cle_verif) : vérifiez --cle ou $PASSERELLE_CLE");
            kk = -1;
        }
    }
    if (kk < 0) {
        pool_close(&srv.pool);
        free(cert);
        free(key);
        data_key_wipe(&srv.key);
        return -1;
    }
    srv.has_key = kk > 0;
    if (!srv.has_key)
        fprintf(stderr, "serve: pas de clé de chiffrement (--cle ou $PASSERELLE_CLE) : le suivi "
                        "nominatif des personnes est désactivé\n");
    ratelimit_init(&srv.rl, cfg->rate, cfg->rate * 4 > 20 ? cfg->rate * 4 : 20);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
        fprintf(stderr, "serve: adresse invalide : %s (IPv4 attendue, ex. 127.0.0.1)\n", cfg->host);
        pool_close(&srv.pool);
        free(cert);
        free(key);
        return -1;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct jobs jobs;
    struct jobs_config jc = {.db_path = cfg->db_path, .smtp = cfg->smtp,
                             .mail_from = cfg->mail_from, .fixed_now = srv.fixed_now,
                             .retention_mois = cfg->retention_mois};
    if (writer_start(&srv) < 0) {
        pool_close(&srv.pool);
        ratelimit_free(&srv.rl);
        free(cert);
        free(key);
        return -1;
    }
    struct MHD_Daemon *d = start_daemon(&srv, &addr, cert, key);
    if (!d) {
        fprintf(stderr, "serve: impossible d'écouter sur %s:%d (port occupé, ou certificat TLS "
                        "refusé ?)\n", cfg->host, cfg->port);
        writer_stop(&srv);
        pool_close(&srv.pool);
        ratelimit_free(&srv.rl);
        free(cert);
        free(key);
        return -1;
    }
    if (jobs_start(&jobs, &jc) < 0) {
        MHD_quiesce_daemon(d);
        writer_stop(&srv);
        MHD_stop_daemon(d);
        pool_close(&srv.pool);
        ratelimit_free(&srv.rl);
        free(cert);
        free(key);
        return -1;
    }
    fprintf(stderr, "Passerelle : %s://%s:%d/ (Ctrl+C pour arrêter)\n", cert ? "https" : "http",
            cfg->host, cfg->port);
    int sig;
    sigwait(&sigs, &sig);
    fprintf(stderr, "serve: arrêt (signal %d)\n", sig);
    MHD_quiesce_daemon(d);
    writer_stop(&srv);
    MHD_stop_daemon(d);
    jobs_stop(&jobs);
    pool_close(&srv.pool);
    ratelimit_free(&srv.rl);
    sodium_memzero(srv.secret, sizeof srv.secret);
    data_key_wipe(&srv.key);
    if (key)
        sodium_memzero(key, strlen(key));
    free(cert);
    free(key);
    return 0;
}
