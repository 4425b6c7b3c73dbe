/* search.c - queries over the published places (see search.h).
 *
 * Nearest places: boxes of growing radius r around the point are read from
 * the R*Tree (id, lat, lon only, with the SQL filters joined when there are
 * any); exact haversine distances are computed here; once at least
 * offset+limit matches lie within r, every closer place has been seen, so
 * the first ones after sorting are exactly the nearest. Only then are the
 * full rows of the returned places read. Opening-hours filters are
 * evaluated in C with horaires.c, in the place's local time. */
#include "lieux/search.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "lieux/horaires.h"
#include "lieux/geoindex.h"
#include "lieux/lieux_store.h"
#include "territoires/geo.h"

#define DEG2RAD (3.14159265358979323846 / 180.0)

double lieux_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    return geo_haversine_km(lat1, lon1, lat2, lon2);
}

/* UTC offset in minutes of the place's local time at t, from its commune
 * or postcode: overseas territories have fixed offsets; metropolitan
 * France follows the EU summer-time rule. */
static int utc_offset_min(const struct lieu *l, time_t t)
{
    const char *code = l->f[LF_CODE_INSEE] ? l->f[LF_CODE_INSEE] : lieu_get(l, LF_CODE_POSTAL);
    static const struct { const char *prefix; int min; } fixed[] = {
        {"971", -240}, {"972", -240}, {"973", -180}, {"974", 240}, {"976", 180},
        {"975", -180}, {"977", -240}, {"978", -240}, {"986", 720}, {"987", -600},
        {"988", 660},  {"9880", 660}, {"9881", 660}, {"9882", 660}, {"9883", 660},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (strncmp(code, fixed[i].prefix, strlen(fixed[i].prefix)) == 0)
            return fixed[i].min;
    return text_paris_utc_offset(t);
}

/* The place's parsed hours (horaires_free()) and its local wall clock at
 * t into *local and *tm; NULL when it has no hours or they do not parse. */
static struct horaires *hours_at(const struct lieu *l, time_t t, time_t *local, struct tm *tm)
{
    if (!l->f[LF_HORAIRES])
        return NULL;
    struct horaires *h = horaires_parse(l->f[LF_HORAIRES], NULL);
    if (!h)
        return NULL;
    *local = t + (time_t)utc_offset_min(l, t) * 60;
    gmtime_r(local, tm);
    return h;
}

int lieux_open_at(const struct lieu *l, time_t t)
{
    time_t local;
    struct tm tm;
    struct horaires *h = hours_at(l, t, &local, &tm);
    if (!h)
        return -1;
    int open = horaires_open_at(h, &tm);
    horaires_free(h);
    return open;
}

int lieux_next_opening(const struct lieu *l, time_t t, struct tm *local_open)
{
    time_t local;
    struct tm tm;
    struct horaires *h = hours_at(l, t, &local, &tm);
    if (!h)
        return -1;
    int m = horaires_minutes_until_open(h, &tm);
    horaires_free(h);
    if (m >= 0 && local_open) {
        time_t at = local + (time_t)m * 60;
        gmtime_r(&at, local_open);
    }
    return m;
}

int lieux_field_filterable(enum lieu_field f)
{
    return lieu_field_info(f)->values != NULL;
}

int lieux_query_filter(struct lieux_query *q, enum lieu_field f, const char *value)
{
    if ((int)f < 0 || f >= LF__COUNT || !lieux_field_filterable(f) || !value || !*value)
        return -1;
    for (int i = 0; i < SEARCH_MAX_VALUES; i++) {
        if (!q->filters[f][i]) {
            q->filters[f][i] = value;
            return 0;
        }
    }
    return -1;
}

/* A bound parameter of the WHERE clause being built. */
struct params {
    const char *text[64];
    int n;
};

static void add_text(struct buf *sql, struct params *p, const char *fragment, const char *value)
{
    if (p->n >= 64)
        return;
    p->text[p->n++] = value;
    buf_printf(sql, fragment, p->n);
}

/* Turn user text into an FTS5 query: each word becomes a quoted prefix
 * term; words are AND-ed. Returns a malloc'd string or NULL if no word. */
static char *fts_query(const char *text)
{
    struct buf b = BUF_INIT;
    const unsigned char *s = (const unsigned char *)text;
    int words = 0;
    while (*s) {
        while (*s && !(isalnum(*s) || *s >= 0x80))
            s++;
        const unsigned char *w = s;
        while (*s && (isalnum(*s) || *s >= 0x80))
            s++;
        if (s > w && words < 12) {
            buf_printf(&b, "%s\"%.*s\"*", words ? " " : "", (int)(s - w), (const char *)w);
            words++;
        }
    }
    if (!words) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* WHERE clause (starting with " AND ...") for everything but distance and
 * hours. *fts gets the FTS expression to free. */
static void build_where(const struct lieux_query *q, const char *alias, struct buf *sql,
                        struct params *p, char **fts)
{
    if (!q->include_private)
        buf_printf(sql, " AND %sprive = 0", alias);
    for (int f = 0; f < LF__COUNT; f++) {
        if (!q->filters[f][0])
            continue;
        buf_puts(sql, " AND (");
        for (int i = 0; i < SEARCH_MAX_VALUES && q->filters[f][i]; i++) {
            char frag[200];
            snprintf(frag, sizeof frag, "%sinstr('|' || %s%s || '|', '|' || ?%%d || '|') > 0",
                     i ? " OR " : "", alias, lieu_field_info((enum lieu_field)f)->name);
            add_text(sql, p, frag, q->filters[f][i]);
        }
        buf_puts(sql, ")");
    }
    if (q->niveau && q->code) {
        static const char *const levels[] = {"commune", "epci", "departement", "region"};
        static const char *const cols[] = {"commune_code", "epci", "departement", "region"};
        for (int i = 0; i < 4; i++) {
            if (strcmp(q->niveau, levels[i]) == 0) {
                char frag[80];
                snprintf(frag, sizeof frag, " AND %s%s = ?%%d", alias, cols[i]);
                add_text(sql, p, frag, q->code);
            }
        }
    }
    *fts = q->text ? fts_query(q->text) : NULL;
    if (*fts) {
        char frag[120];
        snprintf(frag, sizeof frag, " AND %spid IN (SELECT rowid FROM lieu_fts WHERE lieu_fts "
                 "MATCH ?%%d)", alias);
        add_text(sql, p, frag, *fts);
    }
}

static sqlite3_stmt *prepare_bound(struct db *d, const struct buf *sql, const struct params *p)
{
    if (sql->oom) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return NULL;
    }
    sqlite3_stmt *st = db_prepare(d, sql->s);
    if (!st)
        return NULL;
    for (int i = 0; i < p->n; i++)
        sqlite3_bind_text(st, i + 1, p->text[i], -1, SQLITE_STATIC);
    return st;
}

/* Hours filter on a place given its horaires text and commune code. */
static int hours_match(const struct lieux_query *q, const char *horaires, const char *insee)
{
    if (q->open == SEARCH_OPEN_ANY)
        return 1;
    if (!horaires)
        return 0;
    struct horaires *h = horaires_parse(horaires, NULL);
    if (!h)
        return 0;
    int ok;
    if (q->open == SEARCH_OPEN_NOW) {
        struct lieu tmp = {0};
        tmp.f[LF_CODE_INSEE] = (char *)insee;
        time_t local = q->now + (time_t)utc_offset_min(&tmp, q->now) * 60;
        struct tm tm;
        gmtime_r(&local, &tm);
        ok = horaires_open_at(h, &tm);
    } else {
        ok = horaires_open_during(h, q->wday, q->from_min, q->to_min);
    }
    horaires_free(h);
    return ok;
}

struct cand {
    long long id;
    double km;
};

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

struct cands {
    struct cand *v;
    size_t n, cap;
};

static int cands_push(struct cands *c, long long id, double km)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct cand *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = (struct cand){id, km};
    return 0;
}

/* Candidates within radius r km (all when r <= 0), filtered. */
static int scan(struct db *d, const struct lieux_query *q, double r, struct cands *out)
{
    struct buf sql = BUF_INIT;
    struct params p = {0};
    char *fts = NULL;
    int need_row = q->open != SEARCH_OPEN_ANY;
    struct buf where = BUF_INIT;
    build_where(q, "l.", &where, &p, &fts);
    int joined = need_row || where.len > 0;
    if (q->has_point) {
        buf_printf(&sql, "SELECT g.id, g.lat, g.lon%s FROM lieu_geo g%s WHERE 1",
                   need_row ? ", l.horaires, l.commune_code" : "",
                   joined ? " JOIN lieu l ON l.pid = g.id" : "");
        if (r > 0) {
            double dlat = r / 111.19 + 1e-6;
            double c = cos(q->lat * DEG2RAD);
            double dlon = c > 0.01 ? r / (111.19 * c) + 1e-6 : 360;
            buf_printf(&sql, " AND g.max_lat >= %.9f AND g.min_lat <= %.9f", q->lat - dlat,
                       q->lat + dlat);
            if (dlon < 180)
                buf_printf(&sql, " AND g.max_lon >= %.9f AND g.min_lon <= %.9f", q->lon - dlon,
                           q->lon + dlon);
        }
    } else {
        buf_printf(&sql, "SELECT l.pid, NULL, NULL%s FROM lieu l WHERE 1",
                   need_row ? ", l.horaires, l.commune_code" : "");
    }
    buf_add(&sql, where.s ? where.s : "", where.len);
    if (!q->has_point)
        buf_puts(&sql, " ORDER BY l.nom COLLATE NOCASE, l.pid");
    buf_free(&where);
    sqlite3_stmt *st = prepare_bound(d, &sql, &p);
    buf_free(&sql);
    if (!st) {
        free(fts);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double km = -1;
        if (q->has_point) {
            km = lieux_haversine_km(q->lat, q->lon, sqlite3_column_double(st, 1),
                                    sqlite3_column_double(st, 2));
            if ((r > 0 && km > r) || (q->max_km > 0 && km > q->max_km))
                continue;
        }
        if (need_row && !hours_match(q, (const char *)sqlite3_column_text(st, 3),
                                     (const char *)sqlite3_column_text(st, 4)))
            continue;
        if (cands_push(out, sqlite3_column_int64(st, 0), km) < 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(st);
    free(fts);
    if (rc != SQLITE_DONE)
        return db_fail(d, "search");
    return 0;
}

static int fetch_hit(sqlite3_stmt *st, long long id, struct lieux_hit *h)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return 0;
    h->id = id;
    const char *cc = (const char *)sqlite3_column_text(st, 0);
    snprintf(h->commune_code, sizeof h->commune_code, "%s", cc ? cc : "");
    h->membres = sqlite3_column_int(st, 1);
    if (lieux_store_read_row(st, 3, &h->l) < 0)
        return -1;
    return 1;
}

/* Rows of results (provenance NULL: only a place's own page needs it). */
static sqlite3_stmt *prepare_fetch(struct db *d, int with_provenance)
{
    return db_prepare_cached(d, with_provenance
                                    ? "SELECT commune_code, membres, provenance, " LIEUX_COLUMNS
                                      " FROM lieu WHERE pid = ?1"
                                    : "SELECT commune_code, membres, NULL, " LIEUX_COLUMNS
                                      " FROM lieu WHERE pid = ?1");
}

/* A plain "nearest places" query, which the in-memory grid answers. */
static int nearest_only(const struct lieux_query *q)
{
    if (!q->has_point || q->text || q->niveau || q->open != SEARCH_OPEN_ANY)
        return 0;
    for (int f = 0; f < LF__COUNT; f++)
        if (q->filters[f][0])
            return 0;
    return 1;
}

/* Nearest places from the grid index into c (sorted). */
static int nearest_from_index(struct db *d, const struct lieux_query *q, size_t need,
                              struct cands *c)
{
    struct geoindex *g = geoindex_get(d);
    if (!g)
        return -1;
    struct geoindex_hit *h = malloc((need ? need : 1) * sizeof *h);
    c->v = malloc((need ? need : 1) * sizeof *c->v);
    if (!h || !c->v) {
        free(h);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    c->cap = need ? need : 1;
    long n = geoindex_nearest(g, q->lat, q->lon, need, q->max_km, q->include_private, h);
    for (long i = 0; i < n; i++)
        c->v[i] = (struct cand){h[i].id, h[i].km};
    c->n = n > 0 ? (size_t)n : 0;
    free(h);
    return 0;
}

/* Read the rows of `n` candidates into out->v (in candidate order), by
 * batches of FETCH_BATCH ids in one statement each, inside one read
 * transaction. Candidates whose row vanished are left out. Returns 0 or -1. */
#define FETCH_BATCH 16
static int fetch_hits(struct db *d, const struct cand *cv, size_t n, struct lieux_results *out)
{
    static const char sql[] =
        "SELECT pid, commune_code, membres, " LIEUX_COLUMNS " FROM lieu WHERE pid IN "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    sqlite3_stmt *begin = db_prepare_cached(d, "BEGIN");
    int own_txn = begin && sqlite3_get_autocommit(d->h) && sqlite3_step(begin) == SQLITE_DONE;
    db_release(d, begin);
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    int rc = st ? 0 : -1;
    for (size_t base = 0; rc == 0 && base < n; base += FETCH_BATCH) {
        size_t m = n - base < FETCH_BATCH ? n - base : FETCH_BATCH;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        for (size_t j = 0; j < m; j++)
            sqlite3_bind_int64(st, (int)j + 1, cv[base + j].id);
        while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
            long long id = sqlite3_column_int64(st, 0);
            for (size_t j = 0; j < m; j++) {
                struct lieux_hit *h = &out->v[base + j];
                if (cv[base + j].id != id || h->id)
                    continue;
                h->id = id;
                h->km = cv[base + j].km;
                const char *cc = (const char *)sqlite3_column_text(st, 1);
                snprintf(h->commune_code, sizeof h->commune_code, "%s", cc ? cc : "");
                h->membres = sqlite3_column_int(st, 2);
                if (lieux_store_read_row(st, 3, &h->l) < 0)
                    rc = -1;
            }
        }
    }
    db_release(d, st);
    if (own_txn) {
        sqlite3_stmt *commit = db_prepare_cached(d, "COMMIT");
        if (commit)
            sqlite3_step(commit);
        db_release(d, commit);
    }
    /* Compact: rows deleted since the candidates were read leave holes. */
    for (size_t i = 0; i < n; i++)
        if (out->v[i].id)
            out->v[out->n++] = out->v[i];
    for (size_t i = out->n; i < n; i++)
        memset(&out->v[i], 0, sizeof out->v[i]);
    if (rc < 0 && !d->err[0])
        snprintf(d->err, sizeof d->err, "out of memory reading results");
    return rc;
}

int lieux_search(struct db *d, const struct lieux_query *q, struct lieux_results *out)
{
    memset(out, 0, sizeof *out);
    int limit = q->limit > 0 ? q->limit : 20;
    if (limit > SEARCH_MAX_LIMIT)
        limit = SEARCH_MAX_LIMIT;
    int offset = q->offset > 0 ? q->offset : 0;
    size_t need = (size_t)limit + (size_t)offset;
    struct cands c = {0};
    int rc = -1;
    if (nearest_only(q)) {
        /* One more than the page, so callers know whether a next page exists. */
        if (nearest_from_index(d, q, need + 1, &c) < 0)
            goto done;
    } else if (q->has_point) {
        /* Grow the radius until enough matches lie within it. */
        for (double r = 4;; r *= 2) {
            int last = r > 2500 || (q->max_km > 0 && r >= q->max_km);
            c.n = 0;
            if (scan(d, q, last ? (q->max_km > 0 ? q->max_km : 0) : r, &c) < 0)
                goto done;
            if (c.n >= need || last)
                break;
        }
        if (c.n)
            qsort(c.v, c.n, sizeof *c.v, cmp_cand);
    } else if (scan(d, q, 0, &c) < 0) {
        goto done;
    }
    out->total = (long)c.n;
    size_t first = (size_t)offset < c.n ? (size_t)offset : c.n;
    size_t count = c.n - first < (size_t)limit ? c.n - first : (size_t)limit;
    out->v = calloc(count ? count : 1, sizeof *out->v);
    if (!out->v)
        goto done;
    if (q->ids_only) {
        for (size_t i = 0; i < count; i++) {
            out->v[i].id = c.v[first + i].id;
            out->v[i].km = c.v[first + i].km;
        }
        out->n = count;
        rc = 0;
        goto done;
    }
    if (fetch_hits(d, c.v + first, count, out) < 0)
        goto done;
    rc = 0;
done:
    free(c.v);
    if (rc < 0)
        lieux_results_free(out);
    return rc;
}

void lieux_results_free(struct lieux_results *r)
{
    for (size_t i = 0; i < r->n; i++)
        lieu_clear(&r->v[i].l);
    free(r->v);
    memset(r, 0, sizeof *r);
}

int lieux_get(struct db *d, long long id, struct lieux_hit *hit, char **provenance)
{
    memset(hit, 0, sizeof *hit);
    hit->km = -1;
    sqlite3_stmt *st = prepare_fetch(d, provenance != NULL);
    if (!st)
        return -1;
    int got = fetch_hit(st, id, hit);
    if (got > 0 && provenance) {
        const char *p = (const char *)sqlite3_column_text(st, 2);
        *provenance = p ? strdup(p) : NULL;
    }
    db_release(d, st);
    return got;
}
