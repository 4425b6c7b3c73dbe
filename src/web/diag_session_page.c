/* diag_session_page.c - helpers of the session pages (see
 * diag_session_page.h). */
#include "web/diag_session_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/authz.h"
#include "web/form.h"
#include "web/html.h"

struct diag_state *dsp_load(const struct request *rq, struct response *rs,
                            struct diag_view *v)
{
    struct diag_state *st = malloc(sizeof *st);
    const char *cle = rq->ncaptures > 0 ? rq->captures[0] : "";
    int r = st ? diag_state_load(rq->db, cle, st) : -1;
    dv_init(v, rq, rs, r == 1 ? st->s.langue : NULL);
    if (r == 1)
        return st;
    free(st);
    if (r < 0)
        dv_db_error(v);
    else
        dv_error(v, 404, "session_inconnue_titre", "session_inconnue_texte");
    return NULL;
}

int dsp_pro_allowed(struct diag_view *v, const struct diag_state *st)
{
    const struct request *rq = v->rq;
    if (!rq->actor) {
        if (strcmp(rq->method, "GET") == 0) {
            struct buf loc = BUF_INIT;
            buf_puts(&loc, "/connexion?suivant=");
            html_url_arg(&loc, rq->path);
            resp_redirect(v->rs, loc.oom ? "/connexion" : loc.s);
            buf_free(&loc);
        } else {
            dv_error(v, 403, "pro_connexion_titre", "pro_connexion_texte");
        }
        return 0;
    }
    struct authz_resource res = {.structure_id = st ? st->s.structure_id
                                                    : actor_structure(rq->actor)};
    int ok = authz_allowed(rq->db, rq->actor, AZ_DIAGNOSTIC_PRO, &res);
    if (ok < 0)
        dv_db_error(v);
    else if (!ok)
        dv_error(v, 403, "pro_refuse_titre", "pro_refuse_texte");
    return ok > 0;
}

int dsp_csrf(struct diag_view *v)
{
    if (form_csrf_ok(v->rq))
        return 1;
    dv_error(v, 403, "csrf_titre", "csrf_texte");
    return 0;
}

void dsp_redirect(struct diag_view *v, const struct diag_state *st, const char *suffix)
{
    char loc[160];
    snprintf(loc, sizeof loc, "/diagnostic/s/%s%s", st->s.cle, suffix ? suffix : "");
    resp_redirect(v->rs, loc);
}

void dsp_href(struct diag_view *v, const struct diag_state *st, const char *suffix)
{
    html_raw(v->b, "/diagnostic/s/");
    html_attr(v->b, st->s.cle);
    if (suffix)
        html_raw(v->b, suffix);
}
