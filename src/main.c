/* main.c - the `passerelle` command: global options, then one command group.
 *
 * passerelle [--db PATH] COMMAND ...   The groups are in src/cli/ (see
 * cli.h); their help texts make up `passerelle --help`, kept true to the
 * code and to README.md. Exit status 0 success, 1 failure, 2 usage error. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/db.h"

/* The command groups, in the order of the help text. */
static const struct cli_command *const commands[] = {
    &cli_serve_command,
    &cli_territoires_command,
    &cli_lieux_command,
    &cli_comptes_command,
    &cli_structures_command,
    &cli_journal_command,
    &cli_base_command,
    &cli_diagnostic_command,
    &cli_ifn_command,
    &cli_indicateurs_command,
    &cli_accompagnement_command,
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fputs("Usage: passerelle [--db PATH] COMMAND [OPTIONS]\n"
          "\n"
          "Passerelle: the shared toolkit of digital inclusion (inclusion num\xc3\xa9rique):\n"
          "registry of the lieux de m\xc3\xa9" "diation num\xc3\xa9rique, their search and map.\n"
          "The database is an SQLite file (default: passerelle.db, or $PASSERELLE_DB).\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fputs(commands[i]->help, f);
    fputs("  help  This text.\n", f);
}

int main(int argc, char **argv)
{
    /* Each connection is used by one thread at a time: no SQLite-wide
     * mutexes, and no allocation statistics (a global lock per malloc). */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sodium_init() < 0) {
        fprintf(stderr, "passerelle: libsodium ne d\xc3\xa9marre pas\n");
        return 1;
    }
    const char *dbpath = getenv("PASSERELLE_DB") ? getenv("PASSERELLE_DB") : "passerelle.db";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            dbpath = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "passerelle: option inconnue : %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[i];
    int rest = argc - i - 1;
    char **rargv = argv + i + 1;
    for (int k = 0; k < rest; k++) {
        if (strcmp(rargv[k], "--help") == 0 || strcmp(rargv[k], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    }
    if (strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    const struct cli_command *cmd = NULL;
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp(commands[k]->name, name) == 0)
            cmd = commands[k];
    if (!cmd) {
        fprintf(stderr, "passerelle: commande inconnue : %s\n", name);
        usage(stderr);
        return 2;
    }
    if (!cmd->needs_db)
        return cmd->run(dbpath, NULL, rest, rargv);
    struct db d;
    if (db_open(&d, dbpath, 0) < 0) {
        fprintf(stderr, "passerelle: base de donn\xc3\xa9" "es %s : %s\n", dbpath, d.err);
        return 1;
    }
    int rc = cmd->run(dbpath, &d, rest, rargv);
    db_close(&d);
    return rc;
}
