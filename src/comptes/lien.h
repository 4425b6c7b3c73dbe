/* lien.h - single-use, expiring links: invitations and password resets.
 *
 * A link carries a random token (32 bytes, base64url: 43 characters); the
 * database keeps only its SHA-256, so a copy of the file gives no usable
 * link. Creating a link of one kind for an account voids the account's
 * earlier links of that kind. A link is consumed once, by the POST that
 * uses it; looking at it (the GET showing the form) does not consume it.
 *
 * Lifetimes: LIEN_INVITATION_TTL (7 days), LIEN_RESET_TTL (1 hour). */
#ifndef COMPTES_LIEN_H
#define COMPTES_LIEN_H
#include <time.h>

#include "store/db.h"

#define LIEN_INVITATION_TTL (7L * 24 * 3600)
#define LIEN_RESET_TTL (3600L)
#define LIEN_TOKEN_LEN 64 /* buffer size for a token */

/* objet: "invitation" or "reinitialisation". Writes the token into
 * token[LIEN_TOKEN_LEN]. 0 or -1. */
int lien_create(struct db *d, long long compte_id, const char *objet, time_t now,
                char token[LIEN_TOKEN_LEN]);
/* 1 when the token is a live link of that kind (*compte_id set), 0 when
 * unknown, used or expired, -1. lien_consume() also marks it used. */
int lien_peek(struct db *d, const char *token, const char *objet, time_t now,
              long long *compte_id);
int lien_consume(struct db *d, const char *token, const char *objet, time_t now,
                 long long *compte_id);

/* The same mechanism over another table of single-use links (columns
 * hash, utilise_at, expire_at and id_column; `table` and `id_column` are
 * fixed names from the code, never input). objet, when not NULL, must
 * match column objet. 1 with *id, 0 when unknown, used, expired or (with
 * consume) used concurrently, -1. */
int lien_take(struct db *d, const char *table, const char *id_column, const char *token,
              const char *objet, time_t now, int consume, long long *id);

/* SHA-256 of a token, for lookups (shared with sessions and API tokens). */
void lien_hash(const char *token, unsigned char out[32]);
/* A new random token into out[LIEN_TOKEN_LEN] (43 characters, base64url). */
void lien_random_token(char out[LIEN_TOKEN_LEN]);

#endif
