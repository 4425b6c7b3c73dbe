/* jobs.c - the server's background jobs (see jobs.h). */
#include "http/jobs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lieux/publish.h"
#include "store/db.h"

struct job {
    const char *name;
    int period;
    int (*run)(struct db *d, const struct jobs_config *cfg, time_t now);
};

static int job_publier(struct db *d, const struct jobs_config *cfg, time_t now)
{
    (void)cfg;
    (void)now;
    struct publish_stats ps;
    int done;
    if (lieux_publish_pending(d, &ps, &done) < 0)
        return -1;
    if (done)
        fprintf(stderr, "publication : %ld lieux publiés (%.2f s)\n", ps.published, ps.seconds);
    return 0;
}

static const struct job table[] = {
    {"publier", 1, job_publier},
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
