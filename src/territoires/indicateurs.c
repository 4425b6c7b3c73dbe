/* indicateurs.c - the recomputation of every indicator of the territorial
 * diagnostic for every territory (see indicateurs.h), all in memory, then
 * written in one transaction:
 *
 *   read      territories (COG), published places, IFN variants
 *   distance  one grid index per category (lieux/geoindex.c), the nearest
 *             place of each category for every commune's point
 *   aggregate every commune adds into its EPCI, département, région and
 *             the nation (and itself): population, places, weighted
 *             distances and populations beyond 5/10/20 km, weighted IFN
 *             sums per variant and sub-score, priority communes
 *   similar   nearest territories in (log population, rurality)
 *   outlines  EPCI contours dissolved from their communes (only when the
 *             territories changed)
 *   write     ifn_territoire, couverture_territoire, territoire_indicateur,
 *             territoire_comparable, contour_dissous; meta; render cache
 *             emptied (every dashboard is drawn again from these tables). */
#include "territoires/indicateurs.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "lieux/geoindex.h"
#include "store/cache.h"
#include "territoires/geo.h"
#include "territoires/secret.h"

static const struct indic_categorie categories[INDIC_NCAT] = {
    {"tous", INDIC_FAM_TOUS, NULL, "Tous les lieux"},
    {"demarches", INDIC_FAM_SERVICE, "Aide aux démarches administratives",
     "Aide aux démarches administratives"},
    {"outils", INDIC_FAM_SERVICE, "Maîtrise des outils numériques du quotidien",
     "Maîtrise des outils numériques du quotidien"},
    {"insertion", INDIC_FAM_SERVICE, "Insertion professionnelle via le numérique",
     "Insertion professionnelle via le numérique"},
    {"securite", INDIC_FAM_SERVICE, "Utilisation sécurisée du numérique",
     "Utilisation sécurisée du numérique"},
    {"parentalite", INDIC_FAM_SERVICE, "Parentalité et éducation avec le numérique",
     "Parentalité et éducation avec le numérique"},
    {"loisirs", INDIC_FAM_SERVICE, "Loisirs et créations numériques",
     "Loisirs et créations numériques"},
    {"comprendre", INDIC_FAM_SERVICE, "Compréhension du monde numérique",
     "Compréhension du monde numérique"},
    {"acces", INDIC_FAM_SERVICE, "Accès internet et matériel informatique",
     "Accès internet et matériel informatique"},
    {"materiel", INDIC_FAM_SERVICE, "Acquisition de matériel informatique à prix solidaire",
     "Acquisition de matériel informatique à prix solidaire"},
    {"conseillers-numeriques", INDIC_FAM_PROGRAMME, "Conseillers numériques",
     "Conseillers numériques"},
    {"france-services", INDIC_FAM_PROGRAMME, "France Services", "France Services"},
    {"aidants-connect", INDIC_FAM_PROGRAMME, "Aidants Connect", "Aidants Connect"},
    {"bibliotheques", INDIC_FAM_PROGRAMME, "Bibliothèques numérique de référence",
     "Bibliothèques numériques de référence"},
    {"pix", INDIC_FAM_PROGRAMME, "Certification PIX", "Certification PIX"},
    {"emmaus-connect", INDIC_FAM_PROGRAMME, "Emmaüs Connect", "Emmaüs Connect"},
    {"grande-ecole", INDIC_FAM_PROGRAMME, "Grande école du numérique",
     "Grande école du numérique"},
    {"croix-rouge", INDIC_FAM_PROGRAMME, "La Croix Rouge", "La Croix-Rouge"},
    {"caf", INDIC_FAM_PROGRAMME, "Point d'accès numérique CAF", "Point d'accès numérique CAF"},
    {"promeneurs", INDIC_FAM_PROGRAMME, "Promeneurs du net", "Promeneurs du net"},
    {"relais-emmaus", INDIC_FAM_PROGRAMME, "Relais numérique (Emmaüs Connect)",
     "Relais numérique (Emmaüs Connect)"},
};

const struct indic_categorie *indic_categorie(int i)
{
    return &categories[i >= 0 && i < INDIC_NCAT ? i : 0];
}

int indic_categorie_index(const char *cle)
{
    for (int i = 0; i < INDIC_NCAT; i++)
        if (strcmp(categories[i].cle, cle) == 0)
            return i;
    return -1;
}

/* ---- in-memory model ---- */

enum { NV_NATION, NV_REGION, NV_DEPARTEMENT, NV_EPCI, NV_COMMUNE, NV__N };
static const char *const nv_noms[NV__N] = {"nation", "region", "departement", "epci", "commune"};

struct terr {
    int nv;
    char code[10];
    char nom[128];
    char parent[10];
    char zone[8];
    long pop, communes, pop_rurale, prio, pop_inconnue;
    long lieux[INDIC_NCAT];
    double kmw[INDIC_NCAT], w[INDIC_NCAT], kmu[INDIC_NCAT];
    long nu[INDIC_NCAT], p5[INDIC_NCAT], p10[INDIC_NCAT], p20[INDIC_NCAT];
    long long lieu[INDIC_NCAT]; /* communes: nearest place */
    double f1, f2;              /* similarity features */
    int secret;                 /* bits: pop beyond 5, 10, 20 km suppressed */
    long hic[10], hip[10];      /* communes, population by IFN class */
    long hkc[6], hkp[6];        /* ... by distance band (category "tous") */
    int comparables[INDIC_COMPARABLES], ncomp;
};

struct com {
    int t;                      /* its own territory */
    int up[4];                  /* nation, région, département, EPCI (-1) */
    long pop;
    double lat, lon;
    int has;
    double km[INDIC_NCAT];      /* NAN: unknown or no place of the category */
    double ifn_total;           /* active variant, NAN */
};

/* IFN sums of one territory for one variant. */
struct acc {
    double s[IFN__AXES], w[IFN__AXES], su[IFN__AXES];
    long nu[IFN__AXES];
    long pop, communes;
};

struct modele {
    struct terr *t;
    size_t nt;
    size_t debut[NV__N], fin[NV__N]; /* range of each level in t, sorted by code */
    struct com *c;                   /* parallel to the commune range of t */
    size_t nc;
    char (*variantes)[64];
    size_t nvar;
    struct acc *acc;                 /* nvar x nt */
    long lieux_total[INDIC_NCAT];
    long nlieux;
};

static double maintenant(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void copie(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static int ajouter_terr(struct modele *m, size_t *cap, int nv)
{
    if (m->nt == *cap) {
        *cap = *cap ? *cap * 2 : 40000;
        void *v = realloc(m->t, *cap * sizeof *m->t);
        if (!v)
            return -1;
        m->t = v;
    }
    memset(&m->t[m->nt], 0, sizeof m->t[m->nt]);
    m->t[m->nt].nv = nv;
    m->nt++;
    return 0;
}

/* Index of (level, code) in t, or -1. */
static int trouver(const struct modele *m, int nv, const char *code)
{
    size_t lo = m->debut[nv], hi = m->fin[nv];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->t[mid].code, code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int fail(struct db *d, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, d->err[0] ? d->err : "out of memory");
    return -1;
}

/* Territories of every level and the communes' links to them. */
static int lire_territoires(struct db *d, struct modele *m, char *err, size_t errlen)
{
    static const char *const sql[NV__N] = {
        [NV_REGION] = "SELECT code, nom, 'FR', coalesce(zone, '') FROM region ORDER BY code",
        [NV_DEPARTEMENT] = "SELECT code, nom, coalesce(region, ''), coalesce(zone, '') "
                           "FROM departement ORDER BY code",
        [NV_EPCI] = "SELECT e.code, e.nom, coalesce((SELECT c.departement FROM commune c WHERE "
                    "c.epci = e.code GROUP BY c.departement ORDER BY count(*) DESC, "
                    "sum(coalesce(c.population, 0)) DESC LIMIT 1), ''), '' FROM epci e "
                    "ORDER BY e.code",
        [NV_COMMUNE] = "SELECT code, nom, coalesce(departement, ''), '' FROM commune ORDER BY code",
    };
    size_t cap = 0;
    if (ajouter_terr(m, &cap, NV_NATION) < 0)
        return fail(d, err, errlen, "territories");
    snprintf(m->t[0].code, sizeof m->t[0].code, "FR");
    snprintf(m->t[0].nom, sizeof m->t[0].nom, "France");
    m->debut[NV_NATION] = 0;
    m->fin[NV_NATION] = 1;
    for (int nv = NV_REGION; nv < NV__N; nv++) {
        sqlite3_stmt *st = db_prepare(d, sql[nv]);
        if (!st)
            return fail(d, err, errlen, "territories");
        m->debut[nv] = m->nt;
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (ajouter_terr(m, &cap, nv) < 0) {
                sqlite3_finalize(st);
                return fail(d, err, errlen, "territories");
            }
            struct terr *t = &m->t[m->nt - 1];
            copie(t->code, sizeof t->code, st, 0);
            copie(t->nom, sizeof t->nom, st, 1);
            copie(t->parent, sizeof t->parent, st, 2);
            copie(t->zone, sizeof t->zone, st, 3);
        }
        sqlite3_finalize(st);
        m->fin[nv] = m->nt;
    }
    /* zones: EPCI and communes take their département's */
    for (size_t i = m->debut[NV_EPCI]; i < m->fin[NV_COMMUNE]; i++) {
        int k = trouver(m, NV_DEPARTEMENT, m->t[i].parent);
        if (k >= 0)
            memcpy(m->t[i].zone, m->t[k].zone, sizeof m->t[i].zone);
    }
    m->nc = m->fin[NV_COMMUNE] - m->debut[NV_COMMUNE];
    m->c = calloc(m->nc ? m->nc : 1, sizeof *m->c);
    if (!m->c)
        return fail(d, err, errlen, "communes");
    sqlite3_stmt *st = db_prepare(d, "SELECT code, coalesce(region, ''), coalesce(departement, ''), "
                                     "coalesce(epci, ''), coalesce(population, 0), lat, lon "
                                     "FROM commune ORDER BY code");
    if (!st)
        return fail(d, err, errlen, "communes");
    size_t i = 0;
    while (sqlite3_step(st) == SQLITE_ROW && i < m->nc) {
        struct com *c = &m->c[i];
        c->t = (int)(m->debut[NV_COMMUNE] + i);
        c->up[0] = 0;
        c->up[1] = trouver(m, NV_REGION, (const char *)sqlite3_column_text(st, 1));
        c->up[2] = trouver(m, NV_DEPARTEMENT, (const char *)sqlite3_column_text(st, 2));
        c->up[3] = trouver(m, NV_EPCI, (const char *)sqlite3_column_text(st, 3));
        c->pop = sqlite3_column_int64(st, 4);
        if (c->pop < 0)
            c->pop = 0;
        c->has = sqlite3_column_type(st, 5) != SQLITE_NULL && sqlite3_column_type(st, 6) != SQLITE_NULL;
        c->lat = sqlite3_column_double(st, 5);
        c->lon = sqlite3_column_double(st, 6);
        c->ifn_total = NAN;
        for (int k = 0; k < INDIC_NCAT; k++)
            c->km[k] = NAN;
        i++;
    }
    sqlite3_finalize(st);
    return 0;
}

/* Is `value` an item of the "|" list? */
static int dans_liste(const char *list, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

struct points {
    struct geoindex_point *v;
    size_t n, cap;
};

static int ajouter_point(struct points *p, long long id, double lat, double lon)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1024;
        void *v = realloc(p->v, p->cap * sizeof *p->v);
        if (!v)
            return -1;
        p->v = v;
    }
    p->v[p->n++] = (struct geoindex_point){id, lat, lon};
    return 0;
}

/* Places: counts per territory and category, points per category. */
static int lire_lieux(struct db *d, struct modele *m, struct points pts[INDIC_NCAT], char *err,
                      size_t errlen)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT pid, lat, lon, coalesce(commune_code, ''), coalesce(epci, ''), "
           "coalesce(departement, ''), coalesce(region, ''), coalesce(services, ''), "
           "coalesce(dispositif_programmes_nationaux, '') FROM lieu WHERE prive = 0");
    if (!st)
        return fail(d, err, errlen, "places");
    int rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int in[INDIC_NCAT];
        const char *services = (const char *)sqlite3_column_text(st, 7);
        const char *progs = (const char *)sqlite3_column_text(st, 8);
        for (int k = 0; k < INDIC_NCAT; k++)
            in[k] = k == 0 || dans_liste(categories[k].famille == INDIC_FAM_SERVICE ? services : progs,
                                         categories[k].valeur);
        int where[5] = {0, trouver(m, NV_REGION, (const char *)sqlite3_column_text(st, 6)),
                        trouver(m, NV_DEPARTEMENT, (const char *)sqlite3_column_text(st, 5)),
                        trouver(m, NV_EPCI, (const char *)sqlite3_column_text(st, 4)),
                        trouver(m, NV_COMMUNE, (const char *)sqlite3_column_text(st, 3))};
        int has = sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_type(st, 2) != SQLITE_NULL;
        m->nlieux++;
        for (int k = 0; k < INDIC_NCAT; k++) {
            if (!in[k])
                continue;
            m->lieux_total[k]++;
            for (int w = 0; w < 5; w++)
                if (where[w] >= 0)
                    m->t[where[w]].lieux[k]++;
            if (has && ajouter_point(&pts[k], sqlite3_column_int64(st, 0),
                                     sqlite3_column_double(st, 1), sqlite3_column_double(st, 2)) < 0) {
                rc = -1;
                break;
            }
        }
        if (rc < 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc < 0)
        snprintf(err, errlen, "places: out of memory");
    return rc;
}

/* The grid answers fast when a place is near; a commune far from every
 * place of a sparse category (an island, a category with a handful of
 * places) would make it visit rings over half the globe, so the grid is
 * asked within PROCHE_KM and, when nothing is found there, every place of
 * the category is measured. Both are exact (ties: smallest id). */
#define PROCHE_KM 60.0

static void plus_proche_brut(const struct points *p, double lat, double lon, double *km,
                             long long *id)
{
    *km = INFINITY;
    *id = 0;
    for (size_t i = 0; i < p->n; i++) {
        double x = geo_haversine_km(lat, lon, p->v[i].lat, p->v[i].lon);
        if (x < *km || (x == *km && p->v[i].id < *id)) {
            *km = x;
            *id = p->v[i].id;
        }
    }
}

static int distances(struct modele *m, struct points pts[INDIC_NCAT], char *err, size_t errlen)
{
    for (int k = 0; k < INDIC_NCAT; k++) {
        if (pts[k].n == 0)
            continue;
        struct geoindex *g = geoindex_build_points(pts[k].v, pts[k].n);
        if (!g) {
            snprintf(err, errlen, "grid index: out of memory");
            return -1;
        }
        for (size_t i = 0; i < m->nc; i++) {
            struct com *c = &m->c[i];
            if (!c->has)
                continue;
            struct geoindex_hit h;
            if (geoindex_nearest(g, c->lat, c->lon, 1, PROCHE_KM, 1, &h) == 1) {
                c->km[k] = h.km;
                m->t[c->t].lieu[k] = h.id;
            } else {
                plus_proche_brut(&pts[k], c->lat, c->lon, &c->km[k], &m->t[c->t].lieu[k]);
            }
        }
        geoindex_free(g);
    }
    return 0;
}

static int lire_variantes(struct db *d, struct modele *m, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT nom FROM ifn_variante ORDER BY nom");
    if (!st)
        return fail(d, err, errlen, "ifn variants");
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (m->nvar == cap) {
            cap = cap ? cap * 2 : 4;
            void *v = realloc(m->variantes, cap * sizeof *m->variantes);
            if (!v) {
                sqlite3_finalize(st);
                return fail(d, err, errlen, "ifn variants");
            }
            m->variantes = v;
        }
        copie(m->variantes[m->nvar++], 64, st, 0);
    }
    sqlite3_finalize(st);
    m->acc = calloc((m->nvar ? m->nvar : 1) * m->nt, sizeof *m->acc);
    return m->acc ? 0 : fail(d, err, errlen, "ifn sums");
}

static void ajouter_ifn(struct acc *a, const double v[IFN__AXES], long pop)
{
    for (int x = 0; x < IFN__AXES; x++) {
        if (isnan(v[x]))
            continue;
        a->s[x] += v[x] * (double)pop;
        a->w[x] += (double)pop;
        a->su[x] += v[x];
        a->nu[x]++;
    }
    a->pop += pop;
    a->communes++;
}

/* Weighted sums of every variant; the active one gives the communes' totals. */
static int agreger_ifn(struct db *d, struct modele *m, const char *active, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT code, thd, mobile, pauvrete, age, diplome "
                                     "FROM ifn_commune WHERE variante = ?1");
    if (!st)
        return fail(d, err, errlen, "ifn");
    for (size_t vi = 0; vi < m->nvar; vi++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, m->variantes[vi], -1, SQLITE_STATIC);
        struct acc *acc = &m->acc[vi * m->nt];
        int is_active = strcmp(m->variantes[vi], active) == 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            int t = trouver(m, NV_COMMUNE, (const char *)sqlite3_column_text(st, 0));
            if (t < 0)
                continue;
            double v[IFN__AXES];
            for (int x = 0; x < IFN__AXES; x++)
                v[x] = sqlite3_column_type(st, 1 + x) == SQLITE_NULL ? NAN
                                                                     : sqlite3_column_double(st, 1 + x);
            struct com *c = &m->c[t - m->debut[NV_COMMUNE]];
            if (is_active)
                c->ifn_total = ifn_moyenne(v);
            ajouter_ifn(&acc[t], v, c->pop);
            for (int u = 0; u < 4; u++)
                if (c->up[u] >= 0)
                    ajouter_ifn(&acc[c->up[u]], v, c->pop);
        }
    }
    sqlite3_finalize(st);
    return 0;
}

/* Classes of the histograms (indicateurs.h: indic_histogrammes). */
static int classe_ifn(double v)
{
    if (isnan(v))
        return 9;
    int k = (int)floor(v) - 1;
    return k < 0 ? 0 : k > 8 ? 8 : k;
}

static int classe_km(double km)
{
    return isnan(km) ? 5 : km < 2 ? 0 : km < 5 ? 1 : km < 10 ? 2 : km < 20 ? 3 : 4;
}

static void ajouter_couv(struct terr *t, const struct com *c, int prio, int rural)
{
    int ki = classe_ifn(c->ifn_total), kk = classe_km(c->km[0]);
    t->hic[ki]++;
    t->hip[ki] += c->pop;
    t->hkc[kk]++;
    t->hkp[kk] += c->pop;
    t->pop += c->pop;
    t->communes++;
    t->prio += prio;
    if (rural)
        t->pop_rurale += c->pop;
    if (!c->has)
        t->pop_inconnue += c->pop;
    for (int k = 0; k < INDIC_NCAT; k++) {
        double km = c->km[k];
        if (isnan(km))
            continue;
        t->kmw[k] += km * (double)c->pop;
        t->w[k] += (double)c->pop;
        t->kmu[k] += km;
        t->nu[k]++;
        if (km > 5)
            t->p5[k] += c->pop;
        if (km > 10)
            t->p10[k] += c->pop;
        if (km > 20)
            t->p20[k] += c->pop;
    }
}

static void agreger(struct modele *m)
{
    for (size_t i = 0; i < m->nc; i++) {
        const struct com *c = &m->c[i];
        int prio = !isnan(c->ifn_total) && c->ifn_total >= INDIC_PRIO_IFN && !isnan(c->km[0]) &&
                   c->km[0] >= INDIC_PRIO_KM;
        int rural = c->pop < INDIC_RURAL_POP;
        ajouter_couv(&m->t[c->t], c, prio, rural);
        for (int u = 0; u < 4; u++)
            if (c->up[u] >= 0)
                ajouter_couv(&m->t[c->up[u]], c, prio, rural);
    }
}

/* ---- similar territories ---- */

struct voisin {
    double dist;
    int t;
};

static int cmp_voisin(const void *a, const void *b)
{
    const struct voisin *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    return x->t - y->t;
}

static void comparables_niveau(struct modele *m, int nv, struct voisin *tmp)
{
    size_t a = m->debut[nv], b = m->fin[nv];
    double s1 = 0, s2 = 0, q1 = 0, q2 = 0;
    long n = 0;
    for (size_t i = a; i < b; i++) {
        struct terr *t = &m->t[i];
        t->f1 = log10((double)t->pop + 1);
        t->f2 = t->pop > 0 ? (double)t->pop_rurale / (double)t->pop : 0;
        s1 += t->f1;
        s2 += t->f2;
        q1 += t->f1 * t->f1;
        q2 += t->f2 * t->f2;
        n++;
    }
    if (n < 2)
        return;
    double sd1 = sqrt(fmax(q1 / n - (s1 / n) * (s1 / n), 1e-12));
    double sd2 = sqrt(fmax(q2 / n - (s2 / n) * (s2 / n), 1e-12));
    for (size_t i = a; i < b; i++) {
        size_t k = 0;
        for (size_t j = a; j < b; j++) {
            if (j == i || strcmp(m->t[i].zone, m->t[j].zone) != 0 || m->t[j].communes == 0)
                continue;
            double d1 = (m->t[i].f1 - m->t[j].f1) / sd1, d2 = (m->t[i].f2 - m->t[j].f2) / sd2;
            tmp[k++] = (struct voisin){d1 * d1 + d2 * d2, (int)j};
        }
        qsort(tmp, k, sizeof *tmp, cmp_voisin);
        m->t[i].ncomp = k < INDIC_COMPARABLES ? (int)k : INDIC_COMPARABLES;
        for (int r = 0; r < m->t[i].ncomp; r++)
            m->t[i].comparables[r] = tmp[r].t;
    }
}

struct par_pop {
    int dep;
    double lp;
    int t;
};

static int cmp_par_pop(const void *a, const void *b)
{
    const struct par_pop *x = a, *y = b;
    if (x->dep != y->dep)
        return x->dep - y->dep;
    if (x->lp != y->lp)
        return x->lp < y->lp ? -1 : 1;
    return x->t - y->t;
}

/* Communes: the closest in population within the same département. */
static int comparables_communes(struct modele *m)
{
    struct par_pop *v = malloc((m->nc ? m->nc : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < m->nc; i++)
        v[i] = (struct par_pop){m->c[i].up[2], log10((double)m->c[i].pop + 1), m->c[i].t};
    qsort(v, m->nc, sizeof *v, cmp_par_pop);
    for (size_t i = 0; i < m->nc; i++) {
        struct terr *t = &m->t[v[i].t];
        size_t lo = i, hi = i; /* expand around i */
        while (t->ncomp < INDIC_COMPARABLES) {
            int left = lo > 0 && v[lo - 1].dep == v[i].dep;
            int right = hi + 1 < m->nc && v[hi + 1].dep == v[i].dep;
            if (!left && !right)
                break;
            if (left && (!right || v[i].lp - v[lo - 1].lp <= v[hi + 1].lp - v[i].lp))
                t->comparables[t->ncomp++] = v[--lo].t;
            else
                t->comparables[t->ncomp++] = v[++hi].t;
        }
    }
    free(v);
    return 0;
}

static int comparables(struct modele *m)
{
    size_t most = 0;
    for (int nv = NV_REGION; nv <= NV_EPCI; nv++)
        if (m->fin[nv] - m->debut[nv] > most)
            most = m->fin[nv] - m->debut[nv];
    struct voisin *tmp = malloc((most ? most : 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    for (int nv = NV_REGION; nv <= NV_EPCI; nv++)
        comparables_niveau(m, nv, tmp);
    free(tmp);
    return comparables_communes(m);
}

/* ---- statistical secrecy of the open data ---- */

/* Groups of the published hierarchies: nation > régions > départements >
 * communes, and EPCI > communes. Cells are the territories; every
 * territory but a commune is the parent of a group. Sets t->secret. */
static int parents_de(const struct modele *m, size_t i, int out[2])
{
    const struct terr *t = &m->t[i];
    int n = 0;
    if (t->nv == NV_REGION)
        out[n++] = 0;
    else if (t->nv == NV_DEPARTEMENT && (out[n] = trouver(m, NV_REGION, t->parent)) >= 0)
        n++;
    else if (t->nv == NV_COMMUNE) {
        const struct com *c = &m->c[i - m->debut[NV_COMMUNE]];
        if (c->up[2] >= 0)
            out[n++] = c->up[2];
        if (c->up[3] >= 0)
            out[n++] = c->up[3];
    }
    return n;
}

static int secret(struct modele *m)
{
    size_t ng = m->fin[NV_EPCI];
    size_t *parent = malloc((ng + 1) * sizeof *parent), *debut = calloc(ng + 2, sizeof *debut);
    size_t *enf = malloc((m->nt * 2 + 1) * sizeof *enf), *fill = malloc((ng + 1) * sizeof *fill);
    long *val = malloc((m->nt + 1) * sizeof *val);
    unsigned char *masque = malloc(m->nt + 1);
    int rc = -1, p[2];
    if (!parent || !debut || !enf || !fill || !val || !masque)
        goto out;
    for (size_t i = 0; i < m->nt; i++)
        for (int k = parents_de(m, i, p) - 1; k >= 0; k--)
            debut[p[k] + 1]++;
    for (size_t g = 0; g < ng; g++) {
        debut[g + 1] += debut[g];
        parent[g] = g;
        fill[g] = debut[g];
    }
    for (size_t i = 0; i < m->nt; i++)
        for (int k = parents_de(m, i, p) - 1; k >= 0; k--)
            enf[fill[p[k]]++] = i;
    struct secret_table tab = {m->nt, val, masque, ng, parent, debut, enf};
    for (int col = 0; col < 3; col++) {
        for (size_t i = 0; i < m->nt; i++)
            val[i] = col == 0 ? m->t[i].p5[0] : col == 1 ? m->t[i].p10[0] : m->t[i].p20[0];
        if (secret_appliquer(&tab, SECRET_SEUIL) < 0)
            goto out;
        for (size_t i = 0; i < m->nt; i++)
            if (masque[i])
                m->t[i].secret |= 1 << col;
    }
    rc = 0;
out:
    free(parent);
    free(debut);
    free(enf);
    free(fill);
    free(val);
    free(masque);
    return rc;
}

/* ---- EPCI outlines ---- */

static int contours_epci(struct db *d, struct modele *m, long *written, char *err, size_t errlen)
{
    sqlite3_stmt *sel = db_prepare(d, "SELECT c.epci, k.geojson FROM commune c JOIN contour k "
                                      "ON k.niveau = 'commune' AND k.code = c.code "
                                      "WHERE c.epci IS NOT NULL AND c.epci != '' ORDER BY c.epci");
    sqlite3_stmt *ins = db_prepare(d, "INSERT INTO contour_dissous(niveau, code, geojson) "
                                      "VALUES ('epci', ?1, ?2)");
    if (!sel || !ins || db_exec(d, "DELETE FROM contour_dissous WHERE niveau = 'epci'") < 0) {
        sqlite3_finalize(sel);
        sqlite3_finalize(ins);
        return fail(d, err, errlen, "epci outlines");
    }
    (void)m;
    json_t **geos = NULL;
    size_t ng = 0, capg = 0;
    char cur[10] = "";
    int rc = 0, more;
    do {
        more = sqlite3_step(sel) == SQLITE_ROW;
        const char *epci = more ? (const char *)sqlite3_column_text(sel, 0) : "";
        if ((!more || strcmp(epci, cur) != 0) && ng > 0) {
            json_t *out = geo_dissolve((const json_t *const *)geos, ng);
            char *text = out ? json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
            if (text) {
                sqlite3_bind_text(ins, 1, cur, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(ins, 2, text, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(ins) != SQLITE_DONE)
                    rc = fail(d, err, errlen, "epci outlines");
                sqlite3_reset(ins);
                (*written)++;
            }
            free(text);
            json_decref(out);
            for (size_t i = 0; i < ng; i++)
                json_decref(geos[i]);
            ng = 0;
        }
        if (!more || rc < 0)
            break;
        snprintf(cur, sizeof cur, "%s", epci);
        json_t *g = json_loads((const char *)sqlite3_column_text(sel, 1), 0, NULL);
        if (!g)
            continue;
        if (ng == capg) {
            capg = capg ? capg * 2 : 64;
            void *v = realloc(geos, capg * sizeof *geos);
            if (!v) {
                json_decref(g);
                rc = -1;
                snprintf(err, errlen, "epci outlines: out of memory");
                break;
            }
            geos = v;
        }
        geos[ng++] = g;
    } while (more);
    for (size_t i = 0; i < ng; i++)
        json_decref(geos[i]);
    free(geos);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* ---- writing ---- */

static void bind_nan(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

static int step(struct db *d, sqlite3_stmt *st, long *lignes)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    (*lignes)++;
    return rc == SQLITE_DONE ? 0 : db_fail(d, "indicators insert");
}

/* The weighted means of a territory's sums (plain means when no commune
 * has a population). */
static void moyennes(const struct acc *a, double v[IFN__AXES])
{
    for (int x = 0; x < IFN__AXES; x++)
        v[x] = a->w[x] > 0 ? a->s[x] / a->w[x] : a->nu[x] ? a->su[x] / a->nu[x] : NAN;
}

static int ecrire_ifn(struct db *d, const struct modele *m, long *lignes)
{
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO ifn_territoire(variante, niveau, code, thd, "
                                     "mobile, pauvrete, age, diplome, total, population, communes) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!st)
        return -1;
    int rc = 0;
    for (size_t vi = 0; vi < m->nvar && rc == 0; vi++) {
        sqlite3_bind_text(st, 1, m->variantes[vi], -1, SQLITE_STATIC);
        for (size_t i = 0; i < m->nt && rc == 0; i++) {
            const struct acc *a = &m->acc[vi * m->nt + i];
            if (a->communes == 0)
                continue;
            double v[IFN__AXES];
            moyennes(a, v);
            sqlite3_bind_text(st, 2, nv_noms[m->t[i].nv], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, m->t[i].code, -1, SQLITE_STATIC);
            for (int x = 0; x < IFN__AXES; x++)
                bind_nan(st, 4 + x, v[x]);
            bind_nan(st, 9, ifn_moyenne(v));
            sqlite3_bind_int64(st, 10, a->pop);
            sqlite3_bind_int64(st, 11, a->communes);
            rc = step(d, st, lignes);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int ecrire_couverture(struct db *d, const struct modele *m, long *lignes)
{
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO couverture_territoire(niveau, code, categorie, "
                                     "lieux, km_moyen, pop_5, pop_10, pop_20, pop_inconnue, lieu) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!st)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < m->nt && rc == 0; i++) {
        const struct terr *t = &m->t[i];
        sqlite3_bind_text(st, 1, nv_noms[t->nv], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t->code, -1, SQLITE_STATIC);
        for (int k = 0; k < INDIC_NCAT && rc == 0; k++) {
            if (m->lieux_total[k] == 0)
                continue;
            double km = t->w[k] > 0 ? t->kmw[k] / t->w[k] : t->nu[k] ? t->kmu[k] / t->nu[k] : NAN;
            sqlite3_bind_text(st, 3, categories[k].cle, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, t->lieux[k]);
            bind_nan(st, 5, km);
            sqlite3_bind_int64(st, 6, t->p5[k]);
            sqlite3_bind_int64(st, 7, t->p10[k]);
            sqlite3_bind_int64(st, 8, t->p20[k]);
            sqlite3_bind_int64(st, 9, t->pop_inconnue);
            if (t->nv == NV_COMMUNE && t->lieu[k])
                sqlite3_bind_int64(st, 10, t->lieu[k]);
            else
                sqlite3_bind_null(st, 10);
            rc = step(d, st, lignes);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int ecrire_territoires(struct db *d, const struct modele *m, long *lignes)
{
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO territoire_indicateur(niveau, code, nom, parent, "
                                     "zone, population, communes, part_rurale, prioritaires, secret, "
                                     "histo_ifn, histo_km) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    struct buf h = BUF_INIT;
    sqlite3_stmt *sc = db_prepare(d, "INSERT INTO territoire_comparable(niveau, code, rang, "
                                     "comparable) VALUES (?1, ?2, ?3, ?4)");
    int rc = st && sc ? 0 : -1;
    for (size_t i = 0; i < m->nt && rc == 0; i++) {
        const struct terr *t = &m->t[i];
        sqlite3_bind_text(st, 1, nv_noms[t->nv], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, t->nom, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, t->parent, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, t->zone, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, t->pop);
        sqlite3_bind_int64(st, 7, t->communes);
        bind_nan(st, 8, t->pop > 0 ? (double)t->pop_rurale / (double)t->pop : NAN);
        sqlite3_bind_int64(st, 9, t->prio);
        sqlite3_bind_int(st, 10, t->secret);
        for (int k = 0; k < 2; k++) {
            const long *c = k ? t->hkc : t->hic, *p = k ? t->hkp : t->hip;
            int n = k ? 6 : 10;
            buf_reset(&h);
            for (int i = 0; i < n; i++)
                buf_printf(&h, "%s%ld", i ? " " : "", c[i]);
            for (int i = 0; i < n; i++)
                buf_printf(&h, "%s%ld", i ? " " : ";", p[i]);
            if (h.oom) {
                rc = -1;
                break;
            }
            sqlite3_bind_text(st, 11 + k, h.s, (int)h.len, SQLITE_TRANSIENT);
        }
        if (rc == 0)
            rc = step(d, st, lignes);
        sqlite3_bind_text(sc, 1, nv_noms[t->nv], -1, SQLITE_STATIC);
        sqlite3_bind_text(sc, 2, t->code, -1, SQLITE_STATIC);
        for (int r = 0; r < t->ncomp && rc == 0; r++) {
            sqlite3_bind_int(sc, 3, r + 1);
            sqlite3_bind_text(sc, 4, m->t[t->comparables[r]].code, -1, SQLITE_STATIC);
            rc = step(d, sc, lignes);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(sc);
    buf_free(&h);
    return rc;
}

/* ---- fingerprint of the inputs ---- */

static int empreinte(struct db *d, char *out, size_t n)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT (SELECT count(*) || ':' || total(pid) || ':' || total(lat) || ':' || "
           "total(lon) FROM lieu WHERE prive = 0), (SELECT coalesce(max(cree_le), '') || ':' || "
           "count(*) || ':' || (SELECT coalesce(max(id), 0) FROM ifn_import) FROM ifn_variante), (SELECT coalesce(value, '') FROM meta WHERE key = "
           "'territoires.imported_at'), (SELECT coalesce(value, '') FROM meta WHERE key = "
           "'ifn.variante')");
    if (!st)
        return -1;
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : db_fail(d, "fingerprint");
    if (rc == 0)
        snprintf(out, n, "L%s|I%s|T%s|A%s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                 sqlite3_column_text(st, 2), sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return rc;
}

int indicateurs_etat(struct db *d, char *calcule_le, size_t n, int *stale)
{
    char now[512];
    char *v = db_meta_get(d, "indicateurs.calcule_le");
    char *e = db_meta_get(d, "indicateurs.empreinte");
    snprintf(calcule_le, n, "%s", v ? v : "");
    int rc = empreinte(d, now, sizeof now);
    *stale = !v || !e || (rc == 0 && strcmp(now, e) != 0);
    free(v);
    free(e);
    return rc;
}

static void modele_free(struct modele *m)
{
    free(m->t);
    free(m->c);
    free(m->variantes);
    free(m->acc);
}

int indicateurs_recalculer(struct db *d, int contours, struct indic_stats *st, char *err,
                           size_t errlen)
{
    struct modele m;
    struct points pts[INDIC_NCAT];
    memset(&m, 0, sizeof m);
    memset(pts, 0, sizeof pts);
    memset(st, 0, sizeof *st);
    double t0 = maintenant(), t1;
    int rc = -1;
    err[0] = 0;
    char active[64] = "", fp[512];
    if (ifn_variante_active(d, active, sizeof active) < 0) {
        fail(d, err, errlen, "ifn");
        goto out;
    }
    if (lire_territoires(d, &m, err, errlen) < 0 || lire_lieux(d, &m, pts, err, errlen) < 0 ||
        lire_variantes(d, &m, err, errlen) < 0)
        goto out;
    t1 = maintenant();
    st->s_lecture = t1 - t0;
    if (distances(&m, pts, err, errlen) < 0)
        goto out;
    st->s_distances = maintenant() - t1;
    t1 = maintenant();
    if (agreger_ifn(d, &m, active, err, errlen) < 0)
        goto out;
    agreger(&m);
    if (comparables(&m) < 0 || secret(&m) < 0) {
        snprintf(err, errlen, "similar territories, secrecy: out of memory");
        goto out;
    }
    st->s_agregation = maintenant() - t1;
    st->communes = (long)m.nc;
    st->lieux = m.nlieux;
    st->territoires = (long)m.nt;
    if (empreinte(d, fp, sizeof fp) < 0) {
        fail(d, err, errlen, "fingerprint");
        goto out;
    }
    if (db_begin(d) < 0) {
        fail(d, err, errlen, "begin");
        goto out;
    }
    t1 = maintenant();
    char *last = db_meta_get(d, "indicateurs.contours_de");
    char *terr = db_meta_get(d, "territoires.imported_at");
    long nout = 0;
    int redo = contours || !last || !terr || strcmp(last, terr) != 0;
    int ok = !redo || contours_epci(d, &m, &nout, err, errlen) == 0;
    if (ok && redo)
        ok = db_meta_set(d, "indicateurs.contours_de", terr ? terr : "") == 0;
    free(last);
    free(terr);
    st->contours_refaits = redo;
    st->s_contours = maintenant() - t1;
    t1 = maintenant();
    if (!ok || db_exec(d, "DELETE FROM ifn_territoire; DELETE FROM couverture_territoire; "
                          "DELETE FROM territoire_indicateur; DELETE FROM territoire_comparable") < 0 ||
        ecrire_ifn(d, &m, &st->lignes) < 0 || ecrire_couverture(d, &m, &st->lignes) < 0 ||
        ecrire_territoires(d, &m, &st->lignes) < 0) {
        if (!err[0] || ok)
            fail(d, err, errlen, "write");
        db_rollback(d);
        goto out;
    }
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (db_meta_set(d, "indicateurs.calcule_le", stamp) < 0 ||
        db_meta_set(d, "indicateurs.empreinte", fp) < 0 || cache_clear(d) < 0 || db_commit(d) < 0) {
        fail(d, err, errlen, "commit");
        db_rollback(d);
        goto out;
    }
    st->s_ecriture = maintenant() - t1;
    rc = 0;
out:
    st->s_total = maintenant() - t0;
    for (int k = 0; k < INDIC_NCAT; k++)
        free(pts[k].v);
    modele_free(&m);
    return rc;
}

/* ---- pieces of the recomputation, for benchmarks ---- */

long indic_distances(struct db *d, int cat, struct indic_distance **out, char *err, size_t errlen)
{
    struct modele m;
    struct points pts[INDIC_NCAT];
    memset(&m, 0, sizeof m);
    memset(pts, 0, sizeof pts);
    long n = -1;
    *out = NULL;
    if (cat < 0 || cat >= INDIC_NCAT) {
        snprintf(err, errlen, "unknown category");
        return -1;
    }
    if (lire_territoires(d, &m, err, errlen) < 0 || lire_lieux(d, &m, pts, err, errlen) < 0)
        goto out;
    for (int k = 0; k < INDIC_NCAT; k++)
        if (k != cat)
            pts[k].n = 0; /* only this category */
    if (distances(&m, pts, err, errlen) < 0)
        goto out;
    *out = malloc((m.nc ? m.nc : 1) * sizeof **out);
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < m.nc; i++) {
        const struct terr *t = &m.t[m.c[i].t];
        snprintf((*out)[i].code, sizeof (*out)[i].code, "%s", t->code);
        (*out)[i].km = m.c[i].km[cat];
        (*out)[i].lieu = t->lieu[cat];
    }
    n = (long)m.nc;
out:
    for (int k = 0; k < INDIC_NCAT; k++)
        free(pts[k].v);
    modele_free(&m);
    return n;
}

long indic_ifn_agreger(struct db *d, const char *variante, struct indic_ifn_agregat **out,
                       char *err, size_t errlen)
{
    struct modele m;
    memset(&m, 0, sizeof m);
    long n = -1;
    *out = NULL;
    if (lire_territoires(d, &m, err, errlen) < 0)
        goto out;
    m.variantes = malloc(sizeof *m.variantes);
    m.acc = calloc(m.nt ? m.nt : 1, sizeof *m.acc);
    *out = malloc((m.nt ? m.nt : 1) * sizeof **out);
    if (!m.variantes || !m.acc || !*out) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    snprintf(m.variantes[0], 64, "%s", variante);
    m.nvar = 1;
    if (agreger_ifn(d, &m, variante, err, errlen) < 0)
        goto out;
    n = 0;
    for (size_t i = 0; i < m.nt; i++) {
        const struct acc *a = &m.acc[i];
        if (a->communes == 0)
            continue;
        struct indic_ifn_agregat *o = &(*out)[n++];
        snprintf(o->niveau, sizeof o->niveau, "%s", nv_noms[m.t[i].nv]);
        snprintf(o->code, sizeof o->code, "%s", m.t[i].code);
        moyennes(a, o->v);
        o->total = ifn_moyenne(o->v);
        o->population = a->pop;
        o->communes = a->communes;
    }
out:
    if (n < 0) {
        free(*out);
        *out = NULL;
    }
    modele_free(&m);
    return n;
}
