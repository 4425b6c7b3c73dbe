/* page_admin_structures.c - /admin/structures (the structures within the
 * actor's scope, and the creation form) and /admin/structures/{id} (one
 * structure: its details, its places, linking a place); see
 * pages_comptes.h. Rules and checks: structures/gestion.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/invitation.h"
#include "structures/structures.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_comptes.h"

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

static int may_create(const struct actor *a)
{
    return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR);
}

/* The fields of a structure's form, values and errors. */
static void structure_fields(struct buf *b, const struct structure *s, const struct flow_ctx *err)
{
    const char *f = err && err->field ? err->field : "";
    const char *m = err ? err->msg : NULL;
    struct form_field ff[] = {
        {.name = "nom", .label = "Nom de la structure", .required = 1, .value = s->nom,
         .error = strcmp(f, "nom") == 0 ? m : NULL},
        {.name = "commune", .label = "Code INSEE de la commune", .required = 1,
         .hint = "5 caractères, par exemple 13055 pour Marseille.", .value = s->commune_code,
         .error = strcmp(f, "commune") == 0 ? m : NULL},
        {.name = "pivot", .label = "SIRET (ou RNA)", .value = s->pivot,
         .error = strcmp(f, "pivot") == 0 ? m : NULL},
        {.name = "courriel", .label = "Adresse e-mail de contact", .type = "email",
         .hint = "Les orientations et les avis envoyés à la structure y arrivent.",
         .value = s->courriel, .error = strcmp(f, "courriel") == 0 ? m : NULL},
    };
    form_errors(b, ff, 4);
    for (int i = 0; i < 4; i++)
        form_text(b, &ff[i]);
}

static void read_structure(const struct request *rq, struct structure *s)
{
    snprintf(s->nom, sizeof s->nom, "%s", param(rq, "nom"));
    snprintf(s->commune_code, sizeof s->commune_code, "%s", param(rq, "commune"));
    snprintf(s->pivot, sizeof s->pivot, "%s", param(rq, "pivot"));
    snprintf(s->courriel, sizeof s->courriel, "%s", param(rq, "courriel"));
}

static void list_page(const struct request *rq, struct response *rs, const struct structure *form,
                      const struct flow_ctx *err)
{
    struct structure_list l;
    if (structures_visible(rq->db, rq->actor, &l) < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Structures");
    html_raw(b, "<h1>Structures</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<div class=\"tableau\"><table class=\"liste\">\n<caption>");
    page_count(b, (long)l.n, "structure de votre périmètre", "structures de votre périmètre");
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">N°</th><th scope=\"col\">Nom</th>"
                "<th scope=\"col\">Commune</th><th scope=\"col\">SIRET</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < l.n && i < 1000; i++) {
        html_rawf(b, "<tr><td>%lld</td><th scope=\"row\"><a href=\"/admin/structures/%lld\">",
                  l.v[i].id, l.v[i].id);
        html_txt(b, l.v[i].nom);
        html_raw(b, "</a></th><td>");
        html_txt(b, l.v[i].commune_nom[0] ? l.v[i].commune_nom : l.v[i].commune_code);
        html_raw(b, "</td><td>");
        html_txt(b, l.v[i].pivot);
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody></table></div>\n");
    structure_list_free(&l);
    if (may_create(rq->actor)) {
        html_raw(b, "<h2>Créer une structure</h2>\n<form method=\"post\" action=\"/admin/structures\" "
                    "class=\"formulaire\">\n");
        form_csrf_field(b, rq, rs);
        struct structure empty = {0};
        structure_fields(b, form ? form : &empty, err);
        html_raw(b, "<p><button type=\"submit\">Créer la structure</button></p>\n</form>\n");
    }
    page_end(b, rq);
    page_finish(rs);
}

void page_admin_structures(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    if (strcmp(rq->method, "POST") != 0) {
        list_page(rq, rs, NULL, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    struct structure s = {0};
    read_structure(rq, &s);
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    long long id;
    int fr = structures_create_flow(rq->db, &fc, &s, &id);
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
    } else if (fr == FLOW_FORBIDDEN) {
        page_forbidden(rq, rs, fc.msg);
    } else if (fr == FLOW_INVALID) {
        rs->status = 422;
        list_page(rq, rs, &s, &fc);
        rs->status = 422;
    } else {
        char loc[64];
        snprintf(loc, sizeof loc, "/admin/structures/%lld?fait=enregistre", id);
        resp_redirect(rs, loc);
    }
}

static void one_page(const struct request *rq, struct response *rs, const struct structure *s,
                     const struct structure *form, const struct flow_ctx *err)
{
    struct structure_places pl;
    if (structures_places(rq->db, s->id, &pl) < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, s->nom);
    html_raw(b, "<h1>");
    html_txt(b, s->nom);
    html_raw(b, "</h1>\n");
    page_notice(b, rq);
    char token[64] = "";
    form_csrf_token(rq, token);
    html_raw(b, "<h2>Ses lieux</h2>\n");
    if (pl.n == 0)
        html_raw(b, "<p>Aucun lieu n'est encore rattaché à cette structure.</p>\n");
    html_raw(b, "<ul class=\"liste-lieux\">\n");
    long long last = -1;
    for (size_t i = 0; i < pl.n; i++) {
        if (pl.v[i].lieu_pid == last)
            continue; /* several sources of one place */
        last = pl.v[i].lieu_pid;
        html_raw(b, "<li>");
        if (pl.v[i].lieu_pid) {
            html_rawf(b, "<a href=\"/lieu/%lld\">", pl.v[i].lieu_pid);
            html_txt(b, pl.v[i].nom);
            html_raw(b, "</a> (");
            html_txt(b, pl.v[i].commune);
            html_rawf(b, ") — <a href=\"/lieu/%lld/modifier\">modifier la fiche<span "
                         "class=\"visuellement-cache\"> ", pl.v[i].lieu_pid);
            html_txt(b, pl.v[i].nom);
            html_raw(b, "</span></a>");
            if (may_create(rq->actor)) {
                html_rawf(b, " <form class=\"enligne\" method=\"post\" "
                             "action=\"/admin/structures/%lld\">", s->id);
                html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
                html_attr(b, token);
                html_rawf(b, "\"><input type=\"hidden\" name=\"action\" value=\"delier\">"
                             "<input type=\"hidden\" name=\"lieu\" value=\"%lld\">",
                          pl.v[i].lieu_pid);
                html_raw(b, "<button type=\"submit\" class=\"secondaire petit\">Détacher<span "
                            "class=\"visuellement-cache\"> ");
                html_txt(b, pl.v[i].nom);
                html_raw(b, "</span></button></form>");
            }
        } else {
            html_txt(b, pl.v[i].nom);
            html_raw(b, " (retiré par sa source)");
        }
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul>\n");
    structure_places_free(&pl);
    const char *f = err && err->field ? err->field : "";
    if (may_create(rq->actor)) {
        struct form_field lf = {.name = "lieu", .label = "Numéro du lieu",
                                .hint = "Le nombre à la fin de l'adresse de sa page : /lieu/12 a "
                                        "le numéro 12.",
                                .value = query_get(&rq->query, "lieu"),
                                .error = strcmp(f, "lieu") == 0 ? err->msg : NULL};
        html_raw(b, "<h2>Rattacher un lieu</h2>\n");
        html_rawf(b, "<form method=\"post\" action=\"/admin/structures/%lld\" class=\"formulaire\">\n",
                  s->id);
        form_csrf_field(b, rq, rs);
        html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"lier\">\n");
        form_text(b, &lf);
        html_raw(b, "<p><button type=\"submit\">Rattacher</button></p>\n</form>\n");
    }
    html_raw(b, "<h2>Informations</h2>\n");
    html_rawf(b, "<form method=\"post\" action=\"/admin/structures/%lld\" class=\"formulaire\">\n",
              s->id);
    form_csrf_field(b, rq, rs);
    html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"modifier\">\n");
    structure_fields(b, form ? form : s, strcmp(f, "lieu") == 0 ? NULL : err);
    html_raw(b, "<p><button type=\"submit\">Enregistrer</button></p>\n</form>\n"
                "<p><a href=\"/admin/comptes#inviter\">Inviter un membre de l'équipe</a> (numéro de "
                "la structure : ");
    html_rawf(b, "%lld", s->id);
    html_raw(b, ")</p>\n");
    page_end(b, rq);
    page_finish(rs);
}

void page_admin_structure(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    char *end;
    long long id = strtoll(rq->captures[0], &end, 10);
    struct structure s;
    int k = *end || id <= 0 ? 0 : structures_get(rq->db, id, &s);
    if (k < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct authz_resource r = {.structure_id = id};
    int allowed = k ? authz_allowed(rq->db, rq->actor, AZ_STRUCTURE_EDIT, &r) : 0;
    if (allowed < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (!k || !allowed) {
        page_forbidden(rq, rs, "Cette structure n'existe pas ou n'est pas dans votre périmètre.");
        return;
    }
    if (strcmp(rq->method, "POST") != 0) {
        one_page(rq, rs, &s, NULL, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    const char *action = param(rq, "action");
    struct flow_ctx fc = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    struct structure form = s;
    int fr;
    if (strcmp(action, "modifier") == 0) {
        read_structure(rq, &form);
        fr = structures_update_flow(rq->db, &fc, &form);
    } else if (strcmp(action, "lier") == 0 || strcmp(action, "delier") == 0) {
        long long pid = strtoll(param(rq, "lieu"), &end, 10);
        if (*end || pid <= 0) {
            fc.field = "lieu";
            snprintf(fc.msg, sizeof fc.msg, "Indiquez le numéro du lieu (un nombre).");
            fr = FLOW_INVALID;
        } else {
            fr = structures_link_flow(rq->db, &fc, id, pid, action[0] == 'l');
        }
    } else {
        resp_html_error(rq, rs, 400, "Action inconnue", "Action non reconnue.");
        return;
    }
    if (fr == FLOW_ERROR) {
        page_db_error(rq, rs);
    } else if (fr == FLOW_FORBIDDEN) {
        page_forbidden(rq, rs, fc.msg);
    } else if (fr == FLOW_INVALID) {
        rs->status = 422;
        one_page(rq, rs, &s, strcmp(action, "modifier") == 0 ? &form : NULL, &fc);
        rs->status = 422;
    } else {
        char loc[64];
        snprintf(loc, sizeof loc, "/admin/structures/%lld?fait=enregistre", id);
        resp_redirect(rs, loc);
    }
}
