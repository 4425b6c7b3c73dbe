/* chiffre.h - the key that protects beneficiaries' personal data at rest,
 * and what is done with it.
 *
 * The operator gives a 32-byte master key in a file (`serve --cle FILE`,
 * the same option on the command line, or $PASSERELLE_CLE naming the
 * file): 64 hexadecimal characters (a trailing newline allowed) or 32 raw
 * bytes. `passerelle accompagnement cle FILE` makes one (mode 0600). The key
 * never enters the database: a copy of the file without the key file
 * reveals no name, phone or e-mail. Two subkeys are derived from it
 * (libsodium crypto_kdf, context "PLaccomp"):
 *   - sealing: XChaCha20-Poly1305 (IETF AEAD) with a random 24-byte nonce
 *     per write; the record's kind and id are the associated data, so a
 *     ciphertext cannot be moved to another row. Blob: version byte 1,
 *     nonce, ciphertext and tag.
 *   - blind indexes: keyed BLAKE2b-128 of (structure id, field, value
 *     normalised), for exact matching without decrypting (same phone, same
 *     e-mail, same name within one structure). Equal values in two
 *     structures give unrelated hashes.
 * The database keeps a check value of the key (meta "cle_verif", a keyed
 * hash of a constant) so that a wrong key is refused before anything is
 * written with it.
 *
 * None of these functions keep global state; keys are wiped by
 * data_key_wipe(). */
#ifndef ACCOMPAGNEMENT_CHIFFRE_H
#define ACCOMPAGNEMENT_CHIFFRE_H
#include <stddef.h>

#include "store/db.h"

struct data_key {
    unsigned char seal[32];
    unsigned char index[32];
    unsigned char verif[16];
};

#define DATA_KEY_INDEX_BYTES 16

/* Derive the subkeys from a key file's bytes. 0, or -1 when they are not
 * 64 hex characters (optionally followed by a newline) or 32 bytes. */
int data_key_parse(const unsigned char *data, size_t n, struct data_key *k);
/* Read and parse a key file. 0, or -1 with a French message in err. */
int data_key_load(const char *path, struct data_key *k, char *err, size_t errn);
/* The key file named by $PASSERELLE_CLE, or by `path` when not NULL.
 * 1 loaded, 0 none configured, -1 unreadable (err set). */
int data_key_from_config(const char *path, struct data_key *k, char *err, size_t errn);
/* Write a new random key file (refuses to overwrite). 0 or -1 (err). */
int data_key_generate(const char *path, char *err, size_t errn);
void data_key_wipe(struct data_key *k);

/* Compare with the database's check value, recording it at the first
 * use. 1 same key, 0 another key, -1 database error. */
int data_key_check(struct db *d, const struct data_key *k);
/* Before sealing with k: 0 when k is the database's key (data_key_check),
 * or -1 with d->err (another key: the key was changed since this process
 * loaded it, see rotation.h; or a database error). */
int data_key_require(struct db *d, const struct data_key *k);
/* Record k as the database's key (the last step of a key change). 0 or -1. */
int data_key_set_check(struct db *d, const struct data_key *k);

/* Seal plaintext p[0..n) for record `ad` ("beneficiaire:12"). *out is
 * malloc'd (free()), *outn its length. 0 or -1 (memory). */
int data_key_seal(const struct data_key *k, const char *ad, const void *p, size_t n,
                  unsigned char **out, size_t *outn);
/* Open a sealed blob; *out is malloc'd and NUL-terminated. 0, or -1 when
 * the blob is not one sealed with this key for this record. */
int data_key_open(const struct data_key *k, const char *ad, const unsigned char *blob,
                  size_t n, char **out, size_t *outn);
/* Blind index of a normalised value of `field` in structure s. */
void data_key_index(const struct data_key *k, long long structure_id, const char *field,
                    const char *value, unsigned char out[DATA_KEY_INDEX_BYTES]);

#endif
