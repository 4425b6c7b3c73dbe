/* activite.c - activity records: form reading, validation, writes with
 * their journal and aggregates, reads (see activite.h). */
#include "accompagnement/activite.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/agregats.h"
#include "accompagnement/beneficiaire.h"
#include "base/jour.h"
#include "base/text.h"
#include "journal/journal.h"
#include "lieux/search.h"
#include "structures/structures.h"
#include "territoires/territoires.h"

/* ---- form ---- */

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
    text_trim(dst);
}

static void bad(struct activite_saisie *s, const char *field)
{
    if (!s->bad_value) {
        s->bad_value = 1;
        s->bad_field = field;
    }
}

/* The bit set of the values of a repeated field. */
static unsigned read_bits(const struct query *q, const char *field, enum accomp_voc voc,
                          struct activite_saisie *s)
{
    unsigned bits = 0;
    const char *v;
    for (size_t i = 0; (v = query_get_nth(q, field, i)); i++) {
        if (!*v)
            continue;
        int k = accomp_code(voc, v);
        if (k < 0)
            bad(s, field);
        else
            bits |= 1u << k;
    }
    return bits;
}

/* One code of a vocabulary, -1 when absent or empty. */
static int read_code(const struct query *q, const char *field, enum accomp_voc voc,
                     struct activite_saisie *s)
{
    const char *v = query_get(q, field);
    if (!v || !*v)
        return -1;
    int k = accomp_code(voc, v);
    if (k < 0)
        bad(s, field);
    return k;
}

static long long read_id(const struct query *q, const char *field, struct activite_saisie *s)
{
    const char *v = query_get(q, field);
    if (!v || !*v)
        return 0;
    char *end;
    long long id = strtoll(v, &end, 10);
    if (*end || id <= 0) {
        bad(s, field);
        return 0;
    }
    return id;
}

void activite_saisie_lire(const struct query *q, struct activite_saisie *s)
{
    memset(s, 0, sizeof *s);
    const char *t = query_get(q, "type");
    s->type = t && strcmp(t, "collectif") == 0 ? ACT_COLLECTIF : ACT_INDIVIDUEL;
    if (t && *t && accomp_code(AV_TYPE, t) < 0)
        bad(s, "type");
    copy(s->date, sizeof s->date, query_get(q, "date"));
    copy(s->duree, sizeof s->duree, query_get(q, "duree"));
    copy(s->duree_autre, sizeof s->duree_autre, query_get(q, "duree_autre"));
    copy(s->lieu, sizeof s->lieu, query_get(q, "lieu"));
    copy(s->commune, sizeof s->commune, query_get(q, "commune"));
    s->materiel = read_bits(q, "materiel", AV_MATERIEL, s);
    s->themes = read_bits(q, "thematique", AV_THEME, s);
    s->themes_admin = read_bits(q, "thematique_administrative", AV_THEME_ADMIN, s);
    s->autonomie = read_code(q, "autonomie", AV_AUTONOMIE, s);
    s->redirection = read_code(q, "orientation", AV_REDIRECTION, s);
    s->niveau = read_code(q, "niveau", AV_NIVEAU, s);
    copy(s->titre, sizeof s->titre, query_get(q, "titre"));
    copy(s->anonymes, sizeof s->anonymes, query_get(q, "anonymes"));
    static const struct { enum accomp_voc voc; int n; } groups[] = {
        {AV_GENRE, NGENRE}, {AV_AGE, NAGE}, {AV_STATUT, NSTATUT}};
    for (int g = 0; g < 3; g++) {
        const struct accomp_vocabulaire *v = accomp_voc(groups[g].voc);
        for (int i = 0; i < groups[g].n; i++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", v->name, v->v[i].code);
            char *dst = g == 0 ? s->genre[i] : g == 1 ? s->age[i] : s->statut[i];
            copy(dst, 8, query_get(q, name));
        }
    }
    s->genre1 = read_code(q, "genre", AV_GENRE, s);
    s->age1 = read_code(q, "tranche_age", AV_AGE, s);
    s->statut1 = read_code(q, "statut", AV_STATUT, s);
    copy(s->tags, sizeof s->tags, query_get(q, "tags"));
    s->beneficiaire_id = read_id(q, "beneficiaire", s);
    s->diagnostic_id = read_id(q, "diagnostic", s);
}

/* ---- validation ---- */

/* A count field: "" is def; else 0..max. -1 when not a number in range. */
static int count_of(const char *s, int def, int max)
{
    if (!s || !*s)
        return def;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > max)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v <= max ? (int)v : -1;
}

/* The commune of a record: its code and territories. 1, 0 unknown, -1. */
static int set_commune(struct db *d, struct activite *a, const char *code)
{
    struct territoire_commune c;
    int k = territoires_commune(d, code, &c);
    if (k <= 0)
        return k;
    snprintf(a->commune, sizeof a->commune, "%s", c.code);
    snprintf(a->epci, sizeof a->epci, "%s", c.epci);
    snprintf(a->departement, sizeof a->departement, "%s", c.departement);
    snprintf(a->region, sizeof a->region, "%s", c.region);
    return 1;
}

static int valid_tags(const char *in, char *out, size_t n, struct accomp_erreurs *e)
{
    out[0] = 0;
    char tmp[ACTIVITE_TAGS_BUF + 64];
    snprintf(tmp, sizeof tmp, "%s", in);
    int count = 0;
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",;|", &save); t; t = strtok_r(NULL, ",;|", &save)) {
        text_trim(t);
        if (!*t)
            continue;
        if (++count > ACTIVITE_TAGS_MAX || text_utf8_len(t) > ACTIVITE_TAG_LEN) {
            accomp_erreur_add(e, "tags", "Cinq étiquettes au plus, de 30 caractères chacune au plus.");
            return 0;
        }
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
            if (*p < 0x20) {
                accomp_erreur_add(e, "tags", "Les étiquettes ne contiennent que du texte.");
                return 0;
            }
        if (out[0])
            snprintf(out + strlen(out), n - strlen(out), "|");
        snprintf(out + strlen(out), n - strlen(out), "%s", t);
    }
    return 1;
}

/* Where: fills lieu_type, lieu_pid, lieu_nom and the commune. */
static int valid_place(struct db *d, const struct activite_saisie *s, const struct structure *st,
                       struct activite *a, struct accomp_erreurs *e)
{
    const char *l = s->lieu;
    if (strncmp(l, "pid:", 4) == 0) {
        char *end;
        long long pid = strtoll(l + 4, &end, 10);
        struct lieux_hit h;
        int k = pid > 0 && !*end ? lieux_get(d, pid, &h, NULL) : 0;
        if (k < 0)
            return -1;
        if (k == 0) {
            accomp_erreur_add(e, "lieu", "Ce lieu n'est plus sur la carte : choisissez-en un autre.");
            return 0;
        }
        a->lieu_type = LIEU_ACTIVITE;
        a->lieu_pid = pid;
        snprintf(a->lieu_nom, sizeof a->lieu_nom, "%s", lieu_get(&h.l, LF_NOM));
        char commune[8];
        snprintf(commune, sizeof commune, "%s", h.commune_code[0] ? h.commune_code : st->commune_code);
        lieu_clear(&h.l);
        k = set_commune(d, a, commune);
        if (k == 0)
            k = set_commune(d, a, st->commune_code);
        return k < 0 ? -1 : k == 0 ? (accomp_erreur_add(e, "lieu", "La commune de ce lieu est inconnue."), 0) : 1;
    }
    if (strcmp(l, "structure") == 0 || strcmp(l, "a_distance") == 0) {
        a->lieu_type = strcmp(l, "structure") == 0 ? LIEU_ACTIVITE : LIEU_DISTANCE;
        if (a->lieu_type == LIEU_ACTIVITE)
            snprintf(a->lieu_nom, sizeof a->lieu_nom, "%s", st->nom);
        int k = set_commune(d, a, st->commune_code);
        if (k < 0)
            return -1;
        if (k == 0) {
            accomp_erreur_add(e, "lieu", "La commune de votre structure est inconnue : demandez à votre "
                           "coordinateur de la corriger.");
            return 0;
        }
        return 1;
    }
    if (strcmp(l, "domicile") == 0 || strcmp(l, "autre") == 0) {
        a->lieu_type = strcmp(l, "domicile") == 0 ? LIEU_DOMICILE : LIEU_AUTRE;
        if (!s->commune[0]) {
            accomp_erreur_add(e, "commune", "Indiquez la commune : son nom ou son code postal.");
            return 0;
        }
        struct territoire_commune c;
        int k = territoires_search_communes(d, s->commune, &c, 1);
        if (k < 0)
            return -1;
        if (k == 0) {
            accomp_erreur_add(e, "commune", "Commune introuvable : indiquez son nom (par exemple Foix) ou "
                              "son code postal (09000).");
            return 0;
        }
        k = set_commune(d, a, c.code);
        return k < 0 ? -1 : k;
    }
    accomp_erreur_add(e, "lieu", "Choisissez où l'activité a eu lieu.");
    return 0;
}

static void add_person(struct activite *a, int genre, int tranche, int statut, int sign)
{
    a->genre[genre] += sign;
    a->age[tranche] += sign;
    a->statut[statut] += sign;
}

/* The anonymous participants of a workshop, with their breakdowns. */
static void valid_anonymous(const struct activite_saisie *s, struct activite *a, int nsuivis,
                            struct accomp_erreurs *e)
{
    int n = count_of(s->anonymes, -1, ACTIVITE_MAX_ANONYMES);
    if (n < 0 || (n == 0 && nsuivis == 0)) {
        accomp_erreur_add(e, "anonymes", "Indiquez le nombre de participants : un nombre entre 1 et 1 000.");
        return;
    }
    a->anonymes = n;
    static const struct { enum accomp_voc voc; int count, nc; const char *what; } g[] = {
        {AV_GENRE, NGENRE, GENRE_NC, "genres"},
        {AV_AGE, NAGE, AGE_NC, "tranches d'âge"},
        {AV_STATUT, NSTATUT, STATUT_NC, "statuts"}};
    for (int k = 0; k < 3; k++) {
        int *dst = k == 0 ? a->genre : k == 1 ? a->age : a->statut;
        int sum = 0;
        for (int i = 0; i < g[k].count; i++) {
            const char *v = k == 0 ? s->genre[i] : k == 1 ? s->age[i] : s->statut[i];
            int c = count_of(v, 0, ACTIVITE_MAX_ANONYMES);
            if (c < 0) {
                accomp_erreur_add(e, accomp_voc(g[k].voc)->name, "Les effectifs sont des nombres entiers.");
                break;
            }
            dst[i] += c;
            sum += c;
        }
        if (sum > n)
            accomp_erreur_add(e, accomp_voc(g[k].voc)->name,
                "La somme des %s (%d) dépasse le nombre de participants (%d).", g[k].what, sum, n);
        else
            dst[g[k].nc] += n - sum;
    }
}

int activite_valider(struct db *d, const struct activite_saisie *s, long long structure_id,
                     time_t now, struct activite *a, struct accomp_erreurs *e)
{
    memset(e, 0, sizeof *e);
    /* Keep the followed participants already in *a (an update). */
    int nsuivis = a->nsuivis;
    struct activite_participant keep[ACTIVITE_MAX_SUIVIS];
    memcpy(keep, a->p, sizeof keep);
    long long id = a->id, compte = a->compte_id;
    char created[24];
    snprintf(created, sizeof created, "%s", a->created_at);
    memset(a, 0, sizeof *a);
    a->id = id;
    a->compte_id = compte;
    snprintf(a->created_at, sizeof a->created_at, "%s", created);
    a->nsuivis = nsuivis;
    memcpy(a->p, keep, sizeof keep);
    a->structure_id = structure_id;
    a->type = s->type;
    a->autonomie = a->redirection = a->niveau = -1;

    struct structure st;
    int k = structures_get(d, structure_id, &st);
    if (k < 0)
        return -1;
    if (k == 0) {
        accomp_erreur_add(e, "structure", "Votre structure est inconnue.");
        return 1;
    }
    if (s->bad_value)
        accomp_erreur_add(e, s->bad_field, "Cette valeur ne fait pas partie de la liste proposée.");
    long today = jour_local(now);
    if (jour_parse(s->date, &a->jour) < 0)
        accomp_erreur_add(e, "date", "Indiquez la date au format AAAA-MM-JJ, par exemple 2026-11-24.");
    else if (a->jour > today)
        accomp_erreur_add(e, "date", "La date ne peut pas être dans le futur.");
    else if (a->jour < jour_from_civil(2020, 1, 1))
        accomp_erreur_add(e, "date", "La date est antérieure à 2020 : vérifiez l'année.");
    if (strcmp(s->duree, "autre") == 0 || (!s->duree[0] && s->duree_autre[0])) {
        a->duree = count_of(s->duree_autre, -1, 1440);
        if (a->duree < 1)
            accomp_erreur_add(e, "duree_autre", "Indiquez la durée en minutes : un nombre entre 1 et 1 440.");
    } else {
        a->duree = count_of(s->duree, -1, 1440);
        if (a->duree < 1)
            accomp_erreur_add(e, "duree", "Choisissez la durée.");
    }
    k = valid_place(d, s, &st, a, e);
    if (k < 0)
        return -1;
    a->materiel = s->materiel;
    if ((a->materiel & (1u << MATERIEL_AUCUN)) && (a->materiel & ~(1u << MATERIEL_AUCUN)))
        accomp_erreur_add(e, "materiel", "« Pas de matériel » ne va pas avec un autre matériel.");
    a->themes = s->themes;
    a->themes_admin = s->themes_admin;
    if (!a->themes)
        accomp_erreur_add(e, "thematique", "Choisissez au moins une thématique.");
    if (a->themes_admin && !(a->themes & (1u << THEME_DEMARCHES)))
        accomp_erreur_add(e, "thematique_administrative",
            "Les démarches administratives vont avec la thématique « Aide aux démarches "
            "administratives » : cochez-la aussi.");
    if (!valid_tags(s->tags, a->tags, sizeof a->tags, e))
        a->tags[0] = 0;
    a->diagnostic_id = s->diagnostic_id;

    if (a->type == ACT_INDIVIDUEL) {
        a->autonomie = s->autonomie;
        a->redirection = s->redirection;
        a->participants = 1;
        if (s->beneficiaire_id && nsuivis == 0) {
            int g, t, u;
            k = beneficiaire_attributs(d, s->beneficiaire_id, structure_id, &g, &t, &u);
            if (k < 0)
                return -1;
            if (k == 0) {
                accomp_erreur_add(e, "beneficiaire", "Cette personne n'est pas suivie par votre structure.");
            } else {
                a->nsuivis = 1;
                a->p[0] = (struct activite_participant){0, s->beneficiaire_id, 0, g, t, u};
            }
        }
        if (a->nsuivis > 1)
            accomp_erreur_add(e, "beneficiaire", "Un accompagnement individuel concerne une seule personne.");
        if (a->nsuivis == 0) {
            a->anonymes = 1;
            add_person(a, s->genre1 >= 0 ? s->genre1 : GENRE_NC, s->age1 >= 0 ? s->age1 : AGE_NC,
                       s->statut1 >= 0 ? s->statut1 : STATUT_NC, 1);
        }
    } else {
        snprintf(a->titre, sizeof a->titre, "%s", s->titre);
        if (text_utf8_len(s->titre) > ACTIVITE_TITRE_MAX)
            accomp_erreur_add(e, "titre", "Le titre a 200 caractères au plus.");
        a->niveau = s->niveau;
        valid_anonymous(s, a, nsuivis, e);
    }
    a->suivis = a->nsuivis;
    for (int i = 0; i < a->nsuivis; i++) {
        add_person(a, a->p[i].genre, a->p[i].tranche, a->p[i].statut, 1);
        a->nouveaux += a->p[i].premier;
    }
    a->participants = a->anonymes + a->suivis;
    if (a->participants > 10000)
        accomp_erreur_add(e, "anonymes", "Trop de participants.");
    return e->n ? 1 : 0;
}

/* ---- storage ---- */

void activite_read_row(sqlite3_stmt *st, int c, struct activite *a)
{
    memset(a, 0, sizeof *a);
#define I64() sqlite3_column_int64(st, c++)
#define INT_OR(def) (sqlite3_column_type(st, c) == SQLITE_NULL ? (c++, (def)) : (int)I64())
    a->id = I64();
    a->structure_id = I64();
    a->compte_id = I64();
    a->type = (int)I64();
    a->jour = (long)I64();
    a->duree = (int)I64();
    a->lieu_type = (int)I64();
    a->lieu_pid = I64();
    db_col_copy(st, c++, a->lieu_nom, sizeof a->lieu_nom);
    db_col_copy(st, c++, a->commune, sizeof a->commune);
    db_col_copy(st, c++, a->epci, sizeof a->epci);
    db_col_copy(st, c++, a->departement, sizeof a->departement);
    db_col_copy(st, c++, a->region, sizeof a->region);
    a->materiel = (unsigned)I64();
    a->themes = (unsigned)I64();
    a->themes_admin = (unsigned)I64();
    a->autonomie = INT_OR(-1);
    a->redirection = INT_OR(-1);
    db_col_copy(st, c++, a->titre, sizeof a->titre);
    a->niveau = INT_OR(-1);
    a->participants = (int)I64();
    a->anonymes = (int)I64();
    a->suivis = (int)I64();
    a->nouveaux = (int)I64();
    for (int i = 0; i < NGENRE; i++)
        a->genre[i] = (int)I64();
    for (int i = 0; i < NAGE; i++)
        a->age[i] = (int)I64();
    for (int i = 0; i < NSTATUT; i++)
        a->statut[i] = (int)I64();
    db_col_copy(st, c++, a->tags, sizeof a->tags);
    a->diagnostic_id = I64();
    db_col_copy(st, c++, a->created_at, sizeof a->created_at);
    db_col_copy(st, c++, a->updated_at, sizeof a->updated_at);
#undef I64
#undef INT_OR
}

static void bind_opt(sqlite3_stmt *st, int i, long long v, long long none)
{
    if (v == none)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

/* Bind every column but id, created_at, from parameter 1. Returns the
 * next parameter index. */
static int bind_row(sqlite3_stmt *st, const struct activite *a)
{
    int i = 1;
    sqlite3_bind_int64(st, i++, a->structure_id);
    sqlite3_bind_int64(st, i++, a->compte_id);
    sqlite3_bind_int(st, i++, a->type);
    sqlite3_bind_int64(st, i++, a->jour);
    sqlite3_bind_int(st, i++, a->duree);
    sqlite3_bind_int(st, i++, a->lieu_type);
    bind_opt(st, i++, a->lieu_pid, 0);
    db_bind_text(st, i++, a->lieu_nom);
    db_bind_text(st, i++, a->commune);
    db_bind_text(st, i++, a->epci);
    db_bind_text(st, i++, a->departement);
    db_bind_text(st, i++, a->region);
    sqlite3_bind_int64(st, i++, a->materiel);
    sqlite3_bind_int64(st, i++, a->themes);
    sqlite3_bind_int64(st, i++, a->themes_admin);
    bind_opt(st, i++, a->autonomie, -1);
    bind_opt(st, i++, a->redirection, -1);
    db_bind_text(st, i++, a->titre);
    bind_opt(st, i++, a->niveau, -1);
    sqlite3_bind_int(st, i++, a->participants);
    sqlite3_bind_int(st, i++, a->anonymes);
    sqlite3_bind_int(st, i++, a->suivis);
    sqlite3_bind_int(st, i++, a->nouveaux);
    for (int k = 0; k < NGENRE; k++)
        sqlite3_bind_int(st, i++, a->genre[k]);
    for (int k = 0; k < NAGE; k++)
        sqlite3_bind_int(st, i++, a->age[k]);
    for (int k = 0; k < NSTATUT; k++)
        sqlite3_bind_int(st, i++, a->statut[k]);
    db_bind_text(st, i++, a->tags);
    bind_opt(st, i++, a->diagnostic_id, 0);
    db_bind_text(st, i++, a->updated_at);
    return i;
}

#define ROW_COLS                                                                            \
    "structure_id, compte_id, type, jour, duree, lieu_type, lieu_pid, lieu_nom, commune, "  \
    "epci, departement, region, materiel, thematiques, thematiques_admin, autonomie, "       \
    "redirection, titre, niveau, participants, anonymes, suivis, nouveaux, g_f, g_m, g_nc, " \
    "a_m12, a_12_17, a_18_24, a_25_39, a_40_59, a_60_69, a_70p, a_nc, s_scol, s_sans, "      \
    "s_emploi, s_retraite, s_nc, tags, diagnostic_id, updated_at"
#define ROW_PARAMS                                                                          \
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, " \
    "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, "  \
    "?37, ?38, ?39, ?40, ?41, ?42"

int activite_store_raw(struct db *d, struct activite *a)
{
    sqlite3_stmt *st = db_prepare_cached(d, "INSERT INTO activite (" ROW_COLS ", created_at) "
                                            "VALUES (" ROW_PARAMS ", ?43)");
    if (!st)
        return -1;
    int i = bind_row(st, a);
    db_bind_text(st, i, a->created_at);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "activite insert");
    a->id = sqlite3_last_insert_rowid(d->h);
    return 0;
}

static int update_row(struct db *d, const struct activite *a)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE activite SET (" ROW_COLS ") = (" ROW_PARAMS ") WHERE id = ?43");
    if (!st)
        return -1;
    int i = bind_row(st, a);
    sqlite3_bind_int64(st, i, a->id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "activite update");
}

static int load_participants(struct db *d, struct activite *a)
{
    a->nsuivis = 0;
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT id, coalesce(beneficiaire_id, 0), premier, genre, tranche, statut "
           "FROM activite_participant WHERE activite_id = ?1 ORDER BY id");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->nsuivis < ACTIVITE_MAX_SUIVIS) {
        struct activite_participant *p = &a->p[a->nsuivis++];
        p->id = sqlite3_column_int64(st, 0);
        p->beneficiaire_id = sqlite3_column_int64(st, 1);
        p->premier = sqlite3_column_int(st, 2);
        p->genre = sqlite3_column_int(st, 3);
        p->tranche = sqlite3_column_int(st, 4);
        p->statut = sqlite3_column_int(st, 5);
    }
    db_release(d, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(d, "participants");
}

int activite_get(struct db *d, long long id, struct activite *a)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT " ACTIVITE_COLUMNS " FROM activite WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        activite_read_row(st, 0, a);
    db_release(d, st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(d, "activite get");
    return load_participants(d, a) < 0 ? -1 : 1;
}

/* Rewrite the record and its aggregates: -old, +new. */
static int replace_row(struct db *d, const struct activite *old, const struct activite *now)
{
    if (stat_apply(d, old, -1) < 0 || update_row(d, now) < 0 || stat_apply(d, now, 1) < 0)
        return -1;
    return 0;
}

int activite_recompute_premier(struct db *d, long long b)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT p.id, p.activite_id, p.premier, a.jour FROM activite_participant p "
           "JOIN activite a ON a.id = p.activite_id WHERE p.beneficiaire_id = ?1 "
           "ORDER BY a.jour, a.id, p.id");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, b);
    struct change { long long pid, aid; int want; } ch[256];
    int nch = 0, rc, first = 1, overflow = 0;
    long last_day = -1;
    int have_day = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int want = first;
        first = 0;
        if (sqlite3_column_int(st, 2) != want) {
            if (nch < (int)(sizeof ch / sizeof *ch))
                ch[nch++] = (struct change){sqlite3_column_int64(st, 0),
                                            sqlite3_column_int64(st, 1), want};
            else
                overflow = 1;
        }
        last_day = (long)sqlite3_column_int64(st, 3);
        have_day = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "premier");
    if (overflow) {
        snprintf(d->err, sizeof d->err, "too many first-accompaniment changes");
        return -1;
    }
    for (int i = 0; i < nch; i++) {
        struct activite old, now;
        if (activite_get(d, ch[i].aid, &old) != 1)
            return -1;
        now = old;
        now.nouveaux += ch[i].want ? 1 : -1;
        for (int k = 0; k < now.nsuivis; k++)
            if (now.p[k].id == ch[i].pid)
                now.p[k].premier = ch[i].want;
        st = db_prepare_cached(d, "UPDATE activite_participant SET premier = ?2 WHERE id = ?1");
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, ch[i].pid);
        sqlite3_bind_int(st, 2, ch[i].want);
        rc = sqlite3_step(st);
        db_release(d, st);
        if (rc != SQLITE_DONE)
            return db_fail(d, "premier update");
        if (replace_row(d, &old, &now) < 0)
            return -1;
    }
    return beneficiaire_set_derniere_activite(d, b, have_day ? last_day : -1);
}

static int insert_participant(struct db *d, long long activite_id, struct activite_participant *p)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO activite_participant (activite_id, beneficiaire_id, premier, genre, "
           "tranche, statut) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, activite_id);
    bind_opt(st, 2, p->beneficiaire_id, 0);
    sqlite3_bind_int(st, 3, p->premier);
    sqlite3_bind_int(st, 4, p->genre);
    sqlite3_bind_int(st, 5, p->tranche);
    sqlite3_bind_int(st, 6, p->statut);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "participant insert");
    p->id = sqlite3_last_insert_rowid(d->h);
    return 0;
}

/* ---- journal ---- */

char *activite_json(const struct activite *a)
{
    json_t *o = json_object();
    char date[11];
    jour_format(a->jour, date);
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "structure_id", json_integer(a->structure_id));
    json_object_set_new(o, "compte_id", json_integer(a->compte_id));
    json_object_set_new(o, "type", json_string(accomp_code_of(AV_TYPE, a->type)));
    json_object_set_new(o, "date", json_string(date));
    json_object_set_new(o, "duree", json_integer(a->duree));
    json_object_set_new(o, "type_lieu", json_string(accomp_code_of(AV_LIEU, a->lieu_type)));
    json_object_set_new(o, "lieu_id", a->lieu_pid ? json_integer(a->lieu_pid) : json_null());
    json_object_set_new(o, "lieu_nom", a->lieu_nom[0] ? json_string(a->lieu_nom) : json_null());
    json_object_set_new(o, "code_commune", json_string(a->commune));
    static const struct { const char *name; enum accomp_voc voc; } lists[] = {
        {"materiel", AV_MATERIEL}, {"thematiques", AV_THEME},
        {"thematiques_administratives", AV_THEME_ADMIN}};
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        unsigned bits = k == 0 ? a->materiel : k == 1 ? a->themes : a->themes_admin;
        json_t *arr = json_array();
        for (int i = 0; i < accomp_voc(lists[k].voc)->n; i++)
            if (bits & (1u << i))
                json_array_append_new(arr, json_string(accomp_code_of(lists[k].voc, i)));
        json_object_set_new(o, lists[k].name, arr);
    }
    json_object_set_new(o, "autonomie", a->autonomie >= 0
                        ? json_string(accomp_code_of(AV_AUTONOMIE, a->autonomie)) : json_null());
    json_object_set_new(o, "orientation", a->redirection >= 0
                        ? json_string(accomp_code_of(AV_REDIRECTION, a->redirection)) : json_null());
    if (a->type == ACT_COLLECTIF) {
        json_object_set_new(o, "titre", a->titre[0] ? json_string(a->titre) : json_null());
        json_object_set_new(o, "niveau", a->niveau >= 0
                            ? json_string(accomp_code_of(AV_NIVEAU, a->niveau)) : json_null());
    }
    json_t *p = json_object();
    json_object_set_new(p, "total", json_integer(a->participants));
    json_object_set_new(p, "anonymes", json_integer(a->anonymes));
    json_object_set_new(p, "suivis", json_integer(a->suivis));
    json_object_set_new(p, "nouveaux", json_integer(a->nouveaux));
    static const struct { const char *name; enum accomp_voc voc; int n; } groups[] = {
        {"genre", AV_GENRE, NGENRE}, {"tranche_age", AV_AGE, NAGE}, {"statut", AV_STATUT, NSTATUT}};
    for (size_t k = 0; k < 3; k++) {
        const int *counts = k == 0 ? a->genre : k == 1 ? a->age : a->statut;
        json_t *g = json_object();
        for (int i = 0; i < groups[k].n; i++)
            if (counts[i])
                json_object_set_new(g, accomp_code_of(groups[k].voc, i), json_integer(counts[i]));
        json_object_set_new(p, groups[k].name, g);
    }
    json_object_set_new(o, "participants", p);
    json_t *tags = json_array();
    if (a->tags[0]) {
        char tmp[sizeof a->tags];
        snprintf(tmp, sizeof tmp, "%s", a->tags);
        char *save = NULL;
        for (char *t = strtok_r(tmp, "|", &save); t; t = strtok_r(NULL, "|", &save))
            json_array_append_new(tags, json_string(t));
    }
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "diagnostic_id", a->diagnostic_id ? json_integer(a->diagnostic_id)
                                                             : json_null());
    if (a->created_at[0])
        json_object_set_new(o, "cree_le", json_string(a->created_at));
    if (a->updated_at[0])
        json_object_set_new(o, "modifie_le", json_string(a->updated_at));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static int journal(struct db *d, struct accomp_ctx *c, const char *action,
                   const struct activite *a, const struct activite *before,
                   const struct activite *after)
{
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", a->id);
    char *avant = before ? activite_json(before) : NULL;
    char *apres = after ? activite_json(after) : NULL;
    struct journal_write w = {.action = action, .objet = "activite", .objet_id = ids,
                              .commune = a->commune, .structure_id = a->structure_id,
                              .avant = avant, .apres = apres};
    int r = journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
    free(avant);
    free(apres);
    return r;
}

/* ---- flows ---- */

enum accomp_result activite_create(struct db *d, struct accomp_ctx *c, struct activite *a,
                                     struct accomp_erreurs *e, const struct activite_saisie *s,
                                     long long *id)
{
    long long structure_id = a->structure_id;
    struct authz_resource r = {.structure_id = structure_id};
    int k = accomp_allowed(d, c, AZ_ACTIVITE_CREATE, &r);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_FORBIDDEN, "Seuls les médiateurs de la structure enregistrent ses "
                                        "activités.");
    if (c->by)
        a->compte_id = c->by->compte_id;
    a->id = 0;
    a->nsuivis = 0;
    a->created_at[0] = 0;
    k = activite_valider(d, s, structure_id, c->now, a, e);
    if (k < 0)
        return ACC_ERROR;
    if (k > 0)
        return ACC_INVALID;
    text_iso_time(c->now, a->created_at);
    snprintf(a->updated_at, sizeof a->updated_at, "%s", a->created_at);
    if (db_begin(d) < 0)
        return ACC_ERROR;
    if (activite_store_raw(d, a) < 0)
        return accomp_fail(d);
    for (int i = 0; i < a->nsuivis; i++)
        if (insert_participant(d, a->id, &a->p[i]) < 0)
            return accomp_fail(d);
    if (stat_apply(d, a, 1) < 0)
        return accomp_fail(d);
    for (int i = 0; i < a->nsuivis; i++)
        if (activite_recompute_premier(d, a->p[i].beneficiaire_id) < 0)
            return accomp_fail(d);
    struct activite now;
    if (activite_get(d, a->id, &now) != 1)
        return accomp_fail(d);
    *a = now;
    if (journal(d, c, "activite.creer", a, NULL, a) < 0 || db_commit(d) < 0)
        return accomp_fail(d);
    *id = a->id;
    return ACC_DONE;
}

/* Load record id for a change by its author. */
static enum accomp_result load_own(struct db *d, struct accomp_ctx *c, long long id,
                                     struct activite *a)
{
    int k = activite_get(d, id, a);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Cette activité n'existe pas ou a été supprimée.");
    struct authz_resource r = {.structure_id = a->structure_id, .compte_id = a->compte_id,
                               .commune = a->commune};
    k = accomp_allowed(d, c, AZ_ACTIVITE_EDIT, &r);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_FORBIDDEN, "Seule la personne qui a enregistré cette activité peut "
                                        "la modifier.");
    return ACC_DONE;
}

enum accomp_result activite_update(struct db *d, struct accomp_ctx *c, long long id,
                                     const struct activite_saisie *s, struct accomp_erreurs *e)
{
    struct activite old, now;
    enum accomp_result r = load_own(d, c, id, &old);
    if (r != ACC_DONE)
        return r;
    struct activite_saisie same = *s;
    same.type = old.type; /* a record keeps its type */
    same.beneficiaire_id = 0;
    now = old;
    int k = activite_valider(d, &same, old.structure_id, c->now, &now, e);
    if (k < 0)
        return ACC_ERROR;
    if (k > 0)
        return ACC_INVALID;
    text_iso_time(c->now, now.updated_at);
    if (db_begin(d) < 0)
        return ACC_ERROR;
    if (replace_row(d, &old, &now) < 0)
        return accomp_fail(d);
    for (int i = 0; i < now.nsuivis; i++)
        if (now.p[i].beneficiaire_id && activite_recompute_premier(d, now.p[i].beneficiaire_id) < 0)
            return accomp_fail(d);
    if (activite_get(d, id, &now) != 1)
        return accomp_fail(d);
    if (journal(d, c, "activite.modifier", &now, &old, &now) < 0 || db_commit(d) < 0)
        return accomp_fail(d);
    return ACC_DONE;
}

enum accomp_result activite_delete(struct db *d, struct accomp_ctx *c, long long id)
{
    struct activite old;
    enum accomp_result r = load_own(d, c, id, &old);
    if (r != ACC_DONE)
        return r;
    if (db_begin(d) < 0)
        return ACC_ERROR;
    if (stat_apply(d, &old, -1) < 0)
        return accomp_fail(d);
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM activite WHERE id = ?1");
    if (!st)
        return accomp_fail(d);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "activite delete");
        return accomp_fail(d);
    }
    for (int i = 0; i < old.nsuivis; i++)
        if (old.p[i].beneficiaire_id && activite_recompute_premier(d, old.p[i].beneficiaire_id) < 0)
            return accomp_fail(d);
    if (journal(d, c, "activite.supprimer", &old, &old, NULL) < 0 || db_commit(d) < 0)
        return accomp_fail(d);
    return ACC_DONE;
}

static int journal_participant(struct db *d, struct accomp_ctx *c, const char *action,
                               const struct activite *a, long long b)
{
    char ids[32], apres[64];
    snprintf(ids, sizeof ids, "%lld", a->id);
    snprintf(apres, sizeof apres, "{\"beneficiaire_id\":%lld}", b);
    struct journal_write w = {.action = action, .objet = "activite", .objet_id = ids,
                              .commune = a->commune, .structure_id = a->structure_id,
                              .apres = apres};
    return journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
}

enum accomp_result activite_participant_add(struct db *d, struct accomp_ctx *c, long long id,
                                              long long b)
{
    struct activite old, now;
    enum accomp_result r = load_own(d, c, id, &old);
    if (r != ACC_DONE)
        return r;
    int g, t, u;
    int k = beneficiaire_attributs(d, b, old.structure_id, &g, &t, &u);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Cette personne n'est pas suivie par votre structure.");
    for (int i = 0; i < old.nsuivis; i++)
        if (old.p[i].beneficiaire_id == b)
            return accomp_refuse(c, ACC_INVALID, "Cette personne est déjà inscrite à cette activité.");
    if (old.nsuivis >= ACTIVITE_MAX_SUIVIS ||
        (old.type == ACT_INDIVIDUEL && old.suivis > 0))
        return accomp_refuse(c, ACC_INVALID, old.type == ACT_INDIVIDUEL
                                          ? "Un accompagnement individuel concerne une seule "
                                            "personne."
                                          : "Trop de personnes suivies pour cette activité.");
    now = old;
    struct activite_participant p = {0, b, 0, g, t, u};
    if (old.type == ACT_INDIVIDUEL) {
        /* The anonymous person was this one: their attributes are the record's. */
        memset(now.genre, 0, sizeof now.genre);
        memset(now.age, 0, sizeof now.age);
        memset(now.statut, 0, sizeof now.statut);
        now.anonymes = 0;
    }
    add_person(&now, g, t, u, 1);
    now.suivis++;
    now.participants = now.anonymes + now.suivis;
    text_iso_time(c->now, now.updated_at);
    if (db_begin(d) < 0)
        return ACC_ERROR;
    if (insert_participant(d, id, &p) < 0 || replace_row(d, &old, &now) < 0 ||
        activite_recompute_premier(d, b) < 0 || activite_get(d, id, &now) != 1 ||
        journal_participant(d, c, "activite.ajouter_participant", &now, b) < 0 ||
        db_commit(d) < 0)
        return accomp_fail(d);
    return ACC_DONE;
}

/* Remove followed participant b from record old, in the caller's
 * transaction, without authorization (done by the caller). */
static enum accomp_result remove_tx(struct db *d, struct accomp_ctx *c, const struct activite *old,
                                    long long b)
{
    int at = -1;
    for (int i = 0; i < old->nsuivis; i++)
        if (old->p[i].beneficiaire_id == b)
            at = i;
    if (at < 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Cette personne n'est pas inscrite à cette activité.");
    struct activite now = *old;
    const struct activite_participant *p = &old->p[at];
    if (old->type == ACT_INDIVIDUEL) {
        now.anonymes = 1; /* the person stays counted, anonymously */
    } else {
        if (old->participants <= 1)
            return accomp_refuse(c, ACC_INVALID, "Un atelier compte au moins une personne : "
                                                 "supprimez l'atelier plutôt.");
        add_person(&now, p->genre, p->tranche, p->statut, -1);
    }
    now.suivis--;
    now.nouveaux -= p->premier;
    now.participants = now.anonymes + now.suivis;
    text_iso_time(c->now, now.updated_at);
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM activite_participant WHERE id = ?1");
    if (!st)
        return ACC_ERROR;
    sqlite3_bind_int64(st, 1, p->id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "participant delete");
        return ACC_ERROR;
    }
    if (replace_row(d, old, &now) < 0 || activite_recompute_premier(d, b) < 0 ||
        journal_participant(d, c, "activite.retirer_participant", &now, b) < 0)
        return ACC_ERROR;
    return ACC_DONE;
}

enum accomp_result activite_participant_remove(struct db *d, struct accomp_ctx *c,
                                                 long long id, long long b)
{
    struct activite old;
    enum accomp_result r = load_own(d, c, id, &old);
    if (r != ACC_DONE)
        return r;
    if (db_begin(d) < 0)
        return ACC_ERROR;
    r = remove_tx(d, c, &old, b);
    if (r == ACC_ERROR)
        return accomp_fail(d);
    if (r != ACC_DONE) {
        db_rollback(d);
        return r;
    }
    return db_commit(d) < 0 ? accomp_fail(d) : ACC_DONE;
}

enum accomp_result activite_participant_remove_in_tx(struct db *d, struct accomp_ctx *c,
                                                     long long id, long long b)
{
    struct activite old;
    int k = activite_get(d, id, &old);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Cette activité n'existe pas.");
    return remove_tx(d, c, &old, b);
}

int activite_may_read(struct db *d, const struct actor *actor, const struct activite *a)
{
    struct authz_resource r = {.structure_id = a->structure_id, .compte_id = a->compte_id,
                               .commune = a->commune};
    return authz_allowed(d, actor, AZ_ACTIVITE_READ, &r);
}

/* ---- defaults, listing, display ---- */

void activite_vers_saisie(const struct activite *a, struct activite_saisie *s)
{
    memset(s, 0, sizeof *s);
    s->type = a->type;
    jour_format(a->jour, s->date);
    static const int presets[] = {15, 30, 45, 60, 90, 120};
    int preset = 0;
    for (size_t i = 0; i < sizeof presets / sizeof *presets; i++)
        preset |= presets[i] == a->duree;
    if (preset) {
        snprintf(s->duree, sizeof s->duree, "%d", a->duree);
    } else {
        snprintf(s->duree, sizeof s->duree, "autre");
        snprintf(s->duree_autre, sizeof s->duree_autre, "%d", a->duree);
    }
    if (a->lieu_type == LIEU_ACTIVITE)
        snprintf(s->lieu, sizeof s->lieu, a->lieu_pid ? "pid:%lld" : "structure", a->lieu_pid);
    else
        snprintf(s->lieu, sizeof s->lieu, "%s", accomp_code_of(AV_LIEU, a->lieu_type));
    snprintf(s->commune, sizeof s->commune, "%s", a->commune);
    s->materiel = a->materiel;
    s->themes = a->themes;
    s->themes_admin = a->themes_admin;
    s->autonomie = a->autonomie;
    s->redirection = a->redirection;
    s->niveau = a->niveau;
    snprintf(s->titre, sizeof s->titre, "%s", a->titre);
    /* Anonymous counts: the record's minus its followed participants. */
    int genre[NGENRE], age[NAGE], statut[NSTATUT];
    memcpy(genre, a->genre, sizeof genre);
    memcpy(age, a->age, sizeof age);
    memcpy(statut, a->statut, sizeof statut);
    for (int i = 0; i < a->nsuivis; i++) {
        genre[a->p[i].genre]--;
        age[a->p[i].tranche]--;
        statut[a->p[i].statut]--;
    }
    s->genre1 = s->age1 = s->statut1 = -1;
    if (a->type == ACT_COLLECTIF) {
        snprintf(s->anonymes, sizeof s->anonymes, "%d", a->anonymes);
        for (int i = 0; i < NGENRE; i++)
            if (i != GENRE_NC && genre[i] > 0)
                snprintf(s->genre[i], sizeof s->genre[i], "%d", genre[i]);
        for (int i = 0; i < NAGE; i++)
            if (i != AGE_NC && age[i] > 0)
                snprintf(s->age[i], sizeof s->age[i], "%d", age[i]);
        for (int i = 0; i < NSTATUT; i++)
            if (i != STATUT_NC && statut[i] > 0)
                snprintf(s->statut[i], sizeof s->statut[i], "%d", statut[i]);
    } else if (a->anonymes) {
        for (int i = 0; i < NGENRE; i++)
            if (genre[i] > 0)
                s->genre1 = i;
        for (int i = 0; i < NAGE; i++)
            if (age[i] > 0)
                s->age1 = i;
        for (int i = 0; i < NSTATUT; i++)
            if (statut[i] > 0)
                s->statut1 = i;
    }
    for (const char *p = a->tags; *p; p++) {
        size_t n = strlen(s->tags);
        if (n + 3 >= sizeof s->tags)
            break;
        if (*p == '|') {
            s->tags[n] = ',';
            s->tags[n + 1] = ' ';
            s->tags[n + 2] = 0;
        } else {
            s->tags[n] = *p;
            s->tags[n + 1] = 0;
        }
    }
    s->diagnostic_id = a->diagnostic_id;
}

void activite_defauts(struct db *d, long long compte_id, long long structure_id, int type,
                      time_t now, struct activite_saisie *s)
{
    memset(s, 0, sizeof *s);
    s->type = type;
    s->autonomie = s->redirection = s->niveau = -1;
    s->genre1 = s->age1 = s->statut1 = -1;
    snprintf(s->duree, sizeof s->duree, "%s", type == ACT_COLLECTIF ? "90" : "30");
    snprintf(s->lieu, sizeof s->lieu, "structure");
    struct structure_places pl;
    if (structures_places(d, structure_id, &pl) == 0) {
        for (size_t i = 0; i < pl.n; i++)
            if (pl.v[i].lieu_pid > 0) {
                snprintf(s->lieu, sizeof s->lieu, "pid:%lld", pl.v[i].lieu_pid);
                break;
            }
        structure_places_free(&pl);
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT " ACTIVITE_COLUMNS " FROM activite WHERE compte_id = ?1 AND structure_id = ?2 "
           "AND type = ?3 ORDER BY id DESC LIMIT 1");
    if (st) {
        sqlite3_bind_int64(st, 1, compte_id);
        sqlite3_bind_int64(st, 2, structure_id);
        sqlite3_bind_int(st, 3, type);
        if (sqlite3_step(st) == SQLITE_ROW) {
            struct activite last;
            activite_read_row(st, 0, &last);
            struct activite_saisie prev;
            activite_vers_saisie(&last, &prev);
            snprintf(s->duree, sizeof s->duree, "%s", prev.duree);
            snprintf(s->duree_autre, sizeof s->duree_autre, "%s", prev.duree_autre);
            snprintf(s->lieu, sizeof s->lieu, "%s", prev.lieu);
            if (last.lieu_type == LIEU_DOMICILE || last.lieu_type == LIEU_AUTRE)
                snprintf(s->commune, sizeof s->commune, "%s", prev.commune);
            s->materiel = prev.materiel;
            if (type == ACT_COLLECTIF)
                s->niveau = prev.niveau;
        }
        db_release(d, st);
    }
    char date[11];
    jour_format(jour_local(now), date);
    snprintf(s->date, sizeof s->date, "%s", date);
}

void activite_liste_free(struct activite_liste *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void fill_row(sqlite3_stmt *st, void *e)
{
    activite_read_row(st, 0, e);
}

int activite_list(struct db *d, const struct activite_filtre *f, struct activite_liste *out)
{
    memset(out, 0, sizeof *out);
    int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
    sqlite3_stmt *st;
    if (f->beneficiaire_id)
        st = db_prepare(d, "SELECT " ACTIVITE_COLUMNS " FROM activite WHERE id IN "
                           "(SELECT activite_id FROM activite_participant WHERE "
                           "beneficiaire_id = ?1) ORDER BY jour DESC, id DESC LIMIT ?2 OFFSET ?3");
    else if (f->compte_id)
        st = db_prepare(d, "SELECT " ACTIVITE_COLUMNS " FROM activite WHERE compte_id = ?1 "
                           "AND (?4 > ?5 OR jour BETWEEN ?4 AND ?5) AND (?6 = 0 OR structure_id = ?6) "
                           "ORDER BY jour DESC, id DESC LIMIT ?2 OFFSET ?3");
    else
        st = db_prepare(d, "SELECT " ACTIVITE_COLUMNS " FROM activite WHERE structure_id = ?1 "
                           "AND (?4 > ?5 OR jour BETWEEN ?4 AND ?5) "
                           "ORDER BY jour DESC, id DESC LIMIT ?2 OFFSET ?3");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, f->beneficiaire_id ? f->beneficiaire_id
                              : f->compte_id ? f->compte_id : f->structure_id);
    sqlite3_bind_int(st, 2, limit + 1);
    sqlite3_bind_int(st, 3, f->offset > 0 ? f->offset : 0);
    if (!f->beneficiaire_id) {
        sqlite3_bind_int64(st, 4, f->du);
        sqlite3_bind_int64(st, 5, f->au);
        if (f->compte_id)
            sqlite3_bind_int64(st, 6, f->structure_id);
    }
    void *v = NULL;
    if (db_collect(d, st, &v, &out->n, sizeof *out->v, fill_row) < 0)
        return -1;
    out->v = v;
    if ((int)out->n > limit) {
        out->n = (size_t)limit;
        out->more = 1;
    }
    return 0;
}

void activite_lieu_texte(struct db *d, const struct activite *a, char *out, size_t n)
{
    struct territoire_commune c;
    const char *commune = territoires_commune(d, a->commune, &c) == 1 ? c.nom : a->commune;
    switch (a->lieu_type) {
    case LIEU_ACTIVITE:
        snprintf(out, n, "%s", a->lieu_nom[0] ? a->lieu_nom : "Lieu d'activité");
        break;
    case LIEU_DISTANCE:
        snprintf(out, n, "À distance");
        break;
    case LIEU_DOMICILE:
        snprintf(out, n, "À domicile (%s)", commune);
        break;
    default:
        snprintf(out, n, "Autre lieu (%s)", commune);
    }
}
