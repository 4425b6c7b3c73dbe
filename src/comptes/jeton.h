/* jeton.h - producers' API tokens.
 *
 * A token belongs to an account holding the role producteur for a source
 * (usually a machine account, profil 'machine') and is scoped to that one
 * source: with it, the bearer acts as producteur:source:S and nothing
 * else, even when the account holds other grants. The token
 * ("pas_" + 43 base64url characters) is shown once at creation; the
 * database keeps its SHA-256 and its first 12 characters (to recognise it
 * in lists). Tokens are revoked one by one or with their account. */
#ifndef COMPTES_JETON_H
#define COMPTES_JETON_H
#include <stddef.h>
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

#define JETON_LEN 64

/* Create a token for account `compte_id` on `source` (the account must
 * hold producteur:source:<source>; -1 with d->err otherwise). The token
 * goes to token[JETON_LEN]; its id to *id. */
int jeton_create(struct db *d, long long compte_id, const char *source, const char *nom,
                 time_t now, char token[JETON_LEN], long long *id);
/* Revoke; 1 done, 0 unknown or already revoked, -1. */
int jeton_revoke(struct db *d, long long id, time_t now);
/* The actor a bearer token stands for: 1 (live token, active account
 * still holding the grant; a->via_token = 1, one grant), 0, -1. */
int jeton_actor(struct db *d, const char *token, time_t now, struct actor *a);

struct jeton_row {
    long long id, compte_id;
    char prefixe[16], source[64], nom[128], email[128];
    char created_at[24], dernier_usage[24], revoque_at[24];
};
struct jeton_list {
    struct jeton_row *v;
    size_t n;
};
/* Every token, newest first. 0 or -1. */
int jeton_list(struct db *d, struct jeton_list *out);
void jeton_list_free(struct jeton_list *l);
/* One token by id: 1 / 0 / -1. */
int jeton_get(struct db *d, long long id, struct jeton_row *out);

#endif
