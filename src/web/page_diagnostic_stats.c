/* page_diagnostic_stats.c - GET /diagnostic/statistiques: the aggregated
 * results of finished diagnostics (diagnostic/stats.h) for France or a
 * territory (?niveau=region|departement|epci|commune&code=...), with the
 * small counts suppressed ("moins de 10"). Public: nothing here can point
 * to a person. The same figures as JSON: /api/v1/diagnostic/statistiques. */
#include <stdio.h>
#include <string.h>

#include "diagnostic/stats.h"
#include "web/diag_view.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_diagnostic.h"

static void cell(struct diag_view *v, long n, long total)
{
    struct buf *b = v->b;
    html_raw(b, "<td>");
    if (n < 0) {
        dv_txt(v, "stats_secret");
    } else {
        page_int(b, n);
        if (total > 0)
            html_rawf(b, " <span class=\"diag-sec\">(%ld %%)</span>", (n * 100 + total / 2) / total);
    }
    html_raw(b, "</td>");
}

static const char *const levels[] = {"region", "departement", "epci", "commune"};

static void territory_form(struct diag_view *v, const char *niveau, const char *code)
{
    struct buf *b = v->b;
    html_raw(b, "<form method=\"get\" action=\"/diagnostic/statistiques\" class=\"diag-ou\">\n"
                "<div class=\"champ\"><label for=\"niveau\">");
    dv_txt(v, "stats_niveau");
    html_raw(b, "</label>\n<select id=\"niveau\" name=\"niveau\">\n<option value=\"\">");
    dv_txt(v, "stats_france");
    html_raw(b, "</option>\n");
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
        char key[32];
        snprintf(key, sizeof key, "stats_%s", levels[i]);
        html_raw(b, "<option value=\"");
        html_raw(b, levels[i]);
        html_raw(b, niveau && strcmp(niveau, levels[i]) == 0 ? "\" selected>" : "\">");
        dv_txt(v, key);
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select></div>\n");
    dv_field(v, "code", dv_t(v, "stats_code"), dv_t(v, "stats_code_aide"), code, NULL, "off", 0);
    html_raw(b, "<button type=\"submit\" class=\"bouton secondaire\">");
    dv_txt(v, "stats_voir");
    html_raw(b, "</button>\n</form>\n");
}

static void tag_table(struct diag_view *v, const char *caption_key, int freins,
                      const struct diag_stats *s)
{
    struct buf *b = v->b;
    const struct diag_ref *ref = v->ref;
    size_t n = freins ? ref->nfreins : ref->nbesoins;
    html_raw(b, "<div class=\"defile\"><table>\n<caption>");
    dv_txt(v, caption_key);
    html_raw(b, "</caption>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const char *id = freins ? ref->freins[i].id : ref->besoins[i].id;
        long c = 0;
        int m = freins ? s->c.nfreins : s->c.nbesoins;
        for (int k = 0; k < m; k++)
            if (strcmp(freins ? s->c.freins[k].id : s->c.besoins[k].id, id) == 0)
                c = freins ? s->c.freins[k].n : s->c.besoins[k].n;
        html_raw(b, "<tr><th scope=\"row\">");
        dv_tr(v, freins ? &ref->freins[i].nom : &ref->besoins[i].nom);
        html_raw(b, "</th>");
        cell(v, c, s->c.total);
        html_raw(b, "</tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
}

static void figures(struct diag_view *v, const struct diag_stats *s)
{
    struct buf *b = v->b;
    const struct diag_ref *ref = v->ref;
    long total = s->c.total;
    html_raw(b, "<ul class=\"chiffres\">\n<li><strong>");
    if (total < 0)
        dv_txt(v, "stats_secret");
    else
        page_int(b, total);
    html_raw(b, "</strong> ");
    dv_txt(v, "stats_diagnostics");
    html_raw(b, "</li>\n");
    if (s->c.duree_mediane >= 0) {
        html_raw(b, "<li><strong>");
        page_int(b, (s->c.duree_mediane + 30) / 60);
        html_raw(b, " min</strong> ");
        dv_txt(v, "stats_duree");
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul>\n");
    if (s->secret) {
        html_raw(b, "<p>");
        dv_msg_num(v, "stats_trop_peu", DIAG_STATS_MIN);
        html_raw(b, "</p>\n");
        return;
    }
    html_raw(b, "<div class=\"defile\"><table>\n<caption>");
    dv_txt(v, "stats_autonomie");
    html_raw(b, "</caption>\n<tbody>\n");
    for (int k = 1; k <= DIAG_STEPS; k++) {
        html_raw(b, "<tr><th scope=\"row\">");
        dv_tr(v, &ref->autonomie[k - 1].nom);
        html_raw(b, "</th>");
        cell(v, s->c.autonomie[k], total);
        html_raw(b, "</tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n<div class=\"defile\"><table>\n<caption>");
    dv_txt(v, "stats_domaines");
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">");
    dv_txt(v, "resultat_domaine");
    html_raw(b, "</th>");
    for (int lv = 0; lv <= DIAG_LEVELS; lv++) {
        html_raw(b, "<th scope=\"col\">");
        dv_tr(v, &ref->niveaux[lv].nom);
        html_raw(b, "</th>");
    }
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (size_t d = 0; d < ref->ndomaines; d++) {
        html_raw(b, "<tr><th scope=\"row\">");
        dv_tr(v, &ref->domaines[d].nom);
        html_raw(b, "</th>");
        int k;
        for (k = 0; k < s->c.ndom && strcmp(s->c.dom[k].id, ref->domaines[d].id) != 0; k++)
            ;
        for (int lv = 0; lv <= DIAG_LEVELS; lv++)
            cell(v, k < s->c.ndom ? s->c.dom[k].niveau[lv] : 0, total);
        html_raw(b, "</tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
    tag_table(v, "stats_freins", 1, s);
    tag_table(v, "stats_besoins", 0, s);
}

void page_diagnostic_stats(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    dv_init(&v, rq, rs, NULL);
    if (!v.ref) {
        dv_db_error(&v);
        return;
    }
    const char *niveau = query_get(&rq->query, "niveau");
    const char *code = query_get(&rq->query, "code");
    if (niveau && !*niveau)
        niveau = NULL;
    struct diag_filter f = {.niveau = niveau, .code = code};
    struct territoire t;
    int found = 1;
    if (niveau) {
        int lv = territoire_niveau_parse(niveau);
        found = lv >= 0 && diag_filter_ok(&f) == 0 && code && strlen(code) <= 10
                    ? territoires_get(rq->db, (enum territoire_niveau)lv, code, &t)
                    : 0;
        if (found < 0) {
            dv_db_error(&v);
            return;
        }
        if (found)
            f.code = t.code;
    }
    struct diag_stats s;
    if (found && diag_stats(rq->db, &f, &s) < 0) {
        dv_db_error(&v);
        return;
    }
    struct buf *b = &rs->body;
    if (!found)
        rs->status = 400;
    dv_begin(&v, dv_t(&v, "stats_titre"), NULL, 0);
    html_raw(b, "<h1>");
    dv_txt(&v, "stats_titre");
    if (niveau && found) {
        html_raw(b, " <span class=\"niveau\">");
        dv_fr(&v, t.nom);
        html_raw(b, "</span>");
    }
    html_raw(b, "</h1>\n<p>");
    dv_msg_num(&v, "stats_intro", DIAG_STATS_MIN);
    html_raw(b, "</p>\n");
    if (!found) {
        html_raw(b, "<p class=\"erreur\" role=\"alert\">");
        dv_txt(&v, "stats_territoire_inconnu");
        html_raw(b, "</p>\n");
    }
    territory_form(&v, niveau, code);
    if (found)
        figures(&v, &s);
    html_raw(b, "<p><a href=\"/api/v1/diagnostic/statistiques");
    if (niveau && found) {
        html_raw(b, "?niveau=");
        html_url_arg(b, niveau);
        html_raw(b, "&amp;code=");
        html_url_arg(b, f.code);
    }
    html_raw(b, "\">");
    dv_txt(&v, "stats_json");
    html_raw(b, "</a></p>\n");
    dv_end(&v);
}
