/* ifn.h - the Indice de Fragilité Numérique (IFN): its five sub-scores,
 * the import of published files, the computation from raw indicators,
 * variants, exports and the comparison with published aggregates.
 *
 * The IFN (La Mednum, ANSA, CREDOC; reference §3) rates each territory on
 * five sub-scores from 1 (least fragile) to 10 (most fragile): non-coverage
 * by very high speed broadband (THD), non-coverage by 4G, poverty rate,
 * share of people aged 65 or more, share of people with little or no
 * diploma. The total is the plain mean of the sub-scores present.
 *
 * Values live in named variants (table ifn_variante): "publie" for the
 * imported published file, or any name for an index computed by
 * ifn_calculer() against a chosen reference. One variant is active
 * (meta "ifn.variante"): the dashboards and the priority communes use it.
 *
 * Files are CSV (',' or ';', UTF-8 with or without BOM, or Windows-1252).
 * Rows are "pieces": a current commune, an old code (merged commune,
 * commune déléguée, arrondissement municipal: resolved through
 * commune_ancien_code), an IRIS (9 characters, its first five being its
 * commune), or a territory of another level (EPCI, département, région:
 * kept as published reference values). Pieces of one current commune are
 * combined by a weighted mean, sub-score by sub-score: weights are the
 * `population` column of the file when every piece has one, else the
 * populations of --populations FILE (CSV with a code and a population
 * column, e.g. ../shared/data/communes/communes.csv) when it has every
 * piece, else equal weights.
 *
 * Every problem is reported with file, line, code, field, value and the
 * rule in French (ifn_import_probleme, and printed); good rows are kept.
 * Errors: -1 with an English message in err (file unreadable, no code
 * column, no sub-score column, database error); nothing is written then. */
#ifndef TERRITOIRES_IFN_H
#define TERRITOIRES_IFN_H
#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "store/db.h"

enum ifn_axe { IFN_THD, IFN_MOBILE, IFN_PAUVRETE, IFN_AGE, IFN_DIPLOME, IFN__AXES };

struct ifn_axe_info {
    const char *cle;      /* column of our tables and of the API: "thd" */
    const char *publie;   /* column of La Mednum's files: "no_thd_coverage_rate" */
    const char *brut;     /* raw indicator column, in percent: "taux_non_couverture_thd" */
    const char *libelle;  /* short French label: "Très haut débit" */
    const char *phrase;   /* plain French: "locaux sans accès au très haut débit" */
};
/* Static description of a sub-score. Cannot fail for a valid axis. */
const struct ifn_axe_info *ifn_axe(enum ifn_axe a);

/* Mean of the values present (NAN = missing); NAN when none. */
double ifn_moyenne(const double v[IFN__AXES]);

/* ---- the file parser (no database; fuzz/fuzz_ifn.c) ---- */

enum ifn_mode {
    IFN_SOUS_INDICES, /* published sub-scores 1..10; 0 or empty = missing */
    IFN_BRUT          /* raw indicators in percent 0..100; empty = missing */
};
enum ifn_division { IFN_DIV_COMMUNE, IFN_DIV_IRIS, IFN_DIV_EPCI, IFN_DIV_DEPARTEMENT,
                    IFN_DIV_REGION };
/* "commune", "iris", "epci", "departement", "region". */
const char *ifn_division_nom(enum ifn_division d);

struct ifn_ligne {
    size_t ligne;             /* line of the file where the record starts */
    char code[16];            /* trimmed, leading zero restored, 2a -> 2A */
    enum ifn_division division;
    int division_devinee;     /* no division column: guessed from the code */
    double v[IFN__AXES];      /* NAN = missing; at least one is present */
    double total;             /* mean of v (IFN_SOUS_INDICES), else NAN */
    double population;        /* the file's population column, NAN if none */
};

enum ifn_gravite { IFN_REJET, IFN_CORRIGE, IFN_MANQUANT };
/* "ligne rejetée", "corrigé", "valeur manquante". */
const char *ifn_gravite_nom(enum ifn_gravite g);

struct ifn_probleme {
    size_t ligne;
    const char *code;         /* as read (may be ""); borrowed for the call */
    const char *champ;        /* column name, or "" for the whole row */
    const char *valeur;       /* value as read, "" when none */
    const char *regle;        /* French */
    enum ifn_gravite gravite;
};

struct ifn_parse_cb {
    /* A good row (copied by the callee if kept). Return 0, or -1 to stop
     * the parse (ifn_parse then returns -1; the callee sets err). */
    int (*ligne)(void *ctx, const struct ifn_ligne *l);
    /* A problem; same return convention. */
    int (*probleme)(void *ctx, const struct ifn_probleme *p);
    void *ctx;
};

/* Parse a whole document (any encoding, see above). Every data record
 * ends as exactly one call of cb->ligne or one IFN_REJET problem; *lignes
 * gets the number of data records. A duplicate (division, code) rejects
 * the later rows. Returns 0, or -1 with err (no code column, no value
 * column, out of memory, a callback stopped). */
int ifn_parse(const char *data, size_t len, enum ifn_mode mode, const struct ifn_parse_cb *cb,
              long *lignes, char *err, size_t errlen);

/* ---- import and computation (ifn.c, ifn_calcul.c) ---- */

struct ifn_bilan {
    long id;           /* ifn_import.id of the run */
    long lignes;       /* data records of the file */
    long gardees;      /* rows kept */
    long rejetees;     /* rows rejected (gardees + rejetees = lignes) */
    long communes;     /* current communes written */
    long regroupees;   /* of which combined from several pieces */
    long ponderees;    /* of which combined with population weights */
    long references;   /* rows of other levels kept as reference values */
};

/* Import a published IFN file into variant `variante` (NULL: "publie"),
 * replacing that variant's values of the levels the file has (a file of
 * EPCI values only replaces the variant's EPCI reference values); the
 * variant becomes active when none is. `populations`: optional CSV of weights (see above). Rejected rows
 * are printed to `rapport` (nullable) as "FILE:LINE: ..." in French.
 * Returns 0, or -1 with err. */
int ifn_importer(struct db *d, const char *path, const char *variante, const char *populations,
                 struct ifn_bilan *b, FILE *rapport, char *err, size_t errlen);

enum ifn_reference { IFN_REF_NATION, IFN_REF_REGION, IFN_REF_DEPARTEMENT };
enum ifn_classes { IFN_CLASSES_COMMUNES, IFN_CLASSES_POPULATION };
/* "nation", "region", "departement"; "communes", "population". */
const char *ifn_reference_nom(enum ifn_reference r);
const char *ifn_classes_nom(enum ifn_classes c);

/* Classes 1..10 of x[0..n) (NAN: missing, out stays NAN), ranked within
 * each group g[i] (values 0..ngroups-1): the mid-rank quantile
 * q = (weight below + weight equal / 2) / group weight gives class
 * 1 + floor(10 q), at most 10. Weights w[i] > 0 (NULL: 1 each, i.e.
 * deciles of units; population: deciles of inhabitants). Ties share a
 * class. Returns 0, or -1 when memory runs out. */
int ifn_classer(const double *x, const double *w, const int *g, int ngroups, size_t n,
                double *out);

/* Compute the IFN from a file of raw indicators (percentages, columns
 * ifn_axe()->brut or ->cle, any of them missing) into variant `variante`:
 * each indicator classed 1..10 against the reference (all communes of the
 * nation, of the same région or of the same département), with deciles of
 * units or of population (commune populations of the COG), then pieces
 * combined per current commune as above. Returns 0, or -1 with err. */
int ifn_calculer(struct db *d, const char *path, const char *variante, enum ifn_reference ref,
                 enum ifn_classes classes, const char *populations, struct ifn_bilan *b,
                 FILE *rapport, char *err, size_t errlen);

/* Raw THD non-coverage from the ARCEP FttH files (../shared/data/arcep):
 * communes.csv (locaux = logements + établissements per commune) and
 * ftthCommunes.csv (locaux raccordables, last quarter): appends to out a
 * raw indicator CSV "code,taux_non_couverture_thd" with
 * 100 * (1 - raccordables / locaux), clamped to 0..100. FttH only: other
 * very high speed technologies (cable, VDSL2) are not counted. Returns the
 * number of communes written, or -1 with err. */
long ifn_arcep(const char *communes_csv, const char *ftth_csv, struct buf *out, char *err,
               size_t errlen);

/* ---- variants ---- */

/* The active variant into out[64]. Returns 1, 0 when there is none, -1. */
int ifn_variante_active(struct db *d, char *out, size_t n);
/* Make `nom` active. Returns 1, 0 when it does not exist, -1. */
int ifn_activer(struct db *d, const char *nom);
/* Print the variants (name, origin, communes, description, active mark). */
int ifn_lister(struct db *d, FILE *out);

/* ---- exports and comparison (from ifn_territoire: run the indicators'
 * recomputation first, ifn_importer/ifn_calculer do) ---- */

/* CSV (json = 0) or JSON (json = 1) of every territory of `niveau`
 * ("commune", "epci", "departement", "region", "nation"): code, nom,
 * total, the five published column names, population and communes with a
 * value. Returns the number of rows, or -1 with d->err. */
long ifn_exporter(struct db *d, const char *variante, const char *niveau, int json, struct buf *out);

struct ifn_ecart {
    char code[16];
    double ecart;          /* |ours - published| of the total */
};
struct ifn_accord {
    long n;                /* territories compared */
    long absents;          /* published codes we have no aggregate for */
    double moyenne, mediane, p90, p99, max;   /* |Δ total| */
    double part_005, part_001;                /* share with |Δ| <= 0.05, 0.01 */
    double sous_moyenne, sous_max;            /* |Δ| over the sub-scores */
    struct ifn_ecart pires[10];               /* largest |Δ total| first */
    int npires;
};
/* Our aggregates of `variante` against the reference values of the same
 * variant at `niveau`. Returns 0 (a->n may be 0), or -1 with d->err. */
int ifn_comparer(struct db *d, const char *variante, const char *niveau, struct ifn_accord *a);

#endif
