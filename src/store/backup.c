/* backup.c - online backup and restore (see backup.h). */
#include "store/backup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy from `src` to `dst` (main databases) in steps of 256 pages,
 * sleeping a little when the source is busy. */
static int copy(sqlite3 *dst, sqlite3 *src, int *pages, char *err, size_t n)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        snprintf(err, n, "backup: %s", sqlite3_errmsg(dst));
        return -1;
    }
    int rc;
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    if (pages)
        *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, n, "backup step: %s", sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

static int integrity(sqlite3 *h, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, n, "integrity check: %s", sqlite3_errmsg(h));
        return -1;
    }
    int ok = sqlite3_step(st) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    if (!ok)
        snprintf(err, n, "integrity check failed: %s",
                 sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "?");
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

static int schema_version(sqlite3 *h)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int db_backup(struct db *d, const char *path, int *pages)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        snprintf(d->err, sizeof d->err, "%s exists already: choose a new file", path);
        return -1;
    }
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(d->err, sizeof d->err, "%s: %s", path, dst ? sqlite3_errmsg(dst) : "cannot open");
        sqlite3_close(dst);
        return -1;
    }
    int rc = copy(dst, d->h, pages, d->err, sizeof d->err);
    if (rc == 0)
        rc = integrity(dst, d->err, sizeof d->err);
    sqlite3_close(dst);
    if (rc < 0)
        unlink(path);
    return rc;
}

static sqlite3 *open_copy(struct db *d, const char *path)
{
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(d->err, sizeof d->err, "%s: %s", path, h ? sqlite3_errmsg(h) : "cannot open");
        sqlite3_close(h);
        return NULL;
    }
    return h;
}

int db_check_copy(struct db *d, const char *path)
{
    sqlite3 *h = open_copy(d, path);
    if (!h)
        return -1;
    int rc = integrity(h, d->err, sizeof d->err);
    int v = rc == 0 ? schema_version(h) : -1;
    if (rc == 0 && (v < 1 || v > db_schema_version())) {
        snprintf(d->err, sizeof d->err, "%s: schema version %d, this program knows 1 to %d", path,
                 v, db_schema_version());
        rc = -1;
    }
    sqlite3_close(h);
    return rc;
}

int db_restore(struct db *d, const char *path)
{
    if (db_check_copy(d, path) < 0)
        return -1;
    sqlite3 *src = open_copy(d, path);
    if (!src)
        return -1;
    int rc = copy(d->h, src, NULL, d->err, sizeof d->err);
    sqlite3_close(src);
    return rc;
}
