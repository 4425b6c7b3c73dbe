/* engine.c - the adaptive order of the questions (see engine.h). */
#include "diagnostic/engine.h"

#include <stdio.h>
#include <string.h>

int diag_answer_good(const struct diag_bank *b, const struct diag_answer *a)
{
    const struct diag_question *q = &b->q[a->q];
    return q->type == DQ_COMPETENCE && q->bonne >= 0 && a->mask == (1u << q->bonne);
}

/* The replay: the engine proposes questions one by one; each proposal
 * consumes the next answer when it is for that question. */
struct replay {
    const struct diag_bank *b;
    const struct diag_answer *a;
    int n, i;        /* answers, and the next one to consume */
    int mismatch;    /* an answer was for another question */
    int next;        /* the first proposal with no answer left */
};

/* Propose question q. Returns the answer consumed, or NULL when the
 * replay stops here (no answer left, or a mismatch). */
static const struct diag_answer *propose(struct replay *r, int q)
{
    if (r->i >= r->n) {
        r->next = q;
        return NULL;
    }
    if (r->a[r->i].q != q) {
        r->mismatch = 1;
        r->next = q;
        return NULL;
    }
    return &r->a[r->i++];
}

/* The level in (lo, hi] closest to `expect` (ties: the lower one). */
static int pick_level(int lo, int hi, int expect)
{
    if (expect <= lo)
        return lo + 1;
    if (expect > hi)
        return hi;
    return expect;
}

/* First question of (domain, level) not yet answered in this domain. */
static int item_for(const struct diag_bank *b, int d, int level, const int *used, int nused)
{
    for (int i = 0; i < b->nq; i++) {
        const struct diag_question *q = &b->q[i];
        if (q->type != DQ_COMPETENCE || q->domaine != d || q->niveau != level)
            continue;
        int seen = 0;
        for (int k = 0; k < nused && !seen; k++)
            seen = used[k] == i;
        if (!seen)
            return i;
    }
    return -1;
}

/* The expected level from the profile answers (the highest "depart"). */
static int depart_from(const struct diag_bank *b, const struct diag_answer *a, int n)
{
    int dep = 0;
    for (int i = 0; i < n; i++) {
        const struct diag_question *q = &b->q[a[i].q];
        if (q->type != DQ_PROFIL)
            continue;
        for (int k = 0; k < q->noptions; k++)
            if ((a[i].mask & (1u << k)) && q->options[k].depart > dep)
                dep = q->options[k].depart;
    }
    return dep ? dep : 1;
}

/* Mean of the levels found so far, rounded half up, within 1..3. */
static int expected_from(const int *niveau, int ndone, int dflt)
{
    if (ndone == 0)
        return dflt;
    int sum = 0;
    for (int i = 0; i < ndone; i++)
        sum += niveau[i];
    int e = (2 * sum + ndone) / (2 * ndone);
    return e < 1 ? 1 : e > DIAG_LEVELS ? DIAG_LEVELS : e;
}

/* Resolve domain d. Returns 0 when it is done, -1 when the replay stopped. */
static int walk_domain(struct replay *r, int d, int expect, int untouched_after, int *level)
{
    const struct diag_bank *b = r->b;
    int lo = 0, hi = DIAG_LEVELS, used[DIAG_LEVELS * 4], nused = 0;
    while (lo < hi) {
        int lv = pick_level(lo, hi, expect);
        int q = item_for(b, d, lv, used, nused);
        if (q < 0 || nused >= (int)(sizeof used / sizeof *used))
            break;
        int remaining = b->questions_max - r->i - b->napres;
        /* a first question always fits (the bank is checked); another one
         * must leave one for each later domain */
        if (nused > 0 && remaining - 1 < untouched_after)
            break;
        const struct diag_answer *ans = propose(r, q);
        if (!ans)
            return -1;
        used[nused++] = q;
        if (diag_answer_good(b, ans))
            lo = lv;
        else
            hi = lv - 1;
    }
    *level = lo;
    return 0;
}

int diag_walk(const struct diag_bank *b, const struct diag_answer *a, int n, struct diag_walk *w)
{
    memset(w, 0, sizeof *w);
    struct replay r = {.b = b, .a = a, .n = n, .next = DIAG_END};
    for (int i = 0; i < b->nq; i++)
        if (b->q[i].type == DQ_PROFIL && b->q[i].avant && !propose(&r, i))
            goto stop;
    w->phase = 1;
    int dflt = depart_from(b, a, r.i);
    int nd = (int)b->ref->ndomaines;
    for (int d = 0; d < nd; d++) {
        int expect = expected_from(w->niveau, d, dflt);
        if (walk_domain(&r, d, expect, nd - d - 1, &w->niveau[d]) < 0)
            goto stop;
    }
    w->phase = 2;
    for (int i = 0; i < b->nq; i++)
        if (b->q[i].type == DQ_PROFIL && !b->q[i].avant && !propose(&r, i))
            goto stop;
    w->phase = 3;
    if (r.i < n) /* answers past the end */
        r.mismatch = 1;
stop:
    w->next = r.next;
    w->consumed = w->asked = r.i;
    return r.mismatch ? -1 : 0;
}

const char *diag_answer_problem(const struct diag_bank *b, const struct diag_answer *a,
                               int *option)
{
    if (option)
        *option = -1;
    if (a->q < 0 || a->q >= b->nq)
        return "inconnue";
    const struct diag_question *q = &b->q[a->q];
    uint32_t all = q->noptions >= 32 ? ~0u : (1u << q->noptions) - 1;
    if (a->mask & ~all)
        return "inconnue";
    int count = __builtin_popcount(a->mask);
    if (q->type == DQ_COMPETENCE)
        return count > 1 ? "une_seule" : NULL; /* 0 options: "je ne sais pas" */
    if (count == 0)
        return "choisir";
    if (!q->multiple && count > 1)
        return "une_seule";
    for (int k = 0; k < q->noptions; k++)
        if ((a->mask & (1u << k)) && q->options[k].exclusif && count > 1) {
            if (option)
                *option = k;
            return "exclusif";
        }
    return NULL;
}

int diag_answer_valid(const struct diag_bank *b, const struct diag_answer *a, char *why,
                      size_t n)
{
    int opt;
    const char *p = diag_answer_problem(b, a, &opt);
    if (!p)
        return 1;
    if (strcmp(p, "exclusif") == 0)
        snprintf(why, n, "La réponse « %s » ne va pas avec les autres.",
                 diag_tr(&b->q[a->q].options[opt].texte, DIAG_FR));
    else
        snprintf(why, n, "%s", strcmp(p, "choisir") == 0     ? "Choisissez une réponse."
                               : strcmp(p, "une_seule") == 0 ? "Choisissez une seule réponse."
                                                             : "Cette réponse n'existe pas.");
    return 0;
}

void diag_answer_format(const struct diag_bank *b, const struct diag_answer *a, struct buf *out)
{
    const struct diag_question *q = &b->q[a->q];
    int first = 1;
    for (int k = 0; k < q->noptions; k++)
        if (a->mask & (1u << k)) {
            if (!first)
                buf_putc(out, '|');
            buf_puts(out, q->options[k].id);
            first = 0;
        }
    if (first) /* make sure out->s exists for an empty value */
        buf_puts(out, "");
}

int diag_answer_parse(const struct diag_bank *b, int q, const char *value, struct diag_answer *a)
{
    a->q = q;
    a->mask = 0;
    if (q < 0 || q >= b->nq || !value)
        return -1;
    const struct diag_question *qq = &b->q[q];
    const char *p = value;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int found = -1;
        for (int k = 0; k < qq->noptions && found < 0; k++)
            if (strlen(qq->options[k].id) == len && strncmp(qq->options[k].id, p, len) == 0)
                found = k;
        if (found < 0)
            return -1;
        a->mask |= 1u << found;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}
