/* db.h - the embedded SQLite database: opening, migrations, transactions.
 *
 * db_open() opens (or creates) the file, turns on WAL and foreign keys, and
 * applies every migration of src/store/migrations/ (built into the binary)
 * not yet recorded in `PRAGMA user_version`, each in its own transaction.
 * Domain modules own their SQL (lieux/lieux_store.c, territoires/...) and
 * reach SQLite only through the handle and helpers here; every statement is
 * parameterised. A PostgreSQL backend would replace the *_store.c files.
 *
 * Ownership: db_open() returns a handle released with db_close(). Errors
 * are reported as -1 with a message in db->err (English, for logs). */
#ifndef STORE_DB_H
#define STORE_DB_H
#include <sqlite3.h>
#include <stddef.h>

#define DB_STMT_CACHE 64

/* Slots for a domain's per-connection cache (e.g. the places' spatial
 * index), released by db_close() with their free function. */
enum db_ext { DB_EXT_LIEUX_GEO, DB_EXT_RESOLVER, DB_EXT_DIAGNOSTIC, DB_EXT__COUNT };

struct db {
    sqlite3 *h;
    char err[256];
    struct db_cached_stmt {
        char *sql;
        sqlite3_stmt *st;
        int busy;
        unsigned long used;
    } cache[DB_STMT_CACHE];
    unsigned long clock;
    void *ext[DB_EXT__COUNT];
    void (*ext_free[DB_EXT__COUNT])(void *);
};

/* Open `path` (":memory:" allowed). Returns 0 or -1 with d->err set; on
 * failure the handle is closed already. `readonly` opens without writing
 * (no migrations; fails if the schema is older than the binary). */
int db_open(struct db *d, const char *path, int readonly);
void db_close(struct db *d);

/* Run SQL without parameters (schema, pragmas, transactions). */
int db_exec(struct db *d, const char *sql);
int db_begin(struct db *d);      /* BEGIN IMMEDIATE */
int db_commit(struct db *d);
void db_rollback(struct db *d);  /* cannot fail visibly; logs into d->err */

/* Prepare a statement; returns NULL with d->err set on error. */
sqlite3_stmt *db_prepare(struct db *d, const char *sql);
/* A prepared statement kept for reuse on this connection (hot paths:
 * searches run the same SQL again and again). The statement is lent to the
 * caller until db_release(), which resets it and clears its bindings.
 * Returns NULL with d->err set on error. */
sqlite3_stmt *db_prepare_cached(struct db *d, const char *sql);
void db_release(struct db *d, sqlite3_stmt *st);

/* Record sqlite's current error message into d->err with a prefix; returns -1. */
int db_fail(struct db *d, const char *what);

/* Key/value settings stored in the `meta` table. db_meta_get returns a
 * malloc'd copy (free()) or NULL when absent. */
int db_meta_set(struct db *d, const char *key, const char *value);
char *db_meta_get(struct db *d, const char *key);

/* Step through `st` (prepared and bound; finalized here) and append one
 * element of `elem` bytes per row to the growable array *v (count *n,
 * both zero at first), each filled by fill(st, element) from the current
 * row. Returns 0, or -1 with d->err on a database error or out of memory
 * (*v is then freed and NULL, *n 0). */
int db_collect(struct db *d, sqlite3_stmt *st, void **v, size_t *n, size_t elem,
               void (*fill)(sqlite3_stmt *st, void *element));
/* The integers of the first column of `sql` (no parameters), in a
 * malloc'd array *ids (free()) of *n. 0, or -1 with d->err. */
int db_collect_ids(struct db *d, const char *sql, long long **ids, size_t *n);
/* Copy text column c of the current row into out[n] ("" for NULL). */
void db_col_copy(sqlite3_stmt *st, int c, char *out, size_t n);
/* Bind a UTF-8 text, or NULL when s is NULL or empty. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Number of migrations built into the binary (= schema version). */
int db_schema_version(void);

#endif
