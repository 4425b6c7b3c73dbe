/* publish.h - build the published registry (table lieu) from the places of
 * every source: deduplicate across sources, apply coordinators' decisions,
 * merge each group into one place with the provenance of every field, and
 * index the result (R*Tree for distance, FTS5 for text).
 *
 * Runs inside the caller's transaction when one is open (an import), or in
 * its own. Returns 0 or -1 with d->err set. */
#ifndef LIEUX_PUBLISH_H
#define LIEUX_PUBLISH_H
#include <stdio.h>

#include "store/db.h"

struct publish_stats {
    long records;    /* source places considered (not retired) */
    long published;  /* places after merge */
    long groups;     /* groups of 2 or more merged places */
    long pairs;      /* candidate pairs scored */
    long duplicates; /* pairs judged duplicates */
    long forced_merge, forced_split;
    double seconds;
};

int lieux_publish(struct db *d, struct publish_stats *st);

/* Record a coordinator's decision on a pair of source places, kept across
 * re-imports: decision "jamais" (never merge) or "toujours" (always
 * merge). Each side is "source:id". Returns 0, or -1 with d->err. */
int lieux_decide(struct db *d, const char *a, const char *b, const char *decision,
                 const char *auteur, const char *motif);

#endif
