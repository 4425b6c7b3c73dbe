/* scoring.c - levels, score, autonomy step, barriers (see scoring.h). */
#include "diagnostic/scoring.h"

#include <string.h>

void diag_observation_none(struct diag_observation *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < DIAG_MAX_DOMAINES; i++)
        o->niveau[i] = -1;
}

int diag_autonomie(const int *niveau, int nd, int grave)
{
    if (nd <= 0)
        return 1;
    int sum = 0, min = DIAG_LEVELS;
    for (int i = 0; i < nd; i++) {
        sum += niveau[i];
        if (niveau[i] < min)
            min = niveau[i];
    }
    /* thresholds on the mean m = sum / nd, in integers: 2 * sum vs k * nd */
    int step;
    if (2 * sum < nd)
        step = 1;
    else if (2 * sum < 3 * nd)
        step = 2;
    else if (2 * sum < 5 * nd)
        step = 3;
    else
        step = min >= 2 ? 4 : 3;
    if (step == 2 && grave)
        step = 1;
    return step;
}

/* Level of domain d from the answers: highest k with a good answer at k
 * and no wrong answer at a level <= k. */
static int domain_level(const struct diag_bank *b, const struct diag_answer *a, int n, int d)
{
    int wrong_min = DIAG_LEVELS + 1, best = 0;
    for (int i = 0; i < n; i++) {
        const struct diag_question *q = &b->q[a[i].q];
        if (q->type != DQ_COMPETENCE || q->domaine != d)
            continue;
        if (!diag_answer_good(b, &a[i]) && q->niveau < wrong_min)
            wrong_min = q->niveau;
    }
    for (int i = 0; i < n; i++) {
        const struct diag_question *q = &b->q[a[i].q];
        if (q->type == DQ_COMPETENCE && q->domaine == d && diag_answer_good(b, &a[i]) &&
            q->niveau < wrong_min && q->niveau > best)
            best = q->niveau;
    }
    return best;
}

void diag_score(const struct diag_bank *b, const struct diag_answer *a, int n,
                const struct diag_observation *obs, struct diag_result *r)
{
    memset(r, 0, sizeof *r);
    r->ndomaines = (int)b->ref->ndomaines;
    r->nquestions = n;
    int sum = 0;
    for (int d = 0; d < r->ndomaines; d++) {
        r->reponses[d] = domain_level(b, a, n, d);
        r->niveau[d] = obs && obs->niveau[d] >= 0 ? obs->niveau[d] : r->reponses[d];
        sum += r->niveau[d];
    }
    r->score = r->ndomaines ? (200 * sum + 3 * r->ndomaines) / (6 * r->ndomaines) : 0;
    uint64_t added = 0, ruled_out = 0;
    for (int i = 0; i < n; i++) {
        const struct diag_question *q = &b->q[a[i].q];
        if (q->type != DQ_PROFIL)
            continue;
        for (int k = 0; k < q->noptions; k++) {
            if (!(a[i].mask & (1u << k)))
                continue;
            const struct diag_option *o = &q->options[k];
            added |= o->freins;
            ruled_out |= o->exclut;
            r->besoins |= o->besoins;
            r->grave |= o->grave;
        }
    }
    r->freins = added & ~ruled_out;
    if (obs) {
        r->freins |= obs->freins;
        r->attitudes = obs->attitudes;
        for (size_t f = 0; f < b->ref->nfreins; f++)
            if ((obs->freins >> f & 1) && b->ref->freins[f].grave)
                r->grave = 1;
    }
    r->autonomie_calculee = diag_autonomie(r->niveau, r->ndomaines, r->grave);
    r->autonomie = r->autonomie_calculee;
    if (obs && obs->autonomie >= 1 && obs->autonomie <= DIAG_STEPS &&
        obs->autonomie != r->autonomie_calculee) {
        r->autonomie = obs->autonomie;
        r->ajuste = 1;
    }
}

/* The first question of (domain, level), preferring one answered wrong. */
static int next_item(const struct diag_bank *b, const struct diag_answer *a, int n, int d,
                     int level)
{
    for (int i = 0; i < n; i++) {
        const struct diag_question *q = &b->q[a[i].q];
        if (q->type == DQ_COMPETENCE && q->domaine == d && q->niveau == level &&
            !diag_answer_good(b, &a[i]))
            return a[i].q;
    }
    for (int i = 0; i < b->nq; i++)
        if (b->q[i].type == DQ_COMPETENCE && b->q[i].domaine == d && b->q[i].niveau == level)
            return i;
    return -1;
}

void diag_summarize(const struct diag_bank *b, const struct diag_answer *a, int n,
                    const struct diag_result *r, struct diag_summary *s)
{
    memset(s, 0, sizeof *s);
    /* acquired: for each domain, questions of levels <= its level that were
     * answered well, else the first question of that level (implied). */
    for (int d = 0; d < r->ndomaines; d++)
        for (int lv = 1; lv <= r->niveau[d]; lv++) {
            int pick = -1;
            for (int i = 0; i < n && pick < 0; i++)
                if (b->q[a[i].q].type == DQ_COMPETENCE && b->q[a[i].q].domaine == d &&
                    b->q[a[i].q].niveau == lv && diag_answer_good(b, &a[i]))
                    pick = a[i].q;
            if (pick < 0)
                for (int i = 0; i < b->nq && pick < 0; i++)
                    if (b->q[i].type == DQ_COMPETENCE && b->q[i].domaine == d &&
                        b->q[i].niveau == lv)
                        pick = i;
            if (pick >= 0 && s->nacquis < DIAG_MAX_QUESTIONS)
                s->acquis[s->nacquis++] = pick;
        }
    /* to learn: lowest levels first, then referential order */
    for (int lv = 0; lv < DIAG_LEVELS; lv++)
        for (int d = 0; d < r->ndomaines; d++)
            if (r->niveau[d] == lv) {
                int q = next_item(b, a, n, d, lv + 1);
                if (q >= 0)
                    s->apprendre[s->napprendre++] = q;
            }
}
