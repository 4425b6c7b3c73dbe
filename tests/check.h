/* check.h - the project's tiny test harness.
 *
 * A test file defines `static void test_x(void)` functions and lists them in
 * main() with RUN(test_x); CHECK() records a failure with file:line and goes
 * on. CHECK_DONE() prints "check: N passed, M failed" (counted per CHECK) and
 * returns the exit status; scripts/test.sh adds up every binary's line. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;
static const char *check_current;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (cond) {                                                                       \
            check_passed++;                                                               \
        } else {                                                                          \
            check_failed++;                                                               \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__,          \
                    check_current, #cond);                                                \
        }                                                                                 \
    } while (0)

#define CHECK_STR(a, b)                                                                   \
    do {                                                                                  \
        const char *check_a_ = (a), *check_b_ = (b);                                      \
        if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) {                    \
            check_passed++;                                                               \
        } else {                                                                          \
            check_failed++;                                                               \
            fprintf(stderr, "%s:%d: %s: \"%s\" != \"%s\"\n", __FILE__, __LINE__,          \
                    check_current, check_a_ ? check_a_ : "(null)",                        \
                    check_b_ ? check_b_ : "(null)");                                      \
        }                                                                                 \
    } while (0)

#define RUN(fn)                                                                           \
    do {                                                                                  \
        check_current = #fn;                                                              \
        fn();                                                                             \
    } while (0)

#define CHECK_DONE()                                                                      \
    (printf("check: %d passed, %d failed\n", check_passed, check_failed),                 \
     check_failed ? 1 : 0)

#endif
