/* diag_store.h - all of the diagnostic's SQL (tables of migration
 * 005_diagnostic.sql): published banks, sessions and their answers,
 * results, referral sheets, and the aggregates for statistics and export.
 *
 * Every statement is parameterised; the only SQL text chosen at run time
 * is a column name from a fixed table (the territory level of a filter).
 * Times are ISO 8601 UTC text ("2026-11-24T10:30:00Z"). Writes that must
 * go together are grouped by the callers (diagnostic/session.c) in one
 * transaction. Errors: -1 with an English message in d->err. */
#ifndef DIAGNOSTIC_DIAG_STORE_H
#define DIAGNOSTIC_DIAG_STORE_H
#include <time.h>

#include "diagnostic/bank.h"
#include "store/db.h"

#define DIAG_KEY_MAX 65
#define DIAG_VALUE_MAX 560
#define DIAG_TAG_MAX 33

void diag_iso_time(time_t t, char out[24]);

/* ---- banks ---- */
/* The active published version into out[33]: 1, 0 when none, -1. */
int diag_store_bank_active(struct db *d, char *out);
/* The published text of `version` (malloc'd, free()): 1, 0 unknown, -1. */
int diag_store_bank_content(struct db *d, const char *version, char **text);
/* Insert a version (it must not exist); activate it when `activate`. */
int diag_store_bank_insert(struct db *d, const char *version, const char *content,
                           const char *sha256, const char *by, time_t now, int activate);
/* Make `version` the only active one: 1, 0 when it is not published, -1. */
int diag_store_bank_activate(struct db *d, const char *version);
struct diag_bank_row {
    char version[DIAG_TAG_MAX];
    char publie_at[24];
    char publie_par[160];
    char sha256[65];
    int actif;
    long sessions;          /* sessions that used it */
};
/* Published versions, newest first: how many (<= max), or -1. */
int diag_store_bank_list(struct db *d, struct diag_bank_row *out, int max);
/* Sessions that used `version` (published or built in), or -1. */
long diag_store_bank_sessions(struct db *d, const char *version);

/* ---- sessions ---- */
struct diag_raw_answer {
    char question[48];
    char valeur[DIAG_VALUE_MAX];
};

struct diag_session {
    long long id;
    char cle[DIAG_KEY_MAX];
    char version[DIAG_TAG_MAX];
    int pro;
    char langue[4];
    long revision;
    char created_at[24], updated_at[24], termine_at[24]; /* "" while open */
    char commune[8], departement[4], region[4], epci[10];
    long long structure_id, compte_id;
    int score, autonomie_calculee, autonomie;   /* 0 while open */
    char motif[512];
    char observations[2048];  /* JSON, "" when none */
    int nraw;
    struct diag_raw_answer raw[DIAG_MAX_ASKED];
    /* the stored result (finished sessions) */
    int ndom;
    struct {
        char id[DIAG_TAG_MAX];
        int niveau;
    } dom[DIAG_MAX_DOMAINES];
    int nfreins, nbesoins;
    char freins[DIAG_MAX_TAGS][DIAG_TAG_MAX], besoins[DIAG_MAX_TAGS][DIAG_TAG_MAX];
};

/* Create s (cle, version, pro, langue, structure_id, compte_id, times).
 * Returns 0 (s->id set), 1 when the key is taken, -1. */
int diag_store_session_create(struct db *d, struct diag_session *s);
/* Load a session by key with its answers (and result when finished):
 * 1, 0 when unknown, -1. */
int diag_store_session_get(struct db *d, const char *cle, struct diag_session *s);
/* Replace every answer (offline sync), set revision and langue. */
int diag_store_answers_replace(struct db *d, long long session_id,
                               const struct diag_raw_answer *a, int n, long revision,
                               const char *langue, const char *now_iso);
/* Append one answer at rank `rang`; revision + 1. */
int diag_store_answer_append(struct db *d, long long session_id, int rang,
                             const char *question, const char *valeur, const char *langue,
                             const char *now_iso);
/* Remove answers of rank >= rang; revision + 1. */
int diag_store_answers_truncate(struct db *d, long long session_id, int rang,
                                const char *now_iso);
/* Store the result of a finished session: s's commune, departement,
 * region, epci, score, autonomie*, motif, observations, ndom/dom,
 * freins, besoins, and termine_at = now; and add it to the statistics'
 * counters (diag_agregats.h). In the caller's transaction. */
int diag_store_session_finish(struct db *d, const struct diag_session *s, const char *now_iso);

/* Delete the sessions never finished and not touched for `days` days
 * before `now` (with their answers, in one statement): the server does it
 * every hour with DIAG_PURGE_JOURS, `diagnostic purger` on demand.
 * before_iso receives the limit. Returns how many, or -1. */
#define DIAG_PURGE_JOURS 30
long diag_store_purge_open(struct db *d, time_t now, long days, char before_iso[24]);

/* ---- referral sheets ---- */
/* 0 recorded, 1 already sent to that place, -1. */
int diag_store_orientation_add(struct db *d, long long session_id, long long lieu_id,
                               const char *lieu_nom, const char *destinataire,
                               long long mail_id, const char *now_iso);
/* 1 when a sheet of the session went to that place, 0, -1. */
int diag_store_orientation_exists(struct db *d, long long session_id, long long lieu_id);

/* ---- professional lists ---- */
struct diag_session_row {
    char cle[DIAG_KEY_MAX];
    char created_at[24], termine_at[24];
    int autonomie;
    int answers;
};
/* Newest sessions of a structure (professional mode): how many, or -1. */
int diag_store_structure_sessions(struct db *d, long long structure_id,
                                  struct diag_session_row *out, int max);

/* ---- aggregates (finished sessions) ---- */
/* Territory filter: niveau is a territory level name ("commune", "epci",
 * "departement", "region") with its code, or NULL for all of France. */
struct diag_filter {
    const char *niveau, *code;
    const char *depuis, *jusqu;   /* termine_at bounds (ISO dates), or NULL */
};
/* -1 when the level is unknown. */
int diag_filter_ok(const struct diag_filter *f);

struct diag_counts {
    long total;
    long autonomie[DIAG_STEPS + 1];            /* [1..4] */
    long pro;                                  /* professional mode */
    int ndom;
    struct {
        char id[DIAG_TAG_MAX];
        long niveau[DIAG_LEVELS + 1];
    } dom[DIAG_MAX_DOMAINES];
    int nfreins;
    struct {
        char id[DIAG_TAG_MAX];
        long n;
    } freins[DIAG_MAX_TAGS];
    int nbesoins;
    struct {
        char id[DIAG_TAG_MAX];
        long n;
    } besoins[DIAG_MAX_TAGS];
    long duree_mediane;                        /* seconds, -1 unknown */
};
/* Raw counts (no suppression: see diagnostic/stats.h), from the counters
 * of diag_agregats.h (dates given as plain days), else by counting the
 * sessions. Returns 0 or -1. */
int diag_store_counts(struct db *d, const struct diag_filter *f, struct diag_counts *out);
/* The same by counting the finished sessions themselves (any dates; the
 * reference the counters are tested and benchmarked against). */
int diag_store_counts_sql(struct db *d, const struct diag_filter *f, struct diag_counts *out);

/* Each finished session in the filter, oldest first: fn(session, arg);
 * fn returns 0 to go on, else the walk stops with that value. Returns 0,
 * fn's value, or -1. */
int diag_store_each_finished(struct db *d, const struct diag_filter *f,
                             int (*fn)(const struct diag_session *s, void *arg), void *arg);

#endif
