/* page_beneficiaires.c - followed people: the search list, the form with
 * recorded consent (new and edit), one record with its history
 * (accompaniments, diagnostics, referrals), probable duplicates and their
 * merge (see pages_accompagnement.h). Nothing here works without the
 * personal data key: the pages say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "base/jour.h"
#include "territoires/territoires.h"
#include "web/accomp_view.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_accompagnement.h"

static const struct av_label labels[] = {
    {"prenom", "Prénom"}, {"nom", "Nom"}, {"telephone", "Téléphone"}, {"courriel", "E-mail"},
    {"annee_naissance", "Année de naissance"}, {"commune", "Commune"}, {"notes", "Notes"},
    {"consentement", "Accord de la personne"}, {"mode", "Forme de l'accord"},
    {"genre", "Genre"}, {NULL, NULL}};

/* The structure, and whether the actor may do `action` there; answers
 * when not. 1 go on, 0 answered. */
static int gate(const struct request *rq, struct response *rs, enum authz_action action,
                long long structure_id)
{
    if (!rq->data_key) {
        resp_html_error(rq, rs, 503, "Suivi des personnes indisponible", av_no_key);
        return 0;
    }
    int k = structure_id ? beneficiaire_may(rq->db, rq->actor, action, structure_id) : 0;
    if (k < 0)
        page_db_error(rq, rs);
    else if (k == 0)
        page_forbidden(rq, rs, "Les personnes suivies se consultent par les médiateurs et "
                               "gestionnaires de la structure qui les suit.");
    return k > 0;
}

static void person_form(const struct request *rq, struct response *rs, const char *action,
                        const struct beneficiaire_saisie *s, const struct accomp_erreurs *e,
                        int creating, const struct beneficiaire_similaires *sim)
{
    struct buf *b = &rs->body;
    av_errors(b, e, labels);
    if (sim && sim->n) {
        html_raw(b, "<div class=\"erreurs\" role=\"alert\"><h2>Cette personne est peut-être déjà "
                    "suivie</h2>\n<ul>\n");
        for (int i = 0; i < sim->n; i++) {
            struct beneficiaire p;
            char name[200];
            if (beneficiaire_get(rq->db, rq->data_key, sim->id[i], &p) != 1)
                continue;
            beneficiaire_nom_affiche(&p, name, sizeof name);
            html_rawf(b, "<li><a href=\"/beneficiaires/%lld\">", p.id);
            html_txt(b, name);
            html_raw(b, "</a>");
            if (p.annee[0]) {
                html_raw(b, ", née ou né en ");
                html_txt(b, p.annee);
            }
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n<p>Si c'est bien une autre personne, cochez « Créer quand même » en bas "
                    "du formulaire.</p></div>\n");
    }
    html_raw(b, "<form method=\"post\" class=\"formulaire\" action=\"");
    html_attr(b, action);
    html_raw(b, "\">\n");
    form_csrf_field(b, rq, rs);
    if (creating)
        html_rawf(b, "<input type=\"hidden\" name=\"structure\" value=\"%lld\">\n", av_structure(rq));
    struct form_field f[] = {
        {.name = "prenom", .label = "Prénom", .value = s->prenom, .autocomplete = "off",
         .error = accomp_erreur(e, "prenom"), .hint = "Le prénom, le nom, ou les deux."},
        {.name = "nom", .label = "Nom", .value = s->nom, .autocomplete = "off",
         .error = accomp_erreur(e, "nom")},
        {.name = "telephone", .label = "Téléphone", .type = "tel", .value = s->telephone,
         .autocomplete = "off", .error = accomp_erreur(e, "telephone")},
        {.name = "courriel", .label = "E-mail", .type = "email", .value = s->courriel,
         .autocomplete = "off", .error = accomp_erreur(e, "courriel")},
        {.name = "annee_naissance", .label = "Année de naissance", .value = s->annee,
         .hint = "4 chiffres, par exemple 1958.", .error = accomp_erreur(e, "annee_naissance")},
        {.name = "commune", .label = "Commune de résidence", .value = s->commune,
         .hint = "Son nom ou son code postal.", .error = accomp_erreur(e, "commune")},
        {.name = "notes", .label = "Notes", .value = s->notes, .textarea = 1,
         .hint = "500 caractères au plus. Seulement ce qui aide à accompagner la personne : pas de "
                 "santé, d'opinions ni de jugement.",
         .error = accomp_erreur(e, "notes")},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        form_text(b, &f[i]);
    av_select(b, "genre", AV_GENRE, s->genre, "Genre", "Non communiqué");
    av_select(b, "tranche_age", AV_AGE, s->tranche, "Tranche d'âge", "Non communiquée");
    av_select(b, "statut", AV_STATUT, s->statut, "Statut", "Non communiqué");
    if (creating) {
        const char *ce = accomp_erreur(e, "consentement"), *me = accomp_erreur(e, "mode");
        html_raw(b, ce || me ? "<fieldset id=\"consentement\" class=\"champ-erreur\" "
                               "aria-describedby=\"consentement-erreur\">"
                             : "<fieldset id=\"consentement\">");
        html_raw(b, "<legend>Accord de la personne <span class=\"requis\">(obligatoire)</span>"
                    "</legend>\n");
        av_group_error(b, "consentement", ce ? ce : me);
        html_raw(b, "<p class=\"aide\">Expliquez-lui ce que vous notez, pourquoi, qui le voit "
                    "(votre structure seulement), combien de temps (deux ans après le dernier "
                    "accompagnement) et qu'elle peut tout consulter ou tout faire effacer.</p>\n"
                    "<ul class=\"cases\"><li><label><input type=\"checkbox\" name=\"consentement\" "
                    "value=\"oui\"");
        html_raw(b, s->consentement ? " checked" : "");
        html_raw(b, "> La personne est d'accord pour être suivie</label></li>\n");
        html_raw(b, "<li><label><input type=\"radio\" name=\"mode\" value=\"oral\"");
        html_raw(b, strcmp(s->mode, "ecrit") != 0 ? " checked" : "");
        html_raw(b, "> Accord oral</label></li>\n<li><label><input type=\"radio\" name=\"mode\" "
                    "value=\"ecrit\"");
        html_raw(b, strcmp(s->mode, "ecrit") == 0 ? " checked" : "");
        html_raw(b, "> Accord écrit</label></li>\n</ul>\n</fieldset>\n");
        if (sim && sim->n)
            html_raw(b, "<ul class=\"cases\"><li><label><input type=\"checkbox\" name=\"forcer\" "
                        "value=\"oui\"> Créer quand même : c'est une autre personne</label></li>"
                        "</ul>\n");
    }
    html_raw(b, "<p><button type=\"submit\">Enregistrer</button></p>\n</form>\n");
}

void page_beneficiaire_nouveau(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    long long structure_id = av_structure(rq);
    if (!gate(rq, rs, AZ_BENEFICIAIRE_WRITE, structure_id))
        return;
    struct beneficiaire_saisie s;
    memset(&s, 0, sizeof s);
    s.genre = s.tranche = s.statut = -1;
    struct accomp_erreurs e = {0};
    struct beneficiaire_similaires sim = {0};
    if (post) {
        beneficiaire_saisie_lire(&rq->query, &s);
        struct accomp_ctx c;
        av_ctx(rq, &c);
        long long id;
        enum accomp_result r = beneficiaire_create(rq->db, &c, structure_id, &s, &e, &sim, &id);
        if (r == ACC_DONE) {
            char loc[64];
            snprintf(loc, sizeof loc, "/beneficiaires/%lld?fait=personne", id);
            return resp_redirect(rs, loc);
        }
        if (r != ACC_INVALID && r != ACC_DUPLICATE)
            return av_fail(rq, rs, r, &c);
        rs->status = r == ACC_DUPLICATE ? 409 : 400;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Suivre une personne");
    html_raw(b, "<h1>Suivre une personne</h1>\n<p>Sans fiche, vos activités restent anonymes : "
                "c'est le cas par défaut. Une fiche sert à retrouver l'historique d'une personne "
                "que vous accompagnez dans la durée, et demande son accord.</p>\n");
    person_form(rq, rs, "/beneficiaires/nouveau", &s, &e, 1, &sim);
    page_end(b, rq);
    page_finish(rs);
}

void page_beneficiaire_modifier(const struct request *rq, struct response *rs)
{
    struct beneficiaire p;
    if (!av_person(rq, rs, AZ_BENEFICIAIRE_WRITE, &p))
        return;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    struct beneficiaire_saisie s;
    struct accomp_erreurs e = {0};
    if (post) {
        beneficiaire_saisie_lire(&rq->query, &s);
        struct accomp_ctx c;
        av_ctx(rq, &c);
        enum accomp_result r = beneficiaire_update(rq->db, &c, p.id, &s, &e);
        if (r == ACC_DONE) {
            char loc[64];
            snprintf(loc, sizeof loc, "/beneficiaires/%lld?fait=enregistre", p.id);
            return resp_redirect(rs, loc);
        }
        if (r != ACC_INVALID)
            return av_fail(rq, rs, r, &c);
        rs->status = 400;
    } else {
        beneficiaire_vers_saisie(&p, &s);
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Modifier une fiche");
    html_raw(b, "<h1>Modifier la fiche</h1>\n");
    char action[64];
    snprintf(action, sizeof action, "/beneficiaires/%lld/modifier", p.id);
    person_form(rq, rs, action, &s, &e, 0, NULL);
    page_end(b, rq);
    page_finish(rs);
}

/* ---- one record ---- */

static void history(const struct request *rq, struct buf *b, const struct beneficiaire *p)
{
    struct activite_filtre f = {.beneficiaire_id = p->id, .limit = 100};
    struct activite_liste l = {0};
    html_raw(b, "<h2>Accompagnements</h2>\n");
    if (activite_list(rq->db, &f, &l) == 0 && l.n) {
        html_raw(b, "<ul>\n");
        for (size_t i = 0; i < l.n; i++) {
            html_rawf(b, "<li><a href=\"/activites/%lld\">", l.v[i].id);
            av_jour(b, l.v[i].jour);
            html_raw(b, " — ");
            html_txt(b, accomp_label(AV_TYPE, l.v[i].type));
            html_raw(b, "</a> : ");
            av_labels(b, AV_THEME, l.v[i].themes);
            if (l.v[i].autonomie >= 0) {
                html_raw(b, " (");
                html_txt(b, accomp_label(AV_AUTONOMIE, l.v[i].autonomie));
                html_raw(b, ")");
            }
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    } else {
        html_raw(b, "<p>Aucun pour l'instant.</p>\n");
    }
    activite_liste_free(&l);
    html_raw(b, "<h2>Diagnostics</h2>\n");
    struct beneficiaire_diagnostic dg[20];
    int nd = beneficiaire_diagnostics(rq->db, p->id, dg, 20);
    if (nd > 0) {
        html_raw(b, "<ul>\n");
        for (int i = 0; i < nd; i++) {
            html_rawf(b, "<li>Diagnostic n° %lld du ", dg[i].id);
            av_iso_date(b, dg[i].date);
            if (dg[i].score >= 0)
                html_rawf(b, " : score %d sur 100", dg[i].score);
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    } else {
        html_raw(b, "<p>Aucun diagnostic rattaché.</p>\n");
    }
    char token[64] = "";
    form_csrf_token(rq, token);
    html_rawf(b, "<form method=\"post\" class=\"recherche\" action=\"/beneficiaires/%lld/diagnostic\">"
                 "<input type=\"hidden\" name=\"csrf\" value=\"", p->id);
    html_attr(b, token);
    html_raw(b, "\"><div class=\"champ\"><label for=\"diagnostic\">Rattacher un diagnostic fait "
                "dans votre structure (son numéro)</label><input type=\"text\" id=\"diagnostic\" "
                "name=\"diagnostic\" inputmode=\"numeric\"></div><p><button type=\"submit\">"
                "Rattacher</button></p></form>\n");
    html_raw(b, "<h2>Orientations</h2>\n");
    struct orientation_liste o = {0};
    if (orientation_list(rq->db, 0, 0, p->id, &o) == 0 && o.n) {
        html_raw(b, "<ul>\n");
        for (size_t i = 0; i < o.n; i++) {
            html_rawf(b, "<li><a href=\"/orientations/%lld\">", o.v[i].id);
            av_jour(b, jour_local((time_t)o.v[i].envoye_at));
            html_raw(b, " — vers ");
            html_txt(b, o.v[i].dest_nom);
            html_raw(b, "</a> : ");
            html_txt(b, orientation_etat_label(o.v[i].etat));
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    } else {
        html_raw(b, "<p>Aucune.</p>\n");
    }
    orientation_liste_free(&o);
}

void page_beneficiaire(const struct request *rq, struct response *rs)
{
    struct beneficiaire p;
    if (!av_person(rq, rs, AZ_BENEFICIAIRE_READ, &p))
        return;
    struct buf *b = &rs->body;
    char name[200];
    beneficiaire_nom_affiche(&p, name, sizeof name);
    page_begin(b, rq, name);
    html_raw(b, "<h1>");
    html_txt(b, name);
    html_raw(b, "</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<ul class=\"actions\">\n");
    html_rawf(b, "<li><a href=\"/activites/nouvelle?beneficiaire=%lld\">Enregistrer un "
                 "accompagnement</a></li>\n<li><a href=\"/orientations/nouvelle?beneficiaire=%lld\">"
                 "Orienter vers une autre structure</a></li>\n<li><a href=\"/beneficiaires/%lld/"
                 "modifier\">Modifier la fiche</a></li>\n</ul>\n", p.id, p.id, p.id);
    html_raw(b, "<dl class=\"details\">\n");
    static const struct { const char *label; size_t off; } f[] = {
        {"Téléphone", offsetof(struct beneficiaire, telephone)},
        {"E-mail", offsetof(struct beneficiaire, courriel)},
        {"Année de naissance", offsetof(struct beneficiaire, annee)},
        {"Notes", offsetof(struct beneficiaire, notes)},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        const char *v = (const char *)&p + f[i].off;
        if (!*v)
            continue;
        html_raw(b, "<dt>");
        html_txt(b, f[i].label);
        html_raw(b, "</dt><dd>");
        if (f[i].off == offsetof(struct beneficiaire, telephone))
            page_phone(b, v);
        else
            html_txt_lines(b, v);
        html_raw(b, "</dd>\n");
    }
    struct territoire_commune c;
    if (p.commune[0] && territoires_commune(rq->db, p.commune, &c) == 1) {
        html_raw(b, "<dt>Commune</dt><dd>");
        html_txt(b, c.nom);
        html_raw(b, "</dd>\n");
    }
    html_raw(b, "<dt>Genre, âge, statut</dt><dd>");
    const int known[3] = {p.genre != GENRE_NC, p.tranche != AGE_NC, p.statut != STATUT_NC};
    const char *said[3] = {accomp_label(AV_GENRE, p.genre), accomp_label(AV_AGE, p.tranche),
                           accomp_label(AV_STATUT, p.statut)};
    int shown = 0;
    for (int i = 0; i < 3; i++)
        if (known[i]) {
            html_raw(b, shown++ ? ", " : "");
            html_txt(b, said[i]);
        }
    if (!shown)
        html_raw(b, "Non communiqués");
    html_raw(b, "</dd>\n<dt>Accord pour le suivi</dt><dd>");
    html_txt(b, strcmp(p.consentement_mode, "ecrit") == 0 ? "Écrit, le " : "Oral, le ");
    av_iso_date(b, p.consentement_at);
    html_raw(b, "</dd>\n</dl>\n");
    history(rq, b, &p);
    html_raw(b, "<h2>Ses droits</h2>\n<ul class=\"actions\">\n");
    html_rawf(b, "<li><a href=\"/beneficiaires/%lld/export\">Tout ce que nous savons de cette personne</a> "
                 "(à imprimer, ou <a href=\"/beneficiaires/%lld/export.json\">en fichier JSON</a>)"
                 "</li>\n<li><a href=\"/beneficiaires/%lld/effacer\">Effacer ses données</a></li>\n"
                 "</ul>\n", p.id, p.id, p.id);
    page_end(b, rq);
    page_finish(rs);
}

void page_beneficiaire_diagnostic(const struct request *rq, struct response *rs)
{
    struct beneficiaire p;
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs) ||
        !av_person(rq, rs, AZ_BENEFICIAIRE_WRITE, &p))
        return;
    const char *v = query_get(&rq->query, "diagnostic");
    long long did = v ? atoll(v) : 0;
    struct accomp_ctx c;
    av_ctx(rq, &c);
    enum accomp_result r = did > 0 ? beneficiaire_lier_diagnostic(rq->db, &c, p.id, did)
                                   : accomp_refuse(&c, ACC_INVALID, "Indiquez le numéro du diagnostic.");
    if (r != ACC_DONE)
        return av_fail(rq, rs, r, &c);
    char loc[64];
    snprintf(loc, sizeof loc, "/beneficiaires/%lld?fait=enregistre", p.id);
    resp_redirect(rs, loc);
}

/* ---- list, duplicates ---- */

void page_beneficiaires(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    long long structure_id = av_structure(rq);
    if (!gate(rq, rs, AZ_BENEFICIAIRE_READ, structure_id))
        return;
    const char *q = query_get(&rq->query, "q");
    struct beneficiaire_liste l;
    int k = beneficiaire_search(rq->db, rq->data_key, structure_id, q ? q : "", 200, &l);
    if (k < 0)
        return k == -2 ? resp_html_error(rq, rs, 500, "Données illisibles",
                                         "Des fiches ne se déchiffrent pas avec la clé du serveur.")
                       : page_db_error(rq, rs);
    struct buf *b = &rs->body;
    page_begin(b, rq, "Personnes suivies");
    html_raw(b, "<h1>Personnes suivies</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<ul class=\"actions\">\n<li><a href=\"/beneficiaires/nouveau\">Suivre une "
                "nouvelle personne</a></li>\n<li><a href=\"/beneficiaires/doublons\">Doublons "
                "possibles</a></li>\n</ul>\n<form method=\"get\" class=\"recherche\" "
                "action=\"/beneficiaires\"><div class=\"champ\"><label for=\"q\">Chercher : nom, "
                "prénom, téléphone ou e-mail</label><input type=\"text\" id=\"q\" name=\"q\" "
                "autocomplete=\"off\" value=\"");
    html_attr(b, q ? q : "");
    html_raw(b, "\"></div><p><button type=\"submit\">Chercher</button></p></form>\n");
    if (l.n == 0) {
        html_raw(b, q && *q ? "<p>Personne ne correspond.</p>\n"
                            : "<p>Aucune personne suivie pour l'instant.</p>\n");
    } else {
        html_raw(b, "<ul class=\"liste-lieux\">\n");
        for (size_t i = 0; i < l.n; i++) {
            char name[200];
            beneficiaire_nom_affiche(&l.v[i], name, sizeof name);
            html_rawf(b, "<li><a href=\"/beneficiaires/%lld\">", l.v[i].id);
            html_txt(b, name);
            html_raw(b, "</a>");
            if (l.v[i].derniere_activite >= 0) {
                html_raw(b, " — dernier accompagnement le ");
                av_jour(b, l.v[i].derniere_activite);
            }
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    }
    beneficiaire_liste_free(&l);
    page_end(b, rq);
    page_finish(rs);
}

void page_beneficiaires_doublons(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    long long structure_id = av_structure(rq);
    if (!gate(rq, rs, AZ_BENEFICIAIRE_WRITE, structure_id))
        return;
    struct beneficiaire_doublons d;
    int k = beneficiaire_doublons(rq->db, rq->data_key, structure_id, &d);
    if (k < 0)
        return page_db_error(rq, rs);
    struct buf *b = &rs->body;
    page_begin(b, rq, "Doublons possibles");
    html_raw(b, "<h1>Doublons possibles</h1>\n");
    page_notice(b, rq);
    html_raw(b, "<p>Deux fiches sont signalées quand au moins deux de ces indices concordent : "
                "nom proche, prénom proche, même téléphone, même e-mail. Fusionner garde "
                "l'historique des deux dans la fiche choisie.</p>\n");
    if (d.n == 0)
        html_raw(b, "<p>Aucun doublon possible.</p>\n");
    char token[64] = "";
    form_csrf_token(rq, token);
    for (size_t i = 0; i < d.n && i < 100; i++) {
        struct beneficiaire x, y;
        if (beneficiaire_get(rq->db, rq->data_key, d.v[i].a, &x) != 1 ||
            beneficiaire_get(rq->db, rq->data_key, d.v[i].b, &y) != 1)
            continue;
        char nx[200], ny[200];
        beneficiaire_nom_affiche(&x, nx, sizeof nx);
        beneficiaire_nom_affiche(&y, ny, sizeof ny);
        html_raw(b, "<section class=\"doublon\"><h2>");
        html_txt(b, nx);
        html_raw(b, " et ");
        html_txt(b, ny);
        html_raw(b, "</h2>\n<p>Indices : ");
        static const char *const why[] = {"nom proche", "prénom proche", "même téléphone",
                                          "même e-mail"};
        int first = 1;
        for (int k2 = 0; k2 < 4; k2++)
            if (d.v[i].criteres & (1u << k2)) {
                html_raw(b, first ? "" : ", ");
                html_raw(b, why[k2]);
                first = 0;
            }
        html_raw(b, ".</p>\n");
        for (int side = 0; side < 2; side++) {
            html_raw(b, "<form method=\"post\" class=\"enligne\" action=\"/beneficiaires/fusionner\">"
                        "<input type=\"hidden\" name=\"csrf\" value=\"");
            html_attr(b, token);
            html_rawf(b, "\"><input type=\"hidden\" name=\"garder\" value=\"%lld\">"
                         "<input type=\"hidden\" name=\"fusionner\" value=\"%lld\">"
                         "<button type=\"submit\">Garder la fiche de ",
                      side ? y.id : x.id, side ? x.id : y.id);
            html_txt(b, side ? ny : nx);
            html_rawf(b, " (n° %lld)</button></form>\n", side ? y.id : x.id);
        }
        html_raw(b, "</section>\n");
    }
    beneficiaire_doublons_free(&d);
    page_end(b, rq);
    page_finish(rs);
}

void page_beneficiaires_fusionner(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs))
        return;
    const char *g = query_get(&rq->query, "garder"), *f = query_get(&rq->query, "fusionner");
    long long keep = g ? atoll(g) : 0, merged = f ? atoll(f) : 0;
    struct accomp_ctx c;
    av_ctx(rq, &c);
    enum accomp_result r = keep > 0 && merged > 0
                               ? beneficiaire_merge(rq->db, &c, keep, merged)
                               : accomp_refuse(&c, ACC_INVALID, "Choisissez les deux fiches.");
    if (r != ACC_DONE)
        return av_fail(rq, rs, r, &c);
    char loc[64];
    snprintf(loc, sizeof loc, "/beneficiaires/%lld?fait=fusion", keep);
    resp_redirect(rs, loc);
}
