/* page_activites.c - activity records: the list, the quick form (new and
 * edit), one record with its followed participants, deletion (see
 * pages_accompagnement.h). The form puts what is required first, filled
 * with the médiateur's last choices (date, duration, place), then a
 * submit button, then the optional details and a second button: an
 * individual accompaniment takes a date check, a theme and Enter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/beneficiaire.h"
#include "base/jour.h"
#include "lieux/search.h"
#include "structures/structures.h"
#include "web/accomp_view.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_accompagnement.h"

static const struct av_label labels[] = {
    {"date", "Date"}, {"duree", "Durée"}, {"duree_autre", "Autre durée"}, {"lieu", "Lieu"},
    {"commune", "Commune"}, {"thematique", "Thématiques"},
    {"thematique_administrative", "Démarches administratives"}, {"materiel", "Matériel"},
    {"anonymes", "Nombre de participants"}, {"genre", "Genre"}, {"tranche_age", "Tranche d'âge"},
    {"statut", "Statut"}, {"titre", "Titre de l'atelier"}, {"tags", "Étiquettes"},
    {"beneficiaire", "Personne suivie"}, {"type", "Type"}, {"autonomie", "Autonomie"},
    {"orientation", "Orientation"}, {"niveau", "Niveau"}, {"structure", "Structure"}, {NULL, NULL}};

static void radio(struct buf *b, const char *name, const char *value, const char *label, int checked)
{
    html_raw(b, "<li><label><input type=\"radio\" name=\"");
    html_attr(b, name);
    html_raw(b, "\" value=\"");
    html_attr(b, value);
    html_raw(b, checked ? "\" checked> " : "\"> ");
    html_txt(b, label);
    html_raw(b, "</label></li>\n");
}

static void durations(struct buf *b, const struct activite_saisie *s, const struct accomp_erreurs *e)
{
    static const struct { const char *v, *l; } d[] = {
        {"15", "15 min"}, {"30", "30 min"}, {"45", "45 min"}, {"60", "1 h"}, {"90", "1 h 30"},
        {"120", "2 h"}, {"autre", "Autre durée"}};
    const char *err = accomp_erreur(e, "duree");
    html_raw(b, err ? "<fieldset id=\"duree\" class=\"champ-erreur\" aria-describedby=\"duree-erreur\">"
                    : "<fieldset id=\"duree\">");
    html_raw(b, "<legend>Durée <span class=\"requis\">(obligatoire)</span></legend>\n");
    av_group_error(b, "duree", err);
    html_raw(b, "<ul class=\"cases ligne\">\n");
    for (size_t i = 0; i < sizeof d / sizeof *d; i++)
        radio(b, "duree", d[i].v, d[i].l, strcmp(s->duree, d[i].v) == 0);
    html_raw(b, "</ul>\n");
    struct form_field f = {.name = "duree_autre", .label = "Autre durée, en minutes",
                           .type = "number", .value = s->duree_autre,
                           .error = accomp_erreur(e, "duree_autre")};
    form_text(b, &f);
    html_raw(b, "</fieldset>\n");
}

static void places(struct db *d, struct buf *b, long long structure_id,
                   const struct activite_saisie *s, const struct accomp_erreurs *e)
{
    const char *err = accomp_erreur(e, "lieu");
    html_raw(b, err ? "<fieldset id=\"lieu\" class=\"champ-erreur\" aria-describedby=\"lieu-erreur\">"
                    : "<fieldset id=\"lieu\">");
    html_raw(b, "<legend>Où <span class=\"requis\">(obligatoire)</span></legend>\n");
    av_group_error(b, "lieu", err);
    html_raw(b, "<ul class=\"cases\">\n");
    struct structure_places pl = {0};
    structures_places(d, structure_id, &pl);
    int found = 0, any = 0;
    for (size_t i = 0; i < pl.n; i++) {
        if (pl.v[i].lieu_pid <= 0)
            continue;
        char v[32];
        snprintf(v, sizeof v, "pid:%lld", pl.v[i].lieu_pid);
        int dup = 0;
        for (size_t k = 0; k < i; k++)
            dup |= pl.v[k].lieu_pid == pl.v[i].lieu_pid;
        if (dup)
            continue;
        radio(b, "lieu", v, pl.v[i].nom, strcmp(s->lieu, v) == 0);
        found |= strcmp(s->lieu, v) == 0;
        any = 1;
    }
    structure_places_free(&pl);
    if (strncmp(s->lieu, "pid:", 4) == 0 && !found) {
        struct lieux_hit h;
        if (lieux_get(d, atoll(s->lieu + 4), &h, NULL) == 1) {
            radio(b, "lieu", s->lieu, lieu_get(&h.l, LF_NOM), 1);
            lieu_clear(&h.l);
            any = 1;
        }
    }
    if (!any || strcmp(s->lieu, "structure") == 0) {
        struct structure st;
        char label[320] = "Dans les locaux de la structure";
        if (structures_get(d, structure_id, &st) == 1)
            snprintf(label, sizeof label, "Dans les locaux : %s", st.nom);
        radio(b, "lieu", "structure", label, strcmp(s->lieu, "structure") == 0);
    }
    radio(b, "lieu", "a_distance", "À distance (téléphone, visio)", strcmp(s->lieu, "a_distance") == 0);
    radio(b, "lieu", "domicile", "Au domicile de la personne", strcmp(s->lieu, "domicile") == 0);
    radio(b, "lieu", "autre", "Autre lieu", strcmp(s->lieu, "autre") == 0);
    html_raw(b, "</ul>\n");
    struct form_field f = {.name = "commune", .label = "Commune (à domicile ou autre lieu)",
                           .hint = "Son nom ou son code postal.", .value = s->commune,
                           .autocomplete = "off", .error = accomp_erreur(e, "commune")};
    form_text(b, &f);
    html_raw(b, "</fieldset>\n");
}

static void count_inputs(struct buf *b, const char *legend, enum accomp_voc voc, int nc,
                         const char (*values)[8], const struct accomp_erreurs *e)
{
    const struct accomp_vocabulaire *v = accomp_voc(voc);
    const char *err = accomp_erreur(e, v->name);
    html_raw(b, "<fieldset class=\"effectifs");
    html_raw(b, err ? " champ-erreur\"" : "\"");
    html_raw(b, " id=\"");
    html_attr(b, v->name);
    html_raw(b, err ? "\" aria-describedby=\"" : "\"");
    if (err) {
        html_attr(b, v->name);
        html_raw(b, "-erreur\"");
    }
    html_raw(b, "><legend>");
    html_txt(b, legend);
    html_raw(b, "</legend>\n");
    av_group_error(b, v->name, err);
    for (int i = 0; i < v->n; i++) {
        if (i == nc)
            continue;
        char name[64];
        snprintf(name, sizeof name, "%s_%s", v->name, v->v[i].code);
        struct form_field f = {.name = name, .label = v->v[i].label, .type = "number",
                               .value = values[i]};
        form_text(b, &f);
    }
    html_raw(b, "</fieldset>\n");
}

static void activity_form(const struct request *rq, struct response *rs, const char *action,
                          const struct activite_saisie *s, const struct accomp_erreurs *e,
                          long long structure_id, int editing, const char *person)
{
    struct buf *b = &rs->body;
    int coll = s->type == ACT_COLLECTIF;
    av_errors(b, e, labels);
    html_raw(b, "<form method=\"post\" class=\"formulaire activite\" action=\"");
    html_attr(b, action);
    html_raw(b, "\">\n");
    form_csrf_field(b, rq, rs);
    html_raw(b, coll ? "<input type=\"hidden\" name=\"type\" value=\"collectif\">\n"
                     : "<input type=\"hidden\" name=\"type\" value=\"individuel\">\n");
    if (!editing)
        html_rawf(b, "<input type=\"hidden\" name=\"structure\" value=\"%lld\">\n", structure_id);
    if (s->beneficiaire_id) {
        html_rawf(b, "<input type=\"hidden\" name=\"beneficiaire\" value=\"%lld\">\n",
                  s->beneficiaire_id);
        html_raw(b, "<p>Personne suivie : <strong>");
        html_txt(b, person);
        html_raw(b, "</strong></p>\n");
    }
    if (s->diagnostic_id)
        html_rawf(b, "<input type=\"hidden\" name=\"diagnostic\" value=\"%lld\">\n", s->diagnostic_id);
    if (coll) {
        struct form_field t = {.name = "titre", .label = "Titre de l'atelier", .value = s->titre,
                               .error = accomp_erreur(e, "titre")};
        form_text(b, &t);
    }
    struct form_field date = {.name = "date", .label = "Date", .type = "date", .required = 1,
                              .value = s->date, .error = accomp_erreur(e, "date")};
    form_text(b, &date);
    durations(b, s, e);
    places(rq->db, b, structure_id, s, e);
    if (coll) {
        struct form_field n = {.name = "anonymes", .label = "Nombre de participants",
                               .type = "number", .required = 1, .value = s->anonymes,
                               .hint = "Sans compter les personnes suivies que vous ajouterez "
                                       "ensuite à l'atelier.",
                               .error = accomp_erreur(e, "anonymes")};
        form_text(b, &n);
    }
    av_checkboxes(b, "thematique", AV_THEME, s->themes, "Thématiques (au moins une)", NULL,
                  accomp_erreur(e, "thematique"));
    html_raw(b, "<p><button type=\"submit\">Enregistrer</button></p>\n"
                "<h2>Compléter (facultatif)</h2>\n");
    if (coll) {
        html_raw(b, "<p class=\"aide\">Répartition des participants : les personnes non "
                    "comptées ici sont « non communiqué ».</p>\n");
        count_inputs(b, "Genre", AV_GENRE, GENRE_NC, s->genre, e);
        count_inputs(b, "Tranche d'âge", AV_AGE, AGE_NC, s->age, e);
        count_inputs(b, "Statut", AV_STATUT, STATUT_NC, s->statut, e);
        av_radios(b, "niveau", AV_NIVEAU, s->niveau, "Niveau de l'atelier", "Non précisé", NULL);
    } else {
        av_radios(b, "autonomie", AV_AUTONOMIE, s->autonomie, "Autonomie de la personne",
                  "Non évaluée", NULL);
        av_select(b, "orientation", AV_REDIRECTION, s->redirection, "Orientée vers",
                  "Pas d'orientation");
        if (!s->beneficiaire_id && !editing) {
            html_raw(b, "<fieldset><legend>La personne (anonyme)</legend>\n");
            av_select(b, "genre", AV_GENRE, s->genre1, "Genre", "Non communiqué");
            av_select(b, "tranche_age", AV_AGE, s->age1, "Tranche d'âge", "Non communiquée");
            av_select(b, "statut", AV_STATUT, s->statut1, "Statut", "Non communiqué");
            html_raw(b, "</fieldset>\n");
        }
    }
    av_checkboxes(b, "thematique_administrative", AV_THEME_ADMIN, s->themes_admin,
                  "Démarches administratives",
                  "Avec la thématique « Aide aux démarches administratives ».",
                  accomp_erreur(e, "thematique_administrative"));
    av_checkboxes(b, "materiel", AV_MATERIEL, s->materiel, "Matériel utilisé", NULL,
                  accomp_erreur(e, "materiel"));
    struct form_field tags = {.name = "tags", .label = "Étiquettes",
                              .hint = "Mots séparés par des virgules, sans noms de personnes.",
                              .value = s->tags, .error = accomp_erreur(e, "tags")};
    form_text(b, &tags);
    html_raw(b, "<p><button type=\"submit\">Enregistrer</button></p>\n</form>\n");
}

static int may_create(const struct request *rq, long long structure_id)
{
    struct authz_resource r = {.structure_id = structure_id};
    return authz_allowed(rq->db, rq->actor, AZ_ACTIVITE_CREATE, &r);
}

/* The name of followed person id, when held by structure_id and readable
 * by the actor; "" otherwise. */
static const char *person_name(const struct request *rq, long long id, long long structure_id,
                               char *out, size_t n)
{
    struct beneficiaire p;
    out[0] = 0;
    if (id && beneficiaire_get(rq->db, rq->data_key, id, &p) == 1 &&
        p.structure_id == structure_id &&
        beneficiaire_may(rq->db, rq->actor, AZ_BENEFICIAIRE_READ, structure_id) == 1)
        beneficiaire_nom_affiche(&p, out, n);
    return out;
}

void page_activite_nouvelle(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    long long structure_id = av_structure(rq);
    int k = structure_id ? may_create(rq, structure_id) : 0;
    if (k < 0)
        return page_db_error(rq, rs);
    if (k == 0)
        return page_forbidden(rq, rs, "Seuls les médiateurs d'une structure enregistrent ses "
                                      "activités.");
    struct activite_saisie s;
    struct accomp_erreurs e = {0};
    const char *t = query_get(&rq->query, "type");
    int type = t && strcmp(t, "collectif") == 0 ? ACT_COLLECTIF : ACT_INDIVIDUEL;
    if (post) {
        activite_saisie_lire(&rq->query, &s);
        struct accomp_ctx c;
        av_ctx(rq, &c);
        struct activite a = {.structure_id = structure_id};
        long long id;
        enum accomp_result r = activite_create(rq->db, &c, &a, &e, &s, &id);
        if (r == ACC_DONE) {
            char loc[64];
            snprintf(loc, sizeof loc, "/activites/%lld?fait=activite", id);
            return resp_redirect(rs, loc);
        }
        if (r != ACC_INVALID)
            return av_fail(rq, rs, r, &c);
        rs->status = 400;
    } else {
        activite_defauts(rq->db, rq->actor->compte_id, structure_id, type, rq->now, &s);
        const char *b = query_get(&rq->query, "beneficiaire");
        if (type == ACT_INDIVIDUEL && b)
            s.beneficiaire_id = atoll(b);
        const char *dg = query_get(&rq->query, "diagnostic");
        if (dg)
            s.diagnostic_id = atoll(dg);
    }
    char person[200];
    person_name(rq, s.beneficiaire_id, structure_id, person, sizeof person);
    if (s.beneficiaire_id && !person[0])
        s.beneficiaire_id = 0; /* not readable here: record anonymously */
    struct buf *b = &rs->body;
    const char *title = s.type == ACT_COLLECTIF ? "Enregistrer un atelier collectif"
                                                : "Enregistrer un accompagnement individuel";
    page_begin(b, rq, title);
    html_raw(b, "<h1>");
    html_txt(b, title);
    html_raw(b, "</h1>\n<p>");
    html_raw(b, s.type == ACT_COLLECTIF
                    ? "<a href=\"/activites/nouvelle\">Plutôt un accompagnement individuel</a>"
                    : "<a href=\"/activites/nouvelle?type=collectif\">Plutôt un atelier collectif</a>");
    html_raw(b, "</p>\n");
    activity_form(rq, rs, "/activites/nouvelle", &s, &e, structure_id, 0, person);
    page_end(b, rq);
    page_finish(rs);
}

/* ---- one record ---- */

static int load_readable(const struct request *rq, struct response *rs, struct activite *a,
                         long long *id)
{
    if (!page_require_actor(rq, rs) || av_id(rq, rs, 0, id) < 0)
        return 0;
    int k = activite_get(rq->db, *id, a);
    if (k < 0) {
        page_db_error(rq, rs);
        return 0;
    }
    if (k == 0) {
        resp_html_error(rq, rs, 404, "Activité introuvable",
                        "Cette activité n'existe pas ou a été supprimée.");
        return 0;
    }
    k = activite_may_read(rq->db, rq->actor, a);
    if (k <= 0) {
        if (k < 0)
            page_db_error(rq, rs);
        else
            page_forbidden(rq, rs, "Cette activité a été enregistrée par une autre personne ou une "
                                   "autre structure.");
        return 0;
    }
    return 1;
}

static void counts_row(struct buf *b, enum accomp_voc voc, const int *counts, int n)
{
    int first = 1;
    for (int i = 0; i < n; i++)
        if (counts[i]) {
            html_raw(b, first ? "" : ", ");
            html_txt(b, accomp_label(voc, i));
            html_rawf(b, " : %d", counts[i]);
            first = 0;
        }
}

void page_activite(const struct request *rq, struct response *rs)
{
    struct activite a;
    long long id;
    if (!load_readable(rq, rs, &a, &id))
        return;
    struct buf *b = &rs->body;
    char title[300], lieu[300];
    snprintf(title, sizeof title, "%s n° %lld", accomp_label(AV_TYPE, a.type), a.id);
    page_begin(b, rq, title);
    html_raw(b, "<h1>");
    html_txt(b, a.type == ACT_COLLECTIF && a.titre[0] ? a.titre : accomp_label(AV_TYPE, a.type));
    html_raw(b, "</h1>\n");
    page_notice(b, rq);
    activite_lieu_texte(rq->db, &a, lieu, sizeof lieu);
    html_raw(b, "<dl class=\"details\">\n<dt>Date</dt><dd>");
    av_jour(b, a.jour);
    html_rawf(b, "</dd>\n<dt>Durée</dt><dd>%d min</dd>\n<dt>Lieu</dt><dd>", a.duree);
    html_txt(b, lieu);
    html_raw(b, "</dd>\n<dt>Thématiques</dt><dd>");
    av_labels(b, AV_THEME, a.themes);
    if (a.themes_admin) {
        html_raw(b, "</dd>\n<dt>Démarches administratives</dt><dd>");
        av_labels(b, AV_THEME_ADMIN, a.themes_admin);
    }
    html_raw(b, "</dd>\n<dt>Matériel</dt><dd>");
    av_labels(b, AV_MATERIEL, a.materiel);
    html_raw(b, "</dd>\n");
    if (a.type == ACT_INDIVIDUEL) {
        html_raw(b, "<dt>Autonomie</dt><dd>");
        html_txt(b, a.autonomie >= 0 ? accomp_label(AV_AUTONOMIE, a.autonomie) : "Non évaluée");
        html_raw(b, "</dd>\n<dt>Orientation</dt><dd>");
        html_txt(b, a.redirection >= 0 ? accomp_label(AV_REDIRECTION, a.redirection) : "Aucune");
        html_raw(b, "</dd>\n");
    } else if (a.niveau >= 0) {
        html_raw(b, "<dt>Niveau</dt><dd>");
        html_txt(b, accomp_label(AV_NIVEAU, a.niveau));
        html_raw(b, "</dd>\n");
    }
    html_rawf(b, "<dt>Participants</dt><dd>%d (dont %d anonymes, %d suivis)<br>", a.participants,
              a.anonymes, a.suivis);
    counts_row(b, AV_GENRE, a.genre, NGENRE);
    html_raw(b, "<br>");
    counts_row(b, AV_AGE, a.age, NAGE);
    html_raw(b, "<br>");
    counts_row(b, AV_STATUT, a.statut, NSTATUT);
    html_raw(b, "</dd>\n");
    if (a.tags[0]) {
        html_raw(b, "<dt>Étiquettes</dt><dd><ul class=\"etiquettes\">");
        page_list_items(b, a.tags);
        html_raw(b, "</ul></dd>\n");
    }
    html_raw(b, "</dl>\n");
    struct authz_resource own = {.structure_id = a.structure_id, .compte_id = a.compte_id};
    int mine = authz_allowed(rq->db, rq->actor, AZ_ACTIVITE_EDIT, &own) == 1;
    char token[64] = "";
    form_csrf_token(rq, token);
    /* Followed participants. */
    html_raw(b, "<h2>Personnes suivies</h2>\n");
    if (a.nsuivis == 0)
        html_raw(b, "<p>Aucune : les participants sont anonymes.</p>\n");
    else
        html_raw(b, "<ul>\n");
    for (int i = 0; i < a.nsuivis; i++) {
        char name[200];
        html_raw(b, "<li>");
        if (!a.p[i].beneficiaire_id) {
            html_raw(b, "Personne dont les données ont été effacées</li>\n");
            continue;
        }
        person_name(rq, a.p[i].beneficiaire_id, a.structure_id, name, sizeof name);
        html_rawf(b, "<a href=\"/beneficiaires/%lld\">", a.p[i].beneficiaire_id);
        html_txt(b, name[0] ? name : "Personne suivie");
        html_raw(b, "</a>");
        if (a.p[i].premier)
            html_raw(b, " (premier accompagnement)");
        if (mine) {
            html_rawf(b, " <form method=\"post\" class=\"enligne\" action=\"/activites/%lld/"
                         "participants\"><input type=\"hidden\" name=\"csrf\" value=\"", a.id);
            html_attr(b, token);
            html_rawf(b, "\"><input type=\"hidden\" name=\"action\" value=\"retirer\">"
                         "<input type=\"hidden\" name=\"beneficiaire\" value=\"%lld\">"
                         "<button type=\"submit\" class=\"lien\">Retirer</button></form>",
                      a.p[i].beneficiaire_id);
        }
        html_raw(b, "</li>\n");
    }
    if (a.nsuivis)
        html_raw(b, "</ul>\n");
    if (mine && rq->data_key && (a.type == ACT_COLLECTIF || a.suivis == 0)) {
        const char *q = query_get(&rq->query, "q");
        html_rawf(b, "<form method=\"get\" class=\"recherche\" action=\"/activites/%lld\">"
                     "<div class=\"champ\"><label for=\"q\">Ajouter une personne suivie : nom, "
                     "téléphone ou e-mail</label><input type=\"text\" id=\"q\" name=\"q\" value=\"",
                  a.id);
        html_attr(b, q ? q : "");
        html_raw(b, "\"></div><p><button type=\"submit\">Chercher</button></p></form>\n");
        struct beneficiaire_liste l = {0};
        if (q && *q && beneficiaire_search(rq->db, rq->data_key, a.structure_id, q, 10, &l) == 0) {
            html_raw(b, l.n ? "<ul>\n" : "<p>Personne ne correspond.</p>\n");
            for (size_t i = 0; i < l.n; i++) {
                char name[200];
                beneficiaire_nom_affiche(&l.v[i], name, sizeof name);
                html_raw(b, "<li>");
                html_txt(b, name);
                html_rawf(b, " <form method=\"post\" class=\"enligne\" action=\"/activites/%lld/"
                             "participants\"><input type=\"hidden\" name=\"csrf\" value=\"", a.id);
                html_attr(b, token);
                html_rawf(b, "\"><input type=\"hidden\" name=\"action\" value=\"ajouter\">"
                             "<input type=\"hidden\" name=\"beneficiaire\" value=\"%lld\">"
                             "<button type=\"submit\" class=\"lien\">Ajouter</button></form></li>\n",
                          l.v[i].id);
            }
            if (l.n)
                html_raw(b, "</ul>\n");
        }
        beneficiaire_liste_free(&l);
    }
    html_raw(b, "<h2>Et ensuite</h2>\n<ul class=\"actions\">\n");
    if (mine) {
        html_rawf(b, "<li><a href=\"/activites/%lld/modifier\">Modifier</a></li>\n", a.id);
        html_rawf(b, "<li><a href=\"/orientations/nouvelle?activite=%lld", a.id);
        if (a.type == ACT_INDIVIDUEL && a.nsuivis == 1 && a.p[0].beneficiaire_id)
            html_rawf(b, "&amp;beneficiaire=%lld", a.p[0].beneficiaire_id);
        html_raw(b, "\">Orienter la personne vers une autre structure</a></li>\n");
    }
    html_rawf(b, "<li><a href=\"/activites/nouvelle%s\">Enregistrer une autre activité</a></li>\n"
                 "<li><a href=\"/activites\">Toutes les activités</a></li>\n</ul>\n",
              a.type == ACT_COLLECTIF ? "?type=collectif" : "");
    if (mine) {
        html_rawf(b, "<form method=\"post\" action=\"/activites/%lld/supprimer\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"", a.id);
        html_attr(b, token);
        html_raw(b, "\"><div class=\"champ\"><label><input type=\"checkbox\" name=\"confirmer\" "
                    "value=\"oui\" required> Je confirme la suppression de cette activité</label>"
                    "</div><p><button type=\"submit\" class=\"secondaire\">Supprimer</button></p>"
                    "</form>\n");
    }
    page_end(b, rq);
    page_finish(rs);
}

void page_activite_modifier(const struct request *rq, struct response *rs)
{
    struct activite a;
    long long id;
    if (!load_readable(rq, rs, &a, &id))
        return;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && !page_check_csrf(rq, rs))
        return;
    struct activite_saisie s;
    struct accomp_erreurs e = {0};
    struct accomp_ctx c;
    av_ctx(rq, &c);
    if (post) {
        activite_saisie_lire(&rq->query, &s);
        s.type = a.type;
        enum accomp_result r = activite_update(rq->db, &c, id, &s, &e);
        if (r == ACC_DONE) {
            char loc[64];
            snprintf(loc, sizeof loc, "/activites/%lld?fait=enregistre", id);
            return resp_redirect(rs, loc);
        }
        if (r != ACC_INVALID)
            return av_fail(rq, rs, r, &c);
        rs->status = 400;
    } else {
        struct authz_resource own = {.structure_id = a.structure_id, .compte_id = a.compte_id};
        int k = authz_allowed(rq->db, rq->actor, AZ_ACTIVITE_EDIT, &own);
        if (k <= 0)
            return k < 0 ? page_db_error(rq, rs)
                         : page_forbidden(rq, rs, "Seule la personne qui a enregistré cette "
                                                  "activité peut la modifier.");
        activite_vers_saisie(&a, &s);
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Modifier une activité");
    html_raw(b, "<h1>Modifier une activité</h1>\n");
    char action[64];
    snprintf(action, sizeof action, "/activites/%lld/modifier", id);
    activity_form(rq, rs, action, &s, &e, a.structure_id, 1, "");
    page_end(b, rq);
    page_finish(rs);
}

void page_activite_supprimer(const struct request *rq, struct response *rs)
{
    long long id;
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs) || av_id(rq, rs, 0, &id) < 0)
        return;
    const char *ok = query_get(&rq->query, "confirmer");
    if (!ok || strcmp(ok, "oui") != 0)
        return resp_html_error(rq, rs, 400, "Confirmation manquante",
                               "Cochez la case de confirmation pour supprimer l'activité.");
    struct accomp_ctx c;
    av_ctx(rq, &c);
    enum accomp_result r = activite_delete(rq->db, &c, id);
    if (r != ACC_DONE)
        return av_fail(rq, rs, r, &c);
    resp_redirect(rs, "/activites?fait=supprimee");
}

void page_activite_participants(const struct request *rq, struct response *rs)
{
    long long id;
    if (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs) || av_id(rq, rs, 0, &id) < 0)
        return;
    const char *action = query_get(&rq->query, "action");
    const char *bs = query_get(&rq->query, "beneficiaire");
    long long bid = bs ? atoll(bs) : 0;
    if (!action || bid <= 0 || (strcmp(action, "ajouter") != 0 && strcmp(action, "retirer") != 0))
        return resp_html_error(rq, rs, 400, "Demande incorrecte", "Action ou personne manquante.");
    struct accomp_ctx c;
    av_ctx(rq, &c);
    enum accomp_result r = strcmp(action, "ajouter") == 0
                               ? activite_participant_add(rq->db, &c, id, bid)
                               : activite_participant_remove(rq->db, &c, id, bid);
    if (r != ACC_DONE)
        return av_fail(rq, rs, r, &c);
    char loc[64];
    snprintf(loc, sizeof loc, "/activites/%lld?fait=enregistre", id);
    resp_redirect(rs, loc);
}

/* ---- the list ---- */

void page_activites(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return;
    long long structure_id = av_structure(rq);
    struct authz_resource r = {.structure_id = structure_id};
    int manager = 0;
    for (int i = 0; i < rq->actor->ngrants; i++)
        manager |= rq->actor->grants[i].role == ROLE_GESTIONNAIRE &&
                   rq->actor->grants[i].portee == PORTEE_STRUCTURE &&
                   atoll(rq->actor->grants[i].code) == structure_id;
    int creator = structure_id && authz_allowed(rq->db, rq->actor, AZ_ACTIVITE_CREATE, &r) == 1;
    if (!manager && !creator)
        return page_forbidden(rq, rs, "Les activités se consultent par les médiateurs qui les "
                                      "enregistrent et les gestionnaires de leur structure.");
    long page;
    if (page_param_int(rq, "page", 1, 100000, &page) < 0)
        page = 1;
    struct activite_filtre f = {.structure_id = structure_id, .compte_id = manager ? 0 : rq->actor->compte_id,
                                .du = 1, .au = 0, .limit = 50, .offset = (int)((page - 1) * 50)};
    struct activite_liste l;
    if (activite_list(rq->db, &f, &l) < 0)
        return page_db_error(rq, rs);
    struct buf *b = &rs->body;
    page_begin(b, rq, manager ? "Activités de la structure" : "Mes activités");
    html_raw(b, manager ? "<h1>Activités de la structure</h1>\n" : "<h1>Mes activités</h1>\n");
    page_notice(b, rq);
    if (creator)
        html_raw(b, "<ul class=\"actions\">\n<li><a href=\"/activites/nouvelle\">Enregistrer un "
                    "accompagnement individuel</a></li>\n<li><a href=\"/activites/nouvelle?type="
                    "collectif\">Enregistrer un atelier collectif</a></li>\n</ul>\n");
    if (l.n == 0) {
        html_raw(b, "<p>Aucune activité enregistrée pour l'instant.</p>\n");
    } else {
        html_raw(b, "<div class=\"defile\"><table>\n<caption>Les plus récentes d'abord</caption>\n"
                    "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Activité</th>"
                    "<th scope=\"col\">Lieu</th><th scope=\"col\">Participants</th></tr></thead>\n"
                    "<tbody>\n");
        for (size_t i = 0; i < l.n; i++) {
            const struct activite *a = &l.v[i];
            char lieu[300];
            activite_lieu_texte(rq->db, a, lieu, sizeof lieu);
            html_raw(b, "<tr><td>");
            av_jour(b, a->jour);
            html_rawf(b, "</td><th scope=\"row\"><a href=\"/activites/%lld\">", a->id);
            html_txt(b, a->type == ACT_COLLECTIF && a->titre[0] ? a->titre
                                                                 : accomp_label(AV_TYPE, a->type));
            html_raw(b, "</a> <span class=\"aide\">");
            av_labels(b, AV_THEME, a->themes);
            html_raw(b, "</span></th><td>");
            html_txt(b, lieu);
            html_rawf(b, "</td><td>%d</td></tr>\n", a->participants);
        }
        html_raw(b, "</tbody></table></div>\n");
        page_pager(b, "/activites?", page, l.more ? -1 : page);
    }
    html_raw(b, "<p><a href=\"/statistiques\">Voir les statistiques</a></p>\n");
    activite_liste_free(&l);
    page_end(b, rq);
    page_finish(rs);
}
