/* cache.c - rendered fragments kept between requests (see cache.h). */
#include "store/cache.h"

#include <stdlib.h>
#include <string.h>

char *cache_get(struct db *d, const char *key, size_t *len)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT contenu FROM rendu_cache WHERE cle = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        v = malloc((size_t)n + 1);
        if (v) {
            if (n)
                memcpy(v, sqlite3_column_blob(st, 0), (size_t)n);
            v[n] = 0;
            *len = (size_t)n;
        }
    }
    sqlite3_finalize(st);
    return v;
}

int cache_put(struct db *d, const char *key, const char *data, size_t len)
{
    sqlite3_stmt *st = db_prepare(d, "INSERT OR REPLACE INTO rendu_cache(cle, contenu, created_at) "
                                     "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(d, "cache");
    sqlite3_finalize(st);
    return rc;
}

int cache_clear(struct db *d)
{
    return db_exec(d, "DELETE FROM rendu_cache");
}
