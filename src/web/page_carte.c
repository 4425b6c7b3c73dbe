/* page_carte.c - GET /carte: the national map of places by département.
 *
 * A choropleth of published places per 10,000 inhabitants (up to 5 classes
 * of about equal size, class 0 for none) of metropolitan France with the
 * five overseas départements in insets, each département linking to its
 * page; the legend; national figures; the régions as links; and the same
 * figures as a table (the map's text alternative). Collectivities without
 * a contour (zone "com") appear in the table only. */
#include <stdlib.h>
#include <string.h>

#include "territoires/territoires.h"
#include "web/html.h"
#include "web/layout.h"
#include "lieux/listings.h"
#include "web/pages.h"
#include "store/cache.h"
#include "web/svgmap.h"

#define MAP_BYTES 24000

static int cmp_code(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The régions, by code (the official order), as links. */
static void regions_list(struct buf *b, const struct request *rq,
                         const struct listing_departement *v, size_t n)
{
    /* Distinct région codes, in the order of their first département. */
    char seen[32][4];
    size_t nseen = 0;
    for (size_t i = 0; i < n && nseen < 32; i++) {
        int dup = !v[i].region[0];
        for (size_t k = 0; k < nseen && !dup; k++)
            dup = strcmp(seen[k], v[i].region) == 0;
        if (!dup)
            memcpy(seen[nseen++], v[i].region, 4);
    }
    if (!nseen)
        return;
    qsort(seen, nseen, sizeof *seen, cmp_code);
    html_raw(b, "<section aria-labelledby=\"t-regions\">\n<h2 id=\"t-regions\">Les régions"
                "</h2>\n<ul class=\"colonnes\">\n");
    for (size_t k = 0; k < nseen; k++) {
        struct territoire r;
        if (territoires_get(rq->db, TERRITOIRE_REGION, seen[k], &r) != 1)
            continue;
        html_raw(b, "<li><a href=\"");
        page_territoire_href(b, TERRITOIRE_REGION, r.code);
        html_raw(b, "\">");
        html_txt(b, r.nom);
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "</ul>\n</section>\n");
}

void page_carte(const struct request *rq, struct response *rs)
{
    struct listing_departement *v;
    size_t n;
    if (listing_departements(rq->db, &v, &n) < 0) {
        page_db_error(rq, rs);
        return;
    }
    double *rates = malloc((n ? n : 1) * sizeof *rates);
    long *counts = malloc((n ? n : 1) * sizeof *counts);
    struct svgmap *m = svgmap_new(600, "Carte de France des lieux de médiation numérique, "
                                       "par département",
                                  "Nombre de lieux pour 10 000 habitants dans chaque "
                                  "département. Les départements d'outre-mer sont dans "
                                  "des encadrés sous la carte.");
    struct buf *b = &rs->body;
    if (!rates || !counts || !m) {
        free(rates);
        free(counts);
        free(v);
        svgmap_free(m);
        b->oom = 1;
        page_finish(rs);
        return;
    }
    long total = 0, pop = 0;
    for (size_t i = 0; i < n; i++) {
        rates[i] = page_rate(v[i].lieux, v[i].population);
        counts[i] = v[i].lieux;
        total += v[i].lieux;
        if (v[i].population > 0)
            pop += v[i].population;
    }
    struct page_classes cls;
    page_classes_make(&cls, rates, counts, n);

    /* The map (thousands of contour points) is rendered once per data
     * version and kept in the cache; the figures around it are live. */
    size_t cached_len = 0;
    char *cached = cache_get(rq->db, "carte/france", &cached_len);
    svgmap_set_overseas_insets(m, 1);
    svgmap_set_max_bytes(m, MAP_BYTES);
    int nshapes = 0;
    struct buf title = BUF_INIT, href = BUF_INIT;
    for (size_t i = 0; i < n && !cached; i++) {
        if (strcmp(v[i].zone, "com") == 0)
            continue;
        char *geo = territoires_contour(rq->db, TERRITOIRE_DEPARTEMENT, v[i].code);
        if (!geo)
            continue;
        buf_reset(&title);
        buf_puts(&title, v[i].nom);
        buf_puts(&title, " : ");
        page_count(&title, v[i].lieux, "lieu", "lieux");
        if (rates[i] >= 0) {
            buf_puts(&title, ", ");
            page_rate_txt(&title, rates[i], v[i].lieux);
            buf_puts(&title, " pour 10\xc2\xa0" "000 habitants");
        }
        buf_reset(&href);
        page_territoire_href(&href, TERRITOIRE_DEPARTEMENT, v[i].code);
        int k = page_class_of(&cls, rates[i], v[i].lieux);
        if (!title.oom && !href.oom &&
            svgmap_add_shape(m, geo, page_class_css(k), title.s, href.s, NULL) == 0)
            nshapes++;
        free(geo);
    }
    buf_free(&title);
    buf_free(&href);

    page_begin(b, rq, "Carte des lieux par département");
    html_raw(b, "<h1>Carte des lieux par département</h1>\n<ul class=\"chiffres\">\n"
                "<li><strong>");
    page_int(b, total);
    html_raw(b, "</strong> lieux de médiation numérique en France</li>\n");
    if (pop > 0) {
        html_raw(b, "<li><strong>");
        page_rate_txt(b, page_rate(total, pop), total);
        html_raw(b, "</strong> lieux pour 10" "\xc2\xa0" "000 habitants en moyenne</li>\n");
    }
    html_raw(b, "</ul>\n<p>Plus la couleur est foncée, plus il y a de lieux pour le nombre "
                "d'habitants. Choisissez un département pour voir ses communes et ses "
                "lieux.</p>\n");
    if (cached) {
        buf_add(b, cached, cached_len);
        free(cached);
    } else if (nshapes > 0) {
        size_t start = b->len;
        html_raw(b, "<div class=\"carte\">\n");
        if (svgmap_render(m, b) < 0)
            b->oom = 1;
        html_raw(b, "</div>\n");
        page_classes_legend(b, &cls, "Lieux pour 10 000 habitants");
        if (!b->oom)
            cache_put(rq->db, "carte/france", b->s + start, b->len - start);
    } else {
        html_raw(b, "<p>La carte n'est pas disponible : les contours des départements "
                    "n'ont pas été chargés.</p>\n");
    }
    html_raw(b, "<details class=\"tableau\">\n<summary>Voir les chiffres sous forme de "
                "tableau</summary>\n<table>\n<caption>Lieux par département</caption>\n"
                "<thead><tr><th scope=\"col\">Département</th><th scope=\"col\">Lieux</th>"
                "<th scope=\"col\">Habitants</th><th scope=\"col\">Pour 10" "\xc2\xa0"
                "000 hab.</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        html_raw(b, "<tr><th scope=\"row\"><a href=\"");
        page_territoire_href(b, TERRITOIRE_DEPARTEMENT, v[i].code);
        html_raw(b, "\">");
        html_txt(b, v[i].code);
        html_raw(b, " ");
        html_txt(b, v[i].nom);
        html_raw(b, "</a></th><td>");
        page_int(b, v[i].lieux);
        html_raw(b, "</td><td>");
        if (v[i].population >= 0)
            page_int(b, v[i].population);
        html_raw(b, "</td><td>");
        page_rate_txt(b, rates[i], v[i].lieux);
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table>\n</details>\n");
    regions_list(b, rq, v, n);
    page_end(b, rq);
    page_finish(rs);
    svgmap_free(m);
    free(rates);
    free(counts);
    free(v);
}
