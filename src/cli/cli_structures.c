/* cli_structures.c - `passerelle structures ...`: create structures and
 * link them to the registry's places (see cli.h). Journaled as
 * "cli:$USER". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "journal/journal.h"
#include "structures/structures.h"

static int journal(struct db *d, const char *action, const struct structure *s, const char *apres)
{
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", s->id);
    struct journal_write w = {.action = action, .objet = "structure", .objet_id = ids,
                              .commune = s->commune_code, .structure_id = s->id, .apres = apres};
    return journal_record(d, NULL, cli_user(), NULL, time(NULL), &w);
}

static int create(struct db *d, int argc, char **argv)
{
    struct structure s = {0};
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "structures creer : valeur manquante après %s\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--nom") == 0)
            snprintf(s.nom, sizeof s.nom, "%s", v);
        else if (strcmp(argv[i], "--commune") == 0)
            snprintf(s.commune_code, sizeof s.commune_code, "%s", v);
        else if (strcmp(argv[i], "--pivot") == 0)
            snprintf(s.pivot, sizeof s.pivot, "%s", v);
        else if (strcmp(argv[i], "--courriel") == 0)
            snprintf(s.courriel, sizeof s.courriel, "%s", v);
        else {
            fprintf(stderr, "structures creer : option inconnue : %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    const char *field;
    const char *why = structures_check(d, &s, &field);
    if (why) {
        fprintf(stderr, "structures creer : --%s : %s\n", field, why);
        return 1;
    }
    if (db_begin(d) < 0 || structures_create(d, &s, time(NULL), &s.id) < 0)
        goto fail;
    char *apres = structures_journal_json(&s);
    int r = journal(d, "structure.creer", &s, apres);
    free(apres);
    if (r < 0 || db_commit(d) < 0)
        goto fail;
    printf("structure=%lld\n", s.id);
    return 0;
fail:
    fprintf(stderr, "structures creer : %s\n", d->err);
    db_rollback(d);
    return 1;
}

static int link(struct db *d, int argc, char **argv, int on)
{
    if (argc != 2 || !strchr(argv[1], ':')) {
        fprintf(stderr, "usage : passerelle structures %s ID SOURCE:ID_LIEU\n", on ? "lier" : "delier");
        return 2;
    }
    struct structure s;
    if (structures_get(d, atoll(argv[0]), &s) != 1) {
        fprintf(stderr, "structures : aucune structure n° %s\n", argv[0]);
        return 1;
    }
    char source[128];
    const char *colon = strchr(argv[1], ':');
    snprintf(source, sizeof source, "%.*s", (int)(colon - argv[1]), argv[1]);
    if (db_begin(d) < 0 ||
        (on ? structures_link(d, s.id, source, colon + 1)
            : structures_unlink(d, s.id, source, colon + 1)) < 0 ||
        journal(d, on ? "structure.lier_lieu" : "structure.delier_lieu", &s, NULL) < 0 ||
        db_commit(d) < 0) {
        fprintf(stderr, "structures : %s\n", d->err);
        db_rollback(d);
        return 1;
    }
    return 0;
}

static int list(struct db *d)
{
    struct structure_list l;
    if (structures_list(d, &l) < 0) {
        fprintf(stderr, "structures : %s\n", d->err);
        return 1;
    }
    printf("id\tnom\tcommune\tpivot\tcourriel\n");
    for (size_t i = 0; i < l.n; i++)
        printf("%lld\t%s\t%s\t%s\t%s\n", l.v[i].id, l.v[i].nom, l.v[i].commune_code,
               l.v[i].pivot, l.v[i].courriel);
    structure_list_free(&l);
    return 0;
}

static int cmd_structures(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    if (argc >= 1 && strcmp(argv[0], "creer") == 0)
        return create(d, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "lier") == 0)
        return link(d, argc - 1, argv + 1, 1);
    if (argc >= 1 && strcmp(argv[0], "delier") == 0)
        return link(d, argc - 1, argv + 1, 0);
    if (argc == 1 && strcmp(argv[0], "liste") == 0)
        return list(d);
    fputs(cli_structures_command.help, stderr);
    return 2;
}

const struct cli_command cli_structures_command = {
    "structures",
    "  structures creer --nom NOM --commune CODE_INSEE [--pivot SIRET] [--courriel C]\n"
    "        Create a structure (prints structure=ID).\n"
    "  structures lier ID SOURCE:ID_LIEU | delier ID SOURCE:ID_LIEU | liste\n"
    "        Link a structure to a place of the registry (by its source record),\n"
    "        so that its managers can edit it.\n",
    1,
    cmd_structures,
};
