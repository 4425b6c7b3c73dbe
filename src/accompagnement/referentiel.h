/* referentiel.h - the vocabularies of activity records: type, place,
 * equipment, themes and administrative sub-themes, autonomy, referral
 * targets, workshop level, gender, age band, social status, duration
 * bands. Codes and French labels follow La Coop de la médiation numérique
 * (reference §2.2), so that records exchange with it without mapping.
 *
 * Each vocabulary is a table of (code, label) whose index is what the
 * database stores: a small integer, or a bit position for the lists
 * (equipment, themes). Indices are therefore part of the schema: values
 * are only ever appended, never reordered or removed. None of these
 * functions allocate or fail. */
#ifndef ACCOMPAGNEMENT_REFERENTIEL_H
#define ACCOMPAGNEMENT_REFERENTIEL_H

enum accomp_voc {
    AV_TYPE,        /* individuel, collectif */
    AV_LIEU,        /* lieu_activite, domicile, a_distance, autre */
    AV_MATERIEL,    /* bits */
    AV_THEME,       /* bits */
    AV_THEME_ADMIN, /* bits: only with aide_aux_demarches_administratives */
    AV_AUTONOMIE,   /* individuel */
    AV_REDIRECTION, /* individuel: oriented towards */
    AV_NIVEAU,      /* collectif */
    AV_GENRE,
    AV_AGE,
    AV_STATUT,
    AV_DUREE,       /* statistics bands of the duration */
    AV__COUNT
};

struct accomp_valeur {
    const char *code;  /* stable machine value (La Coop's) */
    const char *label; /* French, for pages */
};

struct accomp_vocabulaire {
    const char *name;  /* "thematique", ... (API and CSV column names) */
    const char *label; /* "Thématique", ... */
    const struct accomp_valeur *v;
    int n;
};

const struct accomp_vocabulaire *accomp_voc(enum accomp_voc id);
/* Index of `code` in vocabulary id, or -1. */
int accomp_code(enum accomp_voc id, const char *code);
/* Label / code of index i, or "" when out of range. */
const char *accomp_label(enum accomp_voc id, int i);
const char *accomp_code_of(enum accomp_voc id, int i);

/* Fixed indices used by the rules. */
enum { ACT_INDIVIDUEL = 0, ACT_COLLECTIF = 1 };
enum { LIEU_ACTIVITE = 0, LIEU_DOMICILE = 1, LIEU_DISTANCE = 2, LIEU_AUTRE = 3 };
#define THEME_DEMARCHES 18          /* aide_aux_demarches_administratives */
#define MATERIEL_AUCUN 4            /* "pas de matériel" excludes the others */
#define GENRE_NC 2
#define AGE_NC 7
#define STATUT_NC 4
#define NGENRE 3
#define NAGE 8
#define NSTATUT 5

/* The duration band (AV_DUREE index) of a duration in minutes. */
int accomp_duree_bande(int minutes);

#endif
