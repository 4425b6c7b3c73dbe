/* cli_serve.c - `passerelle serve`: the web pages and the JSON API (see
 * cli.h and http/server.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/server.h"

static int cmd_serve(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)d;
    struct server_config cfg = {.db_path = dbpath, .host = "127.0.0.1", .port = 8080, .threads = 4};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            cfg.port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
            cfg.host = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            cfg.threads = atoi(argv[++i]);
        else {
            fprintf(stderr, "serve: option inconnue : %s\n", argv[i]);
            return 2;
        }
    }
    if (cfg.port <= 0 || cfg.port > 65535 || cfg.threads < 1 || cfg.threads > 64) {
        fprintf(stderr, "serve: --port 1..65535, --threads 1..64\n");
        return 2;
    }
    return server_run(&cfg) < 0 ? 1 : 0;
}

const struct cli_command cli_serve_command = {
    "serve",
    "  serve [--port N] [--host ADDR] [--threads N]\n"
    "        Serve the web pages and the JSON API (/api/v1/, /api/openapi.json).\n"
    "        Default 127.0.0.1:8080.\n",
    0,
    cmd_serve,
};
