/* fuzz_text.c - libFuzzer target for text.h on arbitrary bytes.
 *
 * text_to_utf8() must always produce valid UTF-8 that text_detect() then
 * calls UTF-8; text_fold() must produce valid UTF-8, even from invalid input,
 * without a leading, trailing or doubled space, and folding twice changes
 * nothing. */
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                                        \
    do {                                                                                  \
        if (!(c))                                                                         \
            abort();                                                                      \
    } while (0)

static void check_folded(const char *f, size_t n, size_t cap)
{
    REQUIRE(n < cap);
    REQUIRE(strlen(f) == n);
    REQUIRE(text_is_utf8(f, n));
    if (n) {
        REQUIRE(f[0] != ' ' && f[n - 1] != ' ');
        REQUIRE(strstr(f, "  ") == NULL);
    }
    for (size_t i = 0; i < n; i++)
        REQUIRE(!(f[i] >= 'A' && f[i] <= 'Z'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t len;
    enum text_encoding enc;
    char *u = text_to_utf8(s, size, &len, &enc);
    REQUIRE(u != NULL);
    REQUIRE(u[len] == 0);
    REQUIRE(text_is_utf8(u, len));
    REQUIRE(text_detect(u, len) == TEXT_UTF8 || (len >= 3 && memcmp(u, "\xEF\xBB\xBF", 3) == 0));
    REQUIRE(enc == text_detect(s, size));
    if (enc == TEXT_UTF8)
        REQUIRE(len == size && memcmp(u, s, size) == 0);
    REQUIRE(text_utf8_len(u) <= strlen(u));

    /* Fold the converted text (up to its first NUL), into a big and a small
     * buffer; the small result must be a prefix of the big one. */
    size_t cap = 3 * size + 64;
    char *f = malloc(cap), *g = malloc(cap);
    REQUIRE(f && g);
    size_t n = text_fold(u, f, cap);
    check_folded(f, n, cap);
    size_t n2 = text_fold(f, g, cap);
    REQUIRE(n2 == n && memcmp(f, g, n) == 0);
    char small[7];
    size_t m = text_fold(u, small, sizeof small);
    check_folded(small, m, sizeof small);
    REQUIRE(m <= n && memcmp(small, f, m) == 0);

    /* Fold the raw bytes too (invalid UTF-8 included). */
    char *raw = malloc(size + 1);
    REQUIRE(raw);
    memcpy(raw, s, size);
    raw[size] = 0;
    n = text_fold(raw, f, cap);
    check_folded(f, n, cap);

    text_trim(raw);
    REQUIRE(text_utf8_len(raw) <= strlen(raw));

    free(raw);
    free(f);
    free(g);
    free(u);
    return 0;
}
