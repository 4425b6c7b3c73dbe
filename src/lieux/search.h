/* search.h - find published places: nearest to a point, in a territory,
 * by text, with filters on every enumerated field, itinerance and opening
 * hours.
 *
 * Distance order uses the R*Tree with growing boxes and exact haversine
 * distances computed here, so results equal a brute-force computation over
 * the whole table (tests/test_search.c checks it). Filters: values of one
 * field are OR-ed ("Jeunes" or "Seniors"), fields are AND-ed. Places that
 * do not receive the public ("Ce lieu n'accueille pas de public") are left
 * out unless include_private is set.
 *
 * Ownership: lieux_search() fills a struct lieux_results the caller releases
 * with lieux_results_free(). */
#ifndef LIEUX_SEARCH_H
#define LIEUX_SEARCH_H
#include <time.h>

#include "lieux/lieu.h"
#include "store/db.h"

#define SEARCH_MAX_VALUES 12
#define SEARCH_MAX_LIMIT 500

enum search_open { SEARCH_OPEN_ANY, SEARCH_OPEN_NOW, SEARCH_OPEN_DURING };

struct lieux_query {
    int has_point;
    double lat, lon;
    double max_km;          /* 0: no limit */
    const char *text;       /* full text on name, address, commune; NULL none */
    const char *niveau;     /* territory level: commune, epci, departement, region */
    const char *code;       /* territory code */
    /* filters[f] lists accepted values of enumerated field f */
    const char *filters[LF__COUNT][SEARCH_MAX_VALUES];
    enum search_open open;
    time_t now;             /* for SEARCH_OPEN_NOW (local time of Paris) */
    int wday, from_min, to_min; /* for SEARCH_OPEN_DURING (0 = Sunday) */
    int include_private;
    int ids_only;           /* fill only id and km of hits (no row read) */
    int limit, offset;      /* limit 0 -> 20 */
};

struct lieux_hit {
    struct lieu l;
    long long id;
    double km;              /* distance when has_point, else -1 */
    char commune_code[8];
    int membres;
};

struct lieux_results {
    struct lieux_hit *v;
    size_t n;
    long total;             /* matching places (without limit/offset) */
};

/* Add a filter value (copied pointer, borrowed: must outlive the query).
 * Returns 0, or -1 when the field is not filterable or too many values. */
int lieux_query_filter(struct lieux_query *q, enum lieu_field f, const char *value);
/* Which fields may be filtered on: enumerated fields and itinerance. */
int lieux_field_filterable(enum lieu_field f);

int lieux_search(struct db *d, const struct lieux_query *q, struct lieux_results *out);
void lieux_results_free(struct lieux_results *r);

/* One published place by id; returns 1 found, 0 not found, -1 error.
 * hit->l is filled (release with lieu_clear). provenance, when not NULL,
 * gets the malloc'd provenance JSON text. */
int lieux_get(struct db *d, long long id, struct lieux_hit *hit, char **provenance);

/* Great-circle distance in km. */
double lieux_haversine_km(double lat1, double lon1, double lat2, double lon2);

/* Is the place open at t (Europe/Paris wall clock)? 1, 0, or -1 unknown. */
int lieux_open_at(const struct lieu *l, time_t t);
/* Minutes from t until the place opens (0: open now), -1 when unknown or
 * not open within 8 days. local_open (may be NULL) gets the wall-clock
 * time of that opening in the place's local time. */
int lieux_next_opening(const struct lieu *l, time_t t, struct tm *local_open);

#endif
