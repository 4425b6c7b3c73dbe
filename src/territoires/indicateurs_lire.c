/* indicateurs_lire.c - reading the precomputed indicators for the pages,
 * the exports and the API (see indicateurs.h). Read-only SQL over the
 * tables written by indicateurs.c; territory filters are chosen from
 * constant fragments by level, values are always bound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "territoires/indicateurs.h"
#include "territoires/territoires.h"

int indic_niveau_ok(const char *niveau)
{
    static const char *const ok[] = {"nation", "region", "departement", "epci", "commune"};
    for (size_t i = 0; niveau && i < sizeof ok / sizeof *ok; i++)
        if (strcmp(niveau, ok[i]) == 0)
            return 1;
    return 0;
}

/* The variant to read: the given one, else the active one ("" if none). */
static void variante_de(struct db *d, const char *variante, char out[64])
{
    if (variante && variante[0])
        snprintf(out, 64, "%s", variante);
    else if (ifn_variante_active(d, out, 64) < 0)
        out[0] = 0;
}

#define LIGNE_COLS                                                                           \
    "i.niveau, i.code, i.nom, coalesce(i.parent, ''), coalesce(i.zone, ''), i.population, "    \
    "i.communes, i.prioritaires, i.part_rurale, i.secret, f.thd, f.mobile, f.pauvrete, "      \
    "f.age, f.diplome, f.total, f.population, c.lieux, c.km_moyen, c.pop_5, c.pop_10, "       \
    "c.pop_20, c.pop_inconnue, c.lieu"
#define LIGNE_FROM                                                                           \
    " FROM territoire_indicateur i LEFT JOIN ifn_territoire f ON f.variante = ?1 AND "        \
    "f.niveau = i.niveau AND f.code = i.code LEFT JOIN couverture_territoire c ON "           \
    "c.niveau = i.niveau AND c.code = i.code AND c.categorie = 'tous' "

static void texte(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static double reel(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static void lire_couv(sqlite3_stmt *st, int col, struct indic_couv *c)
{
    memset(c, 0, sizeof *c);
    c->km = NAN;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return;
    c->present = 1;
    c->lieux = sqlite3_column_int64(st, col);
    c->km = reel(st, col + 1);
    c->pop_5 = sqlite3_column_int64(st, col + 2);
    c->pop_10 = sqlite3_column_int64(st, col + 3);
    c->pop_20 = sqlite3_column_int64(st, col + 4);
    c->pop_inconnue = sqlite3_column_int64(st, col + 5);
    c->lieu = sqlite3_column_int64(st, col + 6);
}

static void lire_ligne(sqlite3_stmt *st, struct indic_ligne *l)
{
    memset(l, 0, sizeof *l);
    texte(l->niveau, sizeof l->niveau, st, 0);
    texte(l->code, sizeof l->code, st, 1);
    texte(l->nom, sizeof l->nom, st, 2);
    texte(l->parent, sizeof l->parent, st, 3);
    texte(l->zone, sizeof l->zone, st, 4);
    l->population = sqlite3_column_int64(st, 5);
    l->communes = sqlite3_column_int64(st, 6);
    l->prioritaires = sqlite3_column_int64(st, 7);
    l->part_rurale = reel(st, 8);
    l->secret = sqlite3_column_int(st, 9);
    for (int a = 0; a < IFN__AXES; a++)
        l->ifn[a] = reel(st, 10 + a);
    l->ifn_total = reel(st, 15);
    l->has_ifn = !isnan(l->ifn_total);
    l->ifn_population = sqlite3_column_int64(st, 16);
    lire_couv(st, 17, &l->tous);
}

int indic_get(struct db *d, const char *niveau, const char *code, const char *variante,
              struct indic_territoire *t)
{
    char var[64];
    variante_de(d, variante, var);
    memset(t, 0, sizeof *t);
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT " LIGNE_COLS LIGNE_FROM
                                            "WHERE i.niveau = ?2 AND i.code = ?3");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, var, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, niveau, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        lire_ligne(st, &t->l);
    db_release(d, st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : db_fail(d, "indicators");
    for (int k = 0; k < INDIC_NCAT; k++)
        t->couv[k].km = NAN;
    st = db_prepare_cached(d, "SELECT categorie, lieux, km_moyen, pop_5, pop_10, pop_20, "
                              "pop_inconnue, lieu FROM couverture_territoire "
                              "WHERE niveau = ?1 AND code = ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, niveau, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int k = indic_categorie_index((const char *)sqlite3_column_text(st, 0));
        if (k >= 0)
            lire_couv(st, 1, &t->couv[k]);
    }
    db_release(d, st);
    return rc == SQLITE_DONE ? 1 : db_fail(d, "coverage");
}

void indic_liste_free(struct indic_liste *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

struct tri {
    char cle[96];
    size_t i;
};

static int cmp_tri(const void *a, const void *b)
{
    const struct tri *x = a, *y = b;
    int c = strcmp(x->cle, y->cle);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Sort by folded name (accents ignored), then by the order read. */
static int trier(struct indic_liste *l)
{
    struct tri *t = malloc((l->n ? l->n : 1) * sizeof *t);
    struct indic_ligne *v = malloc((l->n ? l->n : 1) * sizeof *v);
    if (!t || !v) {
        free(t);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < l->n; i++) {
        text_fold(l->v[i].nom, t[i].cle, sizeof t[i].cle);
        t[i].i = i;
    }
    qsort(t, l->n, sizeof *t, cmp_tri);
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[t[i].i];
    free(l->v);
    free(t);
    l->v = v;
    return 0;
}

static int lire_liste(struct db *d, sqlite3_stmt *st, struct indic_liste *out, int sort)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            void *v = realloc(out->v, cap * sizeof *out->v);
            if (!v) {
                indic_liste_free(out);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            out->v = v;
        }
        lire_ligne(st, &out->v[out->n++]);
    }
    if (rc != SQLITE_DONE) {
        indic_liste_free(out);
        return db_fail(d, "indicators list");
    }
    if (sort && trier(out) < 0) {
        indic_liste_free(out);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    return 0;
}

/* The WHERE clause selecting the `enfant` territories inside (niveau, ?3);
 * ?2 is the child level. NULL when the pair is not supported. */
static const char *filtre_enfants(const char *niveau, const char *enfant)
{
    static const struct {
        const char *niveau, *enfant, *where;
    } t[] = {
        {"nation", NULL, "WHERE i.niveau = ?2 AND ?3 = ?3"},
        {"region", "departement", "WHERE i.niveau = ?2 AND i.parent = ?3"},
        {"region", "epci", "WHERE i.niveau = ?2 AND i.parent IN (SELECT code FROM departement "
                           "WHERE region = ?3)"},
        {"region", "commune", "WHERE i.niveau = ?2 AND i.code IN (SELECT code FROM commune "
                              "WHERE region = ?3)"},
        {"departement", "epci", "WHERE i.niveau = ?2 AND i.parent = ?3"},
        {"departement", "commune", "WHERE i.niveau = ?2 AND i.parent = ?3"},
        {"epci", "commune", "WHERE i.niveau = ?2 AND i.code IN (SELECT code FROM commune "
                            "WHERE epci = ?3)"},
        {"commune", "commune", "WHERE i.niveau = ?2 AND i.code IN (SELECT code FROM commune "
                               "WHERE epci = (SELECT epci FROM commune WHERE code = ?3) "
                               "AND epci != '' UNION SELECT ?3)"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (strcmp(t[i].niveau, niveau) == 0 && (!t[i].enfant || strcmp(t[i].enfant, enfant) == 0))
            return t[i].where;
    return NULL;
}

int indic_enfants(struct db *d, const char *niveau, const char *code, const char *enfant,
                  const char *variante, struct indic_liste *out)
{
    memset(out, 0, sizeof *out);
    const char *where = filtre_enfants(niveau, enfant);
    if (!where || !indic_niveau_ok(enfant))
        return 0;
    char var[64], sql[1024];
    variante_de(d, variante, var);
    snprintf(sql, sizeof sql, "SELECT " LIGNE_COLS LIGNE_FROM "%s", where);
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, var, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, enfant, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
    int rc = lire_liste(d, st, out, 1);
    db_release(d, st);
    return rc;
}

int indic_comparables(struct db *d, const char *niveau, const char *code, const char *variante,
                      struct indic_liste *out)
{
    memset(out, 0, sizeof *out);
    char var[64];
    variante_de(d, variante, var);
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT " LIGNE_COLS LIGNE_FROM "JOIN territoire_comparable k ON k.niveau = i.niveau "
           "AND k.comparable = i.code WHERE k.niveau = ?2 AND k.code = ?3 ORDER BY k.rang");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, var, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, niveau, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
    int rc = lire_liste(d, st, out, 0);
    db_release(d, st);
    return rc;
}

/* Communes of a territory: a condition on table alias m (commune). */
static const char *filtre_communes(const char *niveau)
{
    if (strcmp(niveau, "region") == 0)
        return "m.region = ?3";
    if (strcmp(niveau, "departement") == 0)
        return "m.departement = ?3";
    if (strcmp(niveau, "epci") == 0)
        return "m.epci = ?3";
    if (strcmp(niveau, "commune") == 0)
        return "m.code = ?3";
    return "?3 = ?3";
}

int indic_prioritaires(struct db *d, const char *niveau, const char *code, const char *variante,
                       long offset, int limit, struct indic_prio *out, long *total)
{
    /* from the territory's communes (index on their département, région,
     * EPCI), then their values: CROSS JOIN keeps SQLite to that order */
    static const char from[] =
        " FROM commune m CROSS JOIN ifn_territoire f ON f.variante = ?1 AND f.niveau = 'commune' "
        "AND f.code = m.code CROSS JOIN couverture_territoire c ON c.niveau = 'commune' AND "
        "c.code = f.code AND c.categorie = 'tous'";
    char var[64], cond[400], sql[1400];
    variante_de(d, variante, var);
    *total = 0;
    snprintf(cond, sizeof cond, " WHERE f.total >= ?6 AND c.km_moyen >= ?7 AND %s",
             filtre_communes(niveau));
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            snprintf(sql, sizeof sql, "SELECT count(*)%s%s", from, cond);
        else
            snprintf(sql, sizeof sql,
                     "SELECT f.code, m.nom, coalesce(m.departement, ''), "
                     "coalesce(m.population, 0), f.total, c.km_moyen, coalesce(c.lieu, 0), "
                     "coalesce(l.nom, ''), coalesce(l.commune, '')%s LEFT JOIN lieu l ON "
                     "l.pid = c.lieu%s ORDER BY f.total * c.km_moyen DESC, f.code "
                     "LIMIT ?4 OFFSET ?5", from, cond);
        sqlite3_stmt *st = db_prepare_cached(d, sql);
        if (!st)
            return -1;
        sqlite3_bind_text(st, 1, var, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 6, INDIC_PRIO_IFN);
        sqlite3_bind_double(st, 7, INDIC_PRIO_KM);
        if (pass == 0) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW)
                *total = sqlite3_column_int64(st, 0);
            db_release(d, st);
            if (rc != SQLITE_ROW)
                return db_fail(d, "priority communes");
            if (limit <= 0)
                return 0;
            continue;
        }
        sqlite3_bind_int(st, 4, limit);
        sqlite3_bind_int64(st, 5, offset);
        int n = 0, rc = SQLITE_DONE;
        while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            struct indic_prio *o = &out[n++];
            texte(o->code, sizeof o->code, st, 0);
            texte(o->nom, sizeof o->nom, st, 1);
            texte(o->departement, sizeof o->departement, st, 2);
            o->population = sqlite3_column_int64(st, 3);
            o->ifn = sqlite3_column_double(st, 4);
            o->km = sqlite3_column_double(st, 5);
            o->lieu = sqlite3_column_int64(st, 6);
            texte(o->lieu_nom, sizeof o->lieu_nom, st, 7);
            texte(o->lieu_commune, sizeof o->lieu_commune, st, 8);
        }
        if (n < limit && rc != SQLITE_DONE) {
            db_release(d, st);
            return db_fail(d, "priority communes");
        }
        db_release(d, st);
        return n;
    }
    return 0;
}

const char *const indic_bandes_km[6] = {"moins de 2 km", "de 2 à 5 km", "de 5 à 10 km",
                                        "de 10 à 20 km", "20 km ou plus", "distance inconnue"};

/* "c1 c2 ..;p1 p2 .." into c[n] and p[n]; missing numbers stay 0. */
static void lire_histo(const char *s, long *c, long *p, int n)
{
    memset(c, 0, (size_t)n * sizeof *c);
    memset(p, 0, (size_t)n * sizeof *p);
    for (int part = 0; s && part < 2; part++) {
        long *v = part ? p : c;
        for (int i = 0; i < n; i++) {
            char *end;
            long x = strtol(s, &end, 10);
            if (end == s)
                break;
            v[i] = x;
            s = end;
        }
        s = strchr(s, ';');
        if (s)
            s++;
    }
}

int indic_histogrammes(struct db *d, const char *niveau, const char *code, long ifn_c[10],
                       long ifn_p[10], long km_c[6], long km_p[6])
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT histo_ifn, histo_km FROM territoire_indicateur "
                                            "WHERE niveau = ?1 AND code = ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, niveau, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    lire_histo(rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL, ifn_c, ifn_p, 10);
    lire_histo(rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 1) : NULL, km_c, km_p, 6);
    db_release(d, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(d, "histograms");
    return rc == SQLITE_ROW;
}

char *indic_contour(struct db *d, const char *niveau, const char *code)
{
    if (strcmp(niveau, "epci") == 0) {
        sqlite3_stmt *st = db_prepare_cached(d, "SELECT geojson FROM contour_dissous "
                                                "WHERE niveau = 'epci' AND code = ?1");
        if (!st)
            return NULL;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        char *g = NULL;
        if (sqlite3_step(st) == SQLITE_ROW)
            g = strdup((const char *)sqlite3_column_text(st, 0));
        db_release(d, st);
        if (g)
            return g;
    }
    int n = territoire_niveau_parse(niveau);
    return n < 0 ? NULL : territoires_contour(d, (enum territoire_niveau)n, code);
}
