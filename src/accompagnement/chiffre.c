/* chiffre.c - personal data key: parsing, derivation, sealing, blind
 * indexes (see chiffre.h). */
#include "accompagnement/chiffre.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CTX "PLaccomp" /* crypto_kdf context: 8 bytes */

static void derive(const unsigned char master[32], struct data_key *k)
{
    crypto_kdf_derive_from_key(k->seal, sizeof k->seal, 1, CTX, master);
    crypto_kdf_derive_from_key(k->index, sizeof k->index, 2, CTX, master);
    unsigned char vk[32];
    crypto_kdf_derive_from_key(vk, sizeof vk, 3, CTX, master);
    crypto_generichash(k->verif, sizeof k->verif, (const unsigned char *)"passerelle-cle", 14,
                       vk, sizeof vk);
    sodium_memzero(vk, sizeof vk);
}

int data_key_parse(const unsigned char *data, size_t n, struct data_key *k)
{
    unsigned char master[32];
    memset(k, 0, sizeof *k);
    size_t len = n;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    int ok = 0;
    if (len == 64) {
        size_t got = 0;
        const char *end = NULL;
        ok = sodium_hex2bin(master, sizeof master, (const char *)data, len, NULL, &got, &end) == 0 &&
             got == 32 && end == (const char *)data + 64;
    }
    if (!ok && n == 32) {
        memcpy(master, data, 32);
        ok = 1;
    }
    if (ok)
        derive(master, k);
    sodium_memzero(master, sizeof master);
    return ok ? 0 : -1;
}

int data_key_load(const char *path, struct data_key *k, char *err, size_t errn)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errn, "clé %s : %s", path, strerror(errno));
        return -1;
    }
    unsigned char buf[80];
    size_t n = fread(buf, 1, sizeof buf, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    int r = more ? -1 : data_key_parse(buf, n, k);
    sodium_memzero(buf, sizeof buf);
    if (r < 0)
        snprintf(err, errn, "clé %s : le fichier doit contenir 64 caractères hexadécimaux "
                            "(passerelle accompagnement cle FICHIER en fabrique un)", path);
    return r;
}

int data_key_from_config(const char *path, struct data_key *k, char *err, size_t errn)
{
    if (!path || !*path)
        path = getenv("PASSERELLE_CLE");
    if (!path || !*path)
        return 0;
    return data_key_load(path, k, err, errn) < 0 ? -1 : 1;
}

int data_key_generate(const char *path, char *err, size_t errn)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        snprintf(err, errn, "%s : %s", path, strerror(errno));
        return -1;
    }
    unsigned char raw[32];
    char hex[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    hex[64] = '\n';
    ssize_t w = write(fd, hex, 65);
    int bad = w != 65 || fsync(fd) != 0;
    close(fd);
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(hex, sizeof hex);
    if (bad) {
        snprintf(err, errn, "%s : écriture impossible", path);
        unlink(path);
        return -1;
    }
    return 0;
}

void data_key_wipe(struct data_key *k)
{
    sodium_memzero(k, sizeof *k);
}

static void verif_hex(const struct data_key *k, char hex[2 * sizeof k->verif + 1])
{
    sodium_bin2hex(hex, 2 * sizeof k->verif + 1, k->verif, sizeof k->verif);
}

int data_key_check(struct db *d, const struct data_key *k)
{
    char hex[2 * sizeof k->verif + 1];
    verif_hex(k, hex);
    char *have = db_meta_get(d, "cle_verif");
    if (have) {
        int same = strlen(have) == strlen(hex) && sodium_memcmp(have, hex, strlen(hex)) == 0;
        free(have);
        return same;
    }
    return db_meta_set(d, "cle_verif", hex) < 0 ? -1 : 1;
}

int data_key_require(struct db *d, const struct data_key *k)
{
    int r = data_key_check(d, k);
    if (r == 0)
        snprintf(d->err, sizeof d->err,
                 "la clé des données personnelles a changé depuis le démarrage (accompagnement "
                 "cle-changer) : relancez avec la nouvelle clé ; rien n'a été écrit");
    return r == 1 ? 0 : -1;
}

int data_key_set_check(struct db *d, const struct data_key *k)
{
    char hex[2 * sizeof k->verif + 1];
    verif_hex(k, hex);
    return db_meta_set(d, "cle_verif", hex);
}

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

int data_key_seal(const struct data_key *k, const char *ad, const void *p, size_t n,
                  unsigned char **out, size_t *outn)
{
    size_t len = 1 + NONCE + n + TAG;
    unsigned char *b = malloc(len);
    if (!b)
        return -1;
    b[0] = 1;
    randombytes_buf(b + 1, NONCE);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(b + 1 + NONCE, &clen, p, n,
                                               (const unsigned char *)ad, strlen(ad), NULL,
                                               b + 1, k->seal);
    *out = b;
    *outn = 1 + NONCE + (size_t)clen;
    return 0;
}

int data_key_open(const struct data_key *k, const char *ad, const unsigned char *blob,
                  size_t n, char **out, size_t *outn)
{
    *out = NULL;
    if (!blob || n < 1 + NONCE + TAG || blob[0] != 1)
        return -1;
    size_t clen = n - 1 - NONCE;
    char *p = malloc(clen - TAG + 1);
    if (!p)
        return -1;
    unsigned long long plen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)p, &plen, NULL,
                                                   blob + 1 + NONCE, clen,
                                                   (const unsigned char *)ad, strlen(ad),
                                                   blob + 1, k->seal) != 0) {
        free(p);
        return -1;
    }
    p[plen] = 0;
    *out = p;
    if (outn)
        *outn = (size_t)plen;
    return 0;
}

void data_key_index(const struct data_key *k, long long structure_id, const char *field,
                    const char *value, unsigned char out[DATA_KEY_INDEX_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, k->index, sizeof k->index, DATA_KEY_INDEX_BYTES);
    char head[64];
    int hn = snprintf(head, sizeof head, "%lld|%s|", structure_id, field);
    crypto_generichash_update(&st, (const unsigned char *)head, (size_t)hn);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, out, DATA_KEY_INDEX_BYTES);
}
