/* beneficiaire.c - followed people: form, sealing, search, duplicates,
 * merge, erasure and retention (see beneficiaire.h). */
#include "accompagnement/beneficiaire.h"

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/orientation.h"
#include "accompagnement/referentiel.h"
#include "base/buf.h"
#include "base/jour.h"
#include "base/text.h"
#include "comptes/comptes.h"
#include "journal/journal.h"
#include "structures/structures.h"
#include "territoires/territoires.h"

/* ---- form ---- */

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
    text_trim(dst);
}

static int code_of(const struct query *q, const char *field, enum accomp_voc voc, int *bad)
{
    const char *v = query_get(q, field);
    if (!v || !*v)
        return -1;
    int k = accomp_code(voc, v);
    if (k < 0)
        *bad = 1;
    return k;
}

void beneficiaire_saisie_lire(const struct query *q, struct beneficiaire_saisie *s)
{
    memset(s, 0, sizeof *s);
    copy(s->prenom, sizeof s->prenom, query_get(q, "prenom"));
    copy(s->nom, sizeof s->nom, query_get(q, "nom"));
    copy(s->telephone, sizeof s->telephone, query_get(q, "telephone"));
    copy(s->courriel, sizeof s->courriel, query_get(q, "courriel"));
    copy(s->annee, sizeof s->annee, query_get(q, "annee_naissance"));
    copy(s->commune, sizeof s->commune, query_get(q, "commune"));
    copy(s->notes, sizeof s->notes, query_get(q, "notes"));
    s->genre = code_of(q, "genre", AV_GENRE, &s->bad_value);
    s->tranche = code_of(q, "tranche_age", AV_AGE, &s->bad_value);
    s->statut = code_of(q, "statut", AV_STATUT, &s->bad_value);
    const char *c = query_get(q, "consentement");
    s->consentement = c && strcmp(c, "oui") == 0;
    copy(s->mode, sizeof s->mode, query_get(q, "mode"));
    const char *f = query_get(q, "forcer");
    s->force = f && strcmp(f, "oui") == 0;
}

void beneficiaire_vers_saisie(const struct beneficiaire *b, struct beneficiaire_saisie *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->prenom, sizeof s->prenom, "%s", b->prenom);
    snprintf(s->nom, sizeof s->nom, "%s", b->nom);
    snprintf(s->telephone, sizeof s->telephone, "%s", b->telephone);
    snprintf(s->courriel, sizeof s->courriel, "%s", b->courriel);
    snprintf(s->annee, sizeof s->annee, "%s", b->annee);
    snprintf(s->commune, sizeof s->commune, "%s", b->commune);
    snprintf(s->notes, sizeof s->notes, "%s", b->notes);
    s->genre = b->genre;
    s->tranche = b->tranche;
    s->statut = b->statut;
    s->consentement = 1;
    snprintf(s->mode, sizeof s->mode, "%s", b->consentement_mode);
}

/* "06 12 34 56 78", "+33 6 12..." -> "+33612345678". 0, or -1. */
static int normalise_phone(const char *in, char *out, size_t n)
{
    char dg[24];
    size_t k = 0;
    int plus = 0;
    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (k >= sizeof dg - 1)
                return -1;
            dg[k++] = *p;
        } else if (*p == '+' && k == 0 && !plus) {
            plus = 1;
        } else if (!strchr(" .-()/", *p)) {
            return -1;
        }
    }
    dg[k] = 0;
    if (!plus && k == 10 && dg[0] == '0' && dg[1] != '0')
        return snprintf(out, n, "+33%s", dg + 1) >= (int)n ? -1 : 0;
    if (plus && k >= 8 && k <= 15)
        return snprintf(out, n, "+%s", dg) >= (int)n ? -1 : 0;
    return -1;
}

void beneficiaire_normalise(const char *in, char *out, size_t n)
{
    char folded[256];
    text_fold(in ? in : "", folded, sizeof folded);
    size_t k = 0;
    for (const char *p = folded; *p && k + 1 < n; p++)
        if (*p != ' ' && *p != '-')
            out[k++] = *p;
    out[k] = 0;
}

/* Validate into b (identity and attributes). 1 when errors. */
static int validate(struct db *d, const struct beneficiaire_saisie *s, struct beneficiaire *b,
                    struct accomp_erreurs *e, time_t now, int creating)
{
    memset(e, 0, sizeof *e);
    if (s->bad_value)
        accomp_erreur_add(e, "genre", "Cette valeur ne fait pas partie de la liste proposée.");
    if (!s->prenom[0] && !s->nom[0])
        accomp_erreur_add(e, "prenom", "Indiquez au moins le prénom ou le nom de la personne.");
    if (text_utf8_len(s->prenom) > BENEF_NOM_MAX)
        accomp_erreur_add(e, "prenom", "Le prénom a 60 caractères au plus.");
    if (text_utf8_len(s->nom) > BENEF_NOM_MAX)
        accomp_erreur_add(e, "nom", "Le nom a 60 caractères au plus.");
    snprintf(b->prenom, sizeof b->prenom, "%s", s->prenom);
    snprintf(b->nom, sizeof b->nom, "%s", s->nom);
    b->telephone[0] = b->courriel[0] = b->annee[0] = b->commune[0] = 0;
    if (s->telephone[0] && normalise_phone(s->telephone, b->telephone, sizeof b->telephone) < 0)
        accomp_erreur_add(e, "telephone", "Numéro non reconnu : 10 chiffres, par exemple "
                                          "06 12 34 56 78, ou +33 6 12 34 56 78.");
    if (s->courriel[0] && comptes_normalize_email(s->courriel, b->courriel, sizeof b->courriel) < 0)
        accomp_erreur_add(e, "courriel", "Adresse e-mail non reconnue, par exemple "
                                         "prenom.nom@exemple.fr.");
    if (s->annee[0]) {
        long y = 0;
        int ok = strlen(s->annee) == 4;
        for (int i = 0; ok && i < 4; i++)
            ok = s->annee[i] >= '0' && s->annee[i] <= '9';
        if (ok)
            y = atol(s->annee);
        int yy, mm, dd;
        jour_to_civil(jour_local(now), &yy, &mm, &dd);
        if (!ok || y < 1900 || y > yy)
            accomp_erreur_add(e, "annee_naissance", "L'année de naissance a 4 chiffres, par "
                                                    "exemple 1958.");
        else
            snprintf(b->annee, sizeof b->annee, "%ld", y);
    }
    if (s->commune[0]) {
        struct territoire_commune c;
        int k = territoires_search_communes(d, s->commune, &c, 1);
        if (k < 0)
            return -1;
        if (k == 0)
            accomp_erreur_add(e, "commune", "Commune introuvable : indiquez son nom ou son code "
                                            "postal.");
        else
            snprintf(b->commune, sizeof b->commune, "%s", c.code);
    }
    if (text_utf8_len(s->notes) > BENEF_NOTES_MAX)
        accomp_erreur_add(e, "notes", "Les notes ont 500 caractères au plus.");
    snprintf(b->notes, sizeof b->notes, "%s", s->notes);
    b->genre = s->genre >= 0 ? s->genre : GENRE_NC;
    b->tranche = s->tranche >= 0 ? s->tranche : AGE_NC;
    b->statut = s->statut >= 0 ? s->statut : STATUT_NC;
    if (creating && !s->consentement)
        accomp_erreur_add(e, "consentement", "Le suivi nominatif demande l'accord de la "
                                             "personne : cochez la case quand elle l'a donné.");
    if (creating && strcmp(s->mode, "oral") != 0 && strcmp(s->mode, "ecrit") != 0)
        accomp_erreur_add(e, "mode", "Indiquez comment la personne a donné son accord.");
    snprintf(b->consentement_mode, sizeof b->consentement_mode, "%s",
             strcmp(s->mode, "ecrit") == 0 ? "ecrit" : "oral");
    return e->n ? 1 : 0;
}

/* ---- sealing ---- */

static char *identity_json(const struct beneficiaire *b)
{
    json_t *o = json_object();
    static const struct { const char *k; size_t off; } f[] = {
        {"prenom", offsetof(struct beneficiaire, prenom)},
        {"nom", offsetof(struct beneficiaire, nom)},
        {"telephone", offsetof(struct beneficiaire, telephone)},
        {"courriel", offsetof(struct beneficiaire, courriel)},
        {"annee_naissance", offsetof(struct beneficiaire, annee)},
        {"commune", offsetof(struct beneficiaire, commune)},
        {"notes", offsetof(struct beneficiaire, notes)},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        const char *v = (const char *)b + f[i].off;
        if (*v)
            json_object_set_new(o, f[i].k, json_string(v));
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static void read_identity(const char *json, struct beneficiaire *b)
{
    json_t *o = json_loads(json, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return;
    }
    static const struct { const char *k; size_t off, n; } f[] = {
        {"prenom", offsetof(struct beneficiaire, prenom), sizeof b->prenom},
        {"nom", offsetof(struct beneficiaire, nom), sizeof b->nom},
        {"telephone", offsetof(struct beneficiaire, telephone), sizeof b->telephone},
        {"courriel", offsetof(struct beneficiaire, courriel), sizeof b->courriel},
        {"annee_naissance", offsetof(struct beneficiaire, annee), sizeof b->annee},
        {"commune", offsetof(struct beneficiaire, commune), sizeof b->commune},
        {"notes", offsetof(struct beneficiaire, notes), sizeof b->notes},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        const char *v = json_string_value(json_object_get(o, f[i].k));
        if (v)
            snprintf((char *)b + f[i].off, f[i].n, "%s", v);
    }
    json_decref(o);
}

static void ad_of(long long id, char out[48])
{
    snprintf(out, 48, "beneficiaire:%lld", id);
}

/* Write the sealed identity and blind indexes of b (id and structure set). */
static int store_identity(struct db *d, const struct data_key *k, const struct beneficiaire *b)
{
    if (data_key_require(d, k) < 0)
        return -1;
    char *plain = identity_json(b);
    if (!plain) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    char ad[48];
    ad_of(b->id, ad);
    unsigned char *blob = NULL;
    size_t bn = 0;
    int r = data_key_seal(k, ad, plain, strlen(plain), &blob, &bn);
    sodium_memzero(plain, strlen(plain));
    free(plain);
    if (r < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    unsigned char idx[4][DATA_KEY_INDEX_BYTES];
    const char *vals[4] = {b->nom, b->prenom, b->telephone, b->courriel};
    static const char *const fields[4] = {"nom", "prenom", "telephone", "courriel"};
    int has[4];
    for (int i = 0; i < 4; i++) {
        char norm[160];
        if (i < 2)
            beneficiaire_normalise(vals[i], norm, sizeof norm);
        else
            snprintf(norm, sizeof norm, "%s", vals[i]);
        has[i] = norm[0] != 0;
        if (has[i])
            data_key_index(k, b->structure_id, fields[i], norm, idx[i]);
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE beneficiaire SET chiffre = ?2, bi_nom = ?3, bi_prenom = ?4, bi_tel = ?5, "
           "bi_courriel = ?6 WHERE id = ?1");
    if (!st) {
        free(blob);
        return -1;
    }
    sqlite3_bind_int64(st, 1, b->id);
    sqlite3_bind_blob(st, 2, blob, (int)bn, SQLITE_TRANSIENT);
    for (int i = 0; i < 4; i++) {
        if (has[i])
            sqlite3_bind_blob(st, 3 + i, idx[i], DATA_KEY_INDEX_BYTES, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 3 + i);
    }
    int rc = sqlite3_step(st);
    db_release(d, st);
    free(blob);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "beneficiaire seal");
}

#define BENEF_COLUMNS                                                                      \
    "id, structure_id, coalesce(compte_id, 0), chiffre, genre, tranche, statut, "           \
    "coalesce(consentement_at, ''), coalesce(consentement_par, 0), "                        \
    "coalesce(consentement_mode, ''), created_at, updated_at, coalesce(derniere_activite, -1), " \
    "coalesce(fusionne_dans, 0)"

/* Read a row of BENEF_COLUMNS; decrypts with key when not NULL. 0, or -2
 * when the identity cannot be decrypted. */
static int read_row(sqlite3_stmt *st, const struct data_key *key, struct beneficiaire *b)
{
    memset(b, 0, sizeof *b);
    b->id = sqlite3_column_int64(st, 0);
    b->structure_id = sqlite3_column_int64(st, 1);
    b->compte_id = sqlite3_column_int64(st, 2);
    b->genre = sqlite3_column_int(st, 4);
    b->tranche = sqlite3_column_int(st, 5);
    b->statut = sqlite3_column_int(st, 6);
    db_col_copy(st, 7, b->consentement_at, sizeof b->consentement_at);
    b->consentement_par = sqlite3_column_int64(st, 8);
    db_col_copy(st, 9, b->consentement_mode, sizeof b->consentement_mode);
    db_col_copy(st, 10, b->created_at, sizeof b->created_at);
    db_col_copy(st, 11, b->updated_at, sizeof b->updated_at);
    b->derniere_activite = (long)sqlite3_column_int64(st, 12);
    b->fusionne_dans = sqlite3_column_int64(st, 13);
    if (!key || sqlite3_column_type(st, 3) == SQLITE_NULL)
        return 0;
    char ad[48], *plain = NULL;
    size_t pn = 0;
    ad_of(b->id, ad);
    if (data_key_open(key, ad, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3),
                      &plain, &pn) < 0)
        return -2;
    read_identity(plain, b);
    sodium_memzero(plain, pn);
    free(plain);
    return 0;
}

int beneficiaire_rekey(struct db *d, const struct data_key *old, const struct data_key *nw,
                       long *count)
{
    long long *ids;
    size_t n;
    *count = 0;
    if (db_collect_ids(d, "SELECT id FROM beneficiaire WHERE chiffre IS NOT NULL ORDER BY id",
                       &ids, &n) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        struct beneficiaire b;
        int k = beneficiaire_get(d, old, ids[i], &b);
        if (k == -2)
            snprintf(d->err, sizeof d->err, "personne suivie n° %lld : son identité ne s'ouvre pas "
                                            "avec l'ancienne clé (donnée abîmée ?)", ids[i]);
        r = k < 0 ? -1 : store_identity(d, nw, &b);
        sodium_memzero(&b, sizeof b);
    }
    if (r == 0)
        *count = (long)n;
    free(ids);
    return r;
}

int beneficiaire_get(struct db *d, const struct data_key *key, long long id,
                     struct beneficiaire *b)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT " BENEF_COLUMNS " FROM beneficiaire WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), r;
    if (rc == SQLITE_ROW) {
        r = read_row(st, key, b) == -2 ? -2 : b->fusionne_dans ? 0 : 1;
    } else {
        r = rc == SQLITE_DONE ? 0 : db_fail(d, "beneficiaire get");
        memset(b, 0, sizeof *b);
    }
    db_release(d, st);
    return r;
}

int beneficiaire_may(struct db *d, const struct actor *a, enum authz_action action,
                     long long structure_id)
{
    struct authz_resource r = {.structure_id = structure_id};
    return authz_allowed(d, a, action, &r);
}

int beneficiaire_attributs(struct db *d, long long id, long long structure_id, int *genre,
                           int *tranche, int *statut)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT genre, tranche, statut FROM beneficiaire WHERE id = ?1 AND structure_id = ?2 "
           "AND fusionne_dans IS NULL");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, structure_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *genre = sqlite3_column_int(st, 0);
        *tranche = sqlite3_column_int(st, 1);
        *statut = sqlite3_column_int(st, 2);
    }
    db_release(d, st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : db_fail(d, "beneficiaire attributes");
}

int beneficiaire_set_derniere_activite(struct db *d, long long id, long jour)
{
    sqlite3_stmt *st = db_prepare_cached(d, "UPDATE beneficiaire SET derniere_activite = ?2 "
                                            "WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (jour < 0)
        sqlite3_bind_null(st, 2);
    else
        sqlite3_bind_int64(st, 2, jour);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "derniere activite");
}

void beneficiaire_nom_affiche(const struct beneficiaire *b, char *out, size_t n)
{
    if (b->prenom[0] && b->nom[0])
        snprintf(out, n, "%s %s", b->prenom, b->nom);
    else if (b->prenom[0] || b->nom[0])
        snprintf(out, n, "%s", b->prenom[0] ? b->prenom : b->nom);
    else
        snprintf(out, n, "Personne n° %lld", b->id);
}

/* ---- listing, search, duplicates ---- */

void beneficiaire_liste_free(struct beneficiaire_liste *l)
{
    if (l->v)
        sodium_memzero(l->v, l->n * sizeof *l->v);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Step through st (bound; released here), decrypting each row into out,
 * at most BENEF_MAX_SCAN (then out->truncated). 0, -1, -2 (wrong key). */
static int collect(struct db *d, sqlite3_stmt *st, const struct data_key *key,
                   struct beneficiaire_liste *out)
{
    size_t cap = 0;
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == BENEF_MAX_SCAN) {
            out->truncated = 1;
            break;
        }
        if (array_grow(&out->v, out->n, &cap, sizeof *out->v) < 0) {
            r = -1;
            snprintf(d->err, sizeof d->err, "out of memory");
            break;
        }
        if (read_row(st, key, &out->v[out->n]) == -2) {
            r = -2;
            break;
        }
        out->n++;
    }
    if (r == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
        r = db_fail(d, "beneficiaires");
    db_release(d, st);
    if (r < 0)
        beneficiaire_liste_free(out);
    return r;
}

/* Every live record of the structure, decrypted. 0, -1, -2. */
static int load_all(struct db *d, const struct data_key *key, long long structure_id,
                    struct beneficiaire_liste *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT " BENEF_COLUMNS " FROM beneficiaire WHERE structure_id = ?1 "
           "AND fusionne_dans IS NULL ORDER BY id LIMIT ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, structure_id);
    sqlite3_bind_int(st, 2, BENEF_MAX_SCAN + 1);
    return collect(d, st, key, out);
}

static int cmp_name(const void *a, const void *b)
{
    const struct beneficiaire *x = a, *y = b;
    char nx[2 * UTF8_BUF(BENEF_NOM_MAX) + 2], ny[sizeof nx];
    char fx[sizeof nx], fy[sizeof nx];
    snprintf(nx, sizeof nx, "%s %s", x->nom, x->prenom);
    snprintf(ny, sizeof ny, "%s %s", y->nom, y->prenom);
    text_fold(nx, fx, sizeof fx);
    text_fold(ny, fy, sizeof fy);
    int c = strcmp(fx, fy);
    return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

/* Exact search through a blind index. */
static int search_index(struct db *d, const struct data_key *key, long long structure_id,
                        const char *column, const char *field, const char *value,
                        struct beneficiaire_liste *out)
{
    unsigned char idx[DATA_KEY_INDEX_BYTES];
    data_key_index(key, structure_id, field, value, idx);
    const char *sql = strcmp(column, "bi_tel") == 0
                          ? "SELECT " BENEF_COLUMNS " FROM beneficiaire WHERE bi_tel = ?1 "
                            "AND structure_id = ?2 AND fusionne_dans IS NULL"
                          : "SELECT " BENEF_COLUMNS " FROM beneficiaire WHERE bi_courriel = ?1 "
                            "AND structure_id = ?2 AND fusionne_dans IS NULL";
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, idx, sizeof idx, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, structure_id);
    return collect(d, st, key, out);
}

int beneficiaire_search(struct db *d, const struct data_key *key, long long structure_id,
                        const char *q, int limit, struct beneficiaire_liste *out)
{
    memset(out, 0, sizeof *out);
    if (!key)
        return -2;
    char phone[24], email[128];
    if (q && strchr(q, '@') && comptes_normalize_email(q, email, sizeof email) == 0) {
        return search_index(d, key, structure_id, "bi_courriel", "courriel", email, out);
    }
    if (q && *q && normalise_phone(q, phone, sizeof phone) == 0) {
        return search_index(d, key, structure_id, "bi_tel", "telephone", phone, out);
    }
    int r = load_all(d, key, structure_id, out);
    if (r < 0)
        return r;
    char fq[200] = "";
    if (q)
        text_fold(q, fq, sizeof fq);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        struct beneficiaire *b = &out->v[i];
        int keep = !fq[0];
        if (!keep) {
            char a[3 * UTF8_BUF(BENEF_NOM_MAX) + 4], fa[sizeof a];
            snprintf(a, sizeof a, "%s %s %s", b->prenom, b->nom, b->prenom);
            text_fold(a, fa, sizeof fa);
            keep = strstr(fa, fq) != NULL;
        }
        if (keep)
            out->v[k++] = *b;
    }
    out->n = k;
    qsort(out->v, out->n, sizeof *out->v, cmp_name);
    if (limit > 0 && out->n > (size_t)limit)
        out->n = (size_t)limit;
    return 0;
}

/* Trigrams of "  " + s + " " (bytes), sorted, unique; count in *n. */
static int trigrams(const char *s, unsigned *out, int max)
{
    char p[200];
    int len = snprintf(p, sizeof p, "  %s ", s);
    if (len < 0 || len >= (int)sizeof p)
        len = (int)sizeof p - 1;
    int n = 0;
    for (int i = 0; i + 2 < len && n < max; i++)
        out[n++] = ((unsigned)(unsigned char)p[i] << 16) | ((unsigned)(unsigned char)p[i + 1] << 8) |
                   (unsigned char)p[i + 2];
    for (int i = 1; i < n; i++) { /* insertion sort: names are short */
        unsigned v = out[i];
        int j = i - 1;
        while (j >= 0 && out[j] > v) {
            out[j + 1] = out[j];
            j--;
        }
        out[j + 1] = v;
    }
    int u = 0;
    for (int i = 0; i < n; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    return u;
}

static double sim_sets(const unsigned *a, int na, const unsigned *b, int nb)
{
    if (na == 0 || nb == 0)
        return 0;
    int i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            common++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return (double)common / (double)(na + nb - common);
}

double beneficiaire_similarite(const char *a, const char *b)
{
    unsigned ta[200], tb[200];
    int na = trigrams(a, ta, 200), nb = trigrams(b, tb, 200);
    return sim_sets(ta, na, tb, nb);
}

struct norm {
    long long id;
    unsigned tn[64], tp[64];
    int nn, np;
    char tel[24], mail[128];
};

static void normalise_record(const struct beneficiaire *b, struct norm *n)
{
    char tmp[160];
    n->id = b->id;
    beneficiaire_normalise(b->nom, tmp, sizeof tmp);
    n->nn = tmp[0] ? trigrams(tmp, n->tn, 64) : 0;
    beneficiaire_normalise(b->prenom, tmp, sizeof tmp);
    n->np = tmp[0] ? trigrams(tmp, n->tp, 64) : 0;
    snprintf(n->tel, sizeof n->tel, "%s", b->telephone);
    snprintf(n->mail, sizeof n->mail, "%s", b->courriel);
}

static unsigned criteria(const struct norm *x, const struct norm *y)
{
    unsigned c = 0;
    if (sim_sets(x->tn, x->nn, y->tn, y->nn) > 0.4)
        c |= 1;
    if (sim_sets(x->tp, x->np, y->tp, y->np) > 0.4)
        c |= 2;
    if (x->tel[0] && strcmp(x->tel, y->tel) == 0)
        c |= 4;
    if (x->mail[0] && strcmp(x->mail, y->mail) == 0)
        c |= 8;
    return c;
}

static int popcount4(unsigned c)
{
    return (c & 1) + ((c >> 1) & 1) + ((c >> 2) & 1) + ((c >> 3) & 1);
}

void beneficiaire_doublons_free(struct beneficiaire_doublons *p)
{
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

int beneficiaire_doublons(struct db *d, const struct data_key *key, long long structure_id,
                          struct beneficiaire_doublons *out)
{
    memset(out, 0, sizeof *out);
    struct beneficiaire_liste all;
    int r = load_all(d, key, structure_id, &all);
    if (r < 0)
        return r;
    struct norm *n = calloc(all.n ? all.n : 1, sizeof *n);
    if (!n) {
        beneficiaire_liste_free(&all);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    size_t count = all.n, cap = 0;
    for (size_t i = 0; i < count; i++)
        normalise_record(&all.v[i], &n[i]);
    beneficiaire_liste_free(&all);
    for (size_t i = 0; i < count && r == 0; i++)
        for (size_t j = i + 1; j < count; j++) {
            unsigned c = criteria(&n[i], &n[j]);
            if (popcount4(c) < 2)
                continue;
            if (array_grow(&out->v, out->n, &cap, sizeof *out->v) < 0) {
                r = -1;
                snprintf(d->err, sizeof d->err, "out of memory");
                break;
            }
            out->v[out->n++] = (struct beneficiaire_doublon){n[i].id, n[j].id, c};
        }
    sodium_memzero(n, (count ? count : 1) * sizeof *n);
    free(n);
    if (r < 0)
        beneficiaire_doublons_free(out);
    return r;
}

/* Records of the structure similar to b (the duplicate rule). */
static int similar_to(struct db *d, const struct data_key *key, const struct beneficiaire *b,
                      struct beneficiaire_similaires *sim)
{
    memset(sim, 0, sizeof *sim);
    struct beneficiaire_liste all;
    int r = load_all(d, key, b->structure_id, &all);
    if (r < 0)
        return r;
    struct norm me, other;
    normalise_record(b, &me);
    for (size_t i = 0; i < all.n && sim->n < BENEF_MAX_SIMILAIRES; i++) {
        if (all.v[i].id == b->id)
            continue;
        normalise_record(&all.v[i], &other);
        if (popcount4(criteria(&me, &other)) >= 2)
            sim->id[sim->n++] = all.v[i].id;
    }
    beneficiaire_liste_free(&all);
    return 0;
}

/* ---- writes ---- */

static int journal(struct db *d, struct accomp_ctx *c, const char *action, long long id,
                   long long structure_id, const char *apres)
{
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", id);
    struct structure s;
    const char *commune = structures_get(d, structure_id, &s) == 1 ? s.commune_code : NULL;
    struct journal_write w = {.action = action, .objet = "beneficiaire", .objet_id = ids,
                              .commune = commune, .structure_id = structure_id, .apres = apres};
    return journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
}

/* Non-identifying fields for the journal. */
static void attrs_json(const struct beneficiaire *b, char *out, size_t n)
{
    snprintf(out, n, "{\"genre\":\"%s\",\"tranche_age\":\"%s\",\"statut\":\"%s\"}",
             accomp_code_of(AV_GENRE, b->genre), accomp_code_of(AV_AGE, b->tranche),
             accomp_code_of(AV_STATUT, b->statut));
}

enum accomp_result beneficiaire_create(struct db *d, struct accomp_ctx *c, long long structure_id,
                                       const struct beneficiaire_saisie *s,
                                       struct accomp_erreurs *e, struct beneficiaire_similaires *sim,
                                       long long *id)
{
    memset(sim, 0, sizeof *sim);
    if (!c->key)
        return ACC_NO_KEY;
    int k = accomp_allowed(d, c, AZ_BENEFICIAIRE_WRITE, &(struct authz_resource){.structure_id = structure_id});
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_FORBIDDEN, "Seuls les médiateurs et gestionnaires de la "
                                               "structure suivent ses bénéficiaires.");
    struct beneficiaire b;
    memset(&b, 0, sizeof b);
    b.structure_id = structure_id;
    k = validate(d, s, &b, e, c->now, 1);
    if (k < 0)
        return ACC_ERROR;
    if (k > 0)
        return ACC_INVALID;
    if (!s->force) {
        k = similar_to(d, c->key, &b, sim);
        if (k < 0)
            return k == -2 ? ACC_NO_KEY : ACC_ERROR;
        if (sim->n)
            return ACC_DUPLICATE;
    }
    char now[24];
    text_iso_time(c->now, now);
    if (db_begin(d) < 0)
        return ACC_ERROR;
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO beneficiaire (structure_id, compte_id, genre, tranche, statut, "
           "consentement_at, consentement_par, consentement_mode, created_at, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?6, ?6)");
    if (!st)
        return accomp_fail(d);
    sqlite3_bind_int64(st, 1, structure_id);
    if (c->by)
        sqlite3_bind_int64(st, 2, c->by->compte_id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int(st, 3, b.genre);
    sqlite3_bind_int(st, 4, b.tranche);
    sqlite3_bind_int(st, 5, b.statut);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
    if (c->by)
        sqlite3_bind_int64(st, 7, c->by->compte_id);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, b.consentement_mode, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "beneficiaire insert");
        return accomp_fail(d);
    }
    b.id = sqlite3_last_insert_rowid(d->h);
    char attrs[160];
    attrs_json(&b, attrs, sizeof attrs);
    if (store_identity(d, c->key, &b) < 0 ||
        journal(d, c, "beneficiaire.creer", b.id, structure_id, attrs) < 0 || db_commit(d) < 0)
        return accomp_fail(d);
    *id = b.id;
    sodium_memzero(&b, sizeof b);
    return ACC_DONE;
}

/* Load record id (decrypted with key, when not NULL) for `action` by the
 * context's actor. ACC_DONE, or the refusal (c->msg set). */
static enum accomp_result load_for(struct db *d, struct accomp_ctx *c, long long id,
                                   enum authz_action action, const struct data_key *key,
                                   struct beneficiaire *b)
{
    int k = beneficiaire_get(d, key, id, b);
    if (k == -2)
        return accomp_refuse(c, ACC_NO_KEY, "Les données de cette personne ne se déchiffrent pas "
                                            "avec la clé configurée.");
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Cette personne n'est pas (ou plus) suivie.");
    k = accomp_allowed(d, c, action, &(struct authz_resource){.structure_id = b->structure_id});
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_FORBIDDEN, "Cette personne est suivie par une autre structure.");
    return ACC_DONE;
}

enum accomp_result beneficiaire_update(struct db *d, struct accomp_ctx *c, long long id,
                                       const struct beneficiaire_saisie *s,
                                       struct accomp_erreurs *e)
{
    if (!c->key)
        return ACC_NO_KEY;
    struct beneficiaire old, b;
    enum accomp_result lr = load_for(d, c, id, AZ_BENEFICIAIRE_WRITE, c->key, &old);
    if (lr != ACC_DONE)
        return lr;
    b = old;
    int k = validate(d, s, &b, e, c->now, 0);
    if (k != 0) {
        sodium_memzero(&old, sizeof old);
        sodium_memzero(&b, sizeof b);
        return k < 0 ? ACC_ERROR : ACC_INVALID;
    }
    snprintf(b.consentement_mode, sizeof b.consentement_mode, "%s", old.consentement_mode);
    char now[24], attrs[160];
    text_iso_time(c->now, now);
    attrs_json(&b, attrs, sizeof attrs);
    enum accomp_result r = ACC_DONE;
    if (db_begin(d) < 0)
        r = ACC_ERROR;
    sqlite3_stmt *st = r == ACC_DONE ? db_prepare_cached(
        d, "UPDATE beneficiaire SET genre = ?2, tranche = ?3, statut = ?4, updated_at = ?5 "
           "WHERE id = ?1") : NULL;
    if (r == ACC_DONE && !st)
        r = accomp_fail(d);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, b.genre);
        sqlite3_bind_int(st, 3, b.tranche);
        sqlite3_bind_int(st, 4, b.statut);
        sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        db_release(d, st);
        if (rc != SQLITE_DONE || store_identity(d, c->key, &b) < 0 ||
            journal(d, c, "beneficiaire.modifier", id, b.structure_id, attrs) < 0 ||
            db_commit(d) < 0) {
            if (rc != SQLITE_DONE)
                db_fail(d, "beneficiaire update");
            r = accomp_fail(d);
        }
    }
    sodium_memzero(&old, sizeof old);
    sodium_memzero(&b, sizeof b);
    return r;
}

/* ---- links held by other tables ---- */

static int exec_one(struct db *d, const char *sql, long long a)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "beneficiaire forget");
}

static int exec_id(struct db *d, const char *sql, long long a, long long b)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "beneficiaire link");
}

/* Does the diagnostic module's table exist (issue 4)? 1 / 0 / -1. */
static int has_diagnostics(struct db *d)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'diagnostic_session'");
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(d, "diagnostic table");
}

int beneficiaire_diagnostics(struct db *d, long long id, struct beneficiaire_diagnostic *out,
                             int max)
{
    int k = has_diagnostics(d);
    if (k <= 0)
        return k;
    sqlite3_stmt *st = db_prepare(
        d, "SELECT id, coalesce(termine_at, created_at), coalesce(score, -1) FROM "
           "diagnostic_session WHERE beneficiaire_id = ?1 ORDER BY created_at DESC");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
        out[n].id = sqlite3_column_int64(st, 0);
        db_col_copy(st, 1, out[n].date, sizeof out[n].date);
        out[n].score = sqlite3_column_int(st, 2);
        n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : db_fail(d, "diagnostics");
}

enum accomp_result beneficiaire_lier_diagnostic(struct db *d, struct accomp_ctx *c, long long id,
                                                long long diagnostic_id)
{
    struct beneficiaire b;
    enum accomp_result lr = load_for(d, c, id, AZ_BENEFICIAIRE_WRITE, NULL, &b);
    if (lr != ACC_DONE)
        return lr;
    int k = has_diagnostics(d);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Le module de diagnostic n'est pas installé sur "
                                               "cette plateforme.");
    if (db_begin(d) < 0)
        return ACC_ERROR;
    sqlite3_stmt *st = db_prepare(
        d, "UPDATE diagnostic_session SET beneficiaire_id = ?2 WHERE id = ?1 AND structure_id = ?3 "
           "AND beneficiaire_id IS NULL");
    if (!st)
        return accomp_fail(d);
    sqlite3_bind_int64(st, 1, diagnostic_id);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, b.structure_id);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(d->h);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "diagnostic link");
        return accomp_fail(d);
    }
    if (!changed) {
        db_rollback(d);
        return accomp_refuse(c, ACC_NOT_FOUND, "Aucun diagnostic de votre structure avec ce "
                                               "numéro, ou il est déjà rattaché à une personne.");
    }
    char apres[64];
    snprintf(apres, sizeof apres, "{\"diagnostic_id\":%lld}", diagnostic_id);
    if (journal(d, c, "beneficiaire.lier_diagnostic", id, b.structure_id, apres) < 0 ||
        db_commit(d) < 0)
        return accomp_fail(d);
    return ACC_DONE;
}

/* ---- merge ---- */

enum accomp_result beneficiaire_merge(struct db *d, struct accomp_ctx *c, long long keep,
                                      long long merged)
{
    if (!c->key)
        return ACC_NO_KEY;
    if (keep == merged)
        return accomp_refuse(c, ACC_INVALID, "Choisissez deux personnes différentes.");
    struct beneficiaire a, b;
    int ka = beneficiaire_get(d, c->key, keep, &a), kb = beneficiaire_get(d, c->key, merged, &b);
    enum accomp_result r = ACC_DONE;
    if (ka == -2 || kb == -2) {
        r = accomp_refuse(c, ACC_NO_KEY, "Ces données ne se déchiffrent pas avec la clé configurée.");
        goto out;
    }
    if (ka < 0 || kb < 0) {
        r = ACC_ERROR;
        goto out;
    }
    if (ka == 0 || kb == 0 || a.structure_id != b.structure_id) {
        r = accomp_refuse(c, ACC_NOT_FOUND, "Ces deux personnes ne sont pas suivies par la même "
                                            "structure.");
        goto out;
    }
    int k = accomp_allowed(d, c, AZ_BENEFICIAIRE_WRITE,
                           &(struct authz_resource){.structure_id = a.structure_id});
    if (k <= 0) {
        r = k < 0 ? ACC_ERROR : accomp_refuse(c, ACC_FORBIDDEN, "Ces personnes sont suivies par "
                                                                "une autre structure.");
        goto out;
    }
    /* Empty fields of the kept record are filled from the merged one. */
    static const struct { size_t off, n; } f[] = {
        {offsetof(struct beneficiaire, prenom), sizeof a.prenom},
        {offsetof(struct beneficiaire, nom), sizeof a.nom},
        {offsetof(struct beneficiaire, telephone), sizeof a.telephone},
        {offsetof(struct beneficiaire, courriel), sizeof a.courriel},
        {offsetof(struct beneficiaire, annee), sizeof a.annee},
        {offsetof(struct beneficiaire, commune), sizeof a.commune},
        {offsetof(struct beneficiaire, notes), sizeof a.notes},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        char *dst = (char *)&a + f[i].off;
        const char *src = (const char *)&b + f[i].off;
        if (!*dst && *src)
            snprintf(dst, f[i].n, "%s", src);
    }
    if (db_begin(d) < 0) {
        r = ACC_ERROR;
        goto out;
    }
    /* Participations: both in one activity count once. */
    sqlite3_stmt *st = db_prepare(
        d, "SELECT activite_id FROM activite_participant WHERE beneficiaire_id = ?2 AND "
           "activite_id IN (SELECT activite_id FROM activite_participant WHERE beneficiaire_id = ?1)");
    if (!st) {
        r = accomp_fail(d);
        goto out;
    }
    sqlite3_bind_int64(st, 1, keep);
    sqlite3_bind_int64(st, 2, merged);
    long long both[ACTIVITE_MAX_SUIVIS];
    int nboth = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && nboth < ACTIVITE_MAX_SUIVIS)
        both[nboth++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    struct accomp_ctx inner = *c;
    inner.by = NULL; /* authorized above; the journal names the merge */
    inner.cli_user = c->by ? c->by->email : c->cli_user;
    for (int i = 0; i < nboth; i++) {
        enum accomp_result x = activite_participant_remove_in_tx(d, &inner, both[i], merged);
        if (x != ACC_DONE) {
            r = x == ACC_ERROR ? accomp_fail(d) : (db_rollback(d), accomp_refuse(c, x, inner.msg));
            goto out;
        }
    }
    char now[24];
    text_iso_time(c->now, now);
    if (exec_id(d, "UPDATE activite_participant SET beneficiaire_id = ?1 WHERE beneficiaire_id = ?2",
                keep, merged) < 0 ||
        exec_id(d, "UPDATE beneficiaire SET fusionne_dans = ?1 WHERE fusionne_dans = ?2",
                keep, merged) < 0 ||
        orientation_move_beneficiaire(d, merged, keep) < 0 ||
        (has_diagnostics(d) == 1 &&
         exec_id(d, "UPDATE diagnostic_session SET beneficiaire_id = ?1 WHERE beneficiaire_id = ?2",
                 keep, merged) < 0) ||
        store_identity(d, c->key, &a) < 0 ||
        activite_recompute_premier(d, keep) < 0) {
        r = accomp_fail(d);
        goto out;
    }
    st = db_prepare_cached(d, "UPDATE beneficiaire SET chiffre = NULL, bi_nom = NULL, "
                              "bi_prenom = NULL, bi_tel = NULL, bi_courriel = NULL, "
                              "fusionne_dans = ?2, fusionne_at = ?3, derniere_activite = NULL, "
                              "updated_at = ?3 WHERE id = ?1");
    if (!st) {
        r = accomp_fail(d);
        goto out;
    }
    sqlite3_bind_int64(st, 1, merged);
    sqlite3_bind_int64(st, 2, keep);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    db_release(d, st);
    char apres[96];
    snprintf(apres, sizeof apres, "{\"fusionne\":%lld,\"dans\":%lld}", merged, keep);
    if (rc != SQLITE_DONE ||
        journal(d, c, "beneficiaire.fusionner", keep, a.structure_id, apres) < 0 ||
        db_commit(d) < 0) {
        if (rc != SQLITE_DONE)
            db_fail(d, "beneficiaire merge");
        r = accomp_fail(d);
    }
out:
    sodium_memzero(&a, sizeof a);
    sodium_memzero(&b, sizeof b);
    return r;
}

/* ---- erasure and retention ---- */

/* Remove record id and its merged tombstones, in the caller's
 * transaction; the statistics are untouched. */
static int forget(struct db *d, long long id, time_t now)
{
    if (exec_one(d, "UPDATE activite_participant SET beneficiaire_id = NULL WHERE beneficiaire_id "
                    "IN (SELECT id FROM beneficiaire WHERE id = ?1 OR fusionne_dans = ?1)", id) < 0 ||
        orientation_forget_beneficiaire(d, id, now) < 0)
        return -1;
    int k = has_diagnostics(d);
    if (k < 0 ||
        (k == 1 && exec_one(d, "UPDATE diagnostic_session SET beneficiaire_id = NULL WHERE "
                               "beneficiaire_id IN (SELECT id FROM beneficiaire WHERE id = ?1 OR "
                               "fusionne_dans = ?1)", id) < 0))
        return -1;
    return exec_one(d, "DELETE FROM beneficiaire WHERE id = ?1 OR fusionne_dans = ?1", id);
}

enum accomp_result beneficiaire_erase(struct db *d, struct accomp_ctx *c, long long id)
{
    struct beneficiaire b;
    enum accomp_result lr = load_for(d, c, id, AZ_BENEFICIAIRE_ERASE, NULL, &b);
    if (lr != ACC_DONE)
        return lr;
    if (db_begin(d) < 0)
        return ACC_ERROR;
    if (forget(d, id, c->now) < 0 ||
        journal(d, c, "beneficiaire.effacer", id, b.structure_id, NULL) < 0 || db_commit(d) < 0)
        return accomp_fail(d);
    return ACC_DONE;
}

int beneficiaire_retention(struct db *d, const char *cli_user, time_t now, int mois, long *count)
{
    *count = 0;
    if (mois < 1)
        mois = 1;
    /* The limit: the same day `mois` months before today. */
    int y, m, dd;
    jour_to_civil(jour_local(now), &y, &m, &dd);
    int total = y * 12 + (m - 1) - mois;
    int ly = total / 12, lm = total % 12 + 1;
    int ld = dd > jour_month_days(ly, lm) ? jour_month_days(ly, lm) : dd;
    long limit = jour_from_civil(ly, lm, ld);
    char limit_iso[11];
    jour_format(limit, limit_iso);
    sqlite3_stmt *st = db_prepare(
        d, "SELECT id, structure_id FROM beneficiaire WHERE fusionne_dans IS NULL AND "
           "((derniere_activite IS NOT NULL AND derniere_activite < ?1) OR "
           "(derniere_activite IS NULL AND substr(created_at, 1, 10) < ?2)) ORDER BY id LIMIT 10000");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, limit);
    sqlite3_bind_text(st, 2, limit_iso, -1, SQLITE_TRANSIENT);
    long long (*ids)[2] = malloc(10000 * sizeof *ids);
    if (!ids) {
        sqlite3_finalize(st);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ids[n][0] = sqlite3_column_int64(st, 0);
        ids[n][1] = sqlite3_column_int64(st, 1);
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(ids);
        return db_fail(d, "retention scan");
    }
    if (n == 0) {
        free(ids);
        return 0;
    }
    struct accomp_ctx c = {.cli_user = cli_user ? cli_user : "retention", .now = now};
    char apres[64];
    snprintf(apres, sizeof apres, "{\"regle_mois\":%d}", mois);
    int r = db_begin(d);
    for (int i = 0; r == 0 && i < n; i++)
        r = forget(d, ids[i][0], now) < 0 ||
                    journal(d, &c, "beneficiaire.anonymiser", ids[i][0], ids[i][1], apres) < 0
                ? -1
                : 0;
    free(ids);
    if (r == 0 && db_commit(d) == 0) {
        *count = n;
        return 0;
    }
    db_rollback(d);
    return -1;
}
