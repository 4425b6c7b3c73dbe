/* dedup.h - find and merge duplicate places across sources.
 *
 * The same "lieu de médiation numérique" often reaches us from several
 * producers (La Coop, Dora, France Services, regional hubs...). This module
 * follows the national map's rules (cartographie nationale, mednum-cli
 * "dedupliquer"/"fusionner", see docs reference §1.4) so that our groups match
 * theirs. It is pure in-memory computation: no database, no I/O, no globals,
 * safe to call from several threads on different inputs.
 *
 * Pipeline: the caller builds one struct dedup_rec per place, calls
 * dedup_run() to get groups (transitive, with manual overrides applied), then
 * calls dedup_merge() on the members of each group of two or more to build
 * the merged place.
 *
 * Rules (dedup_run):
 *  1. Candidate pairs: same `commune` (INSEE code, compared exactly), two
 *     different records, different sources unless allow_internal, and
 *     compatible typologies: either list empty, or they share one value of
 *     the "|" list, or one contains RFS and the other PIMMS.
 *  2. Scores 0..100: nom = dedup_ratio(nom1, nom2); voie =
 *     dedup_ratio(adresse1, adresse2); distance from the Euclidean distance d
 *     in degrees between (lat, lon): 100 if d < 0.0004, else
 *     trunc(100 / (d * 1000 + 1)); 100 when either place has no coordinates
 *     (has_coords == 0, or a latitude/longitude that is not finite).
 *     score = trunc((nom + voie + distance) / 3).
 *  3. A candidate pair is a duplicate when score > cutoff_cross (different
 *     sources) or score > cutoff_internal (same source, allow_internal).
 *  4. Overrides. "always" pairs are merged whatever their scores, communes or
 *     sources. "never" pairs are never in the same group, neither directly
 *     nor transitively: a link that would join two groups with a "never" pair
 *     between their members is refused. Links are applied "always" overrides
 *     first, then duplicates, each by descending score (ties by ascending a,
 *     then b), so the strongest evidence wins. "never" beats "always" when
 *     they contradict each other.
 *  5. Groups are the connected components of the accepted links.
 *
 * Work is bounded by blocking on the commune and, inside a commune, by a
 * sweep on latitude: two places further apart than the distance at which the
 * score can no longer pass the cutoff are never compared. */
#ifndef LIEUX_DEDUP_H
#define LIEUX_DEDUP_H
#include <stddef.h>

#include "lieux/lieu.h"

/* Folded strings longer than this many bytes are cut before comparison. */
#define DEDUP_MAX_LEN 256

/* A place older than this (date_maj vs now) only lends its id and its
 * dispositif_programmes_nationaux to a merge. */
#define DEDUP_TOO_OLD_DAYS 182.5

/* One place to deduplicate. Nothing is copied: `l`, `source` and `commune`
 * are borrowed and must stay valid during dedup_run()/dedup_merge(). */
struct dedup_rec {
    const struct lieu *l;
    const char *source;  /* producer name; NULL -> the place's own `source` field */
    const char *commune; /* current INSEE code used for blocking; NULL or "" ->
                            no candidate pairs (overrides still apply) */
    long key;            /* caller's id, never read */
    int too_old;         /* 1 when date_maj is older than DEDUP_TOO_OLD_DAYS,
                            see dedup_too_old() */
    int authoritative;   /* 1 for a place's own structure's edit made in
                            Passerelle (source "passerelle"): see dedup_merge() */
};

/* A manual decision about two records, by index in the records array. */
struct dedup_override {
    size_t a, b;
    int always; /* 1: always merge them; 0: never merge them */
};

struct dedup_params {
    int cutoff_cross;    /* duplicate if score > this, different sources (83) */
    int cutoff_internal; /* duplicate if score > this, same source (90) */
    int allow_internal;  /* compare places of the same source (0) */
    int report_min;      /* when > 0, also report candidate pairs that are not
                            duplicates but score >= report_min, as
                            DEDUP_DISTINCT (near misses for a review page) */
};

#define DEDUP_PARAMS_DEFAULT {83, 90, 0, 0}

enum dedup_decision {
    DEDUP_DUP = 1,      /* score above the cutoff: linked */
    DEDUP_DISTINCT,     /* near miss (only with report_min): not linked */
    DEDUP_FORCED_MERGE, /* "always" override: linked */
    DEDUP_FORCED_SPLIT  /* "never" override, or a link refused because it would
                           put a "never" pair in one group: not linked */
};

/* A scored pair of records, a < b (indexes in the records array). */
struct dedup_pair {
    size_t a, b;
    int nom, voie, distance, score;
    int decision; /* enum dedup_decision */
};

/* Result of dedup_run(); owned by the caller, release with
 * dedup_result_free(). */
struct dedup_result {
    size_t *group;            /* group[i] = smallest record index of i's group;
                                 i is alone or the representative when
                                 group[i] == i */
    size_t ngroups;           /* number of groups, singletons included */
    struct dedup_pair *pairs; /* duplicates, overrides and near misses, each
                                 pair once, sorted by (a, b) */
    size_t npairs;
    size_t ncandidates;       /* candidate pairs examined (rule 1, after the
                                 distance sweep) */
    size_t nscored;           /* of which names and/or addresses were compared */
};

/* Fill *p with the defaults (83, 90, no internal, no near misses). */
void dedup_params_init(struct dedup_params *p);

/* Group the n records. ov/nov are the overrides (ov may be NULL when nov is
 * 0); duplicated overrides are fine. p may be NULL for the defaults.
 * On success returns 0 and fills *out, which the caller frees with
 * dedup_result_free(). Returns -1 with errno ENOMEM when memory runs out, or
 * EINVAL when an override names an index >= n or a == b; *out is then zeroed
 * and nothing needs freeing. */
int dedup_run(const struct dedup_rec *recs, size_t n, const struct dedup_override *ov,
              size_t nov, const struct dedup_params *p, struct dedup_result *out);

/* Free what dedup_run() allocated and zero *r. Safe on a zeroed result. */
void dedup_result_free(struct dedup_result *r);

/* Score two places (rule 2) whether or not they are candidates. Fills
 * nom/voie/distance/score of *out; a and b are set to 0 and decision to 0. */
void dedup_score(const struct lieu *a, const struct lieu *b, struct dedup_pair *out);

/* Rule 1's typology test on two "|"-lists (NULL is an empty list).
 * Returns 1 when compatible, 0 otherwise. */
int dedup_typologies_compatible(const char *t1, const char *t2);

/* Similarity of two strings, 0..100, like fuzzball's / python-Levenshtein's
 * ratio(): both strings are first normalised with text_fold() (lowercase,
 * accents removed, punctuation to a space, spaces collapsed and trimmed;
 * fuzzball keeps accents, we drop them so "Médiathèque" == "mediatheque")
 * and cut to DEDUP_MAX_LEN bytes; then
 *   ratio = round(100 * (len1 + len2 - indel) / (len1 + len2))
 * where indel is the insertion/deletion edit distance (a substitution costs
 * 2) counted in bytes. 0 when either normalised string is empty (as
 * fuzzball), including when both are. NULL is an empty string. */
int dedup_ratio(const char *a, const char *b);

/* Is date_maj ("YYYY-MM-DD", read as midnight UTC) more than
 * DEDUP_TOO_OLD_DAYS before `now` (seconds since the epoch)? Returns 1 or 0;
 * 0 for a missing or unreadable date. */
int dedup_too_old(const char *date_maj, long long now);

/* Provenance values besides a member index. */
#define DEDUP_PROV_NONE (-1)    /* the merged field is empty */
#define DEDUP_PROV_SEVERAL (-2) /* the value combines several members */

/* Merge the n members of one group into *out, which must be a zeroed or
 * cleared struct lieu; on success it owns malloc'd fields like any place
 * (release with lieu_clear()). Rules:
 *  - members are ranked by date_maj descending, ties by id ascending;
 *  - members with too_old set only contribute their id and their
 *    dispositif_programmes_nationaux, unless all of them are too old: then
 *    the most recent one contributes fully;
 *  - scalar fields: the most recent non-empty value;
 *  - lists (services, modalites_accompagnement, modalites_acces,
 *    frais_a_charge, publics_specifiquement_adresses,
 *    prise_en_charge_specifique, formations_labels, autres_formations_labels,
 *    courriels, site_web, typologie, dispositif_programmes_nationaux): the
 *    union of the members' values, each once, in order of first appearance
 *    from the most recent member to the oldest;
 *  - pivot: the most recent pivot other than the placeholder
 *    "00000000000000", which is only kept when no member has a real one;
 *  - coordinates (lat, lon, has_coords and the latitude/longitude fields):
 *    from the most recent member that has them;
 *  - id: the members' ids sorted (strcmp), each stripped of a
 *    "-mediation-numerique" suffix, joined with "__". With n == 1 the
 *    result is a plain copy of the member (id unchanged).
 *  - an authoritative member (a structure's edit of its own place) ranks
 *    first whatever its date and is never too old; each field it sets,
 *    lists included, is taken from it alone (no union), so that removing a
 *    service in an edit removes it; fields it leaves empty follow the rules
 *    above; it lends no id of its own to the merged id (its id is its
 *    anchor's) unless it is alone.
 * provenance may be NULL; otherwise provenance[f] receives the index in
 * `members` of the member that gave field f, DEDUP_PROV_SEVERAL when the
 * value comes from several members (a union, the merged id), or
 * DEDUP_PROV_NONE when the merged field is empty.
 * Returns 0, or -1 with errno ENOMEM (out is then left zeroed) or EINVAL
 * when n == 0. */
int dedup_merge(const struct dedup_rec *const *members, size_t n, struct lieu *out,
                int provenance[LF__COUNT]);

#endif
