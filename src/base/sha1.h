/* sha1.h - SHA-1 (FIPS 180-4) and HMAC-SHA-1 (RFC 2104), for TOTP only.
 *
 * TOTP authenticator apps (RFC 6238) use HMAC-SHA-1 by default and
 * libsodium has no SHA-1; nothing else in Passerelle may use it (passwords
 * are argon2id, tokens SHA-256). Cannot fail. */
#ifndef BASE_SHA1_H
#define BASE_SHA1_H
#include <stddef.h>

void sha1(const unsigned char *data, size_t len, unsigned char out[20]);
void hmac_sha1(const unsigned char *key, size_t klen, const unsigned char *msg, size_t mlen,
               unsigned char out[20]);

#endif
