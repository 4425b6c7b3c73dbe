/* cli_comptes.c - `passerelle comptes ...`: the operator's account tools
 * (first administrator, invitations, passwords, deactivation, the mail
 * outbox, producers' API tokens), and `passerelle journal` (see cli.h).
 * The operator holds the database file: every action is allowed and
 * journaled as "cli:$USER". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "comptes/comptes.h"
#include "comptes/invitation.h"
#include "comptes/jeton.h"
#include "journal/journal.h"

static struct flow_ctx flow(void)
{
    struct flow_ctx c = {.by = NULL, .cli_user = cli_user(), .now = time(NULL)};
    return c;
}

static int report(struct db *d, const char *what, enum flow_result r, const struct flow_ctx *c)
{
    switch (r) {
    case FLOW_DONE:
        return 0;
    case FLOW_INVALID:
    case FLOW_FORBIDDEN:
        fprintf(stderr, "%s : %s\n", what, c->msg);
        return 1;
    default:
        fprintf(stderr, "%s : erreur de base de données : %s\n", what, d->err);
        return 1;
    }
}

/* Read one line (a password) from stdin, without its newline. */
static int read_secret(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

static int set_password(struct db *d, long long id, const char *email)
{
    char pw[PASSWORD_MAX + 8];
    if (read_secret(pw, sizeof pw) < 0) {
        fprintf(stderr, "comptes : mot de passe attendu sur l'entrée standard\n");
        return 1;
    }
    const char *why = comptes_password_policy(pw, email);
    if (why) {
        fprintf(stderr, "comptes : %s\n", why);
        return 1;
    }
    struct compte c;
    if (comptes_get(d, id, &c) != 1 || strcmp(c.etat, "desactive") == 0) {
        fprintf(stderr, "comptes : ce compte est désactivé\n");
        return 1;
    }
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", id);
    struct journal_write w = {.action = "compte.mot_de_passe_defini", .objet = "compte",
                              .objet_id = ids};
    int rc = db_begin(d);
    if (rc == 0)
        rc = comptes_set_password(d, id, pw);
    memset(pw, 0, sizeof pw);
    if (rc < 0 || journal_record(d, NULL, cli_user(), NULL, time(NULL), &w) < 0 ||
        db_commit(d) < 0) {
        fprintf(stderr, "comptes : %s\n", d->err);
        db_rollback(d);
        return 1;
    }
    return 0;
}

static int invite(struct db *d, const char *email, const char *grant_text, int argc, char **argv)
{
    struct invitation inv = {.email = email};
    int pw_stdin = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--nom") == 0 && i + 1 < argc)
            inv.nom = argv[++i];
        else if (strcmp(argv[i], "--profil") == 0 && i + 1 < argc)
            inv.profil = argv[++i];
        else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            grant_text = argv[++i];
        else if (strcmp(argv[i], "--mot-de-passe-stdin") == 0)
            pw_stdin = 1;
        else {
            fprintf(stderr, "comptes : option inconnue : %s\n", argv[i]);
            return 2;
        }
    }
    if (!grant_text || comptes_grant_parse(grant_text, &inv.grant) < 0) {
        fprintf(stderr, "comptes : --role ROLE:PORTEE:CODE attendu, par exemple "
                        "coordinateur:departement:13, gestionnaire:structure:4, "
                        "producteur:source:hub-sud (reçu « %s »)\n",
                grant_text ? grant_text : "");
        return 2;
    }
    struct flow_ctx c = flow();
    int rc = report(d, "comptes", comptes_invite(d, &c, &inv), &c);
    if (rc)
        return rc;
    printf("compte=%lld\n", c.compte_id);
    if (pw_stdin)
        return set_password(d, c.compte_id, email);
    if (c.link[0])
        printf("lien=%s\n", c.link);
    return 0;
}

static long long account_id(struct db *d, const char *email)
{
    struct compte c;
    int r = comptes_get_by_email(d, email, &c);
    if (r <= 0) {
        fprintf(stderr, "comptes : %s\n", r < 0 ? d->err : "aucun compte pour cette adresse");
        return -1;
    }
    return c.id;
}

static int list_accounts(struct db *d)
{
    struct actor all = {.ngrants = 1, .grants = {{ROLE_ADMIN, PORTEE_NATION, ""}}};
    struct compte_list l;
    if (comptes_list(d, &all, &l) < 0) {
        fprintf(stderr, "comptes : %s\n", d->err);
        return 1;
    }
    printf("id\temail\tetat\tprofil\tsecond_facteur\troles\n");
    for (size_t i = 0; i < l.n; i++) {
        const struct compte *c = &l.v[i];
        printf("%lld\t%s\t%s\t%s\t%s\t", c->id, c->email, c->etat, c->profil,
               c->has_totp ? "oui" : "non");
        for (int k = 0; k < c->ngrants; k++) {
            char g[128];
            comptes_grant_format(&c->grants[k], g, sizeof g);
            printf("%s%s", k ? "," : "", g);
        }
        putchar('\n');
    }
    compte_list_free(&l);
    return 0;
}

static int list_mails(struct db *d, int all)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT id, created_at, destinataire, sujet, corps, coalesce(envoye_at, ''), "
           "coalesce(erreur, '') FROM mail_sortant WHERE ?1 OR envoye_at IS NULL ORDER BY id");
    if (!st) {
        fprintf(stderr, "comptes mails : %s\n", d->err);
        return 1;
    }
    sqlite3_bind_int(st, 1, all);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        n++;
        printf("--- mail %lld, %s, à %s%s%s%s\nSujet : %s\n\n%s\n", sqlite3_column_int64(st, 0),
               sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
               *sqlite3_column_text(st, 5) ? ", envoyé " : ", en attente",
               sqlite3_column_text(st, 5),
               *sqlite3_column_text(st, 6) ? " (dernière erreur d'envoi notée)" : "",
               sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
    }
    sqlite3_finalize(st);
    fprintf(stderr, "mails=%d\n", n);
    return 0;
}

static int cmd_jeton(struct db *d, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "creer") == 0) {
        const char *source = NULL, *email = NULL, *nom = NULL;
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
                source = argv[++i];
            else if (strcmp(argv[i], "--compte") == 0 && i + 1 < argc)
                email = argv[++i];
            else if (strcmp(argv[i], "--nom") == 0 && i + 1 < argc)
                nom = argv[++i];
            else {
                fprintf(stderr, "comptes jeton : option inconnue : %s\n", argv[i]);
                return 2;
            }
        }
        if (!source || !email) {
            fprintf(stderr, "usage : passerelle comptes jeton creer --source S --compte EMAIL [--nom N]\n");
            return 2;
        }
        long long cid = account_id(d, email), id;
        char token[JETON_LEN];
        if (cid < 0)
            return 1;
        if (db_begin(d) < 0 || jeton_create(d, cid, source, nom, time(NULL), token, &id) < 0) {
            fprintf(stderr, "comptes jeton : %s\n", d->err);
            db_rollback(d);
            return 1;
        }
        char ids[32];
        snprintf(ids, sizeof ids, "%lld", id);
        struct journal_write w = {.action = "jeton.creer", .objet = "jeton", .objet_id = ids,
                                  .apres = NULL};
        if (journal_record(d, NULL, cli_user(), NULL, time(NULL), &w) < 0 || db_commit(d) < 0) {
            fprintf(stderr, "comptes jeton : %s\n", d->err);
            db_rollback(d);
            return 1;
        }
        fprintf(stderr, "Jeton créé (n° %lld). Il n'est montré qu'une fois : gardez-le en lieu "
                        "sûr.\n", id);
        printf("%s\n", token);
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "revoquer") == 0) {
        long long id = atoll(argv[1]);
        int r = db_begin(d) < 0 ? -1 : jeton_revoke(d, id, time(NULL));
        struct journal_write w = {.action = "jeton.revoquer", .objet = "jeton", .objet_id = argv[1]};
        if (r < 0 || (r == 1 && journal_record(d, NULL, cli_user(), NULL, time(NULL), &w) < 0) ||
            db_commit(d) < 0) {
            fprintf(stderr, "comptes jeton : %s\n", d->err);
            db_rollback(d);
            return 1;
        }
        if (r == 0) {
            fprintf(stderr, "comptes jeton : aucun jeton actif n° %s\n", argv[1]);
            return 1;
        }
        return 0;
    }
    if (argc == 1 && strcmp(argv[0], "liste") == 0) {
        struct jeton_list l;
        if (jeton_list(d, &l) < 0) {
            fprintf(stderr, "comptes jeton : %s\n", d->err);
            return 1;
        }
        printf("id\tprefixe\tsource\tcompte\tcree\tdernier_usage\trevoque\n");
        for (size_t i = 0; i < l.n; i++)
            printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", l.v[i].id, l.v[i].prefixe, l.v[i].source,
                   l.v[i].email, l.v[i].created_at, l.v[i].dernier_usage, l.v[i].revoque_at);
        jeton_list_free(&l);
        return 0;
    }
    fprintf(stderr, "usage : passerelle comptes jeton creer|revoquer|liste ...\n");
    return 2;
}

static int cmd_comptes(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    const char *sub = argc > 0 ? argv[0] : "";
    if (strcmp(sub, "creer-admin") == 0 && argc >= 2)
        return invite(d, argv[1], "admin:nation:", argc - 2, argv + 2);
    if (strcmp(sub, "inviter") == 0 && argc >= 2)
        return invite(d, argv[1], NULL, argc - 2, argv + 2);
    if (strcmp(sub, "liste") == 0)
        return list_accounts(d);
    if (strcmp(sub, "mails") == 0)
        return list_mails(d, argc > 1 && strcmp(argv[1], "--tous") == 0);
    if (strcmp(sub, "jeton") == 0)
        return cmd_jeton(d, argc - 1, argv + 1);
    if ((strcmp(sub, "desactiver") == 0 || strcmp(sub, "reactiver") == 0) && argc == 2) {
        long long id = account_id(d, argv[1]);
        if (id < 0)
            return 1;
        struct flow_ctx c = flow();
        return report(d, "comptes", comptes_set_active(d, &c, id, sub[0] == 'r'), &c);
    }
    if (strcmp(sub, "mot-de-passe") == 0 && argc == 2) {
        long long id = account_id(d, argv[1]);
        if (id < 0)
            return 1;
        return set_password(d, id, argv[1]);
    }
    if (strcmp(sub, "reinitialiser") == 0 && argc == 2) {
        struct flow_ctx c = flow();
        int rc = report(d, "comptes", comptes_request_reset(d, &c, argv[1]), &c);
        if (!rc && c.link[0])
            printf("lien=%s\n", c.link);
        return rc;
    }
    fputs(cli_comptes_command.help, stderr);
    return 2;
}

const struct cli_command cli_comptes_command = {
    "comptes",
    "  comptes creer-admin EMAIL [--nom NOM] [--mot-de-passe-stdin]\n"
    "        Create a national administrator (the first one, typically): prints\n"
    "        the single-use link to choose a password (also in the mail outbox),\n"
    "        or sets the password read on stdin.\n"
    "  comptes inviter EMAIL --role ROLE:PORTEE:CODE [--nom NOM] [--profil P]\n"
    "        [--mot-de-passe-stdin]\n"
    "        Invite someone (or give an existing account a new role). ROLE:PORTEE:CODE\n"
    "        is admin:nation:, coordinateur:departement:13 (region, epci, commune),\n"
    "        gestionnaire:structure:ID, mediateur:structure:ID or\n"
    "        producteur:source:NAME; P is mediateur, conseiller_numerique, aidant, or\n"
    "        machine (a producer's service account, active at once).\n"
    "  comptes liste | desactiver EMAIL | reactiver EMAIL\n"
    "  comptes mot-de-passe EMAIL\n"
    "        Set an account's password, read on stdin (12 characters at least).\n"
    "  comptes reinitialiser EMAIL\n"
    "        Send a password reset link (printed too).\n"
    "  comptes mails [--tous]\n"
    "        Print the mail outbox (mail not sent yet, or all of it).\n"
    "  comptes jeton creer --source S --compte EMAIL [--nom N] | revoquer ID | liste\n"
    "        Producers' API tokens (shown once; stored hashed).\n",
    1,
    cmd_comptes,
};

static int cmd_journal(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    struct journal_filter f = {0};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--objet") == 0 && i + 1 < argc)
            f.objet = argv[++i];
        else if (strcmp(argv[i], "--action") == 0 && i + 1 < argc)
            f.action = argv[++i];
        else if (strcmp(argv[i], "--departement") == 0 && i + 1 < argc)
            f.departement = argv[++i];
        else {
            fputs(cli_journal_command.help, stderr);
            return 2;
        }
    }
    struct actor all = {.ngrants = 1, .grants = {{ROLE_ADMIN, PORTEE_NATION, ""}}};
    long n;
    if (journal_export_csv(d, &all, &f, stdout, &n) < 0) {
        fprintf(stderr, "journal : %s\n", d->err);
        return 1;
    }
    fprintf(stderr, "entrees=%ld\n", n);
    return 0;
}

const struct cli_command cli_journal_command = {
    "journal",
    "  journal [--objet O] [--action A] [--departement D]\n"
    "        Export the audit journal (every write: who, when, what, before and\n"
    "        after) as CSV, newest first.\n",
    1,
    cmd_journal,
};
