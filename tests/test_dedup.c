/* test_dedup.c - deduplication rules, overrides, merge policy, and a
 * brute-force cross-check of dedup_run() against an all-pairs computation. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "check.h"
#include "lieux/dedup.h"

/* Places are built by hand so the test does not depend on lieu.c. */
static void set(struct lieu *l, int f, const char *v)
{
    free(l->f[f]);
    l->f[f] = v ? strdup(v) : NULL;
}

static void release(struct lieu *l)
{
    for (int f = 0; f < LF__COUNT; f++)
        free(l->f[f]);
    memset(l, 0, sizeof *l);
}

static void mk(struct lieu *l, const char *id, const char *nom, const char *adresse,
               const char *typologie, int coords, double lat, double lon)
{
    memset(l, 0, sizeof *l);
    set(l, LF_ID, id);
    set(l, LF_NOM, nom);
    set(l, LF_ADRESSE, adresse);
    set(l, LF_TYPOLOGIE, typologie);
    set(l, LF_DATE_MAJ, "2024-06-01");
    l->has_coords = coords;
    l->lat = lat;
    l->lon = lon;
}

static struct dedup_rec rec(const struct lieu *l, const char *source, const char *commune)
{
    struct dedup_rec r = {l, source, commune, 0, 0, 0};
    return r;
}

static const struct dedup_pair *find_pair(const struct dedup_result *r, size_t a, size_t b)
{
    for (size_t k = 0; k < r->npairs; k++)
        if (r->pairs[k].a == a && r->pairs[k].b == b)
            return &r->pairs[k];
    return NULL;
}

/* ---------------------------------------------------------------- ratio */

/* Reference: fold like dedup_ratio(), then a plain O(n*m) LCS table. */
static int naive_ratio(const char *a, const char *b)
{
    char fa[DEDUP_MAX_LEN + 1], fb[DEDUP_MAX_LEN + 1];
    size_t la = text_fold(a, fa, sizeof fa), lb = text_fold(b, fb, sizeof fb);
    if (!la || !lb)
        return 0;
    static unsigned short t[DEDUP_MAX_LEN + 1][DEDUP_MAX_LEN + 1];
    for (size_t i = 0; i <= la; i++)
        for (size_t j = 0; j <= lb; j++) {
            if (!i || !j)
                t[i][j] = 0;
            else if (fa[i - 1] == fb[j - 1])
                t[i][j] = (unsigned short)(t[i - 1][j - 1] + 1);
            else
                t[i][j] = t[i - 1][j] > t[i][j - 1] ? t[i - 1][j] : t[i][j - 1];
        }
    /* round half up of 100 * 2 * lcs / lensum, exact in integers */
    size_t lensum = la + lb, lcs = t[la][lb];
    return (int)((400 * lcs + lensum) / (2 * lensum));
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static void test_ratio(void)
{
    CHECK(dedup_ratio("Mairie de Foix", "Mairie de Foix") == 100);
    /* "mairie de foix" (14) vs "mairie foix" (11): LCS 11, indel 3,
     * round(100 * 22 / 25) = 88 */
    CHECK(dedup_ratio("Mairie de Foix", "Mairie Foix") == 88);
    /* kitten/sitting: LCS "ittn" = 4, round(100 * 8 / 13) = round(61.5) = 62 */
    CHECK(dedup_ratio("kitten", "sitting") == 62);
    /* "abc"/"abd": LCS 2, round(100 * 4 / 6) = 67 */
    CHECK(dedup_ratio("abc", "abd") == 67);
    /* "12 rue de la paix" (17) vs "12 r de la paix" (15): round(3000 / 32) = 94 */
    CHECK(dedup_ratio("12 rue de la Paix", "12 r. de la paix") == 94);
    CHECK(dedup_ratio("Espace France Services", "France Services") == 81);
    /* normalisation: case, accents, punctuation, spaces */
    CHECK(dedup_ratio("Médiathèque", "MEDIATHEQUE") == 100);
    CHECK(dedup_ratio("  a--b ", "a b") == 100);
    CHECK(dedup_ratio("Cœur", "coeur") == 100);
    /* empty strings score 0, like fuzzball */
    CHECK(dedup_ratio("", "") == 0);
    CHECK(dedup_ratio("abc", "") == 0);
    CHECK(dedup_ratio(NULL, "abc") == 0);
    CHECK(dedup_ratio("--", "abc") == 0);
    CHECK(dedup_ratio("abc", "xyz") == 0);
    CHECK(dedup_ratio("ab", "ba") == 50);

    /* Bit-parallel LCS vs the table, short and multi-word (> 64, > 256). */
    char a[400], b[400];
    int bad = 0;
    for (int it = 0; it < 3000; it++) {
        size_t la = rnd(it < 1500 ? 40 : 330), lb = rnd(it < 1500 ? 40 : 330);
        for (size_t i = 0; i < la; i++)
            a[i] = "abcde fghij"[rnd(it % 2 ? 11 : 4)];
        for (size_t i = 0; i < lb; i++)
            b[i] = i < la && rnd(4) ? a[i] : "abcde fghij"[rnd(it % 2 ? 11 : 4)];
        a[la] = b[lb] = 0;
        if (dedup_ratio(a, b) != naive_ratio(a, b) || dedup_ratio(a, b) != dedup_ratio(b, a))
            bad++;
    }
    CHECK(bad == 0);
}

/* ---------------------------------------------------------------- scores */

static void test_score(void)
{
    struct lieu a, b;
    struct dedup_pair p;
    mk(&a, "a", "Mairie de Foix", "1 place de la Mairie", NULL, 1, 42.9650, 1.6050);
    mk(&b, "b", "Mairie Foix", "1 place de la mairie", NULL, 1, 42.9650, 1.6050);
    dedup_score(&a, &b, &p);
    CHECK(p.nom == 88 && p.voie == 100 && p.distance == 100);
    CHECK(p.score == 96); /* trunc(288 / 3) */

    b.lat = a.lat + 0.0003; /* under 0.0004 degrees: 100 */
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 100);
    b.lat = a.lat + 0.0005; /* 100 / 1.5 = 66.6 */
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 66);
    b.lat = a.lat + 0.0003;
    b.lon = a.lon + 0.0004; /* Euclidean: 0.0005 */
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 66);
    b.lat = a.lat + 0.01; /* 100 / 11 = 9.09 */
    b.lon = a.lon;
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 9);
    CHECK(p.score == (88 + 100 + 9) / 3);
    b.has_coords = 0; /* missing coordinates count as distance 0 */
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 100);
    b.has_coords = 1; /* so do coordinates that are not numbers */
    b.lat = NAN;
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 100);
    b.lat = INFINITY;
    dedup_score(&a, &b, &p);
    CHECK(p.distance == 100);
    release(&a);
    release(&b);
}

/* Two identical places d degrees apart in latitude, different sources. */
static int dup_at(double d, const struct dedup_params *pp)
{
    struct lieu a, b;
    mk(&a, "a", "Espace numérique", "3 rue Haute", "EPN", 1, 45.0, 3.0);
    mk(&b, "b", "Espace numerique", "3 rue haute", "EPN", 1, 45.0 + d, 3.0);
    struct dedup_rec r[2] = {rec(&a, "s1", "63113"), rec(&b, "s2", "63113")};
    struct dedup_result res;
    int rc = dedup_run(r, 2, NULL, 0, pp, &res);
    int dup = rc == 0 && res.group[1] == 0;
    CHECK(rc == 0);
    dedup_result_free(&res);
    release(&a);
    release(&b);
    return dup;
}

static void test_thresholds(void)
{
    /* d = 0.001: distance 50, score trunc(250 / 3) = 83: not above 83 */
    CHECK(!dup_at(0.001, NULL));
    /* d = 0.0009: distance 52, score 84 */
    CHECK(dup_at(0.0009, NULL));
    CHECK(dup_at(0.0, NULL));
    struct dedup_params p;
    dedup_params_init(&p);
    CHECK(p.cutoff_cross == 83 && p.cutoff_internal == 90 && !p.allow_internal);
    p.cutoff_cross = 82;
    CHECK(dup_at(0.001, &p));
    p.cutoff_cross = 95;
    CHECK(!dup_at(0.0009, &p));
    /* A low cutoff disables the distance sweep: far places still compared. */
    p.cutoff_cross = 60;
    CHECK(dup_at(0.5, &p)); /* distance 0, score trunc(200/3) = 66 */
    p.cutoff_cross = 100;
    CHECK(!dup_at(0.0, &p));
}

static void test_sources(void)
{
    struct lieu a, b;
    mk(&a, "a", "Espace numérique", "3 rue Haute", NULL, 1, 45.0, 3.0);
    mk(&b, "b", "Espace numérique", "3 rue Haute", NULL, 1, 45.0009, 3.0);
    struct dedup_rec r[2] = {rec(&a, "s1", "63113"), rec(&b, "s1", "63113")};
    struct dedup_result res;
    struct dedup_params p = DEDUP_PARAMS_DEFAULT;

    /* same source: not even a candidate by default */
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 2 && res.ncandidates == 0 && res.npairs == 0);
    dedup_result_free(&res);
    /* allowed, but score 84 is not above 90 */
    p.allow_internal = 1;
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 2 && res.ncandidates == 1);
    dedup_result_free(&res);
    /* identical places of one source: 100 > 90 */
    b.lat = 45.0;
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 1 && res.npairs == 1 && res.pairs[0].decision == DEDUP_DUP);
    dedup_result_free(&res);
    /* source falls back to the place's own field */
    set(&a, LF_SOURCE, "x");
    set(&b, LF_SOURCE, "y");
    r[0].source = r[1].source = NULL;
    p.allow_internal = 0;
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 1);
    dedup_result_free(&res);
    /* communes: different, missing */
    r[1].commune = "63114";
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 2 && res.ncandidates == 0);
    dedup_result_free(&res);
    r[0].commune = r[1].commune = NULL;
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 2 && res.ncandidates == 0);
    dedup_result_free(&res);
    release(&a);
    release(&b);
}

static int same_group_typ(const char *t1, const char *t2)
{
    struct lieu a, b;
    mk(&a, "a", "Maison France Services", "2 rue du Port", t1, 1, 45.0, 3.0);
    mk(&b, "b", "Maison France Services", "2 rue du Port", t2, 1, 45.0, 3.0);
    struct dedup_rec r[2] = {rec(&a, "s1", "63113"), rec(&b, "s2", "63113")};
    struct dedup_result res;
    int same = dedup_run(r, 2, NULL, 0, NULL, &res) == 0 && res.group[1] == 0;
    dedup_result_free(&res);
    release(&a);
    release(&b);
    return same;
}

static void test_typologies(void)
{
    CHECK(dedup_typologies_compatible(NULL, "BIB"));
    CHECK(dedup_typologies_compatible("", ""));
    CHECK(dedup_typologies_compatible(" | ", "BIB"));
    CHECK(dedup_typologies_compatible("BIB|EPN", "MUNI|EPN"));
    CHECK(dedup_typologies_compatible("BIB | EPN", "EPN"));
    CHECK(!dedup_typologies_compatible("BIB", "MUNI"));
    CHECK(!dedup_typologies_compatible("BIB", "BIBLIO"));
    CHECK(dedup_typologies_compatible("RFS", "PIMMS"));
    CHECK(dedup_typologies_compatible("PIMMS", "RFS"));
    CHECK(dedup_typologies_compatible("MUNI|RFS", "PIMMS|ASSO"));
    CHECK(!dedup_typologies_compatible("RFS", "MUNI"));
    CHECK(!dedup_typologies_compatible("PIMMS", "PIMMS_X"));

    CHECK(same_group_typ("RFS", "PIMMS"));
    CHECK(same_group_typ("BIB|EPN", "EPN"));
    CHECK(same_group_typ(NULL, "MUNI"));
    CHECK(!same_group_typ("BIB", "MUNI"));
    CHECK(!same_group_typ("RFS", "CCAS"));
}

/* ------------------------------------------------------------- grouping */

static void test_transitive(void)
{
    /* A (s1) ~ B (s2) ~ C (s1); A and C share a source: never compared. */
    struct lieu l[4];
    mk(&l[0], "a", "Tiers-lieu La Fabrique", "5 rue Neuve", NULL, 1, 48.0, 2.0);
    mk(&l[1], "b", "Tiers lieu La Fabrique", "5 rue Neuve", NULL, 1, 48.0001, 2.0);
    mk(&l[2], "c", "Tiers lieu la fabrique", "5 r. Neuve", NULL, 1, 48.0002, 2.0);
    mk(&l[3], "d", "Bibliothèque municipale", "1 place de l'Eglise", NULL, 1, 48.01, 2.0);
    struct dedup_rec r[4] = {rec(&l[0], "s1", "91001"), rec(&l[1], "s2", "91001"),
                             rec(&l[2], "s1", "91001"), rec(&l[3], "s3", "91001")};
    struct dedup_result res;
    CHECK(dedup_run(r, 4, NULL, 0, NULL, &res) == 0);
    CHECK(res.group[0] == 0 && res.group[1] == 0 && res.group[2] == 0 && res.group[3] == 3);
    CHECK(res.ngroups == 2);
    CHECK(res.npairs == 2);
    CHECK(find_pair(&res, 0, 1) && find_pair(&res, 1, 2) && !find_pair(&res, 0, 2));
    CHECK(find_pair(&res, 0, 1) && find_pair(&res, 0, 1)->decision == DEDUP_DUP);
    dedup_result_free(&res);

    /* representative is the smallest index even when linked late */
    struct dedup_rec r2[4] = {r[3], r[2], r[1], r[0]};
    CHECK(dedup_run(r2, 4, NULL, 0, NULL, &res) == 0);
    CHECK(res.group[0] == 0 && res.group[1] == 1 && res.group[2] == 1 && res.group[3] == 1);
    dedup_result_free(&res);
    for (int i = 0; i < 4; i++)
        release(&l[i]);
}

static void test_never(void)
{
    struct lieu l[3];
    for (int i = 0; i < 3; i++)
        mk(&l[i], i == 0 ? "a" : i == 1 ? "b" : "c", "Point numérique CAF", "10 avenue Foch",
           NULL, 1, 43.0, 5.0);
    struct dedup_rec r[3] = {rec(&l[0], "s1", "13055"), rec(&l[1], "s2", "13055"),
                             rec(&l[2], "s3", "13055")};
    struct dedup_result res;

    /* direct: A never B */
    struct dedup_override ov1 = {1, 0, 0};
    CHECK(dedup_run(r, 2, &ov1, 1, NULL, &res) == 0);
    CHECK(res.ngroups == 2 && res.npairs == 1);
    CHECK(res.pairs[0].a == 0 && res.pairs[0].b == 1);
    CHECK(res.pairs[0].decision == DEDUP_FORCED_SPLIT && res.pairs[0].score == 100);
    dedup_result_free(&res);

    /* transitive: A never C; all three score 100. (0,1) links first, (0,2)
     * is the override, (1,2) is refused: it would put A and C together. */
    struct dedup_override ov2 = {0, 2, 0};
    CHECK(dedup_run(r, 3, &ov2, 1, NULL, &res) == 0);
    CHECK(res.group[0] == 0 && res.group[1] == 0 && res.group[2] == 2);
    CHECK(res.npairs == 3);
    CHECK(find_pair(&res, 0, 1) && find_pair(&res, 0, 1)->decision == DEDUP_DUP);
    CHECK(find_pair(&res, 0, 2) && find_pair(&res, 0, 2)->decision == DEDUP_FORCED_SPLIT);
    CHECK(find_pair(&res, 1, 2) && find_pair(&res, 1, 2)->decision == DEDUP_FORCED_SPLIT);
    dedup_result_free(&res);

    /* strongest link wins: B~C scores 100, A~B less; A never C. */
    set(&l[0], LF_NOM, "Point numerique CAF Marseille");
    CHECK(dedup_run(r, 3, &ov2, 1, NULL, &res) == 0);
    CHECK(res.group[0] == 0 && res.group[1] == 1 && res.group[2] == 1);
    CHECK(find_pair(&res, 0, 1) && find_pair(&res, 0, 1)->decision == DEDUP_FORCED_SPLIT);
    CHECK(find_pair(&res, 1, 2) && find_pair(&res, 1, 2)->decision == DEDUP_DUP);
    dedup_result_free(&res);

    /* "never" beats "always", on the same pair or through a chain */
    struct dedup_override ov3[3] = {{0, 1, 1}, {0, 1, 0}, {0, 1, 1}};
    CHECK(dedup_run(r, 2, ov3, 3, NULL, &res) == 0);
    CHECK(res.ngroups == 2 && res.npairs == 1 && res.pairs[0].decision == DEDUP_FORCED_SPLIT);
    dedup_result_free(&res);
    struct dedup_override ov4[3] = {{0, 1, 1}, {1, 2, 1}, {2, 0, 0}};
    r[0].commune = r[1].commune = r[2].commune = NULL; /* only overrides link */
    CHECK(dedup_run(r, 3, ov4, 3, NULL, &res) == 0);
    /* "always" links go by score too: (1,2) scores 100, (0,1) 93 */
    CHECK(res.group[0] == 0 && res.group[1] == 1 && res.group[2] == 1);
    CHECK(find_pair(&res, 1, 2) && find_pair(&res, 1, 2)->decision == DEDUP_FORCED_MERGE);
    CHECK(find_pair(&res, 0, 1) && find_pair(&res, 0, 1)->decision == DEDUP_FORCED_SPLIT);
    dedup_result_free(&res);
    for (int i = 0; i < 3; i++)
        release(&l[i]);
}

static void test_always(void)
{
    struct lieu a, b, c;
    mk(&a, "a", "Médiathèque Jean Jaurès", "1 rue A", "BIB", 1, 45.0, 3.0);
    mk(&b, "b", "Centre social", "99 boulevard Z", "CS", 1, 46.0, 4.0);
    mk(&c, "c", "Centre social", "99 boulevard Z", "CS", 0, 0, 0);
    struct dedup_rec r[3] = {rec(&a, "s1", "63113"), rec(&b, "s1", "69123"),
                             rec(&c, "s2", NULL)};
    struct dedup_override ov = {0, 1, 1};
    struct dedup_result res;
    CHECK(dedup_run(r, 3, &ov, 1, NULL, &res) == 0);
    CHECK(res.group[0] == 0 && res.group[1] == 0 && res.group[2] == 2 && res.ngroups == 2);
    CHECK(res.npairs == 1 && res.pairs[0].decision == DEDUP_FORCED_MERGE);
    CHECK(res.pairs[0].score < 50);
    dedup_result_free(&res);

    /* invalid overrides */
    struct dedup_override bad1 = {0, 3, 1}, bad2 = {1, 1, 0};
    errno = 0;
    CHECK(dedup_run(r, 3, &bad1, 1, NULL, &res) == -1 && errno == EINVAL);
    CHECK(res.group == NULL && res.pairs == NULL);
    CHECK(dedup_run(r, 3, &bad2, 1, NULL, &res) == -1 && errno == EINVAL);
    /* empty input */
    CHECK(dedup_run(NULL, 0, NULL, 0, NULL, &res) == 0 && res.ngroups == 0);
    dedup_result_free(&res);
    release(&a);
    release(&b);
    release(&c);
}

static void test_near_misses(void)
{
    struct lieu a, b;
    mk(&a, "a", "Espace numérique", "3 rue Haute", NULL, 1, 45.0, 3.0);
    mk(&b, "b", "Espace numerique", "3 rue haute", NULL, 1, 45.001, 3.0); /* score 83 */
    struct dedup_rec r[2] = {rec(&a, "s1", "63113"), rec(&b, "s2", "63113")};
    struct dedup_params p = DEDUP_PARAMS_DEFAULT;
    struct dedup_result res;
    p.report_min = 80;
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.ngroups == 2 && res.npairs == 1);
    CHECK(res.npairs == 1 && res.pairs[0].decision == DEDUP_DISTINCT && res.pairs[0].score == 83);
    dedup_result_free(&res);
    p.report_min = 84;
    CHECK(dedup_run(r, 2, NULL, 0, &p, &res) == 0);
    CHECK(res.npairs == 0);
    dedup_result_free(&res);
    release(&a);
    release(&b);
}

/* ---------------------------------------------------------------- merge */

static void test_too_old(void)
{
    long long day = 86400, d0 = 19723 * day; /* 2024-01-01T00:00:00Z */
    CHECK(!dedup_too_old("2024-01-01", d0));
    CHECK(!dedup_too_old("2024-01-01", d0 + 182 * day));
    CHECK(!dedup_too_old("2024-01-01", d0 + 182 * day + day / 2)); /* exactly 182.5 */
    CHECK(dedup_too_old("2024-01-01", d0 + 182 * day + day / 2 + 1));
    CHECK(dedup_too_old("2023-01-01", d0));
    CHECK(dedup_too_old("1970-01-01", 200 * day));
    CHECK(dedup_too_old("2024-01-01T10:00:00Z", d0 + 200 * day));
    CHECK(!dedup_too_old("", d0));
    CHECK(!dedup_too_old(NULL, d0));
    CHECK(!dedup_too_old("2023-13-01", d0));
    CHECK(!dedup_too_old("2023-02-30", d0));
    CHECK(!dedup_too_old("01/01/2020", d0));
    CHECK(!dedup_too_old("2020-01-01x", d0));
}

static void test_merge(void)
{
    struct lieu a, b, c, m;
    int prov[LF__COUNT];
    /* a: most recent; b: older; c: too old */
    mk(&a, "coop-1-mediation-numerique", "Espace Num", "1 rue A", "EPN", 0, 0, 0);
    set(&a, LF_DATE_MAJ, "2024-06-01");
    set(&a, LF_PIVOT, "00000000000000");
    set(&a, LF_SERVICES, "Aide aux démarches administratives|Maîtrise des outils numériques");
    set(&a, LF_DISPOSITIF_PROGRAMMES_NATIONAUX, "Conseillers numériques");
    set(&a, LF_SOURCE, "coop");
    mk(&b, "dora-7", "Espace numérique de Foix", "1 rue A", "MUNI|EPN", 1, 42.96, 1.60);
    set(&b, LF_DATE_MAJ, "2024-05-01");
    set(&b, LF_PIVOT, "21090122300016");
    set(&b, LF_TELEPHONE, "+33561000000");
    set(&b, LF_SERVICES, "Maîtrise des outils numériques|Accès internet et matériel informatique");
    set(&b, LF_COURRIELS, "contact@foix.fr");
    set(&b, LF_SOURCE, "dora");
    set(&b, LF_LATITUDE, "42.96");
    set(&b, LF_LONGITUDE, "1.6");
    mk(&c, "fs-3", "Vieux nom", "9 rue Z", "CCAS", 1, 40.0, 1.0);
    set(&c, LF_DATE_MAJ, "2022-01-01");
    set(&c, LF_TELEPHONE, "+33500000000");
    set(&c, LF_SERVICES, "Parentalité et éducation avec le numérique");
    set(&c, LF_DISPOSITIF_PROGRAMMES_NATIONAUX, "France Services|Conseillers numériques");
    set(&c, LF_HORAIRES, "Mo 09:00-12:00");

    struct dedup_rec ra = rec(&a, "coop", "09122"), rb = rec(&b, "dora", "09122"),
                     rc = rec(&c, "fs", "09122");
    rc.too_old = 1;
    const struct dedup_rec *mem[3] = {&rc, &rb, &ra};
    CHECK(dedup_merge(mem, 3, &m, prov) == 0);
    CHECK_STR(m.f[LF_ID], "coop-1__dora-7__fs-3");
    CHECK(prov[LF_ID] == DEDUP_PROV_SEVERAL);
    CHECK_STR(m.f[LF_NOM], "Espace Num");
    CHECK(prov[LF_NOM] == 2);
    CHECK_STR(m.f[LF_TELEPHONE], "+33561000000"); /* a has none; c is too old */
    CHECK(prov[LF_TELEPHONE] == 1);
    CHECK_STR(m.f[LF_PIVOT], "21090122300016");
    CHECK(prov[LF_PIVOT] == 1);
    CHECK_STR(m.f[LF_SERVICES], "Aide aux démarches administratives|Maîtrise des outils "
                                "numériques|Accès internet et matériel informatique");
    CHECK(prov[LF_SERVICES] == DEDUP_PROV_SEVERAL);
    CHECK_STR(m.f[LF_TYPOLOGIE], "EPN|MUNI");
    CHECK_STR(m.f[LF_COURRIELS], "contact@foix.fr");
    CHECK(prov[LF_COURRIELS] == 1);
    CHECK_STR(m.f[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], "Conseillers numériques|France Services");
    CHECK(prov[LF_DISPOSITIF_PROGRAMMES_NATIONAUX] == DEDUP_PROV_SEVERAL);
    CHECK(m.f[LF_HORAIRES] == NULL && prov[LF_HORAIRES] == DEDUP_PROV_NONE);
    CHECK_STR(m.f[LF_DATE_MAJ], "2024-06-01");
    CHECK_STR(m.f[LF_SOURCE], "coop");
    /* coordinates from the most recent member that has them */
    CHECK(m.has_coords && m.lat == 42.96 && m.lon == 1.60);
    CHECK_STR(m.f[LF_LATITUDE], "42.96");
    CHECK_STR(m.f[LF_LONGITUDE], "1.6");
    CHECK(prov[LF_LATITUDE] == 1 && prov[LF_LONGITUDE] == 1);
    CHECK(prov[LF_FICHE_ACCES_LIBRE] == DEDUP_PROV_NONE);
    release(&m);

    /* placeholder pivot kept when nobody has a real one */
    set(&b, LF_PIVOT, NULL);
    const struct dedup_rec *ab[2] = {&ra, &rb};
    CHECK(dedup_merge(ab, 2, &m, NULL) == 0);
    CHECK_STR(m.f[LF_PIVOT], "00000000000000");
    release(&m);

    /* all too old: the most recent counts fully, the others give dispositifs */
    ra.too_old = rb.too_old = 1;
    const struct dedup_rec *old[3] = {&rb, &rc, &ra};
    CHECK(dedup_merge(old, 3, &m, prov) == 0);
    CHECK_STR(m.f[LF_NOM], "Espace Num");
    CHECK(prov[LF_NOM] == 2);
    CHECK(m.f[LF_TELEPHONE] == NULL);
    CHECK(!m.has_coords && m.f[LF_LATITUDE] == NULL && prov[LF_LATITUDE] == DEDUP_PROV_NONE);
    CHECK_STR(m.f[LF_SERVICES],
              "Aide aux démarches administratives|Maîtrise des outils numériques");
    CHECK(prov[LF_SERVICES] == 2);
    CHECK_STR(m.f[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], "Conseillers numériques|France Services");
    CHECK_STR(m.f[LF_ID], "coop-1__dora-7__fs-3");
    release(&m);

    /* equal dates: smallest id wins */
    ra.too_old = rb.too_old = 0;
    set(&b, LF_DATE_MAJ, "2024-06-01");
    CHECK(dedup_merge(ab, 2, &m, prov) == 0);
    CHECK_STR(m.f[LF_NOM], "Espace Num"); /* "coop-1-..." < "dora-7" */
    set(&a, LF_ID, "zz-1");
    release(&m);
    CHECK(dedup_merge(ab, 2, &m, prov) == 0);
    CHECK_STR(m.f[LF_NOM], "Espace numérique de Foix");
    CHECK(prov[LF_NOM] == 1);
    CHECK_STR(m.f[LF_ID], "dora-7__zz-1");
    release(&m);

    /* one member: plain copy; none: EINVAL */
    const struct dedup_rec *one[1] = {&ra};
    CHECK(dedup_merge(one, 1, &m, prov) == 0);
    CHECK_STR(m.f[LF_ID], "zz-1");
    CHECK(prov[LF_ID] == 0 && prov[LF_TELEPHONE] == DEDUP_PROV_NONE);
    release(&m);
    errno = 0;
    CHECK(dedup_merge(one, 0, &m, prov) == -1 && errno == EINVAL);
    release(&a);
    release(&b);
    release(&c);
}

static void test_merged_id(void)
{
    struct lieu l[3], m;
    mk(&l[0], "b-2-mediation-numerique", "x", "y", NULL, 0, 0, 0);
    mk(&l[1], "a-mediation-numerique-9", "x", "y", NULL, 0, 0, 0); /* not a suffix */
    mk(&l[2], "c", "x", "y", NULL, 0, 0, 0);
    struct dedup_rec r[3] = {rec(&l[0], "s", "1"), rec(&l[1], "s", "1"), rec(&l[2], "s", "1")};
    const struct dedup_rec *mem[3] = {&r[2], &r[0], &r[1]};
    CHECK(dedup_merge(mem, 3, &m, NULL) == 0);
    CHECK_STR(m.f[LF_ID], "a-mediation-numerique-9__b-2__c");
    release(&m);
    set(&l[2], LF_ID, NULL); /* empty ids are skipped */
    CHECK(dedup_merge(mem, 3, &m, NULL) == 0);
    CHECK_STR(m.f[LF_ID], "a-mediation-numerique-9__b-2");
    release(&m);
    for (int i = 0; i < 3; i++)
        release(&l[i]);
}

/* ------------------------------------------------------ brute force */

static const char *NOMS[] = {"Médiathèque", "Mediatheque", "Espace numérique", "France Services",
                             "Maison France Service", "Centre social", "EPN", "Mairie"};
static const char *SUFFIXES[] = {" du Centre", " du centre", " Jean Moulin", "", " J. Moulin"};
static const char *RUES[] = {"rue de la Paix", "r. de la paix", "avenue Foch", "av Foch",
                             "place du Marché", ""};
static const char *TYPS[] = {NULL, "BIB", "EPN", "BIB|EPN", "RFS", "PIMMS", "MUNI", "CS|EPN"};
static const char *SOURCES[] = {"coop", "dora", "fs"};
static const char *COMMUNES[] = {"75056", "13055", "69123", "09122", "31555"};

static int naive_group_check(size_t n, const struct dedup_rec *r, const struct dedup_params *p,
                             const struct dedup_result *res)
{
    int bad = 0;
    size_t ndup = 0, ndist = 0;
    size_t *uf = malloc(n * sizeof *uf);
    for (size_t i = 0; i < n; i++)
        uf[i] = i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int same = strcmp(r[i].source, r[j].source) == 0;
            if (!r[i].commune || strcmp(r[i].commune, r[j].commune) || (same && !p->allow_internal) ||
                !dedup_typologies_compatible(r[i].l->f[LF_TYPOLOGIE], r[j].l->f[LF_TYPOLOGIE]))
                continue;
            struct dedup_pair s;
            dedup_score(r[i].l, r[j].l, &s);
            int cutoff = same ? p->cutoff_internal : p->cutoff_cross;
            const struct dedup_pair *got = find_pair(res, i, j);
            if (s.score > cutoff) {
                ndup++;
                if (!got || got->decision != DEDUP_DUP || got->score != s.score ||
                    got->nom != s.nom || got->voie != s.voie || got->distance != s.distance)
                    bad++;
                size_t a = i, b = j;
                while (uf[a] != a)
                    a = uf[a];
                while (uf[b] != b)
                    b = uf[b];
                if (a != b)
                    uf[a > b ? a : b] = a < b ? a : b;
            } else if (p->report_min > 0 && s.score >= p->report_min) {
                ndist++;
                if (!got || got->decision != DEDUP_DISTINCT || got->score != s.score)
                    bad++;
            } else if (got) {
                bad++;
            }
        }
    if (ndup + ndist != res->npairs)
        bad++;
    size_t ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = i;
        while (uf[a] != a)
            a = uf[a];
        /* roots are the smallest index of their component */
        if (res->group[i] != a)
            bad++;
        ngroups += a == i;
    }
    if (ngroups != res->ngroups)
        bad++;
    free(uf);
    return bad;
}

static void test_brute_force(void)
{
    enum { N = 300 };
    struct lieu l[N];
    struct dedup_rec r[N];
    char buf[200];
    for (size_t i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "%s%s", NOMS[rnd(8)], SUFFIXES[rnd(5)]);
        if (rnd(5) == 0 && strlen(buf) > 3) /* a typo */
            buf[rnd((uint32_t)strlen(buf))] = 'x';
        char adr[100];
        snprintf(adr, sizeof adr, "%s%u %s", rnd(6) ? "" : "bis ", rnd(3) + 1, RUES[rnd(6)]);
        snprintf(buf + 150, 20, "id%zu", i);
        int coords = rnd(8) != 0;
        double lat = 45.0 + rnd(1500) * 1e-6, lon = 3.0 + rnd(1500) * 1e-6;
        if (rnd(40) == 0)
            lat = NAN; /* has_coords but unusable */
        mk(&l[i], buf + 150, buf, adr, TYPS[rnd(8)], coords, lat, lon);
        r[i] = rec(&l[i], SOURCES[rnd(3)], COMMUNES[rnd(5)]);
    }
    struct dedup_params p = DEDUP_PARAMS_DEFAULT;
    struct dedup_result res;
    size_t dups[4] = {0};
    for (int round = 0; round < 4; round++) {
        if (round == 1)
            p.allow_internal = 1;
        if (round == 2)
            p.report_min = 70;
        if (round == 3) {
            p.cutoff_cross = 75;
            p.cutoff_internal = 78;
            p.report_min = 0;
        }
        CHECK(dedup_run(r, N, NULL, 0, &p, &res) == 0);
        CHECK(naive_group_check(N, r, &p, &res) == 0);
        for (size_t k = 0; k < res.npairs; k++)
            dups[round] += res.pairs[k].decision == DEDUP_DUP;
        /* pairs sorted by (a, b), a < b, each once */
        int sorted = 1;
        for (size_t k = 0; k < res.npairs; k++) {
            if (res.pairs[k].a >= res.pairs[k].b)
                sorted = 0;
            if (k && (res.pairs[k - 1].a > res.pairs[k].a ||
                      (res.pairs[k - 1].a == res.pairs[k].a && res.pairs[k - 1].b >= res.pairs[k].b)))
                sorted = 0;
        }
        CHECK(sorted);
        CHECK(res.nscored <= res.ncandidates);
        dedup_result_free(&res);
    }
    /* the data does hold duplicates, with every parameter set */
    CHECK(dups[0] >= 20 && dups[1] > dups[0] && dups[2] == dups[1] && dups[3] > dups[1]);

    /* Random overrides: "never" pairs end in different groups, and the
     * groups are exactly the components of the linked pairs. */
    struct dedup_override ov[60];
    dedup_params_init(&p);
    CHECK(dedup_run(r, N, NULL, 0, &p, &res) == 0);
    size_t next_dup = 0;
    for (int k = 0; k < 60; k++) {
        ov[k].a = rnd(N);
        do
            ov[k].b = rnd(N);
        while (ov[k].b == ov[k].a);
        ov[k].always = k % 3 == 0;
        if (!ov[k].always && k % 2) { /* aim "never" at found duplicates */
            while (next_dup < res.npairs && res.pairs[next_dup].decision != DEDUP_DUP)
                next_dup++;
            if (next_dup < res.npairs) {
                ov[k].a = res.pairs[next_dup].b;
                ov[k].b = res.pairs[next_dup].a;
                next_dup++;
            }
        }
    }
    dedup_result_free(&res);
    dedup_params_init(&p);
    CHECK(dedup_run(r, N, ov, 60, &p, &res) == 0);
    int bad = 0;
    size_t uf[N];
    for (size_t i = 0; i < N; i++)
        uf[i] = i;
    for (size_t k = 0; k < res.npairs; k++) {
        const struct dedup_pair *q = &res.pairs[k];
        if (q->decision != DEDUP_DUP && q->decision != DEDUP_FORCED_MERGE)
            continue;
        size_t a = q->a, b = q->b;
        while (uf[a] != a)
            a = uf[a];
        while (uf[b] != b)
            b = uf[b];
        if (a != b)
            uf[a > b ? a : b] = a < b ? a : b;
    }
    for (size_t i = 0; i < N; i++) {
        size_t a = i;
        while (uf[a] != a)
            a = uf[a];
        bad += res.group[i] != a;
    }
    for (int k = 0; k < 60; k++) {
        if (!ov[k].always)
            bad += res.group[ov[k].a] == res.group[ov[k].b];
        const struct dedup_pair *q = find_pair(&res, ov[k].a < ov[k].b ? ov[k].a : ov[k].b,
                                               ov[k].a < ov[k].b ? ov[k].b : ov[k].a);
        bad += !q || q->decision == DEDUP_DUP || q->decision == DEDUP_DISTINCT;
    }
    CHECK(bad == 0);
    size_t blocked = 0; /* the overrides did stop some strong links */
    for (size_t k = 0; k < res.npairs; k++)
        blocked += res.pairs[k].decision == DEDUP_FORCED_SPLIT && res.pairs[k].score > 83;
    CHECK(blocked >= 5);
    dedup_result_free(&res);
    for (size_t i = 0; i < N; i++)
        release(&l[i]);
}

/* A structure's own edit (authoritative) wins: ranked first whatever its
 * date, its lists replace the others' (a removed service stays removed),
 * its empty fields let the others' values through, and it lends no id. */
static void test_authoritative_edit(void)
{
    struct lieu a, b, e;
    mk(&a, "fs-1", "France services Foix", "1 rue A", NULL, 1, 42.96, 1.60);
    mk(&b, "cnfs-9", "Espace numérique Foix", "1 rue A", NULL, 1, 42.96, 1.60);
    mk(&e, "france-services:fs-1", "Maison France services de Foix", "1 rue A", NULL, 0, 0, 0);
    set(&a, LF_DATE_MAJ, "2026-11-30");
    set(&b, LF_DATE_MAJ, "2026-11-29");
    set(&e, LF_DATE_MAJ, "2026-01-01"); /* older than both: still wins */
    set(&a, LF_SERVICES, "Aide aux démarches administratives|Accès internet et matériel informatique");
    set(&b, LF_SERVICES, "Loisirs et créations numériques");
    set(&e, LF_SERVICES, "Aide aux démarches administratives");
    set(&a, LF_TELEPHONE, "+33561000000");
    set(&e, LF_TELEPHONE, "+33561999999");
    set(&b, LF_COURRIELS, "contact@foix.fr");
    struct dedup_rec ra = rec(&a, "france-services", "09122"), rb = rec(&b, "cnfs", "09122"),
                     re = rec(&e, "passerelle", "09122");
    re.authoritative = 1;
    const struct dedup_rec *m[] = {&ra, &rb, &re};
    struct lieu out = {0};
    int prov[LF__COUNT];
    CHECK(dedup_merge(m, 3, &out, prov) == 0);
    CHECK_STR(out.f[LF_NOM], "Maison France services de Foix");
    CHECK_STR(out.f[LF_SERVICES], "Aide aux démarches administratives");
    CHECK_STR(out.f[LF_TELEPHONE], "+33561999999");
    CHECK_STR(out.f[LF_COURRIELS], "contact@foix.fr"); /* the edit left it empty */
    CHECK(prov[LF_SERVICES] == 2 && prov[LF_COURRIELS] == 1);
    CHECK_STR(out.f[LF_ID], "cnfs-9__fs-1");        /* no id of the edit's own */
    CHECK(out.has_coords && out.lat == 42.96);      /* coordinates from the others */
    release(&out);
    /* alone (its anchor retired), it is published under its own key */
    const struct dedup_rec *alone[] = {&re};
    CHECK(dedup_merge(alone, 1, &out, NULL) == 0);
    CHECK_STR(out.f[LF_ID], "france-services:fs-1");
    release(&out);
    release(&a);
    release(&b);
    release(&e);
}

int main(void)
{
    RUN(test_ratio);
    RUN(test_score);
    RUN(test_thresholds);
    RUN(test_sources);
    RUN(test_typologies);
    RUN(test_transitive);
    RUN(test_never);
    RUN(test_always);
    RUN(test_near_misses);
    RUN(test_too_old);
    RUN(test_merge);
    RUN(test_merged_id);
    RUN(test_authoritative_edit);
    RUN(test_brute_force);
    return CHECK_DONE();
}
