/* accomp.h - what the accompaniment flows share: who acts (the context),
 * what happened (the result) and French messages per form field.
 *
 * `by` is the acting account, or NULL for the command line and the
 * background jobs (the operator who holds the database file: every action
 * is allowed, and journaled as "cli:" + cli_user). `key` is the personal
 * data key (chiffre.h), NULL when none is configured: flows that read or
 * write identifying fields then answer ACC_NO_KEY. */
#ifndef ACCOMPAGNEMENT_ACCOMP_H
#define ACCOMPAGNEMENT_ACCOMP_H
#include <stddef.h>
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

struct data_key;

enum accomp_result {
    ACC_DONE,
    ACC_INVALID,   /* a field is wrong: the errors say which and why (or msg) */
    ACC_FORBIDDEN, /* msg says why */
    ACC_NOT_FOUND, /* msg says what */
    ACC_NO_KEY,    /* personal data without a configured key */
    ACC_DUPLICATE, /* beneficiaries: similar records exist (see beneficiaire.h) */
    ACC_ERROR      /* database or memory: d->err */
};

struct accomp_ctx {
    const struct actor *by;
    const char *cli_user;
    const char *peer;
    time_t now;
    const struct data_key *key;
    char msg[300];
};

#define ACCOMP_MAX_ERRORS 16
struct accomp_erreurs {
    int n;
    struct {
        const char *field; /* form field name (static) */
        char msg[200];
    } e[ACCOMP_MAX_ERRORS];
};
/* The message for form field `field`, or NULL. */
const char *accomp_erreur(const struct accomp_erreurs *e, const char *field);
/* Record a message for `field` (the first one per field is kept). */
void accomp_erreur_add(struct accomp_erreurs *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));


/* authz_allowed() for a context: the command line (by == NULL) may do
 * everything. 1 / 0 / -1. */
int accomp_allowed(struct db *d, const struct accomp_ctx *c, enum authz_action a,
                   const struct authz_resource *r);
/* Set c->msg and return r. */
enum accomp_result accomp_refuse(struct accomp_ctx *c, enum accomp_result r, const char *msg);
/* Roll back and return ACC_ERROR. */
enum accomp_result accomp_fail(struct db *d);

#endif
