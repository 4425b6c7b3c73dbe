/* stats.c - suppression of small counts and the JSON of the statistics
 * (see stats.h). */
#include "diagnostic/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"

static long hide(long n)
{
    return n > 0 && n < DIAG_STATS_MIN ? -1 : n;
}

/* Hide small cells of a partition v[0..n), and one more when exactly one
 * is hidden. */
static void partition(long *v, int n)
{
    int hidden = 0;
    for (int i = 0; i < n; i++) {
        v[i] = hide(v[i]);
        hidden += v[i] < 0;
    }
    if (hidden != 1)
        return;
    int best = -1;
    for (int i = 0; i < n; i++)
        if (v[i] > 0 && (best < 0 || v[i] < v[best]))
            best = i;
    if (best >= 0)
        v[best] = -1;
}

void diag_stats_suppress(const struct diag_counts *raw, struct diag_stats *out)
{
    memset(out, 0, sizeof *out);
    out->c = *raw;
    struct diag_counts *c = &out->c;
    if (c->total < DIAG_STATS_MIN) {
        out->secret = 1;
        c->total = c->total > 0 ? -1 : 0;
        c->pro = c->total;
        for (int k = 0; k <= DIAG_STEPS; k++)
            c->autonomie[k] = c->total;
        for (int i = 0; i < c->ndom; i++)
            for (int k = 0; k <= DIAG_LEVELS; k++)
                c->dom[i].niveau[k] = c->total;
        for (int i = 0; i < c->nfreins; i++)
            c->freins[i].n = -1;
        for (int i = 0; i < c->nbesoins; i++)
            c->besoins[i].n = -1;
        c->duree_mediane = -1;
        return;
    }
    partition(c->autonomie + 1, DIAG_STEPS);
    for (int i = 0; i < c->ndom; i++)
        partition(c->dom[i].niveau, DIAG_LEVELS + 1);
    c->pro = hide(c->pro);
    /* the self-diagnostics are total - pro: hide both or neither */
    if (c->pro < 0 || hide(raw->total - raw->pro) < 0)
        c->pro = -1;
    for (int i = 0; i < c->nfreins; i++)
        c->freins[i].n = hide(c->freins[i].n);
    for (int i = 0; i < c->nbesoins; i++)
        c->besoins[i].n = hide(c->besoins[i].n);
}

int diag_stats(struct db *d, const struct diag_filter *f, struct diag_stats *out)
{
    struct diag_counts raw;
    if (diag_store_counts(d, f, &raw) < 0)
        return -1;
    diag_stats_suppress(&raw, out);
    return 0;
}

static void count(struct jsonw *w, long n)
{
    if (n < 0)
        jsonw_null(w);
    else
        jsonw_int(w, n);
}

static long tag_count(const struct diag_counts *c, int freins, const char *id)
{
    int n = freins ? c->nfreins : c->nbesoins;
    for (int i = 0; i < n; i++) {
        const char *k = freins ? c->freins[i].id : c->besoins[i].id;
        if (strcmp(k, id) == 0)
            return freins ? c->freins[i].n : c->besoins[i].n;
    }
    return 0;
}

void diag_stats_json(const struct diag_ref *ref, const struct diag_filter *f,
                     const struct diag_stats *s, struct buf *out)
{
    const struct diag_counts *c = &s->c;
    struct jsonw w;
    jsonw_init(&w, out);
    jsonw_object(&w);
    jsonw_key(&w, "territoire");
    jsonw_object(&w);
    jsonw_key(&w, "niveau");
    jsonw_string(&w, f->niveau ? f->niveau : "france");
    jsonw_key(&w, "code");
    jsonw_string(&w, f->niveau ? f->code : NULL);
    jsonw_end_object(&w);
    jsonw_key(&w, "periode");
    jsonw_object(&w);
    jsonw_key(&w, "depuis");
    jsonw_string(&w, f->depuis);
    jsonw_key(&w, "jusqu_au");
    jsonw_string(&w, f->jusqu);
    jsonw_end_object(&w);
    jsonw_key(&w, "seuil_secret");
    jsonw_int(&w, DIAG_STATS_MIN);
    jsonw_key(&w, "secret");
    jsonw_bool(&w, s->secret);
    jsonw_key(&w, "diagnostics");
    count(&w, c->total);
    jsonw_key(&w, "professionnels");
    count(&w, c->pro);
    jsonw_key(&w, "duree_mediane_secondes");
    count(&w, c->duree_mediane);
    jsonw_key(&w, "autonomie");
    jsonw_object(&w);
    for (int k = 1; k <= DIAG_STEPS; k++) {
        char key[4] = {(char)('0' + k), 0};
        jsonw_key(&w, key);
        count(&w, c->autonomie[k]);
    }
    jsonw_end_object(&w);
    jsonw_key(&w, "domaines");
    jsonw_object(&w);
    for (size_t i = 0; i < ref->ndomaines; i++) {
        jsonw_key(&w, ref->domaines[i].id);
        jsonw_object(&w);
        int k;
        for (k = 0; k < c->ndom && strcmp(c->dom[k].id, ref->domaines[i].id) != 0; k++)
            ;
        for (int lv = 0; lv <= DIAG_LEVELS; lv++) {
            char key[4] = {(char)('0' + lv), 0};
            jsonw_key(&w, key);
            count(&w, k < c->ndom ? c->dom[k].niveau[lv] : s->secret ? c->total : 0);
        }
        jsonw_end_object(&w);
    }
    jsonw_end_object(&w);
    jsonw_key(&w, "freins");
    jsonw_object(&w);
    for (size_t i = 0; i < ref->nfreins; i++) {
        jsonw_key(&w, ref->freins[i].id);
        count(&w, s->secret ? -1 : tag_count(c, 1, ref->freins[i].id));
    }
    jsonw_end_object(&w);
    jsonw_key(&w, "besoins");
    jsonw_object(&w);
    for (size_t i = 0; i < ref->nbesoins; i++) {
        jsonw_key(&w, ref->besoins[i].id);
        count(&w, s->secret ? -1 : tag_count(c, 0, ref->besoins[i].id));
    }
    jsonw_end_object(&w);
    jsonw_end_object(&w);
}
