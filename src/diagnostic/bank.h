/* bank.h - a question bank: one published version of the diagnostic's
 * questions, as data (data/diagnostic/questions-v*.json, or a file an
 * administrator publishes with `passerelle diagnostic publier FILE`).
 *
 * Two kinds of questions (format in docs/diagnostic.md):
 *   profil      barriers, needs and confidence, asked before ("avant") or
 *               after ("apres") the skills; one or several answers; each
 *               option may add barriers (freins), rule some out (exclut),
 *               add needs (besoins), be exclusive (alone), mark a serious
 *               barrier (grave) or suggest where the skills start (depart);
 *   competence  a short everyday situation evidencing competences of one
 *               domain at one level (1..3), with exactly one good answer;
 *               "je ne sais pas" is always offered by the interface.
 *
 * diag_bank_parse() checks everything against the referential and reports
 * every problem on one French line each: file, question id, field, rule.
 * A bank must let the engine resolve every domain: each domain has a
 * question at each level 1..3, and the profile questions plus one question
 * per domain fit within questions_max (10..30), with at least 10 in all.
 *
 * Ownership: the bank borrows the referential (which must outlive it) and
 * owns the rest in its arena; release with diag_bank_free(). */
#ifndef DIAGNOSTIC_BANK_H
#define DIAGNOSTIC_BANK_H
#include <stdint.h>

#include "diagnostic/referentiel.h"

#define DIAG_MAX_QUESTIONS 200
#define DIAG_MAX_OPTIONS 16
#define DIAG_MIN_ASKED 10
#define DIAG_MAX_ASKED 30

enum diag_qtype { DQ_PROFIL, DQ_COMPETENCE };

struct diag_option {
    const char *id;
    struct diag_text texte;
    int bonne;        /* competence: the good answer */
    int exclusif;     /* profil, several answers: must be chosen alone */
    int grave;        /* a serious barrier (autonomy rule) */
    int depart;       /* 0, or the level (1..3) where skills questions start */
    uint64_t freins, exclut, besoins; /* bits: indices in the referential */
};

struct diag_question {
    const char *id;
    enum diag_qtype type;
    int avant;        /* profil: asked before the skills (else after) */
    int multiple;     /* profil: several answers allowed */
    int domaine;      /* competence: index in ref->domaines */
    int niveau;       /* competence: 1..3 */
    struct diag_strs competences; /* Pix ids */
    struct diag_text texte, aide, acquis; /* aide optional; acquis: competence */
    struct diag_option *options;
    int noptions;
    int bonne;        /* competence: index of the good option */
};

struct diag_bank {
    const char *version;
    const struct diag_ref *ref;
    unsigned langs;   /* bit l: texts exist in language l */
    int questions_max;
    struct diag_question *q;
    int nq;
    int navant, napres; /* profile questions before / after the skills */
    struct arena arena;
};

/* Parse and check a bank (JSON text) against `ref`. On error returns NULL
 * and appends the problems to `errors`; `file` names the input. */
struct diag_bank *diag_bank_parse(const struct diag_ref *ref, const char *text, size_t len,
                                  const char *file, struct buf *errors);
void diag_bank_free(struct diag_bank *b);

/* Index of question `id`, or -1. */
int diag_bank_question(const struct diag_bank *b, const char *id);
/* Index of option `id` in question q, or -1. */
int diag_bank_option(const struct diag_question *q, const char *id);

/* 1 when s is a valid bank version name ([A-Za-z0-9._-], 1..32). */
int diag_version_ok(const char *s);

#endif
