/* cli.h - the subcommands of the `passerelle` program, one file per group.
 *
 * main.c parses the global options (--db PATH, --help), finds the group by
 * its first word in its table of struct cli_command, opens the database
 * when the group needs one (migrating it), and runs it. Each group lives in
 * src/cli/cli_<name>.c, calls its domain module and reports in French for
 * operators. Exit status: 0 success, 1 failure, 2 usage error.
 *
 * Adding a group: one file here, one line in main.c's table; its `help`
 * text is printed by `passerelle --help` in the table's order and must be
 * kept true to the code (and to README.md). */
#ifndef CLI_CLI_H
#define CLI_CLI_H
#include <stddef.h>

#include "store/db.h"

struct cli_command {
    const char *name; /* first word: "lieux", "serve" ... */
    const char *help; /* lines of the usage text, each starting with "  " */
    int needs_db;     /* 1: main opens `d` before run(); 0: d is NULL */
    /* argv[0] is the first word after the group's name (argc may be 0). */
    int (*run)(const char *dbpath, struct db *d, int argc, char **argv);
};

/* The operator's login name, recorded in the journal as "cli:NAME". */
const char *cli_user(void);
/* Write len bytes to the file `path` (NULL: stdout). On failure prints
 * "qui: why" in French to stderr and returns -1; else 0 (cli_sortie.c). */
int cli_ecrire(const char *path, const char *data, size_t len, const char *qui);
/* Recompute the territorial indicators (contours: 1 to rebuild the EPCI
 * outlines) and print a summary to stderr. Returns an exit status
 * (cli_indicateurs.c). */
int cli_recalculer(struct db *d, int contours);
/* Journal a write made from the command line, after it committed: action,
 * objet, id and apres (JSON, nullable); a failure is printed, not fatal
 * (cli_indicateurs.c). */
void cli_journaliser(struct db *d, const char *action, const char *objet, const char *id,
                     const char *apres);

extern const struct cli_command cli_serve_command;
extern const struct cli_command cli_territoires_command;
extern const struct cli_command cli_lieux_command;
extern const struct cli_command cli_comptes_command;
extern const struct cli_command cli_structures_command;
extern const struct cli_command cli_journal_command;
extern const struct cli_command cli_base_command;
extern const struct cli_command cli_diagnostic_command;
extern const struct cli_command cli_ifn_command;
extern const struct cli_command cli_indicateurs_command;
extern const struct cli_command cli_accompagnement_command;

#endif
