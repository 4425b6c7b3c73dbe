/* jeton.c - producers' API tokens (see jeton.h). */
#include "comptes/jeton.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "comptes/comptes.h"
#include "comptes/lien.h"

static int holds_source(const struct compte *c, const char *source)
{
    for (int i = 0; i < c->ngrants; i++)
        if (c->grants[i].role == ROLE_PRODUCTEUR && c->grants[i].portee == PORTEE_SOURCE &&
            strcmp(c->grants[i].code, source) == 0)
            return 1;
    return 0;
}

int jeton_create(struct db *d, long long compte_id, const char *source, const char *nom,
                 time_t now, char token[JETON_LEN], long long *id)
{
    struct compte c;
    int r = comptes_get(d, compte_id, &c);
    if (r < 0)
        return -1;
    if (r == 0 || !holds_source(&c, source) || strcmp(c.etat, "actif") != 0) {
        snprintf(d->err, sizeof d->err, "the account is not an active producer of this source");
        return -1;
    }
    char raw[LIEN_TOKEN_LEN], at[24];
    lien_random_token(raw);
    snprintf(token, JETON_LEN, "pas_%s", raw);
    sodium_memzero(raw, sizeof raw);
    unsigned char h[32];
    lien_hash(token, h);
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO jeton (hash, prefixe, compte_id, source, nom, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, token, 12, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, compte_id);
    sqlite3_bind_text(st, 4, source, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 5, nom);
    sqlite3_bind_text(st, 6, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "jeton create");
    *id = sqlite3_last_insert_rowid(d->h);
    return 0;
}

int jeton_revoke(struct db *d, long long id, time_t now)
{
    char at[24];
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE jeton SET revoque_at = ?2 WHERE id = ?1 AND revoque_at IS NULL");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(d->h);
    db_release(d, st);
    return rc == SQLITE_DONE ? changed == 1 : db_fail(d, "jeton revoke");
}

int jeton_actor(struct db *d, const char *token, time_t now, struct actor *a)
{
    if (!token || strlen(token) != 47 || strncmp(token, "pas_", 4) != 0)
        return 0;
    unsigned char h[32];
    lien_hash(token, h);
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT id, compte_id, source, coalesce(dernier_usage, '') FROM jeton "
           "WHERE hash = ?1 AND revoque_at IS NULL");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    long long id = 0, compte = 0;
    char source[64] = "", last[24] = "";
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        compte = sqlite3_column_int64(st, 1);
        db_col_copy(st, 2, source, sizeof source);
        db_col_copy(st, 3, last, sizeof last);
    }
    db_release(d, st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(d, "jeton lookup");
    struct actor full;
    int r = comptes_actor(d, compte, &full);
    if (r <= 0)
        return r;
    int holds = 0;
    for (int i = 0; i < full.ngrants; i++)
        if (full.grants[i].role == ROLE_PRODUCTEUR && full.grants[i].portee == PORTEE_SOURCE &&
            strcmp(full.grants[i].code, source) == 0)
            holds = 1;
    if (!holds)
        return 0;
    memset(a, 0, sizeof *a);
    a->compte_id = full.compte_id;
    snprintf(a->email, sizeof a->email, "%s", full.email);
    snprintf(a->nom, sizeof a->nom, "%s", full.nom);
    snprintf(a->profil, sizeof a->profil, "%s", full.profil);
    a->via_token = 1;
    a->jeton_id = id;
    a->ngrants = 1;
    a->grants[0] = (struct grant){ROLE_PRODUCTEUR, PORTEE_SOURCE, ""};
    snprintf(a->grants[0].code, sizeof a->grants[0].code, "%s", source);
    /* Last use, to the day: one write a day per token, not one per call. */
    char today[24];
    text_iso_time(now, today);
    if (strncmp(last, today, 10) != 0) {
        st = db_prepare_cached(d, "UPDATE jeton SET dernier_usage = ?2 WHERE id = ?1");
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
        db_release(d, st);
        if (rc != SQLITE_DONE && rc != SQLITE_BUSY)
            return db_fail(d, "jeton touch");
    }
    return 1;
}

static void read_row(sqlite3_stmt *st, struct jeton_row *j)
{
    memset(j, 0, sizeof *j);
    j->id = sqlite3_column_int64(st, 0);
    j->compte_id = sqlite3_column_int64(st, 1);
    db_col_copy(st, 2, j->prefixe, sizeof j->prefixe);
    db_col_copy(st, 3, j->source, sizeof j->source);
    db_col_copy(st, 4, j->nom, sizeof j->nom);
    db_col_copy(st, 5, j->email, sizeof j->email);
    db_col_copy(st, 6, j->created_at, sizeof j->created_at);
    db_col_copy(st, 7, j->dernier_usage, sizeof j->dernier_usage);
    db_col_copy(st, 8, j->revoque_at, sizeof j->revoque_at);
}

#define JETON_SELECT                                                                        \
    "SELECT j.id, j.compte_id, j.prefixe, j.source, j.nom, c.email, j.created_at, "          \
    "j.dernier_usage, j.revoque_at FROM jeton j JOIN compte c ON c.id = j.compte_id "

static void fill_row(sqlite3_stmt *st, void *e)
{
    read_row(st, e);
}

int jeton_list(struct db *d, struct jeton_list *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(d, JETON_SELECT "ORDER BY j.id DESC");
    return st ? db_collect(d, st, (void **)&out->v, &out->n, sizeof *out->v, fill_row) : -1;
}

void jeton_list_free(struct jeton_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

int jeton_get(struct db *d, long long id, struct jeton_row *out)
{
    sqlite3_stmt *st = db_prepare(d, JETON_SELECT "WHERE j.id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_row(st, out);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(d, "jeton get");
}
