/* territoires.h - French territories (COG): communes, EPCI, départements,
 * régions; their import and lookups.
 *
 * Reference: @etalab/decoupage-administratif (COG 2026). Four levels:
 *   - commune: current communes only ("commune-actuelle", 34,969 of them,
 *     overseas collectivities included). Old codes (anciensCodes of merged
 *     communes, communes déléguées/associées whose code differs from their
 *     chef-lieu) and the 45 arrondissements municipaux of Paris, Lyon and
 *     Marseille are rows of commune_ancien_code pointing to the current
 *     commune: 13211 resolves to 13055, 01340 to 01015. Arrondissements are
 *     not communes here (no double counting of population); their postcodes
 *     are already those of their city.
 *   - epci: EPCI à fiscalité propre (1,255), membership in commune.epci.
 *   - departement, region: all of them, overseas collectivities (zone
 *     "com", e.g. 988 Nouvelle-Calédonie, a "région" 988 too) included so
 *     that every commune has a parent; filter on zone when needed.
 *
 * Codes: commune 5 characters ("2A004"), département 2–3 ("2A", "971"),
 * région 2–3 (3 only for zone "com"), EPCI 9 digits (SIREN).
 *
 * Errors: functions taking a struct db report -1 with an English message in
 * d->err; lookups return 1 when found and 0 when not (d->err untouched).
 * Every query is parameterised. Input codes are trimmed and normalised:
 * a 4-digit commune code or postcode gets its leading zero back ("1001"
 * -> "01001", a classic spreadsheet loss), "2a004" -> "2A004". */
#ifndef TERRITOIRES_TERRITOIRES_H
#define TERRITOIRES_TERRITOIRES_H
#include <stddef.h>
#include <stdio.h>

#include "store/db.h"

enum territoire_niveau {
    TERRITOIRE_COMMUNE,
    TERRITOIRE_EPCI,
    TERRITOIRE_DEPARTEMENT,
    TERRITOIRE_REGION
};

/* "commune", "epci", "departement", "region" (as in URLs and contour.niveau). */
const char *territoire_niveau_nom(enum territoire_niveau n);
/* Parse those names (also "département", "région", any case); -1 if unknown. */
int territoire_niveau_parse(const char *s);

struct territoire_commune {
    char code[6];
    char nom[128];
    char departement[4];
    char region[4];         /* 3 characters for overseas collectivities */
    char epci[10];          /* "" when in no EPCI (islands, overseas) */
    long population;        /* -1 when unknown */
    double lat, lon;        /* valid when has_coords */
    int has_coords;
    char coord_source[8];   /* "csv", "contour" or "" */
};

/* ---- import (territoires_import.c) ---- */

/* Replace every territory row (régions, départements, EPCI, communes,
 * postcodes, old codes and, when contours_dir is given, contours) in one
 * transaction; on error nothing changes.
 *   cog_dir      directory of decoupage-administratif's data/{communes,epci,...}.json
 *                (communes, epci, departements, regions).
 *   coords_csv   optional: CSV with a commune code column (insee_com,
 *                code_insee, codgeo...) and lat/lng columns (lat/latitude,
 *                lng/lon/longitude), ',' or ';' separated, decimal point or
 *                comma. Codes of any vintage are mapped to current communes;
 *                a row of the commune's own code wins, otherwise the mean of
 *                its old codes' rows (Paris from its arrondissements).
 *                coord_source = 'csv'.
 *   contours_dir optional: directory holding communes/communes-*.geojson
 *                (or communes-*.geojson directly), departements-avec-outre-
 *                mer.geojson and regions-avec-outre-mer.geojson (features with
 *                properties.code). Commune contours of old codes are merged
 *                into their current commune as a MultiPolygon (pieces side
 *                by side, shared borders not dissolved). Communes still
 *                without coordinates get their contour's centroid
 *                (coord_source = 'contour'). When contours_dir is NULL the
 *                contours already stored are kept and used for that centroid.
 * Communes found in neither source keep no coordinates (COM without
 * contours, communes re-created after 2024).
 * A one-line summary (and warnings) go to `log` (may be NULL). Returns 0, or
 * -1 with a message in err (English). */
int territoires_import(struct db *d, const char *cog_dir, const char *coords_csv,
                       const char *contours_dir, FILE *log, char *err, size_t errlen);

/* ---- lookups (territoires.c) ---- */

/* Current commune code for a current or old code (arrondissement municipal,
 * commune déléguée/associée, merged commune). out gets 6 bytes. Returns 1,
 * 0 when unknown or malformed, -1 on error. */
int territoires_resolve(struct db *d, const char *code, char out[6]);

/* The commune of a current or old code. Returns 1, 0, -1. */
int territoires_commune(struct db *d, const char *code, struct territoire_commune *c);

/* Communes served by a postcode, by population (largest first). Writes at
 * most max entries; returns how many, or -1. */
int territoires_communes_by_postcode(struct db *d, const char *code_postal,
                                     struct territoire_commune *out, int max);

/* The search box. `query` is free text:
 *   "13001"         5 digits: communes of that postcode, then the commune
 *                   whose INSEE code it is (13001 is Aix-en-Provence);
 *   "2A004"         an INSEE code (current or old);
 *   "Marseille"     names, folded (accents, case, hyphens, apostrophes):
 *                   exact matches, then names starting with the query, then
 *                   names with a word starting with it ("etienne" finds
 *                   Saint-Étienne); population descending in each group;
 *   "marseille 13"  a trailing département code restricts the names;
 *   "paris 75011"   a trailing postcode too.
 * Writes at most max entries; returns how many, or -1. */
int territoires_search_communes(struct db *d, const char *query,
                                struct territoire_commune *out, int max);

/* A territory of any level. */
struct territoire {
    enum territoire_niveau niveau;
    char code[10];
    char nom[128];
    long population;       /* commune: its own; EPCI: populationTotale of the
                              COG file; département/région: sum of communes;
                              -1 unknown */
    long communes;         /* number of current communes in it */
    char type[8];          /* EPCI: CC, CA, CU, METRO, MET69; otherwise "" */
    char zone[8];          /* metro, drom, com (EPCI: of its département) */
    char chef_lieu[6];     /* département/région: chef-lieu commune; "" */
    /* Parents ("" when none): commune -> epci, departement, region;
     * EPCI -> departement, region holding most of its communes;
     * département -> region. */
    char epci[10], departement[4], region[4];
    /* Commune: its point (min = max); others: box of their communes'
     * points. Valid when has_bbox. */
    int has_bbox;
    double min_lat, min_lon, max_lat, max_lon;
};

/* Fetch (niveau, code); a commune may be given by an old code (t->code is
 * then the current one). Returns 1, 0, -1. */
int territoires_get(struct db *d, enum territoire_niveau niveau, const char *code,
                    struct territoire *t);

struct territoire_ref {
    enum territoire_niveau niveau;
    char code[10];
    char nom[128];
    long population;       /* -1 unknown */
};
struct territoire_list {
    struct territoire_ref *v;   /* malloc'd; free with territoire_list_free */
    size_t n;
};
void territoire_list_free(struct territoire_list *l);

/* Territories of level `child` inside (niveau, code), which must be a
 * higher level: région -> départements (by code), région or département ->
 * EPCIs having at least one member commune inside (by name), any -> communes
 * (by folded name). An unknown code gives an empty list. Returns 0 (out
 * filled, possibly empty) or -1 (out empty). */
int territoires_children(struct db *d, enum territoire_niveau niveau, const char *code,
                         enum territoire_niveau child, struct territoire_list *out);

/* Current commune codes of a territory (a commune: itself, old codes
 * resolved), sorted. *codes is malloc'd (free()), NULL when *n is 0.
 * Returns 0 or -1. */
int territoires_commune_codes(struct db *d, enum territoire_niveau niveau, const char *code,
                              char (**codes)[6], size_t *n);

/* Contour as GeoJSON geometry text (malloc'd, free()), or NULL when there
 * is none (d->err[0] == 0) or on error (d->err set). A commune may be given
 * by an old code. An EPCI has no stored contour: a MultiPolygon of its
 * member communes' contours is built (NULL when none is known). */
char *territoires_contour(struct db *d, enum territoire_niveau niveau, const char *code);

/* The commune whose contour contains (lat, lon): tests the contours of
 * the communes with the nearest centres. out gets 6 bytes. Returns 1,
 * 0 when none (or no contours are loaded), -1 on error. */
int territoires_commune_at(struct db *d, double lat, double lon, char out[6]);

/* In-memory resolver for bulk imports: every current and old commune code,
 * and every (postcode, commune, folded name), loaded once (~40,000 rows).
 * territoires_resolver_find() applies, in order: the INSEE code (current
 * or old), the postcode with the exact folded name, the postcode with the
 * longest commune name the given name starts with ("MARSEILLE 11"), a
 * postcode served by one commune, a commune of the postcode whose name
 * starts with the given one ("Sarlat" for Sarlat-la-Canéda). Returns the current code (borrowed from
 * the resolver) or NULL. Load returns NULL with d->err; free with
 * territoires_resolver_free(). */
struct commune_resolver;
struct commune_resolver *territoires_resolver_load(struct db *d);
/* The connection's own resolver, loaded at the first call and again after
 * each territories import (meta territoires.version): borrowed, owned by
 * the connection (released by db_close()). NULL with d->err on error. */
const struct commune_resolver *territoires_resolver_cached(struct db *d);
const char *territoires_resolver_find(const struct commune_resolver *r, const char *code_insee,
                                      const char *code_postal, const char *nom);
void territoires_resolver_free(struct commune_resolver *r);
/* A current commune by a folded name, current or former (merged,
 * delegated), within département dep (NULL: anywhere). Borrowed or NULL. */
const char *territoires_resolver_find_name(const struct commune_resolver *r, const char *dep,
                                           const char *nom_fold);

/* ---- operators' command line (territoires.c) ----
 *   territoires import [--cog DIR] [--coords FILE] [--contours DIR]
 *   territoires show [NIVEAU] CODE
 * argv[0] is the action ("import", "show"); a leading "territoires" word is
 * skipped. --cog defaults to node_modules/@etalab/decoupage-administratif/
 * data under the current directory, else under the directory two levels up
 * from the executable (build/passerelle -> ./node_modules). Output goes to
 * out, messages to err (French). Returns an exit status: 0, 1 error, 2 usage. */
int territoires_cli(struct db *d, int argc, char **argv, FILE *out, FILE *err);

#endif
