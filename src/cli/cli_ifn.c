/* cli_ifn.c - `passerelle ifn ...`: import of a published IFN file,
 * computation from raw indicators, ARCEP FttH conversion, export,
 * comparison with published aggregates, variants (see cli.h). The rules
 * live in territoires/ifn.c; after a change of the IFN the indicators are
 * recomputed (territoires/indicateurs.c) unless --sans-recalcul. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "territoires/ifn.h"
#include "territoires/indicateurs.h"

/* The summary line, and the journal entry of the write. */
static void bilan(struct db *d, const char *action, const char *variante,
                  const struct ifn_bilan *b)
{
    char apres[600];
    snprintf(apres, sizeof apres, "{\"import\":%ld,\"lignes\":%ld,\"gardees\":%ld,"
             "\"rejetees\":%ld,\"communes\":%ld,\"references\":%ld}", b->id, b->lignes,
             b->gardees, b->rejetees, b->communes, b->references);
    cli_journaliser(d, action, "ifn_variante", variante, apres);
    fprintf(stdout, "ifn: lignes=%ld gardees=%ld rejetees=%ld communes=%ld regroupees=%ld "
            "ponderees=%ld references=%ld import=%ld\n",
            b->lignes, b->gardees, b->rejetees, b->communes, b->regroupees, b->ponderees,
            b->references, b->id);
}

struct opts {
    const char *fichier, *variante, *populations, *niveau, *format, *sortie;
    const char *reference, *classes;
    int sans_recalcul, activer;
    const char *extra[2];
    int nextra;
};

/* Options shared by the actions; returns 0 or 2 (usage). */
static int lire_opts(const char *action, int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--variante") == 0 && v)
            o->variante = argv[++i];
        else if (strcmp(a, "--populations") == 0 && v)
            o->populations = argv[++i];
        else if ((strcmp(a, "--level") == 0 || strcmp(a, "--niveau") == 0) && v)
            o->niveau = argv[++i];
        else if (strcmp(a, "--format") == 0 && v)
            o->format = argv[++i];
        else if (strcmp(a, "-o") == 0 && v)
            o->sortie = argv[++i];
        else if (strcmp(a, "--reference") == 0 && v)
            o->reference = argv[++i];
        else if (strcmp(a, "--classes") == 0 && v)
            o->classes = argv[++i];
        else if (strcmp(a, "--sans-recalcul") == 0)
            o->sans_recalcul = 1;
        else if (strcmp(a, "--activer") == 0)
            o->activer = 1;
        else if (a[0] != '-' && !o->fichier)
            o->fichier = a;
        else if (a[0] != '-' && o->nextra < 2)
            o->extra[o->nextra++] = a;
        else {
            fprintf(stderr, "ifn %s: option inconnue : %s\n", action, a);
            return 2;
        }
    }
    return 0;
}

static int cmd_import(struct db *d, const struct opts *o)
{
    if (!o->fichier) {
        fprintf(stderr, "usage: passerelle ifn import FICHIER [--variante NOM] "
                        "[--populations FICHIER] [--sans-recalcul]\n");
        return 2;
    }
    struct ifn_bilan b;
    char err[512];
    if (ifn_importer(d, o->fichier, o->variante, o->populations, &b, stderr, err, sizeof err) < 0) {
        fprintf(stderr, "ifn import: %s\n", err);
        return 1;
    }
    bilan(d, "ifn.import", o->variante ? o->variante : "publie", &b);
    return o->sans_recalcul ? 0 : cli_recalculer(d, 0);
}

static int cmd_calcul(struct db *d, const struct opts *o)
{
    enum ifn_reference ref = IFN_REF_NATION;
    enum ifn_classes cls = IFN_CLASSES_COMMUNES;
    if (o->reference && strcmp(o->reference, "nation") != 0) {
        if (strcmp(o->reference, "region") == 0)
            ref = IFN_REF_REGION;
        else if (strcmp(o->reference, "departement") == 0)
            ref = IFN_REF_DEPARTEMENT;
        else
            goto usage;
    }
    if (o->classes && strcmp(o->classes, "communes") != 0) {
        if (strcmp(o->classes, "population") != 0)
            goto usage;
        cls = IFN_CLASSES_POPULATION;
    }
    if (!o->fichier)
        goto usage;
    struct ifn_bilan b;
    char err[512];
    if (ifn_calculer(d, o->fichier, o->variante, ref, cls, o->populations, &b, stderr, err,
                     sizeof err) < 0) {
        fprintf(stderr, "ifn calcul: %s\n", err);
        return 1;
    }
    char nom[64];
    snprintf(nom, sizeof nom, "calcul-%s-%s", ifn_reference_nom(ref), ifn_classes_nom(cls));
    bilan(d, "ifn.calcul", o->variante ? o->variante : nom, &b);
    if (o->activer) {
        if (ifn_activer(d, o->variante ? o->variante : nom) != 1) {
            fprintf(stderr, "ifn calcul: activation impossible : %s\n", d->err);
            return 1;
        }
        cli_journaliser(d, "ifn.activer", "ifn_variante", o->variante ? o->variante : nom, NULL);
    }
    return o->sans_recalcul ? 0 : cli_recalculer(d, 0);
usage:
    fprintf(stderr, "usage: passerelle ifn calcul FICHIER [--reference nation|region|departement] "
                    "[--classes communes|population] [--variante NOM] [--populations FICHIER] "
                    "[--activer] [--sans-recalcul]\n");
    return 2;
}

static int cmd_arcep(const struct opts *o)
{
    if (!o->fichier || o->nextra != 1) {
        fprintf(stderr, "usage: passerelle ifn arcep COMMUNES.csv FTTH_COMMUNES.csv [-o FICHIER]\n");
        return 2;
    }
    struct buf out = BUF_INIT;
    char err[512];
    long n = ifn_arcep(o->fichier, o->extra[0], &out, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "ifn arcep: %s\n", err);
        buf_free(&out);
        return 1;
    }
    int rc = cli_ecrire(o->sortie, out.s ? out.s : "", out.len, "ifn arcep");
    buf_free(&out);
    fprintf(stderr, "ifn arcep: %ld communes\n", n);
    return rc < 0 ? 1 : 0;
}

static int variante_ou_active(struct db *d, const struct opts *o, char *out, size_t n)
{
    if (o->variante) {
        snprintf(out, n, "%s", o->variante);
        return 1;
    }
    int rc = ifn_variante_active(d, out, n);
    if (rc == 0)
        fprintf(stderr, "ifn: aucune variante de l'IFN : importez un fichier (ifn import)\n");
    else if (rc < 0)
        fprintf(stderr, "ifn: %s\n", d->err);
    return rc;
}

static int cmd_export(struct db *d, const struct opts *o)
{
    if (!o->niveau || !indic_niveau_ok(o->niveau) ||
        (o->format && strcmp(o->format, "csv") != 0 && strcmp(o->format, "json") != 0)) {
        fprintf(stderr, "usage: passerelle ifn export --level commune|epci|departement|region|nation "
                        "[--format csv|json] [--variante NOM] [-o FICHIER]\n");
        return 2;
    }
    char var[64];
    if (variante_ou_active(d, o, var, sizeof var) != 1)
        return 1;
    struct buf out = BUF_INIT;
    long n = ifn_exporter(d, var, o->niveau, o->format && strcmp(o->format, "json") == 0, &out);
    if (n < 0) {
        fprintf(stderr, "ifn export: %s\n", d->err);
        buf_free(&out);
        return 1;
    }
    int rc = cli_ecrire(o->sortie, out.s ? out.s : "", out.len, "ifn export");
    buf_free(&out);
    fprintf(stderr, "ifn export: %ld territoires (variante %s)\n", n, var);
    if (n == 0)
        fprintf(stderr, "ifn export: aucun chiffre : lancez « passerelle indicateurs recalculer »\n");
    return rc < 0 ? 1 : 0;
}

static int cmd_comparer(struct db *d, const struct opts *o)
{
    char var[64];
    const char *niveau = o->niveau ? o->niveau : "epci";
    if (variante_ou_active(d, o, var, sizeof var) != 1)
        return 1;
    struct ifn_accord a;
    if (ifn_comparer(d, var, niveau, &a) < 0) {
        fprintf(stderr, "ifn comparer: %s\n", d->err);
        return 1;
    }
    if (a.n == 0) {
        fprintf(stdout, "ifn comparer: aucune valeur publiée au niveau %s dans la variante %s "
                        "(importez par exemple le fichier des EPCI de La Mednum)\n", niveau, var);
        return 0;
    }
    fprintf(stdout, "niveau=%s variante=%s compares=%ld absents=%ld\n", niveau, var, a.n, a.absents);
    fprintf(stdout, "ecart_total: moyenne=%.4f mediane=%.4f p90=%.4f p99=%.4f max=%.4f\n",
            a.moyenne, a.mediane, a.p90, a.p99, a.max);
    fprintf(stdout, "part_ecart_total<=0.05: %.4f\npart_ecart_total<=0.01: %.4f\n", a.part_005,
            a.part_001);
    fprintf(stdout, "ecart_sous_indices: moyenne=%.4f max=%.4f\n", a.sous_moyenne, a.sous_max);
    for (int i = 0; i < a.npires; i++)
        fprintf(stdout, "pire %s %.4f\n", a.pires[i].code, a.pires[i].ecart);
    return 0;
}

static int cmd_ifn(const char *dbpath, struct db *d, int argc, char **argv)
{
    (void)dbpath;
    if (argc < 1) {
        fprintf(stderr, "usage: passerelle ifn import|calcul|arcep|export|comparer|variantes|"
                        "activer ...\n");
        return 2;
    }
    const char *action = argv[0];
    struct opts o;
    if (lire_opts(action, argc - 1, argv + 1, &o) != 0)
        return 2;
    if (strcmp(action, "import") == 0)
        return cmd_import(d, &o);
    if (strcmp(action, "calcul") == 0)
        return cmd_calcul(d, &o);
    if (strcmp(action, "arcep") == 0)
        return cmd_arcep(&o);
    if (strcmp(action, "export") == 0)
        return cmd_export(d, &o);
    if (strcmp(action, "comparer") == 0)
        return cmd_comparer(d, &o);
    if (strcmp(action, "variantes") == 0)
        return ifn_lister(d, stdout) < 0 ? 1 : 0;
    if (strcmp(action, "activer") == 0) {
        if (!o.fichier) {
            fprintf(stderr, "usage: passerelle ifn activer NOM\n");
            return 2;
        }
        int rc = ifn_activer(d, o.fichier);
        if (rc <= 0) {
            fprintf(stderr, "ifn activer: %s\n", rc < 0 ? d->err : "variante inconnue");
            return 1;
        }
        cli_journaliser(d, "ifn.activer", "ifn_variante", o.fichier, NULL);
        return o.sans_recalcul ? 0 : cli_recalculer(d, 0);
    }
    fprintf(stderr, "ifn: action inconnue : %s\n", action);
    return 2;
}

const struct cli_command cli_ifn_command = {
    "ifn",
    "  ifn import FILE [--variante NAME] [--populations FILE] [--sans-recalcul]\n"
    "        Import a published Indice de Fragilit\xc3\xa9 Num\xc3\xa9rique file (La Mednum's\n"
    "        format: code, 5 sub-scores 1-10, total; 0 or empty = missing). Old\n"
    "        commune codes, arrondissements and IRIS are combined into current\n"
    "        communes (weights: a population column, else --populations FILE,\n"
    "        else equal); EPCI, d\xc3\xa9partement and r\xc3\xa9gion rows are kept as published\n"
    "        values. Every rejected row is printed; then the indicators are\n"
    "        recomputed. Variant default: publie.\n"
    "  ifn calcul FILE [--reference nation|region|departement]\n"
    "        [--classes communes|population] [--variante NAME] [--populations FILE]\n"
    "        [--activer] [--sans-recalcul]\n"
    "        Compute the IFN from raw indicators in percent (taux_non_couverture_thd,\n"
    "        taux_non_couverture_4g, taux_pauvrete, part_65_ans_plus,\n"
    "        part_peu_diplomes; any may be missing): classes 1-10 against the\n"
    "        reference, total = mean of the sub-scores present.\n"
    "  ifn arcep COMMUNES.csv FTTH_COMMUNES.csv [-o FILE]\n"
    "        Raw THD non-coverage (FttH) per commune from ARCEP's files.\n"
    "  ifn export --level commune|epci|departement|region|nation [--format csv|json]\n"
    "        [--variante NAME] [-o FILE]\n"
    "        The IFN by territory: code, nom, total, the 5 sub-scores, population.\n"
    "  ifn comparer [--level epci] [--variante NAME]\n"
    "        Our aggregates against the published values of that level.\n"
    "  ifn variantes | ifn activer NAME\n"
    "        List the variants; choose the one the dashboards use.\n",
    1,
    cmd_ifn,
};
