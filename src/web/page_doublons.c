/* page_doublons.c - GET /doublons: review of the last deduplication.
 *
 * The candidate pairs of source places compared by the last publication
 * (table dedup_pair), highest score first, 50 per page (?page=N): both
 * places (name, commune, source and its identifier as the CLI expects
 * them, link to the published place holding each), the three scores and
 * the decision. POST /doublons records a coordinator's decision on two
 * records (lieux_decide_flow: both within their territory), kept across
 * re-imports; the form is shown to administrators and coordinators, and
 * the command line does the same (`lieux dedup --jamais|--toujours`). */
#include <stdlib.h>
#include <string.h>

#include "comptes/authz.h"
#include "lieux/ecriture.h"
#include "lieux/listings.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages.h"

#define PER_PAGE 50

static const char *decision_label(const char *d)
{
    if (strcmp(d, "doublon") == 0)
        return "Réunis (même lieu)";
    if (strcmp(d, "fusion imposée") == 0)
        return "Réunis sur décision";
    if (strcmp(d, "séparation imposée") == 0)
        return "Séparés sur décision";
    if (strcmp(d, "distincts") == 0)
        return "Distincts";
    return d;
}

static void side(struct buf *b, const struct listing_pair_side *s)
{
    html_raw(b, "<td>");
    if (s->lieu_id > 0) {
        html_raw(b, "<a href=\"/lieu/");
        html_rawf(b, "%lld", s->lieu_id);
        html_raw(b, "\">");
        html_txt(b, s->nom);
        html_raw(b, "</a>");
    } else {
        html_txt(b, s->nom);
    }
    html_raw(b, "<br><span class=\"aide\">");
    html_txt(b, s->adresse);
    if (s->adresse[0] && s->commune[0])
        html_raw(b, ", ");
    html_txt(b, s->commune);
    if (s->retired)
        html_raw(b, " (retiré de sa source)");
    html_raw(b, "</span><br><code>");
    html_txt(b, s->source);
    html_raw(b, ":");
    html_txt(b, s->source_id);
    html_raw(b, "</code></td>");
}

static int decides(const struct actor *a)
{
    return actor_has_role(a, ROLE_ADMIN) || actor_has_role(a, ROLE_COORDINATEUR);
}

static void decision_form(struct buf *b, const struct request *rq, struct response *rs,
                          const char *error)
{
    struct form_field f[] = {
        {.name = "a", .label = "Fiche 1 (SOURCE:ID)", .required = 1,
         .value = query_get(&rq->query, "a"), .error = error},
        {.name = "b", .label = "Fiche 2 (SOURCE:ID)", .required = 1,
         .value = query_get(&rq->query, "b")},
        {.name = "motif", .label = "Motif (pour le journal)", .value = query_get(&rq->query, "motif")},
    };
    html_raw(b, "<h2>Enregistrer une décision</h2>\n");
    form_errors(b, f, 3);
    html_raw(b, "<form method=\"post\" action=\"/doublons\" class=\"formulaire\">\n");
    form_csrf_field(b, rq, rs);
    for (int i = 0; i < 3; i++)
        form_text(b, &f[i]);
    html_raw(b, "<fieldset><legend>Décision</legend><ul class=\"cases\">"
                "<li><label><input type=\"radio\" name=\"decision\" value=\"toujours\" "
                "required> Toujours les réunir (même lieu)</label></li>"
                "<li><label><input type=\"radio\" name=\"decision\" value=\"jamais\"> Ne "
                "jamais les réunir (deux lieux distincts)</label></li></ul></fieldset>\n"
                "<p><button type=\"submit\">Enregistrer</button></p>\n</form>\n");
}

static void post_decision(const struct request *rq, struct response *rs);

void page_doublons(const struct request *rq, struct response *rs)
{
    if (strcmp(rq->method, "POST") == 0) {
        post_decision(rq, rs);
        return;
    }
    long page;
    if (page_param_int(rq, "page", 1, 100000, &page) < 0) {
        resp_html_error(rq, rs, 400, "Numéro de page incorrect",
                        "Le numéro de page doit être un nombre entier à partir de 1.");
        return;
    }
    long total = listing_pairs_count(rq->db);
    struct listing_pair *v = malloc(PER_PAGE * sizeof *v);
    int n = total < 0 || !v ? -1 : listing_pairs(rq->db, (page - 1) * PER_PAGE, PER_PAGE, v);
    if (n < 0) {
        if (!v) {
            rs->body.oom = 1;
            page_finish(rs);
        } else {
            page_db_error(rq, rs);
        }
        free(v);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, page > 1 ? "Doublons possibles (suite)" : "Doublons possibles");
    html_raw(b, "<h1>Doublons possibles</h1>\n"
                "<p>Un même lieu arrive souvent par plusieurs sources. Passerelle compare les "
                "fiches d'une même commune et réunit celles qui se ressemblent assez. Voici "
                "les paires comparées lors du dernier rapprochement, des plus ressemblantes "
                "aux moins ressemblantes. Le score, sur 100, est la moyenne de trois "
                "ressemblances : le nom, l'adresse et la distance entre les deux points.</p>\n"
                "<p>Un coordinateur peut décider qu'une paire est toujours le même lieu, ou "
                "jamais : la décision est gardée aux imports suivants. Connecté, il la saisit "
                "avec les identifiants des deux fiches (colonne « Fiche ») dans le formulaire "
                "en bas de page ; l'équipe technique peut aussi lancer <code>passerelle lieux "
                "dedup --jamais SOURCE:ID SOURCE:ID</code> (ou <code>--toujours</code>).</p>\n");
    page_notice(b, rq);
    if (total == 0) {
        html_raw(b, "<p>Aucune paire à examiner : aucun rapprochement n'a encore trouvé de "
                    "fiches ressemblantes.</p>\n");
    } else {
        html_raw(b, "<p>");
        page_count(b, total, "paire", "paires");
        html_raw(b, " au total.</p>\n");
        html_raw(b, "<div class=\"defile\" role=\"region\" aria-labelledby=\"t-paires\" "
                    "tabindex=\"0\">\n<table class=\"paires\">\n"
                    "<caption id=\"t-paires\">Paires de fiches comparées, par score "
                    "décroissant</caption>\n<thead><tr><th scope=\"col\">Score</th>"
                    "<th scope=\"col\">Fiche 1</th><th scope=\"col\">Fiche 2</th>"
                    "<th scope=\"col\">Nom</th><th scope=\"col\">Adresse</th>"
                    "<th scope=\"col\">Distance</th><th scope=\"col\">Décision</th></tr>"
                    "</thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct listing_pair *p = &v[i];
            html_rawf(b, "<tr><th scope=\"row\">%d</th>", p->score);
            side(b, &p->a);
            side(b, &p->b);
            html_rawf(b, "<td>%d</td><td>%d</td><td>%d</td><td>", p->nom, p->voie,
                      p->distance);
            html_txt(b, decision_label(p->decision));
            html_raw(b, "</td></tr>\n");
        }
        html_raw(b, "</tbody>\n</table>\n</div>\n");
        if (n == 0)
            html_raw(b, "<p>Il n'y a plus de paires sur cette page.</p>\n");
    }
    page_pager(b, "/doublons?", page, (total + PER_PAGE - 1) / PER_PAGE);
    if (rq->actor && decides(rq->actor))
        decision_form(b, rq, rs, NULL);
    page_end(b, rq);
    page_finish(rs);
    free(v);
}

static void post_decision(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs))
        return;
    const char *a = query_get(&rq->query, "a"), *b = query_get(&rq->query, "b");
    const char *decision = query_get(&rq->query, "decision");
    struct lieux_write_ctx c = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    struct lieux_write w;
    lieux_decide_flow(rq->db, &c, a ? a : "", b ? b : "", decision ? decision : "",
                      query_get(&rq->query, "motif"), &w);
    if (w.status == LW_UPDATED) {
        resp_redirect(rs, "/doublons?fait=enregistre");
    } else if (w.status == LW_ERROR) {
        page_db_error(rq, rs);
    } else if (w.status == LW_FORBIDDEN) {
        page_forbidden(rq, rs, w.msg);
    } else {
        struct buf *bb = &rs->body;
        rs->status = 422;
        page_begin(bb, rq, "Doublons possibles : décision");
        html_raw(bb, "<h1>Enregistrer une décision</h1>\n");
        decision_form(bb, rq, rs, w.msg);
        page_end(bb, rq);
        page_finish(rs);
        rs->status = 422;
    }
}
