/* cli_accompagnement.c - `passerelle accompagnement ...`: the personal data
 * key and its change, the periodic work run by hand on a given day (reminders, expiry,
 * retention), statistics and their rebuild, a person's export and erasure
 * for the operator (see cli.h). Journaled as "cli:$USER". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accompagnement/agregats.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/chiffre.h"
#include "accompagnement/orientation.h"
#include "accompagnement/rotation.h"
#include "accompagnement/statistiques.h"
#include "base/jour.h"
#include "cli/cli.h"

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

/* Every option is known and has a value. */
static int check_opts(const char *cmd, int argc, char **argv, int first, const char *const *known)
{
    for (int i = first; i < argc; i++) {
        int ok = 0;
        for (int k = 0; known[k]; k++)
            if (strcmp(argv[i], known[k]) == 0)
                ok = 1;
        if (!ok || i + 1 >= argc) {
            fprintf(stderr, "accompagnement %s : option inconnue ou sans valeur : %s\n", cmd, argv[i]);
            return -1;
        }
        i++;
    }
    return 0;
}

/* --maintenant AAAA-MM-JJ (noon in Paris) or seconds since 1970; default now. */
static int parse_now(const char *v, time_t *now)
{
    *now = time(NULL);
    if (!v)
        return 0;
    long j;
    if (jour_parse(v, &j) == 0) {
        *now = (time_t)j * 86400 + 11 * 3600;
        return 0;
    }
    char *end;
    long long t = strtoll(v, &end, 10);
    if (*end || t <= 0)
        return -1;
    *now = (time_t)t;
    return 0;
}

static int load_key(struct db *d, const char *path, struct data_key *k)
{
    char err[300];
    int r = data_key_from_config(path, k, err, sizeof err);
    if (r < 0) {
        fprintf(stderr, "accompagnement : %s\n", err);
        return -1;
    }
    if (r == 0) {
        fprintf(stderr, "accompagnement : donnez la clé avec --cle FICHIER ou $PASSERELLE_CLE\n");
        return -1;
    }
    r = data_key_check(d, k);
    if (r <= 0) {
        fprintf(stderr, "accompagnement : %s\n", r < 0 ? d->err
                        : "cette clé n'est pas celle qui a chiffré les données de cette base");
        return -1;
    }
    return 0;
}

static int cmd_cle(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage : passerelle accompagnement cle FICHIER\n");
        return 2;
    }
    char err[300];
    if (data_key_generate(argv[0], err, sizeof err) < 0) {
        fprintf(stderr, "accompagnement cle : %s (un fichier existant n'est jamais remplacé)\n", err);
        return 1;
    }
    printf("cle=%s\n", argv[0]);
    fprintf(stderr, "Clé écrite dans %s (droits 0600). Gardez-en une copie à part : sans elle, les "
                    "données des personnes suivies sont illisibles.\n", argv[0]);
    return 0;
}

/* cle-changer NEW [--cle OLD]: re-seal everything under the new key. */
static int cmd_cle_changer(struct db *d, int argc, char **argv)
{
    static const char *const known[] = {"--cle", NULL};
    if (argc < 1 || argv[0][0] == '-' || check_opts("cle-changer", argc, argv, 1, known) < 0) {
        fprintf(stderr, "usage : passerelle accompagnement cle-changer NOUVELLE_CLE [--cle ANCIENNE_CLE]\n");
        return 2;
    }
    struct data_key old, nw;
    char err[300];
    if (load_key(d, opt(argc, argv, "--cle"), &old) < 0)
        return 1;
    if (data_key_load(argv[0], &nw, err, sizeof err) < 0) {
        fprintf(stderr, "accompagnement cle-changer : %s\n", err);
        data_key_wipe(&old);
        return 1;
    }
    struct rotation_stats st;
    int r = accomp_cle_changer(d, cli_user(), time(NULL), &old, &nw, &st);
    data_key_wipe(&old);
    data_key_wipe(&nw);
    if (r <= 0) {
        fprintf(stderr, "accompagnement cle-changer : %s\n", d->err);
        return 1;
    }
    printf("personnes=%ld\norientations=%ld\n", st.personnes, st.orientations);
    fprintf(stderr, "Données rechiffrées avec %s. Relancez le serveur avec cette clé ; gardez "
                    "l'ancienne tant que vous gardez des sauvegardes faites avant.\n", argv[0]);
    return 0;
}

static int cmd_taches(struct db *d, int argc, char **argv)
{
    static const char *const known[] = {"--maintenant", "--retention-mois", NULL};
    if (check_opts("taches", argc, argv, 0, known) < 0)
        return 2;
    time_t now;
    if (parse_now(opt(argc, argv, "--maintenant"), &now) < 0) {
        fprintf(stderr, "accompagnement taches : --maintenant AAAA-MM-JJ ou secondes\n");
        return 2;
    }
    const char *m = opt(argc, argv, "--retention-mois");
    int mois = m ? atoi(m) : BENEF_RETENTION_MOIS;
    if (mois < 1 || mois > 120) {
        fprintf(stderr, "accompagnement taches : --retention-mois entre 1 et 120\n");
        return 2;
    }
    struct orientation_taches_stats st;
    long n;
    if (orientation_taches(d, now, &st) < 0 || beneficiaire_retention(d, cli_user(), now, mois, &n) < 0) {
        fprintf(stderr, "accompagnement taches : %s\n", d->err);
        return 1;
    }
    printf("relances=%ld expirees=%ld cloturees=%ld effacees=%ld anonymises=%ld\n", st.relances,
           st.expirees, st.cloturees, st.effacees, n);
    return 0;
}

static int cmd_stats(struct db *d, int argc, char **argv)
{
    static const char *const known[] = {"--portee", "--code", "--du", "--au", "--format",
                                        "--calcul", NULL};
    if (check_opts("stats", argc, argv, 0, known) < 0)
        return 2;
    struct stat_demande q;
    char msg[300];
    int k = stat_demande_lire(d, NULL, opt(argc, argv, "--portee"), opt(argc, argv, "--code"),
                              opt(argc, argv, "--du"), opt(argc, argv, "--au"), time(NULL), &q,
                              msg, sizeof msg);
    if (k == -2) {
        fprintf(stderr, "accompagnement stats : %s\n", msg);
        return 2;
    }
    if (k < 0) {
        fprintf(stderr, "accompagnement stats : %s\n", d->err);
        return 1;
    }
    const char *calc = opt(argc, argv, "--calcul");
    int sql = calc && strcmp(calc, "sql") == 0;
    if (calc && !sql && strcmp(calc, "agregats") != 0) {
        fprintf(stderr, "accompagnement stats : --calcul agregats|sql\n");
        return 2;
    }
    const char *fmt = opt(argc, argv, "--format");
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0) {
        fprintf(stderr, "accompagnement stats : --format csv|json\n");
        return 2;
    }
    struct stat_tableau t;
    if (stat_demande_tableau(d, &q, sql, &t) < 0) {
        fprintf(stderr, "accompagnement stats : %s\n", d->err);
        return 1;
    }
    if (fmt && strcmp(fmt, "json") == 0) {
        json_t *o = stat_tableau_json(&t, &q);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(o);
        puts(s ? s : "{}");
        free(s);
    } else {
        struct buf b = BUF_INIT;
        stat_tableau_csv(&t, &q, &b);
        fwrite(b.s ? b.s : "", 1, b.len, stdout);
        buf_free(&b);
    }
    stat_tableau_free(&t);
    return 0;
}

static int cmd_person(struct db *d, int argc, char **argv, int erase)
{
    static const char *const known[] = {"--cle", NULL};
    char *end;
    long long id = argc >= 1 ? strtoll(argv[0], &end, 10) : 0;
    if (argc < 1 || *end || id <= 0 || check_opts(erase ? "effacer" : "exporter", argc, argv, 1, known) < 0) {
        fprintf(stderr, "usage : passerelle accompagnement %s NUMERO%s\n", erase ? "effacer" : "exporter",
                erase ? "" : " [--cle FICHIER]");
        return 2;
    }
    if (erase) {
        struct accomp_ctx c = {.cli_user = cli_user(), .now = time(NULL)};
        enum accomp_result r = beneficiaire_erase(d, &c, id);
        if (r != ACC_DONE) {
            fprintf(stderr, "accompagnement effacer : %s\n", r == ACC_ERROR ? d->err : c.msg);
            return 1;
        }
        printf("efface=%lld\n", id);
        return 0;
    }
    struct data_key k;
    if (load_key(d, opt(argc, argv, "--cle"), &k) < 0)
        return 1;
    int why;
    char *json = beneficiaire_export_json(d, &k, id, time(NULL), BENEF_RETENTION_MOIS, &why);
    data_key_wipe(&k);
    if (!json) {
        fprintf(stderr, "accompagnement exporter : %s\n",
                why == -2 ? "données illisibles avec cette clé" : "aucune personne suivie avec ce numéro");
        return 1;
    }
    puts(json);
    free(json);
    return 0;
}

static int run(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    if (argc < 1) {
        fprintf(stderr, "usage : passerelle accompagnement cle|cle-changer|taches|stats|stats-reconstruire|"
                        "exporter|effacer ... (passerelle --help)\n");
        return 2;
    }
    const char *sub = argv[0];
    argc--;
    argv++;
    if (strcmp(sub, "cle") == 0)
        return cmd_cle(argc, argv);
    if (strcmp(sub, "cle-changer") == 0)
        return cmd_cle_changer(d, argc, argv);
    if (strcmp(sub, "taches") == 0)
        return cmd_taches(d, argc, argv);
    if (strcmp(sub, "stats") == 0)
        return cmd_stats(d, argc, argv);
    if (strcmp(sub, "stats-reconstruire") == 0) {
        long n;
        if (argc || stat_rebuild(d, &n) < 0) {
            fprintf(stderr, argc ? "usage : passerelle accompagnement stats-reconstruire\n"
                                 : "accompagnement stats-reconstruire : %s\n", d->err);
            return argc ? 2 : 1;
        }
        printf("agregats=%ld\n", n);
        return 0;
    }
    if (strcmp(sub, "exporter") == 0)
        return cmd_person(d, argc, argv, 0);
    if (strcmp(sub, "effacer") == 0)
        return cmd_person(d, argc, argv, 1);
    fprintf(stderr, "accompagnement : sous-commande inconnue : %s\n", sub);
    return 2;
}

const struct cli_command cli_accompagnement_command = {
    "accompagnement",
    "  accompagnement cle FILE\n"
    "        Write a new personal data key (64 hex characters, mode 0600; never\n"
    "        overwrites). Give it to `serve --cle FILE` or $PASSERELLE_CLE.\n"
    "  accompagnement cle-changer NEW_FILE [--cle OLD_FILE]\n"
    "        Re-seal every followed person and referral with the key of NEW_FILE\n"
    "        (made by `accompagnement cle`), in one transaction; the old key comes\n"
    "        from --cle or $PASSERELLE_CLE. Stop the server first, restart it with\n"
    "        the new key. Prints the counts.\n"
    "  accompagnement taches [--maintenant YYYY-MM-DD|SECONDS] [--retention-mois N]\n"
    "        Run once what the server runs every 5 minutes: referrals' reminders\n"
    "        (3 and 7 days), expiry (14 days), closing, wiping of shared data (30\n"
    "        days after the end), and the retention rule (anonymise followed people\n"
    "        without accompaniment for N months, default 24). Prints the counts.\n"
    "  accompagnement stats [--portee P] [--code C] [--du YYYY-MM-DD] [--au YYYY-MM-DD]\n"
    "        [--format csv|json] [--calcul agregats|sql]\n"
    "        Activity statistics of a scope (nation, region, departement, epci,\n"
    "        commune, structure, compte) over a period (default: the last 12\n"
    "        months), from the aggregates or (--calcul sql) from the records.\n"
    "  accompagnement stats-reconstruire\n"
    "        Rebuild every aggregate from the records (after a bulk load).\n"
    "  accompagnement exporter NUMBER [--cle FILE]\n"
    "        Everything held about followed person NUMBER, as JSON (right of access).\n"
    "  accompagnement effacer NUMBER\n"
    "        Erase followed person NUMBER (right to erasure; statistics are kept).\n",
    1,
    run,
};
