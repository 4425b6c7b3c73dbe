/* cli_sortie.c - writing a command's output to a file or to stdout (see
 * cli.h: cli_ecrire). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_ecrire(const char *path, const char *data, size_t len, const char *qui)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "%s: %s : %s\n", qui, path, strerror(errno));
        return -1;
    }
    int rc = fwrite(data, 1, len, f) == len ? 0 : -1;
    if (path ? fclose(f) != 0 : fflush(f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "%s: écriture impossible : %s\n", qui, strerror(errno));
    return rc;
}
