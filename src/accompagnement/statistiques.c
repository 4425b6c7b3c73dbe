/* statistiques.c - scopes, labelled rows, CSV and JSON of the activity
 * statistics (see statistiques.h). */
#include "accompagnement/statistiques.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/referentiel.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/jour.h"
#include "lieux/search.h"
#include "structures/structures.h"
#include "territoires/territoires.h"

static const char *const total_names[STT__COUNT] = {
    "activites", "accompagnements", "participants_ateliers", "anonymes", "suivis", "nouveaux",
    "minutes", "orientes",
};

const char *stat_total_name(enum stat_total t)
{
    return (unsigned)t < STT__COUNT ? total_names[t] : "?";
}

/* The vocabulary of a dimension, or -1. */
static int voc_of(enum stat_dim d)
{
    switch (d) {
    case SD_TYPE: return AV_TYPE;
    case SD_DUREE: return AV_DUREE;
    case SD_LIEU_TYPE: return AV_LIEU;
    case SD_THEME: return AV_THEME;
    case SD_THEME_ADMIN: return AV_THEME_ADMIN;
    case SD_MATERIEL: return AV_MATERIEL;
    case SD_AUTONOMIE: return AV_AUTONOMIE;
    case SD_REDIRECTION: return AV_REDIRECTION;
    case SD_NIVEAU: return AV_NIVEAU;
    case SD_GENRE: return AV_GENRE;
    case SD_AGE: return AV_AGE;
    case SD_STATUT: return AV_STATUT;
    default: return -1;
    }
}

const char *stat_dim_titre(enum stat_dim d)
{
    switch (d) {
    case SD_TYPE: return "Type d'activité";
    case SD_DUREE: return "Durée";
    case SD_LIEU_TYPE: return "Lieu";
    case SD_THEME: return "Thématiques";
    case SD_THEME_ADMIN: return "Démarches administratives";
    case SD_MATERIEL: return "Matériel utilisé";
    case SD_AUTONOMIE: return "Autonomie de la personne";
    case SD_REDIRECTION: return "Orientations";
    case SD_NIVEAU: return "Niveau des ateliers";
    case SD_GENRE: return "Genre";
    case SD_AGE: return "Tranche d'âge";
    case SD_STATUT: return "Statut";
    case SD_COMMUNE: return "Communes";
    case SD_DEPARTEMENT: return "Départements";
    case SD_REGION: return "Régions";
    case SD_LIEU: return "Lieux d'activité";
    default: return "";
    }
}

/* ---- the request ---- */

/* The actor's own scope. 0 when none. */
static int default_scope(const struct actor *a, struct stat_demande *q)
{
    if (!a) {
        q->portee = SP_NATION;
        return 1;
    }
    if (actor_has_role(a, ROLE_ADMIN)) {
        q->portee = SP_NATION;
        return 1;
    }
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < a->ngrants; i++) {
            const struct grant *g = &a->grants[i];
            if (pass == 0 && g->role == ROLE_COORDINATEUR) {
                static const int map[] = {[PORTEE_REGION] = SP_REGION,
                                          [PORTEE_DEPARTEMENT] = SP_DEPARTEMENT,
                                          [PORTEE_EPCI] = SP_EPCI, [PORTEE_COMMUNE] = SP_COMMUNE};
                if (g->portee < PORTEE_REGION || g->portee > PORTEE_COMMUNE)
                    continue;
                q->portee = (enum stat_portee)map[g->portee];
                snprintf(q->code, sizeof q->code, "%s", g->code);
                return 1;
            }
            if (pass == 1 && g->role == ROLE_GESTIONNAIRE) {
                q->portee = SP_STRUCTURE;
                snprintf(q->code, sizeof q->code, "%s", g->code);
                return 1;
            }
            if (pass == 2 && g->role == ROLE_MEDIATEUR) {
                q->portee = SP_COMPTE;
                snprintf(q->code, sizeof q->code, "%lld", a->compte_id);
                return 1;
            }
        }
    return 0;
}

static int valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return atoll(s) > 0;
}

/* The title, and whether the scope exists. 1, 0 unknown, -1. */
static int scope_title(struct db *d, struct stat_demande *q)
{
    static const int niv[] = {[SP_REGION] = TERRITOIRE_REGION,
                              [SP_DEPARTEMENT] = TERRITOIRE_DEPARTEMENT,
                              [SP_EPCI] = TERRITOIRE_EPCI, [SP_COMMUNE] = TERRITOIRE_COMMUNE};
    switch (q->portee) {
    case SP_NATION:
        snprintf(q->titre, sizeof q->titre, "France entière");
        return 1;
    case SP_STRUCTURE: {
        struct structure s;
        int k = valid_id(q->code) ? structures_get(d, atoll(q->code), &s) : 0;
        if (k == 1)
            snprintf(q->titre, sizeof q->titre, "Structure : %s", s.nom);
        return k;
    }
    case SP_COMPTE:
        snprintf(q->titre, sizeof q->titre, "Mes activités");
        return valid_id(q->code);
    default: {
        struct territoire t;
        int k = territoires_get(d, (enum territoire_niveau)niv[q->portee], q->code, &t);
        if (k == 1) {
            static const char *const label[] = {[SP_REGION] = "Région", [SP_DEPARTEMENT] = "Département",
                                                [SP_EPCI] = "Intercommunalité",
                                                [SP_COMMUNE] = "Commune"};
            snprintf(q->titre, sizeof q->titre, "%s : %s", label[q->portee], t.nom);
            snprintf(q->code, sizeof q->code, "%s", t.code);
        }
        return k;
    }
    }
}

int stat_demande_lire(struct db *d, const struct actor *a, const char *portee, const char *code,
                      const char *du, const char *au, time_t now, struct stat_demande *q,
                      char *msg, size_t msgn)
{
    memset(q, 0, sizeof *q);
    msg[0] = 0;
    if (portee && *portee) {
        int p = stat_portee_parse(portee);
        if (p < 0) {
            snprintf(msg, msgn, "Portée inconnue : choisissez nation, region, departement, epci, "
                                "commune, structure ou compte.");
            return -2;
        }
        q->portee = (enum stat_portee)p;
        snprintf(q->code, sizeof q->code, "%s", code ? code : "");
        if (q->portee == SP_COMPTE && !q->code[0] && a)
            snprintf(q->code, sizeof q->code, "%lld", a->compte_id);
    } else if (!default_scope(a, q)) {
        return 0;
    }
    long today = jour_local(now);
    q->au = today;
    if (au && *au && jour_parse(au, &q->au) < 0) {
        snprintf(msg, msgn, "La date de fin s'écrit AAAA-MM-JJ, par exemple 2026-11-24.");
        return -2;
    }
    int y, m, dd;
    jour_to_civil(q->au, &y, &m, &dd);
    q->du = jour_from_civil(y - 1, m, dd > jour_month_days(y - 1, m) ? jour_month_days(y - 1, m) : dd) + 1;
    if (du && *du && jour_parse(du, &q->du) < 0) {
        snprintf(msg, msgn, "La date de début s'écrit AAAA-MM-JJ, par exemple 2026-01-01.");
        return -2;
    }
    if (q->du > q->au) {
        snprintf(msg, msgn, "La date de début est après la date de fin.");
        return -2;
    }
    if (q->portee != SP_NATION && !q->code[0]) {
        snprintf(msg, msgn, "Indiquez le code du territoire, de la structure ou du compte.");
        return -2;
    }
    int k = scope_title(d, q);
    if (k < 0)
        return -1;
    if (k == 0) {
        snprintf(msg, msgn, "Ce territoire, cette structure ou ce compte est inconnu.");
        return -2;
    }
    if (!a)
        return 1;
    struct authz_resource r = {0};
    static const int niv[] = {[SP_REGION] = TERRITOIRE_REGION,
                              [SP_DEPARTEMENT] = TERRITOIRE_DEPARTEMENT,
                              [SP_EPCI] = TERRITOIRE_EPCI, [SP_COMMUNE] = TERRITOIRE_COMMUNE};
    if (q->portee == SP_STRUCTURE)
        r.structure_id = atoll(q->code);
    else if (q->portee == SP_COMPTE)
        r.compte_id = atoll(q->code);
    else if (q->portee != SP_NATION) {
        r.niveau = niv[q->portee];
        r.code = q->code;
    }
    return authz_allowed(d, a, AZ_STATS_READ, &r);
}

/* ---- labelled rows ---- */

static int dim_order(enum stat_dim d)
{
    /* The order of the page: totals, then activities, then people, then where. */
    static const enum stat_dim order[] = {SD_TYPE, SD_DUREE, SD_THEME, SD_THEME_ADMIN, SD_MATERIEL,
                                          SD_LIEU_TYPE, SD_AUTONOMIE, SD_REDIRECTION, SD_NIVEAU,
                                          SD_GENRE, SD_AGE, SD_STATUT, SD_REGION, SD_DEPARTEMENT,
                                          SD_COMMUNE, SD_LIEU};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (order[i] == d)
            return (int)i;
    return 99;
}

static int cmp_row(const void *a, const void *b)
{
    const struct stat_ligne *x = a, *y = b;
    int ox = dim_order(x->dim), oy = dim_order(y->dim);
    if (ox != oy)
        return ox - oy;
    if (voc_of(x->dim) >= 0)
        return x->valeur < y->valeur ? -1 : x->valeur > y->valeur;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->libelle, y->libelle);
}

static int push(struct stat_tableau *t, size_t *cap, const struct stat_ligne *l)
{
    if (array_grow(&t->v, t->n, cap, sizeof *t->v) < 0)
        return -1;
    t->v[t->n++] = *l;
    return 0;
}

static void label_place(struct db *d, struct stat_ligne *l)
{
    struct lieux_hit h;
    if (lieux_get(d, l->valeur, &h, NULL) == 1) {
        snprintf(l->libelle, sizeof l->libelle, "%s", lieu_get(&h.l, LF_NOM));
        lieu_clear(&h.l);
    } else {
        snprintf(l->libelle, sizeof l->libelle, "Lieu n° %lld (retiré de la carte)", l->valeur);
    }
}

static void label_territory(struct db *d, struct stat_ligne *l)
{
    struct territoire t;
    enum territoire_niveau n = l->dim == SD_COMMUNE ? TERRITOIRE_COMMUNE
                               : l->dim == SD_DEPARTEMENT ? TERRITOIRE_DEPARTEMENT
                                                          : TERRITOIRE_REGION;
    if (territoires_get(d, n, l->code, &t) == 1)
        snprintf(l->libelle, sizeof l->libelle, "%s (%s)", t.nom, l->code);
    else
        snprintf(l->libelle, sizeof l->libelle, "%s", l->code);
}

int stat_tableau_make(struct db *d, const struct stat_vec *v, struct stat_tableau *t)
{
    memset(t, 0, sizeof *t);
    size_t cap = 0;
    for (int i = 0; i < STT__COUNT; i++)
        t->total[i] = stat_vec_get(v, STAT_KEY(SD_TOTAL, i));
    /* Every value of the vocabularies, zeros included. */
    for (int dim = SD_TYPE; dim <= SD_STATUT; dim++) {
        int voc = voc_of((enum stat_dim)dim);
        for (int i = 0; voc >= 0 && i < accomp_voc((enum accomp_voc)voc)->n; i++) {
            struct stat_ligne l = {.dim = (enum stat_dim)dim, .valeur = i,
                                   .n = stat_vec_get(v, STAT_KEY(dim, i)), .personnes = -1};
            snprintf(l.code, sizeof l.code, "%s", accomp_code_of((enum accomp_voc)voc, i));
            snprintf(l.libelle, sizeof l.libelle, "%s", accomp_label((enum accomp_voc)voc, i));
            if (push(t, &cap, &l) < 0)
                goto oom;
        }
    }
    for (size_t i = 0; i < v->n; i++) {
        int dim = STAT_DIM(v->v[i].key);
        if (dim != SD_COMMUNE && dim != SD_DEPARTEMENT && dim != SD_REGION && dim != SD_LIEU)
            continue;
        int twin = dim == SD_COMMUNE ? SD_COMMUNE_ACC
                   : dim == SD_DEPARTEMENT ? SD_DEPARTEMENT_ACC
                   : dim == SD_REGION ? SD_REGION_ACC : -1;
        struct stat_ligne l = {.dim = (enum stat_dim)dim, .valeur = STAT_VAL(v->v[i].key),
                               .n = v->v[i].n, .personnes = -1};
        if (twin >= 0)
            l.personnes = stat_vec_get(v, STAT_KEY(twin, l.valeur));
        if (dim == SD_LIEU) {
            snprintf(l.code, sizeof l.code, "%lld", l.valeur);
            label_place(d, &l);
        } else {
            stat_num_code((enum stat_dim)dim, l.valeur, l.code, sizeof l.code);
            label_territory(d, &l);
        }
        if (push(t, &cap, &l) < 0)
            goto oom;
    }
    qsort(t->v, t->n, sizeof *t->v, cmp_row);
    return 0;
oom:
    stat_tableau_free(t);
    snprintf(d->err, sizeof d->err, "out of memory");
    return -1;
}

int stat_demande_tableau(struct db *d, const struct stat_demande *q, int sql,
                         struct stat_tableau *out)
{
    struct stat_vec v;
    memset(out, 0, sizeof *out);
    if ((sql ? stat_query_sql(d, q->portee, q->code, q->du, q->au, &v)
             : stat_query(d, q->portee, q->code, q->du, q->au, &v, NULL)) < 0)
        return -1;
    int r = stat_tableau_make(d, &v, out);
    stat_vec_free(&v);
    return r;
}

void stat_tableau_free(struct stat_tableau *t)
{
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

void stat_tableau_csv(const struct stat_tableau *t, const struct stat_demande *q, struct buf *out)
{
    char du[11], au[11];
    jour_format(q->du, du);
    jour_format(q->au, au);
    buf_puts(out, "portee,code,du,au,dimension,valeur,libelle,nombre,personnes\r\n");
    for (int i = 0; i < STT__COUNT; i++) {
        char n[32];
        snprintf(n, sizeof n, "%lld", t->total[i]);
        char *f[] = {(char *)stat_portee_name(q->portee), (char *)q->code, du, au, "total",
                     (char *)stat_total_name((enum stat_total)i),
                     (char *)stat_total_name((enum stat_total)i), n, ""};
        csv_write_record(out, f, 9);
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct stat_ligne *l = &t->v[i];
        char n[32];
        snprintf(n, sizeof n, "%lld", l->n);
        csv_write_field(out, stat_portee_name(q->portee));
        buf_putc(out, ',');
        csv_write_field(out, q->code);
        buf_printf(out, ",%s,%s,", du, au);
        csv_write_field(out, stat_dim_name(l->dim));
        buf_putc(out, ',');
        csv_write_field(out, l->code);
        buf_putc(out, ',');
        csv_write_cell(out, l->libelle);
        buf_printf(out, ",%lld,", l->n);
        if (l->personnes >= 0)
            buf_printf(out, "%lld", l->personnes);
        buf_puts(out, "\r\n");
    }
}

json_t *stat_tableau_json(const struct stat_tableau *t, const struct stat_demande *q)
{
    char du[11], au[11];
    jour_format(q->du, du);
    jour_format(q->au, au);
    json_t *o = json_object();
    json_object_set_new(o, "portee", json_string(stat_portee_name(q->portee)));
    json_object_set_new(o, "code", q->code[0] ? json_string(q->code) : json_null());
    json_object_set_new(o, "titre", json_string(q->titre));
    json_object_set_new(o, "du", json_string(du));
    json_object_set_new(o, "au", json_string(au));
    json_t *tot = json_object();
    for (int i = 0; i < STT__COUNT; i++)
        json_object_set_new(tot, stat_total_name((enum stat_total)i), json_integer(t->total[i]));
    json_object_set_new(o, "totaux", tot);
    json_t *rep = json_object();
    for (size_t i = 0; i < t->n; i++) {
        const struct stat_ligne *l = &t->v[i];
        json_t *arr = json_object_get(rep, stat_dim_name(l->dim));
        if (!arr) {
            arr = json_array();
            json_object_set_new(rep, stat_dim_name(l->dim), arr);
        }
        json_t *e = json_pack("{s:s, s:s, s:I}", "code", l->code, "libelle", l->libelle, "nombre",
                              (json_int_t)l->n);
        if (l->personnes >= 0)
            json_object_set_new(e, "personnes", json_integer(l->personnes));
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "repartitions", rep);
    return o;
}
