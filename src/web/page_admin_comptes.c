/* page_admin_comptes.c - /admin/comptes: the accounts an administrator,
 * a coordinator or a structure manager may see, the invitation form, and
 * the actions on one account (deactivate, reactivate, re-invite, remove a
 * role); see pages_comptes.h. Rules and checks: comptes/invitation.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/comptes.h"
#include "comptes/invitation.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_comptes.h"

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

static int manages(const struct actor *a)
{
    return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR) ||
           actor_has_role(a, ROLE_GESTIONNAIRE);
}

/* <option>s of a select, the current value selected. */
static void options(struct buf *b, const char *const (*opt)[2], size_t n, const char *cur)
{
    for (size_t i = 0; i < n; i++) {
        html_raw(b, "<option value=\"");
        html_attr(b, opt[i][0]);
        html_raw(b, strcmp(cur, opt[i][0]) == 0 ? "\" selected>" : "\">");
        html_txt(b, opt[i][1]);
        html_raw(b, "</option>\n");
    }
}

static void select_field(struct buf *b, const char *name, const char *label, const char *hint,
                         const char *const (*opt)[2], size_t n, const char *cur, const char *error)
{
    html_raw(b, error ? "<div class=\"champ champ-erreur\">\n" : "<div class=\"champ\">\n");
    html_raw(b, "<label for=\"");
    html_attr(b, name);
    html_raw(b, "\">");
    html_txt(b, label);
    html_raw(b, "</label>\n");
    if (hint) {
        html_raw(b, "<p class=\"aide\" id=\"");
        html_attr(b, name);
        html_raw(b, "-aide\">");
        html_txt(b, hint);
        html_raw(b, "</p>\n");
    }
    if (error) {
        html_raw(b, "<p class=\"erreur\" id=\"");
        html_attr(b, name);
        html_raw(b, "-erreur\"><strong>Erreur :</strong> ");
        html_txt(b, error);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<select id=\"");
    html_attr(b, name);
    html_raw(b, "\" name=\"");
    html_attr(b, name);
    html_raw(b, "\"");
    if (hint || error) {
        html_raw(b, " aria-describedby=\"");
        if (hint) {
            html_attr(b, name);
            html_raw(b, "-aide");
        }
        if (error) {
            html_raw(b, hint ? " " : "");
            html_attr(b, name);
            html_raw(b, "-erreur");
        }
        html_raw(b, "\"");
    }
    html_raw(b, error ? " aria-invalid=\"true\">\n" : ">\n");
    options(b, opt, n, cur);
    html_raw(b, "</select>\n</div>\n");
}

static void invite_form(const struct request *rq, struct response *rs, const struct flow_ctx *err)
{
    struct buf *b = &rs->body;
    const struct actor *a = rq->actor;
    static const char *const all_roles[][2] = {
        {"mediateur", "Médiateur numérique, conseiller numérique ou aidant"},
        {"gestionnaire", "Gestionnaire de structure"},
        {"coordinateur", "Coordinateur territorial"},
        {"producteur", "Producteur de données (compte de service)"},
        {"admin", "Administrateur national"},
    };
    size_t nroles = actor_has_role(a, ROLE_ADMIN) ? 5 : actor_has_role(a, ROLE_COORDINATEUR) ? 3 : 2;
    static const char *const portees[][2] = {
        {"structure", "Une structure"}, {"commune", "Une commune"},
        {"epci", "Une intercommunalité (EPCI)"}, {"departement", "Un département"},
        {"region", "Une région"}, {"source", "Une source de données"},
        {"nation", "France entière"},
    };
    static const char *const profils[][2] = {
        {"", "Sans objet"}, {"mediateur", "Médiateur numérique"},
        {"conseiller_numerique", "Conseiller numérique"}, {"aidant", "Aidant"},
        {"machine", "Compte de service (producteur)"},
    };
    const char *f = err && err->field ? err->field : "";
    const char *msg = err ? err->msg : NULL;
    int forbidden_here = err && !err->field && err->msg[0];
    struct form_field fields[] = {
        {.name = "email", .label = "Adresse e-mail", .type = "email", .required = 1,
         .autocomplete = "off", .value = query_get(&rq->query, "email"),
         .error = strcmp(f, "email") == 0 ? msg : NULL},
        {.name = "nom", .label = "Prénom et nom", .value = query_get(&rq->query, "nom")},
        {.name = "code", .label = "Code du périmètre",
         .hint = "Numéro de la structure (page Structures), code INSEE de la commune, SIREN de "
                 "l'EPCI, numéro du département ou de la région, ou nom de la source. Vide pour "
                 "la France entière.",
         .value = query_get(&rq->query, "code"),
         .error = strcmp(f, "code") == 0 ? msg : NULL},
    };
    html_raw(b, "<h2 id=\"inviter\">Inviter une personne</h2>\n<p>Elle reçoit un e-mail avec un "
                "lien pour choisir son mot de passe. Si elle a déjà un compte, le rôle s'y "
                "ajoute.</p>\n");
    if (err)
        form_errors(b, fields, 3);
    if (forbidden_here || strcmp(f, "role") == 0 || strcmp(f, "profil") == 0) {
        html_raw(b, "<div class=\"erreurs\" role=\"alert\"><p>");
        html_txt(b, msg);
        html_raw(b, "</p></div>\n");
    }
    html_raw(b, "<form method=\"post\" action=\"/admin/comptes\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    form_text(b, &fields[0]);
    form_text(b, &fields[1]);
    select_field(b, "role", "Rôle", NULL, all_roles, nroles, param(rq, "role"),
                 strcmp(f, "role") == 0 ? msg : NULL);
    select_field(b, "profil", "Profil (pour les médiateurs)", NULL, profils, 5,
                 param(rq, "profil"), strcmp(f, "profil") == 0 ? msg : NULL);
    select_field(b, "portee", "Périmètre", NULL, portees, 7, param(rq, "portee"), NULL);
    form_text(b, &fields[2]);
    html_raw(b, "<p><button type=\"submit\">Envoyer l'invitation</button></p>\n</form>\n");
}

static void account_row(struct buf *b, const struct request *rq, const struct compte *c)
{
    char token[64] = "";
    form_csrf_token(rq, token);
    html_raw(b, "<tr><th scope=\"row\">");
    html_txt(b, c->email);
    if (c->nom[0]) {
        html_raw(b, "<br><span class=\"aide\">");
        html_txt(b, c->nom);
        html_raw(b, "</span>");
    }
    html_raw(b, "</th><td>");
    html_txt(b, strcmp(c->etat, "actif") == 0 ? "actif"
                : strcmp(c->etat, "invite") == 0 ? "invité (pas encore activé)"
                                                 : "désactivé");
    html_raw(b, "</td><td><ul class=\"sans-puces\">");
    for (int i = 0; i < c->ngrants; i++) {
        char scope[320], g[128];
        comptes_scope_label(rq->db, &c->grants[i], scope, sizeof scope);
        comptes_grant_format(&c->grants[i], g, sizeof g);
        html_raw(b, "<li>");
        html_txt(b, role_label(c->grants[i].role));
        html_raw(b, " — ");
        html_txt(b, scope);
        if (c->id != rq->actor->compte_id) {
            html_rawf(b, " <form class=\"enligne\" method=\"post\" action=\"/admin/comptes/%lld\">",
                      c->id);
            html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
            html_attr(b, token);
            html_raw(b, "\"><input type=\"hidden\" name=\"action\" value=\"retirer\">"
                        "<input type=\"hidden\" name=\"role\" value=\"");
            html_attr(b, g);
            html_raw(b, "\"><button type=\"submit\" class=\"secondaire petit\">Retirer<span "
                        "class=\"visuellement-cache\"> ce rôle à ");
            html_txt(b, c->email);
            html_raw(b, "</span></button></form>");
        }
        html_raw(b, "</li>");
    }
    html_raw(b, "</ul></td><td>");
    if (c->derniere_connexion[0])
        page_datetime(b, c->derniere_connexion);
    else
        html_raw(b, "jamais");
    html_raw(b, "</td><td>");
    if (c->id != rq->actor->compte_id) {
        const char *action = strcmp(c->etat, "desactive") == 0 ? "reactiver" : "desactiver";
        const char *label = strcmp(c->etat, "desactive") == 0 ? "Réactiver" : "Désactiver";
        html_rawf(b, "<form class=\"enligne\" method=\"post\" action=\"/admin/comptes/%lld\">", c->id);
        html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
        html_attr(b, token);
        html_raw(b, "\"><input type=\"hidden\" name=\"action\" value=\"");
        html_raw(b, action);
        html_raw(b, "\"><button type=\"submit\" class=\"secondaire petit\">");
        html_raw(b, label);
        html_raw(b, "<span class=\"visuellement-cache\"> ");
        html_txt(b, c->email);
        html_raw(b, "</span></button></form>\n");
        if (strcmp(c->etat, "invite") == 0) {
            html_rawf(b, "<form class=\"enligne\" method=\"post\" action=\"/admin/comptes/%lld\">",
                      c->id);
            html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
            html_attr(b, token);
            html_raw(b, "\"><input type=\"hidden\" name=\"action\" value=\"reinviter\">"
                        "<button type=\"submit\" class=\"secondaire petit\">Renvoyer "
                        "l'invitation<span class=\"visuellement-cache\"> à ");
            html_txt(b, c->email);
            html_raw(b, "</span></button></form>\n");
        }
    } else {
        html_raw(b, "(vous)");
    }
    html_raw(b, "</td></tr>\n");
}

static void render(const struct request *rq, struct response *rs, const struct flow_ctx *err)
{
    struct compte_list l;
    if (comptes_list(rq->db, rq->actor, &l) < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Comptes et invitations");
    html_raw(b, "<h1>Comptes et invitations</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<p><a href=\"#inviter\">Inviter une personne</a></p>\n<h2>Comptes de votre "
                "périmètre</h2>\n<div class=\"tableau\"><table class=\"liste\">\n<caption>");
    page_count(b, (long)l.n, "compte", "comptes");
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">Compte</th><th scope=\"col\">État</th>"
                "<th scope=\"col\">Rôles</th><th scope=\"col\">Dernière connexion</th>"
                "<th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < l.n && i < 500; i++)
        account_row(b, rq, &l.v[i]);
    html_raw(b, "</tbody></table></div>\n");
    if (l.n > 500)
        html_raw(b, "<p>Seuls les 500 premiers comptes sont affichés.</p>\n");
    compte_list_free(&l);
    invite_form(rq, rs, err);
    page_end(b, rq);
    page_finish(rs);
}

void page_admin_comptes(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    if (!manages(rq->actor)) {
        page_forbidden(rq, rs, "Cette page est réservée aux administrateurs, aux coordinateurs "
                               "et aux gestionnaires de structure.");
        return;
    }
    if (strcmp(rq->method, "POST") != 0) {
        render(rq, rs, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    struct invitation inv = {.email = param(rq, "email"), .nom = param(rq, "nom"),
                             .profil = param(rq, "profil")};
    char g[200];
    snprintf(g, sizeof g, "%s:%s:%s", param(rq, "role"), param(rq, "portee"), param(rq, "code"));
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    enum flow_result fr;
    if (comptes_grant_parse(g, &inv.grant) < 0) {
        fc.field = "role";
        snprintf(fc.msg, sizeof fc.msg, "Ce rôle ne va pas avec ce périmètre : un coordinateur a "
                                        "un territoire, un gestionnaire ou un médiateur une "
                                        "structure, un producteur une source, un administrateur "
                                        "la France entière.");
        fr = FLOW_INVALID;
    } else {
        fr = comptes_invite(rq->db, &fc, &inv);
    }
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
        return;
    }
    if (fr != FLOW_DONE) {
        rs->status = fr == FLOW_FORBIDDEN ? 403 : 422;
        render(rq, rs, &fc);
        rs->status = fr == FLOW_FORBIDDEN ? 403 : 422;
        return;
    }
    resp_redirect(rs, "/admin/comptes?fait=invite");
}

void page_admin_compte(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs))
        return;
    const char *sid = rq->captures[0];
    char *end;
    long long id = strtoll(sid, &end, 10);
    if (*end || id <= 0) {
        resp_html_error(rq, rs, 400, "Adresse incorrecte", "Numéro de compte attendu.");
        return;
    }
    const char *action = param(rq, "action");
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    enum flow_result fr;
    const char *done;
    if (strcmp(action, "desactiver") == 0 || strcmp(action, "reactiver") == 0) {
        fr = comptes_set_active(rq->db, &fc, id, action[0] == 'r');
        done = action[0] == 'r' ? "/admin/comptes?fait=reactive" : "/admin/comptes?fait=desactive";
    } else if (strcmp(action, "reinviter") == 0) {
        fr = comptes_reinvite(rq->db, &fc, id);
        done = "/admin/comptes?fait=invite";
    } else if (strcmp(action, "retirer") == 0) {
        struct grant g;
        if (comptes_grant_parse(param(rq, "role"), &g) < 0) {
            resp_html_error(rq, rs, 400, "Rôle inconnu", "Le rôle à retirer n'est pas reconnu.");
            return;
        }
        fr = comptes_revoke_grant(rq->db, &fc, id, &g);
        done = "/admin/comptes?fait=enregistre";
    } else {
        resp_html_error(rq, rs, 400, "Action inconnue",
                        "Les actions possibles sont : désactiver, réactiver, renvoyer "
                        "l'invitation, retirer un rôle.");
        return;
    }
    if (fr == FLOW_ERROR)
        page_db_error(rq, rs);
    else if (fr == FLOW_FORBIDDEN)
        page_forbidden(rq, rs, fc.msg);
    else if (fr == FLOW_INVALID)
        resp_html_error(rq, rs, 422, "Action impossible", fc.msg);
    else
        resp_redirect(rs, done);
}
