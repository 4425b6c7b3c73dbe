/* diag_session_page.h - helpers shared by the pages of one session
 * (page_diagnostic*.c): loading the session named in the URL, the
 * professional-mode check, CSRF, and the session's addresses. */
#ifndef WEB_DIAG_SESSION_PAGE_H
#define WEB_DIAG_SESSION_PAGE_H
#include "diagnostic/session.h"
#include "web/diag_view.h"

/* Load the session of the URL's first capture into st (heap) and start
 * the view in its language. Returns st, or NULL after answering (404,
 * 500). Release with free(). */
struct diag_state *dsp_load(const struct request *rq, struct response *rs,
                            struct diag_view *v);
/* For a professional session: is the actor allowed on its structure?
 * 1, or 0 after answering (redirect to the login page, 403, 500). */
int dsp_pro_allowed(struct diag_view *v, const struct diag_state *st);
/* The CSRF check of a POST: 1, or 0 after answering 403. */
int dsp_csrf(struct diag_view *v);
/* Redirect (303) to /diagnostic/s/{cle}{suffix}. */
void dsp_redirect(struct diag_view *v, const struct diag_state *st, const char *suffix);
/* "/diagnostic/s/{cle}" escaped for an attribute. */
void dsp_href(struct diag_view *v, const struct diag_state *st, const char *suffix);

#endif
