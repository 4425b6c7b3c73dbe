/* cli_indicateurs.c - `passerelle indicateurs ...`: recompute the figures
 * of the territorial diagnostic, export them as open data, list the
 * priority communes (see cli.h). The work is in territoires/indicateurs*.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "journal/journal.h"
#include "territoires/indicateurs.h"

void cli_journaliser(struct db *d, const char *action, const char *objet, const char *id,
                     const char *apres)
{
    struct journal_write w = {.action = action, .objet = objet, .objet_id = id, .apres = apres};
    if (journal_record(d, NULL, cli_user(), NULL, time(NULL), &w) < 0)
        fprintf(stderr, "journal : %s\n", d->err);
}

int cli_recalculer(struct db *d, int contours)
{
    struct indic_stats st;
    char err[512];
    if (indicateurs_recalculer(d, contours, &st, err, sizeof err) < 0) {
        fprintf(stderr, "indicateurs: %s\n", err);
        return 1;
    }
    fprintf(stderr,
            "indicateurs: %ld territoires, %ld communes, %ld lieux, %ld lignes en %.2f s "
            "(lecture %.2f, distances %.2f, agrégation %.2f, contours %.2f%s, écriture %.2f)\n",
            st.territoires, st.communes, st.lieux, st.lignes, st.s_total, st.s_lecture,
            st.s_distances, st.s_agregation, st.s_contours,
            st.contours_refaits ? "" : " inchangés", st.s_ecriture);
    char apres[256];
    snprintf(apres, sizeof apres, "{\"territoires\":%ld,\"communes\":%ld,\"lieux\":%ld,"
             "\"lignes\":%ld,\"secondes\":%.2f}", st.territoires, st.communes, st.lieux, st.lignes,
             st.s_total);
    cli_journaliser(d, "indicateurs.recalculer", "indicateurs", NULL, apres);
    return 0;
}

/* "departement:13" -> niveau, code. Returns 0 or -1. */
static int lire_dans(const char *s, char *niveau, size_t nn, char *code, size_t nc)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return -1;
    snprintf(niveau, nn, "%.*s", (int)(colon - s), s);
    snprintf(code, nc, "%s", colon + 1);
    return indic_niveau_ok(niveau) ? 0 : -1;
}

static int cmd_export(struct db *d, int argc, char **argv)
{
    const char *niveau = NULL, *format = "csv", *dans = NULL, *variante = NULL, *sortie = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if ((strcmp(argv[i], "--level") == 0 || strcmp(argv[i], "--niveau") == 0) && v)
            niveau = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && v)
            format = argv[++i];
        else if (strcmp(argv[i], "--dans") == 0 && v)
            dans = argv[++i];
        else if (strcmp(argv[i], "--variante") == 0 && v)
            variante = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && v)
            sortie = argv[++i];
        else
            goto usage;
    }
    char dn[16] = "", dc[16] = "";
    if (!niveau || !indic_niveau_ok(niveau) || (strcmp(format, "csv") && strcmp(format, "json")) ||
        (dans && lire_dans(dans, dn, sizeof dn, dc, sizeof dc) < 0))
        goto usage;
    struct buf out = BUF_INIT;
    long n = indic_exporter(d, niveau, dans ? dn : NULL, dans ? dc : NULL, variante,
                            strcmp(format, "json") == 0, &out);
    if (n < 0) {
        fprintf(stderr, "indicateurs export: %s\n", d->err);
        buf_free(&out);
        return 1;
    }
    int rc = cli_ecrire(sortie, out.s ? out.s : "", out.len, "indicateurs export");
    buf_free(&out);
    fprintf(stderr, "indicateurs export: %ld territoires\n", n);
    return rc < 0 ? 1 : 0;
usage:
    fprintf(stderr, "usage: passerelle indicateurs export --level nation|region|departement|epci|"
                    "commune [--dans NIVEAU:CODE] [--format csv|json] [--variante NOM] "
                    "[-o FICHIER]\n");
    return 2;
}

static int cmd_prioritaires(struct db *d, int argc, char **argv)
{
    char dn[16] = "nation", dc[16] = "FR";
    long limite = 20;
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--dans") == 0 && v) {
            if (lire_dans(argv[++i], dn, sizeof dn, dc, sizeof dc) < 0)
                goto usage;
        } else if (strcmp(argv[i], "--limit") == 0 && v) {
            limite = strtol(argv[++i], NULL, 10);
            if (limite < 1 || limite > 100000)
                goto usage;
        } else {
            goto usage;
        }
    }
    struct indic_prio *v = calloc((size_t)limite, sizeof *v);
    long total;
    int n = v ? indic_prioritaires(d, dn, dc, NULL, 0, (int)limite, v, &total) : -1;
    if (n < 0) {
        fprintf(stderr, "indicateurs prioritaires: %s\n", v ? d->err : "out of memory");
        free(v);
        return 1;
    }
    printf("code,nom,departement,population,ifn,km,lieu_le_plus_proche\n");
    for (int i = 0; i < n; i++)
        printf("%s,\"%s\",%s,%ld,%.2f,%.1f,\"%s\"\n", v[i].code, v[i].nom, v[i].departement,
               v[i].population, v[i].ifn, v[i].km, v[i].lieu_nom);
    fprintf(stderr, "indicateurs prioritaires: %ld communes (IFN >= %.1f, lieu le plus proche "
            "à %.0f km ou plus), %d affichées\n", total, INDIC_PRIO_IFN, INDIC_PRIO_KM, n);
    free(v);
    return 0;
usage:
    fprintf(stderr, "usage: passerelle indicateurs prioritaires [--dans NIVEAU:CODE] [--limit N]\n");
    return 2;
}

static int cmd_indicateurs(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    if (argc >= 1 && strcmp(argv[0], "recalculer") == 0) {
        int contours = argc == 2 && strcmp(argv[1], "--contours") == 0;
        if (argc > 2 || (argc == 2 && !contours)) {
            fprintf(stderr, "usage: passerelle indicateurs recalculer [--contours]\n");
            return 2;
        }
        return cli_recalculer(d, contours);
    }
    if (argc >= 1 && strcmp(argv[0], "export") == 0)
        return cmd_export(d, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "prioritaires") == 0)
        return cmd_prioritaires(d, argc - 1, argv + 1);
    fprintf(stderr, "usage: passerelle indicateurs recalculer|export|prioritaires ...\n");
    return 2;
}

const struct cli_command cli_indicateurs_command = {
    "indicateurs",
    "  indicateurs recalculer [--contours]\n"
    "        Recompute every figure of the territorial diagnostic for every\n"
    "        territory (IFN aggregates, places, distance to the nearest place per\n"
    "        category, population beyond 5/10/20 km, priority communes, similar\n"
    "        territories, statistical secrecy); --contours also rebuilds the EPCI\n"
    "        outlines (done by itself after a territories import).\n"
    "  indicateurs export --level nation|region|departement|epci|commune\n"
    "        [--dans NIVEAU:CODE] [--format csv|json] [--variante NAME] [-o FILE]\n"
    "        Open data by territory, small counts of inhabitants suppressed.\n"
    "  indicateurs prioritaires [--dans NIVEAU:CODE] [--limit N]\n"
    "        Priority communes: fragility high and help far, ranked.\n",
    1,
    cmd_indicateurs,
};
