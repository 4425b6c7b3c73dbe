/* scoring.h - a diagnostic's result: level per domain, overall score,
 * autonomy step, barriers and needs (method in docs/diagnostic.md,
 * "Score et niveau d'autonomie").
 *
 *   domain level   0..3: the highest level k with a good answer at k and
 *                  no wrong answer at a level <= k (a good answer proves
 *                  the levels below it); independent of the order;
 *   score          round(100 x sum of levels / (3 x number of domains));
 *   autonomy step  on the mean level m of the domains:
 *                    m < 0.5          1  needs someone to do it with / for them
 *                    0.5 <= m < 1.5   2  beginner, learns with someone
 *                    1.5 <= m < 2.5   3  almost independent
 *                    m >= 2.5         4  independent (3 if a domain is below 2)
 *                  a beginner (2) with a serious barrier ("grave": no French,
 *                  reading very difficult) is step 1;
 *   barriers       those added by the chosen options and not ruled out by
 *                  another chosen option ("exclut");
 *   needs          those of the chosen options.
 * In professional mode, the médiateur's observed level replaces the
 * answers' level in each observed domain, observed barriers are added, and
 * the step may be overridden (with a reason, kept with both values). */
#ifndef DIAGNOSTIC_SCORING_H
#define DIAGNOSTIC_SCORING_H
#include <stdint.h>

#include "diagnostic/engine.h"

/* What a médiateur recorded (professional mode). */
struct diag_observation {
    int niveau[DIAG_MAX_DOMAINES]; /* -1: not observed, else 0..3 */
    uint64_t attitudes, freins;    /* bits: referential indices */
    int autonomie;                 /* 0: no override, else 1..4 */
    const char *motif;             /* the reason (required with an override) */
};
/* No observation (every level -1). */
void diag_observation_none(struct diag_observation *o);

struct diag_result {
    int ndomaines;
    int niveau[DIAG_MAX_DOMAINES];     /* final level of each domain */
    int reponses[DIAG_MAX_DOMAINES];   /* level from the answers */
    int score;                         /* 0..100 */
    int autonomie_calculee, autonomie; /* 1..4 */
    int ajuste;                        /* the step was overridden */
    int grave;                         /* a serious barrier was declared */
    uint64_t freins, besoins, attitudes;
    int nquestions;
};

/* Compute the result of answers a[0..n) (obs may be NULL). Cannot fail. */
void diag_score(const struct diag_bank *b, const struct diag_answer *a, int n,
                const struct diag_observation *obs, struct diag_result *r);
/* The step of a set of levels (and serious barrier), as above. */
int diag_autonomie(const int *niveau, int nd, int grave);

/* The plain-language summary: questions whose skill is acquired (answered
 * well, or implied by a good answer at a higher level), and the next
 * skill to learn in each domain below level 3 (the first question of the
 * next level, the one answered wrong when there is one), lowest domains
 * first. Indices into b->q. */
struct diag_summary {
    int acquis[DIAG_MAX_QUESTIONS];
    int nacquis;
    int apprendre[DIAG_MAX_DOMAINES];
    int napprendre;
};
void diag_summarize(const struct diag_bank *b, const struct diag_answer *a, int n,
                    const struct diag_result *r, struct diag_summary *s);

#endif
