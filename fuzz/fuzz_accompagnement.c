/* fuzz_accompagnement.c - libFuzzer target for every parser of the
 * accompaniment domain, on an in-memory database with hand-written
 * territories, the demo places and three structures (tests/accomp_fixture.h):
 *
 *   byte 0 % 7 = 0  sparse vector decoding (stat_vec_decode): a vector that
 *                   decodes re-encodes to the same bytes, and minus itself
 *                   is empty;
 *               1  an activity form (activite_saisie_lire, activite_create):
 *                   every 32nd input, the national figures from the
 *                   aggregates must equal the plain SQL ones;
 *               2  a followed person's form (beneficiaire_create, search);
 *               3  a referral form (orientation_send);
 *               4  a key file (data_key_parse) and a sealed blob (data_key_open);
 *               5  a statistics request: portee, code, du, au on four lines
 *                   (stat_demande_lire, stat_query, labelled rows, CSV);
 *               6  dates and names (jour_parse, normalisation, similarity).
 * Invariants: nothing crashes or leaks (ASan/UBSan), the checks above hold.
 * The database is rebuilt every 1024 inputs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/accomp_fixture.h"
#include "accompagnement/agregats.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "accompagnement/statistiques.h"
#include "base/jour.h"

static struct db fdb;
static struct data_key fkey;
static int uses, opened;
static const time_t NOW = 1795512600; /* 24 Nov 2026, 09:30 UTC */

static void build(void)
{
    if (opened)
        db_close(&fdb);
    opened = 1;
    if (fixture_open(&fdb, ":memory:", &fkey) < 0)
        abort();
}

static void vec_case(const uint8_t *p, size_t n)
{
    struct stat_vec v, w;
    if (stat_vec_decode(p, n, &v) < 0)
        return;
    struct buf b = BUF_INIT;
    if (stat_vec_encode(&v, &b) < 0)
        abort();
    if (b.len != n || memcmp(b.s, p, n) != 0)
        abort(); /* one encoding per vector */
    if (stat_vec_decode((const unsigned char *)b.s, b.len, &w) < 0 || w.n != v.n)
        abort();
    if (stat_vec_merge(&w, &v, -1) < 0 || w.n != 0)
        abort();
    buf_free(&b);
    stat_vec_free(&v);
    stat_vec_free(&w);
}

static void activity_case(const char *s, size_t n)
{
    struct query q;
    if (query_parse(&q, s, n) < 0)
        return;
    struct activite_saisie sa;
    activite_saisie_lire(&q, &sa);
    query_free(&q);
    struct activite a = {.structure_id = 1 + (long long)(n % 3), .compte_id = 5};
    struct accomp_ctx c = {.cli_user = "fuzz", .now = NOW, .key = &fkey};
    struct accomp_erreurs e;
    long long id;
    activite_create(&fdb, &c, &a, &e, &sa, &id);
    if (uses % 32 == 0) {
        struct stat_vec x, y;
        long from = jour_from_civil(2020, 1, 1), to = jour_local(NOW);
        if (stat_query(&fdb, SP_NATION, "", from, to, &x, NULL) < 0 ||
            stat_query_sql(&fdb, SP_NATION, "", from, to, &y) < 0 || x.n != y.n)
            abort();
        for (size_t i = 0; i < x.n; i++)
            if (x.v[i].key != y.v[i].key || x.v[i].n != y.v[i].n)
                abort();
        stat_vec_free(&x);
        stat_vec_free(&y);
    }
}

static void person_case(const char *s, size_t n)
{
    struct query q;
    if (query_parse(&q, s, n) < 0)
        return;
    struct beneficiaire_saisie bs;
    beneficiaire_saisie_lire(&q, &bs);
    struct accomp_ctx c = {.cli_user = "fuzz", .now = NOW, .key = &fkey};
    struct accomp_erreurs e;
    struct beneficiaire_similaires sim;
    long long id;
    if (beneficiaire_create(&fdb, &c, 1, &bs, &e, &sim, &id) == ACC_DONE) {
        struct beneficiaire b;
        if (beneficiaire_get(&fdb, &fkey, id, &b) != 1)
            abort();
    }
    struct beneficiaire_liste l;
    if (beneficiaire_search(&fdb, &fkey, 1, query_get(&q, "q"), 10, &l) == 0)
        beneficiaire_liste_free(&l);
    query_free(&q);
}

static void referral_case(const char *s, size_t n)
{
    struct query q;
    if (query_parse(&q, s, n) < 0)
        return;
    struct orientation_saisie os;
    orientation_saisie_lire(&q, &os);
    query_free(&q);
    struct accomp_ctx c = {.cli_user = "fuzz", .now = NOW, .key = &fkey};
    struct accomp_erreurs e;
    long long id;
    if (orientation_send(&fdb, &c, 1, &os, &e, &id) == ACC_DONE) {
        struct orientation o;
        if (orientation_get(&fdb, &fkey, id, &o) != 1)
            abort();
    }
}

static void key_case(const uint8_t *p, size_t n)
{
    struct data_key k;
    data_key_parse(p, n, &k);
    char *plain = NULL;
    if (data_key_open(&fkey, "beneficiaire:1", p, n, &plain, NULL) == 0)
        free(plain);
}

static void stats_case(const char *s)
{
    char *copy = strdup(s), *save = NULL;
    if (!copy)
        return;
    const char *parts[4] = {NULL, NULL, NULL, NULL};
    char *t = strtok_r(copy, "\n", &save);
    for (int i = 0; i < 4 && t; i++, t = strtok_r(NULL, "\n", &save))
        parts[i] = t;
    struct stat_demande d;
    char msg[300];
    if (stat_demande_lire(&fdb, NULL, parts[0], parts[1], parts[2], parts[3], NOW, &d, msg,
                          sizeof msg) == 1 && d.au - d.du < 4000) {
        struct stat_vec v;
        if (stat_query(&fdb, d.portee, d.code, d.du, d.au, &v, NULL) == 0) {
            struct stat_tableau tab;
            if (stat_tableau_make(&fdb, &v, &tab) == 0) {
                struct buf b = BUF_INIT;
                stat_tableau_csv(&tab, &d, &b);
                buf_free(&b);
                json_decref(stat_tableau_json(&tab, &d));
                stat_tableau_free(&tab);
            }
            stat_vec_free(&v);
        }
    }
    free(copy);
}

static void text_case(const char *s, size_t n)
{
    long j;
    if (jour_parse(s, &j) == 0) {
        char out[11];
        jour_format(j, out);
        if (strcmp(out, s) != 0)
            abort();
    }
    char a[128], b[128];
    size_t half = n / 2;
    char left[256];
    snprintf(left, sizeof left, "%.*s", (int)(half < 255 ? half : 255), s);
    beneficiaire_normalise(left, a, sizeof a);
    beneficiaire_normalise(s + half, b, sizeof b);
    double x = beneficiaire_similarite(a, b), y = beneficiaire_similarite(b, a);
    if (x < 0 || x > 1 || x != y)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (uses++ % 1024 == 0)
        build();
    if (size < 1)
        return 0;
    unsigned sel = data[0] % 7;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    char *s = strndup((const char *)p, n);
    if (!s)
        return 0;
    size_t sn = strlen(s);
    switch (sel) {
    case 0: vec_case(p, n); break;
    case 1: activity_case(s, sn); break;
    case 2: person_case(s, sn); break;
    case 3: referral_case(s, sn); break;
    case 4: key_case(p, n); break;
    case 5: stats_case(s); break;
    default: text_case(s, sn); break;
    }
    free(s);
    return 0;
}
