/* mail.h - outgoing mail: the outbox, and its sending by SMTP.
 *
 * Every mail (invitations, password resets, referral sheets, reminders)
 * is first written to the outbox table `mail_sortant` in the caller's
 * transaction, so that nothing is lost and nothing is sent for a write
 * that rolled back. When an SMTP server is configured (serve --smtp
 * HOST:PORT, or $PASSERELLE_SMTP), a sender thread delivers queued mail and
 * records the outcome; otherwise mail stays in the outbox, a line is logged
 * (recipient and subject, never the body: it may hold a single-use link),
 * and `passerelle comptes mails` prints it for the operator. */
#ifndef COMPTES_MAIL_H
#define COMPTES_MAIL_H
#include <time.h>

#include "store/db.h"

/* Queue one plain-text UTF-8 mail. objet: "invitation", "reinitialisation",
 * "orientation", ... Returns 0 (id in *id when id != NULL) or -1 with
 * d->err. The recipient must look like an address (one '@', no spaces or
 * control characters); -1 otherwise. */
int mail_queue(struct db *d, const char *to, const char *subject, const char *body,
               const char *objet, time_t now, long long *id);

#endif
