/* ecriture.h - writes of places outside the operator's import files:
 * a producer's API (PUT or DELETE of one place of its source, or a whole
 * file upserted at once) and a structure's edits of its own places in
 * pages.
 *
 * Each write is authorized (authz_allowed: AZ_LIEU_API_WRITE on the
 * source, AZ_LIEU_EDIT on the place), validated with the import's rules
 * (lieu.c, horaires.c: the same per-field report as `lieux import`, kept
 * in import_run / import_issue), journaled (journal.h, before and after),
 * and marks the registry for republication (publish.h: the server's
 * publisher republishes within a few seconds), all in one transaction.
 *
 * Idempotence of the API: every source record has an ETag, the quoted
 * hash of its normalised fields. A PUT or DELETE with If-Match applies
 * only when the ETag still matches (otherwise 412, nothing written);
 * "If-Match: *" requires the record to exist. Without If-Match, a PUT
 * whose date_maj is older than the stored record's is refused (409): a
 * late retry cannot undo a newer update. Sending the same place again
 * changes nothing (LW_UNCHANGED).
 *
 * A structure's edit is stored as a record of the reserved source
 * "passerelle" (LIEUX_EDIT_SOURCE), keyed on the place's anchor record
 * (its oldest member), always merged with it, and authoritative in the
 * merge (dedup.h): its values win over the producers' copies. */
#ifndef LIEUX_ECRITURE_H
#define LIEUX_ECRITURE_H
#include <stddef.h>
#include <time.h>

#include "comptes/authz.h"
#include "lieux/import.h"
#include "lieux/lieu.h"
#include "store/db.h"

enum lieux_write_status {
    LW_CREATED,
    LW_UPDATED,
    LW_UNCHANGED,
    LW_DELETED,
    LW_REJECTED,     /* the place breaks the standard: the report says where and why */
    LW_NOT_FOUND,
    LW_PRECONDITION, /* If-Match does not match the current ETag */
    LW_STALE,        /* date_maj older than the stored record's, without If-Match */
    LW_BAD_REQUEST,  /* not a JSON object, id differing from the URL's...: msg */
    LW_FORBIDDEN,
    LW_ERROR         /* database or memory: d->err */
};

struct lieux_write_ctx {
    const struct actor *by; /* NULL: the command line */
    const char *cli_user;
    const char *peer;
    time_t now;
};

struct lieux_write {
    enum lieux_write_status status;
    long run_id;             /* the import run holding the report, 0 when none */
    char etag[24];           /* "\"hash\"" of the record now (or the current one on 412/409) */
    char msg[300];           /* French explanation for 4xx answers */
    struct import_stats st;  /* lieux_bulk(): the import's counters */
};

/* A live record of a source: 1 (out filled, etag set), 0 (unknown or
 * retired), -1. out is cleared first; free with lieu_clear(). */
int lieux_source_get(struct db *d, const char *source, const char *id, struct lieu *out,
                     char etag[24]);

/* PUT: `json` is one place in the standard (a JSON object; "id" absent
 * or equal to `id`). */
void lieux_put(struct db *d, const struct lieux_write_ctx *c, const char *source, const char *id,
               const char *json, size_t len, const char *if_match, struct lieux_write *out);
/* DELETE: the record is retired (kept for history, no longer published). */
void lieux_delete(struct db *d, const struct lieux_write_ctx *c, const char *source,
                  const char *id, const char *if_match, struct lieux_write *out);
/* A whole file (CSV or JSON, any known producer format) upserted into the
 * source; with retire_absent, the source's records missing from it are
 * retired, as `lieux import` does. LW_UPDATED when it ran (rows may still
 * have been rejected: out->st and the report say so). */
void lieux_bulk(struct db *d, const struct lieux_write_ctx *c, const char *source,
                const char *data, size_t len, int retire_absent, struct lieux_write *out);

/* May the actor edit published place `pid`? 1 / 0 / -1. */
int lieux_may_edit(struct db *d, const struct actor *a, long long pid);
/* A structure's edit of published place `pid` with the form's values
 * (`edited`, normalised in place). Problems go to *issues (for messages
 * next to each field): LW_REJECTED when any value had to be dropped or the
 * place is refused, nothing written then. */
void lieux_edit(struct db *d, const struct lieux_write_ctx *c, long long pid, struct lieu *edited,
                struct lieu_issues *issues, struct lieux_write *out);

/* A coordinator's decision on two source records "source:id": "jamais"
 * (never merge) or "toujours" (always merge), with a reason. Allowed when
 * both records lie within the actor's territory (AZ_DEDUP_DECIDE on each
 * record's commune). Journaled; republished by the publisher. LW_UPDATED,
 * LW_NOT_FOUND (a record is unknown), LW_BAD_REQUEST, LW_FORBIDDEN,
 * LW_ERROR. */
void lieux_decide_flow(struct db *d, const struct lieux_write_ctx *c, const char *a, const char *b,
                       const char *decision, const char *motif, struct lieux_write *out);

#endif
