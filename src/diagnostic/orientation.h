/* orientation.h - from a result to the right nearby help: the needs in
 * the national standard's vocabulary, and the places of the registry
 * that match them best (rules in docs/diagnostic.md, "Orientation").
 *
 * Needs: services (from the needs declared, the barriers, the domains
 * below level 2 and the autonomy step), accompaniment modes and national
 * programmes (from the step), specific support (prise en charge
 * spécifique, from the barriers), and an accessibility page (Acceslibre)
 * for a motor disability. All values come from the referential.
 *
 * Places: the published places within DIAG_ORIENT_KM km offering one of
 * the services (lieux_search, nearest first), completed by the nearest
 * places without that filter when fewer than DIAG_PLACES_MAX match, then
 * ranked by points: +2 per service matched (3 at most), +2 for a suitable
 * accompaniment mode, +5 per specific support matched, +2 for a national
 * programme of the step, +1 for an Acceslibre page when needed, +1 when
 * open within 72 hours, -1 per full 5 km; ties by distance.
 *
 * Ownership: diag_orient() fills out with copies of the places, released
 * with diag_places_free(). */
#ifndef DIAGNOSTIC_ORIENTATION_H
#define DIAGNOSTIC_ORIENTATION_H
#include <time.h>

#include "diagnostic/scoring.h"
#include "lieux/search.h"

#define DIAG_PLACES_MAX 5
#define DIAG_ORIENT_KM 30.0
#define DIAG_NEEDS_MAX 12

struct diag_needs {
    const char *services[DIAG_NEEDS_MAX];
    int nservices;
    const char *modalites[DIAG_NEEDS_MAX];
    int nmodalites;
    const char *prise_en_charge[DIAG_NEEDS_MAX];
    int npec;
    const char *programmes[DIAG_NEEDS_MAX];
    int nprogrammes;
    int acces_libre;
};

/* The needs of a result (strings borrowed from the referential). */
void diag_needs_of(const struct diag_ref *ref, const struct diag_result *r,
                   struct diag_needs *n);

struct diag_place {
    struct lieux_hit hit;      /* the place (owned) */
    int points;
    int services;              /* services matched */
    int modalite, programme, acces; /* 0/1 */
    int pec;                   /* specific supports matched */
    int minutes;               /* until it opens (0 open now), -1 unknown */
    struct tm opens;           /* when (local wall clock), if minutes >= 0 */
};

struct diag_places {
    struct diag_place v[DIAG_PLACES_MAX];
    int n;
    int nearby;                /* places found within DIAG_ORIENT_KM */
};

/* The best places around (lat, lon) for needs n. Returns 0 or -1. */
int diag_orient(struct db *d, const struct diag_needs *n, double lat, double lon, time_t now,
                struct diag_places *out);
void diag_places_free(struct diag_places *p);

/* 1 when the "|" list has value v. */
int diag_list_has(const char *list, const char *v);

#endif
