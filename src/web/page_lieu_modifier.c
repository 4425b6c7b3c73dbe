/* page_lieu_modifier.c - GET|POST /lieu/{id}/modifier: a structure edits
 * its own place (or a coordinator one of their territory) in a form of
 * the standard's fields, with the standard's rules as French messages
 * next to each field. The write is lieux/ecriture.h's lieux_edit()
 * (authorized, validated, journaled, republished at once). */
#include <stdlib.h>
#include <string.h>

#include "lieux/ecriture.h"
#include "lieux/search.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages.h"

/* The form's text fields, in reading order, with help for people. */
static const struct {
    enum lieu_field f;
    const char *hint, *type;
    int textarea;
} text_fields[] = {
    {LF_NOM, NULL, NULL, 0},
    {LF_ADRESSE, "Numéro et rue, par exemple : 12 rue de la Paix.", NULL, 0},
    {LF_COMPLEMENT_ADRESSE, "Bâtiment, étage, entrée...", NULL, 0},
    {LF_CODE_POSTAL, "5 chiffres.", NULL, 0},
    {LF_COMMUNE, NULL, NULL, 0},
    {LF_CODE_INSEE, "Code de la commune à 5 caractères (par exemple 13055 pour Marseille).", NULL, 0},
    {LF_LATITUDE, "En degrés décimaux, par exemple 43.2965.", NULL, 0},
    {LF_LONGITUDE, "En degrés décimaux, par exemple 5.3698.", NULL, 0},
    {LF_TELEPHONE, "Par exemple 04 91 00 00 00.", "tel", 0},
    {LF_COURRIELS, "Plusieurs adresses : séparez-les par des virgules.", NULL, 0},
    {LF_SITE_WEB, "Adresse complète, commençant par https://.", NULL, 0},
    {LF_PRISE_RDV, "Lien de prise de rendez-vous en ligne.", "url", 0},
    {LF_HORAIRES, "Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; "
                  "Sa 09:00-12:00 (Mo lundi, Tu mardi, We mercredi, Th jeudi, Fr vendredi, "
                  "Sa samedi, Su dimanche).", NULL, 0},
    {LF_PRESENTATION_RESUME, "280 caractères au plus.", NULL, 1},
    {LF_PRESENTATION_DETAIL, NULL, NULL, 1},
    {LF_FICHE_ACCES_LIBRE, "Lien vers la fiche du lieu sur acceslibre.beta.gouv.fr.", "url", 0},
    {LF_PIVOT, "SIRET (14 chiffres) ou RNA de la structure.", NULL, 0},
    {LF_STRUCTURE_PARENTE, NULL, NULL, 0},
    {LF_AUTRES_FORMATIONS_LABELS, NULL, NULL, 0},
};

/* Enumerated lists, as groups of check boxes. */
static const enum lieu_field list_fields[] = {
    LF_SERVICES, LF_MODALITES_ACCOMPAGNEMENT, LF_MODALITES_ACCES, LF_FRAIS_A_CHARGE,
    LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, LF_PRISE_EN_CHARGE_SPECIFIQUE,
    LF_DISPOSITIF_PROGRAMMES_NATIONAUX, LF_FORMATIONS_LABELS, LF_ITINERANCE,
};

static int parse_pid(const struct request *rq, long long *pid)
{
    const char *s = rq->ncaptures > 0 ? rq->captures[0] : "";
    size_t n = strlen(s);
    if (n == 0 || n > 18)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    *pid = strtoll(s, NULL, 10);
    return 0;
}

/* The first error of field f among the issues, or NULL. */
static const char *issue_of(const struct lieu_issues *is, int f)
{
    for (size_t i = 0; is && i < is->n; i++)
        if (is->v[i].field == f && is->v[i].severity != LIEU_FIXED)
            return is->v[i].rule;
    return NULL;
}

static void render(const struct request *rq, struct response *rs, long long pid,
                   const struct lieu *l, const struct lieu_issues *is)
{
    struct buf *b = &rs->body;
    char title[300];
    snprintf(title, sizeof title, "Modifier : %s", lieu_get(l, LF_NOM));
    page_begin(b, rq, title);
    html_raw(b, "<h1>Modifier la fiche du lieu</h1>\n<p>");
    html_txt(b, lieu_get(l, LF_NOM));
    html_raw(b, " — <a href=\"/lieu/");
    html_rawf(b, "%lld", pid);
    html_raw(b, "\">voir la fiche publiée</a></p>\n<p>Vos changements sont publiés tout de suite "
                "sur la carte et dans les données ouvertes. Ils passent avant les copies de ce "
                "lieu reçues d'autres sources.</p>\n");
    struct form_field ff[sizeof text_fields / sizeof *text_fields];
    for (size_t i = 0; i < sizeof text_fields / sizeof *text_fields; i++) {
        const struct lieu_field_info *fi = lieu_field_info(text_fields[i].f);
        ff[i] = (struct form_field){.name = fi->name, .label = fi->label,
                                    .value = l->f[text_fields[i].f], .hint = text_fields[i].hint,
                                    .type = text_fields[i].type, .required = fi->required,
                                    .textarea = text_fields[i].textarea,
                                    .error = issue_of(is, (int)text_fields[i].f)};
    }
    form_errors(b, ff, (int)(sizeof ff / sizeof *ff));
    html_raw(b, "<form method=\"post\" class=\"formulaire large\" action=\"/lieu/");
    html_rawf(b, "%lld", pid);
    html_raw(b, "/modifier\">\n");
    form_csrf_field(b, rq, rs);
    html_raw(b, "<fieldset><legend>Adresse et contact</legend>\n");
    for (size_t i = 0; i < sizeof ff / sizeof *ff; i++) {
        if (text_fields[i].f == LF_HORAIRES)
            html_raw(b, "</fieldset>\n<fieldset><legend>Horaires et présentation</legend>\n");
        if (text_fields[i].f == LF_PIVOT)
            html_raw(b, "</fieldset>\n<fieldset><legend>Structure</legend>\n");
        form_text(b, &ff[i]);
    }
    html_raw(b, "</fieldset>\n");
    for (size_t k = 0; k < sizeof list_fields / sizeof *list_fields; k++) {
        enum lieu_field f = list_fields[k];
        const struct lieu_field_info *fi = lieu_field_info(f);
        const char *err = issue_of(is, (int)f);
        html_raw(b, "<fieldset");
        if (err)
            html_raw(b, " class=\"champ-erreur\"");
        html_raw(b, "><legend>");
        html_txt(b, fi->label);
        html_raw(b, "</legend>\n");
        if (err) {
            html_raw(b, "<p class=\"erreur\"><strong>Erreur :</strong> ");
            html_txt(b, err);
            html_raw(b, "</p>\n");
        }
        html_raw(b, "<ul class=\"cases\">\n");
        for (int v = 0; fi->values && fi->values[v]; v++) {
            html_raw(b, "<li><label><input type=\"checkbox\" name=\"");
            html_attr(b, fi->name);
            html_raw(b, "\" value=\"");
            html_attr(b, fi->values[v]);
            html_raw(b, lieu_list_has(l->f[f], fi->values[v]) ? "\" checked> " : "\"> ");
            html_txt(b, fi->values[v]);
            html_raw(b, "</label></li>\n");
        }
        html_raw(b, "</ul>\n</fieldset>\n");
    }
    html_raw(b, "<p><button type=\"submit\">Enregistrer et publier</button></p>\n</form>\n");
    page_end(b, rq);
    page_finish(rs);
}

/* The form's values into l (the fields the form does not show are kept). */
static int read_form(const struct request *rq, struct lieu *l)
{
    for (size_t i = 0; i < sizeof text_fields / sizeof *text_fields; i++) {
        enum lieu_field f = text_fields[i].f;
        const char *v = query_get(&rq->query, lieu_field_info(f)->name);
        char *copy = strdup(v ? v : "");
        if (!copy)
            return -1;
        if (f == LF_COURRIELS || f == LF_SITE_WEB)
            for (char *p = copy; *p; p++)
                if (*p == ',' || *p == ';' || *p == '\n' || *p == '\r')
                    *p = '|';
        lieu_set_owned(l, f, *copy ? copy : NULL);
        if (!*copy)
            free(copy);
    }
    for (size_t k = 0; k < sizeof list_fields / sizeof *list_fields; k++) {
        enum lieu_field f = list_fields[k];
        struct buf v = BUF_INIT;
        const char *x;
        for (size_t n = 0; (x = query_get_nth(&rq->query, lieu_field_info(f)->name, n)); n++) {
            if (v.len)
                buf_putc(&v, '|');
            buf_puts(&v, x);
        }
        if (v.oom)
            return -1;
        lieu_set_owned(l, f, v.len ? buf_take(&v) : NULL);
        buf_free(&v);
    }
    l->has_coords = 0;
    if (l->f[LF_LATITUDE] && l->f[LF_LONGITUDE]) {
        char *e1, *e2;
        l->lat = strtod(l->f[LF_LATITUDE], &e1);
        l->lon = strtod(l->f[LF_LONGITUDE], &e2);
        l->has_coords = *e1 == 0 && *e2 == 0;
    }
    return 0;
}

void page_lieu_modifier(const struct request *rq, struct response *rs)
{
    long long pid;
    if (parse_pid(rq, &pid) < 0) {
        resp_html_error(rq, rs, 400, "Adresse incorrecte",
                        "L'adresse se termine par le numéro du lieu, par exemple /lieu/12/modifier.");
        return;
    }
    if (!page_require_actor(rq, rs))
        return;
    int k = lieux_may_edit(rq->db, rq->actor, pid);
    if (k < 0) {
        page_db_error(rq, rs);
        return;
    }
    struct lieux_hit h;
    int got = k ? lieux_get(rq->db, pid, &h, NULL) : 0;
    if (got < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (!k || !got) {
        page_forbidden(rq, rs, "Vous pouvez modifier les lieux de votre structure, ou ceux de "
                               "votre territoire si vous le coordonnez. Ce lieu n'en fait pas "
                               "partie (ou il n'existe pas).");
        if (got)
            lieu_clear(&h.l);
        return;
    }
    if (strcmp(rq->method, "POST") != 0) {
        render(rq, rs, pid, &h.l, NULL);
        lieu_clear(&h.l);
        return;
    }
    if (!page_check_csrf(rq, rs)) {
        lieu_clear(&h.l);
        return;
    }
    struct lieu_issues is = {0};
    struct lieux_write w;
    if (read_form(rq, &h.l) < 0) {
        lieu_clear(&h.l);
        resp_html_error(rq, rs, 500, "Erreur interne", "Mémoire insuffisante.");
        return;
    }
    /* What was typed, shown again next to the messages (normalisation
     * drops the values it refuses). */
    struct lieu typed = {0};
    if (lieu_copy(&typed, &h.l) < 0) {
        lieu_clear(&h.l);
        resp_html_error(rq, rs, 500, "Erreur interne", "Mémoire insuffisante.");
        return;
    }
    struct lieux_write_ctx c = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    lieux_edit(rq->db, &c, pid, &h.l, &is, &w);
    if (w.status == LW_REJECTED) {
        rs->status = 422;
        render(rq, rs, pid, &typed, &is);
        rs->status = 422;
    } else if (w.status == LW_ERROR) {
        page_db_error(rq, rs);
    } else if (w.status == LW_FORBIDDEN || w.status == LW_NOT_FOUND) {
        page_forbidden(rq, rs, w.msg);
    } else {
        char loc[64];
        snprintf(loc, sizeof loc, "/lieu/%lld?fait=enregistre", pid);
        resp_redirect(rs, loc);
    }
    lieu_issues_free(&is);
    lieu_clear(&typed);
    lieu_clear(&h.l);
}
