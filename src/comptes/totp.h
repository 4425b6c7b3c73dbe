/* totp.h - the optional second factor: time-based one-time codes (RFC 6238,
 * HMAC-SHA-1, 6 digits, 30-second steps), as authenticator apps make them.
 *
 * Offered to administrators and coordinators (the accounts that can change
 * other people's access). Enrolment: a random 20-byte secret is shown once
 * in base32 (and as an otpauth:// URI) and becomes active only when a code
 * made from it is given back. A code is accepted for the current step and
 * the one before or after (clock drift), and never twice: the last accepted
 * step is kept (compte.totp_dernier). */
#ifndef COMPTES_TOTP_H
#define COMPTES_TOTP_H
#include <stddef.h>
#include <time.h>

#include "store/db.h"

#define TOTP_SECRET_LEN 20
#define TOTP_BASE32_LEN 40 /* buffer for the base32 text of a secret */

/* The 6-digit code of `secret` for time t (for tests and enrolment). */
int totp_code(const unsigned char *secret, size_t len, time_t t);
/* Base32 (RFC 4648, no padding) of a secret into out[TOTP_BASE32_LEN]. */
void totp_base32(const unsigned char secret[TOTP_SECRET_LEN], char out[TOTP_BASE32_LEN]);
/* Parse base32 (spaces and case ignored). Returns the byte count or -1. */
int totp_base32_decode(const char *in, unsigned char *out, size_t n);
/* Does `code` (6 digits, spaces allowed) match secret around t? Returns the
 * matching time step, or -1. */
long long totp_match(const unsigned char *secret, size_t len, const char *code, time_t t);

/* Turn the second factor on for an account with `secret`, if `code`
 * matches it: 1 on, 0 wrong code (nothing stored), -1. */
int totp_enable(struct db *d, long long compte_id, const unsigned char secret[TOTP_SECRET_LEN],
                const char *code, time_t now);
int totp_disable(struct db *d, long long compte_id);
/* Check a code for an account with a second factor: 1 (accepted and
 * remembered, so it cannot be used again), 0 (wrong, reused or no second
 * factor), -1. */
int totp_verify(struct db *d, long long compte_id, const char *code, time_t now);

#endif
