/* server.h - the HTTP server (libmicrohttpd, internal thread pool).
 *
 * Limits, set here for every request: body 1 MiB (413; 64 MiB for a
 * producer's whole-file upload with a live token), request line and
 * headers 32 KiB (MHD answers 414/431), 1,000 connections, 64 per address,
 * 15 s idle timeout, `rate` requests a second per address with bursts of
 * 4 x rate (429 with Retry-After; 0 turns it off). Every response carries
 * the security headers (strict CSP without inline script or style,
 * frame-ancestors 'none', nosniff, referrer policy, HSTS over TLS). Each
 * pool thread borrows its own SQLite connection; a background thread runs
 * the periodic jobs (jobs.h).
 *
 * TLS: with tls_cert and tls_key (PEM files) the server speaks HTTPS
 * itself (GnuTLS inside MHD). Behind a reverse proxy (docs/deploiement.md),
 * trust_proxy makes it take the client's address from the last
 * X-Forwarded-For entry and "secure" from X-Forwarded-Proto: https. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

struct server_config {
    const char *db_path;
    const char *host;
    int port;
    int threads;
    double rate;            /* requests a second per address; 0: no limit */
    int trust_proxy;
    const char *tls_cert, *tls_key;
    const char *public_url; /* stored as meta url_publique (links in mail) */
    const char *smtp;       /* "host:port" of the SMTP relay, or NULL */
    const char *mail_from;  /* sender of the mail */
    const char *cle;        /* personal data key file (or $PASSERELLE_CLE), or NULL */
    int retention_mois;     /* beneficiaries' retention without accompaniment (months) */
};

/* Serve until SIGINT/SIGTERM. Returns 0 after a clean stop, -1 when the
 * server cannot start (message on stderr). */
int server_run(const struct server_config *cfg);

#endif
