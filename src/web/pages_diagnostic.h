/* pages_diagnostic.h - the diagnostic's pages (src/web/page_diagnostic*.c),
 * in French, English and Arabic (web/diag_view.h), without JavaScript:
 * one question per page, server-rendered, every answer a POST with its
 * CSRF token, then a redirect (303) to the next page. With JavaScript,
 * web/static/diagnostic.js runs the same questions on the device and
 * works offline (see docs/diagnostic.md).
 *   GET  /diagnostic                       start (self-diagnostic)
 *   POST /diagnostic                       start a session -> /diagnostic/s/{cle}
 *   GET  /diagnostic/s/{cle}               the current question, or the commune step
 *   POST /diagnostic/s/{cle}               an answer, "back", the finish
 *   GET  /diagnostic/s/{cle}/resultat      the result, printable, with nearby places
 *   GET  /diagnostic/s/{cle}/envoyer/{id}  send the referral sheet to a place: consent
 *   POST /diagnostic/s/{cle}/envoyer/{id}  ... sent (mail outbox) and recorded
 *   GET  /diagnostic/pro                   professional mode (AZ_DIAGNOSTIC_PRO)
 *   POST /diagnostic/pro                   start a professional session
 *   GET  /diagnostic/s/{cle}/observations  professional: observed levels, attitudes,
 *   POST /diagnostic/s/{cle}/observations  barriers, override with a reason
 *   GET  /diagnostic/statistiques          aggregated statistics by territory
 *   GET|POST /diagnostic/publier           question banks (AZ_DIAGNOSTIC_PUBLISH): list,
 *   POST /diagnostic/publier/activer       upload a new version, activate another
 *   GET  /diagnostic/sw.js                 the service worker (offline mode) */
#ifndef WEB_PAGES_DIAGNOSTIC_H
#define WEB_PAGES_DIAGNOSTIC_H
#include "http/router.h"

void page_diagnostic(const struct request *rq, struct response *rs);
void page_diagnostic_start(const struct request *rq, struct response *rs);
void page_diagnostic_session(const struct request *rq, struct response *rs);
void page_diagnostic_answer(const struct request *rq, struct response *rs);
void page_diagnostic_result(const struct request *rq, struct response *rs);
void page_diagnostic_send(const struct request *rq, struct response *rs);
void page_diagnostic_pro(const struct request *rq, struct response *rs);
void page_diagnostic_pro_start(const struct request *rq, struct response *rs);
void page_diagnostic_observations(const struct request *rq, struct response *rs);
void page_diagnostic_stats(const struct request *rq, struct response *rs);
void page_diagnostic_publier(const struct request *rq, struct response *rs);
void page_diagnostic_activer(const struct request *rq, struct response *rs);
void page_diagnostic_sw(const struct request *rq, struct response *rs);

#endif
