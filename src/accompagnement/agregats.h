/* agregats.h - the statistics of activities, served from aggregates kept
 * up to date in the same transaction as every write.
 *
 * An activity contributes counters (stat_contributions): activities,
 * accompaniments (people), anonymous / followed / new people, minutes,
 * and one counter per value of each breakdown (type, duration band, place
 * type, theme, administrative theme, equipment, autonomy, orientation,
 * workshop level, gender, age band, status, commune, département, région,
 * place of the registry). The counters of every activity of a scope are
 * summed per bucket in table stat_agregat:
 *
 *   scopes  nation, région, département, EPCI, commune (where it
 *           happened), structure, médiateur's account
 *   grains  day, month, year (the médiateur's scope keeps months and
 *           years only: its days are read from the records themselves,
 *           a few rows at most)
 *
 * A period [du, au] (days, inclusive) is split into whole years, whole
 * months and single days; a query reads at most a few dozen rows with a
 * handful of range scans, whatever the number of records. Each bucket is a
 * sparse vector: sorted (key, count) pairs, key = dimension << 48 | value,
 * varint-encoded (stat_vec_decode/encode). Territorial breakdowns are kept
 * where their size stays small: communes and places below the région,
 * départements in the région and the nation, régions in the nation.
 *
 * stat_apply(+1 / -1) adds or removes one record's counters; an update is
 * -1 on the old record then +1 on the new one. stat_rebuild() recomputes
 * everything from the records (bulk loads, repairs). stat_query_sql()
 * computes the same figures with plain SQL over the records, for tests
 * and the benchmark: both must be equal.
 *
 * Errors: -1 with d->err (English). A counter that would go below zero is
 * an error (the transaction is rolled back), never a silent clamp. */
#ifndef ACCOMPAGNEMENT_AGREGATS_H
#define ACCOMPAGNEMENT_AGREGATS_H
#include <stddef.h>
#include <stdint.h>

#include "accompagnement/activite.h"
#include "store/compteurs.h"
#include "base/buf.h"
#include "store/db.h"

enum stat_portee {
    SP_NATION, SP_REGION, SP_DEPARTEMENT, SP_EPCI, SP_COMMUNE, SP_STRUCTURE, SP_COMPTE,
    SP__COUNT
};

enum stat_dim {
    SD_TOTAL, SD_TYPE, SD_DUREE, SD_LIEU_TYPE, SD_THEME, SD_THEME_ADMIN, SD_MATERIEL,
    SD_AUTONOMIE, SD_REDIRECTION, SD_NIVEAU, SD_GENRE, SD_AGE, SD_STATUT,
    SD_COMMUNE, SD_COMMUNE_ACC, SD_DEPARTEMENT, SD_DEPARTEMENT_ACC, SD_REGION, SD_REGION_ACC,
    SD_LIEU,
    SD__COUNT
};
/* Values of SD_TOTAL. */
enum stat_total {
    STT_ACTIVITES, STT_ACCOMPAGNEMENTS, STT_PARTICIPANTS_COLLECTIFS, STT_ANONYMES, STT_SUIVIS,
    STT_NOUVEAUX, STT_MINUTES, STT_ORIENTES, STT__COUNT
};
/* What the counters of a dimension count: activities (1), people (2). */
int stat_dim_unit(enum stat_dim d);
const char *stat_dim_name(enum stat_dim d); /* "type", "commune", ... */
const char *stat_portee_name(enum stat_portee p); /* "nation", "region", ... "compte" */
int stat_portee_parse(const char *s);

/* Numbers for territorial codes inside keys, and back: communes "2A004"
 * -> 100004, départements "2A" -> 1001, "971" -> 971, régions as numbers.
 * -1 when the code is not of that form. */
long long stat_code_num(enum stat_dim d, const char *code);
void stat_num_code(enum stat_dim d, long long num, char *out, size_t n);

/* Every counter one record adds (sorted). 0 or -1 (memory). */
int stat_contributions(const struct activite *a, struct stat_vec *out);
/* Add (sign +1) or remove (-1) record a in every bucket of every scope,
 * in the caller's transaction. 0 or -1. */
int stat_apply(struct db *d, const struct activite *a, int sign);
/* Recompute every aggregate from the records, in one transaction
 * (the caller's when one is open). *buckets gets the number of rows
 * written (may be NULL). 0 or -1. */
int stat_rebuild(struct db *d, long *buckets);

/* The figures of scope (portee, code) over days [du, au]. code: ""
 * for the nation, a territory code, a structure or account id in decimal.
 * out is filled (free with stat_vec_free). *rows, when not NULL, gets the
 * number of aggregate rows read. 0 or -1. */
int stat_query(struct db *d, enum stat_portee portee, const char *code, long du, long au,
               struct stat_vec *out, long *rows);
/* The same figures computed by plain SQL over the records (a sum per
 * counter and GROUP BY for the territorial and place breakdowns). */
int stat_query_sql(struct db *d, enum stat_portee portee, const char *code, long du, long au,
                   struct stat_vec *out);

/* ---- for the territorial dashboards ("dites-le-nous une fois") ---- */
struct stat_commune_count {
    char code[6];
    long long activites, accompagnements;
};
struct stat_commune_counts {
    struct stat_commune_count *v; /* sorted by code */
    size_t n;
};
/* Activities and accompaniments per commune where they happened, for the
 * communes of a territory (niveau: enum territoire_niveau, or -1 for
 * France with code NULL) over days [du, au]. Communes without activity are
 * absent. Served from the aggregates. 0 or -1. */
int stat_counts_by_commune(struct db *d, int niveau, const char *code, long du, long au,
                           struct stat_commune_counts *out);
void stat_commune_counts_free(struct stat_commune_counts *c);

#endif
