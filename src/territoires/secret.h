/* secret.h - statistical secrecy of published counts: primary suppression
 * of small counts and secondary suppression, so that a hidden count can
 * be recomputed neither from its group's total nor from the other cells.
 *
 * A table is n cells (counts >= 0) and groups: each group is a parent cell
 * whose value is the sum of its children (a département and its communes,
 * an EPCI and its communes, a région and its départements...). A cell may
 * be in several groups, as a child and as a parent.
 *
 * Rules (secret_appliquer):
 *   1. primary: a count c with 0 < c < seuil is suppressed; zeros are
 *      published (an empty cell reveals nobody);
 *   2. secondary, repeated over every group until nothing changes: when a
 *      group (parent and children) has suppressed cells, it must have at
 *      least two, and when its parent is published the suppressed
 *      children must add up to at least `seuil` (otherwise their sum,
 *      parent minus published children, would reveal a small count); the
 *      next cell suppressed is the smallest non-zero published child, else
 *      the parent.
 * This protects each group against recomputation by difference; it is not
 * a full audit of every linear combination across overlapping hierarchies
 * (what tau-argus does with linear programming): docs/territoires.md.
 *
 * Nothing is allocated but scratch memory; masque[] belongs to the caller. */
#ifndef TERRITOIRES_SECRET_H
#define TERRITOIRES_SECRET_H
#include <stddef.h>

#define SECRET_SEUIL 11   /* counts of people 1..10 are not published */

struct secret_table {
    size_t n;               /* cells */
    const long *valeur;     /* n counts */
    unsigned char *masque;  /* n flags, out: 1 = suppressed (in: ignored) */
    size_t ngroupes;
    const size_t *parent;   /* ngroupes parent cells */
    const size_t *debut;    /* ngroupes + 1 offsets into enfants */
    const size_t *enfants;  /* children cells of group g: enfants[debut[g] .. debut[g+1]) */
};

/* Apply the rules with threshold `seuil` (>= 1). Returns the number of
 * suppressed cells, or -1 on a malformed table (index out of range). */
long secret_appliquer(struct secret_table *t, long seuil);

#endif
