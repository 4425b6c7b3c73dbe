/* smtp.c - a plain SMTP client for the outbox (see smtp.h). */
#include "comptes/smtp.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/text.h"

#define TIMEOUT_MS 10000

struct conn {
    int fd;
    char in[4096];
    size_t len;
};

static int connect_relay(const char *relay, char *err, size_t n)
{
    char host[256], port[16];
    const char *colon = strrchr(relay, ':');
    if (!colon || colon == relay || (size_t)(colon - relay) >= sizeof host || strlen(colon + 1) >= sizeof port) {
        snprintf(err, n, "relay \"%s\": expected host:port", relay);
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - relay), relay);
    snprintf(port, sizeof port, "%s", colon + 1);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e) {
        snprintf(err, n, "relay %s: %s", relay, gai_strerror(e));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, n, "relay %s: cannot connect: %s", relay, strerror(errno));
    return fd;
}

static int wait_fd(int fd, short ev)
{
    struct pollfd p = {.fd = fd, .events = ev};
    return poll(&p, 1, TIMEOUT_MS) == 1 ? 0 : -1;
}

static int send_all(struct conn *c, const char *s, size_t len)
{
    while (len) {
        if (wait_fd(c->fd, POLLOUT) < 0)
            return -1;
        ssize_t k = send(c->fd, s, len, MSG_NOSIGNAL);
        if (k <= 0)
            return -1;
        s += k;
        len -= (size_t)k;
    }
    return 0;
}

/* Read one reply (possibly multi-line: "250-..." lines then "250 ...").
 * Returns its code, or -1. The last line goes to line[n]. */
static int reply(struct conn *c, char *line, size_t n)
{
    for (;;) {
        char *nl = memchr(c->in, '\n', c->len);
        if (nl) {
            size_t ll = (size_t)(nl - c->in) + 1;
            snprintf(line, n, "%.*s", (int)(ll > 2 ? ll - 2 : 0), c->in);
            int multi = ll > 3 && c->in[3] == '-';
            int code = atoi(c->in);
            memmove(c->in, c->in + ll, c->len - ll);
            c->len -= ll;
            if (!multi)
                return code >= 100 && code < 600 ? code : -1;
            continue;
        }
        if (c->len == sizeof c->in || wait_fd(c->fd, POLLIN) < 0)
            return -1;
        ssize_t k = recv(c->fd, c->in + c->len, sizeof c->in - c->len, 0);
        if (k <= 0)
            return -1;
        c->len += (size_t)k;
    }
}

/* Send a command line and expect a reply code in [lo, hi]. */
static int step(struct conn *c, const char *what, const char *cmd, int lo, int hi, char *err,
                size_t n)
{
    char line[512];
    if (cmd && send_all(c, cmd, strlen(cmd)) < 0) {
        snprintf(err, n, "%s: cannot send: %s", what, strerror(errno));
        return -1;
    }
    int code = reply(c, line, sizeof line);
    if (code < lo || code > hi) {
        snprintf(err, n, "%s: relay answered %d %s", what, code, code < 0 ? "(nothing)" : line);
        return -1;
    }
    return 0;
}

/* "=?UTF-8?B?...?=" when the subject is not plain ASCII. */
static void subject_header(struct buf *b, const char *s)
{
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        ascii &= *p >= 0x20 && *p < 0x7f;
    buf_puts(b, "Subject: ");
    if (ascii) {
        buf_puts(b, s);
    } else {
        size_t len = strlen(s), cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
        char *enc = malloc(cap);
        if (!enc) {
            b->oom = 1;
            return;
        }
        sodium_bin2base64(enc, cap, (const unsigned char *)s, len, sodium_base64_VARIANT_ORIGINAL);
        buf_printf(b, "=?UTF-8?B?%s?=", enc);
        free(enc);
    }
    buf_puts(b, "\r\n");
}

static int build_message(struct buf *m, const char *from, const char *to, const char *subject,
                         const char *body, time_t now)
{
    char date[64], id[80];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    unsigned char r[12];
    randombytes_buf(r, sizeof r);
    char hex[25];
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    const char *domain = strchr(from, '@');
    snprintf(id, sizeof id, "<%s%s>", hex, domain ? domain : "@passerelle");
    buf_printf(m, "From: Passerelle <%s>\r\nTo: <%s>\r\n", from, to);
    subject_header(m, subject);
    buf_printf(m, "Date: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
                  "Auto-Submitted: auto-generated\r\n\r\n",
               date, id);
    size_t len = strlen(body), cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *enc = malloc(cap);
    if (!enc)
        return -1;
    sodium_bin2base64(enc, cap, (const unsigned char *)body, len, sodium_base64_VARIANT_ORIGINAL);
    for (size_t i = 0, n = strlen(enc); i < n; i += 76) {
        buf_add(m, enc + i, n - i < 76 ? n - i : 76);
        buf_puts(m, "\r\n");
    }
    free(enc);
    buf_puts(m, ".\r\n"); /* base64 lines never start with '.': no dot-stuffing needed */
    return m->oom ? -1 : 0;
}

/* An address fit for MAIL FROM / RCPT TO: no spaces, angle brackets or
 * control characters (mail.c checked the recipients when queuing). */
static int addr_ok(const char *a)
{
    if (!a || !strchr(a, '@') || strlen(a) > 254)
        return 0;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p == '<' || *p == '>' || *p == 0x7f)
            return 0;
    return 1;
}

int smtp_send(const char *relay, const char *from, const char *to, const char *subject,
              const char *body, time_t now, char *err, size_t n)
{
    if (!addr_ok(from) || !addr_ok(to)) {
        snprintf(err, n, "invalid sender or recipient address");
        return -1;
    }
    struct conn c = {.fd = connect_relay(relay, err, n)};
    if (c.fd < 0)
        return -1;
    char cmd[600], host[128] = "passerelle";
    gethostname(host, sizeof host - 1);
    struct buf m = BUF_INIT;
    int rc = -1;
    if (step(&c, "greeting", NULL, 220, 220, err, n) < 0)
        goto out;
    snprintf(cmd, sizeof cmd, "EHLO %s\r\n", host);
    if (step(&c, "EHLO", cmd, 250, 250, err, n) < 0)
        goto out;
    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\n", from);
    if (step(&c, "MAIL FROM", cmd, 250, 250, err, n) < 0)
        goto out;
    snprintf(cmd, sizeof cmd, "RCPT TO:<%s>\r\n", to);
    if (step(&c, "RCPT TO", cmd, 250, 251, err, n) < 0)
        goto out;
    if (step(&c, "DATA", "DATA\r\n", 354, 354, err, n) < 0)
        goto out;
    if (build_message(&m, from, to, subject, body, now) < 0) {
        snprintf(err, n, "out of memory");
        goto out;
    }
    if (send_all(&c, m.s, m.len) < 0 || step(&c, "end of DATA", NULL, 250, 250, err, n) < 0)
        goto out;
    step(&c, "QUIT", "QUIT\r\n", 221, 221, err, n); /* sent already: a bad QUIT is no failure */
    rc = 0;
out:
    buf_free(&m);
    close(c.fd);
    return rc;
}

int smtp_deliver_outbox(struct db *d, const char *relay, const char *from, int max, time_t now,
                        int *sent, int *failed)
{
    *sent = *failed = 0;
    sqlite3_stmt *st = db_prepare(
        d, "SELECT id, destinataire, sujet, corps FROM mail_sortant WHERE envoye_at IS NULL "
           "AND tentatives < ?1 ORDER BY id LIMIT ?2");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, SMTP_MAX_TRIES);
    sqlite3_bind_int(st, 2, max);
    struct pending {
        long long id;
        char *to, *subject, *body;
    } v[64];
    int k = 0, rc;
    while (k < max && k < 64 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        v[k].id = sqlite3_column_int64(st, 0);
        v[k].to = strdup((const char *)sqlite3_column_text(st, 1));
        v[k].subject = strdup((const char *)sqlite3_column_text(st, 2));
        v[k].body = strdup((const char *)sqlite3_column_text(st, 3));
        k++;
    }
    sqlite3_finalize(st);
    int bad = 0;
    for (int i = 0; i < k; i++) {
        char err[300] = "", at[24];
        int ok = v[i].to && v[i].subject && v[i].body &&
                 smtp_send(relay, from, v[i].to, v[i].subject, v[i].body, now, err, sizeof err) == 0;
        text_iso_time(now, at);
        st = db_prepare(d, ok ? "UPDATE mail_sortant SET envoye_at = ?2, erreur = NULL, "
                                "tentatives = max(tentatives, 0) + 1 WHERE id = ?1"
                              : "UPDATE mail_sortant SET erreur = ?3, tentatives = max(tentatives, 0) + 1 "
                                "WHERE id = ?1");
        if (st) {
            sqlite3_bind_int64(st, 1, v[i].id);
            sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, err, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                bad = db_fail(d, "outbox update") < 0;
            sqlite3_finalize(st);
        } else {
            bad = 1;
        }
        if (ok)
            (*sent)++;
        else {
            (*failed)++;
            fprintf(stderr, "mail %lld à %s : non envoyé : %s\n", v[i].id, v[i].to ? v[i].to : "?", err);
        }
        free(v[i].to);
        free(v[i].subject);
        free(v[i].body);
    }
    return bad ? -1 : 0;
}
