/* rgpd.c - the right of access and portability: everything Passerelle
 * holds about one followed person, as one JSON document (see
 * beneficiaire_export_json() in beneficiaire.h; docs/rgpd.md). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "accompagnement/referentiel.h"
#include "base/jour.h"
#include "base/text.h"
#include "structures/structures.h"
#include "territoires/territoires.h"

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *bits_json(unsigned bits, enum accomp_voc voc)
{
    json_t *a = json_array();
    for (int i = 0; i < accomp_voc(voc)->n; i++)
        if (bits & (1u << i))
            json_array_append_new(a, json_string(accomp_label(voc, i)));
    return a;
}

static json_t *person_json(struct db *d, const struct beneficiaire *b)
{
    json_t *p = json_object();
    json_object_set_new(p, "numero", json_integer(b->id));
    json_object_set_new(p, "prenom", str_or_null(b->prenom));
    json_object_set_new(p, "nom", str_or_null(b->nom));
    json_object_set_new(p, "telephone", str_or_null(b->telephone));
    json_object_set_new(p, "courriel", str_or_null(b->courriel));
    json_object_set_new(p, "annee_naissance", str_or_null(b->annee));
    struct territoire_commune c;
    if (b->commune[0] && territoires_commune(d, b->commune, &c) == 1)
        json_object_set_new(p, "commune", json_pack("{s:s, s:s}", "code", c.code, "nom", c.nom));
    else
        json_object_set_new(p, "commune", json_null());
    json_object_set_new(p, "notes", str_or_null(b->notes));
    json_object_set_new(p, "genre", json_string(accomp_label(AV_GENRE, b->genre)));
    json_object_set_new(p, "tranche_age", json_string(accomp_label(AV_AGE, b->tranche)));
    json_object_set_new(p, "statut", json_string(accomp_label(AV_STATUT, b->statut)));
    return p;
}

static json_t *activities_json(struct db *d, long long id)
{
    json_t *arr = json_array();
    struct activite_filtre f = {.beneficiaire_id = id, .limit = 500};
    struct activite_liste l;
    if (activite_list(d, &f, &l) < 0)
        return arr;
    for (size_t i = 0; i < l.n; i++) {
        const struct activite *a = &l.v[i];
        char date[11], lieu[300];
        jour_format(a->jour, date);
        activite_lieu_texte(d, a, lieu, sizeof lieu);
        json_t *o = json_object();
        json_object_set_new(o, "date", json_string(date));
        json_object_set_new(o, "type", json_string(accomp_label(AV_TYPE, a->type)));
        json_object_set_new(o, "duree_minutes", json_integer(a->duree));
        json_object_set_new(o, "lieu", json_string(lieu));
        json_object_set_new(o, "thematiques", bits_json(a->themes, AV_THEME));
        json_object_set_new(o, "demarches", bits_json(a->themes_admin, AV_THEME_ADMIN));
        json_object_set_new(o, "materiel", bits_json(a->materiel, AV_MATERIEL));
        if (a->type == ACT_INDIVIDUEL)
            json_object_set_new(o, "autonomie", a->autonomie >= 0
                                ? json_string(accomp_label(AV_AUTONOMIE, a->autonomie)) : json_null());
        else
            json_object_set_new(o, "atelier", str_or_null(a->titre));
        json_array_append_new(arr, o);
    }
    activite_liste_free(&l);
    return arr;
}

static json_t *referrals_json(struct db *d, const struct data_key *key, long long id)
{
    json_t *arr = json_array();
    struct orientation_liste l;
    if (orientation_list(d, 0, 0, id, &l) < 0)
        return arr;
    for (size_t i = 0; i < l.n; i++) {
        struct orientation o;
        if (orientation_get(d, key, l.v[i].id, &o) < 0)
            continue;
        char date[11];
        jour_format(jour_local((time_t)o.envoye_at), date);
        json_t *x = json_object();
        json_object_set_new(x, "numero", json_integer(o.id));
        json_object_set_new(x, "date", json_string(date));
        json_object_set_new(x, "vers", json_string(o.dest_nom));
        json_object_set_new(x, "besoins", bits_json(o.besoins, AV_THEME));
        json_object_set_new(x, "etat", json_string(orientation_etat_label(o.etat)));
        json_t *shared = json_object();
        if (o.efface) {
            json_object_set_new(x, "informations_transmises", json_string("effacées"));
        } else {
            if (o.prenom[0])
                json_object_set_new(shared, "prenom", json_string(o.prenom));
            if (o.nom[0])
                json_object_set_new(shared, "nom", json_string(o.nom));
            if (o.telephone[0])
                json_object_set_new(shared, "telephone", json_string(o.telephone));
            if (o.courriel[0])
                json_object_set_new(shared, "courriel", json_string(o.courriel));
            if (o.message[0])
                json_object_set_new(shared, "message", json_string(o.message));
            json_object_set_new(x, "informations_transmises", json_incref(shared));
        }
        json_decref(shared);
        json_object_set_new(x, "accord_donne_le", str_or_null(o.consentement_at));
        sodium_memzero(&o, sizeof o);
        json_array_append_new(arr, x);
    }
    orientation_liste_free(&l);
    return arr;
}

/* The date of anonymisation under the retention rule. */
static void retention_date(const struct beneficiaire *b, int mois, char out[11])
{
    long from = b->derniere_activite;
    char created[11];
    snprintf(created, sizeof created, "%.10s", b->created_at);
    if (from < 0 && jour_parse(created, &from) < 0)
        from = 0;
    int y, m, dd;
    jour_to_civil(from, &y, &m, &dd);
    int total = y * 12 + (m - 1) + mois;
    int ny = total / 12, nm = total % 12 + 1;
    int nd = dd > jour_month_days(ny, nm) ? jour_month_days(ny, nm) : dd;
    jour_format(jour_from_civil(ny, nm, nd), out);
}

char *beneficiaire_export_json(struct db *d, const struct data_key *key, long long id, time_t now,
                               int retention_mois, int *why)
{
    *why = -1;
    struct beneficiaire b;
    int k = beneficiaire_get(d, key, id, &b);
    if (k <= 0) {
        *why = k == -2 ? -2 : -1;
        return NULL;
    }
    json_t *o = json_object();
    char stamp[24], until[11];
    text_iso_time(now, stamp);
    json_object_set_new(o, "format", json_string("passerelle-beneficiaire-export"));
    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(o, "genere_le", json_string(stamp));
    json_object_set_new(o, "personne", person_json(d, &b));
    struct structure s;
    if (structures_get(d, b.structure_id, &s) == 1)
        json_object_set_new(o, "structure", json_pack("{s:I, s:s, s:s}", "numero",
                                                      (json_int_t)s.id, "nom", s.nom,
                                                      "courriel", s.courriel));
    json_object_set_new(o, "accord_suivi",
                        json_pack("{s:s, s:s}", "date", b.consentement_at, "forme",
                                  strcmp(b.consentement_mode, "ecrit") == 0 ? "écrit" : "oral"));
    json_object_set_new(o, "cree_le", json_string(b.created_at));
    json_object_set_new(o, "modifie_le", json_string(b.updated_at));
    char last[11] = "";
    if (b.derniere_activite >= 0)
        jour_format(b.derniere_activite, last);
    json_object_set_new(o, "dernier_accompagnement", str_or_null(last));
    retention_date(&b, retention_mois, until);
    json_object_set_new(o, "anonymisation_prevue_le", json_string(until));
    json_object_set_new(o, "accompagnements", activities_json(d, id));
    struct beneficiaire_diagnostic diags[50];
    int nd = beneficiaire_diagnostics(d, id, diags, 50);
    json_t *da = json_array();
    for (int i = 0; i < nd; i++)
        json_array_append_new(da, json_pack("{s:I, s:s, s:o}", "numero", (json_int_t)diags[i].id,
                                            "date", diags[i].date, "score",
                                            diags[i].score >= 0 ? json_integer(diags[i].score)
                                                                : json_null()));
    json_object_set_new(o, "diagnostics", da);
    json_object_set_new(o, "orientations", referrals_json(d, key, id));
    json_object_set_new(o, "destinataires",
                        json_string("Les médiateurs et gestionnaires de la structure ; les "
                                    "structures vers lesquelles la personne a été orientée, pour "
                                    "les seules informations qu'elle a accepté de transmettre."));
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    sodium_memzero(&b, sizeof b);
    if (text)
        *why = 0;
    return text;
}
