/* api_indicateurs.c - JSON/CSV handlers of the territorial diagnostic (see
 * api_indicateurs.h). Parameters are checked here, figures come from
 * territoires/indicateurs*.c; JSON is written with base/jsonw.h. Population
 * counts beyond 5/10/20 km are published through the statistical secrecy
 * computed with the indicators (null when suppressed); per category only
 * places and distances are given. */
#include "http/api_indicateurs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "territoires/indicateurs.h"

static void db_error(const struct request *rq, struct response *rs)
{
    fprintf(stderr, "api: %s: database: %s\n", rq->path, rq->db->err);
    resp_json_error(rs, 500, "interne", "Erreur interne de la base de données.");
}

/* "departement:13" -> niveau, code. Returns 0, or -1 when malformed. */
static int lire_dans(const char *s, char niveau[16], char code[16])
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || !colon[1] || colon - s >= 16 || strlen(colon + 1) >= 16)
        return -1;
    snprintf(niveau, 16, "%.*s", (int)(colon - s), s);
    snprintf(code, 16, "%s", colon + 1);
    return indic_niveau_ok(niveau) ? 0 : -1;
}

static const char *variante_param(const struct request *rq)
{
    const char *v = query_get(&rq->query, "variante");
    return v && *v ? v : NULL;
}

void api_indicateurs(const struct request *rq, struct response *rs)
{
    const char *niveau = query_get(&rq->query, "niveau");
    const char *format = query_get(&rq->query, "format");
    const char *dans = query_get(&rq->query, "dans");
    char dn[16], dc[16];
    if (!niveau || !indic_niveau_ok(niveau))
        return resp_json_error(rs, 400, "parametre", "niveau : nation, region, departement, "
                               "epci ou commune attendu.");
    if (format && *format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return resp_json_error(rs, 400, "parametre", "format : json ou csv attendu.");
    if (dans && *dans && lire_dans(dans, dn, dc) < 0)
        return resp_json_error(rs, 400, "parametre", "dans : NIVEAU:CODE attendu, par exemple "
                               "departement:13.");
    int csv = format && strcmp(format, "csv") == 0;
    int has_dans = dans && *dans;
    long n = indic_exporter(rq->db, niveau, has_dans ? dn : NULL, has_dans ? dc : NULL,
                            variante_param(rq), !csv, &rs->body);
    if (n < 0)
        return db_error(rq, rs);
    rs->content_type = csv ? "text/csv; charset=utf-8" : "application/json";
    if (csv)
        snprintf(rs->disposition, sizeof rs->disposition,
                 "attachment; filename=\"indicateurs-%s.csv\"", niveau);
}

static void reel(struct jsonw *w, const char *k, double v)
{
    jsonw_key(w, k);
    if (isnan(v))
        jsonw_null(w);
    else
        jsonw_double(w, v);
}

static void ligne_courte(struct jsonw *w, const struct indic_ligne *l)
{
    jsonw_object(w);
    jsonw_key(w, "niveau");
    jsonw_string(w, l->niveau);
    jsonw_key(w, "code");
    jsonw_string(w, l->code);
    jsonw_key(w, "nom");
    jsonw_string(w, l->nom);
    jsonw_key(w, "population");
    jsonw_int(w, l->population);
    reel(w, "ifn_total", l->ifn_total);
    jsonw_key(w, "lieux");
    jsonw_int(w, l->tous.lieux);
    reel(w, "km_moyen_lieu_le_plus_proche", l->tous.km);
    jsonw_end_object(w);
}

void api_indicateurs_territoire(const struct request *rq, struct response *rs)
{
    if (rq->ncaptures < 2 || !indic_niveau_ok(rq->captures[0]))
        return resp_json_error(rs, 404, "introuvable", "Niveau inconnu : nation, region, "
                               "departement, epci ou commune.");
    const char *niveau = rq->captures[0], *code = rq->captures[1];
    const char *var = variante_param(rq);
    struct indic_territoire t;
    int got = indic_get(rq->db, niveau, code, var, &t);
    if (got < 0)
        return db_error(rq, rs);
    if (got == 0)
        return resp_json_error(rs, 404, "introuvable", "Territoire inconnu, ou indicateurs pas "
                               "encore calculés (passerelle indicateurs recalculer).");
    struct indic_liste comp;
    if (indic_comparables(rq->db, niveau, code, var, &comp) < 0)
        return db_error(rq, rs);
    struct indic_prio prio[10];
    long ptotal = 0;
    int np = indic_prioritaires(rq->db, niveau, code, var, 0, 10, prio, &ptotal);
    if (np < 0) {
        indic_liste_free(&comp);
        return db_error(rq, rs);
    }
    char active[64] = "";
    if (!var && ifn_variante_active(rq->db, active, sizeof active) < 0)
        active[0] = 0;
    const struct indic_ligne *l = &t.l;
    struct jsonw w;
    jsonw_init(&w, &rs->body);
    jsonw_object(&w);
    jsonw_key(&w, "niveau");
    jsonw_string(&w, l->niveau);
    jsonw_key(&w, "code");
    jsonw_string(&w, l->code);
    jsonw_key(&w, "nom");
    jsonw_string(&w, l->nom);
    jsonw_key(&w, "parent");
    jsonw_string(&w, l->parent);
    jsonw_key(&w, "population");
    jsonw_int(&w, l->population);
    jsonw_key(&w, "communes");
    jsonw_int(&w, l->communes);
    reel(&w, "part_rurale", l->part_rurale);
    jsonw_key(&w, "ifn");
    jsonw_object(&w);
    jsonw_key(&w, "variante");
    jsonw_string(&w, var ? var : active);
    reel(&w, "total", l->ifn_total);
    for (int a = 0; a < IFN__AXES; a++)
        reel(&w, ifn_axe((enum ifn_axe)a)->cle, l->ifn[a]);
    jsonw_key(&w, "population_couverte");
    jsonw_int(&w, l->ifn_population);
    jsonw_end_object(&w);
    jsonw_key(&w, "lieux");
    jsonw_int(&w, l->tous.lieux);
    reel(&w, "lieux_pour_10000_habitants",
         l->population > 0 ? (double)l->tous.lieux * 10000.0 / (double)l->population : NAN);
    static const char *const pops[3] = {"habitants_plus_5km", "habitants_plus_10km",
                                        "habitants_plus_20km"};
    long pv[3] = {l->tous.pop_5, l->tous.pop_10, l->tous.pop_20};
    for (int k = 0; k < 3; k++) {
        jsonw_key(&w, pops[k]);
        if (l->tous.present && !(l->secret & (1 << k)))
            jsonw_int(&w, pv[k]);
        else
            jsonw_null(&w);
    }
    jsonw_key(&w, "secret");
    jsonw_array(&w);
    for (int k = 0; k < 3; k++)
        if (l->secret & (1 << k))
            jsonw_string(&w, pops[k]);
    jsonw_end_array(&w);
    jsonw_key(&w, "categories");
    jsonw_array(&w);
    for (int k = 0; k < INDIC_NCAT; k++) {
        const struct indic_couv *c = &t.couv[k];
        if (!c->present)
            continue;
        static const char *const fam[] = {"tous", "service", "programme"};
        jsonw_object(&w);
        jsonw_key(&w, "categorie");
        jsonw_string(&w, indic_categorie(k)->cle);
        jsonw_key(&w, "famille");
        jsonw_string(&w, fam[indic_categorie(k)->famille]);
        jsonw_key(&w, "libelle");
        jsonw_string(&w, indic_categorie(k)->libelle);
        jsonw_key(&w, "lieux");
        jsonw_int(&w, c->lieux);
        reel(&w, strcmp(l->niveau, "commune") == 0 ? "km_lieu_le_plus_proche" : "km_moyen", c->km);
        if (c->lieu) {
            jsonw_key(&w, "lieu_le_plus_proche");
            jsonw_int(&w, c->lieu);
        }
        jsonw_end_object(&w);
    }
    jsonw_end_array(&w);
    jsonw_key(&w, "communes_prioritaires");
    jsonw_int(&w, ptotal);
    jsonw_key(&w, "premieres_communes_prioritaires");
    jsonw_array(&w);
    for (int i = 0; i < np; i++) {
        jsonw_object(&w);
        jsonw_key(&w, "code");
        jsonw_string(&w, prio[i].code);
        jsonw_key(&w, "nom");
        jsonw_string(&w, prio[i].nom);
        jsonw_key(&w, "ifn_total");
        jsonw_double(&w, prio[i].ifn);
        jsonw_key(&w, "km_lieu_le_plus_proche");
        jsonw_double(&w, prio[i].km);
        jsonw_end_object(&w);
    }
    jsonw_end_array(&w);
    jsonw_key(&w, "comparables");
    jsonw_array(&w);
    for (size_t i = 0; i < comp.n; i++)
        ligne_courte(&w, &comp.v[i]);
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    buf_putc(&rs->body, '\n');
    indic_liste_free(&comp);
    rs->content_type = "application/json";
    if (rs->body.oom)
        resp_json_error(rs, 500, "interne", "Mémoire insuffisante.");
}

static int entier(const struct request *rq, const char *nom, long def, long max, long *out)
{
    const char *v = query_get(&rq->query, nom);
    *out = def;
    if (!v || !*v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 1 || n > max)
        return -1;
    *out = n;
    return 0;
}

void api_communes_prioritaires(const struct request *rq, struct response *rs)
{
    char dn[16] = "nation", dc[16] = "FR";
    const char *dans = query_get(&rq->query, "dans");
    long limite, page;
    if (dans && *dans && lire_dans(dans, dn, dc) < 0)
        return resp_json_error(rs, 400, "parametre", "dans : NIVEAU:CODE attendu.");
    if (entier(rq, "limite", 50, 500, &limite) < 0 || entier(rq, "page", 1, 100000, &page) < 0)
        return resp_json_error(rs, 400, "parametre", "limite (1 à 500) et page (1 ou plus) "
                               "sont des nombres entiers.");
    struct indic_prio *v = malloc((size_t)limite * sizeof *v);
    if (!v)
        return resp_json_error(rs, 500, "interne", "Mémoire insuffisante.");
    long total = 0;
    int n = indic_prioritaires(rq->db, dn, dc, variante_param(rq), (page - 1) * limite,
                               (int)limite, v, &total);
    if (n < 0) {
        free(v);
        return db_error(rq, rs);
    }
    struct jsonw w;
    jsonw_init(&w, &rs->body);
    jsonw_object(&w);
    jsonw_key(&w, "regle");
    jsonw_string(&w, "indice de fragilité numérique de 7 ou plus et lieu le plus proche à 10 km "
                     "ou plus ; classées par indice multiplié par la distance");
    jsonw_key(&w, "total");
    jsonw_int(&w, total);
    jsonw_key(&w, "page");
    jsonw_int(&w, page);
    jsonw_key(&w, "communes");
    jsonw_array(&w);
    for (int i = 0; i < n; i++) {
        jsonw_object(&w);
        jsonw_key(&w, "rang");
        jsonw_int(&w, (page - 1) * limite + i + 1);
        jsonw_key(&w, "code");
        jsonw_string(&w, v[i].code);
        jsonw_key(&w, "nom");
        jsonw_string(&w, v[i].nom);
        jsonw_key(&w, "departement");
        jsonw_string(&w, v[i].departement);
        jsonw_key(&w, "population");
        jsonw_int(&w, v[i].population);
        jsonw_key(&w, "ifn_total");
        jsonw_double(&w, v[i].ifn);
        jsonw_key(&w, "km_lieu_le_plus_proche");
        jsonw_double(&w, v[i].km);
        jsonw_key(&w, "lieu_le_plus_proche");
        jsonw_object(&w);
        jsonw_key(&w, "id");
        jsonw_int(&w, v[i].lieu);
        jsonw_key(&w, "nom");
        jsonw_string(&w, v[i].lieu_nom);
        jsonw_key(&w, "commune");
        jsonw_string(&w, v[i].lieu_commune);
        jsonw_end_object(&w);
        jsonw_end_object(&w);
    }
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    buf_putc(&rs->body, '\n');
    free(v);
    rs->content_type = "application/json";
}
