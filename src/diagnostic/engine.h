/* engine.h - the adaptive order of the questions (method in
 * docs/diagnostic.md, "Ordre adaptatif").
 *
 * The engine is a pure function of the bank and the answers given so far,
 * in order: it replays them and says which question comes next. The order
 * is: the profile questions marked "avant" (bank order); then, domain by
 * domain (referential order), a search for the domain's level in 0..3:
 * ask the unresolved level closest to the expected one, a good answer at
 * level k proves k (and every level below), a wrong one or "je ne sais
 * pas" rules k and above out; the domain is done as soon as its level is
 * known (early stop). The expected level of the first domain comes from
 * the profile answers ("depart", default 1), then from the mean of the
 * levels found so far. A budget keeps the total within questions_max:
 * every later domain keeps at least one question, and the "apres" profile
 * questions theirs. Finally the "apres" questions (bank order).
 *
 * The same rules run in the browser for the offline mode
 * (web/static/diagnostic.js); tests check both give the same order. */
#ifndef DIAGNOSTIC_ENGINE_H
#define DIAGNOSTIC_ENGINE_H
#include <stdint.h>

#include "base/buf.h"
#include "diagnostic/bank.h"

#define DIAG_END (-1)

/* One answer: the question (index in the bank) and the options chosen
 * (bit i: option i). A competence answer with mask 0 is "je ne sais pas". */
struct diag_answer {
    int q;
    uint32_t mask;
};

struct diag_walk {
    int next;        /* the question to ask now, or DIAG_END */
    int consumed;    /* answers matching the engine's order */
    int asked;       /* = consumed */
    int niveau[DIAG_MAX_DOMAINES]; /* proven level of each domain so far */
    int phase;       /* 0 profile "avant", 1 skills, 2 profile "apres", 3 done */
};

/* Replay answers a[0..n) and find the next question. Returns 0 when every
 * answer is the question the engine asked at that point (w->next is then
 * the next question, or DIAG_END when the diagnostic is complete), or -1
 * when answer w->consumed is not the expected question w->next (or the
 * answers go past the end: w->next is DIAG_END). */
int diag_walk(const struct diag_bank *b, const struct diag_answer *a, int n, struct diag_walk *w);

/* Is answer `a` valid for its question? 1, or 0 with a French reason in
 * why[n] (no option, several options for a single answer, an exclusive
 * option with others, an unknown option). */
int diag_answer_valid(const struct diag_bank *b, const struct diag_answer *a, char *why,
                      size_t n);
/* The same as a short key ("choisir", "une_seule", "exclusif",
 * "inconnue"; the pages print the message "erreur_" KEY of their
 * language), or NULL when valid; *option gets the exclusive option. */
const char *diag_answer_problem(const struct diag_bank *b, const struct diag_answer *a,
                               int *option);
/* Was a competence answer good? */
int diag_answer_good(const struct diag_bank *b, const struct diag_answer *a);

/* The stored form of an answer's options: ids joined by '|' ("" for "je ne
 * sais pas"), appended to out. */
void diag_answer_format(const struct diag_bank *b, const struct diag_answer *a, struct buf *out);
/* Parse that form for question q: 0, or -1 when an id is unknown. */
int diag_answer_parse(const struct diag_bank *b, int q, const char *value, struct diag_answer *a);

#endif
