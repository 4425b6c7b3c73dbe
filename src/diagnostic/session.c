/* session.c - a diagnostic session from start to result (see session.h). */
#include "diagnostic/session.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "diagnostic/catalogue.h"
#include "journal/journal.h"

int diag_key_ok(const char *cle)
{
    size_t n = cle ? strlen(cle) : 0;
    if (n < 22 || n >= DIAG_KEY_MAX)
        return 0;
    for (const char *p = cle; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    return 1;
}

void diag_key_new(char out[DIAG_KEY_MAX])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, DIAG_KEY_MAX, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int diag_state_load(struct db *d, const char *cle, struct diag_state *st)
{
    memset(st, 0, sizeof *st);
    diag_observation_none(&st->obs);
    if (!diag_key_ok(cle))
        return 0;
    int r = diag_store_session_get(d, cle, &st->s);
    if (r <= 0)
        return r;
    st->bank = diag_bank_get(d, st->s.version);
    if (!st->bank)
        return -1;
    for (int i = 0; i < st->s.nraw; i++) {
        int q = diag_bank_question(st->bank, st->s.raw[i].question);
        if (q < 0 || diag_answer_parse(st->bank, q, st->s.raw[i].valeur, &st->a[st->n]) < 0)
            break;
        st->n++;
    }
    st->consistent = diag_walk(st->bank, st->a, st->n, &st->w) == 0;
    if (st->s.observations[0] &&
        diag_observation_parse(st->bank->ref, st->s.observations, &st->obs) == 0)
        st->has_obs = 1;
    return 1;
}

static int journal_pro(struct db *d, const struct actor *a, const char *peer, time_t now,
                       const char *action, long long session_id, long long structure_id,
                       const char *apres)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", session_id);
    struct journal_write w = {.action = action, .objet = "diagnostic", .objet_id = id,
                              .structure_id = structure_id, .apres = apres};
    return journal_record(d, a, NULL, peer, now, &w);
}

int diag_session_start(struct db *d, int pro, enum diag_lang l, const struct actor *a,
                       long long structure_id, const char *peer, time_t now,
                       char out[DIAG_KEY_MAX])
{
    struct diag_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    int r = -1;
    if (diag_bank_active(d, s->version) < 0 || !diag_bank_get(d, s->version))
        goto done;
    s->pro = pro;
    snprintf(s->langue, sizeof s->langue, "%s", diag_lang_code(l));
    diag_iso_time(now, s->created_at);
    if (pro) {
        s->structure_id = structure_id;
        s->compte_id = a ? a->compte_id : 0;
    }
    if (db_begin(d) < 0)
        goto done;
    for (int tries = 0; tries < 4; tries++) {
        diag_key_new(s->cle);
        r = diag_store_session_create(d, s);
        if (r != 1)
            break;
    }
    if (r == 0 && pro)
        r = journal_pro(d, a, peer, now, "diagnostic.creer", s->id, structure_id, NULL);
    if (r != 0) {
        if (r == 1)
            snprintf(d->err, sizeof d->err, "could not draw a free session key");
        db_rollback(d);
        r = -1;
        goto done;
    }
    if (db_commit(d) < 0) {
        r = -1;
        goto done;
    }
    snprintf(out, DIAG_KEY_MAX, "%s", s->cle);
done:
    free(s);
    return r;
}

static int reload(struct db *d, struct diag_state *st)
{
    char cle[DIAG_KEY_MAX];
    snprintf(cle, sizeof cle, "%s", st->s.cle);
    return diag_state_load(d, cle, st) == 1 ? 0 : -1;
}

int diag_session_answer(struct db *d, struct diag_state *st, const struct diag_answer *ans,
                        enum diag_lang l, time_t now)
{
    if (st->s.termine_at[0])
        return 2;
    if (!st->consistent || ans->q != st->w.next || st->w.next == DIAG_END ||
        st->n >= DIAG_MAX_ASKED)
        return 1;
    struct buf v = BUF_INIT;
    diag_answer_format(st->bank, ans, &v);
    if (v.oom) {
        buf_free(&v);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    char at[24];
    diag_iso_time(now, at);
    if (db_begin(d) < 0) {
        buf_free(&v);
        return -1;
    }
    int r = diag_store_answer_append(d, st->s.id, st->n, st->bank->q[ans->q].id, v.s,
                                     diag_lang_code(l), at);
    buf_free(&v);
    if (r < 0) {
        /* a concurrent double submit hits the primary key: ignore it */
        int dup = strstr(d->err, "UNIQUE") != NULL;
        db_rollback(d);
        return dup ? 1 : -1;
    }
    if (db_commit(d) < 0)
        return -1;
    return reload(d, st);
}

int diag_session_back(struct db *d, struct diag_state *st, time_t now)
{
    if (st->s.termine_at[0] || st->n == 0)
        return 1;
    char at[24];
    diag_iso_time(now, at);
    if (db_begin(d) < 0)
        return -1;
    if (diag_store_answers_truncate(d, st->s.id, st->n - 1, at) < 0) {
        db_rollback(d);
        return -1;
    }
    if (db_commit(d) < 0)
        return -1;
    return reload(d, st);
}

/* Fill s's result fields from r. */
static void result_into(const struct diag_ref *ref, const struct diag_result *r,
                        struct diag_session *s)
{
    s->score = r->score;
    s->autonomie_calculee = r->autonomie_calculee;
    s->autonomie = r->autonomie;
    s->ndom = 0;
    for (int i = 0; i < r->ndomaines && i < DIAG_MAX_DOMAINES; i++) {
        snprintf(s->dom[s->ndom].id, DIAG_TAG_MAX, "%s", ref->domaines[i].id);
        s->dom[s->ndom++].niveau = r->niveau[i];
    }
    s->nfreins = s->nbesoins = 0;
    for (size_t i = 0; i < ref->nfreins; i++)
        if (r->freins >> i & 1)
            snprintf(s->freins[s->nfreins++], DIAG_TAG_MAX, "%s", ref->freins[i].id);
    for (size_t i = 0; i < ref->nbesoins; i++)
        if (r->besoins >> i & 1)
            snprintf(s->besoins[s->nbesoins++], DIAG_TAG_MAX, "%s", ref->besoins[i].id);
}

int diag_session_finish_in(struct db *d, struct diag_state *st,
                           const struct territoire_commune *commune,
                           const struct diag_observation *obs, const struct actor *a,
                           const char *peer, time_t now)
{
    if (st->s.termine_at[0])
        return 1;
    if (!st->s.pro && (!st->consistent || st->w.next != DIAG_END))
        return 1;
    const struct diag_ref *ref = st->bank->ref;
    struct diag_result r;
    diag_score(st->bank, st->a, st->n, st->s.pro ? obs : NULL, &r);
    struct diag_session *s = &st->s;
    result_into(ref, &r, s);
    s->commune[0] = s->departement[0] = s->region[0] = s->epci[0] = 0;
    if (commune) {
        snprintf(s->commune, sizeof s->commune, "%s", commune->code);
        snprintf(s->departement, sizeof s->departement, "%s", commune->departement);
        snprintf(s->region, sizeof s->region, "%s", commune->region);
        snprintf(s->epci, sizeof s->epci, "%s", commune->epci);
    }
    s->observations[0] = 0;
    s->motif[0] = 0;
    if (st->s.pro && obs) {
        struct buf j = BUF_INIT;
        diag_observation_json(ref, obs, &j);
        if (j.s && j.len < sizeof s->observations)
            memcpy(s->observations, j.s, j.len + 1);
        buf_free(&j);
        if (r.ajuste && obs->motif)
            snprintf(s->motif, sizeof s->motif, "%s", obs->motif);
    }
    char at[24];
    diag_iso_time(now, at);
    if (diag_store_session_finish(d, s, at) < 0)
        return -1;
    if (!st->s.pro)
        return 0;
    char apres[160];
    snprintf(apres, sizeof apres,
             "{\"score\":%d,\"autonomie_calculee\":%d,\"autonomie\":%d,\"ajuste\":%s}",
             r.score, r.autonomie_calculee, r.autonomie, r.ajuste ? "true" : "false");
    return journal_pro(d, a, peer, now, "diagnostic.terminer", s->id, s->structure_id, apres);
}

int diag_session_finish(struct db *d, struct diag_state *st,
                        const struct territoire_commune *commune,
                        const struct diag_observation *obs, const struct actor *a,
                        const char *peer, time_t now)
{
    if (db_begin(d) < 0)
        return -1;
    int rc = diag_session_finish_in(d, st, commune, obs, a, peer, now);
    if (rc != 0) {
        db_rollback(d);
        return rc;
    }
    if (db_commit(d) < 0)
        return -1;
    return reload(d, st);
}

void diag_state_result(const struct diag_state *st, struct diag_result *r)
{
    const struct diag_ref *ref = st->bank->ref;
    memset(r, 0, sizeof *r);
    r->ndomaines = (int)ref->ndomaines;
    struct diag_result computed;
    diag_score(st->bank, st->a, st->n, st->has_obs ? &st->obs : NULL, &computed);
    for (int i = 0; i < r->ndomaines; i++)
        r->reponses[i] = computed.reponses[i];
    for (int k = 0; k < st->s.ndom; k++) {
        int i = diag_ref_domaine(ref, st->s.dom[k].id);
        if (i >= 0)
            r->niveau[i] = st->s.dom[k].niveau;
    }
    for (int k = 0; k < st->s.nfreins; k++) {
        int i = diag_ref_frein(ref, st->s.freins[k]);
        if (i >= 0)
            r->freins |= (uint64_t)1 << i;
    }
    for (int k = 0; k < st->s.nbesoins; k++) {
        int i = diag_ref_besoin(ref, st->s.besoins[k]);
        if (i >= 0)
            r->besoins |= (uint64_t)1 << i;
    }
    r->attitudes = st->has_obs ? st->obs.attitudes : 0;
    r->score = st->s.score;
    r->autonomie_calculee = st->s.autonomie_calculee;
    r->autonomie = st->s.autonomie;
    r->ajuste = st->s.autonomie != st->s.autonomie_calculee;
    r->grave = computed.grave;
    r->nquestions = st->n;
}

int diag_resolve_commune(struct db *d, const char *text, struct territoire_commune *c)
{
    if (!text || !*text)
        return 0;
    int n = territoires_search_communes(d, text, c, 1);
    return n < 0 ? -1 : n > 0;
}

void diag_observation_json(const struct diag_ref *ref, const struct diag_observation *o,
                           struct buf *out)
{
    struct jsonw w;
    jsonw_init(&w, out);
    jsonw_object(&w);
    jsonw_key(&w, "domaines");
    jsonw_object(&w);
    for (size_t i = 0; i < ref->ndomaines; i++)
        if (o->niveau[i] >= 0) {
            jsonw_key(&w, ref->domaines[i].id);
            jsonw_int(&w, o->niveau[i]);
        }
    jsonw_end_object(&w);
    jsonw_key(&w, "attitudes");
    jsonw_array(&w);
    for (size_t i = 0; i < ref->nattitudes; i++)
        if (o->attitudes >> i & 1)
            jsonw_string(&w, ref->attitudes[i].id);
    jsonw_end_array(&w);
    jsonw_key(&w, "freins");
    jsonw_array(&w);
    for (size_t i = 0; i < ref->nfreins; i++)
        if (o->freins >> i & 1)
            jsonw_string(&w, ref->freins[i].id);
    jsonw_end_array(&w);
    jsonw_key(&w, "autonomie");
    if (o->autonomie >= 1)
        jsonw_int(&w, o->autonomie);
    else
        jsonw_null(&w);
    jsonw_end_object(&w);
}

static uint64_t id_bits(json_t *arr, const struct diag_ref *ref,
                        int (*find)(const struct diag_ref *, const char *))
{
    uint64_t m = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        int k = find(ref, json_string_value(v));
        if (k >= 0)
            m |= (uint64_t)1 << k;
    }
    return m;
}

int diag_observation_parse(const struct diag_ref *ref, const char *text,
                           struct diag_observation *o)
{
    diag_observation_none(o);
    json_t *root = json_loads(text, 0, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        return -1;
    }
    json_t *doms = json_object_get(root, "domaines");
    const char *k;
    json_t *v;
    json_object_foreach(doms, k, v) {
        int i = diag_ref_domaine(ref, k);
        if (i >= 0 && json_is_integer(v) && json_integer_value(v) >= 0 &&
            json_integer_value(v) <= DIAG_LEVELS)
            o->niveau[i] = (int)json_integer_value(v);
    }
    o->attitudes = id_bits(json_object_get(root, "attitudes"), ref, diag_ref_attitude);
    o->freins = id_bits(json_object_get(root, "freins"), ref, diag_ref_frein);
    json_t *a = json_object_get(root, "autonomie");
    if (json_is_integer(a) && json_integer_value(a) >= 1 && json_integer_value(a) <= DIAG_STEPS)
        o->autonomie = (int)json_integer_value(a);
    json_decref(root);
    return 0;
}
