/* statistiques.h - activity statistics as people read them: which scope a
 * request asks for and whether the actor may read it, the figures of a
 * period as labelled rows, their CSV and JSON forms. The pages, the JSON
 * API and the command line all go through here (the counting itself is
 * agregats.h).
 *
 * Scopes: "compte" (a médiateur's own records), "structure", "commune",
 * "epci", "departement", "region" (where the activities happened),
 * "nation". The decision is AZ_STATS_READ (admin everywhere, coordinators
 * within their territories, managers their structure, médiateurs their
 * own records). */
#ifndef ACCOMPAGNEMENT_STATISTIQUES_H
#define ACCOMPAGNEMENT_STATISTIQUES_H
#include <jansson.h>

#include "accompagnement/agregats.h"
#include "base/buf.h"
#include "comptes/authz.h"

struct stat_demande {
    enum stat_portee portee;
    char code[24];
    long du, au;              /* days, inclusive */
    char titre[300];          /* "Structure : Espace numérique Marseille", ... */
};

/* Read portee, code, du, au (strings as given; NULL or "" for defaults)
 * for actor a (NULL: the command line, default nation): the default scope
 * is the actor's own (médiateur: their records; manager: their structure;
 * coordinator: their first territory; admin: the nation), the default
 * period the last 12 months to today. Returns 1 allowed (out filled), 0
 * refused, -1 database error, -2 invalid (msg in French). */
int stat_demande_lire(struct db *d, const struct actor *a, const char *portee, const char *code,
                      const char *du, const char *au, time_t now, struct stat_demande *out,
                      char *msg, size_t msgn);

struct stat_ligne {
    enum stat_dim dim;
    long long valeur;         /* index, code number or place id */
    char code[48];            /* machine value: "email", "13055", "1234" (the longest
                                 vocabulary code has 34 characters) */
    char libelle[256];        /* French label */
    long long n;              /* activities, or people for gender, age, status */
    long long personnes;      /* territories: accompaniments there; -1 otherwise */
};
struct stat_tableau {
    struct stat_ligne *v;     /* by dimension, then as shown (vocabulary order, or by count) */
    size_t n;
    long long total[STT__COUNT];
};
/* Labelled rows of vector v (communes, places, départements, régions
 * named from the database). 0 or -1. */
int stat_tableau_make(struct db *d, const struct stat_vec *v, struct stat_tableau *out);
void stat_tableau_free(struct stat_tableau *t);
/* The figures of request q as labelled rows: from the aggregates, or
 * (sql) from plain SQL over the records. 0 or -1. */
int stat_demande_tableau(struct db *d, const struct stat_demande *q, int sql,
                         struct stat_tableau *out);
/* French title of a dimension ("Thématiques", ...). */
const char *stat_dim_titre(enum stat_dim d);
/* Name of a total ("activites", ...). */
const char *stat_total_name(enum stat_total t);

/* CSV: "portee,code,du,au,dimension,valeur,libelle,nombre,personnes" (UTF-8, comma, cells protected
 * against spreadsheet formulas), totals first. */
void stat_tableau_csv(const struct stat_tableau *t, const struct stat_demande *q, struct buf *out);
/* JSON object {portee, code, du, au, totaux: {...}, repartitions: {dim:
 * [{code, libelle, nombre}]}} (new reference). */
json_t *stat_tableau_json(const struct stat_tableau *t, const struct stat_demande *q);

#endif
