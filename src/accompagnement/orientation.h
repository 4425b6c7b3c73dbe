/* orientation.h - referrals of a person from one structure to a place of
 * the registry or another structure, with their life cycle:
 *
 *   envoyee ──► acceptee ──► terminee
 *      │   └──► refusee
 *      ├──────► expiree    (no answer within ORIENTATION_TTL)
 *      └──────► annulee    (by the sender)
 *
 * A médiateur sends (AZ_ORIENTATION_SEND on their structure) from an
 * activity, a diagnostic or a person's record. The receiving side acts
 * from its account (AZ_ORIENTATION_RECEIVE on the receiving structure,
 * when the destination is a structure of the platform or a place it
 * holds) or from a single-use link mailed to it (SHA-256 of the token
 * only, as comptes/lien.h; valid until the referral expires; a new link
 * voids the earlier ones). Accepting by link mails a second link, to say
 * when the accompaniment is done.
 *
 * Privacy: the person's data shared is only what they agreed to (partage
 * bits among first name, name, phone, e-mail of their record, with the
 * consent box ticked), sealed with the personal data key into
 * orientation.chiffre together with the message; mails carry no personal
 * data, only the link. The shared data is wiped ORIENTATION_OUBLI after
 * the referral ends, and at once when the person is erased.
 *
 * orientation_taches() is the background job (and `accompagnement
 * taches`): reminders after 3 and 7 days, expiry after 14, automatic
 * closing 180 days after acceptance, wiping of ended referrals. */
#ifndef ACCOMPAGNEMENT_ORIENTATION_H
#define ACCOMPAGNEMENT_ORIENTATION_H
#include <stddef.h>
#include <time.h>

#include "accompagnement/accomp.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/chiffre.h"
#include "http/query.h"

#define ORIENTATION_MESSAGE_MAX 1000 /* characters */
#define ORIENTATION_MOTIF_MAX 280    /* characters of a refusal's reason */
#define ORIENTATION_TTL (14L * 86400)
#define ORIENTATION_RELANCE_1 (3L * 86400)
#define ORIENTATION_RELANCE_2 (7L * 86400)
#define ORIENTATION_CLOTURE_AUTO (180L * 86400)
#define ORIENTATION_OUBLI (30L * 86400)
#define ORIENTATION_LIEN_CLOTURE (90L * 86400)
#define ORIENTATION_TOKEN_LEN 64

enum { PARTAGE_PRENOM = 1, PARTAGE_NOM = 2, PARTAGE_TEL = 4, PARTAGE_COURRIEL = 8 };

enum orientation_etat { OR_ENVOYEE, OR_ACCEPTEE, OR_REFUSEE, OR_TERMINEE, OR_EXPIREE, OR_ANNULEE };
const char *orientation_etat_code(int etat);   /* "envoyee", ... */
const char *orientation_etat_label(int etat);  /* "Envoyée", ... */

struct orientation {
    long long id, structure_id, compte_id, activite_id, diagnostic_id, beneficiaire_id;
    long long dest_structure_id, dest_lieu_pid;
    char structure_nom[256];  /* the sender */
    char dest_nom[256], dest_courriel[256], dest_commune[8];
    unsigned besoins, partage;
    char consentement_at[24];
    int etat;
    long long envoye_at, etat_at, expire_at;
    char etat_par[128], motif_refus[UTF8_BUF(ORIENTATION_MOTIF_MAX)];
    int relances;
    int efface;               /* the shared data was wiped */
    /* What was shared, decrypted (when a key was given). */
    char prenom[UTF8_BUF(BENEF_NOM_MAX)], nom[UTF8_BUF(BENEF_NOM_MAX)];
    char telephone[24], courriel[128], message[UTF8_BUF(ORIENTATION_MESSAGE_MAX)];
};

struct orientation_saisie {
    char destination[48];     /* "lieu:PID" or "structure:ID" */
    unsigned besoins;         /* bits of AV_THEME */
    unsigned partage;
    int consentement;
    char message[UTF8_BUF(ORIENTATION_MESSAGE_MAX) + 64];
    long long activite_id, diagnostic_id, beneficiaire_id;
    int bad_value;
};

void orientation_saisie_lire(const struct query *q, struct orientation_saisie *s);

/* Send from structure_id. *id gets the new referral. The mail to the
 * destination (with its single-use link) is queued in the transaction. */
enum accomp_result orientation_send(struct db *d, struct accomp_ctx *c, long long structure_id,
                                    const struct orientation_saisie *s, struct accomp_erreurs *e,
                                    long long *id);
/* From an account: "accepter", "refuser" (motif), "terminer" (receiving
 * side), "annuler" (sending side). */
enum accomp_result orientation_act(struct db *d, struct accomp_ctx *c, long long id,
                                   const char *action, const char *motif);
/* From a single-use link (consumed by this call). *id gets the referral. */
enum accomp_result orientation_act_link(struct db *d, struct accomp_ctx *c, const char *token,
                                        const char *action, const char *motif, long long *id);
/* The referral a live link leads to (not consumed): 1 (*id), 0, -1. */
int orientation_peek_link(struct db *d, const char *token, time_t now, long long *id);

/* Load (and decrypt the shared data when key is not NULL): 1, 0, -1, -2
 * (cannot decrypt). */
int orientation_get(struct db *d, const struct data_key *key, long long id, struct orientation *o);
/* Re-seal every referral's shared data with key nw (a key change,
 * rotation.h; inside the caller's transaction). *count: the referrals
 * re-sealed. 0, or -1 with d->err naming the first that old does not open. */
int orientation_rekey(struct db *d, const struct data_key *old, const struct data_key *nw,
                      long *count);
/* Which side may the actor read: bit 1 sender side, bit 2 receiving side;
 * 0 none, -1 error. */
int orientation_sides(struct db *d, const struct actor *a, const struct orientation *o);

struct orientation_liste {
    struct orientation *v;
    size_t n;
};
/* Referrals sent by (recues = 0) or to (recues = 1) a structure, or of a
 * person (beneficiaire_id > 0), newest first, at most 200; shared data
 * not decrypted. 0 or -1. */
int orientation_list(struct db *d, long long structure_id, int recues, long long beneficiaire_id,
                     struct orientation_liste *out);
void orientation_liste_free(struct orientation_liste *l);

struct orientation_taches_stats {
    long relances, expirees, cloturees, effacees;
};
/* The periodic work at `now`. 0 or -1. */
int orientation_taches(struct db *d, time_t now, struct orientation_taches_stats *st);

/* Internal (beneficiaire.c): wipe and unlink a person's referrals; move
 * them to another record. 0 or -1, in the caller's transaction. */
int orientation_forget_beneficiaire(struct db *d, long long beneficiaire_id, time_t now);
int orientation_move_beneficiaire(struct db *d, long long from, long long to);

#endif
