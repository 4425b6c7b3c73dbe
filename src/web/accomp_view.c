/* accomp_view.c - shared pieces of the accompaniment pages (see
 * accomp_view.h). */
#include "web/accomp_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jour.h"
#include "comptes/authz.h"
#include "web/html.h"
#include "web/layout.h"

const char av_no_key[] =
    "Le suivi nominatif des personnes n'est pas activé sur cette plateforme : la clé qui "
    "chiffre leurs données n'est pas configurée. Les activités s'enregistrent quand même, de "
    "façon anonyme. L'administrateur du serveur peut l'activer (voir la documentation, "
    "docs/rgpd.md).";

void av_ctx(const struct request *rq, struct accomp_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->by = rq->actor;
    c->peer = rq->peer;
    c->now = rq->now;
    c->key = rq->data_key;
}

long long av_structure(const struct request *rq)
{
    const struct actor *a = rq->actor;
    const char *s = query_get(&rq->query, "structure");
    if (a && s && *s) {
        for (int i = 0; i < a->ngrants; i++)
            if (a->grants[i].portee == PORTEE_STRUCTURE && strcmp(a->grants[i].code, s) == 0)
                return atoll(s);
    }
    return actor_structure(a);
}

int av_id(const struct request *rq, struct response *rs, int i, long long *id)
{
    const char *s = i < rq->ncaptures ? rq->captures[i] : "";
    size_t n = strlen(s);
    int ok = n > 0 && n <= 18;
    for (size_t k = 0; ok && k < n; k++)
        ok = s[k] >= '0' && s[k] <= '9';
    if (ok)
        *id = atoll(s);
    if (!ok || *id <= 0) {
        resp_html_error(rq, rs, 404, "Page introuvable", "Ce numéro ne correspond à rien.");
        return -1;
    }
    return 0;
}

int av_person(const struct request *rq, struct response *rs, enum authz_action action,
              struct beneficiaire *b)
{
    long long id;
    if (!page_require_actor(rq, rs) || av_id(rq, rs, 0, &id) < 0)
        return 0;
    if (!rq->data_key) {
        resp_html_error(rq, rs, 503, "Suivi des personnes indisponible", av_no_key);
        return 0;
    }
    int k = beneficiaire_get(rq->db, rq->data_key, id, b);
    if (k == -2) {
        resp_html_error(rq, rs, 500, "Données illisibles", "Les données de cette personne ne "
                        "se déchiffrent pas avec la clé du serveur.");
        return 0;
    }
    if (k < 0) {
        page_db_error(rq, rs);
        return 0;
    }
    if (k == 0) {
        if (b->fusionne_dans) {
            char loc[64];
            snprintf(loc, sizeof loc, "/beneficiaires/%lld", b->fusionne_dans);
            resp_redirect(rs, loc);
        } else {
            resp_html_error(rq, rs, 404, "Personne introuvable",
                            "Cette personne n'est pas (ou plus) suivie : ses données ont peut-être "
                            "été effacées.");
        }
        return 0;
    }
    k = beneficiaire_may(rq->db, rq->actor, action, b->structure_id);
    if (k < 0)
        page_db_error(rq, rs);
    else if (k == 0)
        page_forbidden(rq, rs, "Cette personne est suivie par une autre structure.");
    return k > 0;
}

void av_group_error(struct buf *b, const char *name, const char *error)
{
    if (!error)
        return;
    html_raw(b, "<p class=\"erreur\" id=\"");
    html_attr(b, name);
    html_raw(b, "-erreur\"><strong>Erreur :</strong> ");
    html_txt(b, error);
    html_raw(b, "</p>\n");
}

static void fieldset_open(struct buf *b, const char *name, const char *legend, const char *hint,
                          const char *error)
{
    html_raw(b, "<fieldset id=\"");
    html_attr(b, name);
    html_raw(b, error ? "\" class=\"champ-erreur\"" : "\"");
    if (hint || error) {
        html_raw(b, " aria-describedby=\"");
        if (hint) {
            html_attr(b, name);
            html_raw(b, "-aide");
        }
        if (error) {
            html_raw(b, hint ? " " : "");
            html_attr(b, name);
            html_raw(b, "-erreur");
        }
        html_raw(b, "\"");
    }
    html_raw(b, "><legend>");
    html_txt(b, legend);
    html_raw(b, "</legend>\n");
    if (hint) {
        html_raw(b, "<p class=\"aide\" id=\"");
        html_attr(b, name);
        html_raw(b, "-aide\">");
        html_txt(b, hint);
        html_raw(b, "</p>\n");
    }
    av_group_error(b, name, error);
}

static void input(struct buf *b, const char *type, const char *name, const char *value, int checked)
{
    html_raw(b, "<li><label><input type=\"");
    html_raw(b, type);
    html_raw(b, "\" name=\"");
    html_attr(b, name);
    html_raw(b, "\" value=\"");
    html_attr(b, value);
    html_raw(b, checked ? "\" checked> " : "\"> ");
}

void av_checkboxes(struct buf *b, const char *name, enum accomp_voc voc, unsigned checked,
                   const char *legend, const char *hint, const char *error)
{
    fieldset_open(b, name, legend, hint, error);
    html_raw(b, "<ul class=\"cases\">\n");
    const struct accomp_vocabulaire *v = accomp_voc(voc);
    for (int i = 0; i < v->n; i++) {
        input(b, "checkbox", name, v->v[i].code, (checked >> i) & 1);
        html_txt(b, v->v[i].label);
        html_raw(b, "</label></li>\n");
    }
    html_raw(b, "</ul>\n</fieldset>\n");
}

void av_radios(struct buf *b, const char *name, enum accomp_voc voc, int checked,
               const char *legend, const char *none, const char *error)
{
    fieldset_open(b, name, legend, NULL, error);
    html_raw(b, "<ul class=\"cases\">\n");
    if (none) {
        input(b, "radio", name, "", checked < 0);
        html_txt(b, none);
        html_raw(b, "</label></li>\n");
    }
    const struct accomp_vocabulaire *v = accomp_voc(voc);
    for (int i = 0; i < v->n; i++) {
        input(b, "radio", name, v->v[i].code, checked == i);
        html_txt(b, v->v[i].label);
        html_raw(b, "</label></li>\n");
    }
    html_raw(b, "</ul>\n</fieldset>\n");
}

void av_select(struct buf *b, const char *name, enum accomp_voc voc, int checked,
               const char *label, const char *none)
{
    html_raw(b, "<div class=\"champ\"><label for=\"");
    html_attr(b, name);
    html_raw(b, "\">");
    html_txt(b, label);
    html_raw(b, "</label>\n<select id=\"");
    html_attr(b, name);
    html_raw(b, "\" name=\"");
    html_attr(b, name);
    html_raw(b, "\">\n");
    if (none) {
        html_raw(b, checked < 0 ? "<option value=\"\" selected>" : "<option value=\"\">");
        html_txt(b, none);
        html_raw(b, "</option>\n");
    }
    const struct accomp_vocabulaire *v = accomp_voc(voc);
    for (int i = 0; i < v->n; i++) {
        html_raw(b, "<option value=\"");
        html_attr(b, v->v[i].code);
        html_raw(b, checked == i ? "\" selected>" : "\">");
        html_txt(b, v->v[i].label);
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select></div>\n");
}

void av_labels(struct buf *b, enum accomp_voc voc, unsigned bits)
{
    int first = 1;
    const struct accomp_vocabulaire *v = accomp_voc(voc);
    for (int i = 0; i < v->n; i++)
        if (bits & (1u << i)) {
            html_raw(b, first ? "" : ", ");
            html_txt(b, v->v[i].label);
            first = 0;
        }
    if (first)
        html_raw(b, "—");
}

void av_jour(struct buf *b, long jour)
{
    char iso[11];
    jour_format(jour, iso);
    page_date(b, iso);
}

void av_iso_date(struct buf *b, const char *iso)
{
    char day[11];
    if (!iso)
        return;
    snprintf(day, sizeof day, "%.10s", iso);
    page_date(b, day);
}

void av_errors(struct buf *b, const struct accomp_erreurs *e, const struct av_label *labels)
{
    if (!e || e->n == 0)
        return;
    html_raw(b, "<div class=\"erreurs\" role=\"alert\" tabindex=\"-1\" id=\"erreurs\">\n<h2>");
    if (e->n == 1)
        html_raw(b, "Le formulaire contient une erreur");
    else
        html_rawf(b, "Le formulaire contient %d erreurs", e->n);
    html_raw(b, "</h2>\n<ul>\n");
    for (int i = 0; i < e->n; i++) {
        const char *label = e->e[i].field;
        for (int k = 0; labels && labels[k].field; k++)
            if (strcmp(labels[k].field, e->e[i].field) == 0)
                label = labels[k].label;
        html_raw(b, "<li><a href=\"#");
        html_attr(b, e->e[i].field);
        html_raw(b, "\">");
        html_txt(b, label);
        html_raw(b, " : ");
        html_txt(b, e->e[i].msg);
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "</ul>\n</div>\n");
}

void av_fail(const struct request *rq, struct response *rs, enum accomp_result r,
             const struct accomp_ctx *c)
{
    switch (r) {
    case ACC_FORBIDDEN:
        page_forbidden(rq, rs, c->msg[0] ? c->msg : "Vous n'avez pas accès à cette page.");
        return;
    case ACC_NOT_FOUND:
        resp_html_error(rq, rs, 404, "Introuvable", c->msg[0] ? c->msg : "Rien à cette adresse.");
        return;
    case ACC_NO_KEY:
        resp_html_error(rq, rs, 503, "Suivi des personnes indisponible",
                        c->msg[0] ? c->msg : av_no_key);
        return;
    case ACC_INVALID:
    case ACC_DUPLICATE:
        resp_html_error(rq, rs, 400, "Impossible", c->msg[0] ? c->msg : "La demande est incorrecte.");
        return;
    default:
        page_db_error(rq, rs);
    }
}
