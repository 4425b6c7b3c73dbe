/* publish.h - publishing a question bank without a rebuild: an
 * administrator (page /diagnostic/publier, AZ_DIAGNOSTIC_PUBLISH) or an
 * operator (`passerelle diagnostic publier FILE`) gives a bank file; it is
 * checked against the referential (every problem listed), its version must
 * be new (neither published nor built in), and it is stored and made
 * active for new sessions, in one transaction with its journal line.
 * Sessions keep the version they started with. Any version (published or
 * built in) can be made active again. */
#ifndef DIAGNOSTIC_PUBLISH_H
#define DIAGNOSTIC_PUBLISH_H
#include <time.h>

#include "base/buf.h"
#include "comptes/authz.h"
#include "store/db.h"

struct diag_publisher {
    const struct actor *actor; /* the administrator, or NULL for the CLI */
    const char *cli_user;      /* the CLI's user name (journal) */
    const char *peer;
    time_t now;
};

/* Check and publish `text` (file name `file` for messages). activate: make
 * it the active version. Returns 0 (version in out[33]), 1 when refused
 * (French lines in errors), -1 on database error. */
int diag_publish(struct db *d, const char *text, size_t len, const char *file, int activate,
                 const struct diag_publisher *p, struct buf *errors, char *out);
/* Make `version` active (a built-in one is copied into the table first).
 * 0, 1 when the version does not exist, -1. */
int diag_activate(struct db *d, const char *version, const struct diag_publisher *p);

#endif
