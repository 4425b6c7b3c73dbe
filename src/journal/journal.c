/* journal.c - the audit journal (see journal.h). */
#include "journal/journal.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/text.h"
#include "territoires/territoires.h"

int journal_record(struct db *d, const struct actor *a, const char *cli_user, const char *peer,
                   time_t now, const struct journal_write *w)
{
    char at[24], who[160], dep[8] = "", reg[8] = "", commune[8] = "";
    text_iso_time(now, at);
    if (a)
        snprintf(who, sizeof who, "%s", a->email);
    else
        snprintf(who, sizeof who, "cli:%s", cli_user && *cli_user ? cli_user : "?");
    if (w->commune && *w->commune) {
        struct territoire_commune c;
        int r = territoires_commune(d, w->commune, &c);
        if (r < 0)
            return -1;
        snprintf(commune, sizeof commune, "%s", r ? c.code : w->commune);
        if (r) {
            snprintf(dep, sizeof dep, "%s", c.departement);
            snprintf(reg, sizeof reg, "%s", c.region);
        }
    } else if (w->departement && *w->departement) {
        struct territoire t;
        int r = territoires_get(d, TERRITOIRE_DEPARTEMENT, w->departement, &t);
        if (r < 0)
            return -1;
        snprintf(dep, sizeof dep, "%s", w->departement);
        if (r)
            snprintf(reg, sizeof reg, "%s", t.region);
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO journal (at, compte_id, acteur, action, objet, objet_id, commune, "
           "departement, region, structure_id, avant, apres, peer) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    if (a && a->compte_id > 0)
        sqlite3_bind_int64(st, 2, a->compte_id);
    sqlite3_bind_text(st, 3, who, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 4, w->action);
    db_bind_text(st, 5, w->objet);
    db_bind_text(st, 6, w->objet_id);
    db_bind_text(st, 7, commune);
    db_bind_text(st, 8, dep);
    db_bind_text(st, 9, reg);
    if (w->structure_id > 0)
        sqlite3_bind_int64(st, 10, w->structure_id);
    db_bind_text(st, 11, w->avant);
    db_bind_text(st, 12, w->apres);
    db_bind_text(st, 13, peer);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "journal insert");
}

/* The actor's territorial scope as SQL: admins see everything; a
 * coordinator sees entries whose région, département, EPCI or commune is
 * one of theirs. Returns 1 (everything), 0 (restricted, terms filled) or
 * -1 (nothing: not allowed). */
struct scope {
    const char *regions[ACTOR_MAX_GRANTS], *deps[ACTOR_MAX_GRANTS], *epcis[ACTOR_MAX_GRANTS],
        *communes[ACTOR_MAX_GRANTS];
    int nr, nd, ne, nc;
};

static int scope_of(const struct actor *a, struct scope *s)
{
    memset(s, 0, sizeof *s);
    if (!a)
        return -1;
    int any = 0;
    for (int i = 0; i < a->ngrants; i++) {
        const struct grant *g = &a->grants[i];
        if (g->role == ROLE_ADMIN)
            return 1;
        if (g->role != ROLE_COORDINATEUR)
            continue;
        any = 1;
        switch (g->portee) {
        case PORTEE_NATION: return 1;
        case PORTEE_REGION: s->regions[s->nr++] = g->code; break;
        case PORTEE_DEPARTEMENT: s->deps[s->nd++] = g->code; break;
        case PORTEE_EPCI: s->epcis[s->ne++] = g->code; break;
        case PORTEE_COMMUNE: s->communes[s->nc++] = g->code; break;
        default: break;
        }
    }
    return any ? 0 : -1;
}

/* Does entry (commune, departement, region) fall within the scope? */
static int in_scope(struct db *d, const struct scope *s, const char *commune, const char *dep,
                    const char *reg)
{
    for (int i = 0; i < s->nr; i++)
        if (reg && strcmp(reg, s->regions[i]) == 0)
            return 1;
    for (int i = 0; i < s->nd; i++)
        if (dep && strcmp(dep, s->deps[i]) == 0)
            return 1;
    for (int i = 0; i < s->nc; i++)
        if (commune && strcmp(commune, s->communes[i]) == 0)
            return 1;
    if (s->ne && commune && *commune) {
        struct territoire_commune c;
        if (territoires_commune(d, commune, &c) == 1)
            for (int i = 0; i < s->ne; i++)
                if (strcmp(c.epci, s->epcis[i]) == 0)
                    return 1;
    }
    return 0;
}

static char *col(sqlite3_stmt *st, int c)
{
    const char *v = (const char *)sqlite3_column_text(st, c);
    return v ? strdup(v) : NULL;
}

static void entry_free(struct journal_entry *e)
{
    free(e->acteur);
    free(e->action);
    free(e->objet);
    free(e->objet_id);
    free(e->commune);
    free(e->departement);
    free(e->region);
    free(e->avant);
    free(e->apres);
    free(e->peer);
}

void journal_page_free(struct journal_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        entry_free(&p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static sqlite3_stmt *select_entries(struct db *d, const struct journal_filter *f)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT id, at, compte_id, acteur, action, objet, objet_id, commune, departement, "
           "region, structure_id, avant, apres, peer FROM journal "
           "WHERE (?1 IS NULL OR objet = ?1) AND (?2 IS NULL OR action = ?2) "
           "AND (?3 IS NULL OR departement = ?3) AND (?4 = 0 OR id < ?4) ORDER BY id DESC");
    if (!st)
        return NULL;
    db_bind_text(st, 1, f ? f->objet : NULL);
    db_bind_text(st, 2, f ? f->action : NULL);
    db_bind_text(st, 3, f ? f->departement : NULL);
    sqlite3_bind_int64(st, 4, f ? f->before_id : 0);
    return st;
}

static void read_entry(sqlite3_stmt *st, struct journal_entry *e)
{
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
    const char *at = (const char *)sqlite3_column_text(st, 1);
    snprintf(e->at, sizeof e->at, "%s", at ? at : "");
    e->compte_id = sqlite3_column_int64(st, 2);
    e->acteur = col(st, 3);
    e->action = col(st, 4);
    e->objet = col(st, 5);
    e->objet_id = col(st, 6);
    e->commune = col(st, 7);
    e->departement = col(st, 8);
    e->region = col(st, 9);
    e->structure_id = sqlite3_column_int64(st, 10);
    e->avant = col(st, 11);
    e->apres = col(st, 12);
    e->peer = col(st, 13);
}

/* Call fn(ctx, st) for each entry (current row of st) the actor may read,
 * newest first, until fn returns 1 (stop) or -1 (error). 0 or -1. */
static int each_visible(struct db *d, const struct actor *a, const struct journal_filter *f,
                        int (*fn)(void *ctx, sqlite3_stmt *st), void *ctx)
{
    struct scope s;
    int all = scope_of(a, &s);
    if (all < 0)
        return 0;
    sqlite3_stmt *st = select_entries(d, f);
    if (!st)
        return -1;
    int rc, k = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 7);
        const char *dep = (const char *)sqlite3_column_text(st, 8);
        const char *reg = (const char *)sqlite3_column_text(st, 9);
        if (!all && !in_scope(d, &s, c, dep, reg))
            continue;
        if ((k = fn(ctx, st)) != 0)
            break;
    }
    int ok = k < 0 ? -1 : rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(d, "journal");
    sqlite3_finalize(st);
    return ok;
}

struct list_ctx {
    struct journal_page *out;
    int limit;
};

static int add_entry(void *ctx, sqlite3_stmt *st)
{
    struct list_ctx *l = ctx;
    if ((int)l->out->n == l->limit) {
        l->out->more = 1;
        return 1;
    }
    read_entry(st, &l->out->v[l->out->n++]);
    return 0;
}

int journal_list(struct db *d, const struct actor *a, const struct journal_filter *f,
                 struct journal_page *out)
{
    memset(out, 0, sizeof *out);
    int limit = f && f->limit > 0 && f->limit <= 1000 ? f->limit : 50;
    out->v = calloc((size_t)limit, sizeof *out->v);
    if (!out->v) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    struct list_ctx l = {out, limit};
    if (each_visible(d, a, f, add_entry, &l) < 0) {
        journal_page_free(out);
        return -1;
    }
    return 0;
}

struct csv_ctx {
    struct buf line;
    FILE *out;
    long *count;
};

static int write_row(void *ctx, sqlite3_stmt *st)
{
    struct csv_ctx *x = ctx;
    buf_reset(&x->line);
    for (int k = 0; k < 14; k++) {
        if (k)
            buf_putc(&x->line, ',');
        const char *v = (const char *)sqlite3_column_text(st, k);
        csv_write_cell(&x->line, v ? v : "");
    }
    buf_putc(&x->line, '\n');
    if (x->line.oom || fwrite(x->line.s, 1, x->line.len, x->out) != x->line.len)
        return -1;
    (*x->count)++;
    return 0;
}

int journal_export_csv(struct db *d, const struct actor *a, const struct journal_filter *f,
                       FILE *out, long *count)
{
    *count = 0;
    static const char *const head[] = {"id", "date", "compte_id", "acteur", "action", "objet",
                                       "objet_id", "commune", "departement", "region",
                                       "structure_id", "avant", "apres", "adresse_ip"};
    struct csv_ctx x = {BUF_INIT, out, count};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
        if (i)
            buf_putc(&x.line, ',');
        csv_write_field(&x.line, head[i]);
    }
    buf_putc(&x.line, '\n');
    fwrite(x.line.s, 1, x.line.len, out);
    int rc = each_visible(d, a, f, write_row, &x);
    if (rc < 0 && !d->err[0])
        snprintf(d->err, sizeof d->err, "journal export: write error or out of memory");
    buf_free(&x.line);
    return rc;
}
