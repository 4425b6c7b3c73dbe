/* page_territoire.c - GET /territoire/{niveau}/{code}: a commune, an EPCI, a
 * département or a région.
 *
 * Name and level, key figures (population, published places, places per
 * 10,000 inhabitants), a breadcrumb to its parents, a server-side SVG map
 * with a text alternative (a table of the same figures), the first places
 * (link to the search for all of them) and the territories inside it.
 *   région       its départements, choropleth of places per 10,000
 *                inhabitants in up to 5 classes, each linking to its page;
 *   département  its communes, choropleth of the number of places (0, 1,
 *                2-4, 5-9, 10+) over the département's outline, and the
 *                places as points; when it has many communes, only those
 *                with places are drawn (the outline shows the others);
 *   EPCI         its member communes the same way, and the places;
 *   commune      its outline and its places.
 * A commune given by an old code, or a level spelt differently
 * ("département"), is redirected to the canonical address. Unknown level or
 * code: 404. The page stays under PAGE_MAX_BYTES: lists and tables are
 * capped, the map has a size goal. */
#include <stdlib.h>
#include <string.h>

#include "lieux/search.h"
#include "territoires/territoires.h"
#include "web/html.h"
#include "web/layout.h"
#include "lieux/listings.h"
#include "web/pages.h"
#include "web/svgmap.h"

#define LIST_MAX 50         /* places listed */
#define POINTS_MAX 150      /* places drawn as points (at most; see limits) */
#define ALL_COMMUNES_MAX 120 /* above: only communes with places are drawn */
#define TABLE_ALL_MAX 60    /* above: only the rows of children with places */

/* Caps of the lists and the map. A page that still comes out over
 * PAGE_MAX_BYTES is rendered again with the light ones. */
struct limits {
    size_t table_max;       /* rows of the figures table and child lists */
    size_t points_max;      /* points on a commune's or EPCI's map */
    size_t dep_points_max;  /* points on a département's map */
    size_t map_bytes;       /* size goal of the map */
};
static const struct limits normal = {150, POINTS_MAX, 100, 22000};
static const struct limits light = {40, 60, 0, 15000};

struct child {
    struct territoire_ref ref;
    long lieux;
    double rate;
    int cls;
};

/* Count classes of the commune maps. */
static int count_class(long n)
{
    return n <= 0 ? 0 : n == 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
}

static void count_legend(struct buf *b)
{
    static const char *const labels[] = {"aucun lieu", "1 lieu", "2 à 4 lieux", "5 à 9 lieux",
                                         "10 lieux ou plus"};
    static const char *const classes[] = {"c0", "c1", "c2", "c3", "c4"};
    svgmap_legend_html(b, labels, classes, 5, "Nombre de lieux par commune");
}

static void crumb(struct buf *b, const struct request *rq, enum territoire_niveau n,
                  const char *code)
{
    struct territoire p;
    if (!code[0] || territoires_get(rq->db, n, code, &p) != 1)
        return;
    html_raw(b, "<li><a href=\"");
    page_territoire_href(b, n, p.code);
    html_raw(b, "\">");
    html_txt(b, p.nom);
    html_raw(b, "</a></li>\n");
}

static void breadcrumb(struct buf *b, const struct request *rq, const struct territoire *t)
{
    html_raw(b, "<nav class=\"ariane\" aria-label=\"Fil d'Ariane\">\n<ol>\n"
                "<li><a href=\"/carte\">France</a></li>\n");
    if (t->niveau < TERRITOIRE_REGION)
        crumb(b, rq, TERRITOIRE_REGION, t->region);
    if (t->niveau < TERRITOIRE_DEPARTEMENT)
        crumb(b, rq, TERRITOIRE_DEPARTEMENT, t->departement);
    if (t->niveau == TERRITOIRE_COMMUNE)
        crumb(b, rq, TERRITOIRE_EPCI, t->epci);
    html_raw(b, "<li aria-current=\"page\">");
    html_txt(b, t->nom);
    html_raw(b, "</li>\n</ol>\n</nav>\n");
}

static void figures(struct buf *b, const struct territoire *t, long nlieux)
{
    html_raw(b, "<ul class=\"chiffres\">\n<li><strong>");
    page_int(b, nlieux);
    html_raw(b, "</strong> ");
    html_raw(b, nlieux > 1 ? "lieux de médiation numérique" : "lieu de médiation numérique");
    html_raw(b, "</li>\n");
    if (t->population >= 0) {
        html_raw(b, "<li><strong>");
        page_int(b, t->population);
        html_raw(b, "</strong> habitants</li>\n<li><strong>");
        page_rate_txt(b, page_rate(nlieux, t->population), nlieux);
        html_raw(b, "</strong> ");
        html_raw(b, nlieux > 1 ? "lieux" : "lieu");
        html_raw(b, " pour 10" "\xc2\xa0" "000 habitants</li>\n");
    }
    if (t->niveau != TERRITOIRE_COMMUNE && t->communes > 0) {
        html_raw(b, "<li><strong>");
        page_int(b, t->communes);
        html_raw(b, "</strong> ");
        html_raw(b, t->communes > 1 ? "communes" : "commune");
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul>\n");
}

/* Shape title: "Ain : 12 lieux, 1,8 pour 10 000 habitants" (plain text). */
static void shape_title(struct buf *t, const struct child *c, int with_rate)
{
    buf_reset(t);
    buf_puts(t, c->ref.nom);
    buf_puts(t, " : ");
    page_count(t, c->lieux, "lieu", "lieux");
    if (with_rate && c->rate >= 0) {
        buf_puts(t, ", ");
        page_rate_txt(t, c->rate, c->lieux);
        buf_puts(t, " pour 10\xc2\xa0" "000 habitants");
    }
}

/* The figures table (map's text alternative): every child when there are
 * at most TABLE_ALL_MAX, else only those with places; at most
 * lim->table_max rows. */
static void figures_table(struct buf *b, const struct child *v, size_t n, const char *caption,
                          const char *first_col, int with_rate, const struct limits *lim)
{
    size_t shown = 0, with_places = 0;
    for (size_t i = 0; i < n; i++)
        with_places += v[i].lieux > 0;
    int only_places = n > TABLE_ALL_MAX;
    html_raw(b, "<details class=\"tableau\">\n<summary>Voir les chiffres sous forme de tableau"
                "</summary>\n<table>\n<caption>");
    html_txt(b, caption);
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">");
    html_txt(b, first_col);
    html_raw(b, "</th><th scope=\"col\">Lieux</th><th scope=\"col\">Habitants</th>");
    if (with_rate)
        html_raw(b, "<th scope=\"col\">Lieux pour 10" "\xc2\xa0" "000 habitants</th>");
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n && shown < lim->table_max; i++) {
        const struct child *c = &v[i];
        if (only_places && c->lieux == 0)
            continue;
        shown++;
        html_raw(b, "<tr><th scope=\"row\"><a href=\"");
        page_territoire_href(b, c->ref.niveau, c->ref.code);
        html_raw(b, "\">");
        html_txt(b, c->ref.nom);
        html_raw(b, "</a></th><td>");
        page_int(b, c->lieux);
        html_raw(b, "</td><td>");
        if (c->ref.population >= 0)
            page_int(b, c->ref.population);
        else
            html_raw(b, "inconnu");
        html_raw(b, "</td>");
        if (with_rate) {
            html_raw(b, "<td>");
            page_rate_txt(b, c->rate, c->lieux);
            html_raw(b, "</td>");
        }
        html_raw(b, "</tr>\n");
    }
    html_raw(b, "</tbody>\n</table>\n");
    if (shown < n) {
        html_raw(b, "<p>");
        if (only_places && shown == with_places) {
            if (n - shown == 1) {
                html_raw(b, "Une autre commune n'a aucun lieu.</p>\n");
            } else {
                html_raw(b, "Les ");
                page_int(b, (long)(n - shown));
                html_raw(b, " autres communes n'ont aucun lieu.</p>\n");
            }
        } else {
            html_raw(b, "Tableau limité aux ");
            page_int(b, (long)shown);
            html_raw(b, " premières lignes.</p>\n");
        }
    }
    html_raw(b, "</details>\n");
}

/* Draws a map; returns 0, or -1 when nothing could be drawn. */
static int render_map(struct buf *b, struct svgmap *m, int nshapes)
{
    if (nshapes == 0)
        return -1;
    html_raw(b, "<div class=\"carte\">\n");
    if (svgmap_render(m, b) < 0)
        b->oom = 1;
    html_raw(b, "</div>\n");
    return 0;
}

static void add_points(struct svgmap *m, const struct lieux_results *r, int links, size_t max)
{
    if (r->n > max)
        return;
    struct buf href = BUF_INIT;
    for (size_t i = 0; i < r->n; i++) {
        const struct lieux_hit *h = &r->v[i];
        if (!h->l.has_coords)
            continue;
        buf_reset(&href);
        buf_printf(&href, "/lieu/%lld", h->id);
        svgmap_add_point(m, h->l.lat, h->l.lon, lieu_get(&h->l, LF_NOM),
                         links && !href.oom ? href.s : NULL, NULL);
    }
    buf_free(&href);
}

/* Map and table of the children (départements of a région, communes of a
 * département or EPCI). */
static void children_map(struct buf *b, const struct request *rq, const struct territoire *t,
                         struct child *v, size_t n, const struct lieux_results *places,
                         const struct limits *lim)
{
    int by_rate = t->niveau == TERRITOIRE_REGION;
    enum territoire_niveau cn = by_rate ? TERRITOIRE_DEPARTEMENT : TERRITOIRE_COMMUNE;
    struct page_classes cls;
    if (by_rate) {
        double *rates = malloc((n ? n : 1) * sizeof *rates);
        long *counts = malloc((n ? n : 1) * sizeof *counts);
        if (!rates || !counts) {
            free(rates);
            free(counts);
            b->oom = 1;
            return;
        }
        for (size_t i = 0; i < n; i++)
            rates[i] = v[i].rate, counts[i] = v[i].lieux;
        page_classes_make(&cls, rates, counts, n);
        free(rates);
        free(counts);
        for (size_t i = 0; i < n; i++)
            v[i].cls = page_class_of(&cls, v[i].rate, v[i].lieux);
    } else {
        for (size_t i = 0; i < n; i++)
            v[i].cls = count_class(v[i].lieux);
    }

    struct buf title = BUF_INIT, href = BUF_INIT;
    buf_puts(&title, by_rate ? "Carte des départements de la région " :
                     t->niveau == TERRITOIRE_EPCI ? "Carte des communes de l'intercommunalité " :
                                                    "Carte des communes du département ");
    buf_puts(&title, t->nom);
    buf_puts(&title, by_rate ? " : lieux pour 10 000 habitants" : " : nombre de lieux");
    struct svgmap *m = title.oom ? NULL : svgmap_new(600, title.s, NULL);
    if (!m) {
        buf_free(&title);
        b->oom = 1;
        return;
    }
    svgmap_set_max_bytes(m, lim->map_bytes);
    int nshapes = 0;
    int all = by_rate || n <= ALL_COMMUNES_MAX;
    if (!all) {
        /* The outline of the territory stands for the communes without places. */
        char *geo = territoires_contour(rq->db, t->niveau, t->code);
        if (geo && svgmap_add_shape(m, geo, "c0", t->nom, NULL, NULL) == 0)
            nshapes++;
        free(geo);
    }
    for (size_t i = 0; i < n; i++) {
        if (!all && v[i].lieux == 0)
            continue;
        char *geo = territoires_contour(rq->db, cn, v[i].ref.code);
        if (!geo)
            continue;
        shape_title(&title, &v[i], by_rate);
        buf_reset(&href);
        page_territoire_href(&href, cn, v[i].ref.code);
        if (!title.oom && !href.oom &&
            svgmap_add_shape(m, geo, page_class_css(v[i].cls), title.s, href.s, NULL) == 0)
            nshapes++;
        free(geo);
    }
    size_t max_points = t->niveau == TERRITOIRE_DEPARTEMENT ? lim->dep_points_max
                                                            : lim->points_max;
    if (!by_rate)
        add_points(m, places, 0, max_points);

    html_raw(b, "<section aria-labelledby=\"t-carte\">\n<h2 id=\"t-carte\">Carte</h2>\n");
    if (render_map(b, m, nshapes) < 0)
        html_raw(b, "<p>Pas de carte disponible pour ce territoire.</p>\n");
    else if (by_rate)
        page_classes_legend(b, &cls, "Lieux pour 10 000 habitants");
    else
        count_legend(b);
    if (!by_rate && places->n > 0 && places->n <= max_points)
        html_raw(b, "<p class=\"aide\">Les points rouges sont les lieux.</p>\n");
    if (!all)
        html_raw(b, "<p class=\"aide\">Seules les communes qui ont au moins un lieu sont "
                    "dessinées.</p>\n");
    figures_table(b, v, n, by_rate ? "Lieux par département" : "Lieux par commune",
                  by_rate ? "Département" : "Commune", by_rate, lim);
    html_raw(b, "</section>\n");
    svgmap_free(m);
    buf_free(&title);
    buf_free(&href);
}

static void commune_map(struct buf *b, const struct request *rq, const struct territoire *t,
                        const struct lieux_results *places, const struct limits *lim)
{
    char *geo = territoires_contour(rq->db, TERRITOIRE_COMMUNE, t->code);
    if (!geo)
        return;
    struct buf title = BUF_INIT;
    buf_puts(&title, "Carte de la commune ");
    buf_puts(&title, t->nom);
    buf_puts(&title, " et de ses lieux");
    struct svgmap *m = title.oom ? NULL : svgmap_new(600, title.s, NULL);
    buf_free(&title);
    if (!m) {
        free(geo);
        b->oom = 1;
        return;
    }
    svgmap_set_max_bytes(m, lim->map_bytes);
    if (svgmap_add_shape(m, geo, "commune", t->nom, NULL, NULL) == 0) {
        add_points(m, places, 1, lim->points_max);
        html_raw(b, "<section aria-labelledby=\"t-carte\">\n<h2 id=\"t-carte\">Carte</h2>\n");
        render_map(b, m, 1);
        if (places->n > 0 && places->n <= lim->points_max)
            html_raw(b, "<p class=\"aide\">Les points rouges sont les lieux.</p>\n");
        html_raw(b, "</section>\n");
    }
    svgmap_free(m);
    free(geo);
}

static void places_list(struct buf *b, const struct territoire *t,
                        const struct lieux_results *r, long nlieux)
{
    html_raw(b, "<section aria-labelledby=\"t-lieux\">\n<h2 id=\"t-lieux\">Les lieux</h2>\n");
    if (nlieux == 0) {
        html_raw(b, "<p>Aucun lieu n'est encore connu ici. Cherchez dans une commune "
                    "voisine depuis <a href=\"/\">l'accueil</a>.</p>\n</section>\n");
        return;
    }
    if (nlieux > LIST_MAX)
        html_rawf(b, "<p class=\"aide\">Les %d premiers, par ordre alphabétique.</p>\n",
                  LIST_MAX);
    html_raw(b, "<ul class=\"liste-lieux\">\n");
    for (size_t i = 0; i < r->n && i < LIST_MAX; i++) {
        const struct lieux_hit *h = &r->v[i];
        html_raw(b, "<li><a href=\"/lieu/");
        html_rawf(b, "%lld", h->id);
        html_raw(b, "\">");
        html_txt(b, lieu_get(&h->l, LF_NOM));
        html_raw(b, "</a> <span class=\"aide\">");
        if (t->niveau != TERRITOIRE_COMMUNE) {
            html_txt(b, lieu_get(&h->l, LF_COMMUNE));
        } else {
            html_txt(b, lieu_get(&h->l, LF_ADRESSE));
        }
        html_raw(b, "</span></li>\n");
    }
    html_raw(b, "</ul>\n<p><a href=\"/recherche?niveau=");
    html_raw(b, territoire_niveau_nom(t->niveau));
    html_raw(b, "&amp;code=");
    html_url_arg(b, t->code);
    html_raw(b, "\">");
    if (nlieux > LIST_MAX) {
        html_raw(b, "Voir les ");
        page_int(b, nlieux);
        html_raw(b, " lieux, avec leurs horaires");
    } else {
        html_raw(b, "Voir ces lieux avec leurs horaires et leurs services");
    }
    html_raw(b, "</a></p>\n</section>\n");
}

/* The territories inside: départements of a région, EPCIs of a
 * département, communes of an EPCI, as links. */
static void children_list(struct buf *b, const struct request *rq, const struct territoire *t,
                          const struct child *v, size_t n, const struct limits *lim)
{
    struct territoire_list l = {0};
    const char *h2;
    if (t->niveau == TERRITOIRE_DEPARTEMENT) {
        if (territoires_children(rq->db, t->niveau, t->code, TERRITOIRE_EPCI, &l) < 0 ||
            l.n == 0)
            return;
        h2 = "Intercommunalités du département";
    } else if (t->niveau == TERRITOIRE_REGION) {
        h2 = "Départements de la région";
    } else {
        /* EPCI: its communes are in the figures table already. */
        return;
    }
    html_raw(b, "<section aria-labelledby=\"t-dedans\">\n<h2 id=\"t-dedans\">");
    html_txt(b, h2);
    html_raw(b, "</h2>\n<ul class=\"colonnes\">\n");
    size_t count = l.n ? l.n : n;
    for (size_t i = 0; i < count && i < lim->table_max; i++) {
        const struct territoire_ref *r = l.n ? &l.v[i] : &v[i].ref;
        html_raw(b, "<li><a href=\"");
        page_territoire_href(b, r->niveau, r->code);
        html_raw(b, "\">");
        html_txt(b, r->nom);
        html_raw(b, "</a>");
        if (!l.n) {
            html_raw(b, " <span class=\"aide\">(");
            page_count(b, v[i].lieux, "lieu", "lieux");
            html_raw(b, ")</span>");
        }
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul>\n</section>\n");
    territoire_list_free(&l);
}

static void heading(struct buf *b, const struct territoire *t)
{
    html_raw(b, "<h1>");
    html_txt(b, t->nom);
    html_raw(b, " <span class=\"niveau\">— ");
    if (t->niveau == TERRITOIRE_EPCI)
        html_txt(b, page_epci_type(t->type));
    else
        html_txt(b, page_niveau_label(t->niveau));
    if (t->niveau != TERRITOIRE_EPCI) {
        html_raw(b, " (");
        html_txt(b, t->code);
        html_raw(b, ")");
    }
    html_raw(b, "</span></h1>\n");
}

/* The whole page into rs->body with the given caps. */
static void render(const struct request *rq, struct response *rs, const struct territoire *t,
                   long nlieux, struct child *v, size_t nv, const struct lieux_results *places,
                   const struct limits *lim)
{
    struct buf *b = &rs->body;
    struct buf title = BUF_INIT;
    buf_puts(&title, t->nom);
    buf_puts(&title, " — ");
    buf_puts(&title,
             t->niveau == TERRITOIRE_EPCI ? page_epci_type(t->type) : page_niveau_label(t->niveau));
    page_begin(b, rq, title.s ? title.s : "Territoire");
    buf_free(&title);
    breadcrumb(b, rq, t);
    heading(b, t);
    figures(b, t, nlieux);
    if (t->niveau == TERRITOIRE_COMMUNE)
        commune_map(b, rq, t, places, lim);
    else
        children_map(b, rq, t, v, nv, places, lim);
    places_list(b, t, places, nlieux);
    children_list(b, rq, t, v, nv, lim);
    page_end(b, rq);
}

void page_territoire(const struct request *rq, struct response *rs)
{
    if (rq->ncaptures < 2) {
        resp_html_error(rq, rs, 404, "Territoire introuvable", "Cette adresse est incomplète.");
        return;
    }
    int niveau = territoire_niveau_parse(rq->captures[0]);
    if (niveau < 0) {
        resp_html_error(rq, rs, 404, "Territoire introuvable",
                        "Les territoires sont des communes, des intercommunalités (epci), des "
                        "départements ou des régions.");
        return;
    }
    struct territoire t;
    int got = territoires_get(rq->db, (enum territoire_niveau)niveau, rq->captures[1], &t);
    if (got < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (got == 0) {
        resp_html_error(rq, rs, 404, "Territoire introuvable",
                        "Nous ne connaissons pas ce territoire. Vérifiez son code, ou cherchez "
                        "une commune depuis l'accueil.");
        return;
    }
    if (strcmp(rq->captures[0], territoire_niveau_nom(t.niveau)) != 0 ||
        strcmp(rq->captures[1], t.code) != 0) {
        struct buf loc = BUF_INIT;
        page_territoire_href(&loc, t.niveau, t.code);
        resp_redirect(rs, loc.oom ? "/carte" : loc.s);
        buf_free(&loc);
        return;
    }
    long nlieux = listing_count_lieux(rq->db, t.niveau, t.code);
    struct lieux_query q = {0};
    q.niveau = territoire_niveau_nom(t.niveau);
    q.code = t.code;
    q.limit = t.niveau == TERRITOIRE_REGION ? LIST_MAX : POINTS_MAX + 1;
    struct lieux_results places;
    if (nlieux < 0 || lieux_search(rq->db, &q, &places) < 0) {
        page_db_error(rq, rs);
        return;
    }

    struct child *v = NULL;
    size_t nv = 0;
    if (t.niveau != TERRITOIRE_COMMUNE) {
        enum territoire_niveau cn =
            t.niveau == TERRITOIRE_REGION ? TERRITOIRE_DEPARTEMENT : TERRITOIRE_COMMUNE;
        struct territoire_list l;
        struct listing_counts counts;
        if (territoires_children(rq->db, t.niveau, t.code, cn, &l) < 0) {
            lieux_results_free(&places);
            page_db_error(rq, rs);
            return;
        }
        if (listing_counts_by(rq->db, cn, t.niveau, t.code, &counts) < 0) {
            territoire_list_free(&l);
            lieux_results_free(&places);
            page_db_error(rq, rs);
            return;
        }
        v = calloc(l.n ? l.n : 1, sizeof *v);
        for (size_t i = 0; v && i < l.n; i++) {
            v[i].ref = l.v[i];
            v[i].lieux = listing_counts_get(&counts, l.v[i].code);
            v[i].rate = page_rate(v[i].lieux, l.v[i].population);
        }
        nv = v ? l.n : 0;
        if (!v)
            rs->body.oom = 1;
        territoire_list_free(&l);
        listing_counts_free(&counts);
    }

    const struct limits *lim = &normal;
    for (;;) {
        render(rq, rs, &t, nlieux, v, nv, &places, lim);
        if (rs->body.len < PAGE_MAX_BYTES || lim == &light)
            break;
        buf_reset(&rs->body);
        lim = &light;
    }
    page_finish(rs);
    free(v);
    lieux_results_free(&places);
}
