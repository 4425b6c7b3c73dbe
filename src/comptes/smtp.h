/* smtp.h - delivery of the mail outbox to an SMTP relay (RFC 5321).
 *
 * A small, plain SMTP client: EHLO, MAIL FROM, RCPT TO, DATA, QUIT, each
 * reply checked, 10 s timeouts. The message is UTF-8 text sent as base64
 * (7-bit safe whatever the relay), with RFC 2047 encoded subjects and the
 * usual headers (Date, Message-ID, MIME). There is no TLS and no
 * authentication here: the relay is the host's own MTA (Postfix, OpenSMTPD,
 * msmtpd...) on localhost or the local network, which handles TLS and
 * authentication upstream (docs/deploiement.md).
 *
 * smtp_deliver_outbox() sends up to `max` queued mails (oldest first) that
 * have failed fewer than SMTP_MAX_TRIES times, and records for each
 * either the time it was sent or the relay's error (mail_sortant.erreur,
 * tentatives + 1). Bodies are never logged. */
#ifndef COMPTES_SMTP_H
#define COMPTES_SMTP_H
#include <stddef.h>
#include <time.h>

#include "store/db.h"

#define SMTP_MAX_TRIES 5

/* Send one message. relay: "host:port". 0, or -1 with err[n] saying which
 * step failed and the relay's answer. */
int smtp_send(const char *relay, const char *from, const char *to, const char *subject,
              const char *body, time_t now, char *err, size_t n);

/* Deliver the outbox. *sent / *failed get the counts. 0, or -1 on a
 * database error (d->err). */
int smtp_deliver_outbox(struct db *d, const char *relay, const char *from, int max, time_t now,
                        int *sent, int *failed);

#endif
