/* page_accueil.c - GET /: a short introduction and the search form.
 *
 * The form (page_search_form, shared with the results page) sends GET
 * /recherche with the parameters of http/search_params.h: ou, q, the
 * enumerated fields of the standard as checkboxes (one name per field,
 * repeated), ouvert and creneau. It works without JavaScript; every field
 * has a visible label; advanced criteria sit in a <details> that is open
 * when one of them is set. */
#include <string.h>

#include "http/search_params.h"
#include "lieux/lieu.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages.h"

/* The checkbox groups, in the order shown, with plain-language legends. */
static const struct {
    enum lieu_field field;
    const char *legend;
} groups[] = {
    {LF_SERVICES, "Pour quoi avez-vous besoin d'aide ?"},
    {LF_MODALITES_ACCOMPAGNEMENT, "Comment être accompagné"},
    {LF_FRAIS_A_CHARGE, "Prix"},
    {LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, "Lieux qui accueillent en priorité"},
    {LF_PRISE_EN_CHARGE_SPECIFIQUE, "Aide adaptée"},
    {LF_ITINERANCE, "Lieu fixe ou itinérant"},
};

static const struct {
    const char *value, *label;
} ouvert_opts[] = {
    {"", "n'importe quand"}, {"maintenant", "maintenant"}, {"lundi", "le lundi"},
    {"mardi", "le mardi"},   {"mercredi", "le mercredi"},  {"jeudi", "le jeudi"},
    {"vendredi", "le vendredi"}, {"samedi", "le samedi"},  {"dimanche", "le dimanche"},
};

static const char *const creneau_opts[] = {"matin", "apres-midi", "soir"};

/* Does the query hold key=value? */
static int has_pair(const struct request *rq, const char *key, const char *value)
{
    for (size_t i = 0; i < rq->query.n; i++)
        if (strcmp(rq->query.pairs[i].key, key) == 0 &&
            strcmp(rq->query.pairs[i].value, value) == 0)
            return 1;
    return 0;
}

static void text_field(struct buf *b, const struct request *rq, const char *name,
                       const char *label, const char *hint, const char *autocomplete)
{
    html_raw(b, "<div class=\"champ\">\n<label for=\"");
    html_attr(b, name);
    html_raw(b, "\">");
    html_txt(b, label);
    html_raw(b, "</label>\n");
    if (hint) {
        html_raw(b, "<span class=\"aide\" id=\"");
        html_attr(b, name);
        html_raw(b, "-aide\">");
        html_txt(b, hint);
        html_raw(b, "</span>\n");
    }
    html_raw(b, "<input type=\"text\" id=\"");
    html_attr(b, name);
    html_raw(b, "\" name=\"");
    html_attr(b, name);
    html_raw(b, "\" value=\"");
    html_attr(b, query_get(&rq->query, name));
    html_raw(b, "\" autocomplete=\"");
    html_attr(b, autocomplete);
    html_raw(b, "\"");
    if (hint) {
        html_raw(b, " aria-describedby=\"");
        html_attr(b, name);
        html_raw(b, "-aide\"");
    }
    html_raw(b, ">\n</div>\n");
}

static void select_ouvert(struct buf *b, const struct request *rq)
{
    const char *ouvert = query_get(&rq->query, "ouvert");
    const char *creneau = query_get(&rq->query, "creneau");
    html_raw(b, "<div class=\"champs-ligne\">\n<div class=\"champ\">\n"
                "<label for=\"ouvert\">Ouvert</label>\n<select id=\"ouvert\" name=\"ouvert\">\n");
    for (size_t i = 0; i < sizeof ouvert_opts / sizeof *ouvert_opts; i++) {
        int sel = ouvert ? strcmp(ouvert, ouvert_opts[i].value) == 0 : i == 0;
        html_raw(b, "<option value=\"");
        html_attr(b, ouvert_opts[i].value);
        html_raw(b, sel ? "\" selected>" : "\">");
        html_txt(b, ouvert_opts[i].label);
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select>\n</div>\n<div class=\"champ\">\n"
                "<label for=\"creneau\">Moment de la journée</label>\n"
                "<span class=\"aide\" id=\"creneau-aide\">Si vous avez choisi un jour</span>\n"
                "<select id=\"creneau\" name=\"creneau\" aria-describedby=\"creneau-aide\">\n"
                "<option value=\"\">toute la journée</option>\n");
    for (size_t i = 0; i < sizeof creneau_opts / sizeof *creneau_opts; i++) {
        int sel = creneau && strcmp(creneau, creneau_opts[i]) == 0;
        html_raw(b, "<option value=\"");
        html_attr(b, creneau_opts[i]);
        html_raw(b, sel ? "\" selected>" : "\">");
        html_txt(b, search_creneau_label(creneau_opts[i]));
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select>\n</div>\n</div>\n");
}

static void checkboxes(struct buf *b, const struct request *rq, enum lieu_field f,
                       const char *legend)
{
    const struct lieu_field_info *fi = lieu_field_info(f);
    html_raw(b, "<fieldset>\n<legend>");
    html_txt(b, legend);
    html_raw(b, "</legend>\n<ul class=\"cases\">\n");
    for (const char *const *v = fi->values; v && *v; v++) {
        html_raw(b, "<li><label><input type=\"checkbox\" name=\"");
        html_attr(b, fi->name);
        html_raw(b, "\" value=\"");
        html_attr(b, *v);
        html_raw(b, has_pair(rq, fi->name, *v) ? "\" checked> " : "\"> ");
        html_txt(b, *v);
        html_raw(b, "</label></li>\n");
    }
    html_raw(b, "</ul>\n</fieldset>\n");
}

/* "Critères choisis : Gratuit, Seniors, ouvert le lundi le matin (8 h – 12 h)." */
static void chosen(struct buf *b, const struct request *rq)
{
    int n = 0;
    html_raw(b, "<p class=\"criteres\">Critères choisis : ");
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        const char *name = lieu_field_info(groups[g].field)->name;
        for (size_t i = 0; i < rq->query.n; i++) {
            if (strcmp(rq->query.pairs[i].key, name) != 0 || !*rq->query.pairs[i].value)
                continue;
            html_raw(b, n++ ? ", " : "");
            html_txt(b, rq->query.pairs[i].value);
        }
    }
    const char *o = query_get(&rq->query, "ouvert"), *c = query_get(&rq->query, "creneau");
    for (size_t i = 1; o && *o && i < sizeof ouvert_opts / sizeof *ouvert_opts; i++) {
        if (strcmp(o, ouvert_opts[i].value) != 0)
            continue;
        html_raw(b, n++ ? ", ouvert " : "ouvert ");
        html_txt(b, ouvert_opts[i].label);
        if (i > 1 && c && *search_creneau_label(c)) {
            html_raw(b, " ");
            html_txt(b, search_creneau_label(c));
        }
    }
    html_raw(b, ".</p>\n");
}

void page_search_form(struct buf *b, const struct request *rq, int compact, const char *error)
{
    int advanced = 0;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        const char *name = lieu_field_info(groups[g].field)->name;
        const char *v = query_get(&rq->query, name);
        advanced |= v && *v;
    }
    if (compact) {
        const char *o = query_get(&rq->query, "ouvert");
        advanced |= o && *o;
    }
    html_raw(b, compact ? "<form class=\"recherche compacte\"" : "<form class=\"recherche\"");
    html_raw(b, " method=\"get\" action=\"/recherche\" role=\"search\""
                " aria-label=\"Chercher un lieu\">\n");
    if (compact)
        html_raw(b, "<h2>Votre recherche</h2>\n");
    if (error) {
        html_raw(b, "<p class=\"erreur\" role=\"alert\">");
        html_txt(b, error);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<div class=\"champs-ligne\">\n");
    text_field(b, rq, "ou", "Commune ou code postal", "Par exemple : Marseille ou 13011",
               "address-level2");
    text_field(b, rq, "q", "Nom ou adresse", "Facultatif", "off");
    if (compact)
        html_raw(b, "<div class=\"champ bouton\"><button type=\"submit\">Chercher</button>"
                    "</div>\n");
    html_raw(b, "</div>\n");
    if (!compact)
        select_ouvert(b, rq);
    if (compact && advanced)
        chosen(b, rq);
    /* On the results page the criteria are summed up above and the
     * details stay closed, so that the results come first. */
    html_raw(b, advanced && !compact ? "<details open>" : "<details>");
    html_raw(b, "<summary>Plus de critères</summary>\n");
    if (compact)
        select_ouvert(b, rq);
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        checkboxes(b, rq, groups[g].field, groups[g].legend);
    if (compact)
        html_raw(b, "<p><button type=\"submit\">Chercher avec ces critères</button></p>\n");
    html_raw(b, "</details>\n");
    if (!compact)
        html_raw(b, "<p><button type=\"submit\">Chercher</button></p>\n");
    html_raw(b, "</form>\n");
}

void page_accueil(const struct request *rq, struct response *rs)
{
    struct buf *b = &rs->body;
    page_begin(b, rq, "Trouver de l'aide pour le numérique");
    html_raw(b, "<h1>Trouver de l'aide pour le numérique près de chez vous</h1>\n"
                "<p class=\"intro\">Ordinateur, téléphone, démarches en ligne : des personnes "
                "peuvent vous aider, souvent gratuitement. Indiquez votre commune, nous vous "
                "montrons les lieux les plus proches.</p>\n");
    page_search_form(b, rq, 0, NULL);
    html_raw(b, "<p>Vous pouvez aussi <a href=\"/carte\">voir les lieux sur la carte de "
                "France</a>.</p>\n");
    page_end(b, rq);
    page_finish(rs);
}
