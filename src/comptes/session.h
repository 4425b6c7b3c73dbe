/* session.h - signed-in sessions and login throttling.
 *
 * A session is a random cookie value (pl_session, 43 characters); the
 * database keeps its SHA-256, the account, when it started and when it was
 * last seen. It ends after SESSION_IDLE seconds without a request (30
 * minutes) or SESSION_ABSOLUTE seconds after the login (12 hours), at
 * logout, at a password change and when the account is deactivated. A
 * session of an account with a second factor (TOTP) is "pending" until the
 * code is given (mfa_ok = 0): it signs nobody in.
 *
 * Throttling: failed logins are counted per account (e-mail) and per
 * client address over THROTTLE_WINDOW (15 minutes); at THROTTLE_ACCOUNT (5)
 * failures for the account or THROTTLE_ADDRESS (30) for the address, every
 * login attempt is refused until the window has passed, even with the
 * right password. A success clears the account's failures. */
#ifndef COMPTES_SESSION_H
#define COMPTES_SESSION_H
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

#define SESSION_IDLE (30L * 60)
#define SESSION_ABSOLUTE (12L * 3600)
#define SESSION_TOKEN_LEN 64
#define THROTTLE_WINDOW (15L * 60)
#define THROTTLE_ACCOUNT 5
#define THROTTLE_ADDRESS 30

/* Start a session; the cookie value goes to cookie[SESSION_TOKEN_LEN].
 * 0 or -1. */
int session_create(struct db *d, long long compte_id, int mfa_ok, const char *peer, time_t now,
                   char cookie[SESSION_TOKEN_LEN]);

struct session_info {
    long long compte_id;
    int mfa_ok;
    time_t created_at, vu_at;
};
/* Look a cookie up: 1 (live; its last-seen time is refreshed, at most once
 * a minute), 0 (unknown or expired: an expired one is deleted), -1. */
int session_get(struct db *d, const char *cookie, time_t now, struct session_info *out);
/* The signed-in actor of a cookie: 1 when the session is live, complete
 * (mfa_ok) and its account active; 0 otherwise; -1. */
int session_actor(struct db *d, const char *cookie, time_t now, struct actor *a);
/* The second factor was given. */
int session_mark_mfa(struct db *d, const char *cookie);
int session_delete(struct db *d, const char *cookie);
/* Every session of an account, except the one of `keep` (NULL: all). */
int session_delete_all(struct db *d, long long compte_id, const char *keep);

/* 1 when a login for `email` from `peer` must be refused now (too many
 * recent failures), 0 when it may be tried, -1. */
int throttle_blocked(struct db *d, const char *email, const char *peer, time_t now);
/* Record a failure (for the account and the address) / a success. */
int throttle_failure(struct db *d, const char *email, const char *peer, time_t now);
int throttle_success(struct db *d, const char *email);

#endif
