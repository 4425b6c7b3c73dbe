/* beneficiaire.h - followed people ("bénéficiaires suivis"), under the
 * GDPR.
 *
 * People are anonymous by default: an activity counts them without any
 * record. A médiateur follows a person only with their consent, recorded
 * (when, by whom, orally or in writing), and with minimal fields: first
 * name and/or name, phone, e-mail, year of birth, commune, short notes;
 * plus gender, age band and status, which are not identifying and feed
 * the statistics. The record is held by the structure (its managers and
 * médiateurs: AZ_BENEFICIAIRE_READ / _WRITE / _ERASE).
 *
 * Identifying fields are sealed with the personal data key (chiffre.h)
 * into beneficiaire.chiffre; exact matching uses blind indexes (bi_nom,
 * bi_prenom, bi_tel, bi_courriel); fuzzy matching (search, duplicates)
 * decrypts the structure's records in memory (a structure holds hundreds
 * to a few thousand people; at most BENEF_MAX_SCAN are compared).
 *
 * Duplicates follow La Coop's rule: within one structure, two records are
 * probably the same person when at least 2 of 4 criteria hold: name
 * similarity > 0.4, first-name similarity > 0.4 (trigram similarity of the
 * normalised values: accents and case removed, spaces and hyphens
 * dropped), same phone, same e-mail. A merge moves the history to the kept
 * record and leaves the other empty with fusionne_dans, the audit link.
 *
 * Erasure (right to erasure) and anonymisation (the retention rule: no
 * accompaniment for `mois` months) delete the record and its merged
 * tombstones, unlink its participations (the activities' counts stay: the
 * statistics do not change), wipe the data shared in its referrals and
 * unlink diagnostics (issue 4's diagnostic_session.beneficiaire_id). Both
 * are journaled with the id only.
 *
 * Every function returning enum accomp_result authorizes, journals and
 * runs in one transaction; -1 / ACC_ERROR leave d->err. */
#ifndef ACCOMPAGNEMENT_BENEFICIAIRE_H
#define ACCOMPAGNEMENT_BENEFICIAIRE_H
#include <stddef.h>
#include <time.h>

#include "accompagnement/accomp.h"
#include "accompagnement/chiffre.h"
#include "http/query.h"

#define BENEF_MAX_SCAN 20000
#define BENEF_RETENTION_MOIS 24  /* default retention without accompaniment */
#define BENEF_NOM_MAX 60      /* characters of a first name, of a name */
#define BENEF_NOTES_MAX 500
/* A text of at most n characters, each up to 4 bytes of UTF-8 (Arabic,
 * symbols, emoji): limits are in characters, buffers in bytes. */
#define UTF8_BUF(n) ((n) * 4 + 1)

struct beneficiaire {
    long long id, structure_id, compte_id;
    char prenom[UTF8_BUF(BENEF_NOM_MAX)], nom[UTF8_BUF(BENEF_NOM_MAX)];
    char telephone[24], courriel[128], annee[8], commune[8];
    char notes[UTF8_BUF(BENEF_NOTES_MAX)];
    int genre, tranche, statut;
    char consentement_at[24], consentement_mode[8];
    long long consentement_par;
    char created_at[24], updated_at[24];
    long derniere_activite;   /* day, -1 when never accompanied */
    long long fusionne_dans;  /* 0, or the record it was merged into */
};

struct beneficiaire_saisie {
    /* input as typed: room beyond the limits, so that a text too long is
     * refused rather than cut */
    char prenom[UTF8_BUF(BENEF_NOM_MAX) + 64], nom[UTF8_BUF(BENEF_NOM_MAX) + 64];
    char telephone[64], courriel[256], annee[16], commune[128];
    char notes[UTF8_BUF(BENEF_NOTES_MAX) + 64];
    int genre, tranche, statut;  /* -1: not given */
    int consentement;            /* the box "the person agrees" was ticked */
    char mode[16];               /* "oral" or "ecrit" */
    int force;                   /* create even though similar records exist */
    int bad_value;
};

/* Read a form. Cannot fail. */
void beneficiaire_saisie_lire(const struct query *q, struct beneficiaire_saisie *s);
/* Values of a record for its edit form. */
void beneficiaire_vers_saisie(const struct beneficiaire *b, struct beneficiaire_saisie *s);

#define BENEF_MAX_SIMILAIRES 8
struct beneficiaire_similaires {
    int n;
    long long id[BENEF_MAX_SIMILAIRES];
};

/* Create in structure_id (AZ_BENEFICIAIRE_WRITE). Without s->force, when
 * similar records exist (the duplicate rule) nothing is written and
 * ACC_DUPLICATE lists them in *sim. */
enum accomp_result beneficiaire_create(struct db *d, struct accomp_ctx *c, long long structure_id,
                                       const struct beneficiaire_saisie *s,
                                       struct accomp_erreurs *e, struct beneficiaire_similaires *sim,
                                       long long *id);
enum accomp_result beneficiaire_update(struct db *d, struct accomp_ctx *c, long long id,
                                       const struct beneficiaire_saisie *s,
                                       struct accomp_erreurs *e);

/* Re-seal every followed person's identity with key nw and recompute its
 * blind indexes (a key change, rotation.h; inside the caller's transaction,
 * after data_key_set_check(nw)). *count: the records re-sealed. 0, or -1
 * with d->err naming the first record that old does not open. */
int beneficiaire_rekey(struct db *d, const struct data_key *old, const struct data_key *nw,
                       long *count);
/* Load and decrypt. 1, 0 (unknown, or merged: b->fusionne_dans says
 * where), -1 database error, -2 the data cannot be decrypted with this
 * key. key may be NULL: identifying fields are then left empty. */
int beneficiaire_get(struct db *d, const struct data_key *key, long long id,
                     struct beneficiaire *b);
/* May the actor do `action` (AZ_BENEFICIAIRE_*) on a record of structure
 * s? 1 / 0 / -1. */
int beneficiaire_may(struct db *d, const struct actor *a, enum authz_action action,
                     long long structure_id);
/* Gender, age band, status of a live record of structure s (for the
 * activities). 1, 0 (unknown / other structure / merged), -1. */
int beneficiaire_attributs(struct db *d, long long id, long long structure_id, int *genre,
                           int *tranche, int *statut);
/* Internal (activite.c): the day of the last accompaniment, -1 none. */
int beneficiaire_set_derniere_activite(struct db *d, long long id, long jour);

struct beneficiaire_liste {
    struct beneficiaire *v;
    size_t n;
    int truncated;           /* more than BENEF_MAX_SCAN records */
};
/* The structure's live records whose name, first name, phone or e-mail
 * match `q` (folded substring; an e-mail or a phone number is matched
 * exactly through the blind index), or all when q is empty; by name.
 * At most `limit`. 0, -1, or -2 (wrong key). */
int beneficiaire_search(struct db *d, const struct data_key *key, long long structure_id,
                        const char *q, int limit, struct beneficiaire_liste *out);
void beneficiaire_liste_free(struct beneficiaire_liste *l);

/* Trigram similarity of two normalised names (0..1), as pg_trgm. */
double beneficiaire_similarite(const char *a, const char *b);
/* The normalised form used by the rule: folded, spaces and hyphens out. */
void beneficiaire_normalise(const char *in, char *out, size_t n);

struct beneficiaire_doublon {
    long long a, b;          /* a < b */
    unsigned criteres;       /* bits: 1 nom, 2 prénom, 4 téléphone, 8 e-mail */
};
struct beneficiaire_doublons {
    struct beneficiaire_doublon *v;
    size_t n;
};
/* Probable duplicates among the structure's live records. 0, -1, -2. */
int beneficiaire_doublons(struct db *d, const struct data_key *key, long long structure_id,
                          struct beneficiaire_doublons *out);
void beneficiaire_doublons_free(struct beneficiaire_doublons *p);

/* Merge `merged` into `keep` (same structure, AZ_BENEFICIAIRE_WRITE):
 * participations, referrals and diagnostics move, a participation of both
 * in one activity is counted once, empty fields of `keep` are filled from
 * `merged`, which is emptied and points to keep. */
enum accomp_result beneficiaire_merge(struct db *d, struct accomp_ctx *c, long long keep,
                                      long long merged);
/* Right to erasure (AZ_BENEFICIAIRE_ERASE). */
enum accomp_result beneficiaire_erase(struct db *d, struct accomp_ctx *c, long long id);
/* The retention rule: anonymise every record of any structure whose last
 * accompaniment (or creation, when never accompanied) is more than `mois`
 * months before `now`. *count gets how many. In one transaction, journaled
 * as "beneficiaire.anonymiser". 0 or -1. */
int beneficiaire_retention(struct db *d, const char *cli_user, time_t now, int mois, long *count);

/* Everything held about the person, as JSON (the right of access and
 * portability): identity, consent, accompaniments, diagnostics,
 * referrals, merges, journal entries. malloc'd text, NULL on error (-2
 * in *why for a wrong key, -1 otherwise). AZ_BENEFICIAIRE_ERASE is
 * checked by the caller. */
char *beneficiaire_export_json(struct db *d, const struct data_key *key, long long id, time_t now,
                               int retention_mois, int *why);

/* Diagnostics (issue 4's diagnostic_session) linked to the person, when
 * that table exists. */
struct beneficiaire_diagnostic {
    long long id;
    char date[24];
    int score;               /* -1 unknown */
};
int beneficiaire_diagnostics(struct db *d, long long id, struct beneficiaire_diagnostic *out,
                             int max);
/* Link a diagnostic session to the person (same structure, with the
 * consent recorded on the record; AZ_BENEFICIAIRE_WRITE). ACC_NOT_FOUND
 * when the diagnostic module is absent or the session unknown. */
enum accomp_result beneficiaire_lier_diagnostic(struct db *d, struct accomp_ctx *c, long long id,
                                                long long diagnostic_id);

/* The person's display name "Prénom Nom" into out[n]. */
void beneficiaire_nom_affiche(const struct beneficiaire *b, char *out, size_t n);

#endif
