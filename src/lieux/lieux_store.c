/* lieux_store.c - SQL of the lieux import (see lieux_store.h). */
#include "lieux/lieux_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int lieux_store_read_row(sqlite3_stmt *st, int col, struct lieu *l)
{
    lieu_clear(l);
    for (int f = 0; f < LF__COUNT; f++) {
        const char *v = (const char *)sqlite3_column_text(st, col + f);
        if (v && *v && lieu_set(l, (enum lieu_field)f, v) < 0)
            return -1;
    }
    if (l->f[LF_LATITUDE] && l->f[LF_LONGITUDE]) {
        l->lat = strtod(l->f[LF_LATITUDE], NULL);
        l->lon = strtod(l->f[LF_LONGITUDE], NULL);
        l->has_coords = 1;
    }
    return 0;
}

int lieux_writer_open(struct lieux_writer *w, struct db *d, const char *source, const char *file,
                      const char *format, const char *encoding, const char *now)
{
    memset(w, 0, sizeof *w);
    w->d = d;
    w->source = source;
    snprintf(w->now, sizeof w->now, "%s", now);
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO import_run(source, file, format, encoding, "
                                     "started_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, format, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, encoding, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "import_run");
    w->run_id = (long)sqlite3_last_insert_rowid(d->h);

    struct buf sql = BUF_INIT, vals = BUF_INIT, set = BUF_INIT;
    for (int f = 0; f < LF__COUNT; f++) {
        const char *n = lieu_field_info((enum lieu_field)f)->name;
        buf_printf(&vals, ", ?%d", f + 4);
        buf_printf(&set, "%s = excluded.%s, ", n, n);
    }
    buf_printf(&sql,
               "INSERT INTO lieu_source(source_name, source_id, row_hash, %s, lat, lon, "
               "import_id, first_seen, last_seen, commune_code) "
               "VALUES (?1, ?2, ?3%s, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d) "
               "ON CONFLICT(source_name, source_id) DO UPDATE SET %s row_hash = excluded.row_hash, "
               "lat = excluded.lat, lon = excluded.lon, import_id = excluded.import_id, "
               "last_seen = excluded.last_seen, retired_at = NULL, "
               "commune_code = excluded.commune_code",
               LIEUX_COLUMNS, vals.s, LF__COUNT + 4, LF__COUNT + 5, LF__COUNT + 6,
               LF__COUNT + 7, LF__COUNT + 7, LF__COUNT + 8, set.s);
    int bad = sql.oom || vals.oom || set.oom;
    if (!bad)
        w->upsert = db_prepare(d, sql.s);
    buf_free(&sql);
    buf_free(&vals);
    buf_free(&set);
    if (bad) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    w->get_hash = db_prepare(d, "SELECT row_hash, retired_at IS NOT NULL FROM lieu_source "
                                "WHERE source_name = ?1 AND source_id = ?2");
    w->touch = db_prepare(d, "UPDATE lieu_source SET import_id = ?3, last_seen = ?4 "
                             "WHERE source_name = ?1 AND source_id = ?2");
    w->issue = db_prepare(d, "INSERT INTO import_issue(import_id, row, line, record_id, field, "
                             "value, rule, severity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!w->upsert || !w->get_hash || !w->touch || !w->issue)
        return -1;
    return 0;
}

int lieux_writer_upsert(struct lieux_writer *w, const struct lieu *l, const char *hash,
                        const char *commune_code, enum lieux_upsert_result *res)
{
    const char *id = lieu_get(l, LF_ID);
    sqlite3_reset(w->get_hash);
    sqlite3_bind_text(w->get_hash, 1, w->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->get_hash, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(w->get_hash);
    int exists = rc == SQLITE_ROW;
    if (exists && sqlite3_column_int(w->get_hash, 1) == 0 &&
        strcmp((const char *)sqlite3_column_text(w->get_hash, 0), hash) == 0) {
        sqlite3_reset(w->get_hash);
        *res = LIEUX_UNCHANGED;
        sqlite3_reset(w->touch);
        sqlite3_bind_text(w->touch, 1, w->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->touch, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(w->touch, 3, w->run_id);
        sqlite3_bind_text(w->touch, 4, w->now, -1, SQLITE_STATIC);
        return sqlite3_step(w->touch) == SQLITE_DONE ? 0 : db_fail(w->d, "touch");
    }
    sqlite3_reset(w->get_hash);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(w->d, "lookup");
    *res = exists ? LIEUX_UPDATED : LIEUX_NEW;
    sqlite3_stmt *st = w->upsert;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, w->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    for (int f = 0; f < LF__COUNT; f++)
        db_bind_text(st, f + 4, l->f[f]);
    if (l->has_coords) {
        sqlite3_bind_double(st, LF__COUNT + 4, l->lat);
        sqlite3_bind_double(st, LF__COUNT + 5, l->lon);
    } else {
        sqlite3_bind_null(st, LF__COUNT + 4);
        sqlite3_bind_null(st, LF__COUNT + 5);
    }
    sqlite3_bind_int64(st, LF__COUNT + 6, w->run_id);
    sqlite3_bind_text(st, LF__COUNT + 7, w->now, -1, SQLITE_STATIC);
    db_bind_text(st, LF__COUNT + 8, commune_code);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(w->d, "upsert lieu_source");
}

static const char *severity_name(enum lieu_severity s)
{
    switch (s) {
    case LIEU_FIXED: return "corrigé";
    case LIEU_DROPPED: return "valeur écartée";
    case LIEU_REJECTED: return "ligne rejetée";
    }
    return "?";
}

int lieux_writer_issue(struct lieux_writer *w, long row, long line, const char *record_id,
                       const struct lieu_issue *is)
{
    sqlite3_stmt *st = w->issue;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, w->run_id);
    sqlite3_bind_int64(st, 2, row);
    sqlite3_bind_int64(st, 3, line);
    db_bind_text(st, 4, record_id);
    if (is->field >= 0)
        sqlite3_bind_text(st, 5, lieu_field_info((enum lieu_field)is->field)->name, -1,
                          SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, is->value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, is->rule, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, severity_name(is->severity), -1, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(w->d, "import_issue");
}

static int exec_run(struct lieux_writer *w, const char *sql, long *changes)
{
    sqlite3_stmt *st = db_prepare(w->d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, w->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->run_id);
    sqlite3_bind_text(st, 3, w->now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(w->d, "update");
    if (changes)
        *changes = sqlite3_changes(w->d->h);
    return 0;
}

int lieux_writer_retire_unseen(struct lieux_writer *w, long *n)
{
    return exec_run(w, "UPDATE lieu_source SET retired_at = ?3 WHERE source_name = ?1 "
                       "AND import_id IS NOT ?2 AND retired_at IS NULL", n);
}

int lieux_writer_count_unresolved(struct lieux_writer *w, long *unresolved)
{
    sqlite3_stmt *st = db_prepare(w->d, "SELECT count(*) FROM lieu_source INDEXED BY "
                                        "lieu_source_commune WHERE commune_code IS NULL "
                                        "AND source_name = ?1 AND import_id = ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, w->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->run_id);
    *unresolved = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}

int lieux_writer_each_unresolved(struct lieux_writer *w,
                                 int (*fn)(void *ctx, const struct unresolved_row *row),
                                 void *ctx)
{
    sqlite3_stmt *st = db_prepare(w->d, "SELECT rowid, commune, code_postal, lat, lon "
                                        "FROM lieu_source INDEXED BY lieu_source_commune "
                                        "WHERE commune_code IS NULL "
                                        "AND source_name = ?1 AND import_id = ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, w->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->run_id);
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        struct unresolved_row r = {
            sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), sqlite3_column_double(st, 3),
            sqlite3_column_double(st, 4), sqlite3_column_type(st, 3) != SQLITE_NULL};
        rc = fn(ctx, &r);
    }
    sqlite3_finalize(st);
    return rc;
}

int lieux_writer_set_commune(struct lieux_writer *w, long long rowid, const char *code)
{
    sqlite3_stmt *st = db_prepare(w->d, "UPDATE lieu_source SET commune_code = ?2 WHERE rowid = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, rowid);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(w->d, "set commune");
    sqlite3_finalize(st);
    return rc;
}

void lieux_writer_discard(struct lieux_writer *w)
{
    sqlite3_finalize(w->get_hash);
    sqlite3_finalize(w->upsert);
    sqlite3_finalize(w->touch);
    sqlite3_finalize(w->issue);
    w->get_hash = w->upsert = w->touch = w->issue = NULL;
}

int lieux_writer_close(struct lieux_writer *w, long rows, long imported, long rejected,
                       long unchanged, long retired)
{
    lieux_writer_discard(w);
    sqlite3_stmt *st = db_prepare(w->d, "UPDATE import_run SET finished_at = ?2, rows = ?3, "
                                        "imported = ?4, rejected = ?5, unchanged = ?6, "
                                        "retired = ?7 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, w->run_id);
    sqlite3_bind_text(st, 2, w->now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rows);
    sqlite3_bind_int64(st, 4, imported);
    sqlite3_bind_int64(st, 5, rejected);
    sqlite3_bind_int64(st, 6, unchanged);
    sqlite3_bind_int64(st, 7, retired);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(w->d, "import_run");
}

int lieux_store_retire_source(struct db *d, const char *source, long *n)
{
    sqlite3_stmt *st = db_prepare(d, "UPDATE lieu_source SET retired_at = "
                                     "strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                                     "WHERE source_name = ?1 AND retired_at IS NULL");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(d, "retire");
    *n = sqlite3_changes(d->h);
    sqlite3_finalize(st);
    return rc;
}
