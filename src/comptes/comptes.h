/* comptes.h - accounts, their grants (role + scope) and their passwords.
 *
 * An account is created by an invitation (etat 'invite', no password),
 * becomes 'actif' when its owner chooses a password through the
 * single-use link (lien.h), and may be deactivated ('desactive': no login,
 * sessions and API tokens revoked) and reactivated. The first national
 * administrator is created from the command line (`passerelle comptes
 * creer-admin`).
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str, 64 MiB,
 * 2 passes: about 80 ms; one hash at a time per server thread). The policy
 * is checked by comptes_password_policy(): at least 12 characters, at most
 * 128 bytes, not the e-mail address.
 *
 * Every function returns -1 with d->err set on a database error; lookups
 * return 1 (found) or 0 (not found). Writes do not open transactions: the
 * caller groups a write and its journal line (journal.h) in one. */
#ifndef COMPTES_COMPTES_H
#define COMPTES_COMPTES_H
#include <stddef.h>
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 128

struct compte {
    long long id;
    char email[128];
    char nom[128];
    char profil[24];        /* mediateur, conseiller_numerique, aidant, machine, "" */
    char etat[12];          /* invite, actif, desactive */
    int has_password;
    int has_totp;
    char created_at[24];
    char derniere_connexion[24]; /* "" when never */
    int ngrants;
    struct grant grants[ACTOR_MAX_GRANTS];
};

/* Lower-cases and trims an e-mail address into out[n]. Returns 0, or -1
 * when it does not look like an address (one '@', a dot after it, no
 * spaces or control characters, at most 127 bytes). */
int comptes_normalize_email(const char *in, char *out, size_t n);

/* Is `profil` one of mediateur, conseiller_numerique, aidant (or "")? */
int comptes_profil_ok(const char *profil);
/* French label of a profil ("Conseiller numérique"...), "" for none. */
const char *comptes_profil_label(const char *profil);

/* Fetch an account with its grants. 1 / 0 / -1. */
int comptes_get(struct db *d, long long id, struct compte *c);
int comptes_get_by_email(struct db *d, const char *email, struct compte *c);

/* Create an invited account (no password yet). The e-mail must be new:
 * returns 0 with *id set, 1 when an account with that e-mail exists
 * (*id = its id, nothing written), -1 on error (also for an invalid
 * address, d->err says so). */
int comptes_create(struct db *d, const char *email, const char *nom, const char *profil,
                   long long created_by, time_t now, long long *id);

/* Add a grant (no-op when already held) / remove it. 0 or -1. A grant is
 * checked for shape: role admin needs portee nation; coordinateur a
 * territory; gestionnaire and mediateur a structure; producteur a source.
 * -1 with d->err otherwise. */
int comptes_grant_add(struct db *d, long long id, const struct grant *g);
int comptes_grant_remove(struct db *d, long long id, const struct grant *g);
/* Is the grant well formed (see above)? 1 or 0. */
int comptes_grant_valid(const struct grant *g);
/* Parse "coordinateur:departement:13", "mediateur:structure:4",
 * "admin:nation:" ... into g. 0 or -1. */
int comptes_grant_parse(const char *s, struct grant *g);
/* "coordinateur:departement:13" into out[n]. */
void comptes_grant_format(const struct grant *g, char *out, size_t n);

/* NULL when `password` meets the policy for the account `email`,
 * otherwise a French message saying why (static string). */
const char *comptes_password_policy(const char *password, const char *email);
/* Hash and store the password; the account becomes 'actif' (unless it is
 * 'desactive'). The caller checked the policy. 0 or -1. */
int comptes_set_password(struct db *d, long long id, const char *password);
/* 1 when `password` is the account's (active, with a password), 0 when
 * not (wrong password, unknown, inactive: indistinguishable), -1. On 1,
 * *id is the account. A hash is computed even for unknown accounts, so the
 * answer takes the same time. */
int comptes_check_password(struct db *d, const char *email, const char *password,
                           long long *id);

/* 'desactive' (sessions deleted, API tokens revoked) or back to 'actif'
 * (or 'invite' when it never had a password). 0 or -1. */
int comptes_deactivate(struct db *d, long long id, time_t now);
int comptes_reactivate(struct db *d, long long id);
/* A machine account (profil 'machine') is active without a password: it
 * never signs in, it only holds API tokens. 0 or -1. */
int comptes_activate_machine(struct db *d, long long id);
/* Record a successful login. */
int comptes_touch_login(struct db *d, long long id, time_t now);

/* The actor of an account (active only): 1, 0 (unknown or not active), -1. */
int comptes_actor(struct db *d, long long id, struct actor *a);

struct compte_list {
    struct compte *v;
    size_t n;
};
/* Accounts the actor may see (AZ_COMPTE_LIST: admins all; coordinators
 * the accounts with a grant within their territories; structure managers
 * their structure's team), by e-mail. Returns 0 or -1. */
int comptes_list(struct db *d, const struct actor *a, struct compte_list *out);
void compte_list_free(struct compte_list *l);

/* JSON text of an account's non-secret fields and grants, for the journal
 * (malloc'd, free()), or NULL on OOM. */
char *comptes_journal_json(const struct compte *c);

#endif
