/* export.c - the JSON export of anonymous results (see export.h). */
#include "diagnostic/export.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/jsonw.h"
#include "diagnostic/catalogue.h"

struct export_ctx {
    struct db *d;
    struct jsonw *w;
    struct buf *out;
    FILE *f;
    long n;
};

static int flush(struct export_ctx *x)
{
    if (x->out->oom) {
        snprintf(x->d->err, sizeof x->d->err, "out of memory");
        return -1;
    }
    if (!x->f)
        return 0;
    if (x->out->len && fwrite(x->out->s, 1, x->out->len, x->f) != x->out->len) {
        snprintf(x->d->err, sizeof x->d->err, "write error");
        return -1;
    }
    x->out->len = 0;
    if (x->out->s)
        x->out->s[0] = 0;
    return 0;
}

static long seconds_between(const char *a, const char *b)
{
    struct tm ta = {0}, tb = {0};
    if (!strptime(a, "%Y-%m-%dT%H:%M:%SZ", &ta) || !strptime(b, "%Y-%m-%dT%H:%M:%SZ", &tb))
        return -1;
    return (long)(timegm(&tb) - timegm(&ta));
}

static void str_or_null(struct jsonw *w, const char *key, const char *v)
{
    jsonw_key(w, key);
    jsonw_string(w, v && *v ? v : NULL);
}

static void answers(struct jsonw *w, const struct diag_session *s)
{
    jsonw_key(w, "reponses");
    jsonw_array(w);
    for (int i = 0; i < s->nraw; i++) {
        jsonw_object(w);
        jsonw_key(w, "question");
        jsonw_string(w, s->raw[i].question);
        jsonw_key(w, "options");
        jsonw_array(w);
        const char *p = s->raw[i].valeur;
        while (*p) {
            const char *e = strchr(p, '|');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char id[64];
            snprintf(id, sizeof id, "%.*s", (int)(len < 63 ? len : 63), p);
            jsonw_string(w, id);
            if (!e)
                break;
            p = e + 1;
        }
        jsonw_end_array(w);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

void diag_export_record(struct jsonw *w, struct db *d, const struct diag_session *s,
                        int with_key)
{
    int done = s->termine_at[0] != 0;
    jsonw_object(w);
    if (with_key) {
        str_or_null(w, "cle", s->cle);
        jsonw_key(w, "revision");
        jsonw_int(w, s->revision);
        jsonw_key(w, "termine");
        jsonw_bool(w, done);
    } else {
        jsonw_key(w, "id");
        jsonw_int(w, s->id);
    }
    str_or_null(w, "banque_version", s->version);
    const struct diag_ref *ref = diag_referentiel(d);
    str_or_null(w, "referentiel", ref ? ref->version : NULL);
    str_or_null(w, "mode", s->pro ? "pro" : "autonome");
    str_or_null(w, "langue", s->langue);
    str_or_null(w, "debut", s->created_at);
    str_or_null(w, "fin", s->termine_at);
    jsonw_key(w, "duree_secondes");
    long secs = done ? seconds_between(s->created_at, s->termine_at) : -1;
    if (secs >= 0)
        jsonw_int(w, secs);
    else
        jsonw_null(w);
    str_or_null(w, "commune", s->commune);
    str_or_null(w, "epci", s->epci);
    str_or_null(w, "departement", s->departement);
    str_or_null(w, "region", s->region);
    jsonw_key(w, "structure_id");
    if (s->structure_id > 0 && !with_key)
        jsonw_int(w, s->structure_id);
    else
        jsonw_null(w);
    jsonw_key(w, "score");
    if (done)
        jsonw_int(w, s->score);
    else
        jsonw_null(w);
    jsonw_key(w, "autonomie");
    if (done)
        jsonw_int(w, s->autonomie);
    else
        jsonw_null(w);
    jsonw_key(w, "autonomie_calculee");
    if (done)
        jsonw_int(w, s->autonomie_calculee);
    else
        jsonw_null(w);
    jsonw_key(w, "ajuste");
    jsonw_bool(w, done && s->autonomie != s->autonomie_calculee);
    jsonw_key(w, "domaines");
    jsonw_object(w);
    for (int i = 0; i < s->ndom; i++) {
        jsonw_key(w, s->dom[i].id);
        jsonw_int(w, s->dom[i].niveau);
    }
    jsonw_end_object(w);
    jsonw_key(w, "freins");
    jsonw_array(w);
    for (int i = 0; i < s->nfreins; i++)
        jsonw_string(w, s->freins[i]);
    jsonw_end_array(w);
    jsonw_key(w, "besoins");
    jsonw_array(w);
    for (int i = 0; i < s->nbesoins; i++)
        jsonw_string(w, s->besoins[i]);
    jsonw_end_array(w);
    jsonw_key(w, "observations");
    if (s->observations[0]) {
        buf_puts(w->b, s->observations); /* stored by us as JSON */
        w->after_key = 0;
    } else {
        jsonw_null(w);
    }
    answers(w, s);
    jsonw_end_object(w);
}

static int record(const struct diag_session *s, void *arg)
{
    struct export_ctx *x = arg;
    diag_export_record(x->w, x->d, s, 0);
    x->n++;
    return flush(x);
}

int diag_export_json(struct db *d, const struct diag_filter *filter, struct buf *out, FILE *f,
                     time_t now, long *count)
{
    struct jsonw w;
    jsonw_init(&w, out);
    struct export_ctx x = {.d = d, .w = &w, .out = out, .f = f};
    char at[24];
    diag_iso_time(now, at);
    jsonw_object(&w);
    jsonw_key(&w, "format");
    jsonw_string(&w, "passerelle-diagnostic-export");
    jsonw_key(&w, "version");
    jsonw_int(&w, 1);
    jsonw_key(&w, "genere_le");
    jsonw_string(&w, at);
    jsonw_key(&w, "territoire");
    jsonw_object(&w);
    jsonw_key(&w, "niveau");
    jsonw_string(&w, filter->niveau ? filter->niveau : "france");
    jsonw_key(&w, "code");
    jsonw_string(&w, filter->niveau ? filter->code : NULL);
    jsonw_end_object(&w);
    jsonw_key(&w, "resultats");
    jsonw_array(&w);
    int r = flush(&x);
    if (r == 0)
        r = diag_store_each_finished(d, filter, record, &x);
    if (r == 0) {
        jsonw_end_array(&w);
        jsonw_key(&w, "nombre");
        jsonw_int(&w, x.n);
        jsonw_end_object(&w);
        buf_putc(out, '\n');
        r = flush(&x);
    }
    if (count)
        *count = x.n;
    return r < 0 ? -1 : 0;
}
