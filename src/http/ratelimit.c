/* ratelimit.c - token buckets per address (see ratelimit.h). */
#include "http/ratelimit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void ratelimit_init(struct ratelimit *r, double rate, double burst)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->rate = rate;
    r->burst = burst < 1 ? 1 : burst;
}

void ratelimit_free(struct ratelimit *r)
{
    pthread_mutex_destroy(&r->mu);
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int ratelimit_take(struct ratelimit *r, const char *addr, double now, int *retry_after)
{
    if (r->rate <= 0)
        return 1;
    if (!addr)
        addr = "?";
    pthread_mutex_lock(&r->mu);
    struct rl_slot *s = &r->slots[hash(addr) % RATELIMIT_SLOTS];
    if (strcmp(s->addr, addr) != 0) {
        /* Another address, or an empty slot: start a full bucket. The
         * previous owner, if it comes back, starts full too; collisions
         * only ever make the limit looser, never stricter. */
        snprintf(s->addr, sizeof s->addr, "%s", addr);
        s->tokens = r->burst;
        s->at = now;
    }
    s->tokens += (now - s->at) * r->rate;
    if (s->tokens > r->burst)
        s->tokens = r->burst;
    s->at = now;
    int ok = s->tokens >= 1;
    if (ok)
        s->tokens -= 1;
    else if (retry_after)
        *retry_after = (int)ceil((1 - s->tokens) / r->rate);
    pthread_mutex_unlock(&r->mu);
    return ok;
}
