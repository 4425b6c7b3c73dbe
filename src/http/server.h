/* server.h - the HTTP server (libmicrohttpd, internal thread pool).
 *
 * Limits, set here for every request: body 1 MiB (413), request line and
 * headers 32 KiB (MHD answers 414/431), 1,000 connections, 64 per address,
 * 15 s idle timeout. Every response carries the security headers (strict
 * CSP without inline script or style, frame-ancestors 'none', nosniff,
 * referrer policy). Each pool thread borrows its own SQLite connection. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

struct server_config {
    const char *db_path;
    const char *host;
    int port;
    int threads;
};

/* Serve until SIGINT/SIGTERM. Returns 0 after a clean stop, -1 when the
 * server cannot start (message on stderr). */
int server_run(const struct server_config *cfg);

#endif
