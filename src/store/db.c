/* db.c - open SQLite, apply migrations, small helpers (see db.h). */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "embedded.h"

#define MIGRATION_PREFIX "src/store/migrations/"

/* SQL function passerelle_fold(text): text_fold() for comparisons in SQL. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    char out[512];
    size_t n = text_fold(s, out, sizeof out);
    sqlite3_result_text(ctx, out, (int)n, SQLITE_TRANSIENT);
}

int db_fail(struct db *d, const char *what)
{
    snprintf(d->err, sizeof d->err, "%s: %s", what, d->h ? sqlite3_errmsg(d->h) : "no database");
    return -1;
}

int db_exec(struct db *d, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(d->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(d->err, sizeof d->err, "%s", msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int db_begin(struct db *d)
{
    return db_exec(d, "BEGIN IMMEDIATE");
}

int db_commit(struct db *d)
{
    return db_exec(d, "COMMIT");
}

void db_rollback(struct db *d)
{
    if (sqlite3_get_autocommit(d->h))
        return;
    char keep[sizeof d->err];
    memcpy(keep, d->err, sizeof keep);
    db_exec(d, "ROLLBACK");
    memcpy(d->err, keep, sizeof keep);
}

sqlite3_stmt *db_prepare(struct db *d, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(d, "prepare");
        return NULL;
    }
    return st;
}

sqlite3_stmt *db_prepare_cached(struct db *d, const char *sql)
{
    int victim = -1;
    for (int i = 0; i < DB_STMT_CACHE; i++) {
        struct db_cached_stmt *c = &d->cache[i];
        if (c->sql && !c->busy && strcmp(c->sql, sql) == 0) {
            c->busy = 1;
            c->used = ++d->clock;
            return c->st;
        }
        if (!c->busy && (victim < 0 || !c->sql || (d->cache[victim].sql && c->used < d->cache[victim].used)))
            victim = i;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        db_fail(d, "prepare");
        return NULL;
    }
    char *copy = victim >= 0 ? strdup(sql) : NULL;
    if (!copy)
        return st; /* not cached: db_release() finalizes it */
    struct db_cached_stmt *c = &d->cache[victim];
    sqlite3_finalize(c->st);
    free(c->sql);
    *c = (struct db_cached_stmt){copy, st, 1, ++d->clock};
    return st;
}

void db_release(struct db *d, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < DB_STMT_CACHE; i++) {
        if (d->cache[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            d->cache[i].busy = 0;
            return;
        }
    }
    sqlite3_finalize(st);
}

int db_collect(struct db *d, sqlite3_stmt *st, void **v, size_t *n, size_t elem,
               void (*fill)(sqlite3_stmt *st, void *element))
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            void *p = realloc(*v, nc * elem);
            if (!p) {
                snprintf(d->err, sizeof d->err, "out of memory");
                rc = SQLITE_NOMEM;
                break;
            }
            *v = p;
            cap = nc;
        }
        fill(st, (char *)*v + *n * elem);
        (*n)++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_NOMEM)
        db_fail(d, "collect rows");
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*v);
        *v = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

static void fill_id(sqlite3_stmt *st, void *element)
{
    *(long long *)element = sqlite3_column_int64(st, 0);
}

int db_collect_ids(struct db *d, const char *sql, long long **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st = db_prepare(d, sql);
    return st ? db_collect(d, st, (void **)ids, n, sizeof **ids, fill_id) : -1;
}

void db_col_copy(sqlite3_stmt *st, int c, char *out, size_t n)
{
    const char *v = (const char *)sqlite3_column_text(st, c);
    snprintf(out, n, "%s", v ? v : "");
}

int db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s || !*s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int db_schema_version(void)
{
    int n = 0;
    for (size_t i = 0; i < embedded_count; i++)
        if (strncmp(embedded_files[i].name, MIGRATION_PREFIX, strlen(MIGRATION_PREFIX)) == 0)
            n++;
    return n;
}

/* Apply migration number `version` (1-based, in name order) if present. */
static int apply_migration(struct db *d, int version)
{
    int seen = 0;
    for (size_t i = 0; i < embedded_count; i++) {
        const struct embedded_file *f = &embedded_files[i];
        if (strncmp(f->name, MIGRATION_PREFIX, strlen(MIGRATION_PREFIX)) != 0)
            continue;
        if (++seen != version)
            continue;
        if (db_begin(d) < 0)
            return -1;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
        if (db_exec(d, (const char *)f->data) < 0 || db_exec(d, pragma) < 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s", d->err);
            db_rollback(d);
            snprintf(d->err, sizeof d->err, "migration %s: %s", f->name, msg);
            return -1;
        }
        return db_commit(d);
    }
    snprintf(d->err, sizeof d->err, "migration %d not found", version);
    return -1;
}

static int current_version(struct db *d)
{
    sqlite3_stmt *st = db_prepare(d, "PRAGMA user_version");
    if (!st)
        return -1;
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

int db_open(struct db *d, const char *path, int readonly)
{
    memset(d, 0, sizeof *d);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &d->h, flags, NULL) != SQLITE_OK) {
        db_fail(d, path);
        db_close(d);
        return -1;
    }
    sqlite3_busy_timeout(d->h, 10000);
    if (sqlite3_create_function(d->h, "passerelle_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_fold, NULL, NULL) != SQLITE_OK) {
        db_fail(d, "create function");
        goto fail;
    }
    sqlite3_extended_result_codes(d->h, 1);
    if (!readonly && db_exec(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL") < 0)
        goto fail;
    if (db_exec(d, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                   "PRAGMA cache_size=-32768; PRAGMA mmap_size=268435456") < 0)
        goto fail;
    int have = current_version(d), want = db_schema_version();
    if (have < 0)
        goto fail;
    if (have > want) {
        snprintf(d->err, sizeof d->err,
                 "database schema version %d is newer than this program (%d)", have, want);
        goto fail;
    }
    if (readonly && have < want) {
        snprintf(d->err, sizeof d->err, "database schema version %d, program needs %d: "
                 "open it once read-write to migrate", have, want);
        goto fail;
    }
    for (int v = have + 1; v <= want; v++)
        if (apply_migration(d, v) < 0)
            goto fail;
    return 0;
fail:;
    char keep[sizeof d->err];
    memcpy(keep, d->err, sizeof keep);
    db_close(d);
    memcpy(d->err, keep, sizeof keep);
    return -1;
}

void db_close(struct db *d)
{
    for (int i = 0; i < DB_EXT__COUNT; i++) {
        if (d->ext[i] && d->ext_free[i])
            d->ext_free[i](d->ext[i]);
        d->ext[i] = NULL;
    }
    for (int i = 0; i < DB_STMT_CACHE; i++) {
        sqlite3_finalize(d->cache[i].st);
        free(d->cache[i].sql);
        d->cache[i].st = NULL;
        d->cache[i].sql = NULL;
    }
    if (d->h)
        sqlite3_close_v2(d->h);
    d->h = NULL;
}

int db_meta_set(struct db *d, const char *key, const char *value)
{
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(d, "meta");
    sqlite3_finalize(st);
    return rc;
}

char *db_meta_get(struct db *d, const char *key)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT value FROM meta WHERE key = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}
