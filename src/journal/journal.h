/* journal.h - the audit journal: every write in the platform, who, when,
 * what, before and after.
 *
 * Domain modules call journal_record() in the same transaction as the
 * write it describes, so a write and its journal line commit or roll back
 * together. `avant` and `apres` are JSON texts of the record's fields
 * before and after (NULL for a creation / a deletion); they must never
 * hold beneficiaries' personal data (name, contact, notes): record ids and
 * non-identifying fields only. Secrets (passwords, tokens) never go in.
 *
 * Reading is scoped: journal_list() takes the reader's grants (see
 * comptes/authz.h) and returns only entries located within them. */
#ifndef JOURNAL_JOURNAL_H
#define JOURNAL_JOURNAL_H
#include <stdio.h>
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

struct journal_write {
    const char *action;     /* "lieu.modifier", "compte.inviter", ... */
    const char *objet;      /* "lieu", "compte", "structure", ... */
    const char *objet_id;   /* the record's id as text, or NULL */
    const char *commune;    /* where (its département and région are derived), or NULL */
    const char *departement; /* when there is no commune, or NULL */
    long long structure_id; /* or 0 */
    const char *avant, *apres; /* JSON or NULL */
};

/* Record one write by actor `a` (NULL: the command line, recorded as
 * "cli:" + cli_user) from address `peer` (or NULL). Returns 0 or -1 with
 * d->err. */
int journal_record(struct db *d, const struct actor *a, const char *cli_user, const char *peer,
                   time_t now, const struct journal_write *w);

struct journal_entry {
    long long id;
    char at[24];            /* "2026-11-24T10:30:00Z" */
    long long compte_id;
    char *acteur, *action, *objet, *objet_id, *commune, *departement, *region;
    long long structure_id;
    char *avant, *apres, *peer;
};
struct journal_page {
    struct journal_entry *v;
    size_t n;
    int more;               /* there are older entries */
};

struct journal_filter {
    const char *objet;      /* NULL: all */
    const char *action;     /* NULL: all */
    const char *departement; /* NULL: all within scope */
    long long before_id;    /* 0: the newest; else entries with id < before_id */
    int limit;              /* 1..1000 (default 50) */
};

/* Entries the actor may read (AZ_AUDIT_READ: admin all, coordinators
 * those located in their territories), newest first. Returns 0 or -1. */
int journal_list(struct db *d, const struct actor *a, const struct journal_filter *f,
                 struct journal_page *out);
void journal_page_free(struct journal_page *p);

/* Write entries as CSV (header + rows) or JSON lines, same scope. */
int journal_export_csv(struct db *d, const struct actor *a, const struct journal_filter *f,
                       FILE *out, long *count);

#endif
