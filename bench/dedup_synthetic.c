/* dedup_synthetic.c - benchmark dedup_run() and dedup_merge() on N synthetic
 * places, and measure recall/precision against injected duplicates.
 *
 * Usage: dedup_synthetic [N [seed]]     (default N = 1000000, seed = 42)
 *
 * Data: ~35,000 communes whose sizes follow a Zipf-like law (weight of the
 * commune of rank r is 1/(r + 50)), so that with N = 1M the largest commune
 * holds about 3,000 places, like a big city scaled up from the ~20,000 real
 * places. Each commune has a centre somewhere in metropolitan France and
 * spreads its places over a square that grows with its size. Names are
 * "<type> <name>" (Médiathèque Victor Hugo...), addresses "<n> <voie> <name>",
 * typologies follow the type, sources are drawn among 10 producers.
 * About 10% of the records are near-duplicates: an entity gets 1 or 2 extra
 * copies from the three national sources, each with small typos in the name,
 * abbreviations or a typo in the address, coordinates moved by up to ~35 m,
 * and sometimes no coordinates or no typology.
 *
 * Recall/precision are counted on pairs of records: a true pair is two
 * records of the same entity; a predicted pair is two records in the same
 * output group. The PRNG is a fixed xorshift, so runs are reproducible. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lieux/dedup.h"

#define NCOMMUNES 35000

static uint64_t rng = 42;
static uint64_t next64(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}
static uint32_t rnd(uint32_t n) { return (uint32_t)((next64() >> 32) % n); }
static double unif(void) { return (double)(next64() >> 11) / 9007199254740992.0; }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct {
    const char *nom, *typ;
} TYPES[] = {
    {"Médiathèque", "BIB"}, {"Bibliothèque municipale", "BIB"}, {"Espace public numérique", "EPN"},
    {"France Services", "RFS"}, {"Maison France Services", "RFS"}, {"PIMMS Médiation", "PIMMS"},
    {"Centre social", "CS"}, {"Mairie annexe", "MUNI"}, {"CCAS", "CCAS"},
    {"Maison de quartier", "MQ"}, {"Tiers-lieu", "TIERS_LIEUX"}, {"Fablab", "FABLAB"},
    {"Association", "ASSO"}, {"Point numérique CAF", "CAF"}, {"Mission locale", "ML"},
    {"MJC", "MJC"}, {"Espace de vie sociale", "EVS"}, {"Cyber-base", "EPN"},
    {"Maison de l'emploi", "MDE"}, {"Agence postale", "LA_POSTE"}, {"Régie de quartier", "ASSO"},
    {"Centre communal", "MUNI"}, {"Ressourcerie", "RESSOURCERIE"}, {"Maison des solidarités", "MDS"},
    {"Espace numérique", "EPN"},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

static const char *NAMES[] = {
    "Victor Hugo", "Jean Moulin", "Louise Michel", "Jean Jaurès", "Pablo Picasso", "Marie Curie",
    "Jules Ferry", "Simone Veil", "des Tilleuls", "du Centre", "de la Gare", "des Lilas",
    "du Marché", "Saint-Exupéry", "Albert Camus", "George Sand", "Émile Zola", "Paul Éluard",
    "Aimé Césaire", "Jacques Prévert", "des Rosiers", "du Moulin", "de l'Église", "Pasteur",
    "Gambetta", "Voltaire", "Jean Macé", "Charles de Gaulle", "de la République", "de la Liberté",
    "des Écoles", "du Stade", "du Parc", "de la Mairie", "des Acacias", "des Peupliers",
    "Nelson Mandela", "Rosa Parks", "Olympe de Gouges", "Colette", "Molière", "Jean de la Fontaine",
    "Frédéric Mistral", "Joséphine Baker", "Gustave Eiffel", "Louis Aragon", "Boris Vian",
    "Robert Desnos", "Marcel Pagnol", "Antoine de Saint-Exupéry", "Lamartine", "Montaigne",
    "Rabelais", "Ronsard", "Condorcet", "Danton", "Jean Monnet", "Pierre Mendès France",
    "du Port", "du Château", "des Vignes", "des Pins", "des Chênes", "du Lavoir", "du Four",
    "de la Fontaine", "de la Poste", "du Commerce", "de l'Industrie", "des Arts", "des Sports",
    "de Verdun", "du 8 Mai 1945", "du 11 Novembre", "de la Paix", "de l'Europe", "des Alpes",
    "de Bretagne", "de Provence", "de Normandie",
};
#define NNAMES (sizeof NAMES / sizeof NAMES[0])

static const char *VOIES[] = {"rue", "avenue", "boulevard", "place", "allée", "chemin", "impasse",
                              "quai"};
static const char *VOIES_ABBR[] = {"r.", "av.", "bd", "pl.", "all.", "ch.", "imp.", "quai"};
#define NVOIES (sizeof VOIES / sizeof VOIES[0])

static const char *SOURCES[] = {"coop", "dora", "france-services", "hinaura", "fredo", "res-in",
                                "rhinocc", "mednum-bfc", "paris", "soliguide"};

/* A bump allocator for every string of the benchmark. */
static char *arena;
static size_t arena_len, arena_cap;
static char *save(const char *s)
{
    size_t n = strlen(s) + 1;
    if (arena_len + n > arena_cap) {
        fprintf(stderr, "arena full\n");
        exit(1);
    }
    char *p = arena + arena_len;
    memcpy(p, s, n);
    arena_len += n;
    return p;
}

/* Small typos on ASCII letters only, so the text stays valid UTF-8. */
static void typo(char *s, int edits)
{
    for (int e = 0; e < edits; e++) {
        size_t n = strlen(s);
        if (n < 4)
            return;
        size_t i = 1 + rnd((uint32_t)(n - 2));
        if ((unsigned char)s[i] >= 0x80 || (unsigned char)s[i + 1] >= 0x80 ||
            (unsigned char)s[i - 1] >= 0x80)
            continue;
        switch (rnd(4)) {
        case 0: /* deletion */
            memmove(s + i, s + i + 1, n - i);
            break;
        case 1: /* doubled letter */
            memmove(s + i + 1, s + i, n - i + 1);
            break;
        case 2: { /* swap */
            char t = s[i];
            s[i] = s[i + 1];
            s[i + 1] = t;
            break;
        }
        default: /* substitution */
            s[i] = (char)('a' + rnd(26));
        }
    }
}

struct entity {
    uint32_t commune, type, name, num, voie, street;
    double lat, lon;
};

struct pairc {
    size_t g;
    uint32_t e;
};

static int cmp_pairc(const void *x, const void *y)
{
    const struct pairc *a = x, *b = y;
    if (a->g != b->g)
        return a->g < b->g ? -1 : 1;
    return a->e < b->e ? -1 : a->e > b->e;
}

static double c2(size_t k) { return (double)k * (double)(k - 1) / 2; }

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1 : 42;
    if (n < 10)
        n = 10;

    double t0 = now();
    /* Communes: Zipf-like weights, centre, spread. */
    static double cum[NCOMMUNES], clat[NCOMMUNES], clon[NCOMMUNES], crad[NCOMMUNES];
    static char code[NCOMMUNES][6];
    double wsum = 0;
    for (int c = 0; c < NCOMMUNES; c++) {
        wsum += 1.0 / (c + 50.0);
        cum[c] = wsum;
        clat[c] = 43.0 + 7.0 * unif();
        clon[c] = -1.5 + 8.5 * unif();
        /* half-side: ~0.005 deg for a village, ~0.08 for the largest city */
        crad[c] = 0.005 + 0.075 * sqrt((1.0 / (c + 50.0)) / (1.0 / 50.0));
        snprintf(code[c], sizeof code[c], "%05d", 1001 + c * 2);
    }

    size_t cap = n + 4;
    struct lieu *lieux = calloc(cap, sizeof *lieux);
    struct dedup_rec *recs = calloc(cap, sizeof *recs);
    uint32_t *ent = calloc(cap, sizeof *ent);
    arena_cap = cap * 160;
    arena = malloc(arena_cap);
    if (!lieux || !recs || !ent || !arena) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    size_t m = 0;
    uint32_t nent = 0;
    size_t ncopies = 0;
    char nom[256], adr[256], buf[64];
    while (m < n) {
        struct entity e;
        double u = unif() * wsum;
        size_t lo = 0, hi = NCOMMUNES - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cum[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        e.commune = (uint32_t)lo;
        e.type = rnd(NTYPES);
        e.name = rnd(NNAMES);
        e.num = 1 + rnd(250);
        e.voie = rnd(NVOIES);
        e.street = rnd(NNAMES);
        e.lat = clat[lo] + (2 * unif() - 1) * crad[lo];
        e.lon = clon[lo] + (2 * unif() - 1) * crad[lo];

        /* 8.5% of entities get 1 (70%) or 2 (30%) copies: ~10% of records */
        int copies = rnd(1000) < 85 ? (rnd(10) < 7 ? 1 : 2) : 0;
        if (m + 1 + (size_t)copies > n)
            copies = (int)(n - m - 1);
        uint32_t perm[3] = {0, 1, 2};
        for (int k = 2; k > 0; k--) {
            uint32_t j = rnd((uint32_t)k + 1), t = perm[k];
            perm[k] = perm[j];
            perm[j] = t;
        }
        for (int k = 0; k <= copies; k++) {
            struct lieu *l = &lieux[m];
            int copy = k > 0;
            snprintf(nom, sizeof nom, "%s %s", TYPES[e.type].nom, NAMES[e.name]);
            int abbr = copy && rnd(3) == 0;
            snprintf(adr, sizeof adr, "%u %s %s", e.num, abbr ? VOIES_ABBR[e.voie] : VOIES[e.voie],
                     NAMES[e.street]);
            if (copy) {
                typo(nom, (int)rnd(3));
                typo(adr, (int)rnd(2));
            }
            snprintf(buf, sizeof buf, "syn-%zu%s", m, rnd(4) ? "" : "-mediation-numerique");
            l->f[LF_ID] = save(buf);
            l->f[LF_NOM] = save(nom);
            l->f[LF_ADRESSE] = save(adr);
            l->f[LF_CODE_INSEE] = code[e.commune];
            snprintf(buf, sizeof buf, "2024-%02u-%02u", 1 + rnd(12), 1 + rnd(28));
            l->f[LF_DATE_MAJ] = save(buf);
            uint32_t t = rnd(10);
            if (t == 0 || (copy && t < 3))
                l->f[LF_TYPOLOGIE] = NULL;
            else if (t == 9 && !copy)
                l->f[LF_TYPOLOGIE] = save(strcmp(TYPES[e.type].typ, "EPN") ? "EPN|MUNI" : "EPN");
            else
                l->f[LF_TYPOLOGIE] = (char *)TYPES[e.type].typ;
            /* copies move by up to 0.00025 deg per axis (~35 m diagonal) */
            l->has_coords = rnd(20) != 0;
            l->lat = e.lat + (copy ? (2 * unif() - 1) * 0.00025 : 0);
            l->lon = e.lon + (copy ? (2 * unif() - 1) * 0.00025 : 0);

            recs[m].l = l;
            recs[m].source = copies ? SOURCES[perm[k]] : SOURCES[rnd(10)];
            recs[m].commune = code[e.commune];
            recs[m].key = (long)m;
            recs[m].too_old = rnd(50) == 0;
            ent[m] = nent;
            ncopies += (size_t)copy;
            m++;
        }
        nent++;
    }
    double tgen = now() - t0;

    /* Block statistics. */
    uint32_t *csize = calloc(NCOMMUNES, sizeof *csize);
    for (size_t i = 0; i < n; i++)
        csize[(strtoul(recs[i].commune, NULL, 10) - 1001) / 2]++;
    size_t kmax = 0, used = 0;
    double allpairs = 0;
    for (int c = 0; c < NCOMMUNES; c++) {
        if (csize[c] > kmax)
            kmax = csize[c];
        used += csize[c] > 0;
        allpairs += c2(csize[c] ? csize[c] : 1);
    }
    free(csize);

    struct dedup_result res;
    double t1 = now();
    clock_t c1 = clock();
    if (dedup_run(recs, n, NULL, 0, NULL, &res) < 0) {
        perror("dedup_run");
        return 1;
    }
    double trun = now() - t1, crun = (double)(clock() - c1) / CLOCKS_PER_SEC;

    /* Merge every group of two or more. */
    double t2 = now();
    size_t *head = malloc(n * sizeof *head), *nxt = malloc(n * sizeof *nxt);
    const struct dedup_rec **mem = malloc(n * sizeof *mem);
    size_t merged = 0, maxgroup = 0;
    for (size_t i = 0; i < n; i++)
        head[i] = (size_t)-1;
    for (size_t i = n; i-- > 0;) {
        nxt[i] = head[res.group[i]];
        head[res.group[i]] = i;
    }
    for (size_t g = 0; g < n; g++) {
        if (head[g] == (size_t)-1 || nxt[head[g]] == (size_t)-1)
            continue;
        size_t k = 0;
        for (size_t i = head[g]; i != (size_t)-1; i = nxt[i])
            mem[k++] = &recs[i];
        if (k > maxgroup)
            maxgroup = k;
        struct lieu out;
        if (dedup_merge(mem, k, &out, NULL) < 0) {
            perror("dedup_merge");
            return 1;
        }
        for (int f = 0; f < LF__COUNT; f++)
            free(out.f[f]);
        merged++;
    }
    double tmerge = now() - t2;

    /* Recall / precision on record pairs. */
    size_t ndup = 0, nfalse = 0, nfalse_nocoords = 0;
    for (size_t k = 0; k < res.npairs; k++) {
        const struct dedup_pair *pr = &res.pairs[k];
        if (pr->decision != DEDUP_DUP)
            continue;
        ndup++;
        if (ent[pr->a] != ent[pr->b]) {
            nfalse++;
            nfalse_nocoords += !recs[pr->a].l->has_coords || !recs[pr->b].l->has_coords;
        }
    }
    struct pairc *pc = malloc(n * sizeof *pc);
    for (size_t i = 0; i < n; i++) {
        pc[i].g = res.group[i];
        pc[i].e = ent[i];
    }
    qsort(pc, n, sizeof *pc, cmp_pairc);
    double tp = 0, predicted = 0, actual = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && pc[j].g == pc[i].g; j++)
            ;
        predicted += c2(j - i);
        for (size_t a = i, b; a < j; a = b) {
            for (b = a + 1; b < j && pc[b].e == pc[a].e; b++)
                ;
            tp += c2(b - a);
        }
    }
    /* records of one entity are consecutive */
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && ent[j] == ent[i]; j++)
            ;
        actual += c2(j - i);
    }

    printf("places            %zu (%u entities, %zu injected copies = %.1f%%)\n", n, nent,
           ncopies, 100.0 * (double)ncopies / (double)n);
    printf("communes          %zu used, largest %zu places, %.0f same-commune pairs\n", used,
           kmax, allpairs);
    printf("pairs examined    %zu candidates, %zu scored on names/addresses\n", res.ncandidates,
           res.nscored);
    printf("duplicate pairs   %zu (%zu between different entities, %zu of them with a place "
           "lacking coordinates)\n",
           ndup, nfalse, nfalse_nocoords);
    printf("groups            %zu (%zu merged, largest %zu)\n", res.ngroups, merged, maxgroup);
    printf("true pairs        %.0f, predicted %.0f, correct %.0f\n", actual, predicted, tp);
    printf("recall            %.4f\n", actual ? tp / actual : 1.0);
    printf("precision         %.4f\n", predicted ? tp / predicted : 1.0);
    printf("seconds           generate %.2f, dedup_run %.2f (cpu %.2f), merge %.2f\n", tgen, trun,
           crun, tmerge);

    dedup_result_free(&res);
    free(pc);
    free(head);
    free(nxt);
    free(mem);
    free(lieux);
    free(recs);
    free(ent);
    free(arena);
    return 0;
}
