/* indicateurs_export.c - the open data of the territorial diagnostic:
 * aggregates by territory as CSV or JSON (see indicateurs.h), with the
 * statistical secrecy computed by the recomputation (secret.h). Shared by
 * `passerelle indicateurs export` and GET /api/v1/indicateurs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/jsonw.h"
#include "territoires/indicateurs.h"
#include "territoires/secret.h"

/* The three national programmes given per territory. */
static const char *const programmes[3] = {"conseillers-numeriques", "france-services",
                                          "aidants-connect"};
static const char *const colonnes_prog[3] = {"conseillers_numeriques", "france_services",
                                             "aidants_connect"};
static const char *const colonnes_secret[3] = {"habitants_plus_5km", "habitants_plus_10km",
                                               "habitants_plus_20km"};

struct prog {
    char code[10];
    long lieux[3];
    double km[3];
};

static int cmp_prog(const void *a, const void *b)
{
    return strcmp(((const struct prog *)a)->code, ((const struct prog *)b)->code);
}

/* Places and distance of the programmes for every territory of a level. */
static long lire_programmes(struct db *d, const char *niveau, struct prog **out)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT code, categorie, lieux, km_moyen FROM "
                                     "couverture_territoire WHERE niveau = ?1 AND categorie IN "
                                     "(?2, ?3, ?4) ORDER BY code");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, niveau, -1, SQLITE_STATIC);
    for (int k = 0; k < 3; k++)
        sqlite3_bind_text(st, 2 + k, programmes[k], -1, SQLITE_STATIC);
    struct prog *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (n == 0 || strcmp(v[n - 1].code, code) != 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                void *p = realloc(v, cap * sizeof *v);
                if (!p) {
                    free(v);
                    sqlite3_finalize(st);
                    snprintf(d->err, sizeof d->err, "out of memory");
                    return -1;
                }
                v = p;
            }
            memset(&v[n], 0, sizeof v[n]);
            snprintf(v[n].code, sizeof v[n].code, "%s", code);
            for (int k = 0; k < 3; k++)
                v[n].km[k] = NAN;
            n++;
        }
        const char *cat = (const char *)sqlite3_column_text(st, 1);
        for (int k = 0; k < 3; k++)
            if (strcmp(cat, programmes[k]) == 0) {
                v[n - 1].lieux[k] = sqlite3_column_int64(st, 2);
                v[n - 1].km[k] = sqlite3_column_type(st, 3) == SQLITE_NULL
                                     ? NAN : sqlite3_column_double(st, 3);
            }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return db_fail(d, "programmes");
    }
    *out = v;
    return (long)n;
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(((const struct indic_ligne *)a)->code, ((const struct indic_ligne *)b)->code);
}

static void csv_reel(struct buf *b, double v, const char *fmt)
{
    buf_putc(b, ',');
    if (!isnan(v))
        buf_printf(b, fmt, v);
}

static void json_reel(struct jsonw *w, const char *k, double v)
{
    jsonw_key(w, k);
    if (isnan(v))
        jsonw_null(w);
    else
        jsonw_double(w, v);
}

static double taux(long lieux, long pop)
{
    return pop > 0 ? (double)lieux * 10000.0 / (double)pop : NAN;
}

static void ligne_csv(struct buf *b, const struct indic_ligne *l, const struct prog *p)
{
    csv_write_field(b, l->niveau);
    buf_putc(b, ',');
    csv_write_field(b, l->code);
    buf_putc(b, ',');
    csv_write_cell(b, l->nom);
    buf_putc(b, ',');
    csv_write_field(b, l->parent);
    buf_printf(b, ",%ld,%ld,%ld", l->population, l->communes, l->tous.lieux);
    csv_reel(b, taux(l->tous.lieux, l->population), "%.3f");
    csv_reel(b, l->ifn_total, "%.4f");
    for (int a = 0; a < IFN__AXES; a++)
        csv_reel(b, l->ifn[a], "%.4f");
    csv_reel(b, l->tous.km, "%.3f");
    long pops[3] = {l->tous.pop_5, l->tous.pop_10, l->tous.pop_20};
    for (int k = 0; k < 3; k++) {
        buf_putc(b, ',');
        if (l->tous.present && !(l->secret & (1 << k)))
            buf_printf(b, "%ld", pops[k]);
    }
    buf_printf(b, ",%ld,%ld", l->tous.pop_inconnue, l->prioritaires);
    for (int k = 0; k < 3; k++) {
        buf_printf(b, ",%ld", p ? p->lieux[k] : 0);
        csv_reel(b, p ? p->km[k] : NAN, "%.3f");
    }
    buf_putc(b, ',');
    for (int k = 0, first = 1; k < 3; k++)
        if (l->secret & (1 << k)) {
            buf_printf(b, "%s%s", first ? "" : "|", colonnes_secret[k]);
            first = 0;
        }
    buf_puts(b, "\r\n");
}

static void ligne_json(struct jsonw *w, const struct indic_ligne *l, const struct prog *p)
{
    jsonw_object(w);
    jsonw_key(w, "niveau");
    jsonw_string(w, l->niveau);
    jsonw_key(w, "code");
    jsonw_string(w, l->code);
    jsonw_key(w, "nom");
    jsonw_string(w, l->nom);
    jsonw_key(w, "parent");
    jsonw_string(w, l->parent);
    jsonw_key(w, "population");
    jsonw_int(w, l->population);
    jsonw_key(w, "communes");
    jsonw_int(w, l->communes);
    jsonw_key(w, "lieux");
    jsonw_int(w, l->tous.lieux);
    json_reel(w, "lieux_pour_10000_habitants", taux(l->tous.lieux, l->population));
    jsonw_key(w, "ifn");
    if (!l->has_ifn) {
        jsonw_null(w);
    } else {
        jsonw_object(w);
        json_reel(w, "total", l->ifn_total);
        for (int a = 0; a < IFN__AXES; a++)
            json_reel(w, ifn_axe((enum ifn_axe)a)->cle, l->ifn[a]);
        jsonw_key(w, "population_couverte");
        jsonw_int(w, l->ifn_population);
        jsonw_end_object(w);
    }
    json_reel(w, "km_moyen_lieu_le_plus_proche", l->tous.km);
    long pops[3] = {l->tous.pop_5, l->tous.pop_10, l->tous.pop_20};
    for (int k = 0; k < 3; k++) {
        jsonw_key(w, colonnes_secret[k]);
        if (l->tous.present && !(l->secret & (1 << k)))
            jsonw_int(w, pops[k]);
        else
            jsonw_null(w);
    }
    jsonw_key(w, "habitants_distance_inconnue");
    jsonw_int(w, l->tous.pop_inconnue);
    jsonw_key(w, "communes_prioritaires");
    jsonw_int(w, l->prioritaires);
    jsonw_key(w, "programmes");
    jsonw_object(w);
    for (int k = 0; k < 3; k++) {
        jsonw_key(w, colonnes_prog[k]);
        jsonw_object(w);
        jsonw_key(w, "lieux");
        jsonw_int(w, p ? p->lieux[k] : 0);
        json_reel(w, "km_moyen", p ? p->km[k] : NAN);
        jsonw_end_object(w);
    }
    jsonw_end_object(w);
    jsonw_key(w, "secret");
    jsonw_array(w);
    for (int k = 0; k < 3; k++)
        if (l->secret & (1 << k))
            jsonw_string(w, colonnes_secret[k]);
    jsonw_end_array(w);
    jsonw_end_object(w);
}

long indic_exporter(struct db *d, const char *niveau, const char *dans_niveau,
                    const char *dans_code, const char *variante, int json, struct buf *out)
{
    if (!indic_niveau_ok(niveau) || (dans_niveau && !indic_niveau_ok(dans_niveau))) {
        snprintf(d->err, sizeof d->err, "unknown level");
        return -1;
    }
    struct indic_liste l = {0};
    if (strcmp(niveau, "nation") == 0) {
        struct indic_territoire t;
        int got = indic_get(d, "nation", "FR", variante, &t);
        if (got < 0)
            return -1;
        if (got) {
            l.v = malloc(sizeof *l.v);
            if (!l.v) {
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            l.v[0] = t.l;
            l.n = 1;
        }
    } else if (indic_enfants(d, dans_niveau ? dans_niveau : "nation", dans_code ? dans_code : "FR",
                             niveau, variante, &l) < 0) {
        return -1;
    }
    qsort(l.v, l.n, sizeof *l.v, cmp_code);
    struct prog *p = NULL;
    long np = lire_programmes(d, niveau, &p);
    if (np < 0) {
        indic_liste_free(&l);
        return -1;
    }
    char var[64] = "";
    if (variante)
        snprintf(var, sizeof var, "%s", variante);
    else if (ifn_variante_active(d, var, sizeof var) < 0)
        var[0] = 0;
    struct jsonw w;
    if (json) {
        jsonw_init(&w, out);
        jsonw_object(&w);
        jsonw_key(&w, "niveau");
        jsonw_string(&w, niveau);
        jsonw_key(&w, "variante_ifn");
        jsonw_string(&w, var);
        jsonw_key(&w, "secret_statistique");
        jsonw_object(&w);
        jsonw_key(&w, "seuil");
        jsonw_int(&w, SECRET_SEUIL);
        jsonw_key(&w, "regle");
        jsonw_string(&w, "Les nombres d'habitants de 1 à 10 ne sont pas publiés, et d'autres "
                         "sont masqués pour qu'aucun ne puisse être recalculé à partir des "
                         "totaux (secret secondaire).");
        jsonw_end_object(&w);
        jsonw_key(&w, "territoires");
        jsonw_array(&w);
    } else {
        buf_puts(out, "niveau,code,nom,parent,population,communes,lieux,"
                      "lieux_pour_10000_habitants,ifn_total");
        for (int a = 0; a < IFN__AXES; a++)
            buf_printf(out, ",ifn_%s", ifn_axe((enum ifn_axe)a)->cle);
        buf_puts(out, ",km_moyen_lieu_le_plus_proche,habitants_plus_5km,habitants_plus_10km,"
                      "habitants_plus_20km,habitants_distance_inconnue,communes_prioritaires");
        for (int k = 0; k < 3; k++)
            buf_printf(out, ",lieux_%s,km_%s", colonnes_prog[k], colonnes_prog[k]);
        buf_puts(out, ",secret\r\n");
    }
    for (size_t i = 0; i < l.n; i++) {
        struct prog key;
        snprintf(key.code, sizeof key.code, "%s", l.v[i].code);
        const struct prog *pr = np ? bsearch(&key, p, (size_t)np, sizeof *p, cmp_prog) : NULL;
        if (json)
            ligne_json(&w, &l.v[i], pr);
        else
            ligne_csv(out, &l.v[i], pr);
    }
    if (json) {
        jsonw_end_array(&w);
        jsonw_end_object(&w);
        buf_putc(out, '\n');
    }
    long n = (long)l.n;
    indic_liste_free(&l);
    free(p);
    if (out->oom) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    return n;
}
