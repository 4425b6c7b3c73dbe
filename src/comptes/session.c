/* session.c - sessions and login throttling (see session.h). */
#include "comptes/session.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "comptes/comptes.h"
#include "comptes/lien.h"

static int token_ok(const char *cookie)
{
    return cookie && strlen(cookie) == 43;
}

int session_create(struct db *d, long long compte_id, int mfa_ok, const char *peer, time_t now,
                   char cookie[SESSION_TOKEN_LEN])
{
    unsigned char h[32];
    lien_random_token(cookie);
    lien_hash(cookie, h);
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO session (hash, compte_id, created_at, vu_at, mfa_ok, peer) "
           "VALUES (?1, ?2, ?3, ?3, ?4, ?5)");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, compte_id);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
    sqlite3_bind_int(st, 4, mfa_ok);
    db_bind_text(st, 5, peer);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "session create");
    /* Housekeeping: sessions past their absolute end. */
    st = db_prepare_cached(d, "DELETE FROM session WHERE created_at < ?1 OR vu_at < ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - SESSION_ABSOLUTE));
    sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - SESSION_IDLE));
    rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "session purge");
}

static int by_hash(struct db *d, const char *sql, const unsigned char h[32])
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "session write");
}

int session_get(struct db *d, const char *cookie, time_t now, struct session_info *out)
{
    if (!token_ok(cookie))
        return 0;
    unsigned char h[32];
    lien_hash(cookie, h);
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT compte_id, mfa_ok, created_at, vu_at FROM session WHERE hash = ?1");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->compte_id = sqlite3_column_int64(st, 0);
        out->mfa_ok = sqlite3_column_int(st, 1);
        out->created_at = (time_t)sqlite3_column_int64(st, 2);
        out->vu_at = (time_t)sqlite3_column_int64(st, 3);
    }
    db_release(d, st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(d, "session get");
    if (now - out->vu_at > SESSION_IDLE || now - out->created_at > SESSION_ABSOLUTE ||
        now < out->created_at - 60) {
        if (by_hash(d, "DELETE FROM session WHERE hash = ?1", h) < 0)
            return -1;
        return 0;
    }
    if (now - out->vu_at >= 60) {
        st = db_prepare_cached(d, "UPDATE session SET vu_at = ?2 WHERE hash = ?1");
        if (!st)
            return -1;
        sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
        rc = sqlite3_step(st);
        db_release(d, st);
        if (rc != SQLITE_DONE)
            return db_fail(d, "session touch");
        out->vu_at = now;
    }
    return 1;
}

int session_actor(struct db *d, const char *cookie, time_t now, struct actor *a)
{
    struct session_info si;
    int r = session_get(d, cookie, now, &si);
    if (r <= 0)
        return r;
    if (!si.mfa_ok)
        return 0;
    return comptes_actor(d, si.compte_id, a);
}

int session_mark_mfa(struct db *d, const char *cookie)
{
    if (!token_ok(cookie))
        return 0;
    unsigned char h[32];
    lien_hash(cookie, h);
    return by_hash(d, "UPDATE session SET mfa_ok = 1 WHERE hash = ?1", h);
}

int session_delete(struct db *d, const char *cookie)
{
    if (!token_ok(cookie))
        return 0;
    unsigned char h[32];
    lien_hash(cookie, h);
    return by_hash(d, "DELETE FROM session WHERE hash = ?1", h);
}

int session_delete_all(struct db *d, long long compte_id, const char *keep)
{
    unsigned char h[32] = {0};
    if (token_ok(keep))
        lien_hash(keep, h);
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM session WHERE compte_id = ?1 AND hash <> ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, compte_id);
    sqlite3_bind_blob(st, 2, h, sizeof h, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "session delete all");
}

/* ---- throttling ---- */

static void account_key(const char *email, char *out, size_t n)
{
    char norm[128];
    if (comptes_normalize_email(email, norm, sizeof norm) < 0) {
        /* not an address: count it under its (bounded) raw form */
        size_t k = 0;
        for (const char *p = email; *p && k < sizeof norm - 1; p++)
            norm[k++] = (char)tolower((unsigned char)*p);
        norm[k] = 0;
    }
    snprintf(out, n, "compte:%s", norm);
}

static long count_since(struct db *d, const char *key, time_t since)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT count(*) FROM connexion_echec "
                                            "WHERE cle = ?1 AND at > ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    db_release(d, st);
    return n < 0 ? db_fail(d, "throttle count") : n;
}

int throttle_blocked(struct db *d, const char *email, const char *peer, time_t now)
{
    char key[200];
    account_key(email, key, sizeof key);
    long a = count_since(d, key, now - THROTTLE_WINDOW);
    if (a < 0)
        return -1;
    if (a >= THROTTLE_ACCOUNT)
        return 1;
    snprintf(key, sizeof key, "ip:%s", peer ? peer : "?");
    long p = count_since(d, key, now - THROTTLE_WINDOW);
    if (p < 0)
        return -1;
    return p >= THROTTLE_ADDRESS;
}

static int add_failure(struct db *d, const char *key, time_t now)
{
    sqlite3_stmt *st = db_prepare_cached(d, "INSERT INTO connexion_echec (cle, at) VALUES (?1, ?2)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "throttle failure");
}

int throttle_failure(struct db *d, const char *email, const char *peer, time_t now)
{
    char key[200];
    account_key(email, key, sizeof key);
    if (add_failure(d, key, now) < 0)
        return -1;
    snprintf(key, sizeof key, "ip:%s", peer ? peer : "?");
    if (add_failure(d, key, now) < 0)
        return -1;
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM connexion_echec WHERE at < ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - 24 * 3600));
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "throttle purge");
}

int throttle_success(struct db *d, const char *email)
{
    char key[200];
    account_key(email, key, sizeof key);
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM connexion_echec WHERE cle = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "throttle success");
}
