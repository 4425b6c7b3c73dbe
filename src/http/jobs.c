/* jobs.c - the server's background jobs (see jobs.h). */
#include "http/jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "comptes/smtp.h"
#include "diagnostic/diag_agregats.h"
#include "diagnostic/diag_store.h"
#include "lieux/publish.h"
#include "store/db.h"

struct job {
    const char *name;
    int period;
    int (*run)(struct db *d, const struct jobs_config *cfg, time_t now);
};

/* Republish when the sources changed: the first change after a quiet time
 * within a second, then at most every PUBLISH_EVERY seconds while writes
 * keep coming (a publication holds the write lock for a few tenths of a
 * second; producers' writes wait meanwhile). */
#define PUBLISH_EVERY 5

static int job_publier(struct db *d, const struct jobs_config *cfg, time_t now)
{
    (void)cfg;
    (void)now;
    time_t t = time(NULL);
    char *last = db_meta_get(d, "lieux_publie_at");
    long long at = last ? atoll(last) : 0;
    free(last);
    if (t - at < PUBLISH_EVERY)
        return 0; /* published a moment ago: wait (meta lieux_publie_at) */
    struct publish_stats ps;
    int done;
    if (lieux_publish_pending(d, &ps, &done) < 0)
        return -1;
    if (done) {
        char stamp[32];
        snprintf(stamp, sizeof stamp, "%lld", (long long)t);
        if (db_meta_set(d, "lieux_publie_at", stamp) < 0)
            return -1;
        fprintf(stderr, "publication : %ld lieux publiés (%.2f s)\n", ps.published, ps.seconds);
    }
    return 0;
}

/* Without a relay, queued mail is announced once in the log (recipient
 * and subject only: the body may hold a single-use link). */
static int job_mails(struct db *d, const struct jobs_config *cfg, time_t now)
{
    if (!cfg->smtp) {
        sqlite3_stmt *st = db_prepare(d, "SELECT id, destinataire, sujet FROM mail_sortant "
                                         "WHERE envoye_at IS NULL AND tentatives = 0");
        if (!st)
            return -1;
        while (sqlite3_step(st) == SQLITE_ROW)
            fprintf(stderr, "mail %lld à %s (« %s ») gardé dans la boîte d'envoi : pas de "
                            "serveur SMTP (serve --smtp) ; voir `passerelle comptes mails`\n",
                    sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1),
                    sqlite3_column_text(st, 2));
        sqlite3_finalize(st);
        /* tentatives = -1 marks "announced", so each mail is logged once. */
        return db_exec(d, "UPDATE mail_sortant SET tentatives = -1 WHERE envoye_at IS NULL "
                          "AND tentatives = 0");
    }
    int sent, failed;
    if (smtp_deliver_outbox(d, cfg->smtp, cfg->mail_from ? cfg->mail_from : "passerelle@localhost",
                            20, now, &sent, &failed) < 0)
        return -1;
    if (sent || failed)
        fprintf(stderr, "mails : %d envoyés, %d en échec\n", sent, failed);
    return 0;
}

/* Referrals: reminders, expiry, wiping; then the retention rule. */
static int job_accompagnement(struct db *d, const struct jobs_config *cfg, time_t now)
{
    struct orientation_taches_stats st;
    long n = 0;
    if (orientation_taches(d, now, &st) < 0 ||
        beneficiaire_retention(d, "taches", now,
                               cfg->retention_mois > 0 ? cfg->retention_mois : BENEF_RETENTION_MOIS,
                               &n) < 0)
        return -1;
    if (st.relances || st.expirees || st.cloturees || st.effacees || n)
        fprintf(stderr, "accompagnement : %ld relances, %ld orientations expirées, %ld closes, "
                        "%ld effacées ; %ld personnes anonymisées\n",
                st.relances, st.expirees, st.cloturees, st.effacees, n);
    return 0;
}

/* The statistics' counters, built once after an upgrade; diagnostics
 * never finished, deleted after DIAG_PURGE_JOURS days. */
static int job_diagnostic(struct db *d, const struct jobs_config *cfg, time_t now)
{
    (void)cfg;
    long buckets;
    if (diag_agregats_ensure(d, &buckets) < 0)
        return -1;
    if (buckets >= 0)
        fprintf(stderr, "diagnostic : compteurs des statistiques construits (%ld)\n", buckets);
    char before[24];
    long n = diag_store_purge_open(d, now, DIAG_PURGE_JOURS, before);
    if (n > 0)
        fprintf(stderr, "diagnostic : %ld sessions jamais terminées supprimées (sans activité "
                        "depuis avant le %s)\n", n, before);
    return n < 0 ? -1 : 0;
}

static const struct job table[] = {
    {"publier", 1, job_publier},
    {"mails", 2, job_mails},
    {"accompagnement", 300, job_accompagnement},
    {"diagnostic", 3600, job_diagnostic},
};
#define NJOBS (sizeof table / sizeof *table)

static void *loop(void *arg)
{
    struct jobs *j = arg;
    struct db d;
    if (db_open(&d, j->cfg.db_path, 0) < 0) {
        fprintf(stderr, "jobs: database %s: %s\n", j->cfg.db_path, d.err);
        return NULL;
    }
    time_t last[NJOBS] = {0};
    pthread_mutex_lock(&j->mu);
    while (!j->stop) {
        pthread_mutex_unlock(&j->mu);
        time_t now = time(NULL);
        for (size_t i = 0; i < NJOBS; i++) {
            if (now - last[i] < table[i].period)
                continue;
            last[i] = now;
            if (table[i].run(&d, &j->cfg, j->cfg.fixed_now ? j->cfg.fixed_now : now) < 0)
                fprintf(stderr, "tâche %s : %s\n", table[i].name, d.err);
        }
        pthread_mutex_lock(&j->mu);
        if (j->stop)
            break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&j->cv, &j->mu, &until);
    }
    pthread_mutex_unlock(&j->mu);
    db_close(&d);
    return NULL;
}

int jobs_start(struct jobs *j, const struct jobs_config *cfg)
{
    memset(j, 0, sizeof *j);
    j->cfg = *cfg;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    int e = pthread_create(&j->thread, NULL, loop, j);
    if (e) {
        fprintf(stderr, "serve: background jobs: %s\n", strerror(e));
        return -1;
    }
    j->started = 1;
    return 0;
}

void jobs_stop(struct jobs *j)
{
    if (!j->started)
        return;
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    j->started = 0;
}
