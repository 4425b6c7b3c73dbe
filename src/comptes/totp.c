/* totp.c - time-based one-time codes (see totp.h). */
#include "comptes/totp.h"

#include <ctype.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "base/sha1.h"

#define STEP 30

int totp_code(const unsigned char *secret, size_t len, time_t t)
{
    uint64_t counter = (uint64_t)t / STEP;
    unsigned char msg[8], mac[20];
    for (int i = 0; i < 8; i++)
        msg[i] = (unsigned char)(counter >> (56 - 8 * i));
    hmac_sha1(secret, len, msg, sizeof msg, mac);
    int off = mac[19] & 0x0f;
    uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
                   (uint32_t)mac[off + 2] << 8 | mac[off + 3];
    return (int)(bin % 1000000);
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void totp_base32(const unsigned char secret[TOTP_SECRET_LEN], char out[TOTP_BASE32_LEN])
{
    size_t o = 0;
    uint32_t buf = 0;
    int bits = 0;
    for (size_t i = 0; i < TOTP_SECRET_LEN; i++) {
        buf = (buf << 8) | secret[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32[(buf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = b32[(buf << (5 - bits)) & 31];
    out[o] = 0;
}

int totp_base32_decode(const char *in, unsigned char *out, size_t n)
{
    uint32_t buf = 0;
    int bits = 0;
    size_t o = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '=')
            continue;
        const char *q = strchr(b32, toupper((unsigned char)*p));
        if (!q || !*q)
            return -1;
        buf = (buf << 5) | (uint32_t)(q - b32);
        bits += 5;
        if (bits >= 8) {
            if (o >= n)
                return -1;
            out[o++] = (unsigned char)(buf >> (bits - 8));
            bits -= 8;
        }
    }
    return (int)o;
}

long long totp_match(const unsigned char *secret, size_t len, const char *code, time_t t)
{
    int want = 0, digits = 0;
    for (const char *p = code; p && *p; p++) {
        if (*p == ' ')
            continue;
        if (!isdigit((unsigned char)*p) || ++digits > 6)
            return -1;
        want = want * 10 + (*p - '0');
    }
    if (digits != 6)
        return -1;
    for (int k = -1; k <= 1; k++) {
        time_t at = t + k * STEP;
        if (totp_code(secret, len, at) == want)
            return (long long)(at / STEP);
    }
    return -1;
}

int totp_enable(struct db *d, long long compte_id, const unsigned char secret[TOTP_SECRET_LEN],
                const char *code, time_t now)
{
    long long step = totp_match(secret, TOTP_SECRET_LEN, code, now);
    if (step < 0)
        return 0;
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE compte SET totp_secret = ?2, totp_dernier = ?3 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, compte_id);
    sqlite3_bind_blob(st, 2, secret, TOTP_SECRET_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, step);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 1 : db_fail(d, "totp enable");
}

int totp_disable(struct db *d, long long compte_id)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE compte SET totp_secret = NULL, totp_dernier = NULL WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, compte_id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "totp disable");
}

int totp_verify(struct db *d, long long compte_id, const char *code, time_t now)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT totp_secret, coalesce(totp_dernier, 0) FROM compte WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, compte_id);
    unsigned char secret[64];
    int len = 0;
    long long last = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_blob(st, 0)) {
        len = sqlite3_column_bytes(st, 0);
        if (len > (int)sizeof secret)
            len = (int)sizeof secret;
        memcpy(secret, sqlite3_column_blob(st, 0), (size_t)len);
        last = sqlite3_column_int64(st, 1);
    }
    db_release(d, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(d, "totp verify");
    if (len == 0)
        return 0;
    long long step = totp_match(secret, (size_t)len, code, now);
    sodium_memzero(secret, sizeof secret);
    if (step < 0 || step <= last)
        return 0;
    st = db_prepare_cached(d, "UPDATE compte SET totp_dernier = ?2 WHERE id = ?1 "
                              "AND coalesce(totp_dernier, 0) < ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, compte_id);
    sqlite3_bind_int64(st, 2, step);
    rc = sqlite3_step(st);
    int changed = sqlite3_changes(d->h);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "totp remember");
    return changed == 1;
}
