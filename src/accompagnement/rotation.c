/* rotation.c - changing the personal data key in one transaction (see
 * rotation.h). The tables' own modules re-seal their rows; this file
 * orders the steps and journals the change. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "accompagnement/rotation.h"
#include "journal/journal.h"

static int refuse(struct db *d, const char *why)
{
    snprintf(d->err, sizeof d->err, "%s", why);
    return 0;
}

/* The steps, inside the transaction: 0 or -1 (d->err). */
static int reseal_all(struct db *d, const char *cli_user, time_t now, const struct data_key *old,
                      const struct data_key *nw, struct rotation_stats *st)
{
    if (data_key_set_check(d, nw) < 0 || beneficiaire_rekey(d, old, nw, &st->personnes) < 0 ||
        orientation_rekey(d, old, nw, &st->orientations) < 0)
        return -1;
    char apres[96];
    snprintf(apres, sizeof apres, "{\"personnes\":%ld,\"orientations\":%ld}", st->personnes,
             st->orientations);
    return journal_record(d, NULL, cli_user, NULL, now,
                          &(struct journal_write){.action = "cle.changer", .objet = "cle",
                                                  .apres = apres});
}

int accomp_cle_changer(struct db *d, const char *cli_user, time_t now, const struct data_key *old,
                       const struct data_key *nw, struct rotation_stats *st)
{
    memset(st, 0, sizeof *st);
    if (sodium_memcmp(old->verif, nw->verif, sizeof old->verif) == 0)
        return refuse(d, "la nouvelle clé est la même que l'ancienne");
    if (db_begin(d) < 0)
        return -1;
    int same = data_key_check(d, old);
    if (same <= 0) {
        db_rollback(d);
        return same < 0 ? -1
                        : refuse(d, "l'ancienne clé n'est pas celle qui a chiffré les données de "
                                    "cette base : rien n'a été changé");
    }
    if (reseal_all(d, cli_user, now, old, nw, st) < 0 || db_commit(d) < 0) {
        char why[sizeof d->err];
        snprintf(why, sizeof why, "%s", d->err);
        db_rollback(d);
        snprintf(d->err, sizeof d->err, "%s ; rien n'a été changé", why);
        memset(st, 0, sizeof *st);
        return -1;
    }
    return 1;
}
