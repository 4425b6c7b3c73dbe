/* ratelimit.h - requests per client address: a token bucket per address
 * (`rate` tokens a second, up to `burst`), in a fixed table of
 * RATELIMIT_SLOTS slots (addresses hashed; a slot taken by another address
 * is reused when its bucket is full again, so memory never grows).
 * Thread-safe. Owned by the server (no global state). */
#ifndef HTTP_RATELIMIT_H
#define HTTP_RATELIMIT_H
#include <pthread.h>

#define RATELIMIT_SLOTS 4096

struct ratelimit {
    pthread_mutex_t mu;
    double rate, burst; /* rate 0: no limit */
    struct rl_slot {
        char addr[48];
        double tokens;
        double at; /* seconds (monotonic) of the last refill */
    } slots[RATELIMIT_SLOTS];
};

void ratelimit_init(struct ratelimit *r, double rate, double burst);
void ratelimit_free(struct ratelimit *r);
/* 1 when `addr` may make one more request at time `now` (monotonic
 * seconds), 0 when it must wait (*retry_after gets whole seconds). */
int ratelimit_take(struct ratelimit *r, const char *addr, double now, int *retry_after);

#endif
