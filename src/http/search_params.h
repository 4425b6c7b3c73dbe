/* search_params.h - the search parameters shared by the pages and the API.
 *
 * Query parameters (French names, the same for /recherche and
 * /api/v1/lieux):
 *   ou=TEXT           a commune name, postcode or INSEE code ("Marseille",
 *                     "13011", "2A004"): search around its centre
 *   lat=..&lon=..     search around a point
 *   q=TEXT            words of the name, address or commune (full text)
 *   FIELD=VALUE       any enumerated field of the standard, repeatable
 *                     (services, modalites_accompagnement, frais_a_charge,
 *                     publics_specifiquement_adresses, itinerance, ...)
 *   ouvert=maintenant | lundi..dimanche   with creneau=matin|apres-midi|soir
 *   niveau=..&code=.. places of a territory (commune, epci, departement, region)
 *   km=N              at most N km away
 *   limite=N, page=N  (page size, 1-based page)
 * Unknown parameters are ignored; invalid values are errors in French.
 *
 * Ownership: search_params_parse() fills a struct search_params whose
 * pointers borrow the request's query strings (valid during the request). */
#ifndef HTTP_SEARCH_PARAMS_H
#define HTTP_SEARCH_PARAMS_H
#include "http/router.h"
#include "lieux/search.h"
#include "territoires/territoires.h"

struct search_params {
    struct lieux_query q;
    int located;                     /* a point was given or found */
    struct territoire_commune where; /* the commune found for ou=, if any */
    int has_where;
    const char *ou, *texte, *ouvert, *creneau;
    int page, limite;
    int any;                         /* some criterion was given */
    char error[256];                 /* French, when parse returns -1 */
};

/* Returns 0, or -1 with p->error set (bad value or unknown commune);
 * -2 on database error (rq->db->err). */
int search_params_parse(const struct request *rq, struct search_params *p);

/* Append the query string reproducing these parameters (without page),
 * escaped for use in an href: "ou=Marseille&amp;services=..." */
void search_params_href(const struct request *rq, struct buf *out);

/* Labels for creneau values: "matin" -> "le matin (8 h – 12 h)". */
const char *search_creneau_label(const char *creneau);

#endif
