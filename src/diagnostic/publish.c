/* publish.c - publishing and activating question banks (see publish.h). */
#include "diagnostic/publish.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/catalogue.h"
#include "diagnostic/diag_store.h"
#include "journal/journal.h"

static void sha256_hex(const char *text, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)text, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void by_name(const struct diag_publisher *p, char *out, size_t n)
{
    if (p->actor)
        snprintf(out, n, "%s", p->actor->email);
    else
        snprintf(out, n, "cli:%s", p->cli_user && *p->cli_user ? p->cli_user : "?");
}

static int journal(struct db *d, const struct diag_publisher *p, const char *action,
                   const char *version, const char *sha)
{
    char apres[160];
    snprintf(apres, sizeof apres, "{\"version\":\"%s\",\"sha256\":\"%s\"}", version, sha);
    struct journal_write w = {.action = action, .objet = "diagnostic_banque",
                              .objet_id = version, .apres = apres};
    return journal_record(d, p->actor, p->cli_user, p->peer, p->now, &w);
}

/* Does the version exist (published or built in)? 1, 0, -1. */
static int version_exists(struct db *d, const char *version)
{
    if (diag_bank_builtin(version))
        return 1;
    char *text = NULL;
    int r = diag_store_bank_content(d, version, &text);
    free(text);
    return r;
}

int diag_publish(struct db *d, const char *text, size_t len, const char *file, int activate,
                 const struct diag_publisher *p, struct buf *errors, char *out)
{
    const struct diag_ref *ref = diag_referentiel(d);
    if (!ref)
        return -1;
    if (memchr(text, 0, len)) {
        buf_printf(errors, "%s: le fichier contient un octet nul : ce n'est pas du JSON\n", file);
        return 1;
    }
    struct diag_bank *b = diag_bank_parse(ref, text, len, file, errors);
    if (!b)
        return 1;
    snprintf(out, DIAG_TAG_MAX, "%s", b->version);
    diag_bank_free(b);
    char sha[65], who[200];
    sha256_hex(text, len, sha);
    by_name(p, who, sizeof who);
    if (db_begin(d) < 0)
        return -1;
    int r = version_exists(d, out);
    if (r == 1) {
        db_rollback(d);
        buf_printf(errors, "%s: champ « version » : la version « %s » existe déjà ; "
                           "changez le numéro de version\n", file, out);
        return 1;
    }
    /* the text as stored is NUL-terminated */
    char *copy = r == 0 ? strndup(text, len) : NULL;
    if (r == 0 && !copy)
        snprintf(d->err, sizeof d->err, "out of memory");
    if (!copy || diag_store_bank_insert(d, out, copy, sha, who, p->now, activate) < 0 ||
        journal(d, p, "diagnostic.publier", out, sha) < 0) {
        free(copy);
        db_rollback(d);
        return -1;
    }
    free(copy);
    return db_commit(d) < 0 ? -1 : 0;
}

int diag_activate(struct db *d, const char *version, const struct diag_publisher *p)
{
    if (db_begin(d) < 0)
        return -1;
    int r = diag_store_bank_activate(d, version);
    if (r == 0) {
        size_t len;
        const char *text = diag_bank_builtin_text(version, &len);
        if (!text) {
            db_rollback(d);
            return 1;
        }
        char sha[65], who[200];
        sha256_hex(text, len, sha);
        by_name(p, who, sizeof who);
        r = diag_store_bank_insert(d, version, text, sha, who, p->now, 1) < 0 ? -1 : 1;
    }
    if (r < 0 || journal(d, p, "diagnostic.activer", version, "") < 0) {
        db_rollback(d);
        return -1;
    }
    return db_commit(d) < 0 ? -1 : 0;
}
