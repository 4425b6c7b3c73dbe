/* page_lieu.c - GET /lieu/{id}: one published place.
 *
 * Name, address, "open now", opening hours in words (one line per group of
 * days; hours that cannot be read are shown as given), contact (phone as a
 * tel: link in French grouping, e-mails, web sites, online booking),
 * services and the other enumerated fields, presentation, a small map of
 * the commune with the place, links to its territories, and where each
 * field came from (provenance of the merged record); a warning when the
 * information is old (lieu_age_jours). A non-numeric id is a
 * 400, an unknown one a 404. External links only for http(s) URLs, with
 * rel="nofollow noopener". */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/jour.h"
#include "lieux/ecriture.h"
#include "lieux/horaires.h"
#include "lieux/search.h"
#include "territoires/territoires.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages.h"
#include "web/svgmap.h"

static int is_http(const char *u)
{
    return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0);
}

static void ext_link(struct buf *b, const char *url, const char *label)
{
    if (!is_http(url)) {
        html_txt(b, label ? label : url);
        return;
    }
    html_raw(b, "<a href=\"");
    html_attr(b, url);
    html_raw(b, "\" rel=\"nofollow noopener\">");
    html_txt(b, label ? label : url);
    html_raw(b, "</a>");
}

/* Calls fn on each item of a "|" list (copied into a NUL-terminated item). */
static void each_item(struct buf *b, const char *list, void (*fn)(struct buf *, const char *))
{
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *item = strndup(p, n);
        if (!item) {
            b->oom = 1;
            return;
        }
        if (*item)
            fn(b, item);
        free(item);
        p = e ? e + 1 : NULL;
    }
}

static void mail_item(struct buf *b, const char *mail)
{
    html_raw(b, "<li>Courriel : <a href=\"mailto:");
    html_attr(b, mail);
    html_raw(b, "\">");
    html_txt(b, mail);
    html_raw(b, "</a></li>\n");
}

static void site_item(struct buf *b, const char *url)
{
    html_raw(b, "<li>Site internet : ");
    ext_link(b, url, NULL);
    html_raw(b, "</li>\n");
}

static void hours(struct buf *b, const struct request *rq, const struct lieu *l)
{
    html_raw(b, "<section aria-labelledby=\"t-horaires\">\n<h2 id=\"t-horaires\">Horaires</h2>\n");
    const char *text = l->f[LF_HORAIRES];
    if (!text) {
        html_raw(b, "<p>Les horaires ne sont pas renseignés. Téléphonez avant de vous "
                    "déplacer.</p>\n</section>\n");
        return;
    }
    switch (lieux_open_at(l, rq->now)) {
    case 1: html_raw(b, "<p class=\"etat ouvert\">Ouvert maintenant</p>\n"); break;
    case 0: html_raw(b, "<p class=\"etat ferme\">Fermé en ce moment</p>\n"); break;
    default: break;
    }
    struct horaires_error err;
    struct horaires *h = horaires_parse(text, &err);
    int parsed = h != NULL;
    char *fr = h ? horaires_to_french(h) : NULL;
    horaires_free(h);
    if (fr && *fr) {
        html_raw(b, "<ul class=\"horaires\">\n");
        for (char *line = fr, *nl; line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            html_raw(b, "<li>");
            html_ntxt(b, line, nl ? (size_t)(nl - line) : strlen(line));
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    } else if (parsed && fr) {
        html_raw(b, "<p>Ce lieu n'indique aucun horaire d'ouverture.</p>\n");
    } else {
        html_raw(b, "<p class=\"brut\">");
        html_txt_lines(b, text);
        html_raw(b, "</p>\n<p class=\"aide\">Horaires fournis tels quels par le lieu : "
                    "vérifiez-les en téléphonant.</p>\n");
    }
    free(fr);
    html_raw(b, "</section>\n");
}

static void contact(struct buf *b, const struct lieu *l)
{
    const char *tel = l->f[LF_TELEPHONE], *mails = l->f[LF_COURRIELS],
               *sites = l->f[LF_SITE_WEB], *rdv = l->f[LF_PRISE_RDV];
    html_raw(b, "<section aria-labelledby=\"t-contact\">\n<h2 id=\"t-contact\">Contact</h2>\n");
    if (!tel && !mails && !sites && !rdv) {
        html_raw(b, "<p>Aucun moyen de contact n'est indiqué.</p>\n</section>\n");
        return;
    }
    html_raw(b, "<ul class=\"contact\">\n");
    if (tel) {
        html_raw(b, "<li>Téléphone : <a href=\"tel:");
        html_attr(b, tel);
        html_raw(b, "\">");
        page_phone(b, tel);
        html_raw(b, "</a></li>\n");
    }
    each_item(b, mails, mail_item);
    each_item(b, sites, site_item);
    if (is_http(rdv)) {
        html_raw(b, "<li>");
        ext_link(b, rdv, "Prendre rendez-vous en ligne");
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul>\n</section>\n");
}

/* One enumerated field as a <dt>/<dd> pair with a list, when present. */
static void dl_list(struct buf *b, const char *label, const char *list)
{
    if (!list || !*list)
        return;
    html_raw(b, "<dt>");
    html_txt(b, label);
    html_raw(b, "</dt>\n<dd><ul>\n");
    page_list_items(b, list);
    html_raw(b, "</ul></dd>\n");
}

static void details(struct buf *b, const struct lieu *l)
{
    if (l->f[LF_SERVICES]) {
        html_raw(b, "<section aria-labelledby=\"t-services\">\n"
                    "<h2 id=\"t-services\">Ce que vous pouvez y faire</h2>\n<ul>\n");
        page_list_items(b, l->f[LF_SERVICES]);
        html_raw(b, "</ul>\n</section>\n");
    }
    static const struct {
        enum lieu_field f;
        const char *label;
    } rows[] = {
        {LF_MODALITES_ACCES, "Pour venir"},
        {LF_MODALITES_ACCOMPAGNEMENT, "Accompagnement"},
        {LF_FRAIS_A_CHARGE, "Prix"},
        {LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, "Accueille en priorité"},
        {LF_PRISE_EN_CHARGE_SPECIFIQUE, "Aide adaptée"},
        {LF_ITINERANCE, "Lieu fixe ou itinérant"},
        {LF_DISPOSITIF_PROGRAMMES_NATIONAUX, "Dispositifs nationaux"},
        {LF_FORMATIONS_LABELS, "Formations et labels"},
        {LF_AUTRES_FORMATIONS_LABELS, "Autres formations et labels"},
    };
    int any = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        any |= l->f[rows[i].f] != NULL;
    if (!any && !l->f[LF_FICHE_ACCES_LIBRE])
        return;
    html_raw(b, "<section aria-labelledby=\"t-acces\">\n"
                "<h2 id=\"t-acces\">Accès et accompagnement</h2>\n");
    if (any) {
        html_raw(b, "<dl class=\"details\">\n");
        for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
            dl_list(b, rows[i].label, l->f[rows[i].f]);
        html_raw(b, "</dl>\n");
    }
    if (is_http(l->f[LF_FICHE_ACCES_LIBRE])) {
        html_raw(b, "<p>");
        ext_link(b, l->f[LF_FICHE_ACCES_LIBRE],
                 "Accessibilité du lieu (fiche Accès libre)");
        html_raw(b, "</p>\n");
    }
    html_raw(b, "</section>\n");
}

static void presentation(struct buf *b, const struct lieu *l)
{
    const char *r = l->f[LF_PRESENTATION_RESUME], *d = l->f[LF_PRESENTATION_DETAIL];
    if (!r && !d)
        return;
    html_raw(b, "<section aria-labelledby=\"t-presentation\">\n"
                "<h2 id=\"t-presentation\">Présentation</h2>\n");
    if (r) {
        html_raw(b, "<p>");
        html_txt(b, r);
        html_raw(b, "</p>\n");
    }
    if (d && (!r || strcmp(r, d) != 0)) {
        html_raw(b, "<p>");
        html_txt_lines(b, d);
        html_raw(b, "</p>\n");
    }
    if (l->f[LF_STRUCTURE_PARENTE]) {
        html_raw(b, "<p>Structure parente : ");
        html_txt(b, l->f[LF_STRUCTURE_PARENTE]);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "</section>\n");
}

static void map(struct buf *b, const struct request *rq, const struct lieux_hit *h,
                const struct territoire *commune, int has_commune)
{
    if (!h->l.has_coords)
        return;
    html_raw(b, "<section aria-labelledby=\"t-plan\">\n<h2 id=\"t-plan\">Plan</h2>\n");
    char *geo = has_commune ? territoires_contour(rq->db, TERRITOIRE_COMMUNE, commune->code)
                            : NULL;
    if (geo) {
        struct buf title = BUF_INIT;
        buf_puts(&title, "Plan de situation : « ");
        buf_puts(&title, lieu_get(&h->l, LF_NOM));
        buf_puts(&title, " », commune : ");
        buf_puts(&title, commune->nom);
        struct svgmap *m = title.oom ? NULL : svgmap_new(320, title.s, NULL);
        if (m) {
            svgmap_set_id(m, "plan");
            svgmap_set_max_bytes(m, 12000);
            if (svgmap_add_shape(m, geo, "commune", commune->nom, NULL, NULL) == 0 &&
                svgmap_add_point(m, h->l.lat, h->l.lon, lieu_get(&h->l, LF_NOM), NULL, NULL) == 0) {
                html_raw(b, "<div class=\"carte petite\">\n");
                if (svgmap_render(m, b) < 0)
                    b->oom = 1;
                html_raw(b, "</div>\n");
            }
            svgmap_free(m);
        }
        buf_free(&title);
        free(geo);
    }
    html_raw(b, "<p><a href=\"https://www.openstreetmap.org/?mlat=");
    html_rawf(b, "%.6f&amp;mlon=%.6f#map=17/%.6f/%.6f", h->l.lat, h->l.lon, h->l.lat, h->l.lon);
    html_raw(b, "\" rel=\"nofollow noopener\">Voir le lieu sur OpenStreetMap</a> "
                "(pour préparer votre trajet)</p>\n</section>\n");
}

static void territory_link(struct buf *b, const struct request *rq, enum territoire_niveau n,
                           const char *code, const char *label)
{
    struct territoire t;
    if (!code || !*code || territoires_get(rq->db, n, code, &t) != 1)
        return;
    html_raw(b, "<li>");
    html_txt(b, label);
    html_raw(b, " : <a href=\"");
    page_territoire_href(b, n, t.code);
    html_raw(b, "\">");
    html_txt(b, t.nom);
    html_raw(b, "</a></li>\n");
}

static void territories(struct buf *b, const struct request *rq, const struct territoire *c)
{
    html_raw(b, "<section aria-labelledby=\"t-territoire\">\n"
                "<h2 id=\"t-territoire\">Les autres lieux du territoire</h2>\n<ul>\n");
    html_raw(b, "<li>Commune : <a href=\"");
    page_territoire_href(b, TERRITOIRE_COMMUNE, c->code);
    html_raw(b, "\">");
    html_txt(b, c->nom);
    html_raw(b, "</a></li>\n");
    territory_link(b, rq, TERRITOIRE_EPCI, c->epci, "Intercommunalité");
    territory_link(b, rq, TERRITOIRE_DEPARTEMENT, c->departement, "Département");
    territory_link(b, rq, TERRITOIRE_REGION, c->region, "Région");
    html_raw(b, "</ul>\n</section>\n");
}

/* A warning when the information is old: to the public after a year, to
 * the people who can edit the place after six months. */
static void freshness(struct buf *b, const struct request *rq, const struct lieu *l, int editor)
{
    long age = lieu_age_jours(l, jour_local(rq->now));
    if (editor && age > LIEU_A_VERIFIER_JOURS) {
        html_raw(b, "<p class=\"avertissement\">Cette fiche n'a pas été mise à jour depuis plus "
                    "de six mois (le ");
        page_date(b, l->f[LF_DATE_MAJ]);
        html_raw(b, "). Vérifiez-la : les personnes et les services qui reprennent ces données "
                    "s'y fient.</p>\n");
    } else if (age > LIEU_VIEUX_JOURS) {
        html_raw(b, "<p class=\"avertissement\">Ces informations datent du ");
        page_date(b, l->f[LF_DATE_MAJ]);
        if (age / 365 >= 2)
            html_rawf(b, ", il y a plus de %ld ans. Elles ont pu changer : ", age / 365);
        else
            html_raw(b, ", il y a plus d'un an. Elles ont pu changer : ");
        html_raw(b, l->f[LF_TELEPHONE] ? "téléphonez avant de vous déplacer.</p>\n"
                                       : "vérifiez-les avant de vous déplacer.</p>\n");
    }
}

static void sources(struct buf *b, const struct lieux_hit *h, const char *provenance)
{
    html_raw(b, "<section aria-labelledby=\"t-sources\">\n<h2 id=\"t-sources\">Sources</h2>\n");
    if (h->l.f[LF_DATE_MAJ]) {
        html_raw(b, "<p>Mis à jour le ");
        page_date(b, h->l.f[LF_DATE_MAJ]);
        html_raw(b, ".</p>\n");
    }
    /* Field by field only when several sources were merged; otherwise
     * name the one source. */
    json_t *o = provenance ? json_loads(provenance, 0, NULL) : NULL;
    const char *single = json_string_value(json_object_get(o, "nom"));
    if (h->membres > 1) {
        html_raw(b, "<p>Cette fiche réunit ");
        page_int(b, h->membres);
        html_raw(b, " fiches du même lieu, venues de sources différentes.</p>\n");
    } else if (single) {
        html_raw(b, "<p>Cette fiche vient d'une seule source : « ");
        html_txt(b, single);
        html_raw(b, " ».</p>\n");
    }
    if (h->l.f[LF_SOURCE]) {
        html_raw(b, "<p>Structure qui a collecté la donnée : ");
        html_txt(b, h->l.f[LF_SOURCE]);
        html_raw(b, "</p>\n");
    }
    if (h->membres <= 1) {
        /* nothing more to say */
    } else if (json_is_object(o) && json_object_size(o) > 0) {
        html_raw(b, "<details>\n<summary>Origine de chaque information</summary>\n"
                    "<table>\n<caption>Source de chaque champ de la fiche</caption>\n"
                    "<thead><tr><th scope=\"col\">Champ</th><th scope=\"col\">Source</th></tr>"
                    "</thead>\n<tbody>\n");
        for (int f = 0; f < LF__COUNT; f++) {
            const struct lieu_field_info *fi = lieu_field_info((enum lieu_field)f);
            const char *src = json_string_value(json_object_get(o, fi->name));
            if (!src)
                continue;
            html_raw(b, "<tr><th scope=\"row\">");
            html_txt(b, fi->label);
            html_raw(b, "</th><td>");
            html_txt(b, src);
            html_raw(b, "</td></tr>\n");
        }
        html_raw(b, "</tbody>\n</table>\n</details>\n");
    }
    json_decref(o);
    /* "00000000000000" is the producers' placeholder for "unknown". */
    if (h->l.f[LF_PIVOT] && strspn(h->l.f[LF_PIVOT], "0") != strlen(h->l.f[LF_PIVOT])) {
        html_raw(b, "<p class=\"aide\">Identifiant de la structure (SIRET, RNA ou RIDET) : ");
        html_txt(b, h->l.f[LF_PIVOT]);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "</section>\n");
}

void page_lieu(const struct request *rq, struct response *rs)
{
    const char *sid = rq->ncaptures > 0 ? rq->captures[0] : "";
    size_t len = strlen(sid);
    int numeric = len > 0 && len <= 18;
    for (size_t i = 0; i < len; i++)
        numeric &= sid[i] >= '0' && sid[i] <= '9';
    if (!numeric) {
        resp_html_error(rq, rs, 400, "Adresse incorrecte",
                        "L'adresse d'un lieu se termine par un numéro, par exemple /lieu/12.");
        return;
    }
    struct lieux_hit h;
    char *prov = NULL;
    int got = lieux_get(rq->db, strtoll(sid, NULL, 10), &h, &prov);
    if (got < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (got == 0) {
        resp_html_error(rq, rs, 404, "Lieu introuvable",
                        "Ce lieu n'existe pas ou n'est plus publié. Vous pouvez chercher un "
                        "autre lieu depuis l'accueil.");
        return;
    }
    struct territoire commune;
    memset(&commune, 0, sizeof commune);
    int has_commune = h.commune_code[0] &&
                      territoires_get(rq->db, TERRITOIRE_COMMUNE, h.commune_code, &commune) == 1;

    struct buf *b = &rs->body;
    page_begin(b, rq, lieu_get(&h.l, LF_NOM));
    html_raw(b, "<article class=\"lieu\">\n<h1>");
    html_txt(b, lieu_get(&h.l, LF_NOM));
    html_raw(b, "</h1>\n");
    page_notice(b, rq);
    int editor = rq->actor && lieux_may_edit(rq->db, rq->actor, h.id) == 1;
    if (editor) {
        html_raw(b, "<p><a class=\"bouton\" href=\"/lieu/");
        html_rawf(b, "%lld", h.id);
        html_raw(b, "/modifier\">Modifier cette fiche</a></p>\n");
    }
    html_raw(b, "<p class=\"adresse\">");
    html_txt(b, lieu_get(&h.l, LF_ADRESSE));
    if (h.l.f[LF_COMPLEMENT_ADRESSE]) {
        html_raw(b, "<br>");
        html_txt(b, h.l.f[LF_COMPLEMENT_ADRESSE]);
    }
    html_raw(b, "<br>");
    html_txt(b, lieu_get(&h.l, LF_CODE_POSTAL));
    html_raw(b, " ");
    html_txt(b, lieu_get(&h.l, LF_COMMUNE));
    html_raw(b, "</p>\n");
    if (lieu_list_has(h.l.f[LF_MODALITES_ACCES], "Ce lieu n'accueille pas de public"))
        html_raw(b, "<p class=\"etat ferme\">Ce lieu n'accueille pas de public.</p>\n");
    freshness(b, rq, &h.l, editor);
    hours(b, rq, &h.l);
    contact(b, &h.l);
    details(b, &h.l);
    presentation(b, &h.l);
    map(b, rq, &h, &commune, has_commune);
    if (has_commune)
        territories(b, rq, &commune);
    sources(b, &h, prov);
    html_raw(b, "</article>\n");
    page_end(b, rq);
    page_finish(rs);
    free(prov);
    lieu_clear(&h.l);
}
