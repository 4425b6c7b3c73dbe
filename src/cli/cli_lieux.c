/* cli_lieux.c - `passerelle lieux ...`: import, export, search, dedup,
 * report, retire, demo (see cli.h). Translation only: the rules live in
 * src/lieux/. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "journal/journal.h"
#include "lieux/export.h"
#include "lieux/import.h"
#include "lieux/lieu.h"
#include "lieux/lieux_store.h"
#include "lieux/publish.h"
#include "lieux/reports.h"
#include "lieux/search.h"
#include "territoires/territoires.h"

/* Journal a write made from the command line (after it committed). */
static void journal_cli(struct db *d, const char *action, const char *objet, const char *id,
                        const char *apres)
{
    struct journal_write w = {.action = action, .objet = objet, .objet_id = id, .apres = apres};
    if (journal_record(d, NULL, cli_user(), NULL, time(NULL), &w) < 0)
        fprintf(stderr, "journal : %s\n", d->err);
}

static int cmd_import(struct db *d, int argc, char **argv)
{
    struct import_opts o = {.log = stderr, .progress = 1};
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
            o.source = argv[++i];
        else if (strcmp(argv[i], "--mapping") == 0 && i + 1 < argc)
            o.mapping = argv[++i];
        else if (strcmp(argv[i], "--verbose") == 0)
            o.verbose = 1;
        else if (strcmp(argv[i], "--no-publish") == 0)
            o.no_publish = 1;
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "lieux import: option inconnue : %s\n", argv[i]);
            return 2;
        }
    }
    if (!file) {
        fprintf(stderr, "usage: passerelle lieux import FILE [--source NAME] [--mapping M]\n");
        return 2;
    }
    struct import_stats st;
    char err[512];
    if (lieux_import_file(d, file, &o, &st, err, sizeof err) < 0) {
        fprintf(stderr, "lieux import: %s\n", err);
        fprintf(stdout, "imported=0 rejected=%ld\n", st.rows);
        return 1;
    }
    fprintf(stderr, "rows=%ld new=%ld updated=%ld unchanged=%ld retired=%ld values_fixed=%ld "
            "values_dropped=%ld commune_unresolved=%ld run=%ld\n",
            st.rows, st.added, st.updated, st.unchanged, st.retired, st.fixed, st.dropped,
            st.unresolved, st.run_id);
    fprintf(stdout, "imported=%ld rejected=%ld\n", st.imported, st.rejected);
    char apres[400];
    snprintf(apres, sizeof apres,
             "{\"import\":%ld,\"lignes\":%ld,\"importees\":%ld,\"rejetees\":%ld,"
             "\"nouvelles\":%ld,\"modifiees\":%ld,\"retirees\":%ld}",
             st.run_id, st.rows, st.imported, st.rejected, st.added, st.updated, st.retired);
    journal_cli(d, "lieu.import", "source", st.source, apres);
    return 0;
}

static int cmd_export(struct db *d, int argc, char **argv)
{
    const char *format = NULL, *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            path = argv[++i];
        else {
            fprintf(stderr, "lieux export: option inconnue : %s\n", argv[i]);
            return 2;
        }
    }
    enum export_format fmt;
    if (!format || lieux_export_format(format, &fmt) < 0) {
        fprintf(stderr, "usage: passerelle lieux export --format csv|json [-o FILE]\n");
        return 2;
    }
    FILE *out = path ? fopen(path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "lieux export: %s : %s\n", path, strerror(errno));
        return 1;
    }
    long n;
    int rc = lieux_export(d, fmt, out, &n);
    if (path && fclose(out) != 0)
        rc = -1;
    if (rc < 0) {
        fprintf(stderr, "lieux export: %s\n", d->err[0] ? d->err : strerror(errno));
        return 1;
    }
    fprintf(stderr, "exported=%ld\n", n);
    return 0;
}

static int parse_point(const char *s, double *lat, double *lon)
{
    char *end;
    *lat = strtod(s, &end);
    if (end == s || *end != ',')
        return -1;
    const char *p = end + 1;
    *lon = strtod(p, &end);
    if (end == p || *end || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
        return -1;
    return 0;
}

static const char *const day_names[] = {"dimanche", "lundi", "mardi", "mercredi",
                                        "jeudi", "vendredi", "samedi"};

/* "samedi:9-12" or "samedi" (whole day). */
static int parse_open_during(const char *s, struct lieux_query *q)
{
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    q->wday = -1;
    for (int i = 0; i < 7; i++)
        if (strlen(day_names[i]) == n && strncmp(day_names[i], s, n) == 0)
            q->wday = i;
    if (q->wday < 0)
        return -1;
    q->from_min = 0;
    q->to_min = 24 * 60;
    if (colon) {
        int a, b;
        if (sscanf(colon + 1, "%d-%d", &a, &b) != 2 || a < 0 || b > 24 || a >= b)
            return -1;
        q->from_min = a * 60;
        q->to_min = b * 60;
    }
    q->open = SEARCH_OPEN_DURING;
    return 0;
}

static void print_hit_text(const struct lieux_hit *h)
{
    if (h->km >= 0)
        printf("%8.2f km  ", h->km);
    printf("#%lld %s — %s, %s %s\n", h->id, lieu_get(&h->l, LF_NOM), lieu_get(&h->l, LF_ADRESSE),
           lieu_get(&h->l, LF_CODE_POSTAL), lieu_get(&h->l, LF_COMMUNE));
}

static json_t *hit_json(const struct lieux_hit *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "passerelle_id", json_integer(h->id));
    if (h->km >= 0)
        json_object_set_new(o, "distance_km", json_real(h->km));
    for (int f = 0; f < LF__COUNT; f++)
        if (h->l.f[f])
            json_object_set_new(o, lieu_field_info((enum lieu_field)f)->name,
                                json_string(h->l.f[f]));
    return o;
}

static int cmd_search(struct db *d, int argc, char **argv)
{
    struct lieux_query q = {0};
    int as_json = 0;
    const char *commune = NULL, *cp = NULL;
    char niveau[16], code[16];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            as_json = 1;
        } else if (strcmp(a, "--ouvert-maintenant") == 0) {
            q.open = SEARCH_OPEN_NOW;
            q.now = time(NULL);
        } else if (!v) {
            fprintf(stderr, "lieux search: option inconnue ou sans valeur : %s\n", a);
            return 2;
        } else if (strcmp(a, "--near") == 0) {
            if (parse_point(v, &q.lat, &q.lon) < 0) {
                fprintf(stderr, "lieux search: --near attend LAT,LON (ex. 43.29,5.38), pas « %s »\n", v);
                return 2;
            }
            q.has_point = 1;
            i++;
        } else if (strcmp(a, "--limit") == 0) {
            q.limit = atoi(v), i++;
        } else if (strcmp(a, "--km") == 0) {
            q.max_km = atof(v), i++;
        } else if (strcmp(a, "--q") == 0) {
            q.text = v, i++;
        } else if (strcmp(a, "--commune") == 0) {
            commune = v, i++;
        } else if (strcmp(a, "--code-postal") == 0) {
            cp = v, i++;
        } else if (strcmp(a, "--ouvert") == 0) {
            if (parse_open_during(v, &q) < 0) {
                fprintf(stderr, "lieux search: --ouvert attend JOUR[:HH-HH], ex. samedi:8-12\n");
                return 2;
            }
            i++;
        } else if (strcmp(a, "--territoire") == 0) {
            if (sscanf(v, "%15[a-z]:%15s", niveau, code) != 2) {
                fprintf(stderr, "lieux search: --territoire attend NIVEAU:CODE, ex. departement:13\n");
                return 2;
            }
            q.niveau = niveau, q.code = code, i++;
        } else if (strncmp(a, "--", 2) == 0 && lieu_field_by_name(a + 2) >= 0 &&
                   lieux_query_filter(&q, (enum lieu_field)lieu_field_by_name(a + 2), v) == 0) {
            i++;
        } else {
            fprintf(stderr, "lieux search: option inconnue : %s\n", a);
            return 2;
        }
    }
    struct territoire_commune c;
    if (commune || cp) {
        int got = commune ? territoires_commune(d, commune, &c)
                          : territoires_communes_by_postcode(d, cp, &c, 1);
        if (got <= 0 || !c.has_coords) {
            fprintf(stderr, "lieux search: commune ou code postal inconnu : %s\n", commune ? commune : cp);
            return 1;
        }
        q.has_point = 1;
        q.lat = c.lat;
        q.lon = c.lon;
    }
    struct lieux_results r;
    if (lieux_search(d, &q, &r) < 0) {
        fprintf(stderr, "lieux search: %s\n", d->err);
        return 1;
    }
    if (as_json) {
        json_t *o = json_object(), *arr = json_array();
        json_object_set_new(o, "total", json_integer(r.total));
        for (size_t i = 0; i < r.n; i++)
            json_array_append_new(arr, hit_json(&r.v[i]));
        json_object_set_new(o, "results", arr);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(o);
    } else {
        for (size_t i = 0; i < r.n; i++)
            print_hit_text(&r.v[i]);
        printf("%zu lieu(x) affiché(s) sur %ld\n", r.n, r.total);
    }
    lieux_results_free(&r);
    return 0;
}

static int cmd_dedup(struct db *d, int argc, char **argv)
{
    const char *decision = NULL, *a = NULL, *b = NULL, *motif = NULL;
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "--jamais") == 0 || strcmp(argv[i], "--toujours") == 0) && i + 2 < argc) {
            decision = argv[i] + 2;
            a = argv[i + 1];
            b = argv[i + 2];
            i += 2;
        } else if (strcmp(argv[i], "--motif") == 0 && i + 1 < argc) {
            motif = argv[++i];
        } else {
            fprintf(stderr, "lieux dedup: option inconnue : %s\n", argv[i]);
            return 2;
        }
    }
    if (decision && (lieux_decide(d, a, b, decision, cli_user(), motif) < 0 ||
                     lieux_mark_changed(d) < 0)) {
        fprintf(stderr, "lieux dedup: %s\n", d->err);
        return 1;
    }
    if (decision) {
        char apres[600];
        snprintf(apres, sizeof apres, "{\"decision\":\"%s\"}", decision);
        journal_cli(d, "lieu.decision_doublon", "lieu", a, apres);
    }
    struct publish_stats ps;
    if (lieux_publish(d, &ps) < 0) {
        fprintf(stderr, "lieux dedup: %s\n", d->err);
        return 1;
    }
    printf("records=%ld published=%ld groups=%ld pairs_scored=%ld duplicates=%ld "
           "forced_merge=%ld forced_split=%ld seconds=%.3f\n",
           ps.records, ps.published, ps.groups, ps.pairs, ps.duplicates, ps.forced_merge,
           ps.forced_split, ps.seconds);
    return 0;
}

static int cmd_report(struct db *d, int argc, char **argv)
{
    long run = argc > 0 ? atol(argv[0]) : 0;
    if (lieux_report_print(d, run, stdout) < 0) {
        fprintf(stderr, "lieux report: %s\n", d->err);
        return 1;
    }
    return 0;
}

static int cmd_retire(struct db *d, int argc, char **argv)
{
    if (argc < 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: passerelle lieux retire SOURCE [--no-publish]\n");
        return 2;
    }
    int publish = !(argc > 1 && strcmp(argv[1], "--no-publish") == 0);
    long n;
    struct publish_stats ps;
    if (lieux_store_retire_source(d, argv[0], &n) < 0 || lieux_mark_changed(d) < 0 ||
        (publish && lieux_publish(d, &ps) < 0)) {
        fprintf(stderr, "lieux retire: %s\n", d->err);
        return 1;
    }
    printf("retired=%ld\n", n);
    journal_cli(d, "lieu.retirer_source", "source", argv[0], NULL);
    return 0;
}

static int cmd_demo(struct db *d, int argc, char **argv)
{
    if (argc != 1 || (strcmp(argv[0], "on") != 0 && strcmp(argv[0], "off") != 0)) {
        fprintf(stderr, "usage: passerelle lieux demo on|off\n");
        return 2;
    }
    if (db_meta_set(d, "demo", strcmp(argv[0], "on") == 0 ? "1" : "0") < 0) {
        fprintf(stderr, "lieux demo: %s\n", d->err);
        return 1;
    }
    journal_cli(d, "lieu.demo", "registre", argv[0], NULL);
    return 0;
}

static int cmd_lieux(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    if (argc < 1) {
        fputs(cli_lieux_command.help, stderr);
        return 2;
    }
    if (strcmp(argv[0], "import") == 0)
        return cmd_import(d, argc - 1, argv + 1);
    if (strcmp(argv[0], "export") == 0)
        return cmd_export(d, argc - 1, argv + 1);
    if (strcmp(argv[0], "search") == 0)
        return cmd_search(d, argc - 1, argv + 1);
    if (strcmp(argv[0], "dedup") == 0)
        return cmd_dedup(d, argc - 1, argv + 1);
    if (strcmp(argv[0], "report") == 0)
        return cmd_report(d, argc - 1, argv + 1);
    if (strcmp(argv[0], "retire") == 0)
        return cmd_retire(d, argc - 1, argv + 1);
    if (strcmp(argv[0], "demo") == 0)
        return cmd_demo(d, argc - 1, argv + 1);
    fprintf(stderr, "passerelle lieux: commande inconnue : %s\n", argv[0]);
    return 2;
}

const struct cli_command cli_lieux_command = {
    "lieux",
    "  lieux import FILE [--source NAME] [--mapping NAME|FILE] [--verbose] [--no-publish]\n"
    "        Import places (CSV or JSON, standard or a producer's format).\n"
    "        Ends with the line imported=N rejected=M.\n"
    "  lieux export --format csv|json [-o FILE]\n"
    "        Export the published registry in the national standard.\n"
    "  lieux search (--near LAT,LON | --commune CODE | --code-postal CP | --q TEXT)\n"
    "        [--limit N] [--km MAX] [--territoire NIVEAU:CODE] [--FIELD VALUE]...\n"
    "        [--ouvert-maintenant] [--ouvert JOUR:HH-HH] [--json]\n"
    "        Nearest places or matches; FIELD is any enumerated field of the\n"
    "        standard, e.g. --services 'Aide aux d\xc3\xa9marches administratives'.\n"
    "  lieux dedup [--jamais SRC:ID SRC:ID | --toujours SRC:ID SRC:ID] [--motif TEXT]\n"
    "        Deduplicate and merge across sources and republish; record a\n"
    "        coordinator's decision on a pair (kept across re-imports).\n"
    "  lieux report [RUN_ID]\n"
    "        Print the per-row report of an import (default: the last one).\n"
    "  lieux retire SOURCE [--no-publish]\n"
    "        Withdraw every place of a source (a producer that stopped publishing).\n"
    "  lieux demo on|off\n"
    "        Mark the loaded places as demo data (a banner on every page) or not.\n",
    1,
    cmd_lieux,
};
