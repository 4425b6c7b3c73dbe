/* indicateurs.h - the figures of the territorial diagnostic, precomputed
 * for every territory (nation, régions, départements, EPCI, communes) by
 * indicateurs_recalculer() and read by the dashboards, the exports and the
 * API (indicateurs_lire.c).
 *
 * What is computed (docs/territoires.md gives the method):
 *   - IFN: every variant aggregated from communes to every level by a
 *     population-weighted mean, sub-score by sub-score; the total of a
 *     territory is the mean of its aggregated sub-scores;
 *   - offer: published places receiving the public, per territory and per
 *     category (all places, each service of the standard, each national
 *     programme), and per 10,000 inhabitants;
 *   - coverage: for every commune, the great-circle distance from its
 *     point (commune.lat/lon: the coordinates of the territories import,
 *     else its contour's centroid) to the nearest place of each category;
 *     per territory the population-weighted mean distance and the
 *     population living more than 5, 10 and 20 km away (everyone of a
 *     commune is counted at the commune's point);
 *   - priority communes: IFN total >= INDIC_PRIO_IFN and the nearest place
 *     >= INDIC_PRIO_KM away (active IFN variant);
 *   - similar territories: the INDIC_COMPARABLES territories of the same
 *     level and zone (metropolitan, overseas) closest in size (log10 of the
 *     population) and rurality (share of inhabitants in communes of fewer
 *     than 2,000 inhabitants), both standardised; for a commune, those of
 *     its département closest in population;
 *   - EPCI outlines dissolved from their communes' contours.
 *
 * Ownership: lists are malloc'd and released with their *_free(). Errors:
 * -1 with an English message in d->err (or err). */
#ifndef TERRITOIRES_INDICATEURS_H
#define TERRITOIRES_INDICATEURS_H
#include <stddef.h>

#include "base/buf.h"
#include "store/db.h"
#include "territoires/ifn.h"

#define INDIC_PRIO_IFN 7.0      /* IFN total from which fragility is high */
#define INDIC_PRIO_KM 10.0      /* km from which help is far */
#define INDIC_COMPARABLES 10
#define INDIC_RURAL_POP 2000    /* communes below: rural (rurality proxy) */

/* ---- categories of help ---- */

enum indic_famille { INDIC_FAM_TOUS, INDIC_FAM_SERVICE, INDIC_FAM_PROGRAMME };
struct indic_categorie {
    const char *cle;        /* "tous", "demarches", "france-services" ... (URLs, CSV) */
    enum indic_famille famille;
    const char *valeur;     /* value of the standard's field, NULL for "tous" */
    const char *libelle;    /* French label for pages */
};
#define INDIC_NCAT 21
/* Category i (0 = every place). Cannot fail for i < INDIC_NCAT. */
const struct indic_categorie *indic_categorie(int i);
/* Index of a category key, or -1. */
int indic_categorie_index(const char *cle);

/* ---- recomputation ---- */

struct indic_stats {
    long communes, lieux, territoires, lignes;
    double s_lecture, s_distances, s_agregation, s_contours, s_ecriture, s_total;
    int contours_refaits;
};

/* Recompute everything in one transaction (a failure leaves the previous
 * figures), then empty the render cache. EPCI outlines are rebuilt only
 * when the territories were imported since the last time (or when
 * `contours` is 1). Returns 0, or -1 with err. */
int indicateurs_recalculer(struct db *d, int contours, struct indic_stats *st, char *err,
                           size_t errlen);

/* ---- pieces of the recomputation, for benchmarks (bench/indic_bench.c) ---- */

struct indic_distance {
    char code[6];
    double km;             /* NAN: the commune has no point */
    long long lieu;        /* the nearest place's id (0 when none) */
};
/* The distance from every commune's point to the nearest place of
 * category `cat`, by the recomputation's own code (grid within 60 km,
 * else every place), communes by code. *out is malloc'd (free()).
 * Returns how many communes, or -1 with err. */
long indic_distances(struct db *d, int cat, struct indic_distance **out, char *err, size_t errlen);

struct indic_ifn_agregat {
    char niveau[12];
    char code[10];
    double v[IFN__AXES];   /* NAN when missing */
    double total;
    long population, communes;
};
/* The IFN of variant `variante` aggregated to every territory (nation,
 * régions, départements, EPCI, communes), by the recomputation's own code,
 * without writing anything. *out is malloc'd (free()). Returns how many
 * territories have a value, or -1 with err. */
long indic_ifn_agreger(struct db *d, const char *variante, struct indic_ifn_agregat **out,
                       char *err, size_t errlen);

/* When the figures were computed ("" if never) into out[32], and whether
 * the places, territories or IFN changed since (stale = 1). Returns 0, -1. */
int indicateurs_etat(struct db *d, char *calcule_le, size_t n, int *stale);

/* ---- reading (indicateurs_lire.c) ---- */

/* A level name: "nation", "region", "departement", "epci", "commune". */
int indic_niveau_ok(const char *niveau);

struct indic_couv {
    int present;             /* the category has places somewhere */
    long lieux;              /* places in the territory */
    double km;               /* population-weighted mean distance (commune: its own), NAN */
    long pop_5, pop_10, pop_20, pop_inconnue;
    long long lieu;          /* commune: the nearest place's id, else 0 */
};

struct indic_ligne {
    char niveau[12];
    char code[10];
    char nom[128];
    char parent[10];
    char zone[8];
    long population, communes, prioritaires;
    double part_rurale;
    int secret;              /* bits 1, 2, 4: pop beyond 5, 10, 20 km suppressed
                                in the open data (territoires/secret.h) */
    int has_ifn;
    double ifn[IFN__AXES];   /* NAN when missing */
    double ifn_total;        /* NAN when none */
    long ifn_population;
    struct indic_couv tous;  /* category "tous" */
};

/* One territory, with every category (couv[i] for indic_categorie(i)).
 * `variante`: IFN variant (NULL: the active one). Returns 1, 0 (unknown or
 * not computed), -1. */
struct indic_territoire {
    struct indic_ligne l;
    struct indic_couv couv[INDIC_NCAT];
};
int indic_get(struct db *d, const char *niveau, const char *code, const char *variante,
              struct indic_territoire *t);

struct indic_liste {
    struct indic_ligne *v;
    size_t n;
};
void indic_liste_free(struct indic_liste *l);

/* Territories of level `enfant` inside (niveau, code): nation -> régions
 * or départements (or any level), région -> départements, EPCI or
 * communes, département -> EPCI (those whose main département it is) or
 * communes, EPCI -> communes; for a commune, the communes of its EPCI
 * (its neighbours). Sorted by name. Returns 0 or -1. */
int indic_enfants(struct db *d, const char *niveau, const char *code, const char *enfant,
                  const char *variante, struct indic_liste *out);

/* The similar territories of (niveau, code), closest first. Returns 0 or -1. */
int indic_comparables(struct db *d, const char *niveau, const char *code, const char *variante,
                      struct indic_liste *out);

struct indic_prio {
    char code[6];
    char nom[128];
    char departement[4];
    long population;
    double ifn;
    double km;
    long long lieu;
    char lieu_nom[160];
    char lieu_commune[96];
};
/* Priority communes of (niveau, code), by score = IFN total x distance in
 * km, highest first: at most `limit` from `offset` into out[limit];
 * *total gets how many there are. Returns how many were written, or -1. */
int indic_prioritaires(struct db *d, const char *niveau, const char *code, const char *variante,
                       long offset, int limit, struct indic_prio *out, long *total);

/* The histograms of (niveau, code), precomputed: communes and population
 * by IFN total of the active variant, in [k+1, k+2) for k = 0..8 (10 is
 * counted in the last) and [9] without a value; and by distance to the
 * nearest place, in bands [0,2), [2,5), [5,10), [10,20), >= 20 km and [5]
 * unknown (no point, or no place at all). Returns 1, 0 when not computed,
 * -1. */
extern const char *const indic_bandes_km[6];
int indic_histogrammes(struct db *d, const char *niveau, const char *code, long ifn_c[10],
                       long ifn_p[10], long km_c[6], long km_p[6]);

/* The outline of a territory for the maps (GeoJSON text, malloc'd, free()):
 * an EPCI's dissolved outline when computed, else territoires_contour().
 * NULL when there is none. */
char *indic_contour(struct db *d, const char *niveau, const char *code);

/* ---- open data (indicateurs_export.c) ---- */

/* Every territory of level `niveau` inside (dans_niveau, dans_code) (NULL:
 * all of France), as CSV (json = 0) or JSON: population, places and places
 * per 10,000 inhabitants, IFN (variant NULL: active), distances and
 * population beyond 5/10/20 km, priority communes, places and distance for
 * the three national programmes. The population counts beyond 5/10/20 km
 * go through statistical secrecy (secret.h): suppressed cells are empty
 * (CSV) or null (JSON) and named in the `secret` column. Returns the
 * number of territories, or -1 with d->err. */
long indic_exporter(struct db *d, const char *niveau, const char *dans_niveau,
                    const char *dans_code, const char *variante, int json, struct buf *out);

#endif
