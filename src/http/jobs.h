/* jobs.h - the server's background jobs: one thread, its own database
 * connection, a table of periodic jobs (jobs.c). Each job runs at most
 * every `period` seconds, returns 0 or -1 (logged, retried next period),
 * and must keep its own work short (it delays the others):
 *   publier  every second: republish the places when sources changed
 *            (producers' API writes; lieux/publish.h)
 *   mails    every 2 s: deliver the outbox when an SMTP relay is set
 *            (comptes/smtp.h)
 *   accompagnement  every 5 min: referrals' reminders, expiry and wiping,
 *            and the beneficiaries' retention rule (accompagnement/orientation.h, beneficiaire.h)
 *   diagnostic  every hour (and at start): build the statistics'
 *            counters if an upgrade left them unbuilt (diag_agregats.h),
 *            delete the diagnostics never finished after 30 days without
 *            activity (diagnostic/diag_store.h)
 * Domain jobs added later go in the same table. */
#ifndef HTTP_JOBS_H
#define HTTP_JOBS_H
#include <pthread.h>
#include <time.h>

struct jobs_config {
    const char *db_path;
    const char *smtp;        /* "host:port" or NULL: mail stays in the outbox */
    const char *mail_from;   /* sender address for mail */
    time_t fixed_now;        /* PASSERELLE_NOW (tests), 0 = the clock */
    int retention_mois;      /* accompagnement: anonymise after this many months */
};

struct jobs {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, started;
    struct jobs_config cfg;
};

/* Start the thread. 0, or -1 (message on stderr). */
int jobs_start(struct jobs *j, const struct jobs_config *cfg);
/* Ask it to stop and wait for it. Cannot fail. */
void jobs_stop(struct jobs *j);

#endif
