/* test_jsonw.c - the streaming JSON writer produces valid JSON equal to
 * what jansson reads back, with escaping of every control character. */
#include <jansson.h>
#include <math.h>

#include "base/jsonw.h"
#include "check.h"

static void test_nested_roundtrip(void)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_object(&w);
    jsonw_key(&w, "a");
    jsonw_int(&w, -42);
    jsonw_key(&w, "s");
    jsonw_string(&w, "quote \" backslash \\ tab \t nl \n bell \x07 é");
    jsonw_key(&w, "list");
    jsonw_array(&w);
    jsonw_double(&w, 43.296482);
    jsonw_bool(&w, 1);
    jsonw_null(&w);
    jsonw_object(&w);
    jsonw_end_object(&w);
    jsonw_array(&w);
    jsonw_end_array(&w);
    jsonw_string(&w, NULL);
    jsonw_double(&w, NAN);
    jsonw_end_array(&w);
    jsonw_key(&w, "o");
    jsonw_object(&w);
    jsonw_key(&w, "x");
    jsonw_bool(&w, 0);
    jsonw_end_object(&w);
    jsonw_end_object(&w);
    json_error_t e;
    json_t *j = json_loads(b.s, JSON_REJECT_DUPLICATES, &e);
    CHECK(j != NULL);
    if (!j) {
        fprintf(stderr, "%s: %s\n", b.s, e.text);
        buf_free(&b);
        return;
    }
    CHECK(json_integer_value(json_object_get(j, "a")) == -42);
    CHECK_STR(json_string_value(json_object_get(j, "s")),
              "quote \" backslash \\ tab \t nl \n bell \x07 é");
    json_t *l = json_object_get(j, "list");
    CHECK(json_array_size(l) == 7);
    CHECK(fabs(json_real_value(json_array_get(l, 0)) - 43.296482) < 1e-12);
    CHECK(json_is_true(json_array_get(l, 1)));
    CHECK(json_is_null(json_array_get(l, 2)));
    CHECK(json_is_object(json_array_get(l, 3)) && json_is_array(json_array_get(l, 4)));
    CHECK(json_is_null(json_array_get(l, 5)) && json_is_null(json_array_get(l, 6)));
    CHECK(json_is_false(json_object_get(json_object_get(j, "o"), "x")));
    json_decref(j);
    buf_free(&b);
}

int main(void)
{
    RUN(test_nested_roundtrip);
    return CHECK_DONE();
}
