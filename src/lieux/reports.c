/* reports.c - read-only listings for pages and API (see reports.h). */
#include "lieux/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *col_dup(sqlite3_stmt *st, int c)
{
    const char *s = (const char *)sqlite3_column_text(st, c);
    return strdup(s ? s : "");
}

/* Grow *v (element size sz) to hold n+1 elements. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, c * sz);
    if (!p)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

static int oom(struct db *d, sqlite3_stmt *st)
{
    sqlite3_finalize(st);
    snprintf(d->err, sizeof d->err, "out of memory");
    return -1;
}

int lieux_members(struct db *d, long long lieu_id, struct lieux_members *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(d, "SELECT s.source_name, s.source_id, s.date_maj FROM "
                                     "lieu_membre m JOIN lieu_source s ON s.rowid = m.source_rowid "
                                     "WHERE m.lieu_id = ?1 ORDER BY s.date_maj DESC, s.rowid");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, lieu_id);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (grow((void **)&out->v, &cap, out->n, sizeof *out->v) < 0)
            return oom(d, st);
        struct lieux_member *m = &out->v[out->n++];
        m->source = col_dup(st, 0);
        m->id = col_dup(st, 1);
        m->date_maj = col_dup(st, 2);
    }
    sqlite3_finalize(st);
    return 0;
}

void lieux_members_free(struct lieux_members *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].source);
        free(m->v[i].id);
        free(m->v[i].date_maj);
    }
    free(m->v);
    memset(m, 0, sizeof *m);
}

/* Column of table lieu holding a territory level, or NULL. */
static const char *level_column(const char *niveau)
{
    static const char *const names[] = {"commune", "epci", "departement", "region"};
    static const char *const cols[] = {"commune_code", "epci", "departement", "region"};
    for (int i = 0; niveau && i < 4; i++)
        if (strcmp(niveau, names[i]) == 0)
            return cols[i];
    return NULL;
}

long lieux_count_in(struct db *d, const char *niveau, const char *code)
{
    const char *col = level_column(niveau);
    char sql[160];
    if (col)
        snprintf(sql, sizeof sql, "SELECT count(*) FROM lieu WHERE prive = 0 AND %s = ?1", col);
    else
        snprintf(sql, sizeof sql, "SELECT count(*) FROM lieu WHERE prive = 0");
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    if (col)
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    if (n < 0)
        db_fail(d, "count");
    sqlite3_finalize(st);
    return n;
}

int lieux_counts_by(struct db *d, const char *niveau, char (**codes)[10], long **counts, size_t *n)
{
    *codes = NULL;
    *counts = NULL;
    *n = 0;
    const char *col = level_column(niveau);
    if (!col) {
        snprintf(d->err, sizeof d->err, "unknown level");
        return -1;
    }
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s, count(*) FROM lieu WHERE prive = 0 AND %s IS NOT NULL "
             "GROUP BY %s", col, col, col);
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    size_t cap = 0, cap2 = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (grow((void **)codes, &cap, *n, sizeof **codes) < 0 ||
            grow((void **)counts, &cap2, *n, sizeof **counts) < 0)
            return oom(d, st);
        const char *c = (const char *)sqlite3_column_text(st, 0);
        snprintf((*codes)[*n], 10, "%s", c ? c : "");
        (*counts)[*n] = (long)sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
    return 0;
}

int lieux_dedup_pairs(struct db *d, int page, int per_page, struct dedup_pairs_page *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(d, "SELECT count(*) FROM dedup_pair");
    if (!st)
        return -1;
    out->total = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    st = db_prepare(
        d, "SELECT p.score, p.nom_score, p.voie_score, p.distance_score, p.decision, "
           "a.source_name, a.source_id, a.nom, a.adresse, ma.lieu_id, "
           "b.source_name, b.source_id, b.nom, b.adresse, mb.lieu_id "
           "FROM dedup_pair p JOIN lieu_source a ON a.rowid = p.a JOIN lieu_source b ON b.rowid = p.b "
           "LEFT JOIN lieu_membre ma ON ma.source_rowid = p.a "
           "LEFT JOIN lieu_membre mb ON mb.source_rowid = p.b "
           "ORDER BY p.score DESC, p.a, p.b LIMIT ?1 OFFSET ?2");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, per_page);
    sqlite3_bind_int64(st, 2, (long long)(page - 1) * per_page);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (grow((void **)&out->v, &cap, out->n, sizeof *out->v) < 0)
            return oom(d, st);
        struct dedup_pair_row *r = &out->v[out->n++];
        r->score = sqlite3_column_int(st, 0);
        r->nom = sqlite3_column_int(st, 1);
        r->voie = sqlite3_column_int(st, 2);
        r->distance = sqlite3_column_int(st, 3);
        r->decision = col_dup(st, 4);
        for (int k = 0; k < 2; k++) {
            r->side[k].source = col_dup(st, 5 + 5 * k);
            r->side[k].id = col_dup(st, 6 + 5 * k);
            r->side[k].nom = col_dup(st, 7 + 5 * k);
            r->side[k].adresse = col_dup(st, 8 + 5 * k);
            r->side[k].lieu_id = sqlite3_column_int64(st, 9 + 5 * k);
        }
    }
    sqlite3_finalize(st);
    return 0;
}

void lieux_dedup_pairs_free(struct dedup_pairs_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].decision);
        for (int k = 0; k < 2; k++) {
            free(p->v[i].side[k].source);
            free(p->v[i].side[k].id);
            free(p->v[i].side[k].nom);
            free(p->v[i].side[k].adresse);
        }
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}

int lieux_import_runs(struct db *d, struct import_runs *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(d, "SELECT id, source, file, format, encoding, started_at, rows, "
                                     "imported, rejected, unchanged, retired FROM import_run "
                                     "ORDER BY id DESC LIMIT 200");
    if (!st)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (grow((void **)&out->v, &cap, out->n, sizeof *out->v) < 0)
            return oom(d, st);
        struct import_run_row *r = &out->v[out->n++];
        r->id = sqlite3_column_int64(st, 0);
        r->source = col_dup(st, 1);
        r->file = col_dup(st, 2);
        r->format = col_dup(st, 3);
        r->encoding = col_dup(st, 4);
        r->started_at = col_dup(st, 5);
        r->rows = sqlite3_column_int(st, 6);
        r->imported = sqlite3_column_int(st, 7);
        r->rejected = sqlite3_column_int(st, 8);
        r->unchanged = sqlite3_column_int(st, 9);
        r->retired = sqlite3_column_int(st, 10);
    }
    sqlite3_finalize(st);
    return 0;
}

void lieux_import_runs_free(struct import_runs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].source);
        free(r->v[i].file);
        free(r->v[i].format);
        free(r->v[i].encoding);
        free(r->v[i].started_at);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

int lieux_import_issues(struct db *d, long long run, int page, int per_page,
                        struct import_issues *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(d, "SELECT count(*) FROM import_issue WHERE import_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    out->total = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    st = db_prepare(d, "SELECT row, line, record_id, field, value, rule, severity FROM import_issue "
                       "WHERE import_id = ?1 ORDER BY rowid LIMIT ?2 OFFSET ?3");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int(st, 2, per_page);
    sqlite3_bind_int64(st, 3, (long long)(page - 1) * per_page);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (grow((void **)&out->v, &cap, out->n, sizeof *out->v) < 0)
            return oom(d, st);
        struct import_issue_row *r = &out->v[out->n++];
        r->row = sqlite3_column_int(st, 0);
        r->line = sqlite3_column_int(st, 1);
        r->record_id = col_dup(st, 2);
        r->field = col_dup(st, 3);
        r->value = col_dup(st, 4);
        r->rule = col_dup(st, 5);
        r->severity = col_dup(st, 6);
    }
    sqlite3_finalize(st);
    return 0;
}

void lieux_import_issues_free(struct import_issues *is)
{
    for (size_t i = 0; i < is->n; i++) {
        free(is->v[i].record_id);
        free(is->v[i].field);
        free(is->v[i].value);
        free(is->v[i].rule);
        free(is->v[i].severity);
    }
    free(is->v);
    memset(is, 0, sizeof *is);
}

int lieux_report_print(struct db *d, long run, FILE *out)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT r.id, r.file, i.row, i.line, i.record_id, i.field, i.value, i.rule, i.severity "
           "FROM import_run r JOIN import_issue i ON i.import_id = r.id "
           "WHERE r.id = CASE WHEN ?1 > 0 THEN ?1 ELSE (SELECT max(id) FROM import_run) END "
           "ORDER BY i.rowid");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    fprintf(out, "run\tfichier\tligne_donnees\tligne_fichier\tid\tchamp\tvaleur\tregle\tgravite\n");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < 9; c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            fprintf(out, "%s%s", c ? "\t" : "", v ? v : "");
        }
        fputc('\n', out);
    }
    int ok = rc == SQLITE_DONE ? 0 : db_fail(d, "import report");
    sqlite3_finalize(st);
    return ok;
}
