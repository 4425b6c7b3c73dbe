/* page_orientations.c - referrals: the lists sent and received, the form
 * (find a place or a structure, the needs, what the person agrees to
 * share), one referral with its answers, and the receiving side's
 * single-use link (see pages_accompagnement.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "base/jour.h"
#include "base/text.h"
#include "lieux/search.h"
#include "structures/structures.h"
#include "web/accomp_view.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_accompagnement.h"

static const struct av_label labels[] = {
    {"destination", "Destination"}, {"besoin", "Besoins"}, {"partage", "Informations transmises"},
    {"consentement", "Accord de la personne"}, {"message", "Message"},
    {"beneficiaire", "Personne"}, {"activite", "Activité"}, {NULL, NULL}};

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

/* ---- the list ---- */

static void table(struct buf *b, const struct orientation_liste *l, int recues, const char *caption)
{
    html_raw(b, "<div class=\"defile\"><table>\n<caption>");
    html_txt(b, caption);
    html_raw(b, recues ? "</caption>\n<thead><tr><th scope=\"col\">Envoyée le</th><th scope=\"col\">"
                         "Par</th><th scope=\"col\">État</th></tr></thead>\n<tbody>\n"
                       : "</caption>\n<thead><tr><th scope=\"col\">Envoyée le</th><th scope=\"col\">"
                         "Vers</th><th scope=\"col\">État</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < l->n; i++) {
        const struct orientation *o = &l->v[i];
        html_rawf(b, "<tr><td><a href=\"/orientations/%lld\">", o->id);
        av_jour(b, jour_local((time_t)o->envoye_at));
        html_raw(b, "</a></td><td>");
        html_txt(b, recues ? o->structure_nom : o->dest_nom);
        html_raw(b, "</td><td>");
        html_txt(b, orientation_etat_label(o->etat));
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody></table></div>\n");
}

void page_orientations(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    long long s = av_structure(rq);
    struct authz_resource r = {.structure_id = s};
    int recv = s ? authz_allowed(rq->db, rq->actor, AZ_ORIENTATION_RECEIVE, &r) : 0;
    int sent = s ? authz_allowed(rq->db, rq->actor, AZ_BENEFICIAIRE_READ, &r) : 0;
    if (recv < 0 || sent < 0)
        return page_db_error(rq, rs);
    if (!recv && !sent)
        return page_forbidden(rq, rs, "Les orientations se consultent depuis la structure qui les "
                                      "envoie ou qui les reçoit.");
    struct orientation_liste in = {0}, out = {0};
    if ((recv && orientation_list(rq->db, s, 1, 0, &in) < 0) ||
        (sent && orientation_list(rq->db, s, 0, 0, &out) < 0)) {
        orientation_liste_free(&in);
        return page_db_error(rq, rs);
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Orientations");
    html_raw(b, "<h1>Orientations</h1>\n");
    page_notice(b, rq);
    struct authz_resource send = {.structure_id = s};
    if (authz_allowed(rq->db, rq->actor, AZ_ORIENTATION_SEND, &send) == 1)
        html_raw(b, "<p><a href=\"/orientations/nouvelle\">Orienter une personne</a></p>\n");
    html_raw(b, "<h2>Reçues</h2>\n");
    if (in.n)
        table(b, &in, 1, "Les personnes orientées vers votre structure");
    else
        html_raw(b, "<p>Aucune.</p>\n");
    html_raw(b, "<h2>Envoyées</h2>\n");
    if (out.n)
        table(b, &out, 0, "Les personnes que votre structure a orientées");
    else
        html_raw(b, "<p>Aucune.</p>\n");
    orientation_liste_free(&in);
    orientation_liste_free(&out);
    page_end(b, rq);
    page_finish(rs);
}

/* ---- the form ---- */

static void dest_radio(struct buf *b, const char *value, const char *name, const char *where,
                       int checked)
{
    html_raw(b, "<li><label><input type=\"radio\" name=\"destination\" value=\"");
    html_attr(b, value);
    html_raw(b, checked ? "\" checked> " : "\"> ");
    html_txt(b, name);
    if (where && *where) {
        html_raw(b, " <span class=\"aide\">(");
        html_txt(b, where);
        html_raw(b, ")</span>");
    }
    html_raw(b, "</label></li>\n");
}

/* Places and structures matching q, as radio buttons. */
static void destinations(const struct request *rq, struct buf *b, const char *q, const char *chosen,
                         long long from, const struct accomp_erreurs *e)
{
    const char *err = accomp_erreur(e, "destination");
    html_raw(b, err ? "<fieldset id=\"destination\" class=\"champ-erreur\" "
                      "aria-describedby=\"destination-erreur\">"
                    : "<fieldset id=\"destination\">");
    html_raw(b, "<legend>Vers quel lieu ou quelle structure ?</legend>\n");
    av_group_error(b, "destination", err);
    int n = 0;
    html_raw(b, "<ul class=\"cases\">\n");
    if (strncmp(chosen, "lieu:", 5) == 0 || strncmp(chosen, "structure:", 10) == 0) {
        /* Keep the choice when the search changed. */
        struct lieux_hit h;
        struct structure s;
        if (chosen[0] == 'l' && lieux_get(rq->db, atoll(chosen + 5), &h, NULL) == 1) {
            dest_radio(b, chosen, lieu_get(&h.l, LF_NOM), lieu_get(&h.l, LF_COMMUNE), 1);
            lieu_clear(&h.l);
            n++;
        } else if (chosen[0] == 's' && structures_get(rq->db, atoll(chosen + 10), &s) == 1) {
            dest_radio(b, chosen, s.nom, s.commune_nom, 1);
            n++;
        }
    }
    if (q && *q) {
        char fq[200];
        text_fold(q, fq, sizeof fq);
        struct structure_list sl;
        if (structures_list(rq->db, &sl) == 0) {
            for (size_t i = 0; i < sl.n && n < 30; i++) {
                char fn[300], v[40];
                text_fold(sl.v[i].nom, fn, sizeof fn);
                snprintf(v, sizeof v, "structure:%lld", sl.v[i].id);
                if (sl.v[i].id == from || !sl.v[i].active || !strstr(fn, fq) || strcmp(v, chosen) == 0)
                    continue;
                dest_radio(b, v, sl.v[i].nom, sl.v[i].commune_nom, 0);
                n++;
            }
            structure_list_free(&sl);
        }
        struct lieux_query lq = {.text = q, .limit = 20, .now = rq->now};
        struct lieux_results r;
        if (lieux_search(rq->db, &lq, &r) == 0) {
            for (size_t i = 0; i < r.n; i++) {
                char v[40];
                snprintf(v, sizeof v, "lieu:%lld", r.v[i].id);
                if (strcmp(v, chosen) == 0)
                    continue;
                dest_radio(b, v, lieu_get(&r.v[i].l, LF_NOM), lieu_get(&r.v[i].l, LF_COMMUNE), 0);
                n++;
            }
            lieux_results_free(&r);
        }
    }
    html_raw(b, "</ul>\n");
    if (n == 0)
        html_raw(b, q && *q ? "<p>Aucun lieu ni structure ne correspond : essayez un autre mot "
                              "ou le nom de la commune.</p>\n"
                            : "<p>Cherchez d'abord le lieu ou la structure ci-dessus.</p>\n");
    html_raw(b, "</fieldset>\n");
}

static void share_box(struct buf *b, const char *value, const char *label, const char *what,
                      unsigned bit, unsigned checked)
{
    if (!what || !*what)
        return;
    html_raw(b, "<li><label><input type=\"checkbox\" name=\"partage\" value=\"");
    html_raw(b, value);
    html_raw(b, checked & bit ? "\" checked> " : "\"> ");
    html_txt(b, label);
    html_raw(b, " : ");
    html_txt(b, what);
    html_raw(b, "</label></li>\n");
}

void page_orientation_nouvelle(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    long long from = av_structure(rq);
    struct authz_resource r = {.structure_id = from};
    int k = from ? authz_allowed(rq->db, rq->actor, AZ_ORIENTATION_SEND, &r) : 0;
    if (k <= 0)
        return k < 0 ? page_db_error(rq, rs)
                     : page_forbidden(rq, rs, "Seuls les médiateurs orientent les personnes "
                                              "qu'accompagne leur structure.");
    if (!rq->data_key)
        return resp_html_error(rq, rs, 503, "Orientation indisponible", av_no_key);
    struct orientation_saisie s;
    orientation_saisie_lire(&rq->query, &s);
    struct accomp_erreurs e = {0};
    if (post && query_get(&rq->query, "envoyer")) {
        struct accomp_ctx c;
        av_ctx(rq, &c);
        long long id;
        enum accomp_result res = orientation_send(rq->db, &c, from, &s, &e, &id);
        if (res == ACC_DONE) {
            char loc[64];
            snprintf(loc, sizeof loc, "/orientations/%lld?fait=orientation", id);
            return resp_redirect(rs, loc);
        }
        if (res != ACC_INVALID)
            return av_fail(rq, rs, res, &c);
        rs->status = 400;
    }
    struct beneficiaire p;
    int has_person = s.beneficiaire_id &&
                     beneficiaire_get(rq->db, rq->data_key, s.beneficiaire_id, &p) == 1 &&
                     p.structure_id == from;
    struct buf *b = &rs->body;
    page_begin(b, rq, "Orienter une personne");
    html_raw(b, "<h1>Orienter une personne</h1>\n");
    av_errors(b, &e, labels);
    const char *q = param(rq, "q");
    html_raw(b, "<form method=\"post\" class=\"formulaire\" action=\"/orientations/nouvelle\">\n");
    form_csrf_field(b, rq, rs);
    static const struct { const char *k; size_t off; } ids[] = {
        {"activite", offsetof(struct orientation_saisie, activite_id)},
        {"diagnostic", offsetof(struct orientation_saisie, diagnostic_id)},
        {"beneficiaire", offsetof(struct orientation_saisie, beneficiaire_id)}};
    for (size_t i = 0; i < 3; i++) {
        long long v = *(const long long *)((const char *)&s + ids[i].off);
        if (v)
            html_rawf(b, "<input type=\"hidden\" name=\"%s\" value=\"%lld\">\n", ids[i].k, v);
    }
    if (has_person) {
        char name[200];
        beneficiaire_nom_affiche(&p, name, sizeof name);
        html_raw(b, "<p>Personne : <strong>");
        html_txt(b, name);
        html_raw(b, "</strong></p>\n");
    } else {
        html_raw(b, "<p>Orientation anonyme : aucune donnée personnelle n'est transmise. Pour "
                    "transmettre les coordonnées d'une personne suivie, partez de sa fiche.</p>\n");
    }
    html_raw(b, "<div class=\"champ\"><label for=\"q\">Chercher un lieu ou une structure : nom, "
                "commune, service</label><input type=\"text\" id=\"q\" name=\"q\" value=\"");
    html_attr(b, q);
    html_raw(b, "\"></div>\n<p><button type=\"submit\" name=\"chercher\" value=\"1\" "
                "class=\"secondaire\">Chercher</button></p>\n");
    destinations(rq, b, q, s.destination, from, &e);
    av_checkboxes(b, "besoin", AV_THEME, s.besoins, "Pour quels besoins ?", NULL,
                  accomp_erreur(&e, "besoin"));
    if (has_person) {
        const char *pe = accomp_erreur(&e, "partage"), *ce = accomp_erreur(&e, "consentement");
        html_raw(b, pe || ce ? "<fieldset id=\"partage\" class=\"champ-erreur\" "
                               "aria-describedby=\"partage-erreur\">"
                             : "<fieldset id=\"partage\">");
        html_raw(b, "<legend>Ce que la personne accepte de transmettre</legend>\n");
        av_group_error(b, "partage", pe ? pe : ce);
        html_raw(b, "<ul class=\"cases\">\n");
        share_box(b, "prenom", "Prénom", p.prenom, PARTAGE_PRENOM, s.partage);
        share_box(b, "nom", "Nom", p.nom, PARTAGE_NOM, s.partage);
        share_box(b, "telephone", "Téléphone", p.telephone, PARTAGE_TEL, s.partage);
        share_box(b, "courriel", "E-mail", p.courriel, PARTAGE_COURRIEL, s.partage);
        html_raw(b, "</ul>\n<ul class=\"cases\"><li><label><input type=\"checkbox\" id=\"consentement\" "
                    "name=\"consentement\" value=\"oui\"");
        html_raw(b, s.consentement ? " checked" : "");
        html_raw(b, "> La personne est d'accord pour que ces informations soient transmises à "
                    "cette structure</label></li></ul>\n</fieldset>\n");
    }
    struct form_field m = {.name = "message", .label = "Message pour la structure", .textarea = 1,
                           .value = s.message, .error = accomp_erreur(&e, "message"),
                           .hint = "Ce qui l'aidera à accueillir la personne. N'écrivez ici ni "
                                   "nom ni coordonnées : seules les cases cochées les transmettent."};
    form_text(b, &m);
    html_raw(b, "<p><button type=\"submit\" name=\"envoyer\" value=\"1\">Envoyer l'orientation"
                "</button></p>\n</form>\n");
    page_end(b, rq);
    page_finish(rs);
}

/* ---- one referral ---- */

static void details(struct buf *b, const struct orientation *o, int show_shared)
{
    html_raw(b, "<dl class=\"details\">\n<dt>Envoyée par</dt><dd>");
    html_txt(b, o->structure_nom);
    html_raw(b, ", le ");
    av_jour(b, jour_local((time_t)o->envoye_at));
    html_raw(b, "</dd>\n<dt>Vers</dt><dd>");
    html_txt(b, o->dest_nom);
    html_raw(b, "</dd>\n<dt>Besoins</dt><dd>");
    av_labels(b, AV_THEME, o->besoins);
    html_raw(b, "</dd>\n<dt>État</dt><dd>");
    html_txt(b, orientation_etat_label(o->etat));
    if (o->etat == OR_REFUSEE && o->motif_refus[0]) {
        html_raw(b, " — ");
        html_txt(b, o->motif_refus);
    }
    if (o->etat == OR_ENVOYEE) {
        html_raw(b, " (sans réponse, elle expire le ");
        av_jour(b, jour_local((time_t)o->expire_at));
        html_raw(b, ")");
    }
    html_raw(b, "</dd>\n");
    if (show_shared) {
        html_raw(b, "<dt>La personne</dt><dd>");
        if (o->efface) {
            html_raw(b, "Les informations transmises ont été effacées.");
        } else if (!o->prenom[0] && !o->nom[0] && !o->telephone[0] && !o->courriel[0]) {
            html_raw(b, "Orientation anonyme : la personne prendra contact elle-même.");
        } else {
            html_txt(b, o->prenom);
            html_raw(b, o->prenom[0] && o->nom[0] ? " " : "");
            html_txt(b, o->nom);
            if (o->telephone[0]) {
                html_raw(b, "<br>Téléphone : ");
                page_phone(b, o->telephone);
            }
            if (o->courriel[0]) {
                html_raw(b, "<br>E-mail : ");
                html_txt(b, o->courriel);
            }
        }
        html_raw(b, "</dd>\n");
        if (!o->efface && o->message[0]) {
            html_raw(b, "<dt>Message</dt><dd>");
            html_txt_lines(b, o->message);
            html_raw(b, "</dd>\n");
        }
    }
    html_raw(b, "</dl>\n");
}

/* The answer buttons for the receiving side (or the sender's cancel). */
static void answer_form(const struct request *rq, struct response *rs, const char *action,
                        const struct orientation *o, int receiving)
{
    struct buf *b = &rs->body;
    if (receiving && o->etat != OR_ENVOYEE && o->etat != OR_ACCEPTEE)
        return;
    if (!receiving && o->etat != OR_ENVOYEE)
        return;
    html_raw(b, "<form method=\"post\" class=\"formulaire\" action=\"");
    html_attr(b, action);
    html_raw(b, "\">\n");
    form_csrf_field(b, rq, rs);
    if (!receiving) {
        html_raw(b, "<p><button type=\"submit\" name=\"action\" value=\"annuler\" "
                    "class=\"secondaire\">Annuler cette orientation</button></p>\n</form>\n");
        return;
    }
    if (o->etat == OR_ACCEPTEE) {
        html_raw(b, "<p><button type=\"submit\" name=\"action\" value=\"terminer\">L'accompagnement "
                    "est terminé</button></p>\n</form>\n");
        return;
    }
    html_raw(b, "<p><button type=\"submit\" name=\"action\" value=\"accepter\">Accepter</button></p>\n");
    struct form_field m = {.name = "motif", .label = "Si vous refusez, pourquoi ?",
                           .hint = "La structure qui oriente le lira (280 caractères au plus)."};
    form_text(b, &m);
    html_raw(b, "<p><button type=\"submit\" name=\"action\" value=\"refuser\" class=\"secondaire\">"
                "Refuser</button></p>\n</form>\n");
}

void page_orientation(const struct request *rq, struct response *rs)
{
    long long id;
    if (!page_require_actor(rq, rs) || av_id(rq, rs, 0, &id) < 0)
        return;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    struct orientation o;
    int k = orientation_get(rq->db, NULL, id, &o);
    if (k <= 0)
        return k < 0 ? page_db_error(rq, rs)
                     : resp_html_error(rq, rs, 404, "Orientation introuvable",
                                       "Cette orientation n'existe pas.");
    int sides = orientation_sides(rq->db, rq->actor, &o);
    if (sides < 0)
        return page_db_error(rq, rs);
    if (!sides)
        return page_forbidden(rq, rs, "Cette orientation concerne d'autres structures.");
    if (post) {
        struct accomp_ctx c;
        av_ctx(rq, &c);
        enum accomp_result r = orientation_act(rq->db, &c, id, param(rq, "action"), param(rq, "motif"));
        if (r != ACC_DONE)
            return av_fail(rq, rs, r, &c);
        char loc[64];
        snprintf(loc, sizeof loc, "/orientations/%lld?fait=reponse", id);
        return resp_redirect(rs, loc);
    }
    /* Only the receiving side reads what was shared (and the sender, who
     * holds the person's record anyway). */
    if (rq->data_key && orientation_get(rq->db, rq->data_key, id, &o) < 0)
        return page_db_error(rq, rs);
    struct buf *b = &rs->body;
    char title[64], action[64];
    snprintf(title, sizeof title, "Orientation n° %lld", id);
    snprintf(action, sizeof action, "/orientations/%lld", id);
    page_begin(b, rq, title);
    html_raw(b, "<h1>");
    html_txt(b, title);
    html_raw(b, "</h1>\n");
    page_notice(b, rq);
    details(b, &o, 1);
    if (sides & 2)
        answer_form(rq, rs, action, &o, 1);
    else
        answer_form(rq, rs, action, &o, 0);
    html_raw(b, "<p><a href=\"/orientations\">Toutes les orientations</a></p>\n");
    page_end(b, rq);
    page_finish(rs);
}

void page_orientation_lien(const struct request *rq, struct response *rs)
{
    const char *token = rq->ncaptures ? rq->captures[0] : "";
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    struct accomp_ctx c;
    av_ctx(rq, &c);
    c.by = NULL; /* the link is the capability; journaled as the link */
    c.cli_user = "lien";
    if (post) {
        long long id;
        enum accomp_result r = orientation_act_link(rq->db, &c, token, param(rq, "action"),
                                                    param(rq, "motif"), &id);
        if (r == ACC_NOT_FOUND)
            return resp_html_error(rq, rs, 410, "Lien expiré", c.msg);
        if (r != ACC_DONE)
            return av_fail(rq, rs, r, &c);
        struct buf *b = &rs->body;
        page_begin(b, rq, "Réponse enregistrée");
        html_raw(b, "<h1>Merci, votre réponse est enregistrée</h1>\n<p>La structure qui a orienté "
                    "la personne en est informée.</p>\n");
        if (strcmp(param(rq, "action"), "accepter") == 0)
            html_raw(b, "<p>Un nouveau lien vient de vous être envoyé par e-mail : il servira à "
                        "signaler la fin de l'accompagnement.</p>\n");
        page_end(b, rq);
        return page_finish(rs);
    }
    long long id;
    int k = orientation_peek_link(rq->db, token, rq->now, &id);
    if (k < 0)
        return page_db_error(rq, rs);
    if (k == 0)
        return resp_html_error(rq, rs, 410, "Lien expiré",
                               "Ce lien n'est plus valable : il a déjà servi, ou il a expiré. Si "
                               "vous avez un compte, répondez depuis votre espace.");
    struct orientation o;
    k = orientation_get(rq->db, rq->data_key, id, &o);
    if (k <= 0 && k != -2)
        return page_db_error(rq, rs);
    struct buf *b = &rs->body;
    page_begin(b, rq, "Une personne vous est orientée");
    html_raw(b, "<h1>Une personne vous est orientée</h1>\n");
    details(b, &o, rq->data_key != NULL && k == 1);
    char action[128];
    snprintf(action, sizeof action, "/orientation/lien/%s", token);
    html_raw(b, "<p class=\"aide\">Ce lien personnel sert une seule fois : ne le transférez pas.</p>\n");
    answer_form(rq, rs, action, &o, 1);
    page_end(b, rq);
    page_finish(rs);
}
