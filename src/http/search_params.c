/* search_params.c - parse search parameters (see search_params.h). */
#include "http/search_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"

static const char *const days[] = {"dimanche", "lundi", "mardi", "mercredi",
                                   "jeudi", "vendredi", "samedi"};

static const struct {
    const char *name, *label;
    int from, to;
} creneaux[] = {
    {"matin", "le matin (8 h – 12 h)", 8 * 60, 12 * 60},
    {"apres-midi", "l'après-midi (12 h – 18 h)", 12 * 60, 18 * 60},
    {"soir", "le soir (après 18 h)", 18 * 60, 24 * 60},
    {"journee", "dans la journée", 0, 24 * 60},
};

const char *search_creneau_label(const char *c)
{
    for (size_t i = 0; c && i < sizeof creneaux / sizeof *creneaux; i++)
        if (strcmp(c, creneaux[i].name) == 0)
            return creneaux[i].label;
    return "";
}

static int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    double v;
    if (parse_number(s, lo, hi, &v) < 0 || v != (int)v)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_opening(struct search_params *p, time_t now)
{
    if (!p->ouvert || !*p->ouvert)
        return 0;
    if (strcmp(p->ouvert, "maintenant") == 0) {
        p->q.open = SEARCH_OPEN_NOW;
        p->q.now = now;
        return 0;
    }
    for (int d = 0; d < 7; d++) {
        if (strcmp(p->ouvert, days[d]) != 0)
            continue;
        p->q.open = SEARCH_OPEN_DURING;
        p->q.wday = d;
        p->q.from_min = 0;
        p->q.to_min = 24 * 60;
        if (p->creneau && *p->creneau) {
            size_t i;
            for (i = 0; i < sizeof creneaux / sizeof *creneaux; i++) {
                if (strcmp(p->creneau, creneaux[i].name) == 0) {
                    p->q.from_min = creneaux[i].from;
                    p->q.to_min = creneaux[i].to;
                    break;
                }
            }
            if (i == sizeof creneaux / sizeof *creneaux) {
                snprintf(p->error, sizeof p->error,
                         "Créneau inconnu : choisissez matin, après-midi, soir ou journée.");
                return -1;
            }
        }
        return 0;
    }
    snprintf(p->error, sizeof p->error,
             "« Ouvert » doit être « maintenant » ou un jour de la semaine (lundi … dimanche).");
    return -1;
}

static int parse_location(const struct request *rq, struct search_params *p)
{
    const char *lat = query_get(&rq->query, "lat"), *lon = query_get(&rq->query, "lon");
    if ((lat && *lat) || (lon && *lon)) {
        if (!lat || !lon || parse_number(lat, -90, 90, &p->q.lat) < 0 ||
            parse_number(lon, -180, 180, &p->q.lon) < 0) {
            snprintf(p->error, sizeof p->error,
                     "Position invalide : lat doit être entre -90 et 90, lon entre -180 et 180.");
            return -1;
        }
        p->q.has_point = p->located = 1;
        p->any = 1;
        return 0;
    }
    if (!p->ou || !*p->ou)
        return 0;
    p->any = 1;
    int n = territoires_search_communes(rq->db, p->ou, &p->where, 1);
    if (n < 0)
        return -2;
    if (n == 0) {
        snprintf(p->error, sizeof p->error,
                 "Nous ne trouvons pas la commune « %.120s ». Essayez son nom ou son code postal.",
                 p->ou);
        return -1;
    }
    p->has_where = 1;
    if (p->where.has_coords) {
        p->q.lat = p->where.lat;
        p->q.lon = p->where.lon;
        p->q.has_point = p->located = 1;
    } else {
        /* No coordinates for this commune: list its places instead. */
        p->q.niveau = "commune";
        p->q.code = p->where.code;
    }
    return 0;
}

int search_params_parse(const struct request *rq, struct search_params *p)
{
    memset(p, 0, sizeof *p);
    const struct query *qs = &rq->query;
    p->ou = query_get(qs, "ou");
    p->texte = query_get(qs, "q");
    p->ouvert = query_get(qs, "ouvert");
    p->creneau = query_get(qs, "creneau");
    p->page = 1;
    p->limite = 20;
    const char *v;
    if ((v = query_get(qs, "page")) && *v && parse_int(v, 1, 10000, &p->page) < 0) {
        snprintf(p->error, sizeof p->error, "Numéro de page invalide.");
        return -1;
    }
    if ((v = query_get(qs, "limite")) && *v && parse_int(v, 1, SEARCH_MAX_LIMIT, &p->limite) < 0) {
        snprintf(p->error, sizeof p->error, "« limite » doit être un nombre entre 1 et %d.",
                 SEARCH_MAX_LIMIT);
        return -1;
    }
    if ((v = query_get(qs, "km")) && *v && parse_number(v, 0.1, 20000, &p->q.max_km) < 0) {
        snprintf(p->error, sizeof p->error, "« km » doit être une distance entre 0,1 et 20000.");
        return -1;
    }
    p->q.limit = p->limite;
    p->q.offset = (p->page - 1) * p->limite;
    if (p->texte && *p->texte) {
        p->q.text = p->texte;
        p->any = 1;
    }
    const char *niveau = query_get(qs, "niveau"), *code = query_get(qs, "code");
    if (niveau && *niveau && code && *code) {
        if (territoire_niveau_parse(niveau) < 0) {
            snprintf(p->error, sizeof p->error,
                     "Niveau de territoire inconnu : commune, epci, departement ou region.");
            return -1;
        }
        p->q.niveau = territoire_niveau_nom((enum territoire_niveau)territoire_niveau_parse(niveau));
        p->q.code = code;
        p->any = 1;
    }
    for (size_t i = 0; i < qs->n; i++) {
        int f = lieu_field_by_name(qs->pairs[i].key);
        if (f < 0 || !lieux_field_filterable((enum lieu_field)f) || !*qs->pairs[i].value)
            continue;
        if (lieux_query_filter(&p->q, (enum lieu_field)f, qs->pairs[i].value) < 0) {
            snprintf(p->error, sizeof p->error, "Trop de valeurs pour le filtre %s.",
                     qs->pairs[i].key);
            return -1;
        }
        p->any = 1;
    }
    if (parse_opening(p, rq->now) < 0)
        return -1;
    if (p->q.open != SEARCH_OPEN_ANY)
        p->any = 1;
    return parse_location(rq, p);
}

void search_params_href(const struct request *rq, struct buf *out)
{
    int first = 1;
    for (size_t i = 0; i < rq->query.n; i++) {
        const struct query_pair *qp = &rq->query.pairs[i];
        if (strcmp(qp->key, "page") == 0 || !*qp->value)
            continue;
        if (!first)
            html_raw(out, "&amp;");
        first = 0;
        html_url_arg(out, qp->key);
        html_raw(out, "=");
        html_url_arg(out, qp->value);
    }
}
