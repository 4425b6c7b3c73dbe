/* sync.h - the offline mode's submission: a browser that ran the
 * diagnostic on the device (web/static/diagnostic.js) sends the whole
 * session, as often as it likes, with PUT /api/v1/diagnostic/sessions/{cle}:
 *
 *   {"version": "1", "langue": "fr", "revision": 7, "termine": true,
 *    "commune": "Marseille",
 *    "reponses": [{"question": "materiel", "options": ["smartphone"]},
 *                 {"question": "appareil-1", "options": []}, ...]}
 *
 * The key is made by the browser (random, at least 22 characters), so a
 * submission repeated after a lost connection, or delivered twice, or out
 * of order, changes nothing: a session is created once; its answers are
 * replaced only by a higher revision; a finished session never changes.
 * Answers are checked like the pages' ones and replayed through the
 * engine: they must be exactly the questions the engine would have asked.
 * A finished submission must answer every question; the commune (free
 * text, optional) is then resolved, and the result computed and stored.
 *
 * Only the self-diagnostic is submitted this way; a key of a professional
 * session is refused. */
#ifndef DIAGNOSTIC_SYNC_H
#define DIAGNOSTIC_SYNC_H
#include <time.h>

#include "diagnostic/session.h"

#define DIAG_SYNC_COMMUNE_MAX 128

struct diag_sync {
    char version[DIAG_TAG_MAX];
    int langue;               /* enum diag_lang */
    long revision;            /* >= 1 */
    int termine;
    char commune[DIAG_SYNC_COMMUNE_MAX]; /* "" when not given */
    int n;
    struct diag_raw_answer a[DIAG_MAX_ASKED];
};

/* Parse a body. Returns 0, or -1 with a French reason in err[n] (what
 * and where: "reponses[3].options : ..."). Never reads past len. */
int diag_sync_parse(const char *body, size_t len, struct diag_sync *out, char *err, size_t n);

enum diag_sync_status {
    DIAG_SYNC_CREATED,   /* new session */
    DIAG_SYNC_UPDATED,   /* answers replaced (higher revision) */
    DIAG_SYNC_UNCHANGED, /* same or older revision, or already finished */
    DIAG_SYNC_INVALID,   /* answers refused: err says why (422) */
    DIAG_SYNC_CONFLICT,  /* the key belongs to a professional session or
                            another bank version (409) */
};

struct diag_sync_reply {
    enum diag_sync_status status;
    long revision;            /* stored */
    int termine;
    const char *suivante;     /* the next question's id (borrowed), or NULL */
    char err[256];
};

/* Apply a parsed submission to session `cle` (one transaction). Returns
 * 0 with reply filled (including INVALID / CONFLICT), or -1 on database
 * error. */
int diag_sync_apply(struct db *d, const char *cle, const struct diag_sync *sy, time_t now,
                    struct diag_sync_reply *reply);

#endif
