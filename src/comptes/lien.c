/* lien.c - single-use links (see lien.h). */
#include "comptes/lien.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void lien_hash(const char *token, unsigned char out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

void lien_random_token(char out[LIEN_TOKEN_LEN])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, LIEN_TOKEN_LEN, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

int lien_create(struct db *d, long long compte_id, const char *objet, time_t now,
                char token[LIEN_TOKEN_LEN])
{
    long ttl = strcmp(objet, "invitation") == 0 ? LIEN_INVITATION_TTL : LIEN_RESET_TTL;
    sqlite3_stmt *st = db_prepare_cached(
        d, "DELETE FROM lien_unique WHERE compte_id = ?1 AND objet = ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, compte_id);
    sqlite3_bind_text(st, 2, objet, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "lien void");
    unsigned char h[32];
    lien_random_token(token);
    lien_hash(token, h);
    st = db_prepare_cached(d, "INSERT INTO lien_unique (hash, compte_id, objet, expire_at) "
                              "VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, compte_id);
    sqlite3_bind_text(st, 3, objet, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)now + ttl);
    rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "lien create");
}

/* Run the fixed statement sql (?1 the hash, ?2 now, ?3 objet when not
 * NULL): a SELECT returning the id, or an UPDATE. 1 with *id for a row (or
 * one row changed), 0 for none, -1. */
static int step_link(struct db *d, const char *sql, const unsigned char h[32], time_t now,
                     const char *objet, long long *id, const char *what)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
    if (objet)
        sqlite3_bind_text(st, 3, objet, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && id)
        *id = sqlite3_column_int64(st, 0);
    int changed = sqlite3_changes(d->h);
    db_release(d, st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc != SQLITE_DONE)
        return db_fail(d, what);
    return id ? 0 : changed == 1;
}

int lien_take(struct db *d, const char *table, const char *id_column, const char *token,
              const char *objet, time_t now, int consume, long long *id)
{
    if (!token || strlen(token) != 43)
        return 0;
    unsigned char h[32];
    lien_hash(token, h);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE hash = ?1 AND utilise_at IS NULL AND "
             "expire_at > ?2%s", id_column, table, objet ? " AND objet = ?3" : "");
    int k = step_link(d, sql, h, now, objet, id, "link lookup");
    if (k <= 0 || !consume)
        return k;
    snprintf(sql, sizeof sql, "UPDATE %s SET utilise_at = ?2 WHERE hash = ?1 AND "
             "utilise_at IS NULL", table);
    return step_link(d, sql, h, now, NULL, NULL, "link use"); /* 0: a concurrent use won */
}

int lien_peek(struct db *d, const char *token, const char *objet, time_t now,
              long long *compte_id)
{
    return lien_take(d, "lien_unique", "compte_id", token, objet, now, 0, compte_id);
}

int lien_consume(struct db *d, const char *token, const char *objet, time_t now,
                 long long *compte_id)
{
    return lien_take(d, "lien_unique", "compte_id", token, objet, now, 1, compte_id);
}
