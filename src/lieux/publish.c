/* publish.c - rebuild the published registry from every source (see
 * publish.h): load the live source places, group duplicates (dedup.c),
 * merge each group, write table lieu with its indexes. The published id of
 * a place is the smallest lieu_source.rowid of its members, so a place
 * keeps its URL while its sources are re-imported. */
#include "lieux/publish.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "lieux/dedup.h"
#include "lieux/lieu.h"
#include "lieux/lieux_store.h"
#include "store/cache.h"

/* Places loaded from lieu_source, sorted by rowid. */
struct loaded {
    struct lieu *l;
    char **source, **commune;
    long long *rowid;
    size_t n, cap;
};

static void loaded_free(struct loaded *ld)
{
    for (size_t i = 0; i < ld->n; i++) {
        lieu_clear(&ld->l[i]);
        free(ld->source[i]);
        free(ld->commune[i]);
    }
    free(ld->l);
    free(ld->source);
    free(ld->commune);
    free(ld->rowid);
    memset(ld, 0, sizeof *ld);
}

static int loaded_grow(struct loaded *ld)
{
    if (ld->n < ld->cap)
        return 0;
    size_t cap = ld->cap ? ld->cap * 2 : 4096;
    struct lieu *l = realloc(ld->l, cap * sizeof *l);
    if (l)
        ld->l = l;
    char **s = realloc(ld->source, cap * sizeof *s);
    if (s)
        ld->source = s;
    char **c = realloc(ld->commune, cap * sizeof *c);
    if (c)
        ld->commune = c;
    long long *r = realloc(ld->rowid, cap * sizeof *r);
    if (r)
        ld->rowid = r;
    if (!l || !s || !c || !r)
        return -1;
    ld->cap = cap;
    return 0;
}

static char *dup_or_null(const unsigned char *s)
{
    return s ? strdup((const char *)s) : NULL;
}

static int load_sources(struct db *d, struct loaded *ld)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT rowid, source_name, commune_code, " LIEUX_COLUMNS
                                     " FROM lieu_source WHERE retired_at IS NULL ORDER BY rowid");
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (loaded_grow(ld) < 0)
            goto oom;
        size_t i = ld->n;
        memset(&ld->l[i], 0, sizeof ld->l[i]);
        ld->rowid[i] = sqlite3_column_int64(st, 0);
        ld->source[i] = dup_or_null(sqlite3_column_text(st, 1));
        ld->commune[i] = dup_or_null(sqlite3_column_text(st, 2));
        ld->n++;
        if (!ld->source[i] || lieux_store_read_row(st, 3, &ld->l[i]) < 0)
            goto oom;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "load lieu_source");
oom:
    sqlite3_finalize(st);
    snprintf(d->err, sizeof d->err, "out of memory loading places");
    return -1;
}

static long find_rowid(const struct loaded *ld, long long rowid)
{
    size_t lo = 0, hi = ld->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ld->rowid[mid] < rowid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ld->n && ld->rowid[lo] == rowid ? (long)lo : -1;
}

static int load_overrides(struct db *d, const struct loaded *ld, struct dedup_override **ov,
                          size_t *nov)
{
    *ov = NULL;
    *nov = 0;
    sqlite3_stmt *st = db_prepare(
        d, "SELECT a.rowid, b.rowid, x.decision FROM dedup_decision x "
           "JOIN lieu_source a ON a.source_name = x.source_a AND a.source_id = x.id_a "
           "JOIN lieu_source b ON b.source_name = x.source_b AND b.source_id = x.id_b "
           "WHERE a.retired_at IS NULL AND b.retired_at IS NULL");
    if (!st)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        long a = find_rowid(ld, sqlite3_column_int64(st, 0));
        long b = find_rowid(ld, sqlite3_column_int64(st, 1));
        if (a < 0 || b < 0 || a == b)
            continue;
        if (*nov == cap) {
            cap = cap ? cap * 2 : 16;
            struct dedup_override *v = realloc(*ov, cap * sizeof *v);
            if (!v) {
                sqlite3_finalize(st);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            *ov = v;
        }
        const char *dec = (const char *)sqlite3_column_text(st, 2);
        (*ov)[(*nov)++] = (struct dedup_override){(size_t)a, (size_t)b,
                                                  dec && strcmp(dec, "toujours") == 0};
    }
    sqlite3_finalize(st);
    return 0;
}

/* Append s as a JSON string. */
static void json_str(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            buf_printf(b, "\\u%04x", *p);
        else
            buf_putc(b, (char)*p);
    }
    buf_putc(b, '"');
}

/* JSON object: field -> source name that gave it, in the standard's field
 * order. Returns malloc'd text, or NULL when memory runs out. */
static char *provenance_json(const int prov[LF__COUNT], const struct dedup_rec *const *m)
{
    struct buf b = BUF_INIT;
    buf_putc(&b, '{');
    int first = 1;
    for (int f = 0; f < LF__COUNT; f++) {
        if (prov[f] == DEDUP_PROV_NONE)
            continue;
        const char *src = prov[f] >= 0 ? m[prov[f]]->source : "plusieurs sources";
        if (!first)
            buf_putc(&b, ',');
        first = 0;
        json_str(&b, lieu_field_info((enum lieu_field)f)->name);
        buf_putc(&b, ':');
        json_str(&b, src ? src : "");
    }
    buf_putc(&b, '}');
    return buf_take(&b);
}

struct writer {
    sqlite3_stmt *lieu, *membre, *geo, *pair;
};

static int write_place(struct db *d, struct writer *w, const struct loaded *ld,
                       const struct dedup_rec *const *m, size_t nm, const size_t *idx)
{
    struct lieu out = {0};
    int prov[LF__COUNT];
    if (dedup_merge(m, nm, &out, prov) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory merging places");
        return -1;
    }
    char *pj = provenance_json(prov, m);
    sqlite3_stmt *st = w->lieu;
    sqlite3_reset(st);
    long long id = ld->rowid[idx[0]];
    sqlite3_bind_int64(st, 1, id);
    for (int f = 0; f < LF__COUNT; f++)
        db_bind_text(st, f + 2, out.f[f]);
    int k = LF__COUNT + 2;
    if (out.has_coords) {
        sqlite3_bind_double(st, k, out.lat);
        sqlite3_bind_double(st, k + 1, out.lon);
    } else {
        sqlite3_bind_null(st, k);
        sqlite3_bind_null(st, k + 1);
    }
    /* The commune of the most recent member that has one. */
    const char *commune = NULL, *newest = "";
    for (size_t i = 0; i < nm; i++) {
        const char *date = lieu_get(m[i]->l, LF_DATE_MAJ);
        if (m[i]->commune && *m[i]->commune && (!commune || strcmp(date, newest) > 0)) {
            commune = m[i]->commune;
            newest = date;
        }
    }
    db_bind_text(st, k + 2, commune);
    db_bind_text(st, k + 3, pj);
    sqlite3_bind_int64(st, k + 4, (long long)nm);
    sqlite3_bind_int(st, k + 5, lieu_list_has(lieu_get(&out, LF_MODALITES_ACCES),
                                              "Ce lieu n'accueille pas de public"));
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(d, "insert lieu");
    if (rc == 0 && out.has_coords) {
        sqlite3_reset(w->geo);
        sqlite3_bind_int64(w->geo, 1, id);
        sqlite3_bind_double(w->geo, 2, out.lat);
        sqlite3_bind_double(w->geo, 3, out.lon);
        rc = sqlite3_step(w->geo) == SQLITE_DONE ? 0 : db_fail(d, "insert lieu_geo");
    }
    for (size_t i = 0; rc == 0 && i < nm; i++) {
        sqlite3_reset(w->membre);
        sqlite3_bind_int64(w->membre, 1, ld->rowid[idx[i]]);
        sqlite3_bind_int64(w->membre, 2, id);
        rc = sqlite3_step(w->membre) == SQLITE_DONE ? 0 : db_fail(d, "insert lieu_membre");
    }
    free(pj);
    lieu_clear(&out);
    return rc;
}

static const char *decision_name(int dec)
{
    switch (dec) {
    case DEDUP_DUP: return "doublon";
    case DEDUP_FORCED_MERGE: return "fusion imposée";
    case DEDUP_FORCED_SPLIT: return "séparation imposée";
    default: return "distincts";
    }
}

static int write_pairs(struct db *d, struct writer *w, const struct loaded *ld,
                       const struct dedup_result *r, struct publish_stats *ps)
{
    for (size_t i = 0; i < r->npairs; i++) {
        const struct dedup_pair *p = &r->pairs[i];
        ps->duplicates += p->decision == DEDUP_DUP;
        ps->forced_merge += p->decision == DEDUP_FORCED_MERGE;
        ps->forced_split += p->decision == DEDUP_FORCED_SPLIT;
        sqlite3_reset(w->pair);
        sqlite3_bind_int64(w->pair, 1, ld->rowid[p->a]);
        sqlite3_bind_int64(w->pair, 2, ld->rowid[p->b]);
        sqlite3_bind_int(w->pair, 3, p->score);
        sqlite3_bind_int(w->pair, 4, p->nom);
        sqlite3_bind_int(w->pair, 5, p->voie);
        sqlite3_bind_int(w->pair, 6, p->distance);
        sqlite3_bind_text(w->pair, 7, decision_name(p->decision), -1, SQLITE_STATIC);
        if (sqlite3_step(w->pair) != SQLITE_DONE)
            return db_fail(d, "insert dedup_pair");
    }
    return 0;
}

static int prepare_writer(struct db *d, struct writer *w)
{
    struct buf sql = BUF_INIT;
    /* The commune's territories are looked up by primary key as rows go in. */
    buf_puts(&sql, "INSERT INTO lieu(pid, " LIEUX_COLUMNS ", lat, lon, commune_code, provenance, "
                   "membres, prive, departement, region, epci) VALUES (?1");
    for (int i = 2; i <= LF__COUNT + 7; i++)
        buf_printf(&sql, ", ?%d", i);
    buf_printf(&sql, ", (SELECT departement FROM commune WHERE code = ?%d), "
                     "(SELECT region FROM commune WHERE code = ?%d), "
                     "(SELECT epci FROM commune WHERE code = ?%d))",
               LF__COUNT + 4, LF__COUNT + 4, LF__COUNT + 4);
    w->lieu = sql.oom ? NULL : db_prepare(d, sql.s);
    buf_free(&sql);
    w->membre = db_prepare(d, "INSERT INTO lieu_membre(source_rowid, lieu_id) VALUES (?1, ?2)");
    w->geo = db_prepare(d, "INSERT INTO lieu_geo(id, min_lat, max_lat, min_lon, max_lon, lat, lon) "
                           "VALUES (?1, ?2, ?2, ?3, ?3, ?2, ?3)");
    w->pair = db_prepare(d, "INSERT INTO dedup_pair(a, b, score, nom_score, voie_score, "
                            "distance_score, decision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    return w->lieu && w->membre && w->geo && w->pair ? 0 : -1;
}

static void finalize_writer(struct writer *w)
{
    sqlite3_finalize(w->lieu);
    sqlite3_finalize(w->membre);
    sqlite3_finalize(w->geo);
    sqlite3_finalize(w->pair);
}

/* Members of every group, contiguous: order[start[g]..start[g+1]). */
static int group_members(const struct dedup_result *r, size_t n, size_t **order, size_t **start)
{
    size_t *count = calloc(n + 1, sizeof *count);
    *order = malloc((n ? n : 1) * sizeof **order);
    *start = count;
    if (!count || !*order)
        return -1;
    for (size_t i = 0; i < n; i++)
        count[r->group[i] + 1]++;
    for (size_t g = 0; g < n; g++)
        count[g + 1] += count[g];
    size_t *fill = malloc((n ? n : 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, count, n * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        (*order)[fill[r->group[i]]++] = i;
    free(fill);
    return 0;
}

static int publish_all(struct db *d, struct publish_stats *ps)
{
    struct loaded ld = {0};
    struct dedup_override *ov = NULL;
    size_t nov = 0;
    struct dedup_rec *recs = NULL;
    const struct dedup_rec **m = NULL;
    struct dedup_result r = {0};
    size_t *order = NULL, *start = NULL;
    struct writer w = {0};
    int rc = -1;

    if (load_sources(d, &ld) < 0 || load_overrides(d, &ld, &ov, &nov) < 0)
        goto out;
    ps->records = (long)ld.n;
    recs = calloc(ld.n ? ld.n : 1, sizeof *recs);
    m = calloc(ld.n ? ld.n : 1, sizeof *m);
    if (!recs || !m)
        goto oom;
    long long now = (long long)time(NULL);
    for (size_t i = 0; i < ld.n; i++)
        recs[i] = (struct dedup_rec){&ld.l[i], ld.source[i], ld.commune[i], (long)i,
                                     dedup_too_old(ld.l[i].f[LF_DATE_MAJ], now),
                                     strcmp(ld.source[i], LIEUX_EDIT_SOURCE) == 0};
    struct dedup_params p;
    dedup_params_init(&p);
    p.report_min = 70;
    if (dedup_run(recs, ld.n, ov, nov, &p, &r) < 0) {
        if (errno == ENOMEM)
            goto oom;
        snprintf(d->err, sizeof d->err, "deduplication: invalid override");
        goto out;
    }
    ps->pairs = (long)r.nscored;
    if (group_members(&r, ld.n, &order, &start) < 0)
        goto oom;
    if (db_exec(d, "DELETE FROM lieu; DELETE FROM lieu_geo; DELETE FROM lieu_membre; "
                   "DELETE FROM dedup_pair; INSERT INTO lieu_fts(lieu_fts) VALUES('delete-all')") < 0 ||
        prepare_writer(d, &w) < 0)
        goto out;
    for (size_t g = 0; g < ld.n; g++) {
        size_t nm = start[g + 1] - start[g];
        if (!nm)
            continue;
        const size_t *idx = order + start[g];
        for (size_t i = 0; i < nm; i++)
            m[i] = &recs[idx[i]];
        if (write_place(d, &w, &ld, m, nm, idx) < 0)
            goto out;
        ps->published++;
        ps->groups += nm > 1;
    }
    if (write_pairs(d, &w, &ld, &r, ps) < 0)
        goto out;
    if (db_exec(d, "INSERT INTO lieu_fts(lieu_fts) VALUES('rebuild')") < 0 ||
        cache_clear(d) < 0)
        goto out;
    rc = 0;
    goto out;
oom:
    snprintf(d->err, sizeof d->err, "out of memory while publishing");
out:
    finalize_writer(&w);
    free(order);
    free(start);
    dedup_result_free(&r);
    free(m);
    free(recs);
    free(ov);
    loaded_free(&ld);
    return rc;
}

int lieux_publish(struct db *d, struct publish_stats *ps)
{
    memset(ps, 0, sizeof *ps);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int own = sqlite3_get_autocommit(d->h);
    db_exec(d, "PRAGMA cache_size=-262144"); /* see import.c */
    if (own && db_begin(d) < 0)
        return -1;
    int rc = publish_all(d, ps);
    if (rc == 0) {
        char *v = db_meta_get(d, "lieux_version");
        rc = db_meta_set(d, "lieux_version_publiee", v ? v : "0");
        free(v);
    }
    if (own) {
        if (rc == 0)
            rc = db_commit(d);
        if (rc < 0)
            db_rollback(d);
    }
    db_exec(d, "PRAGMA cache_size=-32768");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ps->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

/* Split "source:id" at the first ':'. Returns 0 or -1. */
static int split_ref(const char *ref, char *src, size_t ns, const char **id)
{
    const char *colon = strchr(ref, ':');
    if (!colon || colon == ref || !colon[1] || (size_t)(colon - ref) >= ns)
        return -1;
    memcpy(src, ref, (size_t)(colon - ref));
    src[colon - ref] = 0;
    *id = colon + 1;
    return 0;
}

int lieux_decide(struct db *d, const char *a, const char *b, const char *decision,
                 const char *auteur, const char *motif)
{
    char sa[256], sb[256];
    const char *ia, *ib;
    if (split_ref(a, sa, sizeof sa, &ia) < 0 || split_ref(b, sb, sizeof sb, &ib) < 0) {
        snprintf(d->err, sizeof d->err, "a place is named SOURCE:ID (e.g. cnfs:62592a1d05457b07)");
        return -1;
    }
    if (strcmp(decision, "jamais") != 0 && strcmp(decision, "toujours") != 0) {
        snprintf(d->err, sizeof d->err, "decision must be 'jamais' or 'toujours'");
        return -1;
    }
    /* Store each pair once, in a canonical order. */
    int swap = strcmp(sa, sb) > 0 || (strcmp(sa, sb) == 0 && strcmp(ia, ib) > 0);
    sqlite3_stmt *st = db_prepare(
        d, "INSERT INTO dedup_decision(source_a, id_a, source_b, id_b, decision, auteur, motif, "
           "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
           "ON CONFLICT DO UPDATE SET decision = excluded.decision, auteur = excluded.auteur, "
           "motif = excluded.motif, created_at = excluded.created_at");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, swap ? sb : sa, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, swap ? ib : ia, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, swap ? sa : sb, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, swap ? ia : ib, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, decision, -1, SQLITE_STATIC);
    db_bind_text(st, 6, auteur);
    db_bind_text(st, 7, motif);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(d, "dedup_decision");
    sqlite3_finalize(st);
    return rc;
}

int lieux_mark_changed(struct db *d)
{
    char *v = db_meta_get(d, "lieux_version");
    char next[32];
    snprintf(next, sizeof next, "%lld", (v ? atoll(v) : 0) + 1);
    free(v);
    return db_meta_set(d, "lieux_version", next);
}

int lieux_published_up_to_date(struct db *d)
{
    char *v = db_meta_get(d, "lieux_version");
    char *p = db_meta_get(d, "lieux_version_publiee");
    int same = (v ? atoll(v) : 0) == (p ? atoll(p) : 0);
    free(v);
    free(p);
    return same;
}

int lieux_publish_pending(struct db *d, struct publish_stats *st, int *done)
{
    *done = 0;
    if (lieux_published_up_to_date(d))
        return 0;
    if (db_begin(d) < 0)
        return -1;
    /* Checked again under the write lock: another process may have
     * published in between. */
    if (lieux_published_up_to_date(d)) {
        db_rollback(d);
        return 0;
    }
    if (lieux_publish(d, st) < 0 || db_commit(d) < 0) {
        db_rollback(d);
        return -1;
    }
    *done = 1;
    return 0;
}
