/* compteurs.h - sparse counter vectors summed per scope and calendar
 * bucket, in table stat_agregat: the mechanism behind the activity
 * statistics (accompagnement/agregats.h) and the diagnostic statistics
 * (diagnostic/diag_agregats.h). It knows nothing of what is counted.
 *
 * A vector is a sorted list of (key, count), key = dimension << 48 |
 * value; a bucket is (portee, code, grain, debut) -> vector, grain day,
 * month or year and debut its first day (base/jour.h). Scopes are small
 * integers chosen by each user: 0..15 the activities, STAT_PORTEE_DIAGNOSTIC
 * and above the diagnostics. A period is read with jour_decoupe() and
 * stat_buckets_read(); a rebuild accumulates in memory, records in day
 * order, and writes each bucket once.
 *
 * Errors: -1 with d->err (English). A counter that would go below zero is
 * an error, never a silent clamp. */
#ifndef STORE_COMPTEURS_H
#define STORE_COMPTEURS_H
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/jour.h"
#include "store/db.h"

#define STAT_PORTEE_DIAGNOSTIC 16

enum stat_grain { SG_JOUR = JOUR_GRAIN_JOUR, SG_MOIS = JOUR_GRAIN_MOIS, SG_AN = JOUR_GRAIN_AN };

#define STAT_KEY(dim, val) (((uint64_t)(dim) << 48) | (uint64_t)(val))
#define STAT_DIM(key) ((int)((key) >> 48))
#define STAT_VAL(key) ((long long)((key) & 0xffffffffffffULL))

struct stat_entry {
    uint64_t key;
    long long n;
};
/* A sparse vector, sorted by key, no zero counts. */
struct stat_vec {
    struct stat_entry *v;
    size_t n, cap;
};
void stat_vec_free(struct stat_vec *v);
/* Add n to key (removing it when it reaches 0). 0, or -1 when it would go
 * below zero or memory runs out (v unchanged). */
int stat_vec_add(struct stat_vec *v, uint64_t key, long long n);
/* acc += sign * x. 0, or -1 (underflow: acc may be partly changed). */
int stat_vec_merge(struct stat_vec *acc, const struct stat_vec *x, int sign);
long long stat_vec_get(const struct stat_vec *v, uint64_t key);
/* Encoding: byte 1 (version), then per entry varint(key - previous key)
 * and varint(count), keys strictly increasing, counts > 0. decode returns
 * 0, or -1 when the bytes are not such a vector (out is then empty). */
int stat_vec_encode(const struct stat_vec *v, struct buf *out);
int stat_vec_decode(const unsigned char *p, size_t n, struct stat_vec *out);

/* The first day of the bucket of grain g holding day `jour`. */
long stat_bucket_start(enum stat_grain g, long jour);
/* Bucket (p, code, g, debut) += sign * x, in the caller's transaction
 * (an emptied bucket is deleted). 0 or -1. */
int stat_bucket_apply(struct db *d, int p, const char *code, enum stat_grain g, long debut,
                      const struct stat_vec *x, int sign);
/* out += the buckets of (p, code, g) starting in [from, to]; *rows (when
 * not NULL) counts the rows read. 0 or -1. */
int stat_buckets_read(struct db *d, int p, const char *code, enum stat_grain g, long from, long to,
                      struct stat_vec *out, long *rows);

/* A rebuild: zero-initialise, set `grains` (the grains kept per scope, bits
 * 1 << SG_*), add every record's vector per scope in increasing day order,
 * then end (writes the last buckets) and free. The caller deletes its old
 * buckets first, in the same transaction. count: buckets written. */
struct stat_acc_slot {
    int used;
    int portee;
    char code[24];
    struct stat_vec v;
};
struct stat_accmap {
    struct stat_acc_slot *s;
    size_t cap, n;
};
struct stat_rebuild {
    unsigned (*grains)(int portee);
    struct stat_accmap day, month, year;
    long cur_day, cur_month, cur_year;
    int started;
    long count;
};
int stat_rebuild_add(struct db *d, struct stat_rebuild *r, int portee, const char *code, long jour,
                     const struct stat_vec *v);
int stat_rebuild_end(struct db *d, struct stat_rebuild *r);
void stat_rebuild_free(struct stat_rebuild *r);

#endif
