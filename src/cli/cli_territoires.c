/* cli_territoires.c - `passerelle territoires ...`: import and show (see
 * cli.h). The work is in territoires/territoires.c (territoires_cli). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "journal/journal.h"
#include "territoires/territoires.h"

static int cmd_territoires(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    int rc = territoires_cli(d, argc, argv, stdout, stderr);
    if (rc == 0 && argc > 0 && strcmp(argv[0], "import") == 0) {
        struct journal_write w = {.action = "territoires.import", .objet = "territoires"};
        if (journal_record(d, NULL, cli_user(), NULL, time(NULL), &w) < 0)
            fprintf(stderr, "journal : %s\n", d->err);
    }
    return rc;
}

const struct cli_command cli_territoires_command = {
    "territoires",
    "  territoires import [--cog DIR] [--coords FILE] [--contours DIR]\n"
    "        Load communes, EPCI, d\xc3\xa9partements and r\xc3\xa9gions from\n"
    "        @etalab/decoupage-administratif (default node_modules/...), commune\n"
    "        coordinates from a CSV, contours from a folder of GeoJSON files.\n"
    "  territoires show [NIVEAU] CODE\n"
    "        Print a territory.\n",
    1,
    cmd_territoires,
};
