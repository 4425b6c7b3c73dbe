/* page_rgpd.c - a followed person's rights in a few clicks: everything held
 * about them as a readable, printable page and as a JSON file (right of
 * access and portability), and erasure (see pages_accompagnement.h,
 * docs/rgpd.md). AZ_BENEFICIAIRE_ERASE on the person's structure. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/beneficiaire.h"
#include "web/accomp_view.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_accompagnement.h"

/* The person of capture 0 (allowed for export and erasure) and the JSON
 * export (malloc'd), or NULL when answered. */
static char *export_text(const struct request *rq, struct response *rs, struct beneficiaire *b)
{
    if (!av_person(rq, rs, AZ_BENEFICIAIRE_ERASE, b))
        return NULL;
    int why;
    char *json = beneficiaire_export_json(rq->db, rq->data_key, b->id, rq->now,
                                          rq->retention_mois > 0 ? rq->retention_mois
                                                                 : BENEF_RETENTION_MOIS, &why);
    if (!json)
        page_db_error(rq, rs);
    return json;
}

void page_beneficiaire_export_json(const struct request *rq, struct response *rs)
{
    struct beneficiaire b;
    char *json = export_text(rq, rs, &b);
    if (!json)
        return;
    rs->content_type = "application/json";
    rs->cache_control = "no-store";
    snprintf(rs->disposition, sizeof rs->disposition,
             "attachment; filename=\"donnees-personne-%lld.json\"", b.id);
    buf_puts(&rs->body, json);
    buf_putc(&rs->body, '\n');
    free(json);
}

/* French words for the export's keys. */
static const char *word(const char *k)
{
    static const struct { const char *k, *w; } words[] = {
        {"numero", "Numéro"}, {"prenom", "Prénom"}, {"nom", "Nom"}, {"telephone", "Téléphone"},
        {"courriel", "E-mail"}, {"annee_naissance", "Année de naissance"}, {"commune", "Commune"},
        {"notes", "Notes"}, {"genre", "Genre"}, {"tranche_age", "Tranche d'âge"},
        {"statut", "Statut"}, {"date", "Date"}, {"forme", "Forme"}, {"type", "Type"},
        {"duree_minutes", "Durée (minutes)"}, {"lieu", "Lieu"}, {"thematiques", "Thématiques"},
        {"demarches", "Démarches"}, {"materiel", "Matériel"}, {"autonomie", "Autonomie"},
        {"atelier", "Atelier"}, {"vers", "Vers"}, {"besoins", "Besoins"}, {"etat", "État"},
        {"informations_transmises", "Informations transmises"}, {"message", "Message"},
        {"accord_donne_le", "Accord donné le"}, {"code", "Code"}, {"score", "Score"}};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(words[i].k, k) == 0)
            return words[i].w;
    return k;
}

/* A JSON value as text for the readable page: objects as nested lists. */
static void show(struct buf *b, json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        html_raw(b, "<dl class=\"details\">\n");
        json_object_foreach(v, k, x) {
            html_raw(b, "<dt>");
            html_txt(b, word(k));
            html_raw(b, "</dt><dd>");
            show(b, x);
            html_raw(b, "</dd>\n");
        }
        html_raw(b, "</dl>\n");
    } else if (json_is_array(v)) {
        if (json_array_size(v) == 0) {
            html_raw(b, "aucun");
            return;
        }
        html_raw(b, "<ul>\n");
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            html_raw(b, "<li>");
            show(b, x);
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    } else if (json_is_string(v)) {
        html_txt(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        html_rawf(b, "%lld", (long long)json_integer_value(v));
    } else {
        html_raw(b, "non renseigné");
    }
}

void page_beneficiaire_export(const struct request *rq, struct response *rs)
{
    struct beneficiaire b;
    char *json = export_text(rq, rs, &b);
    if (!json)
        return;
    json_t *o = json_loads(json, 0, NULL);
    free(json);
    if (!o)
        return page_db_error(rq, rs);
    struct buf *pb = &rs->body;
    char name[200];
    beneficiaire_nom_affiche(&b, name, sizeof name);
    page_begin(pb, rq, "Données d'une personne suivie");
    html_raw(pb, "<h1>Ce que nous savons de ");
    html_txt(pb, name);
    html_raw(pb, "</h1>\n<p>Document à remettre à la personne qui le demande (droit d'accès). "
                 "Imprimez cette page, ou <a href=\"");
    html_rawf(pb, "/beneficiaires/%lld/export.json", b.id);
    html_raw(pb, "\">téléchargez le fichier JSON</a> (droit à la portabilité).</p>\n");
    static const struct { const char *key, *title; } parts[] = {
        {"personne", "Identité et coordonnées"}, {"accord_suivi", "Accord pour le suivi"},
        {"structure", "Structure qui la suit"}, {"accompagnements", "Accompagnements"},
        {"diagnostics", "Diagnostics"}, {"orientations", "Orientations"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        html_raw(pb, "<h2>");
        html_txt(pb, parts[i].title);
        html_raw(pb, "</h2>\n");
        show(pb, json_object_get(o, parts[i].key));
    }
    html_raw(pb, "<h2>Conservation et destinataires</h2>\n<p>Fiche créée le ");
    av_iso_date(pb, json_string_value(json_object_get(o, "cree_le")));
    html_raw(pb, ". Sans nouvel accompagnement, elle sera anonymisée le ");
    av_iso_date(pb, json_string_value(json_object_get(o, "anonymisation_prevue_le")));
    html_raw(pb, ". ");
    html_txt(pb, json_string_value(json_object_get(o, "destinataires")));
    html_raw(pb, "</p>\n<p>Pour faire corriger ou effacer ces données, la personne s'adresse à la "
                 "structure qui la suit.</p>\n");
    json_decref(o);
    page_end(pb, rq);
    page_finish(rs);
}

void page_beneficiaire_effacer(const struct request *rq, struct response *rs)
{
    struct beneficiaire b;
    int post = strcmp(rq->method, "POST") == 0;
    if (post && (!page_require_actor(rq, rs) || !page_check_csrf(rq, rs)))
        return;
    if (!av_person(rq, rs, AZ_BENEFICIAIRE_ERASE, &b))
        return;
    const char *err = NULL;
    if (post) {
        const char *ok = query_get(&rq->query, "confirmer");
        if (ok && strcmp(ok, "oui") == 0) {
            struct accomp_ctx c;
            av_ctx(rq, &c);
            enum accomp_result r = beneficiaire_erase(rq->db, &c, b.id);
            if (r != ACC_DONE)
                return av_fail(rq, rs, r, &c);
            return resp_redirect(rs, "/beneficiaires?fait=efface");
        }
        err = "Cochez la case pour confirmer l'effacement.";
        rs->status = 400;
    }
    struct buf *pb = &rs->body;
    char name[200];
    beneficiaire_nom_affiche(&b, name, sizeof name);
    page_begin(pb, rq, "Effacer les données d'une personne");
    html_raw(pb, "<h1>Effacer les données de ");
    html_txt(pb, name);
    html_raw(pb, "</h1>\n<p>L'effacement est définitif. Il supprime sa fiche (identité, "
                 "coordonnées, notes), son lien avec ses accompagnements et ses diagnostics, et "
                 "les informations transmises dans ses orientations.</p>\n<p>Les statistiques "
                 "anonymes ne changent pas : ses accompagnements restent comptés, sans rien qui "
                 "permette de la reconnaître.</p>\n");
    html_rawf(pb, "<p>Avant d'effacer, vous pouvez lui remettre <a href=\"/beneficiaires/%lld/"
                  "export\">tout ce que nous savons d'elle</a>.</p>\n", b.id);
    html_rawf(pb, "<form method=\"post\" class=\"formulaire\" action=\"/beneficiaires/%lld/effacer\">\n",
              b.id);
    form_csrf_field(pb, rq, rs);
    html_raw(pb, err ? "<div class=\"champ champ-erreur\">" : "<div class=\"champ\">");
    av_group_error(pb, "confirmer", err);
    html_raw(pb, "<label><input type=\"checkbox\" id=\"confirmer\" name=\"confirmer\" value=\"oui\"");
    if (err)
        html_raw(pb, " aria-describedby=\"confirmer-erreur\" aria-invalid=\"true\"");
    html_raw(pb, "> Je confirme l'effacement définitif</label></div>\n"
                 "<p><button type=\"submit\">Effacer ses données</button></p>\n</form>\n");
    page_end(pb, rq);
    page_finish(rs);
}
