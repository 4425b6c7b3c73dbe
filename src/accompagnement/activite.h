/* activite.h - activity records ("comptes-rendus d'activité"): an
 * individual accompaniment or a collective workshop, recorded by a
 * médiateur for their structure.
 *
 * A record carries the fields professionals use (reference §2.2): date,
 * duration, place (a place of the registry, home, remote, another
 * commune), equipment, themes and administrative sub-themes, autonomy
 * reached and orientation (individual), title and level (workshop),
 * participants counted anonymously by gender, age band and status, and
 * the followed beneficiaries who attended (beneficiaire.h), tags, and an
 * optional link to a diagnostic (issue 4's diagnostic_session.id).
 *
 * Every write (activite_create / _update / _delete, participants added or
 * removed) is authorized with authz_allowed() (AZ_ACTIVITE_CREATE on the
 * structure, AZ_ACTIVITE_EDIT on one's own record), validated with French
 * messages per field, journaled (non-identifying fields only) and applied
 * to the statistics aggregates (agregats.h), all in one transaction.
 *
 * Ownership: structs are plain values; lists are released with their
 * *_free(). Results and errors: accomp.h (ACC_ERROR with d->err in
 * English, ACC_INVALID with the field errors, ACC_FORBIDDEN /
 * ACC_NOT_FOUND with a French message in c->msg). */
#ifndef ACCOMPAGNEMENT_ACTIVITE_H
#define ACCOMPAGNEMENT_ACTIVITE_H
#include <stddef.h>
#include <time.h>

#include "accompagnement/accomp.h"
#include "accompagnement/referentiel.h"
#include "comptes/authz.h"
#include "http/query.h"
#include "store/db.h"

#define ACTIVITE_MAX_SUIVIS 64   /* followed participants of one activity */
#define ACTIVITE_MAX_ANONYMES 1000
#define ACTIVITE_TITRE_MAX 200
#define ACTIVITE_TAGS_MAX 5
#define ACTIVITE_TAG_LEN 30      /* characters of one tag */
/* The tags as stored: up to 5 of 30 characters of up to 4 bytes, '|' between */
#define ACTIVITE_TAGS_BUF (ACTIVITE_TAGS_MAX * (ACTIVITE_TAG_LEN * 4 + 1))

struct activite_participant {
    long long id;             /* activite_participant.id */
    long long beneficiaire_id; /* 0 once the person was erased */
    int premier;              /* their first accompaniment */
    int genre, tranche, statut;
};

/* A stored record. Optional integers are -1 when unset. */
struct activite {
    long long id, structure_id, compte_id;
    int type;                 /* ACT_INDIVIDUEL, ACT_COLLECTIF */
    long jour;                /* base/jour.h */
    int duree;                /* minutes, 1..1440 */
    int lieu_type;            /* LIEU_* */
    long long lieu_pid;       /* 0 when none */
    char lieu_nom[256];
    char commune[6], epci[10], departement[4], region[4];
    unsigned materiel, themes, themes_admin; /* bit sets */
    int autonomie, redirection, niveau;
    char titre[ACTIVITE_TITRE_MAX * 4 + 1]; /* characters of up to 4 bytes */
    int participants, anonymes, suivis, nouveaux;
    int genre[NGENRE], age[NAGE], statut[NSTATUT]; /* every participant */
    char tags[ACTIVITE_TAGS_BUF]; /* '|' separated */
    long long diagnostic_id;  /* 0 when none */
    char created_at[24], updated_at[24];
    int nsuivis;              /* followed participants below (<= suivis) */
    struct activite_participant p[ACTIVITE_MAX_SUIVIS];
};

/* What a form gives (also the API's input). Anonymous participants are
 * counted here; followed ones are named by beneficiary id. */
struct activite_saisie {
    int type;
    char date[16];            /* "YYYY-MM-DD" */
    char duree[16], duree_autre[16];
    char lieu[32];            /* "pid:123", "structure", "domicile", "a_distance", "autre" */
    char commune[128];        /* for domicile / autre: name, postcode or INSEE code */
    unsigned materiel, themes, themes_admin;
    int autonomie, redirection, niveau;
    char titre[ACTIVITE_TITRE_MAX * 4 + 64]; /* room to refuse, not cut, a long one */
    char anonymes[16];        /* collectif: anonymous participants */
    char genre[NGENRE][8], age[NAGE][8], statut[NSTATUT][8]; /* collectif counts */
    int genre1, age1, statut1; /* individuel, anonymous person: one choice each (-1) */
    char tags[ACTIVITE_TAGS_BUF + 64];
    long long beneficiaire_id; /* individuel: a followed person, or 0 */
    long long diagnostic_id;
    int bad_value;            /* a code was not in its vocabulary (field in bad_field) */
    const char *bad_field;
};


/* Read a form (or query) into s; unknown codes set bad_value. Cannot
 * fail. `type` is taken from the "type" field. */
void activite_saisie_lire(const struct query *q, struct activite_saisie *s);

/* Validate s for structure `structure_id` and turn it into a record
 * (territories resolved, counts computed). 0 valid, 1 invalid (errors in
 * *e), -1 database error. The followed person (beneficiaire_id) must be
 * held by the structure. */
int activite_valider(struct db *d, const struct activite_saisie *s, long long structure_id,
                     time_t now, struct activite *a, struct accomp_erreurs *e);

/* Create (AZ_ACTIVITE_CREATE on a->structure_id; a->compte_id is the
 * actor). *id gets the new id. */
enum accomp_result activite_create(struct db *d, struct accomp_ctx *c, struct activite *a,
                                     struct accomp_erreurs *e, const struct activite_saisie *s,
                                     long long *id);
/* Replace the editable fields of record `id` from s (AZ_ACTIVITE_EDIT:
 * its author). The followed participants are kept. */
enum accomp_result activite_update(struct db *d, struct accomp_ctx *c, long long id,
                                     const struct activite_saisie *s, struct accomp_erreurs *e);
enum accomp_result activite_delete(struct db *d, struct accomp_ctx *c, long long id);
/* Add / remove a followed participant (AZ_ACTIVITE_EDIT, and the person
 * held by the activity's structure). A workshop's total grows by one when
 * a followed person is added; removing gives it back. */
enum accomp_result activite_participant_add(struct db *d, struct accomp_ctx *c, long long id,
                                              long long beneficiaire_id);
enum accomp_result activite_participant_remove(struct db *d, struct accomp_ctx *c,
                                                 long long id, long long beneficiaire_id);

/* Load record `id` with its followed participants: 1, 0 (unknown), -1. */
int activite_get(struct db *d, long long id, struct activite *a);
/* May the actor read record a (AZ_ACTIVITE_READ)? 1 / 0 / -1. */
int activite_may_read(struct db *d, const struct actor *actor, const struct activite *a);

/* The form's defaults for a new record of `type` by account compte_id in
 * structure_id: today's date, the duration, place, commune and equipment
 * of their last record of that type (or 30 / 90 minutes and the
 * structure's first place). Cannot fail (falls back to plain defaults). */
void activite_defauts(struct db *d, long long compte_id, long long structure_id, int type,
                      time_t now, struct activite_saisie *s);
/* The form's values of a stored record (for the edit form). */
void activite_vers_saisie(const struct activite *a, struct activite_saisie *s);

struct activite_liste {
    struct activite *v;       /* participants lists not loaded (nsuivis 0) */
    size_t n;
    int more;
};
struct activite_filtre {
    long long compte_id;      /* one médiateur's records, or 0 */
    long long structure_id;   /* one structure's records, or 0 */
    long long beneficiaire_id; /* those a followed person attended, or 0 */
    long du, au;              /* days, inclusive; au < du: no bound */
    int limit, offset;
};
/* Newest first. 0 or -1. */
int activite_list(struct db *d, const struct activite_filtre *f, struct activite_liste *out);
void activite_liste_free(struct activite_liste *l);

/* The place of an activity as shown: the place's name, "À domicile (Foix)",
 * ... into out[n]. */
void activite_lieu_texte(struct db *d, const struct activite *a, char *out, size_t n);

/* JSON of the record for the journal and the API (no personal data: the
 * followed participants are counted, not named). malloc'd, or NULL. */
char *activite_json(const struct activite *a);

/* ---- internal, shared with agregats.c and beneficiaire.c ---- */
/* Recompute the "first accompaniment" flags of a beneficiary's
 * participations, updating the activities' counts and the aggregates of
 * those whose count changed, and its derniere_activite. In the caller's
 * transaction. 0 or -1. */
int activite_recompute_premier(struct db *d, long long beneficiaire_id);
/* activite_participant_remove() inside the caller's transaction, without
 * authorization (a merge, authorized by the caller). */
enum accomp_result activite_participant_remove_in_tx(struct db *d, struct accomp_ctx *c,
                                                     long long id, long long beneficiaire_id);
/* The columns of a record, in the order activite_read_row() reads them
 * (prefix "a." for joins is not used: select from activite only). */
#define ACTIVITE_COLUMNS                                                                   \
    "id, structure_id, compte_id, type, jour, duree, lieu_type, lieu_pid, lieu_nom, "     \
    "commune, epci, departement, region, materiel, thematiques, thematiques_admin, "      \
    "autonomie, redirection, titre, niveau, participants, anonymes, suivis, nouveaux, "   \
    "g_f, g_m, g_nc, a_m12, a_12_17, a_18_24, a_25_39, a_40_59, a_60_69, a_70p, a_nc, "  \
    "s_scol, s_sans, s_emploi, s_retraite, s_nc, tags, diagnostic_id, created_at, "       \
    "updated_at"
/* Insert record a as it is (a->id gets the new id): no authorization,
 * validation, participants, aggregates nor journal. For bulk loads, which
 * then call stat_rebuild(), and benchmarks. 0 or -1. */
int activite_store_raw(struct db *d, struct activite *a);
/* Read the current row (columns ACTIVITE_COLUMNS from column c0) into a
 * (participants list empty). Cannot fail. */
void activite_read_row(sqlite3_stmt *st, int c0, struct activite *a);

#endif
