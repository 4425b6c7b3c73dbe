/* cli_base.c - `passerelle base ...`: online backup of the database file,
 * its check and its restoration (see store/backup.h and
 * docs/deploiement.md). The backup may run while the server serves. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/backup.h"

static int cmd_base(const char *dbpath, struct db *d, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "sauvegarder") == 0) {
        int pages = 0;
        if (db_backup(d, argv[1], &pages) < 0) {
            fprintf(stderr, "base sauvegarder : %s\n", d->err);
            return 1;
        }
        printf("sauvegarde=%s pages=%d verification=ok\n", argv[1], pages);
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "verifier") == 0) {
        if (db_check_copy(d, argv[1]) < 0) {
            fprintf(stderr, "base verifier : %s\n", d->err);
            return 1;
        }
        printf("verification=ok\n");
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "restaurer") == 0) {
        if (db_restore(d, argv[1]) < 0) {
            fprintf(stderr, "base restaurer : %s\n", d->err);
            return 1;
        }
        printf("restauration=ok base=%s depuis=%s\n", dbpath, argv[1]);
        return 0;
    }
    fputs(cli_base_command.help, stderr);
    return 2;
}

const struct cli_command cli_base_command = {
    "base",
    "  base sauvegarder FILE | verifier FILE | restaurer FILE\n"
    "        Copy the database while it is in use (SQLite online backup, checked),\n"
    "        check a copy, or replace the database with a copy (stop the server\n"
    "        first).\n",
    1,
    cmd_base,
};
