/* diag_view.c - language, messages and frame of the diagnostic pages
 * (see diag_view.h). */
#include "web/diag_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/catalogue.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"

static int lang_of_accept(const char *al)
{
    /* the first language of the list that we have ("ar-MA,fr;q=0.8") */
    for (const char *p = al; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        int l = diag_lang_parse(p);
        if (l >= 0)
            return l;
        p = strchr(p, ',');
    }
    return -1;
}

void dv_init(struct diag_view *v, const struct request *rq, struct response *rs,
             const char *session_lang)
{
    memset(v, 0, sizeof *v);
    v->rq = rq;
    v->rs = rs;
    v->b = &rs->body;
    v->ref = diag_referentiel(rq->db);
    char cookie[8];
    const char *q = query_get(&rq->query, "langue");
    int l = diag_lang_parse(q);
    if (l >= 0 && strlen(q) == 2) {
        resp_cookie(rs, rq, LANG_COOKIE, diag_lang_code((enum diag_lang)l), 365L * 24 * 3600);
    } else {
        l = diag_lang_parse(request_cookie(rq, LANG_COOKIE, cookie, sizeof cookie));
        if (l < 0)
            l = diag_lang_parse(session_lang);
        if (l < 0)
            l = lang_of_accept(rq->accept_language ? rq->accept_language
                                                   : request_header(rq, "Accept-Language"));
    }
    v->lang = l >= 0 ? (enum diag_lang)l : DIAG_FR;
}

const char *dv_t(const struct diag_view *v, const char *key)
{
    return diag_msg(v->rq->db, v->lang, key);
}

void dv_txt(const struct diag_view *v, const char *key)
{
    html_txt(v->b, dv_t(v, key));
}

/* Print text with "{name}" replaced by value (both escaped). */
static void fill(struct buf *b, const char *text, const char *name, const char *value)
{
    char mark[40];
    snprintf(mark, sizeof mark, "{%s}", name);
    const char *p = strstr(text, mark);
    if (!p) {
        html_txt(b, text);
        return;
    }
    html_ntxt(b, text, (size_t)(p - text));
    html_txt(b, value);
    html_txt(b, p + strlen(mark));
}

void dv_msg_num(const struct diag_view *v, const char *key, long n)
{
    char num[24];
    snprintf(num, sizeof num, "%ld", n);
    fill(v->b, dv_t(v, key), "n", num);
}

void dv_msg_str(const struct diag_view *v, const char *key, const char *name,
                const char *value)
{
    fill(v->b, dv_t(v, key), name, value);
}

void dv_tr(const struct diag_view *v, const struct diag_text *t)
{
    html_txt(v->b, diag_tr(t, v->lang));
}

void dv_fr(const struct diag_view *v, const char *text)
{
    if (v->lang == DIAG_FR) {
        html_txt(v->b, text);
        return;
    }
    html_raw(v->b, "<span lang=\"fr\" dir=\"ltr\">");
    html_txt(v->b, text);
    html_raw(v->b, "</span>");
}

static const char *const lang_names[DIAG_NLANG] = {"Français", "English", "العربية"};

/* Links to the same page in each language (keeping ?ou=). */
static void lang_switch(struct diag_view *v)
{
    struct buf *b = v->b;
    html_raw(b, "<nav class=\"langues\" aria-label=\"");
    dv_txt(v, "langue_choix");
    html_raw(b, "\"><ul>\n");
    const char *ou = query_get(&v->rq->query, "ou");
    for (int l = 0; l < DIAG_NLANG; l++) {
        const char *code = diag_lang_code((enum diag_lang)l);
        html_raw(b, "<li><a href=\"");
        html_attr(b, v->rq->path);
        html_raw(b, "?langue=");
        html_raw(b, code);
        if (ou && *ou && strcmp(v->rq->method, "GET") == 0) {
            html_raw(b, "&amp;ou=");
            html_url_arg(b, ou);
        }
        html_raw(b, "\" hreflang=\"");
        html_raw(b, code);
        html_raw(b, "\" lang=\"");
        html_raw(b, code);
        html_raw(b, l == DIAG_AR ? "\" dir=\"rtl\"" : "\" dir=\"ltr\"");
        if ((int)v->lang == l)
            html_raw(b, " aria-current=\"true\"");
        html_raw(b, ">");
        html_txt(b, lang_names[l]);
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "</ul></nav>\n");
}

static int is_demo(const struct request *rq)
{
    char *v = db_meta_get(rq->db, "demo");
    int demo = v && strcmp(v, "1") == 0;
    free(v);
    return demo;
}

void dv_begin(struct diag_view *v, const char *title, const char *main_attrs, int script)
{
    struct buf *b = v->b;
    const char *code = diag_lang_code(v->lang);
    html_raw(b, "<!doctype html>\n<html lang=\"");
    html_raw(b, code);
    html_raw(b, diag_lang_rtl(v->lang) ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
    html_raw(b, "<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    html_txt(b, title);
    html_raw(b, " — Passerelle</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                "<link rel=\"icon\" href=\"data:,\">\n");
    if (script)
        html_raw(b, "<script src=\"/static/diagnostic.js\" defer></script>\n");
    html_raw(b, "</head>\n<body>\n<a class=\"evitement\" href=\"#contenu\">");
    dv_txt(v, "aller_au_contenu");
    html_raw(b, "</a>\n<header class=\"entete\">\n<p class=\"site\"><a href=\"/\">Passerelle</a> "
                "<span>");
    dv_txt(v, "site_devise");
    html_raw(b, "</span></p>\n<nav aria-label=\"");
    dv_txt(v, "menu_principal");
    html_raw(b, "\"><ul>\n<li><a href=\"/\">");
    dv_txt(v, "menu_lieux");
    html_raw(b, "</a></li>\n<li><a href=\"/diagnostic\"");
    if (strncmp(v->rq->path, "/diagnostic", 11) == 0 &&
        strcmp(v->rq->path, "/diagnostic/statistiques") != 0)
        html_raw(b, " aria-current=\"page\"");
    html_raw(b, ">");
    dv_txt(v, "menu_diagnostic");
    html_raw(b, "</a></li>\n<li><a href=\"/diagnostic/statistiques\"");
    if (strcmp(v->rq->path, "/diagnostic/statistiques") == 0)
        html_raw(b, " aria-current=\"page\"");
    html_raw(b, ">");
    dv_txt(v, "menu_statistiques");
    html_raw(b, "</a></li>\n</ul></nav>\n");
    lang_switch(v);
    html_raw(b, "</header>\n");
    if (is_demo(v->rq)) {
        html_raw(b, "<p class=\"demo\" role=\"note\"><strong>");
        dv_txt(v, "demo_titre");
        html_raw(b, "</strong> ");
        dv_txt(v, "demo_texte");
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<main id=\"contenu\" tabindex=\"-1\" class=\"diag\"");
    if (main_attrs)
        html_raw(b, main_attrs);
    html_raw(b, ">\n");
}

void dv_end(struct diag_view *v)
{
    struct buf *b = v->b;
    html_raw(b, "</main>\n<footer class=\"pied\">\n<p>");
    dv_txt(v, "pied_anonyme");
    html_raw(b, "</p>\n<ul>\n<li><a href=\"/diagnostic/statistiques\">");
    dv_txt(v, "menu_statistiques");
    html_raw(b, "</a></li>\n<li><a href=\"/api/openapi.json\">");
    dv_txt(v, "pied_api");
    html_raw(b, "</a></li>\n</ul>\n</footer>\n</body>\n</html>\n");
    page_finish(v->rs);
}

void dv_error(struct diag_view *v, int status, const char *title_key, const char *text_key)
{
    buf_reset(v->b);
    v->rs->status = status;
    v->rs->location[0] = 0;
    dv_begin(v, dv_t(v, title_key), NULL, 0);
    html_raw(v->b, "<h1>");
    dv_txt(v, title_key);
    html_raw(v->b, "</h1>\n<p>");
    dv_txt(v, text_key);
    html_raw(v->b, "</p>\n<p><a href=\"/diagnostic\">");
    dv_txt(v, "retour_debut");
    html_raw(v->b, "</a></p>\n");
    dv_end(v);
    v->rs->status = status;
}

void dv_db_error(struct diag_view *v)
{
    fprintf(stderr, "passerelle: %s %s: database error: %s\n", v->rq->method, v->rq->path,
            v->rq->db->err);
    dv_error(v, 500, "erreur_interne_titre", "erreur_interne_texte");
}

void dv_field(const struct diag_view *v, const char *name, const char *label, const char *hint,
              const char *value, const char *error, const char *autocomplete, int textarea)
{
    struct form_field f = {.name = name, .label = label, .hint = hint, .value = value,
                           .error = error, .autocomplete = autocomplete, .textarea = textarea,
                           .error_prefix = dv_t(v, "erreur_prefixe")};
    form_text(v->b, &f);
}

void dv_error_summary(const struct diag_view *v, const char *anchor, const char *error)
{
    struct buf *b = v->b;
    html_raw(b, "<div class=\"erreurs\" role=\"alert\" id=\"erreurs\">\n<h2>");
    dv_txt(v, "erreur_resume");
    html_raw(b, "</h2>\n<ul>\n<li><a href=\"#");
    html_attr(b, anchor);
    html_raw(b, "\">");
    html_txt(b, error);
    html_raw(b, "</a></li>\n</ul>\n</div>\n");
}
