/* orientation.c - needs and nearby places (see orientation.h). */
#include "diagnostic/orientation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(const char **v, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(v[i], s) == 0)
            return;
    if (*n < DIAG_NEEDS_MAX)
        v[(*n)++] = s;
}

static void add_all(const char **v, int *n, const struct diag_strs *l)
{
    for (size_t i = 0; i < l->n; i++)
        add(v, n, l->v[i]);
}

void diag_needs_of(const struct diag_ref *ref, const struct diag_result *r,
                   struct diag_needs *n)
{
    memset(n, 0, sizeof *n);
    for (size_t i = 0; i < ref->nbesoins; i++)
        if (r->besoins >> i & 1)
            add_all(n->services, &n->nservices, &ref->besoins[i].services);
    for (size_t i = 0; i < ref->nfreins; i++)
        if (r->freins >> i & 1) {
            add_all(n->services, &n->nservices, &ref->freins[i].services);
            add_all(n->prise_en_charge, &n->npec, &ref->freins[i].prise_en_charge);
            if (strcmp(ref->freins[i].id, "handicap_moteur") == 0)
                n->acces_libre = 1;
        }
    for (int d = 0; d < r->ndomaines && (size_t)d < ref->ndomaines; d++)
        if (r->niveau[d] < 2)
            add_all(n->services, &n->nservices, &ref->domaines[d].services);
    int step = r->autonomie >= 1 && r->autonomie <= DIAG_STEPS ? r->autonomie : 1;
    const struct diag_autonomie *a = &ref->autonomie[step - 1];
    add_all(n->services, &n->nservices, &a->services);
    add_all(n->modalites, &n->nmodalites, &a->modalites);
    add_all(n->programmes, &n->nprogrammes, &a->programmes);
}

int diag_list_has(const char *list, const char *v)
{
    if (!list || !v)
        return 0;
    size_t n = strlen(v);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int count_in(const char *list, const char *const *v, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += diag_list_has(list, v[i]);
    return k;
}

static void rank(const struct diag_needs *n, time_t now, struct diag_place *p)
{
    const struct lieu *l = &p->hit.l;
    p->services = count_in(l->f[LF_SERVICES], n->services, n->nservices);
    p->modalite = count_in(l->f[LF_MODALITES_ACCOMPAGNEMENT], n->modalites, n->nmodalites) > 0;
    p->pec = count_in(l->f[LF_PRISE_EN_CHARGE_SPECIFIQUE], n->prise_en_charge, n->npec);
    p->programme =
        count_in(l->f[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], n->programmes, n->nprogrammes) > 0;
    p->acces = n->acces_libre && l->f[LF_FICHE_ACCES_LIBRE];
    p->minutes = lieux_next_opening(l, now, &p->opens);
    p->points = 2 * (p->services < 3 ? p->services : 3) + 2 * p->modalite + 5 * p->pec +
                2 * p->programme + p->acces + (p->minutes >= 0 && p->minutes <= 72 * 60) -
                (int)(p->hit.km / 5.0);
}

static int cmp_place(const void *a, const void *b)
{
    const struct diag_place *x = a, *y = b;
    if (x->points != y->points)
        return y->points - x->points;
    if (x->hit.km != y->hit.km)
        return x->hit.km < y->hit.km ? -1 : 1;
    return x->hit.id < y->hit.id ? -1 : x->hit.id > y->hit.id;
}

/* Append the hits of r not yet in cand (copies). */
static int gather(struct diag_place **cand, int *ncand, int *cap, const struct lieux_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        int seen = 0;
        for (int k = 0; k < *ncand && !seen; k++)
            seen = (*cand)[k].hit.id == r->v[i].id;
        if (seen)
            continue;
        if (*ncand == *cap) {
            int nc = *cap ? *cap * 2 : 64;
            struct diag_place *g = realloc(*cand, (size_t)nc * sizeof *g);
            if (!g)
                return -1;
            *cand = g;
            *cap = nc;
        }
        struct diag_place *p = &(*cand)[*ncand];
        memset(p, 0, sizeof *p);
        p->hit.id = r->v[i].id;
        p->hit.km = r->v[i].km;
        p->hit.membres = r->v[i].membres;
        memcpy(p->hit.commune_code, r->v[i].commune_code, sizeof p->hit.commune_code);
        if (lieu_copy(&p->hit.l, &r->v[i].l) < 0)
            return -1;
        (*ncand)++;
    }
    return 0;
}

static int search(struct db *d, const struct diag_needs *n, double lat, double lon, time_t now,
                  int with_services, double km, struct diag_place **cand, int *ncand, int *cap)
{
    struct lieux_query q;
    memset(&q, 0, sizeof q);
    q.has_point = 1;
    q.lat = lat;
    q.lon = lon;
    q.max_km = km;
    q.now = now;
    q.limit = 40;
    for (int i = 0; with_services && i < n->nservices; i++)
        lieux_query_filter(&q, LF_SERVICES, n->services[i]);
    struct lieux_results r;
    if (lieux_search(d, &q, &r) < 0)
        return -1;
    int rc = gather(cand, ncand, cap, &r);
    lieux_results_free(&r);
    if (rc < 0)
        snprintf(d->err, sizeof d->err, "out of memory");
    return rc;
}

int diag_orient(struct db *d, const struct diag_needs *n, double lat, double lon, time_t now,
                struct diag_places *out)
{
    memset(out, 0, sizeof *out);
    struct diag_place *cand = NULL;
    int ncand = 0, cap = 0, rc = 0;
    if (n->nservices)
        rc = search(d, n, lat, lon, now, 1, DIAG_ORIENT_KM, &cand, &ncand, &cap);
    if (rc == 0 && ncand < DIAG_PLACES_MAX)
        rc = search(d, n, lat, lon, now, 0, DIAG_ORIENT_KM, &cand, &ncand, &cap);
    out->nearby = ncand;
    if (rc == 0 && ncand == 0)
        rc = search(d, n, lat, lon, now, 0, 0, &cand, &ncand, &cap);
    if (rc == 0) {
        for (int i = 0; i < ncand; i++)
            rank(n, now, &cand[i]);
        qsort(cand, (size_t)ncand, sizeof *cand, cmp_place);
        for (int i = 0; i < ncand; i++) {
            if (out->n < DIAG_PLACES_MAX)
                out->v[out->n++] = cand[i];
            else
                lieu_clear(&cand[i].hit.l);
        }
    } else {
        for (int i = 0; i < ncand; i++)
            lieu_clear(&cand[i].hit.l);
    }
    free(cand);
    return rc;
}

void diag_places_free(struct diag_places *p)
{
    for (int i = 0; i < p->n; i++)
        lieu_clear(&p->v[i].hit.l);
    p->n = 0;
}
