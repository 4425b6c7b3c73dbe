/* rotation.h - changing the personal data key (chiffre.h).
 *
 * Every sealed field (followed people's identities, referrals' shared
 * data) is opened with the old key and sealed again with the new one, the
 * blind indexes are recomputed, and the database's check value becomes the
 * new key's, all in one transaction: either everything is under the new
 * key or nothing changed. Processes still holding the old key can no
 * longer seal (data_key_require) and no longer open what was re-sealed:
 * stop the server, change the key, start it with the new one
 * (docs/deploiement.md). Backups made before keep needing the old key. */
#ifndef ACCOMPAGNEMENT_ROTATION_H
#define ACCOMPAGNEMENT_ROTATION_H
#include <time.h>

#include "accompagnement/chiffre.h"
#include "store/db.h"

struct rotation_stats {
    long personnes;    /* followed people re-sealed */
    long orientations; /* referrals whose shared data was re-sealed */
};

/* Change the key from old to nw, journaled as "cle.changer" by cli_user.
 * 1 done; 0 refused, with the reason in d->err (old is not the database's
 * key, or nw is the same key); -1 error (d->err names the record that old
 * does not open, or the database error), nothing changed. */
int accomp_cle_changer(struct db *d, const char *cli_user, time_t now, const struct data_key *old,
                       const struct data_key *nw, struct rotation_stats *st);

#endif
