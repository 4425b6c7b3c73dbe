/* referentiel.c - the vocabularies of activity records (see referentiel.h).
 * Append only: an index is what the database stores. */
#include "accompagnement/referentiel.h"

#include <string.h>

static const struct accomp_valeur types[] = {
    {"individuel", "Accompagnement individuel"},
    {"collectif", "Atelier collectif"},
};
static const struct accomp_valeur lieux[] = {
    {"lieu_activite", "Lieu d'activité"},
    {"domicile", "À domicile"},
    {"a_distance", "À distance"},
    {"autre", "Autre lieu"},
};
static const struct accomp_valeur materiels[] = {
    {"ordinateur", "Ordinateur"},
    {"telephone", "Téléphone"},
    {"tablette", "Tablette"},
    {"autre", "Autre matériel"},
    {"aucun", "Pas de matériel"},
};
static const struct accomp_valeur themes[] = {
    {"diagnostic_numerique", "Diagnostic numérique"},
    {"prendre_en_main_du_materiel", "Prendre en main du matériel"},
    {"maintenance_de_materiel", "Maintenance de matériel"},
    {"gere_ses_contenus_numeriques", "Gérer ses contenus numériques"},
    {"navigation_sur_internet", "Naviguer sur internet"},
    {"email", "E-mail"},
    {"bureautique", "Bureautique"},
    {"reseaux_sociaux", "Réseaux sociaux, communication"},
    {"sante", "Santé"},
    {"banque_et_achats_en_ligne", "Banque et achats en ligne"},
    {"entrepreneuriat", "Accompagner un professionnel"},
    {"insertion_professionnelle", "Insertion professionnelle"},
    {"securite_numerique", "Prévention en sécurité numérique"},
    {"parentalite", "Parentalité"},
    {"scolarite_et_numerique", "Scolarité et numérique"},
    {"creer_avec_le_numerique", "Créer avec le numérique"},
    {"culture_numerique", "Culture numérique"},
    {"intelligence_artificielle", "Intelligence artificielle"},
    {"aide_aux_demarches_administratives", "Aide aux démarches administratives"},
};
static const struct accomp_valeur themes_admin[] = {
    {"papiers_elections_citoyennete", "Papiers, élections, citoyenneté"},
    {"famille_scolarite", "Famille, scolarité"},
    {"social_sante", "Social, santé"},
    {"travail_formation", "Travail, formation"},
    {"logement", "Logement"},
    {"transports_mobilite", "Transports, mobilité"},
    {"argent_impots", "Argent, impôts, consommation"},
    {"justice", "Justice"},
    {"etrangers_europe", "Étrangers, Europe"},
    {"loisirs_sports_culture", "Loisirs, sports, culture"},
    {"associations", "Associations"},
};
static const struct accomp_valeur autonomies[] = {
    {"entierement_accompagne", "Avec guidage"},
    {"partiellement_autonome", "Autonome avec guidage en cas de besoin"},
    {"autonome", "Autonome"},
};
static const struct accomp_valeur redirections[] = {
    {"administration", "Administration (mairie, préfecture…)"},
    {"mediation_numerique", "Médiation numérique"},
    {"operateur_ou_organisme_en_charge", "Opérateur ou organisme en charge"},
    {"aide_sociale", "Aide sociale"},
    {"insertion_professionnelle", "Insertion professionnelle (France Travail, mission locale…)"},
    {"aide_aux_demarches_administratives", "Aide aux démarches administratives (France services…)"},
    {"autre", "Autre"},
};
static const struct accomp_valeur niveaux[] = {
    {"debutant", "Débutant"},
    {"intermediaire", "Intermédiaire"},
    {"avance", "Avancé"},
};
static const struct accomp_valeur genres[] = {
    {"feminin", "Femme"},
    {"masculin", "Homme"},
    {"non_communique", "Non communiqué"},
};
static const struct accomp_valeur ages[] = {
    {"moins_de_douze", "Moins de 12 ans"},
    {"douze_dix_huit", "12 à 17 ans"},
    {"dix_huit_vingt_quatre", "18 à 24 ans"},
    {"vingt_cinq_trente_neuf", "25 à 39 ans"},
    {"quarante_cinquante_neuf", "40 à 59 ans"},
    {"soixante_soixante_neuf", "60 à 69 ans"},
    {"soixante_dix_plus", "70 ans et plus"},
    {"non_communique", "Non communiqué"},
};
static const struct accomp_valeur statuts[] = {
    {"scolarise", "Scolarisé·e"},
    {"sans_emploi", "Sans emploi"},
    {"en_emploi", "En emploi"},
    {"retraite", "Retraité·e"},
    {"non_communique", "Non communiqué ou hétérogène"},
};
static const struct accomp_valeur durees[] = {
    {"moins_30", "Moins de 30 min"},
    {"30_60", "De 30 min à 1 h"},
    {"60_120", "De 1 h à 2 h"},
    {"120_plus", "2 h et plus"},
};

#define VOC(n, l, t) {n, l, t, (int)(sizeof t / sizeof *t)}
static const struct accomp_vocabulaire vocs[AV__COUNT] = {
    [AV_TYPE] = VOC("type", "Type d'activité", types),
    [AV_LIEU] = VOC("type_lieu", "Lieu", lieux),
    [AV_MATERIEL] = VOC("materiel", "Matériel utilisé", materiels),
    [AV_THEME] = VOC("thematique", "Thématique", themes),
    [AV_THEME_ADMIN] = VOC("thematique_administrative", "Démarche administrative", themes_admin),
    [AV_AUTONOMIE] = VOC("autonomie", "Autonomie de la personne", autonomies),
    [AV_REDIRECTION] = VOC("orientation", "Orientée vers", redirections),
    [AV_NIVEAU] = VOC("niveau", "Niveau de l'atelier", niveaux),
    [AV_GENRE] = VOC("genre", "Genre", genres),
    [AV_AGE] = VOC("tranche_age", "Tranche d'âge", ages),
    [AV_STATUT] = VOC("statut", "Statut", statuts),
    [AV_DUREE] = VOC("duree", "Durée", durees),
};

const struct accomp_vocabulaire *accomp_voc(enum accomp_voc id)
{
    return (unsigned)id < AV__COUNT ? &vocs[id] : &vocs[AV_TYPE];
}

int accomp_code(enum accomp_voc id, const char *code)
{
    if ((unsigned)id >= AV__COUNT || !code)
        return -1;
    for (int i = 0; i < vocs[id].n; i++)
        if (strcmp(vocs[id].v[i].code, code) == 0)
            return i;
    return -1;
}

const char *accomp_label(enum accomp_voc id, int i)
{
    if ((unsigned)id >= AV__COUNT || i < 0 || i >= vocs[id].n)
        return "";
    return vocs[id].v[i].label;
}

const char *accomp_code_of(enum accomp_voc id, int i)
{
    if ((unsigned)id >= AV__COUNT || i < 0 || i >= vocs[id].n)
        return "";
    return vocs[id].v[i].code;
}

int accomp_duree_bande(int minutes)
{
    return minutes < 30 ? 0 : minutes < 60 ? 1 : minutes < 120 ? 2 : 3;
}
