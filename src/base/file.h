/* file.h - read a whole file into memory (imports read their input in one
 * piece: the CSV reader works on a buffer).
 *
 * file_read() returns a malloc'd, NUL-terminated copy of the file (free()),
 * with its length in *len (the NUL is not counted), or NULL with an English
 * message "PATH: why" in err. */
#ifndef BASE_FILE_H
#define BASE_FILE_H
#include <stddef.h>

char *file_read(const char *path, size_t *len, char *err, size_t errlen);

#endif
