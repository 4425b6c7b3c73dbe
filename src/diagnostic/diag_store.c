/* diag_store.c - the diagnostic's SQL (see diag_store.h). */
#include "diagnostic/diag_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/diag_agregats.h"

void diag_iso_time(time_t t, char out[24])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    snprintf(out, n, "%s", v ? (const char *)v : "");
}

static int step_done(struct db *d, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(d, what);
    return 0;
}

/* ---- banks ---- */

int diag_store_bank_active(struct db *d, char *out)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT version FROM diagnostic_banque WHERE actif = 1 ORDER BY publie_at DESC LIMIT 1");
    if (!st)
        return -1;
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW) {
        col_text(st, 0, out, DIAG_TAG_MAX);
        r = 1;
    } else if (rc != SQLITE_DONE) {
        r = db_fail(d, "active bank");
    }
    db_release(d, st);
    return r;
}

int diag_store_bank_content(struct db *d, const char *version, char **text)
{
    *text = NULL;
    sqlite3_stmt *st =
        db_prepare_cached(d, "SELECT contenu FROM diagnostic_banque WHERE version = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        *text = strdup(v ? (const char *)v : "");
        r = *text ? 1 : -1;
        if (!*text)
            snprintf(d->err, sizeof d->err, "out of memory");
    } else if (rc != SQLITE_DONE) {
        r = db_fail(d, "bank content");
    }
    db_release(d, st);
    return r;
}

int diag_store_bank_insert(struct db *d, const char *version, const char *content,
                           const char *sha256, const char *by, time_t now, int activate)
{
    char at[24];
    diag_iso_time(now, at);
    if (activate && db_exec(d, "UPDATE diagnostic_banque SET actif = 0 WHERE actif = 1") < 0)
        return -1;
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO diagnostic_banque (version, contenu, sha256, "
                                     "publie_at, publie_par, actif) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, content, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, sha256, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, by, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, activate ? 1 : 0);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "bank insert");
}

int diag_store_bank_activate(struct db *d, const char *version)
{
    sqlite3_stmt *st = db_prepare(d, "UPDATE diagnostic_banque SET actif = (version = ?1) "
                                     "WHERE EXISTS (SELECT 1 FROM diagnostic_banque WHERE version = ?1)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "bank activate");
    return sqlite3_changes(d->h) > 0 ? 1 : 0;
}

long diag_store_bank_sessions(struct db *d, const char *version)
{
    sqlite3_stmt *st =
        db_prepare(d, "SELECT count(*) FROM diagnostic_session WHERE banque_version = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_TRANSIENT);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n < 0 ? db_fail(d, "bank sessions") : n;
}

int diag_store_bank_list(struct db *d, struct diag_bank_row *out, int max)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT b.version, b.publie_at, b.publie_par, b.sha256, b.actif, "
           "(SELECT count(*) FROM diagnostic_session s WHERE s.banque_version = b.version) "
           "FROM diagnostic_banque b ORDER BY b.publie_at DESC, b.version DESC LIMIT ?1");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, max);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
        struct diag_bank_row *r = &out[n++];
        col_text(st, 0, r->version, sizeof r->version);
        col_text(st, 1, r->publie_at, sizeof r->publie_at);
        col_text(st, 2, r->publie_par, sizeof r->publie_par);
        col_text(st, 3, r->sha256, sizeof r->sha256);
        r->actif = sqlite3_column_int(st, 4);
        r->sessions = (long)sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : db_fail(d, "bank list");
}

/* ---- sessions ---- */

int diag_store_session_create(struct db *d, struct diag_session *s)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO diagnostic_session (cle, banque_version, mode, langue, revision, "
           "created_at, updated_at, structure_id, compte_id) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8) ON CONFLICT (cle) DO NOTHING");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, s->cle, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, s->version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, s->pro ? "pro" : "autonome", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->langue, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, s->revision);
    sqlite3_bind_text(st, 6, s->created_at, -1, SQLITE_TRANSIENT);
    if (s->structure_id > 0)
        sqlite3_bind_int64(st, 7, s->structure_id);
    if (s->compte_id > 0)
        sqlite3_bind_int64(st, 8, s->compte_id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "session create");
    if (sqlite3_changes(d->h) == 0)
        return 1;
    s->id = sqlite3_last_insert_rowid(d->h);
    return 0;
}

static int load_answers(struct db *d, struct diag_session *s)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT question, valeur FROM diagnostic_reponse WHERE session_id = ?1 ORDER BY rang");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, s->id);
    int rc;
    s->nraw = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->nraw < DIAG_MAX_ASKED) {
        col_text(st, 0, s->raw[s->nraw].question, sizeof s->raw[0].question);
        col_text(st, 1, s->raw[s->nraw].valeur, sizeof s->raw[0].valeur);
        s->nraw++;
    }
    db_release(d, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(d, "answers");
}

/* The result rows of a finished session. */
static int load_result(struct db *d, struct diag_session *s)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT 0, domaine, niveau FROM diagnostic_domaine WHERE session_id = ?1 "
           "UNION ALL SELECT 1, frein, 0 FROM diagnostic_frein WHERE session_id = ?1 "
           "UNION ALL SELECT 2, besoin, 0 FROM diagnostic_besoin WHERE session_id = ?1 "
           "ORDER BY 1, 2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, s->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int kind = sqlite3_column_int(st, 0);
        if (kind == 0 && s->ndom < DIAG_MAX_DOMAINES) {
            col_text(st, 1, s->dom[s->ndom].id, DIAG_TAG_MAX);
            s->dom[s->ndom++].niveau = sqlite3_column_int(st, 2);
        } else if (kind == 1 && s->nfreins < DIAG_MAX_TAGS) {
            col_text(st, 1, s->freins[s->nfreins++], DIAG_TAG_MAX);
        } else if (kind == 2 && s->nbesoins < DIAG_MAX_TAGS) {
            col_text(st, 1, s->besoins[s->nbesoins++], DIAG_TAG_MAX);
        }
    }
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "result");
}

#define SESSION_COLUMNS                                                                       \
    "id, cle, banque_version, mode, langue, revision, created_at, updated_at, termine_at, "  \
    "commune, departement, region, epci, structure_id, compte_id, score, autonomie_calculee, " \
    "autonomie, ajustement_motif, observations"

static void read_session(sqlite3_stmt *st, struct diag_session *s)
{
    memset(s, 0, sizeof *s);
    s->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, s->cle, sizeof s->cle);
    col_text(st, 2, s->version, sizeof s->version);
    s->pro = sqlite3_column_text(st, 3) && strcmp((const char *)sqlite3_column_text(st, 3), "pro") == 0;
    col_text(st, 4, s->langue, sizeof s->langue);
    s->revision = (long)sqlite3_column_int64(st, 5);
    col_text(st, 6, s->created_at, sizeof s->created_at);
    col_text(st, 7, s->updated_at, sizeof s->updated_at);
    col_text(st, 8, s->termine_at, sizeof s->termine_at);
    col_text(st, 9, s->commune, sizeof s->commune);
    col_text(st, 10, s->departement, sizeof s->departement);
    col_text(st, 11, s->region, sizeof s->region);
    col_text(st, 12, s->epci, sizeof s->epci);
    s->structure_id = sqlite3_column_int64(st, 13);
    s->compte_id = sqlite3_column_int64(st, 14);
    s->score = sqlite3_column_int(st, 15);
    s->autonomie_calculee = sqlite3_column_int(st, 16);
    s->autonomie = sqlite3_column_int(st, 17);
    col_text(st, 18, s->motif, sizeof s->motif);
    col_text(st, 19, s->observations, sizeof s->observations);
}

static int load_children(struct db *d, struct diag_session *s)
{
    if (load_answers(d, s) < 0)
        return -1;
    return s->termine_at[0] ? load_result(d, s) : 0;
}

int diag_store_session_get(struct db *d, const char *cle, struct diag_session *s)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT " SESSION_COLUMNS " FROM diagnostic_session WHERE cle = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, cle, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_session(st, s);
    db_release(d, st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(d, "session get");
    return load_children(d, s) < 0 ? -1 : 1;
}

static int touch(struct db *d, long long session_id, long revision, const char *langue,
                 const char *now_iso)
{
    /* revision < 0: one more than now */
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE diagnostic_session SET revision = CASE WHEN ?2 < 0 THEN revision + 1 "
           "ELSE ?2 END, langue = coalesce(?3, langue), updated_at = ?4 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, session_id);
    sqlite3_bind_int64(st, 2, revision);
    db_bind_text(st, 3, langue);
    sqlite3_bind_text(st, 4, now_iso, -1, SQLITE_TRANSIENT);
    int r = step_done(d, st, "session touch");
    db_release(d, st);
    return r;
}

int diag_store_answer_append(struct db *d, long long session_id, int rang,
                             const char *question, const char *valeur, const char *langue,
                             const char *now_iso)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO diagnostic_reponse (session_id, rang, question, valeur) "
           "VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, session_id);
    sqlite3_bind_int(st, 2, rang);
    sqlite3_bind_text(st, 3, question, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, valeur, -1, SQLITE_TRANSIENT);
    int r = step_done(d, st, "answer append");
    db_release(d, st);
    return r < 0 ? -1 : touch(d, session_id, -1, langue, now_iso);
}

int diag_store_answers_truncate(struct db *d, long long session_id, int rang,
                                const char *now_iso)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "DELETE FROM diagnostic_reponse WHERE session_id = ?1 AND rang >= ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, session_id);
    sqlite3_bind_int(st, 2, rang);
    int r = step_done(d, st, "answers truncate");
    db_release(d, st);
    return r < 0 ? -1 : touch(d, session_id, -1, NULL, now_iso);
}

int diag_store_answers_replace(struct db *d, long long session_id,
                               const struct diag_raw_answer *a, int n, long revision,
                               const char *langue, const char *now_iso)
{
    sqlite3_stmt *st =
        db_prepare_cached(d, "DELETE FROM diagnostic_reponse WHERE session_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, session_id);
    int r = step_done(d, st, "answers clear");
    db_release(d, st);
    if (r < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        st = db_prepare_cached(d, "INSERT INTO diagnostic_reponse (session_id, rang, question, "
                                  "valeur) VALUES (?1, ?2, ?3, ?4)");
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, session_id);
        sqlite3_bind_int(st, 2, i);
        sqlite3_bind_text(st, 3, a[i].question, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, a[i].valeur, -1, SQLITE_TRANSIENT);
        r = step_done(d, st, "answer insert");
        db_release(d, st);
        if (r < 0)
            return -1;
    }
    return touch(d, session_id, revision, langue, now_iso);
}

static int insert_tag(struct db *d, const char *sql, long long id, const char *tag, int niveau)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, tag, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, niveau);
    int r = step_done(d, st, "result insert");
    db_release(d, st);
    return r;
}

int diag_store_session_finish(struct db *d, const struct diag_session *s, const char *now_iso)
{
    static const char *const clear[] = {
        "DELETE FROM diagnostic_domaine WHERE session_id = ?1",
        "DELETE FROM diagnostic_frein WHERE session_id = ?1",
        "DELETE FROM diagnostic_besoin WHERE session_id = ?1",
    };
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++) {
        sqlite3_stmt *st = db_prepare(d, clear[i]);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, s->id);
        int r = step_done(d, st, "result clear");
        sqlite3_finalize(st);
        if (r < 0)
            return -1;
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE diagnostic_session SET termine_at = ?2, updated_at = ?2, "
           "revision = revision + 1, commune = ?3, departement = ?4, region = ?5, epci = ?6, "
           "score = ?7, autonomie_calculee = ?8, autonomie = ?9, ajustement_motif = ?10, "
           "observations = ?11, langue = ?12 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_text(st, 2, now_iso, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 3, s->commune);
    db_bind_text(st, 4, s->departement);
    db_bind_text(st, 5, s->region);
    db_bind_text(st, 6, s->epci);
    sqlite3_bind_int(st, 7, s->score);
    sqlite3_bind_int(st, 8, s->autonomie_calculee);
    sqlite3_bind_int(st, 9, s->autonomie);
    db_bind_text(st, 10, s->motif);
    db_bind_text(st, 11, s->observations);
    sqlite3_bind_text(st, 12, s->langue, -1, SQLITE_TRANSIENT);
    int r = step_done(d, st, "session finish");
    db_release(d, st);
    if (r < 0)
        return -1;
    for (int i = 0; i < s->ndom; i++)
        if (insert_tag(d, "INSERT INTO diagnostic_domaine (session_id, domaine, niveau) "
                          "VALUES (?1, ?2, ?3)", s->id, s->dom[i].id, s->dom[i].niveau) < 0)
            return -1;
    for (int i = 0; i < s->nfreins; i++)
        if (insert_tag(d, "INSERT INTO diagnostic_frein (session_id, frein) VALUES (?1, ?2) "
                          "ON CONFLICT DO NOTHING", s->id, s->freins[i], 0) < 0)
            return -1;
    for (int i = 0; i < s->nbesoins; i++)
        if (insert_tag(d, "INSERT INTO diagnostic_besoin (session_id, besoin) VALUES (?1, ?2) "
                          "ON CONFLICT DO NOTHING", s->id, s->besoins[i], 0) < 0)
            return -1;
    return diag_agregats_add(d, s->id);
}

long diag_store_purge_open(struct db *d, time_t now, long days, char before_iso[24])
{
    diag_iso_time(now - (time_t)days * 86400, before_iso);
    sqlite3_stmt *st = db_prepare(d, "DELETE FROM diagnostic_session WHERE termine_at IS NULL "
                                     "AND updated_at < ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, before_iso, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "purge");
    return (long)sqlite3_changes(d->h);
}

/* ---- referral sheets ---- */

int diag_store_orientation_add(struct db *d, long long session_id, long long lieu_id,
                               const char *lieu_nom, const char *destinataire,
                               long long mail_id, const char *now_iso)
{
    sqlite3_stmt *st = db_prepare(
        d, "INSERT INTO diagnostic_orientation (session_id, lieu_id, lieu_nom, destinataire, "
           "mail_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, session_id);
    sqlite3_bind_int64(st, 2, lieu_id);
    sqlite3_bind_text(st, 3, lieu_nom, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, destinataire, -1, SQLITE_TRANSIENT);
    if (mail_id > 0)
        sqlite3_bind_int64(st, 5, mail_id);
    sqlite3_bind_text(st, 6, now_iso, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "orientation add");
    return sqlite3_changes(d->h) ? 0 : 1;
}

int diag_store_orientation_exists(struct db *d, long long session_id, long long lieu_id)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT 1 FROM diagnostic_orientation "
                                     "WHERE session_id = ?1 AND lieu_id = ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, session_id);
    sqlite3_bind_int64(st, 2, lieu_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(d, "orientation exists");
    return rc == SQLITE_ROW;
}

int diag_store_structure_sessions(struct db *d, long long structure_id,
                                  struct diag_session_row *out, int max)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT s.cle, s.created_at, coalesce(s.termine_at, ''), coalesce(s.autonomie, 0), "
           "(SELECT count(*) FROM diagnostic_reponse r WHERE r.session_id = s.id) "
           "FROM diagnostic_session s WHERE s.structure_id = ?1 AND s.mode = 'pro' "
           "ORDER BY s.created_at DESC, s.id DESC LIMIT ?2");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, structure_id);
    sqlite3_bind_int(st, 2, max);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
        col_text(st, 0, out[n].cle, sizeof out[n].cle);
        col_text(st, 1, out[n].created_at, sizeof out[n].created_at);
        col_text(st, 2, out[n].termine_at, sizeof out[n].termine_at);
        out[n].autonomie = sqlite3_column_int(st, 3);
        out[n].answers = sqlite3_column_int(st, 4);
        n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : db_fail(d, "structure sessions");
}

/* ---- aggregates ---- */

/* The session column a territory level filters on (fixed names only). */
static const char *filter_column(const struct diag_filter *f)
{
    static const struct {
        const char *niveau, *column;
    } cols[] = {{"commune", "s.commune"}, {"epci", "s.epci"}, {"departement", "s.departement"},
                {"region", "s.region"}};
    if (!f->niveau)
        return "";
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        if (strcmp(cols[i].niveau, f->niveau) == 0)
            return cols[i].column;
    return NULL;
}

int diag_filter_ok(const struct diag_filter *f)
{
    return filter_column(f) && (!f->niveau || (f->code && *f->code)) ? 0 : -1;
}

/* "FROM ... WHERE ..." for finished sessions in the filter: parameters
 * ?1 code, ?2 depuis, ?3 jusqu. */
static void where_clause(struct buf *sql, const struct diag_filter *f, const char *join)
{
    buf_puts(sql, " FROM diagnostic_session s ");
    buf_puts(sql, join);
    buf_puts(sql, " WHERE s.termine_at IS NOT NULL AND (?2 IS NULL OR s.termine_at >= ?2) "
                  "AND (?3 IS NULL OR substr(s.termine_at, 1, 10) <= ?3)");
    const char *col = filter_column(f);
    if (col && *col) {
        buf_puts(sql, " AND ");
        buf_puts(sql, col);
        buf_puts(sql, " = ?1");
    }
}

static sqlite3_stmt *prepare_filtered(struct db *d, const struct diag_filter *f,
                                      const char *select, const char *join, const char *tail)
{
    if (diag_filter_ok(f) < 0) {
        snprintf(d->err, sizeof d->err, "unknown territory level");
        return NULL;
    }
    struct buf sql = BUF_INIT;
    buf_puts(&sql, select);
    where_clause(&sql, f, join);
    buf_puts(&sql, tail);
    if (sql.oom) {
        buf_free(&sql);
        snprintf(d->err, sizeof d->err, "out of memory");
        return NULL;
    }
    sqlite3_stmt *st = db_prepare(d, sql.s);
    buf_free(&sql);
    if (!st)
        return NULL;
    if (f->niveau)
        sqlite3_bind_text(st, 1, f->code, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 2, f->depuis);
    db_bind_text(st, 3, f->jusqu);
    return st;
}

static int count_tags(struct db *d, const struct diag_filter *f, const char *table,
                      const char *column, int *n, char (*ids)[DIAG_TAG_MAX], long *counts,
                      size_t stride)
{
    char select[128], join[160];
    snprintf(select, sizeof select, "SELECT t.%s, count(*)", column);
    snprintf(join, sizeof join, "JOIN %s t ON t.session_id = s.id", table);
    sqlite3_stmt *st = prepare_filtered(d, f, select, join, " GROUP BY 1 ORDER BY 1");
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < DIAG_MAX_TAGS) {
        char *id = (char *)ids + (size_t)*n * stride;
        long *c = (long *)(void *)((char *)counts + (size_t)*n * stride);
        col_text(st, 0, id, DIAG_TAG_MAX);
        *c = (long)sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(d, "count tags");
}

int diag_store_counts(struct db *d, const struct diag_filter *f, struct diag_counts *out)
{
    int k = diag_agregats_counts(d, f, out);
    return k < 0 ? -1 : k > 0 ? 0 : diag_store_counts_sql(d, f, out);
}

int diag_store_counts_sql(struct db *d, const struct diag_filter *f, struct diag_counts *out)
{
    memset(out, 0, sizeof *out);
    out->duree_mediane = -1;
    sqlite3_stmt *st = prepare_filtered(d, f, "SELECT s.autonomie, count(*), sum(s.mode = 'pro')",
                                        "", " GROUP BY 1");
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int a = sqlite3_column_int(st, 0);
        long n = (long)sqlite3_column_int64(st, 1);
        out->total += n;
        out->pro += (long)sqlite3_column_int64(st, 2);
        if (a >= 1 && a <= DIAG_STEPS)
            out->autonomie[a] += n;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "counts");

    st = prepare_filtered(d, f, "SELECT t.domaine, t.niveau, count(*)",
                          "JOIN diagnostic_domaine t ON t.session_id = s.id", " GROUP BY 1, 2 ORDER BY 1, 2");
    if (!st)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char id[DIAG_TAG_MAX];
        col_text(st, 0, id, sizeof id);
        int lv = sqlite3_column_int(st, 1), k;
        for (k = 0; k < out->ndom && strcmp(out->dom[k].id, id) != 0; k++)
            ;
        if (k == out->ndom) {
            if (out->ndom >= DIAG_MAX_DOMAINES)
                continue;
            snprintf(out->dom[out->ndom++].id, DIAG_TAG_MAX, "%s", id);
        }
        if (lv >= 0 && lv <= DIAG_LEVELS)
            out->dom[k].niveau[lv] += (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "domain counts");
    if (count_tags(d, f, "diagnostic_frein", "frein", &out->nfreins, &out->freins[0].id,
                   &out->freins[0].n, sizeof out->freins[0]) < 0 ||
        count_tags(d, f, "diagnostic_besoin", "besoin", &out->nbesoins, &out->besoins[0].id,
                   &out->besoins[0].n, sizeof out->besoins[0]) < 0)
        return -1;

    if (out->total > 0) {
        st = prepare_filtered(d, f,
                              "SELECT CAST(round((julianday(s.termine_at) - julianday(s.created_at)) "
                              "* 1440) AS INTEGER) AS t",
                              "", " ORDER BY t LIMIT 1 OFFSET ?4");
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 4, (out->total - 1) / 2);
        if (sqlite3_step(st) == SQLITE_ROW)
            out->duree_mediane = (long)sqlite3_column_int64(st, 0) * 60; /* to the minute */
        sqlite3_finalize(st);
    }
    return 0;
}

int diag_store_each_finished(struct db *d, const struct diag_filter *f,
                             int (*fn)(const struct diag_session *s, void *arg), void *arg)
{
    char select[sizeof SESSION_COLUMNS + 32];
    /* the columns, each prefixed by the alias */
    snprintf(select, sizeof select, "SELECT s.%s", SESSION_COLUMNS);
    struct buf cols = BUF_INIT;
    for (const char *p = select; *p; p++) {
        buf_putc(&cols, *p);
        if (*p == ',' && p[1] == ' ')
            buf_puts(&cols, " s."), p++;
    }
    sqlite3_stmt *st = cols.oom ? NULL : prepare_filtered(d, f, cols.s, "", " ORDER BY s.termine_at, s.id");
    buf_free(&cols);
    if (!st)
        return -1;
    struct diag_session *s = malloc(sizeof *s);
    if (!s) {
        sqlite3_finalize(st);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    int rc, r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_session(st, s);
        if (load_children(d, s) < 0) {
            r = -1;
            break;
        }
        r = fn(s, arg);
    }
    if (r == 0 && rc != SQLITE_DONE)
        r = db_fail(d, "export");
    sqlite3_finalize(st);
    free(s);
    return r;
}
