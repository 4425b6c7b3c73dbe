/* mail.c - the mail outbox (see mail.h). */
#include "comptes/mail.h"

#include "base/text.h"

#include <stdio.h>
#include <string.h>

/* One '@' with text on both sides, a dot in the domain, no spaces,
 * control characters, quotes or angle brackets (header injection). */
static int address_ok(const char *a)
{
    const char *at = strchr(a, '@');
    if (!at || at == a || strchr(at + 1, '@') || !strchr(at + 1, '.') || strlen(a) > 254)
        return 0;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
            *p == ';' || *p == '\\')
            return 0;
    return at[1] != '.' && a[strlen(a) - 1] != '.';
}

int mail_queue(struct db *d, const char *to, const char *subject, const char *body,
               const char *objet, time_t now, long long *id)
{
    if (!to || !address_ok(to)) {
        snprintf(d->err, sizeof d->err, "invalid mail address");
        return -1;
    }
    for (const char *p = subject; *p; p++)
        if (*p == '\r' || *p == '\n') {
            snprintf(d->err, sizeof d->err, "newline in mail subject");
            return -1;
        }
    char at[24];
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO mail_sortant (destinataire, sujet, corps, objet, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 4, objet);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "mail queue");
    if (id)
        *id = sqlite3_last_insert_rowid(d->h);
    return 0;
}
