/* test_text.c - encodings, folding, trimming. */
#include "base/text.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#define U8(s) text_is_utf8((s), sizeof(s) - 1)

static void test_utf8_valid(void)
{
    CHECK(U8(""));
    CHECK(U8("plain ascii, long enough for the fast path"));
    CHECK(U8("M\xC3\xA9" "diath\xC3\xA8que"));              /* é è */
    CHECK(U8("\xE2\x82\xAC"));                               /* € */
    CHECK(U8("\xF0\x9F\x98\x80"));                           /* U+1F600 */
    CHECK(U8("\xF4\x8F\xBF\xBF"));                           /* U+10FFFF */
    CHECK(U8("\xED\x9F\xBF"));                               /* U+D7FF */
    CHECK(U8("\xEE\x80\x80"));                               /* U+E000 */
    CHECK(U8("\xC2\x80"));                                   /* U+0080 */
    CHECK(U8("\xE0\xA0\x80"));                               /* U+0800 */
    CHECK(U8("\xF0\x90\x80\x80"));                           /* U+10000 */
    CHECK(U8("a\0b"));                                       /* NUL is valid */
    CHECK(text_is_utf8(NULL, 0));
}

static void test_utf8_invalid(void)
{
    CHECK(!U8("\xC0\x80"));             /* overlong NUL */
    CHECK(!U8("\xC1\xBF"));             /* overlong */
    CHECK(!U8("\xE0\x80\xAF"));         /* overlong '/' */
    CHECK(!U8("\xE0\x9F\xBF"));         /* overlong U+07FF */
    CHECK(!U8("\xF0\x80\x80\xAF"));     /* overlong */
    CHECK(!U8("\xF0\x8F\xBF\xBF"));     /* overlong U+FFFF */
    CHECK(!U8("\xED\xA0\x80"));         /* U+D800 */
    CHECK(!U8("\xED\xBF\xBF"));         /* U+DFFF */
    CHECK(!U8("\xF4\x90\x80\x80"));     /* U+110000 */
    CHECK(!U8("\xF5\x80\x80\x80"));
    CHECK(!U8("\xFF"));
    CHECK(!U8("\x80"));                 /* lone continuation */
    CHECK(!U8("abc\xBF"));
    CHECK(!U8("\xC3"));                 /* truncated */
    CHECK(!U8("\xE2\x82"));             /* truncated */
    CHECK(!U8("\xF0\x9F\x98"));         /* truncated */
    CHECK(!U8("\xC3(x"));               /* bad continuation */
    CHECK(!U8("\xE2(\xAC"));
    CHECK(!U8("M\xE9" "diath\xE8que")); /* Latin-1 */
    CHECK(!U8("abcdefgh\xE9"));         /* after the 8-byte fast path */
    /* Truncation is judged on n, not on a NUL terminator. */
    CHECK(!text_is_utf8("\xC3\xA9", 1));
    CHECK(text_is_utf8("\xC3\xA9", 2));
}

static void test_detect(void)
{
    CHECK(text_detect("abc", 3) == TEXT_UTF8);
    CHECK(text_detect("", 0) == TEXT_UTF8);
    CHECK(text_detect("\xC3\xA9t\xC3\xA9", 5) == TEXT_UTF8);
    CHECK(text_detect("\xEF\xBB\xBF" "abc", 6) == TEXT_UTF8_BOM);
    CHECK(text_detect("\xEF\xBB\xBF", 3) == TEXT_UTF8_BOM);
    CHECK(text_detect("\xEF\xBB", 2) == TEXT_LATIN1);
    CHECK(text_detect("\xE9t\xE9", 3) == TEXT_LATIN1);
    CHECK(text_detect("\x80", 1) == TEXT_LATIN1);
}

static void conv(const char *in, size_t n, const char *want, enum text_encoding want_enc)
{
    size_t len = 12345;
    enum text_encoding enc = TEXT_UTF8;
    char *out = text_to_utf8(in, n, &len, &enc);
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK_STR(out, want);
    CHECK(len == strlen(want));
    CHECK(enc == want_enc);
    CHECK(text_is_utf8(out, len));
    free(out);
}

static void test_to_utf8(void)
{
    conv("abc", 3, "abc", TEXT_UTF8);
    conv("", 0, "", TEXT_UTF8);
    conv("\xC3\xA9t\xC3\xA9", 5, "\xC3\xA9t\xC3\xA9", TEXT_UTF8);
    /* BOM stripped. */
    conv("\xEF\xBB\xBF" "caf\xC3\xA9", 8, "caf\xC3\xA9", TEXT_UTF8_BOM);
    conv("\xEF\xBB\xBF", 3, "", TEXT_UTF8_BOM);
    /* Windows-1252. */
    conv("caf\xE9", 4, "caf\xC3\xA9", TEXT_LATIN1);                        /* é */
    conv("\x80", 1, "\xE2\x82\xAC", TEXT_LATIN1);                          /* € */
    conv("\x9C" "uvre", 5, "\xC5\x93" "uvre", TEXT_LATIN1);                /* œ */
    conv("l\x92" "Atelier", 9, "l\xE2\x80\x99" "Atelier", TEXT_LATIN1);    /* ’ */
    conv("\x8C", 1, "\xC5\x92", TEXT_LATIN1);                              /* Œ */
    conv("\x85\x96\x97", 3, "\xE2\x80\xA6\xE2\x80\x93\xE2\x80\x94", TEXT_LATIN1);
    conv("\x9F\xFF", 2, "\xC5\xB8\xC3\xBF", TEXT_LATIN1);                  /* Ÿ ÿ */
    conv("\x81\x8D\x8F\x90\x9D", 5, "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D", TEXT_LATIN1);
    conv("\xA0\xC7\xE0", 3, "\xC2\xA0\xC3\x87\xC3\xA0", TEXT_LATIN1);      /* nbsp Ç à */
    /* A BOM then invalid bytes: U+FFFD per bad byte, valid parts kept. */
    conv("\xEF\xBB\xBF" "a\xE9" "b\xC3\xA9", 8, "a\xEF\xBF\xBD" "b\xC3\xA9", TEXT_UTF8_BOM);
    conv("\xEF\xBB\xBF\xE2\x82", 5, "\xEF\xBF\xBD\xEF\xBF\xBD", TEXT_UTF8_BOM);

    /* Embedded NUL: length says it all; NULL lengths allowed. */
    char *out = text_to_utf8("a\0b", 3, NULL, NULL);
    CHECK(out && out[0] == 'a' && out[1] == 0 && out[2] == 'b' && out[3] == 0);
    free(out);
    out = text_to_utf8(NULL, 0, NULL, NULL);
    CHECK_STR(out, "");
    free(out);
}

static void fold(const char *in, const char *want)
{
    char out[256];
    size_t n = text_fold(in, out, sizeof out);
    CHECK_STR(out, want);
    CHECK(n == strlen(want));
}

static void test_fold(void)
{
    fold("M\xC3\xA9" "diath\xC3\xA8que  L'\xC5\x92il-de-B\xC5\x93uf", "mediatheque l oeil de boeuf");
    fold("\xC3\x89" "COLE \xC3\x80 \xC3\x87" "A", "ecole a ca");     /* É À Ç */
    fold("  Espace   123 Num\xC3\xA9rique 2.0 ", "espace 123 numerique 2 0");
    fold("", "");
    fold("...", "");
    fold("Stra\xC3\x9F" "e", "strasse");                          /* ß */
    fold("\xC3\x86sop \xC3\xA6", "aesop ae");                     /* Æ æ */
    fold("\xC3\x8E" "le-de-France", "ile de france");              /* Î */
    fold("\xC3\xBF\xC3\x9F\xC3\xB8\xC3\x98", "yssoo");            /* ÿ ß ø Ø */
    fold("\xC5\x81\xC3\xB3" "d\xC5\xBA", "lodz");                 /* Łódź */
    fold("\xC4\xB2" "ssel \xC4\xB1", "ijssel i");                 /* Ĳ ı */
    fold("\xC5\xBF\xC5\xBD\xC5\xBE\xC5\xB8", "szzy");             /* ſ Ž ž Ÿ */
    fold("Bra\xC8\x99ov \xC8\x9A", "brasov t");                   /* ș Ț */
    fold("l\xE2\x80\x99" "atelier \xE2\x80\x93 caf\xC3\xA9", "l atelier cafe"); /* ’ – */
    fold("a\xC2\xA0" "b\xE2\x80\xAF" "c", "a b c");               /* NBSPs */
    fold("N\xC2\xB0 5 \xC2\xAB" "ok\xC2\xBB", "n 5 ok");          /* ° « » */
    fold("e\xCC\x81" "cole", "ecole");                            /* decomposed é */
    fold("m\xC3\xA9\xC2\xAD" "dia", "media");                     /* soft hyphen */
    fold("\xEF\xAC\x81" "n", "fin");                              /* ﬁ ligature */
    fold("\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1", "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1");
    fold("3 \xC3\x97 4", "3 4");                                  /* × */
    fold("tab\there\nnew\r\nline", "tab here new line");
    fold("a\xFF" "b\xC3" "c", "a b c");                           /* invalid bytes */
    fold("\xED\xA0\x80x", "x");                                   /* surrogate */
    fold("\xE2\x82", "");                                         /* truncated */
    fold(NULL, "");
}

static void test_fold_truncate(void)
{
    char out[8];
    CHECK(text_fold("abcdefghij", out, sizeof out) == 7);
    CHECK_STR(out, "abcdefg");
    /* Never split a multi-byte character or an expansion, no trailing space. */
    CHECK(text_fold("abcdef\xCE\xB1", out, sizeof out) == 6);
    CHECK_STR(out, "abcdef");
    CHECK(text_fold("abcdef\xC5\x93", out, sizeof out) == 6);
    CHECK_STR(out, "abcdef");
    CHECK(text_fold("abcdef gh", out, sizeof out) == 6);
    CHECK_STR(out, "abcdef");
    CHECK(text_fold("abc", out, 1) == 0);
    CHECK_STR(out, "");
    out[0] = 'x';
    CHECK(text_fold("abc", out, 0) == 0);
    CHECK(out[0] == 'x');
    /* Folding in place works. */
    char in[] = "  \xC3\x89" "COLE  \xEF\xAC\x83" "x \xC5\x92uvre\xC3\x9F ";
    CHECK(text_fold(in, in, sizeof in) == 19);
    CHECK_STR(in, "ecole ffix oeuvress");
    char two[2];
    CHECK(text_fold("\xC3\x89t\xC3\xA9", two, sizeof two) == 1);
    CHECK_STR(two, "e");
}

static void test_trim(void)
{
    char a[] = "  \t hello world \r\n";
    CHECK_STR(text_trim(a), "hello world");
    char b[] = "";
    CHECK_STR(text_trim(b), "");
    char c[] = " \n\t ";
    CHECK_STR(text_trim(c), "");
    char d[] = "x";
    CHECK_STR(text_trim(d), "x");
    char e[] = "\xC2\xA0x\xC2\xA0"; /* NBSP is not ASCII whitespace */
    CHECK_STR(text_trim(e), "\xC2\xA0x\xC2\xA0");
    CHECK(text_trim(NULL) == NULL);
}

static void test_utf8_len(void)
{
    CHECK(text_utf8_len("") == 0);
    CHECK(text_utf8_len("abc") == 3);
    CHECK(text_utf8_len("M\xC3\xA9" "diath\xC3\xA8que") == 11);
    CHECK(text_utf8_len("\xE2\x82\xAC\xF0\x9F\x98\x80") == 2);
}

int main(void)
{
    RUN(test_utf8_valid);
    RUN(test_utf8_invalid);
    RUN(test_detect);
    RUN(test_to_utf8);
    RUN(test_fold);
    RUN(test_fold_truncate);
    RUN(test_trim);
    RUN(test_utf8_len);
    return CHECK_DONE();
}
