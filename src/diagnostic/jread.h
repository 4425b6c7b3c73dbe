/* jread.h - strict reading of the diagnostic's JSON data files, with
 * errors that say where and why (internal to src/diagnostic/).
 *
 * Every problem becomes one French line in r->errors:
 *   "FILE: WHERE : champ « FIELD » : RULE"
 * where WHERE names the object ("question « securite-1 »", "option « b »
 * de la question « langue »"). Reading goes on after an error, so one pass
 * reports every problem (at most JREAD_MAX_ERRORS lines, then a count).
 * Strings are copied into r->arena; out-of-memory is an error too. */
#ifndef DIAGNOSTIC_JREAD_H
#define DIAGNOSTIC_JREAD_H
#include <jansson.h>

#include "diagnostic/referentiel.h"

#define JREAD_MAX_ERRORS 100

struct jread {
    const char *file;
    struct buf *errors;
    int nerrors;
    struct arena *arena;
    unsigned langs; /* bit l: language l is required in texts */
};

void jr_error(struct jread *r, const char *where, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Parse text into a JSON object (duplicate keys refused); NULL + error. */
json_t *jr_load(struct jread *r, const char *text, size_t len);
/* Every key of o must be one of `allowed` (NULL-terminated). */
void jr_keys(struct jread *r, json_t *o, const char *where, const char *const *allowed);
/* A string member, 1..maxlen bytes; NULL when absent (error if required)
 * or invalid. jr_ident(): a required identifier of [a-z0-9._-]. */
const char *jr_string(struct jread *r, json_t *o, const char *where, const char *field,
                      int required, size_t maxlen);
const char *jr_ident(struct jread *r, json_t *o, const char *where, const char *field,
                     size_t maxlen);
/* A text: {"fr": "...", "en": "...", ...} with every language of r->langs
 * (others refused). Returns 0, or -1 (absent when required, or invalid). */
int jr_text(struct jread *r, json_t *o, const char *where, const char *field, int required,
            size_t maxlen, struct diag_text *out);
/* An array of strings (possibly empty; absent = empty unless required). */
int jr_strs(struct jread *r, json_t *o, const char *where, const char *field, int required,
            struct diag_strs *out);
/* An integer within [lo, hi]; absent gives def (error when required). */
int jr_int(struct jread *r, json_t *o, const char *where, const char *field, int required,
           long lo, long hi, long def, long *out);
/* A boolean; absent gives 0. */
int jr_bool(struct jread *r, json_t *o, const char *where, const char *field, int *out);
/* An array member with n in [lo, hi] elements, or NULL (error). */
json_t *jr_array(struct jread *r, json_t *o, const char *where, const char *field, size_t lo,
                 size_t hi);

#endif
