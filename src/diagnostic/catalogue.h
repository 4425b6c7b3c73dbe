/* catalogue.h - the diagnostic's data as one connection sees it: the
 * referential, the question banks (published ones from the database, and
 * the versions built into the binary), and the interface's message
 * catalogues (data/i18n/diagnostic.LANG.json).
 *
 * Each is parsed once per database connection and kept in the
 * connection's DB_EXT_DIAGNOSTIC slot (released by db_close()). A bank
 * version never changes once published, so cached banks never go stale;
 * which version is active is read from the database at each call of
 * diag_bank_active().
 *
 * Ownership: every pointer returned is borrowed from the connection's
 * cache and valid until db_close(). Errors: NULL / -1 with d->err. */
#ifndef DIAGNOSTIC_CATALOGUE_H
#define DIAGNOSTIC_CATALOGUE_H
#include "diagnostic/bank.h"
#include "store/db.h"

#define DIAG_VERSION_MAX 33

/* The built-in referential. */
const struct diag_ref *diag_referentiel(struct db *d);
/* Bank `version`: published in the database, else built in. NULL when
 * unknown (d->err says so) or on error. */
const struct diag_bank *diag_bank_get(struct db *d, const char *version);
/* The version new sessions use: the active published one, else the last
 * built-in one (file name order). Returns 0 or -1. */
int diag_bank_active(struct db *d, char out[DIAG_VERSION_MAX]);
/* 1 when `version` is built into the binary. */
int diag_bank_builtin(const char *version);
/* The text of a built-in bank version (borrowed), or NULL. */
const char *diag_bank_builtin_text(const char *version, size_t *len);
/* Names of the built-in versions, in order: calls fn for each. */
void diag_bank_builtins(void (*fn)(const char *version, void *arg), void *arg);

/* An interface message in language l (falls back to French, then to the
 * key itself: a missing key shows, it never crashes). Never NULL. */
const char *diag_msg(struct db *d, enum diag_lang l, const char *key);
/* The raw catalogue of l (a JSON object, borrowed), or NULL. */
const void *diag_messages_json(struct db *d, enum diag_lang l);

#endif
