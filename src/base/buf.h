/* buf.h - growable byte buffer, the one way Passerelle builds strings.
 *
 * A struct buf owns its bytes (b->s, always NUL-terminated once anything was
 * added). Functions return 0 on success and -1 when memory runs out; after a
 * failure the buffer keeps its previous content and b->oom is set, so callers
 * may build a whole document and check once at the end. Release with
 * buf_free(); buf_take() hands the bytes over to the caller (free()). */
#ifndef BASE_BUF_H
#define BASE_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct buf {
    char *s;
    size_t len, cap;
    int oom;
};

#define BUF_INIT {0, 0, 0, 0}

int buf_add(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Ensure room for n more bytes; returns 0 or -1. */
int buf_grow(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Append the rest of stream f, at most max bytes. Returns 0, -1 on a read
 * error or when memory runs out, -2 when f holds more than max bytes. */
int buf_read_stream(struct buf *b, FILE *f, size_t max);
/* Give the bytes to the caller (free() them); the buffer is left empty.
 * Returns an empty allocated string for an empty buffer, NULL on OOM. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

/* Room for one more element in a growable array of any type: *array (a
 * T *, passed as &array) holds n of *cap elements of elem bytes; when full
 * it doubles (16 at first). 0, or -1 when memory runs out (the array is
 * unchanged). */
int array_grow(void *array, size_t n, size_t *cap, size_t elem);

#endif
