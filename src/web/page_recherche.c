/* page_recherche.c - GET /recherche: the results of a search.
 *
 * Parses the parameters shared with the API (http/search_params.h), runs
 * lieux_search() and lists the places: nearest first when a commune or a
 * point was given (with the distance), by name otherwise. Each result says
 * whether the place is open now. The form is repeated above the results
 * with the visitor's values; a bad value gives a 400 page with the error
 * next to the form (role="alert"). Pages hold at most PAGE_SIZE_MAX
 * results to stay light. */
#include <stdlib.h>
#include <string.h>

#include "http/search_params.h"
#include "lieux/search.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages.h"

#define PAGE_SIZE_MAX 40

/* The plain-text (unescaped) description of where and what was searched. */
static void where_text(struct buf *b, const struct request *rq, const struct search_params *p)
{
    if (p->has_where) {
        buf_puts(b, p->located ? " près de " : " à ");
        buf_puts(b, p->where.nom);
        buf_puts(b, " (");
        buf_puts(b, p->where.code);
        buf_puts(b, ")");
    } else if (p->located) {
        buf_puts(b, " près du point indiqué");
    } else if (p->q.niveau && p->q.code) {
        struct territoire t;
        int n = territoire_niveau_parse(p->q.niveau);
        if (n >= 0 && territoires_get(rq->db, (enum territoire_niveau)n, p->q.code, &t) == 1) {
            buf_puts(b, " dans ");
            buf_puts(b, t.niveau == TERRITOIRE_COMMUNE ? "la commune" :
                        t.niveau == TERRITOIRE_EPCI ? "l'intercommunalité" :
                        t.niveau == TERRITOIRE_DEPARTEMENT ? "le département" : "la région");
            buf_puts(b, " ");
            buf_puts(b, t.nom);
            buf_puts(b, " (");
            buf_puts(b, t.code);
            buf_puts(b, ")");
        } else {
            buf_puts(b, " dans le territoire ");
            buf_puts(b, p->q.code);
        }
    }
    if (p->texte && *p->texte) {
        buf_puts(b, " pour « ");
        buf_puts(b, p->texte);
        buf_puts(b, " »");
    }
}

static void address(struct buf *b, const struct lieu *l)
{
    html_txt(b, lieu_get(l, LF_ADRESSE));
    if (l->f[LF_COMPLEMENT_ADRESSE]) {
        html_raw(b, ", ");
        html_txt(b, l->f[LF_COMPLEMENT_ADRESSE]);
    }
    html_raw(b, ", ");
    html_txt(b, lieu_get(l, LF_CODE_POSTAL));
    html_raw(b, " ");
    html_txt(b, lieu_get(l, LF_COMMUNE));
}

static void result(struct buf *b, const struct request *rq, const struct lieux_hit *h)
{
    html_raw(b, "<li class=\"resultat\">\n<h2><a href=\"/lieu/");
    html_rawf(b, "%lld", h->id);
    html_raw(b, "\">");
    html_txt(b, lieu_get(&h->l, LF_NOM));
    html_raw(b, "</a></h2>\n<p class=\"adresse\">");
    address(b, &h->l);
    html_raw(b, "</p>\n<p class=\"infos\">");
    if (h->km >= 0) {
        html_raw(b, "<span class=\"distance\">à ");
        page_km(b, h->km);
        html_raw(b, "</span> ");
    }
    switch (lieux_open_at(&h->l, rq->now)) {
    case 1: html_raw(b, "<span class=\"etat ouvert\">Ouvert maintenant</span>"); break;
    case 0: html_raw(b, "<span class=\"etat ferme\">Fermé en ce moment</span>"); break;
    default:
        if (h->l.f[LF_HORAIRES])
            html_raw(b, "<span class=\"etat inconnu\">Horaires sur la fiche du lieu</span>");
        else
            html_raw(b, "<span class=\"etat inconnu\">Horaires non renseignés</span>");
    }
    if (lieu_list_has(h->l.f[LF_ITINERANCE], "Itinérant"))
        html_raw(b, " <span class=\"etat\">Itinérant</span>");
    html_raw(b, "</p>\n");
    if (h->l.f[LF_SERVICES]) {
        html_raw(b, "<ul class=\"etiquettes\" aria-label=\"Services\">\n");
        page_list_items(b, h->l.f[LF_SERVICES]);
        html_raw(b, "</ul>\n");
    }
    html_raw(b, "</li>\n");
}

/* exact: total is the number of all matches; otherwise (nearest first,
 * the search stopped growing its radius) only whether more exist. */
static void pagination(struct buf *b, const struct request *rq, const struct search_params *p,
                       long total, int exact)
{
    struct buf prefix = BUF_INIT;
    html_raw(&prefix, "/recherche?");
    size_t before = prefix.len;
    search_params_href(rq, &prefix);
    if (prefix.len > before)
        html_raw(&prefix, "&amp;");
    if (prefix.oom)
        b->oom = 1;
    else
        page_pager(b, prefix.s, p->page,
                   exact ? (total + p->limite - 1) / p->limite
                         : total > (long)p->q.offset + p->limite ? -1 : p->page);
    buf_free(&prefix);
}

void page_recherche(const struct request *rq, struct response *rs)
{
    struct buf *b = &rs->body;
    struct search_params p;
    int rc = search_params_parse(rq, &p);
    if (rc == -2) {
        page_db_error(rq, rs);
        return;
    }
    if (rc < 0) {
        rs->status = 400;
        page_begin(b, rq, "Erreur dans la recherche");
        html_raw(b, "<h1>Une information est à corriger</h1>\n");
        page_search_form(b, rq, 0, p.error);
        page_end(b, rq);
        page_finish(rs);
        return;
    }
    if (!p.any) {
        page_begin(b, rq, "Chercher un lieu");
        html_raw(b, "<h1>Chercher un lieu</h1>\n<p class=\"intro\">Indiquez une commune, un "
                    "code postal ou le nom d'un lieu, puis appuyez sur « Chercher ».</p>\n");
        page_search_form(b, rq, 0, NULL);
        page_end(b, rq);
        page_finish(rs);
        return;
    }
    if (p.limite > PAGE_SIZE_MAX) {
        p.limite = PAGE_SIZE_MAX;
        p.q.limit = p.limite;
        p.q.offset = (p.page - 1) * p.limite;
    }
    struct lieux_results r;
    if (lieux_search(rq->db, &p.q, &r) < 0) {
        page_db_error(rq, rs);
        return;
    }

    /* Plain text, escaped when printed in <title> and <h1>. */
    /* Nearest first, the search counts only the places within the radius
     * it needed: the total is exact only when it is below what was asked. */
    int exact = !p.located || r.total < (long)p.q.offset + p.q.limit;
    struct buf title = BUF_INIT;
    if (r.total == 0)
        buf_puts(&title, "Aucun lieu");
    else if (!exact)
        buf_puts(&title, "Les lieux");
    else
        page_count(&title, r.total, "lieu", "lieux");
    where_text(&title, rq, &p);
    if (p.page > 1)
        buf_printf(&title, ", page %d", p.page);
    page_begin(b, rq, title.s ? title.s : "Résultats de recherche");
    html_raw(b, "<h1>");
    html_txt(b, title.s);
    html_raw(b, "</h1>\n");
    buf_free(&title);
    page_search_form(b, rq, 1, NULL);

    if (r.total == 0) {
        html_raw(b, "<p>Aucun lieu ne correspond à votre recherche. Essayez avec moins de "
                    "critères, ou avec une commune voisine.</p>\n");
    } else if (r.n == 0) {
        html_raw(b, "<p>Il n'y a plus de résultats sur cette page.</p>\n");
    } else {
        html_raw(b, "<h2 class=\"discret\">Résultats</h2>\n");
        html_raw(b, p.located ? "<p class=\"aide\">Du plus proche au plus éloigné.</p>\n"
                              : "<p class=\"aide\">Lieux classés par nom.</p>\n");
        html_rawf(b, "<ol class=\"resultats\" start=\"%d\">\n", p.q.offset + 1);
        for (size_t i = 0; i < r.n; i++)
            result(b, rq, &r.v[i]);
        html_raw(b, "</ol>\n");
    }
    pagination(b, rq, &p, r.total, exact);
    lieux_results_free(&r);
    page_end(b, rq);
    page_finish(rs);
}
