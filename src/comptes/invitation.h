/* invitation.h - the account flows that span several tables: inviting
 * someone (account + grant + single-use link + mail + journal), accepting
 * an invitation, asking for and using a password reset, changing grants
 * and deactivating, each in one transaction, each authorized through
 * authz_allowed() and journaled.
 *
 * `by` is the acting account, or NULL for the command line (the operator
 * who holds the database file: every action is allowed, and journaled as
 * "cli:" + cli_user).
 *
 * Errors for people come back as French text in msg[n] (which field is
 * wrong and why); the return value says what happened. Links in mail are
 * built on the platform's public address (meta "url_publique", set by
 * `serve --public-url`; default http://127.0.0.1:8080), never on the
 * request's Host header. */
#ifndef COMPTES_INVITATION_H
#define COMPTES_INVITATION_H
#include <stddef.h>
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

enum flow_result {
    FLOW_DONE,      /* done (mail queued when there is one) */
    FLOW_INVALID,   /* a field is wrong: msg says which and why (*field names it) */
    FLOW_FORBIDDEN, /* the actor may not do this */
    FLOW_ERROR      /* database error: d->err */
};

struct invitation {
    const char *email;
    const char *nom;
    const char *profil; /* mediateur, conseiller_numerique, aidant, machine or NULL */
    struct grant grant;  /* the role and scope to give */
};

struct flow_ctx {
    const struct actor *by; /* NULL: command line */
    const char *cli_user;
    const char *peer;
    time_t now;
    char msg[300];          /* French message on FLOW_INVALID / FLOW_FORBIDDEN */
    const char *field;      /* the field in error (form name), or NULL */
    long long compte_id;    /* the account concerned, on FLOW_DONE */
    char link[320];         /* the single-use link made, when any (CLI prints it) */
};

/* The platform's public address into out[n] (no trailing slash). */
void comptes_public_url(struct db *d, char *out, size_t n);

/* Invite: a new account gets the grant, an invitation link and a mail; an
 * existing account gets the grant added and a notice mail (no link). A
 * producteur's machine account (profil machine) is active at once, with no
 * link. */
enum flow_result comptes_invite(struct db *d, struct flow_ctx *c, const struct invitation *inv);
/* Send a new invitation link to an account that never chose a password. */
enum flow_result comptes_reinvite(struct db *d, struct flow_ctx *c, long long compte_id);
/* Choose the first password through an invitation link. */
enum flow_result comptes_accept_invitation(struct db *d, struct flow_ctx *c, const char *token,
                                           const char *password, const char *confirmation);
/* Ask for a reset link: always FLOW_DONE (whether the address is known is
 * never told); a mail goes to active accounts only. */
enum flow_result comptes_request_reset(struct db *d, struct flow_ctx *c, const char *email);
/* Use a reset link: new password, every session ended. */
enum flow_result comptes_reset_password(struct db *d, struct flow_ctx *c, const char *token,
                                        const char *password, const char *confirmation);
/* Change one's own password (the current one is checked). keep_cookie:
 * the session to keep (the others end). */
enum flow_result comptes_change_password(struct db *d, struct flow_ctx *c, const char *current,
                                         const char *password, const char *confirmation,
                                         const char *keep_cookie);
/* Deactivate / reactivate an account (AZ_COMPTE_MANAGE over all its grants;
 * nobody deactivates themselves). */
enum flow_result comptes_set_active(struct db *d, struct flow_ctx *c, long long compte_id,
                                    int active);
/* Remove one grant of an account (AZ_COMPTE_INVITE on that grant). */
enum flow_result comptes_revoke_grant(struct db *d, struct flow_ctx *c, long long compte_id,
                                      const struct grant *g);

/* Second factor of the actor's own account: turn it on with a secret and
 * a code made from it, or off with a current code (FLOW_INVALID, field
 * "code", when the code is wrong). */
enum flow_result comptes_totp_on(struct db *d, struct flow_ctx *c, const unsigned char *secret,
                                 const char *code);
enum flow_result comptes_totp_off(struct db *d, struct flow_ctx *c, const char *code);

/* French label of a grant's scope: "Département 13 — Bouches-du-Rhône",
 * "Structure « Médiathèque X »", "Source hub-sud", "France entière". */
void comptes_scope_label(struct db *d, const struct grant *g, char *out, size_t n);

#endif
