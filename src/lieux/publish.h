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

/* The source of the structures' own edits made in Passerelle's pages: its
 * records are authoritative in merges (dedup.h). */
#define LIEUX_EDIT_SOURCE "passerelle"

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

/* Publication is owed: the source records changed (an import, a
 * producer's PUT or DELETE, a structure's edit) since the last
 * lieux_publish(). Writers call lieux_mark_changed() in their
 * transaction; the server's publisher thread calls lieux_publish_pending()
 * every second, which republishes only when something changed. Counters
 * live in meta (lieux_version, lieux_version_publiee). 0 or -1. */
int lieux_mark_changed(struct db *d);
/* *done = 1 when it republished. 0 or -1. */
int lieux_publish_pending(struct db *d, struct publish_stats *st, int *done);
/* Has every change been published? 1 yes, 0 no, -1. */
int lieux_published_up_to_date(struct db *d);

/* Record a coordinator's decision on a pair of source places, kept across
 * re-imports: decision "jamais" (never merge) or "toujours" (always
 * merge). Each side is "source:id". Returns 0, or -1 with d->err. */
int lieux_decide(struct db *d, const char *a, const char *b, const char *decision,
                 const char *auteur, const char *motif);

#endif
