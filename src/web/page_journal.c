/* page_journal.c - /journal and /journal.csv (the audit journal within the
 * reader's scope: administrators all of it, coordinators what happened in
 * their territories) and /admin/jetons (producers' API tokens, for
 * administrators); see pages_comptes.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/comptes.h"
#include "comptes/invitation.h"
#include "comptes/jeton.h"
#include "journal/journal.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_comptes.h"

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v && *v ? v : NULL;
}

static int may_read_journal(const struct actor *a)
{
    return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR);
}

static const char *const objets[][2] = {
    {"", "Tout"}, {"lieu", "Lieux"}, {"compte", "Comptes"}, {"structure", "Structures"},
    {"jeton", "Jetons d'API"}, {"source", "Imports par l'API"},
};

static void filter_form(struct buf *b, const char *objet)
{
    html_raw(b, "<form method=\"get\" action=\"/journal\" class=\"recherche\">\n"
                "<div class=\"champs-ligne\"><div class=\"champ\"><label for=\"objet\">Sur quoi"
                "</label><select id=\"objet\" name=\"objet\">\n");
    for (size_t i = 0; i < sizeof objets / sizeof *objets; i++) {
        html_raw(b, "<option value=\"");
        html_attr(b, objets[i][0]);
        html_raw(b, objet && strcmp(objet, objets[i][0]) == 0 ? "\" selected>" : "\">");
        html_txt(b, objets[i][1]);
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select></div>\n<div class=\"champ bouton\"><button type=\"submit\">Filtrer"
                "</button></div></div>\n</form>\n");
}

void page_journal(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    if (!may_read_journal(rq->actor)) {
        page_forbidden(rq, rs, "Le journal est réservé aux administrateurs et aux coordinateurs.");
        return;
    }
    const char *objet = param(rq, "objet");
    const char *avant = param(rq, "avant");
    struct journal_filter f = {.objet = objet, .limit = 50, .before_id = avant ? atoll(avant) : 0};
    struct journal_page p;
    if (journal_list(rq->db, rq->actor, &f, &p) < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Journal des modifications");
    html_raw(b, "<h1>Journal des modifications</h1>\n<p>Chaque modification faite dans "
                "Passerelle : qui, quand, quoi, avant et après. ");
    html_raw(b, actor_has_role(rq->actor, ROLE_ADMIN)
                    ? "Vous voyez tout le journal.</p>\n"
                    : "Vous voyez ce qui s'est passé dans vos territoires.</p>\n");
    filter_form(b, objet);
    html_raw(b, "<p><a href=\"/journal.csv");
    if (objet) {
        html_raw(b, "?objet=");
        html_url_arg(b, objet);
    }
    html_raw(b, "\">Télécharger le journal (fichier CSV)</a></p>\n");
    html_raw(b, "<div class=\"tableau\"><table class=\"liste\">\n<caption>Modifications, les plus "
                "récentes d'abord</caption>\n<thead><tr><th scope=\"col\">Date</th>"
                "<th scope=\"col\">Qui</th><th scope=\"col\">Action</th><th scope=\"col\">Quoi</th>"
                "<th scope=\"col\">Où</th><th scope=\"col\">Détail</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < p.n; i++) {
        const struct journal_entry *e = &p.v[i];
        html_raw(b, "<tr><td>");
        page_datetime(b, e->at);
        html_raw(b, "</td><td>");
        html_txt(b, e->acteur);
        html_raw(b, "</td><th scope=\"row\">");
        html_txt(b, e->action);
        html_raw(b, "</th><td>");
        html_txt(b, e->objet);
        html_raw(b, " ");
        html_txt(b, e->objet_id);
        html_raw(b, "</td><td>");
        html_txt(b, e->departement ? e->departement : "");
        html_raw(b, e->commune && *e->commune ? " (" : "");
        html_txt(b, e->commune);
        html_raw(b, e->commune && *e->commune ? ")" : "");
        html_raw(b, "</td><td>");
        if (e->avant || e->apres) {
            html_raw(b, "<details><summary>Avant / après</summary>");
            if (e->avant) {
                html_raw(b, "<p><strong>Avant</strong></p><pre class=\"brut\">");
                html_txt(b, e->avant);
                html_raw(b, "</pre>");
            }
            if (e->apres) {
                html_raw(b, "<p><strong>Après</strong></p><pre class=\"brut\">");
                html_txt(b, e->apres);
                html_raw(b, "</pre>");
            }
            html_raw(b, "</details>");
        }
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody></table></div>\n");
    if (p.n == 0)
        html_raw(b, "<p>Aucune modification pour l'instant.</p>\n");
    if (p.more && p.n) {
        html_rawf(b, "<p><a href=\"/journal?avant=%lld", p.v[p.n - 1].id);
        if (objet) {
            html_raw(b, "&amp;objet=");
            html_url_arg(b, objet);
        }
        html_raw(b, "\">Modifications plus anciennes</a></p>\n");
    }
    journal_page_free(&p);
    page_end(b, rq);
    page_finish(rs);
}

void page_journal_csv(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    if (!may_read_journal(rq->actor)) {
        page_forbidden(rq, rs, "Le journal est réservé aux administrateurs et aux coordinateurs.");
        return;
    }
    struct journal_filter f = {.objet = param(rq, "objet")};
    char *data = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&data, &len);
    long n = 0;
    if (!mem || journal_export_csv(rq->db, rq->actor, &f, mem, &n) < 0) {
        if (mem)
            fclose(mem);
        free(data);
        page_db_error(rq, rs);
        return;
    }
    fclose(mem);
    buf_add(&rs->body, data, len);
    free(data);
    rs->content_type = "text/csv; charset=utf-8";
    snprintf(rs->disposition, sizeof rs->disposition, "attachment; filename=\"journal.csv\"");
}

/* ---- /admin/jetons ---- */

static void jetons_page(const struct request *rq, struct response *rs, const char *shown,
                        const char *error, const char *field)
{
    struct jeton_list l;
    if (jeton_list(rq->db, &l) < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Jetons d'accès à l'API");
    html_raw(b, "<h1>Jetons d'accès à l'API</h1>\n");
    page_notice(b, rq);
    if (shown) {
        html_raw(b, "<div class=\"succes\" role=\"status\"><p>Jeton créé. Copiez-le maintenant : il "
                    "ne sera plus jamais affiché.</p><p><code class=\"cle\">");
        html_txt(b, shown);
        html_raw(b, "</code></p></div>\n");
    }
    html_raw(b, "<p>Un producteur de données (hub, département, réseau...) envoie ses lieux par "
                "l'API avec un jeton limité à sa source : <code>Authorization: Bearer "
                "pas_...</code>. Voir la <a href=\"/api/openapi.json\">documentation de "
                "l'API</a>.</p>\n<div class=\"tableau\"><table class=\"liste\">\n<caption>");
    page_count(b, (long)l.n, "jeton", "jetons");
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">Début</th><th scope=\"col\">Source</th>"
                "<th scope=\"col\">Compte</th><th scope=\"col\">Créé</th><th scope=\"col\">Dernier "
                "usage</th><th scope=\"col\">État</th></tr></thead>\n<tbody>\n");
    char token[64] = "";
    form_csrf_token(rq, token);
    for (size_t i = 0; i < l.n; i++) {
        const struct jeton_row *j = &l.v[i];
        html_raw(b, "<tr><th scope=\"row\"><code>");
        html_txt(b, j->prefixe);
        html_raw(b, "…</code></th><td>");
        html_txt(b, j->source);
        html_raw(b, "</td><td>");
        html_txt(b, j->email);
        html_raw(b, "</td><td>");
        page_datetime(b, j->created_at);
        html_raw(b, "</td><td>");
        if (j->dernier_usage[0])
            page_datetime(b, j->dernier_usage);
        else
            html_raw(b, "jamais");
        html_raw(b, "</td><td>");
        if (j->revoque_at[0]) {
            html_raw(b, "révoqué le ");
            page_datetime(b, j->revoque_at);
        } else {
            html_raw(b, "actif <form class=\"enligne\" method=\"post\" action=\"/admin/jetons\">"
                        "<input type=\"hidden\" name=\"csrf\" value=\"");
            html_attr(b, token);
            html_rawf(b, "\"><input type=\"hidden\" name=\"action\" value=\"revoquer\">"
                         "<input type=\"hidden\" name=\"id\" value=\"%lld\">", j->id);
            html_raw(b, "<button type=\"submit\" class=\"danger petit\">Révoquer<span "
                        "class=\"visuellement-cache\"> le jeton ");
            html_txt(b, j->prefixe);
            html_raw(b, "</span></button></form>");
        }
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody></table></div>\n");
    jeton_list_free(&l);
    struct form_field ff[] = {
        {.name = "source", .label = "Source", .required = 1,
         .hint = "Le nom de la source des lieux de ce producteur, par exemple hub-du-sud.",
         .value = query_get(&rq->query, "source"),
         .error = field && strcmp(field, "source") == 0 ? error : NULL},
        {.name = "compte", .label = "Adresse e-mail du compte de service", .type = "email",
         .required = 1,
         .hint = "Un compte de service est créé s'il n'existe pas (il ne se connecte jamais : il "
                 "porte seulement les jetons).",
         .value = query_get(&rq->query, "compte"),
         .error = field && strcmp(field, "compte") == 0 ? error : NULL},
        {.name = "nom", .label = "Nom du jeton (pour le reconnaître)",
         .value = query_get(&rq->query, "nom")},
    };
    html_raw(b, "<h2>Créer un jeton</h2>\n");
    form_errors(b, ff, 3);
    html_raw(b, "<form method=\"post\" action=\"/admin/jetons\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"creer\">\n");
    for (int i = 0; i < 3; i++)
        form_text(b, &ff[i]);
    html_raw(b, "<p><button type=\"submit\">Créer le jeton</button></p>\n</form>\n");
    page_end(b, rq);
    page_finish(rs);
}

static int source_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 60 || strcmp(s, "passerelle") == 0)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.'))
            return 0;
    return 1;
}

static void create_token(const struct request *rq, struct response *rs)
{
    const char *source = param(rq, "source"), *email = param(rq, "compte");
    if (!source || !source_name_ok(source)) {
        jetons_page(rq, rs, NULL, "Un nom de source en minuscules, chiffres et tirets (60 "
                                  "caractères au plus), autre que « passerelle ».", "source");
        return;
    }
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    struct invitation inv = {.email = email ? email : "", .profil = "machine",
                             .nom = param(rq, "nom"),
                             .grant = {ROLE_PRODUCTEUR, PORTEE_SOURCE, ""}};
    snprintf(inv.grant.code, sizeof inv.grant.code, "%s", source);
    enum flow_result fr = comptes_invite(rq->db, &fc, &inv);
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
        return;
    }
    if (fr != FLOW_DONE) {
        jetons_page(rq, rs, NULL, fc.msg, "compte");
        return;
    }
    char token[JETON_LEN];
    long long id;
    if (db_begin(rq->db) < 0 ||
        jeton_create(rq->db, fc.compte_id, source, param(rq, "nom"), rq->now, token, &id) < 0) {
        db_rollback(rq->db);
        jetons_page(rq, rs, NULL, "Ce compte existe déjà et n'est pas un compte de service "
                                  "actif : choisissez une autre adresse.", "compte");
        return;
    }
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", id);
    struct journal_write w = {.action = "jeton.creer", .objet = "jeton", .objet_id = ids};
    if (journal_record(rq->db, rq->actor, NULL, rq->peer, rq->now, &w) < 0 ||
        db_commit(rq->db) < 0) {
        db_rollback(rq->db);
        page_db_error(rq, rs);
        return;
    }
    rs->cache_control = "no-store";
    jetons_page(rq, rs, token, NULL, NULL);
}

void page_admin_jetons(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    int k = authz_allowed(rq->db, rq->actor, AZ_JETON_MANAGE, NULL);
    if (k <= 0) {
        if (k < 0)
            page_db_error(rq, rs);
        else
            page_forbidden(rq, rs, "Les jetons d'API sont gérés par les administrateurs.");
        return;
    }
    if (strcmp(rq->method, "POST") != 0) {
        jetons_page(rq, rs, NULL, NULL, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    const char *action = param(rq, "action");
    if (action && strcmp(action, "creer") == 0) {
        create_token(rq, rs);
        return;
    }
    if (action && strcmp(action, "revoquer") == 0) {
        const char *ids = param(rq, "id");
        long long id = ids ? atoll(ids) : 0;
        int r = db_begin(rq->db) < 0 ? -1 : jeton_revoke(rq->db, id, rq->now);
        struct journal_write w = {.action = "jeton.revoquer", .objet = "jeton", .objet_id = ids};
        if (r < 0 || (r == 1 && journal_record(rq->db, rq->actor, NULL, rq->peer, rq->now, &w) < 0) ||
            db_commit(rq->db) < 0) {
            db_rollback(rq->db);
            page_db_error(rq, rs);
            return;
        }
        resp_redirect(rs, "/admin/jetons?fait=revoque");
        return;
    }
    resp_html_error(rq, rs, 400, "Action inconnue", "Action non reconnue.");
}
