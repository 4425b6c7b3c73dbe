/* page_connexion.c - signing in and out, the second factor, invitations
 * and password resets (see pages_comptes.h). The rules are in
 * comptes/ (session.h for throttling, invitation.h for the flows); this
 * file only reads forms and renders. */
#include <stdio.h>
#include <string.h>

#include "comptes/comptes.h"
#include "comptes/invitation.h"
#include "comptes/lien.h"
#include "comptes/session.h"
#include "comptes/totp.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_comptes.h"

static int is_post(const struct request *rq)
{
    return strcmp(rq->method, "POST") == 0;
}

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

/* Start a signed-in (or pending) session: cookie, redirect. */
static void start_session(const struct request *rq, struct response *rs, long long id,
                          int mfa_ok, const char *next)
{
    char cookie[SESSION_TOKEN_LEN];
    if (session_create(rq->db, id, mfa_ok, rq->peer, rq->now, cookie) < 0 ||
        (mfa_ok && comptes_touch_login(rq->db, id, rq->now) < 0)) {
        page_db_error(rq, rs);
        return;
    }
    resp_redirect(rs, next);
    resp_cookie(rs, rq, SESSION_COOKIE, cookie, -1);
}

static void login_form(const struct request *rq, struct response *rs, const char *error,
                       int status)
{
    struct buf *b = &rs->body;
    rs->status = status;
    page_begin(b, rq, "Se connecter");
    html_raw(b, "<h1>Se connecter</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<p>Cet espace est réservé aux professionnels de l'inclusion numérique : "
                "médiateurs, structures, coordinateurs. Pour trouver de l'aide, "
                "<a href=\"/\">cherchez un lieu</a> : pas besoin de compte.</p>\n");
    struct form_field f[] = {
        {.name = "email", .label = "Adresse e-mail", .type = "email", .autocomplete = "username",
         .required = 1, .value = query_get(&rq->query, "email")},
        {.name = "mot_de_passe", .label = "Mot de passe", .type = "password",
         .autocomplete = "current-password", .required = 1},
    };
    if (error) {
        html_raw(b, "<div class=\"erreurs\" role=\"alert\"><p>");
        html_txt(b, error);
        html_raw(b, "</p></div>\n");
    }
    html_raw(b, "<form method=\"post\" action=\"/connexion\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    const char *next = query_get(&rq->query, "suivant");
    if (next) {
        html_raw(b, "<input type=\"hidden\" name=\"suivant\" value=\"");
        html_attr(b, page_safe_next(next, "/espace"));
        html_raw(b, "\">\n");
    }
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        form_text(b, &f[i]);
    html_raw(b, "<p><button type=\"submit\">Se connecter</button></p>\n</form>\n"
                "<p><a href=\"/mot-de-passe-oublie\">Mot de passe oublié ?</a></p>\n"
                "<p>Pas encore de compte ? Votre structure ou votre coordinateur vous invite : "
                "vous recevez alors un e-mail avec un lien.</p>\n");
    page_end(b, rq);
    page_finish(rs);
    rs->status = status;
}

void page_connexion(const struct request *rq, struct response *rs)
{
    if (!is_post(rq)) {
        if (rq->actor && !query_get(&rq->query, "fait")) {
            resp_redirect(rs, "/espace");
            return;
        }
        login_form(rq, rs, NULL, 200);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    const char *email = param(rq, "email"), *pw = param(rq, "mot_de_passe");
    const char *next = page_safe_next(query_get(&rq->query, "suivant"), "/espace");
    int blocked = throttle_blocked(rq->db, email, rq->peer, rq->now);
    if (blocked < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (blocked) {
        login_form(rq, rs, "Trop d'essais en peu de temps. Attendez 15 minutes avant de "
                           "réessayer, ou choisissez un nouveau mot de passe avec « Mot de "
                           "passe oublié ».", 429);
        resp_header(rs, "Retry-After", "900");
        return;
    }
    long long id;
    int ok = comptes_check_password(rq->db, email, pw, &id);
    if (ok < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (!ok) {
        if (throttle_failure(rq->db, email, rq->peer, rq->now) < 0) {
            page_db_error(rq, rs);
            return;
        }
        login_form(rq, rs, "Adresse e-mail ou mot de passe incorrect. Vérifiez les deux, "
                           "puis réessayez.", 200);
        return;
    }
    struct compte c;
    if (throttle_success(rq->db, email) < 0 || comptes_get(rq->db, id, &c) != 1) {
        page_db_error(rq, rs);
        return;
    }
    /* A new session each time: an earlier cookie (maybe planted) is dropped. */
    char old[96];
    if (request_cookie(rq, SESSION_COOKIE, old, sizeof old))
        session_delete(rq->db, old);
    if (c.has_totp) {
        struct buf loc = BUF_INIT;
        buf_puts(&loc, "/connexion/code?suivant=");
        html_url_arg(&loc, next);
        start_session(rq, rs, id, 0, loc.oom ? "/connexion/code" : loc.s);
        buf_free(&loc);
        return;
    }
    start_session(rq, rs, id, 1, next);
}

static void code_form(const struct request *rq, struct response *rs, const char *error)
{
    struct buf *b = &rs->body;
    page_begin(b, rq, "Validation en deux étapes");
    html_raw(b, "<h1>Validation en deux étapes</h1>\n<p>Ouvrez votre application "
                "d'authentification et recopiez le code à 6 chiffres affiché pour "
                "Passerelle.</p>\n");
    struct form_field f = {.name = "code", .label = "Code à 6 chiffres", .type = "text",
                           .autocomplete = "one-time-code", .required = 1, .error = error};
    form_errors(b, &f, 1);
    html_raw(b, "<form method=\"post\" action=\"/connexion/code\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    html_raw(b, "<input type=\"hidden\" name=\"suivant\" value=\"");
    html_attr(b, page_safe_next(query_get(&rq->query, "suivant"), "/espace"));
    html_raw(b, "\">\n");
    form_text(b, &f);
    html_raw(b, "<p><button type=\"submit\">Valider</button></p>\n</form>\n"
                "<p>Vous n'avez plus votre téléphone ? Demandez à un administrateur de "
                "désactiver la validation en deux étapes de votre compte.</p>\n");
    page_end(b, rq);
    page_finish(rs);
}

void page_connexion_code(const struct request *rq, struct response *rs)
{
    char cookie[96];
    struct session_info si;
    int r = request_cookie(rq, SESSION_COOKIE, cookie, sizeof cookie)
                ? session_get(rq->db, cookie, rq->now, &si)
                : 0;
    if (r < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (r == 0 || si.mfa_ok) {
        resp_redirect(rs, r ? "/espace" : "/connexion");
        return;
    }
    if (!is_post(rq)) {
        code_form(rq, rs, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    struct compte c;
    if (comptes_get(rq->db, si.compte_id, &c) != 1) {
        page_db_error(rq, rs);
        return;
    }
    int blocked = throttle_blocked(rq->db, c.email, rq->peer, rq->now);
    int ok = blocked == 0 ? totp_verify(rq->db, si.compte_id, param(rq, "code"), rq->now) : 0;
    if (blocked < 0 || ok < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (!ok) {
        if (!blocked && throttle_failure(rq->db, c.email, rq->peer, rq->now) < 0) {
            page_db_error(rq, rs);
            return;
        }
        if (blocked) {
            session_delete(rq->db, cookie);
            resp_redirect(rs, "/connexion");
            resp_cookie(rs, rq, SESSION_COOKIE, "x", 0);
            return;
        }
        code_form(rq, rs, "Ce code ne va pas. Recopiez le code affiché maintenant (il change "
                          "toutes les 30 secondes).");
        return;
    }
    if (throttle_success(rq->db, c.email) < 0 || session_mark_mfa(rq->db, cookie) < 0 ||
        comptes_touch_login(rq->db, si.compte_id, rq->now) < 0) {
        page_db_error(rq, rs);
        return;
    }
    resp_redirect(rs, page_safe_next(query_get(&rq->query, "suivant"), "/espace"));
}

void page_deconnexion(const struct request *rq, struct response *rs)
{
    if (!page_check_csrf(rq, rs))
        return;
    char cookie[96];
    if (request_cookie(rq, SESSION_COOKIE, cookie, sizeof cookie) &&
        session_delete(rq->db, cookie) < 0) {
        page_db_error(rq, rs);
        return;
    }
    resp_redirect(rs, "/connexion?fait=deconnecte");
    resp_cookie(rs, rq, SESSION_COOKIE, "x", 0);
}

/* The two-password form of invitations and resets. */
static void password_form(const struct request *rq, struct response *rs, const char *title,
                          const char *intro, const char *email, const char *action,
                          const struct flow_ctx *c)
{
    struct buf *b = &rs->body;
    page_begin(b, rq, title);
    html_raw(b, "<h1>");
    html_txt(b, title);
    html_raw(b, "</h1>\n<p>");
    html_txt(b, intro);
    html_raw(b, "</p>\n");
    if (email) {
        html_raw(b, "<p>Votre compte : <strong>");
        html_txt(b, email);
        html_raw(b, "</strong></p>\n");
    }
    int err = c && c->field;
    struct form_field f[] = {
        {.name = "mot_de_passe", .label = "Nouveau mot de passe", .type = "password",
         .autocomplete = "new-password", .required = 1,
         .hint = "Au moins 12 caractères. Une phrase de quelques mots est facile à retenir et "
                 "difficile à deviner.",
         .error = err && strcmp(c->field, "mot_de_passe") == 0 ? c->msg : NULL},
        {.name = "confirmation", .label = "Le même mot de passe, encore une fois",
         .type = "password", .autocomplete = "new-password", .required = 1,
         .error = err && strcmp(c->field, "confirmation") == 0 ? c->msg : NULL},
    };
    form_errors(b, f, 2);
    html_raw(b, "<form method=\"post\" class=\"formulaire\" action=\"");
    html_attr(b, action);
    html_raw(b, "\">\n");
    form_csrf_field(b, rq, rs);
    form_text(b, &f[0]);
    form_text(b, &f[1]);
    html_raw(b, "<p><button type=\"submit\">Enregistrer le mot de passe</button></p>\n</form>\n");
    page_end(b, rq);
    page_finish(rs);
}

static void link_gone(const struct request *rq, struct response *rs, int invitation)
{
    resp_html_error(rq, rs, 410, "Ce lien ne marche plus",
                    invitation ? "Ce lien d'invitation a déjà servi ou il a expiré (7 jours). "
                                 "Demandez à la personne qui vous a invité de vous renvoyer "
                                 "une invitation."
                               : "Ce lien a déjà servi ou il a expiré (une heure). Demandez un "
                                 "nouveau lien depuis « Mot de passe oublié ».");
}

/* Shared by /invitation/{jeton} and /reinitialisation/{jeton}. */
static void link_page(const struct request *rq, struct response *rs, int invitation)
{
    const char *objet = invitation ? "invitation" : "reinitialisation";
    const char *token = rq->ncaptures > 0 ? rq->captures[0] : "";
    char action[128];
    snprintf(action, sizeof action, "/%s/%s", objet, token);
    const char *title = invitation ? "Activer votre compte" : "Choisir un nouveau mot de passe";
    const char *intro = invitation ? "Bienvenue sur Passerelle. Choisissez votre mot de passe "
                                     "pour activer votre compte."
                                   : "Choisissez votre nouveau mot de passe.";
    long long id;
    int r = lien_peek(rq->db, token, objet, rq->now, &id);
    struct compte c;
    if (r < 0 || (r == 1 && comptes_get(rq->db, id, &c) != 1)) {
        page_db_error(rq, rs);
        return;
    }
    if (r == 0) {
        link_gone(rq, rs, invitation);
        return;
    }
    if (!is_post(rq)) {
        password_form(rq, rs, title, intro, c.email, action, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    struct flow_ctx fc = {.cli_user = NULL, .peer = rq->peer, .now = rq->now};
    const char *pw = param(rq, "mot_de_passe"), *conf = param(rq, "confirmation");
    enum flow_result fr = invitation ? comptes_accept_invitation(rq->db, &fc, token, pw, conf)
                                     : comptes_reset_password(rq->db, &fc, token, pw, conf);
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
        return;
    }
    if (fr == FLOW_INVALID && fc.field && strcmp(fc.field, "lien") == 0) {
        link_gone(rq, rs, invitation);
        return;
    }
    if (fr != FLOW_DONE) {
        password_form(rq, rs, title, intro, c.email, action, &fc);
        return;
    }
    if (invitation)
        start_session(rq, rs, fc.compte_id, !c.has_totp, "/espace?fait=active");
    else
        resp_redirect(rs, "/connexion?fait=reinitialise");
}

void page_invitation(const struct request *rq, struct response *rs)
{
    link_page(rq, rs, 1);
}

void page_reinitialisation(const struct request *rq, struct response *rs)
{
    link_page(rq, rs, 0);
}

void page_oubli(const struct request *rq, struct response *rs)
{
    if (is_post(rq)) {
        if (!page_check_csrf(rq, rs))
            return;
        struct flow_ctx fc = {.peer = rq->peer, .now = rq->now};
        if (comptes_request_reset(rq->db, &fc, param(rq, "email")) == FLOW_ERROR) {
            page_db_error(rq, rs);
            return;
        }
        resp_redirect(rs, "/connexion?fait=demande");
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Mot de passe oublié");
    html_raw(b, "<h1>Mot de passe oublié</h1>\n<p>Indiquez l'adresse e-mail de votre compte. "
                "Nous y envoyons un lien pour choisir un nouveau mot de passe.</p>\n"
                "<form method=\"post\" action=\"/mot-de-passe-oublie\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    struct form_field f = {.name = "email", .label = "Adresse e-mail", .type = "email",
                           .autocomplete = "username", .required = 1};
    form_text(b, &f);
    html_raw(b, "<p><button type=\"submit\">Recevoir un lien</button></p>\n</form>\n"
                "<p><a href=\"/connexion\">Revenir à la connexion</a></p>\n");
    page_end(b, rq);
    page_finish(rs);
}
