/* page_compte.c - "Mon espace" (what the signed-in person can do here) and
 * "Mon compte" (roles, password, second factor); see pages_comptes.h. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "comptes/comptes.h"
#include "comptes/invitation.h"
#include "comptes/totp.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_comptes.h"

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

/* May the actor use `action` somewhere (any resource in their scope)? For
 * menus only: every page checks the real resource. */
static int may_somewhere(const struct actor *a, enum authz_action action)
{
    switch (action) {
    case AZ_COMPTE_LIST:
    case AZ_STRUCTURE_EDIT:
        return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR) ||
               actor_has_role(a, ROLE_GESTIONNAIRE);
    case AZ_AUDIT_READ:
        return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR);
    case AZ_JETON_MANAGE:
    case AZ_DIAGNOSTIC_PUBLISH:
        return actor_has_role(a, ROLE_ADMIN);
    case AZ_DIAGNOSTIC_PRO:
        return actor_has_role(a, ROLE_MEDIATEUR) || actor_has_role(a, ROLE_GESTIONNAIRE);
    default:
        return 0;
    }
}

static void roles_list(struct buf *b, struct db *d, const struct grant *g, int n)
{
    html_raw(b, "<ul>\n");
    for (int i = 0; i < n; i++) {
        char scope[320];
        comptes_scope_label(d, &g[i], scope, sizeof scope);
        html_raw(b, "<li><strong>");
        html_txt(b, role_label(g[i].role));
        html_raw(b, "</strong> — ");
        html_txt(b, scope);
        html_raw(b, "</li>\n");
    }
    if (n == 0)
        html_raw(b, "<li>Aucun rôle pour l'instant.</li>\n");
    html_raw(b, "</ul>\n");
}

void page_espace(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    const struct actor *a = rq->actor;
    struct buf *b = &rs->body;
    page_begin(b, rq, "Mon espace");
    html_raw(b, "<h1>Mon espace</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<p>Bonjour ");
    html_txt(b, a->nom[0] ? a->nom : a->email);
    html_raw(b, ". Vos rôles :</p>\n");
    roles_list(b, rq->db, a->grants, a->ngrants);
    html_raw(b, "<h2>Ce que vous pouvez faire</h2>\n<ul class=\"actions\">\n");
    if (may_somewhere(a, AZ_COMPTE_LIST))
        html_raw(b, "<li><a href=\"/admin/comptes\">Comptes et invitations</a> : inviter une "
                    "personne, désactiver un compte</li>\n");
    if (may_somewhere(a, AZ_STRUCTURE_EDIT))
        html_raw(b, "<li><a href=\"/admin/structures\">Structures et leurs lieux</a> : "
                    "modifier les fiches des lieux</li>\n");
    if (may_somewhere(a, AZ_AUDIT_READ))
        html_raw(b, "<li><a href=\"/journal\">Journal des modifications</a> : qui a changé "
                    "quoi, et quand</li>\n");
    if (may_somewhere(a, AZ_JETON_MANAGE))
        html_raw(b, "<li><a href=\"/admin/jetons\">Jetons d'accès à l'API</a> des producteurs "
                    "de données</li>\n");
    if (may_somewhere(a, AZ_DIAGNOSTIC_PRO))
        html_raw(b, "<li><a href=\"/diagnostic/pro\">Diagnostic avec une personne</a> : faire "
                    "le point sur le numérique ensemble, noter vos observations</li>\n");
    if (may_somewhere(a, AZ_DIAGNOSTIC_PUBLISH))
        html_raw(b, "<li><a href=\"/diagnostic/publier\">Banques de questions du "
                    "diagnostic</a> : publier une nouvelle version</li>\n");
    /* accompagnement */
    if (actor_has_role(a, ROLE_MEDIATEUR))
        html_raw(b, "<li><a href=\"/activites/nouvelle\">Enregistrer un accompagnement</a> ou "
                    "<a href=\"/activites/nouvelle?type=collectif\">un atelier</a></li>\n");
    if (actor_has_role(a, ROLE_MEDIATEUR) || actor_has_role(a, ROLE_GESTIONNAIRE))
        html_raw(b, "<li><a href=\"/activites\">Activités</a>, <a href=\"/beneficiaires\">"
                    "personnes suivies</a> et <a href=\"/orientations\">orientations</a></li>\n");
    if (a->ngrants > 0 && !actor_has_role(a, ROLE_PRODUCTEUR))
        html_raw(b, "<li><a href=\"/statistiques\">Statistiques d'activité</a></li>\n");
    html_raw(b, "<li><a href=\"/doublons\">Doublons entre sources</a> et "
                "<a href=\"/imports\">rapports d'import</a></li>\n"
                "<li><a href=\"/compte\">Mon compte</a> : mot de passe, validation en deux "
                "étapes</li>\n</ul>\n");
    page_end(b, rq);
    page_finish(rs);
}

static int totp_offered(const struct actor *a)
{
    return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR);
}

static void account_page(const struct request *rq, struct response *rs,
                         const struct flow_ctx *err)
{
    const struct actor *a = rq->actor;
    struct compte c;
    if (comptes_get(rq->db, a->compte_id, &c) != 1) {
        page_db_error(rq, rs);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Mon compte");
    html_raw(b, "<h1>Mon compte</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<dl class=\"details\">\n<dt>Adresse e-mail</dt><dd>");
    html_txt(b, c.email);
    html_raw(b, "</dd>\n<dt>Nom</dt><dd>");
    html_txt(b, c.nom[0] ? c.nom : "non renseigné");
    html_raw(b, "</dd>\n");
    if (c.profil[0]) {
        html_raw(b, "<dt>Profil</dt><dd>");
        html_txt(b, comptes_profil_label(c.profil));
        html_raw(b, "</dd>\n");
    }
    html_raw(b, "<dt>Rôles</dt><dd>");
    roles_list(b, rq->db, c.grants, c.ngrants);
    html_raw(b, "</dd>\n</dl>\n<h2>Changer mon mot de passe</h2>\n");
    int e = err && err->field;
    struct form_field f[] = {
        {.name = "actuel", .label = "Mot de passe actuel", .type = "password",
         .autocomplete = "current-password", .required = 1,
         .error = e && strcmp(err->field, "actuel") == 0 ? err->msg : NULL},
        {.name = "mot_de_passe", .label = "Nouveau mot de passe", .type = "password",
         .autocomplete = "new-password", .required = 1, .hint = "Au moins 12 caractères.",
         .error = e && strcmp(err->field, "mot_de_passe") == 0 ? err->msg : NULL},
        {.name = "confirmation", .label = "Le même, encore une fois", .type = "password",
         .autocomplete = "new-password", .required = 1,
         .error = e && strcmp(err->field, "confirmation") == 0 ? err->msg : NULL},
    };
    form_errors(b, f, 3);
    html_raw(b, "<form method=\"post\" action=\"/compte/mot-de-passe\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    for (int i = 0; i < 3; i++)
        form_text(b, &f[i]);
    html_raw(b, "<p><button type=\"submit\">Changer le mot de passe</button></p>\n</form>\n");
    if (totp_offered(a) || c.has_totp) {
        html_raw(b, "<h2>Validation en deux étapes</h2>\n<p>");
        html_raw(b, c.has_totp ? "Elle est <strong>activée</strong> : à chaque connexion, un "
                                 "code de votre application d'authentification est demandé."
                               : "Elle n'est pas activée. Elle protège les comptes qui "
                                 "peuvent donner des accès à d'autres personnes.");
        html_raw(b, "</p>\n<p><a href=\"/compte/second-facteur\">");
        html_raw(b, c.has_totp ? "Désactiver la validation en deux étapes"
                               : "Activer la validation en deux étapes");
        html_raw(b, "</a></p>\n");
    }
    page_end(b, rq);
    page_finish(rs);
}

void page_compte(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    account_page(rq, rs, NULL);
}

void page_compte_mot_de_passe(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs))
        return;
    char cookie[96] = "";
    request_cookie(rq, SESSION_COOKIE, cookie, sizeof cookie);
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    enum flow_result fr = comptes_change_password(rq->db, &fc, param(rq, "actuel"),
                                                  param(rq, "mot_de_passe"),
                                                  param(rq, "confirmation"), cookie);
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
        return;
    }
    if (fr != FLOW_DONE) {
        account_page(rq, rs, &fc);
        return;
    }
    resp_redirect(rs, "/compte?fait=mot_de_passe");
}

static void totp_page(const struct request *rq, struct response *rs, int enabled,
                      const char *secret_b32, const char *error)
{
    struct buf *b = &rs->body;
    page_begin(b, rq, "Validation en deux étapes");
    html_raw(b, "<h1>Validation en deux étapes</h1>\n");
    struct form_field f = {.name = "code", .label = "Code à 6 chiffres", .type = "text",
                           .autocomplete = "one-time-code", .required = 1, .error = error};
    form_errors(b, &f, 1);
    html_raw(b, "<form method=\"post\" action=\"/compte/second-facteur\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    if (enabled) {
        html_raw(b, "<p>Pour la désactiver, donnez un code de votre application.</p>\n"
                    "<input type=\"hidden\" name=\"action\" value=\"desactiver\">\n");
        form_text(b, &f);
        html_raw(b, "<p><button type=\"submit\">Désactiver</button></p>\n");
    } else {
        html_raw(b, "<ol>\n<li>Ouvrez une application d'authentification sur votre téléphone "
                    "(par exemple FreeOTP, Aegis ou celle de votre téléphone).</li>\n"
                    "<li>Ajoutez un compte avec cette clé (saisie manuelle, type « basé sur "
                    "le temps ») :<br><code class=\"cle\">");
        for (size_t i = 0; secret_b32[i]; i++) {
            if (i && i % 4 == 0)
                html_raw(b, " ");
            html_ntxt(b, secret_b32 + i, 1);
        }
        html_raw(b, "</code></li>\n<li>Recopiez ci-dessous le code à 6 chiffres qu'elle "
                    "affiche.</li>\n</ol>\n<input type=\"hidden\" name=\"cle\" value=\"");
        html_attr(b, secret_b32);
        html_raw(b, "\">\n");
        form_text(b, &f);
        html_raw(b, "<p><button type=\"submit\">Activer</button></p>\n");
    }
    html_raw(b, "</form>\n<p><a href=\"/compte\">Revenir à mon compte</a></p>\n");
    page_end(b, rq);
    page_finish(rs);
}

void page_compte_totp(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    struct compte c;
    if (comptes_get(rq->db, rq->actor->compte_id, &c) != 1) {
        page_db_error(rq, rs);
        return;
    }
    if (!c.has_totp && !totp_offered(rq->actor)) {
        page_forbidden(rq, rs, "La validation en deux étapes est proposée aux administrateurs "
                               "et aux coordinateurs.");
        return;
    }
    if (strcmp(rq->method, "POST") != 0) {
        unsigned char secret[TOTP_SECRET_LEN];
        char b32[TOTP_BASE32_LEN];
        randombytes_buf(secret, sizeof secret);
        totp_base32(secret, b32);
        totp_page(rq, rs, c.has_totp, b32, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    const char *code = param(rq, "code");
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    enum flow_result fr;
    if (c.has_totp) {
        fr = comptes_totp_off(rq->db, &fc, code);
    } else {
        unsigned char secret[TOTP_SECRET_LEN];
        if (totp_base32_decode(param(rq, "cle"), secret, sizeof secret) != TOTP_SECRET_LEN) {
            page_forbidden(rq, rs, "La clé du formulaire a été modifiée. Recommencez.");
            return;
        }
        fr = comptes_totp_on(rq->db, &fc, secret, code);
    }
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
        return;
    }
    if (fr != FLOW_DONE) {
        totp_page(rq, rs, c.has_totp, param(rq, "cle"), fc.msg);
        return;
    }
    resp_redirect(rs, c.has_totp ? "/compte?fait=second_facteur_off" : "/compte?fait=second_facteur");
}
