/* html.c - escaping output for HTML, SVG and URLs (see html.h). */
#include "web/html.h"

#include <stdarg.h>
#include <string.h>

void html_raw(struct buf *b, const char *markup)
{
    buf_puts(b, markup);
}

void html_ntxt(struct buf *b, const char *t, size_t n)
{
    if (!t)
        return;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (t[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = ""; break;
        default: continue;
        }
        buf_add(b, t + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_add(b, t + start, n - start);
}

void html_txt(struct buf *b, const char *t)
{
    if (t)
        html_ntxt(b, t, strlen(t));
}

void html_attr(struct buf *b, const char *v)
{
    html_txt(b, v);
}

void html_txt_lines(struct buf *b, const char *t)
{
    if (!t)
        return;
    const char *nl;
    while ((nl = strchr(t, '\n'))) {
        html_ntxt(b, t, (size_t)(nl - t));
        buf_puts(b, "<br>");
        t = nl + 1;
    }
    html_txt(b, t);
}

void html_url_arg(struct buf *b, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!v)
        return;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(b, e, 3);
        }
    }
}

void html_rawf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}
