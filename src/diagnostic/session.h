/* session.h - a diagnostic session from start to result: creation (self
 * or professional mode), answers one at a time (pages without
 * JavaScript), going back, the professional's observations, and the
 * finish, where the result is computed and stored.
 *
 * A session is known by its key: 22 to 64 characters of [A-Za-z0-9_-],
 * random (made here, or by the browser for the offline mode), the only
 * capability to read or change it. No identity is stored (see
 * 005_diagnostic.sql). Writes of a professional session are journaled
 * (journal/journal.h) in the same transaction; those of the anonymous
 * self-diagnostic are not (they are no account's action, and a per-visitor
 * trail would defeat the anonymity).
 *
 * Errors: -1 with d->err (English). */
#ifndef DIAGNOSTIC_SESSION_H
#define DIAGNOSTIC_SESSION_H
#include <time.h>

#include "comptes/authz.h"
#include "diagnostic/diag_store.h"
#include "diagnostic/scoring.h"
#include "territoires/territoires.h"

/* A loaded session and where it stands. */
struct diag_state {
    struct diag_session s;
    const struct diag_bank *bank;  /* the version it uses (borrowed) */
    struct diag_answer a[DIAG_MAX_ASKED];
    int n;
    struct diag_walk w;
    int consistent;                /* answers follow the engine's order */
    struct diag_observation obs;   /* professional mode; none otherwise */
    int has_obs;
};

/* 1 when cle is a well-formed key. */
int diag_key_ok(const char *cle);
/* A new random key (22 characters). */
void diag_key_new(char out[DIAG_KEY_MAX]);

/* Load the session of key `cle`: 1, 0 when unknown (or a malformed key),
 * -1. The bank is loaded from its version; answers that no longer parse
 * (a corrupted row) stop the list there. */
int diag_state_load(struct db *d, const char *cle, struct diag_state *st);

/* Start a session. pro: the professional mode, for structure_id, by
 * actor a (journaled). The key goes to out. Returns 0 or -1. */
int diag_session_start(struct db *d, int pro, enum diag_lang l, const struct actor *a,
                       long long structure_id, const char *peer, time_t now,
                       char out[DIAG_KEY_MAX]);

/* Record the answer to the question asked now (st->w.next). Returns 0
 * (st reloaded), 1 when ans is for another question (a double submit or
 * an old page: nothing changes), 2 when the session is finished, -1. The
 * caller has checked the answer with diag_answer_valid(). */
int diag_session_answer(struct db *d, struct diag_state *st, const struct diag_answer *ans,
                        enum diag_lang l, time_t now);
/* Remove the last answer. 0, 1 when there is none or the session is
 * finished, -1. */
int diag_session_back(struct db *d, struct diag_state *st, time_t now);

/* Finish: compute the result from the answers and `obs` (professional
 * mode, may be NULL), store it with the commune (may be NULL). Allowed
 * when every question is answered, or at any time in professional mode
 * (the médiateur skips questions). Returns 0, 1 when not allowed yet, -1.
 * `a` and `peer` are for the journal (professional mode). */
int diag_session_finish(struct db *d, struct diag_state *st,
                        const struct territoire_commune *commune,
                        const struct diag_observation *obs, const struct actor *a,
                        const char *peer, time_t now);

/* The stored result of a finished session, as a diag_result over the
 * referential's indices. Cannot fail (unknown ids are skipped). */
/* The same within the caller's transaction (st is not reloaded). */
int diag_session_finish_in(struct db *d, struct diag_state *st,
                           const struct territoire_commune *commune,
                           const struct diag_observation *obs, const struct actor *a,
                           const char *peer, time_t now);

void diag_state_result(const struct diag_state *st, struct diag_result *r);

/* The commune for a free text (name, postcode, INSEE code): 1, 0, -1. */
int diag_resolve_commune(struct db *d, const char *text, struct territoire_commune *c);

/* Observations as stored JSON (appended to out) and back (0, -1 when the
 * text is not valid). Unknown ids are dropped. */
void diag_observation_json(const struct diag_ref *ref, const struct diag_observation *o,
                           struct buf *out);
int diag_observation_parse(const struct diag_ref *ref, const char *json,
                           struct diag_observation *o);

#endif
