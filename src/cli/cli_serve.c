/* cli_serve.c - `passerelle serve`: the web pages and the JSON API (see
 * cli.h and http/server.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "accompagnement/beneficiaire.h"
#include "http/server.h"

static int cmd_serve(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)d;
    struct server_config cfg = {.db_path = dbpath, .host = "127.0.0.1", .port = 8080,
                                .threads = 4, .rate = 50};
    cfg.smtp = getenv("PASSERELLE_SMTP");
    cfg.mail_from = getenv("PASSERELLE_MAIL_FROM");
    cfg.retention_mois = BENEF_RETENTION_MOIS;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--trust-proxy") == 0) {
            cfg.trust_proxy = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "serve: option inconnue ou sans valeur : %s\n", a);
            return 2;
        }
        if (strcmp(a, "--port") == 0)
            cfg.port = atoi(v);
        else if (strcmp(a, "--host") == 0)
            cfg.host = v;
        else if (strcmp(a, "--threads") == 0)
            cfg.threads = atoi(v);
        else if (strcmp(a, "--rate") == 0)
            cfg.rate = atof(v);
        else if (strcmp(a, "--tls-cert") == 0)
            cfg.tls_cert = v;
        else if (strcmp(a, "--tls-key") == 0)
            cfg.tls_key = v;
        else if (strcmp(a, "--public-url") == 0)
            cfg.public_url = v;
        else if (strcmp(a, "--smtp") == 0)
            cfg.smtp = v;
        else if (strcmp(a, "--mail-from") == 0)
            cfg.mail_from = v;
        else if (strcmp(a, "--cle") == 0)
            cfg.cle = v;
        else if (strcmp(a, "--retention-mois") == 0)
            cfg.retention_mois = atoi(v);
        else {
            fprintf(stderr, "serve: option inconnue : %s\n", a);
            return 2;
        }
        i++;
    }
    if (cfg.port <= 0 || cfg.port > 65535 || cfg.threads < 1 || cfg.threads > 64 ||
        cfg.rate < 0 || cfg.retention_mois < 1 || cfg.retention_mois > 120) {
        fprintf(stderr, "serve: --port 1..65535, --threads 1..64, --rate >= 0, "
                        "--retention-mois 1..120\n");
        return 2;
    }
    if (!cfg.tls_cert != !cfg.tls_key) {
        fprintf(stderr, "serve: --tls-cert et --tls-key vont ensemble\n");
        return 2;
    }
    if (cfg.public_url && strncmp(cfg.public_url, "http://", 7) != 0 &&
        strncmp(cfg.public_url, "https://", 8) != 0) {
        fprintf(stderr, "serve: --public-url commence par http:// ou https://\n");
        return 2;
    }
    return server_run(&cfg) < 0 ? 1 : 0;
}

const struct cli_command cli_serve_command = {
    "serve",
    "  serve [--port N] [--host ADDR] [--threads N] [--rate N] [--trust-proxy]\n"
    "        [--tls-cert FILE --tls-key FILE] [--public-url URL]\n"
    "        [--smtp HOST:PORT] [--mail-from ADDR] [--cle FILE] [--retention-mois N]\n"
    "        Serve the web pages and the JSON API (/api/v1/, /api/openapi.json).\n"
    "        Default 127.0.0.1:8080, 50 requests a second per address (--rate 0:\n"
    "        no limit). --trust-proxy behind a reverse proxy (client address from\n"
    "        X-Forwarded-For, HTTPS from X-Forwarded-Proto). --public-url is the\n"
    "        address used in mailed links. Mail goes to the SMTP relay given by\n"
    "        --smtp or $PASSERELLE_SMTP; without one it stays in the outbox\n"
    "        (`comptes mails`). --cle (or $PASSERELLE_CLE) names the key file that\n"
    "        encrypts followed people's data (`accompagnement cle FILE` makes one);\n"
    "        without it, activities are recorded anonymously only. Followed people\n"
    "        with no accompaniment for --retention-mois months (default 24) are\n"
    "        anonymised by a background job.\n",
    0,
    cmd_serve,
};
