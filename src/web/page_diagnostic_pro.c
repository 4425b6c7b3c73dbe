/* page_diagnostic_pro.c - the professional mode (AZ_DIAGNOSTIC_PRO: a
 * médiateur or a structure manager, for their structure):
 *   GET  /diagnostic/pro   what the mode is, a button to start, and the
 *                          structure's recent diagnostics;
 *   POST /diagnostic/pro   start a professional session (journaled);
 *   GET|POST /diagnostic/s/{cle}/observations  after the questions (or
 *        instead of the remaining ones): the level the médiateur observed in
 *        each domain (or "not observed"), attitudes, barriers, the commune,
 *        and the autonomy step to keep — the computed one, or another with
 *        a reason (required) — then the finish and the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/catalogue.h"
#include "structures/structures.h"
#include "web/diag_session_page.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_diagnostic.h"

static void recent(struct diag_view *v, long long structure)
{
    struct buf *b = v->b;
    struct diag_session_row rows[20];
    int n = diag_store_structure_sessions(v->rq->db, structure, rows, 20);
    if (n <= 0)
        return;
    html_raw(b, "<div class=\"defile\"><table>\n<caption>");
    dv_txt(v, "pro_recents");
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">");
    dv_txt(v, "pro_col_date");
    html_raw(b, "</th><th scope=\"col\">");
    dv_txt(v, "pro_col_etat");
    html_raw(b, "</th><th scope=\"col\">");
    dv_txt(v, "pro_col_niveau");
    html_raw(b, "</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        int done = rows[i].termine_at[0] != 0;
        html_raw(b, "<tr><th scope=\"row\"><a href=\"/diagnostic/s/");
        html_attr(b, rows[i].cle);
        html_raw(b, done ? "/resultat\">" : "\">");
        html_txt(b, rows[i].created_at[0] ? rows[i].created_at : "?");
        html_raw(b, "</a></th><td>");
        if (done)
            dv_txt(v, "pro_termine");
        else
            dv_msg_num(v, "pro_en_cours", rows[i].answers);
        html_raw(b, "</td><td>");
        if (done && v->ref && rows[i].autonomie >= 1 && rows[i].autonomie <= DIAG_STEPS)
            dv_tr(v, &v->ref->autonomie[rows[i].autonomie - 1].nom);
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
}

void page_diagnostic_pro(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    dv_init(&v, rq, rs, NULL);
    if (!dsp_pro_allowed(&v, NULL))
        return;
    struct buf *b = &rs->body;
    dv_begin(&v, dv_t(&v, "pro_titre"), NULL, 0);
    html_raw(b, "<h1>");
    dv_txt(&v, "pro_titre");
    html_raw(b, "</h1>\n<p class=\"intro\">");
    dv_txt(&v, "pro_intro");
    html_raw(b, "</p>\n<ul class=\"diag-points\">\n<li>");
    dv_txt(&v, "pro_point_questions");
    html_raw(b, "</li>\n<li>");
    dv_txt(&v, "pro_point_observations");
    html_raw(b, "</li>\n<li>");
    dv_txt(&v, "pro_point_anonyme");
    html_raw(b, "</li>\n</ul>\n<form method=\"post\" action=\"/diagnostic/pro\">\n");
    form_csrf_field(b, rq, rs);
    html_raw(b, "<input type=\"hidden\" name=\"langue\" value=\"");
    html_raw(b, diag_lang_code(v.lang));
    html_raw(b, "\">\n<button type=\"submit\" class=\"bouton\">");
    dv_txt(&v, "pro_commencer");
    html_raw(b, "</button>\n</form>\n");
    recent(&v, actor_structure(rq->actor));
    dv_end(&v);
}

void page_diagnostic_pro_start(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    dv_init(&v, rq, rs, query_get(&rq->query, "langue"));
    if (!dsp_csrf(&v) || !dsp_pro_allowed(&v, NULL))
        return;
    char cle[DIAG_KEY_MAX];
    if (diag_session_start(rq->db, 1, v.lang, rq->actor, actor_structure(rq->actor), rq->peer,
                           rq->now, cle) < 0) {
        dv_db_error(&v);
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/diagnostic/s/%s", cle);
    resp_redirect(rs, loc);
}

/* Radio buttons "name" with values "" (label none_key), then 0..max-1 or
 * 1..max. */
static void radios(struct diag_view *v, const char *name, const char *none_key, int first,
                   int last, const struct diag_text *labels, const char *chosen)
{
    struct buf *b = v->b;
    for (int k = first - 1; k <= last; k++) {
        char val[8] = "";
        if (k >= first)
            snprintf(val, sizeof val, "%d", k);
        if (k < first && !none_key)
            continue;
        html_raw(b, "<div class=\"diag-choix\"><input type=\"radio\" name=\"");
        html_attr(b, name);
        html_raw(b, "\" id=\"");
        html_attr(b, name);
        html_raw(b, "-");
        html_raw(b, k >= first ? val : "x");
        html_raw(b, "\" value=\"");
        html_raw(b, val);
        html_raw(b, "\"");
        if ((chosen && strcmp(chosen, val) == 0) || (!chosen && k < first))
            html_raw(b, " checked");
        html_raw(b, "><label for=\"");
        html_attr(b, name);
        html_raw(b, "-");
        html_raw(b, k >= first ? val : "x");
        html_raw(b, "\">");
        if (k < first)
            dv_txt(v, none_key);
        else
            dv_tr(v, &labels[k - first]);
        html_raw(b, "</label></div>\n");
    }
}

static int posted_has(const struct request *rq, const char *name, const char *value)
{
    const char *o;
    for (size_t i = 0; (o = query_get_nth(&rq->query, name, i)); i++)
        if (strcmp(o, value) == 0)
            return 1;
    return 0;
}

static void checkboxes(struct diag_view *v, const char *name, const char *id, const struct diag_text *label)
{
    struct buf *b = v->b;
    html_raw(b, "<div class=\"diag-choix\"><input type=\"checkbox\" name=\"");
    html_raw(b, name);
    html_raw(b, "\" id=\"");
    html_raw(b, name);
    html_raw(b, "-");
    html_attr(b, id);
    html_raw(b, "\" value=\"");
    html_attr(b, id);
    html_raw(b, "\"");
    if (posted_has(v->rq, name, id))
        html_raw(b, " checked");
    html_raw(b, "><label for=\"");
    html_raw(b, name);
    html_raw(b, "-");
    html_attr(b, id);
    html_raw(b, "\">");
    dv_tr(v, label);
    html_raw(b, "</label></div>\n");
}

static void observation_form(struct diag_view *v, const struct diag_state *st,
                             const struct diag_result *from_answers, const char *error_field,
                             const char *error)
{
    struct buf *b = v->b;
    const struct diag_ref *ref = v->ref;
    const struct request *rq = v->rq;
    dv_begin(v, dv_t(v, "obs_titre"), NULL, 0);
    html_raw(b, "<form method=\"post\" action=\"");
    dsp_href(v, st, "/observations");
    html_raw(b, "\" class=\"diag-observations\">\n");
    form_csrf_field(b, rq, v->rs);
    if (error)
        dv_error_summary(v, error_field, error);
    html_raw(b, "<h1>");
    dv_txt(v, "obs_titre");
    html_raw(b, "</h1>\n<p>");
    dv_msg_num(v, "obs_intro", st->n);
    html_raw(b, "</p>\n<h2>");
    dv_txt(v, "obs_domaines");
    html_raw(b, "</h2>\n");
    for (size_t d = 0; d < ref->ndomaines; d++) {
        char name[48];
        snprintf(name, sizeof name, "d-%s", ref->domaines[d].id);
        html_raw(b, "<fieldset>\n<legend>");
        dv_tr(v, &ref->domaines[d].nom);
        html_raw(b, " <span class=\"diag-sec\">");
        dv_msg_str(v, "obs_d_apres", "niveau",
                   diag_tr(&ref->niveaux[from_answers->niveau[d]].nom, v->lang));
        html_raw(b, "</span></legend>\n");
        struct diag_text names[DIAG_LEVELS + 1];
        for (int k = 0; k <= DIAG_LEVELS; k++)
            names[k] = ref->niveaux[k].nom;
        radios(v, name, "obs_non_observe", 0, DIAG_LEVELS, names, query_get(&rq->query, name));
        html_raw(b, "</fieldset>\n");
    }
    html_raw(b, "<fieldset>\n<legend>");
    dv_txt(v, "obs_attitudes");
    html_raw(b, "</legend>\n");
    for (size_t i = 0; i < ref->nattitudes; i++)
        checkboxes(v, "a", ref->attitudes[i].id, &ref->attitudes[i].nom);
    html_raw(b, "</fieldset>\n<fieldset>\n<legend>");
    dv_txt(v, "obs_freins");
    html_raw(b, "</legend>\n");
    for (size_t i = 0; i < ref->nfreins; i++)
        checkboxes(v, "f", ref->freins[i].id, &ref->freins[i].nom);
    html_raw(b, "</fieldset>\n<fieldset id=\"autonomie\"");
    if (error_field && strcmp(error_field, "motif") == 0)
        html_raw(b, " aria-describedby=\"motif-erreur\"");
    html_raw(b, ">\n<legend>");
    dv_txt(v, "obs_autonomie");
    html_raw(b, "</legend>\n");
    struct diag_text steps[DIAG_STEPS];
    for (int k = 0; k < DIAG_STEPS; k++)
        steps[k] = ref->autonomie[k].nom;
    radios(v, "autonomie", "obs_calcule", 1, DIAG_STEPS, steps, query_get(&rq->query, "autonomie"));
    html_raw(b, "</fieldset>\n");
    dv_field(v, "motif", dv_t(v, "obs_motif"), dv_t(v, "obs_motif_aide"),
             query_get(&rq->query, "motif"),
             error_field && strcmp(error_field, "motif") == 0 ? error : NULL, NULL, 1);
    /* the structure's commune by default */
    const char *ou = query_get(&rq->query, "ou");
    struct structure sx;
    if (!ou && strcmp(rq->method, "GET") == 0 &&
        structures_get(rq->db, st->s.structure_id, &sx) == 1 && sx.commune_nom[0])
        ou = sx.commune_nom;
    dv_field(v, "ou", dv_t(v, "obs_commune"), dv_t(v, "commune_aide"), ou,
             error_field && strcmp(error_field, "ou") == 0 ? error : NULL, "off", 0);
    html_raw(b, "<div class=\"diag-actions\"><button type=\"submit\" class=\"bouton\">");
    dv_txt(v, "obs_enregistrer");
    html_raw(b, "</button>\n");
    if (st->w.next != DIAG_END) {
        html_raw(b, "<a class=\"bouton secondaire\" href=\"");
        dsp_href(v, st, NULL);
        html_raw(b, "\">");
        dv_txt(v, "obs_retour_questions");
        html_raw(b, "</a>\n");
    }
    html_raw(b, "</div>\n</form>\n");
    dv_end(v);
}

/* Read the posted observations into o; returns a field in error or NULL. */
static const char *read_observations(const struct request *rq, const struct diag_ref *ref,
                                     struct diag_observation *o)
{
    diag_observation_none(o);
    for (size_t d = 0; d < ref->ndomaines; d++) {
        char name[48];
        snprintf(name, sizeof name, "d-%s", ref->domaines[d].id);
        const char *val = query_get(&rq->query, name);
        if (val && *val) {
            if (strlen(val) != 1 || val[0] < '0' || val[0] > '0' + DIAG_LEVELS)
                return "d";
            o->niveau[d] = val[0] - '0';
        }
    }
    for (size_t i = 0; i < ref->nattitudes; i++)
        if (posted_has(rq, "a", ref->attitudes[i].id))
            o->attitudes |= (uint64_t)1 << i;
    for (size_t i = 0; i < ref->nfreins; i++)
        if (posted_has(rq, "f", ref->freins[i].id))
            o->freins |= (uint64_t)1 << i;
    const char *a = query_get(&rq->query, "autonomie");
    if (a && *a) {
        if (strlen(a) != 1 || a[0] < '1' || a[0] > '0' + DIAG_STEPS)
            return "autonomie";
        o->autonomie = a[0] - '0';
    }
    o->motif = query_get(&rq->query, "motif");
    if (o->motif && strlen(o->motif) > 500)
        return "motif";
    return NULL;
}

void page_diagnostic_observations(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    struct diag_state *st = dsp_load(rq, rs, &v);
    if (!st)
        return;
    int is_post = strcmp(rq->method, "POST") == 0;
    if (!st->s.pro) {
        dv_error(&v, 404, "session_inconnue_titre", "session_inconnue_texte");
    } else if ((is_post && !dsp_csrf(&v)) || !dsp_pro_allowed(&v, st)) {
        /* answered */
    } else if (st->s.termine_at[0]) {
        dsp_redirect(&v, st, "/resultat");
    } else if (!v.ref) {
        dv_db_error(&v);
    } else {
        struct diag_result answers;
        diag_score(st->bank, st->a, st->n, NULL, &answers);
        if (!is_post) {
            observation_form(&v, st, &answers, NULL, NULL);
        } else {
            struct diag_observation o;
            const char *bad = read_observations(rq, v.ref, &o);
            struct diag_result r;
            diag_score(st->bank, st->a, st->n, &o, &r);
            const char *ou = query_get(&rq->query, "ou");
            struct territoire_commune c;
            int found = ou && *ou ? diag_resolve_commune(rq->db, ou, &c) : 0;
            if (found < 0) {
                dv_db_error(&v);
            } else if (bad) {
                rs->status = 400;
                observation_form(&v, st, &answers, bad, dv_t(&v, "obs_erreur_valeur"));
            } else if (r.ajuste && (!o.motif || !*o.motif)) {
                rs->status = 400;
                observation_form(&v, st, &answers, "motif", dv_t(&v, "obs_erreur_motif"));
            } else if (ou && *ou && !found) {
                rs->status = 400;
                observation_form(&v, st, &answers, "ou", dv_t(&v, "commune_inconnue"));
            } else if (diag_session_finish(rq->db, st, found ? &c : NULL, &o, rq->actor, rq->peer,
                                           rq->now) < 0) {
                dv_db_error(&v);
            } else {
                dsp_redirect(&v, st, "/resultat");
            }
        }
    }
    free(st);
}
