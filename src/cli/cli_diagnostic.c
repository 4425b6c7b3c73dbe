/* cli_diagnostic.c - `passerelle diagnostic ...`: check, publish and
 * activate question banks, list the versions, aggregated statistics and
 * the JSON export of anonymous results (see cli.h). Translation only: the
 * rules live in src/diagnostic/. Publications are journaled as
 * "cli:$USER". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "diagnostic/catalogue.h"
#include "diagnostic/diag_agregats.h"
#include "diagnostic/diag_store.h"
#include "diagnostic/export.h"
#include "diagnostic/publish.h"
#include "diagnostic/stats.h"

/* The whole file (malloc'd, NUL-terminated), or NULL with a message. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "diagnostic : %s : %s\n", path, strerror(errno));
        return NULL;
    }
    struct buf b = BUF_INIT;
    int r = buf_read_stream(&b, f, 16 * 1024 * 1024);
    fclose(f);
    if (r < 0) {
        fprintf(stderr, "diagnostic : %s : %s\n", path,
                r == -2 ? "fichier trop gros (16 Mio au plus)" : "lecture impossible");
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_take(&b);
}

static int cmd_check_or_publish(struct db *d, int argc, char **argv, int publish)
{
    const char *file = NULL;
    int activate = 1;
    for (int i = 0; i < argc; i++) {
        if (publish && strcmp(argv[i], "--sans-activer") == 0)
            activate = 0;
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "diagnostic : option inconnue : %s\n", argv[i]);
            return 2;
        }
    }
    if (!file) {
        fprintf(stderr, "usage : passerelle diagnostic %s FICHIER\n", publish ? "publier" : "verifier");
        return 2;
    }
    size_t len;
    char *text = read_file(file, &len);
    if (!text)
        return 1;
    struct buf errors = BUF_INIT;
    char version[DIAG_VERSION_MAX] = "";
    int r;
    if (publish) {
        struct diag_publisher p = {.cli_user = cli_user(), .now = time(NULL)};
        r = diag_publish(d, text, len, file, activate, &p, &errors, version);
    } else {
        const struct diag_ref *ref = diag_referentiel(d);
        struct diag_bank *b = ref ? diag_bank_parse(ref, text, len, file, &errors) : NULL;
        r = !ref ? -1 : b ? 0 : 1;
        if (b) {
            snprintf(version, sizeof version, "%s", b->version);
            printf("questions=%d profil_avant=%d profil_apres=%d questions_max=%d\n", b->nq,
                   b->navant, b->napres, b->questions_max);
        }
        diag_bank_free(b);
    }
    free(text);
    if (r < 0) {
        fprintf(stderr, "diagnostic : base de données : %s\n", d->err);
        buf_free(&errors);
        return 1;
    }
    if (r > 0) {
        fputs(errors.s ? errors.s : "fichier refusé\n", stderr);
        int n = 0;
        for (const char *p = errors.s; p && *p; p++)
            n += *p == '\n';
        printf("erreurs=%d\n", n);
        buf_free(&errors);
        return 1;
    }
    buf_free(&errors);
    if (publish)
        printf("version=%s publiee=1 active=%d\n", version, activate);
    else
        printf("version=%s valide=1\n", version);
    return 0;
}

static int cmd_activate(struct db *d, int argc, char **argv)
{
    if (argc != 1 || !diag_version_ok(argv[0])) {
        fprintf(stderr, "usage : passerelle diagnostic activer VERSION\n");
        return 2;
    }
    struct diag_publisher p = {.cli_user = cli_user(), .now = time(NULL)};
    int r = diag_activate(d, argv[0], &p);
    if (r < 0) {
        fprintf(stderr, "diagnostic activer : %s\n", d->err);
        return 1;
    }
    if (r > 0) {
        fprintf(stderr, "diagnostic activer : la version « %s » n'existe pas\n", argv[0]);
        return 1;
    }
    printf("version=%s active=1\n", argv[0]);
    return 0;
}

struct list_ctx {
    struct db *d;
    const char *active;
    const struct diag_bank_row *rows;
    int n;
};

static void print_builtin(const char *version, void *arg)
{
    struct list_ctx *c = arg;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->rows[i].version, version) == 0)
            return;
    printf("%s\tintegree\t-\t%ld\t%s\n", version, diag_store_bank_sessions(c->d, version),
           strcmp(version, c->active) == 0 ? "active" : "");
}

static int cmd_versions(struct db *d)
{
    struct diag_bank_row rows[200];
    char active[DIAG_VERSION_MAX];
    int n = diag_store_bank_list(d, rows, 200);
    if (n < 0 || diag_bank_active(d, active) < 0) {
        fprintf(stderr, "diagnostic versions : %s\n", d->err);
        return 1;
    }
    printf("version\torigine\tpubliee\tsessions\tetat\n");
    for (int i = 0; i < n; i++)
        printf("%s\tpubliee par %s\t%s\t%ld\t%s\n", rows[i].version, rows[i].publie_par,
               rows[i].publie_at, rows[i].sessions, rows[i].actif ? "active" : "");
    struct list_ctx c = {d, active, rows, n};
    diag_bank_builtins(print_builtin, &c);
    return 0;
}

/* --niveau N --code C --depuis D --jusqu-au D [-o FILE]; 0 or 2. */
static int filter_args(int argc, char **argv, struct diag_filter *f, const char **out)
{
    memset(f, 0, sizeof *f);
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "diagnostic : valeur manquante après %s\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--niveau") == 0)
            f->niveau = v;
        else if (strcmp(argv[i], "--code") == 0)
            f->code = v;
        else if (strcmp(argv[i], "--depuis") == 0)
            f->depuis = v;
        else if (strcmp(argv[i], "--jusqu-au") == 0)
            f->jusqu = v;
        else if (out && strcmp(argv[i], "-o") == 0)
            *out = v;
        else {
            fprintf(stderr, "diagnostic : option inconnue : %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    if (diag_filter_ok(f) < 0) {
        fprintf(stderr, "diagnostic : --niveau region|departement|epci|commune avec --code\n");
        return 2;
    }
    return 0;
}

static int cmd_stats(struct db *d, int argc, char **argv)
{
    struct diag_filter f;
    int r = filter_args(argc, argv, &f, NULL);
    if (r)
        return r;
    struct diag_stats s;
    const struct diag_ref *ref = diag_referentiel(d);
    if (!ref || diag_stats(d, &f, &s) < 0) {
        fprintf(stderr, "diagnostic stats : %s\n", d->err);
        return 1;
    }
    struct buf out = BUF_INIT;
    diag_stats_json(ref, &f, &s, &out);
    printf("%s\n", out.s ? out.s : "{}");
    buf_free(&out);
    return 0;
}

static int cmd_export(struct db *d, int argc, char **argv)
{
    struct diag_filter f;
    const char *path = NULL;
    int r = filter_args(argc, argv, &f, &path);
    if (r)
        return r;
    FILE *out = path ? fopen(path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "diagnostic export : %s : %s\n", path, strerror(errno));
        return 1;
    }
    struct buf b = BUF_INIT;
    long n = 0;
    r = diag_export_json(d, &f, &b, out, time(NULL), &n);
    buf_free(&b);
    if (path && fclose(out) != 0)
        r = -1;
    if (r < 0) {
        fprintf(stderr, "diagnostic export : %s\n", d->err);
        return 1;
    }
    fprintf(stderr, "resultats=%ld\n", n);
    return 0;
}

static int cmd_purge(struct db *d, int argc, char **argv)
{
    long days = DIAG_PURGE_JOURS;
    if (argc == 2 && strcmp(argv[0], "--jours") == 0) {
        char *end;
        days = strtol(argv[1], &end, 10);
        if (*end || days < 1 || days > 3650)
            days = -1;
    } else if (argc != 0) {
        days = -1;
    }
    if (days < 0) {
        fprintf(stderr, "usage : passerelle diagnostic purger [--jours N]   (1 à 3650, 30 par défaut)\n");
        return 2;
    }
    char before[24];
    long n = diag_store_purge_open(d, time(NULL), days, before);
    if (n < 0) {
        fprintf(stderr, "diagnostic purger : %s\n", d->err);
        return 1;
    }
    printf("supprimes=%ld avant=%s\n", n, before);
    return 0;
}

static int cmd_rebuild(struct db *d, int argc)
{
    if (argc != 0) {
        fprintf(stderr, "usage : passerelle diagnostic stats-reconstruire\n");
        return 2;
    }
    long buckets;
    if (diag_agregats_rebuild(d, &buckets) < 0) {
        fprintf(stderr, "diagnostic stats-reconstruire : %s\n", d->err);
        return 1;
    }
    printf("compteurs=%ld\n", buckets);
    return 0;
}

static int run(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    if (argc < 1) {
        fprintf(stderr, "usage : passerelle diagnostic verifier|publier|activer|versions|stats|stats-reconstruire|export|purger\n");
        return 2;
    }
    const char *a = argv[0];
    if (strcmp(a, "verifier") == 0)
        return cmd_check_or_publish(d, argc - 1, argv + 1, 0);
    if (strcmp(a, "publier") == 0)
        return cmd_check_or_publish(d, argc - 1, argv + 1, 1);
    if (strcmp(a, "activer") == 0)
        return cmd_activate(d, argc - 1, argv + 1);
    if (strcmp(a, "versions") == 0)
        return cmd_versions(d);
    if (strcmp(a, "stats") == 0)
        return cmd_stats(d, argc - 1, argv + 1);
    if (strcmp(a, "export") == 0)
        return cmd_export(d, argc - 1, argv + 1);
    if (strcmp(a, "purger") == 0)
        return cmd_purge(d, argc - 1, argv + 1);
    if (strcmp(a, "stats-reconstruire") == 0)
        return cmd_rebuild(d, argc - 1);
    fprintf(stderr, "diagnostic : action inconnue : %s\n", a);
    return 2;
}

const struct cli_command cli_diagnostic_command = {
    "diagnostic",
    "  diagnostic verifier FILE\n"
    "        Check a question bank file (JSON, docs/diagnostic.md): every problem is\n"
    "        printed with file, question, field and rule; ends with version=V valide=1.\n"
    "  diagnostic publier FILE [--sans-activer]\n"
    "        Check, then publish a new bank version (no rebuild) and make it active for\n"
    "        new sessions (journaled). Sessions keep the version they started with.\n"
    "  diagnostic activer VERSION\n"
    "        Make another version (published or built in) the active one.\n"
    "  diagnostic versions\n"
    "        The versions, published and built in, with their sessions.\n"
    "  diagnostic stats [--niveau N --code C] [--depuis AAAA-MM-JJ] [--jusqu-au AAAA-MM-JJ]\n"
    "        Aggregated results (JSON), small counts hidden (fewer than 10).\n"
    "  diagnostic stats-reconstruire\n"
    "        Rebuild the statistics' counters from the finished diagnostics (after an\n"
    "        upgrade of a large database, before starting the server; repairs).\n"
    "  diagnostic export [--niveau N --code C] [--depuis D] [--jusqu-au D] [-o FILE]\n"
    "        Anonymous results of finished diagnostics, JSON (passerelle-diagnostic-export).\n"
    "  diagnostic purger [--jours N]\n"
    "        Delete the diagnostics never finished and untouched for N days (30).\n",
    1,
    run,
};
