/* api_diagnostic.h - the diagnostic's JSON API (docs/openapi.json):
 *   GET /api/v1/diagnostic/referentiel         the referential (data file)
 *   GET /api/v1/diagnostic/banque[?version=V]  a question bank as published
 *   GET /api/v1/diagnostic/paquet/{langue}     what the offline mode needs:
 *                                              the active bank in one language,
 *                                              the engine's data, the messages
 *   PUT /api/v1/diagnostic/sessions/{cle}      the offline mode's idempotent
 *                                              submission (diagnostic/sync.h);
 *                                              X-CSRF-Token header
 *   GET /api/v1/diagnostic/sessions/{cle}      one session (for the key holder)
 *   GET /api/v1/diagnostic/statistiques        aggregated, small counts hidden
 *   GET /api/v1/diagnostic/export              anonymous results, JSON
 *                                              (AZ_DIAGNOSTIC_STATS, by territory) */
#ifndef HTTP_API_DIAGNOSTIC_H
#define HTTP_API_DIAGNOSTIC_H
#include "http/router.h"

void api_diagnostic_referentiel(const struct request *rq, struct response *rs);
void api_diagnostic_banque(const struct request *rq, struct response *rs);
void api_diagnostic_paquet(const struct request *rq, struct response *rs);
void api_diagnostic_session_put(const struct request *rq, struct response *rs);
void api_diagnostic_session_get(const struct request *rq, struct response *rs);
void api_diagnostic_stats(const struct request *rq, struct response *rs);
void api_diagnostic_export(const struct request *rq, struct response *rs);

#endif
