/* ifn_interne.h - what ifn.c (parser, import, storage) shares with
 * ifn_calcul.c (raw indicators): the pieces of a file resolved to current
 * communes, their combination and the writing of a variant. Not part of
 * the module's interface (see ifn.h). */
#ifndef TERRITOIRES_IFN_INTERNE_H
#define TERRITOIRES_IFN_INTERNE_H
#include <stdio.h>

#include "territoires/ifn.h"

/* One good row of a file with the territory it belongs to. */
struct ifn_piece {
    struct ifn_ligne l;
    char cible[10];        /* current commune (commune, iris) or the code itself */
    int niveau_ref;        /* 1 for a reference row (EPCI, département, région) */
    double poids;          /* combination weight, filled by ifn_combiner() */
    int groupe;            /* free for the caller (ifn_calcul.c: reference group) */
};

/* A file read and resolved: pieces, and the report to store. */
struct ifn_lecture {
    const char *fichier;   /* as given (stored, printed) */
    struct ifn_piece *p;   /* malloc'd */
    size_t n, cap;
    struct ifn_rapport_ligne {
        long ligne;
        char code[24], champ[48], valeur[96], regle[192];
        enum ifn_gravite gravite;
    } *r;                  /* malloc'd */
    size_t nr, capr;
    long lignes, rejetees;
    FILE *sortie;          /* where problems are printed, nullable */
};

/* Read and resolve `path` in `mode` into lec (zero it first; release with
 * ifn_lecture_free). Returns 0, or -1 with err. */
int ifn_lire(struct db *d, const char *path, enum ifn_mode mode, struct ifn_lecture *lec,
             char *err, size_t errlen);
void ifn_lecture_free(struct ifn_lecture *lec);

/* One combined commune (or reference territory). */
struct ifn_resultat {
    char code[10];
    int niveau_ref;        /* 0 commune, else the ifn_division of the reference */
    double v[IFN__AXES];
    double total;
    int pieces;
    int pondere;           /* combined with population weights */
};

/* Combine the pieces of lec per target (weights: see ifn.h) into *out
 * (malloc'd, sorted by level then code). `populations`: optional CSV.
 * Returns the number of results, or -1 with err. */
long ifn_combiner(struct ifn_lecture *lec, const char *populations, struct ifn_resultat **out,
                  char *err, size_t errlen);

/* Replace variant `variante` (origine "import" or "calcul") by res[0..n)
 * and store the run's report, in one transaction. Fills b. Returns 0, or
 * -1 with err. */
int ifn_ecrire(struct db *d, const char *variante, const char *origine, const char *description,
               const struct ifn_lecture *lec, const struct ifn_resultat *res, long n,
               struct ifn_bilan *b, char *err, size_t errlen);

/* Add a problem to the report (and print it). Returns 0 or -1 (memory). */
int ifn_signaler(struct ifn_lecture *lec, const struct ifn_probleme *p);

#endif
