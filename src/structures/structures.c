/* structures.c - structures and their places (see structures.h). */
#include "structures/structures.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jsonw.h"
#include "base/text.h"
#include "comptes/comptes.h"
#include "territoires/territoires.h"

static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    while (s[a] && isspace((unsigned char)s[a]))
        a++;
    if (a)
        memmove(s, s + a, n - a + 1);
}

const char *structures_check(struct db *d, struct structure *s, const char **field)
{
    trim(s->nom);
    trim(s->pivot);
    trim(s->commune_code);
    trim(s->courriel);
    if (!s->nom[0]) {
        *field = "nom";
        return "Indiquez le nom de la structure.";
    }
    if (s->pivot[0]) {
        size_t n = strlen(s->pivot);
        int ok = n >= 9 && n <= 14;
        for (const char *p = s->pivot; ok && *p; p++)
            ok = isalnum((unsigned char)*p);
        if (!ok) {
            *field = "pivot";
            return "Le SIRET compte 14 chiffres (ou le RNA : W suivi de 9 chiffres).";
        }
    }
    if (!s->commune_code[0]) {
        *field = "commune";
        return "Indiquez le code INSEE de la commune (5 caractères, par exemple 13055).";
    }
    char code[6];
    int r = territoires_resolve(d, s->commune_code, code);
    if (r <= 0) {
        *field = "commune";
        return r < 0 ? "Erreur interne en cherchant la commune."
                     : "Ce code de commune n'existe pas (code INSEE à 5 caractères, par "
                       "exemple 13055 pour Marseille).";
    }
    snprintf(s->commune_code, sizeof s->commune_code, "%s", code);
    if (s->courriel[0]) {
        char norm[128];
        if (comptes_normalize_email(s->courriel, norm, sizeof norm) < 0) {
            *field = "courriel";
            return "L'adresse e-mail n'a pas la bonne forme (exemple : contact@exemple.fr).";
        }
        snprintf(s->courriel, sizeof s->courriel, "%s", norm);
    }
    *field = NULL;
    return NULL;
}

int structures_create(struct db *d, const struct structure *s, time_t now, long long *id)
{
    struct structure c = *s;
    const char *field;
    if (structures_check(d, &c, &field)) {
        snprintf(d->err, sizeof d->err, "invalid structure field %s", field);
        return -1;
    }
    char at[24];
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO structure (nom, pivot, commune_code, courriel, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, c.nom, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 2, c.pivot);
    db_bind_text(st, 3, c.commune_code);
    db_bind_text(st, 4, c.courriel);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "structure create");
    *id = sqlite3_last_insert_rowid(d->h);
    return 0;
}

int structures_update(struct db *d, const struct structure *s)
{
    struct structure c = *s;
    const char *field;
    if (structures_check(d, &c, &field)) {
        snprintf(d->err, sizeof d->err, "invalid structure field %s", field);
        return -1;
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE structure SET nom = ?2, pivot = ?3, commune_code = ?4, courriel = ?5 "
           "WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, c.id);
    sqlite3_bind_text(st, 2, c.nom, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 3, c.pivot);
    db_bind_text(st, 4, c.commune_code);
    db_bind_text(st, 5, c.courriel);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "structure update");
}

#define STRUCTURE_SELECT                                                                    \
    "SELECT s.id, s.nom, s.pivot, s.commune_code, c.nom, s.courriel, s.created_at, "         \
    "s.desactive_at IS NULL FROM structure s LEFT JOIN commune c ON c.code = s.commune_code "

static void read_structure(sqlite3_stmt *st, struct structure *s)
{
    memset(s, 0, sizeof *s);
    s->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, s->nom, sizeof s->nom);
    db_col_copy(st, 2, s->pivot, sizeof s->pivot);
    db_col_copy(st, 3, s->commune_code, sizeof s->commune_code);
    db_col_copy(st, 4, s->commune_nom, sizeof s->commune_nom);
    db_col_copy(st, 5, s->courriel, sizeof s->courriel);
    db_col_copy(st, 6, s->created_at, sizeof s->created_at);
    s->active = sqlite3_column_int(st, 7);
}

int structures_get(struct db *d, long long id, struct structure *s)
{
    sqlite3_stmt *st = db_prepare_cached(d, STRUCTURE_SELECT "WHERE s.id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_structure(st, s);
    db_release(d, st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(d, "structure get");
}

static void fill_structure(sqlite3_stmt *st, void *e)
{
    read_structure(st, e);
}

int structures_list(struct db *d, struct structure_list *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(d, STRUCTURE_SELECT "ORDER BY s.nom, s.id");
    return st ? db_collect(d, st, (void **)&out->v, &out->n, sizeof *out->v, fill_structure) : -1;
}

void structure_list_free(struct structure_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

int structures_link(struct db *d, long long structure_id, const char *source, const char *id)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT OR IGNORE INTO structure_lieu (structure_id, source_name, source_id) "
           "SELECT ?1, source_name, source_id FROM lieu_source "
           "WHERE source_name = ?2 AND source_id = ?3");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, structure_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "structure link");
    /* 0 rows: unknown record, or already linked; tell them apart. */
    st = db_prepare_cached(d, "SELECT 1 FROM lieu_source WHERE source_name = ?1 AND source_id = ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    db_release(d, st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE) {
        snprintf(d->err, sizeof d->err, "unknown place %s:%s", source, id);
        return -1;
    }
    return db_fail(d, "structure link check");
}

int structures_unlink(struct db *d, long long structure_id, const char *source, const char *id)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "DELETE FROM structure_lieu WHERE structure_id = ?1 AND source_name = ?2 "
           "AND source_id = ?3");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, structure_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "structure unlink");
}

int structures_of_lieu(struct db *d, long long lieu_pid, long long *ids, int max)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT DISTINCT sl.structure_id FROM lieu_membre m "
           "JOIN lieu_source s ON s.rowid = m.source_rowid "
           "JOIN structure_lieu sl ON sl.source_name = s.source_name AND sl.source_id = s.source_id "
           "JOIN structure st ON st.id = sl.structure_id AND st.desactive_at IS NULL "
           "WHERE m.lieu_id = ?1 ORDER BY 1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, lieu_pid);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (n < max)
            ids[n++] = sqlite3_column_int64(st, 0);
    db_release(d, st);
    return rc == SQLITE_DONE ? n : db_fail(d, "structures of lieu");
}

static void fill_place(sqlite3_stmt *st, void *e)
{
    struct structure_place *p = e;
    memset(p, 0, sizeof *p);
    db_col_copy(st, 0, p->source, sizeof p->source);
    db_col_copy(st, 1, p->id, sizeof p->id);
    p->lieu_pid = sqlite3_column_int64(st, 2);
    db_col_copy(st, 3, p->nom, sizeof p->nom);
    db_col_copy(st, 4, p->commune, sizeof p->commune);
}

int structures_places(struct db *d, long long structure_id, struct structure_places *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(
        d, "SELECT sl.source_name, sl.source_id, coalesce(m.lieu_id, 0), s.nom, s.commune "
           "FROM structure_lieu sl JOIN lieu_source s ON s.source_name = sl.source_name "
           "AND s.source_id = sl.source_id LEFT JOIN lieu_membre m ON m.source_rowid = s.rowid "
           "WHERE sl.structure_id = ?1 ORDER BY s.nom, sl.source_name, sl.source_id");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, structure_id);
    return db_collect(d, st, (void **)&out->v, &out->n, sizeof *out->v, fill_place);
}

void structure_places_free(struct structure_places *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

char *structures_journal_json(const struct structure *s)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_object(&w);
    jsonw_key(&w, "nom");
    jsonw_string(&w, s->nom);
    jsonw_key(&w, "pivot");
    jsonw_string(&w, s->pivot);
    jsonw_key(&w, "commune");
    jsonw_string(&w, s->commune_code);
    jsonw_key(&w, "courriel");
    jsonw_string(&w, s->courriel);
    jsonw_end_object(&w);
    return buf_take(&b);
}
