/* listings.c - read-only listings for the HTML pages (see listings.h).
 * Parameterised SQL only; column names come from the fixed table below. */
#include "lieux/listings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column of table lieu holding each level's code. */
static const char *lieu_col(enum territoire_niveau n)
{
    switch (n) {
    case TERRITOIRE_COMMUNE: return "commune_code";
    case TERRITOIRE_EPCI: return "epci";
    case TERRITOIRE_DEPARTEMENT: return "departement";
    case TERRITOIRE_REGION: return "region";
    }
    return NULL;
}

/* Copy a text column into dst[size], cut on a UTF-8 boundary. */
static void col_copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    if (!s) {
        dst[0] = 0;
        return;
    }
    size_t n = strlen(s);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = 0;
}

static long col_long(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, col);
}

/* Run a statement returning one integer. */
static long scalar(struct db *d, sqlite3_stmt *st, const char *what)
{
    if (!st)
        return -1;
    long n = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    else
        db_fail(d, what);
    sqlite3_finalize(st);
    return n;
}

long listing_count_lieux(struct db *d, enum territoire_niveau niveau, const char *code)
{
    const char *col = lieu_col(niveau);
    if (!col) {
        snprintf(d->err, sizeof d->err, "count: bad level");
        return -1;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM lieu WHERE prive = 0 AND %s = ?1", col);
    sqlite3_stmt *st = db_prepare(d, sql);
    if (st)
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    return scalar(d, st, "count lieux");
}

int listing_counts_by(struct db *d, enum territoire_niveau child, enum territoire_niveau parent,
                 const char *parent_code, struct listing_counts *out)
{
    out->v = NULL;
    out->n = 0;
    const char *gc = lieu_col(child), *pc = lieu_col(parent);
    if (!gc || (parent_code && !pc)) {
        snprintf(d->err, sizeof d->err, "counts: bad level");
        return -1;
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT %s, count(*) FROM lieu WHERE prive = 0 AND %s IS NOT NULL%s%s%s"
             " GROUP BY 1 ORDER BY 1",
             gc, gc, parent_code ? " AND " : "", parent_code ? pc : "",
             parent_code ? " = ?1" : "");
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    if (parent_code)
        sqlite3_bind_text(st, 1, parent_code, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            struct listing_count *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                rc = SQLITE_NOMEM;
                break;
            }
            out->v = v;
        }
        struct listing_count *c = &out->v[out->n++];
        col_copy(c->code, sizeof c->code, st, 0);
        c->n = (long)sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_DONE) {
        db_fail(d, "counts");
        sqlite3_finalize(st);
        listing_counts_free(out);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

long listing_counts_get(const struct listing_counts *c, const char *code)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int k = strcmp(c->v[mid].code, code);
        if (k == 0)
            return c->v[mid].n;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void listing_counts_free(struct listing_counts *c)
{
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

int listing_departements(struct db *d, struct listing_departement **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = db_prepare(
        d, "SELECT dp.code, dp.nom, dp.zone, dp.region,"
           " (SELECT sum(c.population) FROM commune c WHERE c.departement = dp.code),"
           " (SELECT count(*) FROM lieu l WHERE l.departement = dp.code AND l.prive = 0)"
           " FROM departement dp ORDER BY dp.code");
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 128;
            struct listing_departement *v = realloc(*out, cap * sizeof *v);
            if (!v) {
                rc = SQLITE_NOMEM;
                break;
            }
            *out = v;
        }
        struct listing_departement *p = &(*out)[(*n)++];
        col_copy(p->code, sizeof p->code, st, 0);
        col_copy(p->nom, sizeof p->nom, st, 1);
        col_copy(p->zone, sizeof p->zone, st, 2);
        col_copy(p->region, sizeof p->region, st, 3);
        p->population = col_long(st, 4);
        p->lieux = col_long(st, 5);
    }
    if (rc != SQLITE_DONE) {
        db_fail(d, "departements");
        sqlite3_finalize(st);
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

/* ---- deduplication review ---- */

long listing_pairs_count(struct db *d)
{
    return scalar(d, db_prepare(d, "SELECT count(*) FROM dedup_pair"), "count pairs");
}

static void read_side(sqlite3_stmt *st, int col, struct listing_pair_side *s)
{
    s->rowid = sqlite3_column_int64(st, col);
    col_copy(s->source, sizeof s->source, st, col + 1);
    col_copy(s->source_id, sizeof s->source_id, st, col + 2);
    col_copy(s->nom, sizeof s->nom, st, col + 3);
    col_copy(s->adresse, sizeof s->adresse, st, col + 4);
    col_copy(s->commune, sizeof s->commune, st, col + 5);
    s->lieu_id = sqlite3_column_int64(st, col + 6);
    s->retired = sqlite3_column_type(st, col + 7) != SQLITE_NULL;
}

int listing_pairs(struct db *d, long offset, int limit, struct listing_pair *out)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT p.score, p.nom_score, p.voie_score, p.distance_score, p.decision,"
           " a.rowid, a.source_name, a.source_id, a.nom, a.adresse, a.commune,"
           " (SELECT ma.lieu_id FROM lieu_membre ma WHERE ma.source_rowid = a.rowid),"
           " a.retired_at,"
           " b.rowid, b.source_name, b.source_id, b.nom, b.adresse, b.commune,"
           " (SELECT mb.lieu_id FROM lieu_membre mb WHERE mb.source_rowid = b.rowid),"
           " b.retired_at"
           " FROM dedup_pair p JOIN lieu_source a ON a.rowid = p.a"
           " JOIN lieu_source b ON b.rowid = p.b"
           " ORDER BY p.score DESC, p.a, p.b LIMIT ?1 OFFSET ?2");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, limit);
    sqlite3_bind_int64(st, 2, offset);
    int n = 0, rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct listing_pair *p = &out[n++];
        memset(p, 0, sizeof *p);
        p->score = sqlite3_column_int(st, 0);
        p->nom = sqlite3_column_int(st, 1);
        p->voie = sqlite3_column_int(st, 2);
        p->distance = sqlite3_column_int(st, 3);
        col_copy(p->decision, sizeof p->decision, st, 4);
        read_side(st, 5, &p->a);
        read_side(st, 13, &p->b);
    }
    if (n < limit && rc != SQLITE_DONE) {
        db_fail(d, "pairs");
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}

/* ---- import reports ---- */

#define RUN_COLUMNS                                                                     \
    "SELECT r.id, r.source, r.file, r.format, r.started_at, r.finished_at, r.rows,"    \
    " r.imported, r.rejected, r.unchanged, r.retired,"                                 \
    " (SELECT count(*) FROM import_issue i WHERE i.import_id = r.id) FROM import_run r"

static void read_run(sqlite3_stmt *st, struct listing_run *r)
{
    memset(r, 0, sizeof *r);
    r->id = (long)sqlite3_column_int64(st, 0);
    col_copy(r->source, sizeof r->source, st, 1);
    col_copy(r->file, sizeof r->file, st, 2);
    col_copy(r->format, sizeof r->format, st, 3);
    col_copy(r->started_at, sizeof r->started_at, st, 4);
    col_copy(r->finished_at, sizeof r->finished_at, st, 5);
    r->rows = col_long(st, 6);
    r->imported = col_long(st, 7);
    r->rejected = col_long(st, 8);
    r->unchanged = col_long(st, 9);
    r->retired = col_long(st, 10);
    r->issues = col_long(st, 11);
}

long listing_runs_count(struct db *d)
{
    return scalar(d, db_prepare(d, "SELECT count(*) FROM import_run"), "count runs");
}

int listing_runs(struct db *d, long offset, int limit, struct listing_run *out)
{
    sqlite3_stmt *st = db_prepare(d, RUN_COLUMNS " ORDER BY r.id DESC LIMIT ?1 OFFSET ?2");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, limit);
    sqlite3_bind_int64(st, 2, offset);
    int n = 0, rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
        read_run(st, &out[n++]);
    if (n < limit && rc != SQLITE_DONE) {
        db_fail(d, "runs");
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}

int listing_run_get(struct db *d, long id, struct listing_run *out)
{
    sqlite3_stmt *st = db_prepare(d, RUN_COLUMNS " WHERE r.id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), got;
    if (rc == SQLITE_ROW) {
        read_run(st, out);
        got = 1;
    } else if (rc == SQLITE_DONE) {
        got = 0;
    } else {
        got = db_fail(d, "run");
    }
    sqlite3_finalize(st);
    return got;
}

long listing_issues_count(struct db *d, long run, int rejected_only)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT count(*) FROM import_issue WHERE import_id = ?1"
                                     " AND (?2 = 0 OR severity = 'ligne rejetée')");
    if (st) {
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int(st, 2, rejected_only);
    }
    return scalar(d, st, "count issues");
}

int listing_issues(struct db *d, long run, int rejected_only, long offset, int limit,
              struct listing_issue *out)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT row, line, record_id, field, value, rule, severity"
                                     " FROM import_issue WHERE import_id = ?1"
                                     " AND (?2 = 0 OR severity = 'ligne rejetée')"
                                     " ORDER BY row, rowid LIMIT ?3 OFFSET ?4");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int(st, 2, rejected_only);
    sqlite3_bind_int(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    int n = 0, rc = SQLITE_DONE;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct listing_issue *i = &out[n++];
        i->row = col_long(st, 0);
        i->line = col_long(st, 1);
        col_copy(i->record_id, sizeof i->record_id, st, 2);
        col_copy(i->field, sizeof i->field, st, 3);
        col_copy(i->value, sizeof i->value, st, 4);
        col_copy(i->rule, sizeof i->rule, st, 5);
        col_copy(i->severity, sizeof i->severity, st, 6);
    }
    if (n < limit && rc != SQLITE_DONE) {
        db_fail(d, "issues");
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}
