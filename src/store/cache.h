/* cache.h - rendered fragments kept in the database between requests
 * (table rendu_cache). Maps drawn from thousands of contours are rendered
 * once and served from here until the data changes: lieux_publish() and
 * territoires_import() call cache_clear().
 *
 * cache_get() returns a malloc'd copy (free()) and its length, or NULL when
 * absent or on error; cache_put() and cache_clear() return 0 or -1 with
 * d->err set. A failed put is harmless: the page is rendered again. */
#ifndef STORE_CACHE_H
#define STORE_CACHE_H
#include <stddef.h>

#include "store/db.h"

char *cache_get(struct db *d, const char *key, size_t *len);
int cache_put(struct db *d, const char *key, const char *data, size_t len);
int cache_clear(struct db *d);

#endif
