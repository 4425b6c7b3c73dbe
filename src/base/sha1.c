/* sha1.c - SHA-1 and HMAC-SHA-1 (see sha1.h), written from FIPS 180-4
 * section 6.1 and RFC 2104. */
#include "base/sha1.h"

#include <stdint.h>
#include <string.h>

struct sha1_ctx {
    uint32_t h[5];
    unsigned char block[64];
    size_t used;
    uint64_t bits;
};

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void compress(struct sha1_ctx *c, const unsigned char *p)
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20)
            f = (b & cc) | (~b & d), k = 0x5a827999;
        else if (t < 40)
            f = b ^ cc ^ d, k = 0x6ed9eba1;
        else if (t < 60)
            f = (b & cc) | (b & d) | (cc & d), k = 0x8f1bbcdc;
        else
            f = b ^ cc ^ d, k = 0xca62c1d6;
        uint32_t tmp = rol(a, 5) + f + e + k + w[t];
        e = d;
        d = cc;
        cc = rol(b, 30);
        b = a;
        a = tmp;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
}

static void init(struct sha1_ctx *c)
{
    static const uint32_t h0[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    memcpy(c->h, h0, sizeof h0);
    c->used = 0;
    c->bits = 0;
}

static void update(struct sha1_ctx *c, const unsigned char *p, size_t n)
{
    c->bits += (uint64_t)n * 8;
    while (n) {
        size_t k = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->block + c->used, p, k);
        c->used += k;
        p += k;
        n -= k;
        if (c->used == 64) {
            compress(c, c->block);
            c->used = 0;
        }
    }
}

static void final(struct sha1_ctx *c, unsigned char out[20])
{
    uint64_t bits = c->bits;
    unsigned char pad = 0x80;
    update(c, &pad, 1);
    pad = 0;
    while (c->used != 56)
        update(c, &pad, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    update(c, len, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

void sha1(const unsigned char *data, size_t len, unsigned char out[20])
{
    struct sha1_ctx c;
    init(&c);
    update(&c, data, len);
    final(&c, out);
}

void hmac_sha1(const unsigned char *key, size_t klen, const unsigned char *msg, size_t mlen,
               unsigned char out[20])
{
    unsigned char k[64] = {0}, ipad[64], opad[64], inner[20];
    if (klen > 64)
        sha1(key, klen, k);
    else
        memcpy(k, key, klen);
    for (int i = 0; i < 64; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    struct sha1_ctx c;
    init(&c);
    update(&c, ipad, 64);
    update(&c, msg, mlen);
    final(&c, inner);
    init(&c);
    update(&c, opad, 64);
    update(&c, inner, 20);
    final(&c, out);
}
