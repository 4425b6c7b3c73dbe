/* export.h - the anonymous results of finished diagnostics as one JSON
 * document (format "passerelle-diagnostic-export" version 1, described in
 * docs/diagnostic.md and docs/openapi.json), for the observatory and
 * research. Each record has the bank version, mode, language, times,
 * territory, score, autonomy (computed and final), levels per domain,
 * barriers, needs, a professional's observations, and the answers.
 * Never exported: the session key (it gives access to the result), the
 * médiateur's account and the free text of an override's reason.
 *
 * Memory stays flat: records are written one by one into `out`; with a
 * FILE, the buffer is flushed after each record. */
#ifndef DIAGNOSTIC_EXPORT_H
#define DIAGNOSTIC_EXPORT_H
#include <stdio.h>

#include "diagnostic/diag_store.h"

struct jsonw;
/* One session as a JSON object (the export's record). with_key: add the
 * session key, revision and state (the API's view of one session, for
 * whoever holds the key); otherwise finished sessions only. */
void diag_export_record(struct jsonw *w, struct db *d, const struct diag_session *s,
                        int with_key);

/* Write the export of the filter into out (and to f when not NULL).
 * *count gets the number of records. Returns 0, or -1 (d->err; with a
 * FILE, a write error says "write error"). */
int diag_export_json(struct db *d, const struct diag_filter *filter, struct buf *out, FILE *f,
                     time_t now, long *count);

#endif
