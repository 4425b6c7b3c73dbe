/* accomp_bench.c - the accompaniment benchmark, linked with the library
 * (bench/accompagnement.sh builds and runs it).
 *
 *   accomp_bench load DB N      N synthetic activities (a realistic mix, on
 *                               the real places and communes of DB) loaded
 *                               in bulk, then the aggregates rebuilt;
 *                               prints timings and sizes
 *   accomp_bench stats DB       a mix of statistics requests (nation,
 *                               régions, départements, EPCI, communes,
 *                               structures, médiateurs; years, months,
 *                               arbitrary periods): the aggregates against
 *                               plain SQL over the records (sums and GROUP BY,
 *                               with an index for each scope), side by side,
 *                               numbers checked equal
 *   accomp_bench record DB M    recording throughput with durable commits
 *                               (synchronous=FULL, one transaction per
 *                               record): our whole path (authorization,
 *                               validation, record, aggregates, journal)
 *                               against a bare INSERT of the same row into
 *                               the same table (deleted afterwards), in
 *                               alternating blocks
 *
 * Synthetic data: ~2,000 activities per structure; 2.4 médiateurs per
 * structure on average, with unequal activity; days from 2023-01-01 to
 * 2026-11-24, fewer on Saturdays, almost none on Sundays, growing over
 * time; 80 % individual; places: 70 % a place of the structure, 12 %
 * remote, 10 % home, 8 % elsewhere (a commune of the same département);
 * 1 to 3 themes with a skewed popularity, administrative sub-themes with
 * "démarches"; workshops of 3 to 20 with random breakdowns; 20 % of the
 * individual ones are followed people (counted on the record; bulk rows
 * have no participant rows). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "accompagnement/activite.h"
#include "accompagnement/agregats.h"
#include "base/jour.h"
#include "store/db.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (unsigned)(rng % n) : 0;
}
static double frand(void)
{
    return (double)rnd(1u << 30) / (double)(1u << 30);
}

static void die(struct db *d, const char *what)
{
    fprintf(stderr, "accomp_bench: %s: %s\n", what, d->err);
    exit(1);
}

/* ---- the world: communes with places, structures, médiateurs ---- */

struct place { long long pid; char commune[6], epci[10], dep[4], reg[4]; char nom[128]; };
struct structure_w { long long id; int place[2], nplaces; };
struct mediateur { long long compte; int structure; double weight; };
struct commune_w { char code[6], epci[10], dep[4], reg[4]; };

static struct place *places;
static size_t nplaces;
static struct commune_w *communes;
static size_t ncommunes;
static struct structure_w *structures;
static int nstructures;
static struct mediateur *meds;
static int nmeds;
static double *med_cum;

static void load_places(struct db *d)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT l.pid, l.commune_code, coalesce(c.epci, ''), c.departement, "
                                     "c.region, coalesce(l.nom, '') FROM lieu l JOIN commune c ON "
                                     "c.code = l.commune_code WHERE l.prive = 0 ORDER BY l.pid");
    if (!st)
        die(d, "places");
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (nplaces == cap)
            places = realloc(places, (cap = cap ? cap * 2 : 4096) * sizeof *places);
        struct place *p = &places[nplaces++];
        p->pid = sqlite3_column_int64(st, 0);
        db_col_copy(st, 1, p->commune, sizeof p->commune);
        db_col_copy(st, 2, p->epci, sizeof p->epci);
        db_col_copy(st, 3, p->dep, sizeof p->dep);
        db_col_copy(st, 4, p->reg, sizeof p->reg);
        db_col_copy(st, 5, p->nom, sizeof p->nom);
    }
    sqlite3_finalize(st);
    st = db_prepare(d, "SELECT code, coalesce(epci, ''), departement, region FROM commune ORDER BY departement, code");
    cap = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        if (ncommunes == cap)
            communes = realloc(communes, (cap = cap ? cap * 2 : 4096) * sizeof *communes);
        struct commune_w *c = &communes[ncommunes++];
        db_col_copy(st, 0, c->code, sizeof c->code);
        db_col_copy(st, 1, c->epci, sizeof c->epci);
        db_col_copy(st, 2, c->dep, sizeof c->dep);
        db_col_copy(st, 3, c->reg, sizeof c->reg);
    }
    sqlite3_finalize(st);
    if (nplaces < 100 || ncommunes < 100) {
        fprintf(stderr, "accomp_bench: the database needs places and territories\n");
        exit(1);
    }
}

/* A commune of département dep (binary search on the sorted list). */
static const struct commune_w *commune_in(const char *dep)
{
    size_t lo = 0, hi = ncommunes;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(communes[mid].dep, dep) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = lo;
    while (hi < ncommunes && strcmp(communes[hi].dep, dep) == 0)
        hi++;
    return hi > first ? &communes[first + rnd((unsigned)(hi - first))] : &communes[rnd((unsigned)ncommunes)];
}

static void make_world(struct db *d, long n)
{
    nstructures = (int)(n / 2000) < 50 ? 50 : (int)(n / 2000);
    structures = calloc((size_t)nstructures, sizeof *structures);
    meds = calloc((size_t)nstructures * 6, sizeof *meds);
    if (db_begin(d) < 0)
        die(d, "begin");
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO structure (nom, commune_code, created_at) "
                                     "VALUES (?1, ?2, '2023-01-01T00:00:00Z')");
    for (int i = 0; i < nstructures; i++) {
        struct structure_w *s = &structures[i];
        s->place[0] = (int)rnd((unsigned)nplaces);
        s->nplaces = 1;
        /* a second place in the same commune, when there is one nearby in the list */
        int k = s->place[0] + 1;
        if (k < (int)nplaces && strcmp(places[k].commune, places[s->place[0]].commune) == 0 && rnd(3) == 0)
            s->place[s->nplaces++] = k;
        char nom[64];
        snprintf(nom, sizeof nom, "Structure synthétique %d", i + 1);
        sqlite3_bind_text(st, 1, nom, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, places[s->place[0]].commune, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(d, "structure");
        sqlite3_reset(st);
        s->id = sqlite3_last_insert_rowid(d->h);
        int m = 1 + (int)rnd(4) + (rnd(5) == 0 ? 2 : 0);
        for (int j = 0; j < m; j++) {
            meds[nmeds] = (struct mediateur){100000 + nmeds, i, 0.3 + 1.7 * frand()};
            nmeds++;
        }
    }
    sqlite3_finalize(st);
    if (db_commit(d) < 0)
        die(d, "commit");
    med_cum = malloc((size_t)nmeds * sizeof *med_cum);
    double acc = 0;
    for (int i = 0; i < nmeds; i++)
        med_cum[i] = acc += meds[i].weight;
    for (int i = 0; i < nmeds; i++)
        med_cum[i] /= acc;
}

static int pick_med(void)
{
    double u = frand();
    int lo = 0, hi = nmeds - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (med_cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Themes by popularity (indices of AV_THEME), skewed. */
static unsigned pick_themes(void)
{
    static const int popular[] = {5, 4, 18, 1, 12, 9, 8, 3, 6, 7, 11, 0, 16, 13, 14, 2, 15, 10, 17};
    unsigned bits = 0;
    int k = 1 + (rnd(3) == 0) + (rnd(8) == 0);
    for (int i = 0; i < k; i++) {
        double u = frand();
        int idx = (int)(19 * u * u * u);
        bits |= 1u << popular[idx < 19 ? idx : 18];
    }
    return bits;
}

/* One synthetic record of day `jour`. */
static void synth(struct activite *a, long jour)
{
    memset(a, 0, sizeof *a);
    int m = pick_med();
    const struct structure_w *s = &structures[meds[m].structure];
    const struct place *home = &places[s->place[0]];
    a->structure_id = s->id;
    a->compte_id = meds[m].compte;
    a->type = rnd(5) == 0 ? ACT_COLLECTIF : ACT_INDIVIDUEL;
    a->jour = jour;
    static const int durees[] = {15, 30, 30, 30, 45, 45, 60, 60, 60, 90, 120};
    a->duree = a->type == ACT_COLLECTIF ? (rnd(2) ? 90 : 120) : durees[rnd(11)];
    if (rnd(12) == 0)
        a->duree = 5 + (int)rnd(200);
    unsigned u = rnd(100);
    const struct commune_w *c = NULL;
    if (u < 70 || a->type == ACT_COLLECTIF) {
        const struct place *p = &places[s->place[rnd((unsigned)s->nplaces)]];
        a->lieu_type = LIEU_ACTIVITE;
        a->lieu_pid = p->pid;
        snprintf(a->lieu_nom, sizeof a->lieu_nom, "%s", p->nom);
        home = p;
    } else if (u < 82) {
        a->lieu_type = LIEU_DISTANCE;
    } else {
        a->lieu_type = u < 92 ? LIEU_DOMICILE : LIEU_AUTRE;
        c = commune_in(home->dep);
    }
    snprintf(a->commune, sizeof a->commune, "%s", c ? c->code : home->commune);
    snprintf(a->epci, sizeof a->epci, "%s", c ? c->epci : home->epci);
    snprintf(a->departement, sizeof a->departement, "%s", c ? c->dep : home->dep);
    snprintf(a->region, sizeof a->region, "%s", c ? c->reg : home->reg);
    a->themes = pick_themes();
    if (a->themes & (1u << THEME_DEMARCHES))
        a->themes_admin = (1u << rnd(11)) | (rnd(4) == 0 ? 1u << rnd(11) : 0);
    a->materiel = rnd(6) == 0 ? 1u << MATERIEL_AUCUN : (1u << rnd(4)) | (rnd(4) == 0 ? 1u << rnd(4) : 0);
    a->autonomie = a->redirection = a->niveau = -1;
    if (a->type == ACT_INDIVIDUEL) {
        if (rnd(4))
            a->autonomie = (int)rnd(3);
        if (rnd(7) == 0)
            a->redirection = (int)rnd(7);
        a->participants = 1;
        if (rnd(5) == 0) {
            a->suivis = 1;
            a->nouveaux = rnd(3) == 0;
        } else {
            a->anonymes = 1;
        }
        a->genre[rnd(3)]++;
        a->age[rnd(4) ? 4 + rnd(3) : rnd(8)]++;
        a->statut[rnd(3) ? 3 : rnd(5)]++;
    } else {
        snprintf(a->titre, sizeof a->titre, "Atelier");
        a->niveau = (int)rnd(3);
        a->participants = a->anonymes = 3 + (int)rnd(18);
        for (int i = 0; i < a->participants; i++) {
            a->genre[rnd(10) < 6 ? 0 : rnd(10) < 8 ? 1 : 2]++;
            a->age[rnd(3) ? 5 + rnd(2) : rnd(8)]++;
            a->statut[rnd(3) ? 3 : rnd(5)]++;
        }
    }
    snprintf(a->created_at, sizeof a->created_at, "2026-01-01T00:00:00Z");
    snprintf(a->updated_at, sizeof a->updated_at, "2026-01-01T00:00:00Z");
}

static long long file_size(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0 ? (long long)s.st_size : -1;
}

static int cmd_load(const char *path, long n)
{
    struct db d;
    if (db_open(&d, path, 0) < 0)
        die(&d, path);
    load_places(&d);
    make_world(&d, n);
    db_exec(&d, "PRAGMA synchronous=OFF");
    long d0 = jour_from_civil(2023, 1, 1), d1 = jour_from_civil(2026, 11, 24);
    long days = d1 - d0 + 1;
    double *w = malloc((size_t)days * sizeof *w), tot = 0;
    for (long j = 0; j < days; j++) {
        int wd = (int)(((d0 + j + 4) % 7 + 7) % 7); /* 0 Sunday */
        w[j] = (wd == 0 ? 0.05 : wd == 6 ? 0.35 : 1.0) * (1.0 + 0.5 * (double)j / (double)days);
        tot += w[j];
    }
    double t0 = now_s();
    long done = 0;
    double carry = 0;
    if (db_begin(&d) < 0)
        die(&d, "begin");
    for (long j = 0; j < days && done < n; j++) {
        double want = (double)n * w[j] / tot + carry;
        long k = (long)want;
        carry = want - (double)k;
        if (j == days - 1)
            k = n - done;
        for (long i = 0; i < k && done < n; i++, done++) {
            struct activite a;
            synth(&a, d0 + j);
            if (activite_store_raw(&d, &a) < 0)
                die(&d, "insert row");
            if (done % 200000 == 199999 && (db_commit(&d) < 0 || db_begin(&d) < 0))
                die(&d, "commit");
        }
    }
    if (db_commit(&d) < 0)
        die(&d, "commit");
    double t1 = now_s();
    long long raw_size = file_size(path);
    /* Indexes for the plain SQL side: one per scope, like a careful DBA would add. */
    if (db_exec(&d, "CREATE INDEX IF NOT EXISTS bench_jour ON activite(jour);"
                    "CREATE INDEX IF NOT EXISTS bench_region ON activite(region, jour);"
                    "CREATE INDEX IF NOT EXISTS bench_departement ON activite(departement, jour);"
                    "CREATE INDEX IF NOT EXISTS bench_epci ON activite(epci, jour);"
                    "CREATE INDEX IF NOT EXISTS bench_commune ON activite(commune, jour);") < 0)
        die(&d, "indexes");
    double t2 = now_s();
    long long idx_size = file_size(path);
    long buckets;
    if (stat_rebuild(&d, &buckets) < 0)
        die(&d, "rebuild");
    double t3 = now_s();
    db_exec(&d, "PRAGMA wal_checkpoint(TRUNCATE)");
    long long all_size = file_size(path);
    printf("load activities=%ld structures=%d mediateurs=%d days=%ld\n", n, nstructures, nmeds, days);
    printf("load insert_s=%.1f rows_per_s=%.0f\n", t1 - t0, (double)n / (t1 - t0));
    printf("load sql_indexes_s=%.1f aggregates_rebuild_s=%.1f aggregate_rows=%ld\n", t2 - t1, t3 - t2, buckets);
    printf("load total_s=%.1f\n", t3 - t0);
    printf("size records_mb=%.0f sql_indexes_mb=%.0f aggregates_mb=%.0f\n", raw_size / 1e6,
           (idx_size - raw_size) / 1e6, (all_size - idx_size) / 1e6);
    db_close(&d);
    return 0;
}

/* ---- statistics: aggregates vs plain SQL ---- */

struct req { enum stat_portee p; char code[24]; long du, au; char what[80]; };

static int top_code(struct db *d, const char *col, int smallest, char *out, size_t n)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM activite WHERE %s IS NOT NULL AND %s != '' GROUP BY %s "
                              "ORDER BY count(*) %s LIMIT 1 OFFSET %d",
             col, col, col, col, smallest ? "ASC" : "DESC", smallest ? 10 : 0);
    sqlite3_stmt *st = db_prepare(d, sql);
    int ok = st && sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        db_col_copy(st, 0, out, n);
    sqlite3_finalize(st);
    return ok;
}

static double timed(struct db *d, const struct req *r, int sql, int reps, struct stat_vec *out)
{
    double best = 1e30;
    for (int i = 0; i < reps; i++) {
        struct stat_vec v;
        double t0 = now_s();
        int k = sql ? stat_query_sql(d, r->p, r->code, r->du, r->au, &v)
                    : stat_query(d, r->p, r->code, r->du, r->au, &v, NULL);
        double t = now_s() - t0;
        if (k < 0)
            die(d, "query");
        if (t < best)
            best = t;
        if (i == reps - 1)
            *out = v;
        else
            stat_vec_free(&v);
    }
    return best;
}

static int same(const struct stat_vec *a, const struct stat_vec *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].key != b->v[i].key || a->v[i].n != b->v[i].n)
            return 0;
    return 1;
}

static int cmd_stats(const char *path)
{
    struct db d;
    if (db_open(&d, path, 0) < 0)
        die(&d, path);
    struct req reqs[16];
    int n = 0;
    long y25 = jour_from_civil(2025, 1, 1), e25 = jour_from_civil(2025, 12, 31);
    long last = jour_from_civil(2026, 11, 24), year_ago = jour_from_civil(2025, 11, 25);
#define ADD(P, CODE, DU, AU, WHAT)                                                     \
    do {                                                                               \
        reqs[n] = (struct req){P, "", DU, AU, ""};                                     \
        snprintf(reqs[n].code, sizeof reqs[n].code, "%s", CODE);                       \
        snprintf(reqs[n].what, sizeof reqs[n].what, "%s", WHAT);                       \
        n++;                                                                           \
    } while (0)
    char big[24], small[24];
    ADD(SP_NATION, "", y25, e25, "France, year 2025");
    ADD(SP_NATION, "", year_ago, last, "France, last 12 months");
    ADD(SP_NATION, "", jour_from_civil(2023, 1, 1), last, "France, whole period");
    if (top_code(&d, "region", 0, big, sizeof big))
        ADD(SP_REGION, big, jour_from_civil(2026, 7, 1), jour_from_civil(2026, 9, 30), "largest région, a quarter");
    if (top_code(&d, "departement", 0, big, sizeof big))
        ADD(SP_DEPARTEMENT, big, jour_from_civil(2026, 10, 1), jour_from_civil(2026, 10, 31),
            "largest département, a month");
    if (top_code(&d, "departement", 1, small, sizeof small))
        ADD(SP_DEPARTEMENT, small, year_ago, last, "small département, 12 months");
    if (top_code(&d, "epci", 0, big, sizeof big))
        ADD(SP_EPCI, big, jour_from_civil(2024, 3, 17), jour_from_civil(2025, 8, 9), "largest EPCI, 17 Mar 2024-9 Aug 2025");
    if (top_code(&d, "commune", 0, big, sizeof big))
        ADD(SP_COMMUNE, big, year_ago, last, "largest commune, 12 months");
    if (top_code(&d, "commune", 1, small, sizeof small))
        ADD(SP_COMMUNE, small, y25, last, "small commune, since 2025");
    if (top_code(&d, "structure_id", 0, big, sizeof big))
        ADD(SP_STRUCTURE, big, y25, e25, "largest structure, year 2025");
    if (top_code(&d, "structure_id", 1, small, sizeof small))
        ADD(SP_STRUCTURE, small, jour_from_civil(2026, 8, 25), last, "a structure, 3 months");
    if (top_code(&d, "compte_id", 0, big, sizeof big))
        ADD(SP_COMPTE, big, year_ago, last, "busiest médiateur, 12 months");
    if (top_code(&d, "compte_id", 1, small, sizeof small))
        ADD(SP_COMPTE, small, jour_from_civil(2026, 11, 3), jour_from_civil(2026, 11, 20), "a médiateur, 18 days");
    printf("%-44s %12s %12s %10s %s\n", "request", "aggregates_ms", "plain_sql_ms", "ratio", "equal");
    double sum_a = 0, sum_s = 0, min_ratio = 1e30;
    int all_equal = 1;
    for (int i = 0; i < n; i++) {
        struct stat_vec va, vs;
        double ta = timed(&d, &reqs[i], 0, 30, &va);
        double ts = timed(&d, &reqs[i], 1, 3, &vs);
        int eq = same(&va, &vs);
        all_equal &= eq;
        double ratio = ts / ta;
        if (ratio < min_ratio)
            min_ratio = ratio;
        sum_a += ta;
        sum_s += ts;
        printf("%-44s %12.3f %12.1f %10.0f %s  (%lld activities)\n", reqs[i].what, ta * 1e3, ts * 1e3,
               ratio, eq ? "yes" : "NO", stat_vec_get(&va, STAT_KEY(SD_TOTAL, STT_ACTIVITES)));
        stat_vec_free(&va);
        stat_vec_free(&vs);
    }
    printf("stats requests=%d aggregates_total_ms=%.2f plain_sql_total_ms=%.0f ratio_of_totals=%.0f "
           "smallest_ratio=%.0f equal=%s\n", n, sum_a * 1e3, sum_s * 1e3, sum_s / sum_a, min_ratio,
           all_equal ? "all" : "NO");
    db_close(&d);
    return all_equal ? 0 : 1;
}

/* ---- recording throughput with durable commits ---- */

static int cmd_record(const char *path, long m)
{
    struct db d;
    if (db_open(&d, path, 0) < 0)
        die(&d, path);
    load_places(&d);
    /* The structures and médiateurs of the load (ids from the structure table). */
    sqlite3_stmt *st = db_prepare(&d, "SELECT s.id, min(a.compte_id), max(a.compte_id) FROM structure s "
                                      "JOIN activite a ON a.structure_id = s.id AND a.jour = "
                                      "(SELECT max(jour) FROM activite) GROUP BY s.id LIMIT 500");
    long long sid[500], cid[500];
    int ns = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW && ns < 500) {
        sid[ns] = sqlite3_column_int64(st, 0);
        cid[ns] = sqlite3_column_int64(st, 1);
        ns++;
    }
    sqlite3_finalize(st);
    if (ns == 0) {
        fprintf(stderr, "accomp_bench record: load activities first\n");
        return 1;
    }
    /* The generator's world for the bare side: those structures and médiateurs. */
    nstructures = ns;
    structures = calloc((size_t)ns, sizeof *structures);
    meds = calloc((size_t)ns, sizeof *meds);
    med_cum = malloc((size_t)ns * sizeof *med_cum);
    for (int i = 0; i < ns; i++) {
        structures[i] = (struct structure_w){sid[i], {(int)rnd((unsigned)nplaces), 0}, 1};
        meds[i] = (struct mediateur){cid[i], i, 1};
        med_cum[i] = (double)(i + 1) / ns;
    }
    nmeds = ns;
    if (db_exec(&d, "PRAGMA synchronous=FULL") < 0)
        die(&d, "synchronous");
    /* The bare side inserts the same rows into the same table (same
     * indexes) without aggregates nor journal; they are deleted at the end
     * so that the aggregates still equal the records. */
    long long *bare_ids = malloc((size_t)(m + 200) * sizeof *bare_ids);
    double ta = 0, tb = 0;
    long na = 0, nb = 0;
    const long block = 100;
    char form[400];
    for (long done = 0; done < m; done += block) {
        for (int side = 0; side < 2; side++) {
            double t0 = now_s();
            for (long i = 0; i < block; i++) {
                int k = (int)rnd((unsigned)ns);
                if (side == 0) {
                    struct actor actor = {.compte_id = cid[k], .ngrants = 1};
                    snprintf(actor.email, sizeof actor.email, "med%lld@example.fr", cid[k]);
                    actor.grants[0] = (struct grant){ROLE_MEDIATEUR, PORTEE_STRUCTURE, ""};
                    snprintf(actor.grants[0].code, sizeof actor.grants[0].code, "%lld", sid[k]);
                    snprintf(form, sizeof form, "type=%s&date=2026-11-24&duree=%s&lieu=%s&thematique=%s"
                                                "&anonymes=7&materiel=telephone&autonomie=autonome",
                             rnd(5) ? "individuel" : "collectif", rnd(2) ? "30" : "60",
                             rnd(4) ? "structure" : "a_distance", rnd(2) ? "email" : "sante");
                    struct query q;
                    query_parse(&q, form, strlen(form));
                    struct activite_saisie s;
                    activite_saisie_lire(&q, &s);
                    query_free(&q);
                    struct activite a = {.structure_id = sid[k]};
                    struct accomp_ctx c = {.by = &actor, .now = 1795512600};
                    struct accomp_erreurs e;
                    long long id;
                    if (activite_create(&d, &c, &a, &e, &s, &id) != ACC_DONE)
                        die(&d, e.n ? e.e[0].msg : "record");
                    na++;
                } else {
                    struct activite a;
                    synth(&a, jour_from_civil(2026, 11, 24));
                    a.structure_id = sid[k];
                    a.compte_id = cid[k];
                    if (db_begin(&d) < 0 || activite_store_raw(&d, &a) < 0 || db_commit(&d) < 0)
                        die(&d, "bare insert");
                    bare_ids[nb++] = a.id;
                }
            }
            double t = now_s() - t0;
            if (side == 0)
                ta += t;
            else
                tb += t;
        }
    }
    sqlite3_stmt *del = db_prepare(&d, "DELETE FROM activite WHERE id = ?1");
    if (!del || db_exec(&d, "PRAGMA synchronous=NORMAL") < 0 || db_begin(&d) < 0)
        die(&d, "cleanup");
    for (long i = 0; i < nb; i++) {
        sqlite3_bind_int64(del, 1, bare_ids[i]);
        if (sqlite3_step(del) != SQLITE_DONE)
            die(&d, "cleanup");
        sqlite3_reset(del);
    }
    sqlite3_finalize(del);
    if (db_commit(&d) < 0)
        die(&d, "cleanup");
    free(bare_ids);
    printf("record durable (synchronous=FULL, one transaction each): passerelle=%.0f/s "
           "(authorization, validation, record, aggregates, journal) bare_insert=%.0f/s ratio=%.2f\n",
           (double)na / ta, (double)nb / tb, ((double)nb / tb) / ((double)na / ta));
    printf("record passerelle_ms=%.2f bare_ms=%.2f per record\n", ta * 1e3 / (double)na,
           tb * 1e3 / (double)nb);
    db_close(&d);
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (argc >= 4 && strcmp(argv[1], "load") == 0)
        return cmd_load(argv[2], atol(argv[3]));
    if (argc >= 3 && strcmp(argv[1], "stats") == 0)
        return cmd_stats(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "record") == 0)
        return cmd_record(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: accomp_bench load DB N | stats DB | record DB M\n");
    return 2;
}
