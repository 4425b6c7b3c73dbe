/* html.h - the only way Passerelle writes HTML, SVG and XML text.
 *
 * Every function that prints a value escapes it for its context: html_txt
 * for element content, html_attr for attribute values (always written
 * inside double quotes by the caller's template), html_url_arg for a
 * component of a URL query. Literal markup is written with html_raw(),
 * which must only ever receive string literals or markup built by this
 * module. All functions append to a struct buf (base/buf.h) and inherit its
 * out-of-memory behaviour (check buf.oom once at the end). */
#ifndef WEB_HTML_H
#define WEB_HTML_H
#include "base/buf.h"

/* Literal markup (trusted, from the program's own text). */
void html_raw(struct buf *b, const char *markup);
/* Text content: escapes & < > " '. NULL prints nothing. */
void html_txt(struct buf *b, const char *text);
/* Same for the first n bytes. */
void html_ntxt(struct buf *b, const char *text, size_t n);
/* Attribute value (caller writes the surrounding double quotes). */
void html_attr(struct buf *b, const char *value);
/* URL query component: percent-encodes everything but unreserved chars. */
void html_url_arg(struct buf *b, const char *value);
/* printf-style for numbers and trusted literals only: the format and its
 * arguments must not contain user text (use html_txt for that). */
void html_rawf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text with newlines turned into <br>. */
void html_txt_lines(struct buf *b, const char *text);

#endif
