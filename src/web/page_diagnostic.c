/* page_diagnostic.c - the self-diagnostic without JavaScript: the start
 * page, one question per page, the commune step, and the answers (POST,
 * CSRF, then 303 to the next page). A repeated or stale POST (double
 * click, back button) never records an answer twice: an answer is taken
 * only for the question the engine asks now. Also serves the service
 * worker of the offline mode (GET /diagnostic/sw.js). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/catalogue.h"
#include "embedded.h"
#include "web/diag_session_page.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_diagnostic.h"

void page_diagnostic(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    dv_init(&v, rq, rs, NULL);
    struct buf *b = &rs->body;
    /* the form first: it sets the visitor cookie the token is bound to */
    struct buf form = BUF_INIT;
    html_raw(&form, "<form method=\"post\" action=\"/diagnostic\" id=\"diag-debut\">\n");
    form_csrf_field(&form, rq, rs);
    html_raw(&form, "<input type=\"hidden\" name=\"langue\" value=\"");
    html_raw(&form, diag_lang_code(v.lang));
    html_raw(&form, "\">\n<button type=\"submit\" class=\"bouton\">");
    html_txt(&form, dv_t(&v, "commencer"));
    html_raw(&form, "</button>\n</form>\n");
    struct buf attrs = BUF_INIT;
    /* the token may be new (cookie just set): take it from the form */
    const char *tok = form.s ? strstr(form.s, "name=\"csrf\" value=\"") : NULL;
    html_raw(&attrs, " data-langue=\"");
    html_raw(&attrs, diag_lang_code(v.lang));
    html_raw(&attrs, "\" data-csrf=\"");
    if (tok) {
        tok += strlen("name=\"csrf\" value=\"");
        const char *end = strchr(tok, '"');
        if (end)
            buf_add(&attrs, tok, (size_t)(end - tok));
    }
    html_raw(&attrs, "\"");
    dv_begin(&v, dv_t(&v, "accueil_titre"), attrs.s, 1);
    html_raw(b, "<h1>");
    dv_txt(&v, "accueil_titre");
    html_raw(b, "</h1>\n<p class=\"intro\">");
    dv_txt(&v, "accueil_intro");
    html_raw(b, "</p>\n<ul class=\"diag-points\">\n<li>");
    dv_txt(&v, "accueil_duree");
    html_raw(b, "</li>\n<li>");
    dv_txt(&v, "accueil_piege");
    html_raw(b, "</li>\n<li>");
    dv_txt(&v, "accueil_anonyme");
    html_raw(b, "</li>\n</ul>\n");
    if (form.s)
        html_raw(b, form.s);
    html_raw(b, "<p class=\"diag-etat\" id=\"diag-etat\" role=\"status\"></p>\n"
                "<h2>");
    dv_txt(&v, "accueil_pro_titre");
    html_raw(b, "</h2>\n<p>");
    dv_txt(&v, "accueil_pro_texte");
    html_raw(b, " <a href=\"/diagnostic/pro\">");
    dv_txt(&v, "accueil_pro_lien");
    html_raw(b, "</a></p>\n");
    dv_end(&v);
    buf_free(&form);
    buf_free(&attrs);
}

void page_diagnostic_start(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    dv_init(&v, rq, rs, query_get(&rq->query, "langue"));
    if (!dsp_csrf(&v))
        return;
    char cle[DIAG_KEY_MAX];
    if (diag_session_start(rq->db, 0, v.lang, NULL, 0, rq->peer, rq->now, cle) < 0) {
        dv_db_error(&v);
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/diagnostic/s/%s", cle);
    resp_redirect(rs, loc);
}

/* "Question 4 (20 au plus)" */
static void progress(struct diag_view *v, const struct diag_state *st)
{
    html_raw(v->b, "<p class=\"diag-progres\">");
    dv_msg_num(v, "question_numero", st->n + 1);
    html_raw(v->b, " <span>");
    dv_msg_num(v, "question_max", st->bank->questions_max);
    html_raw(v->b, "</span></p>\n");
}

static void hidden(struct buf *b, const char *name, const char *value)
{
    html_raw(b, "<input type=\"hidden\" name=\"");
    html_raw(b, name);
    html_raw(b, "\" value=\"");
    html_attr(b, value);
    html_raw(b, "\">\n");
}

static void choice(struct diag_view *v, int multiple, const char *id, const char *text,
                   int checked, int french_text)
{
    struct buf *b = v->b;
    html_raw(b, "<div class=\"diag-choix\"><input type=\"");
    html_raw(b, multiple ? "checkbox" : "radio");
    html_raw(b, "\" name=\"o\" id=\"o-");
    html_attr(b, id);
    html_raw(b, "\" value=\"");
    html_attr(b, id);
    html_raw(b, "\"");
    if (!multiple)
        html_raw(b, " required");
    if (checked)
        html_raw(b, " checked");
    html_raw(b, "><label for=\"o-");
    html_attr(b, id);
    html_raw(b, "\">");
    if (french_text)
        dv_txt(v, text);
    else
        html_txt(b, text);
    html_raw(b, "</label></div>\n");
}

/* The buttons under a question or the commune step. */
static void actions(struct diag_view *v, const struct diag_state *st, const char *submit_key,
                    const char *submit_action)
{
    struct buf *b = v->b;
    html_raw(b, "<div class=\"diag-actions\">\n<button type=\"submit\" class=\"bouton\"");
    if (submit_action) {
        html_raw(b, " name=\"action\" value=\"");
        html_raw(b, submit_action);
        html_raw(b, "\"");
    }
    html_raw(b, ">");
    dv_txt(v, submit_key);
    html_raw(b, "</button>\n");
    if (st->n > 0) {
        html_raw(b, "<button type=\"submit\" name=\"action\" value=\"retour\" "
                    "class=\"bouton secondaire\" formnovalidate>");
        dv_txt(v, "precedente");
        html_raw(b, "</button>\n");
    }
    if (st->s.pro) {
        html_raw(b, "<button type=\"submit\" name=\"action\" value=\"observations\" "
                    "class=\"bouton secondaire\" formnovalidate>");
        dv_txt(v, "pro_passer");
        html_raw(b, "</button>\n");
    }
    html_raw(b, "</div>\n");
}

static void form_open(struct diag_view *v, const struct diag_state *st)
{
    html_raw(v->b, "<form method=\"post\" action=\"");
    dsp_href(v, st, NULL);
    html_raw(v->b, "\" class=\"diag-question\">\n");
    form_csrf_field(v->b, v->rq, v->rs);
    hidden(v->b, "langue", diag_lang_code(v->lang));
}

/* One question. error: a message (already in the page's language), with
 * the options that were chosen. */
static void render_question(struct diag_view *v, const struct diag_state *st, int qi,
                            const char *error, uint32_t chosen)
{
    const struct diag_question *q = &st->bank->q[qi];
    struct buf *b = v->b;
    const char *text = diag_tr(&q->texte, v->lang);
    dv_begin(v, text, NULL, 0);
    progress(v, st);
    form_open(v, st);
    hidden(b, "q", q->id);
    if (error)
        dv_error_summary(v, "choix", error);
    int has_help = q->aide.t[DIAG_FR] != NULL || q->type == DQ_COMPETENCE;
    html_raw(b, "<fieldset id=\"choix\"");
    if (has_help || error) {
        html_raw(b, " aria-describedby=\"");
        if (has_help)
            html_raw(b, error ? "q-aide " : "q-aide");
        if (error)
            html_raw(b, "q-erreur");
        html_raw(b, "\"");
    }
    html_raw(b, ">\n<legend><h1>");
    html_txt(b, text);
    html_raw(b, "</h1></legend>\n");
    if (has_help) {
        html_raw(b, "<p class=\"aide\" id=\"q-aide\">");
        if (q->aide.t[DIAG_FR])
            dv_tr(v, &q->aide);
        else
            dv_txt(v, "aide_nsp");
        html_raw(b, "</p>\n");
    }
    if (error) {
        html_raw(b, "<p class=\"erreur\" id=\"q-erreur\"><strong>");
        dv_txt(v, "erreur_prefixe");
        html_raw(b, "</strong> ");
        html_txt(b, error);
        html_raw(b, "</p>\n");
    }
    int multiple = q->type == DQ_PROFIL && q->multiple;
    for (int k = 0; k < q->noptions; k++)
        choice(v, multiple, q->options[k].id, diag_tr(&q->options[k].texte, v->lang),
               chosen >> k & 1, 0);
    if (q->type == DQ_COMPETENCE)
        choice(v, 0, "nsp", "je_ne_sais_pas", 0, 1);
    html_raw(b, "</fieldset>\n");
    actions(v, st, "valider", NULL);
    html_raw(b, "</form>\n");
    dv_end(v);
}

/* The last step of the self-diagnostic: where to look for help. */
static void render_commune(struct diag_view *v, const struct diag_state *st, const char *value,
                           const char *error)
{
    struct buf *b = v->b;
    dv_begin(v, dv_t(v, "commune_titre"), NULL, 0);
    form_open(v, st);
    if (error)
        dv_error_summary(v, "ou", error);
    html_raw(b, "<h1>");
    dv_txt(v, "commune_titre");
    html_raw(b, "</h1>\n<p>");
    dv_txt(v, "commune_intro");
    html_raw(b, "</p>\n");
    dv_field(v, "ou", dv_t(v, "commune_label"), dv_t(v, "commune_aide"), value, error,
             "address-level2", 0);
    actions(v, st, "voir_resultat", "terminer");
    html_raw(b, "</form>\n");
    dv_end(v);
}

void page_diagnostic_session(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    struct diag_state *st = dsp_load(rq, rs, &v);
    if (!st)
        return;
    if (st->s.pro && !dsp_pro_allowed(&v, st)) {
        free(st);
        return;
    }
    if (st->s.termine_at[0])
        dsp_redirect(&v, st, "/resultat");
    else if (!st->consistent)
        dv_error(&v, 409, "session_abimee_titre", "session_abimee_texte");
    else if (st->w.next != DIAG_END)
        render_question(&v, st, st->w.next, NULL, 0);
    else if (st->s.pro)
        dsp_redirect(&v, st, "/observations");
    else
        render_commune(&v, st, NULL, NULL);
    free(st);
}

/* The options posted (o=..., repeated) as a mask; -1 for an unknown one. */
static int posted_mask(const struct request *rq, const struct diag_question *q, uint32_t *mask)
{
    *mask = 0;
    const char *o;
    for (size_t i = 0; (o = query_get_nth(&rq->query, "o", i)); i++) {
        if (q->type == DQ_COMPETENCE && strcmp(o, "nsp") == 0)
            continue;
        int k = diag_bank_option(q, o);
        if (k < 0)
            return -1;
        *mask |= 1u << k;
    }
    return 0;
}

static void finish(struct diag_view *v, struct diag_state *st)
{
    const char *ou = query_get(&v->rq->query, "ou");
    struct territoire_commune c;
    int found = 0;
    if (ou && *ou) {
        found = diag_resolve_commune(v->rq->db, ou, &c);
        if (found < 0) {
            dv_db_error(v);
            return;
        }
        if (!found) {
            v->rs->status = 400;
            render_commune(v, st, ou, dv_t(v, "commune_inconnue"));
            return;
        }
    }
    int r = diag_session_finish(v->rq->db, st, found ? &c : NULL, NULL, NULL, NULL, v->rq->now);
    if (r < 0)
        dv_db_error(v);
    else
        dsp_redirect(v, st, r == 0 ? "/resultat" : NULL);
}

static void answer(struct diag_view *v, struct diag_state *st)
{
    const struct request *rq = v->rq;
    const char *qid = query_get(&rq->query, "q");
    int qi = diag_bank_question(st->bank, qid);
    if (qi < 0 || qi != st->w.next) { /* stale page or double submit */
        dsp_redirect(v, st, NULL);
        return;
    }
    struct diag_answer a = {qi, 0};
    const char *problem = "inconnue";
    if (posted_mask(rq, &st->bank->q[qi], &a.mask) == 0)
        problem = diag_answer_problem(st->bank, &a, NULL);
    if (st->bank->q[qi].type == DQ_COMPETENCE && !query_get(&rq->query, "o"))
        problem = "choisir"; /* nothing chosen: "je ne sais pas" is a choice */
    if (problem) {
        char key[40];
        snprintf(key, sizeof key, "erreur_%s", problem);
        v->rs->status = 400;
        render_question(v, st, qi, dv_t(v, key), a.mask);
        return;
    }
    int r = diag_session_answer(rq->db, st, &a, v->lang, rq->now);
    if (r < 0)
        dv_db_error(v);
    else
        dsp_redirect(v, st, NULL);
}

void page_diagnostic_answer(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    struct diag_state *st = dsp_load(rq, rs, &v);
    if (!st)
        return;
    if (!dsp_csrf(&v) || (st->s.pro && !dsp_pro_allowed(&v, st))) {
        free(st);
        return;
    }
    const char *action = query_get(&rq->query, "action");
    if (st->s.termine_at[0]) {
        dsp_redirect(&v, st, "/resultat");
    } else if (action && strcmp(action, "retour") == 0) {
        if (diag_session_back(rq->db, st, rq->now) < 0)
            dv_db_error(&v);
        else
            dsp_redirect(&v, st, NULL);
    } else if (action && strcmp(action, "observations") == 0 && st->s.pro) {
        dsp_redirect(&v, st, "/observations");
    } else if (action && strcmp(action, "terminer") == 0 && st->w.next == DIAG_END &&
               !st->s.pro) {
        finish(&v, st);
    } else {
        answer(&v, st);
    }
    free(st);
}

void page_diagnostic_sw(const struct request *rq, struct response *rs)
{
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, "web/static/diagnostic-sw.js") == 0) {
            buf_add(&rs->body, embedded_files[i].data, embedded_files[i].len);
            rs->content_type = "text/javascript; charset=utf-8";
            rs->cache_control = "no-cache";
            resp_header(rs, "Service-Worker-Allowed", "/diagnostic");
            return;
        }
    resp_html_error(rq, rs, 404, "Fichier introuvable", "Ce fichier n'existe pas.");
}
