/* referentiel.h - the diagnostic's referential: skill domains and their
 * competences (Pix / CRCN 1.1 to 5.2, mapped to DigComp 2.2), the levels
 * of a domain (0 to 3), the 4-step autonomy scale, the barriers (freins),
 * the needs (besoins) and the attitudes a médiateur may observe — with the
 * orientation rules: the standard's services, accompaniment modes,
 * specific support and national programmes each of them calls for.
 *
 * It is data (data/diagnostic/referentiel.json, built into the binary;
 * see docs/diagnostic.md), read once per database connection through
 * diagnostic/catalogue.h. Texts exist in French, English and Arabic.
 *
 * Ownership: diag_ref_parse() returns a heap object released with
 * diag_ref_free(); everything it points to lives in its arena. */
#ifndef DIAGNOSTIC_REFERENTIEL_H
#define DIAGNOSTIC_REFERENTIEL_H
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

/* The interface languages. */
enum diag_lang { DIAG_FR, DIAG_EN, DIAG_AR, DIAG_NLANG };
/* "fr", "en", "ar". */
const char *diag_lang_code(enum diag_lang l);
/* The language of a code ("fr", "EN", "ar-MA" ...), or -1. */
int diag_lang_parse(const char *s);
/* 1 for right-to-left scripts (Arabic). */
int diag_lang_rtl(enum diag_lang l);

/* A text in each language; t[l] may be NULL when absent. */
struct diag_text {
    const char *t[DIAG_NLANG];
};
/* The text in l, else in French, else "". Never NULL. */
const char *diag_tr(const struct diag_text *t, enum diag_lang l);

struct diag_strs {
    const char **v;
    size_t n;
};
/* 1 when s is one of l's strings. */
int diag_strs_has(const struct diag_strs *l, const char *s);

#define DIAG_MAX_DOMAINES 8
#define DIAG_MAX_TAGS 64 /* barriers, needs, attitudes: bitmasks of 64 bits */
#define DIAG_LEVELS 3    /* a domain's level is 0 (not yet) to 3 */
#define DIAG_STEPS 4     /* the autonomy scale */

struct diag_competence {
    const char *id;          /* Pix id "5.1" */
    struct diag_strs digcomp; /* DigComp 2.2 ids */
    struct diag_text nom;
};

struct diag_domaine {
    const char *id;          /* "appareil", "communication" ... */
    const char *pix, *digcomp; /* area numbers */
    struct diag_text nom;
    struct diag_strs services; /* standard's services for a low level */
    struct diag_competence *competences;
    size_t ncompetences;
};

struct diag_niveau {
    int pix;
    const char *digcomp;
    struct diag_text nom;
};

struct diag_autonomie {
    int niveau;              /* 1..4 */
    struct diag_text nom, description;
    struct diag_strs modalites, programmes, services;
    struct diag_text *etapes; /* recommended next steps */
    size_t netapes;
};

struct diag_frein {
    const char *id;
    int grave;               /* may lower a beginner's autonomy step */
    struct diag_text nom, conseil;
    struct diag_strs services, prise_en_charge;
};

struct diag_besoin {
    const char *id;
    struct diag_text nom;
    struct diag_strs services;
};

struct diag_attitude {
    const char *id;
    struct diag_text nom;
};

struct diag_ref {
    const char *version;
    struct diag_niveau niveaux[DIAG_LEVELS + 1];
    struct diag_domaine *domaines;
    size_t ndomaines;
    struct diag_autonomie autonomie[DIAG_STEPS]; /* autonomie[k - 1] is step k */
    struct diag_frein *freins;
    size_t nfreins;
    struct diag_besoin *besoins;
    size_t nbesoins;
    struct diag_attitude *attitudes;
    size_t nattitudes;
    struct arena arena;
};

/* Parse and check a referential (JSON text). On error returns NULL and
 * appends one French line per problem to `errors` ("FILE: where: champ
 * « f » : rule"). `file` names the input in messages. */
struct diag_ref *diag_ref_parse(const char *text, size_t len, const char *file,
                                struct buf *errors);
void diag_ref_free(struct diag_ref *r);

/* Index of an id, or -1. */
int diag_ref_domaine(const struct diag_ref *r, const char *id);
int diag_ref_frein(const struct diag_ref *r, const char *id);
int diag_ref_besoin(const struct diag_ref *r, const char *id);
int diag_ref_attitude(const struct diag_ref *r, const char *id);
/* The competence `id` within domain d, or NULL. */
const struct diag_competence *diag_ref_competence(const struct diag_ref *r, int d, const char *id);

#endif
